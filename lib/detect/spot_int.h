/*
 * spot_int.h - internals of the spot (small-target) detector shared by
 * lib/detect/spot*.c and the training tool (tools/spot-train.c).
 *
 * The detector works on a signed view of the frame: v = polarity x pixel,
 * so a cold target is a bright one in the view and every step is written
 * once for "brighter than the background". Box sums come from one integral
 * image of the frame padded by SPOT_PAD pixels (edge replicated), so every
 * box the detector reads is inside it and no loop clamps.
 */
#ifndef WL_DETECT_SPOT_INT_H
#define WL_DETECT_SPOT_INT_H

#include "watchline/detect.h"

#define WL__SPOT_SCALES 5
/* Centre box half-size, ring inner and outer Chebyshev radii per scale. */
#define WL__SPOT_HALF {0, 1, 2, 3, 5}
#define WL__SPOT_RIN {3, 5, 7, 9, 12}
#define WL__SPOT_ROUT {7, 9, 11, 13, 17}
#define WL__SPOT_STRIDE {2, 2, 2, 2, 2}
#define WL__SPOT_PAD 22   /* max ROUT + max HALF */
#define WL__SPOT_TILE 32  /* prescreen sigma tiles */
#define WL__SPOT_CAND_CAP 4096 /* local maxima kept (strongest) per pass */
#define WL__SPOT_HIST_BITS 12  /* brightness histogram: 4096 bins */

/* Candidate features, in the order the classifier reads them. The names
 * are compiled into the model table, and wl_spot_init() refuses a model
 * whose list differs. */
#define WL__SPOT_FEATURES(X)                                                   \
  X(snr_1) X(snr_3) X(snr_5) X(snr_7) X(snr_11) X(best_scale)                  \
  X(contrast_global) X(sigma_best_global) X(sigma_raw_global) X(prescreen)     \
  X(area) X(leak) X(box_w) X(box_h) X(fill) X(mean_fraction) X(rank)           \
  X(prescreen_ratio) X(peak_global) X(background_global) X(dir_min)            \
  X(dir_ratio) X(elongation) X(border) X(neighbours) X(rivals) X(edge_energy)  \
  X(brightness_rank) X(contrast_8bit) X(sigma_best_8bit) X(sigma_raw_8bit)

#define WL__SPOT_FEATURE_ENUM(name) WL__F_##name,
enum { WL__SPOT_FEATURES(WL__SPOT_FEATURE_ENUM) WL__SPOT_NF };

/* "snr_1,snr_3,...,brightness_rank,": the feature list as one string
 * (each name followed by a comma). */
extern const char wl__spot_feature_names[];

/* A local maximum of the prescreen map. */
typedef struct wl__spot_cand {
  int x, y;
  float s;
} wl__spot_cand_t;

/* One examined candidate, as the optional callback sees it. */
typedef struct wl__spot_candidate {
  int x, y;            /* prescreen maximum */
  int px, py;          /* peak pixel, where the extent grows from */
  int polarity;        /* +1 hot, -1 cold */
  double snr;          /* best CFAR SNR over the scales */
  int cfar_pass;       /* snr >= k */
  int eligible;        /* cfar_pass and the extent did not leak */
  double score;        /* classifier probability; NaN when not evaluated */
  int accepted;
  float feat[WL__SPOT_NF];
  const int32_t *region; /* pixel indices of the extent (y * width + x) */
  int region_n;
} wl__spot_candidate_t;

typedef void (*wl__spot_candidate_cb)(void *user,
                                      const wl__spot_candidate_t *c);

/* What the detector remembers of each examined candidate until the mask is
 * written: its id in the owner map is its index + 1. */
typedef struct wl__spot_record {
  float base;   /* background, frame units (not signed) */
  float sigma;  /* raw-pixel noise sigma */
  float cx, cy; /* centroid of the extent's pixel centres */
  int accepted;
} wl__spot_record_t;

/* Effective degrees of freedom of each scale's ring sigma (the box means
 * on a ring overlap, so larger scales rest on fewer independent values);
 * 0 = use the Gaussian quantile. Measured on Gaussian noise (see spot.c). */
#define WL__SPOT_DOF {35, 35, 45, 45, 45}

