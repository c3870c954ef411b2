/*
 * associate.c - optimal track-to-detection assignment for one frame.
 *
 * Design. Three passes over preallocated buffers:
 *   1. costs: for every (track, detection) pair the negative log-likelihood
 *      ratio of "this detection is that track" against "it is clutter"
 *      (see track.h), or +inf when the centroid is outside the track's
 *      chi-square gate, the box size changed beyond size_gate_ratio,
 *      (polarity_gate) the detection's polarity is not the track's, or
 *      (vouched_gate_px, gate_vouched) the track is a standing target
 *      the caller vouched for, the centroid lies farther than that from
 *      its prediction on either axis and the detection is a passer-by's
 *      or new (not shared only with other standing tracks), or
 *      (reacquire_gate_rel, gate_reacquire) the track is LOST (or hidden
 *      past coast_frames, occlude_frames) and the centroid lies too far
 *      from its anchor prediction; a track whose last frame was no clean
 *      hit also pays for the distance from its anchor prediction
 *      (anchor_cost);
 *   2. clusters: tracks and detections joined by an allowed pair form
 *      connected components (union-find), which cannot influence each
 *      other's best assignment;
 *   3. each cluster with one track and one detection is decided directly
 *      (match when cheaper than a miss); every larger cluster is solved
 *      exactly with wl_assign_solve on a k x (l + k) matrix whose last k
 *      columns are each track's own "missed" option at -ln(1 - p_detect),
 *      so the solution is the minimum-cost assignment with misses allowed
 *      (global nearest neighbour), not a greedy one.
 * Well-separated targets give 1 x 1 clusters, so a typical frame costs the
 * gating pass plus a few tiny solves.
 *
 * Invariants: tr->trk[i].det and tr->meas[j].track are consistent
 * (a one-to-one matching) after wl__track_associate; nothing allocates.
 */
#include <math.h>

#include "watchline/assign.h"
#include "track_int.h"

/* One track's row of costs over the padded detections (blocks * 8 of
 * them). Plain arrays and a trip count that is a multiple of the block, so
 * the compiler vectorises it without a scalar epilogue. */
static int cost_row(const float *restrict mcx, const float *restrict mcy,
                    const float *restrict mlw, const float *restrict mlh,
                    const float *restrict mlam, float *restrict out,
                    int blocks, float px, float py,
                    float isx, float isy, float lw, float lh, float base,
                    float inv2, float gate, float size_gate2) {
  const int n = blocks * WL__GATE_BLOCK;
  int n_allowed = 0;
  for (int k = 0; k < n; k++) {
    float dx = mcx[k] - px, dy = mcy[k] - py;
    float d2 = dx * dx * isx + dy * dy * isy;
    float dw = mlw[k] - lw, dh = mlh[k] - lh;
    float dw2 = dw * dw, dh2 = dh * dh;
    float c = 0.5f * d2 + base + mlam[k] + (dw2 + dh2) * inv2;
    /* NaN (invalid, padding) fails every comparison: gated out. The cost
     * is always computed and +inf added, not selected, so the compiler
     * can if-convert the loop. */
    int allowed = (d2 <= gate) & (dw2 <= size_gate2) & (dh2 <= size_gate2);
    out[k] = c + (allowed ? 0.0f : INFINITY);
    n_allowed += allowed;
  }
  return n_allowed;
}

/* vouched_gate_px: a standing target the caller vouched for does not take
 * a detection farther than that from its prediction (on either axis)
 * unless the only other tracks that may take it stand still too (slower
 * than PASSER_PX_S). A detection in the gate of a moving track is a
 * passer-by's (when the target is hidden, the still path's blob at its
 * place is the passer-by's too), and one in no other track's gate is
 * something new beside it: taking either, the vouched track walked off
 * with the passer-by. Standing animals that touch (a flock) share their
 * blobs, whose centroid lies between them: there the vouched track keeps
 * taking them. The gate holds only once the track has GATE_MIN_HITS hits
 * (about a second): where a young vouched track stands is not known well
 * enough to hold it there, and in the first second, when warm blobs are
 * vouched early, a gated piece of a vehicle that starts to move left the
 * vehicle to a string of new tracks (vehicle-run, tuning seeds 1-10:
 * false tracks 73 without the gate, 125 with it from the first hit, 74
 * with it from 25 hits). */
