/*
 * track_int.h - private to lib/track: the tracker's state and the pieces
 * its files share (the per-axis Kalman filter, association), and the id
 * counter the pipeline shares (wl__tracker_take_id).
 *
 * Design. The public wl_track_t array and the private filter array are
 * parallel (same index = same track) and kept in increasing id order:
 * births append, deletions compact stably, so output needs no sort.
 * Every buffer is sized by wl_tracker_new from max_tracks and
 * max_detections; an update only reuses them.
 *
 * The constant-velocity model treats x and y as independent: each axis has
 * its own 2x2 covariance [pp pv; pv vv] (position px^2, cross px^2/s,
 * velocity px^2/s^2). With independent process and measurement noise per
 * axis the full 4x4 filter keeps exactly this block-diagonal form.
 */
#ifndef WL_TRACK_INT_H
#define WL_TRACK_INT_H

#include <math.h>
#include <stdint.h>

#include "watchline/track.h"

/* Clean hits before a track's motion anchor is trusted: by the
 * re-acquisition gate (associate.c) and the velocity through a merge
 * (track.c). */
#define WL__ANCHOR_MIN_HITS 10

/* One image axis of a constant-velocity Kalman filter. */
typedef struct wl__kf_axis {
  double pos, vel;    /* px, px/s */
  double pp, pv, vv;  /* covariance */
} wl__kf_axis_t;

/* Predict dt seconds ahead with continuous white-acceleration density q
 * (px^2/s^3). dt <= 0 leaves the axis unchanged. */
static inline void wl__kf_predict(wl__kf_axis_t *a, double dt, double q) {
  if (!(dt > 0.0)) return;
  double dt2 = dt * dt;
  a->pos += a->vel * dt;
  a->pp += 2.0 * a->pv * dt + a->vv * dt2 + q * dt2 * dt / 3.0;
  a->pv += a->vv * dt + q * dt2 / 2.0;
  a->vv += q * dt;
}

/* Fuse a position measurement z with variance r. */
static inline void wl__kf_update(wl__kf_axis_t *a, double z, double r) {
  double s = a->pp + r;
  double k_pos = a->pp / s, k_vel = a->pv / s;
  double y = z - a->pos;
  a->pos += k_pos * y;
  a->vel += k_vel * y;
  double pp = a->pp, pv = a->pv;
  a->pp = pp * r / s;
  a->pv = pv * r / s;
  a->vv -= pv * pv / s;
  if (a->vv < 1e-12) a->vv = 1e-12;
}

/* Cap the position variance at cap (and the velocity variance at vcap),
 * scaling the cross term so the covariance stays positive definite. */
static inline void wl__kf_cap(wl__kf_axis_t *a, double cap, double vcap) {
  if (a->pp > cap) {
    a->pv *= sqrt(cap / a->pp);
    a->pp = cap;
  }
  if (a->vv > vcap) {
    a->pv *= sqrt(vcap / a->vv);
    a->vv = vcap;
  }
}

/* Detections are gated in blocks of this many (a vector's worth). */
#define WL__GATE_BLOCK 8

/* One detection as the tracker uses it. */
typedef struct wl__meas {
  double cx, cy;          /* centroid */
  double x, y, w, h;      /* box */
  double ln_w, ln_h;      /* ln(w + 2), ln(h + 2): for the size term */
  double snr, contrast;
  double sway_snr;        /* snr less the detection's sway_loss */
  double ln_lambda;       /* ln clutter density at the detection */
  int area;
  int polarity;
  int valid;              /* finite, non-empty box */
  int track;              /* matched track index or -1 */
  int src;                /* the caller's detection index (a part of a
                             split merged detection: that detection's) */
  int part;               /* 1: a part made by the merge split */
} wl__meas_t;

