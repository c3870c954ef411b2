/*
 * png.c - PNG reader and writer on libpng.
 *
 * Reader: any PNG becomes one grey channel of 8 or 16 bits. Grey of 1/2/4
 * bits is expanded to 8 (scaled to 0..255); palette is expanded to RGB;
 * RGB is converted to grey by libpng with the ITU-R BT.601 luma weights
 * (0.299 R + 0.587 G + 0.114 B, on the stored values, no gamma decoding);
 * alpha (a channel or tRNS) is dropped. libpng is given the WL_MAX_DIM user
 * limits and chunk cache/allocation caps, and our own read callback, which
 * counts bytes so a truncated file is reported with its length. Before the
 * frame is allocated the size is checked with wl_check_size and against the
 * bytes left in the file (even deflate's best ratio, 1032:1, cannot make
 * more pixels than that). Errors longjmp back to one place that destroys
 * the libpng structs: nothing leaks, nothing is printed.
 *
 * Writer: wl__png_write_rows() takes a row callback, so 16-bit grey frames
 * are written straight from the frame and snapshots (snapshot.c) colour-map
 * one row at a time. zlib level 1 and the SUB filter: speed over size.
 */
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "io_int.h"
#include "watchline/image.h"

/* Best possible deflate ratio (258-byte matches in ~2 bits), for the
 * "can this many bytes hold this many pixels" check. */
#define DEFLATE_MAX_RATIO 1032
#define PNG_CHUNK_MALLOC_MAX (8u << 20)
#define PNG_CHUNK_CACHE_MAX 128

/* State shared with libpng's callbacks through the io/error pointers. */
typedef struct png_io {
  FILE *fp;
  const char *name;
  unsigned long long offset; /* bytes read or written so far */
  int ended;                 /* the input ended early */
  int io_errno;              /* errno of a failed read/write, else 0 */
  char msg[160];             /* libpng's error message */
  char warning[160];         /* libpng's last warning (IHDR problems are
                                warnings followed by a generic error) */
} png_io_t;

static void on_png_error(png_structp png, png_const_charp msg) {
  png_io_t *io = png_get_error_ptr(png);
  snprintf(io->msg, sizeof io->msg, "%s", msg);
  png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg) {
  png_io_t *io = png_get_error_ptr(png); /* kept, never printed */
  snprintf(io->warning, sizeof io->warning, "%s", msg);
}

static void on_png_read(png_structp png, png_bytep data, size_t len) {
  png_io_t *io = png_get_io_ptr(png);
  size_t got = fread(data, 1, len, io->fp);
  io->offset += got;
  if (got != len) {
    if (ferror(io->fp))
      io->io_errno = errno ? errno : EIO;
    else
      io->ended = 1;
    png_error(png, "read failed");
  }
}

static void on_png_write(png_structp png, png_bytep data, size_t len) {
  png_io_t *io = png_get_io_ptr(png);
  if (fwrite(data, 1, len, io->fp) != len) {
    io->io_errno = errno ? errno : EIO;
    png_error(png, "write failed");
  }
  io->offset += len;
}

static void on_png_flush(png_structp png) { (void)png; }

/* The wl_err_t for a failure that longjmp'd out of libpng. */
static int png_failure(const png_io_t *io, const char *doing, wl_err_t *err) {
  if (io->io_errno)
    return wl_fail(err, WL_EIO, "%s: %s PNG: %s", io->name, doing,
                   strerror(io->io_errno));
  if (io->ended)
    return wl_fail(err, WL_EFORMAT,
                   "%s: truncated PNG: the file ends at byte %llu", io->name,
                   io->offset);
  int ihdr = strcmp(io->msg, "Invalid IHDR data") == 0 && io->warning[0];
  const char *why = ihdr ? io->warning : io->msg;
  if (strstr(why, "exceeds user limit") || strstr(why, "too large"))
    return wl_fail(err, WL_ETOOBIG, "%s: PNG too large: %s (limit %dx%d)",
                   io->name, why, WL_MAX_DIM, WL_MAX_DIM);
  return wl_fail(err, WL_EFORMAT, "%s: bad PNG: %s (near byte %llu)",
                 io->name, why, io->offset);
}

/* Ask libpng for 1 grey channel of 8 or 16 bits in host byte order. */
static void set_grey_transforms(png_structp png, png_infop info) {
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8(png);
  if (color & PNG_COLOR_MASK_COLOR)
    png_set_rgb_to_gray_fixed(png, 1, 29900, 58700); /* BT.601, x100000 */
  if ((color & PNG_COLOR_MASK_ALPHA) ||
      (color == PNG_COLOR_TYPE_PALETTE && png_get_valid(png, info, PNG_INFO_tRNS)))
    png_set_strip_alpha(png);
  if (depth == 16 && !WL__HOST_BIG_ENDIAN) png_set_swap(png);
}

