/*
 * sim.c - the simulator's frame loop: time, flat-field corrections, fixed
 * pattern, drift, temporal noise and the 16-bit output (see sim.h).
 *
 * Design. Everything static (terrain, sky, clutter) is rendered once into a
 * float base image (sim_scene.c). A frame then costs: restoring the few
 * tiles the previous frame's targets touched, rewriting the shimmer band,
 * drawing targets and bushes into a premultiplied layer (sim_targets.c),
 * blurring that layer with the PSF and compositing it over the scene, tile
 * by tile, and one pass over all pixels that adds the row and column
 * offsets, the per-pixel offset (if any), drift and temporal noise and
 * rounds to 16 bits. Temporal noise comes from a 4096-entry table of
 * standard normal quantiles indexed by 12-bit slices of xoshiro256**
 * output, so a 64-bit draw gives five gaussian samples.
 *
 * The sensor model: each FFC (periodic with jitter, plus listed times)
 * freezes the output for ffc_freeze_s (the last frame repeats, pixel for
 * pixel, with its ground truth) and then draws a new residual row/column
 * pattern, and a new pattern of growth that builds up linearly until the
 * next FFC. Drift is an Ornstein-Uhlenbeck rate (60 s correlation)
 * integrated into a global offset: a smooth random walk.
 *
 * Invariants: after wl_sim_new() nothing allocates; frame n is at time
 * n / fps; all randomness comes from per-purpose streams seeded from the
 * seed, so the same scenario and seed give the same bytes and truth.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define WL__SIM_MAX_PIXELS ((size_t)8 << 20) /* 8 Mpixel */
#define NOISE_TABLE_BITS 12
#define NOISE_TABLE_SIZE (1 << NOISE_TABLE_BITS)
#define DRIFT_TAU_S 60.0

/* ------------------------------------------------------------------------ */
/* Setup                                                                     */

