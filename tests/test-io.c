/*
 * test-io.c - image files, raw Y16, sources, sinks and snapshots.
 *
 * Round trips are bit-exact on random data over the full 0..65535 range and
 * odd sizes. Colour inputs are made here with libpng/libtiff and checked
 * against BT.601 luma computed in floating point (+-1). Bad inputs must fail
 * with the right code and a message naming the file and the problem.
 */
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <unistd.h>

#include "task.h"
#include "watchline/image.h"
#include "watchline/sink.h"
#include "watchline/snapshot.h"
#include "watchline/source.h"

/* ---- helpers ---- */

static uint32_t rng_next(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* Random frame; 16-bit covers 0..65535 with both ends present. */
static int random_frame(wl_frame_t *f, int w, int h, int bits, uint32_t seed) {
  wl_err_t err;
  wl_frame_init(f);
  if (wl_frame_alloc(f, w, h, &err) != WL_OK) return -1;
  uint32_t s = seed * 2654435761u + 1;
  size_t n = (size_t)w * h;
  for (size_t i = 0; i < n; i++)
    f->data[i] = (uint16_t)(bits == 8 ? rng_next(&s) & 255 : rng_next(&s));
  if (n > 2) {
    f->data[0] = 0;
    f->data[n - 1] = bits == 8 ? 255 : 65535;
  }
  f->bit_depth = bits;
  f->radiometry = bits == 8 ? wl_radiometry_none() : wl_radiometry_centikelvin();
  return 0;
}

static int same_pixels(const wl_frame_t *a, const wl_frame_t *b) {
  return a->width == b->width && a->height == b->height &&
         memcmp(a->data, b->data, (size_t)a->width * a->height * 2) == 0;
}

static int write_bytes(const char *path, const void *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  size_t put = fwrite(data, 1, len, fp);
  return (fclose(fp) == 0 && put == len) ? 0 : -1;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Read a whole file into a malloc'd buffer. */
static unsigned char *read_bytes(const char *path, size_t *len) {
  long n = file_size(path);
  FILE *fp = fopen(path, "rb");
  if (n < 0 || !fp) {
    if (fp) fclose(fp);
    return NULL;
  }
  unsigned char *buf = malloc((size_t)n + 1);
  *len = buf ? fread(buf, 1, (size_t)n, fp) : 0;
  fclose(fp);
  return buf;
}

static int pgm_write_file(const char *path, const wl_frame_t *f,
                          wl_err_t *err) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return wl_fail(err, WL_EIO, "%s: cannot open", path);
  int rc = wl_pgm_write(fp, path, f, err);
  if (fclose(fp) != 0 && rc == WL_OK) rc = WL_EIO;
  return rc;
}

static int png_write_file(const char *path, const wl_frame_t *f,
                          wl_err_t *err) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return wl_fail(err, WL_EIO, "%s: cannot open", path);
  int rc = wl_png_write(fp, path, f, err);
  if (fclose(fp) != 0 && rc == WL_OK) rc = WL_EIO;
  return rc;
}

static double luma601(double r, double g, double b) {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/* Run fn with stderr redirected to a file; return the bytes it printed. */
static long stderr_bytes_during(int (*fn)(void *), void *ctx, int *rc) {
  const char *path = test_path(test_tmpdir(), "stderr.txt");
  fflush(stderr);
  int saved = dup(2);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (saved < 0 || fd < 0) return -1;
  dup2(fd, 2);
  close(fd);
  *rc = fn(ctx);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  return file_size(path);
}

/* ---- round trips of the single-image calls ---- */

static const int SIZES[][2] = {{1, 1}, {3, 7}, {641, 3}, {64, 48}};
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

TEST_IMPL(io_pgm_roundtrip) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  for (size_t k = 0; k < NSIZES; k++)
    for (int bits = 8; bits <= 16; bits += 8) {
      wl_frame_t a, b;
      ASSERT_EQ(random_frame(&a, SIZES[k][0], SIZES[k][1], bits, (uint32_t)k),
                0);
      wl_frame_init(&b);
      const char *path = test_path(dir, "x.pgm");
      ASSERT_OK(pgm_write_file(path, &a, &err), &err);
      long expect = (long)a.width * a.height * (bits / 8);
      ASSERT_GT(file_size(path), expect);
      FILE *fp = fopen(path, "rb");
      ASSERT(fp);
      ASSERT_OK(wl_pgm_read(fp, path, &b, &err), &err);
      fclose(fp);
      ASSERT(same_pixels(&a, &b));
      ASSERT_EQ(b.bit_depth, bits);
      ASSERT_EQ(b.radiometry.radiometric, bits == 16);
      /* wl_image_read picks the reader by extension. */
      wl_frame_release(&b);
      ASSERT_OK(wl_image_read(path, &b, &err), &err);
      ASSERT(same_pixels(&a, &b));
      wl_frame_release(&a);
      wl_frame_release(&b);
    }

  /* A 16-bit header with comments, tabs, CR LF and maxval 4095; samples
   * are big-endian. */
  static const unsigned char odd[] =
      "P5 # a comment\n3\t# width\r\n2\n# maxval next\n4095\n"
      "\x00\x01\x0f\xff\x01\x00\x00\x00\x0a\xbc\x0f\xfe";
  const char *path = test_path(dir, "odd.pgm");
  ASSERT_EQ(write_bytes(path, odd, sizeof odd - 1), 0);
  wl_frame_t f;
  wl_frame_init(&f);
  ASSERT_OK(wl_image_read(path, &f, &err), &err);
  ASSERT_EQ(f.width, 3);
  ASSERT_EQ(f.height, 2);
  ASSERT_EQ(f.data[0], 1);
  ASSERT_EQ(f.data[1], 0x0fff);
  ASSERT_EQ(f.data[2], 0x100);
  ASSERT_EQ(f.data[4], 0x0abc);
  ASSERT_EQ(f.data[5], 0x0ffe);
  ASSERT_EQ(f.bit_depth, 16);
  /* The writer's header is the documented one. */
  FILE *fp = fopen(path, "wb");
  ASSERT(fp);
  ASSERT_OK(wl_pgm_write(fp, path, &f, &err), &err);
  fclose(fp);
  size_t len;
  unsigned char *bytes = read_bytes(path, &len);
  ASSERT(bytes);
  ASSERT_EQ(len, 13 + 12);
  ASSERT_EQ(memcmp(bytes, "P5\n3 2\n65535\n\x00\x01", 15), 0);
  free(bytes);
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(io_png_roundtrip) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  for (size_t k = 0; k < NSIZES; k++)
    for (int bits = 8; bits <= 16; bits += 8) {
      wl_frame_t a, b;
      ASSERT_EQ(random_frame(&a, SIZES[k][0], SIZES[k][1], bits,
                             (uint32_t)k + 10), 0);
      wl_frame_init(&b);
      const char *path = test_path(dir, "x.png");
      ASSERT_OK(png_write_file(path, &a, &err), &err);
      FILE *fp = fopen(path, "rb");
      ASSERT(fp);
      ASSERT_OK(wl_png_read(fp, path, &b, &err), &err);
      fclose(fp);
      ASSERT(same_pixels(&a, &b));
      ASSERT_EQ(b.bit_depth, bits);
      ASSERT_EQ(b.radiometry.radiometric, bits == 16);
      wl_frame_release(&b);
      ASSERT_OK(wl_image_read(path, &b, &err), &err);
      ASSERT(same_pixels(&a, &b));
      wl_frame_release(&a);
      wl_frame_release(&b);
    }
  return 0;
}

