/*
 * spot_examine.c - the spot detector's second stage: for each candidate,
 * strongest first, the CFAR test, the target's extent, the classifier's
 * features and the decision.
 *
 * CFAR test, at each scale s (centre box 2h+1): the box means centred on a
 * square ring of positions (Chebyshev radius RIN..ROUT, every STRIDE-th)
 * give the background median m and a robust sigma (robust_stats), with
 * noise_floor / (2h+1) added in quadrature; SNR_s = (centre mean - m) /
 * sigma. Ring positions outside the frame are left out, and a scale whose
 * centre box crosses the frame's edge is not tested (SNR 0): replicated
 * edge pixels would fake a quiet background or a steady centre. Robust
 * statistics make the test ignore a bright neighbour in part of the ring,
 * and the ring sigma rises in clutter, so clutter needs more contrast
 * than flat sky. The candidate passes when SNR_s >= k_s at some scale,
 * k_s being the threshold for pfa / 5 (see spot.c: Student t for the
 * scale's dof).
 *
 * Extent: at the best scale, the robust statistics of the raw pixels on
 * the same ring give the background b and the pixel sigma; the peak pixel
 * p is the brightest within h+1 of the candidate; the extent is the
 * 8-connected set of pixels >= max(b + grow_fraction (p - b), b + 2 sigma)
 * reached from the peak by steps that never climb more than 0.25 (p - b)
 * (so two touching blobs stay two extents), without leaving the
 * (2 max_radius + 1)^2 window (reaching its edge is a "leak") or entering
 * another candidate's extent. Every examined candidate owns its extent in
 * the owner map, accepted or not, and a later candidate whose maximum or
 * peak lies in an owned pixel is skipped: one object gives one candidate.
 * An extent that leaks is not a small target (an edge, a bright
 * structure) and is rejected.
 *
 * All arithmetic is on the signed view v = polarity x pixel.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/select_int.h"
#include "spot_int.h"

#define CLIP_SNR 100.0
#define MIN_HEIGHT_SIGMAS 2.0 /* the extent's floor above background */
#define NEIGHBOUR_RADIUS 24   /* px, for the "neighbours" feature */
#define MIN_RING_SAMPLES 8    /* fewer in the frame: no CFAR test there */
#define MAX_CLIMB 0.25        /* extent steps up at most this x height */

/* Per-frame constants of one polarity's examination. */
typedef struct view {
  const wl_spot_t *ctx;
  struct wl__spot_state *st;
  const uint16_t *data;
  int w, h, polarity;
  size_t iw;
  float to_8bit; /* 2^(8 - bit_depth): counts in 8-bit units */
} view_t;

static inline float pixel(const view_t *v, int x, int y) {
  x = x < 0 ? 0 : x >= v->w ? v->w - 1 : x;
  y = y < 0 ? 0 : y >= v->h ? v->h - 1 : y;
  return (float)v->polarity * v->data[(size_t)y * v->w + x];
}

/* Signed mean of the (2r+1)^2 box centred on (x, y); needs |offsets| <=
 * pad, which every caller guarantees (see spot_int.h). */
static inline float box_mean(const view_t *v, int x, int y, int r) {
  const uint32_t *I = v->st->integral;
  int cx = x + WL__SPOT_PAD, cy = y + WL__SPOT_PAD;
  const uint32_t *a = I + (size_t)(cy - r) * v->iw;
  const uint32_t *b = I + (size_t)(cy + r + 1) * v->iw;
  uint32_t s = b[cx + r + 1] - a[cx + r + 1] - b[cx - r] + a[cx - r];
  return (float)v->polarity * (float)s / (float)((2 * r + 1) * (2 * r + 1));
}

/* Median and robust sigma of n samples, reordering them: the RMS
 * deviation from the median of the samples within 3 MAD-sigmas of it,
 * corrected for the truncation (0.97334 = E[d^2 | |d| < 3] for a unit
 * Gaussian). Robust to a few bright neighbours like the MAD, but about as
 * efficient as the standard deviation on Gaussian noise, which keeps the
 * CFAR threshold's tail close to the Gaussian one. */
