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
 * contrast-weighted centroid. Candidates are taken strongest first; one
 * is dropped when more than spot_max_fg of its outer square is temporal
 * foreground (a part of a larger moving object, which the temporal
 * detector reports whole) or when its peak lies in the box (grown by a
 * pixel) of a detection already reported in this frame (the temporal
 * one, or a stronger spot).
 *
 * Memory: none of its own. It runs after the component stage, whose
 * per-frame scratch it borrows: the four column accumulators (sums and
 * sums of squares over the outer and the inner rows, 2 x width doubles
 * each) live in the union-find arrays (parent, comp_of: 4 bytes per run
 * each) and the candidate list (16 bytes each) in the run buffer (8 bytes
 * per run), so a frame has at most cap_runs / 2 candidates (5,120 at
 * 640x512; beyond that, rows further down give none: a frame with so
 * many is texture, not compact spots). With fewer than 4 x width bytes per union-find array (frames
 * over 1024 px wide and under 64 rows) there are no spots.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "motion_int.h"

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

/* Add (sign +1) or remove (-1) row y to the column sums of one square. */
static void col_add(double *s, double *q, const uint16_t *row, int w,
                    double sign) {
  for (int x = 0; x < w; x++) {
    double v = row[x];
    s[x] += sign * v;
    q[x] += sign * v * v;
  }
}

/* Candidates of row y (its ring statistics from the column sums); appends
 * to cand (capacity cap), returns the new count. */
static size_t row_candidates(const wl_motion_t *m, const uint16_t *px, int y,
                             const double *so, const double *qo,
                             const double *si, const double *qi,
                             double noise, wl__motion_spot_t *cand,
                             size_t cap, size_t n) {
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
    wl__motion_spot_t *c = &cand[n++];
    c->x = x;
    c->y = y;
    c->bg = (float)mean;
    c->snr = (float)(fabs(d) / sqrt(var));
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
  d->area = area;
  d->polarity = pol;
  d->peak_contrast = peak * to_units;
  d->snr = c->snr;
  return 1;
}

size_t wl__motion_warm_spots(wl_motion_t *m, const wl_frame_t *frame,
                             double noise, wl_detection_t *out, size_t n_have,
                             size_t max_out) {
  int w = m->w, h = m->h, ro = m->p.spot_outer, ri = m->p.spot_inner;
  if (w < 2 * ro + 1 || h < 2 * ro + 1 || n_have >= max_out ||
      m->cap_runs * sizeof *m->parent < 2 * (size_t)w * sizeof(double))
    return n_have;
  double *so = (double *)(void *)m->parent, *qo = so + w;
  double *si = (double *)(void *)m->comp_of, *qi = si + w;
  wl__motion_spot_t *cand = (wl__motion_spot_t *)(void *)m->runs;
  size_t cap = m->cap_runs * sizeof *m->runs / sizeof *cand;
  memset(so, 0, 2 * (size_t)w * sizeof *so);
  memset(si, 0, 2 * (size_t)w * sizeof *si);
  const uint16_t *px = frame->data;
  for (int y = 0; y < 2 * ro + 1; y++)
    col_add(so, qo, px + (size_t)y * w, w, 1.0);
  for (int y = ro - ri; y < ro + ri + 1; y++)
    col_add(si, qi, px + (size_t)y * w, w, 1.0);
  size_t nc = 0;
  for (int y = ro; y < h - ro; y++) {
    if (y > ro) {
      col_add(so, qo, px + (size_t)(y + ro) * w, w, 1.0);
      col_add(so, qo, px + (size_t)(y - ro - 1) * w, w, -1.0);
      col_add(si, qi, px + (size_t)(y + ri) * w, w, 1.0);
      col_add(si, qi, px + (size_t)(y - ri - 1) * w, w, -1.0);
    }
    nc = row_candidates(m, px, y, so, qo, si, qi, noise, cand, cap, nc);
  }
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
