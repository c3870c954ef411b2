/*
 * motion.c - the temporal detector: per-pixel background model, FFC
 * re-anchoring, and foreground components from sparse runs (motion.h).
 *
 * Per usable frame:
 *   1. map the preprocessor's gain/offset/noise into kernel parameters
 *      (internal units: DN << shift);
 *   2. on a fixed-pattern step, re-anchor: add the robust (clamped) column
 *      and row means of f' - mu to mu, then learn faster for a while;
 *   3. one pass over the rows: every row is tested; rows with
 *      (y + frame) % update_stride == 0 are also learned (the learning
 *      rates are scaled so time constants stay in frames);
 *   4. the component stage (motion_blobs.c) turns the sparse foreground
 *      into detections (during the warm-up, from early_frames on, only
 *      strong ones that are not a start-up target's trail: early_filter);
 *   5. in the first spot_frames usable frames, the warm-up spots
 *      (motion_warm.c) are appended: warm_detections.
 *
 * Memory (all allocated in wl_motion_new, fixed afterwards): mu and thr
 * (2 + 2 bytes per pixel), the mask (1), the per-block activity flags
 * (1 per 64 pixels), runs (16 bytes each, at most max(4096, pixels/32),
 * i.e. 0.5 byte per pixel), the components (max_components entries), a
 * dither row and column/row accumulators: about 5.6 bytes per pixel plus a
 * constant (wl_motion_state_bytes reports the exact figure).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hash_int.h"
#include "../core/prefetch_int.h"
#include "motion_int.h"
#include "watchline/motion.h"

void wl_motion_default_params(wl_motion_params_t *p) {
  p->k_sigma = 3.5;
  p->min_snr = 4.5;
  p->min_area = 1;
  p->warmup_frames = 25;
  p->early_frames = 8;
  p->early_min_snr = 10.0;
  p->early_max_size = 24.0;
  p->spot_frames = 25;
  p->spot_min_snr = 8.0;
  p->spot_inner = 3;
  p->spot_outer = 5;
  p->spot_max_fg = 0.25;
  p->mu_shift = 6;
  p->absorb_shift = 11;
  p->residue_shift = 8;
  p->thr_shift = 7;
  p->thr_flicker_shift = 5;
  p->update_stride = 4;
  p->relearn_frames = 15;
  p->max_fg_fraction = 0.2;
  p->max_components = 2048;
  p->noise_dn = 0.0;
  p->box_frac = 0.35;
  p->merge_gap = 0;
  p->ghost_ratio = 0.5;
  p->jitter_test = 1;
  p->edge_psf_spill = 0.135;
  p->split_aspect = 0.4;
  p->split_valley = 0.6;
  p->person_px = NULL;
}

static int is_pow2_upto(int v, int max) {
  return v >= 1 && v <= max && (v & (v - 1)) == 0;
}

static int check_params(const wl_motion_params_t *p, wl_err_t *err) {
  if (!(p->k_sigma >= 1.0 && p->k_sigma <= 12.0))
    return wl_fail(err, WL_EINVAL, "motion: k_sigma %g is outside 1..12",
                   p->k_sigma);
  if (!(p->min_snr >= 0.0 && p->min_snr < 1e6))
    return wl_fail(err, WL_EINVAL, "motion: min_snr %g is negative",
                   p->min_snr);
  if (p->min_area < 1 || p->min_area > 1000000)
    return wl_fail(err, WL_EINVAL, "motion: min_area %d is outside "
                   "1..1000000", p->min_area);
  if (p->warmup_frames < 1 || p->warmup_frames > 100000)
    return wl_fail(err, WL_EINVAL, "motion: warmup_frames %d is outside "
                   "1..100000", p->warmup_frames);
  if (p->early_frames < 0 || p->early_frames > 100000 ||
      !(p->early_min_snr >= 0.0 && p->early_min_snr < 1e6) ||
      !(p->early_max_size >= 1.0 && p->early_max_size <= 65535.0))
    return wl_fail(err, WL_EINVAL, "motion: early_frames %d must be in "
                   "0..100000, early_min_snr %g in 0..1e6 and "
                   "early_max_size %g in 1..65535", p->early_frames,
                   p->early_min_snr, p->early_max_size);
  if (p->spot_frames < 0 || p->spot_frames > 100000 ||
      !(p->spot_min_snr >= 1.0 && p->spot_min_snr < 1e6) ||
      p->spot_inner < 0 || p->spot_inner > WL__MOTION_SPOT_MAX_INNER ||
      p->spot_outer <= p->spot_inner || p->spot_outer > 32 ||
      !(p->spot_max_fg >= 0.0 && p->spot_max_fg <= 1.0))
    return wl_fail(err, WL_EINVAL, "motion: spot_frames %d must be in "
                   "0..100000, spot_min_snr %g in 1..1e6 and 0 <= spot_inner "
                   "%d <= 7, spot_inner < spot_outer %d <= 32, spot_max_fg %g "
                   "in 0..1", p->spot_frames,
                   p->spot_min_snr, p->spot_inner, p->spot_outer,
                   p->spot_max_fg);
  if (p->mu_shift < 1 || p->mu_shift > 14 || p->absorb_shift < 1 ||
      p->absorb_shift > 14 || p->residue_shift < 1 ||
      p->residue_shift > 14 || p->thr_shift < 1 || p->thr_shift > 14 ||
      p->thr_flicker_shift < 1 || p->thr_flicker_shift > 14)
    return wl_fail(err, WL_EINVAL, "motion: mu_shift %d, absorb_shift %d, "
                   "residue_shift %d, thr_shift %d and thr_flicker_shift %d "
                   "must be in 1..14", p->mu_shift, p->absorb_shift,
                   p->residue_shift, p->thr_shift, p->thr_flicker_shift);
  if (!is_pow2_upto(p->update_stride, 8))
    return wl_fail(err, WL_EINVAL, "motion: update_stride %d is not 1, 2, "
                   "4 or 8", p->update_stride);
  if (p->relearn_frames < 0 || p->relearn_frames > 100000)
    return wl_fail(err, WL_EINVAL, "motion: relearn_frames %d is outside "
                   "0..100000", p->relearn_frames);
  if (!(p->max_fg_fraction > 0.0 && p->max_fg_fraction <= 1.0))
    return wl_fail(err, WL_EINVAL, "motion: max_fg_fraction %g is outside "
                   "(0, 1]", p->max_fg_fraction);
  if (p->max_components < 1 || p->max_components > 1000000)
    return wl_fail(err, WL_EINVAL, "motion: max_components %d is outside "
                   "1..1000000", p->max_components);
  if (!(p->box_frac >= 0.0 && p->box_frac <= 1.0) ||
      !(p->ghost_ratio >= 0.0 && p->ghost_ratio <= 1.0))
    return wl_fail(err, WL_EINVAL, "motion: box_frac %g and ghost_ratio %g "
                   "must be in 0..1", p->box_frac, p->ghost_ratio);
  if (p->merge_gap < -1 || p->merge_gap > 100)
    return wl_fail(err, WL_EINVAL, "motion: merge_gap %d is outside -1..100",
                   p->merge_gap);
  if (!(p->split_aspect >= 0.0 && p->split_aspect <= 1000.0) ||
      !(p->split_valley >= 0.0 && p->split_valley <= 1.0))
    return wl_fail(err, WL_EINVAL, "motion: split_aspect %g must be in "
                   "0..1000 and split_valley %g in 0..1", p->split_aspect,
                   p->split_valley);
  if (!(p->edge_psf_spill >= 0.0 && p->edge_psf_spill <= 0.5))
    return wl_fail(err, WL_EINVAL, "motion: edge_psf_spill %g is outside "
                   "0..0.5", p->edge_psf_spill);
  if (p->jitter_test != 0 && p->jitter_test != 1)
    return wl_fail(err, WL_EINVAL, "motion: jitter_test %d is not 0 or 1",
                   p->jitter_test);
  if (!(p->noise_dn >= 0.0 && p->noise_dn < 65536.0))
    return wl_fail(err, WL_EINVAL, "motion: noise_dn %g is outside "
                   "0..65535", p->noise_dn);
  return WL_OK;
}

int wl_motion_new(wl_motion_t **out, int width, int height,
                  const wl_motion_params_t *params, wl_err_t *err) {
  *out = NULL;
  int rc = wl_check_size(width, height, "motion", err);
  if (rc != WL_OK) return rc;
  if (width > 65535 || height > 65535)
    return wl_fail(err, WL_ETOOBIG, "motion: %dx%d frames exceed 65535 "
                   "pixels per side", width, height);
  wl_motion_params_t p;
  if (params)
    p = *params;
  else
    wl_motion_default_params(&p);
  if ((rc = check_params(&p, err)) != WL_OK) return rc;

  wl_motion_t *m = calloc(1, sizeof *m);
  if (!m) return wl_fail(err, WL_ENOMEM, "motion: out of memory");
  m->p = p;
  m->w = width;
  m->h = height;
  m->blocks_per_row = (width + WL__MOTION_BLOCK - 1) / WL__MOTION_BLOCK;
  size_t npx = (size_t)width * (size_t)height;
  m->cap_runs = npx / 32 > 4096 ? npx / 32 : 4096;
  m->mu = malloc(npx * sizeof *m->mu);
  m->thr = malloc(npx * sizeof *m->thr);
  m->mask = calloc(npx, 1);
  m->active = calloc((size_t)height * (size_t)m->blocks_per_row, 1);
  m->rnd = malloc(((size_t)width + 64) * sizeof *m->rnd);
  m->runs = malloc(m->cap_runs * sizeof *m->runs);
  m->parent = malloc(m->cap_runs * sizeof *m->parent);
  m->comp_of = malloc(m->cap_runs * sizeof *m->comp_of);
  m->comps = malloc((size_t)p.max_components * sizeof *m->comps);
  m->col_acc = malloc((size_t)width * sizeof *m->col_acc);
  m->row_acc = malloc((size_t)height * sizeof *m->row_acc);
  if (!m->mu || !m->thr || !m->mask || !m->active || !m->rnd || !m->runs ||
      !m->parent || !m->comp_of || !m->comps || !m->col_acc ||
      !m->row_acc) {
    wl_motion_free(m);
    return wl_fail(err, WL_ENOMEM, "motion: out of memory for %dx%d frames",
                   width, height);
  }
  uint64_t s = 0x5eed;
  for (int i = 0; i < width + 64; i++) {
    s = wl__mix64(s);
    m->rnd[i] = (uint16_t)(s >> 24);
  }
  *out = m;
  return WL_OK;
}

void wl_motion_free(wl_motion_t *m) {
  if (!m) return;
  free(m->mu);
  free(m->thr);
  free(m->mask);
  free(m->active);
  free(m->rnd);
  free(m->runs);
  free(m->parent);
  free(m->comp_of);
  free(m->comps);
  free(m->col_acc);
  free(m->row_acc);
  free(m);
}

void wl_motion_reset(wl_motion_t *m) {
  m->initialised = 0;
  m->frames = 0;
  m->relearn_left = 0;
}

size_t wl_motion_state_bytes(const wl_motion_t *m) {
  size_t npx = (size_t)m->w * (size_t)m->h;
  return sizeof *m + npx * (2 * sizeof(uint16_t) + 1) +
         (size_t)m->h * (size_t)m->blocks_per_row +
         ((size_t)m->w + 64) * sizeof(uint16_t) +
         m->cap_runs * (sizeof(wl__motion_run_t) + 2 * sizeof(int32_t)) +
         (size_t)m->p.max_components * sizeof(wl__motion_comp_t) +
         ((size_t)m->w + (size_t)m->h) * sizeof(double);
}

const uint8_t *wl_motion_mask(const wl_motion_t *m) { return m->mask; }

void wl_motion_stats(const wl_motion_t *m, wl_motion_stats_t *st) {
  *st = m->st;
}

/* ---- parameters per frame -------------------------------------------- */