static void robust_stats(float *x, int n, float *median, float *sigma) {
  float m = wl__select_kth(x, (size_t)n, (size_t)n / 2);
  for (int i = 0; i < n; i++) x[i] = fabsf(x[i] - m);
  *median = m;
  float lim = 3.0f * 1.4826f * wl__select_kth(x, (size_t)n, (size_t)n / 2);
  double ss = 0;
  int in = 0;
  for (int i = 0; i < n; i++)
    if (x[i] <= lim) {
      ss += (double)x[i] * x[i];
      in++;
    }
  *sigma = in > 0 ? (float)sqrt(ss / in / 0.97334) : 0.0f;
}

/* Fill st->samples with the ring of scale s around (x, y): box means of
 * half-size r (boxes = 1) or raw pixels (boxes = 0). Positions outside the
 * frame are skipped when inside_only (replicated edge pixels would look
 * like a quiet background), else clamped to the edge. Returns the count. */
static int ring_samples(const view_t *v, int x, int y, int s, int r,
                        int boxes, int inside_only) {
  struct wl__spot_state *st = v->st;
  int n = 0;
  for (int i = 0; i < st->ring_n[s]; i++) {
    int qx = x + st->ring_dx[s][i], qy = y + st->ring_dy[s][i];
    if (inside_only && (qx < 0 || qy < 0 || qx >= v->w || qy >= v->h))
      continue;
    st->samples[n++] = boxes ? box_mean(v, qx, qy, r) : pixel(v, qx, qy);
  }
  return n;
}

typedef struct scale_stats {
  float snr[WL__SPOT_SCALES];
  float median[WL__SPOT_SCALES], sigma[WL__SPOT_SCALES];
  int best;
} scale_stats_t;

static void cfar_stats(const view_t *v, int x, int y, scale_stats_t *ss) {
  static const int half[] = WL__SPOT_HALF;
  struct wl__spot_state *st = v->st;
  ss->best = 0;
  for (int s = 0; s < WL__SPOT_SCALES; s++) {
    int h = half[s];
    int inside = x >= h && y >= h && x + h < v->w && y + h < v->h;
    int n = inside ? ring_samples(v, x, y, s, h, 1, 1) : 0;
    if (n < MIN_RING_SAMPLES) {
      ss->snr[s] = 0;
      ss->median[s] = box_mean(v, x, y, half[s]);
      ss->sigma[s] = (float)(v->ctx->params.noise_floor / (2 * half[s] + 1));
      continue;
    }
    float m, sig;
    robust_stats(st->samples, n, &m, &sig);
    float fl = (float)(v->ctx->params.noise_floor / (2 * half[s] + 1));
    sig = sqrtf(sig * sig + fl * fl);
    double snr = sig > 0 ? (box_mean(v, x, y, half[s]) - m) / sig : 0;
    if (snr > CLIP_SNR) snr = CLIP_SNR;
    if (snr < -CLIP_SNR) snr = -CLIP_SNR;
    ss->snr[s] = (float)snr;
    ss->median[s] = m;
    ss->sigma[s] = sig;
    if (ss->snr[s] > ss->snr[ss->best]) ss->best = s;
  }
}

/* Raw-pixel background and sigma on the best scale's ring. */
static void raw_stats(const view_t *v, int x, int y, int s, float *base,
                      float *sigma) {
  int n = ring_samples(v, x, y, s, 0, 0, 1);
  if (n < MIN_RING_SAMPLES) n = ring_samples(v, x, y, s, 0, 0, 0);
  robust_stats(v->st->samples, n, base, sigma);
  float fl = (float)v->ctx->params.noise_floor;
  *sigma = sqrtf(*sigma * *sigma + fl * fl);
}

