/*
 * sirst.c - SIRST small-target scoring: IoU, nIoU, Pd and Fa exactly as
 * ../shared/data/README.md (BasicIRSTD's metric code, ACM's nIoU) defines
 * them, plus the split-file parser and the mask reader they need.
 *
 *   IoU  = sum over images of |pred & gt| / sum of |pred | gt|
 *   nIoU = mean over images of |pred & gt| / |pred | gt| (an image with
 *          neither target nor prediction scores 0, as ACM's code does)
 *   Pd   = found targets / targets. Targets and predictions are 8-connected
 *          components; for each target in label order (raster order of its
 *          first pixel), the first remaining predicted component (same
 *          order) whose centroid (mean pixel position) lies at distance
 *          < 3 px is matched and removed.
 *   Fa   = pixels of unmatched predicted components / all pixels. (This is
 *          the README's definition; BasicIRSTD's code instead drops every
 *          unmatched component whose area equals a matched one's, which
 *          can only lower Fa.)
 * A mask pixel is "on" when non-zero.
 *
 * Untrusted input: split files are bounded (WL_SIRST_MAX_SPLIT_BYTES,
 * names of WL_SIRST_MAX_NAME safe characters, WL_SIRST_MAX_IMAGES lines)
 * and parsed from memory (wl_sirst_split_parse, fuzzed by
 * tests/fuzz/fuzz_sirst_split.c); images go through the PNG reader.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/eval.h"
#include "watchline/image.h"

#define MATCH_DISTANCE 3.0

/* ---- split files -------------------------------------------------------- */

static int name_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

void wl_sirst_split_free(wl_sirst_split_t *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) free(s->names[i]);
  free(s->names);
  s->names = NULL;
  s->n = 0;
}

/* Append name[0..len) to s, growing its array. */
static int split_push(wl_sirst_split_t *s, int *cap, const char *name,
                      size_t len, wl_err_t *err) {
  if (s->n == *cap) {
    int ncap = *cap ? *cap * 2 : 64;
    char **v = realloc(s->names, (size_t)ncap * sizeof *v);
    if (!v) return wl_fail(err, WL_ENOMEM, "split: out of memory");
    s->names = v;
    *cap = ncap;
  }
  char *copy = malloc(len + 1);
  if (!copy) return wl_fail(err, WL_ENOMEM, "split: out of memory");
  memcpy(copy, name, len);
  copy[len] = '\0';
  s->names[s->n++] = copy;
  return WL_OK;
}

int wl_sirst_split_parse(const char *text, size_t len, const char *name,
                         wl_sirst_split_t *out, wl_err_t *err) {
  out->names = NULL;
  out->n = 0;
  if (len > WL_SIRST_MAX_SPLIT_BYTES)
    return wl_fail(err, WL_ETOOBIG, "%s: %zu bytes exceed the limit of %zu",
                   name, len, WL_SIRST_MAX_SPLIT_BYTES);
  int cap = 0, rc = WL_OK;
  long line = 0;
  size_t pos = 0;
  while (pos < len && rc == WL_OK) {
    line++;
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    size_t stop = end;
    if (stop > pos && text[stop - 1] == '\r') stop--;
    size_t n = stop - pos;
    if (n > 0) {
      if (n > WL_SIRST_MAX_NAME)
        rc = wl_fail(err, WL_EFORMAT,
                     "%s:%ld: name longer than %d characters", name, line,
                     WL_SIRST_MAX_NAME);
      for (size_t i = 0; rc == WL_OK && i < n; i++)
        if (!name_char_ok(text[pos + i]) || (i == 0 && text[pos] == '.'))
          rc = wl_fail(err, WL_EFORMAT,
                       "%s:%ld: byte %zu (0x%02x) is not allowed in an image "
                       "name (A-Z a-z 0-9 _ - ., not leading '.')",
                       name, line, i + 1, (unsigned char)text[pos + i]);
      if (rc == WL_OK && out->n >= WL_SIRST_MAX_IMAGES)
        rc = wl_fail(err, WL_ETOOBIG, "%s:%ld: more than %d images", name,
                     line, WL_SIRST_MAX_IMAGES);
      if (rc == WL_OK) rc = split_push(out, &cap, text + pos, n, err);
    }
    pos = end + 1;
  }
  if (rc == WL_OK && out->n == 0)
    rc = wl_fail(err, WL_EFORMAT, "%s: no image names", name);
  if (rc != WL_OK) wl_sirst_split_free(out);
  return rc;
}

