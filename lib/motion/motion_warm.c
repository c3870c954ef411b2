/*
 * motion_warm.c - the warm-up's spatial spot detector (motion.h,
 * "Warm-up"): while the background model is still being learned, compact
 * warm or cold spots are found in the frame itself, against their local
 * surroundings, so that targets present at start-up (above all small slow
 * ones, which the running-mean warm-up smears into the model) are reported
 * from the first frame on. Runs only in the first spot_frames usable
 * frames; steady-state speed is untouched.
 *
 * Per pixel (one pass, sliding sums): the ring between a centre square of
 * side 2 ri + 1 and an outer square of side 2 ro + 1 (ri = spot_inner,
 * ro = spot_outer) gives the local background (its mean) and the local
 * spread (its standard deviation, at least the sensor noise). A pixel is
 * a candidate when it is the strict maximum (warm) or minimum (cold) of
 * its 3x3 neighbourhood and (value - ring mean) / spread reaches
 * spot_min_snr. A candidate's detection: the pixels 8-connected to it
 * within its centre square whose contrast against the ring mean is at
 * least half the peak's (same sign) give the box, the area and the
 * contrast-weighted centroid; the box is then made sub-pixel against the
 * ring mean, as the temporal detector's (wl__motion_refine_box, with the
 * ring's spread as the noise). Candidates are taken strongest first; one
 * is dropped when more than spot_max_fg of its outer square is temporal
 * foreground (a part of a larger moving object, which the temporal
 * detector reports whole) or when its peak lies in the box (grown by a
 * pixel) of a detection already reported in this frame (the temporal
 * one, or a stronger spot).
 *
 * Speed (about 0.6 ms per frame at 640x512): the sums are exact integers,
 * the values' and the squares' (relative to the frame's minimum) packed
 * in one int64 per column and per ring; a vectorised prefilter per row
 * (strict 3x3 extremum, contrast against noise and against the ring's
 * spread in float, with margins that keep it a superset) leaves the exact
 * test, in double on the exact sums as the plain pass computes it, to a
 * few pixels: same candidates, bg and snr, bit for bit. Frames whose
 * range is too wide for the packing (n_ring x range^2 >= 2^32) take the
 * plain pass (sliding double sums, exact too).
 *
 * Memory: none of its own. It runs after the component stage, whose
 * per-frame scratch it borrows: the two packed column-sum rows (int64,
 * 16 x width bytes; the plain pass: four rows of doubles, 2 x width each
 * in parent and in comp_of) live in the union-find array parent, the
 * row's ring sums and flags (9 x width bytes) in comp_of (4 bytes per run
 * each), and the candidate list (16 bytes each) in the run buffer (8
 * bytes per run), so a frame has at most cap_runs / 2 candidates (5,120
 * at 640x512; beyond that, rows further down give none: a frame with so
 * many is texture, not compact spots). With fewer than 4 x width runs
 * (16 x width bytes per union-find array: frames over 1024 px wide and
 * under 64 rows) there are no spots.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clones_int.h"
#include "motion_int.h"

/* The per-row vector pass is multiversioned (WL__CLONES). Its sums are
 * integers; its float spread test keeps margins far above any rounding
 * (or contraction), so every build flags a superset of the candidates and
 * the exact double test (not cloned) decides: the same results
 * everywhere. */
#if defined(__GNUC__)
#define WARM_INLINE static inline __attribute__((always_inline))
#else
#define WARM_INLINE static inline
#endif

/* One square's column sums, row in added and row out (NULL: none)
 * removed, packed in one int64: the sum of the values x 2^32 (a column of
 * at most 65 rows of 16-bit values fits 31 bits) + the sum of
 * (value - c)^2, c the frame's minimum (below 2^32: checked per
 * frame), so the two never mix. */
WARM_INLINE void col_step(int64_t *restrict p, const uint16_t *restrict in,
                          const uint16_t *restrict out, uint16_t c, int w) {
  if (!out) {
    for (int x = 0; x < w; x++) {
      uint32_t a = (uint16_t)(in[x] - c);
      p[x] += (int64_t)in[x] * 4294967296 + (int64_t)(a * a);
    }
    return;
  }
  for (int x = 0; x < w; x++) {
    uint32_t a = (uint16_t)(in[x] - c), b = (uint16_t)(out[x] - c);
    p[x] += (int64_t)((int32_t)in[x] - (int32_t)out[x]) * 4294967296 +
            ((int64_t)(a * a) - (int64_t)(b * b));
  }
}

