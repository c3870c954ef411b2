/*
 * accuracy_run.c - the scoring half of the accuracy harness (accuracy.h):
 * one simulator run or one Halmstad clip through wl_pipeline, scored
 * against its ground truth. Shared by wl-accuracy and tests/test-accuracy.c.
 *
 * Design. A run streams frames through the pipeline exactly as `watchline
 * analyze` does, keeps every confirmed track box as a MOT row (and, for the
 * simulator, every truth box as a GT row) in memory, and scores them with
 * the library's evaluators (wl_eval_mot, wl_eval_boxes). The figures the
 * library has no call for (long-range recall, false tracks, class accuracy,
 * fragmentation) are computed here, per frame, with one optimal assignment
 * (wl_assign_solve) wherever a match must be one-to-one.
 *
 * Invariants: boxes are compared in one convention (continuous pixels,
 * top-left origin 0,0 for sim truth and tracks; the 1-based MOT convention
 * for Halmstad labels, to which track boxes are shifted by +1 as `analyze`
 * writes them); buffers grow and are reused; every path frees what it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "accuracy.h"
#include "watchline/assign.h"
#include "watchline/source.h"

extern char **environ;

/* ---- small helpers ------------------------------------------------------ */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Make *p hold at least `need` elements of `size` bytes (new ones zeroed). */
static int grow(void *p, size_t *cap, size_t need, size_t size,
                wl_err_t *err) {
  if (need <= *cap) return WL_OK;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *q = realloc(*(void **)p, n * size);
  if (!q)
    return wl_fail(err, WL_ENOMEM, "accuracy: out of memory for %zu items",
                   n);
  memset((char *)q + *cap * size, 0, (n - *cap) * size);
  *(void **)p = q;
  *cap = n;
  return WL_OK;
}

typedef struct box {
  double x, y, w, h;
} box_t;

static double box_iou(box_t a, box_t b) {
  double iw = fmin(a.x + a.w, b.x + b.w) - fmax(a.x, b.x);
  double ih = fmin(a.y + a.h, b.y + b.h) - fmax(a.y, b.y);
  if (iw <= 0.0 || ih <= 0.0) return 0.0;
  double inter = iw * ih;
  double uni = a.w * a.h + b.w * b.h - inter;
  return uni > 0.0 ? inter / uni : 0.0;
}

static double centre_dist(box_t a, box_t b) {
  return hypot(a.x + 0.5 * a.w - (b.x + 0.5 * b.w),
               a.y + 0.5 * a.h - (b.y + 0.5 * b.h));
}

/* The harness's "track is on truth" rule (accuracy.h). */
static int track_on_truth(box_t track, box_t truth) {
  return box_iou(track, truth) >= ACC_MATCH_IOU ||
         centre_dist(track, truth) <= ACC_MATCH_CENTRE_PX;
}

/* Scratch for per-frame assignments, grown to the largest frame. */
typedef struct assign_buf {
  double *cost;
  size_t cost_cap;
  int *row_to_col;
  size_t row_cap;
  int *col_to_row;
  size_t col_cap;
  void *work;
  size_t work_cap;
} assign_buf_t;

static int assign_reserve(assign_buf_t *a, int rows, int cols,
                          wl_err_t *err) {
  size_t ws = wl_assign_workspace_size(rows, cols);
  if (ws == 0 && (rows > 0 && cols > 0))
    return wl_fail(err, WL_ETOOBIG, "accuracy: %d x %d assignment too big",
                   rows, cols);
  int rc;
  if ((rc = grow(&a->cost, &a->cost_cap, (size_t)rows * (size_t)cols + 1,
                 sizeof *a->cost, err)) ||
      (rc = grow(&a->row_to_col, &a->row_cap, (size_t)rows + 1,
                 sizeof *a->row_to_col, err)) ||
      (rc = grow(&a->col_to_row, &a->col_cap, (size_t)cols + 1,
                 sizeof *a->col_to_row, err)))
    return rc;
  if (ws > a->work_cap) {
    free(a->work);
    a->work = malloc(ws);
    a->work_cap = a->work ? ws : 0;
    if (!a->work)
      return wl_fail(err, WL_ENOMEM, "accuracy: out of memory (%zu bytes)",
                     ws);
  }
  return WL_OK;
}

static void assign_free(assign_buf_t *a) {
  free(a->cost);
  free(a->row_to_col);
  free(a->col_to_row);
  free(a->work);
}

/* Solve the assignment in a->cost (rows x cols, forbidden = +inf). */
static int assign_solve(assign_buf_t *a, int rows, int cols, wl_err_t *err) {
  if (rows == 0 || cols == 0) {
    for (int i = 0; i < rows; i++) a->row_to_col[i] = -1;
    for (int j = 0; j < cols; j++) a->col_to_row[j] = -1;
    return 0;
  }
  return wl_assign_solve(a->cost, rows, cols, (size_t)cols,
                         WL_ASSIGN_FORBIDDEN, a->work, a->work_cap,
                         a->row_to_col, a->col_to_row, NULL, err);
}

/* ---- simulator ---------------------------------------------------------- */

void acc_sim_default_opts(acc_sim_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->scenario = "border-night";
  o->seed = 101;
  o->frames = 0;
  o->use_camera = 1;
  o->params = NULL;
  o->report = NULL;
}

/* Everything a simulator run accumulates. */
typedef struct sim_run {
  wl_mot_row_t *gt, *pred;
  size_t n_gt, gt_cap, n_pred, pred_cap;
  size_t *track_slot; /* track id -> index + 1 in tracks; 0: none yet */
  size_t slot_cap;
  acc_track_stat_t *tracks;
  size_t n_tracks, tracks_cap;
  acc_target_stat_t *targets; /* truth id - 1 */
  size_t targets_cap;
  int max_truth_id;
  wl_sim_truth_t *truth;      /* the scored frame's truth in view (in
                                 truth_ring) */
  size_t n_truth;
  wl_sim_truth_t *truth_ring; /* lag + 1 frames of truth, truth_cap each:
                                 the output lags the frames (report.h) */
  size_t *ring_n;             /* truth in view per ring frame */
  int *ring_ffc;              /* ring frame frozen by an FFC */
  size_t truth_cap;
  int ring_len;               /* lag + 1 */
  const wl_camera_t *cam;
  double last_ffc_s;          /* time of the last frame frozen by an FFC */
  int in_ffc;                 /* this frame is frozen */
  wl_track_t *oracle;         /* oracle mode: the truth as tracks */
  int64_t *oracle_birth;      /* truth id - 1 -> first time seen, ns */
  assign_buf_t assign;
} sim_run_t;

