/*
 * source.c - wl_source_*: picks a backend for a URI and forwards to it.
 *
 * The dispatch rules are the ones stated in source.h, in this order: raw Y16
 * ("-", *.y16, *.raw, or opts->raw_width/raw_height set); URLs (containing
 * "://") to FFmpeg, so a '?' in a query string is not taken for a glob; a
 * directory; a glob pattern (* ? [); a single .pgm/.png/.tif/.tiff; anything
 * else to FFmpeg.
 *
 * This file owns what is common to every backend: normalised options (fps
 * 0 -> 30), sequence numbers (frame->seq counts from 0 in input order) and
 * the radiometry override, applied to 16-bit input only (8-bit data is AGC
 * video and stays non-radiometric).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_int.h"

#define DEFAULT_FPS 30.0

typedef enum source_backend {
  BACKEND_RAW,
  BACKEND_IMAGES,
  BACKEND_AV
} source_backend_t;

void wl_source_default_opts(wl_source_opts_t *opts) {
  memset(opts, 0, sizeof *opts);
  opts->fps = DEFAULT_FPS;
  opts->radiometry = wl_radiometry_centikelvin();
}

static source_backend_t pick_backend(const char *uri,
                                     const wl_source_opts_t *opts) {
  wl_format_t ext = wl__format_from_ext(uri);
  if (strcmp(uri, "-") == 0 || ext == WL_FORMAT_RAW || opts->raw_width > 0 ||
      opts->raw_height > 0)
    return BACKEND_RAW;
  if (strstr(uri, "://")) return BACKEND_AV;
  struct stat st;
  if (stat(uri, &st) == 0 && S_ISDIR(st.st_mode)) return BACKEND_IMAGES;
  if (strpbrk(uri, "*?[")) return BACKEND_IMAGES;
  if (ext == WL_FORMAT_PGM || ext == WL_FORMAT_PNG || ext == WL_FORMAT_TIFF)
    return BACKEND_IMAGES;
  return BACKEND_AV;
}

/* opts or the defaults, with fps 0 (or negative, or NaN) meaning 30. */
static wl_source_opts_t normalised_opts(const wl_source_opts_t *opts) {
  wl_source_opts_t o;
  if (opts)
    o = *opts;
  else
    wl_source_default_opts(&o);
  if (!(o.fps > 0)) o.fps = DEFAULT_FPS;
  return o;
}

int wl_source_open(wl_source_t **out, const char *uri,
                   const wl_source_opts_t *opts, wl_err_t *err) {
  if (!out || !uri || !uri[0])
    return wl_fail(err, WL_EINVAL, "source: no input given");
  *out = NULL;
  wl_source_opts_t o = normalised_opts(opts);
  wl_source_t *src = NULL;
  int rc;
  switch (pick_backend(uri, &o)) {
  case BACKEND_RAW: rc = wl__source_open_raw(&src, uri, &o, err); break;
  case BACKEND_IMAGES: rc = wl__source_open_images(&src, uri, &o, err); break;
  default: rc = wl__source_open_av(&src, uri, &o, err); break;
  }
  if (rc != WL_OK) return rc;
  src->opts = o;
  src->seq = 0;
  if (src->info.fps <= 0) src->info.fps = o.fps;
  if (o.radiometry_override && src->info.bit_depth > 8)
    src->info.radiometry = o.radiometry;
  *out = src;
  return WL_OK;
}

int wl_source_next(wl_source_t *src, wl_frame_t *frame, wl_err_t *err) {
  if (!src || !frame)
    return wl_fail(err, WL_EINVAL, "source: no source or frame given");
  int rc = src->vt->next(src, frame, err);
  if (rc != WL_OK) return rc;
  frame->seq = src->seq++;
  if (src->opts.radiometry_override && frame->bit_depth > 8)
    frame->radiometry = src->opts.radiometry;
  return WL_OK;
}

const wl_source_info_t *wl_source_info(const wl_source_t *src) {
  return &src->info;
}

long wl_source_count_frames(const char *uri, const wl_source_opts_t *opts,
                            wl_err_t *err) {
  if (!uri || !uri[0])
    return wl_fail(err, WL_EINVAL, "source: no input given");
  wl_err_clear(err);
  wl_source_opts_t o = normalised_opts(opts);
  switch (pick_backend(uri, &o)) {
  case BACKEND_RAW: return wl__raw_count_frames(uri, &o, err);
  case BACKEND_IMAGES: return wl__images_count_frames(uri, err);
  default: return wl__av_count_frames(uri, err);
  }
}

void wl_source_close(wl_source_t *src) {
  if (src) src->vt->close(src);
}