#define PASSER_PX_S 6.0
#define GATE_MIN_HITS 25
static void gate_vouched(wl_tracker_t *tr) {
  const double g = tr->p.vouched_gate_px;
  const int stride = tr->n_meas_pad;
  if (!(g > 0)) return;
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *t = &tr->trk[i];
    if (!t->vouched || tr->tracks[i].hits < GATE_MIN_HITS) continue;
    float *row = tr->cost + (size_t)i * stride;
    for (int j = 0; j < tr->n_meas && t->n_allowed > 0; j++) {
      if (!(row[j] < INFINITY) || (fabs(tr->meas[j].cx - t->ax.pos) <= g &&
                                   fabs(tr->meas[j].cy - t->ay.pos) <= g))
        continue;
      int n_still = 0, n_moving = 0;
      for (int k = 0; k < tr->n; k++) {
        if (k == i || !(tr->cost[(size_t)k * stride + j] < INFINITY)) continue;
        if (hypot(tr->tracks[k].vx, tr->tracks[k].vy) >= PASSER_PX_S)
          n_moving++;
        else
          n_still++;
      }
      if (n_moving > 0 || n_still == 0) {
        row[j] = INFINITY;
        t->n_allowed--;
      }
    }
  }
}

/* The motion anchor (track_int.h): taken in at the start of each
 * association from the previous one's clean hit (the update in between
 * set hit_x, hit_y, t_last_hit_ns and the velocity, which a prediction
 * does not change). ANCHOR_GAIN: weight of a clean hit's filtered
 * velocity in the anchor's average (about ten frames' memory: the
 * Kalman velocity of a walker jitters with the gait and the blob's
 * shape). */
#define ANCHOR_GAIN 0.1
#define CLEAN_W 1.6      /* a clean hit's detection: at most this x as */
#define CLEAN_H 1.3      /* wide and tall as the track (+1 px) */
#define REACQ_MIN_PX 1.0 /* the gate's radius is never below this */
static void anchor_update(wl_tracker_t *tr) {
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *k = &tr->trk[i];
    if (k->clean_hit && tr->tracks[i].misses == 0) {
      k->anc_x = k->hit_x;
      k->anc_y = k->hit_y;
      k->anc_t_ns = tr->tracks[i].t_last_hit_ns;
      k->anc_w = tr->tracks[i].w;
      k->anc_h = tr->tracks[i].h;
      if (k->n_clean == 0) {
        k->anc_vx = k->ax.vel;
        k->anc_vy = k->ay.vel;
      } else {
        k->anc_vx += ANCHOR_GAIN * (k->ax.vel - k->anc_vx);
        k->anc_vy += ANCHOR_GAIN * (k->ay.vel - k->anc_vy);
      }
      k->n_clean++;
    }
    k->clean_hit = 0;
  }
}

/* contested_hold (track.h): does detection m, taken by track i, hold the
 * predicted box centre of another confirmed track of i's polarity, with
 * a trusted anchor, that took no detection in this frame? Two people
 * crossing merge into a blob hardly larger than one of them (too tight
 * for the merge split, and not wider than CLEAN_W): one track takes it,
 * the other misses (and is hidden, track.c occluded()). The blob's
 * centroid stands between the two while they pass, so the taker's
 * filter velocity decayed towards zero or towards the other's, and when
 * the blob came apart both went by position alone, a coin toss (crowd,
 * tuning seeds 1-10: the tracks of two people crossing came out with
 * velocities of -5 and -1 px/s where they walked at -12 and +10).
 * Marked not clean, the hit leaves the taker's anchor where it was and
 * its velocity at the anchor's (hold_anchor_velocity() in track.c). */
static int contested(const wl_tracker_t *tr, int i, const wl__meas_t *m) {
  for (int o = 0; o < tr->n; o++) {
    const wl__trk_t *q = &tr->trk[o];
    if (o == i || q->det >= 0 ||
        tr->tracks[o].state != WL_TRACK_CONFIRMED ||
        q->polarity != tr->trk[i].polarity ||
        q->n_clean < WL__ANCHOR_MIN_HITS)
      continue;
    double x = q->ax.pos + q->ox, y = q->ay.pos + q->oy;
    if (x >= m->x && x < m->x + m->w && y >= m->y && y < m->y + m->h)
      return 1;
  }
  return 0;
}

