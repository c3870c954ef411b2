/*
 * spot.c - the spot (small-target) detector's public side: parameters,
 * state, and one frame's pipeline (see detect.h for the algorithm and
 * docs/FORMATS.md for the exact definitions).
 *
 * The pipeline per frame: global brightness statistics (a histogram),
 * the integral image, then for each polarity the prescreen
 * (spot_prescreen.c) and the examination of candidates (spot_examine.c),
 * which record every examined candidate in the owner map (the labeller's
 * label image) and in st->records. Last, one pass over the pixels turns
 * the accepted candidates' pixels into the mask, the signed contrast and
 * the noise sigma, and wl_label_components() turns the mask into
 * detections.
 *
 * Invariants: every buffer is sized in wl_spot_init()/wl_spot_resize();
 * wl_spot_detect() allocates only inside the labeller, when a frame has
 * more components than any before.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spot_int.h"

void wl_spot_default_params(wl_spot_params_t *p) {
  p->pfa = 0.3;
  p->polarity = WL_SPOT_HOT;
  p->max_candidates = 64;
  p->max_radius = 20;
  p->grow_fraction = 0.4;
  p->noise_floor = 0.5;
  p->use_classifier = 1;
  p->min_score = wl__spot_model.min_score;
  p->mask_radius = wl__spot_model.mask_radius;
  p->cut_touching = wl__spot_model.cut_touching;
}

static int check_params(const wl_spot_params_t *p, wl_err_t *err) {
  if (!(p->pfa >= 1e-12 && p->pfa <= 0.5))
    return wl_fail(err, WL_EINVAL, "spot: pfa %g is outside 1e-12..0.5",
                   p->pfa);
  if (p->polarity < WL_SPOT_HOT || p->polarity > WL_SPOT_BOTH)
    return wl_fail(err, WL_EINVAL,
                   "spot: polarity %d is not 1 (hot), 2 (cold) or 3 (both)",
                   p->polarity);
  if (p->max_candidates < 1 || p->max_candidates > WL__SPOT_CAND_CAP)
    return wl_fail(err, WL_EINVAL, "spot: max_candidates %d is outside 1..%d",
                   p->max_candidates, WL__SPOT_CAND_CAP);
  if (p->max_radius < 2 || p->max_radius > 64)
    return wl_fail(err, WL_EINVAL, "spot: max_radius %d is outside 2..64",
                   p->max_radius);
  if (!(p->grow_fraction >= 0.05 && p->grow_fraction <= 0.95))
    return wl_fail(err, WL_EINVAL,
                   "spot: grow_fraction %g is outside 0.05..0.95",
                   p->grow_fraction);
  if (!(p->noise_floor >= 0 && p->noise_floor <= 1e6))
    return wl_fail(err, WL_EINVAL, "spot: noise_floor %g is outside 0..1e6",
                   p->noise_floor);
  if (!(p->min_score >= 0 && p->min_score <= 1))
    return wl_fail(err, WL_EINVAL, "spot: min_score %g is outside 0..1",
                   p->min_score);
  if (!(p->mask_radius == 0 ||
        (p->mask_radius >= 1 && p->mask_radius <= 64)))
    return wl_fail(err, WL_EINVAL,
                   "spot: mask_radius %g is neither 0 nor in 1..64",
                   p->mask_radius);
  if (p->cut_touching != 0 && p->cut_touching != 1)
    return wl_fail(err, WL_EINVAL, "spot: cut_touching %d is neither 0 nor 1",
                   p->cut_touching);
  return WL_OK;
}

/* The z with P(N(0,1) > z) = p, by bisection on erfc (monotone). */
static double upper_quantile(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    if (0.5 * erfc(mid / sqrt(2.0)) > p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/*
 * The Student t quantile for the Gaussian quantile z and nu degrees of
 * freedom (Cornish-Fisher expansion, good for nu >= 20; nu = 0: z). The
 * ring sigma is an estimate, so (centre - median) / sigma has heavier
 * tails than a Gaussian (more so at the larger scales, whose ring boxes
 * overlap): with the plain Gaussian threshold, 8 frames of 1024x1024
 * Gaussian noise gave about 2, 4 and 10 times the nominal rate at pfa
 * 1e-4, 1e-5 and 1e-6. The dof in WL__SPOT_DOF were fitted to those runs:
 * with them the measured rate is 0.41, 0.68, 1.06 and 1.55 times pfa at
 * 1e-3 .. 1e-6 (tests/test-detect.c checks 1e-4 and 1e-3). Above 1e-3
 * detections saturate (one per 5x5 neighbourhood, clusters count once):
 * 0.23 x pfa at 1e-2.
 */
static double student_quantile(double z, double nu) {
  if (nu <= 0)
    return z;
  double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu);
}

/* Square rings of box centres around a candidate, per scale: Chebyshev
 * radius RIN..ROUT, every stride-th position. */
static int make_rings(struct wl__spot_state *st, wl_err_t *err) {
  static const int rin[] = WL__SPOT_RIN, rout[] = WL__SPOT_ROUT,
                   stride[] = WL__SPOT_STRIDE;
  int most = 0;
  for (int s = 0; s < WL__SPOT_SCALES; s++) {
    int r = rout[s], n = 0;
    int cap = (2 * r + 1) * (2 * r + 1);
    st->ring_dx[s] = malloc((size_t)cap * sizeof(int));
    st->ring_dy[s] = malloc((size_t)cap * sizeof(int));
    if (!st->ring_dx[s] || !st->ring_dy[s])
      return wl_fail(err, WL_ENOMEM, "spot: cannot allocate ring tables");
    for (int dy = -r; dy <= r; dy += stride[s])
      for (int dx = -r; dx <= r; dx += stride[s]) {
        int cheb = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
        if (cheb < rin[s])
          continue;
        st->ring_dx[s][n] = dx;
        st->ring_dy[s][n] = dy;
        n++;
      }
    st->ring_n[s] = n;
    if (n > most)
      most = n;
  }
  st->samples = malloc((size_t)most * sizeof *st->samples);
  if (!st->samples)
    return wl_fail(err, WL_ENOMEM, "spot: cannot allocate ring samples");
  return WL_OK;
}

/* (Re)allocate the per-pixel buffers for width x height. */
static int size_buffers(wl_spot_t *ctx, int width, int height, wl_err_t *err) {
  struct wl__spot_state *st = ctx->state_;
  int rc = wl_check_size(width, height, "spot detector", err);
  if (rc != WL_OK)
    return rc;
  size_t n = (size_t)width * (size_t)height;
  size_t ni = (size_t)(width + 2 * WL__SPOT_PAD + 1) *
              (size_t)(height + 2 * WL__SPOT_PAD + 1);
  if (n > st->cap_pixels) {
    float *score = realloc(st->score, n * sizeof *score);
    if (score)
      st->score = score;
    float *work = score ? realloc(st->work, n * sizeof *work) : NULL;
    if (work)
      st->work = work;
    uint8_t *mask = work ? realloc(st->mask, n) : NULL;
    if (mask)
      st->mask = mask;
    uint8_t *closing = mask ? realloc(st->closing, 2 * n) : NULL;
    if (closing)
      st->closing = closing;
    if (!closing)
      return wl_fail(err, WL_ENOMEM, "spot: cannot allocate %dx%d buffers",
                     width, height);
    wl_labeler_free(&st->lab);
    rc = wl_labeler_init(&st->lab, width, height, err);
    if (rc != WL_OK)
      return rc;
    st->cap_pixels = n;
  }
  if (ni > st->cap_integral) {
    uint32_t *in = realloc(st->integral, ni * sizeof *in);
    if (!in)
      return wl_fail(err, WL_ENOMEM,
                     "spot: cannot allocate the integral image for %dx%d",
                     width, height);
    st->integral = in;
    st->cap_integral = ni;
  }
  st->lab.width = width;
  st->lab.height = height;
  st->iw = width + 2 * WL__SPOT_PAD + 1;
  ctx->width = width;
  ctx->height = height;
  return WL_OK;
}

int wl_spot_init(wl_spot_t *ctx, int width, int height,
                 const wl_spot_params_t *params, wl_err_t *err) {
  memset(ctx, 0, sizeof *ctx);
  if (params)
    ctx->params = *params;
  else
    wl_spot_default_params(&ctx->params);
  int rc = check_params(&ctx->params, err);
  if (rc != WL_OK)
    return rc;
  rc = wl_check_size(width, height, "spot detector", err);
  if (rc != WL_OK)
    return rc;
  struct wl__spot_state *st = calloc(1, sizeof *st);
  if (!st)
    return wl_fail(err, WL_ENOMEM, "spot: cannot allocate the state");
  ctx->state_ = st;
  const wl_spot_params_t *p = &ctx->params;
  st->k = upper_quantile(p->pfa / WL__SPOT_SCALES);
  static const double dof[] = WL__SPOT_DOF;
  for (int s = 0; s < WL__SPOT_SCALES; s++)
    st->k_scale[s] = student_quantile(st->k, dof[s]);
  st->k_pre = st->k - 0.5 < 3.0 ? st->k - 0.5 : 3.0;
  st->model_ok = wl__gbdt_matches(&wl__spot_model);
  if (p->use_classifier && !st->model_ok) {
    wl_spot_free(ctx);
    return wl_fail(err, WL_EUNSUPPORTED,
                   "spot: the compiled-in classifier was trained on other "
                   "features; retrain it with tools/spot-train or set "
                   "use_classifier to 0");
  }
  int side = 2 * p->max_radius + 1;
  st->region = malloc((size_t)side * (size_t)side * sizeof *st->region);
  st->cands = malloc(WL__SPOT_CAND_CAP * sizeof *st->cands);
  st->records = malloc(2 * (size_t)p->max_candidates * sizeof *st->records);
  rc = (st->region && st->cands && st->records)
           ? WL_OK
           : wl_fail(err, WL_ENOMEM, "spot: cannot allocate candidate tables");
  if (rc == WL_OK)
    rc = make_rings(st, err);
  if (rc == WL_OK)
    rc = size_buffers(ctx, width, height, err);
  if (rc != WL_OK) {
    wl_spot_free(ctx);
    return rc;
  }
  return WL_OK;
}

int wl_spot_resize(wl_spot_t *ctx, int width, int height, wl_err_t *err) {
  if (!ctx->state_)
    return wl_fail(err, WL_EINVAL, "spot: resize of an uninitialised state");
  return size_buffers(ctx, width, height, err);
}

void wl_spot_free(wl_spot_t *ctx) {
  if (!ctx || !ctx->state_)
    return;
  struct wl__spot_state *st = ctx->state_;
  free(st->integral);
  free(st->score);
  free(st->work);
  free(st->mask);
  free(st->closing);
  free(st->cands);
  free(st->records);
  free(st->region);
  free(st->samples);
  for (int s = 0; s < WL__SPOT_SCALES; s++) {
    free(st->ring_dx[s]);
    free(st->ring_dy[s]);
  }
  wl_labeler_free(&st->lab);
  free(st);
  ctx->state_ = NULL;
}

size_t wl_spot_bytes(const wl_spot_t *ctx) {
  const struct wl__spot_state *st = ctx->state_;
  if (!st)
    return 0;
  size_t b = sizeof *st + st->cap_integral * sizeof(uint32_t) +
             st->cap_pixels * (2 * sizeof(float) + 3 + sizeof(int32_t)) +
             WL__SPOT_CAND_CAP * sizeof(wl__spot_cand_t) +
             2 * (size_t)ctx->params.max_candidates * sizeof(wl__spot_record_t);
  size_t side = 2 * (size_t)ctx->params.max_radius + 1;
  b += side * side * sizeof(int32_t);
  for (int s = 0; s < WL__SPOT_SCALES; s++)
    b += (size_t)st->ring_n[s] * (2 * sizeof(int) + sizeof(float));
  return b;
}

/* Histogram of the frame (bins of 2^hist_shift values) and its robust
 * centre and spread, the units of the global features. */
static void global_stats(wl_spot_t *ctx, const wl_frame_t *frame) {
  struct wl__spot_state *st = ctx->state_;
  int depth = frame->bit_depth < 8    ? 8
              : frame->bit_depth > 16 ? 16
                                      : frame->bit_depth;
  int shift = depth - WL__SPOT_HIST_BITS;
  if (shift < 0)
    shift = 0;
  const int nb = 1 << WL__SPOT_HIST_BITS;
  memset(st->hist, 0, sizeof st->hist);
  size_t n = (size_t)frame->width * (size_t)frame->height;
  const uint16_t *d = frame->data;
  for (size_t i = 0; i < n; i++) {
    int b = d[i] >> shift;
    st->hist[b < nb ? b : nb - 1]++;
  }
  size_t half = (n + 1) / 2, acc = 0;
  int med = 0;
  for (med = 0; med < nb; med++) {
    acc += st->hist[med];
    if (acc >= half)
      break;
  }
  /* MAD: the smallest radius around the median bin holding half. */
  acc = st->hist[med];
  int r = 0;
  while (acc < half && r < nb) {
    r++;
    if (med - r >= 0)
      acc += st->hist[med - r];
    if (med + r < nb)
      acc += st->hist[med + r];
  }
  double width = (double)(1 << shift);
  st->hist_shift = shift;
  st->global_median = med * width + (width - 1) / 2; /* bin centre */
  st->global_sigma = 1.4826 * r * width + ctx->params.noise_floor;
  if (st->global_sigma <= 0)
    st->global_sigma = 1;
}

void wl__spot_close(uint8_t *mask, const int32_t *owner, uint8_t *tmp, int w,
                    int h) {
  uint8_t *a = tmp, *b = tmp + (size_t)w * h;
  /* dilate: rows into a, then columns into b */
  for (int y = 0; y < h; y++) {
    const uint8_t *m = mask + (size_t)y * w;
    uint8_t *o = a + (size_t)y * w;
    for (int x = 0; x < w; x++)
      o[x] = (x > 0 && m[x - 1]) || m[x] || (x + 1 < w && m[x + 1]);
  }
  for (int y = 0; y < h; y++) {
    const uint8_t *c = a + (size_t)y * w;
    const uint8_t *u = y > 0 ? c - w : c, *d = y + 1 < h ? c + w : c;
    uint8_t *o = b + (size_t)y * w;
    for (int x = 0; x < w; x++)
      o[x] = u[x] | c[x] | d[x];
  }
  /* erode (outside counts as on): rows into a, then columns into mask */
  for (int y = 0; y < h; y++) {
    const uint8_t *m = b + (size_t)y * w;
    uint8_t *o = a + (size_t)y * w;
    for (int x = 0; x < w; x++)
      o[x] = (x == 0 || m[x - 1]) && m[x] && (x + 1 == w || m[x + 1]);
  }
  for (int y = 0; y < h; y++) {
    const uint8_t *c = a + (size_t)y * w;
    const uint8_t *u = y > 0 ? c - w : c, *d = y + 1 < h ? c + w : c;
    uint8_t *o = b + (size_t)y * w;
    for (int x = 0; x < w; x++)
      o[x] = u[x] & c[x] & d[x];
  }
  /* add the closed pixels that touch at most one object's pixels (128
   * marks an added pixel until the end; callers use 1 or 255 for on) */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      if (!b[i] || mask[i])
        continue;
      int32_t one = 0;
      int ok = 1;
      for (int k = 0; k < 9 && ok; k++) {
        int qx = x + k % 3 - 1, qy = y + k / 3 - 1;
        if (qx < 0 || qy < 0 || qx >= w || qy >= h)
          continue;
        size_t q = (size_t)qy * w + qx;
        if (!mask[q] || mask[q] == 128)
          continue;
        if (one == 0)
          one = owner[q];
        else if (owner[q] != one)
          ok = 0;
      }
      if (ok)
        mask[i] = 128;
    }
  size_t n = (size_t)w * h;
  for (size_t i = 0; i < n; i++)
    if (mask[i])
      mask[i] = 255;
}

