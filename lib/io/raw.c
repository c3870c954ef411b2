/*
 * raw.c - raw little-endian Y16: the reader/writer calls of image.h and the
 * raw source (file or pipe, "-" = stdin) and raw sink (file or "-" =
 * stdout) behind source.h / sink.h.
 *
 * A raw stream is frames of exactly width*height little-endian uint16
 * samples, no header, no padding. The size comes from the caller (--size
 * WxH). A read returning zero bytes at a frame boundary is the clean end
 * (WL_EOF); any other short read is a partial trailing frame (WL_EFORMAT).
 * Frames are read and written with one fread/fwrite each, straight from/to
 * the frame buffer (byte-swapped only on big-endian hosts).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_int.h"
#include "watchline/image.h"

int wl_raw_read(FILE *fp, const char *name, int width, int height,
                wl_frame_t *frame, wl_err_t *err) {
  if (!name) name = "raw Y16";
  int rc = wl_check_size(width, height, name, err);
  if (rc != WL_OK) return rc;
  /* Peek one byte so a clean end does not touch the frame. */
  int c = getc(fp);
  if (c == EOF) {
    if (ferror(fp))
      return wl_fail(err, WL_EIO, "%s: read error: %s", name, strerror(errno));
    return WL_EOF;
  }
  if (ungetc(c, fp) == EOF)
    return wl_fail(err, WL_EIO, "%s: cannot push back a byte", name);
  rc = wl_frame_alloc(frame, width, height, err);
  if (rc != WL_OK) return rc;
  size_t n = (size_t)width * (size_t)height;
  size_t bytes = n * 2;
  size_t got = fread(frame->data, 1, bytes, fp);
  if (got != bytes) {
    if (ferror(fp))
      return wl_fail(err, WL_EIO, "%s: read error: %s", name, strerror(errno));
    return wl_fail(err, WL_EFORMAT,
                   "%s: last frame is partial: %zu of %zu bytes (%dx%d Y16)",
                   name, got, bytes, width, height);
  }
  if (WL__HOST_BIG_ENDIAN) wl__swap16(frame->data, n);
  frame->bit_depth = 16;
  frame->radiometry = wl_radiometry_centikelvin();
  return WL_OK;
}

int wl_raw_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err) {
  if (!name) name = "raw Y16";
  size_t n = (size_t)frame->width * (size_t)frame->height;
  if (WL__HOST_BIG_ENDIAN) {
    enum { CHUNK = 8192 };
    uint16_t buf[CHUNK];
    for (size_t done = 0; done < n; done += CHUNK) {
      size_t k = n - done < CHUNK ? n - done : CHUNK;
      memcpy(buf, frame->data + done, k * 2);
      wl__swap16(buf, k);
      if (fwrite(buf, 2, k, fp) != k)
        return wl_fail(err, WL_EIO, "%s: write error: %s", name,
                       strerror(errno));
    }
    return WL_OK;
  }
  if (fwrite(frame->data, 2, n, fp) != n)
    return wl_fail(err, WL_EIO, "%s: write error: %s", name, strerror(errno));
  return WL_OK;
}

/* ---- source ---- */

typedef struct raw_source {
  wl_source_t base;
  FILE *fp;
  int owns_fp; /* 0 for stdin */
  char *name;
} raw_source_t;

static int raw_source_next(wl_source_t *src, wl_frame_t *frame,
                           wl_err_t *err) {
  raw_source_t *rs = (raw_source_t *)src;
  int rc = wl_raw_read(rs->fp, rs->name, src->info.width, src->info.height,
                       frame, err);
  if (rc != WL_OK) return rc;
  frame->t_ns = llround((double)src->seq * 1e9 / src->info.fps);
  return WL_OK;
}

static void raw_source_close(wl_source_t *src) {
  raw_source_t *rs = (raw_source_t *)src;
  if (rs->owns_fp) fclose(rs->fp);
  free(rs->name);
  free(rs);
}

static const wl__source_vt_t raw_source_vt = {raw_source_next,
                                              raw_source_close};

/* Frames in a regular file of `bytes` bytes; -1 if not a whole number. */
static long whole_frames(long long bytes, size_t frame_bytes) {
  if (bytes < 0 || (unsigned long long)bytes % frame_bytes != 0) return -1;
  return (long)((unsigned long long)bytes / frame_bytes);
}

static int check_raw_size(const char *uri, const wl_source_opts_t *opts,
                          wl_err_t *err) {
  if (opts->raw_width <= 0 || opts->raw_height <= 0)
    return wl_fail(err, WL_EINVAL, "%s: raw input needs --size WxH", uri);
  return wl_check_size(opts->raw_width, opts->raw_height, uri, err);
}

