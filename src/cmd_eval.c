/*
 * cmd_eval.c - `watchline eval mot|boxes|sirst`: score results against
 * ground truth and print the metrics.
 *
 * Every subcommand prints one `NAME VALUE` line per metric in a fixed order
 * (ratios as fractions with 4 decimals, counts as integers), or with --json
 * one JSON object with the same names in the same order (reals to 10
 * significant digits). The library does the scoring (watchline/eval.h);
 * this file only parses arguments and formats. Output formats are exact and
 * documented in docs/FORMATS.md; definitions in docs/METRICS.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "watchline/eval.h"

static const char USAGE[] =
    "usage: watchline eval mot GT PRED [--class N] [--json]\n"
    "       watchline eval boxes LABELS.csv PRED [--per-frame] [--json]\n"
    "       watchline eval sirst DATA SPLIT PRED_DIR [--json]\n"
    "\n"
    "Score results against ground truth (definitions: docs/METRICS.md).\n"
    "\n"
    "eval mot: multi-object tracking with TrackEval's definitions. GT is a\n"
    "  MOT Challenge ground-truth file (frame,id,x,y,w,h,conf,class,\n"
    "  visibility), PRED a tracker's (frame,id,x,y,w,h,conf,-1,-1,-1).\n"
    "  GT rows with conf 0 are ignored. Prints HOTA DetA AssA MOTA IDF1\n"
    "  IDSW FP FN, then DetRe DetPr AssRe AssPr LocA MOTP IDP IDR TP IDTP\n"
    "  IDFP IDFN MT PT ML Frag GT_DETS GT_IDS PRED_DETS PRED_IDS FRAMES.\n"
    "  --class N   evaluate only GT rows of class N (predictions carry no\n"
    "              class: all of them are scored against that class)\n"
    "\n"
    "eval boxes: detection against loose box labels (frame,obj,class,x,y,\n"
    "  w,h with a header line, as the Halmstad dataset). PRED is a MOT\n"
    "  tracks file. Prints TP FP FN precision recall F1 under two rules:\n"
    "  centre (centres within max(8 px, half the label diagonal)) and\n"
    "  overlap (IoU >= 0.3 or the prediction centre inside the label box).\n"
    "  --per-frame  also print one line per frame that has a label or a\n"
    "               prediction, before the totals\n"
    "\n"
    "eval sirst: SIRST small-target masks (IoU, nIoU, Pd, Fa). DATA is the\n"
    "  sirst-v1 directory, SPLIT a split file or name (basicirstd/test),\n"
    "  PRED_DIR holds <image>.png masks (255 = target).\n"
    "\n"
    "  --json      print one JSON object instead of NAME VALUE lines\n"
    "\n"
    "Exit status: 0 ok, 1 unreadable or invalid input, 2 usage error.\n";

/* One output line: a name and a ratio (4 decimals) or a count. */
typedef struct metric {
  const char *name;
  int is_count;
  double value;
} metric_t;

#define MAX_METRICS 40

static void print_metrics(const metric_t *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (m[i].is_count)
      printf("%s %.0f\n", m[i].name, m[i].value);
    else
      printf("%s %.4f\n", m[i].name, m[i].value);
  }
}

/* Add metrics to a JSON object (counts as integers). Returns 0 or -1. */
static int json_add_metrics(json_t *obj, const metric_t *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    json_t *v = m[i].is_count ? json_integer((json_int_t)m[i].value)
                              : json_real(m[i].value);
    if (!v || json_object_set_new(obj, m[i].name, v) != 0) return -1;
  }
  return 0;
}