/* Frames too wide in range for the packed sums (rare: over 6,688 DN
 * between the frame's minimum and maximum at the default 11 x 11 and 7 x 7
 * squares): the plain pass, with sliding double sums (exact: integers
 * below 2^53). wide_col adds (sign +1) or removes (-1) a row to one
 * square's column sums; wide_row appends row y's candidates. */
static void wide_col(double *s, double *q, const uint16_t *row, int w,
                     double sign) {
  for (int x = 0; x < w; x++) {
    double v = row[x];
    s[x] += sign * v;
    q[x] += sign * v * v;
  }
}

/* Is (x, y) a strict extremum of its 3x3 neighbourhood (pol +1: maximum,
 * -1: minimum)? */
static int extremum3(const uint16_t *px, int w, int x, int y, int pol) {
  int v = px[(size_t)y * w + x];
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++) {
      if (!dx && !dy) continue;
      int u = px[(size_t)(y + dy) * w + x + dx];
      if (pol > 0 ? u >= v : u <= v) return 0;
    }
  return 1;
}

/* A candidate at (x, y): ring mean, contrast d against it, ring variance
 * (at least the noise's). */
static wl__motion_spot_t spot_candidate(int x, int y, double mean, double d,
                                        double var) {
  wl__motion_spot_t c;
  c.x = x;
  c.y = y;
  c.bg = (float)mean;
  c.snr = (float)(fabs(d) / sqrt(var));
  return c;
}

static size_t wide_row(const wl_motion_t *m, const uint16_t *px, int y,
                       const double *so, const double *qo, const double *si,
                       const double *qi, double noise,
                       wl__motion_spot_t *cand, size_t cap, size_t n) {
  int w = m->w, ro = m->p.spot_outer, ri = m->p.spot_inner;
  double inv_ring = 1.0 / (double)((2 * ro + 1) * (2 * ro + 1) -
                                   (2 * ri + 1) * (2 * ri + 1));
  double min_snr2 = m->p.spot_min_snr * m->p.spot_min_snr;
  double noise2 = noise * noise;
  double bo = 0, bqo = 0, bi = 0, bqi = 0;
  for (int x = 0; x < 2 * ro + 1; x++) {
    bo += so[x];
    bqo += qo[x];
  }
  for (int x = ro - ri; x < ro + ri + 1; x++) {
    bi += si[x];
    bqi += qi[x];
  }
  const uint16_t *row = px + (size_t)y * w;
  for (int x = ro; x < w - ro; x++) {
    if (x > ro) {
      bo += so[x + ro] - so[x - ro - 1];
      bqo += qo[x + ro] - qo[x - ro - 1];
      bi += si[x + ri] - si[x - ri - 1];
      bqi += qi[x + ri] - qi[x - ri - 1];
    }
    double mean = (bo - bi) * inv_ring;
    double var = (bqo - bqi) * inv_ring - mean * mean;
    if (var < noise2) var = noise2;
    double d = (double)row[x] - mean;
    if (d * d < min_snr2 * var) continue;
    int pol = d > 0 ? 1 : -1;
    if (!extremum3(px, w, x, y, pol)) continue;
    if (n >= cap) return n;
    cand[n++] = spot_candidate(x, y, mean, d, var);
  }
  return n;
}

static size_t wide_candidates(wl_motion_t *m, const wl_frame_t *frame,
                              double noise, wl__motion_spot_t *cand,
                              size_t cap) {
  int w = m->w, h = m->h, ro = m->p.spot_outer, ri = m->p.spot_inner;
  double *so = (double *)(void *)m->parent, *qo = so + w;
  double *si = (double *)(void *)m->comp_of, *qi = si + w;
  memset(so, 0, 2 * (size_t)w * sizeof *so);
  memset(si, 0, 2 * (size_t)w * sizeof *si);
  const uint16_t *px = frame->data;
  for (int y = 0; y < 2 * ro + 1; y++)
    wide_col(so, qo, px + (size_t)y * w, w, 1.0);
  for (int y = ro - ri; y < ro + ri + 1; y++)
    wide_col(si, qi, px + (size_t)y * w, w, 1.0);
  size_t nc = 0;
  for (int y = ro; y < h - ro; y++) {
    if (y > ro) {
      wide_col(so, qo, px + (size_t)(y + ro) * w, w, 1.0);
      wide_col(so, qo, px + (size_t)(y - ro - 1) * w, w, -1.0);
      wide_col(si, qi, px + (size_t)(y + ri) * w, w, 1.0);
      wide_col(si, qi, px + (size_t)(y - ri - 1) * w, w, -1.0);
    }
    nc = wide_row(m, px, y, so, qo, si, qi, noise, cand, cap, nc);
  }
  return nc;
}

