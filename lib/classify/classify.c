/*
 * classify.c - person / vehicle / animal / bird / unknown from a track's
 * observations (see watchline/classify.h for the model and its contract).
 *
 * Design. An observation becomes features (wl_classify_features: metres and
 * m/s through the camera model when there is one, image cues otherwise),
 * the features become transformed values with their own measurement
 * variance (wl__classify_transform), and each class scores them with its
 * Gaussians from the table in model.c (wl_classify_loglik). A track's state
 * sums those log-likelihoods; the posterior weighs their mean by
 * min(n, n_eff) so that evidence saturates instead of growing without bound
 * on strongly correlated frames.
 *
 * The horizon row of every column is computed once when the classifier is
 * made, so "above the horizon" costs a table look-up per observation.
 *
 * Invariants: a classifier never changes after wl_classifier_new (shareable
 * across threads); nothing here allocates after it; every output is finite
 * or NaN where documented, never a crash on NaN or infinite input.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"

/* One feature's Gaussian contribution is capped at this many squared
 * standard deviations, so a single wild measurement (a merged box) cannot
 * veto a class by itself. */
#define Z2_CAP 25.0
#define LN_2PI 1.8378770664093453
/* Box edges are known to about half a pixel each: ln-size noise ~ 0.7 / n. */
#define EDGE_NOISE_PX 0.7
/* ln-contrast noise of a small target: CONTRAST_SMEAR_PX / its smaller
 * size in pixels. */
#define CONTRAST_SMEAR_PX 1.0
/* Blur of a box's edges, px, that the person-length test (too_long())
 * allows: a point-like object measures about this much on both axes. */
#define EDGE_BLUR_PX 2.0
/* Height, m, below which a box can hold no upright person, only a
 * crawling or lying one (too_long()). */
#define UPRIGHT_MIN_M 1.0

struct wl_classifier {
  wl_classify_params_t params;
  double log_prior[WL_CLASS_COUNT];
  int has_camera;
  wl_camera_t cam;
  double *horizon; /* width entries: horizon row at column centre i + 0.5 */
  /* Logs of the table's constants, computed once. */
  double ln_share[WL__KIND_MODELS];
  double ln_above[WL__KIND_MODELS], ln_below[WL__KIND_MODELS];
};

static const char *const CLASS_NAMES[WL_CLASS_COUNT] = {
    "unknown", "person", "vehicle", "animal", "bird"};

const char *wl_class_name(wl_class_t cls) {
  if ((int)cls < 0 || (int)cls >= WL_CLASS_COUNT) return CLASS_NAMES[0];
  return CLASS_NAMES[cls];
}

int wl_class_from_name(const char *name) {
  if (!name) return -1;
  for (int c = 0; c < WL_CLASS_COUNT; c++)
    if (strcmp(name, CLASS_NAMES[c]) == 0) return c;
  return -1;
}

void wl_classify_default_params(wl_classify_params_t *p) {
  memset(p, 0, sizeof *p);
  p->n_eff = 10.0;
  p->min_obs = 3;
  p->min_conf = 0.6;
  p->outlier_frac = 0.5;
  p->person_max_m = 2.0;
  for (int c = 1; c < WL_CLASS_COUNT; c++) p->prior[c] = 0.25;
}

static int check_params(const wl_classify_params_t *p, wl_err_t *err) {
  if (!(p->n_eff >= 1.0 && p->n_eff <= 1e6))
    return wl_fail(err, WL_EINVAL,
                   "classify params: n_eff %g must be in [1, 1e6]", p->n_eff);
  if (p->min_obs < 0 || p->min_obs > 1000000)
    return wl_fail(err, WL_EINVAL,
                   "classify params: min_obs %d must be in [0, 1e6]",
                   p->min_obs);
  if (!(p->min_conf >= 0.0 && p->min_conf <= 1.0))
    return wl_fail(err, WL_EINVAL,
                   "classify params: min_conf %g must be in [0, 1]",
                   p->min_conf);
  if (!(p->outlier_frac >= 0.0 && p->outlier_frac <= 1.0))
    return wl_fail(err, WL_EINVAL,
                   "classify params: outlier_frac %g must be in [0, 1]",
                   p->outlier_frac);
  if (!(p->person_max_m >= 0.0 && p->person_max_m <= 1e3))
    return wl_fail(err, WL_EINVAL,
                   "classify params: person_max_m %g must be in [0, 1000]",
                   p->person_max_m);
  for (int c = 1; c < WL_CLASS_COUNT; c++)
    if (!(p->prior[c] > 0.0 && p->prior[c] <= 1e6))
      return wl_fail(err, WL_EINVAL,
                     "classify params: prior[%d] (%s) %g must be > 0", c,
                     CLASS_NAMES[c], p->prior[c]);
  return WL_OK;
}

