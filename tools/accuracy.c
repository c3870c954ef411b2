/*
 * accuracy.c - `wl-accuracy`: measure the analytics pipeline's accuracy on
 * simulator presets and on the Halmstad infrared clips, and print the
 * figures docs/ACCURACY.md records.
 *
 *   wl-accuracy sim [--presets A,B,...] [--seeds 101-105] [--frames N]
 *                   [--no-camera] [--oracle] [--persist N] [--threads N]
 *                   [--verbose]
 *   wl-accuracy halmstad DATA_DIR [--limit N] [--every K] [--half odd|even]
 *                   [--frames N] [--persist N] [--peer PATH] [--threads N]
 *                   [--per-clip]
 *
 * Design. Each scenario-and-seed or clip is one job, scored by
 * accuracy_run.c; jobs run on a small pool of threads (default 2), each
 * with its own simulator / source and pipeline, and the figures are summed
 * after all have finished, so the output does not depend on the thread
 * count. Seeds 1-99 are for tuning; the reported figures use 101 and up.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accuracy.h"
#include "watchline/source.h"

#define MAX_PRESETS 32
#define MAX_SEEDS 4096
#define FIRST_EVAL_SEED 101

static const char USAGE[] =
    "usage: wl-accuracy sim [--presets A,B,...] [--seeds 101-105] [--frames N]\n"
    "                       [--no-camera] [--oracle] [--persist N]\n"
    "                       [--threads N] [--verbose]\n"
    "       wl-accuracy halmstad DATA_DIR [--limit N] [--every K]\n"
    "                       [--half odd|even] [--frames N] [--persist N]\n"
    "                       [--peer PATH] [--threads N] [--per-clip]\n"
    "\n"
    "sim       render each preset with each seed in memory, run the pipeline\n"
    "          (with the scenario's camera unless --no-camera) and score its\n"
    "          confirmed tracks: HOTA, DetA, AssA, MOTA, IDF1, IDSW (mean over\n"
    "          seeds), long-range recall, false tracks per camera-hour and\n"
    "          class accuracy. Defaults: --presets border-night,crowd,\n"
    "          long-range,nuisance --seeds 101-103, --frames = the scenario's\n"
    "          duration. Seeds 1-99 are for tuning; report 101 and up.\n"
    "          --oracle scores the truth itself (a self-test: all perfect).\n"
    "halmstad  run the pipeline (no camera) on DATA_DIR/videos/*.mp4 as listed\n"
    "          in DATA_DIR/videos.csv and score it against DATA_DIR/labels:\n"
    "          precision, recall, F1 per class and distance bin (centre and\n"
    "          overlap rules) and track fragmentation. --half odd (even)\n"
    "          takes the clips at odd (even) positions, 1-based, of the list\n"
    "          sorted by name (odd: the half the 8-bit rules are tuned on,\n"
    "          even: the check); then --every K takes every K-th clip,\n"
    "          --limit N at most N clips; --frames N the first N frames of\n"
    "          each. --peer PATH also runs `PATH VIDEO OUT.txt`\n"
    "          (MOT rows, 1-based) per clip and scores it alongside.\n"
    "--persist N  a track is scored only once it has persisted N frames;\n"
    "             the output lags N - 1 frames (report.h; default: its\n"
    "             default; 0: off)\n"
    "--threads N  worker threads (default 2)\n";

/* ---- a tiny job pool --------------------------------------------------- */

typedef void (*job_fn)(void *ctx, size_t index);

typedef struct pool {
  pthread_mutex_t mu;
  size_t next, done, n;
  job_fn fn;
  void *ctx;
  int progress; /* print "k/n" to stderr (a terminal) */
} pool_t;

static void *pool_worker(void *arg) {
  pool_t *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    size_t i = p->next < p->n ? p->next++ : p->n;
    pthread_mutex_unlock(&p->mu);
    if (i >= p->n) return NULL;
    p->fn(p->ctx, i);
    pthread_mutex_lock(&p->mu);
    p->done++;
    if (p->progress) fprintf(stderr, "\r%zu/%zu", p->done, p->n);
    pthread_mutex_unlock(&p->mu);
  }
}

/* Run fn(ctx, 0 .. n-1) on `threads` threads. */
static void pool_run(size_t n, int threads, job_fn fn, void *ctx) {
  pool_t p = {PTHREAD_MUTEX_INITIALIZER, 0, 0, n, fn, ctx, isatty(2)};
  pthread_t th[64];
  int started = 0;
  if (threads > 64) threads = 64;
  for (int i = 1; i < threads; i++)
    if (pthread_create(&th[started], NULL, pool_worker, &p) == 0) started++;
  pool_worker(&p);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  if (p.progress) fprintf(stderr, "\r%*s\r", 24, "");
}