/* The prefilter's threshold on |n_ring x value - ring sum| (integers): a
 * pixel below it cannot pass the test d^2 >= min_snr2 x max(var, noise2)
 * of row_candidates, whatever its ring's spread (var is at least noise2;
 * the margin covers the test's rounding). 0: every pixel passes (noise 0
 * or not a number). */
static int32_t prefilter_thr(int n_ring, double min_snr2, double noise2) {
  double t2 = min_snr2 * noise2;
  if (!(t2 > 0)) return 0;
  double t = (double)n_ring * sqrt(t2) * (1.0 - 1e-9) - 1e-3;
  if (!(t >= 1.0)) return 0;
  if (t >= 2147483647.0) return INT32_MAX;
  return (int32_t)t;
}

/* The per-frame constants and scratch of the row pass. */
typedef struct {
  int ro, ri, n_ring;
  double inv_ring, min_snr2, noise2;
  int32_t thr;        /* prefilter_thr */
  int32_t t_pos, t_neg; /* the flags' bounds on t: thr, -thr (thr 0: none) */
  float k2, floor_v;  /* the spread prefilter: min_snr2 and n_ring^2 x
                         noise2, both rounded down */
  uint16_t c;         /* frame minimum (offset of the squares) */
  int use_vq;         /* the spread prefilter is on */
  int64_t *po, *pi;   /* column sums (col_step) of the outer and the
                         centre square */
  int64_t *ring;      /* this row: ring sums, packed alike */
  uint8_t *flag;      /* this row: 1 warm, 2 cold candidate, 0 neither */
} spot_pass_t;

/* The ring sums of row y into sp->ring[ro, w - ro), packed as the column
 * sums: their steps along the row (vectorised), then one running sum (one
 * add per pixel). */
WARM_INLINE void ring_sums(const spot_pass_t *sp, int w) {
  int ro = sp->ro, ri = sp->ri;
  const int64_t *restrict po = sp->po, *restrict pi = sp->pi;
  int64_t *restrict r = sp->ring;
  int64_t acc = 0;
  for (int x = 0; x < 2 * ro + 1; x++) acc += po[x];
  for (int x = ro - ri; x < ro + ri + 1; x++) acc -= pi[x];
  for (int x = ro + 1; x < w - ro; x++)
    r[x] = po[x + ro] - po[x - ro - 1] - pi[x + ri] + pi[x - ri - 1];
  r[ro] = acc;
  for (int x = ro + 1; x < w - ro; x++) r[x] = acc += r[x];
}

WARM_INLINE uint16_t max16(uint16_t a, uint16_t b) { return a > b ? a : b; }
WARM_INLINE uint16_t min16(uint16_t a, uint16_t b) { return a < b ? a : b; }

/* The prefilter of row y (vectorised): flag[x] bit 0 when the pixel is a
 * strict maximum of its 3x3 neighbourhood and t = n_ring x value - ring
 * sum >= t_pos, bit 1 when a strict minimum and t <= t_neg; with use_vq,
 * only when t^2 also reaches min_snr2 x the ring's spread (its n_ring^2 x
 * variance, at least floor_v), in float with margins that keep it a lower
 * bound. A superset of the candidates of row_candidates. */
