/*
 * io_int.h - internal: the source and sink vtables behind source.h/sink.h.
 *
 * Each backend (image files, raw Y16, FFmpeg) embeds `struct wl_source` or
 * `struct wl_sink` as its first member and fills the vtable; source.c and
 * sink.c pick the backend from the URI/path and forward calls.
 */
#ifndef WL_IO_INT_H
#define WL_IO_INT_H

#include <stdio.h>

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
  char *name;        /* the path, for messages: set and freed by sink.c */
};

/* Backends (each returns a new object or an error). */
int wl__source_open_images(wl_source_t **out, const char *uri,
                           const wl_source_opts_t *opts, wl_err_t *err);
int wl__source_open_raw(wl_source_t **out, const char *uri,
                        const wl_source_opts_t *opts, wl_err_t *err);
int wl__source_open_av(wl_source_t **out, const char *uri,
                       const wl_source_opts_t *opts, wl_err_t *err);
/* Frames of raw Y16 input: file size / frame size; -1 for pipes and "-";
 * WL_EFORMAT when the last frame is partial. */
long wl__raw_count_frames(const char *uri, const wl_source_opts_t *opts,
                          wl_err_t *err);
/* Image files a directory, glob or single image name holds. */
long wl__images_count_frames(const char *uri, wl_err_t *err);
/* Count video frames by demuxing only; -1 for live inputs. */
long wl__av_count_frames(const char *uri, wl_err_t *err);
/* The FFmpeg source over a caller's buffer (kept alive until close), for
 * tests and fuzzing; `formats` limits the demuxers (e.g. "matroska,mp4"),
 * NULL allows all. Nothing else is opened (protocol whitelist "none"). */
int wl__source_open_av_memory(wl_source_t **out, const char *name,
                              const void *data, size_t size,
                              const char *formats,
                              const wl_source_opts_t *opts, wl_err_t *err);

int wl__sink_open_images(wl_sink_t **out, const char *path,
                         const wl_sink_opts_t *opts, wl_err_t *err);
int wl__sink_open_raw(wl_sink_t **out, const char *path,
                      const wl_sink_opts_t *opts, wl_err_t *err);
int wl__sink_open_av(wl_sink_t **out, const char *path,
                     const wl_sink_opts_t *opts, wl_err_t *err);

/* ---- Helpers shared by the io backends (io_util.c). ---- */

/* The image format named by path's extension (case-insensitive): .pgm ->
 * WL_FORMAT_PGM, .png -> WL_FORMAT_PNG, .tif/.tiff -> WL_FORMAT_TIFF,
 * .y16/.raw -> WL_FORMAT_RAW, .mkv -> WL_FORMAT_MKV; WL_FORMAT_AUTO when
 * none of these. */
wl_format_t wl__format_from_ext(const char *path);

/* fopen() with an error naming path and why: WL_ENOTFOUND when the file or
 * a directory on the way does not exist, else WL_EIO. */
int wl__fopen(FILE **out, const char *path, const char *mode, wl_err_t *err);

/* Bytes left between fp's position and its end, or -1 when fp cannot tell
 * (pipes, terminals). Leaves the position unchanged. */
long long wl__bytes_left(FILE *fp);

/* A PNG to write, one row at a time: row(ctx, y) returns row y as PNG
 * samples (16-bit ones in host byte order), valid until the next call. */
typedef struct wl__png_image {
  int width, height;
  int channels;  /* 1 grey or 3 RGB */
  int bit_depth; /* 8 or 16 */
  const unsigned char *(*row)(void *ctx, int y);
  void *ctx;
} wl__png_image_t;

/* Write img as a PNG to fp (zlib level 1, SUB filter). name is for
 * messages. */
int wl__png_write_rows(FILE *fp, const char *name, const wl__png_image_t *img,
                       wl_err_t *err);

/* Byte order: 16-bit samples in files are big-endian (PGM, PNG) or
 * little-endian (raw Y16); these swap in place when the host differs. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define WL__HOST_BIG_ENDIAN 1
#else
#define WL__HOST_BIG_ENDIAN 0
#endif

static inline void wl__swap16(uint16_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint16_t)((p[i] >> 8) | (p[i] << 8));
}

#endif