/* ---- argument helpers -------------------------------------------------- */

static int usage_error(const char *fmt, ...) WL_PRINTF(1, 2);
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "wl-accuracy: ");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n%s", USAGE);
  return 2;
}

static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* --persist N: the reporter's persist_frames (report.h). */
static int parse_persist(const char *s, wl_report_params_t *report) {
  long v;
  if (parse_long(s, 0, WL_REPORT_MAX_PERSIST, &v))
    return usage_error("--persist %s: expected 0..%d", s,
                       WL_REPORT_MAX_PERSIST);
  report->persist_frames = (int)v;
  return 0;
}

/* "101-105" or "101,103,110-112" into seeds[]. */
static int parse_seeds(const char *s, uint64_t *seeds, size_t *n) {
  *n = 0;
  char buf[1024];
  if (strlen(s) >= sizeof buf) return -1;
  strcpy(buf, s);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    char *dash = strchr(tok, '-');
    long a, b;
    if (dash) {
      *dash = '\0';
      if (parse_long(tok, 0, 1L << 40, &a) ||
          parse_long(dash + 1, 0, 1L << 40, &b) || b < a)
        return -1;
    } else {
      if (parse_long(tok, 0, 1L << 40, &a)) return -1;
      b = a;
    }
    for (long v = a; v <= b; v++) {
      if (*n >= MAX_SEEDS) return -1;
      seeds[(*n)++] = (uint64_t)v;
    }
  }
  return *n ? 0 : -1;
}

static void print_command(int argc, char **argv) {
  printf("# command:");
  for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
}

/* ---- sim --------------------------------------------------------------- */

typedef struct sim_job {
  acc_sim_opts_t opts;
  acc_sim_result_t res;
  int rc;
  wl_err_t err;
} sim_job_t;

static void sim_job_run(void *ctx, size_t i) {
  sim_job_t *j = &((sim_job_t *)ctx)[i];
  wl_err_clear(&j->err);
  j->rc = acc_sim_run(&j->opts, &j->res, &j->err);
}

/* Sums over the seeds of one preset (or over everything). */
typedef struct sim_sum {
  int runs;
  long frames;
  double hota, deta, assa, mota, idf1, seconds;
  long idsw, fp, fn, gt_ids, pred_ids;
  long truth_boxes, truth_matched, eligible, eligible_matched;
  long eligible_warm, eligible_warm_matched;
  long tracks, false_tracks;
  long false_by_cause[ACC_FALSE_CAUSES], misses_by_cause[ACC_MISS_CAUSES];
  long multi_frames;
  long misses_inside;
  double hours, netd_k;
  long class_tracks, class_correct, class_unknown;
  long confusion[WL_CLASS_COUNT][WL_CLASS_COUNT];
} sim_sum_t;

static void sim_sum_add(sim_sum_t *s, const acc_sim_result_t *r) {
  s->runs++;
  s->frames += r->frames;
  s->seconds += r->seconds;
  s->hota += r->mot.hota;
  s->deta += r->mot.deta;
  s->assa += r->mot.assa;
  s->mota += r->mot.mota;
  s->idf1 += r->mot.idf1;
  s->idsw += r->mot.idsw;
  s->fp += r->mot.fp;
  s->fn += r->mot.fn;
  s->gt_ids += r->mot.gt_ids;
  s->pred_ids += r->mot.pred_ids;
  s->truth_boxes += r->truth_boxes;
  s->truth_matched += r->truth_matched;
  s->eligible += r->eligible;
  s->eligible_matched += r->eligible_matched;
  s->eligible_warm += r->eligible_warm;
  s->eligible_warm_matched += r->eligible_warm_matched;
  s->tracks += r->tracks;
  s->false_tracks += r->false_tracks;
  for (int c = 0; c < ACC_FALSE_CAUSES; c++)
    s->false_by_cause[c] += r->false_by_cause[c];
  for (int c = 0; c < ACC_MISS_CAUSES; c++)
    s->misses_by_cause[c] += r->misses_by_cause[c];
  s->multi_frames += r->multi_frames;
  s->misses_inside += r->misses_inside;
  s->hours += r->hours;
  s->netd_k = r->netd_k;
  s->class_tracks += r->class_tracks;
  s->class_correct += r->class_correct;
  s->class_unknown += r->class_unknown;
  for (int a = 0; a < WL_CLASS_COUNT; a++)
    for (int b = 0; b < WL_CLASS_COUNT; b++)
      s->confusion[a][b] += r->confusion[a][b];
}

