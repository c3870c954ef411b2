/*
 * track.c - the tracker's life cycle: parameters, creation, and one frame's
 * predict / associate / update / confirm / delete / birth (see
 * watchline/track.h for the model and the contract).
 *
 * Design. wl_tracker_update is a fixed sequence of passes over the live
 * tracks (at most max_tracks) and the frame's detections (at most
 * max_detections), each doing one thing: take the detections in, predict,
 * associate (associate.c), update the matched and age the missed, run the
 * state machine, start tracks, compact, and copy the confirmed ones out
 * with their output boxes (out_box(): own width and height averages,
 * people cut short extended), but for residues held out (hide_residues()).
 *
 * Invariants: tracks[] and trk[] are parallel and in increasing id order;
 * ids are never reused; after wl_tracker_new no function allocates; every
 * variance stays positive and finite for finite input (non-finite
 * detections are dropped on the way in).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/assign.h"
#include "track_int.h"

#define LN_2PI 1.8378770664093453
/* Largest assignment matrix (cells) the parameters may ask for. */
#define MAX_SUB_CELLS (1 << 22)
/* Softening of sizes in the size term: a 1-pixel box is not 2x a 0.5. */
#define SIZE_SOFT_PX 2.0
/* The box-centre offset from the centroid is a shape property (a
 * person's centroid sits above the box centre): it is smoothed with this
 * fraction of size_smoothing's gain. */
#define OFFSET_GAIN_REL 0.5
/* person_box(): a box is extended only when it holds at least this
 * fraction of the person height, is this many times taller than wide, and
 * the track moves at least this fast vertically (px/s). */
#define PERSON_MIN_FRAC 0.5
#define PERSON_UPRIGHT 1.5
#define PERSON_MIN_VY 0.2

static const char *const STATE_NAMES[] = {"tentative", "confirmed", "lost"};

const char *wl_track_state_name(wl_track_state_t state) {
  if ((int)state < 0 || (int)state > WL_TRACK_LOST) return "?";
  return STATE_NAMES[state];
}

void wl_track_default_params(wl_track_params_t *p) {
  memset(p, 0, sizeof *p);
  p->max_tracks = 128;
  p->max_detections = 256;
  p->accel_px_s2 = 20.0;
  p->accel_rel = 0.3;
  p->meas_std_px = 0.4;
  p->meas_std_rel = 0.08;
  p->init_speed_px_s = 120.0;
  p->max_pos_std_px = 8.0;
  p->size_smoothing = 0.6;
  p->width_smoothing = 0.8;
  p->height_smoothing = 0.4;
  p->person_fill = 0.95;
  p->gate_chi2 = 13.82;
  p->size_std_log = 0.35;
  p->size_gate_ratio = 4.0;
  p->clutter_density = 1e-5;
  p->clutter_cell_px = 16;
  p->clutter_frames = 100;
  p->p_detect = 0.9;
  p->snr_neutral = 3.0;
  p->amp_gain = 1.0;
  p->amp_max = 6.0;
  p->confirm_score = 30.0;
  p->confirm_hits = 3;
  p->confirm_hits_dim = 6;
  p->confirm_min_snr = 0.5;
  p->kin_max = 8.0;
  p->delete_score = 0.0;
  p->strong_snr = 8.0;
  p->static_sway_snr = 8.0;
  p->strong_motion_chi2 = 4.0;
  p->static_confirm_hits = 30;
  p->static_min_area = 4;
  p->static_vouched_hits = 3;
  p->static_max_area = 200;
  p->motion_chi2 = 16.0;
  p->dim_shown_frac = 0.5;
  p->motion_min_px = 2.0;
  p->growth_aspect = 1.5;
  p->slow_confirm_hits = 12;
  p->slow_hit_frac = 0.8;
  p->slow_min_px = 1.0;
  p->slow_chi2 = 25.0;
  p->slow_resid_px = 0.1;
  p->slow_max_area = 10;
  p->slow_max_person_px = 10.0;
  p->spot_keep_chi2 = 25.0;
  p->spot_keep_max_area = 6;
  p->spot_keep_max_w = 3;
  p->delete_drop = 12.0;
  p->score_max = 100.0;
  p->tentative_max_misses = 4;
  p->coast_frames = 2;
  p->max_lost_frames = 45;
  p->occlude_frames = 15;
  p->standing_hold_frames = 135;
  p->birth_inside_suppress = 1;
  p->grow_young_frames = 60;
  p->grow_min_area = 40;
  p->grow_back = 2;
  p->residue_hide_frames = 30;
  p->residue_part_keep = 1;
  p->polarity_gate = 1;
  p->merge_split = 1;
  p->vouched_gate_px = 1.5;
  p->reacquire_gate_rel = 0.15;
  p->relink_gate_rel = 0.3;
  p->contested_hold = 1;
  p->clean_narrow = 1.6;
  p->anchor_cost = 0.5;
  p->classify_interval_s = 0.1;
  p->min_straightness = 0.7;
  p->straightness_slack_px = 1.0;
  p->streak_max_h = 2.0;
  p->streak_min_w = 2.0;
  p->streak_aspect = 4.0;
  p->flat_aspect = 6.0;
  p->flat_max_h = 16.0;
  p->fragment_gap_px = 3.0;
  p->fragment_max_area = 12;
  p->fragment_release_px = 6.0;
  p->part_speed_px_s = 3.0;
  p->trail_area_frac = 0.6;
  p->static_small_area = 12;
  p->static_small_hits = 60;
  p->ghost_max_area = 30;
  p->cold_ghost_max_h = 5;
  p->ffc_skip_jump = 1;
  p->ffc_jump_back = 1;
  p->border_confirm = 1;
  p->cold_static_aspect = 1.5;
  p->cold_confirm_max_s = 3.0;
  p->person_px = NULL;
  p->min_target_frac = 0.14;
  p->max_target_len = 10.0;
  p->far_person_px = 1.5;
  p->far_confirm_hits = 30;
  p->static_min_frac = 0.22;
  p->contrast_in_kelvin = 1;
}

/* ------------------------------------------------------------------------ */
/* Parameters                                                                */

/* lo <= v <= hi with a message naming the field. */
static int check_range(double v, double lo, double hi, const char *name,
                       wl_err_t *err) {
  if (!(v >= lo && v <= hi))
    return wl_fail(err, WL_EINVAL,
                   "track params: %s = %g is outside [%g, %g]", name, v, lo,
                   hi);
  return WL_OK;
}

static int check_params(const wl_track_params_t *p, wl_err_t *err) {
  /* Each entry: value, range, name. */
  const struct {
    double v, lo, hi;
    const char *name;
  } rules[] = {
      {p->max_tracks, 1, 65536, "max_tracks"},
      {p->max_detections, 1, 65536, "max_detections"},
      {p->width, 0, WL_MAX_DIM, "width"},
      {p->height, 0, WL_MAX_DIM, "height"},
      {p->accel_px_s2, 0, 1e6, "accel_px_s2"},
      {p->accel_rel, 0, 1e3, "accel_rel"},
      {p->meas_std_px, 1e-3, 1e3, "meas_std_px"},
      {p->meas_std_rel, 0, 10, "meas_std_rel"},
      {p->init_speed_px_s, 1e-3, 1e6, "init_speed_px_s"},
      {p->max_pos_std_px, 0.1, 1e5, "max_pos_std_px"},
      {p->size_smoothing, 0, 1, "size_smoothing"},
      {p->width_smoothing, 0, 1, "width_smoothing"},
      {p->height_smoothing, 0, 1, "height_smoothing"},
      {p->person_fill, 0, 2, "person_fill"},
      {p->gate_chi2, 0.01, 1e4, "gate_chi2"},
      {p->size_std_log, 1e-3, 100, "size_std_log"},
      {p->size_gate_ratio, 1, 1e6, "size_gate_ratio"},
      {p->clutter_density, 1e-12, 1, "clutter_density"},
      {p->p_detect, 1e-3, 0.999, "p_detect"},
      {p->snr_neutral, -1e3, 1e3, "snr_neutral"},
      {p->amp_gain, 0, 1e3, "amp_gain"},
      {p->amp_max, 0, 1e3, "amp_max"},
      {p->confirm_score, -1e4, 1e4, "confirm_score"},
      {p->confirm_hits, 1, 1e6, "confirm_hits"},
      {p->confirm_hits_dim, 1, 1e6, "confirm_hits_dim"},
      {p->confirm_min_snr, 0, 1e6, "confirm_min_snr"},
      {p->kin_max, 0, 1e6, "kin_max"},
      {p->delete_score, -1e9, 1e9, "delete_score"},
      {p->strong_snr, 0, 1e6, "strong_snr"},
      {p->static_sway_snr, 0, 1e6, "static_sway_snr"},
      {p->dim_shown_frac, 0, 1, "dim_shown_frac"},
      {p->strong_motion_chi2, 0, 1e6, "strong_motion_chi2"},
      {p->static_confirm_hits, 0, 1e6, "static_confirm_hits"},
      {p->static_min_area, 0, 1e9, "static_min_area"},
      {p->static_vouched_hits, 0, 1e6, "static_vouched_hits"},
      {p->static_max_area, 0, 1e9, "static_max_area"},
      {p->clutter_cell_px, 0, WL_MAX_DIM, "clutter_cell_px"},
      {p->clutter_frames, 1, 1e7, "clutter_frames"},
      {p->motion_chi2, 0, 1e6, "motion_chi2"},
      {p->motion_min_px, 0, 1e5, "motion_min_px"},
      {p->growth_aspect, 0, 1e3, "growth_aspect"},
      {p->slow_confirm_hits, 0, 1e6, "slow_confirm_hits"},
      {p->slow_hit_frac, 0, 1, "slow_hit_frac"},
      {p->slow_min_px, 0, 1e5, "slow_min_px"},
      {p->slow_chi2, 0, 1e6, "slow_chi2"},
      {p->slow_resid_px, 0, 1e5, "slow_resid_px"},
      {p->slow_max_area, 0, 1e9, "slow_max_area"},
      {p->slow_max_person_px, 0, 1e5, "slow_max_person_px"},
      {p->spot_keep_chi2, 0, 1e6, "spot_keep_chi2"},
      {p->spot_keep_max_area, 0, 1e9, "spot_keep_max_area"},
      {p->spot_keep_max_w, 0, WL_MAX_DIM, "spot_keep_max_w"},
      {p->delete_drop, 0, 1e6, "delete_drop"},
      {p->score_max, 1, 1e9, "score_max"},
      {p->tentative_max_misses, 1, 1e6, "tentative_max_misses"},
      {p->coast_frames, 0, 1e6, "coast_frames"},
      {p->max_lost_frames, 0, 1e7, "max_lost_frames"},
      {p->occlude_frames, 0, 1e7, "occlude_frames"},
      {p->standing_hold_frames, 0, 1e7, "standing_hold_frames"},
      {p->classify_interval_s, 0, 1e6, "classify_interval_s"},
      {p->min_straightness, 0, 1, "min_straightness"},
      {p->straightness_slack_px, 0, 1e5, "straightness_slack_px"},
      {p->streak_max_h, 0, WL_MAX_DIM, "streak_max_h"},
      {p->streak_min_w, 0, WL_MAX_DIM, "streak_min_w"},
      {p->streak_aspect, 0, WL_MAX_DIM, "streak_aspect"},
      {p->flat_aspect, 0, WL_MAX_DIM, "flat_aspect"},
      {p->flat_max_h, 0, WL_MAX_DIM, "flat_max_h"},
      {p->fragment_gap_px, -1, WL_MAX_DIM, "fragment_gap_px"},
      {p->fragment_max_area, 0, 1e9, "fragment_max_area"},
      {p->fragment_release_px, 0, WL_MAX_DIM, "fragment_release_px"},
      {p->part_speed_px_s, 0, 1e6, "part_speed_px_s"},
      {p->trail_area_frac, 0, 100, "trail_area_frac"},
      {p->static_small_area, 0, 1e9, "static_small_area"},
      {p->static_small_hits, 0, 1e6, "static_small_hits"},
      {p->ghost_max_area, 0, 1e9, "ghost_max_area"},
      {p->cold_ghost_max_h, 0, WL_MAX_DIM, "cold_ghost_max_h"},
      {p->ffc_skip_jump, 0, 1, "ffc_skip_jump"},
      {p->ffc_jump_back, 0, 1, "ffc_jump_back"},
      {p->border_confirm, 0, 1, "border_confirm"},
      {p->cold_static_aspect, 0, 100, "cold_static_aspect"},
      {p->cold_confirm_max_s, 0, 1e6, "cold_confirm_max_s"},
      {p->min_target_frac, 0, 10, "min_target_frac"},
      {p->max_target_len, 0, 1e6, "max_target_len"},
      {p->far_person_px, 0, 1e6, "far_person_px"},
      {p->far_confirm_hits, 0, 1e6, "far_confirm_hits"},
      {p->static_min_frac, 0, 10, "static_min_frac"},
      {p->contrast_in_kelvin, 0, 1, "contrast_in_kelvin"},
      {p->birth_inside_suppress, 0, 1, "birth_inside_suppress"},
      {p->grow_young_frames, 0, 100000, "grow_young_frames"},
      {p->grow_min_area, 0, 1e9, "grow_min_area"},
      {p->grow_back, 0, 2, "grow_back"},
      {p->residue_hide_frames, 0, 1000000, "residue_hide_frames"},
      {p->residue_part_keep, 0, 1, "residue_part_keep"},
      {p->polarity_gate, 0, 1, "polarity_gate"},
      {p->merge_split, 0, 1, "merge_split"},
      {p->vouched_gate_px, 0, WL_MAX_DIM, "vouched_gate_px"},
      {p->reacquire_gate_rel, 0, 1e3, "reacquire_gate_rel"},
      {p->relink_gate_rel, 0, 1e3, "relink_gate_rel"},
      {p->contested_hold, 0, 1, "contested_hold"},
      {p->clean_narrow, 0, 1e3, "clean_narrow"},
      {p->anchor_cost, 0, 1e3, "anchor_cost"},
  };
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    int rc = check_range(rules[i].v, rules[i].lo, rules[i].hi, rules[i].name,
                         err);
    if (rc != WL_OK) return rc;
  }
  /* The assignment matrix holds max_tracks x (max_detections + max_tracks)
   * doubles: keep it within 32 MiB. */
  double cells = (double)p->max_tracks * (p->max_detections + p->max_tracks);
  if (cells > MAX_SUB_CELLS)
    return wl_fail(err, WL_EINVAL,
                   "track params: max_tracks %d x (max_detections %d + "
                   "max_tracks) = %.0f exceeds %d assignment cells",
                   p->max_tracks, p->max_detections, cells, MAX_SUB_CELLS);
  if (p->max_lost_frames < p->coast_frames)
    return wl_fail(err, WL_EINVAL,
                   "track params: max_lost_frames %d is below coast_frames "
                   "%d",
                   p->max_lost_frames, p->coast_frames);
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Clutter map                                                               */