int wl_classifier_new(wl_classifier_t **out, const wl_classify_params_t *p,
                      const wl_camera_t *cam, wl_err_t *err) {
  *out = NULL;
  wl_classify_params_t defaults;
  if (!p) {
    wl_classify_default_params(&defaults);
    p = &defaults;
  }
  int rc = check_params(p, err);
  if (rc != WL_OK) return rc;
  if (cam && (cam->width < 1 || cam->width > WL_MAX_DIM || !(cam->f_px > 0.0)))
    return wl_fail(err, WL_EINVAL,
                   "classifier: camera '%s' is not initialised (width %d, "
                   "focal length %g px); call wl_camera_init first",
                   cam->id, cam->width, cam->f_px);
  wl_classifier_t *clf = calloc(1, sizeof *clf);
  if (!clf) return wl_fail(err, WL_ENOMEM, "classifier: out of memory");
  clf->params = *p;
  double prior_sum = 0.0;
  for (int c = 1; c < WL_CLASS_COUNT; c++) prior_sum += p->prior[c];
  for (int c = 1; c < WL_CLASS_COUNT; c++)
    clf->log_prior[c] = log(p->prior[c] / prior_sum);
  for (int k = 0; k < WL__KIND_MODELS; k++) {
    clf->ln_share[k] = log(wl__kind_models[k].share);
    clf->ln_above[k] = log(wl__kind_models[k].p_above);
    clf->ln_below[k] = log(1.0 - wl__kind_models[k].p_above);
  }
  if (cam) {
    clf->has_camera = 1;
    clf->cam = *cam;
    clf->horizon = malloc((size_t)cam->width * sizeof *clf->horizon);
    if (!clf->horizon) {
      free(clf);
      return wl_fail(err, WL_ENOMEM, "classifier: out of memory for the "
                                     "horizon table (%d columns)",
                     cam->width);
    }
    for (int i = 0; i < cam->width; i++)
      clf->horizon[i] = wl_camera_horizon_row(&clf->cam, i + 0.5);
  }
  *out = clf;
  return WL_OK;
}

void wl_classifier_free(wl_classifier_t *clf) {
  if (!clf) return;
  free(clf->horizon);
  free(clf);
}

int wl_classifier_has_camera(const wl_classifier_t *clf) {
  return clf->has_camera;
}

void wl_class_state_init(wl_class_state_t *s) { memset(s, 0, sizeof *s); }

/* ------------------------------------------------------------------------ */
/* Features                                                                  */

static void features_clear(wl_class_features_t *f) {
  f->has_ground = 0;
  f->above_horizon = 0;
  f->range_m = f->m_per_px = NAN;
  f->height_m = f->width_m = NAN;
  f->speed_mps = f->speed_std_mps = NAN;
  f->w_px = f->h_px = NAN;
  f->aspect = f->rel_speed = f->rel_speed_std = f->contrast = NAN;
}

/* Horizon row under column u (NaN outside the image or where none). */
static double horizon_at(const wl_classifier_t *clf, double u) {
  if (!(u >= 0.0 && u < clf->cam.width)) {
    return wl_camera_horizon_row(&clf->cam, u);
  }
  return clf->horizon[(int)u];
}

