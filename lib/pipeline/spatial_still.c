/*
 * spatial_still.c - targets that stand still in radiometric 16-bit video
 * (pipeline_int.h). The temporal background model (lib/motion) cannot see
 * a target that was already standing while it learned its background, and
 * slowly absorbs one that stops; both stay plainly visible in the single
 * frame as a blob clearly warmer than its surroundings. spatial_8bit.c is
 * 8-bit AGC video's counterpart. Four parts:
 *
 * 1. Search (wl__still_search): in each warm-up spot frame and then every
 *    search_every usable frames, candidate peaks are the 3x3 maxima at
 *    least max(still_min_k kelvin, still_min_snr x the frame's noise)
 *    above a coarse background (per 16x16 block, the median of the means
 *    of its 3x3 neighbourhood of blocks: a person covers a part of one or
 *    two). Each candidate (strongest first) outside the boxes already
 *    examined in this search gets the blob test below (warm,
 *    still_min_snr, still_min_k); each blob renews the nearest site (a
 *    place, site_px) or starts one; a site unseen for site_idle searches
 *    is dropped. The blocks' means and maxima come from one vectorised
 *    pass; only the blocks whose maximum reaches their limit are scanned
 *    for peaks (row by row, as the order decides which max_cand are kept).
 *
 * 2. Vouching (wl__still_vouch): when the spots end, a spot-born
 *    tentative track hit in still_min_hits frames and still_hit_frac of
 *    its frames, slower than still_max_speed, on a blob that passes the
 *    test, and every site found in still_min_hits searches (later:
 *    late_min_hits) and still_hit_frac of the searches since it was first
 *    found (or, with a standing person's shape, in the last person_run
 *    searches in a row: steady()) are vouched for: the slow warm track on
 *    the site (wl_tracker_vouch: kept when the spots end, confirmed by the
 *    static rule after static_vouched_hits hits), or, when no warm track
 *    covers the site, the blob is appended as a detection and the track
 *    born from it is vouched for after the update (wl__still_resolve);
 *    not when a vouched track's box holds the blob. A site whose blob
 *    holds the centres of site_max_held smaller confirmed tracks (a flock
 *    merged around a tracked animal) is neither, nor is a site seen to
 *    sway (swayed: its blob smaller than sway_max_h person heights on
 *    both sides, its centroid columns at least sway_px rms off the
 *    least-squares line through them against time after sway_min_hits
 *    searches: a bush swinging in the wind; a standing target keeps
 *    still, a slow one drifts along a line), nor a spot-born track on
 *    such a site. A blob that may still be such a bush (may_sway: small
 *    so, at least sway_min_px on its long side, less than sway_max_k
 *    above its ring) is not vouched for, by its site or its spot-born
 *    track, before its site has been followed sway_min_s (a swing takes
 *    seconds: judged in the first second, a bush was output for
 *    minutes), nor confirmed as a sure target. Early (spots_end 2, in
 *    the spot frames from early_min_hits searches on): the same with
 *    early_min_hits, but no blob is appended.
 *
 * 3. Continuation (wl__still_continue, before each update): every live
 *    vouched track (any state) is looked for at its prediction with the
 *    blob test, and the blob, when found, is appended as a detection
 *    (whether or not a temporal detection lies there too: the association
 *    keeps the track on its blob while passers-by keep theirs). A vouched
 *    track whose blob is gone (it walked off, it was occluded) lives on
 *    the temporal detections like any other, or dies.
 *
 * The blob test (blob_at): in the search window (the box grown by a
 * quarter of its long side, at least 2 px) the pixel most extreme in the
 * wanted polarity against a background (given, or the robust level of a
 * first ring around the window) is the peak. Its body level is the median
 * contrast of the pixels 8-connected to it down to min(a quarter of the
 * peak, half of min_k), and the blob is the pixels 8-connected to the peak
 * with at least half of that level (so a car's hot engine does not make
 * the blob the engine alone); it must close within max_blob_px of the
 * peak. The ring between the blob's box grown by 1 px and by max(3, half
 * its long side) px then gives the local background (median) and spread
 * (1.4826 x the median absolute deviation, at least the temporal noise;
 * robust, so that a passer-by in the ring does not hide the target): the
 * contrast (peak - background) must reach min_snr spreads and min_k
 * kelvin, and at most max_ring_frac of the ring may reach half the body
 * level (nothing as warm beside it). The detection: the blob's box, area,
 * contrast-weighted centroid and peak contrast in kelvin.
 *
 * 4. Output boxes (wl__still_refine, after each update): a small warm
 *    confirmed track on a piece of a larger blob of a target's size gets
 *    the blob's box in the pipeline's output (the blob cut at a higher
 *    level when it merges with warm ground or neighbours: blob_fit;
 *    on a flock's blob that holds other boxes' centres, none of them its
 *    own, cut until it holds none: refine_cut, cut_own; when no level
 *    cuts it, the part of the blob the other boxes leave: rest_of_blob;
 *    not a piece at the frame's left or right side and at least
 *    refine_side_h of the blob's height, a target the frame cuts:
 *    refine_side);
 *    with refine_residue (off by default) a residue of an animal whose
 *    own track holds the blob is left out; a track classed animal whose
 *    box is longer than any animal (group_max_w) gets the box of the
 *    animal near its centre, cut from the flock's blob the same way
 *    (cut_groups; see pipeline_int.h); then a track not classed person
 *    or vehicle whose box holds two other output targets' boxes is a
 *    box over a group, not output (group_hold_frac, drop_groups).
 *
 * wl__still_alone tells the pipeline which of a search's blobs (found[],
 * found_ok) are whole objects, not pieces of a larger warm one: fed to
 * the tracker as warm-up spots (pipeline.c).
 *
 * The blob's box is made sub-pixel like the motion detector's
 * (wl__motion_refine_box against the ring's level) when the pipeline
 * gives the motion detector and the frame, for blobs at most sub_max_w
 * person heights wide. wl__still_sure confirms, in the warm-up spot
 * frames, young tracks on an alone blob of a target's size (the camera's
 * person height per row; not one that may_sway): targets in view at
 * start-up are output from the first frame instead of after 3 hits and
 * 2 px of motion.
 *
 * Cost: a search is one pass over the frame (block sums and maxima,
 * memory-bound: about 40 us at 640 x 512) plus the scan of the few blocks
 * that can hold a candidate and O(blob + ring) per candidate outside the
 * boxes already examined; a continuation O(window + blob + ring) per
 * vouched track. The blob test compares integers: each contrast test
 * against a level becomes one bound on v ^ flip (u_bound, exact), and
 * the ring's median and MAD come from a histogram of its values (the
 * same values as a quickselect; the quickselect when they span
 * WL__STILL_HIST DN or more). The same output as the plain code, faster.
 * State: the blocks (means, backgrounds, maxima, limits), the candidates,
 * the blob's scratch ((2 max_blob_px + 1)^2 entries each of mask, pixels,
 * contrasts), ring samples and their histogram, sites and the vouched ids
 * (2 x max_tracks), the refine's piece flags (max_tracks bytes); nothing
 * is allocated after init.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clones_int.h"
#include "../core/select_int.h"
#include "../motion/motion_int.h"
#include "pipeline_int.h"

int wl__still_init(wl__still_t *st, int width, int height,
                   size_t max_tracks, wl_err_t *err) {
  memset(st, 0, sizeof *st);
  st->max_ring_frac = 0.1f;
  st->max_blob_px = 24;
  st->still_min_hits = 15;
  st->still_hit_frac = 0.8f;
  st->still_min_snr = 8.0f;
  st->still_min_k = 5.0f;
  st->still_max_speed = 1.0f;
  st->site_px = 2.0f;
  st->site_idle = 4;
  st->search_every = 8;
  st->late_min_hits = 5;
  st->person_run = 3;
  st->site_max_held = 1;
  st->sway_min_hits = 5;
  st->sway_px = 0.15f;
  st->sway_max_h = 0.4f;
  st->sway_min_s = 2.0f;
  st->sway_max_k = 8.0f;
  st->sway_min_px = 3.0f;
  st->sure_max_h = 1.3f;
  st->sure_max_w = 4.0f;
  st->sure_min_w = 0.2f;
  st->sure_min_h = 0.15f;
  st->sure_narrow_w = 1.0f;
  st->sure_wide_hits = 3;
  st->sure_track_box = 1.5f;
  st->sure_max_speed = 15.0f;
  st->sub_max_w = 1.0f;
  st->refine_max_area = 12.0f;
  st->refine_min_k = 3.0f;
  st->refine_min_snr = 2.0f;
  st->refine_ring_frac = 1.0f;
  st->refine_max_w = 2.0f;
  st->refine_part = 0.6f;
  st->refine_residue = 0.0f; /* off: it cost recall (DETECTION.md) */
  st->refine_cut = 2;
  st->refine_side = 1;
  st->refine_side_h = 0.4f;
  st->group_max_w = 1.5f;
  st->group_pad = 2.0f;
  st->group_hold_frac = 0.5f;
  st->refine_animal_edge = 1;
  st->block_px = 16;
  st->bx = (width + st->block_px - 1) / st->block_px;
  st->by = (height + st->block_px - 1) / st->block_px;
  st->max_cand = 256;
  st->width = width;
  st->cap = max_tracks;
  size_t side = 2 * (size_t)st->max_blob_px + 1;
  st->blk = calloc(2 * (size_t)st->bx * (size_t)st->by, sizeof *st->blk);
  st->cand = calloc((size_t)st->max_cand, sizeof *st->cand);
  st->bmax = calloc((size_t)st->bx * (size_t)st->by, sizeof *st->bmax);
  st->blim = calloc((size_t)st->bx * (size_t)st->by, sizeof *st->blim);
  st->col = calloc((size_t)width, sizeof *st->col);
  st->cmax = calloc((size_t)width, sizeof *st->cmax);
  st->tri = calloc(3 * (size_t)st->bx, sizeof *st->tri);
  st->on = calloc((size_t)st->bx, sizeof *st->on);
  st->seen = calloc(side * side, sizeof *st->seen);
  st->stack = calloc(side * side, sizeof *st->stack);
  st->val = calloc(side * side, sizeof *st->val);
  st->ring = calloc(WL__STILL_RING, sizeof *st->ring);
  st->ring16 = calloc(WL__STILL_RING, sizeof *st->ring16);
  st->hist = calloc(WL__STILL_HIST, sizeof *st->hist);
  st->ids = calloc(max_tracks, sizeof *st->ids);
  st->ids_next = calloc(max_tracks, sizeof *st->ids_next);
  st->piece = calloc(max_tracks, sizeof *st->piece);
  if (!st->blk || !st->bmax || !st->blim || !st->col || !st->cmax ||
      !st->tri || !st->on || !st->cand || !st->seen || !st->stack ||
      !st->val || !st->ring || !st->ring16 || !st->hist || !st->ids ||
      !st->ids_next || !st->piece)
    return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  return WL_OK;
}