static void sim_run_free(sim_run_t *s) {
  free(s->gt);
  free(s->pred);
  free(s->track_slot);
  free(s->tracks);
  free(s->targets);
  free(s->truth_ring);
  free(s->ring_n);
  free(s->ring_ffc);
  free(s->oracle);
  free(s->oracle_birth);
  assign_free(&s->assign);
}

static int push_row(wl_mot_row_t **rows, size_t *n, size_t *cap, int frame,
                    uint64_t id, box_t b, int cls, double vis,
                    wl_err_t *err) {
  if (*n >= (size_t)WL_MOT_MAX_ROWS)
    return wl_fail(err, WL_ETOOBIG, "accuracy: more than %ld boxes in a run",
                   WL_MOT_MAX_ROWS);
  if (id > (uint64_t)WL_MOT_MAX_ID)
    return wl_fail(err, WL_EINVAL, "accuracy: id %llu in frame %d is not a "
                   "MOT id (0..%ld)", (unsigned long long)id, frame,
                   WL_MOT_MAX_ID);
  int rc = grow(rows, cap, *n + 1, sizeof **rows, err);
  if (rc) return rc;
  wl_mot_row_t *r = &(*rows)[*n];
  r->frame = frame;
  r->id = (int)id; /* at most WL_MOT_MAX_ID: fits */
  r->x = b.x + 1.0; /* MOT Challenge convention, as the files have it */
  r->y = b.y + 1.0;
  r->w = b.w;
  r->h = b.h;
  r->conf = 1.0;
  r->cls = cls;
  r->visibility = vis;
  r->line = (long)++*n;
  return WL_OK;
}

static box_t truth_box(const wl_sim_truth_t *t) {
  box_t b = {t->x, t->y, t->w, t->h};
  return b;
}

static box_t track_box(const wl_track_t *t) {
  box_t b = {t->x, t->y, t->w, t->h};
  return b;
}

/* Add a frame the reporter gave back: its tracks as 1-based MOT rows. */
static int push_reported(wl_mot_row_t **rows, size_t *n, size_t *cap,
                         const wl_report_frame_t *e, wl_err_t *err) {
  int rc;
  for (size_t k = 0; k < e->n; k++)
    if ((rc = push_row(rows, n, cap, (int)e->frame, e->tracks[k].id,
                       track_box(&e->tracks[k]), -1, 1.0, err)))
      return rc;
  return WL_OK;
}

static int target_stat(sim_run_t *s, const wl_sim_truth_t *t,
                       acc_target_stat_t **out, wl_err_t *err) {
  if (t->id < 1 || t->id > 1000000)
    return wl_fail(err, WL_EINVAL, "accuracy: truth id %d out of range",
                   t->id);
  int rc = grow(&s->targets, &s->targets_cap, (size_t)t->id,
                sizeof *s->targets, err);
  if (rc) return rc;
  acc_target_stat_t *ts = &s->targets[t->id - 1];
  ts->id = t->id;
  ts->cls = t->cls;
  ts->kind = t->kind;
  if (t->id > s->max_truth_id) s->max_truth_id = t->id;
  *out = ts;
  return WL_OK;
}

static int track_stat(sim_run_t *s, const wl_track_t *t,
                      acc_track_stat_t **out, wl_err_t *err) {
  if (t->id == 0 || t->id > (uint64_t)WL_MOT_MAX_ID)
    return wl_fail(err, WL_EINVAL, "accuracy: track id %llu out of range",
                   (unsigned long long)t->id);
  int rc = grow(&s->track_slot, &s->slot_cap, (size_t)t->id + 1,
                sizeof *s->track_slot, err);
  if (rc) return rc;
  if (s->track_slot[t->id] == 0) {
    if ((rc = grow(&s->tracks, &s->tracks_cap, s->n_tracks + 1,
                   sizeof *s->tracks, err)))
      return rc;
    acc_track_stat_t *ts = &s->tracks[s->n_tracks++];
    memset(ts, 0, sizeof *ts);
    ts->id = t->id;
    ts->t_birth_ns = t->t_birth_ns;
    s->track_slot[t->id] = s->n_tracks;
  }
  *out = &s->tracks[s->track_slot[t->id] - 1];
  return WL_OK;
}

/* The truth box a track is on (highest IoU, then nearest centre), or -1. */
static int best_truth(const sim_run_t *s, box_t tb) {
  int best = -1;
  double best_iou = -1.0, best_d = INFINITY;
  for (size_t i = 0; i < s->n_truth; i++) {
    box_t gb = truth_box(&s->truth[i]);
    if (!track_on_truth(tb, gb)) continue;
    double iou = box_iou(tb, gb), d = centre_dist(tb, gb);
    if (iou > best_iou || (iou == best_iou && d < best_d)) {
      best = (int)i;
      best_iou = iou;
      best_d = d;
    }
  }
  return best;
}

/* Oracle mode: this frame's truth as confirmed tracks, in id order (the
 * simulator gives truth in id order). */