TEST_IMPL(io_tiff_roundtrip) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  for (size_t k = 0; k < NSIZES; k++)
    for (int bits = 8; bits <= 16; bits += 8) {
      wl_frame_t a, b;
      ASSERT_EQ(random_frame(&a, SIZES[k][0], SIZES[k][1], bits,
                             (uint32_t)k + 20), 0);
      wl_frame_init(&b);
      const char *path = test_path(dir, k % 2 ? "x.tif" : "x.tiff");
      ASSERT_OK(wl_tiff_write(path, &a, &err), &err);
      ASSERT_OK(wl_tiff_read(path, &b, &err), &err);
      ASSERT(same_pixels(&a, &b));
      ASSERT_EQ(b.bit_depth, bits);
      ASSERT_EQ(b.radiometry.radiometric, bits == 16);
      wl_frame_release(&b);
      ASSERT_OK(wl_image_read(path, &b, &err), &err);
      ASSERT(same_pixels(&a, &b));
      wl_frame_release(&a);
      wl_frame_release(&b);
    }
  return 0;
}

TEST_IMPL(io_raw_roundtrip) {
  const char *path = test_path(test_tmpdir(), "clip.y16");
  wl_err_t err;
  wl_frame_t in[3], out;
  wl_frame_init(&out);
  FILE *fp = fopen(path, "wb");
  ASSERT(fp);
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(random_frame(&in[i], 641, 3, 16, 30 + (uint32_t)i), 0);
    ASSERT_OK(wl_raw_write(fp, path, &in[i], &err), &err);
  }
  fclose(fp);
  ASSERT_EQ(file_size(path), 3L * 641 * 3 * 2);
  /* Little-endian on disk. */
  size_t len;
  unsigned char *bytes = read_bytes(path, &len);
  ASSERT(bytes);
  ASSERT_EQ(bytes[2], in[0].data[1] & 255);
  ASSERT_EQ(bytes[3], in[0].data[1] >> 8);
  free(bytes);
  fp = fopen(path, "rb");
  ASSERT(fp);
  for (int i = 0; i < 3; i++) {
    ASSERT_OK(wl_raw_read(fp, path, 641, 3, &out, &err), &err);
    ASSERT(same_pixels(&in[i], &out));
    ASSERT_EQ(out.bit_depth, 16);
  }
  ASSERT_EQ(wl_raw_read(fp, path, 641, 3, &out, &err), WL_EOF);
  ASSERT_EQ(wl_raw_read(fp, path, 641, 3, &out, &err), WL_EOF);
  fclose(fp);
  for (int i = 0; i < 3; i++) wl_frame_release(&in[i]);
  wl_frame_release(&out);
  return 0;
}

/* ---- sources and sinks ---- */

/* Write frames through a sink, then read them back through a source. */
static int write_frames(const char *path, const wl_sink_opts_t *opts,
                        wl_frame_t *frames, int n, wl_err_t *err) {
  wl_sink_t *sink;
  int rc = wl_sink_open(&sink, path, opts, err);
  for (int i = 0; rc == WL_OK && i < n; i++)
    rc = wl_sink_write(sink, &frames[i], err);
  if (rc != WL_OK) {
    wl_sink_close(sink, NULL);
    return rc;
  }
  return wl_sink_close(sink, err);
}

/* Read every frame of uri and compare with expect[0..n). */
static int read_and_compare(const char *uri, const wl_source_opts_t *opts,
                            const wl_frame_t *expect, int n, double fps) {
  wl_err_t err;
  wl_source_t *src;
  ASSERT_OK(wl_source_open(&src, uri, opts, &err), &err);
  const wl_source_info_t *info = wl_source_info(src);
  ASSERT_EQ(info->width, expect[0].width);
  ASSERT_EQ(info->height, expect[0].height);
  ASSERT_EQ(info->frame_count, n);
  ASSERT_NEAR(info->fps, fps, 1e-9);
  wl_frame_t f;
  wl_frame_init(&f);
  for (int i = 0; i < n; i++) {
    ASSERT_OK(wl_source_next(src, &f, &err), &err);
    if (!same_pixels(&f, &expect[i])) TEST_FAIL_("%s: frame %d differs", uri, i);
    ASSERT_EQ(f.seq, i);
    ASSERT_EQ(f.t_ns, (int64_t)llround(i * 1e9 / fps));
    ASSERT_EQ(f.bit_depth, expect[i].bit_depth);
  }
  ASSERT_EQ(wl_source_next(src, &f, &err), WL_EOF);
  ASSERT_EQ(wl_source_next(src, &f, &err), WL_EOF);
  wl_source_close(src);
  wl_frame_release(&f);
  ASSERT_EQ(wl_source_count_frames(uri, opts, &err), n);
  return 0;
}

TEST_IMPL(io_sink_source_dir) {
  const char *dir = test_tmpdir();
  static const wl_format_t formats[] = {WL_FORMAT_AUTO, WL_FORMAT_PNG,
                                        WL_FORMAT_TIFF};
  static const char *const first[] = {"000001.pgm", "000001.png",
                                      "000001.tif"};
  wl_err_t err;
  wl_frame_t frames[4];
  for (int i = 0; i < 4; i++)
    ASSERT_EQ(random_frame(&frames[i], 37, 5, 16, 40 + (uint32_t)i), 0);
  for (int k = 0; k < 3; k++) {
    char out[512];
    /* A directory that does not exist yet, two levels deep. */
    snprintf(out, sizeof out, "%s/nested%d/frames/", dir, k);
    wl_sink_opts_t so;
    wl_sink_default_opts(&so);
    so.format = formats[k];
    ASSERT_OK(write_frames(out, &so, frames, 4, &err), &err);
    char probe[600];
    snprintf(probe, sizeof probe, "%s%s", out, first[k]);
    ASSERT_GT(file_size(probe), 0);
    snprintf(probe, sizeof probe, "%s000004%s", out, first[k] + 6);
    ASSERT_GT(file_size(probe), 0);
    /* Other files in the directory are ignored. */
    snprintf(probe, sizeof probe, "%snotes.txt", out);
    ASSERT_EQ(write_bytes(probe, "hi", 2), 0);
    wl_source_opts_t o;
    wl_source_default_opts(&o);
    if (k == 1) o.fps = 9;
    if (read_and_compare(out, &o, frames, 4, k == 1 ? 9 : 30)) return 1;
    /* The directory's name without the '/' works too, and opts NULL. */
    out[strlen(out) - 1] = '\0';
    if (read_and_compare(out, NULL, frames, 4, 30)) return 1;
  }
  /* The kind of a directory source. */
  wl_source_t *src;
  ASSERT_OK(wl_source_open(&src, test_path(dir, "nested0/frames"), NULL, &err),
            &err);
  ASSERT_STR_EQ(wl_source_info(src)->kind, "images");
  ASSERT_EQ(wl_source_info(src)->bit_depth, 16);
  wl_source_close(src);
  for (int i = 0; i < 4; i++) wl_frame_release(&frames[i]);
  return 0;
}

