/*
 * preprocess.c - global offset/gain, temporal noise, frozen and blank
 * frames, fixed-pattern steps and the FFC count (see preprocess.h).
 *
 * Design. Everything works on a few thousand numbers per frame, not on
 * the whole frame:
 *   - points: ~1024 pixels on a jittered grid. Their values give the
 *     offset and gain (medians against the point references, by
 *     quickselect), the noise (median frame-to-frame change) and the
 *     first frozen test (how many points repeat their previous value);
 *   - profiles: the column sums and row sums over every 4th row, one
 *     vectorised pass over a quarter of the frame, give the fixed-pattern step
 *     test (robust spread of the compensated profiles against reference
 *     profiles).
 * Frozen frames: on a noisy sensor, a live frame never repeats (nearly)
 * all points, so the point test decides alone. Sources where pixels often
 * repeat exactly (8-bit or compressed video of a static scene: "quiet"
 * sources, recognised by the fraction of repeated points in live frames,
 * with hysteresis) also sum the other rows, and a frame is frozen only when
 * every column sum and row sum of the whole frame repeats too: a moving
 * target anywhere changes a column and a row sum.
 *
 * References learn with rate ref_rate on usable frames; the point
 * references learn a clamped innovation (+-4 noise sigmas) so that moving
 * targets barely touch them. They are in "reference units": the pixel
 * units of the first frame, which compensation maps every later frame to.
 *
 * 8-bit AGC video (bit_depth <= 8, non-radiometric: a camera's compressed
 * video output) is treated more cautiously: its temporal noise is at least
 * AGC8_MIN_NOISE DN and at least AGC8_REF_FACTOR x the spread of the
 * points around their references (quantisation plus compression flicker,
 * which the median frame-to-frame change misses because most pixels
 * repeat exactly between consecutive frames), and a fixed-pattern step
 * counts only within ffc_step_window frames after a frozen run: such
 * cameras freeze during their shutter FFC, and without a freeze a profile
 * step is AGC or compression, which gain/offset absorb.
 *
 * Invariants: nothing is allocated after wl_preprocess_new(); a frozen or
 * blank frame changes no reference; gain stays within [1/8, 8].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clones_int.h"
#include "../core/hash_int.h"
#include "../core/prefetch_int.h"
#include "../core/select_int.h"
#include "watchline/preprocess.h"

#define GAIN_MIN 0.125
#define GAIN_MAX 8.0
#define BLOCK 64         /* fixed inner trip count: GCC vectorises it */
#define FROZEN_FRACTION 0.995 /* points that must repeat in a frozen frame */
#define QUIET_ENTER 0.4  /* repeated-point fraction that makes a source quiet */
#define QUIET_LEAVE 0.2
#define BLANK_POINTS 256 /* points used by the blank test */
#define PROFILE_STEP 4   /* profile rows: every 4th */
#define AGC8_MIN_NOISE 2.5 /* DN: noise floor of 8-bit AGC video */
#define AGC8_REF_FACTOR 2.0 /* 8-bit AGC video: noise >= this x the sigma of
                               the points' deviation from their reference */

struct wl_preprocess {
  wl_preprocess_params_t p;
  int w, h;
  const wl_badpix_t *badpix;

  /* Points: sorted pixel indices and per-point state. */
  size_t n_pts;
  uint32_t *pt_index;
  float *pt_val;   /* this frame, raw */
  float *pt_last;  /* the previous frame (any), raw: the repeat test */
  float *pt_ref;   /* reference, reference units */
  float *pt_prev;  /* last usable frame, compensated: the noise */
  float *scratch;  /* 2 * n_pts, for quickselect */

  /* Profiles (every 4th row) and the quiet-source frozen test (all rows). */
  uint32_t *col_prof, *col_rest, *row_sum;                /* this frame */
  uint32_t *prev_col_prof, *prev_col_rest, *prev_row_sum; /* previous */
  float *col_ref, *row_ref;  /* compensated means; row_ref: profile rows */
  float *col_change, *row_change;

