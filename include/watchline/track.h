/*
 * watchline/track.h - multi-object tracking of detections across frames.
 *
 * Each object is a constant-velocity Kalman filter on its detection
 * centroid (x, y in pixels, vx, vy in px/s; the two image axes are
 * independent, so each keeps a 2x2 covariance), with its box size and the
 * offset of the box centre from the centroid smoothed alongside
 * (exponential averages: the size with weight size_smoothing for a new
 * detection, the offset, a shape property that motion does not change,
 * with half that weight); the box is centred at the filtered centroid
 * plus the offset, so it follows a moving target without lag. That box
 * serves the tracker (association, its rules, wl_tracker_tracks()). The
 * output box (wl_tracker_confirmed()) has the same centre and its own
 * size: the width averaged with width_smoothing, the height with
 * height_smoothing (a walker's width swings with the gait, its height
 * does not); with a camera model (person_px), a confirmed person's output
 * box that is cut short (the background model learns the trailing part of
 * a person walking towards or away from the camera) is extended at that
 * end to person_fill x a person's height. A person track learns its own
 * stature (its whole, unmerged detections' height over the person height)
 * and completes with it the hidden end of a detection that the motion
 * detector's overlap cut gave the prior's height (one person in front of
 * another: the nearer one's top, the farther one's bottom).
 * Detection boxes are sub-pixel (motion.h), so the box is too. Time comes
 * from the frames' t_ns: any positive dt is fine (irregular frame times
 * included); dt = 0 (a repeated time stamp) predicts nothing; a time going
 * backwards counts as dt = 0.
 *
 * Association is optimal every frame: the cost of giving detection j to
 * track i is its negative log-likelihood ratio against clutter,
 *     0.5 d^2 + 0.5 ln(Sx Sy) + ln(2 pi) + ln(lambda_j) - ln(p_detect)
 *     + size term,
 * where d^2 is the Mahalanobis distance of the centroid under the track's
 * innovation covariance S, gated at gate_chi2, lambda_j the false-detection
 * density (per pixel per frame) at the detection, and the size term
 * penalises (and gates) a change of box size. Leaving a track unmatched
 * costs -ln(1 - p_detect). The tracks and detections that compete for each
 * other (connected through their gates) are solved together with
 * wl_assign_solve (the Hungarian method), which minimises the total cost:
 * never greedy.
 *
 * Merge split (merge_split): before the costs, a detection whose box holds
 * the predicted centroids of two or more confirmed tracks matched in the
 * last two frames, each at most half its area, whose predicted boxes
 * together span most of it (people merged into one blob), is replaced by
 * one part per track: the track's predicted box moved inside the
 * detection's (the outermost ones out to its edges). The parts are
 * associated like detections, never start tracks, and a track matched to
 * one reports the blob's index as det_index (so two tracks may share it).
 * With it on, a hit on a part or on a blob much larger than the track
 * leaves a track with 10 or more clean hits at its anchor velocity
 * (below), its velocity std capped at 3 px/s: the group's motion does not
 * become the person's.
 *
 * Re-acquisition gate (reacquire_gate_rel): a LOST track (or one hidden,
 * below, for more than coast_frames misses) takes back only
 * a detection near its anchor prediction: the position after its last
 * clean hit (a whole detection, not a merge-split part, at most 1.6 x as
 * wide and 1.3 x as tall, plus 1 px, as the track's box at its previous
 * clean hit, and not more than clean_narrow x narrower than the track's
 * box) moved on by its velocity averaged over its clean hits
 * (exponential, weight 0.1), within the radius given below. While it was
 * merged or coasting, its Kalman velocity (and with it the prediction)
 * drifts with the blobs it took; the anchor does not. A hit is not clean
 * either when it is contested (contested_hold): the detection's box holds
 * the predicted box centre of another confirmed track that took nothing
 * (two people crossing in one blob). Anchor cost (anchor_cost): a
 * walking track whose last frame was not a clean hit also pays for a
 * detection's distance from its anchor prediction.
 *
 * Clutter map: when the image size is known, a grid of clutter_cell_px
 * cells learns how many detections per frame no confirmed track takes
 * (mean over the first clutter_frames frames, then an exponential average
 * with that time constant); lambda_j is that rate over the cell's area,
 * never below clutter_density. Where a detector keeps firing (horizon
 * shimmer, vegetation, a flickering pixel) associations are dearer and
 * tracks gain score more slowly. wl_tracker_restart_clutter() restarts
 * the mean when the detector's output changes character (the end of the
 * motion detector's warm-up).
 *
 * Life of a track:
 *   TENTATIVE  born from a detection no track took; not output. Its score
 *              (a log-likelihood ratio, "track before detect") adds, per
 *              hit, the kinematic term (minus the association cost's
 *              position part, at most kin_max) plus an amplitude term
 *              amp_gain * (snr - snr_neutral) clamped to +-amp_max, and
 *              per miss ln(1 - p_detect). A track is "strong" once a
 *              detection with snr >= strong_snr was matched. It is
 *              CONFIRMED, in a frame where it is matched, when
 *                score >= confirm_score, and
 *                hits >= confirm_hits (strong) or confirm_hits_dim, and
 *                some detection had snr >= confirm_min_snr (not all
 *                of them explained by the background shifted by a
 *                pixel: the motion detector's jitter test), and
 *                it has moved: its filtered position is at least
 *                motion_min_px from its first detection (when it was
 *                never strong, with at least dim_shown_frac of its hits
 *                not explained by a one-pixel shift, snr >=
 *                confirm_min_snr: the flicker of a swaying bush's
 *                outline or of shimmer, whose centroid jumps as its
 *                pixels come and go) and at least
 *                sqrt(chi2) standard deviations of that difference, chi2
 *                being strong_motion_chi2 (strong) or motion_chi2
 *                (for a track at least growth_aspect times as wide as
 *                tall on average, each axis's displacement less half
 *                its box's growth on that axis: a flock's blob that
 *                animals join), and
 *                it went somewhere: that distance is at least
 *                min_straightness x (filtered path from hit to hit) -
 *                straightness_slack_px (shimmer and bush outlines wander
 *                to and fro), and it is no row streak (all detections at
 *                most streak_max_h rows tall and one >= streak_min_w wide
 *                when all are 1 row, else >= streak_aspect x as wide as
 *                tall: horizon shimmer) nor a flat streak (detections
 *                together >= flat_aspect x as wide as tall, none taller
 *                than flat_max_h: wider shimmer; these bar every path
 *                below too);
 *              or, when slow_confirm_hits > 0 (12 by default), a strong
 *              small track (detections of at most slow_max_area pixels)
 *              that drifts steadily: after slow_confirm_hits hits in at
 *              least slow_hit_frac of its frames, a least-squares line
 *              through its centroids against time carries it at least
 *              slow_min_px since birth with a slope significant at
 *              slow_chi2 (a target at 3-5 km walking ~1 px/s; with
 *              person_px, a track born from a warm-up spot only where a
 *              person is under slow_max_person_px tall);
 *              or, when static_confirm_hits > 0 (30 by default), a
 *              strong track with a detection of at least static_min_area
 *              pixels (and none over static_max_area: a ghost) after
 *              static_confirm_hits hits without moving (static_small_hits
 *              when none of its detections covered more than
 *              static_small_area pixels and it is not vouched for). A
 *              possible ghost (ghost_max_area: a small cold track once
 *              seen beside a warm confirmed track) confirms as moving or
 *              drifting only once fragment_release_px from where it was
 *              first seen so, as static only after static_small_hits;
 *              so does a cold track of at most ghost_max_area pixels and
 *              on average cold_ghost_max_h rows from its birth on.
 *              With person_px (the camera model's person height per row)
 *              a track of a size no target has at its range never
 *              confirms on any path: its largest detection smaller than
 *              min_target_frac of a person there (a 1-3 px spot near
 *              the image bottom), or its detections on average wider than
 *              max_target_len persons plus 2 px (a streak near the
 *              horizon), nor one all of whose detections reached into
 *              the top image row where it sees sky (border_confirm: cut
 *              by the border, airborne). A cold track not vouched for
 *              whose detections were on average at least 3 px long and
 *              less than cold_static_aspect times as tall as wide (a
 *              ghost's footprint, not an upright person) never confirms
 *              as static, nor (with person_px) a track whose largest
 *              detection is less than static_min_frac of a person there
 *              (warm clutter, not a standing target). A cold track not
 *              vouched for confirms within cold_confirm_max_s of its
 *              birth (as static: of its birth or the last FFC step) or
 *              never (the model's ghosts and trails). At an FFC step
 *              (wl_tracker_hold_confirmations), a tentative track's jump
 *              from its last hit before the freeze to its first after it
 *              counts as no motion (ffc_skip_jump), unless it brings
 *              the track nearer its birth point (ffc_jump_back: a
 *              bush's return swing). With person_px, a track where a
 *              person is less than far_person_px tall (near the horizon)
 *              confirms only after far_confirm_hits hits since the last
 *              FFC step.
 *              So a strong moving target confirms after ~3 hits, a dim one
 *              (SNR ~3) after ~8-15 consistent hits; noise, which does not
 *              come back inside a small gate, and static flicker, which
 *              does not move, does not confirm (a lone flickering pixel
 *              never; an extended strong one only after a steady second
 *              with static_confirm_hits). A temporal detector does not
 *              see standing objects for long anyway; a target that stops
 *              after confirmation stays confirmed. A tentative track is
 *              deleted after tentative_max_misses consecutive misses or
 *              when its score falls delete_drop below its peak.
 *   CONFIRMED  output every frame, including up to coast_frames
 *              consecutive frames without a detection (at its prediction),
 *              except while it is a part of a bigger confirmed object
 *              beside it (part_speed_px_s). It is *hidden* while it
 *              misses with its predicted box centre inside the box of
 *              another confirmed track of its polarity matched in the
 *              same frame (a person behind a passer-by): then it stays
 *              CONFIRMED and output for up to occlude_frames misses
 *              (taking detections back only through the re-acquisition
 *              gate once it has missed more than coast_frames).
 *              A standing target the caller vouched for is *held*
 *              (standing_hold_frames) while it misses with a detection
 *              overlapping its box widened by its width on each side:
 *              passers-by in front of it or merged with it hide it, and
 *              the caller's still-target blob test fails there. It is
 *              then CONFIRMED (also from LOST) and output at its place,
 *              hidden as above; it is deleted only after
 *              standing_hold_frames misses in which nothing covered it
 *              (or 4 x standing_hold_frames misses in all).
 *   LOST       a confirmed track missed for more than coast_frames frames:
 *              not output, still predicted (its position uncertainty capped
 *              at max_pos_std_px). Matched again within max_lost_frames
 *              frames of its last hit, it is CONFIRMED again with the same
 *              id. It is deleted after max_lost_frames misses, or as soon
 *              as it misses while its prediction is outside the image by
 *              more than its own size or its score is below delete_score.
 * Relink (relink_gate_rel): a tentative track confirmed where a LOST or
 * hidden track is expected (near that track's anchor prediction, not
 * moving against its anchor velocity when both move at 4 px/s or more;
 * a standing track only for a new track slower than 6 px/s) is that
 * track come back: the older
 * track takes over its filter, box and hit and keeps its own id, birth,
 * class evidence and anchor velocity; the new one is deleted.
 * Ids start at 1 and are never reused by a tracker.
 *
 * Memory: everything (tracks, cost matrix, assignment workspace, clutter
 * map) is allocated by wl_tracker_new for max_tracks tracks and
 * max_detections detections per frame (wl_tracker_state_bytes);
 * wl_tracker_update allocates nothing. Detections beyond max_detections in
 * one frame are ignored (counted in the stats), as are births when all
 * max_tracks slots are taken.
 *
 * Classification: with a classifier attached (wl_tracker_set_classifier),
 * the observation of every confirmed track matched in a frame (its box,
 * velocity and velocity uncertainty, the detection's contrast and SNR)
 * feeds the track's class evidence, at most once per classify_interval_s;
 * each track carries its class and confidence.
 *
 * A tracker is one camera's state: not thread-safe, but trackers are
 * independent of each other.
 */