static const wl_track_t *oracle_tracks(sim_run_t *s, int64_t t_ns,
                                       size_t max_id, size_t *n) {
  for (size_t i = 0; i < s->n_truth; i++) {
    const wl_sim_truth_t *g = &s->truth[i];
    wl_track_t *t = &s->oracle[i];
    size_t k = (size_t)g->id - 1;
    if (k < max_id && s->oracle_birth[k] < 0) s->oracle_birth[k] = t_ns;
    memset(t, 0, sizeof *t);
    t->id = (uint64_t)g->id;
    t->state = WL_TRACK_CONFIRMED;
    t->x = g->x;
    t->y = g->y;
    t->w = g->w;
    t->h = g->h;
    t->cx = g->x + 0.5 * g->w;
    t->cy = g->y + 0.5 * g->h;
    t->t_birth_ns = k < max_id ? s->oracle_birth[k] : t_ns;
    t->cls = (wl_class_t)g->cls;
    t->cls_conf = 1.0;
  }
  *n = s->n_truth;
  return s->oracle;
}

static const char *const FALSE_CAUSE_NAMES[ACC_FALSE_CAUSES] = {
    "ffc", "warm-up", "horizon", "other"};
static const char *const MISS_CAUSE_NAMES[ACC_MISS_CAUSES] = {
    "ffc", "warm-up", "static", "occluded", "dim", "tiny", "other"};

const char *acc_false_cause_name(acc_false_cause_t c) {
  return (unsigned)c < ACC_FALSE_CAUSES ? FALSE_CAUSE_NAMES[c] : "?";
}

const char *acc_miss_cause_name(acc_miss_cause_t c) {
  return (unsigned)c < ACC_MISS_CAUSES ? MISS_CAUSE_NAMES[c] : "?";
}

static acc_miss_cause_t miss_cause(const sim_run_t *s,
                                   const wl_sim_truth_t *t, double t_s,
                                   double netd_k) {
  if (s->in_ffc) return ACC_MISS_FFC;
  if (t_s < ACC_WARMUP_S - 1e-9) return ACC_MISS_WARMUP;
  if (t->speed_mps <= 0.0) return ACC_MISS_STATIC;
  if (t->visibility < 0.5) return ACC_MISS_OCCLUDED;
  if (fabs(t->contrast_k) < ACC_RECALL_NETD * netd_k) return ACC_MISS_DIM;
  if (t->w * t->h < 4.0) return ACC_MISS_TINY;
  return ACC_MISS_OTHER;
}

/* Is (x, y) inside box b (edges included)? */
static int point_in(box_t b, double x, double y) {
  return x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
}

/* Truth centres inside a track's box. */
static int centres_inside(const sim_run_t *s, box_t tb) {
  int k = 0;
  for (size_t i = 0; i < s->n_truth; i++) {
    double cx = s->truth[i].x + 0.5 * s->truth[i].w;
    double cy = s->truth[i].y + 0.5 * s->truth[i].h;
    k += point_in(tb, cx, cy);
  }
  return k;
}

/* Whether a truth box's centre lies inside some output track's box. */
static int centre_in_some_track(const wl_sim_truth_t *t,
                                const wl_track_t *tracks, size_t n_tracks) {
  double cx = t->x + 0.5 * t->w, cy = t->y + 0.5 * t->h;
  for (size_t j = 0; j < n_tracks; j++)
    if (point_in(track_box(&tracks[j]), cx, cy)) return 1;
  return 0;
}

/* Score one frame: per-target recall (one-to-one) and per-track truth. */
static int sim_score_frame(sim_run_t *s, acc_sim_result_t *r, long frame_no,
                           int64_t t_ns, const wl_track_t *tracks,
                           size_t n_tracks, wl_err_t *err) {
  int rows = (int)s->n_truth, cols = (int)n_tracks;
  int rc = assign_reserve(&s->assign, rows, cols, err);
  if (rc) return rc;
  for (int i = 0; i < rows; i++) {
    box_t gb = truth_box(&s->truth[i]);
    for (int j = 0; j < cols; j++) {
      box_t tb = track_box(&tracks[j]);
      s->assign.cost[(size_t)i * (size_t)cols + (size_t)j] =
          track_on_truth(tb, gb) ? centre_dist(tb, gb) : WL_ASSIGN_FORBIDDEN;
    }
  }
  if ((rc = assign_solve(&s->assign, rows, cols, err)) < 0) return rc;

  double netd_floor = ACC_RECALL_NETD * r->netd_k;
  for (int i = 0; i < rows; i++) {
    const wl_sim_truth_t *t = &s->truth[i];
    acc_target_stat_t *ts = NULL;
    if ((rc = target_stat(s, t, &ts, err))) return rc;
    int found = s->assign.row_to_col[i] >= 0;
    double area = t->w * t->h;
    int eligible = fabs(t->contrast_k) >= netd_floor &&
                   area >= ACC_RECALL_MIN_AREA;
    ts->frames++;
    ts->matched += found;
    ts->eligible += eligible;
    ts->eligible_matched += eligible && found;
    ts->sum_range_m += t->range_m;
    ts->sum_contrast_k += t->contrast_k;
    ts->sum_area_px += area;
    r->truth_boxes++;
    r->truth_matched += found;
    if (!found) {
      r->misses_by_cause[miss_cause(s, t, (double)t_ns * 1e-9, r->netd_k)]++;
      r->misses_inside += centre_in_some_track(t, tracks, n_tracks);
    }
    r->eligible += eligible;
    r->eligible_matched += eligible && found;
    if ((double)t_ns * 1e-9 >= ACC_WARMUP_S - 1e-9) {
      r->eligible_warm += eligible;
      r->eligible_warm_matched += eligible && found;
    }
  }

  for (size_t j = 0; j < n_tracks; j++) {
    const wl_track_t *t = &tracks[j];
    acc_track_stat_t *ts = NULL;
    if ((rc = track_stat(s, t, &ts, err))) return rc;
    box_t tb = track_box(t);
    int k = best_truth(s, tb);
    if (ts->frames == 0) {
      ts->first_frame = frame_no;
      ts->near_ffc = s->last_ffc_s >= (double)t->t_birth_ns * 1e-9 - 1.0;
    }
    if (centres_inside(s, tb) >= 2) {
      ts->multi++;
      r->multi_frames++;
    }
    ts->last_frame = frame_no;
    ts->frames++;
    ts->t_last_ns = t_ns;
    ts->cls = t->cls;
    ts->cls_conf = t->cls_conf;
    ts->sum_cx += tb.x + 0.5 * tb.w;
    ts->sum_cy += tb.y + 0.5 * tb.h;
    ts->sum_w += tb.w;
    ts->sum_h += tb.h;
    if (k >= 0) {
      ts->on_truth++;
      int c = (int)s->truth[k].cls;
      if (c > 0 && c < WL_CLASS_COUNT) ts->votes[c]++;
    }
  }
  return WL_OK;
}