static double ratio(long a, long b) { return b > 0 ? (double)a / b : NAN; }

static void print_seed_details(const sim_job_t *j) {
  const acc_sim_result_t *r = &j->res;
  printf("\n## %s seed %llu: %ld frames, %.1f s wall, FFC sim %u / seen %u\n",
         r->scenario, (unsigned long long)r->seed, r->frames, r->seconds,
         r->sim_ffc, r->pipeline_ffc);
  printf("HOTA %.3f DetA %.3f AssA %.3f DetRe %.3f DetPr %.3f MOTA %.3f "
         "IDF1 %.3f IDSW %ld FP %ld FN %ld GT ids %ld PRED ids %ld\n",
         r->mot.hota, r->mot.deta, r->mot.assa, r->mot.detre, r->mot.detpr,
         r->mot.mota, r->mot.idf1, r->mot.idsw, r->mot.fp, r->mot.fn,
         r->mot.gt_ids, r->mot.pred_ids);
  printf("targets: id class/kind frames found%% eligible found%% range_m "
         "contrast_K area_px\n");
  for (size_t k = 0; k < r->n_targets; k++) {
    const acc_target_stat_t *t = &r->targets[k];
    double n = t->frames ? (double)t->frames : 1.0;
    printf("  %3d %-7s/%-9s %5ld %5.1f %5ld %5.1f %7.0f %7.2f %8.1f\n", t->id,
           wl_sim_class_name(t->cls), t->kind ? t->kind : "?", t->frames,
           100.0 * ratio(t->matched, t->frames), t->eligible,
           100.0 * ratio(t->eligible_matched, t->eligible),
           t->sum_range_m / n, t->sum_contrast_k / n, t->sum_area_px / n);
  }
  printf("tracks: id frames first-last on_truth%% life_s class(conf) "
         "truth_class mean_box(cx,cy,w,h) verdict\n");
  for (size_t k = 0; k < r->n_tracks; k++) {
    const acc_track_stat_t *t = &r->track_list[k];
    double n = (double)t->frames;
    const char *verdict =
        t->is_false ? "FALSE"
        : !t->class_scored ? "short"
        : t->cls == t->truth_cls ? "ok"
                                 : "WRONG-CLASS";
    printf("  %4llu %5ld %5ld-%-5ld %5.1f %6.2f %-7s(%.2f) %-7s "
           "(%.0f,%.0f,%.1f,%.1f) %s%s%s",
           (unsigned long long)t->id, t->frames, t->first_frame,
           t->last_frame, 100.0 * ratio(t->on_truth, t->frames),
           (double)(t->t_last_ns - t->t_birth_ns) * 1e-9,
           wl_class_name(t->cls), t->cls_conf, wl_class_name(t->truth_cls),
           t->sum_cx / n, t->sum_cy / n, t->sum_w / n, t->sum_h / n, verdict,
           t->is_false ? ":" : "",
           t->is_false ? acc_false_cause_name(t->cause) : "");
    if (t->multi) printf(" (holds 2+ targets in %ld frames)", t->multi);
    printf("\n");
  }
}

static void print_confusion(const sim_sum_t *s) {
  printf("%-10s", "truth\\got");
  for (int b = 0; b < WL_CLASS_COUNT; b++)
    printf(" %8s", wl_class_name((wl_class_t)b));
  printf("\n");
  for (int a = 1; a < WL_CLASS_COUNT; a++) {
    printf("%-10s", wl_class_name((wl_class_t)a));
    for (int b = 0; b < WL_CLASS_COUNT; b++)
      printf(" %8ld", s->confusion[a][b]);
    printf("\n");
  }
}

