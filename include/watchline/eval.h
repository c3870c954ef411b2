/*
 * watchline/eval.h - scoring against ground truth: tracking (MOT Challenge
 * files: HOTA, CLEAR MOT, IDF1), loose box labels (Halmstad) and
 * single-frame small-target masks (SIRST). Definitions: docs/METRICS.md.
 */
#ifndef WATCHLINE_EVAL_H
#define WATCHLINE_EVAL_H

#include <stddef.h>

#include "watchline/common.h"
#include "watchline/frame.h"

/* ---- MOT Challenge track files (parser: lib/eval/motfile.c) ----------- */

/* Limits on untrusted MOT and label files; beyond them reading fails with
 * WL_ETOOBIG or WL_EFORMAT and a message naming file and line. */
#define WL_MOT_MAX_FILE_BYTES ((size_t)256 << 20) /* whole file */
#define WL_MOT_MAX_LINE 1024        /* bytes per line, without the newline */
#define WL_MOT_MAX_ROWS 2000000L    /* data rows per file */
#define WL_MOT_MAX_FRAME 10000000L  /* frame numbers are 1..this */
#define WL_MOT_MAX_ID 999999999L    /* ids are 0..this */
#define WL_MOT_MAX_CLASS 1000000L   /* GT classes are -1..this */
#define WL_MOT_MAX_COORD 1e6        /* |x|, |y| <= this; 0 < w, h <= this */
#define WL_MOT_MAX_PER_FRAME 1000   /* rows of one file in one frame */
/* Limits of the scoring itself (wl_eval_mot fails with WL_ETOOBIG): */
#define WL_MOT_MAX_OVERLAPS (1L << 23) /* overlapping GT x PRED box pairs,
                                          summed over frames */
#define WL_MOT_MAX_ID_CELLS (1L << 22) /* GT ids x PRED ids in one group of
                                          ids linked by IoU >= 0.5 */

/* Which columns a MOT file carries (see docs/FORMATS.md). */
typedef enum wl_mot_kind {
  WL_MOT_GT = 0,  /* frame,id,x,y,w,h[,conf[,class[,visibility[,z]]]] */
  WL_MOT_PRED = 1 /* frame,id,x,y,w,h[,conf[,-1[,-1[,-1]]]] */
} wl_mot_kind_t;

/* One row of a MOT file. Boxes are in the file's pixel convention (MOT
 * Challenge: 1-based, top-left corner x, y plus width and height). */
typedef struct wl_mot_row {
  int frame;         /* 1..WL_MOT_MAX_FRAME */
  int id;            /* 0..WL_MOT_MAX_ID, unique within a frame */
  double x, y, w, h; /* w, h > 0 */
  double conf;       /* field 7; 1 when absent. GT: 0 means "ignore" */
  int cls;           /* GT field 8; -1 when absent, always -1 for PRED */
  double visibility; /* GT field 9; 1 when absent (not used in scoring) */
  long line;         /* 1-based line number in the file */
} wl_mot_row_t;

/* A parsed MOT file; rows in file order. Free with wl_mot_free. */
typedef struct wl_mot_file {
  wl_mot_row_t *rows;
  size_t n;
  int max_frame; /* largest frame number; 0 when there are no rows */
} wl_mot_file_t;

/*
 * Parse MOT text (len bytes, need not be NUL-terminated). name is used in
 * messages ("gt.txt:17: field 3 (x): 'abc' is not a number"). On success
 * *out owns its rows; on failure *out is empty and err says why.
 */
int wl_mot_parse(const char *text, size_t len, wl_mot_kind_t kind,
                 const char *name, wl_mot_file_t *out, wl_err_t *err);

/* Read and parse a MOT file (at most WL_MOT_MAX_FILE_BYTES). */
int wl_mot_read(const char *path, wl_mot_kind_t kind, wl_mot_file_t *out,
                wl_err_t *err);

/* Free the rows; f becomes empty. f may be NULL. */
void wl_mot_free(wl_mot_file_t *f);

/* ---- Tracking metrics: HOTA, CLEAR MOT, Identity (lib/eval/mot.c) ----- */

/* HOTA is averaged over alpha = 0.05, 0.10, ..., 0.95 (IoU thresholds). */
#define WL_HOTA_ALPHAS 19

