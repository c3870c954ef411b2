/*
 * sink.c - wl_sink_*: picks a backend for an output path and forwards to
 * it; also the image-file sink (numbered files or one image).
 *
 * Dispatch (sink.h): "-" -> raw Y16 on stdout; an existing directory or a
 * path ending in '/' -> numbered files NNNNNN.<ext> from 1 in it (created
 * mkdir -p style); a path containing '%' is a pattern that must hold
 * exactly one integer conversion (%d, %06d, %i, %u; "%%" is a literal %)
 * -> numbered files from it (its directory is created too);
 * otherwise opts->format, or the extension when it is WL_FORMAT_AUTO: an
 * image format -> one image, raw -> raw Y16 stream, mkv -> FFmpeg.
 * A palette other than NONE needs PNG output and writes colour snapshots;
 * with AUTO format in a directory it picks PNG.
 *
 * Every image is written to "<name>.part" and renamed into place when
 * complete, so readers never see half a file. The pattern is never passed
 * to printf: it is split into prefix, width and suffix at open.
 *
 * This file owns what is common to every sink: the frame size check (all
 * frames must have the first frame's size) and the frame count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_int.h"
#include "watchline/image.h"

#define DEFAULT_FPS 30.0
#define NUMBER_DIGITS 6
#define NUMBER_WIDTH_MAX 20

void wl_sink_default_opts(wl_sink_opts_t *opts) {
  memset(opts, 0, sizeof *opts);
  opts->format = WL_FORMAT_AUTO;
  opts->fps = DEFAULT_FPS;
  opts->palette = WL_PALETTE_NONE;
}

int wl_format_parse(const char *name, wl_format_t *out) {
  static const struct {
    const char *name;
    wl_format_t format;
  } table[] = {{"pgm", WL_FORMAT_PGM}, {"png", WL_FORMAT_PNG},
               {"tiff", WL_FORMAT_TIFF}, {"raw", WL_FORMAT_RAW},
               {"mkv", WL_FORMAT_MKV}};
  for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
    if (strcmp(name, table[i].name) == 0) {
      *out = table[i].format;
      return WL_OK;
    }
  return WL_EINVAL;
}

/* ---- output names ---- */

/* A numbered name: prefix, the number (min width digits, zero-padded or
 * space-padded) and suffix, with "%%" already turned into "%". */
typedef struct number_pattern {
  char *prefix, *suffix;
  int width;
  int zero_pad;
} number_pattern_t;

static void number_pattern_free(number_pattern_t *p) {
  free(p->prefix);
  free(p->suffix);
}

/* Length of the integer conversion starting at s[0] == '%', or 0. */
static size_t conversion_length(const char *s) {
  size_t i = 1;
  if (s[i] == '0') i++;
  while (s[i] >= '0' && s[i] <= '9') i++;
  return (s[i] == 'd' || s[i] == 'i' || s[i] == 'u') ? i + 1 : 0;
}

/* Any '%' makes a path a pattern; parse_pattern() then insists on exactly
 * one integer conversion, so a stray '%' is an error, not a file name. */
static int has_conversion(const char *path) { return strchr(path, '%') != NULL; }

/* Copy s[0..n) into a new string with "%%" -> "%". */
static char *unescape(const char *s, size_t n) {
  char *out = malloc(n + 1);
  if (!out) return NULL;
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    out[j++] = s[i];
    if (s[i] == '%' && i + 1 < n && s[i + 1] == '%') i++;
  }
  out[j] = '\0';
  return out;
}