#ifndef WATCHLINE_TRACK_H
#define WATCHLINE_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/classify.h"
#include "watchline/common.h"
#include "watchline/detect.h"

typedef enum wl_track_state {
  WL_TRACK_TENTATIVE = 0,
  WL_TRACK_CONFIRMED = 1,
  WL_TRACK_LOST = 2
} wl_track_state_t;

/* "tentative", "confirmed", "lost" (static); "?" for other values. */
const char *wl_track_state_name(wl_track_state_t state);

/* A track as the caller sees it. Pixel coordinates are continuous with
 * the image's top-left corner at (0, 0). */
typedef struct wl_track {
  uint64_t id;            /* from 1, never reused */
  wl_track_state_t state;
  double x, y, w, h;      /* box: top-left corner and size, px */
  double cx, cy;          /* filtered centroid, px */
  double vx, vy;          /* velocity, px/s */
  double pos_std_px;      /* centroid standard deviation (larger axis) */
  double vel_std_px_s;    /* velocity standard deviation (larger axis) */
  int age;                /* frames since birth; 1 in the birth frame */
  int hits;               /* frames with a matched detection */
  int misses;             /* consecutive frames without one (0: matched) */
  double score;           /* track log-likelihood ratio (see above) */
  double snr;             /* SNR of the last matched detection */
  double contrast;        /* its peak contrast */
  int det_index;          /* index of this frame's matched detection, -1 */
  int64_t t_birth_ns;     /* time of the first detection */
  int64_t t_last_hit_ns;  /* time of the last matched detection */
  wl_class_t cls;         /* WL_CLASS_UNKNOWN without a classifier */
  double cls_conf;        /* 0..1 */
} wl_track_t;

