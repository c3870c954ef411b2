/*
 * sirst.c - SIRST small-target scoring: IoU, nIoU, Pd and Fa exactly as
 * ../shared/data/README.md (BasicIRSTD's metric code, ACM's nIoU) defines
 * them.
 *
 *   IoU  = sum over images of |pred & gt| / sum of |pred | gt|
 *   nIoU = mean over images of |pred & gt| / (|pred | gt| + DBL_EPSILON)
 *          (an image with neither target nor prediction scores 0, as ACM)
 *   Pd   = found targets / targets. Targets and predictions are 8-connected
 *          components; for each target in label order (raster order of
 *          first pixel), the first remaining predicted component whose
 *          centroid (mean pixel position) lies at distance < 3 px is
 *          matched and removed.
 *   Fa   = predicted pixels outside matched components / all pixels.
 * A mask pixel is "on" when non-zero.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/eval.h"
#include "watchline/image.h"

#define SIRST_MAX_NAME 256
#define SIRST_MAX_IMAGES 100000

typedef struct component {
  double cy, cx; /* centroid */
  long area;
  int used;
} component_t;

typedef struct labelling {
  int *label;          /* per pixel: component index + 1, 0 = off */
  int *stack;          /* flood-fill stack of pixel indices */
  component_t *comps;
  int n, cap;
} labelling_t;

static void labelling_free(labelling_t *lb) {
  free(lb->label);
  free(lb->stack);
  free(lb->comps);
}

/* 8-connected components of the non-zero pixels of f, numbered in raster
 * order of their first pixel. */
static int label_components(const wl_frame_t *f, labelling_t *lb,
                            wl_err_t *err) {
  size_t n = (size_t)f->width * (size_t)f->height;
  int *label = realloc(lb->label, n * sizeof *label);
  int *stack = label ? realloc(lb->stack, n * sizeof *stack) : NULL;
  if (label) lb->label = label;
  if (stack) lb->stack = stack;
  if (!label || !stack) return wl_fail(err, WL_ENOMEM, "sirst: out of memory");
  memset(label, 0, n * sizeof *label);
  lb->n = 0;
  int w = f->width, h = f->height;
  for (size_t start = 0; start < n; start++) {
    if (!f->data[start] || label[start]) continue;
    if (lb->n == lb->cap) {
      int cap = lb->cap ? lb->cap * 2 : 64;
      component_t *c = realloc(lb->comps, (size_t)cap * sizeof *c);
      if (!c) return wl_fail(err, WL_ENOMEM, "sirst: out of memory");
      lb->comps = c;
      lb->cap = cap;
    }
    int id = ++lb->n;
    double sx = 0, sy = 0;
    long area = 0;
    int top = 0;
    stack[top++] = (int)start;
    label[start] = id;
    while (top > 0) {
      int p = stack[--top];
      int x = p % w, y = p / w;
      sx += x;
      sy += y;
      area++;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          int q = ny * w + nx;
          if (f->data[q] && !label[q]) {
            label[q] = id;
            stack[top++] = q;
          }
        }
    }
    component_t *c = &lb->comps[id - 1];
    c->cx = sx / (double)area;
    c->cy = sy / (double)area;
    c->area = area;
    c->used = 0;
  }
  return WL_OK;
}

/* Accumulate one image's intersection/union, targets and false pixels. */
static int score_image(const wl_frame_t *gt, const wl_frame_t *pred,
                       labelling_t *lg, labelling_t *lp,
                       wl_sirst_score_t *s, double *inter_sum,
                       double *union_sum, double *niou_sum, wl_err_t *err) {
  size_t n = (size_t)gt->width * (size_t)gt->height;
  long inter = 0, uni = 0;
  for (size_t k = 0; k < n; k++) {
    int a = gt->data[k] != 0, b = pred->data[k] != 0;
    inter += a & b;
    uni += a | b;
  }
  *inter_sum += (double)inter;
  *union_sum += (double)uni;
  *niou_sum += (double)inter / ((double)uni + DBL_EPSILON);

  int rc = label_components(gt, lg, err);
  if (rc == WL_OK) rc = label_components(pred, lp, err);
  if (rc != WL_OK) return rc;
  long matched_pixels = 0;
  for (int i = 0; i < lg->n; i++) {
    const component_t *t = &lg->comps[i];
    for (int m = 0; m < lp->n; m++) {
      component_t *p = &lp->comps[m];
      if (p->used) continue;
      if (hypot(p->cx - t->cx, p->cy - t->cy) < 3.0) {
        p->used = 1;
        matched_pixels += p->area;
        s->found++;
        break;
      }
    }
  }
  long pred_pixels = 0;
  for (int m = 0; m < lp->n; m++) pred_pixels += lp->comps[m].area;
  s->targets += lg->n;
  s->false_pixels += pred_pixels - matched_pixels;
  s->pixels += (long)n;
  s->images++;
  return WL_OK;
}