void wl__still_free(wl__still_t *st) {
  free(st->blk);
  free(st->cand);
  free(st->bmax);
  free(st->blim);
  free(st->col);
  free(st->cmax);
  free(st->tri);
  free(st->on);
  free(st->seen);
  free(st->stack);
  free(st->val);
  free(st->ring);
  free(st->ring16);
  free(st->hist);
  free(st->ids);
  free(st->ids_next);
  free(st->piece);
  memset(st, 0, sizeof *st);
}

size_t wl__still_bytes(const wl__still_t *st) {
  if (!st->ids) return 0;
  size_t side = 2 * (size_t)st->max_blob_px + 1;
  size_t blocks = (size_t)st->bx * (size_t)st->by;
  return blocks * (2 * sizeof *st->blk + sizeof *st->bmax +
                   sizeof *st->blim) +
         (size_t)st->max_cand * sizeof *st->cand +
         (size_t)st->width * (sizeof *st->col + sizeof *st->cmax) +
         (size_t)st->bx * (3 * sizeof *st->tri + sizeof *st->on) +
         side * side *
             (sizeof *st->seen + sizeof *st->stack + sizeof *st->val) +
         WL__STILL_RING * (sizeof *st->ring + sizeof *st->ring16) +
         WL__STILL_HIST * sizeof *st->hist +
         2 * st->cap * sizeof *st->ids + st->cap * sizeof *st->piece;
}

/* Has track id been vouched for? */
static int vouched(const wl__still_t *st, uint64_t id) {
  for (size_t i = 0; i < st->n_ids; i++)
    if (st->ids[i] == id) return 1;
  return 0;
}

/* Remember track id as vouched for (when not yet). */
static void remember(wl__still_t *st, uint64_t id) {
  if (!vouched(st, id) && st->n_ids < st->cap) st->ids[st->n_ids++] = id;
}

/* The ring between box [x0, x1) x [y0, y1) grown by 1 px (inner) and
 * grown by 1 + r px (outer, clipped to the image), walked row by row as at
 * most two runs of columns, left and right of the inner box. */
typedef struct ring {
  int ix0, ix1, iy0, iy1, ox0, ox1, oy0, oy1;
} ring_t;

static ring_t ring_at(int width, int height, int x0, int x1, int y0, int y1,
                      int r) {
  ring_t g = {x0 - 1, x1 + 1, y0 - 1, y1 + 1, 0, 0, 0, 0};
  g.ox0 = g.ix0 - r > 0 ? g.ix0 - r : 0;
  g.oy0 = g.iy0 - r > 0 ? g.iy0 - r : 0;
  g.ox1 = g.ix1 + r < width ? g.ix1 + r : width;
  g.oy1 = g.iy1 + r < height ? g.iy1 + r : height;
  return g;
}

/* Row y's runs [ra[s], rb[s]) of the ring; returns how many (1 or 2). */
static int ring_runs(const ring_t *g, int y, int ra[2], int rb[2]) {
  int inner = y >= g->iy0 && y < g->iy1;
  ra[0] = g->ox0;
  rb[0] = inner ? (g->ix0 < g->ox1 ? g->ix0 : g->ox1) : g->ox1;
  ra[1] = inner && g->ix1 > g->ox0 ? g->ix1 : g->ox1;
  rb[1] = g->ox1;
  return 1 + inner;
}

/* Median, robust spread (1.4826 x the median absolute deviation) and
 * count of the ring between box [x0, x1) x [y0, y1) grown by 1 px and
 * grown by 1 + r px, clipped to the image: robust, so that another
 * object in the ring (a passer-by, the rest of a car) does not move them.
 * Every k-th pixel is taken when the ring has more than WL__STILL_RING.
 * Also the pipeline's cold-ghost test (pipeline_int.h). */