typedef struct wl_mot_options {
  int cls; /* evaluate only GT rows of this class; -1 (default): all */
} wl_mot_options_t;

void wl_mot_default_options(wl_mot_options_t *opt);

/*
 * Scores of one sequence, with TrackEval's definitions (docs/METRICS.md).
 * Ratios are fractions (1.0 = perfect); MOTA may be negative.
 */
typedef struct wl_mot_score {
  /* HOTA family: the mean over the 19 alphas of each per-alpha value. */
  double hota, deta, assa, detre, detpr, assre, asspr, loca;
  double hota_alpha[WL_HOTA_ALPHAS];
  double deta_alpha[WL_HOTA_ALPHAS];
  double assa_alpha[WL_HOTA_ALPHAS];
  /* CLEAR MOT, matching at IoU >= 0.5. */
  double mota, motp;
  long tp, fp, fn, idsw, frag;
  long mt, pt, ml; /* mostly tracked / partly tracked / mostly lost ids */
  /* Identity: global one-to-one id matching at IoU >= 0.5. */
  double idf1, idp, idr;
  long idtp, idfp, idfn;
  /* What was evaluated (after the class / conf filter). */
  long gt_dets, pred_dets, gt_ids, pred_ids;
  long frames; /* largest frame number in either file */
} wl_mot_score_t;

/*
 * Score predicted tracks against ground truth. GT rows with conf == 0 are
 * ignored; with opt->cls >= 0 only GT rows of that class are kept (every
 * prediction is kept: predictions carry no class). opt may be NULL for the
 * defaults. Allocates working memory proportional to the rows and to the
 * overlapping box pairs, freed before returning. Returns WL_OK, WL_ENOMEM
 * or WL_ETOOBIG (a limit in docs/FORMATS.md) with err filled.
 */
int wl_eval_mot(const wl_mot_file_t *gt, const wl_mot_file_t *pred,
                const wl_mot_options_t *opt, wl_mot_score_t *out,
                wl_err_t *err);

/* ---- Loose box labels, e.g. Halmstad (lib/eval/boxes.c) --------------- */

#define WL_BOX_CLASS_MAX 32     /* class name bytes, with the NUL */
#define WL_BOX_GATE_MIN_PX 8.0  /* centre rule: gate is at least this */
#define WL_BOX_OVERLAP_IOU 0.3  /* overlap rule: IoU at least this, or ... */

/* One label row: `frame,obj,class,x,y,w,h`, 1-based top-left x, y. */
typedef struct wl_box_label {
  int frame; /* 1..WL_MOT_MAX_FRAME */
  int obj;   /* 0..WL_MOT_MAX_ID */
  char cls[WL_BOX_CLASS_MAX];
  double x, y, w, h;
  long line;
} wl_box_label_t;

typedef struct wl_box_labels {
  wl_box_label_t *rows;
  size_t n;
  int max_frame;
} wl_box_labels_t;

/* Parse label CSV text (header line `frame,obj,class,x,y,w,h` first). The
 * same limits as MOT files apply. On failure *out is empty. */
int wl_box_labels_parse(const char *text, size_t len, const char *name,
                        wl_box_labels_t *out, wl_err_t *err);
int wl_box_labels_read(const char *path, wl_box_labels_t *out,
                       wl_err_t *err);
void wl_box_labels_free(wl_box_labels_t *labels);

/* Detection counts under one matching rule; rates are 0 when undefined. */
typedef struct wl_box_counts {
  long tp, fp, fn;
  double precision, recall, f1;
} wl_box_counts_t;

/* Recompute precision, recall and F1 from tp, fp, fn (e.g. after summing
 * the counts of several clips). */
void wl_box_counts_finish(wl_box_counts_t *c);

/* Counts of one frame that has a label or a prediction. FP = preds - TP,
 * FN = labels - TP under each rule. */
typedef struct wl_box_frame {
  int frame;
  int labels, preds;
  int centre_tp, overlap_tp;
} wl_box_frame_t;

typedef struct wl_box_score {
  wl_box_counts_t centre;  /* centre within max(8 px, half the diagonal) */
  wl_box_counts_t overlap; /* IoU >= 0.3 or prediction centre in the box */
  long labels, preds;
  long frames;             /* largest frame number in either file */
  wl_box_frame_t *per_frame; /* n_frames entries, ascending frame; owned */
  size_t n_frames;
} wl_box_score_t;

