/*
 * test-sim.c - the thermal scene simulator: determinism, ground truth
 * against the camera model, apparent size, FFC, NETD, contrast, occlusion,
 * paths, scene motion, scenario errors, and a snapshot of every preset.
 *
 * Most tests use small scenarios written here, with the sensor effects they
 * do not measure turned off, and compare a frame with targets against the
 * same scenario without them (the targets start later), which the
 * simulator's per-purpose random streams make pixel-identical otherwise.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/sim/sim_int.h"
#include "task.h"
#include "watchline/camera.h"
#include "watchline/sim.h"
#include "watchline/snapshot.h"

#define MAX_TRUTH 256

/* A camera 10 m up looking north at fps, hfov 24, width x height. */
static void camera_json(char *buf, size_t cap, int width, int height,
                        double pitch, double fps) {
  snprintf(buf, cap,
           "{\"id\": \"t\", \"width\": %d, \"height\": %d, \"hfov_deg\": "
           "%.3f, \"lat\": 31.3, \"lon\": -109.5, \"height_m\": 10, "
           "\"yaw_deg\": 0, \"pitch_deg\": %.3f, \"fps\": %.3f}",
           width, height, 24.0 * width / 640.0, pitch, fps);
}

/* Sensor and scene effects off: a static, noiseless scene. */
#define QUIET_SENSOR                                                          \
  "\"sensor\": {\"netd_mk\": 0, \"fpn_col_mk\": 0, \"fpn_row_mk\": 0, "     \
  "\"fpn_growth_mk_per_min\": 0, \"ffc_interval_s\": 0, "                   \
  "\"drift_mk_per_min\": 0}"
#define QUIET_SCENE                                                           \
  "\"scene\": {\"vegetation\": 0, \"shimmer_px\": 0, \"shimmer_k\": 0, "    \
  "\"atmosphere_km\": 0}"

static int parse(wl_scenario_t **sc, const char *text, wl_err_t *err) {
  return wl_scenario_parse(sc, text, strlen(text), "test.json", err);
}

static int same_truth(const wl_sim_truth_t *a, const wl_sim_truth_t *b) {
  return a->id == b->id && a->cls == b->cls && a->x == b->x && a->y == b->y &&
         a->w == b->w && a->h == b->h && a->visibility == b->visibility &&
         a->foot_u == b->foot_u && a->foot_v == b->foot_v &&
         a->lat == b->lat && a->lon == b->lon && a->east == b->east &&
         a->north == b->north && a->contrast_k == b->contrast_k;
}

static const wl_sim_truth_t *find_id(const wl_sim_truth_t *t, size_t n,
                                     int id) {
  for (size_t i = 0; i < n; i++)
    if (t[i].id == id) return &t[i];
  return NULL;
}

TEST_IMPL(sim_determinism) {
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(wl_scenario_load(&sc, "border-night", &err), &err);
  wl_sim_t *a, *b, *c;
  ASSERT_OK(wl_sim_new(&a, sc, 42, &err), &err);
  ASSERT_OK(wl_sim_new(&b, sc, 42, &err), &err);
  ASSERT_OK(wl_sim_new(&c, sc, 43, &err), &err);
  ASSERT_EQ(wl_sim_target_count(a), 10);
  wl_frame_t fa, fb, fc;
  wl_frame_init(&fa);
  wl_frame_init(&fb);
  wl_frame_init(&fc);
  static wl_sim_truth_t ta[MAX_TRUTH], tb[MAX_TRUTH], tc[MAX_TRUTH];
  size_t na, nb, nc;
  size_t bytes = 640 * 512 * 2;
  int differ = 0;
  for (int i = 0; i < 20; i++) {
    ASSERT_OK(wl_sim_next(a, &fa, ta, MAX_TRUTH, &na, &err), &err);
    ASSERT_OK(wl_sim_next(b, &fb, tb, MAX_TRUTH, &nb, &err), &err);
    ASSERT_OK(wl_sim_next(c, &fc, tc, MAX_TRUTH, &nc, &err), &err);
    ASSERT_EQ(fa.seq, i);
    ASSERT_EQ(fa.t_ns, llround(i * 1e9 / 30.0));
    ASSERT_EQ(memcmp(fa.data, fb.data, bytes), 0);
    ASSERT_EQ(na, nb);
    ASSERT_GT(na, 0);
    for (size_t k = 0; k < na; k++) ASSERT(same_truth(&ta[k], &tb[k]));
    differ += memcmp(fa.data, fc.data, bytes) != 0;
  }
  /* Another seed: other noise, terrain and clutter in every frame. */
  ASSERT_EQ(differ, 20);
  wl_sim_free(a);
  wl_sim_free(b);
  wl_sim_free(c);
  wl_scenario_free(sc);
  wl_frame_release(&fa);
  wl_frame_release(&fb);
  wl_frame_release(&fc);
  return 0;
}