long wl__still_ring(wl__still_t *st, const uint16_t *img, int width,
                    int height, int x0, int x1, int y0, int y1, int r,
                    double *median, double *spread) {
  ring_t g = ring_at(width, height, x0, x1, y0, y1, r);
  long all = (long)(g.ox1 - g.ox0) * (long)(g.oy1 - g.oy0);
  long step = all / WL__STILL_RING + 1, skip = 0;
  /* The ring's pixels in row order, every step-th taken (at most
   * WL__STILL_RING: step > all / WL__STILL_RING), as runs left and right
   * of the inner box. */
  uint16_t *rs = st->ring16, lo = UINT16_MAX, hi = 0;
  size_t n = 0;
  for (int y = g.oy0; y < g.oy1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    int ra[2], rb[2], runs = ring_runs(&g, y, ra, rb);
    for (int s = 0; s < runs; s++) {
      int xa = ra[s], xb = rb[s];
      if (xb <= xa) continue;
      if (step == 1) {
        for (int x = xa; x < xb; x++) {
          uint16_t v = row[x];
          rs[n + (size_t)(x - xa)] = v;
          lo = v < lo ? v : lo;
          hi = v > hi ? v : hi;
        }
        n += (size_t)(xb - xa);
        continue;
      }
      for (int x = xa; x < xb; x++) {
        if (skip-- > 0) continue;
        skip = step - 1;
        uint16_t v = row[x];
        rs[n++] = v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
    }
  }
  if (n == 0) return 0;
  size_t k = n / 2;
  if (hi - lo >= WL__STILL_HIST) {
    /* A wide ring: quickselect. */
    for (size_t i = 0; i < n; i++) st->ring[i] = rs[i];
    float med = wl__select_kth(st->ring, n, k);
    for (size_t i = 0; i < n; i++) st->ring[i] = fabsf(st->ring[i] - med);
    *median = med;
    *spread = 1.4826 * wl__select_kth(st->ring, n, k);
    return (long)n * step;
  }
  /* Else counting: the k-th smallest value and then the k-th smallest
   * distance from it (integers: the same as the quickselect's). */
  uint16_t *h = st->hist;
  int range = hi - lo + 1;
  memset(h, 0, (size_t)range * sizeof *h);
  for (size_t i = 0; i < n; i++) h[rs[i] - lo]++;
  size_t cum = 0;
  int m = 0;
  while ((cum += h[m]) <= k) m++;
  cum = h[m];
  int d = 0;
  while (cum <= k) {
    d++;
    if (m - d >= 0) cum += h[m - d];
    if (m + d < range) cum += h[m + d];
  }
  *median = (double)(lo + m);
  *spread = 1.4826 * (double)(float)d;
  return (long)n * step;
}

/* The contrast tests of 16-bit values v against a level bg as integer
 * compares: u = v ^ flip (flip 0 for polarity +1, 0xFFFF for -1) grows
 * with the contrast pol * (v - bg), so the values passing a test are
 * those with u at least a bound (65536: none). The bound is estimated,
 * then moved while the exact double test says so (it is monotonic in u;
 * a NaN estimate: bisection). at_least: the test is contrast >= t, else
 * !(contrast < t) (the same but for a NaN). */
static int u_passes(uint32_t u, int pol, double bg, double t, int at_least) {
  double c = pol * ((double)(u ^ (pol > 0 ? 0u : 0xFFFFu)) - bg);
  return at_least ? c >= t : !(c < t);
}

static uint32_t u_bound(int pol, double bg, double t, int at_least) {
  double e = pol > 0 ? ceil(bg + t) : 65535.0 - floor(bg - t);
  uint32_t lo = 0, hi = 65536;
  if (e >= 0 && e <= 65536) {
    uint32_t u = (uint32_t)e;
    while (u > 0 && u_passes(u - 1, pol, bg, t, at_least)) u--;
    while (u < 65536 && !u_passes(u, pol, bg, t, at_least)) u++;
    return u;
  }
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (u_passes(mid, pol, bg, t, at_least))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* Ring pixels (as wl__still_ring) whose contrast pol * (v - mean) reaches
 * half. */
static long ring_high(const uint16_t *img, int width, int height, int x0,
                      int x1, int y0, int y1, int r, int pol, double mean,
                      double half) {
  ring_t g = ring_at(width, height, x0, x1, y0, y1, r);
  uint32_t flip = pol > 0 ? 0 : 0xFFFF, ub = u_bound(pol, mean, half, 1);
  long n = 0;
  for (int y = g.oy0; y < g.oy1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    int ra[2], rb[2], runs = ring_runs(&g, y, ra, rb);
    for (int s = 0; s < runs; s++) {
      int c = 0;
      for (int x = ra[s]; x < rb[s]; x++) c += ((uint32_t)row[x] ^ flip) >= ub;
      n += c;
    }
  }
  return n;
}

/* Is (x, y) inside the box (bx, by, bw, bh) grown by g px on each side? */
static int in_box(double x, double y, double bx, double by, double bw,
                  double bh, double g) {
  return x >= bx - g && x < bx + bw + g && y >= by - g && y < by + bh + g;
}

/* Is the centre of track o's box inside the box (bx, by, bw, bh)? */
static int centre_in(const wl_track_t *o, double bx, double by, double bw,
                     double bh) {
  return in_box(o->x + 0.5 * o->w, o->y + 0.5 * o->h, bx, by, bw, bh, 0);
}

/* Is (x, y) inside the box of dets[0 .. n) grown by g px? */
static int in_some_box(const wl_detection_t *dets, size_t n, double x,
                       double y, double g) {
  for (size_t k = 0; k < n; k++)
    if (in_box(x, y, dets[k].x, dets[k].y, dets[k].w, dets[k].h, g)) return 1;
  return 0;
}

/* Flood fill from (px, py): the 8-connected pixels whose contrast
 * pol * (v - bg) is at least thr, within max_blob_px (< 32768) of
 * (px, py). Their window coordinates (row << 16 | column) are left in
 * st->stack[0 .. *area) (and st->seen), their box in *x0 .. *x1,
 * *y0 .. *y1 (inclusive). Returns 1 when the region closed inside the
 * window, else 0. */
static int fill(wl__still_t *st, const uint16_t *img, int width, int height,
                int px, int py, int pol, double bg, double thr, int *x0,
                int *x1, int *y0, int *y1, int *area) {
  int b = st->max_blob_px, side = 2 * b + 1;
  uint32_t flip = pol > 0 ? 0 : 0xFFFF, ub = u_bound(pol, bg, thr, 0);
  memset(st->seen, 0, (size_t)side * (size_t)side);
  /* The 8 neighbours in the order of the loops below: offsets in the
   * mask, the image and the packed coordinates. */
  static const int dxs[8] = {-1, 0, 1, -1, 1, -1, 0, 1};
  static const int dys[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
  int soff[8], poff[8];
  ptrdiff_t ioff[8];
  for (int k = 0; k < 8; k++) {
    soff[k] = dys[k] * side + dxs[k];
    poff[k] = dys[k] * 65536 + dxs[k];
    ioff[k] = (ptrdiff_t)dys[k] * width + dxs[k];
  }
  int n = 0, done = 0, closed = 1;
  *x0 = *x1 = px;
  *y0 = *y1 = py;
  st->stack[n++] = (uint32_t)b << 16 | (uint32_t)b;
  st->seen[b * side + b] = 1;
  /* stack[0 .. done) are visited, stack[done .. n) queued: a queue that
   * keeps every pixel it took, as window row << 16 | window column. */
  while (done < n) {
    uint32_t q = st->stack[done++];
    int lx = (int)(q & 0xFFFF), ly = (int)(q >> 16);
    int x = px + lx - b, y = py + ly - b;
    if (x < *x0) *x0 = x;
    if (x > *x1) *x1 = x;
    if (y < *y0) *y0 = y;
    if (y > *y1) *y1 = y;
    if (lx > 0 && ly > 0 && lx < side - 1 && ly < side - 1 && x > 0 &&
        y > 0 && x < width - 1 && y < height - 1) {
      /* Away from the window's and the image's edges: no bounds tests. */
      const uint16_t *c = img + (size_t)y * (size_t)width + (size_t)x;
      uint8_t *sc = st->seen + ly * side + lx;
      for (int k = 0; k < 8; k++) {
        if (sc[soff[k]] || ((uint32_t)c[ioff[k]] ^ flip) < ub) continue;
        sc[soff[k]] = 1;
        st->stack[n++] = (uint32_t)((int32_t)q + poff[k]);
      }
      continue;
    }
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++) {
        int nx = x + dx, ny = y + dy, mx = lx + dx, my = ly + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        int in = mx >= 0 && my >= 0 && mx < side && my < side;
        if (in && st->seen[my * side + mx]) continue;
        if (((uint32_t)img[(size_t)ny * (size_t)width + (size_t)nx] ^ flip) <
            ub)
          continue;
        if (!in) {
          closed = 0;
          continue;
        }
        st->seen[my * side + mx] = 1;
        st->stack[n++] = (uint32_t)my << 16 | (uint32_t)mx;
      }
  }
  *area = n;
  return closed;
}

/* The blob test (see the top) for polarity pol (+1 warm, -1 cold) in the
 * search window around (pcx, pcy) of a bw x bh box; 1 and *d filled
 * (peak_contrast in DN times k_per_dn) when found. With max_w > 0, a blob
 * that does not close or is wider than max_w px at its level is
 * cut at a higher level until it fits (up to 0.8 of the peak; -6 when it
 * never does): the animal, not the warm ground or the neighbours it
 * touches at the body's half level. */
static int blob_fit(wl__still_t *st, const uint16_t *img, int width,
                    int height, double noise, double k_per_dn, double pcx,
                    double pcy, double bw, double bh, int pol,
                    double min_snr, double min_k, double ring_frac,
                    double bg, double max_w, wl_detection_t *d) {
  double lng = bw > bh ? bw : bh;
  double m = fmax(2.0, 0.25 * lng);
  int sx0 = (int)floor(pcx - 0.5 * bw - m), sx1 = (int)ceil(pcx + 0.5 * bw + m);
  int sy0 = (int)floor(pcy - 0.5 * bh - m), sy1 = (int)ceil(pcy + 0.5 * bh + m);
  if (sx0 < 0) sx0 = 0;
  if (sy0 < 0) sy0 = 0;
  if (sx1 > width) sx1 = width;
  if (sy1 > height) sy1 = height;
  if (sx1 - sx0 < 1 || sy1 - sy0 < 1) return 0;
  int r = (int)ceil(fmax(4.0, 0.5 * lng));
  double mean0 = bg, sd0;
  if (isnan(bg) &&
      wl__still_ring(st, img, width, height, sx0, sx1, sy0, sy1, r, &mean0,
                 &sd0) < 16)
    return 0;
  /* The peak of polarity pol in the window: the first pixel (in row
   * order) of the largest u = v ^ flip, as the contrast pol * (v - mean0)
   * grows strictly with u (the difference is exact in double); none when
   * that contrast is not positive. */
  uint32_t flip = pol > 0 ? 0 : 0xFFFF, umax = 0;
  for (int y = sy0; y < sy1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = sx0; x < sx1; x++) {
      uint32_t u = (uint32_t)row[x] ^ flip;
      umax = u > umax ? u : umax;
    }
  }
  int px = -1, py = -1;
  for (int y = sy0; y < sy1 && px < 0; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = sx0; x < sx1; x++)
      if (((uint32_t)row[x] ^ flip) == umax) {
        px = x;
        py = y;
        break;
      }
  }
  double best = pol * ((double)(umax ^ flip) - mean0);
  if (!(best > 0)) px = -1;
  if (px < 0 || best < min_snr * fmax(noise, 1e-9)) return 0;
  /* The blob: 8-connected pixels of at least half the contrast of its
   * body (see the top), within max_blob_px of the peak. */
  int b = st->max_blob_px, side = 2 * b + 1;
  double t0 = fmax(3.0 * noise,
                   fmin(0.25 * best, k_per_dn > 0 ? 0.5 * min_k / k_per_dn
                                                  : 0.25 * best));
  double level = best;
  int bx0, bx1, by0, by1, area;
  if (fill(st, img, width, height, px, py, pol, mean0, t0, &bx0, &bx1, &by0,
           &by1, &area)) {
    /* The median contrast of the low-level blob: its body. */
    int n = 0;
    for (int k = 0; k < area; k++) {
      uint32_t q = st->stack[k];
      int x = px + (int)(q & 0xFFFF) - b;
      int y = py + (int)(q >> 16) - b;
      st->val[n++] =
          (float)(pol * ((double)img[(size_t)y * (size_t)width + (size_t)x] -
                         mean0));
    }
    level = fmin(best, wl__select_kth(st->val, (size_t)n, (size_t)n / 2));
  }
  double thr = fmax(t0, 0.5 * level);
  int closed = fill(st, img, width, height, px, py, pol, mean0, thr, &bx0,
                    &bx1, &by0, &by1, &area);
  /* Open or wider than max_w (when given; a height limit too cost
   * long-range): the peak's target merged at this level with warm ground
   * or a neighbour; the level rises by a tenth of the peak's contrast at a
   * time, up to 0.8 of it, until the blob closes and fits (its body level
   * is then twice the level). */
  if (max_w > 0) {
    while (!closed || bx1 - bx0 + 1 > max_w) {
      thr += 0.1 * best;
      if (thr > 0.8 * best) return -6;
      closed = fill(st, img, width, height, px, py, pol, mean0, thr, &bx0,
                    &bx1, &by0, &by1, &area);
    }
    level = fmax(level, 2.0 * thr);
  }
  /* The box examined, also for a caller that skips what was examined. */
  d->x = bx0;
  d->y = by0;
  d->w = bx1 - bx0 + 1;
  d->h = by1 - by0 + 1;
  if (!closed) return -2;
  /* The local background around the blob. */
  int bwid = bx1 - bx0 + 1, bhgt = by1 - by0 + 1;
  int r2 = (int)ceil(fmax(3.0, 0.5 * (bwid > bhgt ? bwid : bhgt)));
  double mean, sd;
  long n_ring = wl__still_ring(st, img, width, height, bx0, bx1 + 1, by0,
                           by1 + 1, r2, &mean, &sd);
  if (n_ring < 16) return 0;
  if (sd < noise) sd = noise;
  double peak = pol * ((double)img[(size_t)py * (size_t)width + (size_t)px] -
                       mean);
  if (peak <= 0 || peak < min_snr * sd) return -3;
  if (k_per_dn > 0 && peak * k_per_dn < min_k) return -4;
  double half = 0.5 * fmin(peak, level);
  if ((double)ring_high(img, width, height, bx0, bx1 + 1, by0, by1 + 1, r2,
                        pol, mean, half) >
      ring_frac * (double)n_ring)
    return -5;
  /* Centroid of the blob, weighted by contrast against the ring. */
  double sw = 0, swx = 0, swy = 0;
  for (int ly = by0 - py + b; ly <= by1 - py + b; ly++)
    for (int lx = bx0 - px + b; lx <= bx1 - px + b; lx++) {
      if (!st->seen[ly * side + lx]) continue;
      int x = px + lx - b, y = py + ly - b;
      double c = pol * ((double)img[(size_t)y * (size_t)width + (size_t)x] -
                        mean);
      if (c <= 0) continue;
      sw += c;
      swx += c * (x + 0.5);
      swy += c * (y + 0.5);
    }
  if (sw <= 0) return 0;
  memset(d, 0, sizeof *d);
  d->x = bx0;
  d->y = by0;
  d->w = bwid;
  d->h = bhgt;
  d->cx = swx / sw;
  d->cy = swy / sw;
  d->area = area;
  d->polarity = pol;
  d->peak_contrast = pol * peak * (k_per_dn > 0 ? k_per_dn : 1.0);
  d->snr = peak / sd;
  /* Sub-pixel box, as the motion detector's and the warm-up spots': each
   * edge by the covered part of its outer line, or outward by the part of
   * the line beyond it, against the ring's level with its spread as the
   * noise. Only for blobs at most sub_max_w person heights wide (people,
   * animals; every blob without person_px): a wide blob is mostly a
   * vehicle, whose half-body-level blob (the hot engine's level) already
   * misses its cooler parts, so moving its edges in made it worse. */
  int narrow = 1;
  if (st->person_px) {
    double ph = st->person_px[by1 < height ? by1 : height - 1];
    narrow = !(ph > 0) || bwid <= st->sub_max_w * ph;
  }
  if (st->motion && st->frame && st->frame->data == img && narrow) {
    wl__motion_sview_t v = {st->motion, st->frame, NULL, 0,
                            pol > 0 ? WL__FG_WARM : WL__FG_COLD, mean, sd};
    /* Its level (the contrast of the edges' inward neighbours is floored
     * at half of it) is the body's, not a hot engine's. */
    wl__motion_refine_box(&v, fmin(peak, 2.0 * level), d->cx, d->cy, bx0,
                          bx1, by0, by1, d);
  }
  return 1;
}