WARM_INLINE void row_flags(const spot_pass_t *sp, const uint16_t *px, int w,
                           int y, const int vq) {
  const uint16_t *restrict r0 = px + (size_t)(y - 1) * w;
  const uint16_t *restrict r1 = r0 + w, *restrict r2 = r1 + w;
  const int64_t *restrict ring = sp->ring;
  uint8_t *restrict fl = sp->flag;
  int32_t t_pos = sp->t_pos, t_neg = sp->t_neg, nr = sp->n_ring;
  int32_t nc = sp->n_ring * (int32_t)sp->c;
  float nf = (float)sp->n_ring, k2 = sp->k2, floor_v = sp->floor_v;
  float slack = nf * nf * 1e-4f + 1.0f;
  int x0 = sp->ro, x1 = w - sp->ro; /* locals: fl may alias sp */
  for (int x = x0; x < x1; x++) {
    uint16_t v = r1[x];
    uint16_t hi = max16(max16(r0[x - 1], r0[x]), max16(r0[x + 1], r1[x - 1]));
    uint16_t h2 = max16(max16(r2[x - 1], r2[x]), max16(r2[x + 1], r1[x + 1]));
    uint16_t lo = min16(min16(r0[x - 1], r0[x]), min16(r0[x + 1], r1[x - 1]));
    uint16_t l2 = min16(min16(r2[x - 1], r2[x]), min16(r2[x + 1], r1[x + 1]));
    hi = max16(hi, h2);
    lo = min16(lo, l2);
    int32_t sum = (int32_t)(ring[x] >> 32);
    int32_t t = nr * (int32_t)v - sum;
    int f = ((t >= t_pos) & (v > hi)) | (((t <= t_neg) & (v < lo)) << 1);
    if (vq) {
      /* n_ring^2 var = n_ring sum u^2 - (sum u)^2, u = value - c: both
       * terms within 2^-22 of their float values; (nq + s2) 2^-16 bounds
       * that, slack the double rounding of row_candidates' var. */
      float su = (float)(sum - nc), q = (float)(uint32_t)ring[x];
      float nq = nf * q, s2 = su * su;
      float var = nq - s2 - (nq + s2) * 0x1p-16f - slack;
      var = var > floor_v ? var : floor_v;
      float tf = (float)t;
      f *= tf * tf * (1.0f + 0x1p-14f) >= k2 * var;
    }
    fl[x] = (uint8_t)f;
  }
}

/* The vector work of row y: the column sums moved down to it (from row
 * y - 1; y == ro: set up), its ring sums and its prefilter flags. */
WL__CLONES
static void row_pass(const spot_pass_t *sp, const uint16_t *px, int w, int y) {
  int ro = sp->ro, ri = sp->ri;
  for (int pass = 0; pass < 2; pass++) {
    int64_t *p = pass ? sp->pi : sp->po;
    int r = pass ? ri : ro;
    if (y == ro) {
      for (int k = ro - r; k < ro + r + 1; k++)
        col_step(p, px + (size_t)k * w, NULL, sp->c, w);
    } else {
      const uint16_t *in = px + (size_t)(y + r) * w;
      const uint16_t *out = px + (size_t)(y - r - 1) * w;
      col_step(p, in, out, sp->c, w);
    }
  }
  ring_sums(sp, w);
  if (sp->use_vq)
    row_flags(sp, px, w, y, 1);
  else
    row_flags(sp, px, w, y, 0);
}

/* The frame's minimum and maximum. */
WL__CLONES
static void frame_range(const uint16_t *px, size_t n, uint16_t *lo,
                        uint16_t *hi) {
  uint16_t a = UINT16_MAX, b = 0;
  for (size_t i = 0; i < n; i++) {
    a = px[i] < a ? px[i] : a;
    b = px[i] > b ? px[i] : b;
  }
  *lo = a;
  *hi = b;
}

/* The exact sum of squares over the ring of (x, y) (sum: its sum). */
static uint64_t ring_q(const spot_pass_t *sp, int x, int32_t sum) {
  uint64_t q = (uint32_t)sp->ring[x];
  /* sum (u + c)^2 = sum u^2 + 2 c sum u + n c^2, with u = value - c */
  uint64_t c = sp->c, su = (uint64_t)((int64_t)sum - (int64_t)sp->n_ring *
                                                       (int64_t)c);
  return q + 2 * c * su + (uint64_t)sp->n_ring * c * c;
}

/* Candidates of row y: the flagged pixels that pass the test (in double
 * on exact sums, so the candidates, their bg and snr are those of sliding
 * double sums, exact too: integers below 2^53); appends to cand (capacity
 * cap), returns the new count. */
