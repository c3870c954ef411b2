/*
 * motion_split.c - splitting a component that holds several objects side
 * by side (people walking shoulder to shoulder in a group, whose blurred
 * outlines touch) into one detection per object.
 *
 * Design. Objects standing next to each other touch in the foreground
 * mask, but each keeps its own contrast peak: the column profile of the
 * component, P(x) = sum over its rows of |f' - mu| at its foreground
 * pixels of its polarity, has one hump per object with a valley between
 * them (the gap between two bodies, filled only by the blur of the
 * optics). A component wider than split_aspect x its height (a person
 * is about 0.3 x as wide as tall, so one person never qualifies) is cut
 * at the deepest interior valley whose profile is at most split_valley x
 * the smaller of the two highest points on either side, provided each
 * side carries at least a sixth of the component's contrast and is at
 * least two columns wide (an arm or a foot is not an object); each side
 * is then tried again, up to WL__SPLIT_MAX_PARTS parts. The parts are
 * measured again from the mask inside their column ranges (area, bounds,
 * contrast sums, centroid, peaks, core box as in motion_blobs.c); the
 * jitter-test sums are shared in proportion to the contrast.
 *
 * With a person-height prior (person_px, from the camera model), a
 * narrow component too tall for one person is one person behind
 * another: from WL__SPLIT_TALL person heights (at its bottom row) there
 * are rows between them, and it is cut at the row of least contrast near
 * the nearer person's head (split_rows); from WL__SPLIT_OVERLAP to
 * WL__SPLIT_TALL the farther person's legs are hidden behind the nearer
 * one, and it becomes two overlapping person-sized parts, the nearer one
 * standing on the bottom row, the farther one's head at the top row, each
 * a person's width about the columns where it alone shows
 * (split_overlap).
 *
 * An edge of an overlap-cut part that cuts through a body (the part's
 * window lies inside the component there and its core pixels reach it)
 * is marked in the part (wl__motion_comp_t.cut): after the sub-pixel box
 * a left or right one lies no further out than the window, a top or
 * bottom one the person height from the other end (motion_blobs.c,
 * cut_edges()). The nearer part runs to the component's edge on the side
 * away from the farther person (its legs are its own), and a part with
 * one side cut and the other free takes the cut side mirrored from the
 * free one about the column it was centred on (a person's box is
 * symmetric about its feet; the free side carries the gait's width, which
 * swings from 0.2 to 0.5 of the height), no further out than the window.
 * The head split's parts keep their sub-pixel boxes (with the cut,
 * vehicle-run lost 0.001 HOTA and 4 % more FP on tuning seeds 11-40, and
 * crowd gained nothing; the free outer sides and the mirror, neither).
 *
 * With the prior, a component that no cut above split but that holds
 * people whose bodies overlap in columns (side by side at one depth, or
 * a group with some behind others) shows one head per person on its
 * upper contour (the first row of the component in each column): each
 * head that is a narrow bump becomes a person-sized part, its foot row
 * from its head row by the camera model (split_heads).
 *
 * Cost: only components that pass the aspect test are visited, once for
 * the profile and once per part; the profile uses the column scratch
 * buffer of the re-anchoring (m->col_acc, w doubles), free at this stage.
 * Nothing is allocated.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "motion_int.h"

#define WL__SPLIT_MAX_PARTS 8
#define WL__SPLIT_NARROW 0.8 /* a person is at most this x its height wide */
/* A component at most this x a person's height wide, cut into columns, may
 * be a group of people: its first part is tried for the row cut again. */
#define WL__SPLIT_GROUP_W 1.5

/* |f' - mu| at pixel i. */
static inline double abs_d(const wl_motion_t *m, const wl_frame_t *frame,
                           const wl__motion_kparams_t *kp, int use_gain,
                           size_t i) {
  return fabs(wl__motion_ref_value(frame->data[i], kp, use_gain) -
              (double)m->mu[i]);
}

/* The deepest acceptable valley of P over [a, b] (inclusive), or -1. */
static int find_cut(const double *P, int a, int b, double total,
                    double valley) {
  int best = -1;
  double best_ratio = valley;
  /* Each side at least two columns wide. */
  for (int v = a + 2; v <= b - 2; v++) {
    double left = 0, right = 0, mass_l = 0, mass_r = 0;
    for (int x = a; x < v; x++) {
      if (P[x] > left) left = P[x];
      mass_l += P[x];
    }
    for (int x = v + 1; x <= b; x++) {
      if (P[x] > right) right = P[x];
      mass_r += P[x];
    }
    double lo = left < right ? left : right;
    if (!(lo > 0) || 6.0 * mass_l < total || 6.0 * mass_r < total) continue;
    double ratio = P[v] / lo;
    if (ratio <= best_ratio) {
      best_ratio = ratio;
      best = v;
    }
  }
  return best;
}

