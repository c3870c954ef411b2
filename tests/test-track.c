/*
 * test-track.c - the tracker (track_*) and the classifier (classify_*).
 *
 * Tracker tests feed synthetic detections with known truth: crossing
 * targets built so that greedy nearest-neighbour association would swap
 * them, an occlusion, dim targets among random and static noise, irregular
 * frame times, capacity limits and speed. Classifier tests check the
 * physical features against a hand-placed target, and the accuracy on the
 * simulator's presets: the simulator's ground-truth boxes become
 * detections, so the tracker and classifier are measured alone, on seeds
 * the model was never fitted on (tools/classify-tune.c fits random
 * scenarios with seeds 20-59; as everywhere in the project, figures use
 * seeds from 101).
 */
#include <stdlib.h>
#include <time.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "../lib/track/track_int.h"
#include "../tools/accuracy.h"
#include "task.h"
#include "watchline/camera.h"
#include "watchline/classify.h"
#include "watchline/eval.h"
#include "watchline/sim.h"
#include "watchline/track.h"

#define FPS 30.0
#define FRAME_NS ((int64_t)(1e9 / FPS))

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* A small deterministic PRNG (xorshift64*), uniform and gaussian. */
typedef struct rng {
  uint64_t s;
} rng_t;

static double rng_uniform(rng_t *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (double)((r->s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(rng_t *r) {
  double u = rng_uniform(r), v = rng_uniform(r);
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A detection centred at (cx, cy) with a w x h box. */
static wl_detection_t det_at(double cx, double cy, double w, double h,
                             double snr) {
  wl_detection_t d;
  memset(&d, 0, sizeof d);
  d.x = cx - 0.5 * w;
  d.y = cy - 0.5 * h;
  d.w = w;
  d.h = h;
  d.cx = cx;
  d.cy = cy;
  d.area = (int)(w * h);
  d.polarity = 1;
  d.peak_contrast = 0.05 * snr;
  d.snr = snr;
  return d;
}

/* The default parameters, for a 640 x 512 image. */
static void image_params(wl_track_params_t *p) {
  wl_track_default_params(p);
  p->width = 640;
  p->height = 512;
}

/* Does wl_tracker_new() refuse parameters p? (A tracker it makes after
 * all is freed.) */
static int tracker_refuses(const wl_track_params_t *p) {
  wl_err_t err;
  wl_tracker_t *tr = NULL;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return 1;
  wl_tracker_free(tr);
  return 0;
}

static wl_tracker_t *make_tracker(int width, int height) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.width = width;
  p.height = height;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) {
    fprintf(stderr, "wl_tracker_new: %s\n", err.msg);
    return NULL;
  }
  return tr;
}

/* The confirmed track whose matched detection is det, or NULL. */
static const wl_track_t *confirmed_with_det(const wl_tracker_t *tr, int det) {
  size_t n;
  const wl_track_t *t = wl_tracker_confirmed(tr, &n);
  for (size_t i = 0; i < n; i++)
    if (t[i].det_index == det) return &t[i];
  return NULL;
}

static const wl_track_t *find_id(const wl_track_t *t, size_t n, uint64_t id) {
  for (size_t i = 0; i < n; i++)
    if (t[i].id == id) return &t[i];
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Tracker                                                                   */

/*
 * Two targets on nearly the same line, moving towards each other, cross at
 * frame 25. In that frame each detection is displaced towards the other
 * target, so the closest (track, detection) pair is B with A's detection:
 * greedy nearest-neighbour takes it first and swaps them. The optimal
 * assignment keeps both. The premise is checked on the tracker's own
 * predictions before the crossing frame.
 */
TEST_IMPL(track_crossing_optimal) {
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_err_t err;
  uint64_t id_a = 0, id_b = 0;
  for (int f = 0; f < 60; f++) {
    double ax = 100 + 2.0 * f, ay = 100.0;
    double bx = 200 - 2.0 * f, by = 103.0;
    if (f == 25) {
      ay += 1.6; /* towards B */
      by -= 0.0;
      by += 1.5; /* away from A: B's own detection is further from B */
    }
    wl_detection_t d[2] = {det_at(ax, ay, 4, 4, 20), det_at(bx, by, 4, 4, 20)};
    if (f == 25) {
      /* Premise: predicted B is nearer A's detection than anything else. */
      size_t n;
      const wl_track_t *t = wl_tracker_confirmed(tr, &n);
      const wl_track_t *ta = find_id(t, n, id_a), *tb = find_id(t, n, id_b);
      ASSERT(ta && tb);
      double dt = 1.0 / FPS;
      double pa[2] = {ta->cx + ta->vx * dt, ta->cy + ta->vy * dt};
      double pb[2] = {tb->cx + tb->vx * dt, tb->cy + tb->vy * dt};
      double b_to_a = hypot(pb[0] - ax, pb[1] - ay);
      double a_to_a = hypot(pa[0] - ax, pa[1] - ay);
      double b_to_b = hypot(pb[0] - bx, pb[1] - by);
      double a_to_b = hypot(pa[0] - bx, pa[1] - by);
      ASSERT_DBL_LT(b_to_a, a_to_a);
      ASSERT_DBL_LT(b_to_a, b_to_b);
      ASSERT_DBL_LT(b_to_a, a_to_b);
    }
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
    const wl_track_t *ta = confirmed_with_det(tr, 0);
    const wl_track_t *tb = confirmed_with_det(tr, 1);
    if (f < 3) continue;
    ASSERT(ta != NULL);
    ASSERT(tb != NULL);
    if (!id_a) {
      id_a = ta->id;
      id_b = tb->id;
      ASSERT_NE(id_a, id_b);
    }
    ASSERT_EQ(ta->id, id_a);
    ASSERT_EQ(tb->id, id_b);
  }
  size_t n;
  wl_tracker_tracks(tr, &n);
  ASSERT_EQ(n, 2);
  wl_tracker_free(tr);
  return 0;
}

/* A warm target (4 x 12 px, 2 px per frame) leaves a colder trace right
 * where the tracker predicts it (a ghost in the detector's background):
 * with polarity_gate the track keeps taking the warm detection 1.5 px
 * off its prediction; without it, it takes the cold one. */
static int polarity_run(int gate, int *took_cold, uint64_t *ids) {
  wl_track_params_t p;
  image_params(&p);
  p.polarity_gate = gate;
  wl_tracker_t *tr;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  *took_cold = 0;
  *ids = 0;
  uint64_t id = 0;
  for (int f = 0; f < 40; f++) {
    double x = 100 + 2.0 * f;
    wl_detection_t d[2];
    int n = 0;
    d[n++] = det_at(x + (f >= 10 ? 1.5 : 0.0), 200, 4, 12, 30);
    if (f >= 10) {
      d[n] = det_at(x, 200, 4, 12, 30);
      d[n].polarity = -1;
      d[n].peak_contrast = -d[n].peak_contrast;
      n++;
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, (size_t)n, &err) != WL_OK)
      return -1;
    size_t nc;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (t[i].id != id) {
        id = t[i].id;
        (*ids)++;
      }
      if (f >= 10 && t[i].det_index == 1) (*took_cold)++;
    }
  }
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_polarity_gate) {
  int took_cold;
  uint64_t ids;
  ASSERT_EQ(polarity_run(0, &took_cold, &ids), 0);
  ASSERT_GT(took_cold, 20); /* premise: the trace wins on distance */
  ASSERT_EQ(polarity_run(1, &took_cold, &ids), 0);
  ASSERT_EQ(took_cold, 0);
  ASSERT_EQ(ids, 1); /* one warm track throughout */
  return 0;
}

/* A target hidden for 8 frames comes back under its id; one hidden for
 * longer than max_lost_frames comes back as a new track. */
TEST_IMPL(track_reacquire) {
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_err_t err;
  wl_tracker_stats_t st;
  uint64_t id = 0;
  int f = 0;
  for (; f < 110; f++) {
    int hidden = (f >= 30 && f < 38) || f >= 60;
    double x = 50 + 1.5 * f, y = 200 + 0.5 * f;
    wl_detection_t d = det_at(x, y, 6, 12, 12);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, hidden ? 0 : 1, &err),
              &err);
    size_t n;
    const wl_track_t *t = wl_tracker_confirmed(tr, &n);
    if (f == 10) {
      ASSERT_EQ(n, 1);
      id = t[0].id;
    }
    if (f >= 10 && f < 30) {
      ASSERT_EQ(n, 1);
      ASSERT_EQ(t[0].id, id);
    }
    if (f >= 30 && f < 32) { /* coasting: still output, at its prediction */
      ASSERT_EQ(n, 1);
      ASSERT_EQ(t[0].misses, f - 29);
      ASSERT_NEAR(t[0].cx, x, 1.0);
    }
    if (f >= 32 && f < 38) {
      ASSERT_EQ(n, 0);
      size_t all;
      const wl_track_t *a = wl_tracker_tracks(tr, &all);
      ASSERT_EQ(all, 1);
      ASSERT_EQ(a[0].state, WL_TRACK_LOST);
    }
    if (f >= 38 && f < 60) {
      ASSERT_EQ(n, 1);
      ASSERT_EQ(t[0].id, id); /* re-acquired, same id */
    }
  }
  wl_tracker_stats(tr, &st);
  ASSERT_EQ(st.reacquisitions, 1);
  /* Back after 50 frames (> max_lost_frames = 45): a new id. */
  size_t n;
  const wl_track_t *t;
  for (; f < 120; f++) {
    wl_detection_t d = det_at(50 + 1.5 * f, 200 + 0.5 * f, 6, 12, 12);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
  }
  t = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT_GT(t[0].id, id);
  wl_tracker_free(tr);
  return 0;
}

/* The track box follows a moving, slowly growing target without lag or
 * bias, and is steadier than its detections: detection edges have
 * independent errors of +-0.4 px, the centroid sits above the box centre
 * (a person's warm upper body) and the target approaches (height +0.03 px
 * per frame) while crossing at 1.3 px per frame. */
TEST_IMPL(track_box_unbiased) {
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_err_t err;
  rng_t r = {77};
  double bias[4] = {0}, abs_trk = 0, abs_det = 0;
  int n = 0;
  for (int f = 0; f < 120; f++) {
    double w = 4.3 + 0.012 * f, h = 9.7 + 0.03 * f;
    double x = 100.0 + 1.3 * f, y = 200.0 - 0.4 * f - 0.5 * (h - 9.7);
    double e[4];
    for (int k = 0; k < 4; k++) e[k] = 0.8 * (rng_uniform(&r) - 0.5);
    wl_detection_t d = det_at(0, 0, 1, 1, 15);
    d.x = x + e[0];
    d.w = w + e[1] - e[0];
    d.y = y + e[2];
    d.h = h + e[3] - e[2];
    d.cx = x + 0.5 * w + 0.1 * rng_gauss(&r);
    d.cy = y + 0.4 * h + 0.1 * rng_gauss(&r);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
    size_t nt;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nt);
    if (f < 20) continue;
    ASSERT_EQ(nt, 1);
    double te[4] = {t->x - x, t->x + t->w - x - w, t->y - y,
                    t->y + t->h - y - h};
    for (int k = 0; k < 4; k++) {
      bias[k] += te[k];
      abs_trk += fabs(te[k]);
      abs_det += fabs(e[k]);
    }
    n++;
  }
  for (int k = 0; k < 4; k++) ASSERT_DBL_LT(fabs(bias[k] / n), 0.06);
  ASSERT_DBL_LT(abs_trk, 0.8 * abs_det);
  wl_tracker_free(tr);
  return 0;
}

/* A strong moving target confirms at its third or fourth hit; before that
 * it is tentative and not output. A strong target that does not move is
 * never confirmed (static clutter), unless static_confirm_hits allows. */
TEST_IMPL(track_tentative_not_output) {
  wl_err_t err;
  for (int mode = 0; mode < 3; mode++) {
    /* 0: moving 2 px/frame; 1: static, static path off; 2: static,
     * static path after 15 hits */
    wl_track_params_t p;
    image_params(&p);
    p.static_confirm_hits = mode == 2 ? 15 : 0;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    int confirmed_at = 0;
    for (int f = 0; f < 40; f++) {
      double x = 300 + (mode == 0 ? 2.0 * f : 0.0);
      wl_detection_t d = det_at(x, 200, 5, 10, 15);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
      size_t n, all;
      wl_tracker_confirmed(tr, &n);
      const wl_track_t *a = wl_tracker_tracks(tr, &all);
      ASSERT_EQ(all, 1);
      ASSERT_EQ(a[0].id, 1);
      ASSERT_EQ(a[0].hits, f + 1);
      ASSERT_EQ(n, a[0].state == WL_TRACK_CONFIRMED ? 1 : 0);
      if (a[0].state == WL_TRACK_CONFIRMED && !confirmed_at)
        confirmed_at = a[0].hits;
    }
    if (mode == 0) {
      ASSERT_GE(confirmed_at, 3);
      ASSERT_LE(confirmed_at, 4);
    } else if (mode == 1) {
      ASSERT_EQ(confirmed_at, 0);
    } else {
      ASSERT_EQ(confirmed_at, 15);
    }
    wl_tracker_free(tr);
  }
  return 0;
}

/* wl__tracker_take_id (the pipeline's spot sites of 8-bit video): a taken
 * id is the tracker's next one and is never a track's: tracks born after
 * it get the ids after it, also after a reset, and the live tracks stay
 * in increasing id order. */
TEST_IMPL(track_take_id) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  ASSERT_EQ(wl__tracker_take_id(tr), 1);
  wl_detection_t d[2] = {det_at(100, 200, 5, 10, 15),
                         det_at(400, 200, 5, 10, 15)};
  ASSERT_OK(wl_tracker_update(tr, 0, d, 1, &err), &err);
  ASSERT_EQ(wl__tracker_take_id(tr), 3);
  ASSERT_OK(wl_tracker_update(tr, FRAME_NS, d, 2, &err), &err);
  size_t n;
  const wl_track_t *a = wl_tracker_tracks(tr, &n);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(a[0].id, 2);
  ASSERT_EQ(a[1].id, 4);
  wl_tracker_reset(tr);
  ASSERT_EQ(wl__tracker_take_id(tr), 5);
  ASSERT_OK(wl_tracker_update(tr, 2 * FRAME_NS, d, 1, &err), &err);
  a = wl_tracker_tracks(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(a[0].id, 6);
  wl_tracker_free(tr);
  return 0;
}

/* Slow-drift confirmation (slow_confirm_hits): a strong 1-px target drifting
 * 1.7 px/s (2 px, motion_min_px, only after 36 frames) with 0.15 px
 * centroid noise is confirmed between its 12th and 24th hit, and only
 * through that path (off: not in 30 frames). Not confirmed by it: the
 * same target standing still with 0.3 px centroid jitter (100 frames), a
 * dim one (SNR 5, never strong) and a large one (5 x 4 px, above
 * slow_max_area) drifting alike. */
/* Warm-up spots (wl_tracker_mark_spots, wl_tracker_end_spots): of three
 * strong 1-px objects seen for 20 frames, a static one from the temporal
 * detector (index 0), a static spot (index 1) and a spot drifting 1.5
 * px/s (index 2, 0.95 px: not yet confirmed by drifted()), none is
 * confirmed; when the spots end, the static spot's track goes, the
 * temporal one is untouched, and the drifting spot's goes too with
 * spot_keep_chi2 0 but stays with 25 (the default) (its slope is
 * significant). Marking covers one update only: a static spot seen
 * after an unmarked update is not spot-born. */
TEST_IMPL(track_spots_end) {
  wl_err_t err;
  for (int keep = 0; keep < 2; keep++) {
    wl_track_params_t p;
    image_params(&p);
    p.spot_keep_chi2 = keep ? 25.0 : 0.0;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    int f = 0;
    for (; f < 20; f++) {
      wl_detection_t d[3] = {det_at(100, 100, 1, 1, 15),
                             det_at(300, 200, 1, 1, 15),
                             det_at(500 + 1.5 * f / FPS, 300, 1, 1, 15)};
      wl_tracker_mark_spots(tr, 1);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 3, &err), &err);
      size_t n;
      wl_tracker_confirmed(tr, &n);
      ASSERT_EQ(n, 0);
    }
    size_t all;
    const wl_track_t *a = wl_tracker_tracks(tr, &all);
    ASSERT_EQ(all, 3);
    wl_tracker_end_spots(tr);
    a = wl_tracker_tracks(tr, &all);
    ASSERT_EQ(all, keep ? 2 : 1);
    ASSERT_EQ(a[0].id, 1);
    ASSERT_EQ(a[0].hits, 20);
    if (keep) ASSERT_EQ(a[1].id, 3);
    /* A new static object after an unmarked update is not spot-born. */
    wl_detection_t e = det_at(200, 400, 1, 1, 15);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &e, 1, &err), &err);
    wl_tracker_end_spots(tr);
    a = wl_tracker_tracks(tr, &all);
    ASSERT_EQ(all, keep ? 3 : 2);
    wl_tracker_free(tr);
  }
  return 0;
}

/* Warm-up spots kept when they end only when point-like
 * (spot_keep_max_area, spot_keep_max_w): four strong spots drifting 1.5
 * px/s for 20 frames (slopes significant at spot_keep_chi2 25), boxes
 * 1 x 1, 2 x 3 (6 px), 4 x 1 (4 px wide) and 3 x 3 (9 px): with the
 * defaults (6 px, 3 px wide) the first two are kept and the wide and the
 * large one go; with both limits at 10 all four stay (9 <= slow_max_area);
 * a negative limit is refused. */
TEST_IMPL(track_spots_keep_point_like) {
  wl_err_t err;
  for (int loose = 0; loose < 2; loose++) {
    wl_track_params_t p;
    image_params(&p);
    ASSERT_EQ(p.spot_keep_max_area, 6);
    ASSERT_EQ(p.spot_keep_max_w, 3);
    if (loose) p.spot_keep_max_area = p.spot_keep_max_w = 10;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    for (int f = 0; f < 20; f++) {
      double dx = 1.5 * f / FPS;
      wl_detection_t d[4] = {det_at(100 + dx, 100, 1, 1, 15),
                             det_at(250 + dx, 200, 2, 3, 15),
                             det_at(400 + dx, 300, 4, 1, 15),
                             det_at(550 + dx, 400, 3, 3, 15)};
      wl_tracker_mark_spots(tr, 0);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 4, &err), &err);
      size_t n;
      wl_tracker_confirmed(tr, &n);
      ASSERT_EQ(n, 0);
    }
    size_t all;
    const wl_track_t *a = wl_tracker_tracks(tr, &all);
    ASSERT_EQ(all, 4);
    wl_tracker_end_spots(tr);
    a = wl_tracker_tracks(tr, &all);
    ASSERT_EQ(all, loose ? 4 : 2);
    ASSERT_EQ(a[0].id, 1);
    ASSERT_EQ(a[1].id, 2);
    if (loose) {
      ASSERT_EQ(a[2].id, 3);
      ASSERT_EQ(a[3].id, 4);
    }
    wl_tracker_free(tr);
  }
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.spot_keep_max_w = -1;
  wl_tracker_t *tr = NULL;
  ASSERT(wl_tracker_new(&tr, &p, &err) != WL_OK);
  ASSERT(tr == NULL);
  return 0;
}

/* wl_tracker_vouch: a still, strong, extended target confirms by the
 * static rule after static_vouched_hits hits instead of
 * static_confirm_hits, and a vouched spot-born track survives the end of
 * the spots; an unknown id changes nothing. */
TEST_IMPL(track_vouch_static) {
  wl_err_t err;
  for (int mode = 0; mode < 3; mode++) { /* 0: plain, 1: vouched, 2: both
                                            vouched and spot-born */
    wl_track_params_t p;
    image_params(&p);
    ASSERT_EQ(p.static_confirm_hits, 30);
    ASSERT_EQ(p.static_vouched_hits, 3);
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    int confirmed_at = 0;
    for (int f = 0; f < 40 && !confirmed_at; f++) {
      wl_detection_t d[2] = {det_at(200, 200, 4, 16, 20),
                             det_at(400, 300, 4, 16, 20)};
      if (mode == 2) wl_tracker_mark_spots(tr, 0);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
      size_t all;
      const wl_track_t *a = wl_tracker_tracks(tr, &all);
      ASSERT_EQ(all, 2);
      if (f == 0 && mode > 0) {
        wl_tracker_vouch(tr, a[0].id);
        wl_tracker_vouch(tr, 999); /* unknown: nothing */
      }
      if (mode == 2 && f == 1) {
        wl_tracker_end_spots(tr); /* the unvouched spot-born one goes */
        a = wl_tracker_tracks(tr, &all);
        ASSERT_EQ(all, 1);
        ASSERT_EQ(a[0].id, 1);
        break;
      }
      size_t n;
      const wl_track_t *c = wl_tracker_confirmed(tr, &n);
      if (n) {
        ASSERT_EQ(n, mode == 0 ? 2 : 1);
        ASSERT_EQ(c[0].id, 1);
        confirmed_at = f + 1;
      }
    }
    if (mode == 0) ASSERT_EQ(confirmed_at, 30);
    /* Vouched: the hits, then the score (confirm_score) decide. */
    if (mode == 1) ASSERT(confirmed_at >= 3 && confirmed_at <= 6);
    wl_tracker_free(tr);
  }
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.static_vouched_hits = -1;
  wl_tracker_t *tr = NULL;
  ASSERT(wl_tracker_new(&tr, &p, &err) != WL_OK);
  ASSERT(tr == NULL);
  return 0;
}

/* vouched_gate_px: a standing target the caller vouched for loses its own
 * detection for 20 frames (frames 40-59: a passer-by hides it) while a
 * walker passes 2 px below it, seen twice (a temporal detection and a
 * blob; the walker's own track takes one of them). With the gate the
 * vouched track stays where it stands, coasting, and takes the standing
 * target back at frame 60; without it (0) it takes the walker's second
 * detection and walks off with it. */
TEST_IMPL(track_vouch_gate) {
  wl_err_t err;
  for (int gate = 0; gate < 2; gate++) {
    wl_track_params_t p;
    image_params(&p);
    ASSERT(p.vouched_gate_px == 1.5);
    if (!gate) p.vouched_gate_px = 0;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    uint64_t id = 0;
    double max_dev = 0;
    for (int f = 0; f < 80; f++) {
      double xw = 170 + 0.75 * f;
      wl_detection_t d[3];
      size_t n = 0;
      if (f < 40 || f >= 60) d[n++] = det_at(200, 200, 4, 16, 20);
      d[n++] = det_at(xw, 202, 4, 16, 20);
      if (f >= 40 && f < 60) d[n++] = det_at(xw + 0.3, 202.2, 4, 15, 15);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, n, &err), &err);
      size_t all;
      const wl_track_t *a = wl_tracker_tracks(tr, &all);
      if (f == 0) {
        ASSERT(all >= 1 && a[0].cx == 200);
        id = a[0].id;
        wl_tracker_vouch(tr, id);
      }
      const wl_track_t *t = find_id(a, all, id);
      if (f < 60) {
        ASSERT(t != NULL);
        if (fabs(t->cx - 200) > max_dev) max_dev = fabs(t->cx - 200);
      }
      if (f == 79 && gate) {
        /* Back on its own detection (index 0), confirmed, never moved. */
        ASSERT(t != NULL);
        ASSERT_EQ(t->det_index, 0);
        ASSERT_EQ(t->state, WL_TRACK_CONFIRMED);
        ASSERT(max_dev < 0.5);
      }
    }
    if (!gate) ASSERT(max_dev > 3); /* the premise: dragged off */
    wl_tracker_free(tr);
  }
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.vouched_gate_px = -1;
  wl_tracker_t *tr = NULL;
  ASSERT(wl_tracker_new(&tr, &p, &err) != WL_OK);
  ASSERT(tr == NULL);
  return 0;
}