static int ilog2(int v) {
  int r = 0;
  while (v > 1) {
    v >>= 1;
    r++;
  }
  return r;
}

/* Internal units: keep 8..15-bit data's sub-DN precision in 16 bits. */
static int shift_for_depth(int bit_depth) {
  if (bit_depth < 8 || bit_depth > 16) return 0;
  return 16 - bit_depth;
}

static int clamp_int(double v, int lo, int hi) {
  if (!(v >= lo)) return lo; /* also NaN */
  if (v > hi) return hi;
  return (int)lround(v);
}

/* Kernel parameters for this frame. `rate_shift` is the per-frame learning
 * shift of background pixels; the per-update shifts subtract
 * log2(stride) because each pixel is learned once per `stride` frames.
 * scale_thr: a faster rate speeds thr up only as much as mu
 * (ffc_relearn_scales_thr), not to mu's own rate. */
static void kernel_params(const wl_motion_t *m, double gain, double offset,
                          double noise, int rate_shift, int stride,
                          int selective, int scale_thr,
                          wl__motion_kparams_t *kp) {
  double scale = (double)(1 << m->shift);
  int ls = ilog2(stride);
  kp->shift = m->shift;
  kp->gain_q12 = clamp_int(4096.0 / gain, 512, 32767);
  kp->offset = clamp_int(offset / gain * scale, -(1 << 20), 1 << 20);
  kp->floor_thr = clamp_int(m->p.k_sigma * noise * scale, 1, 65535);
  kp->thr_gain_q4 = clamp_int(16.0 * m->p.k_sigma * 1.2533, 16, 255);
  int mb = rate_shift - ls, mf = m->p.absorb_shift - ls;
  int mw = m->p.residue_shift - ls;
  kp->mu_shift_weak = mw < 1 ? 1 : mw;
  int mt = m->p.thr_shift - ls;
  kp->mu_shift_bg = mb < 1 ? 1 : mb;
  kp->mu_shift_fg = mf < 1 ? 1 : mf;
  /* During warm-up and relearning thr learns as fast as mu; after an FFC
   * step in a mature model only as much faster than usual as mu
   * (ffc_relearn_scales_thr). */
  if (rate_shift < m->p.mu_shift && mt > mb) {
    int faster = mt - (m->p.mu_shift - rate_shift);
    mt = scale_thr && faster > mb ? faster : mb;
  }
  kp->thr_shift = mt < 1 ? 1 : mt;
  int mtf = m->p.thr_flicker_shift - ls;
  kp->thr_flicker_shift = mtf < 1 ? 1 : mtf;
  kp->selective = selective ? -1 : 0;
  kp->thr_cap = selective ? 65535 : clamp_int(4.0 * kp->floor_thr, 1, 65535);
}