/*
 * Score predictions (a MOT PRED file, every row) against loose box labels,
 * frame by frame, with a one-to-one optimal assignment per frame and rule
 * (docs/METRICS.md). *out owns per_frame: free with wl_box_score_free.
 */
int wl_eval_boxes(const wl_box_labels_t *labels, const wl_mot_file_t *pred,
                  wl_box_score_t *out, wl_err_t *err);
void wl_box_score_free(wl_box_score_t *score);

/* ---- SIRST: pixel masks of small targets (lib/eval/sirst.c) ----------- */

/* Limits on split files: a name is 1..WL_SIRST_MAX_NAME bytes of
 * [A-Za-z0-9_.-], not starting with '.'. */
#define WL_SIRST_MAX_NAME 255
#define WL_SIRST_MAX_IMAGES 100000
#define WL_SIRST_MAX_SPLIT_BYTES ((size_t)16 << 20)

/*
 * Scores as ../shared/data/README.md defines them (BasicIRSTD / ACM; exact
 * rules in docs/METRICS.md): a pixel is "on" when non-zero; components are
 * 8-connected; a target (ground-truth component) is found when a predicted
 * component's centroid lies at distance < 3 px from its centroid, each
 * predicted component matching at most one target (targets in raster order
 * of their first pixel, each taking the first unused predicted component
 * in that order); false pixels are those of unmatched predicted components.
 */
typedef struct wl_sirst_score {
  double iou;          /* summed intersection / summed union, 0..1 */
  double niou;         /* mean of per-image IoU, 0..1 */
  double pd;           /* found targets / targets, 0..1 */
  double fa;           /* unmatched predicted pixels / all pixels */
  long targets, found;
  long false_pixels, pixels;
  int images;
  /* sums behind the ratios (wl_sirst_score_add) */
  long intersection, union_pixels;
  double iou_sum;      /* of per-image IoU; an empty union counts 0 (ACM) */
} wl_sirst_score_t;

/*
 * Score the predicted masks in pred_dir (<image name>.png, 255 = target,
 * the size of DATA/images/<name>.png) on a split of the SIRST data in
 * data_dir. split is a path to a split file, or a name such as
 * "basicirstd/test" resolved as data_dir/splits/<name>.txt. Ground truth is
 * data_dir/masks/<name>_pixels0.png, resampled to the image's size when it
 * differs (wl_sirst_mask_read). A missing prediction is an error.
 */
int wl_eval_sirst(const char *data_dir, const char *split,
                  const char *pred_dir, wl_sirst_score_t *out, wl_err_t *err);

/* The image names of a split, in file order. */
typedef struct wl_sirst_split {
  char **names;
  int n;
} wl_sirst_split_t;

/*
 * Parse split text (len bytes, need not be NUL-terminated): one image name
 * per line, "\n" or "\r\n", blank lines ignored, no other whitespace.
 * name is used in messages ("test.txt:3: ..."). On failure *out is empty.
 */
int wl_sirst_split_parse(const char *text, size_t len, const char *name,
                         wl_sirst_split_t *out, wl_err_t *err);

/* Resolve split as wl_eval_sirst() does and parse it. */
int wl_sirst_split_read(const char *data_dir, const char *split,
                        wl_sirst_split_t *out, wl_err_t *err);

/* Free the names; s becomes empty. s may be NULL. */
void wl_sirst_split_free(wl_sirst_split_t *s);

/*
 * Read a mask PNG into mask (values as stored) at width x height: a mask of
 * another size is resampled by nearest neighbour at pixel centres
 * (source x = floor((x + 0.5) * mask_width / width), same for y). One
 * SIRST v1 mask (Misc_111) is stored at another size than its image.
 */
int wl_sirst_mask_read(const char *path, int width, int height,
                       wl_frame_t *mask, wl_err_t *err);

/* Accumulate one image (gt and pred: width x height, non-zero = on) into
 * s, which starts zeroed. Returns WL_OK or WL_ENOMEM. */
int wl_sirst_score_add(wl_sirst_score_t *s, const uint8_t *gt,
                       const uint8_t *pred, int width, int height,
                       wl_err_t *err);

/* Compute iou, niou, pd and fa from the sums (0 where undefined). */
void wl_sirst_score_finish(wl_sirst_score_t *s);

#endif