/*
 * Re-acquisition gate (reacquire_gate_rel): walker A (5 x 18 px) walks
 * left at 15 px/s; for six frames it is inside a wider blob whose centroid
 * slides down and right (a nearer person beside it), which bends its
 * Kalman velocity; then it is hidden for 14 frames (LOST after 3). From
 * frame 60 walker B, walking right, passes where the bent prediction
 * points, 5.5 px below A's row; from frame 70 A is seen again on its own
 * row. With the gate, A's track does not take B (B starts a track of its
 * own) and takes A back; without it (0), A's track re-acquires B (the
 * premise: the swap seen in the crowd).
 */
TEST_IMPL(track_reacquire_gate) {
  wl_err_t err;
  for (int gate = 0; gate < 2; gate++) {
    wl_track_params_t p;
    image_params(&p);
    ASSERT(p.reacquire_gate_rel == 0.15);
    if (!gate) p.reacquire_gate_rel = 0;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    uint64_t id = 0;
    int took_b = 0, back_on_a = 0;
    for (int f = 0; f < 90; f++) {
      double xa = 300 - 0.5 * f, ya = 200;
      double xb = 274 + 0.4 * (f - 60), yb = 205.5;
      wl_detection_t d[2];
      size_t n = 0;
      if (f < 50 || f >= 70) d[n++] = det_at(xa, ya, 5, 18, 20);
      if (f >= 50 && f < 56)
        d[n++] = det_at(xa + 0.6 * (f - 49), ya + 0.7 * (f - 49), 12, 22, 20);
      int ib = -1;
      if (f >= 60) {
        ib = (int)n;
        d[n++] = det_at(xb, yb, 5, 18, 20);
      }
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, n, &err), &err);
      size_t all;
      const wl_track_t *a = wl_tracker_tracks(tr, &all);
      if (f == 40) {
        ASSERT_EQ(all, 1);
        ASSERT_EQ(a[0].state, WL_TRACK_CONFIRMED);
        id = a[0].id;
      }
      if (f < 41) continue;
      const wl_track_t *t = find_id(a, all, id);
      if (f == 62) {
        ASSERT(t != NULL); /* still there, lost (or on B without the gate) */
      }
      if (t && ib >= 0 && t->det_index == ib) took_b = 1;
      if (t && f >= 70 && t->det_index == 0 && fabs(t->cy - ya) < 1.0)
        back_on_a = 1;
    }
    if (gate) {
      ASSERT(!took_b);
      ASSERT(back_on_a);
    } else {
      ASSERT(took_b); /* the premise */
    }
    wl_tracker_free(tr);
  }
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.reacquire_gate_rel = -1;
  wl_tracker_t *tr = NULL;
  ASSERT(wl_tracker_new(&tr, &p, &err) != WL_OK);
  ASSERT(tr == NULL);
  return 0;
}

/*
 * Velocity through a merge: walker A (5 x 18 px) walks left at 15 px/s;
 * for eight frames it is inside a wider blob (12 x 22 px, a nearer
 * person beside it) whose centroid slides down and right at 18 and
 * 21 px/s, then it is seen alone again. The blob is no clean hit, so
 * A's track keeps its anchor velocity through it: after the blob its
 * velocity is still about (-15, 0) px/s. Without the hold (the premise,
 * seen in the crowd) the blob bent it down-right. Also checked: a track
 * with merge_split off bends (nothing changes there).
 */
static int merge_velocity_run(int merge_split, double *vx, double *vy) {
  wl_track_params_t p;
  image_params(&p);
  p.merge_split = merge_split;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id = 0;
  int rc = -1;
  for (int f = 0; f < 59; f++) {
    double xa = 300 - 0.5 * f, ya = 200;
    wl_detection_t d =
        f >= 50 && f < 58
            ? det_at(xa + 0.6 * (f - 49), ya + 0.7 * (f - 49), 12, 22, 20)
            : det_at(xa, ya, 5, 18, 20);
    if (wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err) != WL_OK) break;
    size_t all;
    const wl_track_t *a = wl_tracker_tracks(tr, &all);
    if (f == 40 && all == 1 && a[0].state == WL_TRACK_CONFIRMED) id = a[0].id;
    const wl_track_t *t = id ? find_id(a, all, id) : NULL;
    if (f == 57 && t && t->det_index == 0) {
      *vx = t->vx;
      *vy = t->vy;
      rc = 0;
    }
  }
  wl_tracker_free(tr);
  return rc;
}

TEST_IMPL(track_merge_velocity) {
  double vx = 0, vy = 0;
  ASSERT_EQ(merge_velocity_run(1, &vx, &vy), 0);
  fprintf(stderr, "after the blob: v = (%.2f, %.2f) px/s\n", vx, vy);
  ASSERT(fabs(vx + 15.0) < 1.0);
  ASSERT(fabs(vy) < 1.0);
  ASSERT_EQ(merge_velocity_run(0, &vx, &vy), 0);
  ASSERT(vy > 3.0); /* the premise: the blob bends the filter's velocity */
  return 0;
}

/*
 * A contested hit (contested_hold): walkers A (5 x 18 px, left at
 * 15 px/s) and B (right at 15 px/s) cross on one row at frame 50. From
 * frame 45 to 55 the detector sees one blob of them, 8 x 18 px at the
 * meeting point: hardly larger than one person (too tight for the merge
 * split, and clean by its size). One track takes it, the other misses
 * with its prediction inside it. With contested_hold the taker keeps its
 * velocity through the blob (within 2 px/s of its walker's at frame
 * 55), both tracks take their walkers back after it and keep them to
 * the end; without it (the premise) the standing blob slowed the
 * taker's velocity by more than 6 px/s.
 */
static int contested_run(int hold, double *taker_vx, double *walker_vx,
                         int *kept) {
  wl_track_params_t p;
  image_params(&p);
  p.contested_hold = hold;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_a = 0, id_b = 0;
  int rc = -1, right = 0;
  *kept = 0;
  for (int f = 0; f < 80; f++) {
    double xa = 300 - 0.5 * f, xb = 250 + 0.5 * f;
    wl_detection_t d[2];
    size_t n = 2;
    if (f >= 45 && f <= 55) {
      d[0] = det_at(275, 200, 8, 18, 20);
      n = 1;
    } else {
      d[0] = det_at(xa, 200, 5, 18, 20);
      d[1] = det_at(xb, 200, 5, 18, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, n, &err) != WL_OK) break;
    size_t all;
    const wl_track_t *t = wl_tracker_tracks(tr, &all);
    if (f == 40) {
      for (size_t i = 0; i < all; i++) {
        if (t[i].state != WL_TRACK_CONFIRMED) continue;
        if (t[i].det_index == 0) id_a = t[i].id;
        if (t[i].det_index == 1) id_b = t[i].id;
      }
    }
    if (f == 55) {
      for (size_t i = 0; i < all; i++) {
        if (t[i].det_index != 0 || !(t[i].id == id_a || t[i].id == id_b))
          continue;
        *taker_vx = t[i].vx;
        *walker_vx = t[i].id == id_a ? -15.0 : 15.0;
        rc = 0;
      }
    }
    if (f >= 60) {
      const wl_track_t *a = find_id(t, all, id_a), *b = find_id(t, all, id_b);
      right += a && b && a->det_index == 0 && b->det_index == 1;
    }
  }
  *kept = right == 20;
  wl_tracker_free(tr);
  return id_a && id_b ? rc : -1;
}

TEST_IMPL(track_contested_hold) {
  double vx = 0, walker = 0;
  int kept = 0;
  ASSERT_EQ(contested_run(1, &vx, &walker, &kept), 0);
  fprintf(stderr, "contested: taker v %.2f px/s (walker %.0f), kept %d\n",
          vx, walker, kept);
  ASSERT(fabs(vx - walker) < 2.0);
  ASSERT(kept);
  ASSERT_EQ(contested_run(0, &vx, &walker, &kept), 0);
  fprintf(stderr, "premise: taker v %.2f px/s (walker %.0f), kept %d\n", vx,
          walker, kept);
  ASSERT(fabs(vx - walker) > 6.0);
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT_EQ(p.contested_hold, 1);
  p.contested_hold = 2;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Anchor cost (anchor_cost): walker A (5 x 18 px) walks left at 15 px/s
 * on row 200; in frames 50-57 it is inside a wider blob (12 x 22 px)
 * whose centroid slides down 0.7 px per frame (no clean hit: the track's
 * position follows the blob, its velocity is held). From frame 58 A is
 * seen alone again, and so is walker C, walking beside it below, placed
 * 0.3 px nearer to the track's Kalman prediction than A is (mirrored
 * about it). With the anchor cost A's track takes A (its anchor
 * prediction is on A's row) in frame 58 and keeps it to frame 70;
 * without it (the premise) it takes C.
 */
static int anchor_cost_run(double w, int *on_a) {
  wl_track_params_t p;
  image_params(&p);
  p.anchor_cost = w;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id = 0;
  double yc = 0;
  int rc = 0;
  *on_a = 0;
  for (int f = 0; f < 71 && rc == 0; f++) {
    double xa = 300 - 0.5 * f;
    wl_detection_t d[2];
    size_t n = 1;
    if (f >= 50 && f < 58) {
      d[0] = det_at(xa, 200 + 0.7 * (f - 49), 12, 22, 20);
    } else if (f >= 58) {
      d[0] = det_at(xa, yc, 5, 18, 20); /* C */
      d[1] = det_at(xa, 200, 5, 18, 20); /* A */
      n = 2;
    } else {
      d[0] = det_at(xa, 200, 5, 18, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, n, &err) != WL_OK) rc = -1;
    size_t all;
    const wl_track_t *t = wl_tracker_tracks(tr, &all);
    if (f == 40 && all == 1 && t[0].state == WL_TRACK_CONFIRMED) id = t[0].id;
    if (f < 40) continue;
    const wl_track_t *a = id ? find_id(t, all, id) : NULL;
    if (!a) {
      rc = -1;
      break;
    }
    /* The Kalman prediction of the next frame is a->cy + a->vy dt. */
    if (f == 57) yc = 2.0 * (a->cy + a->vy / FPS) - 200.0 - 0.3;
    if (f >= 58) *on_a += a->det_index == 1;
  }
  wl_tracker_free(tr);
  return yc > 203 ? rc : -1;
}

TEST_IMPL(track_anchor_cost) {
  int on_a = 0;
  ASSERT_EQ(anchor_cost_run(0.5, &on_a), 0);
  fprintf(stderr, "anchor cost: on A in %d of 13 frames\n", on_a);
  ASSERT_EQ(on_a, 13);
  ASSERT_EQ(anchor_cost_run(0, &on_a), 0);
  fprintf(stderr, "premise: on A in %d of 13 frames\n", on_a);
  ASSERT(on_a < 13);
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT(p.anchor_cost == 0.5);
  p.anchor_cost = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * A narrowing blob (clean_narrow): a blob of people side by side (20 x
 * 18 px) walks right at 15 px/s for 40 frames; from frame 40 only its
 * rightmost walker (5 x 18 px, the right edge kept) is seen, so the
 * centroid jumps 7.5 px ahead in one frame. The walker goes on alone to
 * frame 54, is unseen in frames 55-94 (1.3 s) and is seen again from
 * frame 95 where it walked. With clean_narrow the narrowing hit leaves
 * the anchor velocity at 15 px/s and the lost track takes the walker
 * back at its first detection (frame 95); without it (the premise) the
 * jump went into the anchor velocity, the anchor prediction ran ahead of
 * the walker and the re-acquisition gate refused that detection.
 */
static int narrow_run(double narrow, int *taken_back) {
  wl_track_params_t p;
  image_params(&p);
  p.clean_narrow = narrow;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id = 0;
  int rc = 0;
  *taken_back = 0;
  for (int f = 0; f < 96 && rc == 0; f++) {
    double right = 210.0 + 0.5 * f;
    double w = f < 40 ? 20.0 : 5.0;
    wl_detection_t d = det_at(right - 0.5 * w, 200, w, 18, 20);
    size_t n = f >= 55 && f < 95 ? 0 : 1;
    if (wl_tracker_update(tr, f * FRAME_NS, &d, n, &err) != WL_OK) rc = -1;
    size_t all;
    const wl_track_t *t = wl_tracker_tracks(tr, &all);
    if (f == 39 && all == 1 && t[0].state == WL_TRACK_CONFIRMED) id = t[0].id;
    if (f == 95) {
      const wl_track_t *a = id ? find_id(t, all, id) : NULL;
      *taken_back = a && a->det_index == 0;
    }
  }
  wl_tracker_free(tr);
  return id ? rc : -1;
}

TEST_IMPL(track_clean_narrow) {
  int back = 0;
  ASSERT_EQ(narrow_run(1.6, &back), 0);
  ASSERT(back);
  ASSERT_EQ(narrow_run(0.0, &back), 0);
  ASSERT(!back); /* the premise: the shrink moved the anchor ahead */
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT(p.clean_narrow == 1.6);
  p.clean_narrow = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Hidden behind a passer-by (occlude_frames): walker A (5 x 18 px) walks
 * left at 15 px/s, walker B (8 x 18 px, a nearer person, 1 px lower)
 * walks right at 15 px/s; they cross at frame 50. While B covers A
 * (frames 46-54) only B's detection is seen. With occlude_frames A's
 * track stays confirmed and output near where A is, and takes A back
 * with its own id; with 0 (the premise) it is not output after
 * coast_frames misses.
 */
static int hidden_run(int occlude, int *out_hidden, double *max_err,
                      int *same_id) {
  wl_track_params_t p;
  image_params(&p);
  p.occlude_frames = occlude;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_a = 0;
  *out_hidden = 0;
  *max_err = 0;
  *same_id = 0;
  int rc = 0;
  for (int f = 0; f < 70 && rc == 0; f++) {
    double xa = 300 - 0.5 * f, xb = 250 + 0.5 * f;
    wl_detection_t d[2];
    size_t n = 0;
    d[n++] = det_at(xb, 201, 8, 18, 20);
    int ia = -1;
    if (f < 46 || f > 54) {
      ia = (int)n;
      d[n++] = det_at(xa, 200, 5, 18, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, n, &err) != WL_OK) rc = -1;
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc && f == 40; i++)
      if (c[i].det_index == ia) id_a = c[i].id;
    const wl_track_t *t = id_a ? find_id(c, nc, id_a) : NULL;
    if (f >= 46 && f <= 54 && t) {
      (*out_hidden)++;
      double e = fabs(t->x + 0.5 * t->w - xa);
      if (e > *max_err) *max_err = e;
    }
    if (f == 69) *same_id = t && t->det_index == ia;
  }
  wl_tracker_free(tr);
  return id_a ? rc : -1;
}

TEST_IMPL(track_hidden_output) {
  int hidden, same;
  double err_px;
  ASSERT(hidden_run(15, &hidden, &err_px, &same) == 0);
  fprintf(stderr, "hidden: output %d of 9 frames, max error %.2f px\n",
          hidden, err_px);
  ASSERT_EQ(hidden, 9);
  ASSERT(err_px < 1.0);
  ASSERT(same);
  ASSERT(hidden_run(0, &hidden, &err_px, &same) == 0);
  ASSERT(hidden <= 2); /* the premise: only coast_frames */
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT_EQ(p.occlude_frames, 15);
  p.occlude_frames = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Standing hold (standing_hold_frames): a standing person S (4 x 18 px,
 * vouched for by the caller: wl_tracker_confirm) is seen in frames 0-39,
 * then not (the caller's blob test fails while passers-by cover it)
 * until frame 110. A passer-by P (5 x 18 px, 3 px lower) walks right at
 * 15 px/s past it from frame 40 on, its box over S's box widened by S's
 * width in frames 63-96. With the hold S's id is output, at its place,
 * in every frame P covers it and is on S again when S is seen; with 0
 * (the premise) it is not output while P covers it (more than coast_frames
 * and occlude_frames misses) and S comes back under another id. P keeps
 * its own track.
 */
static int standing_run(int hold, int *n_out, double *max_err,
                        int *same_id, int *p_kept) {
  wl_track_params_t p;
  image_params(&p);
  p.standing_hold_frames = hold;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_s = 0, id_p = 0;
  *n_out = 0;
  *max_err = 0;
  *same_id = 0;
  *p_kept = 1;
  int rc = 0;
  for (int f = 0; f < 140 && rc == 0; f++) {
    wl_detection_t d[2];
    size_t n = 0;
    int is = -1, ip = -1;
    if (f < 40 || f >= 110) {
      is = (int)n;
      d[n++] = det_at(302, 209, 4, 18, 20);
    }
    if (f >= 40) {
      ip = (int)n;
      d[n++] = det_at(282.5 + 0.5 * (f - 40), 212, 5, 18, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, n, &err) != WL_OK) rc = -1;
    size_t na;
    const wl_track_t *all = wl_tracker_tracks(tr, &na);
    if (f == 0 && na == 1) {
      id_s = all[0].id;
      if (!wl_tracker_confirm(tr, id_s)) rc = -1;
    }
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (f == 50 && c[i].det_index == ip) id_p = c[i].id;
      if (id_p && c[i].id == id_p && ip >= 0 && c[i].det_index != ip &&
          f > 50)
        *p_kept = 0;
    }
    const wl_track_t *t = find_id(c, nc, id_s);
    if (f >= 64 && f <= 95 && t) {
      (*n_out)++;
      double e = hypot(t->x + 0.5 * t->w - 302, t->y + 0.5 * t->h - 209);
      if (e > *max_err) *max_err = e;
    }
    if (f == 139) *same_id = t && t->det_index == is;
  }
  wl_tracker_free(tr);
  return id_s && id_p ? rc : -1;
}

TEST_IMPL(track_standing_hold) {
  int n_out, same, kept;
  double err_px;
  ASSERT(standing_run(135, &n_out, &err_px, &same, &kept) == 0);
  fprintf(stderr, "standing: output %d of 32 covered frames, max error "
          "%.2f px, same id after %d\n", n_out, err_px, same);
  ASSERT_EQ(n_out, 32);
  ASSERT(err_px < 0.5);
  ASSERT(same);
  ASSERT(kept);
  ASSERT(standing_run(0, &n_out, &err_px, &same, &kept) == 0);
  ASSERT_EQ(n_out, 0); /* the premise */
  ASSERT(!same);
  ASSERT(kept);
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT_EQ(p.standing_hold_frames, 135);
  p.standing_hold_frames = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Standing hold through a long crossing (standing_hold_frames counts the
 * misses nothing covered): a standing person S (4 x 18 px, vouched for:
 * wl_tracker_confirm) is seen in frames 0-39, then not (the caller's blob
 * test fails) until frame 40 + gap. With cover, a train of passers-by
 * (5 x 18 px, 3 px lower, one every 30 frames from frame 15, each from
 * x 282.5 walking right at 15 px/s, on to the end) keeps a detection over
 * S's box widened by its width in every one of those frames. With hold
 * 30 and a 100-frame gap, S is output at
 * its place in all 100 covered frames and keeps its id when seen again
 * (before, deleted after 30 misses: a new id); the same gap without the
 * passers-by deletes it (a new id, the premise: a miss nothing covers
 * means it walked off), and so does cover for more than 4 x 30 misses
 * (a 130-frame gap).
 */
static int standing_cover_run(int hold, int gap, int cover, int *n_out,
                              int *same_id) {
  wl_track_params_t p;
  image_params(&p);
  p.standing_hold_frames = hold;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_s = 0;
  *n_out = 0;
  *same_id = 0;
  int rc = 0, back = 40 + gap;
  for (int f = 0; f < back + 20 && rc == 0; f++) {
    wl_detection_t d[4];
    size_t n = 0;
    int is = -1;
    if (f < 40 || f >= back) {
      is = (int)n;
      d[n++] = det_at(302, 209, 4, 18, 20);
    }
    for (int k = 0; cover && k < 8; k++) {
      int f0 = 15 + 30 * k; /* walker k starts at x 282.5 in frame f0 */
      double x = 282.5 + 0.5 * (f - f0);
      if (f >= f0 && x < 330 && n < 4) d[n++] = det_at(x, 212, 5, 18, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, n, &err) != WL_OK) rc = -1;
    if (f == 0) {
      size_t na;
      const wl_track_t *all = wl_tracker_tracks(tr, &na);
      if (na != 1 || !wl_tracker_confirm(tr, all[0].id)) rc = -1;
      else id_s = all[0].id;
    }
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    const wl_track_t *t = find_id(c, nc, id_s);
    if (f >= 40 && f < back && t &&
        hypot(t->x + 0.5 * t->w - 302, t->y + 0.5 * t->h - 209) < 0.5)
      (*n_out)++;
    if (f == back + 19) *same_id = t && t->det_index == is;
  }
  wl_tracker_free(tr);
  return id_s ? rc : -1;
}

TEST_IMPL(track_standing_hold_covered) {
  int n_out, same;
  ASSERT_EQ(standing_cover_run(30, 100, 1, &n_out, &same), 0);
  fprintf(stderr, "standing, covered 100 frames (hold 30): output in %d, "
          "same id after %d\n", n_out, same);
  ASSERT_EQ(n_out, 100);
  ASSERT(same);
  /* The premise: nothing covers it, it walked off after 30 misses. */
  ASSERT_EQ(standing_cover_run(30, 100, 0, &n_out, &same), 0);
  ASSERT(n_out <= 30);
  ASSERT(!same);
  /* Covered beyond 4 x 30 misses: deleted too. */
  ASSERT_EQ(standing_cover_run(30, 130, 1, &n_out, &same), 0);
  ASSERT(n_out <= 121);
  ASSERT(!same);
  return 0;
}

/*
 * Relink (relink_gate_rel): walker A (5 x 18 px) walks left at 15 px/s,
 * is not seen in frames 40-59 (LOST after coast_frames) and comes back 6
 * px behind where it was going (it slowed down while unseen): beyond the
 * re-acquisition gate, so a new track is born on it. When that track is
 * confirmed it takes A's old id (stats: one relink), and no other id is
 * ever output for A; with 0 (the premise) A goes on under a new id. A
 * new track moving the other way is not relinked.
 */
static int relink_run(double gate, double dir, uint64_t *id_first,
                      uint64_t *id_last, int *n_ids,
                      wl_tracker_stats_t *st) {
  wl_track_params_t p;
  image_params(&p);
  p.relink_gate_rel = gate;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  *id_first = *id_last = 0;
  *n_ids = 0;
  uint64_t seen = 0;
  int rc = 0;
  for (int f = 0; f < 90 && rc == 0; f++) {
    double xa = f < 40 ? 300 - 0.5 * f : 286 - dir * 0.5 * (f - 40);
    wl_detection_t d = det_at(xa, 200, 5, 18, 20);
    size_t n = f >= 40 && f < 60 ? 0 : 1;
    if (wl_tracker_update(tr, f * FRAME_NS, &d, n, &err) != WL_OK) rc = -1;
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (c[i].det_index != 0) continue;
      if (!*id_first) *id_first = c[i].id;
      if (c[i].id != seen) (*n_ids)++;
      seen = *id_last = c[i].id;
    }
  }
  wl_tracker_stats(tr, st);
  wl_tracker_free(tr);
  return rc;
}

TEST_IMPL(track_relink) {
  uint64_t first, last;
  int n_ids;
  wl_tracker_stats_t st;
  ASSERT_EQ(relink_run(0.3, 1, &first, &last, &n_ids, &st), 0);
  fprintf(stderr, "relink: ids %llu -> %llu, %d id runs, %llu relinks\n",
          (unsigned long long)first, (unsigned long long)last, n_ids,
          (unsigned long long)st.relinks);
  ASSERT(first != 0);
  ASSERT_EQ(last, first);
  ASSERT_EQ(n_ids, 1);
  ASSERT_EQ(st.relinks, 1);
  /* The premise: without the relink, a second id. */
  ASSERT_EQ(relink_run(0, 1, &first, &last, &n_ids, &st), 0);
  ASSERT(last != first);
  ASSERT_EQ(st.relinks, 0);
  /* Coming back the other way: a new id. */
  ASSERT_EQ(relink_run(0.3, -1, &first, &last, &n_ids, &st), 0);
  ASSERT(last != first);
  ASSERT_EQ(st.relinks, 0);
  wl_track_params_t p;
  wl_track_default_params(&p);
  ASSERT(p.relink_gate_rel == 0.3);
  p.relink_gate_rel = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * No relink of a standing track by a walker (RELINK_STANDING_PX_S in
 * track.c): standing person S (3 x 15 px, vouched for) is seen at
 * (300, 200) in frames 0-39, then not (hidden); from frame 60 walker W
 * (5 x 18 px) walks right at 15 px/s from x = 297, through where S
 * stands. W's new track is confirmed within the relink radius of S's
 * anchor, which grew while S was unseen, but a walker is not the
 * standing person come back: W keeps an id of its own and S's id is
 * never on W. With standing_hold_frames 0 (no standing rules, the
 * premise) W takes over S's id (one relink).
 */
static int standing_relink_run(int hold, int *w_on_s, int *w_seen,
                               wl_tracker_stats_t *st) {
  wl_track_params_t p;
  image_params(&p);
  p.standing_hold_frames = hold;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_s = 0;
  int rc = 0;
  *w_on_s = *w_seen = 0;
  for (int f = 0; f < 90 && rc == 0; f++) {
    wl_detection_t d;
    size_t n = 0;
    if (f < 40) {
      d = det_at(300, 200, 3, 15, 20);
      n = 1;
    } else if (f >= 60) {
      d = det_at(297 + 0.5 * (f - 60), 200, 5, 18, 20);
      n = 1;
    }
    if (wl_tracker_update(tr, f * FRAME_NS, &d, n, &err) != WL_OK) rc = -1;
    size_t all;
    const wl_track_t *t = wl_tracker_tracks(tr, &all);
    if (f == 2 && all == 1) {
      id_s = t[0].id;
      wl_tracker_vouch(tr, id_s);
    }
    if (f < 60) continue;
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (c[i].det_index != 0) continue;
      (*w_seen)++;
      *w_on_s += c[i].id == id_s;
    }
  }
  wl_tracker_stats(tr, st);
  wl_tracker_free(tr);
  return id_s ? rc : -1;
}

TEST_IMPL(track_relink_standing) {
  int on_s = 0, seen = 0;
  wl_tracker_stats_t st;
  ASSERT_EQ(standing_relink_run(135, &on_s, &seen, &st), 0);
  fprintf(stderr, "walker output %d frames, %d of them with S's id, "
          "%llu relinks\n", seen, on_s, (unsigned long long)st.relinks);
  ASSERT(seen >= 20);
  ASSERT_EQ(on_s, 0);
  ASSERT_EQ(st.relinks, 0);
  /* The premise: without the standing rules the walker takes S's id. */
  ASSERT_EQ(standing_relink_run(0, &on_s, &seen, &st), 0);
  fprintf(stderr, "premise: %d of %d with S's id, %llu relinks\n", on_s,
          seen, (unsigned long long)st.relinks);
  ASSERT(on_s >= 20);
  ASSERT_EQ(st.relinks, 1);
  return 0;
}

/*
 * The relink's direction test needs speed on both sides
 * (RELINK_DIR_MIN_PX_S in track.c): walker A (5 x 18 px) walks left at
 * `v_before` px/frame from x = 300 in frames 0-39, is unseen in frames
 * 40-59 and comes back at x_back, about 6 px beyond its anchor
 * prediction (outside the re-acquisition gate, inside the relink
 * radius), walking right at 9 px/s. After a slow walk (3 px/s: its
 * anchor velocity says little of where it goes) the new track takes A's
 * id (one relink); after a walk at 15 px/s it is someone walking the
 * other way and keeps an id of its own.
 */
static int slow_relink_run(double v_before, double x_back,
                           uint64_t *id_first, uint64_t *id_last,
                           wl_tracker_stats_t *st) {
  wl_track_params_t p;
  image_params(&p);
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  *id_first = *id_last = 0;
  int rc = 0;
  for (int f = 0; f < 90 && rc == 0; f++) {
    double xa = f < 40 ? 300 - v_before * f : x_back + 0.3 * (f - 60);
    wl_detection_t d = det_at(xa, 200, 5, 18, 20);
    size_t n = f >= 40 && f < 60 ? 0 : 1;
    if (wl_tracker_update(tr, f * FRAME_NS, &d, n, &err) != WL_OK) rc = -1;
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (c[i].det_index != 0) continue;
      if (!*id_first) *id_first = c[i].id;
      *id_last = c[i].id;
    }
  }
  wl_tracker_stats(tr, st);
  wl_tracker_free(tr);
  return rc;
}

TEST_IMPL(track_relink_slow) {
  uint64_t first, last;
  wl_tracker_stats_t st;
  ASSERT_EQ(slow_relink_run(0.1, 288, &first, &last, &st), 0);
  fprintf(stderr, "after 3 px/s: ids %llu -> %llu, %llu relinks\n",
          (unsigned long long)first, (unsigned long long)last,
          (unsigned long long)st.relinks);
  ASSERT(first != 0);
  ASSERT_EQ(last, first);
  ASSERT_EQ(st.relinks, 1);
  /* After a walk at 15 px/s the other way: a new id. */
  ASSERT_EQ(slow_relink_run(0.5, 263, &first, &last, &st), 0);
  fprintf(stderr, "after 15 px/s: ids %llu -> %llu, %llu relinks\n",
          (unsigned long long)first, (unsigned long long)last,
          (unsigned long long)st.relinks);
  ASSERT(first != 0);
  ASSERT(last != first);
  ASSERT_EQ(st.relinks, 0);
  return 0;
}

/* wl_tracker_confirm: a tentative track matched in the last update is
 * confirmed at once (and listed by wl_tracker_confirmed); an unknown id,
 * a track missed in the last update and a hold after an FFC step change
 * nothing. */
TEST_IMPL(track_confirm_now) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  wl_detection_t d[2] = {det_at(200, 200, 4, 16, 20),
                         det_at(400, 300, 4, 16, 20)};
  ASSERT_OK(wl_tracker_update(tr, 0, d, 2, &err), &err);
  size_t n, all;
  wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 0);
  ASSERT_EQ(wl_tracker_confirm(tr, 999), 0);
  wl_tracker_hold_confirmations(tr, 1);
  ASSERT_EQ(wl_tracker_confirm(tr, 1), 0);
  wl_tracker_hold_confirmations(tr, 0);
  ASSERT_EQ(wl_tracker_confirm(tr, 1), 1);
  ASSERT_EQ(wl_tracker_confirm(tr, 1), 0); /* not tentative any more */
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(c[0].id, 1);
  ASSERT_EQ(c[0].state, WL_TRACK_CONFIRMED);
  /* The second one missed in the next update: not confirmed. */
  ASSERT_OK(wl_tracker_update(tr, FRAME_NS, d, 1, &err), &err);
  const wl_track_t *a = wl_tracker_tracks(tr, &all);
  ASSERT_EQ(all, 2);
  ASSERT_EQ(a[1].misses, 1);
  ASSERT_EQ(wl_tracker_confirm(tr, 2), 0);
  c = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  /* The confirmed one stays confirmed on its detections. */
  ASSERT_OK(wl_tracker_update(tr, 2 * FRAME_NS, d, 1, &err), &err);
  c = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(c[0].id, 1);
  wl_tracker_free(tr);
  return 0;
}

