/*
 * tiff.c - TIFF reader and writer on libtiff.
 *
 * Messages: every TIFF is opened with TIFFOpenOptions carrying our error and
 * warning handlers (libtiff >= 4.5), which record the first error in a
 * per-call buffer and stop libtiff's global handlers, so nothing is printed
 * and no global state is touched.
 *
 * Reader, native path: unsigned 8- or 16-bit samples, MINISBLACK,
 * MINISWHITE (inverted) or RGB (BT.601 luma, as png.c), interleaved or one
 * sample per pixel, in strips (read one scanline at a time) or tiles (one
 * tile buffer, capped at TIFF_TILE_BYTES_MAX). Extra samples (alpha) are
 * ignored. Everything else libtiff can decode (palette, YCbCr/JPEG, 1/2/4
 * bits, separate planes, CMYK...) goes through TIFFRGBAImage in bands of
 * TIFF_BAND_ROWS rows and becomes 8-bit luma. Only the first directory
 * (page) is read; the Orientation tag is ignored on the native path.
 *
 * Writer: one grey sample of 16 bits (8 when frame->bit_depth <= 8),
 * MINISBLACK, deflate level 1 with horizontal differencing (uncompressed if
 * libtiff lacks zlib), strips of about 256 KiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include "io_int.h"
#include "watchline/image.h"

#define TIFF_TILE_BYTES_MAX ((tmsize_t)64 << 20)
#define TIFF_BAND_ROWS 64
#define TIFF_STRIP_BYTES 262144
/* libtiff's own cap on one allocation (strip/tile buffers, tag arrays). */
#define TIFF_SINGLE_ALLOC_MAX ((tmsize_t)256 << 20)

/* BT.601 luma in 16.16 fixed point; the weights sum to 65536. */
static uint32_t luma(uint32_t r, uint32_t g, uint32_t b) {
  return (19595u * r + 38470u * g + 7471u * b + 32768u) >> 16;
}

/* ---- messages ---- */

typedef struct tiff_msg {
  char text[200]; /* first error reported by libtiff, "" if none */
} tiff_msg_t;

static int on_tiff_error(TIFF *tif, void *user, const char *module,
                         const char *fmt, va_list ap) {
  (void)tif;
  (void)module;
  tiff_msg_t *m = user;
  if (!m->text[0]) vsnprintf(m->text, sizeof m->text, fmt, ap);
  return 1; /* handled: do not call libtiff's global handlers */
}

static int on_tiff_warning(TIFF *tif, void *user, const char *module,
                           const char *fmt, va_list ap) {
  (void)tif;
  (void)user;
  (void)module;
  (void)fmt;
  (void)ap;
  return 1; /* ignored, and not printed */
}

/* Open path on fd with our handlers. mode "r" or "w". */
static int tiff_open(TIFF **out, const char *path, const char *mode,
                     tiff_msg_t *msg, wl_err_t *err) {
  int writing = mode[0] == 'w';
  int fd = writing ? open(path, O_RDWR | O_CREAT | O_TRUNC, 0666)
                   : open(path, O_RDONLY);
  if (fd < 0) {
    int e = errno;
    return wl_fail(err, (e == ENOENT || e == ENOTDIR) ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot open for %s: %s", path,
                   writing ? "writing" : "reading", strerror(e));
  }
  TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
  if (!opts) {
    close(fd);
    return wl_fail(err, WL_ENOMEM, "%s: cannot set up libtiff", path);
  }
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts, TIFF_SINGLE_ALLOC_MAX);
  TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, msg);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, NULL);
  TIFF *tif = TIFFFdOpenExt(fd, path, mode, opts);
  TIFFOpenOptionsFree(opts);
  if (!tif) {
    close(fd);
    return wl_fail(err, WL_EFORMAT, "%s: not a readable TIFF: %s", path,
                   msg->text[0] ? msg->text : "libtiff gave no reason");
  }
  *out = tif;
  return WL_OK;
}

