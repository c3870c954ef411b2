/*
 * components.c - 8-connected components of a mask, measured into
 * wl_detection_t (see detect.h).
 *
 * Design: one raster scan; each unlabelled mask pixel starts a flood fill
 * (explicit stack, a pixel is labelled when pushed so it is pushed once),
 * which labels the whole component and accumulates its statistics in the
 * same pass. Components are therefore numbered in raster order of their
 * first pixel, and the work is proportional to the mask pixels plus one
 * read per pixel for the scan.
 *
 * Memory: the label image (4 bytes per pixel) is allocated once by
 * wl_labeler_init(); the stack and the component table start small and
 * grow geometrically only when a frame needs more (bounded by the pixel
 * count), so a labeller reused on similar frames does not allocate.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/detect.h"

/* Running statistics of one component. */
typedef struct comp_acc {
  int id;
  int x0, y0, x1, y1;
  int area;
  double sum_w, sum_wx, sum_wy; /* |contrast|-weighted pixel centres */
  double sum_x, sum_y;          /* unweighted pixel centres */
  float peak;                   /* signed contrast of largest magnitude */
  double snr;                   /* largest |contrast| / noise */
  double key;                   /* ranking when output is truncated */
} comp_acc_t;

#define INITIAL_STACK 4096
#define INITIAL_COMPS 64

int wl_labeler_init(wl_labeler_t *lab, int width, int height, wl_err_t *err) {
  memset(lab, 0, sizeof *lab);
  int rc = wl_check_size(width, height, "labeler", err);
  if (rc != WL_OK) return rc;
  size_t n = (size_t)width * (size_t)height;
  lab->labels = calloc(n, sizeof *lab->labels);
  if (!lab->labels)
    return wl_fail(err, WL_ENOMEM, "labeler: cannot allocate %dx%d labels",
                   width, height);
  lab->width = width;
  lab->height = height;
  return WL_OK;
}

void wl_labeler_free(wl_labeler_t *lab) {
  if (!lab) return;
  free(lab->labels);
  free(lab->stack_);
  free(lab->comps_);
  memset(lab, 0, sizeof *lab);
}

/* Make room for at least need stack entries (need <= pixel count). */
static int grow_stack(wl_labeler_t *lab, size_t need, wl_err_t *err) {
  size_t cap = lab->stack_cap_ ? lab->stack_cap_ : INITIAL_STACK;
  while (cap < need) cap *= 2;
  int32_t *s = realloc(lab->stack_, cap * sizeof *s);
  if (!s)
    return wl_fail(err, WL_ENOMEM, "labeler: cannot grow the stack to %zu",
                   cap);
  lab->stack_ = s;
  lab->stack_cap_ = cap;
  return WL_OK;
}

static int grow_comps(wl_labeler_t *lab, wl_err_t *err) {
  size_t cap = lab->comps_cap_ ? lab->comps_cap_ * 2 : INITIAL_COMPS;
  comp_acc_t *c = realloc(lab->comps_, cap * sizeof *c);
  if (!c)
    return wl_fail(err, WL_ENOMEM,
                   "labeler: cannot grow the component table to %zu", cap);
  lab->comps_ = c;
  lab->comps_cap_ = cap;
  return WL_OK;
}

/* Add pixel p = (x, y) to c. */
static void accumulate(comp_acc_t *c, int x, int y, size_t p,
                       const float *contrast, const float *noise) {
  if (x < c->x0) c->x0 = x;
  if (x > c->x1) c->x1 = x;
  if (y < c->y0) c->y0 = y;
  if (y > c->y1) c->y1 = y;
  c->area++;
  double px = x + 0.5, py = y + 0.5;
  c->sum_x += px;
  c->sum_y += py;
  if (!contrast) return;
  float v = contrast[p];
  double a = fabs((double)v);
  c->sum_w += a;
  c->sum_wx += a * px;
  c->sum_wy += a * py;
  if (a > fabs((double)c->peak)) c->peak = v;
  if (noise && noise[p] > 0) {
    double s = a / noise[p];
    if (s > c->snr) c->snr = s;
  }
}