/* A young confirmed track grows to its whole target (grow_young_frames):
 * (A) a car confirmed on its whole 16 x 10 detection, later seen as its
 * front and rear (a 3 px gap): one track takes both, no second track is
 * born; (B) a track confirmed on a 7 x 10 piece takes the larger
 * detection that holds the piece and its centroid. Neither with
 * grow_young_frames 0; (A) not for a small target (mean box under
 * grow_min_area) nor for a cold piece. */
static int grow_case(int mode, int grow, size_t *n_all, double *w,
                     int *det_index) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  if (!grow) p.grow_young_frames = 0;
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  double s = mode == 2 ? 0.3 : 1.0; /* mode 2: a small target */
  double cx = 480.0;
  int f = 0;
  for (; f < 5; f++, cx -= 1.0) {
    wl_detection_t d = mode == 1 ? det_at(cx - 4.5, 295, 7, 10, 20)
                                 : det_at(cx, 295, 16 * s, 10 * s, 20);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
    if (f == 0) ASSERT_EQ(wl_tracker_confirm(tr, 1), 1);
  }
  wl_detection_t d[2];
  if (mode == 1) {
    d[0] = det_at(cx - 4.5, 295, 7, 10, 20);
    d[1] = det_at(cx, 295, 16, 10, 20);
  } else {
    /* Front 7 wide and rear 5 wide of the 16-wide car, 3 px apart. */
    d[0] = det_at(cx - 4.5 * s, 295, 7 * s, 10 * s, 20);
    d[1] = det_at(cx + 5.5 * s, 295, 5 * s, 10 * s, 20);
    if (mode == 3) d[1].polarity = -1;
  }
  ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
  const wl_track_t *a = wl_tracker_tracks(tr, n_all);
  ASSERT(*n_all >= 1);
  ASSERT_EQ(a[0].id, 1);
  *w = a[0].w;
  *det_index = a[0].det_index;
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_grow_whole) {
  size_t n;
  double w;
  int di;
  /* (A) front and rear: one track, its box wider than the front. */
  ASSERT_EQ(grow_case(0, 1, &n, &w, &di), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(di, 0);
  ASSERT_DBL_GT(w, 14.0);
  ASSERT_EQ(grow_case(0, 0, &n, &w, &di), 0);
  ASSERT_EQ(n, 2); /* the rear is born as a second track */
  ASSERT_DBL_LT(w, 14.0);
  /* (B) the whole detection holding the piece. */
  ASSERT_EQ(grow_case(1, 1, &n, &w, &di), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(di, 1);
  ASSERT_EQ(grow_case(1, 0, &n, &w, &di), 0);
  ASSERT_EQ(di, 0);
  ASSERT_EQ(n, 2);
  /* A small target's pieces and a cold piece are not taken. */
  ASSERT_EQ(grow_case(2, 1, &n, &w, &di), 0);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(grow_case(3, 1, &n, &w, &di), 0);
  ASSERT_EQ(n, 2);
  return 0;
}

/* The first 90 frames of grow_back_case() and residue_case(): a 6 x 4
 * px animal walks left from (480, 300) for 80 frames, its track
 * confirmed at once when confirm (wl_tracker_confirm), then stops, and
 * its detection shrinks towards its top-left corner over 10 frames, by
 * shrink_w px of width a frame (the background model absorbing it).
 * Sets *f to the next frame's number and (*x0, *y0) to the corner. */
static int walk_then_shrink(wl_tracker_t *tr, int confirm, double shrink_w,
                            int *f, double *x0, double *y0) {
  wl_err_t err;
  double cx = 480.0, cy = 300.0;
  for (*f = 0; *f < 80; (*f)++, cx -= 0.05) {
    wl_detection_t d = det_at(cx, cy, 6, 4, 20);
    ASSERT_OK(wl_tracker_update(tr, *f * FRAME_NS, &d, 1, &err), &err);
    if (*f == 0 && confirm) ASSERT_EQ(wl_tracker_confirm(tr, 1), 1);
  }
  *x0 = cx - 3.0;
  *y0 = cy - 2.0;
  for (int k = 1; k <= 10; k++, (*f)++) {
    double rw = 6.0 - shrink_w * k, rh = 4.0 - 0.3 * k;
    wl_detection_t d = det_at(*x0 + 0.5 * rw, *y0 + 0.5 * rh, rw, rh, 20);
    ASSERT_OK(wl_tracker_update(tr, *f * FRAME_NS, &d, 1, &err), &err);
  }
  return 0;
}

/* A confirmed track grows back to its whole target (grow_back): a 6 x 4
 * px animal walks left for 80 frames (older than grow_young_frames), its
 * track confirmed and vouched for (wl_tracker_confirm), then stops and
 * its detection shrinks to a 1.7 x 1 px residue at its top-left corner
 * over 10 frames (the background model absorbing it); for 30 more frames
 * the residue comes with the animal's whole 7 x 4 blob (the still path's
 * detection). mode 0: with grow_back the track ends on the blob and no
 * second track is born; without, it stays on the residue and the blob is
 * born as a second track. mode 1: a blob 12 px wide (wider than any box
 * the track had + 1 px: merged with a neighbour) is not taken. mode 2:
 * a track not vouched for grows back only with grow_back 2. */
static int grow_back_case(int mode, int grow, size_t *n_all, int *det_index,
                          double *w) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  p.grow_back = grow;
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  int f;
  double x0, y0;
  ASSERT_EQ(walk_then_shrink(tr, mode != 2, 0.43, &f, &x0, &y0), 0);
  double bw = mode == 1 ? 12.0 : 7.0;
  for (int k = 0; k < 30; k++, f++) {
    wl_detection_t d[2];
    d[0] = det_at(x0 + 0.85, y0 + 0.5, 1.7, 1.0, 2);
    d[1] = det_at(x0 - 0.5 + 0.5 * bw, y0 + 2.0, bw, 4.0, 10);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
  }
  const wl_track_t *a = wl_tracker_tracks(tr, n_all);
  ASSERT(*n_all >= 1);
  ASSERT_EQ(a[0].id, 1);
  ASSERT_EQ(a[0].state, WL_TRACK_CONFIRMED);
  *det_index = a[0].det_index;
  *w = a[0].w;
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_grow_back) {
  size_t n;
  int di;
  double w;
  ASSERT_EQ(grow_back_case(0, 1, &n, &di, &w), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(di, 1);
  ASSERT_DBL_GT(w, 5.0);
  ASSERT_EQ(grow_back_case(0, 0, &n, &di, &w), 0);
  ASSERT_EQ(di, 0);
  ASSERT_DBL_LT(w, 3.0);
  ASSERT_EQ(n, 2); /* the blob is born as a second track */
  ASSERT_EQ(grow_back_case(1, 1, &n, &di, &w), 0);
  ASSERT_EQ(di, 0);
  ASSERT_EQ(grow_back_case(2, 1, &n, &di, &w), 0);
  ASSERT_EQ(di, 0);
  ASSERT_EQ(grow_back_case(2, 2, &n, &di, &w), 0);
  ASSERT_EQ(di, 1);
  return 0;
}

/* Walks track 1, then shrinks it to a stopped animal's 1 x 1 residue
 * (walk_then_shrink; snr 1 in mode 1, else 0) beside the 7 x 4 blob
 * (snr 10) of a second track (no blob in mode 2) for 45 frames, and
 * confirms the blob's track as soon as it can (*blob_confirmed).
 * *f: the next frame; (*x0, *y0): where track 1 stopped. */
static int residue_beside_blob(wl_tracker_t *tr, int mode, int *f,
                               double *x0, double *y0,
                               int *blob_confirmed) {
  wl_err_t err;
  ASSERT_EQ(walk_then_shrink(tr, 1, 0.5, f, x0, y0), 0);
  *blob_confirmed = 0;
  for (int k = 0; k < 45; k++, (*f)++) {
    wl_detection_t d[2];
    d[0] = det_at(*x0 + 0.5, *y0 + 0.5, 1.0, 1.0, mode == 1 ? 1.0 : 0.0);
    d[1] = det_at(*x0 + 3.0, *y0 + 2.0, 7.0, 4.0, 10);
    size_t nd = mode == 2 ? 1 : 2;
    ASSERT_OK(wl_tracker_update(tr, *f * FRAME_NS, d, nd, &err), &err);
    size_t na;
    const wl_track_t *a = wl_tracker_tracks(tr, &na);
    for (size_t i = 1; i < na && !*blob_confirmed; i++)
      *blob_confirmed = wl_tracker_confirm(tr, a[i].id);
  }
  return 0;
}

/* A stopped animal's residue is not output beside the track that holds
 * the animal (residue_hide_frames): a 6 x 4 px animal walks for 80
 * frames, its track (1) confirmed; its detection shrinks to its
 * top-left corner over 10 frames, and then is a 1 x 1 px residue with
 * snr 0 (wholly explained by the background shifted by a pixel) while a
 * 7 x 4 px blob holding it is a second track, confirmed by the caller
 * (it is born once track 1's box has shrunk off the blob's centre).
 * After residue_hide_frames such hits track 1 is held out of
 * wl_tracker_confirmed(), and lives on in wl_tracker_tracks(). mode 0:
 * as told; mode 1: the residue has snr 1 (above confirm_min_snr: it
 * shows something); mode 2: no blob, no second track. Returns the
 * confirmed tracks' count and whether track 1 is among them, after the
 * last frame. */
static int residue_case(int mode, int hide_frames, size_t *n_out,
                        int *first_out, size_t *n_all) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  p.residue_hide_frames = hide_frames;
  p.grow_back = 0;    /* the residue keeps its track */
  p.merge_split = 0;  /* the blob is not split between the two */
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  int f, blob_confirmed;
  double x0, y0;
  ASSERT_EQ(residue_beside_blob(tr, mode, &f, &x0, &y0, &blob_confirmed), 0);
  if (mode != 2) ASSERT(blob_confirmed);
  const wl_track_t *c = wl_tracker_confirmed(tr, n_out);
  *first_out = 0;
  for (size_t i = 0; i < *n_out; i++) *first_out |= c[i].id == 1;
  const wl_track_t *a = wl_tracker_tracks(tr, n_all);
  ASSERT(*n_all >= 1);
  ASSERT_EQ(a[0].id, 1);
  ASSERT_EQ(a[0].state, WL_TRACK_CONFIRMED);
  ASSERT(a[0].det_index == 0); /* still on its residue */
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  ASSERT_EQ(st.residue_hides > 0, !*first_out);
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_residue_hidden) {
  size_t n, n_all;
  int first;
  ASSERT_EQ(residue_case(0, 30, &n, &first, &n_all), 0);
  ASSERT_EQ(n_all, 2);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(first, 0); /* held out: the blob's track holds the animal */
  ASSERT_EQ(residue_case(0, 0, &n, &first, &n_all), 0);
  ASSERT_EQ(n, 2);
  ASSERT_EQ(first, 1);
  ASSERT_EQ(residue_case(0, 60, &n, &first, &n_all), 0);
  ASSERT_EQ(first, 1); /* 45 residue hits: not yet */
  ASSERT_EQ(residue_case(1, 30, &n, &first, &n_all), 0);
  ASSERT_EQ(first, 1);
  ASSERT_EQ(residue_case(2, 30, &n, &first, &n_all), 0);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(first, 1); /* no other track holds it */
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.residue_hide_frames = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A residue's track matched to a merge-split part stays held out
 * (residue_part_keep): as in residue_case(), a stopped animal's 1 x 1
 * residue (snr 0) beside the 7 x 4 blob of a second confirmed track is
 * held out after 45 frames (merge_split on); then the residue is gone
 * and the blob, 8 x 4.6 px (snr 10), holds both tracks' predicted
 * centroids, so the merge split gives each a part, which carries the
 * blob's snr. With keep 1 track 1 stays out of wl_tracker_confirmed()
 * through 60 such frames; with 0 the part's snr counts as the track's
 * own and it is output again. *first_out: track 1 is output after the
 * last frame; *on_part: it was matched to the blob's parts (det_index 1)
 * in every one of those frames. */
static int residue_part_case(int keep, int *first_out, int *on_part) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  p.residue_part_keep = keep;
  p.grow_back = 0; /* the residue keeps its track */
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  int f, blob_confirmed;
  double x0, y0;
  ASSERT_EQ(residue_beside_blob(tr, 0, &f, &x0, &y0, &blob_confirmed), 0);
  ASSERT(blob_confirmed);
  size_t n;
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT(c[0].id != 1); /* held out */
  *on_part = 1;
  for (int k = 0; k < 60; k++, f++) {
    wl_detection_t d[2];
    d[0] = det_at(x0 + 200.0, y0 + 100.0, 6.0, 4.0, 10); /* elsewhere */
    d[1] = det_at(x0 + 3.0, y0 + 2.0, 8.0, 4.6, 10);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
    size_t na;
    const wl_track_t *a = wl_tracker_tracks(tr, &na);
    ASSERT_EQ(a[0].id, 1);
    *on_part &= a[0].det_index == 1;
  }
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  ASSERT(st.merge_splits >= 60);
  c = wl_tracker_confirmed(tr, &n);
  *first_out = 0;
  for (size_t i = 0; i < n; i++) *first_out |= c[i].id == 1;
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_residue_part_keeps) {
  int first, on_part;
  ASSERT_EQ(residue_part_case(1, &first, &on_part), 0);
  ASSERT(on_part);
  ASSERT_EQ(first, 0); /* a part shows nothing of its own */
  ASSERT_EQ(residue_part_case(0, &first, &on_part), 0);
  ASSERT(on_part);
  ASSERT_EQ(first, 1);
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.residue_part_keep = 2;
  ASSERT(tracker_refuses(&p));
  return 0;
}

TEST_IMPL(track_slow_drift_confirm) {
  wl_err_t err;
  for (int mode = 0; mode < 5; mode++) {
    /* 0: drifting; 1: drifting, path off; 2: static jitter; 3: dim;
     * 4: large */
    for (int trial = 0; trial < 10; trial++) {
      rng_t r = {0x2545f4914f6cdd1dULL + (uint64_t)(97 * trial + mode)};
      wl_track_params_t p;
      image_params(&p);
      p.static_confirm_hits = 0; /* this path alone */
      if (mode == 1) p.slow_confirm_hits = 0;
      wl_tracker_t *tr = NULL;
      ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
      double v = mode == 2 ? 0.0 : 1.5 / FPS; /* px per frame */
      double jit = mode == 2 ? 0.3 : 0.15;
      int frames = mode == 2 ? 100 : 30;
      int confirmed_at = 0;
      for (int f = 0; f < frames && !confirmed_at; f++) {
        double x = 300 + v * f + jit * rng_gauss(&r);
        double y = 200 + 0.5 * v * f + jit * rng_gauss(&r);
        wl_detection_t d = mode == 4 ? det_at(x, y, 5, 4, 15)
                                     : det_at(x, y, 1, 1, mode == 3 ? 5 : 15);
        ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
        size_t n;
        const wl_track_t *t = wl_tracker_confirmed(tr, &n);
        if (n) {
          ASSERT_EQ(n, 1);
          confirmed_at = t[0].hits;
        }
      }
      if (mode == 0) {
        ASSERT_GE(confirmed_at, p.slow_confirm_hits);
        ASSERT_LE(confirmed_at, 24);
      } else {
        ASSERT_EQ(confirmed_at, 0);
      }
      wl_tracker_free(tr);
    }
  }
  return 0;
}

/* Static confirmation counts only hits since the last FFC step: a static
 * strong object (static_confirm_hits 15) confirms at its 15th hit without
 * an FFC; with a step (a 5-update hold) reported before its 11th hit it
 * needs 15 hits after the step (its 25th hit), not the end of the hold.
 * A static object first seen after the step, and a moving one seen
 * before it, are not delayed beyond the hold. */
TEST_IMPL(track_static_after_ffc) {
  wl_err_t err;
  for (int mode = 0; mode < 4; mode++) {
    /* 0: no FFC; 1: FFC at frame 10; 2: born at frame 12, after the FFC;
     * 3: moving, born at frame 8, FFC at frame 10 */
    wl_track_params_t p;
    image_params(&p);
    p.static_confirm_hits = 15;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
    int confirmed_hits = 0;
    for (int f = 0; f < 60 && !confirmed_hits; f++) {
      if (mode != 0 && f == 10) wl_tracker_hold_confirmations(tr, 5);
      double x = 300 + (mode == 3 ? 2.0 * f : 0.0);
      wl_detection_t d = det_at(x, 200, 5, 10, 15);
      size_t nd = (mode == 2 && f < 12) || (mode == 3 && f < 8) ? 0 : 1;
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, nd, &err), &err);
      size_t n;
      const wl_track_t *t = wl_tracker_confirmed(tr, &n);
      if (n) confirmed_hits = t[0].hits;
    }
    int want[4] = {15, 25, 15, 8}; /* 8: the hold ends at frame 15 */
    ASSERT_EQ(confirmed_hits, want[mode]);
    wl_tracker_free(tr);
  }
  return 0;
}