/* Private per-track state, parallel to the public array. */
typedef struct wl__trk {
  wl__kf_axis_t ax, ay;
  double ox, oy;          /* box centre minus centroid, smoothed */
  double stature;         /* its detections' height over the camera's
                             person height at their foot row, averaged
                             over detections clear of others (0: none) */
  int n_stature;
  double ow, oh;          /* box size of the output (wl_tracker_confirmed:
                             width_smoothing, height_smoothing); t->w,
                             t->h (size_smoothing) serve the tracker */
  double birth_x, birth_y, birth_var;
  double birth_w, birth_h;/* its birth detection's box size (has_moved(),
                             growth_aspect) */
  double path_px;         /* filtered path length from hit to hit */
  double hit_x, hit_y;    /* filtered position after the last hit */
  double score_peak;
  double max_snr;
  double max_sway_snr;    /* largest snr - sway_loss of its detections */
  int shown_hits;         /* its hits whose detection had confirm_min_snr
                             (dim_shown_frac) */
  double max_w, max_h;    /* of its detections' boxes */
  double sum_w, sum_h;    /* sums of its detections' widths and heights
                             (flat_streak) */
  int max_area;
  int residue_hits;       /* consecutive hits on detections under
                             confirm_min_snr (hide_residues()) */
  int residue_hidden;     /* held out of the output (hide_residues()) */
  int polarity;           /* of the birth detection: +1 warm, -1 cold */
  int hits_at_step;       /* its hits when the last FFC step was reported
                             (wl_tracker_hold_confirmations), 0 if born
                             after it: see may_confirm() */
  /* Straight-line fit of the hits' centroids against time (slow-drift
   * confirmation): sums of t (s since birth), t^2, and of x, y (px from
   * the birth centroid), their squares and products with t. */
  double fit_t, fit_tt, fit_x, fit_xx, fit_xt, fit_y, fit_yy, fit_yt;
  int step_jump;          /* an FFC step came since its last hit: the
                             next hit's jump is no motion (ffc_skip_jump) */
  int frag_held;          /* was held as a fragment in some frame
                             (beside_confirmed(); fragment_release_px) */
  double frag_x, frag_y;  /* its filtered position when last held */
  int ghost_seen;         /* was seen beside a confirmed track of the
                             other polarity (ghost_beside(); ghost_max_area) */
  double ghost_x, ghost_y;/* its filtered position when first seen so */
  int part;               /* confirmed, but a part of a bigger confirmed
                             object in this frame: not output
                             (part_of_bigger(), part_speed_px_s) */
  int spot_born;          /* born from a warm-up spot detection
                             (wl_tracker_mark_spots); 2: vouched for,
                             kept when the spots end */
  int spot_origin;        /* born from a warm-up spot (never cleared:
                             too_near_to_drift()) */
  int inside;             /* one of its detections was clear of the top
                             image row where that row sees sky
                             (touches_sky_edge(); border_confirm) */
  int hidden;             /* confirmed, missed and kept output while
                             hidden by another track (occlude_frames,
                             occluded() in track.c) */
  int vouched;            /* vouched for (wl_tracker_vouch): the static
                             rule needs static_vouched_hits hits */
  int covered_misses;     /* standing (standing_hold_frames): of its
                             misses since its last hit, those in which a
                             detection covered it (standing_covered()) */
  /* Motion anchor (associate.c, anchor_update(); reacquire_gate_rel):
   * the filtered position and time after the last clean hit (a whole
   * detection of about the track's size, no merge-split part), and the
   * velocity averaged over its clean hits: where the track was going
   * before a merge or a coast rewrote its filter. */
  double anc_x, anc_y;    /* px */
  double anc_vx, anc_vy;  /* px/s */
  double anc_w, anc_h;    /* its smoothed box size then (0: none yet) */
  int64_t anc_t_ns;
  int n_clean;            /* clean hits so far (the anchor is trusted
                             from WL__ANCHOR_MIN_HITS on) */
  int clean_hit;          /* this update's hit is clean (set by the
                             association, taken in by the next one) */
  /* Per-frame scratch */
  double sx, sy;          /* innovation variances */
  double half_ln_s;       /* 0.5 ln(sx sy) */
  double ln_w, ln_h;      /* ln(w + 2), ln(h + 2) */
  int det;                /* matched detection or -1 */
  int n_allowed;          /* detections inside its gates this frame */
  int dead;               /* to be removed at the end of this update */
  int64_t t_last_cls_ns;
  int has_cls_obs;
  wl_class_state_t cls;
} wl__trk_t;