void wl__spot_cut(uint8_t *mask, const int32_t *owner, int w, int h) {
  /* 64 marks a pixel to turn off (still on for its neighbours' test) */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      if (!mask[i])
        continue;
      int32_t id = owner[i];
      for (int k = 0; k < 9; k++) {
        int qx = x + k % 3 - 1, qy = y + k / 3 - 1;
        if (qx < 0 || qy < 0 || qx >= w || qy >= h)
          continue;
        size_t q = (size_t)qy * w + qx;
        if (mask[q] && owner[q] < id) {
          mask[i] = 64;
          break;
        }
      }
    }
  size_t n = (size_t)w * h;
  for (size_t i = 0; i < n; i++)
    if (mask[i] == 64)
      mask[i] = 0;
}

/* The accepted candidates' pixels (trimmed to mask_radius around their
 * extent's centroid, touching extents cut apart by wl__spot_cut), closed
 * (wl__spot_close), become the mask; with their signed contrast and noise
 * sigma (the labeller's inputs; a pixel the closing added takes the
 * background and sigma of an accepted 8-neighbour). */
static void write_outputs(wl_spot_t *ctx, const wl_frame_t *frame,
                          uint8_t *mask) {
  struct wl__spot_state *st = ctx->state_;
  const int w = frame->width, h = frame->height;
  const int32_t *owner = st->lab.labels;
  const wl__spot_record_t *rec = st->records;
  const double mr = ctx->params.mask_radius;
  if (mr <= 0) {
    size_t n = (size_t)w * (size_t)h;
    for (size_t i = 0; i < n; i++) {
      int32_t id = owner[i];
      mask[i] = id > 0 && rec[id - 1].accepted ? 255 : 0;
    }
  } else {
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        size_t i = (size_t)y * w + x;
        int32_t id = owner[i];
        mask[i] = id > 0 && rec[id - 1].accepted &&
                          wl__spot_in_trim(x, y, rec[id - 1].cx,
                                           rec[id - 1].cy, mr)
                      ? 255
                      : 0;
      }
  }
  if (ctx->params.cut_touching)
    wl__spot_cut(mask, owner, w, h);
  wl__spot_close(mask, owner, st->closing, w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      size_t i = (size_t)y * w + x;
      if (!mask[i])
        continue;
      int32_t id = owner[i];
      for (int k = 0; k < 9 && !(id > 0 && rec[id - 1].accepted); k++) {
        int qx = x + k % 3 - 1, qy = y + k / 3 - 1;
        id = qx >= 0 && qy >= 0 && qx < w && qy < h ? owner[(size_t)qy * w + qx]
                                                    : 0;
      }
      const wl__spot_record_t *r = &rec[id - 1];
      st->score[i] = (float)frame->data[i] - r->base;
      st->work[i] = r->sigma;
    }
}