/* blob_fit without a size: the blob at the body's half level. */
static int blob_at(wl__still_t *st, const uint16_t *img, int width,
                   int height, double noise, double k_per_dn, double pcx,
                   double pcy, double bw, double bh, int pol, double min_snr,
                   double min_k, double ring_frac, double bg,
                   wl_detection_t *d) {
  return blob_fit(st, img, width, height, noise, k_per_dn, pcx, pcy, bw, bh,
                  pol, min_snr, min_k, ring_frac, bg, 0, d);
}

int wl__still_alone(wl__still_t *st, const uint16_t *img, int width,
                    int height, double noise, double k_per_dn,
                    const wl_detection_t *d) {
  if (!(k_per_dn > 0) || d->polarity <= 0) return 0;
  int x0 = (int)d->x, y0 = (int)d->y;
  int x1 = x0 + (int)d->w, y1 = y0 + (int)d->h;
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > width) x1 = width;
  if (y1 > height) y1 = height;
  int px = -1, py = -1, best = -1;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (img[(size_t)y * (size_t)width + (size_t)x] > best) {
        best = img[(size_t)y * (size_t)width + (size_t)x];
        px = x;
        py = y;
      }
  if (px < 0) return 0;
  /* Against the search's coarse background, not the blob's ring (which a
   * larger object may fill). */
  const float *low = st->blk + (size_t)st->bx * (size_t)st->by;
  double bg = low[(size_t)(py / st->block_px) * (size_t)st->bx +
                  (size_t)(px / st->block_px)];
  double peak = best - bg;
  if (peak <= 0) return 0;
  double t0 = fmax(3.0 * noise, fmin(0.25 * peak, 0.5 * st->still_min_k /
                                                      k_per_dn));
  int bx0, bx1, by0, by1, area;
  return fill(st, img, width, height, px, py, 1, bg, t0, &bx0, &bx1, &by0,
              &by1, &area);
}

/* A site's sway: the rms distance, px, of its blobs' centroid columns
 * from the least-squares line through them against time (0 with fewer
 * than 3). */
static double site_sway(const wl__still_site_t *s) {
  double n = s->hits;
  if (n < 3) return 0.0;
  double tt = s->ftt - s->ft * s->ft / n;
  double sxt = s->fxt - s->ft * s->fx / n;
  double r = s->fxx - s->fx * s->fx / n - (tt > 0.0 ? sxt * sxt / tt : 0.0);
  return r > 0.0 ? sqrt(r / (n - 2.0)) : 0.0;
}

/* Is site s within site_px of (x, y)? */
static int site_within(const wl__still_t *st, const wl__still_site_t *s,
                       double x, double y) {
  double dx = s->x - x, dy = s->y - y;
  return dx * dx + dy * dy <= (double)st->site_px * st->site_px;
}

/* Is (x, y) within site_px of a site seen to sway? */
static int on_swaying_site(const wl__still_t *st, double x, double y) {
  for (int k = 0; k < st->n_sites; k++)
    if (st->sites[k].swayed && site_within(st, &st->sites[k], x, y))
      return 1;
  return 0;
}

/* The person height (st->person_px, which must be set) on the row of a
 * box whose bottom edge lies at `bottom` px, clipped to the frame's
 * height rows. */
static double person_below(const wl__still_t *st, int height,
                           double bottom) {
  int yb = (int)ceil(bottom) - 1;
  yb = yb < 0 ? 0 : yb >= height ? height - 1 : yb;
  return st->person_px[yb];
}

/* Is a box w x h px whose bottom edge lies at `bottom` px (in a frame
 * height rows tall) smaller than sway_max_h person heights on both sides
 * at its bottom row (st->person_px; never without it)? */
static int small_box(const wl__still_t *st, int height, double w, double h,
                     double bottom) {
  if (!st->person_px) return 0;
  double ph = person_below(st, height, bottom);
  return ph > 0 && w < st->sway_max_h * ph && h < st->sway_max_h * ph;
}

/* Is blob d small so (small_box)? */
static int small_blob(const wl__still_t *st, int height,
                      const wl_detection_t *d) {
  return small_box(st, height, d->w, d->h, d->y + d->h);
}

/* Could a blob w x h px, k kelvin above its ring, whose bottom edge lies
 * at `bottom` px, be a bush whose sway has yet to be judged: small
 * (small_box), not a point (sway_min_px on its long side) and no warmer
 * than vegetation gets (below sway_max_k)? */
static int may_sway(const wl__still_t *st, int height, double w, double h,
                    double k, double bottom) {
  return st->sway_min_s > 0 && st->sway_px > 0 && k < st->sway_max_k &&
         (w >= st->sway_min_px || h >= st->sway_min_px) &&
         small_box(st, height, w, h, bottom);
}

/* Is a site whose blob may_sway followed for less than sway_min_s, too
 * short for a bush's swing to show? Its blob as last found, at its first
 * centroid's row plus half its height (as upright_person). */
static int sway_unjudged(const wl__still_t *st, int height,
                         const wl__still_site_t *site) {
  return site->span_s < st->sway_min_s &&
         may_sway(st, height, site->w, site->h, site->k,
                  site->y + 0.5 * site->h);
}

/* Is small blob d (small_blob) on no site within site_px of its centroid
 * followed for sway_min_s (sway_px on)? Such a blob may be a bush not yet
 * seen to sway: neither vouched for nor confirmed as a sure target. */
static int sway_unjudged_blob(const wl__still_t *st, int height,
                              const wl_detection_t *d) {
  if (!may_sway(st, height, d->w, d->h, d->peak_contrast, d->y + d->h))
    return 0;
  for (int k = 0; k < st->n_sites; k++)
    if (st->sites[k].span_s >= st->sway_min_s &&
        site_within(st, &st->sites[k], d->cx, d->cy))
      return 0;
  return 1;
}

/* How many confirmed tracks of all[0..n) but skip, each with a box of at
 * most half blob d's area, have their centre in d's box? */
static int held_confirmed(const wl_track_t *all, size_t n, size_t skip,
                          const wl_detection_t *d) {
  int held = 0;
  for (size_t i = 0; i < n; i++)
    if (i != skip && all[i].state == WL_TRACK_CONFIRMED &&
        all[i].w * all[i].h <= 0.5 * d->w * d->h &&
        in_box(all[i].cx, all[i].cy, d->x, d->y, d->w, d->h, 0))
      held++;
  return held;
}