/* Physical size and ground speed through the camera model. */
static void camera_features(const wl_classifier_t *clf,
                            const wl_class_obs_t *obs,
                            wl_class_features_t *f) {
  const wl_camera_t *cam = &clf->cam;
  double u = obs->x + 0.5 * obs->w, v = obs->y + obs->h;
  double horizon = horizon_at(clf, u);
  double g[3];
  if ((!isnan(horizon) && v <= horizon) ||
      wl_camera_pixel_to_ground(cam, u, v, g) != WL_OK || !isfinite(g[0])) {
    f->above_horizon = 1;
    return;
  }
  f->has_ground = 1;
  double bearing;
  wl_camera_range_bearing(cam, g, &f->range_m, &bearing);
  f->m_per_px = wl_camera_footprint_m(cam, wl_camera_slant_range(cam, g));
  f->height_m = obs->h * f->m_per_px;
  f->width_m = obs->w * f->m_per_px;

  /* Ground velocity: where the velocity carries the foot point a little
   * later, on the ground. Shorten the look-ahead if it crosses the
   * horizon; give up (speed absent) if even a short one does. */
  if (!isfinite(obs->vx) || !isfinite(obs->vy)) return;
  double ahead[3], gv[2] = {NAN, NAN};
  for (double tau = WL__SPEED_LOOKAHEAD_S; tau > 0.01; tau *= 0.25) {
    if (wl_camera_pixel_to_ground(cam, u + obs->vx * tau, v + obs->vy * tau,
                                  ahead) == WL_OK &&
        isfinite(ahead[0])) {
      gv[0] = (ahead[0] - g[0]) / tau;
      gv[1] = (ahead[1] - g[1]) / tau;
      break;
    }
  }
  if (isnan(gv[0])) return;
  f->speed_mps = hypot(gv[0], gv[1]);
  /* Its noise: the velocity's (sigma px/s on each axis) through the
   * Jacobian J of pixel -> ground, covariance C = sigma^2 J J^T. Far away
   * C is very elongated: one pixel down the image is tens of metres of
   * range, so the range component of the velocity is mostly noise and
   * |J v| overstates the speed (a person walking at 4 km reads 40 m/s).
   * The speed is therefore debiased per principal axis of C (component^2
   * minus its variance, floored at 0), and its standard deviation is C's
   * along the debiased direction of travel. */
  double right[3], below[3];
  if (wl_camera_pixel_to_ground(cam, u + 1.0, v, right) != WL_OK ||
      wl_camera_pixel_to_ground(cam, u, v + 1.0, below) != WL_OK ||
      !isfinite(right[0]) || !isfinite(below[0]))
    return; /* at the horizon: keep the speed, no uncertainty known */
  double ju[2] = {right[0] - g[0], right[1] - g[1]};
  double jv[2] = {below[0] - g[0], below[1] - g[1]};
  double sigma = isfinite(obs->vel_std_px_s) && obs->vel_std_px_s > 0.0
                     ? obs->vel_std_px_s
                     : 0.0;
  if (sigma > WL__VEL_NOISE_PX_S) sigma = WL__VEL_NOISE_PX_S;
  double s2 = sigma * sigma;
  double cxx = s2 * (ju[0] * ju[0] + jv[0] * jv[0]);
  double cyy = s2 * (ju[1] * ju[1] + jv[1] * jv[1]);
  double cxy = s2 * (ju[0] * ju[1] + jv[0] * jv[1]);
  /* Eigen-decomposition of the symmetric 2x2 C. */
  double half_tr = 0.5 * (cxx + cyy), det = cxx * cyy - cxy * cxy;
  double disc = sqrt(fmax(half_tr * half_tr - det, 0.0));
  double lam[2] = {half_tr + disc, fmax(half_tr - disc, 0.0)};
  double e0[2];
  if (fabs(cxy) > 1e-12 * (cxx + cyy + 1e-300)) {
    e0[0] = lam[0] - cyy;
    e0[1] = cxy;
  } else {
    e0[0] = cxx >= cyy ? 1.0 : 0.0;
    e0[1] = cxx >= cyy ? 0.0 : 1.0;
  }
  double n0 = hypot(e0[0], e0[1]);
  if (!(n0 > 0.0)) {
    e0[0] = 1.0;
    e0[1] = 0.0;
    n0 = 1.0;
  }
  e0[0] /= n0;
  e0[1] /= n0;
  double comp[2] = {gv[0] * e0[0] + gv[1] * e0[1],
                    -gv[0] * e0[1] + gv[1] * e0[0]};
  double d2[2], sum2 = 0.0;
  for (int i = 0; i < 2; i++) {
    d2[i] = fmax(comp[i] * comp[i] - lam[i], 0.0);
    sum2 += d2[i];
  }
  f->speed_mps = sqrt(sum2);
  f->speed_std_mps = sum2 > 0.0
                         ? sqrt((lam[0] * d2[0] + lam[1] * d2[1]) / sum2)
                         : sqrt(lam[1]);
}