/* Foot point at the bottom centre of the box, and back onto the ground. */
static int check_truth_geometry(const wl_camera_t *cam,
                                const wl_sim_truth_t *t, size_t n,
                                int *checked) {
  for (size_t k = 0; k < n; k++) {
    const wl_sim_truth_t *tr = &t[k];
    ASSERT(tr->visibility > 0.0 && tr->visibility <= 1.0);
    ASSERT(tr->w >= 0.0 && tr->h >= 0.0);
    ASSERT(tr->x >= 0.0 && tr->y >= 0.0);
    ASSERT(tr->x + tr->w <= cam->width + 1e-9);
    ASSERT(tr->y + tr->h <= cam->height + 1e-9);
    /* Geodetic position of the foot point agrees with east/north. */
    double enu[3];
    wl_camera_geodetic_to_enu(cam, tr->lat, tr->lon, 0.0, enu);
    ASSERT_NEAR(enu[0], tr->east, 0.01);
    ASSERT_NEAR(enu[1], tr->north, 0.01);
    ASSERT_NEAR(hypot(tr->east, tr->north), tr->range_m, 1e-6);
    if (tr->cls == WL_SIM_BIRD) continue; /* no feet on the ground */
    int clipped = tr->x <= 0.0 || tr->y <= 0.0 ||
                  tr->x + tr->w >= cam->width || tr->y + tr->h >= cam->height;
    if (!clipped) {
      ASSERT_NEAR(tr->foot_u, tr->x + 0.5 * tr->w, 0.5);
      ASSERT_NEAR(tr->foot_v, tr->y + tr->h, 0.5);
    }
    double g[3];
    if (wl_camera_pixel_to_ground(cam, tr->foot_u, tr->foot_v, g) != WL_OK)
      TEST_FAIL_("foot pixel %.2f,%.2f of id %d misses the ground",
                 tr->foot_u, tr->foot_v, tr->id);
    double miss = hypot(g[0] - tr->east, g[1] - tr->north);
    if (miss > 0.01 * tr->range_m)
      TEST_FAIL_("id %d: foot pixel lands %.3f m from %.2f,%.2f (range %.1f)",
                 tr->id, miss, tr->east, tr->north, tr->range_m);
    (*checked)++;
  }
  return 0;
}

TEST_IMPL(sim_truth_camera) {
  const char *presets[] = {"border-night", "crowd", "long-range",
                           "vehicle-run"};
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  static wl_sim_truth_t t[MAX_TRUTH];
  int checked = 0;
  for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
    wl_scenario_t *sc;
    wl_sim_t *sim;
    ASSERT_OK(wl_scenario_load(&sc, presets[p], &err), &err);
    ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
    for (int i = 0; i < 60; i++) {
      size_t n;
      ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
      if (i % 15 == 0 && check_truth_geometry(wl_scenario_camera(sc), t, n,
                                              &checked))
        TEST_FAIL_("in preset %s, frame %d", presets[p], i);
    }
    wl_sim_free(sim);
    wl_scenario_free(sc);
  }
  ASSERT_GT(checked, 60);
  wl_frame_release(&f);
  return 0;
}

/* The rows where frame exceeds bg by more than thresh (centikelvin) within
 * the columns [x0, x1): top and bottom (exclusive); 0 when none. */
static int blob_rows(const wl_frame_t *f, const wl_frame_t *bg, int x0,
                     int x1, double thresh, int *top, int *bottom) {
  *top = f->height;
  *bottom = 0;
  if (x0 < 0) x0 = 0;
  if (x1 > f->width) x1 = f->width;
  for (int y = 0; y < f->height; y++)
    for (int x = x0; x < x1; x++) {
      size_t i = (size_t)y * f->width + x;
      if ((double)f->data[i] - bg->data[i] > thresh) {
        if (y < *top) *top = y;
        if (y + 1 > *bottom) *bottom = y + 1;
      }
    }
  return *bottom > *top;
}

TEST_IMPL(sim_size_range) {
  /* A person walks straight away from 100 m to 1000 m at 50 m/s (fast, so
   * the test is short); the background run has the person start later. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 320, 256, -1.5, 10);
  const char *fmt =
      "{\"camera\": %s, " QUIET_SCENE ", " QUIET_SENSOR ", \"targets\": "
      "[{\"class\": \"person\", \"kind\": \"walking\", \"path\": [[0, 100], "
      "[0, 1000]], \"speed_mps\": 50, \"start_s\": %g}]}";
  wl_err_t err;
  wl_scenario_t *sc, *sc_bg;
  snprintf(text, sizeof text, fmt, cam, 0.0);
  ASSERT_OK(parse(&sc, text, &err), &err);
  snprintf(text, sizeof text, fmt, cam, 1000.0);
  ASSERT_OK(parse(&sc_bg, text, &err), &err);
  wl_sim_t *sim, *bgsim;
  ASSERT_OK(wl_sim_new(&sim, sc, 5, &err), &err);
  ASSERT_OK(wl_sim_new(&bgsim, sc_bg, 5, &err), &err);
  wl_frame_t f, bg;
  wl_frame_init(&f);
  wl_frame_init(&bg);
  static wl_sim_truth_t t[MAX_TRUTH];
  size_t n;
  ASSERT_OK(wl_sim_next(bgsim, &bg, NULL, 0, &n, &err), &err);
  double k_ref = 0.0;
  int measured = 0;
  for (int i = 0; i < 180; i++) {
    ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
    ASSERT_EQ(n, 1);
    if (t[0].h <= 3.0) continue;
    double k = t[0].h * t[0].range_m;
    if (k_ref == 0.0) k_ref = k;
    ASSERT_NEAR(k / k_ref, 1.0, 0.10);
    /* The rendered figure is as tall as its box (within the blur). */
    int top, bottom;
    ASSERT(blob_rows(&f, &bg, (int)floor(t[0].x), (int)ceil(t[0].x + t[0].w),
                     100.0, &top, &bottom));
    ASSERT_NEAR(bottom - top, t[0].h, 1.6);
    ASSERT_NEAR(bottom, t[0].y + t[0].h, 1.0);
    measured++;
  }
  /* 100 m: ~33 px tall at 320 px and 12 deg; > 3 px out to ~1 km. */
  ASSERT_GT(measured, 100);
  wl_sim_free(sim);
  wl_sim_free(bgsim);
  wl_scenario_free(sc);
  wl_scenario_free(sc_bg);
  wl_frame_release(&f);
  wl_frame_release(&bg);
  return 0;
}

