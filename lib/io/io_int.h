/*
 * io_int.h - internal: the source and sink vtables behind source.h/sink.h.
 *
 * Each backend (image files, raw Y16, FFmpeg) embeds `struct wl_source` or
 * `struct wl_sink` as its first member and fills the vtable; source.c and
 * sink.c pick the backend from the URI/path and forward calls.
 */
#ifndef WL_IO_INT_H
#define WL_IO_INT_H

#include "watchline/sink.h"
#include "watchline/source.h"

typedef struct wl__source_vt {
  int (*next)(wl_source_t *src, wl_frame_t *frame, wl_err_t *err);
  void (*close)(wl_source_t *src); /* frees src itself */
} wl__source_vt_t;

struct wl_source {
  const wl__source_vt_t *vt;
  wl_source_info_t info;
  wl_source_opts_t opts;
  uint64_t seq; /* next sequence number, maintained by source.c */
};

typedef struct wl__sink_vt {
  int (*write)(wl_sink_t *sink, const wl_frame_t *frame, wl_err_t *err);
  int (*close)(wl_sink_t *sink, wl_err_t *err); /* finishes and frees */
} wl__sink_vt_t;

struct wl_sink {
  const wl__sink_vt_t *vt;
  wl_sink_opts_t opts;
  int width, height; /* of the first frame; 0 before it */
  long frames;       /* written so far */
};

/* Backends (each returns a new object or an error). */
int wl__source_open_images(wl_source_t **out, const char *uri,
                           const wl_source_opts_t *opts, wl_err_t *err);
int wl__source_open_raw(wl_source_t **out, const char *uri,
                        const wl_source_opts_t *opts, wl_err_t *err);
int wl__source_open_av(wl_source_t **out, const char *uri,
                       const wl_source_opts_t *opts, wl_err_t *err);
/* Count video frames by demuxing only; -1 for live inputs. */
long wl__av_count_frames(const char *uri, wl_err_t *err);

int wl__sink_open_images(wl_sink_t **out, const char *path,
                         const wl_sink_opts_t *opts, wl_err_t *err);
int wl__sink_open_raw(wl_sink_t **out, const char *path,
                      const wl_sink_opts_t *opts, wl_err_t *err);
int wl__sink_open_av(wl_sink_t **out, const char *path,
                     const wl_sink_opts_t *opts, wl_err_t *err);

#endif