/* Standard normal quantile by bisection on erfc (setup only). */
static double normal_quantile(double p) {
  double lo = -10.0, hi = 10.0;
  for (int i = 0; i < 80; i++) {
    double mid = 0.5 * (lo + hi);
    if (0.5 * erfc(-mid / sqrt(2.0)) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

static void noise_table_init(float *table, double sigma_ck) {
  double sum2 = 0.0;
  double q[NOISE_TABLE_SIZE];
  for (int i = 0; i < NOISE_TABLE_SIZE; i++) {
    q[i] = normal_quantile((i + 0.5) / NOISE_TABLE_SIZE);
    sum2 += q[i] * q[i];
  }
  /* The discrete table's variance is a little under 1: renormalise. */
  double norm = sigma_ck / sqrt(sum2 / NOISE_TABLE_SIZE);
  for (int i = 0; i < NOISE_TABLE_SIZE; i++) table[i] = (float)(q[i] * norm);
}

static void fill_gauss(wl__rng_t *rng, float *dst, size_t n, double sigma) {
  for (size_t i = 0; i < n; i++) dst[i] = (float)(sigma * wl__rng_gauss(rng));
}

/* A new residual and growth pattern: what an FFC leaves behind. */
static void new_fixed_pattern(wl_sim_t *sim) {
  const wl__sensor_spec_t *s = &sim->sc->sensor;
  /* mK -> centikelvin: / 10. */
  fill_gauss(&sim->rng_fpn, sim->fpn_col_res, (size_t)sim->w,
             s->fpn_col_mk / 10.0);
  fill_gauss(&sim->rng_fpn, sim->fpn_row_res, (size_t)sim->h,
             s->fpn_row_mk / 10.0);
  double g = s->fpn_growth_mk_per_min / 10.0;
  fill_gauss(&sim->rng_fpn, sim->fpn_col_grow, (size_t)sim->w, g);
  fill_gauss(&sim->rng_fpn, sim->fpn_row_grow, (size_t)sim->h, 0.5 * g);
  if (sim->fpn_pix)
    fill_gauss(&sim->rng_fpn, sim->fpn_pix, (size_t)sim->w * sim->h,
               s->fpn_pixel_mk / 10.0);
}

/* The time of the next periodic FFC: k * interval +- jitter, k from 1. */
static void schedule_periodic_ffc(wl_sim_t *sim) {
  const wl__sensor_spec_t *s = &sim->sc->sensor;
  if (s->ffc_interval_s <= 0.0) {
    sim->next_periodic_ffc_t = INFINITY;
    return;
  }
  sim->periodic_ffc_k++;
  double jitter = s->ffc_jitter_s * wl__rng_range(&sim->rng_ffc, -1.0, 1.0);
  sim->next_periodic_ffc_t = sim->periodic_ffc_k * s->ffc_interval_s + jitter;
}

static int alloc_buffers(wl_sim_t *sim, wl_err_t *err) {
  size_t n = (size_t)sim->w * sim->h;
  sim->tiles_x = (sim->w + WL__TILE - 1) / WL__TILE;
  sim->tiles_y = (sim->h + WL__TILE - 1) / WL__TILE;
  sim->base = malloc(n * sizeof *sim->base);
  sim->scene = malloc(n * sizeof *sim->scene);
  sim->layer_c = calloc(n, sizeof *sim->layer_c);
  sim->layer_a = calloc(n, sizeof *sim->layer_a);
  sim->tile_dirty = calloc((size_t)sim->tiles_x * sim->tiles_y, 1);
  sim->horizon_row = calloc((size_t)sim->w, sizeof *sim->horizon_row);
  sim->shimmer_dv = calloc((size_t)sim->w / 8 + 3, sizeof *sim->shimmer_dv);
  sim->shimmer_fl = calloc((size_t)sim->w / 8 + 3, sizeof *sim->shimmer_fl);
  sim->fpn_col_res = calloc((size_t)sim->w, sizeof(float));
  sim->fpn_col_grow = calloc((size_t)sim->w, sizeof(float));
  sim->col_off = calloc((size_t)sim->w, sizeof(float));
  sim->fpn_row_res = calloc((size_t)sim->h, sizeof(float));
  sim->fpn_row_grow = calloc((size_t)sim->h, sizeof(float));
  sim->row_off = calloc((size_t)sim->h, sizeof(float));
  sim->last_out = calloc(n, sizeof *sim->last_out);
  if (sim->sc->sensor.fpn_pixel_mk > 0.0) {
    sim->fpn_pix = calloc(n, sizeof *sim->fpn_pix);
    if (!sim->fpn_pix) goto oom;
  }
  if (!sim->base || !sim->scene || !sim->layer_c || !sim->layer_a ||
      !sim->tile_dirty || !sim->horizon_row || !sim->shimmer_dv ||
      !sim->shimmer_fl || !sim->fpn_col_res || !sim->fpn_col_grow ||
      !sim->col_off || !sim->fpn_row_res || !sim->fpn_row_grow ||
      !sim->row_off || !sim->last_out)
    goto oom;
  return WL_OK;
oom:
  return wl_fail(err, WL_ENOMEM, "sim: out of memory for %dx%d frames",
                 sim->w, sim->h);
}

int wl_sim_new(wl_sim_t **out, const wl_scenario_t *sc, uint64_t seed,
               wl_err_t *err) {
  *out = NULL;
  const wl_camera_t *cam = &sc->camera;
  int rc = wl_check_size(cam->width, cam->height, "sim: camera", err);
  if (rc != WL_OK) return rc;
  if ((size_t)cam->width * cam->height > WL__SIM_MAX_PIXELS)
    return wl_fail(err, WL_ETOOBIG, "sim: camera %dx%d: %zu pixels is too "
                   "many for the simulator (limit %zu)", cam->width,
                   cam->height, (size_t)cam->width * cam->height,
                   WL__SIM_MAX_PIXELS);
  wl_sim_t *sim = calloc(1, sizeof *sim);
  if (!sim) return wl_fail(err, WL_ENOMEM, "sim: out of memory");
  sim->sc = sc;
  sim->cam = cam;
  sim->w = cam->width;
  sim->h = cam->height;
  sim->fps = cam->fps;
  sim->seed = seed;

  const wl__sensor_spec_t *s = &sc->sensor;
  if (s->psf_sigma_px > 0.0) {
    double k1 = exp(-1.0 / (2.0 * s->psf_sigma_px * s->psf_sigma_px));
    sim->psf[0] = sim->psf[2] = (float)(k1 / (1.0 + 2.0 * k1));
    sim->psf[1] = (float)(1.0 / (1.0 + 2.0 * k1));
  } else {
    sim->psf[0] = sim->psf[2] = 0.0f;
    sim->psf[1] = 1.0f;
  }
  sim->ground_ck = (float)(100.0 * sc->scene.ground_k);
  sim->air_ck = (float)(100.0 * sc->scene.horizon_k);

  if ((rc = alloc_buffers(sim, err)) != WL_OK ||
      (rc = wl__scene_build(sim, err)) != WL_OK ||
      (rc = wl__targets_init(sim, err)) != WL_OK) {
    wl_sim_free(sim);
    return rc;
  }
  wl__rng_seed(&sim->rng_noise, seed, WL__STREAM_NOISE);
  wl__rng_seed(&sim->rng_fpn, seed, WL__STREAM_FPN);
  wl__rng_seed(&sim->rng_ffc, seed, WL__STREAM_FFC);
  wl__rng_seed(&sim->rng_drift, seed, WL__STREAM_DRIFT);
  noise_table_init(sim->noise_table, s->netd_mk / 10.0);
  new_fixed_pattern(sim);
  sim->last_ffc_t = 0.0;
  sim->freeze_until_t = -INFINITY;
  schedule_periodic_ffc(sim);
  double sigma_rate = s->drift_mk_per_min / 10.0 / 60.0; /* ck per s */
  sim->drift_rate_ck_per_s = sigma_rate * wl__rng_gauss(&sim->rng_drift);
  *out = sim;
  return WL_OK;
}

void wl_sim_free(wl_sim_t *sim) {
  if (!sim) return;
  if (sim->targets) wl__targets_free(sim);
  free(sim->base);
  free(sim->scene);
  free(sim->layer_c);
  free(sim->layer_a);
  free(sim->tile_dirty);
  free(sim->horizon_row);
  free(sim->shimmer_dv);
  free(sim->shimmer_fl);
  free(sim->fpn_col_res);
  free(sim->fpn_col_grow);
  free(sim->col_off);
  free(sim->fpn_row_res);
  free(sim->fpn_row_grow);
  free(sim->row_off);
  free(sim->fpn_pix);
  free(sim->last_out);
  free(sim);
}

/* ------------------------------------------------------------------------ */
/* Per frame                                                                 */

/* Process the FFC events due by time t. */
static void run_ffc_events(wl_sim_t *sim, double t) {
  const wl__sensor_spec_t *s = &sim->sc->sensor;
  for (;;) {
    double listed = sim->next_listed_ffc < s->n_ffc_times
                        ? s->ffc_times_s[sim->next_listed_ffc]
                        : INFINITY;
    double when = fmin(listed, sim->next_periodic_ffc_t);
    if (!(when <= t)) return;
    if (listed <= sim->next_periodic_ffc_t)
      sim->next_listed_ffc++;
    else
      schedule_periodic_ffc(sim);
    sim->ffc_count++;
    sim->freeze_until_t = fmax(sim->freeze_until_t, when + s->ffc_freeze_s);
    sim->last_ffc_t = when + s->ffc_freeze_s;
    new_fixed_pattern(sim);
  }
}

static void update_drift(wl_sim_t *sim, double dt) {
  double sigma = sim->sc->sensor.drift_mk_per_min / 10.0 / 60.0;
  if (sigma <= 0.0 || dt <= 0.0) return;
  double a = exp(-dt / DRIFT_TAU_S);
  sim->drift_rate_ck_per_s = a * sim->drift_rate_ck_per_s +
                             sigma * sqrt(1.0 - a * a) *
                                 wl__rng_gauss(&sim->rng_drift);
  sim->drift_ck += sim->drift_rate_ck_per_s * dt;
}

/* Undo last frame's layer: restore scene from base, zero the layer. */
static void restore_tiles(wl_sim_t *sim) {
  int w = sim->w;
  for (int ty = 0; ty < sim->tiles_y; ty++)
    for (int tx = 0; tx < sim->tiles_x; tx++) {
      uint8_t *d = &sim->tile_dirty[ty * sim->tiles_x + tx];
      if (!*d) continue;
      *d = 0;
      int x0 = tx * WL__TILE, y0 = ty * WL__TILE;
      int x1 = x0 + WL__TILE < w ? x0 + WL__TILE : w;
      int y1 = y0 + WL__TILE < sim->h ? y0 + WL__TILE : sim->h;
      size_t len = (size_t)(x1 - x0);
      for (int y = y0; y < y1; y++) {
        size_t o = (size_t)y * w + x0;
        memcpy(sim->scene + o, sim->base + o, len * sizeof(float));
        memset(sim->layer_c + o, 0, len * sizeof(float));
        memset(sim->layer_a + o, 0, len * sizeof(float));
      }
    }
}

/* 3x3 PSF of the layer at (x, y), zero outside the image. */
static inline void blurred_layer(const wl_sim_t *sim, int x, int y, float *c,
                                 float *a) {
  float sc = 0.0f, sa = 0.0f;
  for (int dy = -1; dy <= 1; dy++) {
    int yy = y + dy;
    if (yy < 0 || yy >= sim->h) continue;
    float wy = sim->psf[dy + 1];
    const float *lc = sim->layer_c + (size_t)yy * sim->w;
    const float *la = sim->layer_a + (size_t)yy * sim->w;
    for (int dx = -1; dx <= 1; dx++) {
      int xx = x + dx;
      if (xx < 0 || xx >= sim->w) continue;
      float wgt = wy * sim->psf[dx + 1];
      sc += wgt * lc[xx];
      sa += wgt * la[xx];
    }
  }
  *c = sc;
  *a = sa;
}

/* Composite the blurred layer over the scene in the dirty tiles. */
static void composite_layer(wl_sim_t *sim) {
  int w = sim->w;
  for (int ty = 0; ty < sim->tiles_y; ty++)
    for (int tx = 0; tx < sim->tiles_x; tx++) {
      if (!sim->tile_dirty[ty * sim->tiles_x + tx]) continue;
      int x0 = tx * WL__TILE, y0 = ty * WL__TILE;
      int x1 = x0 + WL__TILE < w ? x0 + WL__TILE : w;
      int y1 = y0 + WL__TILE < sim->h ? y0 + WL__TILE : sim->h;
      for (int y = y0; y < y1; y++) {
        float *row = sim->scene + (size_t)y * w;
        for (int x = x0; x < x1; x++) {
          float c, a;
          blurred_layer(sim, x, y, &c, &a);
          if (a > 0.0f) row[x] = c + (1.0f - a) * row[x];
        }
      }
    }
}

static void update_offsets(wl_sim_t *sim, double t) {
  float grow = (float)((t - sim->last_ffc_t) / 60.0);
  if (grow < 0.0f) grow = 0.0f;
  for (int x = 0; x < sim->w; x++)
    sim->col_off[x] = sim->fpn_col_res[x] + grow * sim->fpn_col_grow[x];
  for (int y = 0; y < sim->h; y++)
    sim->row_off[y] = sim->fpn_row_res[y] + grow * sim->fpn_row_grow[y];
}

/* The output pass: scene + offsets + drift + noise, rounded to 16 bits. */
static void output_pass(wl_sim_t *sim, uint16_t *out) {
  const int w = sim->w;
  const float *table = sim->noise_table;
  const float *col = sim->col_off;
  const float drift = (float)sim->drift_ck;
  wl__rng_t rng = sim->rng_noise;
  for (int y = 0; y < sim->h; y++) {
    const float *s = sim->scene + (size_t)y * w;
    const float *pix = sim->fpn_pix ? sim->fpn_pix + (size_t)y * w : NULL;
    uint16_t *o = out + (size_t)y * w;
    const float rowc = sim->row_off[y] + drift;
    int x = 0;
    while (x < w) {
      uint64_t r = wl__rng_next(&rng);
      int end = x + 5 < w ? x + 5 : w;
      for (; x < end; x++, r >>= NOISE_TABLE_BITS) {
        float v = s[x] + col[x] + rowc + table[r & (NOISE_TABLE_SIZE - 1)];
        if (pix) v += pix[x];
        v = v < 0.0f ? 0.0f : (v > 65535.0f ? 65535.0f : v);
        o[x] = (uint16_t)(v + 0.5f);
      }
    }
  }
  sim->rng_noise = rng;
}

static void collect_truth(wl_sim_t *sim) {
  size_t n = 0;
  for (size_t i = 0; i < sim->n_targets; i++)
    if (sim->truth_valid[i]) sim->last_truth[n++] = sim->truth_all[i];
  sim->n_last_truth = n;
}

int wl_sim_next(wl_sim_t *sim, wl_frame_t *frame, wl_sim_truth_t *truth,
                size_t max_truth, size_t *n_truth, wl_err_t *err) {
  if (n_truth) *n_truth = 0;
  int rc = wl_frame_alloc(frame, sim->w, sim->h, err);
  if (rc != WL_OK) return rc;
  double t = (double)sim->frame_index / sim->fps;
  if (sim->frame_index > 0) update_drift(sim, 1.0 / sim->fps);
  run_ffc_events(sim, t);

  sim->in_ffc = sim->have_last && t < sim->freeze_until_t;
  if (!sim->in_ffc) {
    restore_tiles(sim);
    wl__scene_shimmer(sim, t);
    wl__targets_draw(sim, t);
    composite_layer(sim);
    update_offsets(sim, t);
    output_pass(sim, sim->last_out);
    collect_truth(sim);
    sim->have_last = 1;
  }
  memcpy(frame->data, sim->last_out,
         (size_t)sim->w * sim->h * sizeof *frame->data);
  frame->t_ns = (int64_t)llround(t * 1e9);
  frame->seq = sim->frame_index;
  frame->bit_depth = 16;
  frame->radiometry = wl_radiometry_centikelvin();
  sim->frame_index++;

  if (truth && n_truth) {
    size_t n = sim->n_last_truth < max_truth ? sim->n_last_truth : max_truth;
    memcpy(truth, sim->last_truth, n * sizeof *truth);
    *n_truth = n;
  }
  return WL_OK;
}

size_t wl_sim_target_count(const wl_sim_t *sim) { return sim->n_targets; }
int wl_sim_in_ffc(const wl_sim_t *sim) { return sim->in_ffc; }
unsigned wl_sim_ffc_count(const wl_sim_t *sim) { return sim->ffc_count; }

double wl_sim_time_s(const wl_sim_t *sim) {
  if (sim->frame_index == 0) return 0.0;
  return (double)(sim->frame_index - 1) / sim->fps;
}

const float *wl__sim_col_offsets(const wl_sim_t *sim) { return sim->col_off; }

float wl__sim_row_offset(const wl_sim_t *sim, int row) {
  return sim->row_off[row];
}

const float *wl__sim_base(const wl_sim_t *sim) { return sim->base; }