/* Measure the pixels of polarity pol in columns [xa, xb] x rows [y0, y1]
 * into c (bounds, area, sums, peaks, core box). */
static void measure_part(const wl_motion_t *m, const wl_frame_t *frame,
                         const wl__motion_kparams_t *kp, int use_gain,
                         int pol, int xa, int xb, int y0, int y1,
                         wl__motion_comp_t *c) {
  int w = m->w, h = m->h;
  double frac = m->p.box_frac;
  c->x0 = c->y0 = c->cx0 = c->cy0 = 1 << 30;
  c->x1 = c->y1 = c->cx1 = c->cy1 = -1;
  c->area = 0;
  c->sum_d = c->sum_w = c->sum_wx = c->sum_wy = c->sum_var = 0;
  c->peak_abs = c->peak_snr = 0;
  memset(c->cut, 0, sizeof c->cut); /* the ghost test's fields: done */
  c->has_cut = 1;
  for (int y = y0; y <= y1; y++) {
    size_t o = (size_t)y * (size_t)w;
    for (int x = xa; x <= xb; x++) {
      size_t i = o + (size_t)x;
      if ((m->mask[i] & WL__STATE_BITS) != pol) continue;
      double d = wl__motion_ref_value(frame->data[i], kp, use_gain) -
                 (double)m->mu[i];
      double ad = fabs(d);
      int t = m->thr[i] > kp->floor_thr ? m->thr[i] : kp->floor_thr;
      double sigma = t / m->p.k_sigma;
      c->area++;
      if (x < c->x0) c->x0 = x;
      if (x > c->x1) c->x1 = x;
      if (y < c->y0) c->y0 = y;
      if (y > c->y1) c->y1 = y;
      c->sum_d += d;
      c->sum_w += ad;
      c->sum_wx += ad * (x + 0.5);
      c->sum_wy += ad * (y + 0.5);
      c->sum_var += sigma * sigma;
      if (ad > c->peak_abs) c->peak_abs = (float)ad;
      if (ad > sigma * c->peak_snr) c->peak_snr = (float)(ad / sigma);
      /* Core pixel: as in motion_blobs.c (second visit). */
      double nb = ad;
      if (x > 0) nb = fmax(nb, abs_d(m, frame, kp, use_gain, i - 1));
      if (x + 1 < w) nb = fmax(nb, abs_d(m, frame, kp, use_gain, i + 1));
      if (y > 0) nb = fmax(nb, abs_d(m, frame, kp, use_gain, i - (size_t)w));
      if (y + 1 < h) nb = fmax(nb, abs_d(m, frame, kp, use_gain, i + (size_t)w));
      if (ad < frac * nb) continue;
      if (x < c->cx0) c->cx0 = x;
      if (x > c->cx1) c->cx1 = x;
      if (y < c->cy0) c->cy0 = y;
      if (y > c->cy1) c->cy1 = y;
    }
  }
}

/* Replace component ci by the parts [xa[k], xb[k]] x [ya[k], yb[k]] (the
 * first in place, the others appended at nc), unless upright is set and
 * a part is not at least WL__SPLIT_UPRIGHT times as tall as wide (people
 * side by side give upright parts; a vehicle cut at its cooler windows or
 * wheels does not). Returns the new nc.
 * hcut (or NULL): mark the parts' edges that cut through a body (as
 * wl__motion_comp_t.cut): a left or right edge at the part's window, and
 * per part the person's height above its bottom edge (hcut[k][0]) and
 * below its top edge (hcut[k][1]; 0: none). An edge is marked when the
 * part's window is a cut there (inside the component) and the part's
 * core pixels reach that side of the window: the pixels there are the
 * body going on, not the person's edge, which the sub-pixel box would
 * read as a fully covered edge line with more body outside (up to a
 * pixel out); and a top or bottom row there is the prior's height in
 * whole rows.
 * mid (or NULL): per part the column its person is centred on (< 0:
 * none); a part with exactly one left or right side cut (as above) has
 * the column stored, negated, in its free side's cut slot: the cut side
 * is then the free side mirrored about it (motion_blobs.c, cut_edges()). */