int wl_classify_features(const wl_classifier_t *clf, const wl_class_obs_t *obs,
                         wl_class_features_t *f) {
  features_clear(f);
  if (!(isfinite(obs->x) && isfinite(obs->y) && obs->w > 0.0 &&
        obs->h > 0.0 && isfinite(obs->w) && isfinite(obs->h) &&
        obs->w <= 4.0 * WL_MAX_DIM && obs->h <= 4.0 * WL_MAX_DIM))
    return WL_EINVAL;
  f->w_px = obs->w;
  f->h_px = obs->h;
  f->aspect = obs->h / obs->w;
  if (isfinite(obs->vx) && isfinite(obs->vy)) {
    f->rel_speed = hypot(obs->vx, obs->vy) / obs->h;
    f->rel_speed_std = isfinite(obs->vel_std_px_s) && obs->vel_std_px_s > 0.0
                           ? obs->vel_std_px_s / obs->h
                           : 0.0;
  }
  f->contrast = isfinite(obs->contrast) ? fabs(obs->contrast) : NAN;
  if (clf->has_camera) camera_features(clf, obs, f);
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Model                                                                     */

static double log_floor(double x, double floor_value) {
  return log(x > floor_value ? x : floor_value);
}

/* Measurement variance of ln contrast: a target a pixel or two across is
 * smeared by the optics, so its peak contrast reads low by a factor that
 * depends on where it falls on the pixel grid; larger ones are known
 * exactly. */
static double contrast_var(const wl_class_features_t *f) {
  double m = f->w_px < f->h_px ? f->w_px : f->h_px;
  double e = CONTRAST_SMEAR_PX / m;
  return e * e;
}

int wl__classify_transform(const wl_class_features_t *f,
                           double cam[WL__CF_COUNT],
                           double var_cam[WL__CF_COUNT],
                           double img[WL__IF_COUNT],
                           double var_img[WL__IF_COUNT]) {
  for (int i = 0; i < WL__CF_COUNT; i++) cam[i] = var_cam[i] = NAN;
  for (int i = 0; i < WL__IF_COUNT; i++) img[i] = var_img[i] = NAN;
  double contrast = isfinite(f->contrast)
                        ? log_floor(f->contrast, WL__CONTRAST_FLOOR)
                        : NAN;
  if (f->has_ground) {
    double eh = EDGE_NOISE_PX / f->h_px, ew = EDGE_NOISE_PX / f->w_px;
    cam[WL__CF_LOG_HEIGHT_M] = log(f->height_m);
    var_cam[WL__CF_LOG_HEIGHT_M] = eh * eh;
    cam[WL__CF_LOG_WIDTH_M] = log(f->width_m);
    var_cam[WL__CF_LOG_WIDTH_M] = ew * ew;
    if (isfinite(f->speed_mps)) {
      double s = f->speed_mps + WL__SPEED_SOFT_MPS;
      double rs = isfinite(f->speed_std_mps) ? f->speed_std_mps / s : 0.0;
      cam[WL__CF_LOG_SPEED] = log(s);
      var_cam[WL__CF_LOG_SPEED] = rs * rs;
    }
    cam[WL__CF_LOG_CONTRAST] = contrast;
    var_cam[WL__CF_LOG_CONTRAST] = contrast_var(f);
    return 1;
  }
  if (isfinite(f->aspect) && f->aspect > 0.0) {
    double eh = EDGE_NOISE_PX / f->h_px, ew = EDGE_NOISE_PX / f->w_px;
    img[WL__IF_LOG_ASPECT] = log(f->aspect);
    var_img[WL__IF_LOG_ASPECT] = eh * eh + ew * ew;
  }
  if (isfinite(f->rel_speed)) {
    double s = f->rel_speed + WL__REL_SPEED_SOFT;
    double rs = isfinite(f->rel_speed_std) ? f->rel_speed_std / s : 0.0;
    img[WL__IF_LOG_REL_SPEED] = log(s);
    var_img[WL__IF_LOG_REL_SPEED] = rs * rs;
  }
  img[WL__IF_LOG_CONTRAST] = contrast;
  var_img[WL__IF_LOG_CONTRAST] = contrast_var(f);
  return 0;
}

/* ln N(x; g.mean, g.sd^2 + var), with the squared distance capped; adds
 * the uncapped squared distance to *z2_sum. */
static double gauss_ll(double x, const wl__gauss_t *g, double var,
                       double *z2_sum) {
  double v = g->sd * g->sd + (isfinite(var) ? var : 0.0);
  double d = x - g->mean;
  double z2 = d * d / v;
  *z2_sum += z2;
  if (z2 > Z2_CAP) z2 = Z2_CAP;
  return -0.5 * (z2 + LN_2PI + log(v));
}

/* ln of a split normal for ln contrast: below the kind's mean the spread
 * is sqrt(g.sd^2 + var_low) (the optics smear a small target's peak, so it
 * reads low by an unknown factor), above it g.sd alone (smearing never
 * makes a target read warmer than it is); normalised, so that a reading
 * above the kind's mean counts fully against it. Distance capped and
 * summed as in gauss_ll. */
static double smeared_ll(double x, const wl__gauss_t *g, double var_low,
                         double *z2_sum) {
  double s_hi = g->sd;
  double s_lo = sqrt(g->sd * g->sd + (isfinite(var_low) ? var_low : 0.0));
  double d = x - g->mean, s = d < 0.0 ? s_lo : s_hi;
  double z2 = d * d / (s * s);
  *z2_sum += z2;
  if (z2 > Z2_CAP) z2 = Z2_CAP;
  return -0.5 * (z2 + LN_2PI) + log(2.0 / (s_lo + s_hi));
}

/* 99.9 % quantiles of chi-square with 1..4 degrees of freedom: an
 * observation farther than this from every kind fits none. */
static const double CHI2_999[WL__CF_COUNT + 1] = {0.0, 10.83, 13.82, 16.27,
                                                   18.47};

/* ln(exp(a) + exp(b)) without overflow; -inf is the identity. */
static double log_add(double a, double b) {
  if (a == -INFINITY) return b;
  if (b == -INFINITY) return a;
  return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

/* One kind's log-likelihood of the transformed features; *z2 gets the
 * squared distance to the kind summed over the Gaussian features. */
static double kind_loglik(const wl__kind_model_t *km, int use_cam,
                          const double *cam, const double *var_cam,
                          const double *img, const double *var_img,
                          double *z2) {
  double ll = 0.0;
  *z2 = 0.0;
  if (use_cam) {
    for (int i = 0; i < WL__CF_COUNT; i++)
      if (isfinite(cam[i]))
        ll += i == WL__CF_LOG_CONTRAST
                  ? smeared_ll(cam[i], &km->cam[i], var_cam[i], z2)
                  : gauss_ll(cam[i], &km->cam[i], var_cam[i], z2);
  } else {
    for (int i = 0; i < WL__IF_COUNT; i++)
      if (isfinite(img[i]))
        ll += i == WL__IF_LOG_CONTRAST
                  ? smeared_ll(img[i], &km->img[i], var_img[i], z2)
                  : gauss_ll(img[i], &km->img[i], var_img[i], z2);
  }
  return ll;
}

/* wl_classify_loglik() for the features f of a usable observation. */
static int loglik_of(const wl_classifier_t *clf, const wl_class_features_t *f,
                     double ll[WL_CLASS_COUNT], int *outlier) {
  double cam[WL__CF_COUNT], var_cam[WL__CF_COUNT];
  double img[WL__IF_COUNT], var_img[WL__IF_COUNT];
  int use_cam = wl__classify_transform(f, cam, var_cam, img, var_img);
  int gaussians = 0;
  if (use_cam) {
    for (int i = 0; i < WL__CF_COUNT; i++) gaussians += isfinite(cam[i]) != 0;
  } else {
    for (int i = 0; i < WL__IF_COUNT; i++) gaussians += isfinite(img[i]) != 0;
  }
  int used = gaussians + (clf->has_camera ? 1 : 0);
  if (used == 0) return 0;
  double nearest = INFINITY;
  for (int c = 1; c < WL_CLASS_COUNT; c++) ll[c] = -INFINITY;
  for (int k = 0; k < WL__KIND_MODELS; k++) {
    const wl__kind_model_t *km = &wl__kind_models[k];
    double z2;
    double l = clf->ln_share[k] +
               kind_loglik(km, use_cam, cam, var_cam, img, var_img, &z2);
    if (clf->has_camera)
      l += f->above_horizon ? clf->ln_above[k] : clf->ln_below[k];
    ll[km->cls] = log_add(ll[km->cls], l);
    if (z2 < nearest) nearest = z2;
  }
  if (outlier) *outlier = nearest > CHI2_999[gaussians];
  return used;
}

int wl_classify_loglik(const wl_classifier_t *clf, const wl_class_obs_t *obs,
                       double ll[WL_CLASS_COUNT], int *outlier) {
  for (int c = 0; c < WL_CLASS_COUNT; c++) ll[c] = 0.0;
  if (outlier) *outlier = 0;
  wl_class_features_t f;
  if (wl_classify_features(clf, obs, &f) != WL_OK) return 0;
  return loglik_of(clf, &f, ll, outlier);
}

/* Is an observation on the ground too long for any person that low
 * (person_max_m): its box less than UPRIGHT_MIN_M tall, so that only a
 * crawling or lying person could fit it, and its width, less
 * EDGE_BLUR_PX, more than person_max_m metres? A crawler is at most
 * about 2 m long side-on; the soft Gaussians of the kinds let a box as
 * low as a crawler but 3-4 m long (a cold streak of ground a flock's
 * model left behind, 14-20 x 2 px at 300 m) score as the crawling kind,
 * its width 2.5 and its contrast 3 of the kind's standard deviations
 * off, where every other kind fits worse (docs/DETECTION.md, tuning log
 * "Nuisance: the flock's cold trails, and a flat box called a person").
 * Taller boxes are not judged: upright people side by side merge into a
 * box of any width, and people they are. The blur allowance keeps a
 * distant person a few pixels across, whose pixels are metres wide, a
 * person. */
static int too_long(const wl_classifier_t *clf, const wl_class_features_t *f) {
  double max_m = clf->params.person_max_m;
  if (!(max_m > 0.0) || !f->has_ground) return 0;
  return f->h_px * f->m_per_px < UPRIGHT_MIN_M &&
         (f->w_px - EDGE_BLUR_PX) * f->m_per_px > max_m;
}

/* Posterior, class and confidence from the summed evidence. */
static void decide(const wl_classifier_t *clf, wl_class_state_t *s) {
  const wl_classify_params_t *p = &clf->params;
  double weight = s->n > p->n_eff ? p->n_eff / s->n : 1.0;
  double logit[WL_CLASS_COUNT], top = -INFINITY;
  int best = 1;
  /* A track mostly too low and long for a person is none (too_long()). */
  int no_person = s->n_too_long > p->outlier_frac * s->n;
  for (int c = 1; c < WL_CLASS_COUNT; c++) {
    logit[c] = c == WL_CLASS_PERSON && no_person
                   ? -INFINITY
                   : clf->log_prior[c] + weight * s->sum_ll[c];
    if (logit[c] > top) {
      top = logit[c];
      best = c;
    }
  }
  double z = 0.0;
  for (int c = 1; c < WL_CLASS_COUNT; c++) z += exp(logit[c] - top);
  s->prob[0] = 0.0;
  for (int c = 1; c < WL_CLASS_COUNT; c++) s->prob[c] = exp(logit[c] - top) / z;
  s->conf = s->prob[best];
  if (s->n < p->min_obs || s->conf < p->min_conf ||
      s->n_outliers > p->outlier_frac * s->n)
    s->cls = WL_CLASS_UNKNOWN;
  else
    s->cls = (wl_class_t)best;
}

void wl_classify_observe(const wl_classifier_t *clf, wl_class_state_t *s,
                         const wl_class_obs_t *obs) {
  double ll[WL_CLASS_COUNT];
  int outlier = 0;
  wl_class_features_t f;
  if (wl_classify_features(clf, obs, &f) != WL_OK) return;
  int used = loglik_of(clf, &f, ll, &outlier);
  if (used == 0) return;
  for (int c = 1; c < WL_CLASS_COUNT; c++) s->sum_ll[c] += ll[c];
  s->sum_feat += used;
  s->n++;
  s->n_outliers += outlier;
  s->n_too_long += too_long(clf, &f);
  decide(clf, s);
}