static int json_print(json_t *obj) {
  char *text = json_dumps(obj, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
  if (!text) return -1;
  puts(text);
  free(text);
  return 0;
}

static json_t *json_real_array(const double *v, int n) {
  json_t *a = json_array();
  for (int i = 0; a && i < n; i++)
    if (json_array_append_new(a, json_real(v[i])) != 0) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* Shared option scan: --json and subcommand-specific flags; positional
 * arguments collected in order. */
typedef struct eval_args {
  const char *pos[4];
  int n_pos;
  int json;
  int per_frame;
  long cls;
} eval_args_t;

static int parse_args(int argc, char **argv, const char *sub, int want_pos,
                      eval_args_t *a) {
  memset(a, 0, sizeof *a);
  a->cls = -1;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--json") == 0) {
      a->json = 1;
    } else if (strcmp(arg, "--per-frame") == 0 && strcmp(sub, "boxes") == 0) {
      a->per_frame = 1;
    } else if (strcmp(arg, "--class") == 0 && strcmp(sub, "mot") == 0) {
      if (i + 1 >= argc)
        return cli_usage_error(&cmd_eval, "eval mot: --class needs a class "
                               "number");
      if (cli_parse_long(argv[++i], 0, WL_MOT_MAX_CLASS, &a->cls) != 0)
        return cli_usage_error(&cmd_eval,
                               "eval mot: --class %s: not a class number "
                               "0..%ld",
                               argv[i], WL_MOT_MAX_CLASS);
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return cli_usage_error(&cmd_eval, "eval %s: unknown option %s", sub,
                             arg);
    } else {
      if (a->n_pos >= want_pos)
        return cli_usage_error(&cmd_eval, "eval %s: too many arguments (%s)",
                               sub, arg);
      a->pos[a->n_pos++] = arg;
    }
  }
  if (a->n_pos < want_pos)
    return cli_usage_error(&cmd_eval, "eval %s: %d argument%s missing", sub,
                           want_pos - a->n_pos,
                           want_pos - a->n_pos > 1 ? "s are" : " is");
  return 0;
}

/* ---- eval mot ----------------------------------------------------------- */

static size_t mot_metrics(const wl_mot_score_t *s, metric_t *m) {
  size_t n = 0;
#define RATIO(nm, v) m[n++] = (metric_t){nm, 0, (double)(v)}
#define COUNT(nm, v) m[n++] = (metric_t){nm, 1, (double)(v)}
  RATIO("HOTA", s->hota);
  RATIO("DetA", s->deta);
  RATIO("AssA", s->assa);
  RATIO("MOTA", s->mota);
  RATIO("IDF1", s->idf1);
  COUNT("IDSW", s->idsw);
  COUNT("FP", s->fp);
  COUNT("FN", s->fn);
  RATIO("DetRe", s->detre);
  RATIO("DetPr", s->detpr);
  RATIO("AssRe", s->assre);
  RATIO("AssPr", s->asspr);
  RATIO("LocA", s->loca);
  RATIO("MOTP", s->motp);
  RATIO("IDP", s->idp);
  RATIO("IDR", s->idr);
  COUNT("TP", s->tp);
  COUNT("IDTP", s->idtp);
  COUNT("IDFP", s->idfp);
  COUNT("IDFN", s->idfn);
  COUNT("MT", s->mt);
  COUNT("PT", s->pt);
  COUNT("ML", s->ml);
  COUNT("Frag", s->frag);
  COUNT("GT_DETS", s->gt_dets);
  COUNT("GT_IDS", s->gt_ids);
  COUNT("PRED_DETS", s->pred_dets);
  COUNT("PRED_IDS", s->pred_ids);
  COUNT("FRAMES", s->frames);
  return n;
}