/* ---- model passes ---------------------------------------------------- */

static void init_model(wl_motion_t *m, const wl_frame_t *frame,
                       const wl__motion_kparams_t *kp, int use_gain) {
  size_t npx = (size_t)m->w * (size_t)m->h;
  uint16_t t0 = (uint16_t)kp->floor_thr;
  for (size_t i = 0; i < npx; i++) {
    int v = wl__motion_ref_value(frame->data[i], kp, use_gain);
    m->mu[i] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
    m->thr[i] = t0;
  }
  memset(m->mask, 0, npx);
  memset(m->active, 0, (size_t)m->h * (size_t)m->blocks_per_row);
  m->initialised = 1;
  m->frames = 1;
}

/*
 * Re-anchor after a fixed-pattern step: the new column and row offsets of
 * f' - mu, estimated with differences clamped to +-clamp (so that objects
 * bias them little), are added to mu. Two rounds: the second refines with
 * a tighter clamp around the first estimate.
 */
static void reanchor(wl_motion_t *m, const wl_frame_t *frame,
                     const wl__motion_kparams_t *kp, int use_gain,
                     double noise_int) {
  int w = m->w, h = m->h;
  double clamps[2] = {8.0 * noise_int, 3.0 * noise_int};
  for (int round = 0; round < 2; round++) {
    double c = clamps[round] < 2.0 ? 2.0 : clamps[round];
    memset(m->col_acc, 0, (size_t)w * sizeof *m->col_acc);
    for (int y = 0; y < h; y++) {
      const uint16_t *f = frame->data + (size_t)y * w;
      const uint16_t *mu = m->mu + (size_t)y * w;
      for (int x = 0; x < w; x++) {
        double d = wl__motion_ref_value(f[x], kp, use_gain) - (double)mu[x];
        m->col_acc[x] += d < -c ? -c : d > c ? c : d;
      }
    }
    for (int x = 0; x < w; x++) m->col_acc[x] /= h;
    for (int y = 0; y < h; y++) {
      const uint16_t *f = frame->data + (size_t)y * w;
      const uint16_t *mu = m->mu + (size_t)y * w;
      double s = 0;
      for (int x = 0; x < w; x++) {
        double d = wl__motion_ref_value(f[x], kp, use_gain) - (double)mu[x] -
                   m->col_acc[x];
        s += d < -c ? -c : d > c ? c : d;
      }
      m->row_acc[y] = s / w;
    }
    for (int y = 0; y < h; y++) {
      uint16_t *mu = m->mu + (size_t)y * w;
      for (int x = 0; x < w; x++) {
        long v = lround((double)mu[x] + m->col_acc[x] + m->row_acc[y]);
        mu[x] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
      }
    }
  }
}

