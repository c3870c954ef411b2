/*
 * classify-tune.c - fit the classifier's table (lib/classify/model.c) to
 * simulator data, and measure class accuracy.
 *
 *   classify-tune fit [--seeds N] [--first-seed S] [--out FILE]
 *       Runs N random scenarios (seeds S .. S+N-1, default 40 from 20):
 *       a random tower, lens, pitch and time of day, with every kind of
 *       target spawned at random ranges, headings and bird altitudes. The
 *       simulator's truth boxes become detections (contrast measured in the
 *       rendered frame, as a detector would), the tracker follows them, and
 *       every confirmed track's observations (as the tracker hands them to
 *       the classifier, once per 0.1 s) are turned into features and
 *       grouped by the true kind. Writes model.c (mean and standard
 *       deviation of each feature per kind, P(above horizon)) to FILE
 *       (default: stdout) and a summary to stderr. --detector: detections
 *       from preprocess + motion instead of truth; --pipeline: the whole
 *       wl_pipeline (what the system runs; camera rows fitted with the
 *       camera, image rows without). Both label a track by the truth box
 *       it overlaps most (IoU >= 0.3) and keep the current row of a kind
 *       they never see (standing people).
 *
 *   classify-tune eval [--camera|--no-camera] [--seeds A-B] PRESET...
 *   classify-tune eval [--camera|--no-camera] --random [--seeds A-B]
 *       Runs the presets (or random scenarios) with the tracker and the
 *       classifier attached and prints class accuracy on tracks older than
 *       2 s: per observation-frame and per track (its class at its last
 *       frame), with a confusion matrix. --detector / --pipeline as for
 *       fit; --dump prints each scored track's mean features (size in
 *       metres, speed, contrast, aspect, range), truth kind and answer.
 *
 * As everywhere in the project, seeds 1-99 are for tuning and figures are
 * reported on seeds 101 and up: the model is fitted on random scenarios
 * with seeds 20-59 and scored on the presets (and on random scenarios)
 * with seeds from 101, never on data it was fitted to.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/classify/classify_int.h"
#include "accuracy.h"
#include "watchline/motion.h"
#include "watchline/pipeline.h"
#include "watchline/preprocess.h"
#include "watchline/sim.h"
#include "watchline/track.h"

#define MAX_TRUTH 512
#define MIN_TRACK_S 2.0

/* ------------------------------------------------------------------------ */
/* Random scenarios                                                          */

typedef struct rng {
  uint64_t s;
} rng_t;

static double uniform(rng_t *r) {
  r->s += 0x9e3779b97f4a7c15ULL;
  uint64_t z = r->s;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static double range_uniform(rng_t *r, double lo, double hi) {
  return lo + (hi - lo) * uniform(r);
}

static const struct {
  const char *cls, *kind;
} KINDS[] = {{"person", "walking"}, {"person", "running"},
             {"person", "crawling"}, {"person", "standing"},
             {"vehicle", "car"},     {"vehicle", "truck"},
             {"animal", "dog"},      {"animal", "sheep"},
             {"animal", "camel"},    {"bird", "small"},
             {"bird", "large"}};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

/* Append printf output to a growing buffer (the tool may allocate). */
static void append(char **buf, size_t *len, size_t *cap, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
static void append(char **buf, size_t *len, size_t *cap, const char *fmt,
                   ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < *cap - *len) {
      *len += (size_t)n;
      return;
    }
    *cap = *cap * 2 + (size_t)(n > 0 ? n : 0) + 64;
    *buf = realloc(*buf, *cap);
    if (!*buf) {
      fprintf(stderr, "classify-tune: out of memory\n");
      exit(1);
    }
  }
}