TEST_IMPL(io_sink_source_pattern_glob) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  enum { N = 11 }; /* past 9, so name order matters */
  wl_frame_t frames[N];
  for (int i = 0; i < N; i++)
    ASSERT_EQ(random_frame(&frames[i], 3, 7, 16, 50 + (uint32_t)i),
              0);
  char pattern[512], glob_pattern[512];
  snprintf(pattern, sizeof pattern, "%s/seq/f_%%04d.png", dir);
  ASSERT_OK(write_frames(pattern, NULL, frames, N, &err), &err);
  ASSERT_GT(file_size(test_path(dir, "seq/f_0001.png")), 0);
  ASSERT_GT(file_size(test_path(dir, "seq/f_0011.png")), 0);
  ASSERT_EQ(file_size(test_path(dir, "seq/f_0012.png")), -1);
  snprintf(glob_pattern, sizeof glob_pattern, "%s/seq/f_*.png", dir);
  if (read_and_compare(glob_pattern, NULL, frames, N, 30)) return 1;

  /* 8-bit frames through an unpadded %d pattern with a literal %%, PGM. */
  wl_frame_t small[3];
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(random_frame(&small[i], 641, 3, 8, 70 + (uint32_t)i), 0);
  snprintf(pattern, sizeof pattern, "%s/p/100%%%%_%%d.pgm", dir);
  ASSERT_OK(write_frames(pattern, NULL, small, 3, &err), &err);
  ASSERT_GT(file_size(test_path(dir, "p/100%_3.pgm")), 0);
  snprintf(glob_pattern, sizeof glob_pattern, "%s/p/100%%_[0-9].pgm", dir);
  if (read_and_compare(glob_pattern, NULL, small, 3, 30)) return 1;
  for (int i = 0; i < N; i++) wl_frame_release(&frames[i]);
  for (int i = 0; i < 3; i++) wl_frame_release(&small[i]);
  return 0;
}

TEST_IMPL(io_sink_source_single) {
  const char *dir = test_tmpdir();
  static const char *const names[] = {"one.pgm", "one.png", "one.tif",
                                      "one.TIFF"};
  static const char *const kinds[] = {"pgm", "png", "tiff", "tiff"};
  wl_err_t err;
  for (int k = 0; k < 4; k++) {
    wl_frame_t f;
    ASSERT_EQ(random_frame(&f, 641, 3, k == 3 ? 8 : 16, 80 + (uint32_t)k), 0);
    const char *path = test_path(dir, names[k]);
    wl_sink_t *sink;
    ASSERT_OK(wl_sink_open(&sink, path, NULL, &err), &err);
    ASSERT_OK(wl_sink_write(sink, &f, &err), &err);
    ASSERT_EQ(wl_sink_write(sink, &f, &err), WL_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, names[k]);
    ASSERT_STR_CONTAINS(err.msg, "one frame");
    ASSERT_OK(wl_sink_close(sink, &err), &err);
    if (read_and_compare(path, NULL, &f, 1, 30)) return 1;
    wl_source_t *src;
    ASSERT_OK(wl_source_open(&src, path, NULL, &err), &err);
    ASSERT_STR_EQ(wl_source_info(src)->kind, kinds[k]);
    wl_source_close(src);
    wl_frame_release(&f);
  }
  /* No ".part" file is left behind. */
  ASSERT_EQ(file_size(test_path(dir, "one.png.part")), -1);
  return 0;
}

TEST_IMPL(io_sink_source_raw) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  wl_frame_t frames[5];
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(random_frame(&frames[i], 64, 48, 16, 90 + (uint32_t)i), 0);
  const char *path = test_path(dir, "clip.y16");
  ASSERT_OK(write_frames(path, NULL, frames, 5, &err), &err);
  ASSERT_EQ(file_size(path), 5L * 64 * 48 * 2);
  wl_source_opts_t o;
  wl_source_default_opts(&o);
  o.raw_width = 64;
  o.raw_height = 48;
  o.fps = 60;
  if (read_and_compare(path, &o, frames, 5, 60)) return 1;

  /* raw_width makes any name raw; explicit format raw on any name. */
  const char *other = test_path(dir, "clip.bin");
  wl_sink_opts_t so;
  wl_sink_default_opts(&so);
  so.format = WL_FORMAT_RAW;
  ASSERT_OK(write_frames(other, &so, frames, 5, &err), &err);
  if (read_and_compare(other, &o, frames, 5, 60)) return 1;

  /* The radiometry override applies to 16-bit input... */
  wl_source_t *src;
  o.radiometry_override = 1;
  o.radiometry.radiometric = 1;
  o.radiometry.scale = 0.04;
  o.radiometry.offset = 10;
  ASSERT_OK(wl_source_open(&src, path, &o, &err), &err);
  ASSERT_STR_EQ(wl_source_info(src)->kind, "raw");
  ASSERT_NEAR(wl_source_info(src)->radiometry.scale, 0.04, 0);
  wl_frame_t f;
  wl_frame_init(&f);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_NEAR(f.radiometry.scale, 0.04, 0);
  ASSERT_NEAR(wl_frame_kelvin(&f, 100), 14.0, 1e-9);
  wl_source_close(src);
  /* ...and not to 8-bit input. */
  wl_frame_t g;
  ASSERT_EQ(random_frame(&g, 5, 5, 8, 99), 0);
  const char *pgm = test_path(dir, "eight.pgm");
  ASSERT_OK(pgm_write_file(pgm, &g, &err), &err);
  o.raw_width = o.raw_height = 0;
  ASSERT_OK(wl_source_open(&src, pgm, &o, &err), &err);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_EQ(f.radiometry.radiometric, 0);
  ASSERT_EQ(f.bit_depth, 8);
  wl_source_close(src);
  wl_frame_release(&f);
  wl_frame_release(&g);
  for (int i = 0; i < 5; i++) wl_frame_release(&frames[i]);
  return 0;
}

/* ---- colour inputs ---- */

typedef struct png_spec {
  int width, height, color_type, bit_depth, interlace;
  const unsigned char *rows; /* packed rows, PNG byte order */
  const png_color *palette;
  int palette_n;
  const unsigned char *trns;
  int trns_n;
} png_spec_t;

static int make_png(const char *path, const png_spec_t *s) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
                                            NULL);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(fp);
    return -1;
  }
  png_init_io(png, fp);
  png_set_IHDR(png, info, (png_uint_32)s->width, (png_uint_32)s->height,
               s->bit_depth, s->color_type, s->interlace,
               PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  if (s->palette) png_set_PLTE(png, info, s->palette, s->palette_n);
  if (s->trns) png_set_tRNS(png, info, s->trns, s->trns_n, NULL);
  png_write_info(png, info);
  size_t rowbytes = png_get_rowbytes(png, info);
  int passes = png_set_interlace_handling(png);
  for (int p = 0; p < passes; p++)
    for (int y = 0; y < s->height; y++)
      png_write_row(png, s->rows + (size_t)y * rowbytes);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return fclose(fp);
}

static int read_png_path(const char *path, wl_frame_t *f, wl_err_t *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return wl_fail(err, WL_EIO, "%s: cannot open", path);
  int rc = wl_png_read(fp, path, f, err);
  fclose(fp);
  return rc;
}