static int run_mot(int argc, char **argv) {
  eval_args_t a;
  int rc = parse_args(argc, argv, "mot", 2, &a);
  if (rc) return rc;
  wl_err_t err;
  wl_mot_file_t gt, pred;
  if (wl_mot_read(a.pos[0], WL_MOT_GT, &gt, &err) != WL_OK)
    return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);
  if (wl_mot_read(a.pos[1], WL_MOT_PRED, &pred, &err) != WL_OK) {
    wl_mot_free(&gt);
    return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);
  }
  wl_mot_options_t opt;
  wl_mot_default_options(&opt);
  opt.cls = (int)a.cls;
  wl_mot_score_t s;
  rc = wl_eval_mot(&gt, &pred, &opt, &s, &err);
  wl_mot_free(&gt);
  wl_mot_free(&pred);
  if (rc != WL_OK) return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);

  metric_t m[MAX_METRICS];
  size_t n = mot_metrics(&s, m);
  if (!a.json) {
    print_metrics(m, n);
    return EXIT_OK;
  }
  double alpha[WL_HOTA_ALPHAS];
  for (int i = 0; i < WL_HOTA_ALPHAS; i++) alpha[i] = 0.05 * (i + 1);
  json_t *obj = json_object();
  int bad = !obj || json_add_metrics(obj, m, n) != 0 ||
            json_object_set_new(obj, "alpha",
                                json_real_array(alpha, WL_HOTA_ALPHAS)) != 0 ||
            json_object_set_new(obj, "HOTA_alpha",
                                json_real_array(s.hota_alpha,
                                                WL_HOTA_ALPHAS)) != 0 ||
            json_object_set_new(obj, "DetA_alpha",
                                json_real_array(s.deta_alpha,
                                                WL_HOTA_ALPHAS)) != 0 ||
            json_object_set_new(obj, "AssA_alpha",
                                json_real_array(s.assa_alpha,
                                                WL_HOTA_ALPHAS)) != 0 ||
            json_print(obj) != 0;
  json_decref(obj);
  if (bad) return cli_error(EXIT_RUNTIME, "eval", "JSON output: out of memory");
  return EXIT_OK;
}

/* ---- eval boxes --------------------------------------------------------- */

static size_t box_metrics(const wl_box_score_t *s, metric_t *m) {
  size_t n = 0;
  COUNT("frames", s->frames);
  COUNT("labels", s->labels);
  COUNT("predictions", s->preds);
  COUNT("centre_TP", s->centre.tp);
  COUNT("centre_FP", s->centre.fp);
  COUNT("centre_FN", s->centre.fn);
  RATIO("centre_precision", s->centre.precision);
  RATIO("centre_recall", s->centre.recall);
  RATIO("centre_F1", s->centre.f1);
  COUNT("overlap_TP", s->overlap.tp);
  COUNT("overlap_FP", s->overlap.fp);
  COUNT("overlap_FN", s->overlap.fn);
  RATIO("overlap_precision", s->overlap.precision);
  RATIO("overlap_recall", s->overlap.recall);
  RATIO("overlap_F1", s->overlap.f1);
  return n;
}
#undef RATIO
#undef COUNT

/* The counts of one rule in one frame, with their rates. */
static wl_box_counts_t frame_counts(const wl_box_frame_t *f, int tp) {
  wl_box_counts_t c = {tp, f->preds - tp, f->labels - tp, 0, 0, 0};
  wl_box_counts_finish(&c);
  return c;
}

static const char PER_FRAME_HEADER[] =
    "frame labels predictions centre_TP centre_FP centre_FN "
    "centre_precision centre_recall centre_F1 overlap_TP overlap_FP "
    "overlap_FN overlap_precision overlap_recall overlap_F1";

static void print_per_frame(const wl_box_score_t *s) {
  puts(PER_FRAME_HEADER);
  for (size_t i = 0; i < s->n_frames; i++) {
    const wl_box_frame_t *f = &s->per_frame[i];
    wl_box_counts_t c = frame_counts(f, f->centre_tp);
    wl_box_counts_t o = frame_counts(f, f->overlap_tp);
    printf("%d %d %d %ld %ld %ld %.4f %.4f %.4f %ld %ld %ld %.4f %.4f %.4f\n",
           f->frame, f->labels, f->preds, c.tp, c.fp, c.fn, c.precision,
           c.recall, c.f1, o.tp, o.fp, o.fn, o.precision, o.recall, o.f1);
  }
  putchar('\n');
}

