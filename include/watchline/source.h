/*
 * watchline/source.h - where frames come from.
 *
 * One interface over every input: image files (PGM, PNG, TIFF) singly, as a
 * directory or as a glob read in name order; raw little-endian Y16 files or
 * pipes; and anything FFmpeg opens (video files, rtsp:// URLs, V4L2 devices
 * such as /dev/video0). Later stages only see wl_source_next().
 *
 * How an input is recognised (wl_source_open):
 *   - "-" or a name ending in .y16 or .raw, or any input when opts->raw_width
 *     is set: raw Y16, needs raw_width/raw_height (--size WxH);
 *   - a directory: every .pgm/.png/.tif/.tiff file in it, in name order;
 *   - a pattern containing * ? or [: a glob(3), in name order;
 *   - a name ending in .pgm .png .tif .tiff: one image;
 *   - anything else (file, URL, device): FFmpeg.
 */
#ifndef WATCHLINE_SOURCE_H
#define WATCHLINE_SOURCE_H

#include "watchline/frame.h"

typedef struct wl_source wl_source_t;

typedef struct wl_source_opts {
  int raw_width;            /* raw Y16 frame size; 0 = not raw */
  int raw_height;
  double fps;               /* frame rate for inputs that carry none; 0 = 30 */
  int radiometry_override;  /* 1: use `radiometry` instead of the default */
  wl_radiometry_t radiometry;
} wl_source_opts_t;

typedef struct wl_source_info {
  const char *kind;   /* "pgm", "png", "tiff", "images", "raw", "video", ... */
  int width;          /* 0 while unknown (some streams before first frame) */
  int height;
  double fps;
  long frame_count;   /* -1 when unknown (live streams, pipes) */
  int bit_depth;      /* 8 or 16 (significant bits) */
  wl_radiometry_t radiometry;
} wl_source_info_t;

void wl_source_default_opts(wl_source_opts_t *opts);

/*
 * Open `uri`. On success *out is a new source, released with
 * wl_source_close(). opts may be NULL for the defaults.
 */
int wl_source_open(wl_source_t **out, const char *uri,
                   const wl_source_opts_t *opts, wl_err_t *err);

/*
 * Read the next frame into *frame (its buffer is reused). Returns WL_OK,
 * WL_EOF at the end of the input, or a negative error. seq counts from 0;
 * t_ns is the frame's presentation time.
 */
int wl_source_next(wl_source_t *src, wl_frame_t *frame, wl_err_t *err);

/* What is known about the input. Valid until the source is closed. */
const wl_source_info_t *wl_source_info(const wl_source_t *src);

/* Count the frames of a finite input without decoding pixels where the
 * format allows it (demuxing only for video). Returns the count (>= 0), or
 * a negative error: WL_EUNSUPPORTED for inputs that have no count (live
 * streams, devices, pipes, standard input). */
long wl_source_count_frames(const char *uri, const wl_source_opts_t *opts,
                            wl_err_t *err);

/*
 * Process-wide FFmpeg settings, for a program (not a library) to call once
 * at start-up: FFmpeg then logs errors only (quiet: nothing at all), and no
 * single allocation it makes may exceed max_alloc bytes -- hostile video
 * headers can otherwise ask for gigabytes. Affects the whole process.
 */
void wl_source_process_setup(size_t max_alloc, int quiet);

/* Release the source. src may be NULL. */
void wl_source_close(wl_source_t *src);

#endif
