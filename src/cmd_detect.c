/*
 * cmd_detect.c - `watchline detect IMAGE... --out DIR`: the single-image
 * small-target (spot) detector on image files.
 *
 * For each IMAGE (PGM, PNG or TIFF; colour is converted to grey) it writes
 * DIR/<name without directory and extension>.png, an 8-bit mask of the
 * image's size (255 = target, 0 elsewhere), and one DIR/boxes.csv for all
 * images:
 *   image,x,y,w,h,cx,cy,area,peak_contrast,snr
 * one row per detection, images in argument order, detections in raster
 * order of their first pixel (format: docs/FORMATS.md). Two inputs
 * with the same name would overwrite each other's mask, so that is a usage
 * error. Nothing is written to stdout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "watchline/detect.h"
#include "watchline/image.h"
#include "watchline/sink.h"

#define MAX_DETECTIONS 4096
#define MAX_STEM 255

static const char USAGE[] =
    "usage: watchline detect IMAGE... --out DIR [options]\n"
    "\n"
    "Find small targets (1-10 px, warmer than their surroundings) in single\n"
    "images. For each IMAGE writes DIR/<name>.png (same size, 255 = target)\n"
    "and appends its detections to DIR/boxes.csv:\n"
    "  image,x,y,w,h,cx,cy,area,peak_contrast,snr\n"
    "(pixel edges at integers: the box covers [x,x+w) x [y,y+h); the\n"
    "centroid is contrast-weighted; peak_contrast in kelvin for radiometric\n"
    "16-bit images, else in pixel counts; snr = |peak_contrast| / noise).\n"
    "\n"
    "options:\n"
    "  --out DIR            output directory, created if missing (required)\n"
    "  --pfa P              per-pixel false-alarm rate of the CFAR test on\n"
    "                       Gaussian noise (default 0.3: the classifier\n"
    "                       decides)\n"
    "  --polarity P         hot (default), cold or both\n"
    "  --no-classifier      CFAR test only: no clutter classifier (then use a\n"
    "                       small --pfa such as 1e-5)\n"
    "  --min-score S        classifier probability to accept, 0..1 (default:\n"
    "                       the trained operating point)\n"
    "  --grow F             extent threshold between background (0) and peak\n"
    "                       (1) (default 0.4)\n"
    "  --max-radius R       largest extent from the peak, px (default 20)\n"
    "  --max-candidates N   candidates examined per image and polarity\n"
    "                       (default 64)\n"
    "  --noise-floor N      sigma floor in counts (default 0.5)\n"
    "\n"
    "Exit status: 0 ok, 1 unreadable image or unwritable output, 2 usage.\n";

typedef struct detect_args {
  const char *out;
  char **images;
  int nimages;
  wl_spot_params_t p;
} detect_args_t;

static int parse_double_in(const char *opt, const char *s, double lo, double hi,
                           double *out) {
  if (cli_parse_double(s, out) || *out < lo || *out > hi)
    return cli_usage_error(&cmd_detect, "%s %s: expected a number in %g..%g",
                           opt, s, lo, hi);
  return 0;
}

static int parse_long_in(const char *opt, const char *s, long lo, long hi,
                         int *out) {
  long v;
  if (cli_parse_long(s, lo, hi, &v))
    return cli_usage_error(&cmd_detect,
                           "%s %s: expected an integer in "
                           "%ld..%ld",
                           opt, s, lo, hi);
  *out = (int)v;
  return 0;
}

static int parse_option(int argc, char **argv, int *i, detect_args_t *a) {
  const char *opt = argv[*i];
  if (strcmp(opt, "--no-classifier") == 0) {
    a->p.use_classifier = 0;
    return 0;
  }
  if (*i + 1 >= argc)
    return cli_usage_error(&cmd_detect, "unknown option or missing value: %s",
                           opt);
  const char *v = argv[++*i];
  if (strcmp(opt, "--out") == 0) {
    a->out = v;
    return 0;
  }
  if (strcmp(opt, "--pfa") == 0)
    return parse_double_in(opt, v, 1e-12, 0.5, &a->p.pfa);
  if (strcmp(opt, "--min-score") == 0)
    return parse_double_in(opt, v, 0, 1, &a->p.min_score);
  if (strcmp(opt, "--grow") == 0)
    return parse_double_in(opt, v, 0.05, 0.95, &a->p.grow_fraction);
  if (strcmp(opt, "--noise-floor") == 0)
    return parse_double_in(opt, v, 0, 1e6, &a->p.noise_floor);
  if (strcmp(opt, "--max-radius") == 0)
    return parse_long_in(opt, v, 2, 64, &a->p.max_radius);
  if (strcmp(opt, "--max-candidates") == 0)
    return parse_long_in(opt, v, 1, 4096, &a->p.max_candidates);
  if (strcmp(opt, "--polarity") == 0) {
    if (strcmp(v, "hot") == 0)
      a->p.polarity = WL_SPOT_HOT;
    else if (strcmp(v, "cold") == 0)
      a->p.polarity = WL_SPOT_COLD;
    else if (strcmp(v, "both") == 0)
      a->p.polarity = WL_SPOT_BOTH;
    else
      return cli_usage_error(&cmd_detect,
                             "--polarity %s: expected hot, cold or both", v);
    return 0;
  }
  return cli_usage_error(&cmd_detect, "unknown option: %s", opt);
}

/* The file name of path without directory and extension, into stem. */
static int stem_of(const char *path, char *stem, size_t cap) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if (n == 0 || n >= cap)
    return -1;
  memcpy(stem, base, n);
  stem[n] = '\0';
  return 0;
}