#define WL__SPLIT_UPRIGHT 1.6
static size_t replace_by_parts(wl_motion_t *m, const wl_frame_t *frame,
                               const wl__motion_kparams_t *kp, int use_gain,
                               size_t ci, size_t nc, int n_parts,
                               const int *xa, const int *xb, const int *ya,
                               const int *yb, int upright,
                               const double (*hcut)[2], const double *mid) {
  if (n_parts < 2 || nc + (size_t)(n_parts - 1) > (size_t)m->p.max_components)
    return nc;
  wl__motion_comp_t parts[WL__SPLIT_MAX_PARTS];
  const wl__motion_comp_t *whole = &m->comps[ci];
  for (int k = 0; k < n_parts; k++) {
    wl__motion_comp_t *part = &parts[k];
    *part = *whole;
    measure_part(m, frame, kp, use_gain, whole->pol, xa[k], xb[k], ya[k],
                 yb[k], part);
    if (part->area == 0) return nc;
    if (hcut) {
      if (xa[k] > whole->x0 && part->cx0 <= xa[k])
        part->cut[0] = (float)xa[k];
      if (xb[k] < whole->x1 && part->cx1 >= xb[k])
        part->cut[1] = (float)(xb[k] + 1);
      if (hcut[k][0] > 0 && ya[k] > whole->y0 && part->cy0 <= ya[k])
        part->cut[2] = (float)hcut[k][0];
      if (hcut[k][1] > 0 && yb[k] < whole->y1 && part->cy1 >= yb[k])
        part->cut[3] = (float)hcut[k][1];
    }
    if (mid && mid[k] >= 0) {
      int cl = xa[k] > whole->x0 && part->cx0 <= xa[k];
      int cr = xb[k] < whole->x1 && part->cx1 >= xb[k];
      if (cl != cr) part->cut[cl ? 1 : 0] = (float)-mid[k];
    }
    int pw = part->x1 - part->x0 + 1, ph = part->y1 - part->y0 + 1;
    if (upright && ph < WL__SPLIT_UPRIGHT * pw) return nc;
    if (upright && m->p.person_px && m->p.person_px[part->y1] >= 6.0 &&
        pw > WL__SPLIT_NARROW * m->p.person_px[part->y1])
      return nc;
    double share = whole->sum_w > 0 ? part->sum_w / whole->sum_w : 0.0;
    for (int j = 0; j < 16; j++)
      part->shift_r[j] = (float)(whole->shift_r[j] * share);
  }
  m->comps[ci] = parts[0];
  for (int k = 1; k < n_parts; k++) m->comps[nc++] = parts[k];
  m->st.splits += (uint64_t)(n_parts - 1);
  return nc;
}

/* The column profile of component c's rows y0..y_end into m->col_acc
 * (columns x0..x1): each column's sum of |difference| over the pixels of
 * c's polarity. Returns the profile's total. */
static double column_profile(wl_motion_t *m, const wl_frame_t *frame,
                             const wl__motion_kparams_t *kp, int use_gain,
                             const wl__motion_comp_t *c, int y_end) {
  double *P = m->col_acc, total = 0;
  for (int x = c->x0; x <= c->x1; x++) P[x] = 0;
  for (int y = c->y0; y <= y_end; y++) {
    size_t o = (size_t)y * (size_t)m->w;
    for (int x = c->x0; x <= c->x1; x++)
      if ((m->mask[o + (size_t)x] & WL__STATE_BITS) == c->pol)
        P[x] += abs_d(m, frame, kp, use_gain, o + (size_t)x);
  }
  for (int x = c->x0; x <= c->x1; x++) total += P[x];
  return total;
}