static json_t *json_per_frame(const wl_box_score_t *s) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < s->n_frames; i++) {
    const wl_box_frame_t *f = &s->per_frame[i];
    wl_box_counts_t c = frame_counts(f, f->centre_tp);
    wl_box_counts_t o = frame_counts(f, f->overlap_tp);
    json_t *row = json_pack(
        "{s:i, s:i, s:i, s:I, s:I, s:I, s:f, s:f, s:f, s:I, s:I, s:I, s:f, "
        "s:f, s:f}",
        "frame", f->frame, "labels", f->labels, "predictions", f->preds,
        "centre_TP", (json_int_t)c.tp, "centre_FP", (json_int_t)c.fp,
        "centre_FN", (json_int_t)c.fn, "centre_precision", c.precision,
        "centre_recall", c.recall, "centre_F1", c.f1, "overlap_TP",
        (json_int_t)o.tp, "overlap_FP", (json_int_t)o.fp, "overlap_FN",
        (json_int_t)o.fn, "overlap_precision", o.precision, "overlap_recall",
        o.recall, "overlap_F1", o.f1);
    if (!row || json_array_append_new(arr, row) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

static int run_boxes(int argc, char **argv) {
  eval_args_t a;
  int rc = parse_args(argc, argv, "boxes", 2, &a);
  if (rc) return rc;
  wl_err_t err;
  wl_box_labels_t labels;
  wl_mot_file_t pred;
  if (wl_box_labels_read(a.pos[0], &labels, &err) != WL_OK)
    return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);
  if (wl_mot_read(a.pos[1], WL_MOT_PRED, &pred, &err) != WL_OK) {
    wl_box_labels_free(&labels);
    return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);
  }
  wl_box_score_t s;
  rc = wl_eval_boxes(&labels, &pred, &s, &err);
  wl_box_labels_free(&labels);
  wl_mot_free(&pred);
  if (rc != WL_OK) return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);

  metric_t m[MAX_METRICS];
  size_t n = box_metrics(&s, m);
  int bad = 0;
  if (!a.json) {
    if (a.per_frame) print_per_frame(&s);
    print_metrics(m, n);
  } else {
    json_t *obj = json_object();
    bad = !obj || json_add_metrics(obj, m, n) != 0 ||
          (a.per_frame &&
           json_object_set_new(obj, "per_frame", json_per_frame(&s)) != 0) ||
          json_print(obj) != 0;
    json_decref(obj);
  }
  wl_box_score_free(&s);
  if (bad) return cli_error(EXIT_RUNTIME, "eval", "JSON output: out of memory");
  return EXIT_OK;
}

/* ---- eval sirst --------------------------------------------------------- */

static int run_sirst(int argc, char **argv) {
  eval_args_t a;
  int rc = parse_args(argc, argv, "sirst", 3, &a);
  if (rc) return rc;
  wl_err_t err;
  wl_sirst_score_t s;
  if (wl_eval_sirst(a.pos[0], a.pos[1], a.pos[2], &s, &err) != WL_OK)
    return cli_error(EXIT_RUNTIME, "eval", "%s", err.msg);
  if (!a.json) {
    printf("IoU %.4f\nnIoU %.4f\nPd %.4f\nFa %.4e\n", s.iou, s.niou, s.pd,
           s.fa);
    printf("targets %ld\nfound %ld\nfalse_pixels %ld\npixels %ld\n"
           "images %d\n",
           s.targets, s.found, s.false_pixels, s.pixels, s.images);
    return EXIT_OK;
  }
  json_t *obj = json_pack("{s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:i}",
                          "IoU", s.iou, "nIoU", s.niou, "Pd", s.pd, "Fa",
                          s.fa, "targets", (json_int_t)s.targets, "found",
                          (json_int_t)s.found, "false_pixels",
                          (json_int_t)s.false_pixels, "pixels",
                          (json_int_t)s.pixels, "images", s.images);
  int bad = !obj || json_print(obj) != 0;
  json_decref(obj);
  if (bad) return cli_error(EXIT_RUNTIME, "eval", "JSON output: out of memory");
  return EXIT_OK;
}

static int run(int argc, char **argv) {
  if (argc < 2)
    return cli_usage_error(&cmd_eval, "a subcommand is missing (mot, boxes "
                           "or sirst)");
  const char *sub = argv[1];
  if (strcmp(sub, "mot") == 0) return run_mot(argc, argv);
  if (strcmp(sub, "boxes") == 0) return run_boxes(argc, argv);
  if (strcmp(sub, "sirst") == 0) return run_sirst(argc, argv);
  return cli_usage_error(&cmd_eval, "unknown subcommand '%s' (mot, boxes or "
                         "sirst)", sub);
}

const wl_cmd_t cmd_eval = {
    "eval", "score tracks, detections or masks against ground truth", USAGE,
    run};