/* Decide false tracks and class accuracy once every frame is in. */
static void sim_finish_tracks(sim_run_t *s, acc_sim_result_t *r) {
  for (size_t i = 0; i < s->n_tracks; i++) {
    acc_track_stat_t *t = &s->tracks[i];
    r->tracks++;
    t->is_false = (double)t->on_truth < ACC_FALSE_MATCH_FRAC * (double)t->frames;
    r->false_tracks += t->is_false;
    if (t->is_false) {
      double n = (double)t->frames;
      double cx = t->sum_cx / n, cy = t->sum_cy / n;
      double hz = s->cam ? wl_camera_horizon_row(s->cam, cx) : NAN;
      if (t->near_ffc)
        t->cause = ACC_FALSE_FFC;
      else if ((double)t->t_birth_ns * 1e-9 < ACC_WARMUP_S - 1e-9)
        t->cause = ACC_FALSE_WARMUP;
      else if (isfinite(hz) && fabs(cy - hz) <= ACC_HORIZON_PX)
        t->cause = ACC_FALSE_HORIZON;
      else
        t->cause = ACC_FALSE_OTHER;
      r->false_by_cause[t->cause]++;
    }
    int major = 0;
    for (int c = 1; c < WL_CLASS_COUNT; c++)
      if (t->votes[c] > t->votes[major]) major = c;
    t->truth_cls = t->votes[major] > 0 ? (wl_class_t)major : WL_CLASS_UNKNOWN;
    double life_s = (double)(t->t_last_ns - t->t_birth_ns) * 1e-9;
    t->class_scored = !t->is_false && t->truth_cls != WL_CLASS_UNKNOWN &&
                      life_s >= ACC_CLASS_MIN_S - 1e-9;
    if (!t->class_scored) continue;
    int got = (int)t->cls;
    if (got < 0 || got >= WL_CLASS_COUNT) got = 0;
    r->class_tracks++;
    r->class_correct += got == (int)t->truth_cls;
    r->class_unknown += got == WL_CLASS_UNKNOWN;
    r->confusion[t->truth_cls][got]++;
  }
}

/* Point the run at ring frame f's truth. */
static void use_ring_frame(sim_run_t *s, long f) {
  size_t slot = (size_t)(f % s->ring_len);
  s->truth = s->truth_ring + slot * s->truth_cap;
  s->n_truth = s->ring_n[slot];
  s->in_ffc = s->ring_ffc[slot];
}

/* Score a frame the reporter gave back, with its own truth. */
static int sim_score_emitted(sim_run_t *s, acc_sim_result_t *r,
                             const wl_report_frame_t *e, wl_err_t *err) {
  int f = (int)e->frame;
  use_ring_frame(s, f);
  if (s->in_ffc) s->last_ffc_s = (double)e->t_ns * 1e-9;
  int rc = push_reported(&s->pred, &s->n_pred, &s->pred_cap, e, err);
  if (rc) return rc;
  return sim_score_frame(s, r, f, e->t_ns, e->tracks, e->n, err);
}

/* Move the diagnostic lists from the run into the result. */
static int sim_take_lists(sim_run_t *s, acc_sim_result_t *r, wl_err_t *err) {
  size_t n = 0;
  for (int i = 0; i < s->max_truth_id; i++) n += s->targets[i].id != 0;
  if (n) {
    r->targets = calloc(n, sizeof *r->targets);
    if (!r->targets) return wl_fail(err, WL_ENOMEM, "accuracy: out of memory");
    for (int i = 0; i < s->max_truth_id; i++)
      if (s->targets[i].id != 0) r->targets[r->n_targets++] = s->targets[i];
  }
  r->track_list = s->tracks;
  r->n_tracks = s->n_tracks;
  s->tracks = NULL;
  s->n_tracks = s->tracks_cap = 0;
  return WL_OK;
}