/* Read a whole file of at most WL_SIRST_MAX_SPLIT_BYTES. */
static int read_text(const char *path, char **text, size_t *len,
                     wl_err_t *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return wl_fail(err, WL_ENOTFOUND, "%s: cannot open", path);
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  int rc = buf ? WL_OK : wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  while (rc == WL_OK) {
    if (n == cap) {
      if (cap > WL_SIRST_MAX_SPLIT_BYTES) {
        rc = wl_fail(err, WL_ETOOBIG, "%s: larger than %zu bytes", path,
                     WL_SIRST_MAX_SPLIT_BYTES);
        break;
      }
      char *b = realloc(buf, cap * 2);
      if (!b) {
        rc = wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
        break;
      }
      buf = b;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, fp);
    n += got;
    if (got == 0) {
      if (ferror(fp)) rc = wl_fail(err, WL_EIO, "%s: read error", path);
      break;
    }
  }
  fclose(fp);
  if (rc != WL_OK) {
    free(buf);
    return rc;
  }
  *text = buf;
  *len = n;
  return WL_OK;
}

int wl_sirst_split_read(const char *data_dir, const char *split,
                        wl_sirst_split_t *out, wl_err_t *err) {
  char path[4096];
  FILE *probe = fopen(split, "rb");
  if (probe) {
    fclose(probe);
    snprintf(path, sizeof path, "%s", split);
  } else {
    snprintf(path, sizeof path, "%s/splits/%s.txt", data_dir, split);
  }
  char *text = NULL;
  size_t len = 0;
  int rc = read_text(path, &text, &len, err);
  if (rc == WL_ENOTFOUND)
    return wl_fail(err, rc, "split %s: neither a file nor %s", split, path);
  if (rc != WL_OK) return rc;
  rc = wl_sirst_split_parse(text, len, path, out, err);
  free(text);
  return rc;
}

/* ---- images and masks --------------------------------------------------- */

static int read_png(const char *path, wl_frame_t *f, wl_err_t *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return wl_fail(err, WL_ENOTFOUND, "%s: cannot open", path);
  int rc = wl_png_read(fp, path, f, err);
  fclose(fp);
  return rc;
}