typedef struct wl_track_params {
  /* Capacity */
  int max_tracks;           /* 128: live tracks at once, all states */
  int max_detections;       /* 256: detections used per frame; at most
                               max_tracks x (max_detections + max_tracks)
                               = 4194304 */
  int width, height;        /* image size, for deleting tracks that leave
                               it; 0 = unknown (no such deletion) */
  /* Motion model */
  double accel_px_s2;       /* 20: velocity noise floor, px/s per s (the
                               continuous white-acceleration density is
                               (accel_px_s2 + accel_rel * size)^2) */
  double accel_rel;         /* 0.3: plus this many box sizes per s^2 */
  double meas_std_px;       /* 0.4: centroid noise floor, px */
  double meas_std_rel;      /* 0.08: plus this fraction of the box size */
  double init_speed_px_s;   /* 120: velocity std of a newborn track */
  double max_pos_std_px;    /* 8: cap on a coasting track's position std */
  double size_smoothing;    /* 0.6: weight of a new box size (EMA) in the
                               tracker's own box (half of it for the
                               box-centre offset) */
  double width_smoothing;   /* 0.8: weight of a new box width in the
                               output box (the gait swings it) */
  double height_smoothing;  /* 0.4: weight of a new box height in the
                               output box */
  const float *person_px;   /* NULL, or per image row (height entries) the
                               pixel height of a standing person whose
                               feet are on that row (0 where the row sees
                               no ground), from the camera model: for
                               person_fill, border_confirm,
                               min_target_frac and max_target_len;
                               borrowed, must outlive the tracker; NULL */
  double person_fill;       /* 0.95: the output box (wl_tracker_confirmed)
                               of a confirmed person-class track that is
                               upright, moves vertically and is shorter
                               than this x person_px at its foot row is
                               extended to that height at its trailing
                               end (docs/DETECTION.md); 0: off, and no
                               completion by the person's own stature */
  /* Association */
  double gate_chi2;         /* 13.82: chi-square gate, 99.9 % for 2 dof */
  double size_std_log;      /* 0.35: std of ln(size ratio), per axis */
  double size_gate_ratio;   /* 4: a box more than 4x larger or smaller
                               (per axis, after +2 px) does not match */
  double clutter_density;   /* 1e-5: false detections per pixel per frame
                               (the floor of the clutter map) */
  int clutter_cell_px;      /* 16: clutter map cell size, px; 0: no map */
  double clutter_frames;    /* 100: its memory (time constant), frames */
  double p_detect;          /* 0.9: probability a target is detected */
  /* Track score and confirmation (see above) */
  double snr_neutral;       /* 3: SNR that adds nothing to the score */
  double amp_gain;          /* 1: score per unit of SNR above neutral */
  double amp_max;           /* 6: cap of the amplitude term per frame */
  double kin_max;           /* 8: cap of the kinematic term per hit */
  double score_max;         /* 100: the score is clamped to this */
  double confirm_score;     /* 30: score to confirm */
  double strong_snr;        /* 8: one detection this strong makes a track
                               "strong" */
  int confirm_hits;         /* 3: hits a strong track needs */
  int confirm_hits_dim;     /* 6: hits any other track needs */
  double confirm_min_snr;   /* 0.5: a track none of whose detections had
                               this snr (each wholly explained, to within
                               this many noise sigmas, by the background
                               shifted by up to a pixel: the motion
                               detector's jitter test) never confirms;
                               0: off */
  double motion_min_px;     /* 2: distance from the first detection... */
  double strong_motion_chi2;/* 4: ...and significance (squared standard
                               deviations) a strong track must move */
  double motion_chi2;       /* 16: ...and any other track */
  double dim_shown_frac;    /* 0.5: a track that was never strong moves
                               only when at least this fraction of its
                               hits had confirm_min_snr (detections the
                               background shifted by a pixel does not
                               explain: not the flicker of a swaying
                               bush's outline); 0: off */
  double growth_aspect;     /* 1.5: a track whose detections were on
                               average at least this many times as wide
                               as tall moves, for the tests above, only
                               by its displacement beyond half the change
                               of its box's width (on x) and height (on
                               y) since its first detection, a change
                               counted from 2 px: a flock's blob that
                               grows on one side as animals join it
                               shifts its centroid with nothing moving;
                               0: off */
  int static_confirm_hits;  /* 30: if > 0, a strong track that does not
                               move is confirmed after this many hits... */
  int static_min_area;      /* 4: ...when a detection covered this many
                               pixels (never a lone flickering pixel) */
  double static_sway_snr;   /* 8: ...and, when warm and not vouched
                               for, a detection kept this snr beyond
                               what the background swaying by up to two
                               pixels explains (wl_detection_t.sway_loss:
                               not the edge of a swaying bush); 0: off */
  int static_vouched_hits;  /* 3: static_confirm_hits for a track the
                               caller vouched for (wl_tracker_vouch) */
  int static_max_area;      /* 200: ...and none more than this many (a
                               large blob never seen to move is a ghost:
                               background revealed where an object stood
                               while the model learned it); 0: no limit */
  int slow_confirm_hits;    /* 12: if > 0, a strong small track with this
                               many hits... */
  double slow_hit_frac;     /* 0.8: ...in at least this fraction of its
                               frames is confirmed when a straight line
                               fitted to its centroids over time carries
                               it at least... */
  double slow_min_px;       /* 1: ...this far since birth, with... */
  double slow_chi2;         /* 25: ...this slope significance (squared
                               standard errors, from the fit's residuals
                               but at least...) */
  double slow_resid_px;     /* 0.1: ...this many px rms per axis)... */
  int slow_max_area;        /* 10: ...and none of its detections covered
                               more pixels than this... */
  double slow_max_person_px;/* 10: ...and, with person_px, a track born
                               from a warm-up spot (not vouched for) only
                               where a person on the row of its box's
                               bottom measures less than this many pixels
                               (nearer, a point-like spot is a piece of
                               something larger: a bush's swing); 0: any
                               range */
  double spot_keep_chi2;    /* 25: when the warm-up spots end, a
                               spot-born tentative track is kept when its
                               drift slope is significant at this (> 0)
                               and it is small as above; 0: none is kept
                               (see wl_tracker_end_spots: 25 finds slow
                               long-range targets in the first second, at
                               the cost of a few swaying bushes,
                               docs/DETECTION.md)... */
  int spot_keep_max_area;   /* 6: ...and point-like: none of its
                               detections covered more pixels than
                               this... */
  int spot_keep_max_w;      /* 3: ...or was wider than this many px (a
                               slow target at 3-5 km is 1-3 px wide; the
                               outline of a swaying bush the spots fired
                               on is wider) */
  double delete_drop;       /* 12: tentative deleted this far below peak */
  double delete_score;      /* 0: a confirmed or lost track that misses
                               while its score is below this is deleted */
  int tentative_max_misses; /* 4: consecutive misses that end a tentative */
  int coast_frames;         /* 2: missed frames a confirmed track is still
                               output */
  int max_lost_frames;      /* 45: frames since the last hit before a lost
                               track is deleted */
  int occlude_frames;       /* 15: a confirmed track that misses while its
                               prediction lies inside the box of another
                               confirmed track matched in the same frame
                               (hidden behind a passer-by) stays CONFIRMED,
                               output at its prediction, for up to this
                               many missed frames (not coast_frames); 0:
                               off */
  int standing_hold_frames; /* 135: a standing target the caller vouched
                               for (wl_tracker_vouch; 25 hits, anchor
                               and filter speed below 3 px/s) that misses
                               is CONFIRMED and output at its place while
                               a detection of the frame overlaps its box
                               widened by its width on each side (a
                               passer-by in front of it or merged with
                               it), also back from LOST, and is deleted
                               only after this many misses in which no
                               detection covered it, or 4 x this many in
                               all (not max_lost_frames, delete_score);
                               0: off */
  int birth_inside_suppress;/* 1: no birth from a detection whose centroid
                               lies inside the box of a track matched in
                               the same frame (fragments of one object) */
  int grow_young_frames;    /* 60: a confirmed track at most this many
                               frames old, matched to a piece of its
                               target, takes instead a larger unmatched
                               detection that holds the piece whole and
                               its predicted centroid (and no other
                               confirmed track's); 0: off */
  double grow_min_area;     /* 40: ... only a track whose mean box (mean
                               width x mean height of its detections)
                               covers at least this many px^2 (pieces
                               beside a distant target are as often
                               other targets) */
  int grow_back;            /* 2: a confirmed track of any age matched
                               to a piece of at most half the area of a
                               larger unmatched detection that holds the
                               piece whole and its predicted centroid, no
                               other confirmed track's, and fits in the
                               largest box it has had (+1 px), takes that
                               detection instead (an animal that stops is
                               absorbed by the background model from its
                               edge: a residue beside its whole blob); 1:
                               only a track the caller vouched for
                               (wl_tracker_vouch); 0: off */
  int residue_hide_frames;  /* 30: a confirmed track whose last this
                               many matched detections all had snr under
                               confirm_min_snr (wholly explained by the
                               background shifted by a pixel: a stopped
                               animal's residue in the background model)
                               is not output (wl_tracker_confirmed) while
                               its centroid lies in the box (+1 px) of
                               another confirmed track at least twice its
                               box's area (the track that holds the
                               animal); it lives on; 0: off */
  int residue_part_keep;    /* 1: a hit on a merge-split part (which
                               carries its whole detection's snr, not
                               the track's own) neither counts toward nor
                               resets that run, and keeps the last verdict
                               (as a miss does); 0: it counts by the
                               whole detection's snr */
  int polarity_gate;        /* 1: a track only takes detections of the
                               polarity it was born with; 0: any */
  int merge_split;          /* 1: a detection that holds the predicted
                               centroids of two or more established tracks
                               (people merged into one blob) is split
                               into one part per track (its predicted box
                               kept inside the detection's); 0: off */
  double vouched_gate_px;   /* 1.5: a track the caller vouched for
                               (wl_tracker_vouch: a standing target) takes
                               no detection whose centroid lies farther
                               than this from its prediction on either
                               axis, unless the only other tracks that may
                               take it stand still too (under 6 px/s):
                               not a passer-by's blob; 0: no such gate */
  double reacquire_gate_rel;/* 0.15: a LOST track with 10 or more clean
                               hits (whole detections of about its size,
                               no merge-split parts) takes only a
                               detection within max(1 px, this x its size)
                               + this x its size per second since its last
                               clean hit of where that hit and its mean
                               velocity over clean hits put it now (a
                               walker does not turn round while hidden);
                               0: no such gate */
  double relink_gate_rel;   /* 0.3: a tentative track confirmed within
                               max(1 px, this x its size) + this x its
                               size per second of the anchor prediction
                               (as reacquire_gate_rel) of a LOST or hidden
                               (occlude_frames) track of its polarity with
                               10 or more clean hits, and not moving
                               against that track's anchor velocity
                               (both 4 px/s or more), is
                               that track: the nearest such one takes
                               over its filter and hit and keeps its own
                               id (not a standing track, see
                               standing_hold_frames, for a new track
                               moving at 6 px/s or more); 0: off */
  int contested_hold;       /* 1: a hit on a whole detection whose box
                               holds the predicted box centre of another
                               confirmed track of its polarity with 10 or
                               more clean hits that took no detection in
                               that frame (two people crossing in one
                               blob too tight for the merge split) is not
                               clean: its anchor stays where it was and
                               (with merge_split) the track keeps its
                               anchor velocity through it; 0: off */
  double clean_narrow;      /* 1.6: a hit on a detection more than this
                               many times narrower than the track's box
                               (after 1 px is added to its width) is not
                               clean: a blob that shrinks to one side (a
                               group's track left on one of its people)
                               moves its centroid by half the lost width,
                               which is no motion; its anchor stays where
                               it was and (with merge_split) the track
                               keeps its anchor velocity; 0: off */
  double anchor_cost;       /* 0.5: a confirmed or lost track with 10 or
                               more clean hits, an anchor velocity of
                               6 px/s or more (a walker), and whose last
                               frame was not a clean hit (missed,
                               merged, contested) adds this x
                               0.5 d^2 / r^2 to the cost of
                               each detection, d its distance from the
                               anchor prediction and r = max(1 px, 0.15 s)
                               + 0.15 s T (the re-acquisition radius with
                               0.15): where the track was going before
                               the merge or the coast; 0: off */
  double classify_interval_s; /* 0.1: class evidence at most this often */
  int contrast_in_kelvin;   /* 1: detections' peak_contrast is in kelvin
                               (radiometric frames) and the classifier may
                               use it; 0: it is not (AGC video) */
  double min_straightness;  /* 0.7: a track confirmed for moving must also
                               go somewhere: its filtered position's
                               distance from birth at least this fraction
                               of the filtered path it took from hit to
                               hit, less... (shimmer and swaying bushes
                               wander back and forth); 0: off */
  double straightness_slack_px; /* 1: ...this many pixels (slow, noisy
                               targets) */
  double streak_max_h;      /* 2: a track whose detections were all at
                               most this many rows tall and, the tallest
                               being 1 row, one at least streak_min_w wide,
                               or else one at least streak_aspect times
                               as wide as the tallest is tall (a flat
                               horizon-shimmer streak), is never
                               confirmed; 0: off */
  double streak_min_w;      /* 2 */
  double streak_aspect;     /* 4 */
  double flat_aspect;       /* 6: nor is a track whose detections, summed
                               over its life, were at least this many
                               times as wide as tall, none taller than
                               flat_max_h (a wider horizon streak, 2-8
                               rows tall, 15-170 px wide); 0: off */
  double flat_max_h;        /* 16 */
  double fragment_gap_px;   /* 3: a tentative track none of whose
                               detections covered more than
                               fragment_max_area pixels is not confirmed
                               while its box, grown by this many pixels,
                               meets the box of a confirmed track matched
                               in the same frame (a fragment of that
                               object: a sheep's head or legs a pixel or
                               three off its body's box); < 0: off */
  int fragment_max_area;    /* 12 */
  double fragment_release_px; /* 6: a tentative track that was held as
                               such a fragment of a confirmed track whose
                               box covers more than fragment_max_area px^2
                               in any frame confirms only once its
                               filtered position is at least this far
                               from where it was last held: the
                               confirmed track beside it going lost (a
                               standing animal learned into the
                               background while a warm residue of it is
                               still detected) does not set it apart;
                               0: off (the fragment test then only runs
                               in frames where the track could confirm) */
  double part_speed_px_s;   /* 3: a confirmed track none of whose
                               detections covered more than
                               fragment_max_area pixels is not output
                               while its box, grown by fragment_gap_px,
                               meets the box (larger than
                               fragment_max_area px^2) of another
                               confirmed track matched in that frame and
                               it moves with that track (filtered
                               velocities within this many px/s when it
                               first meets it): a part of that object (a
                               sheep's head or legs, a warm patch of it),
                               not a second one; it stays confirmed and is
                               output again once apart; 0: off */
  double trail_area_frac;   /* 0.6: with person_px, a cold tentative
                               track none of whose detections covered
                               more than this fraction of ph^2 pixels
                               (ph: a person's height at its foot row)
                               is held like a fragment (fragment_release_px)
                               while its box, grown by fragment_gap_px,
                               meets the box of a warm confirmed track
                               matched in that frame, moving at 2 px/s or
                               more, and its centre is not ahead of that
                               track's along its velocity: the cold
                               trail the background model leaves behind
                               a warm walker or car; 0: off */
  int static_small_area;    /* 12: a track not vouched for none of whose
                               detections covered more pixels than this
                               (the edge of a swaying bush, a shimmer
                               blob, a warm residue) confirms as static
                               only after... */
  int static_small_hits;    /* 60: ...this many hits since the last FFC
                               step (at least static_confirm_hits); 0:
                               static_confirm_hits for all */
  int ghost_max_area;       /* 30: a cold tentative track none of whose
                               detections covered more pixels than this,
                               seen in some frame with its box, grown by
                               fragment_gap_px, meeting the box of a warm
                               confirmed track matched in that frame (a
                               ghost: the background a warm animal stood
                               on while the model learned it, cold once
                               the animal moves off), confirms as moving
                               or drifting
                               only once its filtered position is
                               fragment_release_px from where it was first
                               seen so, and as static (not vouched for)
                               only after static_small_hits; 0: off */
  double cold_ghost_max_h;  /* 5: so is, from its birth on (first seen at
                               its birth detection), a cold tentative
                               track none of whose detections covered
                               more than ghost_max_area pixels and whose
                               detections were on average at most this
                               many rows tall (the relearning blurs a
                               ghost now and then to 5-8 rows), beside a
                               warm track or not (the ghost of an animal
                               whose own track is not confirmed yet);
                               0: off */
  int ffc_skip_jump;        /* 1: the first hit of a tentative track
                               after an FFC step
                               (wl_tracker_hold_confirmations) counts no
                               motion: its birth point (has_moved,
                               goes_somewhere, the slow-drift fit, the
                               fragment and ghost releases) moves with the
                               jump from its last hit before the step and
                               its path does not grow, since nothing was
                               seen through the freeze and the gate that
                               bridged it is wide (a static clutter spot
                               taken over by another after the freeze
                               "moved" 5-15 px); 0: off */
  int ffc_jump_back;        /* 1: ...except a jump that brings the track
                               nearer its birth point: that counts (a
                               bush's return swing across the freeze);
                               0: every jump is skipped */
  int border_confirm;       /* 1: with person_px, a track all of whose
                               detections reached into the top pixel row
                               of the image, where that row sees sky
                               (person_px 0), never confirms: the border
                               cuts the object (its size and motion are
                               those of the part in view) and only
                               something airborne is there (a bird
                               skimming the top edge); it confirms once a
                               detection of it is clear of that row;
                               0: off */
  double cold_static_aspect;/* 1.5: a cold track not vouched for whose
                               detections were on average less than this
                               many times as tall as wide never confirms
                               as static (it may as moving or drifting);
                               0: off */
  double cold_confirm_max_s;/* 3: a cold track not vouched for confirms
                               within this many seconds of its birth
                               (as static: of its birth or the last FFC
                               step, whichever came later) or never: a
                               cold target confirms as soon as any
                               target, while what the background model
                               leaves where a warm object stood or walked
                               slowly (ghosts, trails, a car's wake)
                               stays for tens of seconds and changes
                               shape as the model relearns it, until
                               some test passes; 0: off */
  double min_target_frac;   /* 0.14: with person_px, a track whose largest
                               detection (over its life, in width or
                               height) is less than this fraction of a
                               person's height at the row of its box's
                               bottom never confirms: no target is that
                               small at that range (0.14 x 1.75 m = 0.25 m,
                               the smallest extent of the smallest target,
                               a small bird; a bird in flight below the
                               camera looks larger than a ground object
                               at its row, one above it is in the sky,
                               where person_px is 0); 0: off */
  double max_target_len;    /* 10: with person_px, a track whose
                               detections were on average wider than this
                               many person heights at the row of its
                               box's bottom, plus 2 px of blur, never
                               confirms: no ground target is that long
                               (10 x 1.75 m = 17.5 m, twice the
                               simulator's truck); near the horizon such
                               streaks are shimmer in a young or
                               re-anchored background model. A bird
                               flying within about a metre below the
                               camera's height is the one airborne
                               object it could hold back; 0: off */
  double far_person_px;     /* 1.5: with person_px, a track whose box's
                               bottom row sees a person less than this
                               many pixels tall (and more than 0: the
                               sky is exempt; a box up to 2 rows above
                               the last row that sees ground, the
                               horizon line, takes that row's height)
                               confirms, on any path,
                               only after far_confirm_hits hits since
                               the last FFC step: beyond the range where
                               a person spans a pixel or two, heat
                               shimmer and a re-anchored background
                               make spots and streaks whose centroids
                               jump along the row and seem to move;
                               0: off */
  int far_confirm_hits;     /* 30: see far_person_px */
  double static_min_frac;   /* 0.22: with person_px, a track whose
                               largest detection (width or height, over
                               its life) is less than this fraction of a
                               person's height at the row of its box's
                               bottom never confirms as static (vouched
                               for or not; it may as moving or
                               drifting): nothing standing on the ground
                               that small (0.22 x 1.75 m = 0.39 m) is a
                               target (a dog is 0.5 m tall, a crawling
                               person 1.7 m long), while warm clutter
                               spots are; birds in flight do not stand
                               still; 0: off */
} wl_track_params_t;