static void print_sim_tables(char *const *presets, size_t n_presets,
                             const sim_sum_t *per, const sim_sum_t *all) {
  printf("\nTracking (HOTA, DetA, AssA, MOTA, IDF1: mean over seeds; IDSW, FP, "
         "FN: summed)\n");
  printf("%-14s %4s %6s %6s %6s %6s %6s %6s %5s %6s %6s\n", "preset", "runs",
         "frames", "HOTA", "DetA", "AssA", "MOTA", "IDF1", "IDSW", "FP",
         "FN");
  for (size_t p = 0; p < n_presets; p++) {
    const sim_sum_t *s = &per[p];
    double n = s->runs ? s->runs : 1;
    printf("%-14s %4d %6ld %6.3f %6.3f %6.3f %6.3f %6.3f %5ld %6ld %6ld\n",
           presets[p], s->runs, s->frames / (s->runs ? s->runs : 1),
           s->hota / n, s->deta / n, s->assa / n, s->mota / n, s->idf1 / n,
           s->idsw, s->fp, s->fn);
  }

  printf("\nRecall of truth boxes (one-to-one; a track is on a truth box at "
         "IoU >= %.1f or centres <= %.0f px apart)\n",
         ACC_MATCH_IOU, ACC_MATCH_CENTRE_PX);
  printf("%-14s %7s %8s %7s | %8s %7s | %8s %7s\n", "preset", "NETD_mK",
         "boxes", "recall", "eligible", "recall", "elig>=1s", "recall");
  for (size_t p = 0; p < n_presets; p++) {
    const sim_sum_t *s = &per[p];
    printf("%-14s %7.0f %8ld %7.3f | %8ld %7.3f | %8ld %7.3f\n", presets[p],
           s->netd_k * 1000.0, s->truth_boxes,
           ratio(s->truth_matched, s->truth_boxes), s->eligible,
           ratio(s->eligible_matched, s->eligible), s->eligible_warm,
           ratio(s->eligible_warm_matched, s->eligible_warm));
  }
  printf("  (eligible: |contrast| >= %.0f x NETD and box area >= %.0f px^2;"
         " elig>=1s: eligible boxes from t = %.0f s on)\n",
         ACC_RECALL_NETD, ACC_RECALL_MIN_AREA, ACC_WARMUP_S);

  printf("\nFalse confirmed tracks (on no truth box in more than %.0f %% of "
         "their frames)\n",
         100.0 * (1.0 - ACC_FALSE_MATCH_FRAC));
  printf("%-14s %7s %7s %9s %11s\n", "preset", "tracks", "false", "hours",
         "false/hour");
  for (size_t p = 0; p < n_presets; p++) {
    const sim_sum_t *s = &per[p];
    printf("%-14s %7ld %7ld %9.4f %11.1f\n", presets[p], s->tracks,
           s->false_tracks, s->hours, s->false_tracks / s->hours);
  }

  printf("\nWhere the losses are: missed truth boxes by cause; false tracks "
         "by cause; track-frames whose box holds 2+ truth centres (merged);\n"
         "missed truth boxes whose centre is inside an output track's box "
         "(inside)\n");
  printf("%-14s", "preset");
  for (int c = 0; c < ACC_MISS_CAUSES; c++)
    printf(" %8s", acc_miss_cause_name((acc_miss_cause_t)c));
  printf(" |");
  for (int c = 0; c < ACC_FALSE_CAUSES; c++)
    printf(" %7s", acc_false_cause_name((acc_false_cause_t)c));
  printf(" | %6s %6s\n", "merged", "inside");
  for (size_t p = 0; p < n_presets; p++) {
    const sim_sum_t *s = &per[p];
    printf("%-14s", presets[p]);
    for (int c = 0; c < ACC_MISS_CAUSES; c++)
      printf(" %8ld", s->misses_by_cause[c]);
    printf(" |");
    for (int c = 0; c < ACC_FALSE_CAUSES; c++)
      printf(" %7ld", s->false_by_cause[c]);
    printf(" | %6ld %6ld\n", s->multi_frames, s->misses_inside);
  }
  printf("  (misses: ffc = during an FFC freeze, warm-up = first %.0f s, "
         "static = target not moving,\n   occluded = visibility < 0.5, dim = "
         "|contrast| < %.0f NETD, tiny = area < 4 px^2;\n   false: ffc = born "
         "within 1 s of an FFC freeze, warm-up = born in the first %.0f s,\n"
         "   horizon = mean centre within %.0f rows of the horizon; first "
         "matching cause counts)\n",
         ACC_WARMUP_S, ACC_RECALL_NETD, ACC_WARMUP_S, ACC_HORIZON_PX);

  printf("\nClass accuracy (tracks >= %.0f s from birth to last output, not "
         "false; final class vs the majority class of the truth it was on)\n",
         ACC_CLASS_MIN_S);
  printf("%-14s %7s %8s %8s %9s\n", "preset", "tracks", "correct", "unknown",
         "accuracy");
  for (size_t p = 0; p < n_presets; p++) {
    const sim_sum_t *s = &per[p];
    printf("%-14s %7ld %8ld %8ld %9.3f\n", presets[p], s->class_tracks,
           s->class_correct, s->class_unknown,
           ratio(s->class_correct, s->class_tracks));
  }
  printf("%-14s %7ld %8ld %8ld %9.3f\n", "all", all->class_tracks,
         all->class_correct, all->class_unknown,
         ratio(all->class_correct, all->class_tracks));
  printf("\nConfusion, all presets (rows: truth class; columns: reported)\n");
  print_confusion(all);
}