/* Column means of rows [y0, y1). */
static void column_means(const wl_frame_t *f, int y0, int y1, double *out) {
  for (int x = 0; x < f->width; x++) {
    double s = 0.0;
    for (int y = y0; y < y1; y++) s += f->data[(size_t)y * f->width + x];
    out[x] = s / (y1 - y0);
  }
}

static double diff_std(const double *a, const double *b, int n) {
  double s = 0.0, s2 = 0.0;
  for (int i = 0; i < n; i++) {
    double d = a[i] - b[i];
    s += d;
    s2 += d * d;
  }
  double m = s / n;
  return sqrt(fmax(0.0, s2 / n - m * m));
}

TEST_IMPL(sim_ffc) {
  /* One listed FFC at 1.0 s frozen for 0.5 s, at 10 fps: frames 10..14 are
   * frozen (copies of frame 9); frame 15 has a new column pattern. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 320, 256, -3, 10);
  snprintf(text, sizeof text,
           "{\"camera\": %s, " QUIET_SCENE ", \"sensor\": {\"netd_mk\": 20, "
           "\"fpn_col_mk\": 100, \"fpn_row_mk\": 50, "
           "\"fpn_growth_mk_per_min\": 0, \"ffc_interval_s\": 0, "
           "\"ffc_times_s\": [1.0], \"ffc_freeze_s\": 0.5, "
           "\"drift_mk_per_min\": 0}, \"targets\": [{\"class\": \"person\", "
           "\"path\": [[-5, 100], [5, 100]]}]}",
           cam);
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(parse(&sc, text, &err), &err);
  wl_sim_t *sim;
  ASSERT_OK(wl_sim_new(&sim, sc, 3, &err), &err);
  wl_frame_t f, before, early;
  wl_frame_init(&f);
  wl_frame_init(&before);
  wl_frame_init(&early);
  static wl_sim_truth_t t[MAX_TRUTH], t_before[MAX_TRUTH];
  size_t n, n_before = 0;
  float col_before[320], col_after[320];
  for (int i = 0; i < 20; i++) {
    ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
    int frozen = i >= 10 && i < 15;
    ASSERT_EQ(wl_sim_in_ffc(sim), frozen);
    ASSERT_EQ(wl_sim_ffc_count(sim), i >= 10 ? 1u : 0u);
    ASSERT_EQ(f.seq, i);
    if (i == 5) ASSERT_OK(wl_frame_copy(&early, &f, &err), &err);
    if (i == 9) {
      ASSERT_OK(wl_frame_copy(&before, &f, &err), &err);
      memcpy(t_before, t, n * sizeof *t);
      n_before = n;
      memcpy(col_before, wl__sim_col_offsets(sim), sizeof col_before);
    }
    if (frozen) {
      /* The last frame before the FFC, pixel for pixel, and its truth. */
      ASSERT_EQ(memcmp(f.data, before.data, 320 * 256 * 2), 0);
      ASSERT_EQ(n, n_before);
      for (size_t k = 0; k < n; k++) ASSERT(same_truth(&t[k], &t_before[k]));
    }
    if (i == 15) {
      ASSERT(memcmp(f.data, before.data, 320 * 256 * 2) != 0);
      memcpy(col_after, wl__sim_col_offsets(sim), sizeof col_after);
      /* The target moved on during the freeze (1.4 m/s for 0.6 s). */
      ASSERT_EQ(n, 1);
      ASSERT_NEAR(t[0].east - t_before[0].east, 1.4 * 0.6, 0.01);
    }
  }
  /* The pattern itself changed... */
  double s = 0.0;
  for (int x = 0; x < 320; x++) s += fabs(col_after[x] - col_before[x]);
  ASSERT_GT(s / 320, 3.0); /* centikelvin; sigma 10 each */
  /* ...and it shows in the picture: column means of the ground rows. */
  double m_early[320], m_before[320], m_after[320];
  column_means(&early, 60, 150, m_early); /* ground above the target */
  column_means(&before, 60, 150, m_before);
  column_means(&f, 60, 150, m_after);
  double same = diff_std(m_early, m_before, 320);
  double changed = diff_std(m_before, m_after, 320);
  ASSERT_LT(same, 1.0);
  ASSERT_GT(changed, 8.0); /* sqrt(2) * 10 ck expected */
  wl_sim_free(sim);
  wl_scenario_free(sc);
  wl_frame_release(&f);
  wl_frame_release(&before);
  wl_frame_release(&early);
  return 0;
}