/* After the assignment: which tracks took a clean hit. The size is
 * compared with the track's at its last clean hit, not its current one,
 * which grows to a merged blob within a frame or two.
 * A detection much narrower than the track's current box (clean_narrow,
 * track.h) is not clean either: when a group's blob comes apart, the track
 * left on one of its people sees its box shrink to one side, and its
 * centroid jumps by half the width lost, which is no motion. Taken as
 * clean, such a hit goes into the filter velocity (a 16 px blob cut to a 5
 * px walker at its edge, walking at 15 px/s: 41 px/s two frames later, 24
 * px/s with this test) and, averaged over the clean hits, into the anchor
 * velocity that the re-acquisition gate, the relink and the hold through
 * merges rely on. Seen as not clean, it leaves the anchor where it was and
 * (hold_anchor_velocity() in track.c) the track at its anchor velocity; the
 * smoothed width follows the narrow blob within a frame or two and the hits
 * are clean again. Against the current width, not the anchor's: a track
 * whose person stays narrow is not kept unclean. Crowd, tuning seeds 1-10:
 * HOTA 0.654 -> 0.657 (1.3 / 2: 0.656 / 0.657; the same test on the height
 * too, 1.3: 0.655); seeds 11-20: 0.625 -> 0.627. */
static void anchor_mark(wl_tracker_t *tr) {
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *k = &tr->trk[i];
    const wl_track_t *t = &tr->tracks[i];
    if (k->det < 0) continue;
    const wl__meas_t *m = &tr->meas[k->det];
    double w = k->anc_w > 0 ? k->anc_w : t->w;
    double h = k->anc_h > 0 ? k->anc_h : t->h;
    const double narrow = tr->p.clean_narrow;
    k->clean_hit = !m->part && m->w <= CLEAN_W * w + 1.0 &&
                   m->h <= CLEAN_H * h + 1.0 &&
                   !(narrow > 0 && (m->w + 1.0) * narrow < t->w);
    if (k->clean_hit && tr->p.contested_hold && contested(tr, i, m))
      k->clean_hit = 0;
  }
}

double wl__anchor_gate(const wl_tracker_t *tr, int i, double g, double min_px,
                       double *px, double *py) {
  const wl__trk_t *k = &tr->trk[i];
  const wl_track_t *t = &tr->tracks[i];
  double T = (double)(tr->t_last_ns - k->anc_t_ns) * 1e-9;
  if (!(T >= 0)) T = 0;
  double s = t->w > t->h ? t->w : t->h;
  *px = k->anc_x + k->anc_vx * T;
  *py = k->anc_y + k->anc_vy * T;
  return fmax(min_px, g * s) + g * s * T;
}

/* Re-acquisition gate (reacquire_gate_rel, track.h). A LOST track (or a
 * confirmed one hidden for more than coast_frames, occlude_frames) with
 * WL__ANCHOR_MIN_HITS clean hits takes only a detection whose centroid lies
 * within max(REACQ_MIN_PX, g s) + g s T of its anchor prediction (the
 * anchor moved on by the anchor velocity for T, the time since the last
 * clean hit), g = reacquire_gate_rel, s = max(w, h) of the track's box.
 * Its Kalman prediction is no guide after a merge and a coast: a track
 * that took the blob of two people crossing, or their split parts, came
 * out with a velocity between theirs (a crowd walker's vertical velocity
 * reached 10-15 px/s), and while it coasted its gate grew to about 30 px;
 * it then re-acquired whoever passed there, often the person walking the
 * other way (crowd, tuning seeds 1-10: 303 of 922 re-acquisitions after
 * three or more missed frames went to another person, 104 to no one;
 * of those more than 5 px from the anchor prediction, 192 other, 50 no
 * one, 74 right). The size scaling keeps the gate in proportion for
 * vehicles and for small distant targets (the floor). */
static void gate_reacquire(wl_tracker_t *tr) {
  const double g = tr->p.reacquire_gate_rel;
  const int stride = tr->n_meas_pad;
  if (!(g > 0)) return;
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *k = &tr->trk[i];
    const wl_track_t *t = &tr->tracks[i];
    if (t->state == WL_TRACK_TENTATIVE || t->misses <= tr->p.coast_frames ||
        k->n_clean < WL__ANCHOR_MIN_HITS || k->n_allowed == 0)
      continue;
    double px, py, r = wl__anchor_gate(tr, i, g, REACQ_MIN_PX, &px, &py);
    float *row = tr->cost + (size_t)i * stride;
    for (int j = 0; j < tr->n_meas && k->n_allowed > 0; j++) {
      if (!(row[j] < INFINITY)) continue;
      double dx = tr->meas[j].cx - px, dy = tr->meas[j].cy - py;
      if (dx * dx + dy * dy > r * r) {
        row[j] = INFINITY;
        k->n_allowed--;
      }
    }
  }
}