/* Has a site's blob (its box when last found, its centroid when first
 * found) a standing person's shape: upright (at least twice as tall as
 * wide) and 0.6-1.5 person heights tall at its bottom row (person_px)?
 * Never without person_px. */
static int upright_person(const wl__still_t *st, int height,
                          const wl__still_site_t *site) {
  if (!st->person_px) return 0;
  double ph = person_below(st, height, site->y + 0.5 * site->h);
  return ph > 0 && site->h >= 2.0 * site->w && site->h >= 0.6 * ph &&
         site->h <= 1.5 * ph;
}

/* Is a site steady enough to vouch for: found in min_hits searches and
 * in still_hit_frac of the searches since it was first found, or, with
 * a standing person's shape, in the last min_hits searches in a row
 * (later: person_run)? In a crowd the passers-by merge with a standing
 * person's blob in many searches (the blob's centroid then lies off the
 * site, or the blob fails the test), so the fraction since the site was
 * born stayed under still_hit_frac for seconds after the crowd had
 * passed: the person was not output (crowd, tuning seeds 1-10: one of
 * the two standing people missing for 100-200 frames in 7 of 10 runs).
 * Only upright people: a grazing animal in a flock comes and goes too,
 * and vouched for sooner its track held it at its old place (nuisance,
 * 5-minute runs: AssA 0.486 -> 0.473 without the shape test). */
static int steady(const wl__still_t *st, int height,
                  const wl__still_site_t *site, int spots_end, int min_hits,
                  int searches) {
  if (site->hits >= min_hits &&
      (double)site->hits >= st->still_hit_frac * (double)searches)
    return 1;
  int run = spots_end || st->person_run <= 0 ? min_hits : st->person_run;
  return site->run >= run && upright_person(st, height, site);
}

size_t wl__still_vouch(wl__still_t *st, wl_tracker_t *tr, const uint16_t *img,
                       int width, int height, double noise, double k_per_dn,
                       int spots_end, wl_detection_t *dets, size_t *n_dets,
                       size_t max_dets) {
  size_t n_all, kept = 0;
  const wl_track_t *all = wl_tracker_tracks(tr, &n_all);
  int min_hits = spots_end == 2 ? st->early_min_hits
                 : spots_end   ? st->still_min_hits
                               : st->late_min_hits;
  /* The spots (end): steady spot-born tentative tracks on a warm blob. */
  for (size_t i = 0; i < n_all && spots_end; i++) {
    const wl_track_t *t = &all[i];
    wl_detection_t d;
    if (t->state != WL_TRACK_TENTATIVE || t->hits < min_hits ||
        (double)t->hits < st->still_hit_frac * (double)t->age ||
        t->contrast <= 0 || hypot(t->vx, t->vy) > st->still_max_speed ||
        on_swaying_site(st, t->cx, t->cy) ||
        blob_at(st, img, width, height, noise, k_per_dn, t->cx, t->cy, t->w,
                t->h, 1, st->still_min_snr, st->still_min_k, st->max_ring_frac,
                NAN, &d) <= 0 ||
        sway_unjudged_blob(st, height, &d))
      continue;
    wl_tracker_vouch(tr, t->id);
    remember(st, t->id);
    kept++;
  }
  /* Sites seen steadily: the slow track on the blob is vouched for, or
   * the blob becomes a detection (its track is known after the update:
   * wl__still_resolve). A site a vouched track covers is left alone. */
  st->n_pending = 0;
  for (int k = 0; k < st->n_sites; k++) {
    const wl__still_site_t *site = &st->sites[k];
    int searches = st->search_frames - site->born + 1;
    wl_detection_t d;
    if (!steady(st, height, site, spots_end, min_hits, searches)) continue;
    if (site->swayed || sway_unjudged(st, height, site)) continue;
    /* The track on the site: the first warm one whose box holds it (a
     * cold track there is a ghost or the cold trail a group left behind
     * it, not this warm target). */
    int on = -1, covered = 0;
    for (size_t i = 0; i < n_all && !covered; i++)
      if (in_box(site->x, site->y, all[i].x, all[i].y, all[i].w, all[i].h,
                 1)) {
        covered = vouched(st, all[i].id);
        if (on < 0 && all[i].contrast > 0) on = (int)i;
      }
    if (covered || blob_at(st, img, width, height, noise, k_per_dn, site->x,
                           site->y, site->w, site->h, 1, st->still_min_snr,
                           st->still_min_k, st->max_ring_frac, NAN, &d) <= 0)
      continue;
    /* The blob the site's window found (its peak may be a neighbour's)
     * held by a vouched track: that target is tracked already (a standing
     * person's vouched track pulled aside by a passer-by for a few frames
     * got a second track on its own blob). */
    int held_vouched = 0;
    for (size_t i = 0; i < n_all && !held_vouched; i++)
      held_vouched = vouched(st, all[i].id) &&
                     in_box(d.cx, d.cy, all[i].x, all[i].y, all[i].w,
                            all[i].h, 1);
    if (held_vouched) continue;
    /* A blob that holds a smaller target already tracked (site_max_held)
     * is a group or a flock merged around it, not one standing target
     * (nuisance: a row of sheep vouched for and confirmed as static on
     * none of them; docs/DETECTION.md, tuning log "Nuisance: a site around
     * a tracked sheep is not vouched for"). */
    if (st->site_max_held > 0 &&
        held_confirmed(all, n_all, on >= 0 ? (size_t)on : n_all, &d) >=
            st->site_max_held)
      continue;
    if (on >= 0) {
      /* A warm site vouches for a warm track only: a cold one whose box
       * holds it (a ghost beside a warm animal) is not the warm target. */
      if (hypot(all[on].vx, all[on].vy) > st->still_max_speed ||
          all[on].contrast <= 0)
        continue;
      wl_tracker_vouch(tr, all[on].id);
      remember(st, all[on].id);
      kept++;
    } else if (spots_end != 2 && *n_dets < max_dets &&
               st->n_pending < WL__STILL_SITES) {
      st->pending[st->n_pending++] = (int)*n_dets;
      dets[(*n_dets)++] = d;
      kept++;
    }
  }
  return kept;
}

/* Is blob d of a size a target could have where it stands (see
 * sure_needs(); st->person_px set)? *ph: the person height at its bottom
 * row (0 at and above the horizon). */
static int target_sized(const wl__still_t *st, int height,
                        const wl_detection_t *d, double *ph) {
  *ph = person_below(st, height, d->y + d->h);
  if (!(*ph > 0)) return d->w <= 7.0 && d->h <= 7.0;
  return !(d->h > st->sure_max_h * *ph || d->w > st->sure_max_w * *ph ||
           d->h < st->sure_min_h * *ph || d->w < st->sure_min_w * *ph);
}

/* How many hits (one in each of its first frames) a track on blob d
 * needs to be confirmed as a sure warm target, or 0 when d is of no size
 * a target could have where it stands. With st->person_px (the pixel height
 * of a 1.7 m person whose feet are on each row, 0 at and above the
 * horizon): at least sure_min_h and at most sure_max_h person heights
 * tall and between sure_min_w and sure_max_w wide at its bottom row (a
 * thinner blob is a hot strip of a vehicle, a truck's; in the sky: at most
 * the spots' 7 px a side, a bird, not a cloud's edge); sure_hits when at
 * most sure_narrow_w person heights wide (a person, an animal), else
 * sure_wide_hits (a vehicle, or a group: early blobs of those are often
 * partly learned into the background, and a track confirmed on one kept
 * the wrong box). */
static int sure_needs(const wl__still_t *st, int height,
                      const wl_detection_t *d) {
  double ph;
  if (!target_sized(st, height, d, &ph)) return 0;
  if (!(ph > 0)) return st->sure_hits;
  return d->w <= st->sure_narrow_w * ph ? st->sure_hits
         : st->sure_wide_hits > st->sure_hits ? st->sure_wide_hits
                                              : st->sure_hits;
}

/* sure_needs() for track t on blob d (the blob about the warmest pixel
 * near it), judged with the track's own box too when that spans more
 * than sure_track_box times the blob's width: the detection the track
 * was born on can hold several targets side by side (at start-up a row
 * of sheep or camels merged into one 20-35 px detection, the blob one
 * animal of it), and the track keeps that box. The box's width, not its
 * height: a person's early box is often taller than its blob. */
static int sure_needs_whole(const wl__still_t *st, int height,
                            const wl_track_t *t, const wl_detection_t *d) {
  int need = sure_needs(st, height, d);
  if (!(st->sure_track_box > 0) || need <= 0) return need;
  wl_detection_t u = *d;
  u.x = fmin(d->x, t->x);
  u.w = fmax(d->x + d->w, t->x + t->w) - u.x;
  if (!(u.w > st->sure_track_box * d->w)) return need;
  int need_u = sure_needs(st, height, &u);
  return need_u == 0 || need_u > need ? need_u : need;
}

/* Is track t faster than sure_max_speed person heights per second at
 * blob d's bottom row (0: no bound; no bound in the sky)? */
static int too_fast(const wl__still_t *st, int height, const wl_track_t *t,
                    const wl_detection_t *d) {
  double ph = person_below(st, height, d->y + d->h);
  return st->sure_max_speed > 0 && ph > 0 &&
         hypot(t->vx, t->vy) > st->sure_max_speed * ph;
}

