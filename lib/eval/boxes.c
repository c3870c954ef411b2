/*
 * boxes.c - detection scoring against loose box labels (the Halmstad
 * drone-detection dataset's `frame,obj,class,x,y,w,h` files): the label
 * parser and per-frame precision / recall / F1 under two matching rules.
 *
 * Design. Labels and predictions are grouped by frame. In every frame that
 * has either, each rule builds a labels x predictions cost matrix with the
 * pairs it does not allow forbidden, and one optimal assignment
 * (watchline/assign.h: the most pairs, then the least total cost) gives the
 * one-to-one matches:
 *   centre rule:  allowed when the centres are at most
 *                 max(8 px, half the label's diagonal) apart; cost = the
 *                 centre distance.
 *   overlap rule: allowed when IoU >= 0.3 or the prediction's centre lies
 *                 inside the label box (edges included); cost = 1 - IoU.
 * TP = matches, FP = predictions - TP, FN = labels - TP, per frame, summed
 * over frames (micro average). Both files use the same 1-based pixel
 * convention, so no offset is applied (docs/METRICS.md).
 *
 * Invariants: buffers grow to the largest frame and are reused; the result
 * lists only frames that have a label or a prediction, in ascending order.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaltext_int.h"
#include "watchline/assign.h"

/* ---- label parser ------------------------------------------------------ */

static const char *const LABEL_HEADER[7] = {"frame", "obj", "class", "x",
                                            "y",     "w",   "h"};

static int field_is(const wl__field_t *f, const char *word) {
  size_t n = strlen(word);
  return f->n == n && memcmp(f->s, word, n) == 0;
}

static int parse_header(const wl__lines_t *it, const char *s, size_t n,
                        wl_err_t *err) {
  wl__field_t f[WL__CSV_MAX_FIELDS];
  int nf = wl__csv_split(s, n, f);
  int ok = nf == 7;
  for (int i = 0; ok && i < 7; i++) ok = field_is(&f[i], LABEL_HEADER[i]);
  if (!ok) {
    char quoted[48];
    wl__quote_field(s, n, quoted, sizeof quoted);
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: expected the header 'frame,obj,class,x,y,w,h', "
                   "found '%s'",
                   it->name, it->line, quoted);
  }
  return WL_OK;
}

static int parse_class(const wl__lines_t *it, const wl__field_t *f,
                       char *out, wl_err_t *err) {
  char quoted[48];
  wl__quote_field(f->s, f->n, quoted, sizeof quoted);
  int ok = f->n > 0 && f->n < WL_BOX_CLASS_MAX;
  for (size_t i = 0; ok && i < f->n; i++) {
    char ch = f->s[i];
    ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
         (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  }
  if (!ok)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field 3 (class): '%s' is not a class name (1 to "
                   "%d letters, digits, '_' or '-')",
                   it->name, it->line, quoted, WL_BOX_CLASS_MAX - 1);
  memcpy(out, f->s, f->n);
  out[f->n] = '\0';
  return WL_OK;
}

static int parse_label(const wl__lines_t *it, const char *s, size_t n,
                       wl_box_label_t *row, wl_err_t *err) {
  wl__field_t f[WL__CSV_MAX_FIELDS];
  int nf = wl__csv_split(s, n, f);
  if (nf != 7)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: line has %s%d fields; a label row has 7 "
                   "(frame,obj,class,x,y,w,h)",
                   it->name, it->line, nf > WL__CSV_MAX_FIELDS ? "over " : "",
                   nf > WL__CSV_MAX_FIELDS ? WL__CSV_MAX_FIELDS : nf);
  long frame, obj;
  int rc;
  if ((rc = wl__field_long(it, &f[0], 1, "frame", 1, WL_MOT_MAX_FRAME, &frame,
                           err)) < 0 ||
      (rc = wl__field_long(it, &f[1], 2, "obj", 0, WL_MOT_MAX_ID, &obj,
                           err)) < 0 ||
      (rc = parse_class(it, &f[2], row->cls, err)) < 0 ||
      (rc = wl__field_double(it, &f[3], 4, "x", -WL_MOT_MAX_COORD,
                             WL_MOT_MAX_COORD, &row->x, err)) < 0 ||
      (rc = wl__field_double(it, &f[4], 5, "y", -WL_MOT_MAX_COORD,
                             WL_MOT_MAX_COORD, &row->y, err)) < 0 ||
      (rc = wl__field_double(it, &f[5], 6, "w", 0.0, WL_MOT_MAX_COORD,
                             &row->w, err)) < 0 ||
      (rc = wl__field_double(it, &f[6], 7, "h", 0.0, WL_MOT_MAX_COORD,
                             &row->h, err)) < 0)
    return rc;
  if (row->w <= 0.0 || row->h <= 0.0)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: box size %gx%g is empty; w and h must be > 0",
                   it->name, it->line, row->w, row->h);
  row->frame = (int)frame;
  row->obj = (int)obj;
  row->line = it->line;
  return WL_OK;
}