/* Everything between setjmp and the end; a longjmp lands in wl_png_read. */
static int read_png_body(png_structp png, png_infop info, png_io_t *io,
                         wl_frame_t *frame, wl_err_t *err) {
  png_set_user_limits(png, WL_MAX_DIM, WL_MAX_DIM);
  png_set_chunk_cache_max(png, PNG_CHUNK_CACHE_MAX);
  png_set_chunk_malloc_max(png, PNG_CHUNK_MALLOC_MAX);
  png_set_read_fn(png, io, on_png_read);
  png_read_info(png, info);

  png_uint_32 width = png_get_image_width(png, info);
  png_uint_32 height = png_get_image_height(png, info);
  int rc = wl_check_size((long)width, (long)height, io->name, err);
  if (rc != WL_OK) return rc;
  unsigned long long bits = (unsigned long long)width * height *
                            png_get_bit_depth(png, info) *
                            png_get_channels(png, info);
  long long left = wl__bytes_left(io->fp);
  if (left >= 0 &&
      (unsigned long long)left * DEFLATE_MAX_RATIO * 8ULL < bits)
    return wl_fail(err, WL_EFORMAT,
                   "%s: PNG header says %lux%lu but only %lld bytes follow, "
                   "too few for that many pixels",
                   io->name, (unsigned long)width, (unsigned long)height, left);

  set_grey_transforms(png, info);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  int depth = png_get_bit_depth(png, info);
  if (png_get_channels(png, info) != 1 || (depth != 8 && depth != 16))
    return wl_fail(err, WL_EFORMAT,
                   "%s: PNG converts to %d channels of %d bits, expected 1 "
                   "grey channel",
                   io->name, png_get_channels(png, info), depth);
  rc = wl_frame_alloc(frame, (int)width, (int)height, err);
  if (rc != WL_OK) return rc;

  /* 8-bit rows go to the upper half of their 16-bit row, widened below. */
  size_t w = width;
  size_t upper = depth == 8 ? w : 0;
  for (int pass = 0; pass < passes; pass++)
    for (size_t y = 0; y < height; y++)
      png_read_row(png, (png_bytep)(frame->data + y * w) + upper, NULL);
  png_read_end(png, NULL);

  if (depth == 8) {
    for (size_t y = 0; y < height; y++) {
      uint16_t *row = frame->data + y * w;
      const unsigned char *src = (const unsigned char *)row + w;
      for (size_t x = 0; x < w; x++) row[x] = src[x];
    }
    frame->bit_depth = 8;
    frame->radiometry = wl_radiometry_none();
  } else {
    frame->bit_depth = 16;
    frame->radiometry = wl_radiometry_centikelvin();
  }
  return WL_OK;
}

int wl_png_read(FILE *fp, const char *name, wl_frame_t *frame, wl_err_t *err) {
  png_io_t io = {.fp = fp, .name = name ? name : "PNG"};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &io,
                                           on_png_error, on_png_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    return wl_fail(err, WL_ENOMEM, "%s: cannot set up the PNG reader",
                   io.name);
  }
  int rc;
  if (setjmp(png_jmpbuf(png)))
    rc = png_failure(&io, "cannot read", err);
  else
    rc = read_png_body(png, info, &io, frame, err);
  png_destroy_read_struct(&png, &info, NULL);
  return rc;
}

/* ---- writer ---- */

static void write_png_body(png_structp png, png_infop info, png_io_t *io,
                           const wl__png_image_t *img) {
  png_set_write_fn(png, io, on_png_write, on_png_flush);
  png_set_compression_level(png, 1);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height,
               img->bit_depth,
               img->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE,
               PNG_FILTER_TYPE_BASE);
  png_write_info(png, info);
  if (img->bit_depth == 16 && !WL__HOST_BIG_ENDIAN) png_set_swap(png);
  for (int y = 0; y < img->height; y++)
    png_write_row(png, img->row(img->ctx, y));
  png_write_end(png, NULL);
}

int wl__png_write_rows(FILE *fp, const char *name, const wl__png_image_t *img,
                       wl_err_t *err) {
  png_io_t io = {.fp = fp, .name = name ? name : "PNG"};
  int rc = wl_check_size(img->width, img->height, io.name, err);
  if (rc != WL_OK) return rc;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &io,
                                            on_png_error, on_png_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    return wl_fail(err, WL_ENOMEM, "%s: cannot set up the PNG writer",
                   io.name);
  }
  if (setjmp(png_jmpbuf(png)))
    rc = png_failure(&io, "cannot write", err);
  else
    write_png_body(png, info, &io, img);
  png_destroy_write_struct(&png, &info);
  return rc;
}

/* Row callbacks for wl_png_write: 16-bit rows straight from the frame, or
 * 8-bit rows (clamped to 255) through one row buffer. */
typedef struct grey_rows {
  const wl_frame_t *frame;
  unsigned char *row8;
} grey_rows_t;

static const unsigned char *grey16_row(void *ctx, int y) {
  const grey_rows_t *g = ctx;
  return (const unsigned char *)(g->frame->data + (size_t)y * g->frame->width);
}

static const unsigned char *grey8_row(void *ctx, int y) {
  const grey_rows_t *g = ctx;
  const uint16_t *src = g->frame->data + (size_t)y * g->frame->width;
  for (int x = 0; x < g->frame->width; x++)
    g->row8[x] = (unsigned char)(src[x] > 255 ? 255 : src[x]);
  return g->row8;
}

int wl_png_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err) {
  if (!name) name = "PNG";
  int rc = wl_check_size(frame->width, frame->height, name, err);
  if (rc != WL_OK) return rc;
  grey_rows_t rows = {frame, NULL};
  wl__png_image_t img = {frame->width, frame->height, 1, 16, grey16_row,
                         &rows};
  if (frame->bit_depth <= 8) {
    rows.row8 = malloc((size_t)frame->width);
    if (!rows.row8)
      return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a PNG row", name);
    img.bit_depth = 8;
    img.row = grey8_row;
  }
  rc = wl__png_write_rows(fp, name, &img, err);
  free(rows.row8);
  return rc;
}