static int parse_pattern(const char *path, number_pattern_t *p,
                         wl_err_t *err) {
  static const char rule[] = "an output pattern takes exactly one integer "
                             "conversion such as %06d, and %% for a literal %";
  const char *conv = NULL;
  size_t conv_len = 0;
  for (const char *s = path; *s; s++) {
    if (*s != '%') continue;
    if (s[1] == '%') {
      s++;
      continue;
    }
    size_t len = conversion_length(s);
    if (!len || conv)
      return wl_fail(err, WL_EINVAL, "%s: %s; the '%%' at byte %zu is %s",
                     path, rule, (size_t)(s - path),
                     len ? "a second conversion" : "not one");
    conv = s;
    conv_len = len;
    s += len - 1;
  }
  if (!conv)
    return wl_fail(err, WL_EINVAL, "%s: %s; there is none", path, rule);
  memset(p, 0, sizeof *p);
  p->zero_pad = conv[1] == '0';
  p->width = atoi(conv + 1 + p->zero_pad);
  if (p->width > NUMBER_WIDTH_MAX)
    return wl_fail(err, WL_EINVAL, "%s: number width %d is over %d", path,
                   p->width, NUMBER_WIDTH_MAX);
  p->prefix = unescape(path, (size_t)(conv - path));
  p->suffix = unescape(conv + conv_len, strlen(conv + conv_len));
  if (!p->prefix || !p->suffix) {
    number_pattern_free(p);
    return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  }
  return WL_OK;
}

/* ---- the image-file sink ---- */

typedef struct image_sink {
  wl_sink_t base;
  wl_format_t format; /* PGM, PNG or TIFF */
  int snapshot;       /* PNG written as colour snapshots */
  int single;         /* one image only, named `path` */
  char *path;         /* single: the file name */
  number_pattern_t pattern; /* numbered: the name pattern */
  char *name, *part;  /* the current output name and its ".part" name */
  size_t name_cap;
} image_sink_t;

static int write_image_file(const image_sink_t *s, const char *path,
                            const wl_frame_t *frame, wl_err_t *err) {
  if (s->format == WL_FORMAT_TIFF) return wl_tiff_write(path, frame, err);
  FILE *fp;
  int rc = wl__fopen(&fp, path, "wb", err);
  if (rc != WL_OK) return rc;
  if (s->format == WL_FORMAT_PGM)
    rc = wl_pgm_write(fp, path, frame, err);
  else if (s->snapshot)
    rc = wl_snapshot_write_png(fp, path, frame, s->base.opts.palette, err);
  else
    rc = wl_png_write(fp, path, frame, err);
  if (fclose(fp) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s: cannot finish writing: %s", path,
                 strerror(errno));
  return rc;
}

/* Make s->name the output name of frame number n (from 1) and s->part
 * the temporary name. */
static int make_names(image_sink_t *s, long n, wl_err_t *err) {
  const number_pattern_t *p = &s->pattern;
  size_t need = s->single ? strlen(s->path) + 6
                          : strlen(p->prefix) + strlen(p->suffix) +
                                NUMBER_WIDTH_MAX + 8;
  if (need > s->name_cap) {
    char *name = realloc(s->name, need);
    if (name) s->name = name;
    char *part = name ? realloc(s->part, need) : NULL;
    if (part) s->part = part;
    if (!name || !part)
      return wl_fail(err, WL_ENOMEM, "%s: out of memory", s->base.name);
    s->name_cap = need;
  }
  if (s->single)
    snprintf(s->name, need, "%s", s->path);
  else if (p->zero_pad)
    snprintf(s->name, need, "%s%0*ld%s", p->prefix, p->width, n, p->suffix);
  else
    snprintf(s->name, need, "%s%*ld%s", p->prefix, p->width, n, p->suffix);
  snprintf(s->part, need, "%s.part", s->name);
  return WL_OK;
}

static int image_sink_write(wl_sink_t *sink, const wl_frame_t *frame,
                            wl_err_t *err) {
  image_sink_t *s = (image_sink_t *)sink;
  if (s->single && sink->frames > 0)
    return wl_fail(err, WL_EINVAL,
                   "%s: a single-image output takes one frame; write to a "
                   "directory or a pattern such as frame%%06d.png for more",
                   s->path);
  int rc = make_names(s, sink->frames + 1, err);
  if (rc != WL_OK) return rc;
  rc = write_image_file(s, s->part, frame, err);
  if (rc == WL_OK && rename(s->part, s->name) != 0)
    rc = wl_fail(err, WL_EIO, "%s: cannot rename %s into place: %s",
                 s->name, s->part, strerror(errno));
  if (rc != WL_OK) unlink(s->part);
  return rc;
}

