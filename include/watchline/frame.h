/*
 * watchline/frame.h - one 16-bit thermal frame.
 *
 * A frame is width x height 16-bit pixels, row-major, no padding, with a
 * timestamp, a sequence number and its radiometry. Radiometric frames map a
 * pixel value v to temperature: kelvin = v * scale + offset (the default is
 * centikelvin: scale 0.01, offset 0, as FLIR TLinear output). 8-bit sources
 * (a camera's AGC video) are widened to 16 bits unchanged (0..255) and marked
 * non-radiometric, with bit_depth 8.
 *
 * Frames own their pixel buffer. wl_frame_alloc() grows the buffer only when
 * needed, so a frame reused across a stream allocates once.
 */
#ifndef WATCHLINE_FRAME_H
#define WATCHLINE_FRAME_H

#include <stdint.h>
#include <stddef.h>

#include "watchline/common.h"

typedef struct wl_radiometry {
  int radiometric; /* 1: kelvin = v * scale + offset; 0: arbitrary units */
  double scale;
  double offset;
} wl_radiometry_t;

typedef struct wl_frame {
  int width;
  int height;
  uint16_t *data;      /* width * height pixels, row-major */
  size_t capacity;     /* pixels allocated in data */
  int64_t t_ns;        /* capture time in ns (stream time, from 0 or epoch) */
  uint64_t seq;        /* sequence number from 0 in input order */
  int bit_depth;       /* significant bits of the source: 8..16 */
  wl_radiometry_t radiometry;
} wl_frame_t;

/* The default radiometry: centikelvin, radiometric. */
wl_radiometry_t wl_radiometry_centikelvin(void);

/* The radiometry of non-radiometric (AGC) data. */
wl_radiometry_t wl_radiometry_none(void);

/* An empty frame (no buffer). Equivalent to zero-initialisation. */
void wl_frame_init(wl_frame_t *f);

/*
 * Make f hold width x height pixels, reusing its buffer when large enough.
 * Pixel contents are unspecified afterwards. Checks the size limits.
 */
int wl_frame_alloc(wl_frame_t *f, int width, int height, wl_err_t *err);

/* Free the pixel buffer; f becomes empty. f may be NULL. */
void wl_frame_release(wl_frame_t *f);

/* Deep copy of pixels and metadata into dst (reusing dst's buffer). */
int wl_frame_copy(wl_frame_t *dst, const wl_frame_t *src, wl_err_t *err);

/* Kelvin of a pixel value; NaN for a non-radiometric frame. */
double wl_frame_kelvin(const wl_frame_t *f, uint16_t v);

#endif