struct wl__spot_state {
  double k;          /* Gaussian CFAR threshold for pfa / scales, sigmas */
  double k_scale[WL__SPOT_SCALES]; /* the same, per scale, for its dof */
  double k_pre;      /* prescreen threshold */
  size_t cap_pixels; /* capacity of the per-pixel buffers */
  size_t cap_integral;
  int iw;            /* integral row length: width + 2 pad + 1 */
  uint32_t *integral;
  float *score;      /* prescreen map, then signed contrast for the labeler */
  float *work;       /* one scale's contrast, then noise for the labeler */
  uint8_t *mask;     /* used when the caller passes no mask */
  uint8_t *closing;  /* 2 x pixels: wl__spot_close's work */
  wl__spot_cand_t *cands; /* min-heap, then sorted strongest first */
  int ncand;
  wl__spot_record_t *records; /* 2 x max_candidates */
  int nrecords;
  int32_t *region;   /* (2 max_radius + 1)^2 */
  float *samples;    /* ring samples */
  int ring_n[WL__SPOT_SCALES];
  int *ring_dx[WL__SPOT_SCALES], *ring_dy[WL__SPOT_SCALES];
  uint32_t hist[1 << WL__SPOT_HIST_BITS];
  int hist_shift;
  double global_median, global_sigma;
  int model_ok;      /* the compiled-in model matches the features */
  wl_labeler_t lab;  /* its labels double as the owner map */
  wl__spot_candidate_cb cb;
  void *cb_user;
};

/* The trained classifier (lib/detect/spot_model.c, written by
 * tools/spot-train). Nodes of all trees in one array: an internal node
 * sends x[feature] < value to child `left`, else to left + 1 (indices
 * within the array); a leaf has feature -1 and adds value. */
typedef struct wl__gbdt_node {
  int16_t feature;
  uint16_t left;
  float value;
} wl__gbdt_node_t;

typedef struct wl__gbdt_model {
  const char *features;   /* comma-separated names, as at training */
  int nfeatures;
  float base;             /* initial log-odds */
  int ntrees;
  const uint16_t *roots;  /* root node of each tree */
  const wl__gbdt_node_t *nodes;
  int nnodes;
  double min_score;       /* operating point chosen at training */
  double mask_radius;     /* mask trim radius it was chosen with (0: off) */
  int cut_touching;       /* 1: chosen with touching extents cut apart */
  const char *provenance; /* how the table was made */
} wl__gbdt_model_t;

extern const wl__gbdt_model_t wl__spot_model;

/* Sum of the trees for features x: the log-odds of "target". */
double wl__gbdt_logit(const wl__gbdt_model_t *m, const float *x);

/* 1 when m was trained on exactly this build's feature list. */
int wl__gbdt_matches(const wl__gbdt_model_t *m);

/* Close the mask (non-zero = on) with a 3x3 square (a dilation followed
 * by an erosion; outside the frame counts as on for the erosion), adding
 * only the pixels whose on 8-neighbours all belong to one object (one
 * owner id): it fills 1-pixel notches and gaps inside an extent, but does
 * not join two extents. On pixels become 255. tmp holds 2 x width x height
 * bytes. */
void wl__spot_close(uint8_t *mask, const int32_t *owner, uint8_t *tmp,
                    int width, int height);

/* 1 when pixel (x, y) of an extent with centroid (cx, cy) stays in the
 * mask after the trim to mask_radius (<= 0: no trim): its centre lies
 * within mask_radius of the centroid. */
static inline int wl__spot_in_trim(int x, int y, float cx, float cy,
                                   double mask_radius) {
  double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
  return mask_radius <= 0 || dx * dx + dy * dy <= mask_radius * mask_radius;
}

/* Cut touching extents apart: an on pixel (non-zero) with an on
 * 8-neighbour of a smaller owner id (an extent examined earlier, so a
 * stronger candidate) is turned off, judged on the mask as it was before
 * the cut, so two touching extents stay two components. */
void wl__spot_cut(uint8_t *mask, const int32_t *owner, int width, int height);

/* Prescreen one polarity: integral image (done once per frame by the
 * caller), the multi-scale contrast map, its local maxima. Fills
 * st->cands[0..st->ncand-1], strongest first. */
void wl__spot_prescreen(wl_spot_t *ctx, int polarity);

/* Build st->integral from frame (padded, edge replicated). */
void wl__spot_integral(wl_spot_t *ctx, const wl_frame_t *frame);

/* Examine the candidates of one polarity in order: CFAR test, extent,
 * features, classifier; record each in the owner map and st->records. */
void wl__spot_examine(wl_spot_t *ctx, const wl_frame_t *frame, int polarity);

/* wl_spot_detect with a callback that sees every examined candidate. */
int wl__spot_detect_ex(wl_spot_t *ctx, const wl_frame_t *frame,
                       uint8_t *mask_out, wl_detection_t *det, int max,
                       int *n, wl__spot_candidate_cb cb, void *user,
                       wl_err_t *err);

#endif