/*
 * FFC relearn: does thr speed up only as much as mu (4x: 2^-(thr_shift-2)
 * instead of 2^-thr_shift per frame), rather than learn as fast as mu
 * (2^-(mu_shift-2), a quarter of each new |d| per update)? An FFC changes
 * the fixed pattern, which reanchor() moves mu by, not how much each
 * pixel varies, so a learned thr is still about right afterwards. Learned
 * as fast as mu, thr became a one- or two-sample estimate: many pixels of
 * shimmer and bushes came out far below their spread, and for the 2-3 s
 * that thr then took to recover they gave false detections (on 5-min
 * nuisance runs 1.5-2 times the usual foreground components from 15 to
 * about 90 frames after an FFC). Still 4x faster rather than the normal
 * rate: standing animals, partly learned into mu, were lost more often
 * at the normal rate (docs/DETECTION.md, tuning log). A young model's
 * thresholds are still far from learned (the warm-up caps them at a few
 * noise floors), and there the fast relearn helps them on: so only once
 * the model is older than the warm-up plus two threshold time constants
 * (2 x 2^thr_shift frames). Only the selective relearn after an FFC
 * step, not the one after a scene change.
 */
static int ffc_relearn_scales_thr(const wl_motion_t *m) {
  uint64_t mature =
      (uint64_t)m->p.warmup_frames + ((uint64_t)2 << m->p.thr_shift);
  return m->relearn_selective && m->frames > mature;
}