/* Resolve SPLIT to a file: an existing path, else data/splits/SPLIT.txt. */
static FILE *open_split(const char *data_dir, const char *split, char *path,
                        size_t cap) {
  FILE *fp = fopen(split, "r");
  if (fp) {
    snprintf(path, cap, "%s", split);
    return fp;
  }
  snprintf(path, cap, "%s/splits/%s.txt", data_dir, split);
  return fopen(path, "r");
}

static int read_mask(const char *path, wl_frame_t *f, wl_err_t *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return wl_fail(err, WL_ENOTFOUND, "%s: cannot open", path);
  int rc = wl_png_read(fp, path, f, err);
  fclose(fp);
  return rc;
}

int wl_eval_sirst(const char *data_dir, const char *split,
                  const char *pred_dir, wl_sirst_score_t *out, wl_err_t *err) {
  char split_path[4096], line[SIRST_MAX_NAME + 2], path[4096];
  FILE *list = open_split(data_dir, split, split_path, sizeof split_path);
  if (!list)
    return wl_fail(err, WL_ENOTFOUND, "split %s: neither a file nor %s", split,
                   split_path);
  memset(out, 0, sizeof *out);
  wl_frame_t gt, pred;
  wl_frame_init(&gt);
  wl_frame_init(&pred);
  labelling_t lg = {0}, lp = {0};
  double inter = 0, uni = 0, niou = 0;
  int rc = WL_OK;
  long line_no = 0;
  while (rc == WL_OK && fgets(line, sizeof line, list)) {
    line_no++;
    size_t len = strcspn(line, "\r\n");
    if (line[len] == '\0' && !feof(list)) {
      rc = wl_fail(err, WL_EFORMAT, "%s:%ld: line longer than %d characters",
                   split_path, line_no, SIRST_MAX_NAME);
      break;
    }
    line[len] = '\0';
    if (len == 0) continue;
    if (strchr(line, '/') || out->images >= SIRST_MAX_IMAGES) {
      rc = wl_fail(err, WL_EFORMAT, "%s:%ld: '%s' is not an image name",
                   split_path, line_no, line);
      break;
    }
    snprintf(path, sizeof path, "%s/masks/%s_pixels0.png", data_dir, line);
    rc = read_mask(path, &gt, err);
    if (rc != WL_OK) break;
    snprintf(path, sizeof path, "%s/%s.png", pred_dir, line);
    rc = read_mask(path, &pred, err);
    if (rc != WL_OK) break;
    if (gt.width != pred.width || gt.height != pred.height) {
      rc = wl_fail(err, WL_EFORMAT, "%s: prediction is %dx%d, mask is %dx%d",
                   path, pred.width, pred.height, gt.width, gt.height);
      break;
    }
    rc = score_image(&gt, &pred, &lg, &lp, out, &inter, &uni, &niou, err);
  }
  fclose(list);
  if (rc == WL_OK && out->images == 0)
    rc = wl_fail(err, WL_EFORMAT, "%s: no images listed", split_path);
  if (rc == WL_OK) {
    out->iou = uni > 0 ? inter / uni : 0.0;
    out->niou = niou / out->images;
    out->pd = out->targets ? (double)out->found / (double)out->targets : 0.0;
    out->fa = (double)out->false_pixels / (double)out->pixels;
  }
  labelling_free(&lg);
  labelling_free(&lp);
  wl_frame_release(&gt);
  wl_frame_release(&pred);
  return rc;
}