static int parse_args(int argc, char **argv, detect_args_t *a) {
  wl_spot_default_params(&a->p);
  a->images = calloc((size_t)argc, sizeof *a->images);
  if (!a->images)
    return cli_error(EXIT_RUNTIME, "detect", "out of memory");
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0') {
      int rc = parse_option(argc, argv, &i, a);
      if (rc)
        return rc;
    } else {
      a->images[a->nimages++] = argv[i];
    }
  }
  if (a->nimages == 0)
    return cli_usage_error(&cmd_detect, "no IMAGE given");
  if (!a->out)
    return cli_usage_error(&cmd_detect, "--out DIR is missing");
  char s1[MAX_STEM + 1], s2[MAX_STEM + 1];
  for (int i = 0; i < a->nimages; i++) {
    if (stem_of(a->images[i], s1, sizeof s1))
      return cli_usage_error(&cmd_detect, "%s: no usable file name",
                             a->images[i]);
    for (int j = 0; j < i; j++)
      if (stem_of(a->images[j], s2, sizeof s2) == 0 && strcmp(s1, s2) == 0)
        return cli_usage_error(&cmd_detect, "%s and %s would both write %s.png",
                               a->images[j], a->images[i], s1);
  }
  return 0;
}

/* Write mask (width x height, 0/255) as an 8-bit grey PNG DIR/stem.png. */
static int write_mask(const char *dir, const char *stem, const uint8_t *mask,
                      wl_frame_t *out, wl_err_t *err) {
  char name[MAX_STEM + 8];
  snprintf(name, sizeof name, "%s.png", stem);
  size_t n = (size_t)out->width * (size_t)out->height;
  for (size_t i = 0; i < n; i++)
    out->data[i] = mask[i];
  out->bit_depth = 8;
  out->radiometry = wl_radiometry_none();
  FILE *fp = cli_create_in(dir, name, err);
  if (!fp)
    return err->code;
  int rc = wl_png_write(fp, name, out, err);
  if (fclose(fp) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s/%s: write error", dir, name);
  return rc;
}

static void write_rows(FILE *csv, const char *stem, const wl_detection_t *d,
                       int n) {
  for (int i = 0; i < n; i++)
    fprintf(csv, "%s,%.0f,%.0f,%.0f,%.0f,%.3f,%.3f,%d,%.6g,%.3f\n", stem,
            d[i].x, d[i].y, d[i].w, d[i].h, d[i].cx, d[i].cy, d[i].area,
            d[i].peak_contrast, d[i].snr);
}

/* Detect in one image; the spot state is set up or resized for it. */
static int detect_one(const detect_args_t *a, const char *path, wl_spot_t *spot,
                      int *ready, wl_frame_t *img, wl_frame_t *out,
                      uint8_t **mask, size_t *mask_cap, wl_detection_t *det,
                      FILE *csv) {
  wl_err_t err;
  char stem[MAX_STEM + 1];
  stem_of(path, stem, sizeof stem);
  int rc = wl_image_read(path, img, &err);
  if (rc == WL_OK)
    rc = *ready ? wl_spot_resize(spot, img->width, img->height, &err)
                : wl_spot_init(spot, img->width, img->height, &a->p, &err);
  if (rc != WL_OK)
    return cli_error(EXIT_RUNTIME, "detect", "%s", err.msg);
  *ready = 1;
  size_t n = (size_t)img->width * (size_t)img->height;
  if (n > *mask_cap) {
    uint8_t *m = realloc(*mask, n);
    if (!m)
      return cli_error(EXIT_RUNTIME, "detect", "%s: out of memory", path);
    *mask = m;
    *mask_cap = n;
  }
  int nd = 0;
  rc = wl_spot_detect(spot, img, *mask, det, MAX_DETECTIONS, &nd, &err);
  if (rc == WL_OK)
    rc = wl_frame_alloc(out, img->width, img->height, &err);
  if (rc == WL_OK)
    rc = write_mask(a->out, stem, *mask, out, &err);
  if (rc != WL_OK)
    return cli_error(EXIT_RUNTIME, "detect", "%s: %s", path, err.msg);
  write_rows(csv, stem, det, nd);
  return EXIT_OK;
}

static int run(int argc, char **argv) {
  if (cli_wants_help(argc, argv)) {
    fputs(USAGE, stdout);
    return EXIT_OK;
  }
  detect_args_t a;
  memset(&a, 0, sizeof a);
  int rc = parse_args(argc, argv, &a);
  if (rc) {
    free(a.images);
    return rc;
  }
  wl_err_t err;
  FILE *csv = NULL;
  if (wl_mkdir_p(a.out, &err) != WL_OK ||
      !(csv = cli_create_in(a.out, "boxes.csv", &err))) {
    free(a.images);
    return cli_error(EXIT_RUNTIME, "detect", "%s", err.msg);
  }
  fputs("image,x,y,w,h,cx,cy,area,peak_contrast,snr\n", csv);
  wl_detection_t *det = malloc(MAX_DETECTIONS * sizeof *det);
  wl_frame_t img, out;
  wl_frame_init(&img);
  wl_frame_init(&out);
  wl_spot_t spot;
  int ready = 0;
  uint8_t *mask = NULL;
  size_t mask_cap = 0;
  rc = det ? EXIT_OK : cli_error(EXIT_RUNTIME, "detect", "out of memory");
  for (int i = 0; i < a.nimages && rc == EXIT_OK; i++)
    rc = detect_one(&a, a.images[i], &spot, &ready, &img, &out, &mask,
                    &mask_cap, det, csv);
  if (fclose(csv) != 0 && rc == EXIT_OK)
    rc = cli_error(EXIT_RUNTIME, "detect", "%s/boxes.csv: write error", a.out);
  if (ready)
    wl_spot_free(&spot);
  wl_frame_release(&img);
  wl_frame_release(&out);
  free(mask);
  free(det);
  free(a.images);
  return rc;
}

const wl_cmd_t cmd_detect = {
    "detect", "find small targets in single images (masks + boxes.csv)", USAGE,
    run};