/* Split component ci if it holds several objects side by side. */
static size_t split_columns(wl_motion_t *m, const wl_frame_t *frame,
                            const wl__motion_kparams_t *kp, int use_gain,
                            size_t ci, size_t nc) {
  const wl__motion_comp_t *c = &m->comps[ci];
  int x0 = c->x0, x1 = c->x1, y0 = c->y0, y1 = c->y1;
  double *P = m->col_acc;
  double total = column_profile(m, frame, kp, use_gain, c, y1);
  if (!(total > 0)) return nc;

  /* Cut points: each part is tried again until none splits. */
  int cuts[WL__SPLIT_MAX_PARTS + 1], n_parts = 1;
  cuts[0] = x0;
  cuts[1] = x1 + 1;
  int progress = 1;
  while (progress && n_parts < WL__SPLIT_MAX_PARTS) {
    progress = 0;
    for (int k = 0; k < n_parts && n_parts < WL__SPLIT_MAX_PARTS; k++) {
      int a = cuts[k], b = cuts[k + 1] - 1;
      double part_total = 0;
      for (int x = a; x <= b; x++) part_total += P[x];
      int v = find_cut(P, a, b, part_total, m->p.split_valley);
      if (v < 0) continue;
      /* The valley column goes to the side it resembles more. */
      int cut = P[v - 1] >= P[v + 1] ? v + 1 : v;
      memmove(&cuts[k + 2], &cuts[k + 1],
              (size_t)(n_parts - k) * sizeof cuts[0]);
      cuts[k + 1] = cut;
      n_parts++;
      progress = 1;
      k++;
    }
  }
  int xa[WL__SPLIT_MAX_PARTS], xb[WL__SPLIT_MAX_PARTS];
  int ya[WL__SPLIT_MAX_PARTS], yb[WL__SPLIT_MAX_PARTS];
  for (int k = 0; k < n_parts; k++) {
    xa[k] = cuts[k];
    xb[k] = cuts[k + 1] - 1;
    ya[k] = y0;
    yb[k] = y1;
  }
  return replace_by_parts(m, frame, kp, use_gain, ci, nc, n_parts, xa, xb,
                          ya, yb, 1, NULL, NULL);
}

/* The |d|-weighted mean column (pixel centres) of the pixels of polarity
 * pol in columns [xa, xb] x rows [ya, yb], or -1 when there are none. */
static double column_centroid(const wl_motion_t *m, const wl_frame_t *frame,
                              const wl__motion_kparams_t *kp, int use_gain,
                              int pol, int xa, int xb, int ya, int yb) {
  double sw = 0, sx = 0;
  for (int y = ya; y <= yb; y++) {
    size_t o = (size_t)y * (size_t)m->w;
    for (int x = xa; x <= xb; x++)
      if ((m->mask[o + (size_t)x] & WL__STATE_BITS) == pol) {
        double a = abs_d(m, frame, kp, use_gain, o + (size_t)x);
        sw += a;
        sx += a * (x + 0.5);
      }
  }
  return sw > 0 ? sx / sw : -1.0;
}

/* The columns [*xa, *xb] of a person of height hp whose pixels have their
 * mean column at c (none: the whole [x0, x1]), clipped to [x0, x1]. */
#define WL__SPLIT_PERSON_W 0.34 /* a walker's box: this x its height wide */
static void person_columns(double c, double hp, int x0, int x1, int *xa,
                           int *xb) {
  *xa = x0;
  *xb = x1;
  if (!(c >= 0)) return;
  double half = 0.5 * WL__SPLIT_PERSON_W * hp;
  int a = (int)floor(c - half), b = (int)ceil(c + half) - 1;
  if (a > x0) *xa = a;
  if (b < x1) *xb = b;
}

/* The foot row of a person whose head is row top, with the prior
 * person_px: three steps of yf = top + person_px[yf] - 1 from the bottom
 * row y1, each clipped to y1 (*at_bottom, if given, is set when a step
 * reached it); *h is the height of the last step. -1 where the prior is
 * under 6 px (too small to cut by). */
static int foot_row(const float *person, int top, int y1, double *h,
                    int *at_bottom) {
  int yf = y1;
  if (at_bottom) *at_bottom = 0;
  for (int it = 0; it < 3; it++) {
    *h = person[yf];
    if (!(*h >= 6.0)) return -1;
    yf = top + (int)lround(*h) - 1;
    if (yf >= y1) {
      if (at_bottom) *at_bottom = 1;
      yf = y1;
    }
  }
  return yf;
}

/* With a person-height prior, a narrow component WL__SPLIT_OVERLAP to
 * WL__SPLIT_TALL person heights tall (at its bottom row) is a nearer
 * person in front of a farther one whose head shows above the nearer
 * one's: there is no row between them to cut at, so it becomes two
 * overlapping parts. The nearer one stands on the bottom row: its rows
 * are the person height there, its columns a person's width about the
 * mean column of the rows below the farther one's feet (the nearer one's
 * legs), and out to the component's edge on the side away from the
 * farther one. The farther one's head is the top row: its foot row yf solves
 * yf - y0 + 1 = person_px[yf], its columns a person's width about the
 * mean column of the rows above the nearer one's head, less the top
 * WL__SPLIT_TALLER of the nearer one's height (a nearer person taller
 * than the prior shows its head there: people are up to 15 % taller
 * than the 1.7 m prior; at least the top row). Likewise the nearer one's
 * legs are the rows from WL__SPLIT_TALLER of the farther one's height
 * below yf (a farther person taller than the prior has its feet there;
 * crowd, tuning seeds 1-5: the farther feet lay 1.7 px below yf on
 * average and pulled the nearer centre towards them), at least the
 * bottom WL__SPLIT_LEG_ROWS rows. The rows above the
 * nearer head must carry WL__SPLIT_ABOVE of the contrast, and the
 * farther feet must lie above the nearer ones. R[y0 .. y1] is the
 * component's row profile, total its sum. */