/* wl_tracker_restart_clutter: after 25 updates without detections (the
 * motion detector's warm-up), a 16-px cell where four detections fire
 * every frame (a steady one and three others: a bush's edges) is clutter
 * at once when the map restarts, so the steady track there gains clearly
 * less score over 10 updates (about 18 less) than with the map's mean
 * diluted by the 25 empty updates, and less than a steady track alone in
 * its cell; on a fresh tracker the restart changes nothing. */
static double restart_score(int warm, int restart, double x, double y) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  p.confirm_score = 10000; /* nothing confirms: scores only */
  wl_tracker_t *tr = NULL;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return NAN;
  int f = 0, ok = 1;
  for (; f < warm && ok; f++)
    ok = wl_tracker_update(tr, f * FRAME_NS, NULL, 0, &err) == WL_OK;
  if (restart) wl_tracker_restart_clutter(tr);
  for (int i = 0; i < 10 && ok; i++, f++) {
    wl_detection_t d[5] = {det_at(100, 100, 3, 3, 8), det_at(105, 98, 2, 2, 6),
                           det_at(97, 106, 2, 2, 6), det_at(107, 107, 2, 2, 6),
                           det_at(400, 300, 3, 3, 8)};
    ok = wl_tracker_update(tr, f * FRAME_NS, d, 5, &err) == WL_OK;
  }
  size_t n;
  const wl_track_t *t = wl_tracker_tracks(tr, &n);
  double score = NAN;
  for (size_t i = 0; i < n && ok; i++) {
    if (fabs(t[i].x + 0.5 * t[i].w - x) < 1 &&
        fabs(t[i].y + 0.5 * t[i].h - y) < 1)
      score = t[i].score;
  }
  wl_tracker_free(tr);
  return score;
}

TEST_IMPL(track_restart_clutter) {
  double busy_diluted = restart_score(25, 0, 100, 100);
  double busy_restarted = restart_score(25, 1, 100, 100);
  double lone_diluted = restart_score(25, 0, 400, 300);
  double lone_restarted = restart_score(25, 1, 400, 300);
  ASSERT(isfinite(busy_diluted) && isfinite(busy_restarted));
  ASSERT(isfinite(lone_diluted) && isfinite(lone_restarted));
  ASSERT(busy_restarted < busy_diluted - 10.0);
  ASSERT(busy_restarted < lone_restarted);
  ASSERT(restart_score(0, 1, 100, 100) == restart_score(0, 0, 100, 100));
  return 0;
}

/* wl_tracker_hold_confirmations: a moving target that would confirm at
 * its 3rd-4th hit is not confirmed while a hold of 10 updates lasts, and
 * is confirmed at the first update after it; a track confirmed before a
 * hold stays confirmed and output through it. */
TEST_IMPL(track_hold_confirm) {
  wl_err_t err;
  wl_track_params_t p;
  image_params(&p);
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  wl_tracker_hold_confirmations(tr, 10);
  int confirmed_at = -1;
  for (int f = 0; f < 30; f++) {
    wl_detection_t d = det_at(300 + 2.0 * f, 200, 5, 10, 15);
    if (f == 15) wl_tracker_hold_confirmations(tr, 10); /* a second FFC */
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
    size_t n;
    wl_tracker_confirmed(tr, &n);
    if (n == 1 && confirmed_at < 0) confirmed_at = f;
    if (confirmed_at >= 0) ASSERT_EQ(n, 1);
  }
  ASSERT_EQ(confirmed_at, 10); /* the first update after the hold */
  /* A hold of 0 ends a hold at once; reset ends it too. */
  wl_tracker_reset(tr);
  wl_tracker_hold_confirmations(tr, 1000);
  wl_tracker_hold_confirmations(tr, 0);
  confirmed_at = -1;
  for (int f = 0; f < 10; f++) {
    wl_detection_t d = det_at(100 + 2.0 * f, 200, 5, 10, 15);
    ASSERT_OK(wl_tracker_update(tr, (100 + f) * FRAME_NS, &d, 1, &err), &err);
    size_t n;
    wl_tracker_confirmed(tr, &n);
    if (n == 1 && confirmed_at < 0) confirmed_at = f;
  }
  ASSERT_GE(confirmed_at, 2);
  ASSERT_LE(confirmed_at, 4);
  wl_tracker_free(tr);
  return 0;
}

/* How first_confirmed_in() runs a tracker: for `frames` frames, with
 * next(ctx, f) as frame f's only detection from frame `born` on (none
 * before; a warm-up spot when spots: wl_tracker_mark_spots), and an FFC
 * step (wl_tracker_hold_confirmations, 15 updates) before frame `step`
 * (none when step < 0). */
typedef struct confirm_run {
  int frames;
  int spots;
  int born;
  int step;
} confirm_run_t;

/* The first frame in which a tracker with parameters p, run as `run`
 * says, has a confirmed track; -1 if none, -2 on an error. */
static int first_confirmed_in(const wl_track_params_t *p,
                              const confirm_run_t *run,
                              wl_detection_t (*next)(void *ctx, int f),
                              void *ctx) {
  wl_err_t err;
  wl_tracker_t *tr = NULL;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -2;
  int first = -1;
  for (int f = 0; f < run->frames && first < 0; f++) {
    if (f == run->step) wl_tracker_hold_confirmations(tr, 15);
    wl_detection_t d = next(ctx, f);
    if (run->spots) wl_tracker_mark_spots(tr, 0);
    if (wl_tracker_update(tr, f * FRAME_NS, &d, f >= run->born, &err) !=
        WL_OK) {
      first = -2;
      break;
    }
    size_t n;
    wl_tracker_confirmed(tr, &n);
    if (n > 0) first = f;
  }
  wl_tracker_free(tr);
  return first;
}

/* The first frame (of nf) in which a tracker with parameters p, given
 * next(ctx, f) as frame f's only detection (a warm-up spot when spots),
 * has a confirmed track; -1 if none, -2 on an error. */
static int first_confirmed_as(const wl_track_params_t *p, int nf,
                              wl_detection_t (*next)(void *ctx, int f),
                              void *ctx, int spots) {
  confirm_run_t run = {nf, spots, 0, -1};
  return first_confirmed_in(p, &run, next, ctx);
}

/* The same with temporal detections (no spots). */
static int first_confirmed(const wl_track_params_t *p, int nf,
                           wl_detection_t (*next)(void *ctx, int f),
                           void *ctx) {
  return first_confirmed_as(p, nf, next, ctx, 0);
}

/* Run one strong detection per frame for nf frames, at a position made by
 * kind: 0 sways around (300, 200) like a bush outline (2.5 px, period
 * 1-4 s, random phase, 0.3 px noise), 1 a one-row streak
 * 3-12 px wide whose centre jumps along row 180 (horizon shimmer), 2 goes
 * right at 0.4 px per frame with 0.3 px noise (a slow walker), 3 a 1x1
 * target going right at 0.5 px per frame, 4 a streak 8-20 px wide and
 * 1 or 2 rows tall jumping along row 181, 5 a 5x2 box (a far vehicle)
 * going right at 0.5 px per frame, 6 a streak 20-60 px wide and 3-5 rows
 * tall jumping along row 181 (a young model's horizon shimmer), 7 a 15x3
 * box (a far vehicle side-on, 5:1) going right at 0.5 px per frame.
 * Returns the first frame with a confirmed track, or -1. */
typedef struct nuisance_script {
  int kind;
  rng_t r;
  double period, phase;
} nuisance_script_t;

static wl_detection_t nuisance_det(void *ctx, int f) {
  nuisance_script_t *c = ctx;
  wl_detection_t d;
  if (c->kind == 0) {
    if (f == 0) {
      c->period = FPS * (1.0 + 3.0 * rng_uniform(&c->r));
      c->phase = 2.0 * M_PI * rng_uniform(&c->r);
    }
    d = det_at(300 + 2.5 * sin(2.0 * M_PI * f / c->period + c->phase) +
                   0.3 * rng_gauss(&c->r),
               200 + 0.3 * rng_gauss(&c->r), 1.5, 1.5, 10);
  } else if (c->kind == 1)
    d = det_at(300 + 8.0 * (rng_uniform(&c->r) - 0.5), 180.5,
               3 + 9 * rng_uniform(&c->r), 1, 10);
  else if (c->kind == 4)
    d = det_at(300 + 8.0 * (rng_uniform(&c->r) - 0.5), 181,
               8 + 12 * rng_uniform(&c->r),
               1 + (rng_uniform(&c->r) < 0.5), 10);
  else if (c->kind == 5)
    d = det_at(300 + 0.5 * f, 200, 5, 2, 10);
  else if (c->kind == 6)
    d = det_at(300 + 8.0 * (rng_uniform(&c->r) - 0.5), 181,
               20 + 40 * rng_uniform(&c->r),
               3 + (int)(3 * rng_uniform(&c->r)), 10);
  else if (c->kind == 7)
    d = det_at(300 + 0.5 * f, 200, 15, 3, 10);
  else if (c->kind == 2)
    d = det_at(300 + 0.4 * f + 0.3 * rng_gauss(&c->r),
               200 + 0.3 * rng_gauss(&c->r), 1.5, 1.5, 10);
  else
    d = det_at(300 + 0.5 * f, 200, 1, 1, 10);
  return d;
}

static int nuisance_run(const wl_track_params_t *p, int kind, int nf,
                        uint64_t seed) {
  nuisance_script_t c = {kind, {0x9E3779B97F4A7C15ULL + 7919 * seed +
                                (uint64_t)kind}, FPS, 0.0};
  return first_confirmed(p, nf, nuisance_det, &c);
}

/*
 * Nuisance that seems to move (DETECTION.md, "goes somewhere"): a strong
 * small detection swaying around a fixed point (a bush outline) moves far
 * enough from its birth for the motion test sooner or later, but its
 * filtered path grows with every hit while its distance from birth stays
 * bounded. Over 40 runs of 10 s all confirm without min_straightness; with
 * it at least a quarter stay tentative (26 of 40 confirm when written: a
 * track born at the start of a swing confirms before it turns back, so
 * this is a partial cure). A slow noisy walker confirms in every run.
 */
TEST_IMPL(track_wanderer_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  /* The straightness rule alone: the slow-drift path (drifted()) fits a
   * line to 12+ hits, which a short stretch of a swing also fits, and
   * does not apply the rule (requiring it there cost long-range recall
   * 0.870 -> 0.834 on seeds 1-6 and removed no false track on nuisance;
   * docs/DETECTION.md, tuning log). */
  p.slow_confirm_hits = 0;
  wl_track_params_t off = p;
  off.min_straightness = 0.0;
  int on_n = 0, off_n = 0;
  for (uint64_t s = 0; s < 40; s++) {
    on_n += nuisance_run(&p, 0, 300, s) >= 0;
    off_n += nuisance_run(&off, 0, 300, s) >= 0;
    int walker = nuisance_run(&p, 2, 300, s);
    ASSERT_GE(walker, 2);
    ASSERT_LE(walker, 40);
  }
  ASSERT_GE(off_n, 30);
  ASSERT_LE(4 * on_n, 3 * off_n); /* 26 of 40 when written */
  return 0;
}

/*
 * Horizon shimmer: one-row streaks whose centre jumps along the row are
 * never confirmed for moving (streak_max_h, streak_min_w), also with the
 * straightness test off; with both off they are (the premise). So are
 * streaks up to 2 rows tall and 4 times as wide (streak_aspect). A 1x1
 * target (never wider than streak_min_w) and a 5x2 one still confirm.
 */
TEST_IMPL(track_row_streak_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(nuisance_run(&p, 1, 300, 0), -1);
  int dot = nuisance_run(&p, 3, 300, 0);
  ASSERT_GE(dot, 2);
  ASSERT_LE(dot, 20);
  ASSERT_EQ(nuisance_run(&p, 4, 300, 0), -1);
  int car = nuisance_run(&p, 5, 300, 0);
  ASSERT_GE(car, 2);
  ASSERT_LE(car, 20);
  p.min_straightness = 0.0;
  ASSERT_EQ(nuisance_run(&p, 1, 300, 0), -1);
  ASSERT_EQ(nuisance_run(&p, 4, 300, 0), -1);
  p.streak_max_h = 0.0;
  p.flat_aspect = 0.0; /* the wider-streak test would catch kind 4 too */
  ASSERT_GE(nuisance_run(&p, 1, 300, 0), 2);
  ASSERT_GE(nuisance_run(&p, 4, 300, 0), 2);
  return 0;
}

/*
 * Wider horizon streaks (flat_aspect, flat_max_h): 20-60 px wide and 3-5
 * rows tall, too tall for the row-streak test, are never confirmed (moving
 * or static); with flat_aspect off they are (the premise, with the
 * straightness test and static_max_area off too: the streak's centre
 * jumps to and fro, and it confirms as static, up to 300 px). A
 * 15x3 target going right (5:1, the flattest true tracks in the
 * simulator) still confirms, and so does the streak when its rows exceed
 * flat_max_h.
 */
TEST_IMPL(track_flat_streak_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  for (uint64_t seed = 0; seed < 4; seed++)
    ASSERT_EQ(nuisance_run(&p, 6, 300, seed), -1);
  int car = nuisance_run(&p, 7, 300, 0);
  ASSERT_GE(car, 2);
  ASSERT_LE(car, 20);
  p.min_straightness = 0.0;
  p.static_max_area = 0;
  ASSERT_EQ(nuisance_run(&p, 6, 300, 0), -1);
  p.flat_max_h = 2.5;
  ASSERT_GE(nuisance_run(&p, 6, 300, 0), 2);
  p.flat_max_h = 16.0;
  p.flat_aspect = 0.0;
  ASSERT_GE(nuisance_run(&p, 6, 300, 0), 2);
  return 0;
}

/* Frames (up to 90) until a strong detection is confirmed (-1 if never):
 * w x h px, its left edge at x = 300 - w / 2 and its centre row 200, the
 * whole box going right at vx px per frame while its right edge also
 * grows by grow px per frame (a flock's blob that animals join one side
 * of). */
typedef struct box_script {
  double w, h, vx, grow;
} box_script_t;

static wl_detection_t box_det(void *ctx, int f) {
  const box_script_t *c = ctx;
  return det_at(300 + c->vx * f + 0.5 * c->grow * f, 200, c->w + c->grow * f,
                c->h, 20);
}

static int box_run(const wl_track_params_t *p, double w, double h, double vx,
                   double grow) {
  box_script_t c = {w, h, vx, grow};
  return first_confirmed(p, 90, box_det, &c);
}

static int static_box_run(const wl_track_params_t *p, double w, double h,
                          double vx) {
  return box_run(p, w, h, vx, 0.0);
}

/*
 * Ghosts (static_max_area): a strong 20x20 px detection (400 px) that
 * never moves is never confirmed; a 12x12 one (144 px) is, after
 * static_confirm_hits; so is the 20x20 one going right at 1 px per frame
 * (moving), and the standing one with static_max_area off.
 */
TEST_IMPL(track_large_static_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(static_box_run(&p, 20, 20, 0.0), -1);
  ASSERT_EQ(static_box_run(&p, 12, 12, 0.0), p.static_confirm_hits - 1);
  int moving = static_box_run(&p, 20, 20, 1.0);
  ASSERT_GE(moving, 2);
  ASSERT_LE(moving, 15);
  p.static_max_area = 0;
  ASSERT_EQ(static_box_run(&p, 20, 20, 0.0), p.static_confirm_hits - 1);
  p.static_max_area = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A strong 4 x 3 px detection standing at (300, 200) whose snr the
 * background swaying by up to two pixels explains all but ctx's
 * sway_loss of (the edge of a swaying bush seen on one side of its
 * swing). */
static wl_detection_t swayed_det(void *ctx, int f) {
  (void)f;
  wl_detection_t d = det_at(300, 200, 4, 3, 20);
  d.sway_loss = *(const double *)ctx;
  return d;
}

/*
 * Swaying edges do not stand (static_sway_snr): a strong static 4 x 3 px
 * detection (snr 20) that a background swayed by up to two pixels
 * explains but for 5 sigmas (sway_loss 15) is never confirmed; the same
 * with nothing explained (sway_loss 0) or 12 sigmas left (sway_loss 8) is
 * confirmed as static (at its static_small_hits-th hit: it is small), and
 * so is the swayed one with the rule off. Negative values are refused.
 */
TEST_IMPL(track_swayed_static_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(p.static_sway_snr, 8.0);
  double swayed = 15.0, clear = 0.0, partly = 8.0;
  int standing = first_confirmed(&p, 90, swayed_det, &clear);
  ASSERT_GE(standing, p.static_confirm_hits - 1);
  ASSERT_EQ(first_confirmed(&p, 90, swayed_det, &swayed), -1);
  ASSERT_EQ(first_confirmed(&p, 90, swayed_det, &partly), standing);
  p.static_sway_snr = 0.0;
  ASSERT_EQ(first_confirmed(&p, 90, swayed_det, &swayed), standing);
  p.static_sway_snr = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * A blob that grows on one side has not moved (growth_aspect): a 10 x 6
 * px detection whose right edge grows 0.4 px per frame (its centre
 * shifting 0.2 px per frame, 6 px in a second) is not confirmed as moving;
 * it confirms as static after static_confirm_hits hits. With the rule off
 * it confirms as moving within 20 frames (the premise). A 15 x 6 box going
 * right at 0.5 px per frame, growing too or not, still confirms within
 * 15 frames; so does the growing blob when its detections are on average
 * less than growth_aspect times as wide as tall (the rule set to 4).
 * Negative values are refused.
 */
TEST_IMPL(track_growing_blob_not_motion) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(box_run(&p, 10.0, 6.0, 0.0, 0.4), p.static_confirm_hits - 1);
  int car = box_run(&p, 15.0, 6.0, 0.5, 0.0);
  ASSERT_GE(car, 2);
  ASSERT_LE(car, 15);
  int growing_car = box_run(&p, 15.0, 6.0, 0.5, 0.4);
  ASSERT_GE(growing_car, 2);
  ASSERT_LE(growing_car, 15);
  wl_track_params_t q = p;
  q.growth_aspect = 4.0;
  int narrow = box_run(&q, 10.0, 6.0, 0.0, 0.4);
  ASSERT_GE(narrow, 2);
  ASSERT_LE(narrow, 20);
  p.growth_aspect = 0.0;
  int off = box_run(&p, 10.0, 6.0, 0.0, 0.4);
  ASSERT_GE(off, 2);
  ASSERT_LE(off, 20);
  p.growth_aspect = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* One animal (6x4 px) walking 10 px/s to the right, from frame 10 on with
 * a second detection of w x h px whose box is gap px right of the body's
 * box, moving with it. Returns the number of tracks confirmed at the end
 * (at most 2), or -1 on error. */
static int fragment_run(const wl_track_params_t *p, double w, double h,
                        double gap) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  size_t n = 0;
  for (int f = 0; f < 90; f++) {
    double bx = 100.0 + 10.0 * f / 30.0;
    wl_detection_t d[2];
    int nd = 0;
    d[nd++] = det_at(bx, 200.0, 6.0, 4.0, 12.0);
    if (f >= 10)
      d[nd++] = det_at(bx + 3.0 + gap + 0.5 * w, 199.0, w, h, 10.0);
    if (wl_tracker_update(tr, (int64_t)f * 33333333, d, (size_t)nd, &err) !=
        WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  wl_tracker_confirmed(tr, &n);
  wl_tracker_free(tr);
  return (int)n;
}

/*
 * Fragments: a 1x1 detection 2 px beside a confirmed animal's box, moving
 * with it (a sheep's head), is never confirmed as a track of its own; with
 * fragment_gap_px off it is (the premise). A second animal of 5x4 px
 * (more than fragment_max_area) at the same distance, and a 1x1 one 5 px
 * away, are confirmed.
 */
TEST_IMPL(track_fragment_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(fragment_run(&p, 1.0, 1.0, 2.0), 1);
  ASSERT_EQ(fragment_run(&p, 2.0, 2.0, 1.0), 1);
  ASSERT_EQ(fragment_run(&p, 5.0, 4.0, 2.0), 2);
  ASSERT_EQ(fragment_run(&p, 1.0, 1.0, 5.0), 2);
  p.fragment_gap_px = -1.0;
  ASSERT_EQ(fragment_run(&p, 1.0, 1.0, 2.0), 2);
  ASSERT_EQ(fragment_run(&p, 2.0, 2.0, 1.0), 2);
  return 0;
}

/* A standing animal (aw x 4 px, detected in frames 0-59, then learned
 * into the background) and a warm residue of it, 2x2 px, 2 px beside its
 * box from frame 10 on, still detected after the animal's detections stop
 * and from frame 100 moving right at `speed` px/s. Returns the number of
 * confirmed tracks whose box holds the residue's centre at frame 239, or
 * -1 on error. */
static int residue_run(const wl_track_params_t *p, double aw, double speed) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  double rx = 100.0 + 0.5 * aw + 2.0 + 1.0, ry = 199.0;
  for (int f = 0; f < 240; f++) {
    wl_detection_t d[2];
    int nd = 0;
    if (f < 60) d[nd++] = det_at(100.0, 200.0, aw, 4.0, 12.0);
    if (f >= 100) rx += speed / 30.0;
    if (f >= 10) d[nd++] = det_at(rx, ry, 2.0, 2.0, 10.0);
    if (wl_tracker_update(tr, (int64_t)f * 33333333, d, (size_t)nd, &err) !=
        WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  size_t n = 0;
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  int on = 0;
  for (size_t i = 0; i < n; i++)
    on += rx >= c[i].x && rx < c[i].x + c[i].w + 1.0 && ry >= c[i].y - 1.0 &&
          ry < c[i].y + c[i].h + 1.0;
  wl_tracker_free(tr);
  return on;
}

/*
 * Residues: a small track held as a fragment beside a confirmed animal is
 * not confirmed when the animal's track goes lost (it was learned into the
 * background) while the residue stays where it was held; without
 * fragment_release_px it is (the premise: it confirms as static in the
 * first frame the animal's track misses). A residue that then goes
 * somewhere (10 px/s, more than fragment_release_px from where it was
 * held) is confirmed, and so is one beside a track no bigger than
 * fragment_max_area (3x4 px: at long range two small tracks side by side
 * are often one target, whose younger track takes over).
 */
TEST_IMPL(track_fragment_residue_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(residue_run(&p, 6.0, 0.0), 0);
  ASSERT_EQ(residue_run(&p, 6.0, 10.0), 1);
  ASSERT_EQ(residue_run(&p, 3.0, 0.0), 1);
  p.fragment_release_px = 0.0;
  ASSERT_EQ(residue_run(&p, 6.0, 0.0), 1);
  ASSERT_EQ(residue_run(&p, 6.0, 10.0), 1);
  return 0;
}

/* A 2x2 piece of an animal moving right at 6 px/s from frame 0 (it is
 * confirmed alone), and from frame 60 the animal's body, 6x4 px, 2 px to
 * its left, moving with it (`with`), or standing still with the piece
 * walking past it to 2 px beyond its right edge at frame 239. Returns
 * the number of output (confirmed) tracks whose box holds the piece's
 * centre at frame 239 and sets *body to those holding the body's, or -1
 * on error. */
static int part_run(const wl_track_params_t *p, int with, int *body) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  double px = 0.0, bx = 0.0, y = 200.0;
  for (int f = 0; f < 240; f++) {
    double t = f / 30.0;
    px = with ? 100.0 + 6.0 * t : 105.0 - 6.0 * (239 - f) / 30.0;
    bx = with ? px - 6.0 : 100.0;
    wl_detection_t d[2];
    int nd = 0;
    d[nd++] = det_at(px, y, 2.0, 2.0, 12.0);
    if (f >= 60) d[nd++] = det_at(bx, y, 6.0, 4.0, 12.0);
    if (wl_tracker_update(tr, (int64_t)f * 33333333, d, (size_t)nd, &err) !=
        WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  size_t n = 0;
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  int on = 0;
  *body = 0;
  for (size_t i = 0; i < n; i++) {
    on += px >= c[i].x && px < c[i].x + c[i].w && y >= c[i].y &&
          y < c[i].y + c[i].h;
    *body += bx >= c[i].x && bx < c[i].x + c[i].w && y >= c[i].y &&
             y < c[i].y + c[i].h;
  }
  wl_tracker_free(tr);
  return on;
}

/*
 * Parts: a small track confirmed before its animal's own track, then
 * moving with it 2 px beside the animal's (bigger) confirmed box, is not
 * output (the animal is, once); with part_speed_px_s 0 it is (the
 * premise). A small target walking past a standing confirmed object at
 * its own velocity stays output.
 */
TEST_IMPL(track_part_not_output) {
  wl_track_params_t p;
  image_params(&p);
  int body = 0;
  ASSERT_EQ(part_run(&p, 1, &body), 0);
  ASSERT_EQ(body, 1);
  ASSERT_EQ(part_run(&p, 0, &body), 1);
  ASSERT_EQ(body, 1);
  p.part_speed_px_s = 0.0;
  ASSERT_EQ(part_run(&p, 1, &body), 1);
  ASSERT_EQ(body, 1);
  return 0;
}

/* A warm person, 6x18 px, walking right at 12 px/s (people 20 px tall on
 * every row: person_px), and from frame 30 a cold blob, 6x12 px, 7 px
 * behind its centre (ahead > 0: 7 px ahead of it) moving with it: the
 * cold trail the background model leaves. Returns the number of output
 * tracks whose box holds the cold blob's centre at frame 179 and sets
 * *person to those holding the person's, or -1 on error. */
static int trail_run(const wl_track_params_t *p, int ahead, int *person) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  double px = 0.0, bx = 0.0, y = 200.0;
  for (int f = 0; f < 180; f++) {
    px = 100.0 + 12.0 * f / 30.0;
    bx = px + (ahead ? 7.0 : -7.0);
    wl_detection_t d[2];
    int nd = 0;
    d[nd++] = det_at(px, y, 6.0, 18.0, 12.0);
    if (f >= 30) {
      d[nd] = det_at(bx, y + 3.0, 6.0, 12.0, 10.0);
      d[nd].polarity = -1;
      d[nd].peak_contrast = -d[nd].peak_contrast;
      nd++;
    }
    if (wl_tracker_update(tr, (int64_t)f * 33333333, d, (size_t)nd, &err) !=
        WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  size_t n = 0;
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  int on = 0;
  *person = 0;
  for (size_t i = 0; i < n; i++) {
    on += bx >= c[i].x && bx < c[i].x + c[i].w && y + 3.0 >= c[i].y &&
          y + 3.0 < c[i].y + c[i].h;
    *person += px >= c[i].x && px < c[i].x + c[i].w && y >= c[i].y &&
               y < c[i].y + c[i].h;
  }
  wl_tracker_free(tr);
  return on;
}

/*
 * Trails: a cold blob following a warm walking person, behind it and
 * meeting its box, is not confirmed (the person is); with
 * trail_area_frac 0 it is (the premise). A cold blob walking ahead of the
 * warm one (a cold person, the warm track its warm-up trail) confirms.
 */
TEST_IMPL(track_cold_trail_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  float heights[512];
  for (int r = 0; r < 512; r++) heights[r] = 20.0f;
  p.person_px = heights;
  int person = 0;
  ASSERT_EQ(trail_run(&p, 0, &person), 0);
  ASSERT_EQ(person, 1);
  ASSERT_EQ(trail_run(&p, 1, &person), 1);
  ASSERT_EQ(person, 1);
  p.trail_area_frac = 0.0;
  ASSERT_EQ(trail_run(&p, 0, &person), 1);
  ASSERT_EQ(person, 1);
  return 0;
}

/* Noise detections: n per frame, uniform over the image, SNR ~ 3. */
static void add_noise(rng_t *r, wl_detection_t *d, int *n, int count) {
  for (int k = 0; k < count; k++) {
    double snr = 3.0 + 0.5 * rng_gauss(r);
    d[(*n)++] = det_at(2 + 636 * rng_uniform(r), 2 + 508 * rng_uniform(r),
                       2, 2, snr);
  }
}

/*
 * A dim target (SNR 3 +- 0.5, detected in 80 % of frames, 0.4 px centroid
 * noise) moving 0.8 px per frame is confirmed after at most 15 hits (and
 * 20 frames), with 2 random noise detections per frame around it. The
 * noise alone, and a static flicker at SNR 3, never confirm in 1000
 * frames.
 */
TEST_IMPL(track_dim_confirm) {
  wl_err_t err;
  rng_t r = {0x9e3779b97f4a7c15ULL};
  int worst_delay = 0, worst_hits = 0, best_hits = 1000;
  for (int trial = 0; trial < 20; trial++) {
    wl_tracker_t *tr = make_tracker(640, 512);
    ASSERT(tr != NULL);
    double x0 = 100 + 400 * rng_uniform(&r), y0 = 100 + 300 * rng_uniform(&r);
    double ang = 2 * M_PI * rng_uniform(&r);
    int confirmed_at = -1;
    for (int f = 0; f < 40 && confirmed_at < 0; f++) {
      wl_detection_t d[8];
      int n = 0;
      if (f == 0 || rng_uniform(&r) < 0.8) {
        double x = x0 + 0.8 * f * cos(ang) + 0.4 * rng_gauss(&r);
        double y = y0 + 0.8 * f * sin(ang) + 0.4 * rng_gauss(&r);
        d[n++] = det_at(x, y, 2, 2, 3.0 + 0.5 * rng_gauss(&r));
      }
      add_noise(&r, d, &n, 2);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, (size_t)n, &err), &err);
      size_t nc;
      const wl_track_t *t = wl_tracker_confirmed(tr, &nc);
      for (size_t i = 0; i < nc; i++) {
        double ex = x0 + 0.8 * f * cos(ang), ey = y0 + 0.8 * f * sin(ang);
        ASSERT_DBL_LT(hypot(t[i].cx - ex, t[i].cy - ey), 3.0);
        confirmed_at = f + 1;
        if (t[i].hits > worst_hits) worst_hits = t[i].hits;
        if (t[i].hits < best_hits) best_hits = t[i].hits;
      }
    }
    ASSERT_GT(confirmed_at, 0);
    if (confirmed_at > worst_delay) worst_delay = confirmed_at;
    wl_tracker_free(tr);
  }
  fprintf(stderr, "dim target (SNR 3, Pd 0.8): confirmed after %d to %d hits, "
          "within %d frames (20 trials)\n", best_hits, worst_hits,
          worst_delay);
  ASSERT_LE(worst_hits, 15);
  ASSERT_LE(worst_delay, 20);

  /* Noise alone, at 2 and at 20 detections per frame. */
  for (int rate = 2; rate <= 20; rate *= 10) {
    wl_tracker_t *tr = make_tracker(640, 512);
    ASSERT(tr != NULL);
    wl_detection_t d[32];
    for (int f = 0; f < 1000; f++) {
      int n = 0;
      add_noise(&r, d, &n, rate);
      ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, (size_t)n, &err), &err);
      size_t nc;
      wl_tracker_confirmed(tr, &nc);
      ASSERT_EQ(nc, 0);
    }
    wl_tracker_stats_t st;
    wl_tracker_stats(tr, &st);
    ASSERT_EQ(st.confirmations, 0);
    wl_tracker_free(tr);
  }

  /* A static flicker: same place, SNR 3, detected 80 % of the time. */
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  for (int f = 0; f < 1000; f++) {
    wl_detection_t d[1];
    int n = 0;
    if (rng_uniform(&r) < 0.8)
      d[n++] = det_at(320 + 0.4 * rng_gauss(&r), 256 + 0.4 * rng_gauss(&r), 2,
                      2, 3.0 + 0.5 * rng_gauss(&r));
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, (size_t)n, &err), &err);
    size_t nc;
    wl_tracker_confirmed(tr, &nc);
    ASSERT_EQ(nc, 0);
  }
  wl_tracker_free(tr);
  return 0;
}