void wl_track_default_params(wl_track_params_t *p);

/* Counters since wl_tracker_new. */
typedef struct wl_tracker_stats {
  uint64_t frames;
  uint64_t births;             /* tracks created */
  uint64_t confirmations;      /* tracks confirmed (once each) */
  uint64_t deletions;
  uint64_t reacquisitions;     /* LOST -> CONFIRMED */
  uint64_t relinks;            /* new tracks that took over an older
                                  track's id (relink_gate_rel) */
  uint64_t dropped_detections; /* beyond max_detections, or not finite */
  uint64_t dropped_births;     /* no free track slot */
  uint64_t merge_splits;       /* detections split by merge_split */
  uint64_t residue_hides;      /* matched confirmed tracks held out of the
                                  output, summed over frames
                                  (residue_hide_frames) */
} wl_tracker_stats_t;

typedef struct wl_tracker wl_tracker_t;

/*
 * Make a tracker; p NULL means defaults. Errors: WL_EINVAL (a parameter
 * out of range; the message names it), WL_ENOMEM. Free with
 * wl_tracker_free.
 */
int wl_tracker_new(wl_tracker_t **out, const wl_track_params_t *p,
                   wl_err_t *err) WL_WARN_UNUSED;

/* Free a tracker; NULL is a no-op. */
void wl_tracker_free(wl_tracker_t *tr);

