/*
 * watchline/snapshot.h - colour-mapped 8-bit pictures of thermal frames.
 *
 * For people, not for analysis. The display range is robust: by default the
 * 1st and 99.5th percentiles of the frame (from a 16-bit histogram), so a
 * few hot or dead pixels do not wash the picture out.
 */
#ifndef WATCHLINE_SNAPSHOT_H
#define WATCHLINE_SNAPSHOT_H

#include <stdint.h>
#include <stdio.h>

#include "watchline/frame.h"

typedef enum wl_palette {
  WL_PALETTE_NONE = 0,
  WL_PALETTE_WHITE_HOT,
  WL_PALETTE_IRONBOW
} wl_palette_t;

/* Parse "white-hot" / "ironbow" (also "none"). WL_EINVAL if unknown. */
int wl_palette_parse(const char *name, wl_palette_t *out);

/* Robust display range: values at the lo and hi percentiles (0..100). */
void wl_snapshot_range(const wl_frame_t *frame, double lo_pct, double hi_pct,
                       uint16_t *lo, uint16_t *hi);

/*
 * Colour-map frame into rgb (width*height*3 bytes, caller-allocated) with
 * the display range [lo, hi].
 */
void wl_colormap(const wl_frame_t *frame, wl_palette_t palette, uint16_t lo,
                 uint16_t hi, uint8_t *rgb);

/* Write a colour-mapped 8-bit RGB PNG with the robust default range. */
int wl_snapshot_write_png(FILE *fp, const char *name, const wl_frame_t *frame,
                          wl_palette_t palette, wl_err_t *err);

#endif