#define WL__SPLIT_OVERLAP 1.2
#define WL__SPLIT_ABOVE 0.1
#define WL__SPLIT_TALLER 0.15
#define WL__SPLIT_LEG_ROWS 2
static size_t split_overlap(wl_motion_t *m, const wl_frame_t *frame,
                            const wl__motion_kparams_t *kp, int use_gain,
                            size_t ci, size_t nc, const double *R,
                            double total) {
  const wl__motion_comp_t *c = &m->comps[ci];
  int x0 = c->x0, x1 = c->x1, y0 = c->y0, y1 = c->y1, pol = c->pol;
  const float *person = m->p.person_px;
  double hn = person[y1], hf = hn;
  int near_top = y1 - (int)lround(hn) + 1, at_bottom;
  int yf = foot_row(person, y0, y1, &hf, &at_bottom);
  if (yf < 0 || at_bottom) return nc;
  if (near_top <= y0) return nc;
  double above = 0;
  for (int y = y0; y < near_top; y++) above += R[y];
  if (!(above >= WL__SPLIT_ABOVE * total)) return nc;
  int xa[2], xb[2], ya[2] = {near_top, y0}, yb[2] = {y1, yf};
  const double hcut[2][2] = {{hn, 0}, {0, hf}};
  double mid[2];
  int legs = yf + 1 + (int)lround(WL__SPLIT_TALLER * hf);
  if (legs > y1 + 1 - WL__SPLIT_LEG_ROWS)
    legs = y1 + 1 - WL__SPLIT_LEG_ROWS;
  if (legs < yf + 1) legs = yf + 1;
  mid[0] = column_centroid(m, frame, kp, use_gain, pol, x0, x1, legs, y1);
  person_columns(mid[0], hn, x0, x1, &xa[0], &xb[0]);
  int far_rows = near_top - 1 - (int)lround(WL__SPLIT_TALLER * hn);
  mid[1] = column_centroid(m, frame, kp, use_gain, pol, x0, x1, y0,
                           far_rows < y0 ? y0 : far_rows);
  person_columns(mid[1], hf, x0, x1, &xa[1], &xb[1]);
  /* The nearer person's legs are its own: on the side away from the
   * farther one its part runs to the component's edge. */
  if (mid[0] >= 0 && mid[1] >= 0) {
    if (mid[1] > mid[0])
      xa[0] = x0;
    else
      xb[0] = x1;
  }
  return replace_by_parts(m, frame, kp, use_gain, ci, nc, 2, xa, xb, ya, yb,
                          0, hcut, mid);
}

/* With a person-height prior: a narrow component taller than
 * WL__SPLIT_TALL x the height of a person standing on its bottom row
 * holds a nearer person in front of (below) a farther one with rows
 * between them. Cut it at the row of least contrast within a fifth of a
 * person's height of that person's head; the upper part must carry a
 * sixth of the contrast. A component WL__SPLIT_OVERLAP to WL__SPLIT_TALL
 * person heights tall goes to split_overlap(). */