size_t wl__still_sure(wl__still_t *st, wl_tracker_t *tr, const uint16_t *img,
                      int width, int height, double noise, double k_per_dn) {
  size_t n_all, kept = 0;
  if (st->sure_hits <= 0 || !st->person_px || !(k_per_dn > 0)) return 0;
  int most = st->sure_wide_hits > st->sure_hits ? st->sure_wide_hits
                                                : st->sure_hits;
  const wl_track_t *all = wl_tracker_tracks(tr, &n_all);
  uint64_t ids[64];
  int n_ids = 0;
  for (size_t i = 0; i < n_all; i++) {
    const wl_track_t *t = &all[i];
    wl_detection_t d;
    if (t->state != WL_TRACK_TENTATIVE || t->hits < st->sure_hits ||
        t->hits > most || t->age != t->hits || t->det_index < 0 ||
        t->contrast < st->still_min_k ||
        blob_at(st, img, width, height, noise, k_per_dn, t->cx, t->cy, t->w,
                t->h, 1, st->still_min_snr, st->still_min_k, st->max_ring_frac,
                NAN, &d) <= 0)
      continue;
    int need = sure_needs_whole(st, height, t, &d);
    if (need > 0 && t->hits >= need && n_ids < 64 &&
        !too_fast(st, height, t, &d) &&
        !sway_unjudged_blob(st, height, &d) &&
        wl__still_alone(st, img, width, height, noise, k_per_dn, &d))
      ids[n_ids++] = t->id;
  }
  /* Confirming re-collects the tracker's lists: ids first. */
  for (int k = 0; k < n_ids; k++)
    kept += (size_t)wl_tracker_confirm(tr, ids[k]);
  return kept;
}

void wl__still_resolve(wl__still_t *st, wl_tracker_t *tr) {
  size_t n_tracks;
  const wl_track_t *tracks = wl_tracker_tracks(tr, &n_tracks);
  for (int k = 0; k < st->n_pending; k++)
    for (size_t i = 0; i < n_tracks; i++)
      if (tracks[i].det_index == st->pending[k] &&
          hypot(tracks[i].vx, tracks[i].vy) <= st->still_max_speed) {
        wl_tracker_vouch(tr, tracks[i].id);
        remember(st, tracks[i].id);
      }
  st->n_pending = 0;
}

size_t wl__still_continue(wl__still_t *st, const uint16_t *img, int width,
                          int height, double noise, double k_per_dn,
                          double dt_s, const wl_track_t *tracks,
                          size_t n_tracks, wl_detection_t *dets,
                          size_t n_dets, size_t max_dets) {
  size_t n_next = 0;
  for (size_t i = 0; i < n_tracks; i++) {
    const wl_track_t *t = &tracks[i];
    if (!vouched(st, t->id)) continue;
    st->ids_next[n_next++] = t->id;
    double pcx = t->cx + t->vx * dt_s, pcy = t->cy + t->vy * dt_s;
    if (n_dets < max_dets &&
        blob_at(st, img, width, height, noise, k_per_dn, pcx, pcy, t->w, t->h,
                t->contrast < 0 ? -1 : 1, st->still_min_snr,
                st->still_min_k, st->max_ring_frac, NAN, &dets[n_dets]) > 0)
      n_dets++;
  }
  uint64_t *tmp = st->ids;
  st->ids = st->ids_next;
  st->ids_next = tmp;
  st->n_ids = n_next;
  return n_dets;
}

/* Is the centre of some box of tracks[0 .. n) other than i, one that was
 * larger than refine_max_area before this frame's refine (piece[j] 0),
 * inside d? */
static int holds_other(const wl_track_t *tracks, const uint8_t *piece,
                       size_t n, size_t i, const wl_detection_t *d) {
  for (size_t j = 0; j < n; j++)
    if (j != i && !piece[j] && centre_in(&tracks[j], d->x, d->y, d->w, d->h))
      return 1;
  return 0;
}

/* Are boxes (ox, oy, ow, oh) and (dx, dy, dw, dh) one box: IoU at least
 * 0.5? */
static int same_box(double ox, double oy, double ow, double oh, double dx,
                    double dy, double dw, double dh) {
  double iw = fmin(ox + ow, dx + dw) - fmax(ox, dx);
  double ih = fmin(oy + oh, dy + dh) - fmax(oy, dy);
  double inter = iw > 0 && ih > 0 ? iw * ih : 0;
  return inter >= 0.5 * (ow * oh + dw * dh - inter);
}

/* Is box o the box of blob d (same_box)? */
static int box_of_blob(const wl_track_t *o, const wl_detection_t *d) {
  return same_box(o->x, o->y, o->w, o->h, d->x, d->y, d->w, d->h);
}

/* Is some box of tracks[0 .. n) other than i, not a piece, the box of
 * blob d (IoU at least 0.5: the animal's own track, not a box on a
 * flock), and does it hold track i's centroid? */
static int on_other(const wl_track_t *tracks, const uint8_t *piece,
                    size_t n, size_t i, const wl_detection_t *d) {
  for (size_t j = 0; j < n; j++) {
    const wl_track_t *o = &tracks[j];
    if (j != i && !piece[j] && box_of_blob(o, d) &&
        in_box(tracks[i].cx, tracks[i].cy, o->x, o->y, o->w, o->h, 0))
      return 1;
  }
  return 0;
}

/* Output boxes of animal tracks several animals long (see
 * wl__still_refine): each warm track classed animal, not a piece, whose
 * box is wider than group_max_w person heights + group_pad px at its
 * foot row gets the box of the animal blob near its centre, cut from the
 * group's blob (blob_fit with that width). Only the class tells a flock
 * from a group of people or a vehicle, which are as wide. Returns how
 * many changed. */
static size_t cut_groups(wl__still_t *st, const uint16_t *img, int width,
                         int height, double noise, double k_per_dn,
                         wl_track_t *tracks, size_t n) {
  size_t changed = 0;
  if (!(st->group_max_w > 0)) return 0;
  for (size_t i = 0; i < n; i++) {
    wl_track_t *t = &tracks[i];
    double ph = person_below(st, height, t->y + t->h);
    double max_w = st->group_max_w * ph + st->group_pad;
    if (st->piece[i] || t->contrast <= 0 || t->cls != WL_CLASS_ANIMAL ||
        !(ph > 0) || t->w <= max_w)
      continue;
    /* The warmest pixel in a window about two animal lengths wide about
     * the centroid (the box's rows), the blob about it cut until it is
     * one animal long: the animal under the centroid, or the warmest
     * beside it when the centroid lies between two. */
    wl_detection_t d;
    double ww = fmin(t->w, 2.0 * max_w);
    if (blob_fit(st, img, width, height, noise, k_per_dn, t->cx, t->cy, ww,
                 t->h, 1, st->refine_min_snr, st->refine_min_k,
                 st->refine_ring_frac, NAN, max_w, &d) <= 0 ||
        !in_box(d.cx, d.cy, t->x, t->y, t->w, t->h, 0))
      continue;
    changed++;
    t->x = d.x;
    t->y = d.y;
    t->w = d.w;
    t->h = d.h;
  }
  return changed;
}

/* Is box o's centre in box t, o more than refine_max_area px^2 (not a
 * piece) and at most group_hold_frac of t's area? */
static int holds_target(const wl__still_t *st, const wl_track_t *t,
                        const wl_track_t *o) {
  double area = o->w * o->h;
  return area > st->refine_max_area &&
         area <= st->group_hold_frac * t->w * t->h &&
         centre_in(o, t->x, t->y, t->w, t->h);
}

/* Does tracks[i]'s box hold two other output targets' boxes
 * (holds_target) that are not each other's box (IoU < 0.5)? Tracks
 * removed before (piece 2) do not count. */
static int holds_two(const wl__still_t *st, const wl_track_t *tracks,
                     size_t n, size_t i) {
  for (size_t j = 0; j < n; j++) {
    if (j == i || st->piece[j] == 2 ||
        !holds_target(st, &tracks[i], &tracks[j]))
      continue;
    for (size_t k = j + 1; k < n; k++) {
      if (k == i || st->piece[k] == 2 ||
          !holds_target(st, &tracks[i], &tracks[k]))
        continue;
      const wl_track_t *a = &tracks[j], *b = &tracks[k];
      if (!same_box(a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h))
        return 1;
    }
  }
  return 0;
}

/* Output tracks over a group of others (see wl__still_refine): a track
 * not classed person or vehicle whose box holds two other output
 * targets (holds_two) adds no target of its own: marked for removal
 * (piece 2). All are judged on the boxes before any is removed. Returns
 * how many. */
static size_t drop_groups(wl__still_t *st, const wl_track_t *tracks,
                          size_t n) {
  size_t dropped = 0;
  if (!(st->group_hold_frac > 0)) return 0;
  for (size_t i = 0; i < n; i++) {
    const wl_track_t *t = &tracks[i];
    if (st->piece[i] == 2 || t->cls == WL_CLASS_PERSON ||
        t->cls == WL_CLASS_VEHICLE || !holds_two(st, tracks, n, i))
      continue;
    st->piece[i] = 3;
    dropped++;
  }
  for (size_t i = 0; i < n; i++)
    if (st->piece[i] == 3) st->piece[i] = 2;
  return dropped;
}

/* Does track t's box span blob d: more than refine_part of its width or
 * of its height, or, for a track classed animal with refine_animal_edge,
 * of both (a whole target, not a piece)? An absorbed animal's piece is
 * often an edge column as tall as the animal: the part it has just moved
 * onto, or the gap beside a neighbour. */
static int spans_blob(const wl__still_t *st, const wl_track_t *t,
                      const wl_detection_t *d) {
  int wide = t->w > st->refine_part * d->w;
  int tall = t->h > st->refine_part * d->h;
  if (st->refine_animal_edge && t->cls == WL_CLASS_ANIMAL)
    return wide && tall;
  return wide || tall;
}