static size_t row_candidates(const spot_pass_t *sp, const uint16_t *px,
                             int w, int y, wl__motion_spot_t *cand,
                             size_t cap, size_t n) {
  const uint8_t *fl = sp->flag;
  const uint16_t *row = px + (size_t)y * w;
  int x_end = w - sp->ro;
  for (int x = sp->ro; x < x_end; x++) {
    if (x + 8 <= x_end) {
      uint64_t word;
      memcpy(&word, fl + x, sizeof word);
      if (!word) {
        x += 7;
        continue;
      }
    }
    if (!fl[x]) continue;
    int32_t sum = (int32_t)(sp->ring[x] >> 32);
    double mean = (double)sum * sp->inv_ring;
    double d = (double)row[x] - mean;
    int pol = d > 0 ? 1 : -1;
    /* the flag's bit for pol: a strict extremum of that polarity */
    if (!(fl[x] & (pol > 0 ? 1 : 2))) continue;
    double var = (double)ring_q(sp, x, sum) * sp->inv_ring -
                 mean * mean;
    if (var < sp->noise2) var = sp->noise2;
    if (d * d < sp->min_snr2 * var) continue;
    if (n >= cap) return n;
    cand[n++] = spot_candidate(x, y, mean, d, var);
  }
  return n;
}

static int by_snr_desc(const void *a, const void *b) {
  float sa = ((const wl__motion_spot_t *)a)->snr;
  float sb = ((const wl__motion_spot_t *)b)->snr;
  return (sa < sb) - (sa > sb);
}

/* Is (x, y) inside the box of one of d[0, n), grown by g pixels? */
static int inside_any(const wl_detection_t *d, size_t n, double x, double y,
                      double g) {
  for (size_t i = 0; i < n; i++)
    if (x >= d[i].x - g && x <= d[i].x + d[i].w + g && y >= d[i].y - g &&
        y <= d[i].y + d[i].h + g)
      return 1;
  return 0;
}

/* Does the temporal foreground (this frame's mask) cover more than
 * spot_max_fg of candidate c's outer square? Then the spot is a part of a
 * larger moving object (the hot engine of a close car), which the temporal
 * detector reports whole. */
static int on_moving_object(const wl_motion_t *m, const wl__motion_spot_t *c) {
  double lim = m->p.spot_max_fg;
  if (lim >= 1.0) return 0;
  int ro = m->p.spot_outer, w = m->w, fg = 0;
  for (int y = c->y - ro; y <= c->y + ro; y++) {
    const uint8_t *mk = m->mask + (size_t)y * w;
    for (int x = c->x - ro; x <= c->x + ro; x++) fg += (mk[x] & 3) != 0;
  }
  return fg > lim * (double)((2 * ro + 1) * (2 * ro + 1));
}

/* The detection of candidate c: the pixels 8-connected to its peak, within
 * its centre square, whose contrast against the ring mean is at least half
 * the peak's. (Dropping spots that reach the edge of the centre square
 * lost start-up walkers, 3 x 7 px: tuning log.) Returns 0 when the box
 * exceeds early_max_size. */
static int measure(const wl_motion_t *m, const wl_frame_t *frame,
                   const wl__motion_spot_t *c, wl_detection_t *d) {
  enum { MAXW = 2 * WL__MOTION_SPOT_MAX_INNER + 1 };
  int w = m->w, ri = m->p.spot_inner, side = 2 * ri + 1;
  const uint16_t *px = frame->data;
  double peak = (double)px[(size_t)c->y * w + c->x] - c->bg;
  int pol = peak > 0 ? 1 : -1;
  double half = 0.5 * fabs(peak);
  uint8_t seen[MAXW * MAXW];
  int16_t stack[MAXW * MAXW];
  memset(seen, 0, sizeof seen);
  int top = 0, area = 0;
  int x0 = c->x, x1 = c->x, y0 = c->y, y1 = c->y;
  double sw = 0, swx = 0, swy = 0;
  seen[ri * side + ri] = 1;
  stack[top++] = (int16_t)(ri * side + ri);
  while (top > 0) {
    int k = stack[--top], lx = k % side, ly = k / side;
    int x = c->x - ri + lx, y = c->y - ri + ly;
    double s = pol * ((double)px[(size_t)y * w + x] - c->bg);
    area++;
    sw += s;
    swx += s * (x + 0.5);
    swy += s * (y + 0.5);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++) {
        int nx = lx + dx, ny = ly + dy;
        if (nx < 0 || ny < 0 || nx >= side || ny >= side ||
            seen[ny * side + nx])
          continue;
        seen[ny * side + nx] = 1;
        double sn = pol * ((double)px[(size_t)(c->y - ri + ny) * w +
                                      (c->x - ri + nx)] - c->bg);
        if (sn >= half) stack[top++] = (int16_t)(ny * side + nx);
      }
  }
  double bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  if (bw > m->p.early_max_size || bh > m->p.early_max_size) return 0;
  double to_units = 1.0;
  if (frame->radiometry.radiometric) to_units = frame->radiometry.scale;
  memset(d, 0, sizeof *d);
  d->x = x0;
  d->y = y0;
  d->w = bw;
  d->h = bh;
  d->cx = swx / sw;
  d->cy = swy / sw;
  /* Sub-pixel box against the ring mean, its noise the ring's spread. */
  wl__motion_sview_t v = {m, frame, NULL, 0,
                          pol > 0 ? WL__FG_WARM : WL__FG_COLD, c->bg,
                          fabs(peak) / c->snr};
  wl__motion_refine_box(&v, fabs(peak), d->cx, d->cy, x0, x1, y0, y1, d);
  d->area = area;
  d->polarity = pol;
  d->peak_contrast = peak * to_units;
  d->snr = c->snr;
  return 1;
}

