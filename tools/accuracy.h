/*
 * accuracy.h - the accuracy harness behind `wl-accuracy` and the
 * accuracy_* ctest floors: run the whole camera pipeline (wl_pipeline) on
 * simulator scenarios or on the Halmstad infrared clips and score what it
 * reports against the ground truth.
 *
 * Design. One call scores one unit of work (a scenario and seed, or one
 * clip), single-threaded, and fills a plain result struct of counts; the
 * program sums results over seeds and clips and runs units on threads. The
 * same file is compiled into the tests, so CI checks exactly the figures
 * that docs/ACCURACY.md records.
 *
 * Matching rules (also in docs/ACCURACY.md):
 *   - a confirmed track "is on" a truth box in a frame when their IoU is at
 *     least ACC_MATCH_IOU or their box centres are at most
 *     ACC_MATCH_CENTRE_PX apart (small targets have tiny, jittery boxes);
 *   - long-range recall uses that rule with a one-to-one optimal
 *     assignment per frame (one track cannot find two targets);
 *   - false tracks and class votes use it many-to-one: the track's best
 *     truth box in the frame (highest IoU, then nearest centre).
 *
 * Invariants: results hold counts only (no pointers into the run) except
 * the diagnostic lists, which acc_sim_result_free releases; nothing here
 * prints or exits.
 */
#ifndef WL_TOOLS_ACCURACY_H
#define WL_TOOLS_ACCURACY_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/classify.h"
#include "watchline/common.h"
#include "watchline/eval.h"
#include "watchline/pipeline.h"
#include "watchline/report.h"
#include "watchline/sim.h"

#define ACC_MATCH_IOU 0.2        /* track on truth: IoU at least this ... */
#define ACC_MATCH_CENTRE_PX 2.0  /* ... or centres at most this far apart */
#define ACC_RECALL_NETD 5.0      /* long-range: contrast >= this x NETD */
#define ACC_RECALL_MIN_AREA 1.0  /* ... and truth box area >= this, px^2 */
#define ACC_FALSE_MATCH_FRAC 0.5 /* a track on truth in fewer of its frames
                                    than this fraction is false */
#define ACC_CLASS_MIN_S 2.0      /* class accuracy: tracks at least this
                                    long (birth to last output) */
#define ACC_WARMUP_S 1.0         /* recall is also given without the boxes
                                    of the first second, while the
                                    background model is still learning */

/* ---- simulator ---------------------------------------------------------- */

/* One truth target's figures over a run (for diagnostics). */
typedef struct acc_target_stat {
  int id;
  wl_sim_class_t cls;
  const char *kind;      /* static string from the simulator */
  long frames;           /* frames it was in view (w, h >= 0.01 px) */
  long matched;          /* of those, found by a track (one-to-one) */
  long eligible;         /* frames meeting the long-range recall condition */
  long eligible_matched; /* of those, found */
  double sum_range_m, sum_contrast_k, sum_area_px; /* over its frames */
} acc_target_stat_t;

/* Where a false track most likely comes from, in this order of priority:
 * born during or within 1 s after an FFC freeze; born in the first second
 * (background still learning); its mean centre within ACC_HORIZON_PX rows
 * of the horizon (shimmer); anything else (clutter, swaying bushes, pieces
 * of a real target...). */
typedef enum acc_false_cause {
  ACC_FALSE_FFC = 0,
  ACC_FALSE_WARMUP,
  ACC_FALSE_HORIZON,
  ACC_FALSE_OTHER,
  ACC_FALSE_CAUSES
} acc_false_cause_t;

/* Why a truth box was missed, in this order of priority: an FFC freeze; the
 * first second; the target stands still (speed 0); mostly occluded
 * (visibility < 0.5); |contrast| < 5 NETD; box area < 4 px^2; none of
 * these. */
typedef enum acc_miss_cause {
  ACC_MISS_FFC = 0,
  ACC_MISS_WARMUP,
  ACC_MISS_STATIC,
  ACC_MISS_OCCLUDED,
  ACC_MISS_DIM,
  ACC_MISS_TINY,
  ACC_MISS_OTHER,
  ACC_MISS_CAUSES
} acc_miss_cause_t;