/* The frame row PREFETCH_ROWS below the one being tested is requested
 * ahead: a new frame is usually in main memory (the model, 5 bytes per
 * pixel, mostly stays in L2), and the hint hides part of the latency the
 * hardware prefetcher leaves. A hint only: results do not depend on it. */
#define PREFETCH_ROWS 2

/* One pass over all rows; returns the number of foreground pixels. */
static size_t model_pass(wl_motion_t *m, const wl_frame_t *frame,
                         const wl__motion_kparams_t *kp, int use_gain,
                         int stride) {
  int w = m->w;
  size_t total = 0;
  uint64_t fr = m->frames;
  for (int y = 0; y < m->h; y++) {
    size_t o = (size_t)y * (size_t)w;
    uint8_t *act = m->active + (size_t)y * (size_t)m->blocks_per_row;
    if (y + PREFETCH_ROWS < m->h)
      wl__prefetch_row(frame->data + o + (size_t)PREFETCH_ROWS * (size_t)w, w);
    if (((uint64_t)y + fr) % (uint64_t)stride == 0) {
      uint64_t r = wl__mix64(fr * 0x10001ULL + (uint64_t)y);
      const uint16_t *rnd = m->rnd + (r & 63);
      uint16_t salt = (uint16_t)(r >> 32);
      if (use_gain)
        total += (size_t)wl__motion_update_row_gain(
            frame->data + o, m->mu + o, m->thr + o, m->mask + o, act, w, rnd,
            salt, kp);
      else
        total += (size_t)wl__motion_update_row(frame->data + o, m->mu + o,
                                               m->thr + o, m->mask + o, act,
                                               w, rnd, salt, kp);
    } else {
      if (use_gain)
        total += (size_t)wl__motion_detect_row_gain(
            frame->data + o, m->mu + o, m->thr + o, m->mask + o, act, w, kp);
      else
        total += (size_t)wl__motion_detect_row(frame->data + o, m->mu + o,
                                               m->thr + o, m->mask + o, act,
                                               w, kp);
    }
  }
  return total;
}