/* Anchor cost (anchor_cost, track.h). A confirmed or lost track with
 * WL__ANCHOR_MIN_HITS clean hits whose anchor is stale (it missed, or
 * its last hit was a merged blob, a part or contested) adds
 * w 0.5 d^2 / r^2 to the cost of every detection in its gates, d the
 * distance of the detection's centroid from the anchor prediction and r
 * the re-acquisition radius with ANCHOR_COST_REL (max(1 px, 0.15 s) +
 * 0.15 s T, wl__anchor_gate()). While a track rides a merged blob its
 * filtered position follows the blob's centroid, between the people in
 * it; the anchor stays with the person. Two people walking the same way,
 * one behind the other, came out of their merge with the tracks' Kalman
 * predictions a pixel or two off towards each other, and the cheaper
 * pairing was the swap, while their anchor predictions were right
 * (crowd, tuning seeds 1-10: weight 0.25 / 0.5 / 1 / 4: HOTA 0.612 /
 * 0.617 / 0.615 / 0.616, 0.611 without). The cost is added, not the
 * Kalman term replaced, so a track whose person turned while merged
 * still finds it. Only for a track whose anchor moves at
 * ANCHOR_COST_MIN_PX_S or more (a walker): a grazing animal's anchor
 * says little about where it went while it coasted, and a small one's
 * radius is near its 1 px floor, so the cost made its own detection
 * dearer than a miss (the 5-minute nuisance runs, tuning seeds 1-6:
 * HOTA 0.405 -> 0.383 for all tracks, 0.403 with the speed limit; crowd
 * 1-10: 0.617 for all, 0.614 with it). */
#define ANCHOR_COST_REL 0.15
#define ANCHOR_COST_MIN_PX_S 6.0
static void anchor_cost(wl_tracker_t *tr) {
  const double w = tr->p.anchor_cost;
  const int stride = tr->n_meas_pad;
  if (!(w > 0)) return;
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *k = &tr->trk[i];
    const wl_track_t *t = &tr->tracks[i];
    if (t->state == WL_TRACK_TENTATIVE || k->n_clean < WL__ANCHOR_MIN_HITS ||
        k->n_allowed == 0 ||
        (t->misses == 0 && k->anc_t_ns == t->t_last_hit_ns) ||
        hypot(k->anc_vx, k->anc_vy) < ANCHOR_COST_MIN_PX_S)
      continue;
    double px, py;
    double r = wl__anchor_gate(tr, i, ANCHOR_COST_REL, REACQ_MIN_PX, &px, &py);
    double c = 0.5 * w / (r * r);
    float *row = tr->cost + (size_t)i * stride;
    for (int j = 0; j < tr->n_meas; j++) {
      if (!(row[j] < INFINITY)) continue;
      double dx = tr->meas[j].cx - px, dy = tr->meas[j].cy - py;
      row[j] += (float)(c * (dx * dx + dy * dy));
    }
  }
}

/* Gating and costs, row-major n x n_meas_pad. */
static void fill_costs(wl_tracker_t *tr) {
  const float gate = (float)tr->p.gate_chi2;
  const float size_gate2 = (float)(tr->ln_size_gate * tr->ln_size_gate);
  const float inv2 = (float)tr->inv_two_size_var;
  const int stride = tr->n_meas_pad;
  for (int i = 0; i < tr->n; i++) {
    wl__trk_t *t = &tr->trk[i];
    t->n_allowed = cost_row(tr->gate_cx, tr->gate_cy, tr->gate_lnw,
                            tr->gate_lnh, tr->gate_lnlam,
                            tr->cost + (size_t)i * stride,
                            stride / WL__GATE_BLOCK, (float)t->ax.pos,
                            (float)t->ay.pos, (float)(1.0 / t->sx),
                            (float)(1.0 / t->sy), (float)t->ln_w,
                            (float)t->ln_h,
                            (float)(tr->hit_const + t->half_ln_s), inv2,
                            gate, size_gate2);
    if (!tr->p.polarity_gate) continue;
    /* A warm track never takes a cold detection, nor the reverse: next
     * to a person the opposite polarity is the background's trace of
     * it (a ghost in the model), never the person. */
    float *row = tr->cost + (size_t)i * stride;
    for (int j = 0; j < tr->n_meas && t->n_allowed > 0; j++)
      if (tr->meas[j].polarity != t->polarity && row[j] < INFINITY) {
        row[j] = INFINITY;
        t->n_allowed--;
      }
  }
}