TEST_IMPL(io_png_color_luma) {
  const char *dir = test_tmpdir();
  const char *path = test_path(dir, "c.png");
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  enum { W = 5, H = 3 };
  uint32_t seed = 7;
  unsigned char rgb8[W * H * 3], rgba8[W * H * 4], ga8[W * H * 2];
  uint16_t rgb16[W * H * 3];
  unsigned char rgb16be[W * H * 6];
  for (int i = 0; i < W * H * 3; i++) {
    rgb8[i] = (unsigned char)rng_next(&seed);
    rgb16[i] = (uint16_t)rng_next(&seed);
    rgb16be[2 * i] = (unsigned char)(rgb16[i] >> 8);
    rgb16be[2 * i + 1] = (unsigned char)rgb16[i];
  }
  for (int i = 0; i < W * H; i++) {
    memcpy(rgba8 + 4 * i, rgb8 + 3 * i, 3);
    rgba8[4 * i + 3] = (unsigned char)(i * 17);
    ga8[2 * i] = rgb8[3 * i];
    ga8[2 * i + 1] = (unsigned char)(255 - i);
  }

  /* RGB 8: luma; RGBA 8: same luma, alpha dropped. */
  png_spec_t s = {W, H, PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, rgb8,
                  NULL, 0, NULL, 0};
  for (int alpha = 0; alpha < 2; alpha++) {
    if (alpha) {
      s.color_type = PNG_COLOR_TYPE_RGB_ALPHA;
      s.rows = rgba8;
    }
    ASSERT_EQ(make_png(path, &s), 0);
    ASSERT_OK(read_png_path(path, &f, &err), &err);
    ASSERT_EQ(f.bit_depth, 8);
    ASSERT_EQ(f.radiometry.radiometric, 0);
    for (int i = 0; i < W * H; i++)
      ASSERT_NEAR(f.data[i], luma601(rgb8[3 * i], rgb8[3 * i + 1],
                                     rgb8[3 * i + 2]), 1.0);
  }
  /* RGB 16, interlaced. libpng's weights are 15-bit fixed point (29900 ->
   * 9797/32768 ...), which is within 3.5 of exact BT.601 at 16 bits. */
  png_spec_t s16 = {W, H, PNG_COLOR_TYPE_RGB, 16, PNG_INTERLACE_ADAM7,
                    rgb16be, NULL, 0, NULL, 0};
  ASSERT_EQ(make_png(path, &s16), 0);
  ASSERT_OK(read_png_path(path, &f, &err), &err);
  ASSERT_EQ(f.bit_depth, 16);
  for (int i = 0; i < W * H; i++)
    ASSERT_NEAR(f.data[i], luma601(rgb16[3 * i], rgb16[3 * i + 1],
                                   rgb16[3 * i + 2]), 3.5);
  /* Grey + alpha: the grey. */
  png_spec_t sga = {W, H, PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE,
                    ga8, NULL, 0, NULL, 0};
  ASSERT_EQ(make_png(path, &sga), 0);
  ASSERT_OK(read_png_path(path, &f, &err), &err);
  for (int i = 0; i < W * H; i++) ASSERT_EQ(f.data[i], ga8[2 * i]);
  /* Palette with transparency: the luma of each entry. */
  png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {40, 80, 120}};
  unsigned char trns[4] = {0, 128, 255, 10};
  unsigned char idx[W * H];
  for (int i = 0; i < W * H; i++) idx[i] = (unsigned char)(i % 4);
  png_spec_t sp = {W, H, PNG_COLOR_TYPE_PALETTE, 8, PNG_INTERLACE_NONE,
                   idx, pal, 4, trns, 4};
  ASSERT_EQ(make_png(path, &sp), 0);
  ASSERT_OK(read_png_path(path, &f, &err), &err);
  ASSERT_EQ(f.bit_depth, 8);
  for (int i = 0; i < W * H; i++) {
    const png_color *c = &pal[i % 4];
    ASSERT_NEAR(f.data[i], luma601(c->red, c->green, c->blue), 1.0);
  }
  /* Grey of 1, 2 and 4 bits, scaled to 0..255. */
  for (int bits = 1; bits <= 4; bits *= 2) {
    int maxv = (1 << bits) - 1;
    unsigned char packed[H][4];
    memset(packed, 0, sizeof packed);
    int vals[H][W];
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        vals[y][x] = (x + y * W) % (maxv + 1);
        int bit = x * bits;
        packed[y][bit / 8] |= (unsigned char)(vals[y][x] << (8 - bits - bit % 8));
      }
    png_spec_t sg = {W, H, PNG_COLOR_TYPE_GRAY, bits, PNG_INTERLACE_NONE,
                     &packed[0][0], NULL, 0, NULL, 0};
    /* make_png needs rows of rowbytes; W=5 at <= 4 bits fits in 3 bytes, so
     * repack to rowbytes. */
    unsigned char rows[H * 3];
    size_t rb = ((size_t)W * bits + 7) / 8;
    for (int y = 0; y < H; y++) memcpy(rows + y * rb, packed[y], rb);
    sg.rows = rows;
    ASSERT_EQ(make_png(path, &sg), 0);
    ASSERT_OK(read_png_path(path, &f, &err), &err);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++)
        ASSERT_EQ(f.data[y * W + x], vals[y][x] * 255 / maxv);
  }
  wl_frame_release(&f);
  return 0;
}

typedef struct tiff_spec {
  int width, height, spp, bits, photometric, planar;
  int tile; /* 0: strips; else tile size (multiple of 16) */
  const void *pixels; /* interleaved samples in host order */
  const uint16_t *colormap; /* 3 * 2^bits entries for palette */
} tiff_spec_t;

static int make_tiff(const char *path, const tiff_spec_t *s) {
  TIFF *tif = TIFFOpen(path, "w");
  if (!tif) return -1;
  size_t bps = (size_t)s->bits / 8;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)s->width);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)s->height);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, s->bits);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, s->spp);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, s->photometric);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, s->planar);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  if (s->colormap) {
    int n = 1 << s->bits;
    TIFFSetField(tif, TIFFTAG_COLORMAP, s->colormap, s->colormap + n,
                 s->colormap + 2 * n);
  }
  int ok = 1;
  if (s->tile) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, s->tile);
    TIFFSetField(tif, TIFFTAG_TILELENGTH, s->tile);
    size_t pix = (size_t)s->spp * bps;
    unsigned char *tile = calloc((size_t)s->tile * s->tile, pix);
    for (int ty = 0; ty < s->height; ty += s->tile)
      for (int tx = 0; tx < s->width; tx += s->tile) {
        memset(tile, 0, (size_t)s->tile * s->tile * pix);
        for (int y = 0; y < s->tile && ty + y < s->height; y++)
          for (int x = 0; x < s->tile && tx + x < s->width; x++)
            memcpy(tile + ((size_t)y * s->tile + x) * pix,
                   (const unsigned char *)s->pixels +
                       ((size_t)(ty + y) * s->width + tx + x) * pix,
                   pix);
        ok &= TIFFWriteTile(tif, tile, (uint32_t)tx, (uint32_t)ty, 0, 0) >= 0;
      }
    free(tile);
  } else if (s->planar == PLANARCONFIG_SEPARATE) {
    unsigned char *row = malloc((size_t)s->width * bps);
    for (int c = 0; c < s->spp; c++)
      for (int y = 0; y < s->height; y++) {
        for (int x = 0; x < s->width; x++)
          memcpy(row + x * bps,
                 (const unsigned char *)s->pixels +
                     (((size_t)y * s->width + x) * s->spp + c) * bps,
                 bps);
        ok &= TIFFWriteScanline(tif, row, (uint32_t)y, (uint16_t)c) >= 0;
      }
    free(row);
  } else {
    size_t rowbytes = (size_t)s->width * s->spp * bps;
    unsigned char *row = malloc(rowbytes);
    for (int y = 0; y < s->height; y++) {
      memcpy(row, (const unsigned char *)s->pixels + y * rowbytes, rowbytes);
      ok &= TIFFWriteScanline(tif, row, (uint32_t)y, 0) >= 0;
    }
    free(row);
  }
  TIFFClose(tif);
  return ok ? 0 : -1;
}