/* Is b within `gap` pixels of a? */
static int boxes_near(const wl_detection_t *a, const wl_detection_t *b,
                      double gap) {
  return b->x <= a->x + a->w + gap && a->x <= b->x + b->w + gap &&
         b->y <= a->y + a->h + gap && a->y <= b->y + b->h + gap;
}

/*
 * Detections while the model is still being learned (warm-up after
 * early_frames): keep those with snr >= min_snr and a box of at most
 * max_size px a side, except a component beside a stronger one of the
 * other polarity. A target present at start-up is smeared into mu along
 * its path: the trail it leaves right behind it shows the other
 * polarity. A large object (a close vehicle) stays on its own start-up
 * footprint for many frames, so it is mostly in the model and its
 * components are partial, with wrong boxes. The stronger neighbour may be
 * one that is not kept itself (too large, like the close truck whose
 * start-up footprint leaves the trail), so the kept ones are swapped to
 * the front, never overwritten: every component stays in d[] for the
 * test (before, a dropped one could be overwritten first and its trail
 * confirmed as a false track, tuning log "The first second: spot-born
 * false tracks"). Returns the number kept (the first ones, in order).
 */
static size_t early_filter(wl_detection_t *d, size_t n, double min_snr,
                           double max_size) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (d[i].snr < min_snr || d[i].w > max_size || d[i].h > max_size)
      continue;
    int trail = 0;
    for (size_t j = 0; j < n && !trail; j++)
      trail = j != i && d[j].polarity != d[i].polarity &&
              d[j].snr > d[i].snr && boxes_near(&d[j], &d[i], 2.0);
    if (!trail) {
      wl_detection_t keep = d[i];
      d[i] = d[k];
      d[k++] = keep;
    }
  }
  return k;
}

/*
 * The output of usable frame m->frames of the warm-up (fg foreground
 * pixels): from early_frames on, the strong temporal detections that
 * early_filter() keeps (none in a frame above max_fg_fraction); then, in
 * the first spot_frames frames, the warm-up spots (motion_warm.c) that are
 * not on one of those. Returns the number written to out.
 */
static size_t warm_detections(wl_motion_t *m, const wl_frame_t *frame,
                              const wl__motion_kparams_t *kp, int use_gain,
                              size_t fg, double noise, wl_detection_t *out,
                              size_t max_out) {
  size_t npx = (size_t)m->w * (size_t)m->h, n = 0;
  if (m->p.early_frames > 0 && m->frames >= (uint64_t)m->p.early_frames &&
      (double)fg <= m->p.max_fg_fraction * (double)npx) {
    n = wl__motion_components(m, frame, kp, use_gain, out, max_out);
    n = early_filter(out, n, m->p.early_min_snr, m->p.early_max_size);
  }
  if (m->frames <= (uint64_t)m->p.spot_frames) {
    size_t n0 = n;
    n = wl__motion_warm_spots(m, frame, noise, out, n, max_out);
    m->st.spots += n - n0;
    m->st.spot_dets = n - n0;
    m->st.spotting = 1;
  }
  return n;
}