/* The brightest pixel within r of (x, y), first in raster order. */
static void find_peak(const view_t *v, int x, int y, int r, int *px,
                      int *py) {
  float best = -INFINITY;
  for (int qy = y - r; qy <= y + r; qy++) {
    if (qy < 0 || qy >= v->h) continue;
    for (int qx = x - r; qx <= x + r; qx++) {
      if (qx < 0 || qx >= v->w) continue;
      float u = pixel(v, qx, qy);
      if (u > best) {
        best = u;
        *px = qx;
        *py = qy;
      }
    }
  }
}

typedef struct extent {
  int n, leak;
  int x0, y0, x1, y1;
  double sum;    /* of v - base */
  double sx, sy; /* of the pixels' x and y */
} extent_t;

/* Flood fill from the peak (see the file comment); marks owner = id. */
static void grow_extent(const view_t *v, int px, int py, float thr, float base,
                        int32_t id, extent_t *e) {
  struct wl__spot_state *st = v->st;
  int32_t *owner = st->lab.labels, *reg = st->region;
  const int R = v->ctx->params.max_radius, w = v->w, h = v->h;
  size_t p0 = (size_t)py * w + px;
  float peak = (float)v->polarity * v->data[p0];
  float climb = (float)MAX_CLIMB * (peak - base);
  memset(e, 0, sizeof *e);
  e->x0 = e->x1 = px;
  e->y0 = e->y1 = py;
  owner[p0] = id;
  reg[e->n++] = (int32_t)p0;
  for (int head = 0; head < e->n; head++) {
    int p = reg[head], x = p % w, y = p / w;
    float u = (float)v->polarity * v->data[p];
    e->sum += u - base;
    e->sx += x;
    e->sy += y;
    if (x < e->x0) e->x0 = x;
    if (x > e->x1) e->x1 = x;
    if (y < e->y0) e->y0 = y;
    if (y > e->y1) e->y1 = y;
    for (int qy = y - 1; qy <= y + 1; qy++) {
      if (qy < 0 || qy >= h) continue;
      for (int qx = x - 1; qx <= x + 1; qx++) {
        if (qx < 0 || qx >= w) continue;
        size_t q = (size_t)qy * w + qx;
        if (owner[q]) continue;
        float uq = (float)v->polarity * v->data[q];
        if (uq < thr || uq > u + climb) continue;
        if (qx < px - R || qx > px + R || qy < py - R || qy > py + R) {
          e->leak = 1;
          continue;
        }
        owner[q] = id;
        reg[e->n++] = (int32_t)q;
      }
    }
  }
}

/* Directional contrast at scale s: the centre box against the 8 boxes of
 * the same size 2h+2 away, in sigmas; min and min / max. */
static void directional(const view_t *v, int x, int y, int s, float sigma,
                        float *dmin, float *ratio) {
  static const int half[] = WL__SPOT_HALF;
  static const int DX[8] = {-1, 0, 1, 1, 1, 0, -1, -1};
  static const int DY[8] = {-1, -1, -1, 0, 1, 1, 1, 0};
  int r = half[s], d = 2 * r + 2;
  float c = box_mean(v, x, y, r), mn = INFINITY, mx = -INFINITY;
  for (int i = 0; i < 8; i++) {
    float di = (c - box_mean(v, x + DX[i] * d, y + DY[i] * d, r)) / sigma;
    if (di < mn) mn = di;
    if (di > mx) mx = di;
  }
  *dmin = mn;
  *ratio = mn / (fabsf(mx) > 1e-3f ? fabsf(mx) : 1e-3f);
}

/* sqrt of the ratio of the extent's principal second moments. */
static float elongation(const view_t *v, const extent_t *e) {
  const int32_t *reg = v->st->region;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int i = 0; i < e->n; i++) {
    double x = reg[i] % v->w, y = reg[i] / v->w;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  double n = e->n;
  sx /= n;
  sy /= n;
  double cxx = sxx / n - sx * sx + 1.0 / 12, cyy = syy / n - sy * sy + 1.0 / 12;
  double cxy = sxy / n - sx * sy;
  double tr = cxx + cyy, det = cxx * cyy - cxy * cxy;
  double disc = sqrt(fmax(tr * tr / 4 - det, 0));
  double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
  return (float)sqrt(l1 / fmax(l2, 1e-6));
}

