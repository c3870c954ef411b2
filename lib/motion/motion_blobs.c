/*
 * motion_blobs.c - from the foreground mask to detections, touching only
 * the sparse foreground.
 *
 * Steps:
 *   1. runs: each row is scanned only in the 64-pixel blocks the kernels
 *      flagged as holding foreground; a run is a maximal stretch of one
 *      polarity (it may continue into the next block, which is then
 *      flagged too);
 *   2. union-find over runs of consecutive rows: 8-connected (diagonal
 *      contact counts) and of the same polarity; the root of a set is its
 *      lowest-numbered run, so a forward walk meets every root first;
 *   3. measurement: one visit of each component's pixels (contrast d,
 *      sigma = thr / k per pixel): area, bounds, |d|-weighted centroid,
 *      sums for the SNR, peak;
 *   4. ghost test, for components that pass the SNR test: a ghost is
 *      background revealed where an object used to be (one present while
 *      the model started, or a parked one that left): the object's edges
 *      are in mu, not in the frame. Along the component's boundary (each
 *      pixel's 4-neighbours outside it) the summed absolute steps of f'
 *      and of mu are compared: a real object has the stronger edges in
 *      the frame, a ghost in the background, and scene texture adds to
 *      both alike. The component is a ghost when the frame's edges are
 *      below ghost_ratio x the background's and also small against its
 *      own contrast (mean step under half its mean |d|: a real object's
 *      boundary always steps by about its contrast), and when at most a
 *      quarter of its pixels changed state in this frame (a ghost is
 *      static, while a moving object, however faint, keeps taking new
 *      pixels: so noise and texture around a small target cannot make it
 *      look like a ghost). Components under 4 pixels have too few
 *      boundary pairs for that alone: they must also sit where the frame
 *      is flat (mean boundary step under 2 noise sigmas). Then mu takes f'
 *      at its pixels (instant absorption) and it is not reported;
 *   4b. jitter test (jitter_test): a background shifted by up to a pixel
 *      (horizon shimmer, camera jitter, a swaying edge) makes foreground
 *      that an object does not: f' lies between mu here and mu at a
 *      neighbour. For each of the 8 directions to a neighbour, each pixel's
 *      residual is how far f' lies beyond the interval [mu here, mu there]
 *      on the side of its polarity; the component's score recomputed from
 *      those residuals (the larger of peak and integrated SNR, as for the
 *      real score) is taken for the direction that explains it best. The
 *      reported snr is the smaller of the peak SNR and that score, so a
 *      shimmer component is still reported (a dim target on a textured
 *      background looks the same in one frame) but as a weak one, which
 *      the tracker confirms only by consistent motion over many frames.
 *      The same for a background shifted by up to two pixels (the
 *      interval spanning mu here, one and two pixels away) gives the
 *      sway score, reported as sway_loss = snr - sway score (a swaying
 *      bush's outline, 0.6-1.2 px about a blurred mean). Cost: 16 reads
 *      per foreground pixel;
 *   5. core box: a pixel is "core" when |d| >= box_frac x the largest |d|
 *      among itself and its 4 neighbours; the reported box bounds the core
 *      pixels, which drops the blur tails that make a high-contrast
 *      object's foreground a pixel wider on every side, while keeping
 *      cooler parts of an object (they are compared with their own
 *      neighbours, not with the hottest spot);
 *   5b. sub-pixel box (refine_box, for reported components only): each
 *      edge of the core box moves into its outer line by the part of the
 *      line the object covers. With s the contrast toward the polarity,
 *      along the edge the position where s(outer) + s(outside) is largest
 *      is the edge's extreme (the pixel's partial coverage plus the blur
 *      spilled outward, which mass conservation puts back); that sum over
 *      s of the inward neighbour (at least half the component's level:
 *      the mean of the core box's pixels above half the peak) is the
 *      covered fraction f, clamped to [MIN_EDGE_COVER, 1]: a left edge at
 *      x0 + 1 - f, a right one at x1 + f. The inward neighbour, not the
 *      hottest spot, is the reference, so a narrow head's top pixel is
 *      compared with the head below it. The clamp keeps thin parts (legs,
 *      a head, cold glass at the top of a car) from pulling the edge in
 *      by more than 0.4 px: their pixels are weak because they are
 *      narrow, not because the edge is inside them. Axes two lines thick
 *      use the level as the reference; one line thick keep their whole
 *      pixel, centred on the centroid. Outward: when the line outside the
 *      edge holds more than the PSF's spill from the edge line (a part
 *      too thin or too cool to be core: the top of a narrow head), the
 *      edge moves out by the covered part of that line, from the ratio
 *      of the two lines over the positions where the edge line is strong
 *      (edge_cover). wl__motion_refine_box serves the warm-up spots too;
 *      reads are limited to the edge lines and their neighbours;
 *   6. fragments of one polarity whose boxes are at most merge_gap pixels
 *      apart are merged;
 *   6b. components holding several people are split: side by side at the
 *      valleys of their column contrast profile, one in front of another
 *      with the per-row person-height prior (motion_split.c);
 *   7. the max_out strongest by SNR are written, strongest first (the
 *      sub-pixel box of step 5b is computed as each one is written, from
 *      its possibly merged or split core box; a split part's edges that
 *      cut through a body are then set as motion_split.c marked them,
 *      cut_edges()).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "motion_int.h"

/* Sub-pixel box (step 5b): the inward neighbour counts as at least this
 * fraction of the component's level. */
