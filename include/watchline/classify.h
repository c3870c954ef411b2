/*
 * watchline/classify.h - what a tracked object is: person, vehicle, animal,
 * bird or unknown, with a confidence.
 *
 * A transparent naive-Bayes model. Each observation of a track (its box,
 * its filtered velocity, the matched detection's contrast) is turned into a
 * few features. Each class is a mixture of kinds (walking, running,
 * crawling and standing people; cars and trucks; dogs, sheep and camels;
 * small and large birds) and each kind has a Gaussian per feature (mean and
 * standard deviation in a table: lib/classify/model.c, fitted to simulator
 * data by tools/classify-tune.c and listed in docs/DETECTION.md); the
 * log-likelihoods of the features add up.
 *
 * With a camera model the features are physical: height and width in metres
 * (box size times the metres per pixel at the slant range of the foot point,
 * the bottom centre of the box), ground speed in m/s (the foot point and
 * where the velocity carries it 0.5 s later, both put on the ground;
 * debiased by the velocity noise, which far away puts tens of metres of
 * range behind every pixel down the image), the
 * magnitude of the peak contrast in kelvin, and whether the foot point is
 * above the horizon (only birds are). Above the horizon, or without a
 * camera, they are image cues: aspect ratio h/w, image speed in box heights
 * per second, and contrast.
 *
 * Each feature's variance is the kind's spread plus the measurement's own
 * (a 3-pixel box knows its height to a third, and its peak contrast is
 * smeared by the optics; a fresh track's speed is uncertain), so weak
 * observations carry little evidence by themselves. Smearing only lowers
 * a peak, so the contrast's measurement variance applies only below a
 * kind's mean (a split normal): a small box reading warmer than a kind is
 * as much evidence against it as a large one.
 *
 * Per-track state (wl_class_state_t) accumulates the evidence over the
 * track's life: the posterior uses the mean per-observation log-likelihood
 * times min(n, n_eff), so the class settles after a few observations and
 * then stays stable, and correlated frames do not make it overconfident.
 * The answer is "unknown" while fewer than min_obs observations are in,
 * when the best class's posterior is below min_conf, or when no class fits
 * (more than outlier_frac of the observations are outliers: farther from
 * every kind than the 99.9 % chi-square quantile for the number of
 * features, in the kind's own standard deviations). With a camera, a
 * track more than outlier_frac of whose observations are too low for an
 * upright person (under 1 m) and longer than a crawling one
 * (person_max_m, less the blur of the box's edges) is not a person,
 * whatever its other features say: the Gaussians score every feature
 * softly, so a flat box as low as a crawler but several metres long
 * could otherwise win as one.
 *
 * A classifier is read-only once made, so one may serve many trackers and
 * threads. Observing allocates nothing.
 */
#ifndef WATCHLINE_CLASSIFY_H
#define WATCHLINE_CLASSIFY_H

#include <stdint.h>

#include "watchline/camera.h"
#include "watchline/common.h"

/* Classes. The numbers of person..bird equal wl_sim_class_t's. */
typedef enum wl_class {
  WL_CLASS_UNKNOWN = 0,
  WL_CLASS_PERSON = 1,
  WL_CLASS_VEHICLE = 2,
  WL_CLASS_ANIMAL = 3,
  WL_CLASS_BIRD = 4
} wl_class_t;

#define WL_CLASS_COUNT 5

/* "unknown", "person", "vehicle", "animal", "bird"; "unknown" for any other
 * value. Static strings. */
const char *wl_class_name(wl_class_t cls);

/* The class named `name` (as wl_class_name gives), or -1. */
int wl_class_from_name(const char *name);

/* One observation of a tracked object, in the frame's pixel coordinates
 * (continuous, top-left origin). */
typedef struct wl_class_obs {
  double x, y, w, h;     /* box: top-left corner and size, px (w, h > 0) */
  double vx, vy;         /* image velocity, px/s */
  double vel_std_px_s;   /* its standard deviation (per axis), px/s */
  double contrast;       /* peak contrast in kelvin (sign ignored); NaN when
                            unknown (e.g. not radiometric) */
  double snr;            /* detection SNR; NaN if unknown */
  int polarity;          /* +1 warmer than the background, -1 colder, 0 ? */
} wl_class_obs_t;