static int cmd_sim(int argc, char **argv) {
  static char preset_buf[1024] = "border-night,crowd,long-range,nuisance";
  static uint64_t seeds[MAX_SEEDS];
  size_t n_seeds = 3;
  for (size_t i = 0; i < n_seeds; i++) seeds[i] = FIRST_EVAL_SEED + i;
  long frames = 0, threads = 2;
  int verbose = 0, use_camera = 1, oracle = 0;
  wl_report_params_t report;
  wl_report_default_params(&report);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    int has = i + 1 < argc;
    if (strcmp(a, "--persist") == 0 && has) {
      if (parse_persist(argv[++i], &report)) return 2;
    } else if (strcmp(a, "--presets") == 0 && has) {
      if (strlen(argv[++i]) >= sizeof preset_buf)
        return usage_error("--presets: list too long");
      strcpy(preset_buf, argv[i]);
    } else if (strcmp(a, "--seeds") == 0 && has) {
      if (parse_seeds(argv[++i], seeds, &n_seeds))
        return usage_error("--seeds %s: expected e.g. 101-105 or 101,104",
                           argv[i]);
    } else if (strcmp(a, "--frames") == 0 && has) {
      if (parse_long(argv[++i], 1, 10000000, &frames))
        return usage_error("--frames %s: expected 1..10000000", argv[i]);
    } else if (strcmp(a, "--threads") == 0 && has) {
      if (parse_long(argv[++i], 1, 64, &threads))
        return usage_error("--threads %s: expected 1..64", argv[i]);
    } else if (strcmp(a, "--verbose") == 0) {
      verbose = 1;
    } else if (strcmp(a, "--no-camera") == 0) {
      use_camera = 0;
    } else if (strcmp(a, "--oracle") == 0) {
      oracle = 1;
    } else {
      return usage_error("sim: unknown option or missing value: %s", a);
    }
  }
  char *presets[MAX_PRESETS];
  size_t n_presets = 0;
  for (char *save = NULL, *tok = strtok_r(preset_buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    if (n_presets >= MAX_PRESETS) return usage_error("too many presets");
    presets[n_presets++] = tok;
  }
  if (n_presets == 0) return usage_error("--presets: empty list");
  for (size_t p = 0; p < n_presets; p++) { /* fail early on a bad name */
    wl_scenario_t *sc;
    wl_err_t err;
    if (wl_scenario_load(&sc, presets[p], &err) != WL_OK) {
      fprintf(stderr, "wl-accuracy: %s\n", err.msg);
      return 1;
    }
    wl_scenario_free(sc);
  }

  size_t n_jobs = n_presets * n_seeds;
  sim_job_t *jobs = calloc(n_jobs, sizeof *jobs);
  if (!jobs) return fprintf(stderr, "wl-accuracy: out of memory\n"), 1;
  for (size_t p = 0; p < n_presets; p++)
    for (size_t s = 0; s < n_seeds; s++) {
      sim_job_t *j = &jobs[p * n_seeds + s];
      acc_sim_default_opts(&j->opts);
      j->opts.scenario = presets[p];
      j->opts.seed = seeds[s];
      j->opts.frames = frames;
      j->opts.use_camera = use_camera;
      j->opts.oracle = oracle;
      j->opts.report = &report;
    }
  int below = 0;
  for (size_t s = 0; s < n_seeds; s++) below |= seeds[s] < FIRST_EVAL_SEED;

  print_command(argc, argv);
  char frames_text[32];
  if (frames) snprintf(frames_text, sizeof frames_text, "%ld", frames);
  printf("# %zu preset(s) x %zu seed(s), frames per run: %s, camera model: "
         "%s, threads: %ld\n",
         n_presets, n_seeds, frames ? frames_text : "scenario duration",
         use_camera ? "yes" : "no", threads);
  printf("# reported tracks: persist %d frames (lag %d)\n",
         report.persist_frames, wl_report_lag(&report));
  if (oracle) printf("# ORACLE: the truth is scored as the tracks\n");
  if (below)
    printf("# WARNING: seeds below %d are tuning seeds; do not report "
           "them\n",
           FIRST_EVAL_SEED);
  fflush(stdout);

  pool_run(n_jobs, (int)threads, sim_job_run, jobs);

  int failed = 0;
  sim_sum_t per[MAX_PRESETS], all;
  memset(per, 0, sizeof per);
  memset(&all, 0, sizeof all);
  for (size_t k = 0; k < n_jobs; k++) {
    sim_job_t *j = &jobs[k];
    if (j->rc != WL_OK) {
      fprintf(stderr, "wl-accuracy: %s seed %llu: %s\n", j->opts.scenario,
              (unsigned long long)j->opts.seed, j->err.msg);
      failed = 1;
      continue;
    }
    sim_sum_add(&per[k / n_seeds], &j->res);
    sim_sum_add(&all, &j->res);
    if (verbose) print_seed_details(j);
  }
  print_sim_tables(presets, n_presets, per, &all);
  printf("\n# %d runs, %ld frames, %.1f s of pipeline time (%.0f frames/s "
         "per thread incl. rendering)\n",
         all.runs, all.frames, all.seconds,
         all.seconds > 0 ? all.frames / all.seconds : 0.0);
  for (size_t k = 0; k < n_jobs; k++) acc_sim_result_free(&jobs[k].res);
  free(jobs);
  return failed;
}