TEST_IMPL(io_tiff_color_luma) {
  const char *path = test_path(test_tmpdir(), "c.tif");
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  enum { W = 37, H = 21 };
  uint32_t seed = 11;
  static unsigned char rgb8[W * H * 3];
  static uint16_t rgb16[W * H * 3], grey16[W * H];
  static unsigned char grey8[W * H];
  for (int i = 0; i < W * H * 3; i++) {
    rgb8[i] = (unsigned char)rng_next(&seed);
    rgb16[i] = (uint16_t)rng_next(&seed);
  }
  for (int i = 0; i < W * H; i++) {
    grey16[i] = (uint16_t)rng_next(&seed);
    grey8[i] = (unsigned char)rng_next(&seed);
  }
  /* RGB 8 and 16, interleaved; RGB 8 in separate planes (RGBA path). */
  for (int k = 0; k < 3; k++) {
    tiff_spec_t s = {W, H, 3, k == 1 ? 16 : 8, PHOTOMETRIC_RGB,
                     k == 2 ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG, 0,
                     k == 1 ? (const void *)rgb16 : (const void *)rgb8, NULL};
    ASSERT_EQ(make_tiff(path, &s), 0);
    ASSERT_OK(wl_tiff_read(path, &f, &err), &err);
    ASSERT_EQ(f.width, W);
    ASSERT_EQ(f.bit_depth, k == 1 ? 16 : 8);
    for (int i = 0; i < W * H; i++) {
      double y = k == 1 ? luma601(rgb16[3 * i], rgb16[3 * i + 1],
                                  rgb16[3 * i + 2])
                        : luma601(rgb8[3 * i], rgb8[3 * i + 1],
                                  rgb8[3 * i + 2]);
      ASSERT_NEAR(f.data[i], y, 1.0);
    }
  }
  /* MINISWHITE is inverted, 8 and 16 bits, strips and tiles. */
  for (int k = 0; k < 4; k++) {
    int bits = k % 2 ? 16 : 8;
    tiff_spec_t s = {W, H, 1, bits, PHOTOMETRIC_MINISWHITE,
                     PLANARCONFIG_CONTIG, k >= 2 ? 16 : 0,
                     bits == 16 ? (const void *)grey16 : (const void *)grey8,
                     NULL};
    ASSERT_EQ(make_tiff(path, &s), 0);
    ASSERT_OK(wl_tiff_read(path, &f, &err), &err);
    for (int i = 0; i < W * H; i++)
      ASSERT_EQ(f.data[i], bits == 16 ? 65535 - grey16[i] : 255 - grey8[i]);
  }
  /* Tiled 16-bit MINISBLACK, size not a multiple of the tile: exact. */
  tiff_spec_t st = {W, H, 1, 16, PHOTOMETRIC_MINISBLACK, PLANARCONFIG_CONTIG,
                    16, grey16, NULL};
  ASSERT_EQ(make_tiff(path, &st), 0);
  ASSERT_OK(wl_tiff_read(path, &f, &err), &err);
  ASSERT_EQ(f.bit_depth, 16);
  ASSERT_EQ(memcmp(f.data, grey16, sizeof grey16), 0);
  /* 8-bit palette (RGBA path): luma of each entry. */
  static uint16_t cmap[3 * 256];
  for (int i = 0; i < 256; i++) {
    cmap[i] = (uint16_t)(i * 257);
    cmap[256 + i] = (uint16_t)((255 - i) * 257);
    cmap[512 + i] = (uint16_t)((i * 7 % 256) * 257);
  }
  tiff_spec_t sp = {W, H, 1, 8, PHOTOMETRIC_PALETTE, PLANARCONFIG_CONTIG, 0,
                    grey8, cmap};
  ASSERT_EQ(make_tiff(path, &sp), 0);
  ASSERT_OK(wl_tiff_read(path, &f, &err), &err);
  ASSERT_EQ(f.bit_depth, 8);
  for (int i = 0; i < W * H; i++) {
    int v = grey8[i];
    ASSERT_NEAR(f.data[i], luma601(v, 255 - v, v * 7 % 256), 1.0);
  }
  wl_frame_release(&f);
  return 0;
}

/* ---- bad input ---- */

/* Read path with wl_image_read; expect code and the two substrings. */
static int expect_read_error(const char *path, int code, const char *what) {
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  err.msg[0] = '\0';
  int rc = wl_image_read(path, &f, &err);
  wl_frame_release(&f);
  if (rc != code)
    TEST_FAIL_("%s: code %d, expected %d (%s)", path, rc, code, err.msg);
  const char *base = strrchr(path, '/');
  ASSERT_STR_CONTAINS(err.msg, base ? base + 1 : path);
  ASSERT_STR_CONTAINS(err.msg, what);
  return 0;
}

static int write_and_expect(const char *dir, const char *name,
                            const char *bytes, size_t len, int code,
                            const char *what) {
  const char *path = test_path(dir, name);
  ASSERT_EQ(write_bytes(path, bytes, len), 0);
  return expect_read_error(path, code, what);
}

#define BAD(name, lit, code, what)                                            \
  do {                                                                        \
    if (write_and_expect(dir, name, lit, sizeof lit - 1, code, what))        \
      return 1;                                                               \
  } while (0)

TEST_IMPL(io_pgm_bad) {
  const char *dir = test_tmpdir();
  BAD("trunc-header.pgm", "P5\n640 ", WL_EFORMAT, "incomplete");
  BAD("no-maxval-space.pgm", "P5\n2 1\n255", WL_EFORMAT, "incomplete");
  BAD("lies.pgm", "P5\n640 512\n65535\n0123456789", WL_EFORMAT,
      "header says 640x512 16-bit (655360 bytes of pixels) but only 10 "
      "follow");
  BAD("lies8.pgm", "P5\n4 4\n255\nabc", WL_EFORMAT, "only 3 follow");
  BAD("empty-size.pgm", "P5\n0 0\n255\n", WL_EFORMAT, "0x0");
  BAD("huge.pgm", "P5\n100000 100000\n65535\n", WL_ETOOBIG, "100000x100000");
  BAD("huge-number.pgm", "P5\n99999999999999 2\n255\n", WL_ETOOBIG, "width");
  BAD("maxval0.pgm", "P5\n1 1\n0\n\x01", WL_EFORMAT, "maxval 0");
  BAD("maxval70000.pgm", "P5\n1 1\n70000\n\x01\x02", WL_EFORMAT,
      "maxval 70000");
  BAD("garbage.pgm", "\x89PNG garbage", WL_EFORMAT, "not a binary PGM");
  BAD("ascii.pgm", "P2\n1 1\n255\n7\n", WL_EUNSUPPORTED, "P2");
  BAD("letters.pgm", "P5\nab 1\n255\n", WL_EFORMAT, "width");
  BAD("nospace.pgm", "P5\n12x 1\n255\n", WL_EFORMAT, "width");
  BAD("zero.pgm", "", WL_EFORMAT, "incomplete");
  if (expect_read_error(test_path(dir, "missing.pgm"), WL_ENOTFOUND,
                        "No such file"))
    return 1;

  /* From a pipe (no size known up front), the short read is still named. */
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  const char *path = test_path(dir, "lies.pgm");
  char cmd[600];
  snprintf(cmd, sizeof cmd, "cat '%s'", path);
  FILE *p = popen(cmd, "r");
  ASSERT(p);
  ASSERT_EQ(wl_pgm_read(p, "pipe.pgm", &f, &err), WL_EFORMAT);
  pclose(p);
  ASSERT_STR_CONTAINS(err.msg, "pipe.pgm: header says 640x512 16-bit "
                               "(655360 bytes of pixels) but only 10 follow");
  /* A huge header fails before allocating: the frame stays empty. */
  wl_frame_release(&f);
  FILE *fp = fopen(test_path(dir, "huge.pgm"), "rb");
  ASSERT(fp);
  ASSERT_EQ(wl_pgm_read(fp, "huge.pgm", &f, &err), WL_ETOOBIG);
  fclose(fp);
  ASSERT(f.data == NULL);
  /* A lying header fails before allocating too (the file size is known). */
  fp = fopen(path, "rb");
  ASSERT(fp);
  ASSERT_EQ(wl_pgm_read(fp, "lies.pgm", &f, &err), WL_EFORMAT);
  fclose(fp);
  ASSERT(f.data == NULL);
  return 0;
}