/* May piece t take blob d's box: d is not spanned by t (the piece
 * itself), holds its centroid (within 1 px) and is of a target's size
 * (*ph: a person's height at d's foot row)? */
static int piece_fits(const wl__still_t *st, int height, const wl_track_t *t,
                      const wl_detection_t *d, double *ph) {
  return !spans_blob(st, t, d) &&
         in_box(t->cx, t->cy, d->x, d->y, d->w, d->h, 1) &&
         target_sized(st, height, d, ph);
}

/* Is some box of tracks[0 .. n) other than i, not a piece, the box of
 * blob d (IoU at least 0.5: an animal's own track, not a box on a part
 * of a flock)? */
static int owned_by_other(const wl_track_t *tracks, const uint8_t *piece,
                          size_t n, size_t i, const wl_detection_t *d) {
  for (size_t j = 0; j < n; j++)
    if (j != i && !piece[j] && box_of_blob(&tracks[j], d)) return 1;
  return 0;
}

/* The part of flock blob *d that the other output boxes on it leave to
 * piece tracks[i] (refine_cut 2; see wl__still_refine), when no level
 * cuts the blob (cut_own): the blob's columns between the nearest edges
 * of the other boxes (not pieces) whose centres it holds, one on each
 * side of the piece's centroid; its rows. Found (1, *d that part) when
 * no such box spans the piece's centroid column, and the part holds the
 * centroid, is of a target's size and is not spanned by the piece's box
 * (piece_fits). The animals about it are tracked: what of the blob
 * none of their boxes covers is the piece's animal. */
static int rest_of_blob(const wl__still_t *st, int height,
                        const wl_track_t *tracks, size_t n, size_t i,
                        wl_detection_t *d) {
  const wl_track_t *t = &tracks[i];
  double lo = d->x, hi = d->x + d->w, ph;
  for (size_t j = 0; j < n; j++) {
    const wl_track_t *o = &tracks[j];
    if (j == i || st->piece[j] || !centre_in(o, d->x, d->y, d->w, d->h))
      continue;
    if (o->x + o->w <= t->cx)
      lo = fmax(lo, o->x + o->w);
    else if (o->x >= t->cx)
      hi = fmin(hi, o->x);
    else
      return 0;
  }
  wl_detection_t c = *d;
  c.x = lo;
  c.w = hi - lo;
  if (!(c.w > 0) || !piece_fits(st, height, t, &c, &ph)) return 0;
  *d = c;
  return 1;
}

/* The blob of piece tracks[i] cut from flock blob *d (refine_cut; see
 * wl__still_refine): the level rises (blob_fit, one px narrower at a
 * time) until the blob about the warmest pixel at the piece holds the
 * centre of no other box but pieces'. Found (1, *d the cut blob) when
 * that blob still holds the piece's centroid (+1 px), is of a target's
 * size and is not spanned by the piece's box (the piece itself). When no
 * level cuts it, with refine_cut 2, the part rest_of_blob leaves it. */
static int cut_own(wl__still_t *st, const uint16_t *img, int width,
                   int height, double noise, double k_per_dn,
                   const wl_track_t *tracks, size_t n, size_t i,
                   wl_detection_t *d) {
  const wl_track_t *t = &tracks[i];
  wl_detection_t c = *d;
  double ph;
  for (int max_w = (int)ceil(d->w) - 1;
       holds_other(tracks, st->piece, n, i, &c); max_w--) {
    if (max_w < 1 ||
        blob_fit(st, img, width, height, noise, k_per_dn, t->cx, t->cy, t->w,
                 t->h, 1, st->refine_min_snr, st->refine_min_k,
                 st->refine_ring_frac, NAN, max_w, &c) <= 0)
      return st->refine_cut >= 2 && rest_of_blob(st, height, tracks, n, i, d);
  }
  if (!piece_fits(st, height, t, &c, &ph)) return 0;
  *d = c;
  return 1;
}

/* Does track t's box touch the frame's left or right side (within half
 * a pixel)? */
static int at_side(const wl_track_t *t, int width) {
  return t->x <= 0.5 || t->x + t->w >= width - 0.5;
}

/* Is piece t, whose blob is d, the few columns the frame shows of a
 * target it cuts (refine_side): at the frame's left or right side and at
 * least refine_side_h as tall as the blob? A target mostly out of view
 * shows its whole height in those columns; a corner spot of a target
 * mostly in view is a small part of its blob's height. */
static int side_piece(const wl__still_t *st, const wl_track_t *t,
                      const wl_detection_t *d, int width) {
  return st->refine_side && at_side(t, width) &&
         t->h >= st->refine_side_h * d->h;
}

size_t wl__still_refine(wl__still_t *st, const uint16_t *img, int width,
                        int height, double noise, double k_per_dn,
                        wl_track_t *tracks, size_t *n_tracks) {
  size_t kept = 0, n = *n_tracks, n_keep = 0;
  if (st->refine_max_area <= 0 || !st->person_px || !(k_per_dn > 0))
    return 0;
  if (n > st->cap) n = st->cap; /* never: the output holds max_tracks */
  /* The pieces, by their boxes before any of them is refined (so that
   * the order of the tracks does not matter). */
  for (size_t i = 0; i < n; i++)
    st->piece[i] = tracks[i].w * tracks[i].h <= st->refine_max_area;
  for (size_t i = 0; i < n; i++) {
    wl_track_t *t = &tracks[i];
    wl_detection_t d;
    double ph;
    /* The largest blob a target could make where the track stands. */
    double pf = person_below(st, height, t->y + t->h);
    if (t->contrast <= 0 || !st->piece[i] ||
        blob_fit(st, img, width, height, noise, k_per_dn, t->cx, t->cy, t->w,
                 t->h, 1, st->refine_min_snr, st->refine_min_k,
                 st->refine_ring_frac, NAN,
                 pf > 0 ? st->refine_max_w * pf : 0, &d) <= 0 ||
        side_piece(st, t, &d, width) ||
        !piece_fits(st, height, t, &d, &ph) ||
        (ph > 0 && d.w > st->refine_max_w * ph))
      continue;
    if (holds_other(tracks, st->piece, n, i, &d)) {
      /* The animal's own track holds its blob and the piece: a residue
       * (its contrast against the model a small part of the blob's) is a
       * duplicate. */
      if (t->contrast < st->refine_residue * d.peak_contrast &&
          on_other(tracks, st->piece, n, i, &d)) {
        st->piece[i] = 2;
        kept++;
        continue;
      }
      /* A flock's blob (no other box its own): the piece's animal cut
       * from it (refine_cut). */
      if (!st->refine_cut || owned_by_other(tracks, st->piece, n, i, &d) ||
          !cut_own(st, img, width, height, noise, k_per_dn, tracks, n, i,
                   &d))
        continue;
    }
    t->x = d.x;
    t->y = d.y;
    t->w = d.w;
    t->h = d.h;
    kept++;
  }
  kept += cut_groups(st, img, width, height, noise, k_per_dn, tracks, n);
  kept += drop_groups(st, tracks, n);
  for (size_t i = 0; i < *n_tracks; i++)
    if (i >= n || st->piece[i] != 2) tracks[n_keep++] = tracks[i];
  *n_tracks = n_keep;
  return kept;
}

/* qsort: candidates by decreasing contrast (then increasing index). */
static int by_contrast_desc(const void *a, const void *b) {
  uint64_t u = *(const uint64_t *)a, v = *(const uint64_t *)b;
  uint64_t cu = u >> 32, cv = v >> 32;
  if (cu != cv) return cu > cv ? -1 : 1;
  return u < v ? -1 : u > v;
}

/* The block pass and the block medians are multiversioned (WL__CLONES):
 * integer sums, maxima and compares, the same results in every build. */

/* The mean and the maximum of each bp x bp block (clipped to the frame)
 * into mean[] and bmax[] (bx x by): one pass, each block row's column
 * sums and maxima (col, cmax: width) first. A block's sum is below 2^32
 * (at most 256 pixels of 16 bits at bp = 16; any bp <= 256). */
WL__CLONES
static void block_pass(const uint16_t *restrict img, int width, int height,
                       int bp, int bx, int by, uint32_t *restrict col,
                       uint16_t *restrict cmax, float *restrict mean,
                       uint16_t *restrict bmax) {
  for (int j = 0; j < by; j++) {
    int y0 = j * bp, y1 = y0 + bp < height ? y0 + bp : height;
    for (int x = 0; x < width; x++) {
      col[x] = 0;
      cmax[x] = 0;
    }
    for (int y = y0; y < y1; y++) {
      const uint16_t *restrict row = img + (size_t)y * (size_t)width;
      for (int x = 0; x < width; x++) {
        uint16_t v = row[x];
        col[x] += v;
        cmax[x] = v > cmax[x] ? v : cmax[x];
      }
    }
    for (int i = 0; i < bx; i++) {
      int x0 = i * bp, x1 = x0 + bp < width ? x0 + bp : width;
      uint32_t sum = 0;
      uint16_t m = 0;
      for (int x = x0; x < x1; x++) {
        sum += col[x];
        m = cmax[x] > m ? cmax[x] : m;
      }
      mean[j * bx + i] = (float)sum / (float)((x1 - x0) * (y1 - y0));
      bmax[j * bx + i] = m;
    }
  }
}

/* Integer minimum and maximum (branch-free; vectorised). */
#define STILL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define STILL_MAX(a, b) ((a) < (b) ? (b) : (a))