struct wl_tracker {
  wl_track_params_t p;
  const wl_classifier_t *clf;
  /* Derived constants */
  double miss_cost;       /* -ln(1 - p_detect) */
  double hit_const;       /* ln(2 pi) - ln(p_detect); ln(clutter density)
                             is per detection (gate_lnlam) */
  double ln_size_gate;    /* ln(size_gate_ratio) */
  double inv_two_size_var;
  /* Tracks: n live, public and private parallel, in id order */
  wl_track_t *tracks;
  wl__trk_t *trk;
  int n;
  wl_track_t *confirmed;  /* output copy */
  int n_confirmed;
  /* Per-frame scratch */
  wl__meas_t *meas;
  int n_meas;
  /* The gating values of meas[] as plain float arrays padded to a
   * multiple of WL__GATE_BLOCK (padding and invalid detections have NaN
   * cx), so the cost loop reads contiguous memory in fixed-size blocks
   * and vectorises. */
  float *gate_cx, *gate_cy, *gate_lnw, *gate_lnh;
  float *gate_lnlam;      /* ln of the clutter density at each detection */
  int n_meas_pad;         /* n_meas rounded up: the cost matrix's stride */
  float *cost;            /* n x n_meas_pad, row-major, +inf = gated out */
  int *uf;                /* union-find parents: tracks then detections */
  int *members;           /* cluster members, grouped */
  int *start;             /* cluster start offsets into members */
  double *sub;            /* a cluster's cost matrix with miss columns */
  int *row_to_col;
  void *work;
  size_t work_size;
  /* Clutter map: false-detection rate per cell (detections per frame),
   * learned from the detections no confirmed track takes. */
  float *clutter;         /* cells_x * cells_y, or NULL when disabled */
  int cells_x, cells_y;
  double clutter_alpha;   /* 1 / clutter_frames */
  uint64_t clutter_seen;  /* frames learned since creation or reset */
  double inv_cell_area;   /* 1 / clutter_cell_px^2 */
  /* Time and ids */
  int64_t t_last_ns;
  int have_time;
  uint64_t next_id;
  wl_tracker_stats_t stats;
  int hold_confirm;       /* updates left in which nothing confirms
                             (wl_tracker_hold_confirmations) */
  int64_t t_step_ns;      /* the time of the update before the last FFC
                             step (wl_tracker_hold_confirmations), 0 if
                             none since creation or reset: a track born
                             after it has a later birth (too_late_cold()) */
  size_t spot_from;       /* the next update's detections from this index
                             on are warm-up spots (wl_tracker_mark_spots);
                             SIZE_MAX: none */
};

/* The tracker's next id, taken for a track its caller outputs beside the
 * tracker's own (track.c; the pipeline's static spot sites of 8-bit AGC
 * video, lib/pipeline/spatial_8bit.c): no track of this tracker gets it,
 * and ids taken or born later are larger. Ids so stay unique over the
 * stream and increase in order of birth, whoever made the track. */
uint64_t wl__tracker_take_id(wl_tracker_t *tr);

/* Association (associate.c): fills tr->trk[i].det and tr->meas[j].track
 * for this frame's optimal assignment. Returns WL_OK or an error from the
 * solver (which would be a bug: the sizes are checked at creation). */
int wl__track_associate(wl_tracker_t *tr, wl_err_t *err);

/* Where track i's motion anchor puts it now (tr->t_last_ns) in *px, *py,
 * and the radius of the gate about that point: max(min_px, g s) + g s T,
 * s the larger side of the track's box, T the seconds since the anchor
 * (associate.c; the re-acquisition gate and the relink use it). */
double wl__anchor_gate(const wl_tracker_t *tr, int i, double g, double min_px,
                       double *px, double *py);

#endif