/* Mean |gradient| (central differences) on the ring, per unit contrast. */
static float edge_energy(const view_t *v, int x, int y, int s, float height) {
  static const int rin[] = WL__SPOT_RIN, rout[] = WL__SPOT_ROUT;
  double sum = 0;
  int n = 0;
  for (int dy = -rout[s]; dy <= rout[s]; dy += 2)
    for (int dx = -rout[s]; dx <= rout[s]; dx += 2) {
      int cheb = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
      if (cheb < rin[s]) continue;
      int qx = x + dx, qy = y + dy;
      sum += fabsf(pixel(v, qx + 1, qy) - pixel(v, qx - 1, qy)) +
             fabsf(pixel(v, qx, qy + 1) - pixel(v, qx, qy - 1));
      n++;
    }
  return (float)(sum / n / (height + 1));
}

/* Share of the frame's pixels at least as bright (in the view) as u, as
 * log10, from the histogram. */
static float brightness_rank(const view_t *v, uint16_t raw) {
  const struct wl__spot_state *st = v->st;
  const int nb = 1 << WL__SPOT_HIST_BITS;
  int b = raw >> st->hist_shift;
  if (b >= nb) b = nb - 1;
  double count = 0;
  if (v->polarity > 0)
    for (int i = b; i < nb; i++) count += st->hist[i];
  else
    for (int i = 0; i <= b; i++) count += st->hist[i];
  return (float)log10(count / ((double)v->w * v->h));
}

/* Candidates near c (within NEIGHBOUR_RADIUS) and anywhere at least half
 * as strong as c. */
static void rivals(const struct wl__spot_state *st, int ci, float *near,
                   float *all) {
  const wl__spot_cand_t *c = &st->cands[ci];
  int nn = 0, na = 0;
  for (int j = 0; j < st->ncand; j++) {
    const wl__spot_cand_t *o = &st->cands[j];
    if (o->s < 0.5f * c->s) continue;
    na++;
    int dx = o->x - c->x, dy = o->y - c->y;
    if (j != ci && dx * dx + dy * dy < NEIGHBOUR_RADIUS * NEIGHBOUR_RADIUS)
      nn++;
  }
  *near = (float)nn;
  *all = (float)na;
}

static void features(const view_t *v, int ci, const scale_stats_t *ss,
                     int px, int py, float base, float rsig,
                     const extent_t *e, float *f) {
  const struct wl__spot_state *st = v->st;
  const wl__spot_cand_t *c = &st->cands[ci];
  int s = ss->best;
  float gs = (float)st->global_sigma;
  float gm = (float)(v->polarity * st->global_median);
  float peak = pixel(v, px, py), height = peak - base;
  for (int i = 0; i < WL__SPOT_SCALES; i++) f[WL__F_snr_1 + i] = ss->snr[i];
  f[WL__F_best_scale] = (float)s;
  f[WL__F_contrast_global] = height / gs;
  f[WL__F_sigma_best_global] = ss->sigma[s] / gs;
  f[WL__F_sigma_raw_global] = rsig / gs;
  f[WL__F_prescreen] = c->s;
  f[WL__F_area] = (float)e->n;
  f[WL__F_leak] = (float)e->leak;
  int bw = e->x1 - e->x0 + 1, bh = e->y1 - e->y0 + 1;
  f[WL__F_box_w] = (float)bw;
  f[WL__F_box_h] = (float)bh;
  f[WL__F_fill] = (float)e->n / (float)(bw * bh);
  f[WL__F_mean_fraction] = (float)(e->sum / e->n / (height > 0 ? height : 1));
  f[WL__F_rank] = (float)ci;
  f[WL__F_prescreen_ratio] = c->s / st->cands[0].s;
  f[WL__F_peak_global] = (peak - gm) / gs;
  f[WL__F_background_global] = (base - gm) / gs;
  directional(v, c->x, c->y, s, ss->sigma[s], &f[WL__F_dir_min],
              &f[WL__F_dir_ratio]);
  f[WL__F_elongation] = elongation(v, e);
  int border = px;
  if (py < border) border = py;
  if (v->w - 1 - px < border) border = v->w - 1 - px;
  if (v->h - 1 - py < border) border = v->h - 1 - py;
  f[WL__F_border] = (float)border;
  rivals(st, ci, &f[WL__F_neighbours], &f[WL__F_rivals]);
  f[WL__F_edge_energy] = edge_energy(v, c->x, c->y, s, height);
  f[WL__F_brightness_rank] =
      brightness_rank(v, v->data[(size_t)py * v->w + px]);
  f[WL__F_contrast_8bit] = height * v->to_8bit;
  f[WL__F_sigma_best_8bit] = ss->sigma[s] * v->to_8bit;
  f[WL__F_sigma_raw_8bit] = rsig * v->to_8bit;
}