#define WL__SPLIT_TALL 2.0
static size_t split_rows(wl_motion_t *m, const wl_frame_t *frame,
                         const wl__motion_kparams_t *kp, int use_gain,
                         size_t ci, size_t nc) {
  const wl__motion_comp_t *c = &m->comps[ci];
  int x0 = c->x0, x1 = c->x1, y0 = c->y0, y1 = c->y1, pol = c->pol;
  double hp = m->p.person_px[y1];
  int bh = y1 - y0 + 1;
  if (!(hp >= 6.0) || bh < WL__SPLIT_OVERLAP * hp ||
      x1 - x0 + 1 > WL__SPLIT_NARROW * hp)
    return nc;
  double *R = m->row_acc, total = 0, upper = 0;
  for (int y = y0; y <= y1; y++) {
    size_t o = (size_t)y * (size_t)m->w;
    R[y] = 0;
    for (int x = x0; x <= x1; x++)
      if ((m->mask[o + (size_t)x] & WL__STATE_BITS) == pol)
        R[y] += abs_d(m, frame, kp, use_gain, o + (size_t)x);
    total += R[y];
  }
  if (bh < WL__SPLIT_TALL * hp)
    return split_overlap(m, frame, kp, use_gain, ci, nc, R, total);
  int head = y1 - (int)lround(hp) + 1, reach = (int)(0.2 * hp + 0.5);
  int cut = -1;
  for (int y = head - reach; y <= head + reach; y++) {
    if (y <= y0 + 1 || y >= y1) continue;
    if (cut < 0 || R[y] < R[cut]) cut = y;
  }
  if (cut < 0) return nc;
  for (int y = y0; y < cut; y++) upper += R[y];
  if (6.0 * upper < total) return nc;
  int xa[2] = {x0, x0}, xb[2] = {x1, x1}, ya[2] = {cut, y0},
      yb[2] = {y1, cut - 1};
  return replace_by_parts(m, frame, kp, use_gain, ci, nc, 2, xa, xb, ya, yb,
                          0, NULL, NULL);
}

/* With a person-height prior: a component holding several people whose
 * bodies overlap in columns (side by side without a valley in the column
 * profile, or a group with some people behind others) still shows one
 * head per person on its upper contour T(x), the first row of the
 * component's polarity in column x (head split, split_heads()). A head
 * is a run of columns where T is lowest within WL__SPLIT_HEAD_R person
 * heights, at least WL__SPLIT_HEAD_LOW person heights above the bottom
 * row, at most WL__SPLIT_HEAD_W person heights wide one dip (dip:
 * WL__SPLIT_HEAD_DIP person heights, at least a row) below its top, and
 * a bump: within WL__SPLIT_HEAD_SIDE person heights on one side T falls
 * by WL__SPLIT_HEAD_PROM person heights (at least two rows: the drop to
 * the shoulders), on the other side it does too or rises again after a
 * fall of a dip (a neighbouring head). Two heads are separated by a dip
 * of T between them below the lower one, WL__SPLIT_HEAD_PROM when they
 * are more than WL__SPLIT_HEAD_FAR person heights apart (else one head:
 * the higher run is kept). Without two heads on the contour, a component
 * under WL__SPLIT_OVERLAP person heights tall (people at one depth) and
 * at most WL__SPLIT_NARROW person heights wide is tried
 * on the column profile of its top WL__SPLIT_BAND person heights (the
 * heads, narrower than the bodies), cut at its deepest valley at most
 * WL__SPLIT_BAND_VALLEY x the lower peak (find_cut): one head at the
 * highest column on either side. Each head becomes a person: its rows
 * from the head's top row ty down to the foot row yf solving
 * yf - ty + 1 = person_px[yf] (at most the bottom row), its columns
 * WL__SPLIT_PERSON_W x its height wide about the |d|-weighted mean
 * column of the head's pixels. Visited: components at least
 * WL__SPLIT_HEADS_MIN_H person heights tall, wider than a person's part
 * and at most WL__SPLIT_HEADS_MAX_W person heights wide, that no other
 * cut split (parts are marked person_part and not tried again).
 * Vehicles and animals, whose roofs, humps and heads are bumps too, are
 * kept whole by three tests: the component fills at least
 * WL__SPLIT_HEADS_FILL of its box (the vehicles seen near have holes:
 * cold glass, cool panels), it is at most WL__SPLIT_HEADS_SPAN person
 * heights wide per head, and under every head there is a body: at least
 * WL__SPLIT_HEAD_COVER of the rows down to its feet have a pixel in the
 * head's columns +- 1 (a camel's head sticks out over empty ground). */
#define WL__SPLIT_HEAD_R 0.12
#define WL__SPLIT_HEAD_W 0.25
#define WL__SPLIT_HEAD_DIP 0.05
#define WL__SPLIT_HEAD_PROM 0.1
#define WL__SPLIT_HEAD_SIDE 0.25
#define WL__SPLIT_HEAD_FAR 0.5
#define WL__SPLIT_HEAD_LOW 0.7
#define WL__SPLIT_HEADS_MIN_H 0.8
#define WL__SPLIT_HEADS_MAX_W 3.0
#define WL__SPLIT_HEADS_FILL 0.35
#define WL__SPLIT_HEADS_SPAN 1.2
#define WL__SPLIT_HEAD_COVER 0.85
#define WL__SPLIT_BAND 0.25
#define WL__SPLIT_BAND_VALLEY 0.55

