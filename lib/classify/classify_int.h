/*
 * classify_int.h - private to lib/classify: the model table.
 *
 * The model is a table of kinds (walking, running, crawling and standing
 * people; cars and trucks; dogs, sheep and camels; small and large birds),
 * each with its class, its share of that class, a Gaussian per transformed
 * feature (natural logs of sizes, speeds and contrast) for the camera and
 * the image feature sets, and the probability that it is seen above the
 * horizon. A class's likelihood is the mixture of its kinds' (each kind a
 * naive-Bayes product over the features). model.c holds the numbers (fitted
 * to simulator data by tools/classify-tune.c); classify.c evaluates them.
 *
 * Invariants: every sd is > 0; every class 1..4 has at least one kind; the
 * shares of a class's kinds sum to 1.
 */
#ifndef WL_CLASSIFY_INT_H
#define WL_CLASSIFY_INT_H

#include "watchline/classify.h"

/* Features of the camera table (the object is on the ground). */
enum {
  WL__CF_LOG_HEIGHT_M, /* ln(height_m) */
  WL__CF_LOG_WIDTH_M,  /* ln(width_m) */
  WL__CF_LOG_SPEED,    /* ln(speed_mps + WL__SPEED_SOFT_MPS) */
  WL__CF_LOG_CONTRAST, /* ln(max(contrast_k, WL__CONTRAST_FLOOR)) */
  WL__CF_COUNT
};

/* Features of the image table (no camera, or above the horizon). */
enum {
  WL__IF_LOG_ASPECT,    /* ln(h / w) */
  WL__IF_LOG_REL_SPEED, /* ln(speed_px_s / h + WL__REL_SPEED_SOFT) */
  WL__IF_LOG_CONTRAST,  /* ln(max(contrast, WL__CONTRAST_FLOOR)) */
  WL__IF_COUNT
};

#define WL__SPEED_SOFT_MPS 0.3  /* keeps ln() of standing targets finite */
#define WL__REL_SPEED_SOFT 0.1  /* heights per second */
#define WL__CONTRAST_FLOOR 0.05 /* K */
#define WL__SPEED_LOOKAHEAD_S 0.5
/* Image velocity noise (px/s per axis) assumed when debiasing the ground
 * speed: the tracker's own velocity std is capped at this (it includes
 * the manoeuvre allowance, several px/s, much more than the actual jitter
 * of a steadily moving target's velocity). */
#define WL__VEL_NOISE_PX_S 1.0

/* One Gaussian: mean and standard deviation of a transformed feature. */
typedef struct wl__gauss {
  double mean, sd;
} wl__gauss_t;

/* One kind of object. */
typedef struct wl__kind_model {
  const char *kind;               /* the simulator's kind name */
  wl_class_t cls;
  double share;                   /* prior share within its class */
  wl__gauss_t cam[WL__CF_COUNT];  /* on the ground, with a camera */
  wl__gauss_t img[WL__IF_COUNT];  /* image cues */
  double p_above;                 /* P(above the horizon | kind) */
} wl__kind_model_t;

#define WL__KIND_MODELS 11

/* The fitted model (model.c). */
extern const wl__kind_model_t wl__kind_models[WL__KIND_MODELS];

/* Feature names, for the tuning tool and docs. */
extern const char *const wl__cam_feature_names[WL__CF_COUNT];
extern const char *const wl__img_feature_names[WL__IF_COUNT];

/*
 * The transformed feature vectors of one observation, as the model sees
 * them (also used by tools/classify-tune.c to fit the table). cam[] and
 * img[] get values (NaN = absent) and var_* the measurement variance of
 * each. Returns which table applies: 1 camera, 0 image.
 */
int wl__classify_transform(const wl_class_features_t *f,
                           double cam[WL__CF_COUNT],
                           double var_cam[WL__CF_COUNT],
                           double img[WL__IF_COUNT],
                           double var_img[WL__IF_COUNT]);

#endif