/* A random scenario as JSON text (malloc'd). */
static char *random_scenario(uint64_t seed) {
  rng_t r = {seed * 7919 + 17};
  double height = range_uniform(&r, 8, 30);
  double hfov = exp(range_uniform(&r, log(7), log(32)));
  /* Centre range: wider lenses look closer. */
  double centre = exp(range_uniform(&r, log(80), log(300))) * 24.0 / hfov;
  double pitch = -atan2(height, centre) * 180.0 / M_PI;
  int day = uniform(&r) < 0.35;
  char *buf = malloc(4096);
  size_t len = 0, cap = 4096;
  append(&buf, &len, &cap,
         "{\"name\": \"tune-%llu\", \"duration_s\": 8,\n"
         " \"camera\": {\"id\": \"tune\", \"width\": 640, \"height\": 512,"
         " \"hfov_deg\": %.3f, \"lat\": 31.3, \"lon\": -109.5,"
         " \"height_m\": %.2f, \"yaw_deg\": 180, \"pitch_deg\": %.3f,"
         " \"fps\": %d},\n"
         " \"scene\": {\"time\": \"%s\", \"vegetation\": 4},\n"
         " \"spawn\": [\n",
         (unsigned long long)seed, hfov, height, pitch,
         uniform(&r) < 0.5 ? 30 : 25, day ? "day" : "night");
  for (size_t k = 0; k < N_KINDS; k++) {
    int groups = 1 + (uniform(&r) < 0.5);
    for (int g = 0; g < groups; g++) {
      double range = centre * exp(range_uniform(&r, log(0.45), log(2.2)));
      double off = range_uniform(&r, -0.4, 0.4) * hfov * M_PI / 180.0;
      double e = range * sin(off), n = -range * cos(off);
      int bird = strcmp(KINDS[k].cls, "bird") == 0;
      int parked = strcmp(KINDS[k].kind, "car") == 0 && uniform(&r) < 0.15;
      append(&buf, &len, &cap,
             "%s  {\"count\": %d, \"class\": \"%s\", \"kind\": \"%s\","
             " \"center\": [%.1f, %.1f], \"radius_m\": %.1f,"
             " \"heading_deg\": %.1f, \"heading_spread_deg\": 40,"
             " \"distance_m\": %.1f, \"legs\": 2",
             (k == 0 && g == 0) ? "" : ",\n", 1 + (int)(uniform(&r) * 2),
             KINDS[k].cls, KINDS[k].kind, e, n, 0.05 * range,
             range_uniform(&r, 0, 360), bird ? 200.0 : 80.0);
      if (bird)
        append(&buf, &len, &cap, ", \"altitude_m\": %.1f",
               exp(range_uniform(&r, log(4), log(80))));
      if (parked) append(&buf, &len, &cap, ", \"speed_mps\": 0");
      append(&buf, &len, &cap, "}");
    }
  }
  append(&buf, &len, &cap, "\n ]}\n");
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Truth to detections                                                       */

/* ------------------------------------------------------------------------ */
/* One run                                                                   */

typedef struct stats {
  /* Fit: per kind, sums of each transformed feature and its square. */
  double cam_n[N_KINDS][WL__CF_COUNT], cam_s[N_KINDS][WL__CF_COUNT],
      cam_ss[N_KINDS][WL__CF_COUNT];
  double img_n[N_KINDS][WL__IF_COUNT], img_s[N_KINDS][WL__IF_COUNT],
      img_ss[N_KINDS][WL__IF_COUNT];
  double above[N_KINDS], seen[N_KINDS];
  /* Eval */
  long frames_ok, frames_all, tracks_ok, tracks_all;
  long confusion[WL_CLASS_COUNT][WL_CLASS_COUNT]; /* [truth][answer] */
} stats_t;

static int kind_index(const char *kind) {
  for (size_t k = 0; k < N_KINDS; k++)
    if (strcmp(KINDS[k].kind, kind) == 0) return (int)k;
  return -1;
}

static void add(double *n, double *s, double *ss, double v) {
  if (!isfinite(v)) return;
  *n += 1;
  *s += v;
  *ss += v * v;
}

/* The observation the tracker hands the classifier (track.c). */
static void track_obs(const wl_track_t *t, const wl_detection_t *d,
                      wl_class_obs_t *o) {
  *o = (wl_class_obs_t){t->x,  t->y,  t->w, t->h, t->vx, t->vy,
                        t->vel_std_px_s, t->contrast, t->snr, d->polarity};
}

/* which: 1 camera features (and the horizon), 2 image features, 3 both. */
static void collect(const wl_classifier_t *cam_clf,
                    const wl_classifier_t *img_clf, const wl_track_t *t,
                    const wl_detection_t *d, int kind, int which,
                    stats_t *st) {
  wl_class_obs_t o;
  track_obs(t, d, &o);
  wl_class_features_t f;
  double cam[WL__CF_COUNT], vc[WL__CF_COUNT], img[WL__IF_COUNT],
      vi[WL__IF_COUNT];
  if ((which & 1) && wl_classify_features(cam_clf, &o, &f) == WL_OK) {
    st->seen[kind] += 1;
    st->above[kind] += f.above_horizon;
    if (wl__classify_transform(&f, cam, vc, img, vi))
      for (int i = 0; i < WL__CF_COUNT; i++)
        add(&st->cam_n[kind][i], &st->cam_s[kind][i], &st->cam_ss[kind][i],
            cam[i]);
  }
  if ((which & 2) && wl_classify_features(img_clf, &o, &f) == WL_OK) {
    wl__classify_transform(&f, cam, vc, img, vi);
    for (int i = 0; i < WL__IF_COUNT; i++)
      add(&st->img_n[kind][i], &st->img_s[kind][i], &st->img_ss[kind][i],
          img[i]);
  }
}

/* Per-track bookkeeping for evaluation: truth class and last answer. */
typedef struct track_eval {
  uint64_t id;
  int truth_cls;
  int answer;
  double age_s;
  int kind;
  /* --dump: sums of features over the track's observations */
  double n, n_ground, above, ln_h, ln_w, ln_speed, ln_contrast, h_px, range;
  double ln_aspect, ln_rel_speed;
} track_eval_t;

/* Intersection over union of two boxes. */
static double box_iou(double ax, double ay, double aw, double ah, double bx,
                      double by, double bw, double bh) {
  double x0 = fmax(ax, bx), y0 = fmax(ay, by);
  double x1 = fmin(ax + aw, bx + bw), y1 = fmin(ay + ah, by + bh);
  if (x1 <= x0 || y1 <= y0) return 0.0;
  double inter = (x1 - x0) * (y1 - y0);
  return inter / (aw * ah + bw * bh - inter);
}

/* The truth a track stands for: with truth detections, the one behind its
 * detection; with the real detector, the truth box it overlaps most (IoU
 * at least 0.3), or NULL. */
static const wl_sim_truth_t *track_truth(const wl_track_t *t,
                                         const wl_sim_truth_t *truth,
                                         size_t nt, const int *det_truth,
                                         int use_detector) {
  if (!use_detector) return &truth[det_truth[t->det_index]];
  const wl_sim_truth_t *best = NULL;
  double best_iou = 0.3;
  for (size_t i = 0; i < nt; i++) {
    double v = box_iou(t->x, t->y, t->w, t->h, truth[i].x, truth[i].y,
                       truth[i].w, truth[i].h);
    if (v >= best_iou) {
      best_iou = v;
      best = &truth[i];
    }
  }
  return best;
}

/* use_detector: 0 truth boxes, 1 preprocess + motion, 2 the whole
 * pipeline (wl_pipeline: what the system runs). dump: print each scored
 * track's mean features. */
static int run(const char *name_or_json, int is_json, uint64_t seed,
               int fit, int use_camera, int use_detector, int dump,
               stats_t *st) {
  wl_err_t err;
  wl_scenario_t *sc = NULL;
  int rc = is_json ? wl_scenario_parse(&sc, name_or_json,
                                       strlen(name_or_json), "random", &err)
                   : wl_scenario_load(&sc, name_or_json, &err);
  if (rc != WL_OK) {
    fprintf(stderr, "classify-tune: %s\n", err.msg);
    return 1;
  }
  const wl_camera_t *cam = wl_scenario_camera(sc);
  wl_sim_t *sim = NULL;
  wl_tracker_t *tr = NULL;
  wl_classifier_t *cam_clf = NULL, *img_clf = NULL;
  wl_track_params_t tp;
  wl_track_default_params(&tp);
  tp.width = cam->width;
  tp.height = cam->height;
  /* Truth detections are never clutter: when fitting, let strong static
   * tracks confirm too, so that standing people and parked cars are
   * learned (evaluation uses the tracker's defaults). */
  if (fit) tp.static_confirm_hits = 15;
  if (wl_sim_new(&sim, sc, seed, &err) != WL_OK ||
      wl_tracker_new(&tr, &tp, &err) != WL_OK ||
      wl_classifier_new(&cam_clf, NULL, cam, &err) != WL_OK ||
      wl_classifier_new(&img_clf, NULL, NULL, &err) != WL_OK) {
    fprintf(stderr, "classify-tune: %s\n", err.msg);
    return 1;
  }
  if (!fit) wl_tracker_set_classifier(tr, use_camera ? cam_clf : img_clf);
  wl_preprocess_t *pp = NULL;
  wl_motion_t *mo = NULL;
  wl_pipeline_t *pl = NULL;
  if (use_detector == 2 &&
      wl_pipeline_new(&pl, use_camera ? cam : NULL, NULL, NULL,
                      &err) != WL_OK) {
    fprintf(stderr, "classify-tune: %s\n", err.msg);
    return 1;
  }
  if (use_detector == 1 &&
      (wl_preprocess_new(&pp, cam->width, cam->height, NULL, NULL, &err) !=
           WL_OK ||
       wl_motion_new(&mo, cam->width, cam->height, NULL, &err) != WL_OK)) {
    fprintf(stderr, "classify-tune: %s\n", err.msg);
    return 1;
  }
  wl_frame_t frame;
  wl_frame_init(&frame);
  static wl_sim_truth_t truth[MAX_TRUTH];
  static wl_detection_t dets[MAX_TRUTH];
  static int det_truth[MAX_TRUTH];
  static uint16_t ring[4096];
  static track_eval_t evals[4096];
  size_t n_evals = 0;
  int frames = (int)(wl_scenario_duration_s(sc) * cam->fps);
  int64_t last_obs_ns[4096] = {0};
  for (int f = 0; f < frames; f++) {
    size_t nt;
    if (wl_sim_next(sim, &frame, truth, MAX_TRUTH, &nt, &err) != WL_OK) {
      fprintf(stderr, "classify-tune: %s\n", err.msg);
      return 1;
    }
    size_t nd = 0;
    const wl_detection_t *dl = dets;
    if (use_detector == 2) {
      if (wl_pipeline_process(pl, &frame, &err) != WL_OK) {
        fprintf(stderr, "classify-tune: %s\n", err.msg);
        return 1;
      }
      dl = wl_pipeline_detections(pl, &nd);
    } else if (use_detector) {
      wl_preprocess_result_t res;
      if (wl_preprocess_frame(pp, &frame, &res, &err) != WL_OK ||
          wl_motion_process(mo, &frame, &res, dets, MAX_TRUTH, &nd, &err) !=
              WL_OK) {
        fprintf(stderr, "classify-tune: %s\n", err.msg);
        return 1;
      }
    }
    /* A frozen (FFC) frame yields no detections, as the detector skips it. */
    for (size_t i = 0; i < nt && !use_detector && !wl_sim_in_ffc(sim); i++) {
      if (truth[i].visibility < 0.3 || truth[i].w <= 0 || truth[i].h <= 0)
        continue;
      acc_truth_detection(&frame, &truth[i], &dets[nd], ring);
      det_truth[nd++] = (int)i;
    }
    if (wl_tracker_update(tr, frame.t_ns, dets, nd, &err) != WL_OK) {
      fprintf(stderr, "classify-tune: %s\n", err.msg);
      return 1;
    }
    size_t nc;
    const wl_track_t *t = pl ? wl_pipeline_tracks(pl, &nc)
                             : wl_tracker_confirmed(tr, &nc);
    for (size_t i = 0; i < nc; i++) {
      if (t[i].det_index < 0 || (size_t)t[i].det_index >= nd) continue;
      const wl_sim_truth_t *gt =
          track_truth(&t[i], truth, nt, det_truth, use_detector);
      if (!gt) continue;
      int kind = kind_index(gt->kind);
      if (kind < 0) continue;
      if (fit) {
        size_t slot = t[i].id % 4096;
        if (frame.t_ns - last_obs_ns[slot] < 100000000 && last_obs_ns[slot])
          continue;
        last_obs_ns[slot] = frame.t_ns;
        /* The pipeline detects differently with a camera (a person-size
         * prior): each table is fitted on the boxes it will be given. */
        collect(cam_clf, img_clf, &t[i], &dl[t[i].det_index], kind,
                use_detector == 2 ? (use_camera ? 1 : 2) : 3, st);
        continue;
      }
      double age_s = (double)(frame.t_ns - t[i].t_birth_ns) * 1e-9;
      size_t e = 0;
      while (e < n_evals && evals[e].id != t[i].id) e++;
      if (e == n_evals && n_evals < 4096)
        evals[n_evals++] = (track_eval_t){.id = t[i].id, .truth_cls = gt->cls};
      if (e < n_evals) {
        track_eval_t *ev = &evals[e];
        ev->kind = kind;
        if (dump) {
          wl_class_obs_t o;
          wl_class_features_t fe;
          track_obs(&t[i], &dl[t[i].det_index], &o);
          if (wl_classify_features(use_camera ? cam_clf : img_clf, &o, &fe) ==
              WL_OK) {
            ev->n += 1;
            ev->above += fe.above_horizon;
            ev->h_px += fe.h_px;
            ev->ln_aspect += log(fe.aspect);
            ev->ln_rel_speed += log(fe.rel_speed + WL__REL_SPEED_SOFT);
            ev->ln_contrast += log(fmax(fe.contrast, 0.05));
            if (fe.has_ground) {
              ev->n_ground += 1;
              ev->ln_h += log(fe.height_m);
              ev->ln_w += log(fe.width_m);
              ev->ln_speed += log(fe.speed_mps + WL__SPEED_SOFT_MPS);
              ev->range += fe.range_m;
            }
          }
        }
        evals[e].answer = t[i].cls;
        evals[e].age_s = age_s;
        evals[e].truth_cls = gt->cls;
      }
      if (age_s >= MIN_TRACK_S) {
        st->frames_all++;
        st->frames_ok += (int)t[i].cls == (int)gt->cls;
      }
    }
  }
  for (size_t e = 0; e < n_evals; e++) {
    if (evals[e].age_s < MIN_TRACK_S) continue;
    const track_eval_t *ev = &evals[e];
    if (dump && ev->n > 0) {
      double ng = ev->n_ground > 0 ? ev->n_ground : NAN;
      printf("%-12s %3llu %5llu %-8s %-8s %s n %3.0f grd %3.0f h_px %5.1f "
             "range %6.0f lnH %5.2f lnW %5.2f lnV %5.2f lnC %5.2f "
             "lnAsp %5.2f lnRel %5.2f\n",
             is_json ? "random" : name_or_json, (unsigned long long)seed,
             (unsigned long long)ev->id, KINDS[ev->kind].kind,
             wl_class_name((wl_class_t)ev->answer),
             ev->answer == ev->truth_cls ? "ok " : "BAD", ev->n,
             ev->n_ground, ev->h_px / ev->n, ev->range / ng, ev->ln_h / ng,
             ev->ln_w / ng, ev->ln_speed / ng, ev->ln_contrast / ev->n,
             ev->ln_aspect / ev->n, ev->ln_rel_speed / ev->n);
    }
    st->tracks_all++;
    st->tracks_ok += evals[e].answer == evals[e].truth_cls;
    st->confusion[evals[e].truth_cls][evals[e].answer]++;
  }
  wl_frame_release(&frame);
  wl_motion_free(mo);
  wl_preprocess_free(pp);
  wl_pipeline_free(pl);
  wl_classifier_free(cam_clf);
  wl_classifier_free(img_clf);
  wl_tracker_free(tr);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static const char *const CLASS_ENUM[] = {"WL_CLASS_UNKNOWN", "WL_CLASS_PERSON",
                                         "WL_CLASS_VEHICLE", "WL_CLASS_ANIMAL",
                                         "WL_CLASS_BIRD"};

/*
 * Smallest standard deviation of each feature. Simulated targets are more
 * alike than real ones (sizes within 8 %, speeds within 20 %, exact truth
 * boxes), so a fitted spread is never allowed below what real people,
 * vehicles and detector boxes vary by: about 20 % in size, 25 % in speed,
 * 30 % in contrast.
 */
static const double CAM_SD_FLOOR[WL__CF_COUNT] = {0.2, 0.2, 0.25, 0.3};
static const double IMG_SD_FLOOR[WL__IF_COUNT] = {0.2, 0.3, 0.3};

static wl__gauss_t fit_gauss(double n, double s, double ss, double floor_sd) {
  wl__gauss_t g = {0.0, 1.0};
  g.mean = s / n;
  double var = ss / n - g.mean * g.mean;
  g.sd = sqrt(var > 0 ? var : 0);
  if (g.sd < floor_sd) g.sd = floor_sd;
  return g;
}

/* Observations a kind needs (of every feature) to be fitted. */
#define MIN_FIT_OBS 50

/* Does kind k have enough observations of every feature? */
static int kind_fitted(const stats_t *st, size_t k) {
  for (int i = 0; i < WL__CF_COUNT; i++)
    if (st->cam_n[k][i] < MIN_FIT_OBS) return 0;
  for (int i = 0; i < WL__IF_COUNT; i++)
    if (st->img_n[k][i] < MIN_FIT_OBS) return 0;
  return 1;
}

/* Every kind must be fitted; with keep_unseen, a kind without enough
 * observations keeps its row of the current table instead (a temporal
 * detector never reports people who stand still). */
static int check_counts(const stats_t *st, int keep_unseen) {
  for (size_t k = 0; k < N_KINDS; k++) {
    if (kind_fitted(st, k)) continue;
    fprintf(stderr, "classify-tune: kind %s has fewer than %d observations "
            "of some feature: %s\n", KINDS[k].kind, MIN_FIT_OBS,
            keep_unseen ? "keeping its current row" : "use more seeds");
    if (!keep_unseen) return 1;
  }
  return 0;
}

static void write_model(FILE *out, const stats_t *st, int first, int n,
                        int detector) {
  int per_class[WL_CLASS_COUNT] = {0};
  for (size_t k = 0; k < N_KINDS; k++)
    per_class[wl_class_from_name(KINDS[k].cls)]++;
  fprintf(out,
          "/*\n"
          " * model.c - the classifier's numbers (see classify_int.h for "
          "their\n"
          " * meaning), written by tools/classify-tune.c:\n"
          " *   classify-tune fit%s --first-seed %d --seeds %d\n"
          " * from random scenarios (never the seeds used for evaluation).\n"
          " * Per kind: {mean, sd} of each feature, camera set then image "
          "set,\n"
          " * then P(above the horizon). Observation counts in comments. sd "
          "is\n"
          " * the fitted spread but at least 0.2 (sizes, aspect), 0.25 / 0.3\n"
          " * (speed with / without camera) and 0.3 (contrast).\n"
          " */\n"
          "#include \"classify_int.h\"\n\n"
          "const char *const wl__cam_feature_names[WL__CF_COUNT] = {\n"
          "    \"ln height_m\", \"ln width_m\", \"ln(speed_mps + 0.3)\", "
          "\"ln contrast_k\"};\n"
          "const char *const wl__img_feature_names[WL__IF_COUNT] = {\n"
          "    \"ln(h / w)\", \"ln(speed / h + 0.1)\", \"ln contrast\"};\n\n"
          "const wl__kind_model_t wl__kind_models[WL__KIND_MODELS] = {\n",
          detector == 2 ? " --pipeline" : detector ? " --detector" : "", first, n);
  for (size_t k = 0; k < N_KINDS; k++) {
    int cls = wl_class_from_name(KINDS[k].cls);
    if (!kind_fitted(st, k)) {
      const wl__kind_model_t *km = &wl__kind_models[k];
      fprintf(out, "    /* %s: too few observations; row kept from the "
              "previous table */\n    {\"%s\", %s, %.4f,\n     {",
              KINDS[k].kind, KINDS[k].kind, CLASS_ENUM[cls], km->share);
      for (int i = 0; i < WL__CF_COUNT; i++)
        fprintf(out, "%s{%.4f, %.4f}", i ? ", " : "", km->cam[i].mean,
                km->cam[i].sd);
      fprintf(out, "},\n     {");
      for (int i = 0; i < WL__IF_COUNT; i++)
        fprintf(out, "%s{%.4f, %.4f}", i ? ", " : "", km->img[i].mean,
                km->img[i].sd);
      fprintf(out, "},\n     %.4f},\n", km->p_above);
      continue;
    }
    fprintf(out, "    /* %s: %.0f observations on the ground, %.0f in all */\n",
            KINDS[k].kind, st->cam_n[k][0], st->img_n[k][0]);
    fprintf(out, "    {\"%s\", %s, %.4f,\n     {", KINDS[k].kind,
            CLASS_ENUM[cls], 1.0 / per_class[cls]);
    for (int i = 0; i < WL__CF_COUNT; i++) {
      wl__gauss_t g = fit_gauss(st->cam_n[k][i], st->cam_s[k][i],
                                st->cam_ss[k][i], CAM_SD_FLOOR[i]);
      fprintf(out, "%s{%.4f, %.4f}", i ? ", " : "", g.mean, g.sd);
    }
    fprintf(out, "},\n     {");
    for (int i = 0; i < WL__IF_COUNT; i++) {
      wl__gauss_t g = fit_gauss(st->img_n[k][i], st->img_s[k][i],
                                st->img_ss[k][i], IMG_SD_FLOOR[i]);
      fprintf(out, "%s{%.4f, %.4f}", i ? ", " : "", g.mean, g.sd);
    }
    /* Laplace-smoothed, kept inside [0.005, 0.995]. */
    double pa = (st->above[k] + 1.0) / (st->seen[k] + 2.0);
    if (pa < 0.005) pa = 0.005;
    if (pa > 0.995) pa = 0.995;
    fprintf(out, "},\n     %.4f},\n", pa);
  }
  fprintf(out, "};\n");
}

static void print_eval(const stats_t *st) {
  printf("frames (tracks older than %.0f s): %ld / %ld correct = %.1f %%\n",
         MIN_TRACK_S, st->frames_ok, st->frames_all,
         st->frames_all ? 100.0 * st->frames_ok / st->frames_all : 0.0);
  printf("tracks older than %.0f s (class at their last frame): %ld / %ld "
         "correct = %.1f %%\n",
         MIN_TRACK_S, st->tracks_ok, st->tracks_all,
         st->tracks_all ? 100.0 * st->tracks_ok / st->tracks_all : 0.0);
  printf("confusion (rows truth, columns answer):\n%10s", "");
  for (int a = 0; a < WL_CLASS_COUNT; a++)
    printf(" %8s", wl_class_name((wl_class_t)a));
  printf("\n");
  for (int t = 1; t < WL_CLASS_COUNT; t++) {
    printf("%10s", wl_class_name((wl_class_t)t));
    for (int a = 0; a < WL_CLASS_COUNT; a++) printf(" %8ld", st->confusion[t][a]);
    printf("\n");
  }
}

static int usage(void) {
  fprintf(stderr,
          "usage: classify-tune fit [--detector|--pipeline] [--seeds N] "
          "[--first-seed S] [--out FILE]\n"
          "       classify-tune eval [--detector|--pipeline] [--dump] "
          "[--camera|--no-camera] [--seeds A-B] (PRESET... | --random)\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  int fit = strcmp(argv[1], "fit") == 0;
  if (!fit && strcmp(argv[1], "eval") != 0) return usage();
  int n_seeds = 40, first = 20, use_camera = 1, random_sc = 0;
  int use_detector = 0, dump = 0;
  int seed_lo = 101, seed_hi = 103;
  const char *out_path = NULL;
  const char *presets[64];
  int n_presets = 0;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
      const char *v = argv[++i];
      if (fit)
        n_seeds = atoi(v);
      else if (sscanf(v, "%d-%d", &seed_lo, &seed_hi) != 2)
        seed_lo = seed_hi = atoi(v);
    } else if (strcmp(argv[i], "--first-seed") == 0 && i + 1 < argc) {
      first = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
      out_path = argv[++i];
    } else if (strcmp(argv[i], "--camera") == 0) {
      use_camera = 1;
    } else if (strcmp(argv[i], "--no-camera") == 0) {
      use_camera = 0;
    } else if (strcmp(argv[i], "--detector") == 0) {
      use_detector = 1;
    } else if (strcmp(argv[i], "--pipeline") == 0) {
      use_detector = 2;
    } else if (strcmp(argv[i], "--dump") == 0) {
      dump = 1;
    } else if (strcmp(argv[i], "--random") == 0) {
      random_sc = 1;
    } else if (argv[i][0] != '-' && n_presets < 64) {
      presets[n_presets++] = argv[i];
    } else {
      return usage();
    }
  }
  static stats_t st;
  if (fit) {
    for (int s = first; s < first + n_seeds; s++) {
      char *json = random_scenario((uint64_t)s);
      int rc = run(json, 1, (uint64_t)s, 1, 1, use_detector, 0, &st);
      if (!rc && use_detector == 2)
        rc = run(json, 1, (uint64_t)s, 1, 0, use_detector, 0, &st);
      free(json);
      if (rc) return 1;
    }
    if (check_counts(&st, use_detector)) return 1;
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
      perror(out_path);
      return 1;
    }
    write_model(out, &st, first, n_seeds, use_detector);
    if (out != stdout) fclose(out);
    return 0;
  }
  if (!random_sc && n_presets == 0) return usage();
  for (int s = seed_lo; s <= seed_hi; s++) {
    if (random_sc) {
      char *json = random_scenario((uint64_t)s);
      int rc = run(json, 1, (uint64_t)s, 0, use_camera, use_detector, dump, &st);
      free(json);
      if (rc) return 1;
    }
    for (int p = 0; p < n_presets; p++)
      if (run(presets[p], 0, (uint64_t)s, 0, use_camera, use_detector, dump, &st))
        return 1;
  }
  print_eval(&st);
  return 0;
}