int wl_sirst_mask_read(const char *path, int width, int height,
                       wl_frame_t *mask, wl_err_t *err) {
  int rc = read_png(path, mask, err);
  if (rc != WL_OK) return rc;
  if (mask->width == width && mask->height == height) return WL_OK;
  int mw = mask->width, mh = mask->height;
  wl_frame_t src;
  wl_frame_init(&src);
  rc = wl_frame_copy(&src, mask, err);
  if (rc == WL_OK) rc = wl_frame_alloc(mask, width, height, err);
  if (rc == WL_OK)
    for (int y = 0; y < height; y++) {
      long sy = (long)((y + 0.5) * mh / height);
      if (sy >= mh) sy = mh - 1;
      for (int x = 0; x < width; x++) {
        long sx = (long)((x + 0.5) * mw / width);
        if (sx >= mw) sx = mw - 1;
        mask->data[(size_t)y * width + x] = src.data[(size_t)sy * mw + sx];
      }
    }
  wl_frame_release(&src);
  return rc;
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct component {
  double cy, cx; /* centroid */
  long area;
  int used;
} component_t;

typedef struct labelling {
  int32_t *label; /* per pixel: component index + 1, 0 = off */
  int32_t *stack; /* flood-fill stack of pixel indices */
  component_t *comps;
  int n, cap;
} labelling_t;

static void labelling_free(labelling_t *lb) {
  free(lb->label);
  free(lb->stack);
  free(lb->comps);
}

/* 8-connected components of the non-zero pixels of m (w x h), numbered in
 * raster order of their first pixel. */
static int label_components(const uint8_t *m, int w, int h, labelling_t *lb,
                            wl_err_t *err) {
  size_t n = (size_t)w * (size_t)h;
  lb->label = calloc(n, sizeof *lb->label);
  lb->stack = malloc(n * sizeof *lb->stack);
  if (!lb->label || !lb->stack)
    return wl_fail(err, WL_ENOMEM, "sirst: out of memory for %dx%d", w, h);
  int32_t *label = lb->label, *stack = lb->stack;
  for (size_t start = 0; start < n; start++) {
    if (!m[start] || label[start]) continue;
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
    size_t top = 0;
    stack[top++] = (int32_t)start;
    label[start] = id;
    while (top > 0) {
      size_t p = (size_t)stack[--top];
      int x = (int)(p % (size_t)w), y = (int)(p / (size_t)w);
      sx += x;
      sy += y;
      area++;
      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
          int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          size_t q = (size_t)ny * (size_t)w + (size_t)nx;
          if (m[q] && !label[q]) {
            label[q] = id;
            stack[top++] = (int32_t)q;
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

int wl_sirst_score_add(wl_sirst_score_t *s, const uint8_t *gt,
                       const uint8_t *pred, int width, int height,
                       wl_err_t *err) {
  size_t n = (size_t)width * (size_t)height;
  long inter = 0, uni = 0;
  for (size_t k = 0; k < n; k++) {
    int a = gt[k] != 0, b = pred[k] != 0;
    inter += a & b;
    uni += a | b;
  }
  labelling_t lg = {0}, lp = {0};
  int rc = label_components(gt, width, height, &lg, err);
  if (rc == WL_OK) rc = label_components(pred, width, height, &lp, err);
  if (rc == WL_OK) {
    long matched_pixels = 0, pred_pixels = 0;
    for (int i = 0; i < lg.n; i++) {
      const component_t *t = &lg.comps[i];
      for (int m = 0; m < lp.n; m++) {
        component_t *p = &lp.comps[m];
        if (p->used) continue;
        if (hypot(p->cx - t->cx, p->cy - t->cy) < MATCH_DISTANCE) {
          p->used = 1;
          matched_pixels += p->area;
          s->found++;
          break;
        }
      }
    }
    for (int m = 0; m < lp.n; m++) pred_pixels += lp.comps[m].area;
    s->targets += lg.n;
    s->false_pixels += pred_pixels - matched_pixels;
    s->pixels += (long)n;
    s->intersection += inter;
    s->union_pixels += uni;
    s->iou_sum += uni > 0 ? (double)inter / (double)uni : 0.0;
    s->images++;
  }
  labelling_free(&lg);
  labelling_free(&lp);
  return rc;
}

void wl_sirst_score_finish(wl_sirst_score_t *s) {
  s->iou = s->union_pixels > 0
               ? (double)s->intersection / (double)s->union_pixels
               : 0.0;
  s->niou = s->images > 0 ? s->iou_sum / s->images : 0.0;
  s->pd = s->targets > 0 ? (double)s->found / (double)s->targets : 0.0;
  s->fa = s->pixels > 0 ? (double)s->false_pixels / (double)s->pixels : 0.0;
}

/* A frame's on-pixels as bytes (0 / 1) in buf (grown as needed). */
static int to_bytes(const wl_frame_t *f, uint8_t **buf, size_t *cap,
                    wl_err_t *err) {
  size_t n = (size_t)f->width * (size_t)f->height;
  if (n > *cap) {
    uint8_t *b = realloc(*buf, n);
    if (!b) return wl_fail(err, WL_ENOMEM, "sirst: out of memory");
    *buf = b;
    *cap = n;
  }
  for (size_t i = 0; i < n; i++) (*buf)[i] = f->data[i] != 0;
  return WL_OK;
}

/* Score one image of the split. */
static int score_one(const char *data_dir, const char *pred_dir,
                     const char *name, wl_frame_t *img, wl_frame_t *gt,
                     wl_frame_t *pred, uint8_t **bg, size_t *cg, uint8_t **bp,
                     size_t *cp, wl_sirst_score_t *s, wl_err_t *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/images/%s.png", data_dir, name);
  int rc = read_png(path, img, err);
  if (rc != WL_OK) return rc;
  snprintf(path, sizeof path, "%s/%s.png", pred_dir, name);
  rc = read_png(path, pred, err);
  if (rc != WL_OK) return rc;
  if (pred->width != img->width || pred->height != img->height)
    return wl_fail(err, WL_EFORMAT, "%s: prediction is %dx%d, image is %dx%d",
                   path, pred->width, pred->height, img->width, img->height);
  snprintf(path, sizeof path, "%s/masks/%s_pixels0.png", data_dir, name);
  rc = wl_sirst_mask_read(path, img->width, img->height, gt, err);
  if (rc == WL_OK) rc = to_bytes(gt, bg, cg, err);
  if (rc == WL_OK) rc = to_bytes(pred, bp, cp, err);
  if (rc == WL_OK)
    rc = wl_sirst_score_add(s, *bg, *bp, img->width, img->height, err);
  return rc;
}

int wl_eval_sirst(const char *data_dir, const char *split,
                  const char *pred_dir, wl_sirst_score_t *out, wl_err_t *err) {
  memset(out, 0, sizeof *out);
  wl_sirst_split_t names;
  int rc = wl_sirst_split_read(data_dir, split, &names, err);
  if (rc != WL_OK) return rc;
  wl_frame_t img, gt, pred;
  wl_frame_init(&img);
  wl_frame_init(&gt);
  wl_frame_init(&pred);
  uint8_t *bg = NULL, *bp = NULL;
  size_t cg = 0, cp = 0;
  for (int i = 0; i < names.n && rc == WL_OK; i++)
    rc = score_one(data_dir, pred_dir, names.names[i], &img, &gt, &pred, &bg,
                   &cg, &bp, &cp, out, err);
  if (rc == WL_OK) wl_sirst_score_finish(out);
  free(bg);
  free(bp);
  wl_frame_release(&img);
  wl_frame_release(&gt);
  wl_frame_release(&pred);
  wl_sirst_split_free(&names);
  return rc;
}