/* Flood-fill the component of mask pixel start with label id. */
static int fill_component(wl_labeler_t *lab, const uint8_t *mask,
                          size_t start, int id, const float *contrast,
                          const float *noise, comp_acc_t *c, wl_err_t *err) {
  int w = lab->width, h = lab->height;
  int32_t *labels = lab->labels;
  size_t top = 0;
  memset(c, 0, sizeof *c);
  c->id = id;
  c->x0 = c->y0 = 1 << 30;
  c->x1 = c->y1 = -1;
  labels[start] = id;
  lab->stack_[top++] = (int32_t)start;
  while (top > 0) {
    size_t p = (size_t)lab->stack_[--top];
    int x = (int)(p % (size_t)w), y = (int)(p / (size_t)w);
    accumulate(c, x, y, p, contrast, noise);
    int ylo = y > 0 ? y - 1 : 0, yhi = y < h - 1 ? y + 1 : h - 1;
    int xlo = x > 0 ? x - 1 : 0, xhi = x < w - 1 ? x + 1 : w - 1;
    for (int qy = ylo; qy <= yhi; qy++)
      for (int qx = xlo; qx <= xhi; qx++) {
        size_t q = (size_t)qy * (size_t)w + (size_t)qx;
        if (!mask[q] || labels[q]) continue;
        if (top == lab->stack_cap_) {
          int rc = grow_stack(lab, top + 1, err);
          if (rc != WL_OK) return rc;
        }
        labels[q] = id;
        lab->stack_[top++] = (int32_t)q;
      }
  }
  return WL_OK;
}

static int by_key_desc(const void *a, const void *b) {
  const comp_acc_t *p = a, *q = b;
  if (p->key != q->key) return p->key < q->key ? 1 : -1;
  return (p->id > q->id) - (p->id < q->id);
}

static int by_id(const void *a, const void *b) {
  const comp_acc_t *p = a, *q = b;
  return (p->id > q->id) - (p->id < q->id);
}

static void to_detection(const comp_acc_t *c, int have_contrast,
                         int have_noise, double unit_scale,
                         wl_detection_t *d) {
  memset(d, 0, sizeof *d);
  d->x = c->x0;
  d->y = c->y0;
  d->w = c->x1 - c->x0 + 1;
  d->h = c->y1 - c->y0 + 1;
  if (c->sum_w > 0) {
    d->cx = c->sum_wx / c->sum_w;
    d->cy = c->sum_wy / c->sum_w;
  } else {
    d->cx = c->sum_x / c->area;
    d->cy = c->sum_y / c->area;
  }
  d->area = c->area;
  d->polarity = c->peak < 0 ? -1 : 1;
  d->peak_contrast = have_contrast ? c->peak * unit_scale : NAN;
  d->snr = have_contrast && have_noise ? c->snr : NAN;
}

int wl_label_components(wl_labeler_t *lab, const uint8_t *mask,
                        const float *contrast, const float *noise,
                        double unit_scale, wl_detection_t *out, int max,
                        int *n, wl_err_t *err) {
  *n = 0;
  lab->count = 0;
  if (max < 0)
    return wl_fail(err, WL_EINVAL, "labeler: max %d is negative", max);
  size_t npix = (size_t)lab->width * (size_t)lab->height;
  memset(lab->labels, 0, npix * sizeof *lab->labels);
  if (!lab->stack_) {
    int rc = grow_stack(lab, INITIAL_STACK, err);
    if (rc != WL_OK) return rc;
  }
  int count = 0;
  for (size_t p = 0; p < npix; p++) {
    if (!mask[p] || lab->labels[p]) continue;
    if ((size_t)count == lab->comps_cap_) {
      int rc = grow_comps(lab, err);
      if (rc != WL_OK) return rc;
    }
    comp_acc_t *c = (comp_acc_t *)lab->comps_ + count;
    int rc = fill_component(lab, mask, p, count + 1, contrast, noise, c, err);
    if (rc != WL_OK) return rc;
    count++;
  }
  lab->count = count;
  comp_acc_t *comps = lab->comps_;
  if (count > max) {
    for (int i = 0; i < count; i++) {
      comp_acc_t *c = &comps[i];
      c->key = contrast && noise ? c->snr
               : contrast        ? fabs((double)c->peak)
                                 : (double)c->area;
    }
    qsort(comps, (size_t)count, sizeof *comps, by_key_desc);
    qsort(comps, (size_t)max, sizeof *comps, by_id);
    count = max;
  }
  for (int i = 0; i < count; i++)
    to_detection(&comps[i], contrast != NULL, noise != NULL, unit_scale,
                 &out[i]);
  *n = count;
  return WL_OK;
}