size_t wl__motion_spot_candidates(wl_motion_t *m, const wl_frame_t *frame,
                                  double noise, wl__motion_spot_t *cand,
                                  size_t cap) {
  int w = m->w, h = m->h;
  spot_pass_t sp;
  sp.ro = m->p.spot_outer;
  sp.ri = m->p.spot_inner;
  if (w < 2 * sp.ro + 1 || h < 2 * sp.ro + 1 ||
      m->cap_runs * sizeof *m->parent < 2 * (size_t)w * sizeof(double))
    return 0;
  int ro = sp.ro, ri = sp.ri;
  sp.n_ring = (2 * ro + 1) * (2 * ro + 1) - (2 * ri + 1) * (2 * ri + 1);
  sp.inv_ring = 1.0 / (double)sp.n_ring;
  sp.min_snr2 = m->p.spot_min_snr * m->p.spot_min_snr;
  sp.noise2 = noise * noise;
  sp.thr = prefilter_thr(sp.n_ring, sp.min_snr2, sp.noise2);
  sp.t_pos = sp.thr ? sp.thr : INT32_MIN;
  sp.t_neg = sp.thr ? -sp.thr : INT32_MAX;
  sp.k2 = (float)sp.min_snr2 * (1.0f - 0x1p-14f);
  sp.floor_v = (float)((double)sp.n_ring * sp.n_ring * sp.noise2 *
                       (1.0 - 0x1p-14));
  sp.po = (int64_t *)(void *)m->parent;
  sp.pi = sp.po + w;
  sp.ring = (int64_t *)(void *)m->comp_of;
  sp.flag = (uint8_t *)(sp.ring + w);
  const uint16_t *px = frame->data;
  uint16_t lo, hi;
  frame_range(px, (size_t)w * h, &lo, &hi);
  sp.c = lo;
  uint64_t span = (uint64_t)(hi - lo);
  if ((uint64_t)sp.n_ring * span * span > UINT32_MAX)
    return wide_candidates(m, frame, noise, cand, cap);
  sp.use_vq = sp.thr > 0;
  memset(sp.po, 0, 2 * (size_t)w * sizeof *sp.po);
  memset(sp.flag, 0, (size_t)w);
  size_t nc = 0;
  for (int y = ro; y < h - ro; y++) {
    row_pass(&sp, px, w, y);
    nc = row_candidates(&sp, px, w, y, cand, cap, nc);
  }
  return nc;
}

size_t wl__motion_warm_spots(wl_motion_t *m, const wl_frame_t *frame,
                             double noise, wl_detection_t *out, size_t n_have,
                             size_t max_out) {
  if (n_have >= max_out) return n_have;
  wl__motion_spot_t *cand = (wl__motion_spot_t *)(void *)m->runs;
  size_t cap = m->cap_runs * sizeof *m->runs / sizeof *cand;
  size_t nc = wl__motion_spot_candidates(m, frame, noise, cand, cap);
  qsort(cand, nc, sizeof *cand, by_snr_desc);
  size_t n = n_have;
  for (size_t i = 0; i < nc && n < max_out; i++) {
    const wl__motion_spot_t *c = &cand[i];
    if (inside_any(out, n, c->x + 0.5, c->y + 0.5, 1.0) ||
        on_moving_object(m, c))
      continue;
    if (measure(m, frame, c, &out[n])) n++;
  }
  return n;
}