/* Irregular frame times (10..60 ms) and repeated time stamps: one id, and
 * the velocity in px/s is right. */
/* A frozen stretch (wl_tracker_coast, as during an FFC): a confirmed
 * track stays confirmed and output at its prediction, counts neither hit
 * nor miss, and takes its target again with the same id afterwards. */
TEST_IMPL(track_coast_freeze) {
  wl_err_t err;
  wl_tracker_t *tr = NULL;
  wl_track_params_t p;
  image_params(&p);
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  size_t n = 0;
  const wl_track_t *c = NULL;
  int f = 0;
  for (; f < 10; f++) {
    wl_detection_t d = det_at(100 + 2.0 * f, 200, 5, 10, 15);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
  }
  c = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  uint64_t id = c[0].id;
  int hits = c[0].hits;
  for (; f < 22; f++) {
    wl_tracker_coast(tr, f * FRAME_NS);
    c = wl_tracker_confirmed(tr, &n);
    ASSERT_EQ(n, 1);
    ASSERT_EQ(c[0].id, id);
    ASSERT_EQ(c[0].state, WL_TRACK_CONFIRMED);
    ASSERT_EQ(c[0].hits, hits);
    ASSERT_EQ(c[0].misses, 0);
    ASSERT_EQ(c[0].det_index, -1);
    ASSERT_NEAR(c[0].cx, 100 + 2.0 * f, 1.0); /* at its prediction */
  }
  for (; f < 25; f++) {
    wl_detection_t d = det_at(100 + 2.0 * f, 200, 5, 10, 15);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err), &err);
    c = wl_tracker_confirmed(tr, &n);
    ASSERT_EQ(n, 1);
    ASSERT_EQ(c[0].id, id);
    ASSERT_GE(c[0].det_index, 0);
  }
  ASSERT_EQ(c[0].hits, hits + 3);
  wl_tracker_free(tr);
  return 0;
}

TEST_IMPL(track_irregular_dt) {
  wl_tracker_t *tr = make_tracker(0, 0);
  ASSERT(tr != NULL);
  wl_err_t err;
  rng_t r = {12345};
  double t = 0.0;
  const double vx = 40.0, vy = -25.0; /* px/s */
  for (int f = 0; f < 200; f++) {
    double step = rng_uniform(&r) < 0.15 ? 0.0 : 0.010 + 0.050 * rng_uniform(&r);
    if (f > 0) t += step;
    if (f == 100) t -= 0.02; /* a time stamp going backwards */
    double x = 100 + vx * t + 0.3 * rng_gauss(&r);
    double y = 400 + vy * t + 0.3 * rng_gauss(&r);
    wl_detection_t d = det_at(x, y, 4, 8, 10);
    ASSERT_OK(wl_tracker_update(tr, (int64_t)(t * 1e9), &d, 1, &err), &err);
  }
  size_t n;
  const wl_track_t *tk = wl_tracker_confirmed(tr, &n);
  ASSERT_EQ(n, 1);
  ASSERT_EQ(tk[0].id, 1);
  ASSERT_NEAR(tk[0].vx, vx, 4.0);
  ASSERT_NEAR(tk[0].vy, vy, 4.0);
  ASSERT(isfinite(tk[0].pos_std_px) && tk[0].pos_std_px < 2.0);
  wl_tracker_free(tr);
  return 0;
}

/*
 * No allocation per frame: every output pointer stays put across 2000
 * frames of 40 moving targets plus noise with tracks being born and dying,
 * and (with glibc) the heap in use does not change.
 */
TEST_IMPL(track_no_alloc_per_frame) {
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_err_t err;
  rng_t r = {777};
  wl_detection_t d[64];
  size_t n;
  const wl_track_t *conf0 = wl_tracker_confirmed(tr, &n);
  const wl_track_t *all0 = wl_tracker_tracks(tr, &n);
#ifdef __GLIBC__
  size_t heap0 = 0;
#endif
  for (int f = 0; f < 2000; f++) {
    int nd = 0;
    for (int k = 0; k < 40; k++) {
      if (((f / 200) + k) % 7 == 0) continue; /* targets come and go */
      double x = fmod(20 + 13 * k + 1.3 * f * (1 + k % 3), 600) + 20;
      double y = 30 + 11.5 * k;
      d[nd++] = det_at(x, y, 5, 9, 10);
    }
    add_noise(&r, d, &nd, 10);
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, (size_t)nd, &err), &err);
    ASSERT(wl_tracker_confirmed(tr, &n) == conf0);
    ASSERT(wl_tracker_tracks(tr, &n) == all0);
#ifdef __GLIBC__
    if (f == 100) heap0 = mallinfo2().uordblks;
    if (f > 100) ASSERT_EQ(mallinfo2().uordblks, heap0);
#endif
  }
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  ASSERT_GT(st.deletions, 10);
  size_t bytes = wl_tracker_state_bytes(tr);
  fprintf(stderr, "tracker state: %zu bytes with the default capacity\n",
          bytes);
  ASSERT_GT(bytes, 128 * 256 * 4);
  ASSERT_LT(bytes, 2u << 20);
  wl_tracker_free(tr);
  return 0;
}

/* Capacity: a full table drops births (counted) and never overflows;
 * detections beyond max_detections are ignored; non-finite ones too. */