TEST_IMPL(sim_netd) {
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 160, 128, -3, 30);
  snprintf(text, sizeof text,
           "{\"camera\": %s, " QUIET_SCENE ", \"sensor\": {\"netd_mk\": 40, "
           "\"fpn_growth_mk_per_min\": 0, \"ffc_interval_s\": 0, "
           "\"drift_mk_per_min\": 0}}",
           cam);
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(parse(&sc, text, &err), &err);
  wl_sim_t *sim;
  ASSERT_OK(wl_sim_new(&sim, sc, 9, &err), &err);
  enum { FRAMES = 200, PIXELS = 160 * 128 };
  static double sum[PIXELS], sum2[PIXELS];
  wl_frame_t f;
  wl_frame_init(&f);
  size_t n;
  for (int i = 0; i < FRAMES; i++) {
    ASSERT_OK(wl_sim_next(sim, &f, NULL, 0, &n, &err), &err);
    for (int p = 0; p < PIXELS; p++) {
      sum[p] += f.data[p];
      sum2[p] += (double)f.data[p] * f.data[p];
    }
  }
  double var = 0.0;
  for (int p = 0; p < PIXELS; p++) {
    double m = sum[p] / FRAMES;
    var += (sum2[p] / FRAMES - m * m) * FRAMES / (FRAMES - 1);
  }
  double sd = sqrt(var / PIXELS); /* centikelvin */
  fprintf(stderr, "temporal std %.3f cK for NETD 40 mK\n", sd);
  ASSERT_NEAR(sd, 4.0, 0.15 * 4.0);
  /* A single pixel too. */
  double m = sum[5000] / FRAMES;
  double one = sqrt((sum2[5000] / FRAMES - m * m) * FRAMES / (FRAMES - 1));
  ASSERT_NEAR(one, 4.0, 0.25 * 4.0);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(sim_contrast) {
  /* A standing person at 80 m and one at 3 km, 12 K each, on flat ground
   * (no texture: the contrast is against the scene's ground temperature),
   * no blur first. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 640, 512, -2, 10);
  const char *fmt =
      "{\"camera\": %s, \"scene\": {\"vegetation\": 0, \"shimmer_px\": 0, "
      "\"shimmer_k\": 0, \"atmosphere_km\": 0, \"texture_k\": 0, "
      "\"clutter_per_kpx\": 0}, \"sensor\": {\"netd_mk\": 0, "
      "\"fpn_col_mk\": 0, \"fpn_row_mk\": 0, \"fpn_growth_mk_per_min\": 0, "
      "\"ffc_interval_s\": 0, \"drift_mk_per_min\": 0, \"psf_sigma_px\": %g}, "
      "\"targets\": [{\"class\": \"person\", \"kind\": \"standing\", "
      "\"path\": [[0, 80]], \"contrast_k\": 12, \"start_s\": %g}, "
      "{\"class\": \"person\", \"kind\": \"standing\", \"path\": [[3, 3000]], "
      "\"heading_deg\": 0, \"contrast_k\": 12, \"start_s\": %g}]}";
  wl_err_t err;
  static wl_sim_truth_t t[MAX_TRUTH];
  size_t n;
  for (int blur = 0; blur < 2; blur++) {
    double sigma = blur ? 0.5 : 0.0;
    wl_scenario_t *sc, *sc_bg;
    snprintf(text, sizeof text, fmt, cam, sigma, 0.0, 0.0);
    ASSERT_OK(parse(&sc, text, &err), &err);
    snprintf(text, sizeof text, fmt, cam, sigma, 100.0, 100.0);
    ASSERT_OK(parse(&sc_bg, text, &err), &err);
    wl_sim_t *sim, *bgsim;
    ASSERT_OK(wl_sim_new(&sim, sc, 2, &err), &err);
    ASSERT_OK(wl_sim_new(&bgsim, sc_bg, 2, &err), &err);
    wl_frame_t f, bg;
    wl_frame_init(&f);
    wl_frame_init(&bg);
    ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
    ASSERT_OK(wl_sim_next(bgsim, &bg, NULL, 0, NULL, &err), &err);
    ASSERT_EQ(n, 2);
    for (size_t k = 0; k < n; k++) {
      const wl_sim_truth_t *tr = &t[k];
      /* Against the ring around the box: the far one's includes a little
       * of the horizon. */
      ASSERT_NEAR(tr->contrast_k, 12.0, tr->range_m < 100.0 ? 1e-3 : 0.5);
      int x0 = (int)floor(tr->x) - 2, x1 = (int)ceil(tr->x + tr->w) + 2;
      int y0 = (int)floor(tr->y) - 2, y1 = (int)ceil(tr->y + tr->h) + 2;
      double peak = -1e9;
      int bright = 0;
      for (int y = y0 < 0 ? 0 : y0; y < y1 && y < 512; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < 640; x++) {
          size_t i = (size_t)y * 640 + x;
          double d = ((double)f.data[i] - bg.data[i]) / 100.0;
          if (d > peak) peak = d;
        }
      for (int y = y0 < 0 ? 0 : y0; y < y1 && y < 512; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < 640; x++) {
          size_t i = (size_t)y * 640 + x;
          bright += ((double)f.data[i] - bg.data[i]) / 100.0 > 0.5 * peak;
        }
      fprintf(stderr, "range %.0f m, blur %.1f: box %.2fx%.2f px, peak %.2f "
              "K, %d px above half the peak\n", tr->range_m, sigma, tr->w,
              tr->h, peak, bright);
      if (tr->range_m < 100.0) {
        ASSERT_GT(tr->h, 25.0);
        /* Without blur the head shows the configured contrast exactly (to
         * the centikelvin); the PSF takes a little off the small head. */
        if (!blur)
          ASSERT_NEAR(peak, 12.0, 0.02);
        else
          ASSERT(peak > 0.85 * 12.0 && peak <= 12.0 + 0.02);
      } else {
        /* 3 km: under a pixel tall; a dim blob of one or two pixels. */
        ASSERT_LT(tr->h, 1.2);
        ASSERT_LT(tr->w * tr->h, 1.0);
        ASSERT(peak > 0.03 * 12.0 && peak < 0.4 * 12.0);
        ASSERT(bright >= 1 && bright <= 2);
      }
    }
    wl_sim_free(sim);
    wl_sim_free(bgsim);
    wl_scenario_free(sc);
    wl_scenario_free(sc_bg);
    wl_frame_release(&f);
    wl_frame_release(&bg);
  }
  return 0;
}