static int write_png_prefix(const char *path, png_uint_32 w, png_uint_32 h,
                            int bits) {
  /* Signature and IHDR as libpng writes them, then a short IDAT. */
  FILE *fp = fopen(path, "wb");
  if (!fp) return -1;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
                                            NULL);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(fp);
    return -1;
  }
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_init_io(png, fp);
  png_set_IHDR(png, info, w, h, bits, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  png_write_info(png, info);
  png_destroy_write_struct(&png, &info);
  /* The start of an IDAT chunk, so a reader gets past the header. */
  static const unsigned char idat[] = {0, 0, 0, 10, 'I', 'D', 'A', 'T', 1, 2,
                                       3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0};
  fwrite(idat, 1, sizeof idat, fp);
  return fclose(fp);
}

TEST_IMPL(io_png_bad) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  wl_frame_t f;
  ASSERT_EQ(random_frame(&f, 64, 48, 16, 5), 0);
  const char *good = test_path(dir, "good.png");
  ASSERT_OK(png_write_file(good, &f, &err), &err);
  size_t len;
  unsigned char *bytes = read_bytes(good, &len);
  ASSERT(bytes);
  /* Cut in the pixel data, in the header, and just before IEND. */
  const size_t cuts[] = {len / 2, 20, len - 12};
  for (size_t k = 0; k < 3; k++) {
    const char *cut = test_path(dir, "cut.png");
    ASSERT_EQ(write_bytes(cut, bytes, cuts[k]), 0);
    if (expect_read_error(cut, WL_EFORMAT, "truncated PNG")) return 1;
  }
  /* A flipped byte in the pixel data: a CRC error. */
  bytes[len / 2] ^= 0x55;
  const char *flip = test_path(dir, "flip.png");
  ASSERT_EQ(write_bytes(flip, bytes, len), 0);
  if (expect_read_error(flip, WL_EFORMAT, "bad PNG")) return 1;
  free(bytes);
  if (write_and_expect(dir, "garbage.png", "P5\n1 1\n255\n\x01", 12,
                       WL_EFORMAT, "bad PNG"))
    return 1;
  /* Sizes over the limits fail before any pixel is allocated. */
  const char *big = test_path(dir, "big.png");
  ASSERT_EQ(write_png_prefix(big, 100000, 100000, 8), 0);
  if (expect_read_error(big, WL_ETOOBIG, "too large")) return 1;
  ASSERT_EQ(write_png_prefix(big, 16384, 16384, 16), 0);
  if (expect_read_error(big, WL_ETOOBIG, "16384x16384")) return 1;
  /* In the limits but far more pixels than the file could hold. */
  ASSERT_EQ(write_png_prefix(big, 8000, 8000, 16), 0);
  if (expect_read_error(big, WL_EFORMAT, "too few")) return 1;
  if (expect_read_error(test_path(dir, "missing.png"), WL_ENOTFOUND,
                        "No such file"))
    return 1;
  wl_frame_release(&f);
  return 0;
}

static int read_garbage_tiff(void *path) {
  wl_frame_t f;
  wl_frame_init(&f);
  wl_err_t err;
  int rc = wl_tiff_read(path, &f, &err);
  wl_frame_release(&f);
  return rc;
}

TEST_IMPL(io_tiff_bad) {
  const char *dir = test_tmpdir();
  BAD("garbage.tif", "II*\0garbage garbage", WL_EFORMAT, "TIFF");
  BAD("text.tiff", "hello, this is not a TIFF at all", WL_EFORMAT,
      "not a readable TIFF");
  /* Truncated pixel data of an uncompressed TIFF. */
  wl_err_t err;
  wl_frame_t f;
  ASSERT_EQ(random_frame(&f, 64, 48, 16, 6), 0);
  const char *good = test_path(dir, "good.tif");
  static uint16_t px[64 * 48];
  memcpy(px, f.data, sizeof px);
  tiff_spec_t s = {64, 48, 1, 16, PHOTOMETRIC_MINISBLACK, PLANARCONFIG_CONTIG,
                   0, px, NULL};
  ASSERT_EQ(make_tiff(good, &s), 0);
  size_t len;
  unsigned char *bytes = read_bytes(good, &len);
  ASSERT(bytes);
  const char *cut = test_path(dir, "cut.tif");
  ASSERT_EQ(write_bytes(cut, bytes, len / 2), 0);
  free(bytes);
  wl_frame_t g;
  wl_frame_init(&g);
  int rc = wl_tiff_read(cut, &g, &err);
  ASSERT_NE(rc, WL_OK);
  ASSERT_STR_CONTAINS(err.msg, "cut.tif");
  if (expect_read_error(test_path(dir, "missing.tif"), WL_ENOTFOUND,
                        "No such file"))
    return 1;
  /* libtiff's complaints go to the message, never to stderr. */
  long printed = stderr_bytes_during(read_garbage_tiff, (void *)cut, &rc);
  ASSERT_NE(rc, WL_OK);
  ASSERT_EQ(printed, 0);
  printed = stderr_bytes_during(read_garbage_tiff,
                                (void *)test_path(dir, "garbage.tif"), &rc);
  ASSERT_EQ(rc, WL_EFORMAT);
  ASSERT_EQ(printed, 0);
  wl_frame_release(&f);
  wl_frame_release(&g);
  return 0;
}