int acc_sim_run(const acc_sim_opts_t *o, acc_sim_result_t *r, wl_err_t *err) {
  memset(r, 0, sizeof *r);
  double t0 = now_s();
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  wl_pipeline_t *pl = NULL;
  wl_reporter_t *rep = NULL;
  wl_frame_t frame;
  wl_frame_init(&frame);
  sim_run_t s;
  memset(&s, 0, sizeof s);
  int rc;

  if ((rc = wl_scenario_load(&sc, o->scenario, err)) != WL_OK) goto done;
  const wl_camera_t *cam = wl_scenario_camera(sc);
  snprintf(r->scenario, sizeof r->scenario, "%s", wl_scenario_name(sc));
  r->seed = o->seed;
  r->fps = cam->fps;
  r->netd_k = wl_scenario_netd_mk(sc) / 1000.0;
  r->frames = o->frames > 0
                  ? o->frames
                  : (long)llround(wl_scenario_duration_s(sc) * cam->fps);
  if ((rc = wl_sim_new(&sim, sc, o->seed, err)) != WL_OK) goto done;
  if ((rc = wl_pipeline_new(&pl, o->use_camera ? cam : NULL, NULL, o->params,
                            err)) != WL_OK)
    goto done;
  s.cam = cam;
  s.last_ffc_s = -INFINITY;
  size_t max_truth = wl_sim_target_count(sim);
  if ((rc = wl_reporter_new(&rep, o->report, err)) != WL_OK) goto done;
  s.ring_len = wl_reporter_lag(rep) + 1;
  s.truth_cap = max_truth + 1;
  s.truth_ring = calloc(s.truth_cap * (size_t)s.ring_len,
                        sizeof *s.truth_ring);
  s.ring_n = calloc((size_t)s.ring_len, sizeof *s.ring_n);
  s.ring_ffc = calloc((size_t)s.ring_len, sizeof *s.ring_ffc);
  s.oracle = calloc(max_truth + 1, sizeof *s.oracle);
  s.oracle_birth = malloc((max_truth + 1) * sizeof *s.oracle_birth);
  if (!s.truth_ring || !s.ring_n || !s.ring_ffc || !s.oracle ||
      !s.oracle_birth) {
    rc = wl_fail(err, WL_ENOMEM, "accuracy: out of memory");
    goto done;
  }
  for (size_t i = 0; i <= max_truth; i++) s.oracle_birth[i] = -1;

  for (long f = 1; f <= r->frames; f++) {
    size_t slot = (size_t)(f % s.ring_len), n_all;
    wl_sim_truth_t *truth = s.truth_ring + slot * s.truth_cap;
    if ((rc = wl_sim_next(sim, &frame, truth, max_truth, &n_all, err)))
      goto done;
    s.ring_ffc[slot] = wl_sim_in_ffc(sim);
    /* As gt.txt: a box clipped to a sliver (< 0.01 px) shows nothing. */
    size_t n_truth = 0;
    for (size_t i = 0; i < n_all; i++)
      if (truth[i].w >= 0.01 && truth[i].h >= 0.01)
        truth[n_truth++] = truth[i];
    s.ring_n[slot] = n_truth;
    for (size_t i = 0; i < n_truth; i++)
      if ((rc = push_row(&s.gt, &s.n_gt, &s.gt_cap, (int)f,
                         (uint64_t)truth[i].id, truth_box(&truth[i]),
                         (int)truth[i].cls, truth[i].visibility, err)))
        goto done;
    int64_t t_ns = frame.t_ns;
    size_t n_tracks;
    const wl_track_t *tracks;
    if (o->oracle) {
      use_ring_frame(&s, f);
      tracks = oracle_tracks(&s, t_ns, max_truth, &n_tracks);
    } else {
      if ((rc = wl_pipeline_process(pl, &frame, err)) != WL_OK) goto done;
      tracks = wl_pipeline_tracks(pl, &n_tracks);
    }
    /* The reporter gives back an earlier frame: score it with its truth. */
    wl_report_frame_t out;
    if ((rc = wl_reporter_push(rep, f, t_ns, tracks, n_tracks, &out, err)) < 0)
      goto done;
    if (rc == 1 && (rc = sim_score_emitted(&s, r, &out, err)))
      goto done;
  }
  wl_report_frame_t out;
  while (wl_reporter_flush(rep, &out))
    if ((rc = sim_score_emitted(&s, r, &out, err))) goto done;
  r->sim_ffc = wl_sim_ffc_count(sim);
  r->pipeline_ffc = wl_pipeline_ffc_count(pl);
  r->hours = (double)r->frames / r->fps / 3600.0;

  /* Rows are in frame order: the last one has the largest frame. */
  wl_mot_file_t gt = {s.gt, s.n_gt, s.n_gt ? s.gt[s.n_gt - 1].frame : 0};
  wl_mot_file_t pred = {s.pred, s.n_pred,
                        s.n_pred ? s.pred[s.n_pred - 1].frame : 0};
  if ((rc = wl_eval_mot(&gt, &pred, NULL, &r->mot, err)) != WL_OK) goto done;
  sim_finish_tracks(&s, r);
  rc = sim_take_lists(&s, r, err);

done:
  r->seconds = now_s() - t0;
  sim_run_free(&s);
  wl_reporter_free(rep);
  wl_pipeline_free(pl);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  wl_frame_release(&frame);
  if (rc != WL_OK) acc_sim_result_free(r);
  return rc;
}

void acc_sim_result_free(acc_sim_result_t *r) {
  if (!r) return;
  free(r->targets);
  free(r->track_list);
  r->targets = NULL;
  r->track_list = NULL;
  r->n_targets = r->n_tracks = 0;
}

/* ---- Halmstad: videos.csv ---------------------------------------------- */

/* Copy field `idx` of the line s[0 .. n) (no quoting in videos.csv) into
 * out; -1 when it is missing, empty, holds a control character (NUL
 * included) or does not fit. */
static int csv_field(const char *s, size_t n, int idx, char *out,
                     size_t cap) {
  size_t i = 0;
  for (int f = 0; f < idx; f++) {
    while (i < n && s[i] != ',') i++;
    if (i == n) return -1;
    i++;
  }
  size_t j = i;
  while (j < n && s[j] != ',' && s[j] != '\r') {
    if ((unsigned char)s[j] < 0x20 || s[j] == 0x7f) return -1; /* control */
    j++;
  }
  if (j == i || j - i >= cap) return -1;
  memcpy(out, s + i, j - i);
  out[j - i] = '\0';
  return 0;
}

/* A clip name is used in paths: letters, digits, '_', '-', '.' only, and
 * not starting with '.'. */