TEST_IMPL(sim_occlusion) {
  /* A parked truck broadside at 100 m hides a person standing 12 m behind
   * its cargo box (nearer, its legs would show under the chassis); a
   * second person 8 m behind another is half hidden. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 640, 512, -4, 10);
  snprintf(text, sizeof text,
           "{\"camera\": %s, " QUIET_SCENE ", " QUIET_SENSOR ", \"targets\": ["
           "{\"class\": \"vehicle\", \"kind\": \"truck\", \"path\": [[-15, "
           "100]], \"heading_deg\": 90, \"speed_mps\": 0},"
           "{\"class\": \"person\", \"kind\": \"standing\", \"path\": "
           "[[-18.1, 112]]},"
           "{\"class\": \"person\", \"kind\": \"standing\", \"path\": [[15, "
           "100]]},"
           "{\"class\": \"person\", \"kind\": \"standing\", \"path\": [[16.2, "
           "108]]}]}",
           cam);
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(parse(&sc, text, &err), &err);
  wl_sim_t *sim;
  ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
  wl_frame_t f;
  wl_frame_init(&f);
  static wl_sim_truth_t t[MAX_TRUTH];
  size_t n;
  ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
  const wl_sim_truth_t *truck = find_id(t, n, 1), *hidden = find_id(t, n, 2);
  const wl_sim_truth_t *front = find_id(t, n, 3), *behind = find_id(t, n, 4);
  ASSERT(truck && front && behind);
  ASSERT(hidden == NULL); /* fully occluded: omitted */
  ASSERT_NEAR(truck->visibility, 1.0, 1e-9);
  ASSERT_NEAR(front->visibility, 1.0, 1e-9);
  fprintf(stderr, "person behind a person: visibility %.3f\n",
          behind->visibility);
  ASSERT(behind->visibility > 0.2 && behind->visibility < 0.8);
  /* Its box is still the whole silhouette. */
  ASSERT_GT(behind->h, 0.9 * front->h * 100.0 / 108.0);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  wl_frame_release(&f);
  return 0;
}

TEST_IMPL(sim_paths) {
  /* Waypoints, pauses, loops, start and end, through the pose function. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 64, 64, -3, 10);
  snprintf(text, sizeof text,
           "{\"camera\": %s, \"targets\": ["
           "{\"class\": \"person\", \"path\": [[0, 100], [10, 100]], "
           "\"speed_mps\": 1, \"pause\": [[1, 5]], \"loop\": true},"
           "{\"class\": \"person\", \"path\": [[0, 100], [0, 110], [5, 110]], "
           "\"speed_mps\": 2, \"start_s\": 3, \"end_s\": 20},"
           "{\"class\": \"vehicle\", \"kind\": \"truck\", \"path\": [[7, 8]], "
           "\"heading_deg\": 90}]}",
           cam);
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(parse(&sc, text, &err), &err);
  wl_sim_t *sim;
  ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
  const wl__target_t *a = &sim->targets[0], *b = &sim->targets[1];
  const wl__target_t *c = &sim->targets[2];
  wl__pose_t p;
  /* Loop of 10 m out, 5 s pause, 10 m back: 25 s per cycle. */
  struct {
    double t, e, speed;
  } loop[] = {{0, 0, 1},    {5, 5, 1},   {10, 10, 0}, {14.9, 10, 0},
              {16, 9, 1},   {24, 1, 1},  {25, 0, 1},  {30, 5, 1},
              {1003, 3, 1}, {1010, 10, 0}};
  for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
    wl__target_pose(a, loop[i].t, &p);
    ASSERT(p.present);
    ASSERT_NEAR(p.east, loop[i].e, 1e-9);
    ASSERT_NEAR(p.north, 100.0, 1e-9);
    ASSERT_NEAR(p.speed, loop[i].speed, 1e-12);
  }
  wl__target_pose(a, 16, &p);
  ASSERT_NEAR(p.head_e, -1.0, 1e-12); /* walking back */
  wl__target_pose(a, 12, &p);
  ASSERT_NEAR(p.head_e, 1.0, 1e-12); /* paused: keeps its heading */
  /* One way, 2 m/s, from 3 s to 20 s; stays at the end. */
  wl__target_pose(b, 2.9, &p);
  ASSERT(!p.present);
  wl__target_pose(b, 3.0, &p);
  ASSERT(p.present);
  ASSERT_NEAR(p.north, 100.0, 1e-9);
  wl__target_pose(b, 8.0, &p);
  ASSERT_NEAR(p.north, 110.0, 1e-9);
  ASSERT_NEAR(p.east, 0.0, 1e-9);
  wl__target_pose(b, 9.0, &p);
  ASSERT_NEAR(p.east, 2.0, 1e-9);
  ASSERT_NEAR(p.distance, 12.0, 1e-9);
  wl__target_pose(b, 19.9, &p);
  ASSERT_NEAR(p.east, 5.0, 1e-9);
  ASSERT_NEAR(p.speed, 0.0, 1e-12);
  wl__target_pose(b, 20.0, &p);
  ASSERT(!p.present);
  /* A parked truck with a heading. */
  wl__target_pose(c, 50.0, &p);
  ASSERT(p.present);
  ASSERT_NEAR(p.east, 7.0, 1e-12);
  ASSERT_NEAR(p.head_e, 1.0, 1e-12);
  ASSERT_NEAR(p.speed, 0.0, 1e-12);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return 0;
}