  int have_ref;       /* references initialised by a usable frame */
  int have_last;      /* pt_last holds a frame */
  int have_prev_full; /* prev_* sums cover the whole previous frame */
  int have_prev_pts;
  int quiet;          /* pixels often repeat exactly: full frozen test */
  double repeat_ema;  /* fraction of repeated points in live frames */
  double gain, offset;
  double noise;
  double noise_floor; /* min_noise, or AGC8_MIN_NOISE for 8-bit AGC video */
  int agc8;           /* this frame is 8-bit AGC video (see above) */
  int noise_valid;
  int frozen_run;     /* consecutive frozen (non-blank) frames */
  int frozen_counted; /* the current run was counted as an FFC event */
  long since_event;   /* frames since the last counted frozen run ended */
  unsigned ffc_count;
};

void wl_preprocess_default_params(wl_preprocess_params_t *p) {
  p->gain_mode = WL_GAIN_AUTO;
  p->samples = 1024;
  p->ref_rate = 1.0 / 64;
  p->noise_rate = 1.0 / 16;
  p->min_noise = 0.5;
  p->step_k = 6.0;
  p->step_min_sigma = 0.15;
  p->ffc_min_frozen = 3;
  p->ffc_step_window = 5;
  p->blank_ratio = 0.05;
  p->freeze_tol = 0;
}