int wl_motion_process(wl_motion_t *m, const wl_frame_t *frame,
                      const wl_preprocess_result_t *pre, wl_detection_t *out,
                      size_t max_out, size_t *n_out, wl_err_t *err) {
  *n_out = 0;
  if (frame->width != m->w || frame->height != m->h || !frame->data)
    return wl_fail(err, WL_EINVAL, "motion: frame %llu is %dx%d but the "
                   "detector takes %dx%d frames (the size changed "
                   "mid-stream)", (unsigned long long)frame->seq,
                   frame->width, frame->height, m->w, m->h);
  m->st.frames++;
  m->st.warming_up = 0;
  m->st.spotting = 0;
  m->st.spot_dets = 0;
  m->st.fg_pixels = 0;
  m->st.components = 0;
  m->st.dropped = 0;
  m->st.run_overflow = 0;
  if (pre && !pre->usable) {
    m->st.skipped++;
    m->st.warming_up =
        !m->initialised || m->frames < (uint64_t)m->p.warmup_frames;
    return WL_OK;
  }
  double gain = pre ? pre->gain : 1.0;
  double offset = pre ? pre->offset : 0.0;
  double noise = pre ? pre->noise : m->p.noise_dn;
  if (!(gain > 0)) gain = 1.0;
  int use_gain = fabs(gain - 1.0) > 1e-9;
  wl__motion_kparams_t kp;
  if (!m->initialised) {
    m->shift = shift_for_depth(frame->bit_depth);
    m->radiometry = frame->radiometry;
    kernel_params(m, gain, offset, noise, 1, 1, 0, 0, &kp);
    init_model(m, frame, &kp, use_gain);
    m->st.warming_up = 1;
    *n_out = warm_detections(m, frame, &kp, use_gain, 0, noise, out, max_out);
    return WL_OK;
  }
  m->frames++;
  if (pre && pre->ffc_step) {
    kernel_params(m, gain, offset, noise, m->p.mu_shift, 1, 1, 0, &kp);
    reanchor(m, frame, &kp, use_gain, noise * (double)(1 << m->shift));
    m->relearn_left = m->p.relearn_frames;
    m->relearn_selective = 1;
    m->st.reanchors++;
  }
  int warm = m->frames <= (uint64_t)m->p.warmup_frames;
  int rate = m->p.mu_shift, stride = m->p.update_stride, selective = 1;
  int scale_thr = 0;
  if (warm) {
    /* Running-average rates (1/2, 1/4, ...), every row each frame, and
     * every pixel learned as background: each pixel's mean and spread
     * must be right before the foreground test can steer learning.
     * Objects present meanwhile are smeared into mu; the ghost test
     * removes what they leave behind. */
    int l = ilog2((int)m->frames);
    rate = l < rate ? l : rate;
    stride = 1;
    selective = 0;
  } else if (m->relearn_left > 0) {
    rate = rate > 3 ? rate - 2 : 1;
    selective = m->relearn_selective;
    scale_thr = ffc_relearn_scales_thr(m);
    m->relearn_left--;
  }
  kernel_params(m, gain, offset, noise, rate, stride, selective, scale_thr,
                &kp);
  size_t fg = model_pass(m, frame, &kp, use_gain, stride);
  m->st.fg_pixels = fg;
  size_t npx = (size_t)m->w * (size_t)m->h;
  if (warm) {
    m->st.warming_up = 1;
    *n_out = warm_detections(m, frame, &kp, use_gain, fg, noise, out, max_out);
    return WL_OK;
  }
  if ((double)fg > m->p.max_fg_fraction * (double)npx) {
    m->st.scene_changes++;
    m->relearn_left = m->p.relearn_frames;
    m->relearn_selective = 0;
    return WL_OK;
  }
  *n_out = wl__motion_components(m, frame, &kp, use_gain, out, max_out);
  return WL_OK;
}

int wl_motion_background(const wl_motion_t *m, wl_frame_t *out,
                         wl_err_t *err) {
  if (!m->initialised)
    return wl_fail(err, WL_EINVAL, "motion: no background before the first "
                   "usable frame");
  int rc = wl_frame_alloc(out, m->w, m->h, err);
  if (rc != WL_OK) return rc;
  size_t npx = (size_t)m->w * (size_t)m->h;
  int s = m->shift, half = s ? 1 << (s - 1) : 0;
  for (size_t i = 0; i < npx; i++) {
    int v = (m->mu[i] + half) >> s;
    out->data[i] = (uint16_t)(v > 65535 ? 65535 : v);
  }
  out->bit_depth = 16 - s;
  out->radiometry = m->radiometry;
  return WL_OK;
}