static int compare_label_ptr(const void *a, const void *b) {
  const wl_box_label_t *x = *(const wl_box_label_t *const *)a;
  const wl_box_label_t *y = *(const wl_box_label_t *const *)b;
  if (x->frame != y->frame) return x->frame < y->frame ? -1 : 1;
  if (x->obj != y->obj) return x->obj < y->obj ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

/* (frame, obj) unique and at most WL_MOT_MAX_PER_FRAME labels per frame. */
static int check_label_frames(const wl_box_labels_t *l, const char *name,
                              wl_err_t *err) {
  if (l->n == 0) return WL_OK;
  const wl_box_label_t **order = malloc(l->n * sizeof *order);
  if (!order)
    return wl_fail(err, WL_ENOMEM, "%s: out of memory sorting %zu rows", name,
                   l->n);
  for (size_t i = 0; i < l->n; i++) order[i] = &l->rows[i];
  qsort(order, l->n, sizeof *order, compare_label_ptr);
  int rc = WL_OK;
  size_t run = 1;
  for (size_t i = 1; i < l->n && rc == WL_OK; i++) {
    const wl_box_label_t *prev = order[i - 1], *cur = order[i];
    if (cur->frame != prev->frame) {
      run = 1;
      continue;
    }
    if (cur->obj == prev->obj)
      rc = wl_fail(err, WL_EFORMAT,
                   "%s:%ld: obj %d appears twice in frame %d (also line %ld)",
                   name, cur->line, cur->obj, cur->frame, prev->line);
    else if (++run > WL_MOT_MAX_PER_FRAME)
      rc = wl_fail(err, WL_ETOOBIG, "%s:%ld: frame %d has more than %d rows",
                   name, cur->line, cur->frame, WL_MOT_MAX_PER_FRAME);
  }
  free(order);
  return rc;
}

int wl_box_labels_parse(const char *text, size_t len, const char *name,
                        wl_box_labels_t *out, wl_err_t *err) {
  memset(out, 0, sizeof *out);
  wl__lines_t it;
  wl__lines_init(&it, text, len, name);
  wl_box_labels_t l = {0};
  size_t cap = 0;
  const char *s;
  size_t n;
  int rc = wl__lines_next(&it, &s, &n, err);
  if (rc == 0)
    return wl_fail(err, WL_EFORMAT,
                   "%s: empty file; expected the header "
                   "'frame,obj,class,x,y,w,h'",
                   it.name);
  if (rc < 0) return rc;
  if ((rc = parse_header(&it, s, n, err)) < 0) return rc;
  while ((rc = wl__lines_next(&it, &s, &n, err)) == 1) {
    if (l.n >= (size_t)WL_MOT_MAX_ROWS) {
      rc = wl_fail(err, WL_ETOOBIG, "%s:%ld: more than %ld rows", it.name,
                   it.line, WL_MOT_MAX_ROWS);
      break;
    }
    wl_box_label_t row;
    if ((rc = parse_label(&it, s, n, &row, err)) < 0) break;
    if ((rc = wl__grow(&l.rows, &cap, l.n + 1, sizeof row, it.name, err)) <
        0)
      break;
    l.rows[l.n++] = row;
    if (row.frame > l.max_frame) l.max_frame = row.frame;
  }
  if (rc == 0) rc = check_label_frames(&l, it.name, err);
  if (rc < 0) {
    wl_box_labels_free(&l);
    return rc;
  }
  *out = l;
  return WL_OK;
}

int wl_box_labels_read(const char *path, wl_box_labels_t *out,
                       wl_err_t *err) {
  memset(out, 0, sizeof *out);
  char *buf;
  size_t len;
  int rc = wl__read_text_file(path, WL_MOT_MAX_FILE_BYTES, &buf, &len, err);
  if (rc < 0) return rc;
  rc = wl_box_labels_parse(buf, len, path, out, err);
  free(buf);
  return rc;
}

void wl_box_labels_free(wl_box_labels_t *labels) {
  if (!labels) return;
  free(labels->rows);
  labels->rows = NULL;
  labels->n = 0;
  labels->max_frame = 0;
}

/* ---- scoring ----------------------------------------------------------- */

void wl_box_counts_finish(wl_box_counts_t *c) {
  double tp = (double)c->tp, fp = (double)c->fp, fn = (double)c->fn;
  c->precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
  c->recall = tp + fn > 0 ? tp / (tp + fn) : 0.0;
  c->f1 = 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0.0;
}

/* A box as corners and centre, in the files' common pixel convention. */
typedef struct rect {
  int frame;
  size_t order; /* position in the file, to keep file order in a frame */
  double x0, y0, x1, y1, cx, cy;
} rect_t;

static rect_t make_rect(int frame, size_t order, double x, double y,
                        double w, double h) {
  rect_t r = {frame, order, x, y, x + w, y + h, x + 0.5 * w, y + 0.5 * h};
  return r;
}

static double rect_iou(const rect_t *a, const rect_t *b) {
  double iw = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
  double ih = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
  if (iw <= 0 || ih <= 0) return 0.0;
  double inter = iw * ih;
  double uni = (a->x1 - a->x0) * (a->y1 - a->y0) +
               (b->x1 - b->x0) * (b->y1 - b->y0) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

static int compare_rect(const void *a, const void *b) {
  const rect_t *x = a, *y = b;
  if (x->frame != y->frame) return x->frame < y->frame ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* Per-frame scratch, grown to the largest frame. */
typedef struct box_work {
  double *cost;
  size_t cost_cap;
  int *row_to_col;
  size_t rows_cap;
  void *assign;
  size_t assign_cap;
} box_work_t;

static int reserve_work(box_work_t *w, int nl, int np, wl_err_t *err) {
  size_t cells = (size_t)nl * (size_t)np;
  if (cells > w->cost_cap) {
    double *c = realloc(w->cost, cells * sizeof *c);
    if (!c) return wl_fail(err, WL_ENOMEM, "eval boxes: out of memory");
    w->cost = c;
    w->cost_cap = cells;
  }
  if ((size_t)nl > w->rows_cap) {
    int *r = realloc(w->row_to_col, (size_t)nl * sizeof *r);
    if (!r) return wl_fail(err, WL_ENOMEM, "eval boxes: out of memory");
    w->row_to_col = r;
    w->rows_cap = (size_t)nl;
  }
  size_t need = wl_assign_workspace_size(nl, np);
  if (need > w->assign_cap) {
    void *a = realloc(w->assign, need);
    if (!a) return wl_fail(err, WL_ENOMEM, "eval boxes: out of memory");
    w->assign = a;
    w->assign_cap = need;
  }
  return WL_OK;
}

enum { RULE_CENTRE, RULE_OVERLAP };

/* Matches in one frame under one rule. */
static int match_frame(box_work_t *w, const rect_t *lab, int nl,
                       const rect_t *pre, int np, int rule, wl_err_t *err) {
  for (int l = 0; l < nl; l++) {
    const rect_t *a = &lab[l];
    double half_diag = 0.5 * hypot(a->x1 - a->x0, a->y1 - a->y0);
    double gate = half_diag > WL_BOX_GATE_MIN_PX ? half_diag
                                                 : WL_BOX_GATE_MIN_PX;
    for (int p = 0; p < np; p++) {
      const rect_t *b = &pre[p];
      double cost = WL_ASSIGN_FORBIDDEN;
      if (rule == RULE_CENTRE) {
        double d = hypot(a->cx - b->cx, a->cy - b->cy);
        if (d <= gate) cost = d;
      } else {
        double iou = rect_iou(a, b);
        int inside = b->cx >= a->x0 && b->cx <= a->x1 && b->cy >= a->y0 &&
                     b->cy <= a->y1;
        if (iou >= WL_BOX_OVERLAP_IOU || inside) cost = 1.0 - iou;
      }
      w->cost[(size_t)l * (size_t)np + (size_t)p] = cost;
    }
  }
  return wl_assign_solve(w->cost, nl, np, (size_t)np, WL_ASSIGN_FORBIDDEN,
                         w->assign, w->assign_cap, w->row_to_col, NULL, NULL,
                         err);
}

static void add_frame(wl_box_counts_t *c, int labels, int preds, int tp) {
  c->tp += tp;
  c->fp += preds - tp;
  c->fn += labels - tp;
}

int wl_eval_boxes(const wl_box_labels_t *labels, const wl_mot_file_t *pred,
                  wl_box_score_t *out, wl_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!labels || !pred)
    return wl_fail(err, WL_EINVAL, "eval boxes: labels or predictions are "
                   "NULL");
  size_t nl = labels->n, np = pred->n;
  rect_t *lab = malloc((nl ? nl : 1) * sizeof *lab);
  rect_t *pre = malloc((np ? np : 1) * sizeof *pre);
  wl_box_frame_t *frames = malloc((nl + np ? nl + np : 1) * sizeof *frames);
  box_work_t w;
  memset(&w, 0, sizeof w);
  int rc = WL_OK;
  if (!lab || !pre || !frames) {
    rc = wl_fail(err, WL_ENOMEM, "eval boxes: out of memory for %zu rows",
                 nl + np);
    goto done;
  }
  /* Group by frame, keeping file order within a frame (which decides ties
   * between equally good matchings). */
  for (size_t i = 0; i < nl; i++) {
    const wl_box_label_t *r = &labels->rows[i];
    lab[i] = make_rect(r->frame, i, r->x, r->y, r->w, r->h);
  }
  for (size_t i = 0; i < np; i++) {
    const wl_mot_row_t *r = &pred->rows[i];
    pre[i] = make_rect(r->frame, i, r->x, r->y, r->w, r->h);
  }
  qsort(lab, nl, sizeof *lab, compare_rect);
  qsort(pre, np, sizeof *pre, compare_rect);

  size_t li = 0, pi = 0, nf = 0;
  while (li < nl || pi < np) {
    int f;
    if (li >= nl)
      f = pre[pi].frame;
    else if (pi >= np)
      f = lab[li].frame;
    else
      f = lab[li].frame < pre[pi].frame ? lab[li].frame : pre[pi].frame;
    size_t l0 = li, p0 = pi;
    while (li < nl && lab[li].frame == f) li++;
    while (pi < np && pre[pi].frame == f) pi++;
    int fl = (int)(li - l0), fp = (int)(pi - p0);
    wl_box_frame_t *fr = &frames[nf++];
    fr->frame = f;
    fr->labels = fl;
    fr->preds = fp;
    fr->centre_tp = 0;
    fr->overlap_tp = 0;
    if (fl > 0 && fp > 0) {
      if ((rc = reserve_work(&w, fl, fp, err)) < 0) goto done;
      int got = match_frame(&w, lab + l0, fl, pre + p0, fp, RULE_CENTRE, err);
      if (got < 0) {
        rc = got;
        goto done;
      }
      fr->centre_tp = got;
      got = match_frame(&w, lab + l0, fl, pre + p0, fp, RULE_OVERLAP, err);
      if (got < 0) {
        rc = got;
        goto done;
      }
      fr->overlap_tp = got;
    }
    add_frame(&out->centre, fl, fp, fr->centre_tp);
    add_frame(&out->overlap, fl, fp, fr->overlap_tp);
  }
  wl_box_counts_finish(&out->centre);
  wl_box_counts_finish(&out->overlap);
  out->labels = (long)nl;
  out->preds = (long)np;
  out->frames = labels->max_frame > pred->max_frame ? labels->max_frame
                                                     : pred->max_frame;
  out->per_frame = frames;
  out->n_frames = nf;
  frames = NULL;
done:
  free(lab);
  free(pre);
  free(frames);
  free(w.cost);
  free(w.row_to_col);
  free(w.assign);
  if (rc < 0) memset(out, 0, sizeof *out);
  return rc;
}

void wl_box_score_free(wl_box_score_t *score) {
  if (!score) return;
  free(score->per_frame);
  score->per_frame = NULL;
  score->n_frames = 0;
}