static int image_sink_close(wl_sink_t *sink, wl_err_t *err) {
  (void)err;
  image_sink_t *s = (image_sink_t *)sink;
  number_pattern_free(&s->pattern);
  free(s->path);
  free(s->name);
  free(s->part);
  free(s);
  return WL_OK;
}

static const wl__sink_vt_t image_sink_vt = {image_sink_write,
                                            image_sink_close};

static int is_directory_path(const char *path) {
  struct stat st;
  size_t len = strlen(path);
  return (len > 0 && path[len - 1] == '/') ||
         (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

static const char *format_name(wl_format_t f) {
  switch (f) {
  case WL_FORMAT_PGM: return "pgm";
  case WL_FORMAT_PNG: return "png";
  case WL_FORMAT_TIFF: return "tiff";
  case WL_FORMAT_RAW: return "raw";
  case WL_FORMAT_MKV: return "mkv";
  default: return "auto";
  }
}

/* Directory or pattern: fill s->pattern and create the directory. */
static int open_numbered(image_sink_t *s, const char *path, int in_dir,
                         wl_err_t *err) {
  if (in_dir) {
    size_t len = strlen(path);
    const char *ext = s->format == WL_FORMAT_PGM   ? ".pgm"
                      : s->format == WL_FORMAT_PNG ? ".png"
                                                   : ".tif";
    s->pattern.prefix = malloc(len + 2);
    s->pattern.suffix = strdup(ext);
    if (!s->pattern.prefix || !s->pattern.suffix)
      return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
    snprintf(s->pattern.prefix, len + 2, "%s%s", path,
             path[len - 1] == '/' ? "" : "/");
    s->pattern.width = NUMBER_DIGITS;
    s->pattern.zero_pad = 1;
    return wl_mkdir_p(path, err);
  }
  int rc = parse_pattern(path, &s->pattern, err);
  if (rc != WL_OK) return rc;
  char *slash = strrchr(s->pattern.prefix, '/');
  if (!slash || slash == s->pattern.prefix) return WL_OK;
  *slash = '\0';
  rc = wl_mkdir_p(s->pattern.prefix, err);
  *slash = '/';
  return rc;
}

int wl__sink_open_images(wl_sink_t **out, const char *path,
                         const wl_sink_opts_t *opts, wl_err_t *err) {
  int in_dir = is_directory_path(path);
  int numbered = in_dir || has_conversion(path);
  wl_format_t format = opts->format;
  if (format == WL_FORMAT_AUTO)
    format = in_dir ? (opts->palette != WL_PALETTE_NONE ? WL_FORMAT_PNG
                                                        : WL_FORMAT_PGM)
                    : wl__format_from_ext(path);
  if (format != WL_FORMAT_PGM && format != WL_FORMAT_PNG &&
      format != WL_FORMAT_TIFF)
    return wl_fail(err, WL_EINVAL,
                   "%s: %s is not an image format; image files are pgm, png "
                   "or tiff",
                   path, format == WL_FORMAT_AUTO ? "no extension"
                                                  : format_name(format));
  if (opts->palette != WL_PALETTE_NONE && format != WL_FORMAT_PNG)
    return wl_fail(err, WL_EINVAL,
                   "%s: colour snapshots (palette) are PNG only, not %s",
                   path, format_name(format));
  image_sink_t *s = calloc(1, sizeof *s);
  if (!s) return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  s->format = format;
  s->snapshot = opts->palette != WL_PALETTE_NONE;
  s->single = !numbered;
  s->base.vt = &image_sink_vt;
  s->base.opts = *opts;
  int rc;
  if (numbered) {
    rc = open_numbered(s, path, in_dir, err);
  } else {
    s->path = strdup(path);
    rc = s->path ? WL_OK : wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  }
  if (rc != WL_OK) {
    image_sink_close(&s->base, NULL);
    return rc;
  }
  *out = &s->base;
  return WL_OK;
}

/* ---- dispatch ---- */

typedef enum sink_backend {
  SINK_IMAGES,
  SINK_RAW,
  SINK_AV
} sink_backend_t;

static int pick_backend(const char *path, const wl_sink_opts_t *opts,
                        sink_backend_t *out, wl_err_t *err) {
  wl_format_t f = opts->format;
  if (strcmp(path, "-") == 0) {
    if (f != WL_FORMAT_AUTO && f != WL_FORMAT_RAW)
      return wl_fail(err, WL_EINVAL,
                     "-: standard output takes raw Y16 only, not %s",
                     format_name(f));
    *out = SINK_RAW;
  } else if (is_directory_path(path) || has_conversion(path)) {
    *out = SINK_IMAGES; /* wl__sink_open_images checks the format */
  } else {
    if (f == WL_FORMAT_AUTO) f = wl__format_from_ext(path);
    if (f == WL_FORMAT_AUTO)
      return wl_fail(err, WL_EINVAL,
                     "%s: cannot tell the output format from the name; use "
                     ".pgm .png .tif .tiff .y16 .raw .mkv, a directory, or "
                     "a format",
                     path);
    *out = f == WL_FORMAT_RAW ? SINK_RAW
           : f == WL_FORMAT_MKV ? SINK_AV
                                : SINK_IMAGES;
  }
  if (*out != SINK_IMAGES && opts->palette != WL_PALETTE_NONE)
    return wl_fail(err, WL_EINVAL,
                   "%s: colour snapshots (palette) are PNG only", path);
  return WL_OK;
}

int wl_sink_open(wl_sink_t **out, const char *path, const wl_sink_opts_t *opts,
                 wl_err_t *err) {
  if (!out || !path || !path[0])
    return wl_fail(err, WL_EINVAL, "sink: no output given");
  *out = NULL;
  wl_sink_opts_t o;
  if (opts)
    o = *opts;
  else
    wl_sink_default_opts(&o);
  if (!(o.fps > 0)) o.fps = DEFAULT_FPS;
  char *name = strdup(path);
  if (!name) return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  sink_backend_t backend = SINK_IMAGES;
  wl_sink_t *sink = NULL;
  int rc = pick_backend(path, &o, &backend, err);
  if (rc == WL_OK) {
    if (backend == SINK_RAW)
      rc = wl__sink_open_raw(&sink, path, &o, err);
    else if (backend == SINK_AV)
      rc = wl__sink_open_av(&sink, path, &o, err);
    else
      rc = wl__sink_open_images(&sink, path, &o, err);
  }
  if (rc != WL_OK) {
    free(name);
    return rc;
  }
  sink->opts = o;
  sink->width = sink->height = 0;
  sink->frames = 0;
  sink->name = name;
  *out = sink;
  return WL_OK;
}

int wl_sink_write(wl_sink_t *sink, const wl_frame_t *frame, wl_err_t *err) {
  if (!sink || !frame || !frame->data)
    return wl_fail(err, WL_EINVAL, "sink: no sink or frame given");
  if (sink->frames == 0) {
    sink->width = frame->width;
    sink->height = frame->height;
  } else if (frame->width != sink->width || frame->height != sink->height) {
    return wl_fail(err, WL_EINVAL,
                   "%s: frame %ld is %dx%d but the first frame was %dx%d",
                   sink->name, sink->frames + 1, frame->width, frame->height,
                   sink->width, sink->height);
  }
  int rc = sink->vt->write(sink, frame, err);
  if (rc == WL_OK) sink->frames++;
  return rc;
}

int wl_sink_close(wl_sink_t *sink, wl_err_t *err) {
  if (!sink) return WL_OK;
  char *name = sink->name;
  int rc = sink->vt->close(sink, err);
  free(name);
  return rc;
}