/* A grid of clutter_cell_px cells over the image (when its size and the
 * cell size are known), or none. Returns WL_ENOMEM on failure. */
static int clutter_map_alloc(wl_tracker_t *tr) {
  const wl_track_params_t *p = &tr->p;
  if (p->clutter_cell_px <= 0 || p->width <= 0 || p->height <= 0) return WL_OK;
  tr->cells_x = (p->width + p->clutter_cell_px - 1) / p->clutter_cell_px;
  tr->cells_y = (p->height + p->clutter_cell_px - 1) / p->clutter_cell_px;
  tr->clutter = calloc((size_t)tr->cells_x * tr->cells_y, sizeof *tr->clutter);
  tr->clutter_alpha = 1.0 / p->clutter_frames;
  tr->inv_cell_area = 1.0 / ((double)p->clutter_cell_px * p->clutter_cell_px);
  return tr->clutter ? WL_OK : WL_ENOMEM;
}

/* The cell of (x, y), clamped to the grid. */
static size_t clutter_cell(const wl_tracker_t *tr, double x, double y) {
  double c = tr->p.clutter_cell_px;
  double fx = x / c, fy = y / c; /* clamp before converting: no overflow */
  int cx = fx > 0 ? (fx < tr->cells_x ? (int)fx : tr->cells_x - 1) : 0;
  int cy = fy > 0 ? (fy < tr->cells_y ? (int)fy : tr->cells_y - 1) : 0;
  return (size_t)cy * tr->cells_x + cx;
}

/* ln of the false-detection density (per pixel per frame) at (x, y): the
 * map's cell rate over its area, never below clutter_density. */
static double clutter_ln_density(const wl_tracker_t *tr, double x, double y) {
  double lambda = tr->p.clutter_density;
  if (tr->clutter) {
    double local = tr->clutter[clutter_cell(tr, x, y)] * tr->inv_cell_area;
    if (local > lambda) lambda = local;
  }
  return log(lambda);
}

/* Learn from this frame: every valid detection that no confirmed track
 * took counts as clutter in its cell; all cells decay. The rate is the
 * plain mean over the frames seen until there are clutter_frames of them,
 * then an exponential average with that time constant. */