/* ---- halmstad ---------------------------------------------------------- */

typedef struct clip_ctx {
  const char *data_dir, *peer, *tmp_dir;
  long max_frames;
  const wl_report_params_t *report;
  const acc_clip_t *clips;
  acc_clip_result_t *res;
  int *rc;
  wl_err_t *err;
} clip_ctx_t;

static void clip_job_run(void *ctx, size_t i) {
  clip_ctx_t *c = ctx;
  wl_err_clear(&c->err[i]);
  c->rc[i] = acc_clip_run(c->data_dir, &c->clips[i], c->peer, c->tmp_dir,
                          c->max_frames, c->report, &c->res[i], &c->err[i]);
}

typedef struct box_sum {
  int clips;
  long frames;
  wl_box_counts_t centre, overlap;
  long fp_unlabelled, objects, objects_found, object_ids;
  double seconds;
} box_sum_t;

static void box_sum_add(box_sum_t *s, const acc_clip_score_t *c, long frames) {
  s->clips++;
  s->frames += frames;
  s->centre.tp += c->centre.tp;
  s->centre.fp += c->centre.fp;
  s->centre.fn += c->centre.fn;
  s->overlap.tp += c->overlap.tp;
  s->overlap.fp += c->overlap.fp;
  s->overlap.fn += c->overlap.fn;
  s->fp_unlabelled += c->fp_unlabelled;
  s->objects += c->objects;
  s->objects_found += c->objects_found;
  s->object_ids += c->object_ids;
  s->seconds += c->seconds;
}

static const char *const GROUPS[] = {"AIRPLANE", "BIRD",    "DRONE",
                                     "HELICOPTER", "CLOSE", "MEDIUM",
                                     "DISTANT", "CLOSE+MEDIUM", "all"};
#define N_GROUPS (sizeof GROUPS / sizeof GROUPS[0])

static int in_group(const acc_clip_result_t *r, const char *g) {
  if (strcmp(g, "all") == 0) return 1;
  if (strcmp(g, "CLOSE+MEDIUM") == 0)
    return strcmp(r->bin, "CLOSE") == 0 || strcmp(r->bin, "MEDIUM") == 0;
  return strcmp(r->cls, g) == 0 || strcmp(r->bin, g) == 0;
}