TEST_IMPL(track_capacity_and_bad_input) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.max_tracks = 8;
  p.max_detections = 16;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  wl_detection_t d[40];
  for (int f = 0; f < 20; f++) {
    for (int k = 0; k < 40; k++) d[k] = det_at(10 + 15 * k, 50, 4, 4, 10);
    d[3].cx = NAN;
    d[4].w = 0;
    d[5].snr = INFINITY;
    d[6].x = -INFINITY;
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 40, &err), &err);
    size_t n;
    const wl_track_t *t = wl_tracker_tracks(tr, &n);
    ASSERT_LE(n, 8);
    for (size_t i = 0; i < n; i++) ASSERT(isfinite(t[i].x) && isfinite(t[i].score));
  }
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  ASSERT_EQ(st.dropped_detections, 20 * (24 + 3));
  ASSERT_GT(st.dropped_births, 0);
  /* NULL with n > 0 is an error; n = 0 with NULL is a frame with nothing. */
  ASSERT_EQ(wl_tracker_update(tr, 21 * FRAME_NS, NULL, 3, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "NULL");
  ASSERT_OK(wl_tracker_update(tr, 21 * FRAME_NS, NULL, 0, &err), &err);
  wl_tracker_free(tr);
  wl_tracker_free(NULL);

  /* Parameter errors name the field. */
  wl_track_default_params(&p);
  p.p_detect = 1.5;
  ASSERT_EQ(wl_tracker_new(&tr, &p, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "p_detect");
  ASSERT(tr == NULL);
  wl_track_default_params(&p);
  p.max_tracks = 0;
  ASSERT_EQ(wl_tracker_new(&tr, &p, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "max_tracks");
  wl_track_default_params(&p);
  p.max_tracks = 4096;
  p.max_detections = 4096;
  ASSERT_EQ(wl_tracker_new(&tr, &p, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "max_detections");
  wl_track_default_params(&p);
  p.gate_chi2 = NAN;
  ASSERT_EQ(wl_tracker_new(&tr, &p, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "gate_chi2");
  return 0;
}

/* Mean thread CPU time of wl_tracker_update, in microseconds (CPU time, so
 * that other processes on a shared machine do not count), over 3000 frames
 * of 50 targets and 10 noise detections (the first 100 not counted);
 * *confirmed gets the mean number of confirmed tracks per frame. */
static double time_tracker(wl_tracker_t *tr, double *confirmed) {
  wl_err_t err;
  rng_t r = {4242};
  wl_detection_t d[64];
  const int frames = 3000;
  struct timespec t0, t1;
  double total = 0.0;
  size_t out_sum = 0;
  for (int f = 0; f < frames; f++) {
    int nd = 0;
    for (int k = 0; k < 50; k++) {
      double x = fmod(15 + 12 * k + (0.5 + 0.03 * k) * f, 600) + 20;
      double y = 200 + 6 * k + 0.3 * rng_gauss(&r);
      d[nd++] = det_at(x + 0.3 * rng_gauss(&r), y, 4, 5, 10);
    }
    add_noise(&r, d, &nd, 10);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    if (wl_tracker_update(tr, f * FRAME_NS, d, (size_t)nd, &err) != WL_OK)
      return -1.0;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    if (f >= 100)
      total += (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
               (double)(t1.tv_nsec - t0.tv_nsec) * 1e-3;
    size_t n;
    wl_tracker_confirmed(tr, &n);
    out_sum += n;
  }
  *confirmed = (double)out_sum / frames;
  return total / (frames - 100);
}

static int test_camera(wl_camera_t *cam);

/* 50 targets and 10 noise detections a frame, without and with a
 * classifier (camera model) attached: all 50 are tracked. The time per frame
 * is printed for information; speed goals live in bench/, not in tests. */
TEST_IMPL(track_many_targets) {
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  double n_conf;
  double us = time_tracker(tr, &n_conf);
  fprintf(stderr, "tracker: %.1f us per frame (50 targets + 10 noise "
          "detections), %.1f confirmed tracks per frame\n", us, n_conf);
  ASSERT_DBL_GT(n_conf, 45.0);
  wl_tracker_free(tr);

  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_tracker_set_classifier(tr, clf);
  double us_cls = time_tracker(tr, &n_conf);
  fprintf(stderr, "tracker + classifier: %.1f us per frame, %.1f confirmed "
          "tracks per frame\n", us_cls, n_conf);
  ASSERT_DBL_GT(n_conf, 45.0);
  wl_tracker_free(tr);
  wl_classifier_free(clf);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Simulator truth as detections                                             */

#define MAX_TRUTH 256
#define MAX_EVAL_TRACKS 1024

/* Class accuracy over one simulator run. */
typedef struct class_score {
  long frames_ok, frames_all; /* track-frames with the track >= 2 s old */
  long tracks_ok, tracks_all; /* tracks >= 2 s old, class at last frame */
} class_score_t;

typedef struct track_eval {
  uint64_t id;
  int truth_cls, answer;
  double age_s;
} track_eval_t;

/* One tracker with its classifier and what it scored. */
typedef struct class_run {
  wl_tracker_t *tr;
  wl_classifier_t *clf;
  track_eval_t ev[MAX_EVAL_TRACKS];
  size_t n_ev;
  class_score_t score;
} class_run_t;

/* Score the confirmed tracks of run r in this frame; det_cls[j] is the
 * class of the truth behind detection j. */
static int score_frame(class_run_t *r, const int *det_cls, int64_t t_ns) {
  size_t nc;
  const wl_track_t *t = wl_tracker_confirmed(r->tr, &nc);
  for (size_t i = 0; i < nc; i++) {
    if (t[i].det_index < 0) continue;
    int cls = det_cls[t[i].det_index];
    double age_s = (double)(t_ns - t[i].t_birth_ns) * 1e-9;
    size_t e = 0;
    while (e < r->n_ev && r->ev[e].id != t[i].id) e++;
    if (e == r->n_ev) {
      ASSERT_LT(r->n_ev, MAX_EVAL_TRACKS);
      r->ev[r->n_ev++].id = t[i].id;
    }
    r->ev[e].truth_cls = cls;
    r->ev[e].answer = t[i].cls;
    r->ev[e].age_s = age_s;
    if (age_s >= 2.0) {
      r->score.frames_all++;
      r->score.frames_ok += (int)t[i].cls == cls;
    }
  }
  return 0;
}

/* Per track at least 2 s old: its class at its last frame. */
static void score_tracks(class_run_t *r) {
  for (size_t e = 0; e < r->n_ev; e++) {
    if (r->ev[e].age_s < 2.0) continue;
    r->score.tracks_all++;
    r->score.tracks_ok += r->ev[e].answer == r->ev[e].truth_cls;
  }
}

/*
 * Run a preset with seed; truth boxes (visibility >= 0.3, none in frozen
 * FFC frames) become detections for two trackers with classifiers, one
 * with the preset's camera model and one without. Adds to the scores.
 */
static int run_preset_classes(const char *preset, uint64_t seed,
                              class_score_t *with_cam,
                              class_score_t *without_cam) {
  wl_err_t err;
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  ASSERT_OK(wl_scenario_load(&sc, preset, &err), &err);
  const wl_camera_t *cam = wl_scenario_camera(sc);
  ASSERT_OK(wl_sim_new(&sim, sc, seed, &err), &err);
  static class_run_t runs[2];
  for (int r = 0; r < 2; r++) {
    memset(&runs[r], 0, sizeof runs[r]);
    runs[r].tr = make_tracker(cam->width, cam->height);
    ASSERT(runs[r].tr != NULL);
    ASSERT_OK(wl_classifier_new(&runs[r].clf, NULL, r == 0 ? cam : NULL, &err),
              &err);
    wl_tracker_set_classifier(runs[r].tr, runs[r].clf);
  }
  wl_frame_t frame;
  wl_frame_init(&frame);
  static wl_sim_truth_t truth[MAX_TRUTH];
  static wl_detection_t dets[MAX_TRUTH];
  static int det_cls[MAX_TRUTH];
  static uint16_t ring[4096];
  /* The first 8 s of each preset: enough tracks older than 2 s, and quick
   * enough under the sanitizers. */
  int frames = (int)(fmin(wl_scenario_duration_s(sc), 8.0) * cam->fps);
  for (int f = 0; f < frames; f++) {
    size_t nt, nd = 0;
    ASSERT_OK(wl_sim_next(sim, &frame, truth, MAX_TRUTH, &nt, &err), &err);
    /* A frozen (FFC) frame yields no detections, as the detector skips it. */
    for (size_t i = 0; i < nt && !wl_sim_in_ffc(sim); i++) {
      if (truth[i].visibility < 0.3 || truth[i].w <= 0 || truth[i].h <= 0)
        continue;
      acc_truth_detection(&frame, &truth[i], &dets[nd], ring);
      det_cls[nd++] = truth[i].cls;
    }
    for (int r = 0; r < 2; r++) {
      ASSERT_OK(wl_tracker_update(runs[r].tr, frame.t_ns, dets, nd, &err),
                &err);
      if (score_frame(&runs[r], det_cls, frame.t_ns)) return 1;
    }
  }
  class_score_t *out[2] = {with_cam, without_cam};
  for (int r = 0; r < 2; r++) {
    score_tracks(&runs[r]);
    out[r]->frames_ok += runs[r].score.frames_ok;
    out[r]->frames_all += runs[r].score.frames_all;
    out[r]->tracks_ok += runs[r].score.tracks_ok;
    out[r]->tracks_all += runs[r].score.tracks_all;
    wl_classifier_free(runs[r].clf);
    wl_tracker_free(runs[r].tr);
  }
  wl_frame_release(&frame);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return 0;
}

/* The presets with people, vehicles, animals and birds, each with its own
 * evaluation seed (the model was fitted on random scenarios, seeds 20-59). */
static const struct {
  const char *preset;
  uint64_t seed;
} EVAL_RUNS[] = {{"border-night", 101}, {"border-day", 102},
                 {"crowd", 103},        {"nuisance", 104},
                 {"vehicle-run", 105},  {"long-range", 106}};

static int check_accuracy(const char *what, const class_score_t *s,
                          double floor_acc) {
  double frame_acc = (double)s->frames_ok / (double)s->frames_all;
  double track_acc = (double)s->tracks_ok / (double)s->tracks_all;
  fprintf(stderr,
          "class accuracy %s, tracks older than 2 s: %.1f %% of %ld "
          "track-frames, %.1f %% of %ld tracks\n",
          what, 100 * frame_acc, s->frames_all, 100 * track_acc,
          s->tracks_all);
  ASSERT_GT(s->tracks_all, 60);
  ASSERT_DBL_GE(frame_acc, floor_acc);
  ASSERT_DBL_GE(track_acc, floor_acc);
  return 0;
}

/*
 * Class accuracy on the six presets: with a camera model >= 90 % (the goal;
 * measured ~98 %), image cues only >= 85 % (measured ~91 %).
 */
TEST_IMPL(classify_sim_presets) {
  class_score_t cam = {0, 0, 0, 0}, img = {0, 0, 0, 0};
  for (size_t i = 0; i < sizeof EVAL_RUNS / sizeof EVAL_RUNS[0]; i++)
    if (run_preset_classes(EVAL_RUNS[i].preset, EVAL_RUNS[i].seed, &cam, &img))
      return 1;
  if (check_accuracy("with camera", &cam, 0.90)) return 1;
  return check_accuracy("without camera", &img, 0.85);
}

/* A camera for the hand-placed tests: 15 m tower, 24 degrees, looking south
 * 3 degrees down. */
static int test_camera(wl_camera_t *cam) {
  wl_err_t err;
  wl_camera_defaults(cam);
  snprintf(cam->id, sizeof cam->id, "test");
  cam->width = 640;
  cam->height = 512;
  cam->hfov_deg = 24;
  cam->lat = 31.34;
  cam->lon = -109.56;
  cam->height_m = 15;
  cam->yaw_deg = 180;
  cam->pitch_deg = -3;
  int rc = wl_camera_init(cam, &err);
  if (rc != WL_OK) fprintf(stderr, "camera: %s\n", err.msg);
  return rc;
}

/* The box of an upright object of height x width metres standing at
 * (east, north), seen from cam. */
static void object_box(const wl_camera_t *cam, double east, double north,
                       double height, double width, wl_class_obs_t *o) {
  double foot[3], top[3];
  wl_camera_ground_at(cam, east, north, foot);
  top[0] = foot[0];
  top[1] = foot[1];
  top[2] = foot[2] + height;
  double fu, fv, tu, tv;
  wl_camera_enu_to_pixel(cam, foot, &fu, &fv);
  wl_camera_enu_to_pixel(cam, top, &tu, &tv);
  double h = fv - tv;
  double w = h * width / height;
  memset(o, 0, sizeof *o);
  o->x = fu - 0.5 * w;
  o->y = tv;
  o->w = w;
  o->h = h;
  o->contrast = 10;
  o->snr = 50;
  o->polarity = 1;
}

/* Physical features of hand-placed objects: size and speed in metres. */
TEST_IMPL(classify_features_physical) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  ASSERT(wl_classifier_has_camera(clf));
  /* A 1.75 x 0.5 m person 200 m out walking 1.4 m/s east (across). */
  wl_class_obs_t o0, o1;
  object_box(&cam, 0, -200, 1.75, 0.5, &o0);
  object_box(&cam, 1.4, -200, 1.75, 0.5, &o1);
  o0.vx = (o1.x - o0.x) / 1.0;
  o0.vy = (o1.y + o1.h - o0.y - o0.h) / 1.0;
  o0.vel_std_px_s = 0.5;
  wl_class_features_t f;
  ASSERT_OK(wl_classify_features(clf, &o0, &f), &err);
  ASSERT(f.has_ground && !f.above_horizon);
  ASSERT_NEAR(f.range_m, 200, 0.5);
  ASSERT_NEAR(f.height_m, 1.75, 0.05);
  ASSERT_NEAR(f.width_m, 0.5, 0.02);
  ASSERT_NEAR(f.speed_mps, 1.4, 0.05);
  /* Across the line of sight 0.5 px/s is 0.5 x 0.133 m/px = 0.07 m/s. */
  ASSERT_NEAR(f.speed_std_mps, 0.5 * f.m_per_px, 0.01);
  /* A 1.5 m high car 600 m out driving 10 m/s towards the camera. */
  object_box(&cam, 30, -600, 1.5, 4.5, &o0);
  object_box(&cam, 30, -590, 1.5, 4.5, &o1);
  o0.vx = o1.x - o0.x;
  o0.vy = o1.y + o1.h - o0.y - o0.h;
  ASSERT_OK(wl_classify_features(clf, &o0, &f), &err);
  ASSERT_NEAR(f.range_m, hypot(30, 600), 2);
  ASSERT_NEAR(f.height_m, 1.5, 0.05);
  ASSERT_NEAR(f.speed_mps, 10, 0.5);
  /* A bird 40 m up at 150 m: above the horizon, no ground features. */
  double bird[3] = {0, -150, 40}, u, v;
  ASSERT_OK(wl_camera_enu_to_pixel(&cam, bird, &u, &v), &err);
  ASSERT_DBL_LT(v, wl_camera_horizon_row(&cam, u));
  wl_class_obs_t ob = {u - 2, v - 1, 4, 2, 80, 5, 3, 12, 30, 1};
  ASSERT_OK(wl_classify_features(clf, &ob, &f), &err);
  ASSERT(f.above_horizon && !f.has_ground);
  ASSERT(isnan(f.height_m) && isnan(f.speed_mps));
  ASSERT_NEAR(f.aspect, 0.5, 1e-9);
  ASSERT_NEAR(f.rel_speed, hypot(80, 5) / 2, 1e-9);
  /* Bad boxes are rejected, not crashed on. */
  wl_class_obs_t bad = o0;
  bad.w = 0;
  ASSERT_EQ(wl_classify_features(clf, &bad, &f), WL_EINVAL);
  bad = o0;
  bad.x = NAN;
  ASSERT_EQ(wl_classify_features(clf, &bad, &f), WL_EINVAL);
  bad = o0;
  bad.vx = INFINITY;
  bad.contrast = NAN;
  ASSERT_OK(wl_classify_features(clf, &bad, &f), &err);
  ASSERT(isnan(f.speed_mps) && isnan(f.contrast) && isfinite(f.height_m));
  wl_classifier_free(clf);
  wl_classifier_free(NULL);
  return 0;
}

/*
 * Far away one pixel down the image is a hundred metres of range, so a
 * small vertical jitter of the velocity must not read as a fast target
 * (the ground speed is debiased by the velocity noise along the range
 * axis), while a near target's speed stays as it was; and the contrast of
 * a target a pixel or two across is weaker evidence than a large one's.
 */
TEST_IMPL(classify_far_speed_and_contrast) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  /* A person 2 km out walking 1.4 m/s across, with 0.3 px/s of vertical
   * velocity noise and the tracker's loose velocity std (6 px/s). */
  wl_class_obs_t o0, o1;
  object_box(&cam, 0, -2000, 1.75, 0.5, &o0);
  object_box(&cam, 1.4, -2000, 1.75, 0.5, &o1);
  o0.vx = o1.x - o0.x;
  o0.vy = 0.3;
  o0.vel_std_px_s = 6.0;
  wl_class_features_t f;
  ASSERT_OK(wl_classify_features(clf, &o0, &f), &err);
  ASSERT(f.has_ground);
  /* Undebiased, 0.3 px/s down the image alone is tens of m/s here. */
  double below[3], foot[3];
  ASSERT_OK(wl_camera_pixel_to_ground(&cam, o0.x + 0.5 * o0.w,
                                      o0.y + o0.h, foot), &err);
  ASSERT_OK(wl_camera_pixel_to_ground(&cam, o0.x + 0.5 * o0.w,
                                      o0.y + o0.h + 0.3, below), &err);
  ASSERT_DBL_GT(hypot(below[0] - foot[0], below[1] - foot[1]), 20.0);
  ASSERT_DBL_LT(f.speed_mps, 2.5);
  ASSERT(isfinite(f.speed_std_mps) && f.speed_std_mps > 0.0);
  /* Near (200 m) the same walk keeps its speed, loose std or not. */
  object_box(&cam, 0, -200, 1.75, 0.5, &o0);
  object_box(&cam, 1.4, -200, 1.75, 0.5, &o1);
  o0.vx = o1.x - o0.x;
  o0.vy = o1.y + o1.h - o0.y - o0.h;
  o0.vel_std_px_s = 6.0;
  ASSERT_OK(wl_classify_features(clf, &o0, &f), &err);
  ASSERT_NEAR(f.speed_mps, 1.4, 0.1);
  /* Contrast 7 K against 1 K: a big change of evidence for a 13 px
   * person, a much smaller one for a 1-2 px person. */
  double delta[2];
  for (int far = 0; far < 2; far++) {
    wl_class_obs_t o;
    object_box(&cam, 0, far ? -2000 : -200, 1.75, 0.5, &o);
    o.vx = o.vy = NAN;
    double ll_hi[WL_CLASS_COUNT], ll_lo[WL_CLASS_COUNT];
    o.contrast = 7.0;
    ASSERT(wl_classify_loglik(clf, &o, ll_hi, NULL) > 0);
    o.contrast = 1.0;
    ASSERT(wl_classify_loglik(clf, &o, ll_lo, NULL) > 0);
    delta[far] = fabs(ll_hi[WL_CLASS_PERSON] - ll_lo[WL_CLASS_PERSON]);
  }
  ASSERT_DBL_GT(delta[0], 2.0);
  ASSERT_DBL_LT(delta[1], 0.6 * delta[0]);
  wl_classifier_free(clf);
  return 0;
}

/*
 * A distant car as the detector sees it (vehicle-run: 1 km out, its hot
 * engine a box of about 4 x 2 px, 0.9 x 1.8 m, driving 16 m/s towards
 * the camera, i.e. 0.4-0.6 px/s down the image, which the velocity noise
 * hides: the ground speed reads about 1 m/s) is a vehicle by its contrast
 * of 18 K (before the split-normal contrast: an animal, p 1.00); the
 * smear allowance of a small box's contrast only excuses a
 * reading below a kind's mean, never one above it. A faint far target
 * (1 K) keeps its allowance below.
 */
/* A flat cold box 0.42 m tall and 3 m long at 300 m (a streak of ground
 * a flock's background model left behind, 15 x 2 px) is as low as a
 * crawling person, and the soft Gaussians make that kind its best fit:
 * it is no person, since no person that low (a crawler) is over 2 m
 * long (person_max_m), and with the rule off (0) it is one. A crawler
 * side-on (0.4 x 1.7 m) at the same range stays a person; and a track
 * only some of whose observations are too long (a merged box now and
 * then) too; upright people side by side (1.75 x 3 m) are not judged. */
TEST_IMPL(classify_too_long_for_person) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL, *off = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  wl_classify_params_t p;
  wl_classify_default_params(&p);
  ASSERT_NEAR(p.person_max_m, 2.0, 1e-12);
  p.person_max_m = 0;
  ASSERT_OK(wl_classifier_new(&off, &p, &cam, &err), &err);
  wl_class_obs_t streak, c0, c1;
  object_box(&cam, 0, -300, 0.42, 3.0, &streak);
  ASSERT_DBL_LT(streak.h, 2.5);
  ASSERT_DBL_GT(streak.w, 13.0);
  streak.vx = -0.8;
  streak.vel_std_px_s = 0.5;
  streak.contrast = 0.65;
  streak.polarity = -1;
  object_box(&cam, 0, -300, 0.4, 1.7, &c0);
  object_box(&cam, 0.5, -300, 0.4, 1.7, &c1);
  c0.vx = c1.x - c0.x;
  c0.vel_std_px_s = 0.5;
  c0.contrast = 8.0;
  c0.polarity = 1;
  wl_class_state_t s_on, s_off, crawler, mixed;
  wl_class_state_init(&s_on);
  wl_class_state_init(&s_off);
  wl_class_state_init(&crawler);
  wl_class_state_init(&mixed);
  for (int i = 0; i < 30; i++) {
    wl_classify_observe(clf, &s_on, &streak);
    wl_classify_observe(off, &s_off, &streak);
    wl_classify_observe(clf, &crawler, &c0);
    /* One observation in three is a merged box 3 m long. */
    wl_class_obs_t m = c0;
    if (i % 3 == 0) m.w = streak.w;
    wl_classify_observe(clf, &mixed, &m);
  }
  ASSERT_EQ(s_off.cls, WL_CLASS_PERSON);
  ASSERT(s_on.cls != WL_CLASS_PERSON && s_on.cls != WL_CLASS_VEHICLE);
  ASSERT_EQ(s_on.n_too_long, 30);
  ASSERT_NEAR(s_on.prob[WL_CLASS_PERSON], 0.0, 1e-12);
  ASSERT_EQ(crawler.cls, WL_CLASS_PERSON);
  ASSERT_EQ(crawler.n_too_long, 0);
  ASSERT_EQ(mixed.cls, WL_CLASS_PERSON);
  ASSERT_EQ(mixed.n_too_long, 10);
  /* Upright people side by side (a 1.75 x 3 m box) are not judged. */
  wl_class_obs_t group = c0;
  object_box(&cam, 0, -300, 1.75, 3.0, &group);
  group.vx = c0.vx;
  wl_class_state_t s_group;
  wl_class_state_init(&s_group);
  for (int i = 0; i < 30; i++) wl_classify_observe(clf, &s_group, &group);
  ASSERT_EQ(s_group.n_too_long, 0);
  /* Out of range. */
  p.person_max_m = -1;
  wl_classifier_t *bad = NULL;
  ASSERT_EQ(wl_classifier_new(&bad, &p, &cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "person_max_m");
  wl_classifier_free(clf);
  wl_classifier_free(off);
  return 0;
}

TEST_IMPL(classify_small_hot_vehicle) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  wl_class_obs_t c0, c1;
  object_box(&cam, 20, -1000, 0.9, 1.8, &c0);
  object_box(&cam, 20.8, -984, 0.9, 1.8, &c1);
  ASSERT_DBL_LT(c0.h, 3.0);
  c0.vx = c1.x - c0.x;
  c0.vy = c1.y + c1.h - c0.y - c0.h;
  ASSERT_DBL_LT(fabs(c0.vy), 1.0);
  c0.vel_std_px_s = 6.0;
  c0.contrast = 18.0;
  wl_class_features_t f;
  ASSERT_OK(wl_classify_features(clf, &c0, &f), &err);
  ASSERT_DBL_LT(f.speed_mps, 5.0); /* the radial speed is not seen */
  wl_class_state_t car;
  wl_class_state_init(&car);
  for (int i = 0; i < 30; i++) wl_classify_observe(clf, &car, &c0);
  ASSERT_EQ(car.cls, WL_CLASS_VEHICLE);
  ASSERT_DBL_GT(car.conf, 0.9);
  /* Above a kind's mean the small box's reading counts as fully as a
   * large one's: 7 K -> 30 K costs a person about as much at 2 km (a
   * 1-2 px box) as at 200 m; below (7 K -> 1 K) it costs much less. */
  double up[2], down[2];
  for (int far = 0; far < 2; far++) {
    wl_class_obs_t o;
    object_box(&cam, 0, far ? -2000 : -200, 1.75, 0.5, &o);
    o.vx = o.vy = NAN;
    double ll_mid[WL_CLASS_COUNT], ll_hi[WL_CLASS_COUNT],
        ll_lo[WL_CLASS_COUNT];
    o.contrast = 7.0;
    ASSERT(wl_classify_loglik(clf, &o, ll_mid, NULL) > 0);
    o.contrast = 30.0;
    ASSERT(wl_classify_loglik(clf, &o, ll_hi, NULL) > 0);
    o.contrast = 1.0;
    ASSERT(wl_classify_loglik(clf, &o, ll_lo, NULL) > 0);
    up[far] = ll_mid[WL_CLASS_PERSON] - ll_hi[WL_CLASS_PERSON];
    down[far] = ll_mid[WL_CLASS_PERSON] - ll_lo[WL_CLASS_PERSON];
  }
  ASSERT_DBL_GT(up[0], 2.0);
  ASSERT_DBL_GT(up[1], 0.8 * up[0]);
  ASSERT_DBL_LT(down[1], 0.6 * down[0]);
  wl_classifier_free(clf);
  return 0;
}

/*
 * Evidence over time: unknown until min_obs observations, then the right
 * class for a plain person and car; stable against a few odd frames; and
 * unknown for something no class explains (a 30 m tall object).
 */
TEST_IMPL(classify_temporal_and_unknown) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  ASSERT_OK(wl_classifier_new(&clf, NULL, &cam, &err), &err);
  wl_class_state_t person, car, giant;
  wl_class_state_init(&person);
  wl_class_state_init(&car);
  wl_class_state_init(&giant);
  ASSERT_EQ(person.cls, WL_CLASS_UNKNOWN);
  wl_class_obs_t p0, p1, c0, c1, g;
  object_box(&cam, -20, -250, 1.75, 0.5, &p0);
  object_box(&cam, -18.6, -250, 1.75, 0.5, &p1);
  p0.vx = p1.x - p0.x;
  p0.vel_std_px_s = 0.5;
  object_box(&cam, 50, -400, 1.5, 4.5, &c0);
  object_box(&cam, 42, -400, 1.5, 4.5, &c1);
  c0.vx = c1.x - c0.x;
  c0.contrast = 35;
  c0.vel_std_px_s = 0.5;
  object_box(&cam, 0, -300, 30, 6, &g);
  for (int i = 0; i < 30; i++) {
    wl_classify_observe(clf, &person, &p0);
    wl_classify_observe(clf, &car, &c0);
    wl_classify_observe(clf, &giant, &g);
    if (i < 2) {
      ASSERT_EQ(person.cls, WL_CLASS_UNKNOWN);
      ASSERT_EQ(car.cls, WL_CLASS_UNKNOWN);
    }
  }
  ASSERT_EQ(person.cls, WL_CLASS_PERSON);
  ASSERT_DBL_GT(person.conf, 0.9);
  ASSERT_EQ(car.cls, WL_CLASS_VEHICLE);
  ASSERT_DBL_GT(car.conf, 0.9);
  ASSERT_EQ(giant.cls, WL_CLASS_UNKNOWN);
  double sum = 0;
  for (int c = 1; c < WL_CLASS_COUNT; c++) sum += person.prob[c];
  ASSERT_NEAR(sum, 1.0, 1e-9);
  /* Three car-like frames do not flip a person with 30 behind it. */
  for (int i = 0; i < 3; i++) wl_classify_observe(clf, &person, &c0);
  ASSERT_EQ(person.cls, WL_CLASS_PERSON);
  /* An unusable observation changes nothing. */
  wl_class_state_t before = person;
  wl_class_obs_t bad = p0;
  bad.h = -1;
  wl_classify_observe(clf, &person, &bad);
  ASSERT_EQ(person.n, before.n);
  /* Names. */
  ASSERT_STR_EQ(wl_class_name(WL_CLASS_BIRD), "bird");
  ASSERT_STR_EQ(wl_class_name((wl_class_t)99), "unknown");
  ASSERT_EQ(wl_class_from_name("vehicle"), WL_CLASS_VEHICLE);
  ASSERT_EQ(wl_class_from_name("tank"), -1);
  wl_classifier_free(clf);

  /* Parameter errors name the field; an uninitialised camera is refused. */
  wl_classify_params_t p;
  wl_classify_default_params(&p);
  p.min_conf = 2;
  ASSERT_EQ(wl_classifier_new(&clf, &p, NULL, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "min_conf");
  wl_classify_default_params(&p);
  p.prior[WL_CLASS_BIRD] = 0;
  ASSERT_EQ(wl_classifier_new(&clf, &p, NULL, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "bird");
  wl_camera_t raw;
  wl_camera_defaults(&raw);
  ASSERT_EQ(wl_classifier_new(&clf, NULL, &raw, &err), WL_EINVAL);
  ASSERT(clf == NULL);
  return 0;
}

/*
 * Merge split: two people (5 x 16 px) walk towards each other, one 14 px
 * lower in the image (nearer), and pass; for 8 frames the detector sees
 * one blob (their union box, centroid between them). Without merge_split one track takes
 * the blob (its box grows, its centre moves between them) and the other
 * coasts and stops being output; with it each keeps its own box and both
 * stay output, and after the pass each id is on its own person. Returns
 * the merged frames in which both tracks were output, matched to the blob,
 * within 1 px of their person's centre with a box at most 6 px wide, and
 * whether the ids are right at the end.
 */
static int merge_pass(int merge_split, int *ids_ok, uint64_t *splits) {
  wl_track_params_t p;
  image_params(&p);
  p.merge_split = merge_split;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_a = 0, id_b = 0;
  int good = 0;
  *ids_ok = 0;
  for (int f = 0; f < 120; f++) {
    double ax = 100 + 1.0 * f, bx = 220.8 - 0.6 * f, ay = 200, by = 214;
    wl_detection_t d[2];
    size_t nd = 2;
    int merged = fabs(ax - bx) < 6.0;
    if (merged) {
      double x0 = fmin(ax, bx) - 2.5, x1 = fmax(ax, bx) + 2.5;
      double y0 = fmin(ay, by) - 8, y1 = fmax(ay, by) + 8;
      d[0] = det_at(0.5 * (x0 + x1), 0.5 * (y0 + y1), x1 - x0, y1 - y0, 20);
      d[0].cx = 0.5 * (ax + bx);
      d[0].cy = 0.5 * (ay + by);
      nd = 1;
    } else {
      d[0] = det_at(ax, ay, 5, 16, 20);
      d[1] = det_at(bx, by, 5, 16, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, nd, &err) != WL_OK) break;
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    if (f == 40) {
      const wl_track_t *ta = confirmed_with_det(tr, 0);
      const wl_track_t *tb = confirmed_with_det(tr, 1);
      if (ta) id_a = ta->id;
      if (tb) id_b = tb->id;
    }
    const wl_track_t *ta = id_a ? find_id(c, nc, id_a) : NULL;
    const wl_track_t *tb = id_b ? find_id(c, nc, id_b) : NULL;
    /* det_index: the caller's detection, the blob, for both. */
    if (merged && ta && tb && ta->det_index == 0 && tb->det_index == 0 &&
        fabs(ta->x + 0.5 * ta->w - ax) <= 1.0 &&
        fabs(ta->y + 0.5 * ta->h - ay) <= 1.0 && ta->w <= 6.0 &&
        fabs(tb->x + 0.5 * tb->w - bx) <= 1.0 &&
        fabs(tb->y + 0.5 * tb->h - by) <= 1.0 && tb->w <= 6.0)
      good++;
    if (f == 119)
      *ids_ok = ta && tb && fabs(ta->cx - ax) < 2.0 && fabs(tb->cx - bx) < 2.0;
  }
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  *splits = st.merge_splits;
  wl_tracker_free(tr);
  return good;
}

TEST_IMPL(track_merge_split) {
  int ok_on, ok_off;
  uint64_t splits_on, splits_off;
  int on = merge_pass(1, &ok_on, &splits_on);
  int off = merge_pass(0, &ok_off, &splits_off);
  fprintf(stderr, "merged frames with both tracks on their person: %d of 8 "
          "with merge_split, %d without (ids right at the end: %d, %d)\n",
          on, off, ok_on, ok_off);
  ASSERT_EQ(splits_off, 0);
  ASSERT_EQ(splits_on, 8);
  ASSERT_EQ(on, 8);
  ASSERT_LE(off, 3); /* the premise: without it a track coasts out or
                        takes the blob */
  ASSERT(ok_on);

  /* No split of a blob the tracks do not explain: two 5 x 16 px tracks
   * predicted inside a 40 x 30 px detection (a vehicle passing them). */
  wl_tracker_t *tr = make_tracker(640, 512);
  ASSERT(tr != NULL);
  wl_err_t err;
  for (int f = 0; f < 30; f++) {
    wl_detection_t d[2] = {det_at(100 + f, 200, 5, 16, 20),
                           det_at(112 + f, 200, 5, 16, 20)};
    ASSERT_OK(wl_tracker_update(tr, f * FRAME_NS, d, 2, &err), &err);
  }
  size_t nc;
  wl_tracker_confirmed(tr, &nc);
  ASSERT_EQ(nc, 2);
  wl_detection_t big = det_at(136, 200, 40, 30, 20);
  ASSERT_OK(wl_tracker_update(tr, 30 * FRAME_NS, &big, 1, &err), &err);
  wl_tracker_stats_t st;
  wl_tracker_stats(tr, &st);
  ASSERT_EQ(st.merge_splits, 0);
  wl_tracker_free(tr);
  return 0;
}

/*
 * Merge split of people side by side (the crowd's pairs walking
 * together): two 5 x 16 px people on one row, 14 px apart, the right one
 * slower (0.8 against 1 px per frame) until it walks 4 px beside the left
 * one, then at its speed for 50 frames. From a gap of 5 px the detector
 * sees one blob (their union box, 9-10 px wide, centroid between them),
 * in which each person's box is 0.5-0.56 of the blob's area: a track
 * area limit of half the blob (SPLIT_AREA_FRAC 0.5 before) did not split
 * it, one track took the blob and the other coasted out. Returns the
 * frames from 55 to 99 in which
 * both tracks were output within 1 px of their person's centre with a
 * box at most 6 px wide.
 */
static int merge_side_by_side(void) {
  wl_track_params_t p;
  image_params(&p);
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return -1;
  uint64_t id_a = 0, id_b = 0;
  int good = 0;
  for (int f = 0; f < 100; f++) {
    double ax = 100 + 1.0 * f, ay = 200, by = 200;
    double bx = f < 50 ? 114 + 0.8 * f : ax + 4.0;
    wl_detection_t d[2];
    size_t nd = 2;
    if (bx - ax < 5.0) {
      double x0 = ax - 2.5, x1 = bx + 2.5;
      d[0] = det_at(0.5 * (x0 + x1), ay, x1 - x0, 16, 20);
      nd = 1;
    } else {
      d[0] = det_at(ax, ay, 5, 16, 20);
      d[1] = det_at(bx, by, 5, 16, 20);
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, nd, &err) != WL_OK) break;
    if (f == 30) {
      const wl_track_t *ta = confirmed_with_det(tr, 0);
      const wl_track_t *tb = confirmed_with_det(tr, 1);
      if (ta) id_a = ta->id;
      if (tb) id_b = tb->id;
    }
    size_t nc;
    const wl_track_t *c = wl_tracker_confirmed(tr, &nc);
    const wl_track_t *ta = id_a ? find_id(c, nc, id_a) : NULL;
    const wl_track_t *tb = id_b ? find_id(c, nc, id_b) : NULL;
    if (f >= 55 && ta && tb && fabs(ta->x + 0.5 * ta->w - ax) <= 1.0 &&
        ta->w <= 6.0 && fabs(tb->x + 0.5 * tb->w - bx) <= 1.0 &&
        tb->w <= 6.0)
      good++;
  }
  wl_tracker_free(tr);
  return good;
}

TEST_IMPL(track_merge_split_side_by_side) {
  int good = merge_side_by_side();
  fprintf(stderr, "side by side: both tracks on their person in %d of 45 "
          "merged frames\n", good);
  ASSERT_GE(good, 40);
  return 0;
}

/*
 * The crowd preset's truth boxes (seed 101), jittered by 0.5 px and with
 * 10 % of them missed, tracked and scored with HOTA / IDSW against the
 * truth: people crossing each other must keep their ids.
 */
TEST_IMPL(track_crowd_identity) {
  wl_err_t err;
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  ASSERT_OK(wl_scenario_load(&sc, "crowd", &err), &err);
  const wl_camera_t *cam = wl_scenario_camera(sc);
  ASSERT_OK(wl_sim_new(&sim, sc, 101, &err), &err);
  /* Two people stand all along: these detections are not clutter, so let
   * strong static tracks confirm (off by default, see track.h). */
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.width = cam->width;
  p.height = cam->height;
  p.static_confirm_hits = 15;
  wl_tracker_t *tr = NULL;
  ASSERT_OK(wl_tracker_new(&tr, &p, &err), &err);
  int frames = (int)(wl_scenario_duration_s(sc) * cam->fps);
  size_t cap = (size_t)frames * 64;
  wl_mot_row_t *gt_rows = calloc(cap, sizeof *gt_rows);
  wl_mot_row_t *pr_rows = calloc(cap, sizeof *pr_rows);
  ASSERT(gt_rows && pr_rows);
  size_t n_gt = 0, n_pr = 0;
  wl_frame_t frame;
  wl_frame_init(&frame);
  static wl_sim_truth_t truth[MAX_TRUTH];
  static wl_detection_t dets[MAX_TRUTH];
  rng_t r = {99};
  for (int f = 0; f < frames; f++) {
    size_t nt, nd = 0;
    ASSERT_OK(wl_sim_next(sim, &frame, truth, MAX_TRUTH, &nt, &err), &err);
    for (size_t i = 0; i < nt && n_gt < cap; i++) {
      const wl_sim_truth_t *t = &truth[i];
      if (t->w <= 0 || t->h <= 0) continue;
      gt_rows[n_gt++] = (wl_mot_row_t){f + 1, t->id, t->x + 1, t->y + 1, t->w,
                                       t->h, t->visibility >= 0.3 ? 1 : 0,
                                       1, t->visibility, 0};
      if (t->visibility < 0.3 || wl_sim_in_ffc(sim) || rng_uniform(&r) < 0.1)
        continue;
      wl_detection_t *d = &dets[nd++];
      *d = det_at(t->x + 0.5 * t->w + 0.5 * rng_gauss(&r),
                  t->y + 0.5 * t->h + 0.5 * rng_gauss(&r), t->w, t->h, 20);
    }
    ASSERT_OK(wl_tracker_update(tr, frame.t_ns, dets, nd, &err), &err);
    size_t nc;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc && n_pr < cap; i++)
      pr_rows[n_pr++] = (wl_mot_row_t){f + 1, (int)t[i].id, t[i].x + 1,
                                       t[i].y + 1, t[i].w, t[i].h, 1, -1, 1,
                                       0};
  }
  wl_mot_file_t gt = {gt_rows, n_gt, frames}, pred = {pr_rows, n_pr, frames};
  wl_mot_score_t s;
  ASSERT_OK(wl_eval_mot(&gt, &pred, NULL, &s, &err), &err);
  fprintf(stderr, "crowd (truth boxes, 0.5 px jitter, 10 %% missed): HOTA "
          "%.3f AssA %.3f MOTA %.3f IDF1 %.3f IDSW %ld over %ld GT ids\n",
          s.hota, s.assa, s.mota, s.idf1, s.idsw, s.gt_ids);
  /* Floors a little below the measured 0.76 / 0.91 / 12. */
  ASSERT_DBL_GE(s.hota, 0.72);
  ASSERT_DBL_GE(s.idf1, 0.85);
  ASSERT_LE(s.idsw, 20);
  free(gt_rows);
  free(pr_rows);
  wl_frame_release(&frame);
  wl_tracker_free(tr);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return 0;
}

/*
 * Small static tracks (static_small_area, static_small_hits): a strong
 * 2x3 px detection (6 px) that never moves confirms only after
 * static_small_hits hits (the edge of a swaying bush, steady for a second
 * in a young background model, must stay so for two); a 4x4 one (16 px)
 * still after static_confirm_hits; with static_small_hits 0 the small one
 * after static_confirm_hits too; moving, the small one confirms within a
 * few frames as before.
 */
TEST_IMPL(track_small_static_needs_more_hits) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_GT(p.static_small_hits, p.static_confirm_hits);
  ASSERT_EQ(static_box_run(&p, 2, 3, 0.0), p.static_small_hits - 1);
  ASSERT_EQ(static_box_run(&p, 4, 4, 0.0), p.static_confirm_hits - 1);
  int moving = static_box_run(&p, 2, 3, 1.0);
  ASSERT_GE(moving, 2);
  ASSERT_LE(moving, 15);
  p.static_small_hits = 0;
  ASSERT_EQ(static_box_run(&p, 2, 3, 0.0), p.static_confirm_hits - 1);
  p.static_small_hits = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* How many of the tracker's confirmed tracks hold (x, y) in their box. */
static int confirmed_holding(const wl_tracker_t *tr, double x, double y) {
  size_t n = 0;
  const wl_track_t *c = wl_tracker_confirmed(tr, &n);
  int on = 0;
  for (size_t i = 0; i < n; i++)
    on += x >= c[i].x && x < c[i].x + c[i].w && y >= c[i].y &&
          y < c[i].y + c[i].h;
  return on;
}

/* A warm animal (6x4 px, strong) walks right at 20 px/s from (100, 200);
 * a cold blob (5x4 px, 20 px: more than fragment_max_area) starts 1.5 px
 * below its box and moves right at `speed` px/s plus a drift of 3 px over
 * the first 60 frames (a ghost's centroid shifting as the model relearns
 * it: it seems to move). Returns the number of confirmed tracks whose box
 * holds the cold blob's centre at frame 149, or -1 on error. */
static int ghost_run(const wl_track_params_t *p, double speed) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  double gx = 100.0, gy = 206.0;
  for (int f = 0; f < 150; f++) {
    wl_detection_t d[2];
    double t = f / 30.0;
    d[0] = det_at(100.0 + 20.0 * t, 200.0, 6.0, 4.0, 20.0);
    gx = 100.0 + speed * t + (f < 60 ? 0.05 * f : 3.0);
    d[1] = det_at(gx, gy, 5.0, 4.0, 20.0);
    d[1].polarity = -1;
    d[1].peak_contrast = -d[1].peak_contrast;
    if (wl_tracker_update(tr, (int64_t)f * 33333333, d, 2, &err) != WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  int on = confirmed_holding(tr, gx, gy);
  wl_tracker_free(tr);
  return on;
}

/*
 * Ghosts beside an animal (ghost_max_area): a cold blob that was beside a
 * warm confirmed track and then stays within fragment_release_px of where
 * it was first seen so (drifting 3 px) is not confirmed; without the rule
 * it is (the premise: it confirms as moving). A cold target walking with
 * the animal (20 px/s) goes farther and is confirmed.
 */
TEST_IMPL(track_ghost_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(ghost_run(&p, 0.0), 0);
  ASSERT_EQ(ghost_run(&p, 20.0), 1);
  p.ghost_max_area = 0;
  ASSERT_EQ(ghost_run(&p, 0.0), 1);
  ASSERT_EQ(ghost_run(&p, 20.0), 1);
  p.ghost_max_area = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A lone blob of w x h px (strong), of polarity pol, at (300, 250): it
 * drifts right 3 px over its first 45 frames (a ghost's centroid shifting
 * as the background model relearns it) and then stays, or walks right at
 * `speed` px/s as well. Returns the number of confirmed tracks whose box
 * holds its centre after 55 frames (fewer than static_small_hits hits),
 * or -1 on error. With tall_h > 0 its detections in frames 10-11 are
 * tall_h rows tall instead (a ghost blurred by the relearning). */
static int cold_ghost_run_tall(const wl_track_params_t *p, double w,
                               double h, int pol, double speed,
                               double tall_h) {
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -1;
  double gx = 300.0, gy = 250.0;
  for (int f = 0; f < 55; f++) {
    double t = f / 30.0;
    gx = 300.0 + speed * t + (f < 45 ? f / 15.0 : 3.0);
    wl_detection_t d =
        det_at(gx, gy, w, tall_h > 0 && (f == 10 || f == 11) ? tall_h : h,
               20.0);
    d.polarity = pol;
    d.peak_contrast = pol * d.peak_contrast;
    if (wl_tracker_update(tr, (int64_t)f * 33333333, &d, 1, &err) != WL_OK) {
      wl_tracker_free(tr);
      return -1;
    }
  }
  int on = confirmed_holding(tr, gx, gy);
  wl_tracker_free(tr);
  return on;
}

static int cold_ghost_run(const wl_track_params_t *p, double w, double h,
                          int pol, double speed) {
  return cold_ghost_run_tall(p, w, h, pol, speed, 0.0);
}

/*
 * Small cold tracks are possible ghosts from birth (cold_ghost_max_h): a
 * lone cold 2x2 blob that drifts 3 px (the ghost of an animal whose own
 * track is not confirmed, so never beside a warm confirmed track) is not
 * confirmed; without the rule it is (the premise: it confirms as moving).
 * A warm blob doing the same, a cold one taller than cold_ghost_max_h
 * rows (a cold person's piece) or one that walks 20 px/s on are
 * confirmed.
 */
TEST_IMPL(track_cold_ghost_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_GT(p.cold_ghost_max_h, 0.0);
  ASSERT_EQ(cold_ghost_run(&p, 2.0, 2.0, -1, 0.0), 0);
  ASSERT_EQ(cold_ghost_run(&p, 2.0, 2.0, 1, 0.0), 1);
  ASSERT_EQ(cold_ghost_run(&p, 2.0, p.cold_ghost_max_h + 2.0, -1, 0.0), 1);
  ASSERT_EQ(cold_ghost_run(&p, 2.0, 2.0, -1, 20.0), 1);
  p.cold_ghost_max_h = 0;
  ASSERT_EQ(cold_ghost_run(&p, 2.0, 2.0, -1, 0.0), 1);
  p.cold_ghost_max_h = 4;
  p.ghost_max_area = 0;
  ASSERT_EQ(cold_ghost_run(&p, 2.0, 2.0, -1, 0.0), 1);
  p.ghost_max_area = 30;
  p.cold_ghost_max_h = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * The height that makes a possible ghost is the mean of its detections'
 * (cold_ghost_max_h): a lone cold 2x2 blob that drifts 3 px with two
 * detections 8 rows tall (the relearning's blur; 16 px, within
 * ghost_max_area) is still a possible ghost and not confirmed; with the
 * tallest detection deciding it would be (it was). A cold blob that is
 * 8 rows tall throughout (a cold person's piece) is confirmed.
 */
TEST_IMPL(track_cold_ghost_mean_height) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_LT(p.cold_ghost_max_h, 8.0);
  ASSERT_EQ(cold_ghost_run_tall(&p, 2.0, 2.0, -1, 0.0, 8.0), 0);
  ASSERT_EQ(cold_ghost_run_tall(&p, 2.0, 8.0, -1, 0.0, 0.0), 1);
  ASSERT_EQ(cold_ghost_run_tall(&p, 2.0, 2.0, -1, 20.0, 8.0), 1);
  ASSERT_EQ(cold_ghost_run_tall(&p, 2.0, 2.0, 1, 0.0, 8.0), 1);
  return 0;
}

/* A strong w x h detection on row 250 at x_at(ctx, f) in frame f, from
 * frame start; frames 20-31 (an FFC freeze) are coasted and the step is
 * reported at frame 32 with a 15-frame hold. Returns the first frame (of
 * 85) with a confirmed track, -1 if none, -2 on an error. */
static int ffc_path_run(const wl_track_params_t *p, int start,
                        double (*x_at)(const void *ctx, int f),
                        const void *ctx, double w, double h) {
  wl_err_t err;
  wl_tracker_t *tr = NULL;
  if (wl_tracker_new(&tr, p, &err) != WL_OK) return -2;
  int first = -1;
  for (int f = start; f < 85 && first < 0; f++) {
    int64_t t_ns = f * FRAME_NS;
    if (f >= 20 && f < 32) {
      wl_tracker_coast(tr, t_ns);
      continue;
    }
    if (f == 32) wl_tracker_hold_confirmations(tr, 15);
    wl_detection_t d = det_at(x_at(ctx, f), 250.0, w, h, 20.0);
    if (wl_tracker_update(tr, t_ns, &d, 1, &err) != WL_OK) {
      first = -2;
      break;
    }
    size_t n;
    wl_tracker_confirmed(tr, &n);
    if (n > 0) first = f;
  }
  wl_tracker_free(tr);
  return first;
}

/* Going right at vx px per frame from x 300 at frame start, jump px
 * farther right from frame 32 (after the freeze) on. */
typedef struct jump_path {
  int start;
  double jump, vx;
} jump_path_t;

static double jump_x(const void *ctx, int f) {
  const jump_path_t *j = ctx;
  return 300.0 + j->vx * (f - j->start) + (f >= 32 ? j->jump : 0.0);
}

/* ffc_path_run() on jump_x: a detection going right at vx px per frame
 * from (300, 250) at frame start, jump px farther right after the
 * freeze. */
static int ffc_jump_run(const wl_track_params_t *p, int start, double jump,
                        double vx, double w, double h) {
  jump_path_t j = {start, jump, vx};
  return ffc_path_run(p, start, jump_x, &j, w, h);
}

/*
 * A jump across an FFC freeze is no motion (ffc_skip_jump): a small spot
 * standing still before the freeze and taken over by another 10 px off
 * after it (nuisance: clutter in a re-anchored model) is not confirmed as
 * moving (nor as static within 85 frames: it is small); without the rule
 * it confirms at the end of the hold (the premise). A target going right
 * at 0.5 px per frame, seen for 3 frames before the freeze, still confirms
 * soon after the hold.
 */
TEST_IMPL(track_ffc_jump_not_motion) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(p.ffc_skip_jump, 1);
  ASSERT_EQ(ffc_jump_run(&p, 0, 10.0, 0.0, 2.0, 2.0), -1);
  int walker = ffc_jump_run(&p, 17, 0.0, 0.5, 2.0, 2.0);
  ASSERT_GE(walker, 47);
  ASSERT_LE(walker, 60);
  p.ffc_skip_jump = 0;
  int jumper = ffc_jump_run(&p, 0, 10.0, 0.0, 2.0, 2.0);
  ASSERT_GE(jumper, 47);
  ASSERT_LE(jumper, 60);
  p.ffc_skip_jump = 2;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A bush's edge in a young model: creeps 1.5 px right before the
 * freeze, is back 0.3 px left of where it was first seen after it and
 * creeps right again to 1.5 px, where it stays. */
static double swing_x(const void *ctx, int f) {
  (void)ctx;
  if (f < 20) return 300.0 + 0.08 * f;
  double x = 299.7 + 0.08 * (f - 32);
  return x < 301.5 ? x : 301.5;
}

/*
 * A jump across an FFC freeze back towards a track's birth point counts
 * as motion (ffc_jump_back): the swinging edge of swing_x() (4 x 3 px:
 * too large for the drift path, too small to stand within 85 frames) is
 * never more than 1.5 px from its birth point and does not confirm;
 * with the rule off the return swing is skipped, its birth point moves
 * back with it, the two creeps add up to 3.3 px and it confirms as
 * moving (the premise). A target going on across the freeze keeps the
 * jump correction (track_ffc_jump_not_motion). 2 is refused.
 */
TEST_IMPL(track_ffc_jump_back_counts) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(p.ffc_jump_back, 1);
  ASSERT_EQ(ffc_path_run(&p, 0, swing_x, NULL, 4.0, 3.0), -1);
  p.ffc_jump_back = 0;
  int ratchet = ffc_path_run(&p, 0, swing_x, NULL, 4.0, 3.0);
  ASSERT_GE(ratchet, 32);
  p.ffc_jump_back = 2;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A strong w x h detection at (x0 + vx f, y) in frame f. */
typedef struct line_script {
  double x0, vx, y, w, h;
} line_script_t;

static wl_detection_t line_det(void *ctx, int f) {
  const line_script_t *c = ctx;
  return det_at(c->x0 + c->vx * f, c->y, c->w, c->h, 20);
}

/* The frame a detection going right at 1 px per frame on row y confirms. */
static int range_run(const wl_track_params_t *p, double y, double w,
                     double h) {
  line_script_t c = {200, 1.0, y, w, h};
  return first_confirmed(p, 60, line_det, &c);
}

/* A strong 3x2 px blob drifting right at 1.5 px/s (0.05 px per frame,
 * with 0.15 px of deterministic jitter) at row 200. */
static wl_detection_t drift_det(void *ctx, int f) {
  (void)ctx;
  double x = 300.0 + 1.5 / FPS * f + 0.15 * sin(1.7 * f);
  double y = 200.0 + 0.15 * cos(2.3 * f);
  return det_at(x, y, 3, 2, 15);
}

/* drift_det() for 40 frames, each detection a warm-up spot
 * (wl_tracker_mark_spots) when spots: the first frame with a confirmed
 * track, -1 if none, -2 on an error. */
static int drift_run(const wl_track_params_t *p, int spots) {
  return first_confirmed_as(p, 40, drift_det, NULL, spots);
}

/*
 * A spot-born track confirms by the slow-drift path only at a distance
 * (slow_max_person_px): with the moving and static paths out of reach
 * (static_confirm_hits 0; 2 px of drift in 40 frames), a drifting 3x2
 * blob seen as warm-up spots confirms where a person is 4 px tall, within
 * 30 frames, but not where a person is 15 px tall (a point-like spot
 * there is a piece of something larger: a bush's swing); there it
 * confirms as temporal detections (a walker going straight away), with
 * the rule off, and without person_px (the premise). A negative bar is
 * refused.
 */
TEST_IMPL(track_drift_needs_range) {
  static float far[512], near[512];
  for (int y = 0; y < 512; y++) {
    far[y] = 4.0f;
    near[y] = 15.0f;
  }
  wl_track_params_t p;
  image_params(&p);
  p.static_confirm_hits = 0;
  ASSERT_DBL_GT(p.slow_max_person_px, 4.0);
  ASSERT_DBL_LE(p.slow_max_person_px, 15.0);
  p.person_px = far;
  int f_far = drift_run(&p, 1);
  ASSERT_GE(f_far, p.slow_confirm_hits - 1);
  ASSERT_LT(f_far, 30);
  p.person_px = near;
  ASSERT_EQ(drift_run(&p, 1), -1);
  ASSERT_EQ(drift_run(&p, 0), f_far);
  p.slow_max_person_px = 0.0;
  ASSERT_EQ(drift_run(&p, 1), f_far);
  wl_track_default_params(&p);
  image_params(&p);
  p.static_confirm_hits = 0;
  ASSERT_EQ(drift_run(&p, 1), f_far);
  p.slow_max_person_px = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A 2x2 blob going right at 0.5 px per frame whose detections have
 * snr 0 (the jitter test explained each as the background shifted by a
 * pixel), but for frame `strong_at` (snr 2; -1: none). */
static wl_detection_t jitter_det(void *ctx, int f) {
  int strong_at = *(const int *)ctx;
  wl_detection_t d = det_at(200.0 + 0.5 * f, 300.0, 2, 2, 0.0);
  if (f == strong_at) d.snr = 2.0;
  return d;
}

/*
 * A track every detection of which the jitter test explained (snr 0)
 * never confirms (confirm_min_snr); with the rule off it confirms as
 * moving (the premise), and so it does when one of its detections rose
 * above that (snr 2 in its second frame). A negative floor is refused.
 */
TEST_IMPL(track_jitter_explained_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  p.dim_shown_frac = 0.0; /* track_dim_flicker_not_moving */
  ASSERT_DBL_GT(p.confirm_min_snr, 0.0);
  ASSERT_DBL_LT(p.confirm_min_snr, 2.0);
  int none = -1, second = 1;
  ASSERT_EQ(first_confirmed(&p, 90, jitter_det, &none), -1);
  ASSERT_GT(first_confirmed(&p, 90, jitter_det, &second), 0);
  p.confirm_min_snr = 0.0;
  ASSERT_GT(first_confirmed(&p, 90, jitter_det, &none), 0);
  p.confirm_min_snr = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A dim 2x2 blob going right at 0.5 px per frame: every `every`-th
 * detection (from the first) has snr 3, the others snr 0 (explained by
 * the jitter test); with strong_at >= 0, that frame's has snr 12. */
typedef struct {
  int every, strong_at;
} flicker_script_t;

static wl_detection_t flicker_det(void *ctx, int f) {
  const flicker_script_t *c = ctx;
  wl_detection_t d = det_at(200.0 + 0.5 * f, 300.0, 2, 2, 0.0);
  if (f % c->every == 0) d.snr = 3.0;
  if (f == c->strong_at) d.snr = 12.0;
  return d;
}

/*
 * A track that was never strong confirms as moving only when at least
 * dim_shown_frac of its hits were not explained by the background
 * shifted by a pixel (snr >= confirm_min_snr): with one detection in
 * three at snr 3 it never confirms in 90 frames; with every detection
 * at snr 3 it does, and with the rule off, or when one of its
 * detections is strong (snr 12), the one-in-three track confirms too.
 * Values outside [0, 1] are refused.
 */
TEST_IMPL(track_dim_flicker_not_moving) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_DBL_GT(p.dim_shown_frac, 1.0 / 3.0);
  ASSERT_DBL_LT(3.0, p.strong_snr);
  flicker_script_t third = {3, -1}, all = {1, -1}, strong = {3, 4};
  ASSERT_EQ(first_confirmed(&p, 90, flicker_det, &third), -1);
  int f_all = first_confirmed(&p, 90, flicker_det, &all);
  ASSERT_GT(f_all, 0);
  ASSERT_GT(first_confirmed(&p, 90, flicker_det, &strong), 0);
  p.dim_shown_frac = 0.0;
  ASSERT_GT(first_confirmed(&p, 90, flicker_det, &third), 0);
  p.dim_shown_frac = -1.0;
  ASSERT(tracker_refuses(&p));
  p.dim_shown_frac = 1.5;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Sizes no target has at its range (person_px, min_target_frac,
 * max_target_len). With a person 0.2 px tall per row below row 180: a 2x2
 * px blob moving at row 450 (a person there 54 px tall) is never
 * confirmed, the same blob at row 250 (14 px) is; a 14x3 streak at row 182
 * (a person 0.6 px: a 24-m object) never, the same at row 300 (24 px: a
 * car side-on) is. Each of the two held ones confirms with its rule off or
 * without person_px (the premise). Above row 180 (no ground, person_px 0)
 * neither rule applies.
 */
TEST_IMPL(track_size_for_range) {
  static float person[512];
  for (int y = 0; y < 512; y++) person[y] = y > 180 ? 0.2f * (y - 180) : 0;
  wl_track_params_t p;
  image_params(&p);
  ASSERT_GT(range_run(&p, 450, 2, 2), 0); /* no person_px: no rule */
  p.person_px = person;
  ASSERT_EQ(range_run(&p, 450, 2, 2), -1);
  ASSERT_GT(range_run(&p, 250, 2, 2), 0);
  ASSERT_EQ(range_run(&p, 182, 14, 3), -1);
  ASSERT_GT(range_run(&p, 300, 14, 3), 0);
  ASSERT_GT(range_run(&p, 100, 14, 3), 0);
  p.min_target_frac = 0.0;
  ASSERT_GT(range_run(&p, 450, 2, 2), 0);
  ASSERT_EQ(range_run(&p, 182, 14, 3), -1);
  p.max_target_len = 0.0;
  ASSERT_GT(range_run(&p, 182, 14, 3), 0);
  p.max_target_len = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

static int far_run(const wl_track_params_t *p, double vx, double y, double w,
                   double h) {
  line_script_t c = {200, vx, y, w, h};
  return first_confirmed(p, 90, line_det, &c);
}

/*
 * Near the horizon motion needs a second (far_person_px,
 * far_confirm_hits). With a person 0.2 px tall per row below row 180
 * (the ground's last rows), a 2x2 blob going right at 1 px per frame on
 * row 183 (a person there about 0.8 px) confirms only with its 30th hit,
 * on row 250 (14 px) within a few frames; so does the one on row 183 with
 * the rule off or without person_px. On the horizon line itself (the box's
 * bottom a row above the last ground row, person_px 0 there) it waits as
 * well; high in the sky (row 100) it does not.
 */
TEST_IMPL(track_far_needs_hits) {
  static float person[512];
  for (int y = 0; y < 512; y++) person[y] = y > 180 ? 0.2f * (y - 180) : 0;
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(p.far_confirm_hits, 30);
  int early = far_run(&p, 1.0, 183, 2, 2); /* no person_px: no rule */
  ASSERT_GE(early, 0);
  ASSERT_LT(early, 10);
  p.person_px = person;
  ASSERT_EQ(far_run(&p, 1.0, 183, 2, 2), 29);
  ASSERT_EQ(far_run(&p, 1.0, 178.5, 2, 2), 29);
  ASSERT_EQ(far_run(&p, 1.0, 250, 2, 2), early);
  ASSERT_EQ(far_run(&p, 1.0, 100, 2, 2), early);
  p.far_person_px = 0.0;
  ASSERT_EQ(far_run(&p, 1.0, 183, 2, 2), early);
  p.far_person_px = 1.5;
  p.far_confirm_hits = -1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * Nothing that small stands still as a target (static_min_frac). With a
 * person 0.2 px tall per row below row 180: a strong 9x9 blob standing on
 * row 450 (a person there 54 px: the blob is 0.17 of one, above
 * min_target_frac) never confirms as static; with the rule off it does
 * after static_confirm_hits, as it does on row 300 (24 px: 0.38 of a
 * person). The same blob moving at 1 px per frame on row 450 confirms as
 * moving.
 */
TEST_IMPL(track_static_min_size) {
  static float person[512];
  for (int y = 0; y < 512; y++) person[y] = y > 180 ? 0.2f * (y - 180) : 0;
  wl_track_params_t p;
  image_params(&p);
  p.person_px = person;
  ASSERT_DBL_GT(9.0, p.min_target_frac * 54.0 + 1.0);
  ASSERT_DBL_LT(9.0, p.static_min_frac * 54.0);
  ASSERT_EQ(far_run(&p, 0.0, 450, 9, 9), -1);
  int standing = far_run(&p, 0.0, 300, 9, 9);
  ASSERT_EQ(standing, p.static_confirm_hits - 1);
  int walking = far_run(&p, 1.0, 450, 9, 9);
  ASSERT_GE(walking, 0);
  ASSERT_LT(walking, 10);
  p.static_min_frac = 0.0;
  ASSERT_EQ(far_run(&p, 0.0, 450, 9, 9), standing);
  p.static_min_frac = -0.1;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Output box                                                                */

/* Mean absolute errors of the confirmed track's width and height against
 * a walker whose width swings with the gait (3 to 7 px, twice per second)
 * and whose height (14 px) does not; detection edges carry independent
 * errors of +-0.3 px (left, right) and +-0.7 px (top, bottom). */
static int gait_errors(double w_gain, double h_gain, double *ew, double *eh,
                       double *bias_h) {
  wl_track_params_t p;
  image_params(&p);
  p.width_smoothing = w_gain;
  p.height_smoothing = h_gain;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) return 1;
  rng_t r = {1234};
  double sw = 0, sh = 0, bh = 0;
  int n = 0;
  for (int f = 0; f < 180; f++) {
    double w = 3.0 + 4.0 * fabs(sin(M_PI * f / FPS)), h = 14.0;
    double x = 100.0 + 0.5 * f - 0.5 * w, y = 200.0;
    double e[4] = {0.6 * (rng_uniform(&r) - 0.5), 0.6 * (rng_uniform(&r) - 0.5),
                   1.4 * (rng_uniform(&r) - 0.5), 1.4 * (rng_uniform(&r) - 0.5)};
    wl_detection_t d = det_at(0, 0, 1, 1, 20);
    d.x = x + e[0];
    d.w = w + e[1] - e[0];
    d.y = y + e[2];
    d.h = h + e[3] - e[2];
    d.cx = x + 0.5 * w;
    d.cy = y + 0.4 * h;
    if (wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err) != WL_OK) return 1;
    size_t nt;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nt);
    if (f < 30 || nt != 1) continue;
    sw += fabs(t->w - w);
    sh += fabs(t->h - h);
    bh += t->h - h;
    n++;
  }
  wl_tracker_free(tr);
  if (n < 140) return 1;
  *ew = sw / n;
  *eh = sh / n;
  *bias_h = bh / n;
  return 0;
}

/* The output box's width follows the gait and its height is steadier
 * than one average for both would make them (size_smoothing 0.6 for both
 * was the rule before width_smoothing and height_smoothing). */
TEST_IMPL(track_box_gait) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  double ew, eh, bh, ew_old, eh_old, bh_old;
  ASSERT_EQ(gait_errors(p.width_smoothing, p.height_smoothing, &ew, &eh, &bh),
            0);
  ASSERT_EQ(gait_errors(0.6, 0.6, &ew_old, &eh_old, &bh_old), 0);
  fprintf(stderr, "gait: width error %.3f px (one gain 0.6: %.3f), height "
          "%.3f (%.3f), height bias %+.3f\n", ew, ew_old, eh, eh_old, bh);
  ASSERT_DBL_LT(ew, 0.9 * ew_old);
  ASSERT_DBL_LT(eh, 0.8 * eh_old);
  ASSERT_DBL_LT(fabs(bh), 0.1);
  return 0;
}

/* A tracker for cam's image with person heights `rows` (metres to pixels
 * per foot row) and person_fill `fill`, fed by the camera's classifier, as
 * the pipeline sets it up. 0, or 1 with nothing left allocated. */
static int person_tracker(const wl_camera_t *cam, const float *rows,
                          double fill, wl_tracker_t **tr,
                          wl_classifier_t **clf) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.width = cam->width;
  p.height = cam->height;
  p.person_px = rows;
  p.person_fill = fill;
  wl_err_t err;
  *tr = NULL;
  *clf = NULL;
  if (wl_tracker_new(tr, &p, &err) != WL_OK) return 1;
  if (wl_classifier_new(clf, NULL, cam, &err) != WL_OK) {
    wl_tracker_free(*tr);
    return 1;
  }
  wl_tracker_set_classifier(*tr, *clf);
  return 0;
}

/* A 1.75 m person walking towards the camera (dir 1; its detections lack
 * the top quarter: the head learned into the background) or away from it
 * (dir -1; the bottom quarter missing), with a classifier and the
 * camera's person heights: mean absolute errors of the output box's top
 * and bottom edges, in person heights, from 2 s on. */
static int cut_walker(const wl_camera_t *cam, const float *rows, double fill,
                      int dir, double *e_top, double *e_bot, int *person) {
  wl_tracker_t *tr = NULL;
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  if (person_tracker(cam, rows, fill, &tr, &clf) != 0) return 1;
  double st = 0, sb = 0;
  int n = 0;
  *person = 0;
  for (int f = 0; f < 150; f++) {
    double north = -150.0 + dir * 1.4 * f / FPS;
    wl_class_obs_t o;
    object_box(cam, 3.0, north, 1.75, 0.5, &o);
    wl_detection_t d = det_at(0, 0, 1, 1, 30);
    d.x = o.x;
    d.w = o.w;
    d.h = 0.75 * o.h;
    d.y = dir > 0 ? o.y + 0.25 * o.h : o.y;
    d.cx = d.x + 0.5 * d.w;
    d.cy = d.y + 0.45 * d.h;
    d.peak_contrast = 10.0;
    if (wl_tracker_update(tr, f * FRAME_NS, &d, 1, &err) != WL_OK) return 1;
    size_t nt;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nt);
    if (f < 60 || nt != 1) continue;
    *person += t->cls == WL_CLASS_PERSON;
    st += fabs(t->y - o.y) / o.h;
    sb += fabs(t->y + t->h - o.y - o.h) / o.h;
    n++;
  }
  wl_tracker_free(tr);
  wl_classifier_free(clf);
  if (n < 80) return 1;
  *e_top = st / n;
  *e_bot = sb / n;
  return 0;
}

/* A person's box cut short at its trailing end is extended there to the
 * camera's person height; the leading end stays where it is. */
TEST_IMPL(track_person_cut_extended) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  float *rows = calloc((size_t)cam.height, sizeof *rows);
  ASSERT(rows != NULL);
  wl_camera_heights_px(&cam, 1.7, rows); /* as the pipeline gives it */
  wl_track_params_t p;
  wl_track_default_params(&p);
  for (int dir = -1; dir <= 1; dir += 2) {
    double et, eb, et0, eb0;
    int person, person0;
    ASSERT_EQ(cut_walker(&cam, rows, p.person_fill, dir, &et, &eb, &person),
              0);
    ASSERT_EQ(cut_walker(&cam, rows, 0.0, dir, &et0, &eb0, &person0), 0);
    fprintf(stderr, "%s: top error %.3f (off: %.3f), bottom %.3f (%.3f) "
            "person heights; %d frames called person\n",
            dir > 0 ? "approaching, head cut" : "going away, legs cut", et,
            et0, eb, eb0, person);
    ASSERT_DBL_GT(person, 60);
    double *cut = dir > 0 ? &et : &eb, *cut0 = dir > 0 ? &et0 : &eb0;
    double *kept = dir > 0 ? &eb : &et, *kept0 = dir > 0 ? &eb0 : &et0;
    ASSERT_DBL_GT(*cut0, 0.2);
    /* 0.95 x 1.7 m for a 1.75 m walker: 0.077 short by design. */
    ASSERT_DBL_LT(*cut, 0.1);
    ASSERT_DBL_LT(fabs(*kept - *kept0), 0.01);
  }
  free(rows);
  return 0;
}

/* A person height_m tall walking across the view 150 m out, seen whole
 * for 3 s; then for 2 s a second detection 0.3 of its detection's height
 * higher and other_dx px to the side (a farther person behind it, or one
 * clear of it), while its own detection is either cut by the motion
 * detector's overlap cut (cut_to_prior: its top the camera's person
 * height, 1.7 m, above its bottom) or jitters by +-jitter_px in x from
 * frame to frame. Over the last 1.5 s, for its track (id 1): frames seen
 * (n) and called a person (person), the mean absolute error of its output
 * top edge in person heights (e_top, over all n), and the RMS error of its
 * output box centre in x, px (rms_cx, over the frames called a person). */
typedef struct crossing_walker {
  double height_m, fill, jitter_px, other_dx;
  int cut_to_prior;
  int n, person;
  double e_top, rms_cx;
} crossing_walker_t;

static int crossing_walk(const wl_camera_t *cam, const float *rows,
                         crossing_walker_t *w) {
  wl_tracker_t *tr = NULL;
  wl_classifier_t *clf = NULL;
  wl_err_t err;
  if (person_tracker(cam, rows, w->fill, &tr, &clf) != 0) return 1;
  double st = 0, se = 0;
  w->n = w->person = 0;
  for (int f = 0; f < 150; f++) {
    wl_class_obs_t o;
    object_box(cam, -6.0 + 1.4 * f / FPS, -150.0, w->height_m, 0.5, &o);
    wl_detection_t d[2];
    d[0] = det_at(o.x + 0.5 * o.w, o.y + 0.5 * o.h, o.w, o.h, 30);
    d[0].peak_contrast = 10.0;
    int nd = 1;
    if (f >= 90) {
      if (w->cut_to_prior) {
        double bot = o.y + o.h, hp = rows[(int)floor(bot - 0.5)];
        d[0].y = bot - hp;
        d[0].h = hp;
        d[0].cy = d[0].y + 0.5 * hp;
      } else {
        double j = (f % 2 ? w->jitter_px : -w->jitter_px);
        d[0].x += j;
        d[0].cx += j;
      }
      d[1] = d[0];
      d[1].x += w->other_dx;
      d[1].cx += w->other_dx;
      d[1].y -= 0.3 * d[0].h;
      d[1].cy -= 0.3 * d[0].h;
      nd = 2;
    }
    if (wl_tracker_update(tr, f * FRAME_NS, d, (size_t)nd, &err) != WL_OK)
      return 1;
    size_t nt;
    const wl_track_t *t = wl_tracker_confirmed(tr, &nt);
    if (f < 105) continue;
    for (size_t i = 0; i < nt; i++) {
      if (t[i].id != 1) continue;
      st += fabs(t[i].y - o.y) / o.h;
      w->n++;
      if (t[i].cls != WL_CLASS_PERSON) continue;
      double e = t[i].x + 0.5 * t[i].w - (o.x + 0.5 * o.w);
      se += e * e;
      w->person++;
    }
  }
  wl_tracker_free(tr);
  wl_classifier_free(clf);
  w->e_top = w->n ? st / w->n : NAN;
  w->rms_cx = w->person ? sqrt(se / w->person) : NAN;
  return 0;
}

/* The overlap cut of crossing_walk() on a 1.85 m walker with person_fill
 * fill: *e_top and *person as there; 1 with fewer than 40 frames. */
static int stature_walker(const wl_camera_t *cam, const float *rows,
                          double fill, double *e_top, int *person) {
  crossing_walker_t w = {.height_m = 1.85, .fill = fill, .other_dx = 1.0,
                         .cut_to_prior = 1};
  if (crossing_walk(cam, rows, &w) != 0 || w.n < 40) return 1;
  *e_top = w.e_top;
  *person = w.person;
  return 0;
}

/* A person's hidden end in an overlap cut comes from its own stature,
 * learned while it was seen whole: the walker's top edge is within 0.03
 * person heights of the truth (0.000 with these exact detections), where
 * the camera's 1.7 m person leaves it 0.083 (1.85 m) short with the
 * completion off (person_fill 0, the premise). */
TEST_IMPL(track_person_stature) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  float *rows = calloc((size_t)cam.height, sizeof *rows);
  ASSERT(rows != NULL);
  wl_camera_heights_px(&cam, 1.7, rows);
  wl_track_params_t p;
  wl_track_default_params(&p);
  double et, et0;
  int person, person0;
  ASSERT_EQ(stature_walker(&cam, rows, p.person_fill, &et, &person), 0);
  ASSERT_EQ(stature_walker(&cam, rows, 0.0, &et0, &person0), 0);
  fprintf(stderr, "stature: top error %.3f (off: %.3f) person heights; %d "
          "frames called person\n", et, et0, person);
  ASSERT_GT(person, 30);
  ASSERT_DBL_GT(et0, 0.06);
  ASSERT_DBL_LT(et, 0.03);
  free(rows);
  return 0;
}

/* crossing_walk() on a 1.75 m walker whose detection jitters +-0.8 px,
 * with the second detection overlapping it (overlap set: a split piece,
 * 1 px to the side) or 100 px away: the output centre's RMS error in x
 * into *rms; 1 with fewer than 40 frames called a person. */
static int piece_walker(const wl_camera_t *cam, const float *rows,
                        int overlap, double *rms) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  crossing_walker_t w = {.height_m = 1.75, .fill = p.person_fill,
                         .jitter_px = 0.8,
                         .other_dx = overlap ? 1.0 : 100.0};
  if (crossing_walk(cam, rows, &w) != 0 || w.person < 40) return 1;
  *rms = w.rms_cx;
  return 0;
}

/* A confirmed person's detection that overlaps another one (a split
 * piece) moves its filtered position less: with the same centroid jitter,
 * the output centre's error is below 0.8 x that of the walker whose
 * detection is clear of the other. */
TEST_IMPL(track_piece_centroid_damped) {
  wl_camera_t cam;
  ASSERT_OK(test_camera(&cam), &(wl_err_t){0});
  float *rows = calloc((size_t)cam.height, sizeof *rows);
  ASSERT(rows != NULL);
  wl_camera_heights_px(&cam, 1.7, rows);
  double e_piece, e_clear;
  ASSERT_EQ(piece_walker(&cam, rows, 1, &e_piece), 0);
  ASSERT_EQ(piece_walker(&cam, rows, 0, &e_clear), 0);
  fprintf(stderr, "piece: centre x RMS error %.3f px (clear: %.3f)\n",
          e_piece, e_clear);
  ASSERT_DBL_GT(e_clear, 0.15);
  ASSERT_DBL_LT(e_piece, 0.8 * e_clear);
  free(rows);
  return 0;
}

/* A strong w x h detection of polarity pol standing still at (300, 300)
 * for 150 frames: the first frame with a confirmed track, -1 if none, -2
 * on an error. */
typedef struct squat_script {
  double w, h;
  int pol;
} squat_script_t;

static wl_detection_t squat_det(void *ctx, int f) {
  const squat_script_t *c = ctx;
  (void)f;
  wl_detection_t d = det_at(300.0, 300.0, c->w, c->h, 20.0);
  d.polarity = c->pol;
  d.peak_contrast = c->pol * fabs(d.peak_contrast);
  return d;
}

static int cold_squat_run(const wl_track_params_t *p, double w, double h,
                          int pol) {
  squat_script_t c = {w, h, pol};
  return first_confirmed(p, 150, squat_det, &c);
}

/*
 * A cold static track that lies flat does not confirm as static
 * (cold_static_aspect): a cold 6x3 blob standing still for 5 s (a ghost's
 * footprint) is never confirmed; with the rule off it is, as static (the
 * premise). An upright cold 2x6 blob (a cold person), a warm 6x3 one and a
 * cold 2x2 one (too small for its shape to tell) are confirmed.
 */
TEST_IMPL(track_cold_squat_not_static) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_DBL_GT(p.cold_static_aspect, 1.0);
  ASSERT_EQ(cold_squat_run(&p, 6.0, 3.0, -1), -1);
  ASSERT_GT(cold_squat_run(&p, 2.0, 6.0, -1), 0);
  ASSERT_GT(cold_squat_run(&p, 6.0, 3.0, 1), 0);
  ASSERT_GT(cold_squat_run(&p, 2.0, 2.0, -1), 0);
  p.cold_static_aspect = 0.0;
  ASSERT_GT(cold_squat_run(&p, 6.0, 3.0, -1), 0);
  p.cold_static_aspect = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/* A w x h detection of polarity pol and the given snr at (300, 300)
 * that stands still until frame go and then goes right at 1 px per
 * frame. */
typedef struct late_script {
  double w, h, snr;
  int pol, go;
} late_script_t;

static wl_detection_t late_det(void *ctx, int f) {
  const late_script_t *c = ctx;
  double x = 300.0 + (f > c->go ? f - c->go : 0);
  wl_detection_t d = det_at(x, 300.0, c->w, c->h, c->snr);
  d.polarity = c->pol;
  d.peak_contrast = c->pol * fabs(d.peak_contrast);
  return d;
}

/* late_det() from frame `born` on, for 250 frames, with an FFC step
 * before frame step (none when step < 0): first_confirmed_in(). */
static int cold_late_run(const wl_track_params_t *p, late_script_t *c,
                         int born, int step) {
  confirm_run_t run = {250, 0, born, step};
  return first_confirmed_in(p, &run, late_det, c);
}

/*
 * A cold track confirms within cold_confirm_max_s (3 s) of its birth or
 * never (the background model's ghosts and trails): a dim cold 2x6 blob
 * (too weak for the static path) that stands for 4 s and then moves is
 * never confirmed; with the rule off it is, as moving, and so are a warm
 * one and a cold one that moves after 1 s (the premise). The static path
 * counts from the last FFC step: a strong cold upright 2x6 blob born at
 * frame 50 with a step at frame 100 (60 hits needed after it) confirms at
 * 3.6 s of age, 2 s after the step.
 */
TEST_IMPL(track_cold_late_not_confirmed) {
  wl_track_params_t p;
  image_params(&p);
  ASSERT_NEAR(p.cold_confirm_max_s, 3.0, 1e-12);
  late_script_t c = {2.0, 6.0, 6.0, -1, 120};
  ASSERT_EQ(cold_late_run(&p, &c, 0, -1), -1);
  c.pol = 1;
  int warm = cold_late_run(&p, &c, 0, -1);
  ASSERT_GT(warm, 120);
  ASSERT_LT(warm, 140);
  c.pol = -1;
  c.go = 30;
  int early = cold_late_run(&p, &c, 0, -1);
  ASSERT_GT(early, 30);
  ASSERT_LT(early, 50);
  late_script_t still = {2.0, 6.0, 20.0, -1, 1000};
  int statik = cold_late_run(&p, &still, 50, 100);
  ASSERT_GE(statik, 150);
  ASSERT_LT(statik, 50 + (int)(p.cold_confirm_max_s * FPS) + 60);
  p.cold_confirm_max_s = 0.0;
  c.go = 120;
  ASSERT_EQ(cold_late_run(&p, &c, 0, -1), warm);
  p.cold_confirm_max_s = -1.0;
  ASSERT(tracker_refuses(&p));
  return 0;
}

/*
 * A track cut by the top image edge in the sky does not confirm
 * (border_confirm): with sky above row 180 (person_px 0), a strong 2x2
 * blob going right at 1 px per frame in the top two rows (a bird skimming
 * the edge) is never confirmed; the same blob at row 9, or at the top
 * with the rule off, without person_px, or where the top row sees ground,
 * is.
 */
TEST_IMPL(track_sky_edge_not_confirmed) {
  static float sky[512], ground[512];
  for (int y = 0; y < 512; y++) {
    sky[y] = y > 180 ? 0.2f * (y - 180) : 0;
    ground[y] = 0.5f + 0.1f * y;
  }
  wl_track_params_t p;
  image_params(&p);
  ASSERT_EQ(p.border_confirm, 1);
  ASSERT_GT(range_run(&p, 1.0, 2, 2), 0); /* no person_px: no rule */
  p.person_px = sky;
  ASSERT_EQ(range_run(&p, 1.0, 2, 2), -1);
  ASSERT_GT(range_run(&p, 10.0, 2, 2), 0);
  p.person_px = ground;
  ASSERT_GT(range_run(&p, 1.0, 2, 2), 0);
  p.person_px = sky;
  p.border_confirm = 0;
  ASSERT_GT(range_run(&p, 1.0, 2, 2), 0);
  p.border_confirm = 2;
  ASSERT(tracker_refuses(&p));
  return 0;
}