static void clutter_map_learn(wl_tracker_t *tr) {
  if (!tr->clutter) return;
  double alpha = 1.0 / (double)(tr->clutter_seen + 1);
  if (alpha < tr->clutter_alpha) alpha = tr->clutter_alpha;
  tr->clutter_seen++;
  const float keep = (float)(1.0 - alpha);
  const size_t cells = (size_t)tr->cells_x * tr->cells_y;
  for (size_t i = 0; i < cells; i++) tr->clutter[i] *= keep;
  for (int j = 0; j < tr->n_meas; j++) {
    const wl__meas_t *m = &tr->meas[j];
    if (!m->valid) continue;
    if (m->track >= 0 && tr->tracks[m->track].state == WL_TRACK_CONFIRMED)
      continue;
    tr->clutter[clutter_cell(tr, m->cx, m->cy)] += (float)alpha;
  }
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

int wl_tracker_new(wl_tracker_t **out, const wl_track_params_t *p,
                   wl_err_t *err) {
  *out = NULL;
  wl_track_params_t defaults;
  if (!p) {
    wl_track_default_params(&defaults);
    p = &defaults;
  }
  int rc = check_params(p, err);
  if (rc != WL_OK) return rc;
  wl_tracker_t *tr = calloc(1, sizeof *tr);
  if (!tr) return wl_fail(err, WL_ENOMEM, "tracker: out of memory");
  tr->p = *p;
  tr->miss_cost = -log(1.0 - p->p_detect);
  tr->hit_const = LN_2PI - log(p->p_detect);
  tr->ln_size_gate = log(p->size_gate_ratio);
  tr->inv_two_size_var = 0.5 / (p->size_std_log * p->size_std_log);
  tr->next_id = 1;
  tr->spot_from = SIZE_MAX;

  size_t nt = (size_t)p->max_tracks, nd = (size_t)p->max_detections;
  size_t nd_pad = (nd + WL__GATE_BLOCK - 1) / WL__GATE_BLOCK * WL__GATE_BLOCK;
  size_t sub_cols = nd + nt;
  tr->tracks = calloc(nt, sizeof *tr->tracks);
  tr->trk = calloc(nt, sizeof *tr->trk);
  tr->confirmed = calloc(nt, sizeof *tr->confirmed);
  tr->meas = calloc(nd, sizeof *tr->meas);
  tr->gate_cx = calloc(nd_pad, sizeof *tr->gate_cx);
  tr->gate_cy = calloc(nd_pad, sizeof *tr->gate_cy);
  tr->gate_lnw = calloc(nd_pad, sizeof *tr->gate_lnw);
  tr->gate_lnh = calloc(nd_pad, sizeof *tr->gate_lnh);
  tr->gate_lnlam = calloc(nd_pad, sizeof *tr->gate_lnlam);
  tr->cost = calloc(nt * nd_pad, sizeof *tr->cost);
  tr->uf = calloc(nt + nd, sizeof *tr->uf);
  tr->members = calloc(nt + nd, sizeof *tr->members);
  tr->start = calloc(nt + nd + 1, sizeof *tr->start);
  tr->sub = calloc(nt * sub_cols, sizeof *tr->sub);
  tr->row_to_col = calloc(nt, sizeof *tr->row_to_col);
  tr->work_size = wl_assign_workspace_size(p->max_tracks, (int)sub_cols);
  tr->work = tr->work_size ? malloc(tr->work_size) : NULL;
  if (!tr->tracks || !tr->trk || !tr->confirmed || !tr->meas ||
      !tr->gate_cx || !tr->gate_cy || !tr->gate_lnw || !tr->gate_lnh ||
      !tr->gate_lnlam || clutter_map_alloc(tr) != WL_OK ||
      !tr->cost ||
      !tr->uf || !tr->members || !tr->start || !tr->sub || !tr->row_to_col ||
      !tr->work) {
    wl_tracker_free(tr);
    return wl_fail(err, WL_ENOMEM,
                   "tracker: out of memory for %d tracks and %d detections",
                   p->max_tracks, p->max_detections);
  }
  *out = tr;
  return WL_OK;
}

void wl_tracker_free(wl_tracker_t *tr) {
  if (!tr) return;
  free(tr->tracks);
  free(tr->trk);
  free(tr->confirmed);
  free(tr->meas);
  free(tr->gate_cx);
  free(tr->gate_cy);
  free(tr->gate_lnw);
  free(tr->gate_lnh);
  free(tr->gate_lnlam);
  free(tr->clutter);
  free(tr->cost);
  free(tr->uf);
  free(tr->members);
  free(tr->start);
  free(tr->sub);
  free(tr->row_to_col);
  free(tr->work);
  free(tr);
}

void wl_tracker_set_classifier(wl_tracker_t *tr, const wl_classifier_t *clf) {
  tr->clf = clf;
}

void wl_tracker_hold_confirmations(wl_tracker_t *tr, int updates) {
  tr->hold_confirm = updates > 0 ? updates : 0;
  tr->t_step_ns = tr->t_last_ns;
  for (int i = 0; i < tr->n; i++) {
    tr->trk[i].hits_at_step = tr->tracks[i].hits;
    if (tr->p.ffc_skip_jump && tr->tracks[i].state == WL_TRACK_TENTATIVE)
      tr->trk[i].step_jump = 1;
  }
}

static void compact(wl_tracker_t *tr);

/* A track's slow-drift line: the least-squares fit of its hits' centroids
 * against time (sums in wl__trk_t). Gives the squared slope b2 (px^2/s^2),
 * the time spread stt (sum of squared deviations, s^2) and the residual
 * variance s2 per axis, at least resid_px^2. 0 (no line) with fewer than
 * 3 hits or no spread in time. */
static int drift_fit(const wl_track_t *t, const wl__trk_t *k, double resid_px,
                     double *b2, double *stt, double *s2) {
  double n = t->hits;
  if (n < 3) return 0;
  double tt = k->fit_tt - k->fit_t * k->fit_t / n;
  if (!(tt > 0.0)) return 0;
  double sxt = k->fit_xt - k->fit_t * k->fit_x / n;
  double syt = k->fit_yt - k->fit_t * k->fit_y / n;
  double bx = sxt / tt, by = syt / tt;
  double rx = k->fit_xx - k->fit_x * k->fit_x / n - bx * sxt;
  double ry = k->fit_yy - k->fit_y * k->fit_y / n - by * syt;
  double r2 = (rx + ry) / (2.0 * (n - 2.0));
  double floor2 = resid_px * resid_px;
  *b2 = bx * bx + by * by;
  *stt = tt;
  *s2 = r2 > floor2 ? r2 : floor2;
  return 1;
}

/* The significance of the slope of a track's slow-drift line: its squared
 * slope over its squared standard error; 0 without a line. */
static double drift_chi2(const wl_track_t *t, const wl__trk_t *k,
                         double resid_px) {
  double b2, stt, s2;
  return drift_fit(t, k, resid_px, &b2, &stt, &s2) ? b2 * stt / s2 : 0.0;
}

void wl_tracker_mark_spots(wl_tracker_t *tr, size_t first) {
  tr->spot_from = first;
}

/* Is a spot-born tentative track point-like enough to be kept when the
 * spots end: every detection at most slow_max_area and spot_keep_max_area
 * pixels and at most spot_keep_max_w px wide? A slow target at 3-5 km is
 * 1-3 px wide and covers 3-6 px; the outline of a swaying bush or a patch
 * of warm clutter that the spots fired on, whose centroid drifts with the
 * sway, is wider (4 px and more, 7-10 px; docs/DETECTION.md, "The first
 * second: spot-born false tracks"). */
static int spot_point_like(const wl_track_params_t *p, const wl__trk_t *k) {
  return k->max_area <= p->slow_max_area &&
         k->max_area <= p->spot_keep_max_area &&
         k->max_w <= (double)p->spot_keep_max_w;
}

/* track.h: a track the caller vouches for (a standing target it has
 * examined in the image) confirms by the static rule after
 * static_vouched_hits hits and, spot-born (spot_born 2), survives the end
 * of the spots. Unknown ids: no effect. */
void wl_tracker_vouch(wl_tracker_t *tr, uint64_t id) {
  for (int i = 0; i < tr->n; i++) {
    if (tr->tracks[i].id != id) continue;
    tr->trk[i].vouched = 1;
    if (tr->trk[i].spot_born) tr->trk[i].spot_born = 2;
  }
}

/* Start-up (track.h): the warm-up spots end; their tentative tracks go,
 * except those vouched for (wl_tracker_vouch) and (spot_keep_chi2 >
 * 0) point-like ones already drifting (spot_point_like(), the slope
 * significant at spot_keep_chi2): slow targets at long range, which
 * drifted() may then confirm. */
void wl_tracker_end_spots(wl_tracker_t *tr) {
  const wl_track_params_t *p = &tr->p;
  for (int i = 0; i < tr->n; i++) {
    wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    if (t->state != WL_TRACK_TENTATIVE || !k->spot_born) continue;
    k->dead = !(k->spot_born == 2 ||
                (p->spot_keep_chi2 > 0 && spot_point_like(p, k) &&
                 drift_chi2(t, k, p->slow_resid_px) >= p->spot_keep_chi2));
  }
  compact(tr);
  for (int i = 0; i < tr->n; i++) tr->trk[i].spot_born = 0;
}

/* Start-up (track.h): the next clutter_map_learn() takes alpha 1 (it
 * replaces the map by that update's clutter), then the plain mean. */
void wl_tracker_restart_clutter(wl_tracker_t *tr) { tr->clutter_seen = 0; }

void wl_tracker_reset(wl_tracker_t *tr) {
  tr->hold_confirm = 0;
  tr->t_step_ns = 0;
  tr->spot_from = SIZE_MAX;
  tr->n = 0;
  tr->clutter_seen = 0;
  tr->n_confirmed = 0;
  tr->have_time = 0;
}

/* Births and wl__tracker_take_id share one counter (track_int.h). */
uint64_t wl__tracker_take_id(wl_tracker_t *tr) { return tr->next_id++; }

void wl_tracker_stats(const wl_tracker_t *tr, wl_tracker_stats_t *st) {
  *st = tr->stats;
}

size_t wl_tracker_state_bytes(const wl_tracker_t *tr) {
  size_t nt = (size_t)tr->p.max_tracks, nd = (size_t)tr->p.max_detections;
  size_t nd_pad = (nd + WL__GATE_BLOCK - 1) / WL__GATE_BLOCK * WL__GATE_BLOCK;
  return sizeof *tr + nt * (2 * sizeof *tr->tracks + sizeof *tr->trk) +
         nd * sizeof *tr->meas + 5 * nd_pad * sizeof(float) +
         (size_t)tr->cells_x * tr->cells_y * sizeof(float) +
         nt * nd_pad * sizeof *tr->cost +
         (2 * (nt + nd) + 1) * sizeof(int) + nt * (nd + nt) * sizeof(double) +
         nt * sizeof(int) + tr->work_size;
}

const wl_track_t *wl_tracker_confirmed(const wl_tracker_t *tr, size_t *n) {
  *n = (size_t)tr->n_confirmed;
  return tr->confirmed;
}

const wl_track_t *wl_tracker_tracks(const wl_tracker_t *tr, size_t *n) {
  *n = (size_t)tr->n;
  return tr->tracks;
}

/* ------------------------------------------------------------------------ */
/* One frame                                                                 */

static int finite4(double a, double b, double c, double d) {
  return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

/* Take a detection in: centroid, box, amplitude. Invalid (not finite,
 * empty box) ones are kept as placeholders so indices match the caller's. */
static void meas_from_detection(const wl_detection_t *d, wl__meas_t *m) {
  m->x = d->x;
  m->y = d->y;
  m->w = d->w;
  m->h = d->h;
  m->cx = d->cx;
  m->cy = d->cy;
  m->snr = d->snr;
  m->sway_snr = d->snr - d->sway_loss;
  m->contrast = d->peak_contrast;
  m->area = d->area;
  m->polarity = d->polarity;
  m->track = -1;
  m->part = 0;
  /* Coordinates far outside any image are as useless as NaN. */
  const double lim = 4.0 * WL_MAX_DIM;
  m->valid = finite4(m->x, m->y, m->w, m->h) && finite4(m->cx, m->cy, 0, 0) &&
             m->w > 0.0 && m->h > 0.0 && m->w <= lim && m->h <= lim &&
             fabs(m->x) <= lim && fabs(m->y) <= lim && fabs(m->cx) <= lim &&
             fabs(m->cy) <= lim;
  if (!m->valid) {
    m->ln_w = m->ln_h = 0.0;
    return;
  }
  if (!isfinite(m->snr)) m->snr = 0.0;
  if (!isfinite(m->sway_snr)) m->sway_snr = 0.0;
  m->ln_w = logf((float)(m->w + SIZE_SOFT_PX));
  m->ln_h = logf((float)(m->h + SIZE_SOFT_PX));
}

/* Centroid measurement variance for a track of this box size, per axis. */
static double meas_var(const wl_track_params_t *p, double size) {
  double s = p->meas_std_px + p->meas_std_rel * size;
  return s * s;
}

/* White-acceleration density for a track of this box size. */
static double accel_density(const wl_track_params_t *p, const wl_track_t *t) {
  double size = t->w > t->h ? t->w : t->h;
  double a = p->accel_px_s2 + p->accel_rel * size;
  return a * a;
}

/* The public box and motion fields from the filter. */
static void publish(wl_track_t *t, const wl__trk_t *k) {
  t->cx = k->ax.pos;
  t->cy = k->ay.pos;
  t->vx = k->ax.vel;
  t->vy = k->ay.vel;
  t->x = t->cx + k->ox - 0.5 * t->w;
  t->y = t->cy + k->oy - 0.5 * t->h;
  t->pos_std_px = sqrt(k->ax.pp > k->ay.pp ? k->ax.pp : k->ay.pp);
  t->vel_std_px_s = sqrt(k->ax.vv > k->ay.vv ? k->ax.vv : k->ay.vv);
}

/* Predict every track to the frame time and prepare its gate. */
static void predict_all(wl_tracker_t *tr, double dt) {
  const wl_track_params_t *p = &tr->p;
  double pos_cap = p->max_pos_std_px * p->max_pos_std_px;
  double vel_cap = p->init_speed_px_s * p->init_speed_px_s;
  for (int i = 0; i < tr->n; i++) {
    wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    double q = accel_density(p, t);
    wl__kf_predict(&k->ax, dt, q);
    wl__kf_predict(&k->ay, dt, q);
    wl__kf_cap(&k->ax, pos_cap, vel_cap);
    wl__kf_cap(&k->ay, pos_cap, vel_cap);
    k->sx = k->ax.pp + meas_var(p, t->w);
    k->sy = k->ay.pp + meas_var(p, t->h);
    k->half_ln_s = 0.5f * logf((float)(k->sx * k->sy));
    k->dead = 0;
    publish(t, k);
  }
}

/* Score of one detection's amplitude. */
static double amp_score(const wl_track_params_t *p, double snr) {
  double a = p->amp_gain * (snr - p->snr_neutral);
  if (a > p->amp_max) a = p->amp_max;
  if (a < -p->amp_max) a = -p->amp_max;
  return a;
}

static void add_score(const wl_track_params_t *p, wl_track_t *t,
                      wl__trk_t *k, double delta) {
  t->score += delta;
  if (t->score > p->score_max) t->score = p->score_max;
  if (t->score > k->score_peak) k->score_peak = t->score;
}

/* Feed the classifier, at most once per classify_interval_s, with a
 * confirmed track's observation in this frame (tentative tracks, mostly
 * clutter, are not worth the camera-model work). */
static void observe_class(wl_tracker_t *tr, wl_track_t *t, wl__trk_t *k,
                          int64_t t_ns) {
  if (!tr->clf) return;
  double since = (double)(t_ns - k->t_last_cls_ns) * 1e-9;
  if (k->has_cls_obs && since < tr->p.classify_interval_s) return;
  wl_class_obs_t obs = {t->x,  t->y,  t->w,  t->h,  t->vx, t->vy,
                        t->vel_std_px_s,
                        tr->p.contrast_in_kelvin ? t->contrast : NAN,
                        t->snr, tr->meas[t->det_index].polarity};
  wl_classify_observe(tr->clf, &k->cls, &obs);
  k->t_last_cls_ns = t_ns;
  k->has_cls_obs = 1;
  t->cls = k->cls.cls;
  t->cls_conf = k->cls.conf;
}

/* Does detection m reach into the top pixel row of the image where that
 * row sees sky (border_confirm; person_px and the image size known)?
 * Such a detection is an object the border cuts: what is in view is the
 * part below the edge, so neither its size nor its motion is its own
 * (its centroid slides along the row as more or less of it shows), and
 * above the horizon only something airborne can be there: a bird
 * skimming the top of the frame. A ground target never enters the view
 * through the sky. */
static int touches_sky_edge(const wl_track_params_t *p, const wl__meas_t *m) {
  return p->border_confirm && p->person_px && p->height > 0 &&
         !(p->person_px[0] > 0.0f) && m->y < 1.0;
}

/* Add a hit's centroid (cx, cy) at ts seconds since birth to the
 * straight-line fit (birth: ts = 0, the birth centroid, all sums zero). */
static void drift_add(wl__trk_t *k, double ts, double cx, double cy) {
  double x = cx - k->birth_x, y = cy - k->birth_y;
  k->fit_t += ts;
  k->fit_tt += ts * ts;
  k->fit_x += x;
  k->fit_xx += x * x;
  k->fit_xt += x * ts;
  k->fit_y += y;
  k->fit_yy += y * y;
  k->fit_yt += y * ts;
}

/* Velocity through a merge (docs/DETECTION.md, "Crowd: the velocity
 * through a merge"). A hit that is not clean (a merge-split part, or a
 * whole detection much larger than the track was at its last clean hit:
 * a merged blob; associate.c, anchor_mark()) measures where the group
 * is, not where the track's person goes: the parts sit at the track's
 * own prediction moved by the blob's outline, the blob's centroid lies
 * between the people. Left to the filter, these hits bent the velocity
 * of people crossing head-on towards each other's, and when the blob
 * came apart the tracks went by their bent predictions, often to the
 * person walking the other way. So after such a hit a track with
 * WL__ANCHOR_MIN_HITS clean hits keeps its anchor velocity (the average
 * over its clean hits, track_int.h), held with a velocity std of at most
 * MERGE_VEL_STD_PX_S, so the clean hits after the merge only slowly
 * move it; its position still follows the hit (crowd, tuning seeds
 * 1-10: placing the part at the anchor prediction, or pulling the
 * position towards it, did not help). */
#define MERGE_VEL_STD_PX_S 3.0
static void hold_anchor_velocity(wl__trk_t *k) {
  if (k->clean_hit || k->n_clean < WL__ANCHOR_MIN_HITS) return;
  const double vcap = MERGE_VEL_STD_PX_S * MERGE_VEL_STD_PX_S;
  k->ax.vel = k->anc_vx;
  k->ay.vel = k->anc_vy;
  wl__kf_cap(&k->ax, INFINITY, vcap);
  wl__kf_cap(&k->ay, INFINITY, vcap);
}

static double person_height(const wl_track_params_t *p, double b);

/* Do detections m and o overlap as two (o valid, not m, not a part of the
 * same detection)? */
static int overlaps(const wl__meas_t *m, const wl__meas_t *o) {
  return o != m && o->valid && o->src != m->src && o->x < m->x + m->w &&
         m->x < o->x + o->w && o->y < m->y + m->h && m->y < o->y + o->h;
}

/*
 * A person's own stature (person_fill > 0, with person heights). The
 * motion detector cuts a component holding a nearer person in front of a
 * farther one into two parts whose hidden ends come from the camera's
 * person height (motion_split.c, the overlap cut): the nearer one's top
 * and the farther one's bottom, 1.7 m, while people are taller or shorter
 * than that by several per cent (~1.5 px at 18 px). A track learns its
 * own stature: the mean ratio of its detections' height to the person
 * height at their foot row (person_height()), over the detections that
 * overlap no other detection and are whole (STATURE_MIN to STATURE_MAX of
 * it; a radial walker cut short by the background model is not), the
 * first STATURE_N averaged, then with gain STATURE_GAIN. A person track
 * with a stature whose detection overlaps another one whose top lies more
 * than STATURE_STACK of its height above its own (it is the nearer
 * person: its bottom is seen, its top is the prior's) takes the detection
 * with its top at the bottom less its stature; one whose overlapping
 * detection lies that much below (it is the farther person: its top is
 * seen) with its bottom at its top plus its stature, at that foot row.
 * A detection between two (one above, one below) is taken as it is.
 * Returns m, or adj holding the completed detection. O(detections) per
 * hit.
 */
#define STATURE_MIN 0.85
#define STATURE_MAX 1.25
#define STATURE_STACK 0.2
#define STATURE_N 10
#define STATURE_USE 5
#define STATURE_GAIN 0.1
static const wl__meas_t *complete_person(const wl_tracker_t *tr,
                                         const wl_track_t *t, wl__trk_t *k,
                                         const wl__meas_t *m,
                                         wl__meas_t *adj) {
  const wl_track_params_t *p = &tr->p;
  if (!(p->person_fill > 0.0) || !p->person_px || m->part) return m;
  int above = 0, below = 0, beside = 0;
  for (int j = 0; j < tr->n_meas; j++) {
    const wl__meas_t *o = &tr->meas[j];
    if (!overlaps(m, o)) continue;
    double dy = o->y - m->y;
    if (dy < -STATURE_STACK * m->h)
      above = 1;
    else if (dy > STATURE_STACK * m->h)
      below = 1;
    else
      beside = 1;
  }
  double bot = m->y + m->h, hp = person_height(p, bot);
  if (!above && !below && !beside && hp > 0.0 && m->h >= STATURE_MIN * hp &&
      m->h <= STATURE_MAX * hp) {
    k->n_stature++;
    double g = k->n_stature < STATURE_N ? 1.0 / k->n_stature : STATURE_GAIN;
    k->stature += g * (m->h / hp - k->stature);
  }
  if (k->n_stature < STATURE_USE || t->cls != WL_CLASS_PERSON ||
      above == below)
    return m;
  *adj = *m;
  if (above) {
    if (!(hp > 0.0)) return m;
    adj->h = k->stature * hp;
    adj->y = bot - adj->h;
  } else {
    double b = bot;
    for (int it = 0; it < 3; it++) {
      double h2 = person_height(p, b);
      if (h2 > 0.0) b = m->y + k->stature * h2;
    }
    adj->h = b - m->y;
  }
  return adj;
}

/*
 * A confirmed person's detection that overlaps another detection (not a
 * part of the same one) is a piece the motion detector cut from a
 * component holding several people (motion_split.c: the overlap cut, the
 * head split): its window holds part of the other person, so its
 * centroid wanders with the other's body and gait. The filter takes its
 * centroid with OVERLAP_VAR_X (columns) and OVERLAP_VAR_Y (rows) times
 * the measurement variance: the position and the output box lean more
 * on the track's own motion there. Crowd tuning seeds 1-30 HOTA +0.010
 * (docs/DETECTION.md, "Boxes: split pieces' centroids weigh less in the
 * filter"). Other classes are left alone (all classes: vehicle-run FP
 * +2 %). O(detections) per hit.
 */
#define OVERLAP_VAR_X 4.0
#define OVERLAP_VAR_Y 2.0
static int overlaps_other(const wl_tracker_t *tr, const wl__meas_t *m) {
  for (int j = 0; j < tr->n_meas; j++)
    if (overlaps(m, &tr->meas[j])) return 1;
  return 0;
}

/* Does a jump (jx, jy) from a track's last filtered position (hit_x,
 * hit_y) bring it nearer its birth point? The edge of a swaying bush
 * that a young background model has not learned (nuisance, the first
 * seconds, an FFC storm) creeps out of its learned place and is back at
 * the next freeze: skipping every jump across a freeze (ffc_skip_jump)
 * moved its birth point back with each return swing, so its swings added
 * up to motion (docs/DETECTION.md, tuning log "Nuisance: a bush's return
 * swing across an FFC freeze is motion"). A target going somewhere does
 * not jump back towards where it was first seen. */
static int jump_back(const wl__trk_t *k, double jx, double jy) {
  double bx = k->hit_x - k->birth_x, by = k->hit_y - k->birth_y;
  double ax = bx + jx, ay = by + jy;
  return ax * ax + ay * ay < bx * bx + by * by;
}

/* A matched track takes its detection. */
static void update_hit(wl_tracker_t *tr, int i, int64_t t_ns) {
  const wl_track_params_t *p = &tr->p;
  wl_track_t *t = &tr->tracks[i];
  wl__trk_t *k = &tr->trk[i];
  const wl__meas_t *m = &tr->meas[k->det];
  /* Score first: it uses the innovation before the update. */
  double dx = m->cx - k->ax.pos, dy = m->cy - k->ay.pos;
  double d2 = dx * dx / k->sx + dy * dy / k->sy;
  double kin = -(0.5 * d2 + k->half_ln_s + tr->hit_const + m->ln_lambda);
  if (kin > p->kin_max) kin = p->kin_max;
  add_score(p, t, k, kin + amp_score(p, m->snr));

  double kx = 1.0, ky = 1.0;
  if (t->state == WL_TRACK_CONFIRMED && t->cls == WL_CLASS_PERSON &&
      overlaps_other(tr, m)) {
    kx = OVERLAP_VAR_X;
    ky = OVERLAP_VAR_Y;
  }
  wl__kf_update(&k->ax, m->cx, kx * meas_var(p, t->w));
  wl__kf_update(&k->ay, m->cy, ky * meas_var(p, t->h));
  if (p->merge_split) hold_anchor_velocity(k);
  if (k->step_jump) {
    /* The first hit after an FFC step (ffc_skip_jump): the way from the
     * last hit before the freeze to here was not seen, and the gate that
     * bridged the freeze was wide: it is no motion evidence. The points
     * motion is measured from move with it (the slow-drift fit, whose
     * centroids are taken from the birth point, too). Unless, with
     * ffc_jump_back, the jump brings the track nearer its birth point
     * (jump_back()): then those points stay, so the return counts
     * against the motion shown before the freeze (the path does not grow
     * by it either way). */
    double jx = m->cx - k->hit_x, jy = m->cy - k->hit_y;
    if (p->ffc_jump_back && jump_back(k, jx, jy)) jx = jy = 0.0;
    k->step_jump = 0;
    k->birth_x += jx;
    k->birth_y += jy;
    k->frag_x += jx;
    k->frag_y += jy;
    k->ghost_x += jx;
    k->ghost_y += jy;
  } else {
    k->path_px += hypot(k->ax.pos - k->hit_x, k->ay.pos - k->hit_y);
  }
  k->hit_x = k->ax.pos;
  k->hit_y = k->ay.pos;
  wl__meas_t whole;
  m = complete_person(tr, t, k, m, &whole);
  double a = p->size_smoothing;
  t->w += a * (m->w - t->w);
  t->h += a * (m->h - t->h);
  k->ln_w = logf((float)(t->w + SIZE_SOFT_PX));
  k->ln_h = logf((float)(t->h + SIZE_SOFT_PX));
  /* The output size (out_box()): the width with a light average (it
   * swings with the gait), the height with a heavy one (it does not). */
  k->ow += p->width_smoothing * (m->w - k->ow);
  k->oh += p->height_smoothing * (m->h - k->oh);
  double ao = OFFSET_GAIN_REL * a;
  k->ox += ao * (m->x + 0.5 * m->w - m->cx - k->ox);
  k->oy += ao * (m->y + 0.5 * m->h - m->cy - k->oy);
  if (m->snr > k->max_snr) k->max_snr = m->snr;
  if (m->sway_snr > k->max_sway_snr) k->max_sway_snr = m->sway_snr;
  k->shown_hits += m->snr >= p->confirm_min_snr;
  if (m->area > k->max_area) k->max_area = m->area;
  drift_add(k, (double)(t_ns - t->t_birth_ns) * 1e-9, m->cx, m->cy);
  if (m->w > k->max_w) k->max_w = m->w;
  if (m->h > k->max_h) k->max_h = m->h;
  k->sum_w += m->w;
  k->sum_h += m->h;
  if (!touches_sky_edge(p, m)) k->inside = 1;
  t->hits++;
  t->misses = 0;
  k->covered_misses = 0;
  t->det_index = m->src;
  t->snr = m->snr;
  t->contrast = m->contrast;
  t->t_last_hit_ns = t_ns;
  if (t->state == WL_TRACK_LOST) {
    t->state = WL_TRACK_CONFIRMED;
    tr->stats.reacquisitions++;
  }
  publish(t, k);
}

static void update_miss(wl_tracker_t *tr, int i) {
  wl_track_t *t = &tr->tracks[i];
  t->misses++;
  t->det_index = -1;
  add_score(&tr->p, t, &tr->trk[i], -tr->miss_cost);
}

/* Change of a box side, px, below which a side's growth is the blur of
 * its ends, not a growing blob (has_moved()). */
#define GROWTH_MIN_PX 2.0

/* Half the change of a box side from `from` to `to`, px, when it is at
 * least GROWTH_MIN_PX; else 0: how far the centre of a blob that grew or
 * shrank on one side moved without the object moving. */
static double half_growth(double to, double from) {
  double g = fabs(to - from);
  return g >= GROWTH_MIN_PX ? 0.5 * g : 0.0;
}

/* Has a tentative track moved significantly since its birth: is its
 * filtered position farther from the birth detection than motion_min_px
 * and than sqrt(chi2) standard deviations of their difference? For a
 * track whose detections were on average at least growth_aspect times as
 * wide as tall, the displacement on each axis counts only beyond half the
 * change of its box's side on that axis since birth (GROWTH_MIN_PX or
 * more): a row of touching animals (a flock) is one blob that grows and
 * shrinks on one side as its members join and leave, and its centroid
 * shifts by half that with nothing moving (nuisance: boxes on several
 * sheep confirmed as moving after 8-12 hits, 3-4 px from birth). A wide
 * object that moves carries both sides along (docs/DETECTION.md, tuning
 * log "Nuisance: a flock's blob that grows has not moved"). */
static int has_moved(const wl_track_params_t *p, const wl_track_t *t,
                     const wl__trk_t *k, double chi2) {
  double dx = k->ax.pos - k->birth_x, dy = k->ay.pos - k->birth_y;
  double dist2 = dx * dx + dy * dy;
  double var = 0.5 * (k->ax.pp + k->ay.pp) + k->birth_var;
  double min_px = p->motion_min_px;
  if (p->growth_aspect > 0 && k->sum_w >= p->growth_aspect * k->sum_h) {
    double nx = fabs(dx) - half_growth(t->w, k->birth_w);
    double ny = fabs(dy) - half_growth(t->h, k->birth_h);
    nx = nx > 0.0 ? nx : 0.0;
    ny = ny > 0.0 ? ny : 0.0;
    dist2 = nx * nx + ny * ny;
  }
  return dist2 >= min_px * min_px && dist2 >= chi2 * var;
}

static double person_at_bottom(const wl_track_params_t *p,
                               const wl_track_t *t);

/* Is a spot-born track too near for the slow-drift path
 * (slow_max_person_px): born from a warm-up spot (spot_origin; not vouched
 * for) where a person standing on the row of its box's bottom measures at
 * least slow_max_person_px? A spot is a warm point found against its
 * surroundings in the single frame, and the drift path takes the steady
 * slope of its centroid since birth (over the spots' second, also when it
 * confirms just after them) as a slow target's motion: right for a
 * distant point target (a walker at 3-5 km, where a person is 1.5-4 px
 * tall), but nearer, a point-like spot is a piece of something
 * larger, and the spots of a swaying bush or of a warm stone beside a
 * swaying edge drift steadily for half a swing (1-2 s). Nuisance: spot-born
 * 3-4 x 2-3 px blobs where a person is 10-19 px tall, confirmed by their
 * drift at frames 22-25, on no target (docs/DETECTION.md, tuning log
 * "Nuisance: the drift path is for distant targets"). Tracks born from
 * temporal detections are not judged: a person walking straight away
 * 150 m out drifts up the image at about 1.4 px/s and confirms by this
 * path first (test track_person_cut_extended). */
static int too_near_to_drift(const wl_track_params_t *p,
                             const wl_track_t *t, const wl__trk_t *k) {
  if (!k->spot_origin || k->vouched || !(p->slow_max_person_px > 0))
    return 0;
  return person_at_bottom(p, t) >= p->slow_max_person_px;
}

/* Slow-drift confirmation: has a small, persistent tentative track drifted
 * steadily? A straight line fitted (least squares) to the centroids of its
 * hits against time must carry it at least slow_min_px over the time since
 * birth, with a slope significant at slow_chi2 (squared standard errors
 * from the fit's own residuals, at least slow_resid_px), after
 * slow_confirm_hits hits in at least slow_hit_frac of its frames. A target
 * at 3-5 km walking 1 px/s moves 2 px only after 2 s, but its sub-pixel
 * centroids show the drift within a second; a flickering pixel or static
 * clutter has no slope, shimmer has no steady one. Not for a spot-born
 * track too near for it (too_near_to_drift()). */
static int drifted(const wl_track_params_t *p, const wl_track_t *t,
                   const wl__trk_t *k) {
  if (p->slow_confirm_hits <= 0 || t->hits < p->slow_confirm_hits ||
      t->hits < 3 || t->hits < p->slow_hit_frac * t->age ||
      k->max_snr < p->strong_snr || k->max_area > p->slow_max_area)
    return 0;
  if (too_near_to_drift(p, t, k)) return 0;
  double b2, stt, s2;
  double span = (double)(t->t_last_hit_ns - t->t_birth_ns) * 1e-9;
  if (!(span > 0.0) || !drift_fit(t, k, p->slow_resid_px, &b2, &stt, &s2))
    return 0;
  return b2 * span * span >= p->slow_min_px * p->slow_min_px &&
         b2 * stt >= p->slow_chi2 * s2;
}

/* Has a track that moved gone somewhere: is its filtered position's
 * distance from birth at least min_straightness times the filtered path it
 * took from hit to hit? A target goes one way; horizon shimmer and the
 * outline of a swaying bush wander back and forth around a point, so their
 * path grows with every hit while the distance stays bounded. */
static int goes_somewhere(const wl_track_params_t *p, const wl__trk_t *k) {
  double dx = k->ax.pos - k->birth_x, dy = k->ay.pos - k->birth_y;
  double r = p->min_straightness;
  double need = r * k->path_px - p->straightness_slack_px;
  return need <= 0 || dx * dx + dy * dy >= need * need;
}

/* Is a track a row streak: every detection at most streak_max_h rows tall
 * and, the tallest being one row, one at least streak_min_w wide, or else
 * one at least streak_aspect times as wide as the tallest is tall?
 * Horizon shimmer makes such flat streaks whose centroid jumps along the
 * row as their ends come and go, so they seem to move (and, extended and
 * strong, would confirm as static after static_confirm_hits); no target in
 * the simulator stays that flat. */
static int row_streak(const wl_track_params_t *p, const wl__trk_t *k) {
  if (k->max_h > p->streak_max_h) return 0;
  return (k->max_h <= 1.0 && k->max_w >= p->streak_min_w) ||
         k->max_w >= p->streak_aspect * k->max_h;
}

/* Is a track a flat streak over its life: its detections together at
 * least flat_aspect times as wide as tall (sum of widths against sum of
 * heights), none taller than flat_max_h? Horizon shimmer in a young
 * background model makes streaks 15-170 px wide and 2-8 rows tall, which
 * row_streak() (at most streak_max_h rows) misses; the flattest true
 * tracks in the simulator (distant vehicles and animals side-on) average
 * about 5:1. */
static int flat_streak(const wl_track_params_t *p, const wl__trk_t *k) {
  return p->flat_aspect > 0 && k->max_h <= p->flat_max_h &&
         k->sum_w >= p->flat_aspect * k->sum_h;
}

/* Is a track small and cold from its birth on: cold, none of its
 * detections covering more than ghost_max_area pixels, and on average at
 * most cold_ghost_max_h rows tall? In the simulator every such track is a
 * ghost (the ground where a warm animal or person stood while the
 * background model learned it, often with no confirmed track beside it
 * yet) or clutter, never a target: the one cold target, a person colder
 * than the sunlit ground at 205 m (border-day), is 50 px, its pieces
 * mostly 5 rows or taller. The mean height, not the largest: the
 * relearning blurs a sheep's ghost, so that now and then one of its
 * detections is 5-8 rows tall, while its usual height stays that of a
 * sheep (docs/DETECTION.md, tuning log "Nuisance: cold ghosts by their
 * mean height"). */
static int cold_small(const wl_track_params_t *p, const wl_track_t *t,
                      const wl__trk_t *k) {
  return p->cold_ghost_max_h > 0 && p->ghost_max_area > 0 &&
         k->polarity < 0 && k->max_area <= p->ghost_max_area &&
         k->sum_h <= p->cold_ghost_max_h * (t->hits > 0 ? t->hits : 1);
}

/* Blur of a point-like object in a detection's box, px: what a target
 * far beyond the range where it spans a pixel still measures. */
#define RANGE_BLUR_PX 2.0

/* The image row of a track box's bottom edge, clamped to the image (the
 * row whose person_px the range tests take). */
static int bottom_row(const wl_track_params_t *p, const wl_track_t *t) {
  double yb = t->y + t->h;
  return yb < 0.0 ? 0 : yb >= p->height ? p->height - 1 : (int)yb;
}

/* The pixel height of a person standing on a track box's bottom row
 * (bottom_row()), or 0 without person_px (and in the sky). */
static double person_at_bottom(const wl_track_params_t *p,
                               const wl_track_t *t) {
  if (!p->person_px || p->height <= 0) return 0.0;
  return p->person_px[bottom_row(p, t)];
}

/* Is a track of a size no target has at its range (person_px: the pixel
 * height of a person standing on the row of its box's bottom)?
 * - Too small: its largest detection, in width or height, less than
 *   min_target_frac of that height. Near the bottom of the image a person
 *   is tens of pixels tall and the smallest target (a small bird, 0.25 m)
 *   several pixels across, while a flickering bush edge, a warm clutter
 *   spot or a fixed-pattern pixel gives 1-3 px blobs that the young
 *   background model and the FFC's re-anchoring let through (nuisance,
 *   rows 390-510). A bird flying below the camera looks larger than a
 *   ground object at its row; one above it is seen against the sky, where
 *   person_px is 0 (no rule).
 * - Too long: its detections on average wider than max_target_len person
 *   heights plus RANGE_BLUR_PX. Near the horizon a person is under a pixel
 *   tall and a truck a few pixels long, while the shimmer of a young or
 *   re-anchored model gives streaks 5-30 px wide and a few rows tall that
 *   are not flat enough for flat_streak() (aspect 3-6).
 * The mean width, not the largest: a true far target's detection merged
 * now and then with a shimmer streak stays a target. */
static int wrong_size_for_range(const wl_track_params_t *p,
                                const wl_track_t *t, const wl__trk_t *k) {
  double ph = person_at_bottom(p, t);
  if (!(ph > 0.0)) return 0;
  double ext = k->max_w > k->max_h ? k->max_w : k->max_h;
  if (p->min_target_frac > 0 && ext < p->min_target_frac * ph) return 1;
  double mean_w = k->sum_w / (t->hits > 0 ? t->hits : 1);
  return p->max_target_len > 0 &&
         mean_w > p->max_target_len * ph + RANGE_BLUR_PX;
}

/* Rows above the last row that sees ground that still count as the
 * horizon (too_far_to_tell()). */
#define HORIZON_BAND_ROWS 2

/* Is a track too far for motion alone to tell (far_person_px): does a
 * person standing on the row of its box's bottom measure less than
 * far_person_px (and more than 0: the sky has no range)? Near the horizon
 * heat shimmer shifts the ground's texture and clutter by about a pixel
 * from frame to frame; in a background model that is young or re-anchored
 * after an FFC the detector finds spots and streaks there whose centroids
 * jump along the row by several pixels as their ends come and go, so they
 * seem to move and confirm within 5-20 hits, and die soon after
 * (nuisance: a third of the false confirmed tracks of the 5-minute runs).
 * A target that far is a pixel or two and takes a second to show anyway
 * (docs/DETECTION.md, tuning log "Nuisance: the horizon needs a
 * second"). */
static int too_far_to_tell(const wl_track_params_t *p, const wl_track_t *t,
                           const wl__trk_t *k) {
  if (!p->person_px || p->height <= 0 || !(p->far_person_px > 0) ||
      t->hits - k->hits_at_step >= p->far_confirm_hits)
    return 0;
  /* The horizon line itself: a box whose bottom is up to
   * HORIZON_BAND_ROWS rows above the last row that sees ground takes that
   * row's range (the camera model calls those rows sky, but the shimmer
   * of the ground's edge is there). */
  int row = bottom_row(p, t);
  double ph = 0.0;
  for (int r = row; r < p->height && r <= row + HORIZON_BAND_ROWS; r++)
    if ((ph = p->person_px[r]) > 0.0) break;
  return ph > 0.0 && ph < p->far_person_px;
}

/* Is a track too small to be a target standing still (static_min_frac):
 * its largest detection, in width or height, less than static_min_frac
 * of a person at the row of its box's bottom? Warm clutter spots (stones,
 * 2.5 K above the ground in nuisance) that the warm-up finds as steady
 * warm blobs were vouched for and confirmed as static for a whole run:
 * 5 x 4 px where a person is 28-36 px tall (0.3 m), while the smallest
 * target standing still, a dog or a crawling person, measures 0.5 m or
 * more along its longer side, and the pieces of standing targets the
 * static path confirmed measured 0.27 person heights or more
 * (docs/DETECTION.md, tuning log "Nuisance: the horizon needs a
 * second"). */
static int too_small_to_stand(const wl_track_params_t *p,
                              const wl_track_t *t, const wl__trk_t *k) {
  if (!(p->static_min_frac > 0)) return 0;
  double ph = person_at_bottom(p, t);
  double ext = k->max_w > k->max_h ? k->max_w : k->max_h;
  return ph > 0.0 && ext < p->static_min_frac * ph;
}

/* Is the track at least fragment_release_px from (x, y)? */
static int moved_off(const wl_track_params_t *p, const wl__trk_t *k,
                     double x, double y) {
  double dx = k->ax.pos - x, dy = k->ay.pos - y;
  return dx * dx + dy * dy >= p->fragment_release_px * p->fragment_release_px;
}

/* Has a possible ghost gone fragment_release_px from where it was first
 * seen so: beside a warm confirmed track (ghost_beside()), else, when
 * cold_small(), at its birth detection? A ghost stays where the animal
 * stood; a cold target walking beside a warm one goes on. */
static int ghost_released(const wl_track_params_t *p, const wl_track_t *t,
                          const wl__trk_t *k) {
  if (k->ghost_seen) return moved_off(p, k, k->ghost_x, k->ghost_y);
  if (cold_small(p, t, k)) return moved_off(p, k, k->birth_x, k->birth_y);
  return 1;
}

/* Hits a strong track that does not move needs to be confirmed as static:
 * static_vouched_hits when vouched for; static_small_hits (when larger than
 * static_confirm_hits) when none of its detections covered more than
 * static_small_area pixels or it may be a ghost; else static_confirm_hits.
 * Small unvouched ones are mostly the edges of swaying bushes and shimmer
 * in a background model too young to know them (nuisance: confirmed at the
 * end of the first FFC hold and between the FFCs of the storm); one second
 * of steadiness does not tell them from a standing target, two do better
 * (docs/DETECTION.md, tuning log "Nuisance: small static tracks and
 * ghosts"). */
static int static_hits_needed(const wl_track_params_t *p,
                              const wl_track_t *t, const wl__trk_t *k) {
  if (k->vouched) return p->static_vouched_hits;
  if ((k->max_area <= p->static_small_area || k->ghost_seen ||
       cold_small(p, t, k)) &&
      p->static_small_hits > p->static_confirm_hits)
    return p->static_small_hits;
  return p->static_confirm_hits;
}

/* Mean extent, px, a track's detections need on their longer axis for
 * their shape to be their own: a point-like object blurs to 2-3 px on
 * both axes, whatever its shape. */
#define SHAPE_MIN_PX 3.0

/* Is a cold track not vouched for squat: its detections on average
 * SHAPE_MIN_PX or more along their longer axis, and less than
 * cold_static_aspect times as tall as wide? Such a track does not
 * confirm as static (may_confirm()). A static object colder than the
 * ground that was never seen to move is background revealed (a ghost:
 * the model learned a warm object there, during the warm-up or while it
 * stood, and the object left; its footprint is as wide as the body or as
 * the trail the warm-up smeared, wider than tall) or cold clutter; the
 * one cold target, a person colder than sunlit ground, is upright (3-4
 * times as tall as wide), and while it shows only a 2-3 px piece of
 * itself the rule does not judge it (docs/DETECTION.md, tuning log
 * "Nuisance: cold static tracks that lie flat, and the sky edge"). */
static int cold_squat(const wl_track_params_t *p, const wl_track_t *t,
                      const wl__trk_t *k) {
  return p->cold_static_aspect > 0 && k->polarity < 0 && !k->vouched &&
         (k->sum_h > k->sum_w ? k->sum_h : k->sum_w) >=
             SHAPE_MIN_PX * (t->hits > 0 ? t->hits : 1) &&
         k->sum_h < p->cold_static_aspect * k->sum_w;
}

/* Is a cold track not vouched for past the time in which a target
 * confirms (cold_confirm_max_s): more than that since its birth or, for
 * the static path (t_step_ns, the time of the last FFC step; 0 for the
 * moving paths), since that step, when it came later (the static path
 * counts only the hits since the step)?
 * Nothing that moves at night is colder than the ground: a cold
 * detection there is the background model's error where a warm object
 * stood or walked slowly while the model learned it, and it lasts as
 * long as the relearning, tens of seconds, changing shape as the model
 * relearns its edges and growing or shrinking with the object that left
 * it, until a test passes (nuisance: a flock's cold trail 1 x 1 to
 * 20 x 2 px confirmed as moving at 11 s, the ghost of a grazing sheep
 * as static at 23 s; vehicle-run: a car's cold wake, as moving at
 * 3-5 s). A cold target (by day, a person colder than sunlit ground)
 * moves or stands like any target and confirms as soon: the true cold
 * tracks of the six presets within 2.1 s (docs/DETECTION.md, tuning log
 * "Nuisance: the flock's cold trails, and a flat box called a
 * person"). */
static int too_late_cold(const wl_track_params_t *p, const wl_track_t *t,
                         const wl__trk_t *k, int64_t t_step_ns) {
  if (!(p->cold_confirm_max_s > 0) || k->polarity >= 0 || k->vouched)
    return 0;
  int64_t from = t->t_birth_ns > t_step_ns ? t->t_birth_ns : t_step_ns;
  return (double)(t->t_last_hit_ns - from) * 1e-9 > p->cold_confirm_max_s;
}

/* Has every detection of an unvouched warm track been explained, all but
 * static_sway_snr noise sigmas of it, by the background swaying by up to
 * two pixels (the motion detector's jitter test, sway_loss)? The edge of
 * a swaying bush, seen on one side of its swing for a second; a target
 * standing on open ground is warmer than the model two pixels around.
 * Cold tracks are not judged: a slow cold walker's trail in the model
 * explained it (border-day; docs/DETECTION.md, tuning log "Nuisance:
 * swaying bushes' edges do not stand"). */
static int swayed_only(const wl_track_params_t *p, const wl__trk_t *k) {
  return p->static_sway_snr > 0 && !k->vouched && k->polarity > 0 &&
         k->max_sway_snr < p->static_sway_snr;
}

/* Is a track that was never strong (strong_snr) made mostly of
 * detections the background shifted by a pixel explains: fewer than
 * dim_shown_frac of its hits had confirm_min_snr (the motion detector's
 * jitter test)? Such a track does not confirm as moving. The outline of a
 * swaying bush or a shimmering patch, seen by a background model that has
 * not learned its spread yet (the first seconds, a relearn after an FFC
 * step), flickers as 1-3 px blobs whose centroid jumps as pixels come and
 * go, and a track chaining them moves 3-6 px with nothing moving; a dim
 * target shows beyond that shift in most frames (docs/DETECTION.md,
 * tuning log "Nuisance: swaying bushes confirmed as moving"). */
static int dim_flicker(const wl_track_params_t *p, const wl_track_t *t,
                       const wl__trk_t *k) {
  return p->dim_shown_frac > 0 && k->max_snr < p->strong_snr &&
         k->shown_hits < p->dim_shown_frac * t->hits;
}

/* May a tentative track that was just matched be confirmed? Its score and
 * hits must suffice, some detection of it must have had confirm_min_snr
 * (a track all of whose detections the motion detector's jitter test
 * explained as the background shifted by a pixel, snr 0, showed nothing
 * in any frame but where its ends came and went: nuisance, a 1-px spot
 * after an FFC confirmed as moving; docs/DETECTION.md, tuning log
 * "Nuisance: the drift path is for distant targets"), and it must move
 * (a little when strong, clearly when dim, and then not as a chain of
 * detections the jitter test explained: dim_flicker()) and go somewhere,
 * drift steadily (strong and small, drifted()), or be a strong, extended
 * (but at most static_max_area: larger static blobs are ghosts, unless the
 * caller vouched for the track as a warm blob in the frame) detection seen
 * for static_confirm_hits (static_vouched_hits when vouched for,
 * static_small_hits when small or a possible ghost:
 * static_hits_needed()); a possible ghost confirms as moving or drifting
 * only once released (ghost_released()); a cold squat track never as
 * static (cold_squat()); a cold track past cold_confirm_max_s never
 * (too_late_cold(); on the static path counted from t_step_ns, the
 * tracker's last FFC step, when later than its birth); a row or flat streak (horizon shimmer) never,
 * nor a track of a size no target has at its range
 * (wrong_size_for_range()), nor one all of whose detections were cut by
 * the top image edge in the sky (touches_sky_edge()). Static
 * confirmation counts only the hits since the last FFC step
 * (hits_at_step, wl_tracker_hold_confirmations): it rests on an object
 * staying put for a second, and hits gathered before a freeze and the
 * re-anchoring of the background after it do not show that (a swaying
 * bush's edge, seen steady for a while in a background that has not
 * learned it yet, is one; the hold alone only delayed such tracks to its
 * end). */
static int may_confirm(const wl_track_params_t *p, const wl_track_t *t,
                       const wl__trk_t *k, int64_t t_step_ns) {
  int strong = k->max_snr >= p->strong_snr;
  if (t->misses > 0 || t->score < p->confirm_score ||
      t->hits < (strong ? p->confirm_hits : p->confirm_hits_dim))
    return 0;
  if (k->max_snr < p->confirm_min_snr || row_streak(p, k) ||
      flat_streak(p, k) || wrong_size_for_range(p, t, k) ||
      too_far_to_tell(p, t, k) || !k->inside)
    return 0;
  if (has_moved(p, t, k, strong ? p->strong_motion_chi2 : p->motion_chi2))
    return !dim_flicker(p, t, k) && goes_somewhere(p, k) &&
           ghost_released(p, t, k) && !too_late_cold(p, t, k, 0);
  if (drifted(p, t, k))
    return ghost_released(p, t, k) && !too_late_cold(p, t, k, 0);
  return strong && p->static_confirm_hits > 0 &&
         !too_late_cold(p, t, k, t_step_ns) &&
         t->hits - k->hits_at_step >= static_hits_needed(p, t, k) &&
         !cold_squat(p, t, k) && !too_small_to_stand(p, t, k) &&
         k->max_area >= p->static_min_area && !swayed_only(p, k) &&
         (k->vouched || p->static_max_area <= 0 ||
          k->max_area <= p->static_max_area);
}

/* Is track j, other than i, a live confirmed track matched in this frame
 * whose box meets track i's box grown by fragment_gap_px? The neighbour
 * test of the fragment, ghost, trail and part rules. */
static int neighbour_meets(const wl_tracker_t *tr, int i, int j) {
  const wl_track_t *f = &tr->tracks[i], *t = &tr->tracks[j];
  double g = tr->p.fragment_gap_px;
  return j != i && t->state == WL_TRACK_CONFIRMED && t->det_index >= 0 &&
         !tr->trk[j].dead && f->x - g < t->x + t->w &&
         t->x < f->x + f->w + g && f->y - g < t->y + t->h &&
         t->y < f->y + f->h + g;
}

/* Does track i's box, grown by fragment_gap_px, meet the box of another
 * live confirmed track matched in this frame (only warm ones when
 * warm_only)? With big, *big is set when such a track is larger than
 * fragment_max_area, and the search goes on until one is found. */
static int meets_confirmed(const wl_tracker_t *tr, int i, int warm_only,
                           int *big) {
  int held = 0;
  /* Once held (beside a big one, when asked), nothing further can change
   * the answer. */
  for (int j = 0; j < tr->n && !(held && (!big || *big)); j++) {
    if (!neighbour_meets(tr, i, j) ||
        (warm_only && tr->trk[j].polarity <= 0))
      continue;
    const wl_track_t *t = &tr->tracks[j];
    if (big && t->w * t->h > tr->p.fragment_max_area) *big = 1;
    held = 1;
  }
  return held;
}

/* Is tentative track i a fragment of a confirmed object: none of its
 * detections covered more than fragment_max_area pixels, and its box,
 * grown by fragment_gap_px, meets the box of a confirmed track matched in
 * this frame? The detector splits a warm animal into its body and a head
 * or legs one to three pixels outside the body's box; birth_inside_suppress
 * only catches fragments whose centroid lies inside that box. *big is set
 * when one such confirmed track's box covers more than fragment_max_area
 * px^2 (an object bigger than any fragment: see fragment_released()). */
static int beside_confirmed(const wl_tracker_t *tr, int i, int *big) {
  if (tr->p.fragment_gap_px < 0 ||
      tr->trk[i].max_area > tr->p.fragment_max_area)
    return 0;
  return meets_confirmed(tr, i, 0, big);
}

/* The pixel height of a person whose feet are at row edge b, or 0. */
static double person_height(const wl_track_params_t *p, double b) {
  double r = floor(b - 0.5);
  if (!p->person_px || !(r >= 0.0) || r >= p->height) return 0.0;
  return p->person_px[(int)r];
}

/* Speed, px/s, a warm track needs for a cold one behind it to be its
 * trail: a walker at 300 m moves 10-15 px/s, and the warm trail a cold
 * person's warm-up leaves (border-day) wanders at 0-4 px/s. */
#define TRAIL_MIN_SPEED_PX_S 2.0

/* Is tentative track i the cold trail of a warm confirmed object
 * (trail_area_frac): cold, none of its detections covering more than
 * trail_area_frac * ph^2 pixels (ph: a person's height at its foot row,
 * person_px), its box, grown by fragment_gap_px, meeting the box of a
 * warm confirmed track matched in this frame that moves at
 * TRAIL_MIN_SPEED_PX_S or more, and its centre not ahead of that track's
 * centre along the track's velocity? The background model learns a warm
 * object that stands or walks slowly (the first second, a crowd's
 * pauses); where it leaves, the ground is colder than the model, and the
 * detector finds a cold blob that follows the object, behind it, until
 * the model relearns the ground. The ghost test (ghost_beside()) lets it
 * go, as it moves; it then confirms as a second, cold object beside the
 * first (crowd: 63 of 79 false tracks; vehicle-run: the cold wake of a
 * car). Ahead only: a cold person (border-day, colder than sunlit ground)
 * leaves a warm trail of its own, which may confirm; the person walks
 * ahead of it and is no trail (docs/DETECTION.md, tuning log "Crowd: the
 * cold trail behind a warm walker"). */
static int trail_behind_warm(const wl_tracker_t *tr, int i) {
  const wl_track_params_t *p = &tr->p;
  const wl_track_t *f = &tr->tracks[i];
  const wl__trk_t *k = &tr->trk[i];
  if (!(p->trail_area_frac > 0) || p->fragment_gap_px < 0 ||
      k->polarity >= 0)
    return 0;
  double ph = person_height(p, f->y + f->h);
  if (!(k->max_area <= p->trail_area_frac * ph * ph)) return 0;
  double fx = f->x + 0.5 * f->w, fy = f->y + 0.5 * f->h;
  for (int j = 0; j < tr->n; j++) {
    if (!neighbour_meets(tr, i, j) || tr->trk[j].polarity <= 0) continue;
    const wl_track_t *t = &tr->tracks[j];
    double dx = fx - (t->x + 0.5 * t->w), dy = fy - (t->y + 0.5 * t->h);
    if (t->vx * t->vx + t->vy * t->vy >=
            TRAIL_MIN_SPEED_PX_S * TRAIL_MIN_SPEED_PX_S &&
        dx * t->vx + dy * t->vy <= 0.0)
      return 1;
  }
  return 0;
}

/* Has a tentative track that was once held as a fragment of a bigger
 * object (beside_confirmed() with *big) gone at least fragment_release_px
 * from where it was last held? A fragment is set apart by going
 * somewhere, not by the confirmed track beside it going lost: an animal
 * that stands or grazes is slowly learned into the background and its
 * track lost, while a warm residue of it (a leg, the head, the hottest
 * patch) is still detected and would otherwise confirm as a new object in
 * the first frame the track beside it misses. Only a neighbour bigger than
 * fragment_max_area counts: two small tracks side by side can be one
 * small target (at 3-5 km), whose younger track must take over when the
 * older one is lost. */
static int fragment_released(const wl_track_params_t *p, const wl__trk_t *k) {
  if (!k->frag_held || p->fragment_release_px <= 0) return 1;
  return moved_off(p, k, k->frag_x, k->frag_y);
}

/* Is tentative track i a possible ghost: cold, none of its detections
 * covered more than ghost_max_area pixels, and its box, grown by
 * fragment_gap_px, meets the box of a warm confirmed track matched in this
 * frame? A warm animal that stood while the background model learned (the
 * warm-up) leaves a cold ghost where it stood once it moves off, right
 * beside its own track; the polarity gate keeps the animal's track off it,
 * and its centroid shifts as the model relearns it, so it seems to move
 * 2-3 px (nuisance: the flock's ghosts, confirmed after the first FFC and
 * output for up to 17 s). Only cold ones: warm tracks beside a cold
 * confirmed one (often such a ghost) are mostly the animals themselves
 * (nuisance recall 0.590 -> 0.561 with either polarity). */
static int ghost_beside(const wl_tracker_t *tr, int i) {
  const wl__trk_t *k = &tr->trk[i];
  if (tr->p.ghost_max_area <= 0 || tr->p.fragment_gap_px < 0 ||
      k->polarity >= 0 || k->max_area > tr->p.ghost_max_area)
    return 0;
  return meets_confirmed(tr, i, 1, NULL);
}

/* Is confirmed track i a part of another confirmed object in this frame
 * (part_speed_px_s): none of its detections covered more than
 * fragment_max_area pixels, and its box, grown by fragment_gap_px, meets
 * the box, larger than fragment_max_area px^2, of another confirmed track
 * matched in this frame, whose filtered velocity is within
 * part_speed_px_s of its own (once a part, it stays one while it meets
 * such a box, whatever the velocities: a 1-px piece's filtered velocity
 * jumps)? The fragment test (beside_confirmed()) keeps such pieces from
 * confirming beside their object, but not a piece that confirmed before
 * it (the animal's own track not confirmed yet, or briefly lost), nor a
 * lost track taken up again by a piece beside another animal's track;
 * they follow the animal at its speed 2-4 px from its centre, off its
 * truth box. A passer-by (a person walking past a truck at 4.5 km) moves
 * at its own velocity. Not output while a part (the object is); kept, so
 * that it can hold the object should the bigger track be lost. */
static int part_of_bigger(const wl_tracker_t *tr, int i) {
  const wl_track_params_t *p = &tr->p;
  if (!(p->part_speed_px_s > 0) || p->fragment_gap_px < 0 ||
      tr->trk[i].max_area > p->fragment_max_area)
    return 0;
  double vmax = p->part_speed_px_s;
  const wl_track_t *f = &tr->tracks[i];
  for (int j = 0; j < tr->n; j++) {
    const wl_track_t *t = &tr->tracks[j];
    if (!neighbour_meets(tr, i, j) || t->w * t->h <= p->fragment_max_area)
      continue;
    double dvx = f->vx - t->vx, dvy = f->vy - t->vy;
    if (tr->trk[i].part || dvx * dvx + dvy * dvy <= vmax * vmax) return 1;
  }
  return 0;
}

/* occlude_frames (track.h): is confirmed track i, missed in this frame,
 * hidden by another: its predicted box centre inside the box of another
 * live confirmed track of its polarity matched in this frame? People
 * crossing in a crowd overlap for about 12 frames, and one blob (or
 * none: the nearer person's) stands for both; the merge split cannot cut
 * a blob hardly larger than one of them, so one track takes it and the
 * other misses. It went LOST after coast_frames misses and was no longer
 * output, and the person came out of the crossing without a box or with
 * a new track. Held as hidden, it is output at its prediction (with the
 * velocity its clean hits gave it: hold_anchor_velocity()) and takes its
 * person back behind the re-acquisition gate (associate.c). */
static int occluded(const wl_tracker_t *tr, int i) {
  const wl__trk_t *k = &tr->trk[i];
  double x = k->ax.pos + k->ox, y = k->ay.pos + k->oy;
  for (int j = 0; j < tr->n; j++) {
    const wl_track_t *t = &tr->tracks[j];
    if (j == i || t->state != WL_TRACK_CONFIRMED || t->det_index < 0 ||
        tr->trk[j].dead || tr->trk[j].polarity != k->polarity)
      continue;
    if (x >= t->x && x < t->x + t->w && y >= t->y && y < t->y + t->h)
      return 1;
  }
  return 0;
}

/* standing_hold_frames (track.h): a standing target is a track the
 * caller vouched for (a blob it found warm in the single image), with
 * STANDING_MIN_HITS hits, whose anchor and filter velocities are both
 * below STANDING_MAX_PX_S and, with a camera model (person_px), whose
 * box is at least PERSON_MIN_FRAC of a person's height long or wide (a
 * vouched piece of clutter is not held: crowd, tuning seeds 1-10, FP
 * -90 with the test; long-range HOTA 0.582 -> 0.581 without it, back to
 * 0.582 with it). */
#define STANDING_MIN_HITS 25
#define STANDING_MAX_PX_S 3.0
static int standing(const wl_tracker_t *tr, int i) {
  const wl__trk_t *k = &tr->trk[i];
  const wl_track_t *t = &tr->tracks[i];
  double hp = person_height(&tr->p, t->y + t->h);
  if (hp > 0 && fmax(t->w, t->h) < PERSON_MIN_FRAC * hp) return 0;
  return tr->p.standing_hold_frames > 0 && k->vouched &&
         t->hits >= STANDING_MIN_HITS &&
         hypot(k->anc_vx, k->anc_vy) < STANDING_MAX_PX_S &&
         hypot(t->vx, t->vy) < STANDING_MAX_PX_S;
}

/* Is standing track i, missed in this frame, covered: does a detection
 * of this frame (a whole one, not a merge-split part) overlap its box
 * widened by its width on each side? In a crowd the passers-by in front
 * of a standing person merge with it into one blob, or stand beside it:
 * the caller's still-target blob test (the pipeline's continuation)
 * then fails, as its ring is no longer clear, and the vouched gate
 * (associate.c) rightly refuses the merged blob. The track missed,
 * went LOST after coast_frames and was deleted by its score after about
 * 45 misses, while the crowd went on passing; the person was not output
 * again (crowd, tuning seeds 1-10: 3,800 missed truth boxes of standing
 * people, one of the two standing people lost for good in 8 of 10
 * runs). Where nothing covers it, the blob test sees a standing target
 * that is there: a miss means it walked off. */
static int standing_covered(const wl_tracker_t *tr, int i) {
  const wl_track_t *s = &tr->tracks[i];
  double x0 = s->x - s->w, x1 = s->x + 2.0 * s->w;
  double y0 = s->y, y1 = s->y + s->h;
  for (int j = 0; j < tr->n_meas; j++) {
    const wl__meas_t *m = &tr->meas[j];
    if (m->part || !finite4(m->x, m->y, m->w, m->h)) continue;
    if (m->x < x1 && m->x + m->w > x0 && m->y < y1 && m->y + m->h > y0)
      return 1;
  }
  return 0;
}

/* A standing track's lifetime (standing_hold_frames) counts only the
 * misses in which nothing covered it (standing_covered()): where two
 * groups cross at a standing person, the passers-by merge with it for
 * seconds, its blob never passes the vouched gate, and its track, output
 * at its place all along, was deleted after 135 misses (4.5 s) while the
 * crowd still covered it; the person was then missed to the end of the
 * run (crowd, tuning seeds 1-10: a standing person lost for the last
 * 100-300 frames in 5 of 10 runs). Covered misses count again beyond
 * this many x standing_hold_frames misses in all (18 s at 30 fps). */
#define STANDING_COVERED_MAX 4

/* Out of the image by more than its own size (only with a known size). */
static int left_image(const wl_track_params_t *p, const wl_track_t *t) {
  if (p->width <= 0 || p->height <= 0) return 0;
  return t->x + 2.0 * t->w < 0.0 || t->y + 2.0 * t->h < 0.0 ||
         t->x - t->w > p->width || t->y - t->h > p->height;
}

#define RELINK_MIN_PX 1.0 /* the relink radius is never below this */
/* A standing track (standing()) is no relink target for a new track
 * moving at this speed or more: a passer-by. The relink radius grows
 * with the time since the last clean hit (0.3 s per second), which suits
 * a walker that went on walking while hidden but not a standing person
 * covered for seconds by the crowd: held (standing_hold_frames) and
 * hidden for 77 frames, its radius had grown to 17 px and a walker's new
 * track confirmed beside it took it over, walked off with its id and
 * left the standing person to a new track (crowd, tuning seeds 1-10:
 * HOTA 0.598 -> 0.603, DetA 0.580 -> 0.586). Refusing every vouched
 * track instead lost 0.013: walkers present at start-up are vouched too
 * (docs/DETECTION.md, "The first second: sure warm targets"). */
#define RELINK_STANDING_PX_S 6.0
/* The direction test refuses a relink only when both the old track's
 * anchor velocity and the new track's filter velocity are at least this
 * fast. A track confirmed three hits after its birth has a velocity of
 * a few px/s of noise, and a slow or turning walker's anchor velocity
 * says little of where it goes: the sign of their dot product refused
 * right relinks (a new track at 0.0 px/s against its person's old one
 * 6 px from its anchor prediction; crowd, tuning seeds 1-10: HOTA 0.614
 * -> 0.616, AssA 0.647 -> 0.650, IDSW 499 -> 492; 2 and 3 px/s: 0.615,
 * 6 px/s: 0.616). Walkers crossing at 10-15 px/s are still told apart. */
#define RELINK_DIR_MIN_PX_S 4.0
/* Does new track k move against old track q's anchor velocity? */
static int relink_against(const wl__trk_t *q, const wl__trk_t *k) {
  return q->anc_vx * k->ax.vel + q->anc_vy * k->ay.vel < 0 &&
         hypot(q->anc_vx, q->anc_vy) >= RELINK_DIR_MIN_PX_S &&
         hypot(k->ax.vel, k->ay.vel) >= RELINK_DIR_MIN_PX_S;
}
/* Relink (relink_gate_rel, track.h): tentative track i, confirmed in
 * this update, is a track already known when it starts where a LOST or
 * hidden track (occlude_frames) of its polarity, with
 * WL__ANCHOR_MIN_HITS clean hits, is expected: its filtered position
 * within max(1 px, g s) + g s T of that track's anchor prediction (as
 * the re-acquisition gate, associate.c, with g = relink_gate_rel), and it
 * does not move against that track's anchor velocity (both at least
 * RELINK_DIR_MIN_PX_S). The nearest such
 * track takes over i's filter, box and this update's hit, keeping its id,
 * birth, age, class evidence and motion anchor velocity (the anchor
 * position moves to i's hit); i is deleted. In a crowd a person whose
 * track went LOST in a merge (or beside one) and was not re-acquired
 * (the re-acquisition gate refused its first detections, or the
 * detector saw it again only as a new blob) came back as a new track
 * with a new id: a fragment (crowd, tuning seeds 1-10: 162 of 740 ID
 * switches were a new track confirmed where the person's old track had
 * just stopped, 117 of them within 0.5 s). Not vouched: a standing
 * track's vouching does not pass to what starts where it was. A
 * standing track is not that of a new track that moves
 * (RELINK_STANDING_PX_S). */
static void relink(wl_tracker_t *tr, int i) {
  const double g = tr->p.relink_gate_rel;
  if (!(g > 0)) return;
  wl_track_t *t = &tr->tracks[i];
  wl__trk_t *k = &tr->trk[i];
  int best = -1;
  double best_d = INFINITY;
  const int moving = hypot(k->ax.vel, k->ay.vel) >= RELINK_STANDING_PX_S;
  for (int o = 0; o < tr->n; o++) {
    const wl_track_t *u = &tr->tracks[o];
    const wl__trk_t *q = &tr->trk[o];
    int hidden = u->state == WL_TRACK_CONFIRMED && u->misses > 0 && q->hidden;
    if (o == i || (u->state != WL_TRACK_LOST && !hidden) || q->dead ||
        q->polarity != k->polarity || q->n_clean < WL__ANCHOR_MIN_HITS ||
        (moving && standing(tr, o)))
      continue;
    double px, py, r = wl__anchor_gate(tr, o, g, RELINK_MIN_PX, &px, &py);
    double d = hypot(k->ax.pos - px, k->ay.pos - py);
    if (d > r || relink_against(q, k)) continue;
    if (d < best_d) {
      best_d = d;
      best = o;
    }
  }
  if (best < 0) return;
  wl_track_t *u = &tr->tracks[best];
  wl__trk_t *q = &tr->trk[best];
  const wl_track_t old_t = *u;
  const wl__trk_t old_k = *q;
  *u = *t;
  *q = *k;
  u->id = old_t.id;
  u->t_birth_ns = old_t.t_birth_ns;
  u->age = old_t.age;
  u->hits += old_t.hits;
  u->cls = old_t.cls;
  u->cls_conf = old_t.cls_conf;
  q->cls = old_k.cls;
  q->has_cls_obs = old_k.has_cls_obs;
  q->t_last_cls_ns = old_k.t_last_cls_ns;
  q->n_clean = old_k.n_clean;
  q->anc_vx = old_k.anc_vx;
  q->anc_vy = old_k.anc_vy;
  q->anc_x = k->hit_x;
  q->anc_y = k->hit_y;
  q->anc_t_ns = t->t_last_hit_ns;
  q->hidden = 0;
  k->dead = 1;
  tr->stats.relinks++;
}

/* The state machine after this frame's hits and misses. */
static void advance_states(wl_tracker_t *tr) {
  const wl_track_params_t *p = &tr->p;
  for (int i = 0; i < tr->n; i++) {
    wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    t->age++;
    switch (t->state) {
    case WL_TRACK_TENTATIVE: {
      /* With fragment_release_px the fragment test runs in every frame, so
       * that a track held beside a bigger confirmed one is remembered. */
      if (!k->ghost_seen && ghost_beside(tr, i)) {
        k->ghost_seen = 1;
        k->ghost_x = k->ax.pos;
        k->ghost_y = k->ay.pos;
      }
      int may = tr->hold_confirm <= 0 && may_confirm(p, t, k, tr->t_step_ns);
      int big = 0;
      int held = (may || p->fragment_release_px > 0) &&
                 beside_confirmed(tr, i, &big);
      /* A trail is held as a fragment of a big object: it confirms only
       * once fragment_release_px from where it was last held. */
      if (!held && (may || p->fragment_release_px > 0) &&
          trail_behind_warm(tr, i))
        held = big = 1;
      if (held && big) {
        k->frag_held = 1;
        k->frag_x = k->ax.pos;
        k->frag_y = k->ay.pos;
      }
      if (may && !held && fragment_released(p, k)) {
        t->state = WL_TRACK_CONFIRMED;
        tr->stats.confirmations++;
        relink(tr, i);
      } else if (t->misses >= p->tentative_max_misses ||
                 t->score < k->score_peak - p->delete_drop ||
                 (t->misses > 0 && left_image(p, t))) {
        k->dead = 1;
      }
      break;
    }
    case WL_TRACK_CONFIRMED:
    case WL_TRACK_LOST:
      k->part = part_of_bigger(tr, i);
      if (t->misses > 0 && standing(tr, i)) {
        /* Held (standing_hold_frames): output while covered; its
         * lifetime counts the misses nothing covered
         * (STANDING_COVERED_MAX). */
        k->hidden = standing_covered(tr, i);
        k->covered_misses += k->hidden;
        if (t->misses - k->covered_misses > p->standing_hold_frames ||
            t->misses > STANDING_COVERED_MAX * p->standing_hold_frames ||
            left_image(p, t)) {
          k->dead = 1;
          break;
        }
        if (k->hidden)
          t->state = WL_TRACK_CONFIRMED;
        else if (t->misses > p->coast_frames)
          t->state = WL_TRACK_LOST;
        break;
      }
      if (t->misses > p->max_lost_frames ||
          (t->misses > 0 && (left_image(p, t) || t->score < p->delete_score)))
        k->dead = 1;
      else {
        k->hidden = t->misses > 0 && t->state == WL_TRACK_CONFIRMED &&
                    t->misses <= p->occlude_frames && occluded(tr, i);
        if (t->misses > p->coast_frames && !k->hidden)
          t->state = WL_TRACK_LOST;
      }
      break;
    }
  }
}

/* Is (x, y) inside the box of a track matched in this frame? */
static int inside_matched_box(const wl_tracker_t *tr, double x, double y) {
  for (int i = 0; i < tr->n; i++) {
    const wl_track_t *t = &tr->tracks[i];
    if (t->det_index < 0 || tr->trk[i].dead) continue;
    if (x >= t->x && x < t->x + t->w && y >= t->y && y < t->y + t->h)
      return 1;
  }
  return 0;
}

static void birth(wl_tracker_t *tr, int j, int64_t t_ns) {
  const wl_track_params_t *p = &tr->p;
  const wl__meas_t *m = &tr->meas[j];
  wl_track_t *t = &tr->tracks[tr->n];
  wl__trk_t *k = &tr->trk[tr->n];
  memset(t, 0, sizeof *t);
  memset(k, 0, sizeof *k);
  t->id = tr->next_id++;
  t->state = WL_TRACK_TENTATIVE;
  t->w = m->w;
  t->h = m->h;
  t->age = 1;
  t->hits = 1;
  t->det_index = j;
  t->snr = m->snr;
  t->contrast = m->contrast;
  t->t_birth_ns = t->t_last_hit_ns = t_ns;
  t->cls = WL_CLASS_UNKNOWN;
  double vv = p->init_speed_px_s * p->init_speed_px_s;
  k->ax = (wl__kf_axis_t){m->cx, 0.0, meas_var(p, m->w), 0.0, vv};
  k->ay = (wl__kf_axis_t){m->cy, 0.0, meas_var(p, m->h), 0.0, vv};
  k->ox = m->x + 0.5 * m->w - m->cx;
  k->oy = m->y + 0.5 * m->h - m->cy;
  k->birth_x = m->cx;
  k->birth_y = m->cy;
  k->birth_w = m->w;
  k->birth_h = m->h;
  k->birth_var = 0.5 * (k->ax.pp + k->ay.pp);
  k->hit_x = m->cx;
  k->hit_y = m->cy;
  k->max_snr = m->snr;
  k->max_sway_snr = m->sway_snr;
  k->shown_hits = m->snr >= p->confirm_min_snr;
  k->max_area = m->area;
  k->max_w = m->w;
  k->max_h = m->h;
  k->sum_w = m->w;
  k->sum_h = m->h;
  k->inside = !touches_sky_edge(p, m);
  k->polarity = m->polarity;
  k->ln_w = m->ln_w;
  k->ln_h = m->ln_h;
  k->ow = m->w;
  k->oh = m->h;
  k->det = j;
  k->spot_born = (size_t)j >= tr->spot_from;
  k->spot_origin = k->spot_born;
  wl_class_state_init(&k->cls);
  t->score = amp_score(p, m->snr);
  k->score_peak = t->score;
  publish(t, k);
  tr->meas[j].track = tr->n;
  tr->n++;
  tr->stats.births++;
}

/* Does box (x, y, w, h) lie inside detection b's box grown by 1 px? */
static int box_inside_meas(double x, double y, double w, double h,
                           const wl__meas_t *b) {
  return x >= b->x - 1 && y >= b->y - 1 && x + w <= b->x + b->w + 1 &&
         y + h <= b->y + b->h + 1;
}

/* Whether detection m holds the centroid of a live confirmed track other
 * than track i. */
static int holds_other_confirmed(const wl_tracker_t *tr, int i,
                                 const wl__meas_t *m) {
  for (int o = 0; o < tr->n; o++) {
    const wl__trk_t *ko = &tr->trk[o];
    if (o != i && !ko->dead && tr->tracks[o].state == WL_TRACK_CONFIRMED &&
        box_inside_meas(ko->ax.pos, ko->ay.pos, 0.0, 0.0, m))
      return 1;
  }
  return 0;
}

/* A young track grows to the whole target (grow_young_frames; track.h,
 * docs/DETECTION.md, "Association"): a young confirmed track matched to a
 * piece of its target (the hot front of a distant car while the running
 * mean still holds the rest, a piece of a truck) takes, instead, a larger
 * unmatched detection of its polarity that holds the piece's box whole
 * and the track's predicted centroid, and holds no other confirmed
 * track's. Without this the whole target's detection is born as a second
 * track that takes over a little later (an identity switch). The piece is
 * then inside a matched box and is not born (birth_inside_suppress). */
static void grow_to_whole(wl_tracker_t *tr) {
  for (int i = 0; i < tr->n; i++) {
    const wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    int jp = k->det;
    if (jp < 0 || k->dead || t->state != WL_TRACK_CONFIRMED ||
        t->age > tr->p.grow_young_frames || t->hits < 1 ||
        k->sum_w * k->sum_h <
            tr->p.grow_min_area * (double)t->hits * (double)t->hits)
      continue;
    const wl__meas_t *pc = &tr->meas[jp];
    int best = -1;
    double best_area = pc->w * pc->h;
    for (int j = 0; j < tr->n_meas; j++) {
      const wl__meas_t *m = &tr->meas[j];
      if (!m->valid || m->track >= 0 || m->part ||
          m->polarity != k->polarity || !(m->w * m->h > best_area) ||
          !box_inside_meas(pc->x, pc->y, pc->w, pc->h, m) ||
          !box_inside_meas(k->ax.pos, k->ay.pos, 0.0, 0.0, m))
        continue;
      if (holds_other_confirmed(tr, i, m)) continue;
      best = j;
      best_area = m->w * m->h;
    }
    if (best >= 0) {
      tr->meas[jp].track = -1;
      tr->meas[best].track = i;
      k->det = jp = best;
    }
    /* A track wider than tall (a vehicle: its front and rear apart while
     * the running mean learns its body): the unmatched pieces that, with
     * its detection, fit in the largest box it has had (+1 px) become one
     * detection, their union (crowd: not for people, whose largest box
     * may be a merge). O(detections x tracks) per young track. */
    wl__meas_t *u = &tr->meas[jp];
    for (int j = 0; j < tr->n_meas && k->max_w > k->max_h; j++) {
      wl__meas_t *m = &tr->meas[j];
      if (!m->valid || m->track >= 0 || m->part ||
          m->polarity != k->polarity)
        continue;
      double x0 = fmin(u->x, m->x), y0 = fmin(u->y, m->y);
      double x1 = fmax(u->x + u->w, m->x + m->w);
      double y1 = fmax(u->y + u->h, m->y + m->h);
      if (x1 - x0 > k->max_w + 1.0 || y1 - y0 > k->max_h + 1.0) continue;
      if (holds_other_confirmed(tr, i, m)) continue;
      double au = u->area > 0 ? u->area : 1, am = m->area > 0 ? m->area : 1;
      u->cx = (au * u->cx + am * m->cx) / (au + am);
      u->cy = (au * u->cy + am * m->cy) / (au + am);
      u->x = x0;
      u->y = y0;
      u->w = x1 - x0;
      u->h = y1 - y0;
      u->area += m->area;
      u->snr = fmax(u->snr, m->snr);
      u->sway_snr = fmax(u->sway_snr, m->sway_snr);
      u->contrast = fabs(m->contrast) > fabs(u->contrast) ? m->contrast
                                                          : u->contrast;
      u->ln_w = logf((float)(u->w + SIZE_SOFT_PX));
      u->ln_h = logf((float)(u->h + SIZE_SOFT_PX));
      m->track = i;
    }
  }
}

/* A track grows back to its whole target (grow_back; track.h): a
 * confirmed track (vouched for, or any with grow_back 2) matched to a
 * piece takes, instead, the largest unmatched detection of its polarity,
 * not a merge-split part, at least twice the piece's box, that holds the
 * piece's box whole and the track's predicted centroid, no other
 * confirmed track's, and fits in the largest box the track has had
 * (+1 px: not a merge with a passer-by). An animal that stops is
 * absorbed by the background model from its edges in: its temporal
 * detection shrinks to a residue at one corner while the still path's
 * blob (the pipeline's) still shows it whole, and the track that
 * followed the residue was a 1-px box beside the animal for minutes
 * while a second track took the blob (nuisance; docs/DETECTION.md,
 * tuning log "Nuisance: a stopped animal stays with its track"). */
static void grow_back(wl_tracker_t *tr) {
  for (int i = 0; i < tr->n; i++) {
    const wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    int jp = k->det;
    if (jp < 0 || k->dead || t->state != WL_TRACK_CONFIRMED ||
        (tr->p.grow_back < 2 && !k->vouched))
      continue;
    const wl__meas_t *pc = &tr->meas[jp];
    int best = -1;
    double best_area = 2.0 * pc->w * pc->h;
    for (int j = 0; j < tr->n_meas; j++) {
      const wl__meas_t *m = &tr->meas[j];
      if (!m->valid || m->track >= 0 || m->part ||
          m->polarity != k->polarity || !(m->w * m->h >= best_area) ||
          m->w > k->max_w + 1.0 || m->h > k->max_h + 1.0 ||
          !box_inside_meas(pc->x, pc->y, pc->w, pc->h, m) ||
          !box_inside_meas(k->ax.pos, k->ay.pos, 0.0, 0.0, m) ||
          holds_other_confirmed(tr, i, m))
        continue;
      best = j;
      best_area = m->w * m->h;
    }
    if (best >= 0) {
      tr->meas[jp].track = -1;
      tr->meas[best].track = i;
      k->det = best;
    }
  }
}

#define RESIDUE_HOST_AREA 2.0
#define RESIDUE_HOST_PAD_PX 1.0

/* Does point (x, y) lie in track h's box grown by pad px? */
static int in_box_pad(double x, double y, const wl_track_t *h, double pad) {
  return x >= h->x - pad && y >= h->y - pad && x <= h->x + h->w + pad &&
         y <= h->y + h->h + pad;
}

/* A residue's track is held out of the output (residue_hide_frames;
 * track.h): a confirmed track whose last residue_hide_frames matched
 * detections all had snr under confirm_min_snr, and whose filtered
 * centroid lies in the box (+ RESIDUE_HOST_PAD_PX) of another confirmed
 * track at least RESIDUE_HOST_AREA times its box's area, is not output
 * (wl_tracker_confirmed) until a detection of it shows something again
 * or no such track holds it. An animal that stops is absorbed by the
 * background model from its edges in; the motion detector keeps
 * reporting a 1-2 px residue at one edge, which its jitter test wholly
 * explains (snr 0), and the track that followed the animal stays on it
 * for minutes, 2-3 px from the animal's centre, while another track (the
 * still path's blob, or a box over the animal and its neighbour) holds
 * the animal (nuisance's flock; docs/DETECTION.md, tuning log "Nuisance:
 * a stopped animal's residue is not output beside its animal's track").
 * The track itself lives on as before: association and births see no
 * change. A coasting track keeps its last verdict, and so does one
 * matched to a merge-split part (residue_part_keep): a part carries its
 * whole detection's snr, not the track's own, so a residue's track given
 * a part of the blob that holds its animal and the animal's track
 * showed "something" in every such frame, and was output again for
 * hundreds of frames (docs/DETECTION.md, tuning log "Nuisance: a
 * residue's merge-split part shows nothing of its own"). */
static void hide_residues(wl_tracker_t *tr) {
  const wl_track_params_t *p = &tr->p;
  for (int i = 0; i < tr->n; i++) {
    const wl_track_t *t = &tr->tracks[i];
    wl__trk_t *k = &tr->trk[i];
    if (k->det < 0) continue;
    if (p->residue_part_keep && tr->meas[k->det].part) continue;
    k->residue_hidden = 0;
    if (tr->meas[k->det].snr >= p->confirm_min_snr) {
      k->residue_hits = 0;
      continue;
    }
    if (++k->residue_hits < p->residue_hide_frames ||
        t->state != WL_TRACK_CONFIRMED)
      continue;
    for (int o = 0; o < tr->n && !k->residue_hidden; o++) {
      const wl_track_t *h = &tr->tracks[o];
      k->residue_hidden =
          o != i && !tr->trk[o].dead && h->state == WL_TRACK_CONFIRMED &&
          h->w * h->h >= RESIDUE_HOST_AREA * t->w * t->h &&
          in_box_pad(t->cx, t->cy, h, RESIDUE_HOST_PAD_PX);
    }
    tr->stats.residue_hides += (uint64_t)k->residue_hidden;
  }
}

/* Start a tentative track from every detection nobody took. */
static void births(wl_tracker_t *tr, int64_t t_ns) {
  for (int j = 0; j < tr->n_meas; j++) {
    const wl__meas_t *m = &tr->meas[j];
    if (!m->valid || m->track >= 0 || m->part) continue;
    if (tr->p.birth_inside_suppress && inside_matched_box(tr, m->cx, m->cy))
      continue;
    if (tr->n >= tr->p.max_tracks) {
      tr->stats.dropped_births++;
      continue;
    }
    birth(tr, j, t_ns);
  }
}

/* Remove dead tracks, keeping id order. */
static void compact(wl_tracker_t *tr) {
  int w = 0;
  for (int i = 0; i < tr->n; i++) {
    if (tr->trk[i].dead) {
      tr->stats.deletions++;
      continue;
    }
    if (w != i) {
      tr->tracks[w] = tr->tracks[i];
      tr->trk[w] = tr->trk[i];
    }
    w++;
  }
  tr->n = w;
}

/* The pixel height of a person whose feet are at row edge b, or 0. */
/*
 * The output box of a confirmed person track cut short (person_fill).
 * A person walking towards or away from the camera hardly moves in the
 * image, and the background model learns the part of it that trails its
 * motion: the parts that every frame covers a place some part of the
 * body covered just before. Its detections then lack the head (moving
 * down the image, approaching) or the legs (moving up, going away): the
 * crowd's radial walkers were 2-6 px short. A box shorter than
 * person_fill x the camera's person height at its foot row (and at least
 * PERSON_MIN_FRAC of it, upright: a crawler or a merged group is left
 * alone) is extended at its trailing end: upwards when the track moves
 * down, downwards (to the foot row where the person height fits) when it
 * moves up; not when it moves less than PERSON_MIN_VY vertically.
 */
static void person_box(const wl_track_params_t *p, wl_track_t *t) {
  double fill = p->person_fill;
  if (!(fill > 0.0) || !p->person_px || t->cls != WL_CLASS_PERSON) return;
  double top = t->y, bot = t->y + t->h;
  double hp = person_height(p, bot);
  if (!(hp > 0.0) || t->h >= fill * hp || t->h < PERSON_MIN_FRAC * hp ||
      t->h < PERSON_UPRIGHT * t->w)
    return;
  if (t->vy > PERSON_MIN_VY) {
    t->h = fill * hp;
    t->y = bot - t->h;
  } else if (t->vy < -PERSON_MIN_VY) {
    double b = top + fill * hp;
    for (int it = 0; it < 2; it++) {
      double h2 = person_height(p, b);
      if (h2 > 0.0) b = top + fill * h2;
    }
    if (b - top > t->h) t->h = b - top;
  }
}

/* The output box of a track: its own size estimate for the output
 * (width_smoothing, height_smoothing) about the same centre, then
 * person_box(). The tracker's rules keep the box of size_smoothing. */
static void out_box(const wl_track_params_t *p, const wl__trk_t *k,
                    wl_track_t *t) {
  t->x += 0.5 * (t->w - k->ow);
  t->y += 0.5 * (t->h - k->oh);
  t->w = k->ow;
  t->h = k->oh;
  person_box(p, t);
}

static void collect_confirmed(wl_tracker_t *tr) {
  int c = 0;
  for (int i = 0; i < tr->n; i++)
    if (tr->tracks[i].state == WL_TRACK_CONFIRMED && !tr->trk[i].part &&
        !tr->trk[i].residue_hidden) {
      tr->confirmed[c] = tr->tracks[i];
      out_box(&tr->p, &tr->trk[i], &tr->confirmed[c++]);
    }
  tr->n_confirmed = c;
}

/* Start-up (track.h): the caller has seen the target itself. */
int wl_tracker_confirm(wl_tracker_t *tr, uint64_t id) {
  if (tr->hold_confirm > 0) return 0;
  for (int i = 0; i < tr->n; i++) {
    wl_track_t *t = &tr->tracks[i];
    if (t->id != id || t->state != WL_TRACK_TENTATIVE || t->misses > 0 ||
        tr->trk[i].dead)
      continue;
    wl_tracker_vouch(tr, id);
    t->state = WL_TRACK_CONFIRMED;
    tr->stats.confirmations++;
    collect_confirmed(tr);
    return 1;
  }
  return 0;
}

/* Move the clock to t_ns (never backwards); returns the step in s. */
static double advance_time(wl_tracker_t *tr, int64_t t_ns) {
  double dt = 0.0;
  if (tr->have_time && t_ns > tr->t_last_ns)
    dt = (double)(t_ns - tr->t_last_ns) * 1e-9;
  if (!tr->have_time || t_ns > tr->t_last_ns) tr->t_last_ns = t_ns;
  tr->have_time = 1;
  return dt;
}

/* A frame without news (see track.h): predict only. No hit, no miss, no
 * state change, no birth; the clutter map does not learn. */
void wl_tracker_coast(wl_tracker_t *tr, int64_t t_ns) {
  double dt = advance_time(tr, t_ns);
  tr->stats.frames++;
  predict_all(tr, dt);
  for (int i = 0; i < tr->n; i++) {
    tr->tracks[i].det_index = -1;
    tr->tracks[i].age++;
  }
  collect_confirmed(tr);
}

/* Merge split (merge_split; docs/DETECTION.md, "Association"). People
 * walking past or behind each other merge into one detection for a
 * while. Without this, one track took the blob (its box jumping to the
 * group's size, its centroid to the group's) while the others coasted,
 * were no longer output, and died or swapped ids when the group came
 * apart. A detection whose box holds the predicted centroids of two or
 * more tracks that were separate objects until now (confirmed, matched
 * in the last SPLIT_MAX_MISSES + 1 frames, of its polarity, each box at
 * most SPLIT_AREA_FRAC of the detection's area) is replaced, before the
 * association, by one part per track: the track's predicted box (its own
 * size) moved inside the detection's box, the outermost box on each side
 * moved out to the detection's edge when that is at most SPLIT_SNAP of
 * its size away (the blob's outline measures the outer edges of the
 * outer people: their positions do not rest on the prediction alone).
 * The parts must explain the detection: their predicted boxes together
 * span at least SPLIT_COVER of its width and of its height (a blob much
 * larger than the tracks in it holds someone else too, or is something
 * else). A track predicted
 * within SPLIT_SEP of its size of an older one on both axes (two tracks
 * on one person) is not counted. Parts are associated like any detection
 * (so a part can still go to another track), keep the caller's detection
 * index (src) and never start tracks. O(detections x tracks) per frame;
 * the parts use the free slots of the detection buffers (up to
 * max_detections). */
#define SPLIT_MAX_PARTS 8
#define SPLIT_MAX_MISSES 1
#define SPLIT_AREA_FRAC 0.8
#define SPLIT_COVER 0.85
#define SPLIT_SEP 0.5
#define SPLIT_SNAP 0.5

/* May track i get a part of detection m? */
static int split_candidate(const wl_tracker_t *tr, int i,
                           const wl__meas_t *m) {
  const wl_track_t *t = &tr->tracks[i];
  const wl__trk_t *k = &tr->trk[i];
  if (t->state != WL_TRACK_CONFIRMED || t->misses > SPLIT_MAX_MISSES)
    return 0;
  if (tr->p.polarity_gate && k->polarity != m->polarity) return 0;
  return k->ax.pos >= m->x && k->ax.pos < m->x + m->w && k->ay.pos >= m->y &&
         k->ay.pos < m->y + m->h &&
         t->w * t->h <= SPLIT_AREA_FRAC * m->w * m->h;
}

/* The gating arrays of detection j from tr->meas[j]. */
static void set_meas_gate(wl_tracker_t *tr, int j) {
  const wl__meas_t *m = &tr->meas[j];
  tr->gate_cx[j] = m->valid ? (float)m->cx : NAN;
  tr->gate_cy[j] = (float)m->cy;
  tr->gate_lnw[j] = (float)m->ln_w;
  tr->gate_lnh[j] = (float)m->ln_h;
  tr->gate_lnlam[j] = (float)m->ln_lambda;
}

/* One axis of a part: the extent [x, x + w) of a track's predicted box
 * (w at most span) placed inside the detection's [lo, lo + span). When
 * the box is the outermost of the parts on the low (first) or high (last)
 * side, it moves out to the detection's edge if that is at most
 * SPLIT_SNAP * w away; then it is clamped inside. */
static double place_part(double x, double w, double lo, double span,
                         int first, int last) {
  double hi = lo + span;
  if (first && x > lo && x - lo <= SPLIT_SNAP * w) x = lo;
  if (last && x + w < hi && hi - (x + w) <= SPLIT_SNAP * w) x = hi - w;
  if (x + w > hi) x = hi - w;
  return x < lo ? lo : x;
}

/* The tracks (indices into idx, at most SPLIT_MAX_PARTS) that get a part
 * of detection m; returns their number, and in box[4] (x0, x1, y0, y1) the
 * union of their predicted boxes. */
static int split_tracks(const wl_tracker_t *tr, const wl__meas_t *m,
                        int *idx, double box[4]) {
  int cnt = 0;
  for (int i = 0; i < tr->n && cnt < SPLIT_MAX_PARTS; i++) {
    if (!split_candidate(tr, i, m)) continue;
    const wl_track_t *t = &tr->tracks[i];
    int dup = 0;
    for (int a = 0; a < cnt && !dup; a++) {
      const wl_track_t *u = &tr->tracks[idx[a]];
      dup = fabs(t->cx - u->cx) < SPLIT_SEP * fmin(t->w, u->w) &&
            fabs(t->cy - u->cy) < SPLIT_SEP * fmin(t->h, u->h);
    }
    if (!dup) idx[cnt++] = i; /* ids ascend: the older track stays */
  }
  if (cnt < 2) return 0;
  box[0] = box[2] = INFINITY;
  box[1] = box[3] = -INFINITY;
  for (int a = 0; a < cnt; a++) {
    const wl_track_t *t = &tr->tracks[idx[a]];
    box[0] = fmin(box[0], t->x);
    box[1] = fmax(box[1], t->x + t->w);
    box[2] = fmin(box[2], t->y);
    box[3] = fmax(box[3], t->y + t->h);
  }
  /* The predicted boxes, clipped to the detection, must span it. */
  if (fmin(box[1], m->x + m->w) - fmax(box[0], m->x) < SPLIT_COVER * m->w ||
      fmin(box[3], m->y + m->h) - fmax(box[2], m->y) < SPLIT_COVER * m->h)
    return 0;
  return cnt;
}

/* The gating arrays' padding up to the cost matrix's stride: no
 * detection there. */
static void pad_meas_gates(wl_tracker_t *tr) {
  tr->n_meas_pad = (tr->n_meas + WL__GATE_BLOCK - 1) / WL__GATE_BLOCK *
                   WL__GATE_BLOCK;
  for (int j = tr->n_meas; j < tr->n_meas_pad; j++) {
    tr->gate_cx[j] = tr->gate_cy[j] = NAN;
    tr->gate_lnw[j] = tr->gate_lnh[j] = tr->gate_lnlam[j] = 0.0f;
  }
}

static void split_merged(wl_tracker_t *tr) {
  const int n_orig = tr->n_meas;
  for (int j = 0; j < n_orig; j++) {
    wl__meas_t *m = &tr->meas[j];
    if (!m->valid) continue;
    int idx[SPLIT_MAX_PARTS];
    double box[4];
    int cnt = split_tracks(tr, m, idx, box);
    if (cnt < 2 || tr->n_meas + cnt > tr->p.max_detections) continue;
    double sum_a = 0;
    for (int a = 0; a < cnt; a++)
      sum_a += tr->tracks[idx[a]].w * tr->tracks[idx[a]].h;
    for (int a = 0; a < cnt; a++) {
      const wl_track_t *t = &tr->tracks[idx[a]];
      const wl__trk_t *k = &tr->trk[idx[a]];
      wl__meas_t *q = &tr->meas[tr->n_meas];
      *q = *m;
      q->w = fmin(t->w, m->w);
      q->h = fmin(t->h, m->h);
      q->x = place_part(t->x, q->w, m->x, m->w, t->x == box[0],
                        t->x + t->w == box[1]);
      q->y = place_part(t->y, q->h, m->y, m->h, t->y == box[2],
                        t->y + t->h == box[3]);
      q->cx = q->x + 0.5 * q->w - k->ox;
      q->cy = q->y + 0.5 * q->h - k->oy;
      q->ln_w = logf((float)(q->w + SIZE_SOFT_PX));
      q->ln_h = logf((float)(q->h + SIZE_SOFT_PX));
      q->area = (int)lround(m->area * t->w * t->h / sum_a);
      if (q->area < 1) q->area = 1;
      q->part = 1;
      set_meas_gate(tr, tr->n_meas);
      tr->n_meas++;
    }
    m->valid = 0; /* replaced by its parts */
    set_meas_gate(tr, j);
    tr->stats.merge_splits++;
  }
}

int wl_tracker_update(wl_tracker_t *tr, int64_t t_ns,
                      const wl_detection_t *dets, size_t n, wl_err_t *err) {
  if (n > 0 && !dets)
    return wl_fail(err, WL_EINVAL,
                   "tracker update: %zu detections but a NULL array", n);
  double dt = advance_time(tr, t_ns);
  tr->stats.frames++;

  size_t use = n < (size_t)tr->p.max_detections ? n
                                                 : (size_t)tr->p.max_detections;
  tr->stats.dropped_detections += n - use;
  tr->n_meas = (int)use;
  for (int j = 0; j < tr->n_meas; j++) {
    wl__meas_t *m = &tr->meas[j];
    meas_from_detection(&dets[j], m);
    m->src = j;
    if (!m->valid) tr->stats.dropped_detections++;
    m->ln_lambda = m->valid ? clutter_ln_density(tr, m->cx, m->cy) : 0.0;
    set_meas_gate(tr, j);
  }

  predict_all(tr, dt);
  if (tr->p.merge_split) split_merged(tr);
  pad_meas_gates(tr);
  int rc = wl__track_associate(tr, err);
  if (rc < 0) return rc;
  if (tr->p.grow_young_frames > 0) grow_to_whole(tr);
  if (tr->p.grow_back > 0) grow_back(tr);
  for (int i = 0; i < tr->n; i++) {
    if (tr->trk[i].det >= 0)
      update_hit(tr, i, t_ns);
    else
      update_miss(tr, i);
  }
  if (tr->p.residue_hide_frames > 0 && tr->p.confirm_min_snr > 0)
    hide_residues(tr);
  advance_states(tr);
  if (tr->hold_confirm > 0) tr->hold_confirm--;
  for (int i = 0; i < tr->n; i++)
    if (tr->tracks[i].det_index >= 0 &&
        tr->tracks[i].state == WL_TRACK_CONFIRMED)
      observe_class(tr, &tr->tracks[i], &tr->trk[i], t_ns);
  births(tr, t_ns);
  tr->spot_from = SIZE_MAX;
  clutter_map_learn(tr);
  compact(tr);
  collect_confirmed(tr);
  return WL_OK;
}