/* The features of one observation (wl_classify_features). NaN = absent. */
typedef struct wl_class_features {
  int has_ground;        /* the foot point is on the ground (camera given) */
  int above_horizon;     /* camera given and the box centre above horizon */
  double range_m;        /* ground range of the foot point */
  double m_per_px;       /* metres per pixel at the foot point's slant range */
  double height_m, width_m;  /* box size in metres */
  double speed_mps;      /* ground speed */
  double speed_std_mps;  /* its standard deviation from vel_std_px_s */
  double w_px, h_px;     /* box size in pixels */
  double aspect;         /* h / w */
  double rel_speed;      /* image speed in box heights per second */
  double rel_speed_std;  /* its standard deviation from vel_std_px_s */
  double contrast;       /* |contrast| of the observation, K */
} wl_class_features_t;

/* Per-track evidence. Zero-initialise it (or wl_class_state_init). */
typedef struct wl_class_state {
  double sum_ll[WL_CLASS_COUNT]; /* summed log-likelihoods; [0] unused */
  double sum_feat;               /* features used, summed over observations */
  int n;                         /* observations */
  int n_outliers;                /* observations that fit no kind */
  int n_too_long;                /* observations lower and longer than
                                    any crawling person (person_max_m) */
  wl_class_t cls;                /* current answer */
  double conf;                   /* its posterior probability, 0..1 */
  double prob[WL_CLASS_COUNT];   /* posterior of each class; [0] is 0 */
} wl_class_state_t;

typedef struct wl_classify_params {
  double n_eff;        /* 10: evidence counts as at most this many
                          independent observations */
  int min_obs;         /* 3: "unknown" until this many observations */
  double min_conf;     /* 0.6: "unknown" below this posterior */
  double outlier_frac; /* 0.5: "unknown" when more than this fraction of
                          the observations fit no kind */
  double person_max_m; /* 2.0: with a camera, a person lower than 1 m
                          (crawling) is never longer than this, m: not
                          person when more than outlier_frac of the
                          observations are lower and longer (0: off) */
  double prior[WL_CLASS_COUNT]; /* class priors ([0] unused); default equal */
} wl_classify_params_t;

void wl_classify_default_params(wl_classify_params_t *p);

typedef struct wl_classifier wl_classifier_t;

/*
 * Make a classifier. cam may be NULL (image cues only); otherwise it is
 * copied, so it need not outlive the classifier. p NULL means defaults.
 * Errors: WL_EINVAL for out-of-range parameters (message names the field),
 * WL_ENOMEM. Free with wl_classifier_free.
 */
int wl_classifier_new(wl_classifier_t **out, const wl_classify_params_t *p,
                      const wl_camera_t *cam, wl_err_t *err) WL_WARN_UNUSED;

/* Free a classifier; NULL is a no-op. */
void wl_classifier_free(wl_classifier_t *clf);

/* 1 when the classifier uses a camera model. */
int wl_classifier_has_camera(const wl_classifier_t *clf);

/* Reset a track's evidence to nothing (class unknown, confidence 0). */
void wl_class_state_init(wl_class_state_t *s);

/*
 * Compute the features of one observation. Returns WL_OK, or WL_EINVAL when
 * the box is empty or not finite (features then all NaN).
 */
int wl_classify_features(const wl_classifier_t *clf, const wl_class_obs_t *obs,
                         wl_class_features_t *f);

/*
 * Per-class log-likelihood of one observation: ll[c] for c = 1..4 (ll[0]
 * is set to 0), summed over the features present. If outlier is not NULL
 * it is set to 1 when the observation fits no kind (see above). Returns the
 * number of features used (0 when the observation is unusable).
 */
int wl_classify_loglik(const wl_classifier_t *clf, const wl_class_obs_t *obs,
                       double ll[WL_CLASS_COUNT], int *outlier);

/*
 * Add one observation's evidence to a track's state and update s->cls,
 * s->conf and s->prob. An unusable observation (empty box) changes nothing.
 */
void wl_classify_observe(const wl_classifier_t *clf, wl_class_state_t *s,
                         const wl_class_obs_t *obs);

#endif