TEST_IMPL(sim_scene_motion) {
  /* With the sensor quiet, what changes between frames is shimmer near the
   * horizon (smooth in space: neighbours move together) and swaying bushes;
   * everything else is still. */
  char cam[512], text[2048];
  camera_json(cam, sizeof cam, 320, 256, -3, 30);
  snprintf(text, sizeof text,
           "{\"camera\": %s, \"scene\": {\"vegetation\": 10, \"sway_px\": 1, "
           "\"shimmer_px\": 0.8, \"shimmer_k\": 0.3, \"shimmer_rows\": 12}, "
           QUIET_SENSOR "}",
           cam);
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(parse(&sc, text, &err), &err);
  wl_sim_t *sim;
  ASSERT_OK(wl_sim_new(&sim, sc, 4, &err), &err);
  wl_frame_t a, b;
  wl_frame_init(&a);
  wl_frame_init(&b);
  ASSERT_OK(wl_sim_next(sim, &a, NULL, 0, NULL, &err), &err);
  for (int i = 0; i < 6; i++)
    ASSERT_OK(wl_sim_next(sim, &b, NULL, 0, NULL, &err), &err);
  const wl_camera_t *c = wl_scenario_camera(sc);
  int hr = (int)wl_camera_horizon_row(c, 160.0);
  double s_xy = 0.0, s_xx = 0.0;
  int band_changed = 0, far_changed = 0, rows_far = 0;
  for (int y = 0; y < 256; y++) {
    int in_band = y >= hr - 2 && y <= hr + 12;
    for (int x = 0; x + 1 < 320; x++) {
      size_t i = (size_t)y * 320 + x;
      double d0 = (double)b.data[i] - a.data[i];
      double d1 = (double)b.data[i + 1] - a.data[i + 1];
      if (in_band) {
        band_changed += d0 != 0.0;
        s_xy += d0 * d1;
        s_xx += d0 * d0;
      } else if (y < hr - 4) {
        far_changed += d0 != 0.0; /* the sky never moves */
      }
    }
    rows_far += y < hr - 4;
  }
  ASSERT_GT(rows_far, 10);
  ASSERT_EQ(far_changed, 0);
  ASSERT_GT(band_changed, 320);
  /* Lag-1 correlation along the row: smooth, not white. */
  fprintf(stderr, "shimmer: %d px changed, lag-1 correlation %.3f\n",
          band_changed, s_xy / s_xx);
  ASSERT_GT(s_xy / s_xx, 0.6);
  /* Bushes: some ground pixels well below the band change too. */
  int bush_changed = 0;
  for (int y = hr + 20; y < 256; y++)
    for (int x = 0; x < 320; x++) {
      size_t i = (size_t)y * 320 + x;
      bush_changed += a.data[i] != b.data[i];
    }
  ASSERT_GT(bush_changed, 0);
  ASSERT_LT(bush_changed, 2000);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  wl_frame_release(&a);
  wl_frame_release(&b);
  return 0;
}

/* Parse text and expect code with a message containing want. */
static int expect_error(const char *text, int code, const char *want) {
  wl_err_t err;
  wl_scenario_t *sc = (wl_scenario_t *)1;
  int rc = wl_scenario_parse(&sc, text, strlen(text), "x.json", &err);
  if (rc != code)
    TEST_FAIL_("%s: code %d, expected %d (%s)", text, rc, code,
               rc ? err.msg : "ok");
  if (sc != NULL) TEST_FAIL_("%s: *out not NULL on failure", text);
  if (!strstr(err.msg, want))
    TEST_FAIL_("%s: message \"%s\" lacks \"%s\"", text, err.msg, want);
  if (!strstr(err.msg, "x.json"))
    TEST_FAIL_("message \"%s\" does not name the scenario", err.msg);
  return 0;
}

#define CAM                                                                   \
  "\"camera\": {\"id\": \"c\", \"width\": 64, \"height\": 48, "              \
  "\"hfov_deg\": 24, \"lat\": 31, \"lon\": -109, \"height_m\": 10, "         \
  "\"yaw_deg\": 0, \"pitch_deg\": -3}"
#define PERSON "{\"class\": \"person\", \"path\": [[0, 100]]}"