static int tiff_failure(const char *path, const char *doing,
                        const tiff_msg_t *msg, wl_err_t *err) {
  return wl_fail(err, WL_EFORMAT, "%s: %s: %s", path, doing,
                 msg->text[0] ? msg->text : "libtiff gave no reason");
}

/* ---- reader ---- */

/* What the native path needs to know about the image. */
typedef struct tiff_layout {
  uint32_t width, height;
  uint16_t bits, spp, photometric;
  int rgb;    /* 1: RGB samples -> luma; 0: first sample is grey */
  int invert; /* MINISWHITE */
} tiff_layout_t;

/* Convert n pixels of interleaved samples to grey in out. */
static void samples_to_grey(const tiff_layout_t *l, const void *in, size_t n,
                            uint16_t *out) {
  size_t spp = l->spp;
  if (l->bits == 16) {
    const uint16_t *s = in;
    if (l->rgb)
      for (size_t i = 0; i < n; i++, s += spp)
        out[i] = (uint16_t)luma(s[0], s[1], s[2]);
    else if (spp == 1)
      memcpy(out, s, n * sizeof *out);
    else
      for (size_t i = 0; i < n; i++) out[i] = s[i * spp];
    if (l->invert)
      for (size_t i = 0; i < n; i++) out[i] = (uint16_t)(65535u - out[i]);
  } else {
    const uint8_t *s = in;
    if (l->rgb)
      for (size_t i = 0; i < n; i++, s += spp)
        out[i] = (uint16_t)luma(s[0], s[1], s[2]);
    else
      for (size_t i = 0; i < n; i++) out[i] = s[i * spp];
    if (l->invert)
      for (size_t i = 0; i < n; i++) out[i] = (uint16_t)(255u - out[i]);
  }
}

static int read_strips(TIFF *tif, const char *path, const tiff_layout_t *l,
                       const tiff_msg_t *msg, wl_frame_t *frame,
                       wl_err_t *err) {
  tmsize_t line = TIFFScanlineSize(tif);
  size_t need = (size_t)l->width * l->spp * (l->bits / 8);
  if (line <= 0 || (size_t)line < need)
    return tiff_failure(path, "bad scanline size", msg, err);
  void *buf = malloc((size_t)line);
  if (!buf)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a TIFF row", path);
  int rc = WL_OK;
  for (uint32_t y = 0; y < l->height; y++) {
    if (TIFFReadScanline(tif, buf, y, 0) < 0) {
      char doing[64];
      snprintf(doing, sizeof doing, "cannot read row %lu",
               (unsigned long)y);
      rc = tiff_failure(path, doing, msg, err);
      break;
    }
    samples_to_grey(l, buf, l->width, frame->data + (size_t)y * l->width);
  }
  free(buf);
  return rc;
}

static int read_tiles(TIFF *tif, const char *path, const tiff_layout_t *l,
                      const tiff_msg_t *msg, wl_frame_t *frame,
                      wl_err_t *err) {
  uint32_t tw = 0, th = 0;
  TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
  TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
  tmsize_t size = TIFFTileSize(tif);
  size_t pixel_bytes = (size_t)l->spp * (l->bits / 8);
  if (tw == 0 || th == 0 || size <= 0 ||
      (size_t)size < (size_t)tw * th * pixel_bytes)
    return tiff_failure(path, "bad tile size", msg, err);
  if (size > TIFF_TILE_BYTES_MAX)
    return wl_fail(err, WL_ETOOBIG, "%s: TIFF tiles of %lux%lu exceed %lld "
                   "bytes", path, (unsigned long)tw, (unsigned long)th,
                   (long long)TIFF_TILE_BYTES_MAX);
  unsigned char *buf = malloc((size_t)size);
  if (!buf)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a TIFF tile", path);
  int rc = WL_OK;
  for (uint32_t ty = 0; ty < l->height && rc == WL_OK; ty += th) {
    for (uint32_t tx = 0; tx < l->width; tx += tw) {
      if (TIFFReadTile(tif, buf, tx, ty, 0, 0) < 0) {
        char doing[80];
        snprintf(doing, sizeof doing, "cannot read the tile at %lu,%lu",
                 (unsigned long)tx, (unsigned long)ty);
        rc = tiff_failure(path, doing, msg, err);
        break;
      }
      uint32_t cols = l->width - tx < tw ? l->width - tx : tw;
      uint32_t rows = l->height - ty < th ? l->height - ty : th;
      for (uint32_t r = 0; r < rows; r++)
        samples_to_grey(l, buf + (size_t)r * tw * pixel_bytes, cols,
                        frame->data + (size_t)(ty + r) * l->width + tx);
    }
  }
  free(buf);
  return rc;
}