static int uf_find(int *parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

static void uf_union(int *parent, int a, int b) {
  a = uf_find(parent, a);
  b = uf_find(parent, b);
  if (a == b) return;
  if (a < b)
    parent[b] = a;
  else
    parent[a] = b;
}

/* Group nodes (tracks 0..n-1, then detections n..n+nm-1) by component:
 * members of root r are members[start[r] .. start[r + 1]), in increasing
 * node order, so a cluster lists its tracks before its detections. */
static void build_clusters(wl_tracker_t *tr) {
  const int n = tr->n, nm = tr->n_meas, nodes = n + nm;
  int *parent = tr->uf, *start = tr->start;
  for (int v = 0; v < nodes; v++) parent[v] = v;
  for (int i = 0; i < n; i++) {
    const float *row = tr->cost + (size_t)i * tr->n_meas_pad;
    for (int j = 0, left = tr->trk[i].n_allowed; left > 0 && j < nm; j++) {
      if (row[j] < INFINITY) {
        uf_union(parent, i, n + j);
        left--;
      }
    }
  }
  for (int v = 0; v <= nodes; v++) start[v] = 0;
  for (int v = 0; v < nodes; v++) {
    parent[v] = uf_find(parent, v); /* now every node points at its root */
    start[parent[v] + 1]++;
  }
  for (int v = 0; v < nodes; v++) start[v + 1] += start[v];
  /* Place members; start[r] advances while filling, then is restored. */
  for (int v = 0; v < nodes; v++) {
    int r = parent[v];
    tr->members[start[r]++] = v;
  }
  for (int v = nodes; v > 0; v--) start[v] = start[v - 1];
  start[0] = 0;
}

static void match(wl_tracker_t *tr, int track, int det) {
  tr->trk[track].det = det;
  tr->meas[det].track = track;
}

/* Solve one cluster of k tracks and l detections (members[]). */
static int solve_cluster(wl_tracker_t *tr, const int *members, int k, int l,
                         wl_err_t *err) {
  const int n = tr->n, nm = tr->n_meas_pad;
  const int *tracks = members, *dets = members + k;
  if (k == 1 && l == 1) {
    int i = tracks[0], j = dets[0] - n;
    if ((double)tr->cost[(size_t)i * nm + j] < tr->miss_cost) match(tr, i, j);
    return WL_OK;
  }
  const int cols = l + k;
  double *sub = tr->sub;
  for (int r = 0; r < k; r++) {
    const float *row = tr->cost + (size_t)tracks[r] * nm;
    double *out = sub + (size_t)r * cols;
    for (int c = 0; c < l; c++) out[c] = row[dets[c] - n];
    for (int c = 0; c < k; c++) out[l + c] = c == r ? tr->miss_cost : INFINITY;
  }
  int rc = wl_assign_solve(sub, k, cols, (size_t)cols, INFINITY, tr->work,
                           tr->work_size, tr->row_to_col, NULL, NULL, err);
  if (rc < 0) return rc;
  for (int r = 0; r < k; r++) {
    int c = tr->row_to_col[r];
    if (c >= 0 && c < l) match(tr, tracks[r], dets[c] - n);
  }
  return WL_OK;
}

int wl__track_associate(wl_tracker_t *tr, wl_err_t *err) {
  for (int i = 0; i < tr->n; i++) tr->trk[i].det = -1;
  for (int j = 0; j < tr->n_meas; j++) tr->meas[j].track = -1;
  anchor_update(tr);
  if (tr->n == 0 || tr->n_meas == 0) return WL_OK;
  fill_costs(tr);
  gate_vouched(tr);
  gate_reacquire(tr);
  anchor_cost(tr);
  build_clusters(tr);
  const int n = tr->n, nodes = n + tr->n_meas;
  for (int r = 0; r < nodes; r++) {
    int begin = tr->start[r], end = tr->start[r + 1];
    if (end - begin < 2) continue; /* a lone track or detection */
    int k = 0;
    while (begin + k < end && tr->members[begin + k] < n) k++;
    int l = end - begin - k;
    if (k == 0 || l == 0) continue;
    int rc = solve_cluster(tr, tr->members + begin, k, l, err);
    if (rc < 0) return rc;
  }
  anchor_mark(tr);
  return WL_OK;
}