#define ACC_HORIZON_PX 8.0 /* "near the horizon": rows from the horizon */

/* One confirmed track's figures over a run (for diagnostics). */
typedef struct acc_track_stat {
  uint64_t id;
  long first_frame, last_frame; /* 1-based frames it was output in */
  long frames;                  /* frames output (confirmed or coasting) */
  long on_truth;                /* of those, frames on some truth box */
  long votes[WL_CLASS_COUNT];   /* class of that truth box, per frame */
  int64_t t_birth_ns, t_last_ns;
  wl_class_t cls;               /* class in the last frame output */
  double cls_conf;
  double sum_cx, sum_cy, sum_w, sum_h; /* box, summed over its frames */
  long multi;                   /* frames its box held >= 2 truth centres */
  int near_ffc;                 /* an FFC froze a frame between 1 s before
                                   its birth and its first output */
  int is_false;                 /* on_truth < ACC_FALSE_MATCH_FRAC * frames */
  acc_false_cause_t cause;      /* why a false track is there (a guess) */
  int class_scored;             /* long enough and not false */
  wl_class_t truth_cls;         /* majority of votes (0: none) */
} acc_track_stat_t;

typedef struct acc_sim_opts {
  const char *scenario; /* preset name or scenario JSON path */
  uint64_t seed;
  long frames;          /* <= 0: the scenario's duration times its fps */
  int use_camera;       /* 1: give the pipeline the scenario's camera */
  const wl_pipeline_params_t *params; /* NULL: defaults */
  const wl_report_params_t *report;   /* the output's persistence stage
                                         (report.h); NULL: defaults */
  int oracle;           /* 1: skip the pipeline and report the truth itself
                           as the tracks (id = truth id, class = truth
                           class): a self-test of the scoring, which must
                           then give perfect figures */
} acc_sim_opts_t;

void acc_sim_default_opts(acc_sim_opts_t *o);

typedef struct acc_sim_result {
  char scenario[64];
  uint64_t seed;
  long frames;
  double fps;
  double netd_k;          /* the scenario's NETD, kelvin */
  unsigned sim_ffc, pipeline_ffc;
  wl_mot_score_t mot;     /* HOTA etc. of all truth (every class) */
  /* Recall: truth boxes found (one-to-one), all and long-range eligible. */
  long truth_boxes, truth_matched;
  long eligible, eligible_matched;
  long eligible_warm, eligible_warm_matched; /* frames at t >= ACC_WARMUP_S */
  /* False confirmed tracks. */
  long tracks, false_tracks;
  long false_by_cause[ACC_FALSE_CAUSES];
  long misses_by_cause[ACC_MISS_CAUSES]; /* truth boxes not found */
  long multi_frames;      /* track-frames holding >= 2 truth centres */
  long misses_inside;     /* missed truth boxes centred in a track box */
  double hours;           /* frames / fps / 3600 */
  /* Class accuracy on tracks >= ACC_CLASS_MIN_S that are not false. */
  long class_tracks, class_correct, class_unknown;
  long confusion[WL_CLASS_COUNT][WL_CLASS_COUNT]; /* [truth][reported] */
  double seconds;         /* wall time of the run */
  /* Diagnostics, owned: free with acc_sim_result_free. */
  acc_target_stat_t *targets; /* by truth id order */
  size_t n_targets;
  acc_track_stat_t *track_list; /* confirmed tracks, in order of first
                                   output */
  size_t n_tracks;
} acc_sim_result_t;

/*
 * Render o->frames frames of the scenario with the seed (in memory), run
 * the pipeline on them and score its confirmed tracks. *r is filled (and
 * owns its lists) on success; on failure its lists are freed, its figures
 * are meaningless and err says why. r->seconds is the wall time either way.
 */
int acc_sim_run(const acc_sim_opts_t *o, acc_sim_result_t *r, wl_err_t *err);
void acc_sim_result_free(acc_sim_result_t *r);

/* "ffc", "warm-up", "horizon", "other"; "static", "occluded", "dim",
 * "tiny" (static strings). */