/* Anything else libtiff decodes: RGBA bands -> 8-bit luma. */
static int read_rgba(TIFF *tif, const char *path, const tiff_msg_t *msg,
                     wl_frame_t *frame, wl_err_t *err) {
  char emsg[1024] = "";
  if (!TIFFRGBAImageOK(tif, emsg))
    return wl_fail(err, WL_EUNSUPPORTED, "%s: unsupported TIFF: %s", path,
                   emsg);
  TIFFRGBAImage img;
  if (!TIFFRGBAImageBegin(&img, tif, 0, emsg))
    return wl_fail(err, WL_EFORMAT, "%s: cannot decode TIFF: %s", path, emsg);
  img.req_orientation = ORIENTATION_TOPLEFT;
  size_t w = (size_t)frame->width, h = (size_t)frame->height;
  size_t band = h < TIFF_BAND_ROWS ? h : TIFF_BAND_ROWS;
  uint32_t *raster = malloc(w * band * sizeof *raster);
  int rc = raster ? WL_OK
                  : wl_fail(err, WL_ENOMEM, "%s: cannot allocate %zu TIFF "
                            "rows", path, band);
  for (size_t y = 0; y < h && rc == WL_OK; y += band) {
    size_t rows = h - y < band ? h - y : band;
    img.row_offset = (int)y;
    img.col_offset = 0;
    if (!TIFFRGBAImageGet(&img, raster, (uint32_t)w, (uint32_t)rows)) {
      rc = tiff_failure(path, "cannot decode", msg, err);
      break;
    }
    uint16_t *out = frame->data + y * w;
    for (size_t i = 0; i < rows * w; i++) {
      uint32_t p = raster[i];
      out[i] = (uint16_t)luma(TIFFGetR(p), TIFFGetG(p), TIFFGetB(p));
    }
  }
  free(raster);
  TIFFRGBAImageEnd(&img);
  frame->bit_depth = 8;
  frame->radiometry = wl_radiometry_none();
  return rc;
}

/* Decide between the native path and the RGBA fallback. */
static int native_layout(TIFF *tif, tiff_layout_t *l) {
  uint16_t planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT;
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &l->bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &l->spp);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &l->photometric)) return 0;
  if (l->bits != 8 && l->bits != 16) return 0;
  if (format != SAMPLEFORMAT_UINT) return 0;
  if (l->spp > 1 && planar != PLANARCONFIG_CONTIG) return 0;
  l->invert = l->photometric == PHOTOMETRIC_MINISWHITE;
  l->rgb = l->photometric == PHOTOMETRIC_RGB;
  if (l->rgb) return l->spp >= 3;
  return l->photometric == PHOTOMETRIC_MINISBLACK ||
         l->photometric == PHOTOMETRIC_MINISWHITE;
}