static void print_box_table(const char *title, const box_sum_t *sums,
                            int tracked) {
  printf("\n%s\n", title);
  printf("%-12s %5s %6s | %-31s | %-23s | %5s %9s %7s\n", "group", "clips",
         "frames", "centre rule: P R F1 (TP/FP/FN)", "overlap rule: P R F1",
         "frag", "found", "FP-unlab");
  for (size_t g = 0; g < N_GROUPS; g++) {
    box_sum_t s = sums[g];
    if (s.clips == 0) continue;
    wl_box_counts_finish(&s.centre);
    wl_box_counts_finish(&s.overlap);
    char counts[64];
    snprintf(counts, sizeof counts, "%ld/%ld/%ld", s.centre.tp, s.centre.fp,
             s.centre.fn);
    char found[32];
    snprintf(found, sizeof found, "%ld/%ld", s.objects_found, s.objects);
    char frag[16] = "    -";
    if (tracked)
      snprintf(frag, sizeof frag, "%5.2f",
               ratio(s.object_ids, s.objects_found));
    printf("%-12s %5d %6ld | %.3f %.3f %.3f %-13s | %.3f %.3f %.3f %5s | "
           "%5s %9s %7ld\n",
           GROUPS[g], s.clips, s.frames, s.centre.precision, s.centre.recall,
           s.centre.f1, counts, s.overlap.precision, s.overlap.recall,
           s.overlap.f1, "", frag, found, s.fp_unlabelled);
  }
}

static void print_clip(const acc_clip_result_t *r, int has_peer) {
  const acc_clip_score_t *o = &r->ours;
  printf("%-18s %-10s %-7s %4ld | %4ld %4ld %4ld %.3f | %4ld %4ld %4ld %.3f | "
         "%ld/%ld ids %ld",
         r->video, r->cls, r->bin, r->frames, o->centre.tp, o->centre.fp,
         o->centre.fn, o->centre.f1, o->overlap.tp, o->overlap.fp,
         o->overlap.fn, o->overlap.f1, o->objects_found, o->objects,
         o->object_ids);
  if (has_peer && r->peer.ok)
    printf(" | peer %4ld %4ld %4ld %.3f", r->peer.centre.tp, r->peer.centre.fp,
           r->peer.centre.fn, r->peer.centre.f1);
  printf("\n");
}

static int clip_name_cmp(const void *a, const void *b) {
  return strcmp(((const acc_clip_t *)a)->video, ((const acc_clip_t *)b)->video);
}