/* The first row of polarity pol in column x within [y0, y1], or y1 + 1. */
static int top_row(const wl_motion_t *m, int pol, int x, int y0, int y1) {
  for (int y = y0; y <= y1; y++)
    if ((m->mask[(size_t)y * (size_t)m->w + (size_t)x] & WL__STATE_BITS) ==
        pol)
      return y;
  return y1 + 1;
}

/* Whether the upper contour T falls from the head run [x, e] on side dir
 * (-1 left, +1 right) within L columns: by prom rows (returns 2), or by
 * dip rows and rises again (a neighbouring head: returns 1); else 0. */
static int head_side(const double *T, int x0, int x1, int x, int e, int dir,
                     int L, int prom, int dip) {
  double down = T[x];
  for (int j = 1; j <= L; j++) {
    int k = dir < 0 ? x - j : e + j;
    if (k < x0 || k > x1) break;
    if (T[k] > down) down = T[k];
    if (down >= T[x] + prom) return 2;
    if (T[k] < down && down >= T[x] + dip) return 1;
  }
  return 0;
}

static size_t split_heads(wl_motion_t *m, const wl_frame_t *frame,
                          const wl__motion_kparams_t *kp, int use_gain,
                          size_t ci, size_t nc) {
  const wl__motion_comp_t *c = &m->comps[ci];
  int x0 = c->x0, x1 = c->x1, y0 = c->y0, y1 = c->y1, pol = c->pol;
  const float *person = m->p.person_px;
  double hp = person[y1];
  int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  if (c->person_part || !(hp >= 6.0) || bh < WL__SPLIT_HEADS_MIN_H * hp ||
      bw <= WL__SPLIT_PERSON_W * hp + 2.0 ||
      bw > WL__SPLIT_HEADS_MAX_W * hp ||
      c->area < WL__SPLIT_HEADS_FILL * bw * bh)
    return nc;
  double *T = m->col_acc;
  for (int x = x0; x <= x1; x++) T[x] = top_row(m, pol, x, y0, y1);
  int r = (int)lround(WL__SPLIT_HEAD_R * hp);
  int dip = (int)lround(WL__SPLIT_HEAD_DIP * hp);
  int prom = (int)lround(WL__SPLIT_HEAD_PROM * hp);
  int side = (int)ceil(WL__SPLIT_HEAD_SIDE * hp);
  double low = y1 - WL__SPLIT_HEAD_LOW * hp;
  if (r < 1) r = 1;
  if (dip < 1) dip = 1;
  if (prom < 2) prom = 2;
  /* Heads: maximal runs [ha, hb] of equal T, in column order. */
  int ha[WL__SPLIT_MAX_PARTS], hb[WL__SPLIT_MAX_PARTS], n = 0;
  for (int x = x0, e; x <= x1; x = e + 1) {
    e = x;
    while (e + 1 <= x1 && T[e + 1] == T[x]) e++;
    if (T[x] > low) continue;
    int ok = 1;
    for (int k = x - r; ok && k <= e + r; k++)
      if (k >= x0 && k <= x1 && T[k] < T[x]) ok = 0;
    if (!ok) continue;
    int a = x, b = e;
    while (a - 1 >= x0 && T[a - 1] < T[x] + dip) a--;
    while (b + 1 <= x1 && T[b + 1] < T[x] + dip) b++;
    if (b - a + 1 > WL__SPLIT_HEAD_W * hp + 1.0) continue;
    int sl = head_side(T, x0, x1, x, e, -1, side, prom, dip);
    int sr = head_side(T, x0, x1, x, e, 1, side, prom, dip);
    if (!sl || !sr || (sl < 2 && sr < 2)) continue;
    if (n > 0) {
      /* Separated from the previous head by a dip of T? */
      double deep = 0, ref = T[x] > T[ha[n - 1]] ? T[x] : T[ha[n - 1]];
      for (int k = hb[n - 1] + 1; k < x; k++)
        if (T[k] > deep) deep = T[k];
      int need = x - hb[n - 1] > WL__SPLIT_HEAD_FAR * hp ? prom : dip;
      if (deep < ref + need) {
        if (T[x] < T[ha[n - 1]]) { /* one head: keep the higher run */
          ha[n - 1] = x;
          hb[n - 1] = e;
        }
        continue;
      }
    }
    if (n == WL__SPLIT_MAX_PARTS) return nc;
    ha[n] = x;
    hb[n] = e;
    n++;
  }
  if (n < 2 && bh < WL__SPLIT_OVERLAP * hp && bw <= WL__SPLIT_NARROW * hp) {
    /* The head band's column profile (it overwrites T). */
    double *P = m->col_acc;
    int band = y0 + (int)lround(WL__SPLIT_BAND * hp) - 1;
    double total = column_profile(m, frame, kp, use_gain, c, band);
    int v = total > 0 ? find_cut(P, x0, x1, total, WL__SPLIT_BAND_VALLEY)
                      : -1;
    if (v < 0) return nc;
    int left = x0, right = v + 1;
    for (int x = x0; x < v; x++)
      if (P[x] > P[left]) left = x;
    for (int x = v + 1; x <= x1; x++)
      if (P[x] > P[right]) right = x;
    n = 2;
    ha[0] = hb[0] = left;
    ha[1] = hb[1] = right;
    T[left] = top_row(m, pol, left, y0, y1);
    T[right] = top_row(m, pol, right, y0, y1);
  }
  if (n < 2 || bw > n * WL__SPLIT_HEADS_SPAN * hp) return nc;
  int xa[WL__SPLIT_MAX_PARTS], xb[WL__SPLIT_MAX_PARTS];
  int ya[WL__SPLIT_MAX_PARTS], yb[WL__SPLIT_MAX_PARTS];
  for (int k = 0; k < n; k++) {
    int ty = (int)T[ha[k]];
    double hf = hp;
    int yf = foot_row(person, ty, y1, &hf, NULL);
    if (yf < 0) return nc;
    /* The head's pixels: its run +- r columns, its top 2 dips of rows. */
    int band = ty + (int)lround(2.0 * WL__SPLIT_HEAD_DIP * hf);
    if (band > y1) band = y1;
    person_columns(column_centroid(m, frame, kp, use_gain, pol,
                                   ha[k] - r < x0 ? x0 : ha[k] - r,
                                   hb[k] + r > x1 ? x1 : hb[k] + r, ty, band),
                   hf, x0, x1, &xa[k], &xb[k]);
    ya[k] = ty;
    yb[k] = yf;
    /* The person's body under its head: the rows down to its feet. */
    int rows = 0, ca = ha[k] - 1 < x0 ? x0 : ha[k] - 1,
        cb = hb[k] + 1 > x1 ? x1 : hb[k] + 1;
    for (int y = ty; y <= yf; y++) {
      size_t o = (size_t)y * (size_t)m->w;
      for (int x = ca; x <= cb; x++)
        if ((m->mask[o + (size_t)x] & WL__STATE_BITS) == pol) {
          rows++;
          break;
        }
    }
    if (rows < WL__SPLIT_HEAD_COVER * (yf - ty + 1)) return nc;
  }
  size_t before = nc;
  nc = replace_by_parts(m, frame, kp, use_gain, ci, nc, n, xa, xb, ya, yb, 0,
                        NULL, NULL);
  if (nc != before) {
    m->comps[ci].person_part = 1;
    for (size_t k = before; k < nc; k++) m->comps[k].person_part = 1;
  }
  return nc;
}