TEST_IMPL(sim_scenario_errors) {
  struct {
    const char *text;
    int code;
    const char *want;
  } cases[] = {
      {"{\"camera\": ", WL_EFORMAT, "invalid JSON"},
      {"[1, 2]", WL_EINVAL, "top level"},
      {"{}", WL_EINVAL, "camera: required key is missing"},
      {"{\"camera\": 5}", WL_EINVAL, "camera: expected an object"},
      {"{\"camera\": {\"id\": \"c\", \"width\": 0}}", WL_EINVAL, "width"},
      {"{" CAM ", \"targets\": [" PERSON ", " PERSON ", {\"class\": "
       "\"person\", \"path\": [[0, 1]], \"speed_mps\": -1}]}",
       WL_EINVAL, "targets[2].speed_mps: -1 is impossible: must be >= 0"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1]], "
       "\"speed_mps\": \"fast\"}]}",
       WL_EINVAL, "targets[0].speed_mps: expected a number, got a string"},
      {"{" CAM ", \"targets\": [{\"class\": \"ghost\", \"path\": [[0, 1]]}]}",
       WL_EINVAL, "targets[0].class: \"ghost\" is impossible"},
      {"{" CAM ", \"targets\": [{\"class\": \"animal\", \"kind\": \"cat\", "
       "\"path\": [[0, 1]]}]}",
       WL_EINVAL, "must be one of dog, sheep, camel"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\"}]}", WL_EINVAL,
       "targets[0].path: required key is missing"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": []}]}",
       WL_EINVAL, "needs at least 1"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0]]}]}",
       WL_EINVAL, "targets[0].path[0]: expected [east_m, north_m]"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1e9]]}"
       "]}",
       WL_EINVAL, "targets[0].path[0]: 1000000000 is impossible"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1]], "
       "\"pause\": [[3, 1]]}]}",
       WL_EINVAL, "targets[0].pause[0]: 3 is impossible"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1]], "
       "\"height_m\": 0}]}",
       WL_EINVAL, "targets[0].height_m: 0 is impossible: must be > 0"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1]], "
       "\"start_s\": 5, \"end_s\": 2}]}",
       WL_EINVAL, "targets[0].end_s: 2 is impossible: must be after start_s"},
      {"{" CAM ", \"targets\": [{\"class\": \"person\", \"path\": [[0, 1]], "
       "\"loop\": 1}]}",
       WL_EINVAL, "targets[0].loop: expected true or false"},
      {"{" CAM ", \"targets\": {}}", WL_EINVAL,
       "targets: expected an array, got an object"},
      {"{" CAM ", \"scene\": {\"time\": \"dusk\"}}", WL_EINVAL,
       "scene.time: \"dusk\" is impossible"},
      {"{" CAM ", \"scene\": {\"ground_k\": 1000}}", WL_EINVAL,
       "scene.ground_k: 1000 is impossible: must be <= 400"},
      {"{" CAM ", \"scene\": {\"vegetation\": 2.5}}", WL_EINVAL,
       "scene.vegetation: expected an integer"},
      {"{" CAM ", \"scene\": {\"roads\": [{\"path\": [[0, 0]]}]}}", WL_EINVAL,
       "scene.roads[0].path: 1 points is impossible: needs at least 2"},
      {"{" CAM ", \"sensor\": {\"netd_mk\": -40}}", WL_EINVAL,
       "sensor.netd_mk: -40 is impossible"},
      {"{" CAM ", \"sensor\": {\"ffc_interval_s\": 10, \"ffc_jitter_s\": 6}}",
       WL_EINVAL, "sensor.ffc_jitter_s: 6 is impossible"},
      {"{" CAM ", \"sensor\": {\"ffc_times_s\": [5, 3]}}", WL_EINVAL,
       "sensor.ffc_times_s[1]: 3 is impossible"},
      {"{" CAM ", \"spawn\": [{\"class\": \"animal\", \"kind\": \"sheep\", "
       "\"center\": [0, 100]}]}",
       WL_EINVAL, "spawn[0].count: required key is missing"},
      {"{" CAM ", \"spawn\": [{\"class\": \"animal\", \"count\": 5000, "
       "\"center\": [0, 100]}]}",
       WL_EINVAL, "spawn[0].count: 5000 is impossible"},
      {"{" CAM ", \"spawn\": [{\"class\": \"animal\", \"count\": 4000, "
       "\"center\": [0, 100]}, {\"class\": \"animal\", \"count\": 4000, "
       "\"center\": [0, 100]}]}",
       WL_ETOOBIG, "the limit is 4096"},
      {"{" CAM ", \"duration_s\": 0}", WL_EINVAL,
       "duration_s: 0 is impossible"},
      {"{\"camera\": {\"id\": \"c\", \"width\": 64, \"height\": 48, "
       "\"hfov_deg\": 24, \"lat\": 31, \"lon\": -109, \"height_m\": 10, "
       "\"yaw_deg\": 0, \"pitch_deg\": -3, \"radiometric\": false}}",
       WL_EINVAL, "camera.radiometric: is impossible"},
      {"{" CAM ", \"scene\": {\"roads\": [{\"path\": [[0, 0], [1, 1]]}, "
       "{\"path\": 7}]}}",
       WL_EINVAL, "scene.roads[1].path: expected an array"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (expect_error(cases[i].text, cases[i].code, cases[i].want))
      TEST_FAIL_("case %zu", i);

  /* Unknown keys are ignored; defaults fill the rest. */
  wl_err_t err;
  wl_scenario_t *sc;
  const char *ok = "{" CAM ", \"colour\": \"blue\", \"scene\": {\"foo\": 1},"
                   " \"targets\": [{\"class\": \"bird\", \"path\": [[0, 50]],"
                   " \"wings\": 2}]}";
  ASSERT_OK(parse(&sc, ok, &err), &err);
  ASSERT_EQ(sc->n_targets, 1);
  ASSERT_STR_EQ(sc->targets[0].kind == WL__KIND_BIRD_SMALL ? "small" : "?",
                "small");
  ASSERT_NEAR(sc->targets[0].altitude_m, 20.0, 1e-12);
  ASSERT_NEAR(sc->scene.ground_k, 283.0, 1e-12);
  ASSERT_NEAR(wl_scenario_duration_s(sc), 10.0, 1e-12);
  wl_scenario_free(sc);
  wl_scenario_free(NULL);

  /* Presets and files. */
  ASSERT_EQ(wl_scenario_load(&sc, "no-such-preset", &err), WL_ENOTFOUND);
  ASSERT(sc == NULL);
  ASSERT_STR_CONTAINS(err.msg, "no-such-preset");
  for (const char *const *p = wl_sim_presets(); *p; p++)
    ASSERT_STR_CONTAINS(err.msg, *p);
  const char *path = test_path(test_tmpdir(), "bad.json");
  FILE *fp = fopen(path, "w");
  ASSERT(fp);
  fputs("{\"camera\": {}, }", fp);
  fclose(fp);
  ASSERT_EQ(wl_scenario_load(&sc, path, &err), WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "bad.json:1:");
  path = test_path(test_tmpdir(), "good.json");
  fp = fopen(path, "w");
  ASSERT(fp);
  fputs("{" CAM ", \"targets\": [" PERSON "]}", fp);
  fclose(fp);
  ASSERT_OK(wl_scenario_load(&sc, path, &err), &err);
  ASSERT_EQ(wl_scenario_camera(sc)->width, 64);
  wl_scenario_free(sc);
  return 0;
}