/* Attach a classifier (borrowed: it must outlive its use here), or NULL
 * to detach. Tracks keep the evidence gathered so far. */
void wl_tracker_set_classifier(wl_tracker_t *tr, const wl_classifier_t *clf);

/*
 * Process one frame taken at t_ns with its detections dets[0 .. n).
 * Predicts every track to t_ns, associates, updates, confirms, deletes and
 * starts tracks. Detections with a non-finite or empty box are ignored.
 * Returns WL_OK, or WL_EINVAL when dets is NULL with n > 0 (no change).
 * Track pointers from earlier calls are invalid afterwards.
 */
int wl_tracker_update(wl_tracker_t *tr, int64_t t_ns,
                      const wl_detection_t *dets, size_t n, wl_err_t *err);

/*
 * A frame that carries no news (frozen during an FFC, blank): every track
 * is predicted to t_ns and keeps its state; nothing is hit or missed, no
 * track is born or deleted, the clutter map does not learn. Confirmed
 * tracks are output at their predictions, so a target is not dropped for
 * the length of a shutter freeze. Track pointers from earlier calls are
 * invalid afterwards.
 */
void wl_tracker_coast(wl_tracker_t *tr, int64_t t_ns);

/*
 * No tentative track is confirmed in the next `updates` calls of
 * wl_tracker_update (0: end a hold); tracks still gain hits and score,
 * confirmed ones are unaffected. The pipeline holds confirmations for a
 * few frames after an FFC fixed-pattern step, while the background model
 * re-anchors and relearns. The call also marks the step for the static
 * confirmation rule: a tentative track that neither moved nor drifted is
 * confirmed only after static_confirm_hits hits counted from here; and,
 * with ffc_skip_jump, each tentative track's next hit counts no motion.
 */