size_t wl__motion_split(wl_motion_t *m, const wl_frame_t *frame,
                        const wl__motion_kparams_t *kp, int use_gain,
                        size_t nc) {
  if (!(m->p.split_aspect > 0)) return nc;
  size_t n = nc;
  /* Parts appended by a cut are visited too (a tall part may still hold
   * people side by side, the upper one more people above). The first
   * part of a column cut, left in place, is visited again for the row
   * cut only (a group too wide for the row cut may hold, in its first
   * column part, a nearer person in front of a farther one). */
  size_t rows_only = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    if (m->comps[i].state != WL__COMP_PASS) continue;
    if (m->p.person_px) {
      size_t before = n;
      n = split_rows(m, frame, kp, use_gain, i, n);
      if (n != before) {
        i--; /* the lower part, now in place, may split again */
        continue;
      }
    }
    if (i == rows_only) continue;
    const wl__motion_comp_t *c = &m->comps[i];
    int bw = c->x1 - c->x0 + 1, bh = c->y1 - c->y0 + 1;
    size_t before = n;
    if (bh >= 8 && bw >= 5 && bw >= m->p.split_aspect * bh) {
      int group = m->p.person_px &&
                  bw <= WL__SPLIT_GROUP_W * m->p.person_px[c->y1];
      n = split_columns(m, frame, kp, use_gain, i, n);
      if (n != before && group) {
        rows_only = i--;
        continue;
      }
    }
    if (n == before && m->p.person_px)
      n = split_heads(m, frame, kp, use_gain, i, n);
  }
  return n;
}