static int check_params(const wl_preprocess_params_t *p, wl_err_t *err) {
  if (p->gain_mode < WL_GAIN_AUTO || p->gain_mode > WL_GAIN_ON)
    return wl_fail(err, WL_EINVAL, "preprocess: gain_mode %d is not "
                   "WL_GAIN_AUTO, WL_GAIN_OFF or WL_GAIN_ON", p->gain_mode);
  if (p->samples < 64 || p->samples > 65536)
    return wl_fail(err, WL_EINVAL, "preprocess: samples %d is outside "
                   "64..65536", p->samples);
  if (!(p->ref_rate > 0 && p->ref_rate <= 1) ||
      !(p->noise_rate > 0 && p->noise_rate <= 1))
    return wl_fail(err, WL_EINVAL, "preprocess: ref_rate %g and noise_rate "
                   "%g must be in (0, 1]", p->ref_rate, p->noise_rate);
  if (!(p->min_noise > 0 && p->min_noise < 1e6) ||
      !(p->step_k > 0 && p->step_k < 1e6) ||
      !(p->step_min_sigma >= 0 && p->step_min_sigma < 1e6) ||
      !(p->blank_ratio >= 0 && p->blank_ratio < 1))
    return wl_fail(err, WL_EINVAL, "preprocess: min_noise %g, step_k %g, "
                   "step_min_sigma %g or blank_ratio %g out of range",
                   p->min_noise, p->step_k, p->step_min_sigma,
                   p->blank_ratio);
  if (p->ffc_min_frozen < 1 || p->ffc_min_frozen > 1000000 ||
      p->ffc_step_window < 0 || p->ffc_step_window > 1000000)
    return wl_fail(err, WL_EINVAL, "preprocess: ffc_min_frozen %d must be "
                   ">= 1 and ffc_step_window %d >= 0", p->ffc_min_frozen,
                   p->ffc_step_window);
  if (p->freeze_tol < 0 || p->freeze_tol > 65535)
    return wl_fail(err, WL_EINVAL, "preprocess: freeze_tol %d is outside "
                   "0..65535", p->freeze_tol);
  return WL_OK;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* About `want` points: one per cell of a regular grid, at a pseudo-random
 * position inside its cell (so the grid cannot alias with column or row
 * patterns); sorted by index for a forward memory walk. */
static size_t place_points(uint32_t *idx, int w, int h, int want) {
  double cell = sqrt((double)w * h / want);
  if (cell < 1) cell = 1;
  int nx = (int)ceil(w / cell), ny = (int)ceil(h / cell);
  size_t n = 0;
  for (int gy = 0; gy < ny; gy++)
    for (int gx = 0; gx < nx && n < (size_t)want; gx++) {
      int x0 = (int)(gx * cell), x1 = (int)((gx + 1) * cell);
      int y0 = (int)(gy * cell), y1 = (int)((gy + 1) * cell);
      if (x1 > w) x1 = w;
      if (y1 > h) y1 = h;
      if (x1 <= x0 || y1 <= y0) continue;
      uint64_t r = wl__mix64(((uint64_t)gy << 32) | (uint64_t)gx);
      int x = x0 + (int)(r % (uint64_t)(x1 - x0));
      int y = y0 + (int)((r >> 32) % (uint64_t)(y1 - y0));
      idx[n++] = (uint32_t)y * (uint32_t)w + (uint32_t)x;
    }
  qsort(idx, n, sizeof *idx, cmp_u32);
  return n;
}

int wl_preprocess_new(wl_preprocess_t **out, int width, int height,
                      const wl_preprocess_params_t *params,
                      const wl_badpix_t *badpix, wl_err_t *err) {
  *out = NULL;
  int rc = wl_check_size(width, height, "preprocess", err);
  if (rc != WL_OK) return rc;
  wl_preprocess_params_t p;
  if (params)
    p = *params;
  else
    wl_preprocess_default_params(&p);
  if ((rc = check_params(&p, err)) != WL_OK) return rc;
  if (badpix && (badpix->width != width || badpix->height != height))
    return wl_fail(err, WL_EINVAL, "preprocess: the bad-pixel map is %dx%d "
                   "but frames are %dx%d", badpix->width, badpix->height,
                   width, height);
  size_t npx = (size_t)width * (size_t)height;
  if ((size_t)p.samples > npx) p.samples = (int)npx;

  wl_preprocess_t *pp = calloc(1, sizeof *pp);
  if (!pp) return wl_fail(err, WL_ENOMEM, "preprocess: out of memory");
  pp->p = p;
  pp->w = width;
  pp->h = height;
  pp->badpix = badpix;
  size_t ns = (size_t)p.samples, w = (size_t)width, h = (size_t)height;
  pp->pt_index = malloc(ns * sizeof *pp->pt_index);
  pp->pt_val = malloc(ns * sizeof(float));
  pp->pt_last = malloc(ns * sizeof(float));
  pp->pt_ref = malloc(ns * sizeof(float));
  pp->pt_prev = malloc(ns * sizeof(float));
  pp->scratch = malloc(2 * ns * sizeof(float) + 2 * (w + h) * sizeof(float));
  pp->col_prof = malloc(w * sizeof(uint32_t));
  pp->col_rest = malloc(w * sizeof(uint32_t));
  pp->row_sum = malloc(h * sizeof(uint32_t));
  pp->prev_col_prof = malloc(w * sizeof(uint32_t));
  pp->prev_col_rest = malloc(w * sizeof(uint32_t));
  pp->prev_row_sum = malloc(h * sizeof(uint32_t));
  pp->col_ref = malloc(w * sizeof(float));
  pp->row_ref = malloc(h * sizeof(float));
  pp->col_change = malloc(w * sizeof(float));
  pp->row_change = malloc(h * sizeof(float));
  if (!pp->pt_index || !pp->pt_val || !pp->pt_last || !pp->pt_ref ||
      !pp->pt_prev || !pp->scratch || !pp->col_prof || !pp->col_rest ||
      !pp->row_sum || !pp->prev_col_prof || !pp->prev_col_rest ||
      !pp->prev_row_sum || !pp->col_ref || !pp->row_ref ||
      !pp->col_change || !pp->row_change) {
    wl_preprocess_free(pp);
    return wl_fail(err, WL_ENOMEM, "preprocess: out of memory for %dx%d",
                   width, height);
  }
  pp->n_pts = place_points(pp->pt_index, width, height, p.samples);
  pp->since_event = 1L << 30;
  wl_preprocess_reset(pp);
  *out = pp;
  return WL_OK;
}

void wl_preprocess_reset(wl_preprocess_t *pp) {
  pp->have_ref = 0;
  pp->have_last = 0;
  pp->have_prev_full = 0;
  pp->have_prev_pts = 0;
  pp->quiet = 1; /* until measured: the exact test is the safe one */
  pp->repeat_ema = 1.0;
  pp->gain = 1.0;
  pp->offset = 0.0;
  pp->noise = pp->p.min_noise;
  pp->noise_floor = pp->p.min_noise;
  pp->agc8 = 0;
  pp->noise_valid = 0;
  pp->frozen_run = 0;
  pp->frozen_counted = 0;
}

void wl_preprocess_free(wl_preprocess_t *pp) {
  if (!pp) return;
  free(pp->pt_index);
  free(pp->pt_val);
  free(pp->pt_last);
  free(pp->pt_ref);
  free(pp->pt_prev);
  free(pp->scratch);
  free(pp->col_prof);
  free(pp->col_rest);
  free(pp->row_sum);
  free(pp->prev_col_prof);
  free(pp->prev_col_rest);
  free(pp->prev_row_sum);
  free(pp->col_ref);
  free(pp->row_ref);
  free(pp->col_change);
  free(pp->row_change);
  free(pp);
}

unsigned wl_preprocess_ffc_count(const wl_preprocess_t *pp) {
  return pp->ffc_count;
}

size_t wl_preprocess_state_bytes(const wl_preprocess_t *pp) {
  size_t w = (size_t)pp->w, h = (size_t)pp->h, ns = (size_t)pp->p.samples;
  return sizeof *pp + ns * (sizeof(uint32_t) + 4 * sizeof(float)) +
         2 * ns * sizeof(float) + 2 * (w + h) * sizeof(float) +
         (4 * w + 2 * h) * sizeof(uint32_t) + 4 * (w + h) * sizeof(float);
}

/* ---- robust statistics ------------------------------------------------ */

static float median_of(float *v, size_t n) { return wl__select_kth(v, n, n / 2); }

/* Median and 1.4826 x median absolute deviation of v (reorders v). */
static void median_spread(float *v, size_t n, float *med, float *spread) {
  float m = median_of(v, n);
  for (size_t i = 0; i < n; i++) v[i] = fabsf(v[i] - m);
  *med = m;
  *spread = 1.4826f * median_of(v, n);
}

/* Interquartile mean of v: the mean of the values ranked between the
 * first and third quartiles (reorders v). As robust to outliers as the
 * quartiles, and unlike a median not stuck to the integer grid of 8-bit
 * data. */
static double iq_mean(float *v, size_t n) {
  if (n < 4) return n ? median_of(v, n) : 0.0;
  size_t k1 = n / 4, k3 = (3 * n) / 4;
  wl__select_kth(v, n, k1); /* v[k1] in place, smaller ones before it */
  wl__select_kth(v + k1, n - k1, k3 - k1); /* v[k3] in place after v[k1] */
  double s = 0;
  for (size_t i = k1; i <= k3; i++) s += v[i];
  return s / (double)(k3 - k1 + 1);
}

/* Inter-quartile range of v (reorders v). */
static float iqr_of(float *v, size_t n) {
  float q1 = wl__select_kth(v, n, n / 4);
  float q3 = wl__select_kth(v, n, (3 * n) / 4);
  return q3 - q1;
}

/* ---- sums ------------------------------------------------------------- */

/* Column sums and row sums over the profile rows (y % PROFILE_STEP == 0;
 * rest == 0) or over all the other rows (rest == 1). Blocks of BLOCK
 * pixels keep the inner trip count fixed so that GCC vectorises them;
 * integer sums, so every clone (WL__CLONES) gives the same. */
WL__CLONES
static void sum_rows(const uint16_t *px, int w, int h, int rest,
                     uint32_t *col, uint32_t *row) {
  memset(col, 0, (size_t)w * sizeof *col);
  size_t step = (size_t)PROFILE_STEP * (size_t)w;
  for (int y = 0; y < h; y++) {
    if ((y % PROFILE_STEP == 0) == rest) continue;
    const uint16_t *r = px + (size_t)y * (size_t)w;
    /* The next profile row is PROFILE_STEP rows on: a stride the hardware
     * prefetcher does not follow, so ask for it while this one is summed
     * (the frame usually comes from main memory), and for the one after
     * it into L2: two rows in flight, without holding up the L1 fill
     * buffers the next row needs first. */
    if (!rest && y + PROFILE_STEP < h) wl__prefetch_row(r + step, w);
    if (!rest && y + 2 * PROFILE_STEP < h)
      wl__prefetch_row_l2(r + 2 * step, w);
    uint32_t s = 0;
    int x = 0;
    for (; x + BLOCK <= w; x += BLOCK) {
      uint32_t bs = 0;
      for (int j = 0; j < BLOCK; j++) {
        col[x + j] += r[x + j];
        bs += r[x + j];
      }
      s += bs;
    }
    for (; x < w; x++) {
      col[x] += r[x];
      s += r[x];
    }
    row[y] = s;
  }
}

/* Every entry of a within tol * per of b's. */
static int sums_close(const uint32_t *a, const uint32_t *b, int n,
                      uint32_t slack) {
  for (int i = 0; i < n; i++) {
    uint32_t d = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    if (d > slack) return 0;
  }
  return 1;
}

static void swap_u32(uint32_t **a, uint32_t **b) {
  uint32_t *t = *a;
  *a = *b;
  *b = t;
}

/* ---- per-frame tests -------------------------------------------------- */

/* Fraction of points whose value repeats the previous frame's exactly,
 * and (into *close) within freeze_tol. */
static double repeated_points(const wl_preprocess_t *pp, double *close) {
  size_t eq = 0, near = 0;
  float tol = (float)pp->p.freeze_tol;
  for (size_t i = 0; i < pp->n_pts; i++) {
    float d = fabsf(pp->pt_val[i] - pp->pt_last[i]);
    eq += d == 0.0f;
    near += d <= tol;
  }
  *close = (double)near / (double)pp->n_pts;
  return (double)eq / (double)pp->n_pts;
}

/* Blank: the points have lost (almost) all the spread the reference has.
 * Only decidable when the reference has structure well above noise. Uses
 * an even subset of BLANK_POINTS points. */
static int frame_is_blank(wl_preprocess_t *pp) {
  size_t step = pp->n_pts / BLANK_POINTS ? pp->n_pts / BLANK_POINTS : 1;
  float *a = pp->scratch, *b = pp->scratch + pp->n_pts;
  size_t n = 0;
  for (size_t i = 0; i < pp->n_pts; i += step, n++) {
    a[n] = pp->pt_ref[i];
    b[n] = pp->pt_val[i];
  }
  float ref_iqr = iqr_of(a, n);
  if (ref_iqr < 8.0f * (float)pp->noise) return 0;
  return iqr_of(b, n) < (float)(pp->p.blank_ratio * pp->gain) * ref_iqr;
}

/* Before any reference exists, a frame whose points are all equal (all
 * zero, saturated, a test pattern) is blank: it must not become the
 * reference. */
static int points_constant(const wl_preprocess_t *pp) {
  for (size_t i = 1; i < pp->n_pts; i++)
    if (pp->pt_val[i] != pp->pt_val[0]) return 0;
  return 1;
}

/* Gain by the two-group slope: interquartile means of value and
 * reference over the points in the lowest and highest thirds of the
 * reference. Returns the previous gain when the reference has too little
 * spread to tell. */
static double estimate_gain(wl_preprocess_t *pp) {
  size_t n = pp->n_pts;
  if (n < 9) return pp->gain;
  float *a = pp->scratch, *b = pp->scratch + n;
  memcpy(a, pp->pt_ref, n * sizeof *a);
  float t1 = wl__select_kth(a, n, n / 3);
  float t2 = wl__select_kth(a, n, (2 * n) / 3);
  if (!(t2 - t1 > 4.0f * (float)pp->noise)) return pp->gain;
  size_t nl = 0, nh = 0;
  for (size_t i = 0; i < n; i++) {
    if (pp->pt_ref[i] <= t1)
      a[nl++] = pp->pt_val[i];
    else if (pp->pt_ref[i] >= t2)
      b[nh++] = pp->pt_val[i];
  }
  if (nl < 3 || nh < 3) return pp->gain;
  double vl = iq_mean(a, nl), vh = iq_mean(b, nh);
  nl = nh = 0;
  for (size_t i = 0; i < n; i++) {
    if (pp->pt_ref[i] <= t1)
      a[nl++] = pp->pt_ref[i];
    else if (pp->pt_ref[i] >= t2)
      b[nh++] = pp->pt_ref[i];
  }
  double rl = iq_mean(a, nl), rh = iq_mean(b, nh);
  if (!(rh - rl > 4.0 * pp->noise)) return pp->gain;
  double g = (vh - vl) / (rh - rl);
  if (!(g >= GAIN_MIN)) g = GAIN_MIN; /* also catches NaN */
  if (g > GAIN_MAX) g = GAIN_MAX;
  return g;
}

static double estimate_offset(wl_preprocess_t *pp, double gain) {
  float *a = pp->scratch;
  for (size_t i = 0; i < pp->n_pts; i++)
    a[i] = pp->pt_val[i] - (float)gain * pp->pt_ref[i];
  return median_of(a, pp->n_pts);
}

/* The points' instantaneous noise sigma: median |frame-to-frame change|
 * / 0.9539 (Gaussian noise), after the global map; -1 without a previous
 * usable frame. For 8-bit AGC video at least AGC8_REF_FACTOR x the
 * Gaussian sigma of the deviation from the slow point references
 * (median / 0.6745): compressed video repeats most pixels between
 * consecutive frames, so the frame-to-frame change misses the slower
 * flicker that a background model does see. */
static double instant_noise(wl_preprocess_t *pp, double gain,
                            double offset) {
  if (!pp->have_prev_pts) return -1.0;
  float *a = pp->scratch;
  float ig = (float)(1.0 / gain), off = (float)offset;
  for (size_t i = 0; i < pp->n_pts; i++)
    a[i] = fabsf((pp->pt_val[i] - off) * ig - pp->pt_prev[i]);
  double sigma = median_of(a, pp->n_pts) / 0.9539;
  if (pp->agc8) {
    for (size_t i = 0; i < pp->n_pts; i++)
      a[i] = fabsf((pp->pt_val[i] - off) * ig - pp->pt_ref[i]);
    double ref_sigma =
        AGC8_REF_FACTOR * median_of(a, pp->n_pts) / 0.6745;
    if (ref_sigma > sigma) sigma = ref_sigma;
  }
  return sigma;
}

/* Smooth the noise estimate (the first measurement is taken as is). */
static void learn_noise(wl_preprocess_t *pp, double inst) {
  if (inst < 0) return;
  if (!pp->noise_valid) {
    pp->noise = inst;
    pp->noise_valid = 1;
  } else {
    pp->noise += pp->p.noise_rate * (inst - pp->noise);
  }
  if (pp->noise < pp->noise_floor) pp->noise = pp->noise_floor;
}

static void keep_points(wl_preprocess_t *pp, double gain, double offset) {
  float ig = (float)(1.0 / gain), off = (float)offset;
  for (size_t i = 0; i < pp->n_pts; i++)
    pp->pt_prev[i] = (pp->pt_val[i] - off) * ig;
  pp->have_prev_pts = 1;
}

/* Number of profile rows. */
static int profile_rows(int h) {
  return (h + PROFILE_STEP - 1) / PROFILE_STEP;
}

/* Compensated profile changes (columns over the profile rows; the profile
 * rows) against the reference profiles. */
static void profile_changes(wl_preprocess_t *pp, double gain,
                            double offset) {
  int w = pp->w, h = pp->h, ne = profile_rows(h);
  double ig = 1.0 / gain;
  for (int x = 0; x < w; x++)
    pp->col_change[x] =
        (float)(((double)pp->col_prof[x] / ne - offset) * ig) -
        pp->col_ref[x];
  for (int y = 0; y < h; y += PROFILE_STEP)
    pp->row_change[y] =
        (float)(((double)pp->row_sum[y] / w - offset) * ig) - pp->row_ref[y];
}

/* The profile changes and their robust spreads; returns 1 when the fixed
 * pattern stepped, in which case the references take the new pattern at
 * once. */
static int profile_step(wl_preprocess_t *pp, double gain, double offset,
                        wl_preprocess_result_t *res) {
  int w = pp->w, h = pp->h, ne = profile_rows(h);
  float *a = pp->scratch;
  float med_c = 0, med_r = 0, sc = 0, sr = 0;
  size_t nc = 0, nr = 0;
  profile_changes(pp, gain, offset);
  for (int x = 0; x < w; x++) a[nc++] = pp->col_change[x];
  if (nc >= 8) median_spread(a, nc, &med_c, &sc);
  for (int y = 0; y < h; y += PROFILE_STEP) a[nr++] = pp->row_change[y];
  if (nr >= 8) median_spread(a, nr, &med_r, &sr);
  res->col_spread = sc;
  res->row_spread = sr;
  double sigma = pp->noise;
  double thr_c = pp->p.step_k * sigma / sqrt((double)ne);
  double thr_r = pp->p.step_k * sigma / sqrt((double)w);
  double floor_ = pp->p.step_min_sigma * sigma;
  if (thr_c < floor_) thr_c = floor_;
  if (thr_r < floor_) thr_r = floor_;
  int step = (nc >= 8 && sc > thr_c) || (nr >= 8 && sr > thr_r);
  if (step) {
    for (int x = 0; x < w; x++) pp->col_ref[x] += pp->col_change[x];
    for (int y = 0; y < h; y += PROFILE_STEP)
      pp->row_ref[y] += pp->row_change[y];
    /* Points between profile rows take the change of the profile row
     * above them, linearly blended with the one below. */
    for (size_t i = 0; i < pp->n_pts; i++) {
      int x = (int)(pp->pt_index[i] % (uint32_t)w);
      int y = (int)(pp->pt_index[i] / (uint32_t)w);
      int y0 = y - y % PROFILE_STEP, y1 = y0 + PROFILE_STEP;
      float rc = pp->row_change[y0];
      if (y1 < h) {
        float frac = (float)(y - y0) / PROFILE_STEP;
        rc += frac * (pp->row_change[y1] - rc);
      }
      pp->pt_ref[i] += (pp->col_change[x] - med_c) + (rc - med_r);
    }
  }
  return step;
}

static void update_references(wl_preprocess_t *pp, double gain,
                              double offset) {
  float rate = (float)pp->p.ref_rate;
  float ig = (float)(1.0 / gain), off = (float)offset;
  float clamp = 4.0f * (float)pp->noise;
  for (size_t i = 0; i < pp->n_pts; i++) {
    float innov = (pp->pt_val[i] - off) * ig - pp->pt_ref[i];
    if (innov > clamp) innov = clamp;
    if (innov < -clamp) innov = -clamp;
    pp->pt_ref[i] += rate * innov;
  }
  for (int x = 0; x < pp->w; x++) pp->col_ref[x] += rate * pp->col_change[x];
  for (int y = 0; y < pp->h; y += PROFILE_STEP)
    pp->row_ref[y] += rate * pp->row_change[y];
}

static void init_references(wl_preprocess_t *pp) {
  int ne = profile_rows(pp->h);
  memcpy(pp->pt_ref, pp->pt_val, pp->n_pts * sizeof *pp->pt_ref);
  for (int x = 0; x < pp->w; x++)
    pp->col_ref[x] = (float)((double)pp->col_prof[x] / ne);
  for (int y = 0; y < pp->h; y += PROFILE_STEP)
    pp->row_ref[y] = (float)((double)pp->row_sum[y] / pp->w);
  keep_points(pp, 1.0, 0.0);
  pp->have_ref = 1;
  pp->gain = 1.0;
  pp->offset = 0.0;
}

/* Frozen-run bookkeeping: count a run once it is long enough. */
static void track_frozen(wl_preprocess_t *pp, int frozen,
                         wl_preprocess_result_t *res) {
  if (frozen) {
    pp->frozen_run++;
    if (!pp->frozen_counted && pp->frozen_run >= pp->p.ffc_min_frozen) {
      pp->frozen_counted = 1;
      pp->ffc_count++;
      res->ffc_event = 1;
    }
    return;
  }
  if (pp->frozen_counted) pp->since_event = 0;
  pp->frozen_run = 0;
  pp->frozen_counted = 0;
  if (pp->since_event < (1L << 30)) pp->since_event++;
}

/* Frozen test and the quiet-source bookkeeping. Needs pt_val and the
 * profile sums; sums the other rows itself when the source is quiet. */
static int frozen_test(wl_preprocess_t *pp, const uint16_t *px) {
  int full = pp->quiet;
  if (full) sum_rows(px, pp->w, pp->h, 1, pp->col_rest, pp->row_sum);
  if (!pp->have_last) {
    pp->have_prev_full = full;
    return 0;
  }
  double close, repeated = repeated_points(pp, &close);
  int frozen = close >= FROZEN_FRACTION;
  if (frozen && full && pp->have_prev_full) {
    uint32_t tol = (uint32_t)pp->p.freeze_tol;
    int ne = profile_rows(pp->h), no = pp->h - ne;
    frozen = sums_close(pp->col_prof, pp->prev_col_prof, pp->w,
                        tol * (uint32_t)ne) &&
             sums_close(pp->col_rest, pp->prev_col_rest, pp->w,
                        tol * (uint32_t)no) &&
             sums_close(pp->row_sum, pp->prev_row_sum, pp->h,
                        tol * (uint32_t)pp->w);
  }
  pp->have_prev_full = full;
  if (!frozen) {
    pp->repeat_ema += (repeated - pp->repeat_ema) / 16.0;
    if (pp->quiet && pp->repeat_ema < QUIET_LEAVE) pp->quiet = 0;
    if (!pp->quiet && pp->repeat_ema > QUIET_ENTER) pp->quiet = 1;
  }
  return frozen;
}

/* 8-bit AGC video or not (decided per frame: the source is known only
 * from its frames), and the noise floor that follows. */
static void set_source_kind(wl_preprocess_t *pp, const wl_frame_t *frame) {
  pp->agc8 = frame->bit_depth <= 8 && !frame->radiometry.radiometric;
  pp->noise_floor = pp->p.min_noise;
  if (pp->agc8 && pp->noise_floor < AGC8_MIN_NOISE)
    pp->noise_floor = AGC8_MIN_NOISE;
  if (pp->noise < pp->noise_floor) pp->noise = pp->noise_floor;
}

/* The steps of a usable frame after the first: gain, offset, the
 * fixed-pattern test, then noise and reference learning. */
static void analyse_usable(wl_preprocess_t *pp, const wl_frame_t *frame,
                           wl_preprocess_result_t *res) {
  int use_gain = pp->p.gain_mode == WL_GAIN_ON ||
                 (pp->p.gain_mode == WL_GAIN_AUTO &&
                  !frame->radiometry.radiometric);
  double gain = use_gain ? estimate_gain(pp) : 1.0;
  double offset = estimate_offset(pp, gain);
  double inst = instant_noise(pp, gain, offset);
  /* The very first measurement is needed by the step test itself. */
  if (!pp->noise_valid) learn_noise(pp, inst);
  /* 8-bit AGC video: a step counts only right after a frozen run. */
  int step_allowed = !pp->agc8 || pp->since_event <= pp->p.ffc_step_window;
  if (step_allowed && profile_step(pp, gain, offset, res)) {
    res->ffc_step = 1;
    if (pp->since_event > pp->p.ffc_step_window) {
      pp->ffc_count++;
      res->ffc_event = 1;
    }
    pp->since_event = 1L << 30; /* one event per frozen run */
    /* This frame-to-frame change includes the step: not noise. */
  } else {
    /* Without the step test (8-bit AGC video between FFC freezes) the
     * profile changes that the references learn are still needed. */
    if (!step_allowed) profile_changes(pp, gain, offset);
    learn_noise(pp, inst);
    update_references(pp, gain, offset);
  }
  keep_points(pp, gain, offset);
  pp->gain = gain;
  pp->offset = offset;
}

int wl_preprocess_frame(wl_preprocess_t *pp, wl_frame_t *frame,
                        wl_preprocess_result_t *res, wl_err_t *err) {
  memset(res, 0, sizeof *res);
  res->gain = pp->gain;
  res->offset = pp->offset;
  res->noise = pp->noise;
  res->ffc_count = pp->ffc_count;
  if (frame->width != pp->w || frame->height != pp->h || !frame->data)
    return wl_fail(err, WL_EINVAL, "preprocess: frame %llu is %dx%d but "
                   "this preprocessor takes %dx%d frames (the size changed "
                   "mid-stream)", (unsigned long long)frame->seq,
                   frame->width, frame->height, pp->w, pp->h);
  if (pp->badpix) {
    int rc = wl_badpix_apply(pp->badpix, frame, err);
    if (rc != WL_OK) return rc;
  }
  set_source_kind(pp, frame);
  const uint16_t *px = frame->data;
  for (size_t i = 0; i < pp->n_pts; i++)
    pp->pt_val[i] = px[pp->pt_index[i]];
  sum_rows(px, pp->w, pp->h, 0, pp->col_prof, pp->row_sum);
  res->frozen = frozen_test(pp, px);
  res->blank = pp->have_ref ? frame_is_blank(pp) : points_constant(pp);
  track_frozen(pp, res->frozen && !res->blank, res);
  if (!res->frozen && !res->blank) {
    res->usable = 1;
    if (!pp->have_ref) {
      init_references(pp);
      res->first = 1;
    } else {
      analyse_usable(pp, frame, res);
    }
  }
  /* This frame becomes the previous one. */
  memcpy(pp->pt_last, pp->pt_val, pp->n_pts * sizeof *pp->pt_last);
  pp->have_last = 1;
  swap_u32(&pp->col_prof, &pp->prev_col_prof);
  swap_u32(&pp->col_rest, &pp->prev_col_rest);
  swap_u32(&pp->row_sum, &pp->prev_row_sum);
  res->gain = pp->gain;
  res->offset = pp->offset;
  res->noise = pp->noise;
  res->ffc_count = pp->ffc_count;
  return WL_OK;
}