void wl_tracker_hold_confirmations(wl_tracker_t *tr, int updates);

/*
 * Start-up, the motion detector's warm-up spots (motion.h: compact spots
 * found in each of the first frames against their surroundings, so that
 * targets present at start-up are tracked at once). The pipeline calls
 * wl_tracker_mark_spots() before each update that has spots: detections
 * first, first + 1, ... of that update (only) are spots, and the tracks
 * born from them are "spot-born". They confirm by the ordinary rules.
 * When the spots end, wl_tracker_end_spots() deletes every spot-born track
 * still TENTATIVE (with spot_keep_chi2 > 0, except small ones that already
 * drift steadily: detections all at most slow_max_area and
 * spot_keep_max_area pixels and spot_keep_max_w px wide, the slope of the
 * slow-drift line fit significant at spot_keep_chi2): static
 * clutter the spot detector fired on (a warm rock, a bush) would otherwise
 * read the step from the spot's centroid to the temporal detector's (what
 * changed) as motion.
 */
void wl_tracker_mark_spots(wl_tracker_t *tr, size_t first);
void wl_tracker_end_spots(wl_tracker_t *tr);

/*
 * Vouch for the track with this id (no effect for unknown ids): a caller
 * that has checked its target in the image itself (the pipeline: a
 * standing target, clearly warmer than its surroundings in many frames,
 * docs/DETECTION.md "Targets that stand still") lets it confirm by the
 * static rule after static_vouched_hits hits instead of
 * static_confirm_hits (still strong, with a detection of static_min_area
 * pixels) and, when spot-born, keeps it when the spots end whatever its
 * drift. The caller then feeds it detections of its own.
 */