int wl__source_open_raw(wl_source_t **out, const char *uri,
                        const wl_source_opts_t *opts, wl_err_t *err) {
  int rc = check_raw_size(uri, opts, err);
  if (rc != WL_OK) return rc;
  raw_source_t *rs = calloc(1, sizeof *rs);
  char *name = strdup(strcmp(uri, "-") == 0 ? "stdin" : uri);
  if (!rs || !name) {
    free(rs);
    free(name);
    return wl_fail(err, WL_ENOMEM, "%s: out of memory opening raw input", uri);
  }
  rs->name = name;
  if (strcmp(uri, "-") == 0) {
    rs->fp = stdin;
  } else {
    rc = wl__fopen(&rs->fp, uri, "rb", err);
    if (rc != WL_OK) {
      free(name);
      free(rs);
      return rc;
    }
    rs->owns_fp = 1;
  }
  wl_source_info_t *info = &rs->base.info;
  info->kind = "raw";
  info->width = opts->raw_width;
  info->height = opts->raw_height;
  info->fps = opts->fps;
  info->bit_depth = 16;
  info->radiometry = wl_radiometry_centikelvin();
  info->frame_count = -1;
  struct stat st;
  if (rs->owns_fp && fstat(fileno(rs->fp), &st) == 0 && S_ISREG(st.st_mode))
    info->frame_count = whole_frames(
        (long long)st.st_size, (size_t)opts->raw_width * opts->raw_height * 2);
  rs->base.vt = &raw_source_vt;
  *out = &rs->base;
  return WL_OK;
}

long wl__raw_count_frames(const char *uri, const wl_source_opts_t *opts,
                          wl_err_t *err) {
  int rc = check_raw_size(uri, opts, err);
  if (rc != WL_OK) return rc;
  if (strcmp(uri, "-") == 0)
    return wl_fail(err, WL_EUNSUPPORTED, "standard input has no frame count");
  struct stat st;
  if (stat(uri, &st) != 0)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot read: %s", uri, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return wl_fail(err, WL_EUNSUPPORTED, "%s: a pipe or device has no frame count",
                   uri);
  size_t frame_bytes = (size_t)opts->raw_width * opts->raw_height * 2;
  long frames = whole_frames((long long)st.st_size, frame_bytes);
  if (frames < 0)
    return wl_fail(err, WL_EFORMAT,
                   "%s: %lld bytes is not a whole number of %dx%d Y16 frames "
                   "(%zu bytes each): the last frame is partial",
                   uri, (long long)st.st_size, opts->raw_width,
                   opts->raw_height, frame_bytes);
  return frames;
}

/* ---- sink ---- */

typedef struct raw_sink {
  wl_sink_t base;
  FILE *fp;
  int owns_fp; /* 0 for stdout */
  char *name;
} raw_sink_t;

static int raw_sink_write(wl_sink_t *sink, const wl_frame_t *frame,
                          wl_err_t *err) {
  raw_sink_t *rs = (raw_sink_t *)sink;
  return wl_raw_write(rs->fp, rs->name, frame, err);
}

static int raw_sink_close(wl_sink_t *sink, wl_err_t *err) {
  raw_sink_t *rs = (raw_sink_t *)sink;
  int rc = WL_OK;
  if (rs->owns_fp) {
    if (fclose(rs->fp) != 0)
      rc = wl_fail(err, WL_EIO, "%s: cannot finish writing: %s", rs->name,
                   strerror(errno));
  } else if (fflush(rs->fp) != 0) {
    rc = wl_fail(err, WL_EIO, "%s: cannot flush: %s", rs->name,
                 strerror(errno));
  }
  free(rs->name);
  free(rs);
  return rc;
}

static const wl__sink_vt_t raw_sink_vt = {raw_sink_write, raw_sink_close};

int wl__sink_open_raw(wl_sink_t **out, const char *path,
                      const wl_sink_opts_t *opts, wl_err_t *err) {
  raw_sink_t *rs = calloc(1, sizeof *rs);
  char *name = strdup(strcmp(path, "-") == 0 ? "stdout" : path);
  if (!rs || !name) {
    free(rs);
    free(name);
    return wl_fail(err, WL_ENOMEM, "%s: out of memory opening raw output",
                   path);
  }
  rs->name = name;
  if (strcmp(path, "-") == 0) {
    rs->fp = stdout;
  } else {
    int rc = wl__fopen(&rs->fp, path, "wb", err);
    if (rc != WL_OK) {
      free(name);
      free(rs);
      return rc;
    }
    rs->owns_fp = 1;
  }
  rs->base.opts = *opts;
  rs->base.vt = &raw_sink_vt;
  *out = &rs->base;
  return WL_OK;
}
