/*
 * watchline/sink.h - where frames go.
 *
 * Writers for 16-bit PGM, 16-bit PNG and 16-bit TIFF (one file per frame),
 * raw little-endian Y16 (one stream), lossless FFV1 in Matroska, and
 * colour-mapped 8-bit PNG snapshots for people to look at.
 *
 * How a path is recognised (wl_sink_open), format WL_FORMAT_AUTO:
 *   - an existing directory, or a path ending in '/': numbered files
 *     000001.pgm, 000002.pgm ... (opts->format picks pgm/png/tiff; auto = pgm);
 *   - a path containing a printf conversion such as %06d: numbered files,
 *     numbered from 1, format from the extension;
 *   - *.pgm *.png *.tif *.tiff: a single image (a second frame is an error);
 *   - *.y16 *.raw or "-": raw Y16 stream;
 *   - *.mkv: FFV1 level 3, gray16le, in Matroska.
 * A palette other than WL_PALETTE_NONE turns PNG output into colour-mapped
 * 8-bit RGB snapshots.
 */
#ifndef WATCHLINE_SINK_H
#define WATCHLINE_SINK_H

#include "watchline/frame.h"
#include "watchline/snapshot.h"

typedef struct wl_sink wl_sink_t;

typedef enum wl_format {
  WL_FORMAT_AUTO = 0,
  WL_FORMAT_PGM,
  WL_FORMAT_PNG,
  WL_FORMAT_TIFF,
  WL_FORMAT_RAW,
  WL_FORMAT_MKV
} wl_format_t;

typedef struct wl_sink_opts {
  wl_format_t format;
  double fps;              /* for video containers; 0 = 30 */
  wl_palette_t palette;    /* WL_PALETTE_NONE: keep 16-bit grey */
} wl_sink_opts_t;

void wl_sink_default_opts(wl_sink_opts_t *opts);

/* Parse "pgm", "png", "tiff", "raw", "mkv"; WL_EINVAL if unknown. */
int wl_format_parse(const char *name, wl_format_t *out);

int wl_sink_open(wl_sink_t **out, const char *path, const wl_sink_opts_t *opts,
                 wl_err_t *err);

/* Write one frame. All frames of a sink must have the same size. */
int wl_sink_write(wl_sink_t *sink, const wl_frame_t *frame, wl_err_t *err);

/* Create directory path and any missing parents (like mkdir -p). An
 * existing directory is fine; an existing non-directory is WL_EIO. */
int wl_mkdir_p(const char *path, wl_err_t *err);

/* Finish (trailers, flush) and free. Returns the first error of finishing.
 * sink may be NULL. */
int wl_sink_close(wl_sink_t *sink, wl_err_t *err);

#endif
