/*
 * spot-bench.c - times the spot (small-target) detector on one core.
 *
 *   spot-bench DATA SPLIT [--repeat N]
 *
 * Loads every image of a SIRST split first (decoding is not timed), then
 * runs wl_spot_detect() (default parameters, mask written) N times on each
 * and reports the per-image time: median, mean and maximum over the
 * images of each image's fastest run (the least disturbed by other
 * processes). Then the same on synthetic 256x256 and 640x512 16-bit
 * frames (Gaussian noise and 10 targets). Single thread, CLOCK_MONOTONIC.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "watchline/detect.h"
#include "watchline/eval.h"
#include "watchline/image.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Fastest of `repeat` runs of the detector on f, in ms. */
static double time_frame(wl_spot_t *s, const wl_frame_t *f, uint8_t *mask,
                         int repeat) {
  static wl_detection_t det[1024];
  double best = INFINITY;
  wl_err_t err;
  for (int r = 0; r < repeat; r++) {
    int n;
    double t0 = now_ms();
    if (wl_spot_detect(s, f, mask, det, 1024, &n, &err) != WL_OK) {
      fprintf(stderr, "spot-bench: %s\n", err.msg);
      exit(1);
    }
    double t = now_ms() - t0;
    if (t < best)
      best = t;
  }
  return best;
}

static void synthetic(int w, int h, int repeat) {
  wl_frame_t f;
  wl_err_t err;
  wl_frame_init(&f);
  if (wl_frame_alloc(&f, w, h, &err) != WL_OK)
    exit(1);
  uint64_t s = 12345;
  for (int i = 0; i < w * h; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u1 = ((s >> 11) + 0.5) / 9007199254740992.0;
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u2 = (s >> 11) / 9007199254740992.0;
    f.data[i] =
        (uint16_t)(30000 + 20 * sqrt(-2 * log(u1)) * cos(6.2831853 * u2));
  }
  for (int t = 0; t < 10; t++) {
    int cx = (t * 97) % (w - 20) + 10, cy = (t * 61) % (h - 20) + 10;
    for (int dy = -2; dy <= 2; dy++)
      for (int dx = -2; dx <= 2; dx++)
        f.data[(cy + dy) * w + cx + dx] +=
            (uint16_t)(200 * exp(-(dx * dx + dy * dy) / 2.0));
  }
  wl_spot_t sp;
  if (wl_spot_init(&sp, w, h, NULL, &err) != WL_OK) {
    fprintf(stderr, "spot-bench: %s\n", err.msg);
    exit(1);
  }
  uint8_t *mask = malloc((size_t)w * h);
  printf("synthetic %dx%d 16-bit: %.3f ms per frame (fastest of %d)\n", w, h,
         time_frame(&sp, &f, mask, repeat), repeat);
  free(mask);
  wl_spot_free(&sp);
  wl_frame_release(&f);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spot-bench DATA SPLIT [--repeat N]\n");
    return 2;
  }
  int repeat = 5;
  if (argc == 5 && strcmp(argv[3], "--repeat") == 0)
    repeat = atoi(argv[4]);
  if (repeat < 1)
    repeat = 1;
  wl_err_t err;
  wl_sirst_split_t split;
  if (wl_sirst_split_read(argv[1], argv[2], &split, &err) != WL_OK) {
    fprintf(stderr, "spot-bench: %s\n", err.msg);
    return 1;
  }
  wl_frame_t *img = calloc((size_t)split.n, sizeof *img);
  double *t = calloc((size_t)split.n, sizeof *t);
  long pixels = 0;
  for (int i = 0; i < split.n; i++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/images/%s.png", argv[1], split.names[i]);
    wl_frame_init(&img[i]);
    if (wl_image_read(p, &img[i], &err) != WL_OK) {
      fprintf(stderr, "spot-bench: %s\n", err.msg);
      return 1;
    }
    pixels += (long)img[i].width * img[i].height;
  }
  wl_spot_t sp;
  int ready = 0;
  uint8_t *mask = malloc(WL_MAX_DIM);
  size_t cap = WL_MAX_DIM;
  for (int i = 0; i < split.n; i++) {
    size_t n = (size_t)img[i].width * img[i].height;
    if (n > cap) {
      mask = realloc(mask, n);
      cap = n;
    }
    int rc = ready ? wl_spot_resize(&sp, img[i].width, img[i].height, &err)
                   : wl_spot_init(&sp, img[i].width, img[i].height, NULL, &err);
    if (rc != WL_OK || !mask) {
      fprintf(stderr, "spot-bench: %s\n", err.msg);
      return 1;
    }
    ready = 1;
    t[i] = time_frame(&sp, &img[i], mask, repeat);
  }
  double sum = 0;
  for (int i = 0; i < split.n; i++)
    sum += t[i];
  qsort(t, (size_t)split.n, sizeof *t, cmp_double);
  printf(
      "%s: %d images (mean %.0f pixels): per image median %.3f ms, "
      "mean %.3f ms, max %.3f ms (fastest of %d runs each)\n",
      argv[2], split.n, (double)pixels / split.n, t[split.n / 2], sum / split.n,
      t[split.n - 1], repeat);
  synthetic(256, 256, repeat * 4);
  synthetic(640, 512, repeat * 4);
  if (ready)
    wl_spot_free(&sp);
  for (int i = 0; i < split.n; i++)
    wl_frame_release(&img[i]);
  free(img);
  free(t);
  free(mask);
  wl_sirst_split_free(&split);
  return 0;
}