#define DEN_FLOOR 0.5
/* Least coverage an edge line is given: the edge moves at most 1 - this
 * into the core's outer line (step 5b). */
#define MIN_EDGE_COVER 0.6
/* Sub-pixel box (step 5b), outward: the line outside the edge counts as
 * partly covered only when it holds more than the optics' spill
 * (wl_motion_params_t.edge_psf_spill: for a Gaussian PSF of sigma 0.5 px,
 * exp(-1 / (2 sigma^2)) = 0.135) by this many noise sigmas. */
#define OUT_MIN_SIGMAS 2.0
/* edge_cover keeps the contrasts of edges up to this long for its second
 * pass (longer ones are read again). */
#define EDGE_KEEP 64

/* ---- runs and union-find ---------------------------------------------- */

/* WL__STATE_BITS in each byte of a 64-bit word (eight mask pixels). */
#define STATE_BITS_X8 (0x0101010101010101ull * WL__STATE_BITS)

static int32_t find_root(int32_t *parent, int32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

static void unite(int32_t *parent, int32_t a, int32_t b) {
  a = find_root(parent, a);
  b = find_root(parent, b);
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

/* Maximal runs of row y in its flagged blocks. Returns 0 when the run
 * buffer is full. */
static int collect_row_runs(wl_motion_t *m, int y, size_t *n_runs) {
  int w = m->w;
  const uint8_t *mask = m->mask + (size_t)y * (size_t)w;
  const uint8_t *act = m->active + (size_t)y * (size_t)m->blocks_per_row;
  size_t n = *n_runs;
  int done = 0; /* pixels before this are scanned */
  int nb = m->blocks_per_row;
  for (int b = 0; b < nb; b++) {
    /* Most blocks hold no foreground: skip eight flags at a time. */
    if (b + 8 <= nb) {
      uint64_t flags;
      memcpy(&flags, act + b, sizeof flags);
      if (!flags) {
        b += 7;
        continue;
      }
    }
    if (!act[b]) continue;
    int x = b * WL__MOTION_BLOCK;
    int end = x + WL__MOTION_BLOCK < w ? x + WL__MOTION_BLOCK : w;
    if (x < done) x = done;
    while (x < end) {
      /* Skip eight background pixels at a time (no state bit set). */
      if (x + 8 <= end) {
        uint64_t word;
        memcpy(&word, mask + x, sizeof word);
        word &= STATE_BITS_X8;
        if (!word) {
          x += 8;
          continue;
        }
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                      \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        x += __builtin_ctzll(word) / 8; /* to the first pixel set */
#endif
      }
      uint8_t v = mask[x] & WL__STATE_BITS;
      if (!v) {
        x++;
        continue;
      }
      int x0 = x;
      while (x < w && (mask[x] & WL__STATE_BITS) == v) x++;
      if (n >= m->cap_runs) {
        *n_runs = n;
        return 0;
      }
      m->runs[n].x0 = (uint16_t)x0;
      m->runs[n].x1 = (uint16_t)x;
      m->runs[n].y = (uint16_t)y;
      m->runs[n].pol = v;
      m->parent[n] = (int32_t)n;
      n++;
    }
    done = x;
  }
  *n_runs = n;
  return 1;
}

/* Join runs [a0, a1) of row y-1 with runs [b0, b1) of row y. Runs of a
 * row are disjoint and sorted, so the first candidate only moves right. */
static void join_rows(wl_motion_t *m, size_t a0, size_t a1, size_t b0,
                      size_t b1) {
  size_t first = a0;
  for (size_t j = b0; j < b1; j++) {
    const wl__motion_run_t *b = &m->runs[j];
    while (first < a1 && m->runs[first].x1 < b->x0) first++;
    for (size_t i = first; i < a1 && m->runs[i].x0 <= b->x1; i++)
      if (m->runs[i].pol == b->pol)
        unite(m->parent, (int32_t)i, (int32_t)j);
  }
}

/* All runs and their union-find; returns the number of runs and sets
 * *overflow when the buffer filled up (the rest of the frame is lost). */
static size_t label_runs(wl_motion_t *m, int *overflow) {
  size_t n = 0, prev0 = 0, prev1 = 0;
  *overflow = 0;
  for (int y = 0; y < m->h; y++) {
    size_t start = n;
    if (!collect_row_runs(m, y, &n)) {
      *overflow = 1;
      break;
    }
    if (prev1 > prev0 && n > start && m->runs[prev0].y + 1 == y)
      join_rows(m, prev0, prev1, start, n);
    prev0 = start;
    prev1 = n;
  }
  return n;
}

/* ---- measurement -------------------------------------------------------- */

/* Contrast and sigma of pixel i. */
static inline double pixel_d(const wl_motion_t *m, const wl_frame_t *frame,
                             const wl__motion_kparams_t *kp, int use_gain,
                             size_t i) {
  return wl__motion_ref_value(frame->data[i], kp, use_gain) -
         (double)m->mu[i];
}

static inline double pixel_sigma(const wl_motion_t *m,
                                 const wl__motion_kparams_t *kp, size_t i) {
  int t = m->thr[i] > kp->floor_thr ? m->thr[i] : kp->floor_thr;
  return t / m->p.k_sigma;
}

/* Jitter test, one pixel (x, y) of polarity pol with frame value f and
 * noise sigma: for each of the 8 directions toward a neighbour, how far f
 * lies beyond the interval between mu here and mu at that neighbour, on
 * the side of the polarity (0 when within: a background moved by up to a
 * pixel that way explains f). Added to the component's sums per
 * direction. */
static void shift_residuals(const wl_motion_t *m, int x, int y, int pol,
                            double f, double sigma, wl__motion_comp_t *c) {
  static const int dx[8] = {-1, 0, 1, -1, 1, -1, 0, 1};
  static const int dy[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
  int w = m->w;
  const uint16_t *mu = m->mu + (size_t)y * (size_t)w + (size_t)x;
  int mu0 = mu[0], mn[16];
  if (x > 1 && y > 1 && x + 2 < w && y + 2 < m->h) {
    for (int k = 0; k < 8; k++) {
      mn[k] = mu[(ptrdiff_t)dy[k] * w + dx[k]];
      mn[k + 8] = mu[(ptrdiff_t)(2 * dy[k]) * w + 2 * dx[k]];
    }
  } else {
    for (int k = 0; k < 16; k++) {
      int s = k < 8 ? 1 : 2;
      int nx = x + s * dx[k & 7], ny = y + s * dy[k & 7];
      if (nx < 0) nx = 0;
      if (ny < 0) ny = 0;
      if (nx >= w) nx = w - 1;
      if (ny >= m->h) ny = m->h - 1;
      mn[k] = m->mu[(size_t)ny * (size_t)w + (size_t)nx];
    }
  }
  /* Branch-free: a residual r <= 0 adds +0 to shift_r (which holds +0 or
   * more) and gives q = 0, which never exceeds shift_peak, exactly as
   * skipping it. The division q = 8 r / sigma (sigma > 0) is skipped when
   * 8 r is below peak x sigma by more than that product's rounding: then
   * q <= peak (rounding is monotonic and peak an integer), and q > peak
   * cannot hold. Shifts 8-15 (the sway score): the background shifted
   * by up to two pixels, so the interval spans mu here, one and two
   * pixels away. */
  int warm = pol == WL__FG_WARM;
  double below = sigma * (1.0 - 1e-9);
  for (int k = 0; k < 16; k++) {
    int a = mn[k], b = k < 8 ? mu0 : mn[k - 8];
    int hi = a > b ? a : b, lo = a < b ? a : b;
    if (k >= 8) {
      hi = hi > mu0 ? hi : mu0;
      lo = lo < mu0 ? lo : mu0;
    }
    double r = warm ? f - hi : lo - f;
    r = r > 0 ? r : 0.0;
    c->shift_r[k] += (float)r;
    double r8 = 8.0 * r;
    if (r8 <= c->shift_peak[k] * below) continue;
    double q = r8 / sigma;
    if (q > c->shift_peak[k]) c->shift_peak[k] = (uint8_t)(q < 255 ? q : 255);
  }
}

/* Edge strength across the component's boundary at pixel (x, y): for
 * each 4-neighbour outside the component (another state), the absolute
 * step in the frame (f') and in the background (mu). */
static void boundary_edges(const wl_motion_t *m, const wl_frame_t *frame,
                           const wl__motion_kparams_t *kp, int use_gain,
                           int x, int y, int pol, wl__motion_comp_t *c) {
  static const int dx[4] = {-1, 1, 0, 0}, dy[4] = {0, 0, -1, 1};
  size_t i = (size_t)y * (size_t)m->w + (size_t)x;
  double fi = wl__motion_ref_value(frame->data[i], kp, use_gain);
  for (int k = 0; k < 4; k++) {
    int nx = x + dx[k], ny = y + dy[k];
    if (nx < 0 || ny < 0 || nx >= m->w || ny >= m->h) continue;
    size_t q = (size_t)ny * (size_t)m->w + (size_t)nx;
    if ((m->mask[q] & WL__STATE_BITS) == pol) continue;
    double fq = wl__motion_ref_value(frame->data[q], kp, use_gain);
    c->edge_f += fabs(fi - fq);
    c->edge_mu += fabs((double)m->mu[i] - (double)m->mu[q]);
    c->edge_pairs++;
  }
}

static size_t measure(wl_motion_t *m, const wl_frame_t *frame,
                      const wl__motion_kparams_t *kp_in, int use_gain,
                      size_t n_runs) {
  /* A local copy: the stores to the components cannot change it, so the
   * compiler need not reload it at every pixel. */
  const wl__motion_kparams_t kl = *kp_in, *kp = &kl;
  size_t nc = 0, cap = (size_t)m->p.max_components;
  m->st.dropped = 0;
  for (size_t i = 0; i < n_runs; i++) {
    int32_t r = find_root(m->parent, (int32_t)i);
    if ((size_t)r == i) {
      if (nc == cap) {
        m->comp_of[i] = -1;
        m->st.dropped++;
        continue;
      }
      wl__motion_comp_t *c = &m->comps[nc];
      memset(c, 0, sizeof *c);
      c->x0 = c->y0 = c->cx0 = c->cy0 = 1 << 30;
      c->x1 = c->y1 = c->cx1 = c->cy1 = -1;
      c->pol = m->runs[i].pol;
      m->comp_of[i] = (int32_t)nc++;
    }
    int32_t ci = m->comp_of[r];
    if (ci < 0) continue;
    wl__motion_comp_t *c = &m->comps[ci];
    const wl__motion_run_t *run = &m->runs[i];
    size_t o = (size_t)run->y * (size_t)m->w;
    if (run->x0 < c->x0) c->x0 = run->x0;
    if (run->x1 - 1 > c->x1) c->x1 = run->x1 - 1;
    if (run->y < c->y0) c->y0 = run->y;
    if (run->y > c->y1) c->y1 = run->y;
    c->area += run->x1 - run->x0;
    for (int x = run->x0; x < run->x1; x++) {
      double d = pixel_d(m, frame, kp, use_gain, o + x);
      double sigma = pixel_sigma(m, kp, o + x), ad = fabs(d);
      boundary_edges(m, frame, kp, use_gain, x, run->y, run->pol, c);
      c->changed += (m->mask[o + x] & WL__CHANGED) != 0;
      c->sum_d += d;
      c->sum_w += ad;
      c->sum_wx += ad * (x + 0.5);
      c->sum_wy += ad * (run->y + 0.5);
      c->sum_var += sigma * sigma;
      if (m->p.jitter_test)
        shift_residuals(m, x, run->y, run->pol, d + m->mu[o + x], sigma, c);
      if (ad > c->peak_abs) c->peak_abs = ad;
      if (ad > sigma * c->peak_snr) c->peak_snr = ad / sigma;
    }
  }
  return nc;
}

static double comp_snr(const wl__motion_comp_t *c) {
  double s = c->sum_var > 0 ? fabs(c->sum_d) / sqrt(c->sum_var) : 0.0;
  return s > c->peak_snr ? s : c->peak_snr;
}

/* Jitter test (step 4b): the component's score counting only what lies
 * beyond the neighbourhood's background range must also reach min_snr. */
/* The jitter score: the integrated SNR of the residuals for the direction
 * that explains the component best, less what rectified noise adds on
 * average (E max(0, n) = sigma / sqrt(2 pi) per pixel, so sqrt(area) /
 * sqrt(2 pi) in SNR units): a long shimmering strip must not add up its
 * noise into a signal. Over the shifts [first, last): 0-8 by a pixel,
 * 0-16 by up to two (the sway score). */
static double shift_score(const wl__motion_comp_t *c, int first,
                          int last) {
  double inv = c->sum_var > 0 ? 1.0 / sqrt(c->sum_var) : 0.0, best = 1e30;
  double bias = 0.3989 * sqrt((double)c->area);
  for (int k = first; k < last; k++) {
    double s = c->shift_r[k] * inv - bias, peak = c->shift_peak[k] / 8.0;
    if (peak > s) s = peak;
    if (s < best) best = s;
  }
  return best;
}

/* ---- ghosts ------------------------------------------------------------ */

/* Is component c a ghost? See step 4 at the top. */
static int is_ghost(const wl_motion_t *m, const wl__motion_comp_t *c) {
  double mean_d = fabs(c->sum_d) / c->area;
  if (4 * c->changed > c->area || c->edge_pairs < 4 || !(c->edge_mu > 0) ||
      c->edge_f >= m->p.ghost_ratio * c->edge_mu ||
      c->edge_f >= 0.5 * mean_d * c->edge_pairs)
    return 0;
  if (c->area >= 4) return 1;
  /* A small component has few boundary pairs: call it a ghost only where
   * the frame around it is flat down to the noise. */
  double sigma = sqrt(c->sum_var / c->area);
  return c->edge_f < 2.0 * sigma * c->edge_pairs;
}

/* ---- second visit: absorb ghosts, core boxes ---------------------------- */

/* The larger of two |d| (never NaN: differences of integers), as fmax()
 * gives it but inline (fmax() is a library call without -ffast-math). */
static inline double max_ad(double a, double b) { return b > a ? b : a; }

static void second_visit(wl_motion_t *m, const wl_frame_t *frame,
                         const wl__motion_kparams_t *kp_in, int use_gain,
                         size_t n_runs) {
  const wl__motion_kparams_t kl = *kp_in, *kp = &kl; /* as in measure() */
  int w = m->w, h = m->h;
  double frac = m->p.box_frac;
  for (size_t i = 0; i < n_runs; i++) {
    int32_t ci = m->comp_of[find_root(m->parent, (int32_t)i)];
    if (ci < 0) continue;
    wl__motion_comp_t *c = &m->comps[ci];
    if (c->state == WL__COMP_WEAK) continue;
    const wl__motion_run_t *run = &m->runs[i];
    int y = run->y;
    size_t o = (size_t)y * (size_t)w;
    if (c->state == WL__COMP_GHOST) {
      for (int x = run->x0; x < run->x1; x++) {
        int v = wl__motion_ref_value(frame->data[o + x], kp, use_gain);
        m->mu[o + x] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
      }
      continue;
    }
    /* |d| of the pixel and of its left and right neighbours slide along
     * the run (nothing writes mu during it: it is not a ghost's). */
    int x = run->x0;
    double left = x > 0 ? fabs(pixel_d(m, frame, kp, use_gain, o + x - 1))
                        : 0.0;
    double ad = fabs(pixel_d(m, frame, kp, use_gain, o + x));
    for (; x < run->x1; x++) {
      double right =
          x + 1 < w ? fabs(pixel_d(m, frame, kp, use_gain, o + x + 1)) : 0.0;
      double nb = ad;
      if (x > 0) nb = max_ad(nb, left);
      if (x + 1 < w) nb = max_ad(nb, right);
      if (y > 0)
        nb = max_ad(nb, fabs(pixel_d(m, frame, kp, use_gain, o + x - w)));
      if (y + 1 < h)
        nb = max_ad(nb, fabs(pixel_d(m, frame, kp, use_gain, o + x + w)));
      if (!(ad < frac * nb)) {
        if (x < c->cx0) c->cx0 = x;
        if (x > c->cx1) c->cx1 = x;
        if (y < c->cy0) c->cy0 = y;
        if (y > c->cy1) c->cy1 = y;
      }
      left = ad;
      ad = right;
    }
  }
}

/* ---- merging ----------------------------------------------------------- */

static int boxes_near(const wl__motion_comp_t *a, const wl__motion_comp_t *b,
                      int gap) {
  return a->x0 <= b->x1 + gap + 1 && b->x0 <= a->x1 + gap + 1 &&
         a->y0 <= b->y1 + gap + 1 && b->y0 <= a->y1 + gap + 1;
}

static void absorb(wl__motion_comp_t *a, const wl__motion_comp_t *b) {
  if (b->x0 < a->x0) a->x0 = b->x0;
  if (b->y0 < a->y0) a->y0 = b->y0;
  if (b->x1 > a->x1) a->x1 = b->x1;
  if (b->y1 > a->y1) a->y1 = b->y1;
  if (b->cx0 < a->cx0) a->cx0 = b->cx0;
  if (b->cy0 < a->cy0) a->cy0 = b->cy0;
  if (b->cx1 > a->cx1) a->cx1 = b->cx1;
  if (b->cy1 > a->cy1) a->cy1 = b->cy1;
  a->area += b->area;
  a->sum_d += b->sum_d;
  a->sum_w += b->sum_w;
  a->sum_wx += b->sum_wx;
  a->sum_wy += b->sum_wy;
  a->sum_var += b->sum_var;
  if (b->peak_abs > a->peak_abs) a->peak_abs = b->peak_abs;
  if (b->peak_snr > a->peak_snr) a->peak_snr = b->peak_snr;
  for (int k = 0; k < 16; k++) a->shift_r[k] += b->shift_r[k];
  for (int k = 0; k < 16; k++)
    if (b->shift_peak[k] > a->shift_peak[k]) a->shift_peak[k] = b->shift_peak[k];
}

/* Merge reported components of one polarity whose boxes are within
 * merge_gap pixels, until no pair is left (a merged box may reach a third
 * component). Quadratic in the reported components, which are few: they
 * are listed first (in index order, in comp_of, which is free once the
 * second visit is done and holds a run per component at least), so the
 * many weak components are not walked over on every pass. */
static void merge_fragments(wl_motion_t *m, size_t nc) {
  int gap = m->p.merge_gap;
  if (gap < 0) return;
  int32_t *pass = m->comp_of;
  size_t np = 0;
  for (size_t i = 0; i < nc; i++)
    if (m->comps[i].state == WL__COMP_PASS) pass[np++] = (int32_t)i;
  int changed = 1;
  while (changed) {
    changed = 0;
    for (size_t i = 0; i < np; i++) {
      wl__motion_comp_t *a = &m->comps[pass[i]];
      if (a->state != WL__COMP_PASS) continue;
      for (size_t j = i + 1; j < np; j++) {
        wl__motion_comp_t *b = &m->comps[pass[j]];
        if (b->state != WL__COMP_PASS || b->pol != a->pol ||
            !boxes_near(a, b, gap))
          continue;
        absorb(a, b);
        b->state = WL__COMP_MERGED;
        changed = 1;
      }
    }
  }
}

/* ---- output ------------------------------------------------------------ */

/* Reported components first, strongest (by score: the larger of the peak
 * and the integrated SNR) first. */
static int cmp_comp(const void *a, const void *b) {
  const wl__motion_comp_t *p = a, *q = b;
  int pp = p->state == WL__COMP_PASS, qp = q->state == WL__COMP_PASS;
  if (pp != qp) return qp - pp;
  return (p->snr < q->snr) - (p->snr > q->snr);
}

/* The reported components' indices (idx[0, n), in index order) sorted by
 * snr, largest first, stably (ties keep index order): a bottom-up merge
 * sort through tmp (n entries). Returns the array that holds the result
 * (idx or tmp). The same order as a stable sort of all the components
 * by cmp_comp (glibc's qsort is a merge sort: the order emit() had), but
 * without moving the 150-byte components or allocating. */
static int32_t *sort_by_snr(const wl__motion_comp_t *comps, int32_t *idx,
                            int32_t *tmp, size_t n) {
  int32_t *src = idx, *dst = tmp;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        dst[k++] = comps[src[j]].snr > comps[src[i]].snr ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int32_t *t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/* ---- sub-pixel box ------------------------------------------------------ */

/* Signed contrast toward the polarity at (x, y), 0 outside the image:
 * against the background model, or (a warm-up spot) against a constant. */
static inline double pol_s(const wl__motion_sview_t *v, int x, int y) {
  const wl_motion_t *m = v->m;
  if (x < 0 || y < 0 || x >= m->w || y >= m->h) return 0.0;
  size_t i = (size_t)y * (size_t)m->w + (size_t)x;
  double d = v->kp ? pixel_d(m, v->frame, v->kp, v->use_gain, i)
                   : (double)v->frame->data[i] - v->bg;
  return v->pol == WL__FG_WARM ? d : -d;
}

/* Noise sigma at (x, y), inside the image. */
static inline double view_sigma(const wl__motion_sview_t *v, int x, int y) {
  if (!v->kp) return v->sigma;
  return pixel_sigma(v->m, v->kp, (size_t)y * (size_t)v->m->w + (size_t)x);
}

/* pol_s at position t along line `line`: a column when vertical, else a
 * row. */
static inline double line_s(const wl__motion_sview_t *v, int vertical,
                            int line, int t) {
  return vertical ? pol_s(v, line, t) : pol_s(v, t, line);
}

/* The coverage of the outermost line (column or row) `at` beyond which
 * lies `out` (at - 1 or at + 1), inward `in` (or -1 when the box is too
 * thin to have an inward line of its own), over the positions [lo, hi]
 * along the edge: at the position where the edge is strongest (largest
 * s at `at` + s at `out`: the edge pixel's partial coverage plus what
 * the blur spilled outward), that sum over the contrast of the inward
 * neighbour (the object's own level there: a narrow head's top pixel is
 * compared with the head below it, not with the hot torso), which is
 * taken at least DEN_FLOOR x the component's level; clamped to
 * [MIN_EDGE_COVER, 1]. Without an inward line the reference is the level.
 * Outward, 1 + the covered part of `out` when that line holds a part of
 * the object (see below): in [1, 2].
 * vertical: the lines are columns (in >= 1 whenever it exists). */
static double edge_cover(const wl__motion_sview_t *v, int vertical, int at,
                         int out, int in, int lo, int hi, double level) {
  double best = -1e30, max_at = 0.0;
  int best_t = lo;
  /* The contrasts of the edge line and of the line outside, kept for the
   * outward step below when the edge is short enough (else read again). */
  double keep_at[EDGE_KEEP], keep_out[EDGE_KEEP];
  int keep = hi - lo < EDGE_KEEP;
  for (int t = lo; t <= hi; t++) {
    double sa = line_s(v, vertical, at, t), so = line_s(v, vertical, out, t);
    double sum = sa + so;
    if (keep) {
      keep_at[t - lo] = sa;
      keep_out[t - lo] = so;
    }
    if (sum > best) {
      best = sum;
      best_t = t;
    }
    if (sa > max_at) max_at = sa;
  }
  /* Outward: the line outside may hold a part of the object too thin or
   * too weak to be core (the top of a narrow head, a car's cold glass, a
   * leg's end). A fully covered edge line spreads edge_psf_spill (q) of itself
   * into it; a line covered over c adds c and spreads q c back, so with
   * r = s(out) / s(at), c = (r (1 + q) - q) / (1 - r q). r is taken over
   * the positions where the edge line holds at least half its largest
   * contrast (a narrow head's own column; all of a straight edge, which
   * averages the noise rather than picking its largest value), so a head
   * is measured against the head, not the torso. Taken when the line
   * outside holds more than the spill, q / (1 + q) of s(at), by
   * OUT_MIN_SIGMAS of its noise; the edge then lies at 1 + c. */
  double q = v->m->p.edge_psf_spill;
  if (q > 0.0 && max_at > 0.0 && out >= 0 &&
      out < (vertical ? v->m->w : v->m->h)) {
    double sum_a = 0.0, sum_o = 0.0, var = 0.0;
    for (int t = lo; t <= hi; t++) {
      double sa = keep ? keep_at[t - lo] : line_s(v, vertical, at, t);
      if (sa < 0.5 * max_at) continue;
      double sg = vertical ? view_sigma(v, out, t) : view_sigma(v, t, out);
      sum_a += sa;
      sum_o += keep ? keep_out[t - lo] : line_s(v, vertical, out, t);
      var += sg * sg;
    }
    if (sum_o - q / (1.0 + q) * sum_a > OUT_MIN_SIGMAS * sqrt(var)) {
      double r = sum_o / sum_a;
      double c = r >= 1.0 ? 1.0 : (r * (1.0 + q) - q) / (1.0 - r * q);
      if (c > 0.0) return 1.0 + (c < 1.0 ? c : 1.0);
    }
  }
  double den = level;
  if (in >= 0) {
    den = line_s(v, vertical, in, best_t);
    if (den < DEN_FLOOR * level) den = DEN_FLOOR * level;
  }
  double f = best / den;
  return f < MIN_EDGE_COVER ? MIN_EDGE_COVER : (f > 1.0 ? 1.0 : f);
}

void wl__motion_refine_box(const wl__motion_sview_t *v, double peak,
                           double cx, double cy, int x0, int x1, int y0,
                           int y1, wl_detection_t *d) {
  /* Level: the mean contrast of the core box's pixels above half the
   * peak. */
  double sum = 0.0, half = 0.5 * peak;
  int n = 0;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      double s = pol_s(v, x, y);
      if (s >= half) {
        sum += s;
        n++;
      }
    }
  if (n == 0 || !(sum > 0.0)) return;
  double level = sum / n;
  int wide = x1 - x0 >= 2, tall = y1 - y0 >= 2;
  double fl = edge_cover(v, 1, x0, x0 - 1, wide ? x0 + 1 : -1, y0, y1, level);
  double fr = edge_cover(v, 1, x1, x1 + 1, wide ? x1 - 1 : -1, y0, y1, level);
  double ft = edge_cover(v, 0, y0, y0 - 1, tall ? y0 + 1 : -1, x0, x1, level);
  double fb = edge_cover(v, 0, y1, y1 + 1, tall ? y1 - 1 : -1, x0, x1, level);
  double l = x0 + 1.0 - fl, r = x1 + fr, t = y0 + 1.0 - ft, b = y1 + fb;
  /* One line thick: both edges would come from the same pixels; keep the
   * whole pixel, centred on the centroid. */
  if (x1 > x0) {
    d->x = l;
    d->w = r - l;
  } else {
    d->x = cx - 0.5 * d->w;
  }
  if (y1 > y0) {
    d->y = t;
    d->h = b - t;
  } else {
    d->y = cy - 0.5 * d->h;
  }
}

/* The edges of a split part that cut through a body (c->cut, set by
 * motion_split.c) after the sub-pixel box: a left or right one no further
 * out than the part's window (the body goes on beyond it: the outward
 * step would read it as coverage), and, when the other side is a real
 * edge (its cut slot holds the person's centre column, negated), at that
 * edge mirrored about the centre (a person's box is symmetric about its
 * feet); a top or bottom one at the person's height from the other end
 * (at least 1 px a side). */
static void cut_edges(const wl__motion_comp_t *c, wl_detection_t *d) {
  if (!c->has_cut) return;
  double l = d->x, r = d->x + d->w, t = d->y, b = d->y + d->h;
  if (c->cut[0] > 0 && l < c->cut[0]) l = c->cut[0];
  if (c->cut[1] > 0 && r > c->cut[1]) r = c->cut[1];
  if (c->cut[1] < 0) {
    double ml = -2.0 * c->cut[1] - r;
    l = c->cut[0] > 0 && ml < c->cut[0] ? c->cut[0] : ml;
  } else if (c->cut[0] < 0) {
    double mr = -2.0 * c->cut[0] - l;
    r = c->cut[1] > 0 && mr > c->cut[1] ? c->cut[1] : mr;
  }
  if (c->cut[2] > 0) t = b - c->cut[2];
  if (c->cut[3] > 0) b = t + c->cut[3];
  if (r - l >= 1.0) {
    d->x = l;
    d->w = r - l;
  }
  if (b - t >= 1.0) {
    d->y = t;
    d->h = b - t;
  }
}

static void fill_detection(const wl_motion_t *m, const wl_frame_t *frame,
                           const wl__motion_kparams_t *kp, int use_gain,
                           const wl__motion_comp_t *c, wl_detection_t *d) {
  double to_units = 1.0 / (double)(1 << m->shift);
  if (frame->radiometry.radiometric) to_units *= frame->radiometry.scale;
  int have_core = c->cx1 >= c->cx0;
  int x0 = have_core ? c->cx0 : c->x0, x1 = have_core ? c->cx1 : c->x1;
  int y0 = have_core ? c->cy0 : c->y0, y1 = have_core ? c->cy1 : c->y1;
  memset(d, 0, sizeof *d);
  d->x = x0;
  d->y = y0;
  d->w = x1 - x0 + 1;
  d->h = y1 - y0 + 1;
  d->cx = c->sum_w > 0 ? c->sum_wx / c->sum_w : x0 + 0.5 * d->w;
  d->cy = c->sum_w > 0 ? c->sum_wy / c->sum_w : y0 + 0.5 * d->h;
  wl__motion_sview_t v = {m, frame, kp, use_gain, c->pol, 0.0, 0.0};
  wl__motion_refine_box(&v, c->peak_abs, d->cx, d->cy, x0, x1, y0, y1, d);
  cut_edges(c, d);
  d->area = c->area;
  d->polarity = c->pol == WL__FG_WARM ? 1 : -1;
  d->peak_contrast = d->polarity * c->peak_abs * to_units;
  /* detect.h: |peak contrast| / local sigma; the jitter test may lower
   * it to what a background shifted by up to a pixel cannot explain,
   * and sway_loss is what one shifted by up to two pixels explains
   * beyond that (a swaying bush's outline). */
  d->snr = c->peak_snr;
  if (m->p.jitter_test) {
    double s = shift_score(c, 0, 8), sway = shift_score(c, 0, 16);
    if (s < d->snr) d->snr = s;
    if (sway < d->snr) d->sway_loss = d->snr - sway;
  }
}

/* The max_out strongest reported components, strongest first. Their
 * indices are sorted in comp_of and parent, free at this stage (their
 * cap_runs entries hold the reported components but for an unusually
 * large max_components; then the components themselves are sorted, in
 * place: they are no longer needed afterwards). */
static size_t emit(wl_motion_t *m, const wl_frame_t *frame,
                   const wl__motion_kparams_t *kp, int use_gain, size_t nc,
                   wl_detection_t *out, size_t max_out) {
  size_t np = 0, n = 0;
  for (size_t i = 0; i < nc; i++) np += m->comps[i].state == WL__COMP_PASS;
  if (np > m->cap_runs) {
    qsort(m->comps, nc, sizeof *m->comps, cmp_comp);
    for (; n < np && n < max_out; n++)
      fill_detection(m, frame, kp, use_gain, &m->comps[n], &out[n]);
    return n;
  }
  int32_t *idx = m->comp_of;
  np = 0;
  for (size_t i = 0; i < nc; i++)
    if (m->comps[i].state == WL__COMP_PASS) idx[np++] = (int32_t)i;
  idx = sort_by_snr(m->comps, idx, m->parent, np);
  for (; n < np && n < max_out; n++)
    fill_detection(m, frame, kp, use_gain, &m->comps[idx[n]], &out[n]);
  return n;
}

size_t wl__motion_components(wl_motion_t *m, const wl_frame_t *frame,
                             const wl__motion_kparams_t *kp, int use_gain,
                             wl_detection_t *out, size_t max_out) {
  int overflow;
  size_t n_runs = label_runs(m, &overflow);
  m->st.run_overflow = overflow;
  size_t nc = measure(m, frame, kp, use_gain, n_runs);
  m->st.components = nc;
  for (size_t i = 0; i < nc; i++) {
    wl__motion_comp_t *c = &m->comps[i];
    c->snr = comp_snr(c);
    c->state = c->area >= m->p.min_area && c->snr >= m->p.min_snr
                   ? WL__COMP_PASS
                   : WL__COMP_WEAK;
    if (c->state == WL__COMP_PASS && m->p.ghost_ratio > 0 &&
        is_ghost(m, c)) {
      c->state = WL__COMP_GHOST;
      m->st.ghosts++;
    }
  }
  second_visit(m, frame, kp, use_gain, n_runs);
  merge_fragments(m, nc);
  nc = wl__motion_split(m, frame, kp, use_gain, nc);
  for (size_t i = 0; i < nc; i++) {
    wl__motion_comp_t *c = &m->comps[i];
    if (c->state != WL__COMP_PASS) continue;
    c->snr = comp_snr(c);
    if (m->p.jitter_test && shift_score(c, 0, 8) < m->p.min_snr)
      m->st.jitters++;
  }
  return emit(m, frame, kp, use_gain, nc, out, max_out);
}