TEST_IMPL(io_raw_bad) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  /* Two frames of 4x2 and 5 extra bytes. */
  unsigned char bytes[2 * 16 + 5];
  for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (unsigned char)i;
  const char *path = test_path(dir, "partial.y16");
  ASSERT_EQ(write_bytes(path, bytes, sizeof bytes), 0);
  wl_source_opts_t o;
  wl_source_default_opts(&o);
  o.raw_width = 4;
  o.raw_height = 2;
  wl_source_t *src;
  ASSERT_OK(wl_source_open(&src, path, &o, &err), &err);
  wl_frame_t f;
  wl_frame_init(&f);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_EQ(f.data[0], 0x0100);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_EQ(wl_source_next(src, &f, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "partial.y16");
  ASSERT_STR_CONTAINS(err.msg, "5 of 16 bytes");
  wl_source_close(src);
  ASSERT_EQ(wl_source_count_frames(path, &o, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "37 bytes");
  /* No size: a clear error naming the option. */
  ASSERT_EQ(wl_source_open(&src, path, NULL, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "partial.y16: raw input needs --size WxH");
  o.raw_height = 0;
  ASSERT_EQ(wl_source_open(&src, path, &o, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "needs --size WxH");
  ASSERT_EQ(wl_source_count_frames(path, &o, &err), WL_EINVAL);
  /* Too big a size, and a missing file. */
  o.raw_width = o.raw_height = 100000;
  ASSERT_EQ(wl_source_open(&src, path, &o, &err), WL_ETOOBIG);
  o.raw_width = o.raw_height = 4;
  ASSERT_EQ(wl_source_open(&src, test_path(dir, "nope.raw"), &o, &err),
            WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "nope.raw");
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(io_source_bad) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  wl_source_t *src = NULL;
  /* Missing single image. */
  ASSERT_EQ(wl_source_open(&src, test_path(dir, "gone.png"), NULL, &err),
            WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "gone.png");
  ASSERT_EQ(wl_source_count_frames(test_path(dir, "gone.png"), NULL, &err),
            WL_ENOTFOUND);
  /* Empty directory (and one with only other files). */
  const char *empty = test_path(dir, "empty");
  ASSERT_EQ(mkdir(empty, 0777), 0);
  ASSERT_EQ(write_bytes(test_path(empty, "readme.txt"), "x", 1), 0);
  ASSERT_EQ(wl_source_open(&src, empty, NULL, &err), WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "empty");
  ASSERT_STR_CONTAINS(err.msg, "no .pgm .png .tif .tiff files");
  /* A glob with no match. */
  ASSERT_EQ(wl_source_open(&src, test_path(dir, "nothing*.pgm"), NULL, &err),
            WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "nothing*.pgm");
  /* Mixed sizes: the second frame fails, naming it and both sizes. */
  const char *mixed = test_path(dir, "mixed");
  ASSERT_EQ(mkdir(mixed, 0777), 0);
  wl_frame_t a, b;
  ASSERT_EQ(random_frame(&a, 8, 6, 16, 1), 0);
  ASSERT_EQ(random_frame(&b, 6, 8, 16, 2), 0);
  ASSERT_OK(pgm_write_file(test_path(mixed, "a.pgm"), &a, &err), &err);
  ASSERT_OK(png_write_file(test_path(mixed, "b.png"), &b, &err), &err);
  ASSERT_OK(wl_source_open(&src, mixed, NULL, &err), &err);
  wl_frame_t f;
  wl_frame_init(&f);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_EQ(wl_source_next(src, &f, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "b.png");
  ASSERT_STR_CONTAINS(err.msg, "6x8");
  ASSERT_STR_CONTAINS(err.msg, "8x6");
  ASSERT_STR_CONTAINS(err.msg, "a.pgm");
  wl_source_close(src);
  /* A bad file in the middle of a sequence: the error names it. */
  const char *seq = test_path(dir, "seq");
  ASSERT_EQ(mkdir(seq, 0777), 0);
  ASSERT_OK(pgm_write_file(test_path(seq, "1.pgm"), &a, &err), &err);
  ASSERT_EQ(write_bytes(test_path(seq, "2.pgm"), "P5\n8 6\n", 7), 0);
  ASSERT_OK(wl_source_open(&src, seq, NULL, &err), &err);
  ASSERT_OK(wl_source_next(src, &f, &err), &err);
  ASSERT_EQ(wl_source_next(src, &f, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "2.pgm");
  wl_source_close(src);
  /* Bad arguments. */
  ASSERT_EQ(wl_source_open(&src, "", NULL, &err), WL_EINVAL);
  ASSERT_EQ(wl_source_open(&src, NULL, NULL, &err), WL_EINVAL);
  ASSERT_EQ(wl_image_read(test_path(dir, "x.bmp"), &f, &err),
            WL_EUNSUPPORTED);
  wl_source_close(NULL);
  wl_frame_release(&a);
  wl_frame_release(&b);
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(io_sink_bad) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  wl_sink_t *sink;
  wl_frame_t a, b;
  ASSERT_EQ(random_frame(&a, 8, 6, 16, 1), 0);
  ASSERT_EQ(random_frame(&b, 6, 8, 16, 2), 0);
  /* A frame of another size. */
  ASSERT_OK(wl_sink_open(&sink, test_path(dir, "out/"), NULL, &err), &err);
  ASSERT_OK(wl_sink_write(sink, &a, &err), &err);
  ASSERT_EQ(wl_sink_write(sink, &b, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "frame 2 is 6x8 but the first frame was 8x6");
  ASSERT_STR_CONTAINS(err.msg, "out/");
  ASSERT_OK(wl_sink_write(sink, &a, &err), &err);
  ASSERT_OK(wl_sink_close(sink, &err), &err);
  ASSERT_GT(file_size(test_path(dir, "out/000002.pgm")), 0);
  ASSERT_EQ(file_size(test_path(dir, "out/000003.pgm")), -1);
  /* The same for a raw stream. */
  ASSERT_OK(wl_sink_open(&sink, test_path(dir, "s.raw"), NULL, &err), &err);
  ASSERT_OK(wl_sink_write(sink, &a, &err), &err);
  ASSERT_EQ(wl_sink_write(sink, &b, &err), WL_EINVAL);
  ASSERT_OK(wl_sink_close(sink, &err), &err);
  ASSERT_EQ(file_size(test_path(dir, "s.raw")), 8 * 6 * 2);
  /* Names that cannot work. */
  static const char *const bad[] = {"x.bmp",    "noext",      "a%s.png",
                                    "a%d_%d.png", "a%05.png", "%d.y16",
                                    "100%%.png",  "a%",       "%-5d.png"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sink = NULL;
    ASSERT_EQ(wl_sink_open(&sink, test_path(dir, bad[i]), NULL, &err),
              WL_EINVAL);
    ASSERT(sink == NULL);
    ASSERT_STR_CONTAINS(err.msg, bad[i]);
  }
  /* Palettes need PNG; stdout is raw only. */
  wl_sink_opts_t so;
  wl_sink_default_opts(&so);
  so.palette = WL_PALETTE_IRONBOW;
  ASSERT_EQ(wl_sink_open(&sink, test_path(dir, "x.pgm"), &so, &err),
            WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "PNG only");
  ASSERT_EQ(wl_sink_open(&sink, test_path(dir, "x.y16"), &so, &err),
            WL_EINVAL);
  wl_sink_default_opts(&so);
  so.format = WL_FORMAT_PNG;
  ASSERT_EQ(wl_sink_open(&sink, "-", &so, &err), WL_EINVAL);
  /* A directory that cannot be made (a file is in the way). */
  ASSERT_EQ(write_bytes(test_path(dir, "file"), "x", 1), 0);
  ASSERT_NE(wl_sink_open(&sink, test_path(dir, "file/sub/"), NULL, &err),
            WL_OK);
  ASSERT_STR_CONTAINS(err.msg, "file/sub");
  ASSERT_EQ(wl_sink_close(NULL, &err), WL_OK);
  wl_frame_release(&a);
  wl_frame_release(&b);
  return 0;
}

/* ---- snapshots ---- */

TEST_IMPL(io_snapshot_range) {
  wl_frame_t f;
  wl_err_t err;
  wl_frame_init(&f);
  ASSERT_OK(wl_frame_alloc(&f, 100, 100, &err), &err);
  /* Values 1000..10999, shuffled. */
  uint32_t seed = 3;
  for (int i = 0; i < 10000; i++) f.data[i] = (uint16_t)(1000 + i);
  for (int i = 9999; i > 0; i--) {
    int j = (int)(rng_next(&seed) % (uint32_t)(i + 1));
    uint16_t t = f.data[i];
    f.data[i] = f.data[j];
    f.data[j] = t;
  }
  uint16_t lo, hi;
  wl_snapshot_range(&f, 1.0, 99.5, &lo, &hi);
  ASSERT_EQ(lo, 1099);  /* the 100th smallest */
  ASSERT_EQ(hi, 10949); /* the 9950th smallest */
  wl_snapshot_range(&f, 0, 100, &lo, &hi);
  ASSERT_EQ(lo, 1000);
  ASSERT_EQ(hi, 10999);
  /* 0.3% hot and 0.3% dead pixels barely move the range. */
  for (int i = 0; i < 30; i++) {
    f.data[i * 7] = 65535;
    f.data[i * 7 + 3] = 0;
  }
  wl_snapshot_range(&f, 1.0, 99.5, &lo, &hi);
  ASSERT_LT(abs((int)lo - 1099), 40);
  ASSERT_LT(abs((int)hi - 10949), 40);
  /* Flat frames: hi = lo + 1, or lo = hi - 1 at the top. */
  for (int i = 0; i < 10000; i++) f.data[i] = 5000;
  wl_snapshot_range(&f, 1.0, 99.5, &lo, &hi);
  ASSERT_EQ(lo, 5000);
  ASSERT_EQ(hi, 5001);
  for (int i = 0; i < 10000; i++) f.data[i] = 65535;
  wl_snapshot_range(&f, 1.0, 99.5, &lo, &hi);
  ASSERT_EQ(lo, 65534);
  ASSERT_EQ(hi, 65535);
  /* Values that share a high byte and differ in the low byte. */
  ASSERT_OK(wl_frame_alloc(&f, 4, 1, &err), &err);
  f.data[0] = 0x1234;
  f.data[1] = 0x1201;
  f.data[2] = 0x12ff;
  f.data[3] = 0x0001;
  wl_snapshot_range(&f, 50, 75, &lo, &hi);
  ASSERT_EQ(lo, 0x1201);
  ASSERT_EQ(hi, 0x1234);
  wl_frame_release(&f);
  return 0;
}

/* Read an 8-bit RGB PNG with libpng (no transforms). */
static unsigned char *read_rgb_png(const char *path, int *w, int *h) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
                                           NULL);
  png_infop info = png_create_info_struct(png);
  unsigned char *volatile rgb = NULL;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, NULL);
    fclose(fp);
    free(rgb);
    return NULL;
  }
  png_init_io(png, fp);
  png_read_info(png, info);
  if (png_get_color_type(png, info) != PNG_COLOR_TYPE_RGB ||
      png_get_bit_depth(png, info) != 8)
    png_error(png, "not 8-bit RGB");
  *w = (int)png_get_image_width(png, info);
  *h = (int)png_get_image_height(png, info);
  rgb = malloc((size_t)*w * *h * 3);
  for (int y = 0; y < *h; y++) png_read_row(png, rgb + (size_t)y * *w * 3, NULL);
  png_read_end(png, NULL);
  png_destroy_read_struct(&png, &info, NULL);
  fclose(fp);
  return rgb;
}

TEST_IMPL(io_snapshot_write) {
  const char *dir = test_tmpdir();
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  enum { W = 256, H = 4 };
  ASSERT_OK(wl_frame_alloc(&f, W, H, &err), &err);
  /* A ramp 20000 + 10*x; row 0 holds one hot pixel. */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) f.data[y * W + x] = (uint16_t)(20000 + 10 * x);
  f.data[5] = 65535;
  for (int pal = WL_PALETTE_WHITE_HOT; pal <= WL_PALETTE_IRONBOW; pal++) {
    const char *path = test_path(dir, "snap.png");
    FILE *fp = fopen(path, "wb");
    ASSERT(fp);
    ASSERT_OK(wl_snapshot_write_png(fp, path, &f, (wl_palette_t)pal, &err),
              &err);
    fclose(fp);
    int w = 0, h = 0;
    unsigned char *rgb = read_rgb_png(path, &w, &h);
    ASSERT(rgb);
    ASSERT_EQ(w, W);
    ASSERT_EQ(h, H);
    /* Row 1: coldest black, hottest white; luma rises along the ramp. */
    const unsigned char *row = rgb + W * 3;
    ASSERT_EQ(row[0] + row[1] + row[2], 0);
    ASSERT_EQ(row[(W - 1) * 3] + row[(W - 1) * 3 + 1] + row[(W - 1) * 3 + 2],
              3 * 255);
    double prev = -1;
    for (int x = 0; x < W; x++) {
      const unsigned char *p = row + x * 3;
      double y = luma601(p[0], p[1], p[2]);
      ASSERT_DBL_GE(y, prev - 1e-9);
      prev = y;
      if (pal == WL_PALETTE_WHITE_HOT) {
        ASSERT_EQ(p[0], p[1]);
        ASSERT_EQ(p[1], p[2]);
      }
    }
    if (pal == WL_PALETTE_IRONBOW) {
      /* Warm colours in the upper half: red over blue. */
      const unsigned char *p = row + (W * 3 / 4) * 3;
      ASSERT_GT(p[0], p[2]);
      /* Blue/purple in the lower part: blue over green. */
      p = row + (W / 5) * 3;
      ASSERT_GT(p[2], p[1]);
    }
    free(rgb);
  }
  /* wl_colormap with an explicit range. */
  uint8_t rgb[W * H * 3];
  wl_colormap(&f, WL_PALETTE_WHITE_HOT, 20000, 20000 + 10 * 255, rgb);
  for (int x = 0; x < W; x++) ASSERT_EQ(rgb[(W + x) * 3], x);
  /* A sink with a palette writes RGB PNG snapshots into a directory. */
  wl_sink_opts_t so;
  wl_sink_default_opts(&so);
  so.palette = WL_PALETTE_IRONBOW;
  ASSERT_OK(write_frames(test_path(dir, "snaps/"), &so, &f, 1, &err), &err);
  int w = 0, h = 0;
  unsigned char *img = read_rgb_png(test_path(dir, "snaps/000001.png"), &w, &h);
  ASSERT(img);
  ASSERT_EQ(w, W);
  free(img);
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(io_parse_names) {
  wl_palette_t p;
  ASSERT_OK(wl_palette_parse("ironbow", &p), &(wl_err_t){0});
  ASSERT_EQ(p, WL_PALETTE_IRONBOW);
  ASSERT_OK(wl_palette_parse("white-hot", &p), &(wl_err_t){0});
  ASSERT_EQ(p, WL_PALETTE_WHITE_HOT);
  ASSERT_OK(wl_palette_parse("none", &p), &(wl_err_t){0});
  ASSERT_EQ(p, WL_PALETTE_NONE);
  ASSERT_EQ(wl_palette_parse("rainbow", &p), WL_EINVAL);
  ASSERT_EQ(wl_palette_parse(NULL, &p), WL_EINVAL);
  static const char *const names[] = {"pgm", "png", "tiff", "raw", "mkv"};
  static const wl_format_t formats[] = {WL_FORMAT_PGM, WL_FORMAT_PNG,
                                        WL_FORMAT_TIFF, WL_FORMAT_RAW,
                                        WL_FORMAT_MKV};
  for (int i = 0; i < 5; i++) {
    wl_format_t f;
    ASSERT_OK(wl_format_parse(names[i], &f), &(wl_err_t){0});
    ASSERT_EQ(f, formats[i]);
  }
  wl_format_t f;
  ASSERT_EQ(wl_format_parse("jpeg", &f), WL_EINVAL);
  return 0;
}