void wl_tracker_vouch(wl_tracker_t *tr, uint64_t id);

/*
 * Confirm the TENTATIVE track with this id now, after an update that
 * matched it (returns 1; 0 and no change for an unknown id, a track in
 * another state or missed in the last update, or while confirmations are
 * held, wl_tracker_hold_confirmations). The track is also vouched for
 * (wl_tracker_vouch). For a caller that has checked the target in the
 * image itself: the pipeline, in the first frames of radiometric video, a
 * clearly warm blob of a target's size (docs/DETECTION.md, "The first
 * second: sure warm targets"). wl_tracker_confirmed() includes it at once.
 */
int wl_tracker_confirm(wl_tracker_t *tr, uint64_t id);

/*
 * The detector's output changes character: the clutter map forgets what
 * it learned and, from the next update on, is again the plain mean over
 * the frames seen (until clutter_frames of them). The pipeline calls it
 * when the motion detector's warm-up ends: during the warm-up it reports
 * only strong detections and spots, so the frames before would dilute
 * the rate of the cells where the full detector then keeps firing (the
 * edges of swaying bushes and horizon shimmer a young background model
 * does not know yet), and such clutter would gain score as fast as a
 * target for several seconds.
 */
void wl_tracker_restart_clutter(wl_tracker_t *tr);

/*
 * The confirmed tracks after the last update (state CONFIRMED, including
 * those coasting, but not those held out as residues:
 * residue_hide_frames), in increasing id order: *n entries, owned by the
 * tracker, valid until the next update, reset or free. Their boxes are
 * the output boxes (width_smoothing, height_smoothing, person_fill).
 */
const wl_track_t *wl_tracker_confirmed(const wl_tracker_t *tr, size_t *n);

/* Every live track (any state), in increasing id order, for debugging and
 * tools; same lifetime as wl_tracker_confirmed's. Their boxes are the
 * tracker's own (size_smoothing). */
const wl_track_t *wl_tracker_tracks(const wl_tracker_t *tr, size_t *n);

/* Forget every track (e.g. after a camera move). Ids keep counting. */
void wl_tracker_reset(wl_tracker_t *tr);

void wl_tracker_stats(const wl_tracker_t *tr, wl_tracker_stats_t *st);

/* Bytes held by the tracker (context and every buffer): fixed at
 * creation, O(max_tracks x max_detections); about 0.65 MiB with the
 * defaults. */
size_t wl_tracker_state_bytes(const wl_tracker_t *tr);

#endif