const char *acc_false_cause_name(acc_false_cause_t c);
const char *acc_miss_cause_name(acc_miss_cause_t c);

/* ---- Halmstad infrared clips ------------------------------------------- */

#define ACC_NAME_MAX 64

/* One clip's scores under both rules of wl_eval_boxes, plus fragmentation:
 * for every labelled object, the distinct track ids matched to it (centre
 * rule, one-to-one per frame). */
typedef struct acc_clip_score {
  int ok;                  /* 0: not run or failed */
  wl_box_counts_t centre, overlap;
  long fp_unlabelled;      /* predictions in frames with no label */
  long objects;            /* labelled objects (distinct obj) */
  long objects_found;      /* matched at least once */
  long object_ids;         /* distinct track ids, summed over found objects */
  double seconds;          /* wall time of the run */
} acc_clip_score_t;

typedef struct acc_clip_result {
  char video[ACC_NAME_MAX];
  char cls[ACC_NAME_MAX];  /* AIRPLANE, BIRD, DRONE, HELICOPTER */
  char bin[ACC_NAME_MAX];  /* CLOSE, MEDIUM, DISTANT */
  long frames;             /* frames analysed */
  acc_clip_score_t ours, peer;
  char peer_msg[WL_ERR_MAX]; /* why the peer failed, if it did */
} acc_clip_result_t;

/* One row of videos.csv. */
typedef struct acc_clip {
  char video[ACC_NAME_MAX], cls[ACC_NAME_MAX], bin[ACC_NAME_MAX];
} acc_clip_t;

/* Limits on videos.csv. */
#define ACC_CLIPS_MAX_BYTES ((size_t)1 << 20)
#define ACC_CLIPS_MAX_LINE 1024
#define ACC_CLIPS_MAX 100000

/* Parse videos.csv text (len bytes, need not be NUL-terminated): the header
 * `video,class,distance_bin[,...]`, then one clip per line (extra fields
 * ignored, blank lines skipped). The video name becomes part of paths, so
 * it may hold only letters, digits, '_', '-' and '.' (not first). On
 * success *out is malloc'd (free()) with *n clips; on failure it is NULL
 * and err names the line. `name` is used in messages. */
int acc_clips_parse(const char *text, size_t len, const char *name,
                    acc_clip_t **out, size_t *n, wl_err_t *err);

/* Read and parse DATA_DIR/videos.csv (at most ACC_CLIPS_MAX_BYTES). */
int acc_clips_read(const char *data_dir, acc_clip_t **out, size_t *n,
                   wl_err_t *err);

/*
 * Run the pipeline (no camera model, default parameters, as `watchline
 * analyze` does) on DATA_DIR/videos/VIDEO.mp4 and score its confirmed
 * tracks, through a reporter with report's parameters (NULL: defaults),
 * against DATA_DIR/labels/VIDEO.csv. With peer_cmd not NULL, also
 * run `peer_cmd VIDEO.mp4 OUT.txt` (OUT.txt in tmp_dir: MOT rows,
 * 1-based) and score that; a failing peer only sets r->peer_msg.
 * max_frames <= 0 means the whole clip.
 */
int acc_clip_run(const char *data_dir, const acc_clip_t *clip,
                 const char *peer_cmd, const char *tmp_dir, long max_frames,
                 const wl_report_params_t *report, acc_clip_result_t *r,
                 wl_err_t *err);

/* Score predictions against labels: the wl_eval_boxes counts plus the
 * fragmentation and unlabelled-frame counts (used by acc_clip_run). */
int acc_score_boxes(const wl_box_labels_t *labels, const wl_mot_file_t *pred,
                    acc_clip_score_t *s, wl_err_t *err);

/*
 * A detection from a simulator truth box, for fitting and testing the
 * tracker and classifier apart from the detector: the box, its centre as
 * centroid, and the peak contrast measured in the frame against the median
 * of a ring two pixels outside the box, in kelvin, signed by the truth's
 * polarity; snr assumes NETD 40 mK. ring is scratch for 4096 values.
 */
void acc_truth_detection(const wl_frame_t *f, const wl_sim_truth_t *t,
                         wl_detection_t *d, uint16_t *ring);

#endif