static int read_tiff_image(TIFF *tif, const char *path, const tiff_msg_t *msg,
                           wl_frame_t *frame, wl_err_t *err) {
  tiff_layout_t l = {0};
  if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l.width) ||
      !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l.height))
    return tiff_failure(path, "no image size", msg, err);
  if (l.width > WL_MAX_DIM || l.height > WL_MAX_DIM) /* before long casts */
    return wl_fail(err, WL_ETOOBIG,
                   "%s: TIFF size %lux%lu exceeds the limit of %dx%d", path,
                   (unsigned long)l.width, (unsigned long)l.height, WL_MAX_DIM,
                   WL_MAX_DIM);
  int rc = wl_check_size((long)l.width, (long)l.height, path, err);
  if (rc == WL_OK) rc = wl_frame_alloc(frame, (int)l.width, (int)l.height, err);
  if (rc != WL_OK) return rc;
  if (!native_layout(tif, &l)) return read_rgba(tif, path, msg, frame, err);
  rc = TIFFIsTiled(tif) ? read_tiles(tif, path, &l, msg, frame, err)
                        : read_strips(tif, path, &l, msg, frame, err);
  frame->bit_depth = l.bits;
  frame->radiometry =
      l.bits == 16 ? wl_radiometry_centikelvin() : wl_radiometry_none();
  return rc;
}

int wl_tiff_read(const char *path, wl_frame_t *frame, wl_err_t *err) {
  tiff_msg_t msg = {""};
  TIFF *tif;
  int rc = tiff_open(&tif, path, "r", &msg, err);
  if (rc != WL_OK) return rc;
  rc = read_tiff_image(tif, path, &msg, frame, err);
  TIFFClose(tif);
  return rc;
}

/* ---- writer ---- */

static int write_tiff_image(TIFF *tif, const char *path, const tiff_msg_t *msg,
                            const wl_frame_t *frame, wl_err_t *err) {
  int narrow = frame->bit_depth <= 8;
  size_t w = (size_t)frame->width;
  size_t row_bytes = w * (narrow ? 1 : 2);
  uint32_t rows_per_strip = (uint32_t)(TIFF_STRIP_BYTES / row_bytes);
  if (rows_per_strip < 1) rows_per_strip = 1;
  int deflate = TIFFIsCODECConfigured(COMPRESSION_ADOBE_DEFLATE);
  int ok =
      TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)frame->width) &&
      TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)frame->height) &&
      TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, narrow ? 8 : 16) &&
      TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1) &&
      TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) &&
      TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK) &&
      TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
      TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip) &&
      TIFFSetField(tif, TIFFTAG_COMPRESSION,
                   deflate ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_NONE);
  if (ok && deflate)
    ok = TIFFSetField(tif, TIFFTAG_ZIPQUALITY, 1) &&
         TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
  if (!ok) return tiff_failure(path, "cannot set TIFF tags", msg, err);

  /* libtiff's predictor changes the row it is given: pass a copy. */
  unsigned char *row = malloc(row_bytes);
  if (!row)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a TIFF row", path);
  int rc = WL_OK;
  for (int y = 0; y < frame->height; y++) {
    const uint16_t *src = frame->data + (size_t)y * w;
    if (narrow)
      for (size_t x = 0; x < w; x++)
        row[x] = (unsigned char)(src[x] > 255 ? 255 : src[x]);
    else
      memcpy(row, src, row_bytes);
    if (TIFFWriteScanline(tif, row, (uint32_t)y, 0) < 0) {
      rc = tiff_failure(path, "cannot write TIFF row", msg, err);
      break;
    }
  }
  free(row);
  if (rc == WL_OK && !TIFFFlush(tif))
    rc = tiff_failure(path, "cannot finish writing TIFF", msg, err);
  return rc;
}

int wl_tiff_write(const char *path, const wl_frame_t *frame, wl_err_t *err) {
  int rc = wl_check_size(frame->width, frame->height, path, err);
  if (rc != WL_OK) return rc;
  tiff_msg_t msg = {""};
  TIFF *tif;
  rc = tiff_open(&tif, path, "w", &msg, err);
  if (rc != WL_OK) return rc;
  rc = write_tiff_image(tif, path, &msg, frame, err);
  TIFFClose(tif);
  return rc;
}
