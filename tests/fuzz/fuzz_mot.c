/*
 * fuzz_mot.c - libFuzzer target for the evaluation parsers: MOT ground
 * truth and predictions (wl_mot_parse) and loose box labels
 * (wl_box_labels_parse), and for the scoring behind them.
 *
 * The input is split at the first "\n--\n" into a ground-truth part and a
 * prediction part (without a separator both are the whole input). Each part
 * is parsed as GT, as PRED and as labels: every call must succeed or fail
 * cleanly with a message. When the parts parse and are small enough to
 * score quickly, they are scored against each other (HOTA, CLEAR, IDF1 and
 * both box rules) and the results must be sane: finite, counts adding up.
 * Nothing is written anywhere.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/eval.h"

/* Scoring cost grows with the rows per frame; keep each input fast. */
#define FUZZ_MAX_ROWS 256

static void check_mot(const wl_mot_file_t *gt, const wl_mot_file_t *pred) {
  wl_mot_score_t s;
  wl_err_t err;
  if (wl_eval_mot(gt, pred, NULL, &s, &err) != WL_OK) return;
  if (!isfinite(s.hota) || !isfinite(s.mota) || !isfinite(s.idf1) ||
      s.hota < 0 || s.hota > 1 + 1e-9 || s.idf1 < 0 || s.idf1 > 1 + 1e-9 ||
      s.tp + s.fn != s.gt_dets || s.tp + s.fp != s.pred_dets ||
      s.idtp + s.idfn != s.gt_dets || s.idtp + s.idfp != s.pred_dets)
    abort();
}

static void check_boxes(const char *text, size_t len,
                        const wl_mot_file_t *pred) {
  wl_box_labels_t labels;
  wl_err_t err;
  if (wl_box_labels_parse(text, len, "labels.csv", &labels, &err) != WL_OK)
    return;
  wl_box_score_t s;
  if (labels.n <= FUZZ_MAX_ROWS &&
      wl_eval_boxes(&labels, pred, &s, &err) == WL_OK) {
    if (s.centre.tp + s.centre.fn != s.labels ||
        s.overlap.tp + s.overlap.fp != s.preds || !isfinite(s.centre.f1))
      abort();
    wl_box_score_free(&s);
  }
  wl_box_labels_free(&labels);
}

/* The first "\n--\n" in text, or NULL (memmem is a GNU extension). */
static const char *find_separator(const char *text, size_t size) {
  for (size_t i = 0; i + 4 <= size; i++)
    if (memcmp(text + i, "\n--\n", 4) == 0) return text + i;
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  const char *sep = find_separator(text, size);
  const char *gt_text = text, *pred_text = text;
  size_t gt_len = size, pred_len = size;
  if (sep) {
    gt_len = (size_t)(sep - text);
    pred_text = sep + 4;
    pred_len = size - gt_len - 4;
  }
  wl_err_t err;
  wl_err_clear(&err);
  wl_mot_file_t gt, pred, other;
  int gt_ok = wl_mot_parse(gt_text, gt_len, WL_MOT_GT, "gt.txt", &gt, &err) ==
              WL_OK;
  if (!gt_ok && err.msg[0] == '\0') abort(); /* failures must say why */
  int pred_ok = wl_mot_parse(pred_text, pred_len, WL_MOT_PRED, "pred.txt",
                             &pred, &err) == WL_OK;
  if (wl_mot_parse(gt_text, gt_len, WL_MOT_PRED, "x.txt", &other, &err) ==
      WL_OK)
    wl_mot_free(&other);
  if (gt_ok && pred_ok && gt.n <= FUZZ_MAX_ROWS && pred.n <= FUZZ_MAX_ROWS)
    check_mot(&gt, &pred);
  if (pred_ok && pred.n <= FUZZ_MAX_ROWS) check_boxes(gt_text, gt_len, &pred);
  if (gt_ok) wl_mot_free(&gt);
  if (pred_ok) wl_mot_free(&pred);
  return 0;
}