void wl__spot_examine(wl_spot_t *ctx, const wl_frame_t *frame, int polarity) {
  static const int half[] = WL__SPOT_HALF;
  struct wl__spot_state *st = ctx->state_;
  const wl_spot_params_t *p = &ctx->params;
  int depth = frame->bit_depth < 8    ? 8
              : frame->bit_depth > 16 ? 16
                                      : frame->bit_depth;
  view_t v = {ctx, st, frame->data, frame->width, frame->height, polarity,
              (size_t)st->iw, ldexpf(1.0f, 8 - depth)};
  int32_t *owner = st->lab.labels;
  int ncand = st->ncand < p->max_candidates ? st->ncand : p->max_candidates;
  for (int ci = 0; ci < ncand; ci++) {
    const wl__spot_cand_t *c = &st->cands[ci];
    if (owner[(size_t)c->y * v.w + c->x]) continue;
    scale_stats_t ss;
    cfar_stats(&v, c->x, c->y, &ss);
    int s = ss.best, px = c->x, py = c->y;
    float base, rsig;
    raw_stats(&v, c->x, c->y, s, &base, &rsig);
    find_peak(&v, c->x, c->y, half[s] + 1, &px, &py);
    if (owner[(size_t)py * v.w + px]) continue;
    float peak = pixel(&v, px, py);
    if (!(peak > base)) continue;
    float thr = base + (float)p->grow_fraction * (peak - base);
    float floor_thr = base + (float)MIN_HEIGHT_SIGMAS * rsig;
    if (thr < floor_thr) thr = floor_thr;
    if (thr > peak) thr = peak;
    int32_t id = st->nrecords + 1;
    extent_t e;
    grow_extent(&v, px, py, thr, base, id, &e);
    wl__spot_candidate_t cand;
    cand.x = c->x;
    cand.y = c->y;
    cand.px = px;
    cand.py = py;
    cand.polarity = polarity;
    cand.snr = ss.snr[s];
    cand.cfar_pass = 0;
    for (int i = 0; i < WL__SPOT_SCALES; i++)
      cand.cfar_pass |= ss.snr[i] >= st->k_scale[i];
    cand.eligible = cand.cfar_pass && !e.leak;
    cand.score = NAN;
    features(&v, ci, &ss, px, py, base, rsig, &e, cand.feat);
    if (cand.eligible && p->use_classifier && st->model_ok)
      cand.score =
          1.0 / (1.0 + exp(-wl__gbdt_logit(&wl__spot_model, cand.feat)));
    cand.accepted =
        cand.eligible && (!p->use_classifier || cand.score >= p->min_score);
    wl__spot_record_t *r = &st->records[st->nrecords++];
    r->base = (float)polarity * base;
    r->sigma = rsig;
    r->cx = (float)(e.sx / e.n + 0.5);
    r->cy = (float)(e.sy / e.n + 0.5);
    r->accepted = cand.accepted;
    if (st->cb) {
      cand.region = st->region;
      cand.region_n = e.n;
      st->cb(st->cb_user, &cand);
    }
  }
}