/* low[] (bx x by): for each block, the median of the means of its 3x3
 * neighbourhood of blocks within the frame (the upper one of an even
 * count). Inside, the exact median of 9 without sorting: sort each
 * column's 3 (once per block row, into tri: 3 x bx), then the median of
 * (the largest low, the median middle, the smallest high). The means are
 * floats >= +0, which order as their bit patterns do as integers. */
WL__CLONES
static void block_medians(const float *restrict mean, float *restrict low,
                          uint32_t *restrict tri, int bx, int by) {
  uint32_t *restrict tlo = tri, *restrict tmi = tri + bx,
           *restrict thi = tri + 2 * bx;
  for (int j = 1; j < by - 1; j++) {
    for (int i = 0; i < bx; i++) {
      uint32_t a, b, c;
      memcpy(&a, &mean[(j - 1) * bx + i], sizeof a);
      memcpy(&b, &mean[j * bx + i], sizeof b);
      memcpy(&c, &mean[(j + 1) * bx + i], sizeof c);
      uint32_t l = STILL_MIN(a, b), h = STILL_MAX(a, b);
      tlo[i] = STILL_MIN(l, c);
      uint32_t t = STILL_MAX(l, c);
      tmi[i] = STILL_MIN(t, h);
      thi[i] = STILL_MAX(t, h);
    }
    for (int i = 1; i < bx - 1; i++) {
      uint32_t a = STILL_MAX(STILL_MAX(tlo[i - 1], tlo[i]), tlo[i + 1]);
      uint32_t c = STILL_MIN(STILL_MIN(thi[i - 1], thi[i]), thi[i + 1]);
      uint32_t p = tmi[i - 1], q = tmi[i], r = tmi[i + 1];
      uint32_t l = STILL_MIN(p, q), h = STILL_MAX(p, q);
      uint32_t b = STILL_MIN(STILL_MAX(l, r), h); /* median of p, q, r */
      l = STILL_MIN(a, b);
      h = STILL_MAX(a, b);
      uint32_t m = STILL_MIN(STILL_MAX(l, c), h); /* median of a, b, c */
      memcpy(&low[j * bx + i], &m, sizeof m);
    }
  }
  /* The frame's border blocks (4 or 6 neighbours, or fewer): all of the
   * first and last block rows, the first and last block of the others. */
  for (int j = 0; j < by; j++) {
    int inside = j > 0 && j < by - 1;
    for (int i = 0; i < bx; i += inside && i == 0 && bx > 1 ? bx - 1 : 1) {
      float v[9];
      int n = 0;
      for (int dj = -1; dj <= 1; dj++)
        for (int di = -1; di <= 1; di++) {
          int jj = j + dj, ii = i + di;
          if (jj < 0 || ii < 0 || jj >= by || ii >= bx) continue;
          float m = mean[jj * bx + ii];
          int k = n++;
          for (; k > 0 && v[k - 1] > m; k--) v[k] = v[k - 1];
          v[k] = m;
        }
      low[j * bx + i] = v[n / 2];
    }
  }
}

/* A site's blob d found again: a sample of the sway test. */
static void site_sample(const wl__still_t *st, int height,
                        wl__still_site_t *site, const wl_detection_t *d) {
  double t = (double)(st->frame ? st->frame->t_ns - site->t0_ns : 0) * 1e-9;
  double x = d->cx - site->x;
  site->ft += t;
  site->ftt += t * t;
  site->fx += x;
  site->fxx += x * x;
  site->fxt += x * t;
  site->span_s = (float)t;
  if (!(st->sway_px > 0) || !st->person_px || site->swayed ||
      site->hits < st->sway_min_hits || site_sway(site) < st->sway_px)
    return;
  if (small_blob(st, height, d)) site->swayed = 1;
}

void wl__still_search(wl__still_t *st, const uint16_t *img, int width,
                      int height, double noise, double k_per_dn) {
  st->n_found = 0;
  if (!(k_per_dn > 0)) return;
  int bp = st->block_px, bx = st->bx, by = st->by;
  float *mean = st->blk, *low = st->blk + (size_t)bx * (size_t)by;
  st->search_frames++;
  /* Block means and maxima; the background of a block: the median mean
   * of its 3x3 blocks (a standing person covers a part of one or two). */
  block_pass(img, width, height, bp, bx, by, st->col, st->cmax, mean,
             st->bmax);
  block_medians(mean, low, st->tri, bx, by);
  /* Candidates: 3x3 maxima at least still_min_k and still_min_snr x
   * noise above their block's background, row by row (the order decides
   * which are kept when there are more than max_cand), in the blocks whose
   * maximum reaches their limit (most hold no pixel that does). */
  double thr = fmax(st->still_min_k / k_per_dn, st->still_min_snr * noise);
  int32_t *blim = st->blim;
  for (int k = 0; k < bx * by; k++) {
    /* ceil(low + thr) (> 0): the truncation, plus one when below. */
    double l = low[k] + thr;
    int32_t t = (int32_t)l;
    blim[k] = t + (t < l);
  }
  int n_cand = 0;
  for (int j = 0; j < by && n_cand < st->max_cand; j++) {
    /* The blocks of this block row that can hold a candidate. */
    int n_on = 0, *on = st->on;
    for (int i = 0; i < bx; i++)
      if ((int32_t)st->bmax[j * bx + i] >= blim[j * bx + i]) on[n_on++] = i;
    int y0 = j * bp > 1 ? j * bp : 1;
    int y1 = (j + 1) * bp < height - 1 ? (j + 1) * bp : height - 1;
    for (int y = y0; y < y1 && n_on > 0 && n_cand < st->max_cand; y++) {
      const uint16_t *row = img + (size_t)y * (size_t)width;
      const uint16_t *up = row - width, *dn = row + width;
      for (int o = 0; o < n_on && n_cand < st->max_cand; o++) {
        int i = on[o];
        int32_t lim = blim[j * bx + i];
        int x0 = i * bp > 1 ? i * bp : 1;
        int x1 = (i + 1) * bp < width - 1 ? (i + 1) * bp : width - 1;
        for (int x = x0; x < x1 && n_cand < st->max_cand; x++) {
          int v = row[x];
          if (v < lim) continue;
          if (v < row[x - 1] || v <= row[x + 1]) continue;
          if (v < up[x - 1] || v < up[x] || v < up[x + 1] || v <= dn[x - 1] ||
              v <= dn[x] || v <= dn[x + 1])
            continue;
          /* Contrast over the limit (DN, >= 0) above the pixel index. */
          st->cand[n_cand++] = (uint64_t)(uint32_t)(v - lim) << 32 |
                               ((uint32_t)y * (uint32_t)width + (uint32_t)x);
        }
      }
    }
  }
  /* Strongest first, so that the hottest part of an object (a car's
   * engine) is examined before its cooler rest. */
  qsort(st->cand, (size_t)n_cand, sizeof *st->cand, by_contrast_desc);
  /* Each candidate not inside a blob already found: the blob test; each
   * blob renews the nearest site within site_px or starts one. */
  int n_found = 0;
  for (int c = 0; c < n_cand && n_found < WL__STILL_FOUND; c++) {
    uint32_t idx = (uint32_t)st->cand[c];
    int x = (int)(idx % (uint32_t)width), y = (int)(idx / (uint32_t)width);
    wl_detection_t *d = &st->found[n_found];
    if (in_some_box(st->found, (size_t)n_found, x + 0.5, y + 0.5, 1.0))
      continue;
    d->w = 0;
    double bg = low[(size_t)(y / bp) * (size_t)bx + (size_t)(x / bp)];
    int rc = blob_at(st, img, width, height, noise, k_per_dn, x + 0.5, y + 0.5,
                     1.0, 1.0, 1, st->still_min_snr, st->still_min_k,
                     st->max_ring_frac, bg, d);
    if (rc <= 0) {
      /* Examined and refused: later peaks in its box are skipped too. */
      if (d->w > 0) st->found_ok[n_found++] = 0;
      continue;
    }
    st->found_ok[n_found++] = 1;
    int best = -1;
    double best_d2 = (double)st->site_px * st->site_px;
    for (int k = 0; k < st->n_sites; k++) {
      double dx = st->sites[k].x - d->cx, dy = st->sites[k].y - d->cy;
      if (dx * dx + dy * dy <= best_d2) {
        best_d2 = dx * dx + dy * dy;
        best = k;
      }
    }
    if (best >= 0) {
      wl__still_site_t *site = &st->sites[best];
      if (site->last == st->search_frames) continue;
      site->hits++;
      site->run = site->last == st->search_frames - 1 ? site->run + 1 : 1;
      site->last = st->search_frames;
      site->w = (float)d->w;
      site->h = (float)d->h;
      site->k = (float)d->peak_contrast;
      site_sample(st, height, site, d);
    } else if (st->n_sites < WL__STILL_SITES) {
      wl__still_site_t *site = &st->sites[st->n_sites++];
      site->x = (float)d->cx;
      site->y = (float)d->cy;
      site->w = (float)d->w;
      site->h = (float)d->h;
      site->k = (float)d->peak_contrast;
      site->hits = site->run = 1;
      site->born = site->last = st->search_frames;
      site->t0_ns = st->frame ? st->frame->t_ns : 0;
      site->ft = site->ftt = site->fx = site->fxx = site->fxt = 0.0;
      site->span_s = 0.0f;
      site->swayed = 0;
    }
  }
  st->n_found = n_found;
  /* Sites unseen for site_idle searches go. */
  int n = 0;
  for (int k = 0; k < st->n_sites; k++)
    if (st->search_frames - st->sites[k].last < st->site_idle)
      st->sites[n++] = st->sites[k];
  st->n_sites = n;
}