static int safe_name(const char *s) {
  if (s[0] == '.') return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
          (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
      return 0;
  return 1;
}

int acc_clips_parse(const char *text, size_t len, const char *name,
                    acc_clip_t **out, size_t *n, wl_err_t *err) {
  *out = NULL;
  *n = 0;
  static const char header[] = "video,class,distance_bin";
  size_t cap = 0, pos = 0;
  long line_no = 0;
  acc_clip_t *clips = NULL;
  int rc = WL_OK;
  while (pos < len && rc == WL_OK) {
    const char *s = text + pos;
    const char *nl = memchr(s, '\n', len - pos);
    size_t ln = nl ? (size_t)(nl - s) : len - pos;
    pos += ln + (nl != NULL);
    line_no++;
    if (ln > ACC_CLIPS_MAX_LINE) {
      rc = wl_fail(err, WL_EFORMAT, "%s:%ld: line longer than %d bytes",
                   name, line_no, ACC_CLIPS_MAX_LINE);
      break;
    }
    if (line_no == 1) {
      if (ln < sizeof header - 1 || memcmp(s, header, sizeof header - 1))
        rc = wl_fail(err, WL_EFORMAT,
                     "%s:1: expected the header "
                     "'video,class,distance_bin,drone_type'",
                     name);
      continue;
    }
    if (ln == 0 || (ln == 1 && s[0] == '\r')) continue;
    if (*n >= ACC_CLIPS_MAX) {
      rc = wl_fail(err, WL_ETOOBIG, "%s:%ld: more than %d clips", name,
                   line_no, ACC_CLIPS_MAX);
      break;
    }
    if ((rc = grow(&clips, &cap, *n + 1, sizeof *clips, err))) break;
    acc_clip_t *c = &clips[*n];
    if (csv_field(s, ln, 0, c->video, sizeof c->video) ||
        csv_field(s, ln, 1, c->cls, sizeof c->cls) ||
        csv_field(s, ln, 2, c->bin, sizeof c->bin) || !safe_name(c->video)) {
      rc = wl_fail(err, WL_EFORMAT,
                   "%s:%ld: expected video,class,distance_bin: non-empty "
                   "fields under %d bytes, the video name of letters, "
                   "digits, '_', '-' and '.'",
                   name, line_no, ACC_NAME_MAX);
      break;
    }
    ++*n;
  }
  if (rc == WL_OK && line_no == 0)
    rc = wl_fail(err, WL_EFORMAT, "%s: empty file; expected the header "
                 "'video,class,distance_bin,drone_type'", name);
  if (rc) {
    free(clips);
    *n = 0;
    return rc;
  }
  *out = clips;
  return WL_OK;
}

int acc_clips_read(const char *data_dir, acc_clip_t **out, size_t *n,
                   wl_err_t *err) {
  *out = NULL;
  *n = 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/videos.csv", data_dir);
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return wl_fail(err, WL_ENOTFOUND, "%s: cannot open: %s", path,
                   strerror(errno));
  size_t max = ACC_CLIPS_MAX_BYTES;
  char *buf = malloc(max + 1);
  if (!buf) {
    fclose(fp);
    return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  }
  size_t len = fread(buf, 1, max + 1, fp);
  int bad = ferror(fp);
  fclose(fp);
  int rc;
  if (bad)
    rc = wl_fail(err, WL_EIO, "%s: read error", path);
  else if (len > max)
    rc = wl_fail(err, WL_ETOOBIG, "%s: larger than %zu bytes", path, max);
  else
    rc = acc_clips_parse(buf, len, path, out, n, err);
  free(buf);
  return rc;
}

/* ---- Halmstad: scoring ------------------------------------------------- */

static int compare_label_ptr(const void *a, const void *b) {
  const wl_box_label_t *x = *(const wl_box_label_t *const *)a;
  const wl_box_label_t *y = *(const wl_box_label_t *const *)b;
  if (x->frame != y->frame) return x->frame < y->frame ? -1 : 1;
  return (x > y) - (x < y);
}

static int compare_row_ptr(const void *a, const void *b) {
  const wl_mot_row_t *x = *(const wl_mot_row_t *const *)a;
  const wl_mot_row_t *y = *(const wl_mot_row_t *const *)b;
  if (x->frame != y->frame) return x->frame < y->frame ? -1 : 1;
  return (x > y) - (x < y);
}

typedef struct id_pair {
  long obj, id;
} id_pair_t;

static int compare_pair(const void *a, const void *b) {
  const id_pair_t *x = a, *y = b;
  if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static int compare_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* Distinct values in a sorted array. */
static long count_distinct(const long *v, size_t n) {
  long k = 0;
  for (size_t i = 0; i < n; i++) k += i == 0 || v[i] != v[i - 1];
  return k;
}

/* Centre-rule matches of one frame appended to pairs (eval boxes' rule). */
static int match_frame(const wl_box_label_t *const *lab, int nl,
                       const wl_mot_row_t *const *prd, int np,
                       assign_buf_t *ab, id_pair_t **pairs, size_t *n_pairs,
                       size_t *pairs_cap, wl_err_t *err) {
  int rc = assign_reserve(ab, nl, np, err);
  if (rc) return rc;
  for (int i = 0; i < nl; i++) {
    const wl_box_label_t *l = lab[i];
    double gate = fmax(WL_BOX_GATE_MIN_PX, 0.5 * hypot(l->w, l->h));
    box_t lb = {l->x, l->y, l->w, l->h};
    for (int j = 0; j < np; j++) {
      box_t pb = {prd[j]->x, prd[j]->y, prd[j]->w, prd[j]->h};
      double d = centre_dist(lb, pb);
      ab->cost[(size_t)i * (size_t)np + (size_t)j] =
          d <= gate ? d : WL_ASSIGN_FORBIDDEN;
    }
  }
  if ((rc = assign_solve(ab, nl, np, err)) < 0) return rc;
  for (int i = 0; i < nl; i++) {
    int j = ab->row_to_col[i];
    if (j < 0) continue;
    if ((rc = grow(pairs, pairs_cap, *n_pairs + 1, sizeof **pairs, err)))
      return rc;
    (*pairs)[*n_pairs].obj = lab[i]->obj;
    (*pairs)[*n_pairs].id = prd[j]->id;
    ++*n_pairs;
  }
  return WL_OK;
}

/* Fragmentation: objects, objects matched, distinct ids per matched one. */
static int fragmentation(const wl_box_labels_t *labels,
                         const wl_mot_file_t *pred, acc_clip_score_t *s,
                         wl_err_t *err) {
  const wl_box_label_t **lab = malloc((labels->n + 1) * sizeof *lab);
  const wl_mot_row_t **prd = malloc((pred->n + 1) * sizeof *prd);
  long *objs = malloc((labels->n + 1) * sizeof *objs);
  id_pair_t *pairs = NULL;
  size_t n_pairs = 0, pairs_cap = 0;
  assign_buf_t ab;
  memset(&ab, 0, sizeof ab);
  int rc = WL_OK;
  if (!lab || !prd || !objs) {
    rc = wl_fail(err, WL_ENOMEM, "accuracy: out of memory");
    goto done;
  }
  for (size_t i = 0; i < labels->n; i++) {
    lab[i] = &labels->rows[i];
    objs[i] = labels->rows[i].obj;
  }
  for (size_t i = 0; i < pred->n; i++) prd[i] = &pred->rows[i];
  qsort(lab, labels->n, sizeof *lab, compare_label_ptr);
  qsort(prd, pred->n, sizeof *prd, compare_row_ptr);
  qsort(objs, labels->n, sizeof *objs, compare_long);
  s->objects = count_distinct(objs, labels->n);

  size_t i = 0, j = 0;
  while (i < labels->n && j < pred->n) {
    int fl = lab[i]->frame, fp = prd[j]->frame;
    if (fl < fp) {
      while (i < labels->n && lab[i]->frame == fl) i++;
      continue;
    }
    if (fp < fl) {
      while (j < pred->n && prd[j]->frame == fp) j++;
      continue;
    }
    size_t i1 = i, j1 = j;
    while (i1 < labels->n && lab[i1]->frame == fl) i1++;
    while (j1 < pred->n && prd[j1]->frame == fp) j1++;
    if ((rc = match_frame(lab + i, (int)(i1 - i), prd + j, (int)(j1 - j), &ab,
                          &pairs, &n_pairs, &pairs_cap, err)))
      goto done;
    i = i1;
    j = j1;
  }
  if (n_pairs > 0) qsort(pairs, n_pairs, sizeof *pairs, compare_pair);
  for (size_t k = 0; k < n_pairs; k++) {
    int new_obj = k == 0 || pairs[k].obj != pairs[k - 1].obj;
    int new_pair = new_obj || pairs[k].id != pairs[k - 1].id;
    s->objects_found += new_obj;
    s->object_ids += new_pair;
  }
done:
  free(lab);
  free(prd);
  free(objs);
  free(pairs);
  assign_free(&ab);
  return rc;
}

int acc_score_boxes(const wl_box_labels_t *labels, const wl_mot_file_t *pred,
                    acc_clip_score_t *s, wl_err_t *err) {
  wl_box_score_t bs;
  int rc = wl_eval_boxes(labels, pred, &bs, err);
  if (rc != WL_OK) return rc;
  s->centre = bs.centre;
  s->overlap = bs.overlap;
  s->fp_unlabelled = 0;
  for (size_t i = 0; i < bs.n_frames; i++)
    if (bs.per_frame[i].labels == 0) s->fp_unlabelled += bs.per_frame[i].preds;
  wl_box_score_free(&bs);
  s->objects = s->objects_found = s->object_ids = 0;
  if ((rc = fragmentation(labels, pred, s, err)) != WL_OK) return rc;
  s->ok = 1;
  return WL_OK;
}

/* Add a reported frame's tracks to pred as 1-based MOT rows. */
static int push_emitted(wl_mot_file_t *pred, size_t *cap,
                        const wl_report_frame_t *e, wl_err_t *err) {
  int rc = push_reported(&pred->rows, &pred->n, cap, e, err);
  if (rc == WL_OK && e->n) pred->max_frame = (int)e->frame;
  return rc;
}

/* Run the pipeline on a video; its reported tracks as 1-based MOT rows. */
static int analyze_video(const char *path, long max_frames,
                         const wl_report_params_t *report,
                         wl_mot_file_t *pred, long *frames, wl_err_t *err) {
  memset(pred, 0, sizeof *pred);
  *frames = 0;
  wl_source_t *src = NULL;
  wl_pipeline_t *pl = NULL;
  wl_reporter_t *rep = NULL;
  wl_frame_t frame;
  wl_frame_init(&frame);
  wl_report_frame_t out;
  size_t cap = 0;
  int rc;
  if ((rc = wl_source_open(&src, path, NULL, err)) != WL_OK) goto done;
  if ((rc = wl_pipeline_new(&pl, NULL, NULL, NULL, err)) != WL_OK) goto done;
  if ((rc = wl_reporter_new(&rep, report, err)) != WL_OK) goto done;
  while (max_frames <= 0 || *frames < max_frames) {
    rc = wl_source_next(src, &frame, err);
    if (rc == WL_EOF) {
      rc = WL_OK;
      break;
    }
    if (rc != WL_OK) goto done;
    long f = ++*frames;
    if ((rc = wl_pipeline_process(pl, &frame, err)) != WL_OK) goto done;
    size_t n;
    const wl_track_t *t = wl_pipeline_tracks(pl, &n);
    if ((rc = wl_reporter_push(rep, f, frame.t_ns, t, n, &out, err)) < 0)
      goto done;
    if (rc == 1 && (rc = push_emitted(pred, &cap, &out, err))) goto done;
    rc = WL_OK;
  }
  while (wl_reporter_flush(rep, &out))
    if ((rc = push_emitted(pred, &cap, &out, err))) goto done;
done:
  wl_reporter_free(rep);
  wl_pipeline_free(pl);
  wl_source_close(src);
  wl_frame_release(&frame);
  if (rc != WL_OK) wl_mot_free(pred);
  return rc;
}

/* The first line of a small text file (a peer's stderr), or "". */
static void first_line(const char *path, char *out, size_t cap) {
  out[0] = '\0';
  FILE *fp = fopen(path, "r");
  if (!fp) return;
  if (fgets(out, (int)cap, fp)) out[strcspn(out, "\r\n")] = '\0';
  fclose(fp);
}

/* Run `peer VIDEO OUT` (stdout to /dev/null, stderr to LOG) and wait. */
static int run_peer(const char *peer, const char *video, const char *out,
                    const char *log, wl_err_t *err) {
  posix_spawn_file_actions_t fa;
  if (posix_spawn_file_actions_init(&fa) != 0)
    return wl_fail(err, WL_ENOMEM, "peer %s: cannot set up", peer);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  char *argv[] = {(char *)peer, (char *)video, (char *)out, NULL};
  pid_t pid;
  int e = posix_spawn(&pid, peer, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (e != 0)
    return wl_fail(err, WL_EIO, "peer %s: cannot run: %s", peer, strerror(e));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return wl_fail(err, WL_EIO, "peer %s: wait failed: %s", peer,
                     strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char why[160];
    first_line(log, why, sizeof why);
    return wl_fail(err, WL_EIO, "peer %s on %s: exit status %d: %s", peer,
                   video, WIFEXITED(status) ? WEXITSTATUS(status) : -1, why);
  }
  return WL_OK;
}

static int score_peer(const wl_box_labels_t *labels, const char *peer,
                      const char *video, const char *tmp_dir,
                      const acc_clip_t *clip, long max_frames,
                      acc_clip_score_t *s, wl_err_t *err) {
  char out[4096], log[4096];
  snprintf(out, sizeof out, "%s/peer-%s.txt", tmp_dir, clip->video);
  snprintf(log, sizeof log, "%s/peer-%s.log", tmp_dir, clip->video);
  double t0 = now_s();
  int rc = run_peer(peer, video, out, log, err);
  s->seconds = now_s() - t0;
  unlink(log);
  wl_mot_file_t pred;
  if (rc == WL_OK) rc = wl_mot_read(out, WL_MOT_PRED, &pred, err);
  unlink(out);
  if (rc != WL_OK) return rc;
  if (rc != WL_OK) return rc;
  if (max_frames > 0) { /* the frames we analysed ourselves */
    size_t k = 0;
    for (size_t i = 0; i < pred.n; i++)
      if (pred.rows[i].frame <= max_frames) pred.rows[k++] = pred.rows[i];
    pred.n = k;
  }
  rc = acc_score_boxes(labels, &pred, s, err);
  wl_mot_free(&pred);
  return rc;
}

int acc_clip_run(const char *data_dir, const acc_clip_t *clip,
                 const char *peer_cmd, const char *tmp_dir, long max_frames,
                 const wl_report_params_t *report, acc_clip_result_t *r,
                 wl_err_t *err) {
  memset(r, 0, sizeof *r);
  snprintf(r->video, sizeof r->video, "%s", clip->video);
  snprintf(r->cls, sizeof r->cls, "%s", clip->cls);
  snprintf(r->bin, sizeof r->bin, "%s", clip->bin);
  char video[4096], label_path[4096];
  snprintf(video, sizeof video, "%s/videos/%s.mp4", data_dir, clip->video);
  snprintf(label_path, sizeof label_path, "%s/labels/%s.csv", data_dir,
           clip->video);
  wl_box_labels_t labels;
  int rc = wl_box_labels_read(label_path, &labels, err);
  if (rc != WL_OK) return rc;
  if (max_frames > 0) { /* keep the labels of the frames analysed */
    size_t k = 0;
    for (size_t i = 0; i < labels.n; i++)
      if (labels.rows[i].frame <= max_frames) labels.rows[k++] = labels.rows[i];
    labels.n = k;
  }

  double t0 = now_s();
  wl_mot_file_t pred;
  rc = analyze_video(video, max_frames, report, &pred, &r->frames, err);
  if (rc == WL_OK) {
    rc = acc_score_boxes(&labels, &pred, &r->ours, err);
    r->ours.seconds = now_s() - t0;
    wl_mot_free(&pred);
  }
  if (rc == WL_OK && peer_cmd) {
    wl_err_t perr;
    wl_err_clear(&perr);
    if (score_peer(&labels, peer_cmd, video, tmp_dir, clip, max_frames,
                   &r->peer, &perr) != WL_OK)
      snprintf(r->peer_msg, sizeof r->peer_msg, "%s", perr.msg);
  }
  wl_box_labels_free(&labels);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Simulator truth as detections                                             */

static int cmp_u16(const void *a, const void *b) {
  return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * A detection from a truth box: the box, its centre as centroid, and the
 * peak contrast measured in the frame against the median of a ring two
 * pixels outside the box (signed by the truth's polarity), in kelvin.
 */
void acc_truth_detection(const wl_frame_t *f, const wl_sim_truth_t *t,
                            wl_detection_t *d, uint16_t *ring) {
  memset(d, 0, sizeof *d);
  d->x = t->x;
  d->y = t->y;
  d->w = t->w;
  d->h = t->h;
  d->cx = t->x + 0.5 * t->w;
  d->cy = t->y + 0.5 * t->h;
  d->polarity = t->contrast_k >= 0 ? 1 : -1;
  int x0 = (int)floor(t->x), y0 = (int)floor(t->y);
  int x1 = (int)ceil(t->x + t->w), y1 = (int)ceil(t->y + t->h);
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > f->width) x1 = f->width;
  if (y1 > f->height) y1 = f->height;
  int peak = d->polarity > 0 ? 0 : 65535, area = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      int v = f->data[(size_t)y * f->width + x];
      peak = d->polarity > 0 ? (v > peak ? v : peak) : (v < peak ? v : peak);
      area++;
    }
  size_t n = 0;
  for (int y = y0 - 2; y <= y1 + 1; y++)
    for (int x = x0 - 2; x <= x1 + 1; x++) {
      if (y >= y0 - 1 && y <= y1 && x >= x0 - 1 && x <= x1) continue;
      if (x < 0 || y < 0 || x >= f->width || y >= f->height) continue;
      if (n < 4096) ring[n++] = f->data[(size_t)y * f->width + x];
    }
  double bg = peak;
  if (n > 0) {
    qsort(ring, n, sizeof *ring, cmp_u16);
    bg = ring[n / 2];
  }
  double scale = f->radiometry.radiometric ? f->radiometry.scale : 1.0;
  d->area = area;
  d->peak_contrast = (peak - bg) * scale;
  d->snr = fabs(d->peak_contrast) / 0.04; /* NETD 40 mK */
}