int wl__spot_detect_ex(wl_spot_t *ctx, const wl_frame_t *frame,
                       uint8_t *mask_out, wl_detection_t *det, int max, int *n,
                       wl__spot_candidate_cb cb, void *user, wl_err_t *err) {
  struct wl__spot_state *st = ctx->state_;
  *n = 0;
  if (!st)
    return wl_fail(err, WL_EINVAL, "spot: detector not initialised");
  if (frame->width != ctx->width || frame->height != ctx->height)
    return wl_fail(err, WL_EINVAL,
                   "spot: frame is %dx%d but the detector was set up for "
                   "%dx%d",
                   frame->width, frame->height, ctx->width, ctx->height);
  if (max < 0 || (max > 0 && !det))
    return wl_fail(err, WL_EINVAL, "spot: no room for %d detections", max);
  st->cb = cb;
  st->cb_user = user;
  st->nrecords = 0;
  size_t npix = (size_t)frame->width * (size_t)frame->height;
  memset(st->lab.labels, 0, npix * sizeof *st->lab.labels);
  global_stats(ctx, frame);
  wl__spot_integral(ctx, frame);
  int pol = ctx->params.polarity;
  if (pol & WL_SPOT_HOT) {
    wl__spot_prescreen(ctx, +1);
    wl__spot_examine(ctx, frame, +1);
  }
  if (pol & WL_SPOT_COLD) {
    wl__spot_prescreen(ctx, -1);
    wl__spot_examine(ctx, frame, -1);
  }
  uint8_t *mask = mask_out ? mask_out : st->mask;
  write_outputs(ctx, frame, mask);
  double unit = frame->radiometry.radiometric ? frame->radiometry.scale : 1.0;
  return wl_label_components(&st->lab, mask, st->score, st->work, unit, det,
                             max, n, err);
}

int wl_spot_detect(wl_spot_t *ctx, const wl_frame_t *frame, uint8_t *mask_out,
                   wl_detection_t *det, int max, int *n, wl_err_t *err) {
  return wl__spot_detect_ex(ctx, frame, mask_out, det, max, n, NULL, NULL, err);
}