static int cmd_halmstad(int argc, char **argv) {
  const char *data_dir = NULL, *peer = NULL;
  long limit = 0, every = 1, max_frames = 0, threads = 2;
  int per_clip = 0, half = 0; /* 1 odd, 2 even positions; 0 all */
  wl_report_params_t report;
  wl_report_default_params(&report);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    int has = i + 1 < argc;
    if (strcmp(a, "--persist") == 0 && has) {
      if (parse_persist(argv[++i], &report)) return 2;
    } else if (strcmp(a, "--limit") == 0 && has) {
      if (parse_long(argv[++i], 1, 1000000, &limit))
        return usage_error("--limit %s: expected a count", argv[i]);
    } else if (strcmp(a, "--every") == 0 && has) {
      if (parse_long(argv[++i], 1, 1000000, &every))
        return usage_error("--every %s: expected a count", argv[i]);
    } else if (strcmp(a, "--half") == 0 && has) {
      const char *v = argv[++i];
      half = strcmp(v, "odd") == 0 ? 1 : strcmp(v, "even") == 0 ? 2 : -1;
      if (half < 0) return usage_error("--half %s: expected odd or even", v);
    } else if (strcmp(a, "--frames") == 0 && has) {
      if (parse_long(argv[++i], 1, 10000000, &max_frames))
        return usage_error("--frames %s: expected a count", argv[i]);
    } else if (strcmp(a, "--threads") == 0 && has) {
      if (parse_long(argv[++i], 1, 64, &threads))
        return usage_error("--threads %s: expected 1..64", argv[i]);
    } else if (strcmp(a, "--peer") == 0 && has) {
      peer = argv[++i];
    } else if (strcmp(a, "--per-clip") == 0) {
      per_clip = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      return usage_error("halmstad: unknown option or missing value: %s", a);
    } else if (!data_dir) {
      data_dir = a;
    } else {
      return usage_error("halmstad: one DATA_DIR only: %s", a);
    }
  }
  if (!data_dir) return usage_error("halmstad: DATA_DIR is missing");
  if (peer && access(peer, X_OK) != 0) {
    fprintf(stderr, "wl-accuracy: --peer %s: not an executable file\n", peer);
    return 1;
  }

  wl_err_t err;
  acc_clip_t *all_clips;
  size_t n_all;
  if (acc_clips_read(data_dir, &all_clips, &n_all, &err) != WL_OK) {
    fprintf(stderr, "wl-accuracy: %s\n", err.msg);
    return 1;
  }
  if (half) {
    /* Positions in the list sorted by name (videos.csv is). */
    qsort(all_clips, n_all, sizeof *all_clips, clip_name_cmp);
    size_t k = 0;
    for (size_t i = half - 1; i < n_all; i += 2) all_clips[k++] = all_clips[i];
    n_all = k;
  }
  size_t n = 0;
  for (size_t i = 0; i < n_all; i += (size_t)every) {
    if (limit > 0 && n >= (size_t)limit) break;
    all_clips[n++] = all_clips[i];
  }
  char tmp_dir[] = "/tmp/wl-accuracy-XXXXXX";
  if (peer && !mkdtemp(tmp_dir)) {
    fprintf(stderr, "wl-accuracy: cannot make a temporary directory\n");
    free(all_clips);
    return 1;
  }
  acc_clip_result_t *res = calloc(n + 1, sizeof *res);
  int *rcs = calloc(n + 1, sizeof *rcs);
  wl_err_t *errs = calloc(n + 1, sizeof *errs);
  if (!res || !rcs || !errs) {
    fprintf(stderr, "wl-accuracy: out of memory\n");
    free(res), free(rcs), free(errs), free(all_clips);
    return 1;
  }

  print_command(argc, argv);
  printf("# %zu clip(s) of %zu, pipeline defaults, no camera model, "
         "persist %d frames, threads: %ld%s\n",
         n, n_all, report.persist_frames, threads,
         peer ? "" : "; no peer (--peer not given)");
  fflush(stdout);
  /* FFmpeg: errors only, and no single allocation beyond 256 MiB. */
  wl_source_process_setup((size_t)256 << 20, 0);
  clip_ctx_t ctx = {data_dir, peer,      tmp_dir, max_frames, &report,
                    all_clips, res, rcs,     errs};
  pool_run(n, (int)threads, clip_job_run, &ctx);

  int failed = 0;
  box_sum_t ours[N_GROUPS], theirs[N_GROUPS];
  memset(ours, 0, sizeof ours);
  memset(theirs, 0, sizeof theirs);
  if (per_clip)
    printf("\n%-18s %-10s %-7s %4s | centre TP FP FN F1 | overlap TP FP FN "
           "F1 | objects found/all, ids\n",
           "clip", "class", "bin", "frm");
  for (size_t i = 0; i < n; i++) {
    if (rcs[i] != WL_OK) {
      fprintf(stderr, "wl-accuracy: %s: %s\n", all_clips[i].video,
              errs[i].msg);
      failed = 1;
      continue;
    }
    if (per_clip) print_clip(&res[i], peer != NULL);
    if (peer && !res[i].peer.ok) {
      fprintf(stderr, "wl-accuracy: peer on %s: %s\n", res[i].video,
              res[i].peer_msg);
      failed = 1;
    }
    for (size_t g = 0; g < N_GROUPS; g++) {
      if (!in_group(&res[i], GROUPS[g])) continue;
      box_sum_add(&ours[g], &res[i].ours, res[i].frames);
      if (res[i].peer.ok) box_sum_add(&theirs[g], &res[i].peer, res[i].frames);
    }
  }
  print_box_table("watchline pipeline (confirmed tracks, as `watchline "
                  "analyze` writes them)",
                  ours, 1);
  const box_sum_t *a = &ours[N_GROUPS - 1];
  printf("# %ld frames in %.1f s of pipeline time (%.0f frames/s per thread "
         "incl. decoding)\n",
         a->frames, a->seconds, a->seconds > 0 ? a->frames / a->seconds : 0);
  if (peer) {
    char title[512];
    snprintf(title, sizeof title,
             "peer: %s (one row per component per frame; it does not track, "
             "so no fragmentation)",
             peer);
    print_box_table(title, theirs, 0);
    const box_sum_t *b = &theirs[N_GROUPS - 1];
    printf("# peer: %d clips, %ld frames in %.1f s\n", b->clips, b->frames,
           b->seconds);
    rmdir(tmp_dir);
  }
  printf("\n# frag: distinct track ids per labelled object found (centre "
         "rule); found: objects matched at least once / labelled objects;\n"
         "# FP-unlab: predictions in frames without any label (centre "
         "rule FP includes them)\n");
  free(res);
  free(rcs);
  free(errs);
  free(all_clips);
  return failed;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage_error("a subcommand is missing");
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (strcmp(argv[1], "sim") == 0) return cmd_sim(argc, argv);
  if (strcmp(argv[1], "halmstad") == 0) return cmd_halmstad(argc, argv);
  return usage_error("unknown subcommand: %s", argv[1]);
}