TEST_IMPL(sim_presets) {
  /* Every preset parses, renders, shows targets in its first frame (except
   * nuisance's animals may start off-screen) and keeps its promises. */
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  static wl_sim_truth_t t[MAX_TRUTH];
  int count = 0;
  for (const char *const *p = wl_sim_presets(); *p; p++, count++) {
    wl_scenario_t *sc;
    wl_sim_t *sim;
    ASSERT_OK(wl_scenario_load(&sc, *p, &err), &err);
    ASSERT_STR_EQ(wl_scenario_name(sc), *p);
    ASSERT(strlen(wl_scenario_description(sc)) > 20);
    const wl_camera_t *cam = wl_scenario_camera(sc);
    ASSERT_EQ(cam->width, 640);
    ASSERT_EQ(cam->height, 512);
    ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
    size_t n, people = 0;
    ASSERT_OK(wl_sim_next(sim, &f, t, MAX_TRUTH, &n, &err), &err);
    fprintf(stderr, "%s: %zu targets, %zu in the first frame\n", *p,
            wl_sim_target_count(sim), n);
    ASSERT_GE(n, 5);
    for (size_t k = 0; k < n; k++) people += t[k].cls == WL_SIM_PERSON;
    if (strcmp(*p, "nuisance") == 0) {
      ASSERT_EQ(people, 0);
      /* The FFC storm: six listed FFCs in ten seconds, plus periodic. */
      unsigned frames = (unsigned)(10.0 * cam->fps);
      for (unsigned i = 1; i < frames; i++)
        ASSERT_OK(wl_sim_next(sim, &f, NULL, 0, NULL, &err), &err);
      ASSERT_GE(wl_sim_ffc_count(sim), 6u);
    }
    if (strcmp(*p, "border-night") == 0) {
      ASSERT_EQ(wl_sim_target_count(sim), 10);
      ASSERT_EQ(n, 10);
    }
    if (strcmp(*p, "crowd") == 0) ASSERT_GE(n, 20);
    wl_sim_free(sim);
    wl_scenario_free(sc);
  }
  ASSERT_GE(count, 6);
  wl_frame_release(&f);
  return 0;
}

/* Write frame as an ironbow PNG at path. */
static int write_png(const char *path, const wl_frame_t *f, wl_err_t *err) {
  FILE *fp = fopen(path, "wb");
  if (!fp) return wl_fail(err, WL_EIO, "%s: cannot create", path);
  int rc = wl_snapshot_write_png(fp, path, f, WL_PALETTE_IRONBOW, err);
  if (fclose(fp) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s: cannot write", path);
  return rc;
}

/*
 * What an operator's "ground" AGC shows: the frame with everything colder
 * than the ground's 0.5th percentile (the sky) raised to it, so the display
 * range is the ground's and its texture and targets can be seen.
 */
static void ground_stretch(wl_frame_t *f, int horizon_row) {
  static size_t hist[65536];
  memset(hist, 0, sizeof hist);
  size_t n = 0, start = (size_t)(horizon_row + 3) * f->width;
  size_t total = (size_t)f->width * f->height;
  for (size_t i = start; i < total; i++, n++) hist[f->data[i]]++;
  size_t acc = 0;
  uint16_t lo = 0;
  for (int v = 0; v < 65536; v++) {
    acc += hist[v];
    if (acc > n / 200) {
      lo = (uint16_t)v;
      break;
    }
  }
  for (size_t i = 0; i < total; i++)
    if (f->data[i] < lo) f->data[i] = lo;
}

TEST_IMPL(sim_snapshots) {
  /* Frame 50 of every preset as an ironbow PNG, for people to look at:
   * PRESET.png with the default robust range (what `watchline sim
   * --snapshots` writes; the cold sky takes much of the range) and
   * PRESET-ground.png with the range of the ground. */
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/../sim-snapshots", test_tmpdir());
  mkdir(dir, 0777);
  wl_err_t err;
  wl_frame_t f;
  wl_frame_init(&f);
  for (const char *const *p = wl_sim_presets(); *p; p++) {
    wl_scenario_t *sc;
    wl_sim_t *sim;
    ASSERT_OK(wl_scenario_load(&sc, *p, &err), &err);
    ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
    for (int i = 0; i <= 50; i++)
      ASSERT_OK(wl_sim_next(sim, &f, NULL, 0, NULL, &err), &err);
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.png", dir, *p);
    ASSERT_OK(write_png(path, &f, &err), &err);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_GT(st.st_size, 10000);
    printf("snapshot: %s\n", path);
    const wl_camera_t *cam = wl_scenario_camera(sc);
    double hr = wl_camera_horizon_row(cam, 0.5 * cam->width);
    ground_stretch(&f, hr < 0 ? 0 : (hr > cam->height - 4 ? 0 : (int)hr));
    snprintf(path, sizeof path, "%s/%s-ground.png", dir, *p);
    ASSERT_OK(write_png(path, &f, &err), &err);
    printf("snapshot: %s\n", path);
    wl_sim_free(sim);
    wl_scenario_free(sc);
  }
  wl_frame_release(&f);
  return 0;
}
