/*
 * spot-train.c - trains the spot detector's clutter classifier on a SIRST
 * split and writes it as a C table (lib/detect/spot_model.c).
 *
 *   spot-train DATA SPLIT [options]
 *
 * Steps:
 *   1. run the detector with the classifier off on every image of SPLIT
 *      and keep each candidate that it would pass to the classifier (CFAR
 *      test passed, extent within max_radius): its features, its extent
 *      and its label: 1 when its peak pixel lies on a target and its
 *      extent's centroid within 3 px of that target's (what the Pd rule
 *      rewards; a fragment of a large target is 0, as its pixels would
 *      count as false);
 *   2. cross-validate: images are split into K folds (by a hash of the
 *      name and the seed); for each fold a model is trained on the others
 *      and scores that fold's candidates; the accepted extents make the
 *      predicted masks, scored with wl_sirst_score_add at each threshold.
 *      Repeated for each seed, averaged, printed;
 *   3. choose the operating threshold: the lowest whose cross-validated Fa
 *      (mean over the seeds) is at most --fa-target (so the highest Pd
 *      under that Fa); with --fa-quantile Q, the lowest whose Q-quantile
 *      of Fa under a bootstrap over the images is at most --fa-target
 *      (the "Fa q90" column, always printed, is that quantile for Q 0.9:
 *      how far another sample of images could land);
 *   4. train on all candidates and write the table (--out), with the
 *      threshold and this command line as its provenance.
 * --eval SPLIT2 also scores the final model on another split (report
 * only: nothing is tuned on it). --ignore F1,F2 zeroes features (an
 * ablation); --verbose 1 lists the images where the perfect classifier
 * (and, with --eval, the final model on SPLIT2) leaves false pixels or
 * misses targets.
 * The printout also splits the accepted non-target extents into those
 * whose peak lies on a target (fragments) and isolated ones; --dump-cv
 * FILE writes each candidate's image, label, on-target flag, area, its
 * out-of-fold logit per seed and its features (for analysis).
 * The masks are scored as the detector makes them with --trim R (its
 * mask_radius: only the extent's pixels within R px of its centroid) and
 * --cut 1 (its cut_touching); both are written into the table and become
 * the detector's defaults. Without them (trim 0, cut 0) the default
 * command rewrites the shipped table.
 *
 * The model: gradient-boosted regression trees on the logistic loss
 * (Newton leaf values, L2 regularisation lambda, shrinkage lr), features
 * binned at up to 32 quantiles of the training data for the split search.
 * A negative candidate is weighted by its area^area_power (Fa counts
 * pixels), a positive one by pos_weight. Deterministic: no randomness
 * other than the fold hash.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/detect/spot_int.h"
#include "watchline/eval.h"
#include "watchline/image.h"

#define NBINS 32
#define MAX_THRESHOLDS 64
#define MAX_TARGETS 4096 /* ground-truth components per image */

/* ---- data ------------------------------------------------------------- */

typedef struct sample {
  int image;
  int label;
  int on_target; /* its peak pixel lies on a target */
  float weight;
  float feat[WL__SPOT_NF];
  float cx, cy;               /* centroid of the extent's pixel centres */
  int region_start, region_n; /* into the pixel pool */
} sample_t;

typedef struct image_info {
  char *name;
  int width, height;
  uint8_t *gt;      /* 0/1 */
  int first, count; /* its samples */
} image_info_t;

typedef struct dataset {
  image_info_t *images;
  int nimages;
  sample_t *samples;
  int n, cap;
  int32_t *pool;
  size_t npool, cap_pool;
  double mask_radius; /* the detector's mask trim (wl_spot_params_t) */
  int cut_touching;   /* and its cut of touching extents */
} dataset_t;

typedef struct collect {
  dataset_t *ds;
  int image;
  const int32_t *gt_label;        /* ground-truth component per pixel */
  const wl_detection_t *gt_comps; /* their centroids */
  int width;
  int oom;
} collect_t;

/* 1 when the candidate's extent would be scored as finding the target its
 * peak lies on: the extent's centroid is within 3 px of that target's.
 * Fragments of a large target are 0 (their pixels would count as false). */
static int label_of(const collect_t *co, const wl__spot_candidate_t *c) {
  int32_t id = co->gt_label[(size_t)c->py * co->width + c->px];
  if (id <= 0)
    return 0;
  double sx = 0, sy = 0;
  for (int i = 0; i < c->region_n; i++) {
    sx += c->region[i] % co->width + 0.5;
    sy += c->region[i] / co->width + 0.5;
  }
  const wl_detection_t *t = &co->gt_comps[id - 1];
  return hypot(sx / c->region_n - t->cx, sy / c->region_n - t->cy) < 3.0;
}

static void on_candidate(void *user, const wl__spot_candidate_t *c) {
  collect_t *co = user;
  dataset_t *ds = co->ds;
  if (!c->eligible || co->oom)
    return;
  if (ds->n == ds->cap) {
    int cap = ds->cap ? ds->cap * 2 : 4096;
    sample_t *s = realloc(ds->samples, (size_t)cap * sizeof *s);
    if (!s) {
      co->oom = 1;
      return;
    }
    ds->samples = s;
    ds->cap = cap;
  }
  while (ds->npool + (size_t)c->region_n > ds->cap_pool) {
    size_t cap = ds->cap_pool ? ds->cap_pool * 2 : 65536;
    int32_t *p = realloc(ds->pool, cap * sizeof *p);
    if (!p) {
      co->oom = 1;
      return;
    }
    ds->pool = p;
    ds->cap_pool = cap;
  }
  sample_t *s = &ds->samples[ds->n++];
  s->image = co->image;
  s->label = label_of(co, c);
  s->on_target = co->gt_label[(size_t)c->py * co->width + c->px] > 0;
  memcpy(s->feat, c->feat, sizeof s->feat);
  s->region_start = (int)ds->npool;
  s->region_n = c->region_n;
  double sx = 0, sy = 0;
  for (int i = 0; i < c->region_n; i++) {
    sx += c->region[i] % co->width;
    sy += c->region[i] / co->width;
  }
  s->cx = (float)(sx / c->region_n + 0.5);
  s->cy = (float)(sy / c->region_n + 0.5);
  memcpy(ds->pool + ds->npool, c->region,
         (size_t)c->region_n * sizeof(int32_t));
  ds->npool += (size_t)c->region_n;
}

static void dataset_free(dataset_t *ds) {
  for (int i = 0; i < ds->nimages; i++) {
    free(ds->images[i].name);
    free(ds->images[i].gt);
  }
  free(ds->images);
  free(ds->samples);
  free(ds->pool);
  memset(ds, 0, sizeof *ds);
}

static int load_split(const char *data, const char *split,
                      const wl_spot_params_t *params, dataset_t *ds) {
  wl_err_t err;
  wl_sirst_split_t names;
  memset(ds, 0, sizeof *ds);
  if (wl_sirst_split_read(data, split, &names, &err) != WL_OK) {
    fprintf(stderr, "spot-train: %s\n", err.msg);
    return -1;
  }
  ds->images = calloc((size_t)names.n, sizeof *ds->images);
  if (!ds->images) {
    wl_sirst_split_free(&names);
    return -1;
  }
  wl_frame_t img, gt;
  wl_frame_init(&img);
  wl_frame_init(&gt);
  wl_spot_t spot;
  int spot_ready = 0, rc = 0;
  char path[4096];
  static wl_detection_t gt_comps[MAX_TARGETS];
  for (int i = 0; i < names.n && rc == 0; i++) {
    image_info_t *ii = &ds->images[i];
    ii->name = strdup(names.names[i]);
    ds->nimages = i + 1; /* so that dataset_free() finds what is allocated */
    snprintf(path, sizeof path, "%s/images/%s.png", data, ii->name);
    int r = wl_image_read(path, &img, &err);
    if (r == WL_OK) {
      snprintf(path, sizeof path, "%s/masks/%s_pixels0.png", data, ii->name);
      r = wl_sirst_mask_read(path, img.width, img.height, &gt, &err);
    }
    if (r == WL_OK)
      r = spot_ready ? wl_spot_resize(&spot, img.width, img.height, &err)
                     : wl_spot_init(&spot, img.width, img.height, params, &err);
    if (r != WL_OK) {
      fprintf(stderr, "spot-train: %s\n", err.msg);
      rc = -1;
      break;
    }
    spot_ready = 1;
    ii->width = img.width;
    ii->height = img.height;
    size_t n = (size_t)img.width * (size_t)img.height;
    ii->gt = malloc(n);
    if (!ii->gt) {
      rc = -1;
      break;
    }
    for (size_t k = 0; k < n; k++)
      ii->gt[k] = gt.data[k] != 0;
    wl_labeler_t lab;
    int ncomp = 0;
    r = wl_labeler_init(&lab, img.width, img.height, &err);
    if (r == WL_OK)
      r = wl_label_components(&lab, ii->gt, NULL, NULL, 1, gt_comps,
                              MAX_TARGETS, &ncomp, &err);
    if (r == WL_OK && lab.count > MAX_TARGETS)
      r = wl_fail(&err, WL_ETOOBIG, "%s: more than %d targets", ii->name,
                  MAX_TARGETS);
    if (r != WL_OK) {
      fprintf(stderr, "spot-train: %s\n", err.msg);
      wl_labeler_free(&lab);
      rc = -1;
      break;
    }
    collect_t co = {ds, i, lab.labels, gt_comps, img.width, 0};
    ii->first = ds->n;
    int nd = 0;
    r = wl__spot_detect_ex(&spot, &img, NULL, NULL, 0, &nd, on_candidate, &co,
                           &err);
    if (r != WL_OK || co.oom) {
      fprintf(stderr, "spot-train: %s: %s\n", ii->name,
              co.oom ? "out of memory" : err.msg);
      rc = -1;
    }
    ii->count = ds->n - ii->first;
    wl_labeler_free(&lab);
  }
  if (spot_ready)
    wl_spot_free(&spot);
  wl_frame_release(&img);
  wl_frame_release(&gt);
  wl_sirst_split_free(&names);
  return rc;
}

/* ---- gradient-boosted trees --------------------------------------------- */

typedef struct node {
  int feature; /* -1: leaf */
  float value; /* threshold or leaf value */
  int left;    /* right = left + 1 */
} node_t;

typedef struct options {
  int trees, depth, min_leaf;
  double lr, lambda, pos_weight, area_power;
  double subsample; /* share of images each tree sees (stochastic boosting) */
} options_t;

typedef struct model {
  float base;
  int ntrees;
  int *roots;
  node_t *nodes;
  int nnodes, cap;
} model_t;

typedef struct trainer {
  const options_t *o;
  const dataset_t *ds;
  float cuts[WL__SPOT_NF][NBINS];
  int ncut[WL__SPOT_NF];
  uint8_t *bins; /* n x NF */
  double *g, *h;
  model_t *m;
} trainer_t;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

static void make_cuts(trainer_t *t, const int *idx, int n) {
  float *v = malloc((size_t)n * sizeof *v);
  for (int f = 0; f < WL__SPOT_NF; f++) {
    for (int i = 0; i < n; i++)
      v[i] = t->ds->samples[idx[i]].feat[f];
    qsort(v, (size_t)n, sizeof *v, cmp_float);
    int k = 0;
    for (int b = 1; b < NBINS; b++) {
      float c = v[(long)b * n / NBINS];
      if (c > v[0] && (k == 0 || c > t->cuts[f][k - 1]))
        t->cuts[f][k++] = c;
    }
    t->ncut[f] = k;
  }
  free(v);
}

static int bin_of(const trainer_t *t, int f, float x) {
  int k = 0;
  while (k < t->ncut[f] && x >= t->cuts[f][k])
    k++;
  return k;
}

static int new_node(model_t *m) {
  if (m->nnodes == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 256;
    m->nodes = realloc(m->nodes, (size_t)m->cap * sizeof *m->nodes);
    if (!m->nodes) {
      fprintf(stderr, "spot-train: out of memory\n");
      exit(1);
    }
  }
  m->nodes[m->nnodes].feature = -1;
  m->nodes[m->nnodes].value = 0;
  m->nodes[m->nnodes].left = 0;
  return m->nnodes++;
}

static void grow(trainer_t *t, int node, int *ix, int n, int depth) {
  const options_t *o = t->o;
  double G = 0, H = 0;
  for (int i = 0; i < n; i++) {
    G += t->g[ix[i]];
    H += t->h[ix[i]];
  }
  t->m->nodes[node].value = (float)(-G / (H + o->lambda) * o->lr);
  if (depth == 0 || n < 2 * o->min_leaf)
    return;
  double parent = G * G / (H + o->lambda), best_gain = 1e-9;
  int bf = -1, bb = -1;
  for (int f = 0; f < WL__SPOT_NF; f++) {
    double hg[NBINS + 1] = {0}, hh[NBINS + 1] = {0};
    int hc[NBINS + 1] = {0};
    for (int i = 0; i < n; i++) {
      int b = t->bins[(size_t)ix[i] * WL__SPOT_NF + f];
      hg[b] += t->g[ix[i]];
      hh[b] += t->h[ix[i]];
      hc[b]++;
    }
    double gl = 0, hl = 0;
    int cl = 0;
    for (int b = 0; b < t->ncut[f]; b++) {
      gl += hg[b];
      hl += hh[b];
      cl += hc[b];
      if (cl < o->min_leaf || n - cl < o->min_leaf)
        continue;
      double gr = G - gl, hr = H - hl;
      double gain =
          gl * gl / (hl + o->lambda) + gr * gr / (hr + o->lambda) - parent;
      if (gain > best_gain) {
        best_gain = gain;
        bf = f;
        bb = b;
      }
    }
  }
  if (bf < 0)
    return;
  int i = 0, j = n - 1;
  while (i <= j) {
    if (t->bins[(size_t)ix[i] * WL__SPOT_NF + bf] <= bb) {
      i++;
    } else {
      int tmp = ix[i];
      ix[i] = ix[j];
      ix[j] = tmp;
      j--;
    }
  }
  int l = new_node(t->m);
  new_node(t->m);
  t->m->nodes[node].feature = bf;
  t->m->nodes[node].value = t->cuts[bf][bb];
  t->m->nodes[node].left = l;
  grow(t, l, ix, i, depth - 1);
  grow(t, l + 1, ix + i, n - i, depth - 1);
}

static double model_logit(const model_t *m, const float *x) {
  double s = m->base;
  for (int k = 0; k < m->ntrees; k++) {
    int nd = m->roots[k];
    while (m->nodes[nd].feature >= 0)
      nd = x[m->nodes[nd].feature] < m->nodes[nd].value ? m->nodes[nd].left
                                                        : m->nodes[nd].left + 1;
    s += m->nodes[nd].value;
  }
  return s;
}

static void model_free(model_t *m) {
  free(m->roots);
  free(m->nodes);
  memset(m, 0, sizeof *m);
}

/* Train m on the samples idx[0..n). */
static void train(const dataset_t *ds, const options_t *o, const int *idx,
                  int n, model_t *m) {
  trainer_t t = {o, ds, {{0}}, {0}, NULL, NULL, NULL, m};
  memset(m, 0, sizeof *m);
  make_cuts(&t, idx, n);
  t.bins = malloc((size_t)ds->n * WL__SPOT_NF);
  t.g = malloc((size_t)ds->n * sizeof *t.g);
  t.h = malloc((size_t)ds->n * sizeof *t.h);
  double *F = malloc((size_t)ds->n * sizeof *F);
  int *ix = malloc((size_t)n * sizeof *ix);
  m->roots = malloc((size_t)o->trees * sizeof *m->roots);
  if (!t.bins || !t.g || !t.h || !F || !ix || !m->roots) {
    fprintf(stderr, "spot-train: out of memory\n");
    exit(1);
  }
  double pos = 0;
  for (int i = 0; i < n; i++) {
    const sample_t *s = &ds->samples[idx[i]];
    for (int f = 0; f < WL__SPOT_NF; f++)
      t.bins[(size_t)idx[i] * WL__SPOT_NF + f] =
          (uint8_t)bin_of(&t, f, s->feat[f]);
    pos += s->label;
  }
  m->base = (float)log((pos + 1) / (n - pos + 1));
  for (int i = 0; i < n; i++)
    F[idx[i]] = m->base;
  for (int k = 0; k < o->trees; k++) {
    int nk = 0;
    for (int i = 0; i < n; i++) {
      const sample_t *s = &ds->samples[idx[i]];
      double p = 1 / (1 + exp(-F[idx[i]]));
      t.g[idx[i]] = (p - s->label) * s->weight;
      t.h[idx[i]] = p * (1 - p) * s->weight;
      unsigned hsh = (unsigned)s->image * 2654435761u ^ (unsigned)k * 40503u;
      hsh = (hsh ^ (hsh >> 15)) * 2246822519u;
      if (o->subsample >= 1 || (hsh >> 8) % 1000 < o->subsample * 1000)
        ix[nk++] = idx[i];
    }
    int root = new_node(m);
    m->roots[k] = root;
    m->ntrees = k + 1;
    grow(&t, root, ix, nk, o->depth);
    for (int i = 0; i < n; i++) {
      const sample_t *s = &ds->samples[idx[i]];
      int nd = root;
      while (m->nodes[nd].feature >= 0)
        nd = s->feat[m->nodes[nd].feature] < m->nodes[nd].value
                 ? m->nodes[nd].left
                 : m->nodes[nd].left + 1;
      F[idx[i]] += m->nodes[nd].value;
    }
  }
  free(t.bins);
  free(t.g);
  free(t.h);
  free(F);
  free(ix);
}

/* ---- evaluation --------------------------------------------------------- */

static unsigned fold_hash(const char *s, unsigned seed) {
  unsigned h = 2166136261u ^ (seed * 2654435761u);
  while (*s)
    h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

/* Score masks made as the detector makes them (the extents of the samples
 * whose logit reaches each threshold, then wl__spot_close). */
static void score_thresholds(const dataset_t *ds, const double *logit,
                             const double *thr, int nthr,
                             wl_sirst_score_t *out) {
  uint8_t *mask = NULL, *closing = NULL;
  int32_t *owner = NULL;
  size_t cap = 0;
  wl_err_t err;
  for (int t = 0; t < nthr; t++)
    memset(&out[t], 0, sizeof out[t]);
  for (int i = 0; i < ds->nimages; i++) {
    const image_info_t *ii = &ds->images[i];
    size_t n = (size_t)ii->width * (size_t)ii->height;
    if (n > cap) {
      free(mask);
      free(closing);
      free(owner);
      mask = malloc(n);
      closing = malloc(2 * n);
      owner = malloc(n * sizeof *owner);
      cap = n;
      if (!mask || !closing || !owner) {
        fprintf(stderr, "spot-train: out of memory\n");
        exit(1);
      }
    }
    for (int t = 0; t < nthr; t++) {
      memset(mask, 0, n);
      for (int k = ii->first; k < ii->first + ii->count; k++) {
        if (!(logit[k] >= thr[t]))
          continue;
        const sample_t *s = &ds->samples[k];
        for (int q = 0; q < s->region_n; q++) {
          int32_t p = ds->pool[s->region_start + q];
          mask[p] = (uint8_t)wl__spot_in_trim(p % ii->width, p / ii->width,
                                              s->cx, s->cy, ds->mask_radius);
          owner[p] = k + 1;
        }
      }
      if (ds->cut_touching)
        wl__spot_cut(mask, owner, ii->width, ii->height);
      wl__spot_close(mask, owner, closing, ii->width, ii->height);
      if (wl_sirst_score_add(&out[t], ii->gt, mask, ii->width, ii->height,
                             &err) != WL_OK) {
        fprintf(stderr, "spot-train: %s\n", err.msg);
        exit(1);
      }
    }
  }
  for (int t = 0; t < nthr; t++)
    wl_sirst_score_finish(&out[t]);
  free(mask);
  free(closing);
  free(owner);
}

/* Out-of-fold logits for one seed. */
static void cross_validate(const dataset_t *ds, const options_t *o, int folds,
                           unsigned seed, double *logit) {
  int *idx = malloc((size_t)ds->n * sizeof *idx);
  for (int k = 0; k < folds; k++) {
    int n = 0;
    for (int i = 0; i < ds->n; i++)
      if ((int)(fold_hash(ds->images[ds->samples[i].image].name, seed) %
                (unsigned)folds) != k)
        idx[n++] = i;
    model_t m;
    train(ds, o, idx, n, &m);
    for (int i = 0; i < ds->n; i++)
      if ((int)(fold_hash(ds->images[ds->samples[i].image].name, seed) %
                (unsigned)folds) == k)
        logit[i] = model_logit(&m, ds->samples[i].feat);
    model_free(&m);
  }
  free(idx);
}

/* Where the accepted non-target extents lie, averaged over nsets sets of
 * logits (before the closing, so about the false pixels):
 * on a target (a fragment, or an extent whose centroid misses) or
 * isolated. */
static void false_split(const dataset_t *ds, const double *logits, int nsets,
                        double thr) {
  double frag = 0, iso = 0, nfrag = 0, niso = 0;
  for (int s = 0; s < nsets; s++)
    for (int i = 0; i < ds->n; i++) {
      const sample_t *sm = &ds->samples[i];
      if (sm->label || !(logits[(size_t)s * ds->n + i] >= thr))
        continue;
      if (sm->on_target) {
        frag += sm->region_n;
        nfrag++;
      } else {
        iso += sm->region_n;
        niso++;
      }
    }
  printf("accepted non-target extents%s: %.1f on a target (%.1f px), "
         "%.1f isolated (%.1f px)\n",
         nsets > 1 ? " per seed" : "", nfrag / nsets, frag / nsets,
         niso / nsets, iso / nsets);
}

/* The q-quantile of the cross-validated Fa at each threshold over
 * bootstrap resamples of the images (2000, deterministic): Fa is pixel
 * counts dominated by a few large false extents, so the mean over one
 * sample of images is a fragile estimate of another sample's Fa. Each
 * image's false pixels are averaged over the nsets seeds first. */
#define BOOTSTRAP 2000
static void fa_quantile(const dataset_t *ds, const double *logits, int nsets,
                        const double *thr, int nthr, double q, double *out) {
  int ni = ds->nimages;
  double *fp = calloc((size_t)ni * nthr, sizeof *fp);
  double *px = calloc((size_t)ni, sizeof *px);
  double *fa = malloc(BOOTSTRAP * sizeof *fa);
  if (!fp || !px || !fa) {
    fprintf(stderr, "spot-train: out of memory\n");
    exit(1);
  }
  wl_sirst_score_t sc[MAX_THRESHOLDS];
  for (int s = 0; s < nsets; s++)
    for (int i = 0; i < ni; i++) {
      dataset_t one = *ds;
      one.images = &ds->images[i];
      one.nimages = 1;
      score_thresholds(&one, logits + (size_t)s * ds->n, thr, nthr, sc);
      for (int t = 0; t < nthr; t++)
        fp[(size_t)i * nthr + t] += (double)sc[t].false_pixels / nsets;
      px[i] = (double)sc[0].pixels;
    }
  for (int t = 0; t < nthr; t++) {
    unsigned st = 12345u;
    for (int b = 0; b < BOOTSTRAP; b++) {
      double f = 0, p = 0;
      for (int k = 0; k < ni; k++) {
        st = st * 1664525u + 1013904223u;
        int i = (int)((st >> 8) % (unsigned)ni);
        f += fp[(size_t)i * nthr + t];
        p += px[i];
      }
      fa[b] = f / p;
    }
    qsort(fa, BOOTSTRAP, sizeof *fa, cmp_double);
    int k = (int)(q * (BOOTSTRAP - 1) + 0.5);
    out[t] = fa[k < 0 ? 0 : k >= BOOTSTRAP ? BOOTSTRAP - 1 : k];
  }
  free(fp);
  free(px);
  free(fa);
}

/* ---- output ------------------------------------------------------------- */

static int write_model(const char *path, const model_t *m, double min_score,
                       double mask_radius, int cut_touching,
                       const char *provenance) {
  FILE *fp = fopen(path, "w");
  if (!fp) {
    fprintf(stderr, "spot-train: %s: cannot open for writing\n", path);
    return -1;
  }
  fprintf(fp,
          "/*\n"
          " * spot_model.c - the spot detector's clutter classifier: %d "
          "boosted\n"
          " * trees, written by tools/spot-train (do not edit). Provenance:\n"
          " *   %s\n"
          " */\n"
          "#include \"spot_int.h\"\n\n",
          m->ntrees, provenance);
  fprintf(fp, "static const uint16_t roots[%d] = {", m->ntrees);
  for (int k = 0; k < m->ntrees; k++)
    fprintf(fp, "%s%d",
            k == 0   ? "\n    "
            : k % 12 ? ", "
                     : ",\n    ",
            m->roots[k]);
  fprintf(fp, "};\n\nstatic const wl__gbdt_node_t nodes[%d] = {", m->nnodes);
  for (int i = 0; i < m->nnodes; i++)
    fprintf(fp, "%s{%d, %d, %.8ef}",
            i == 0  ? "\n    "
            : i % 3 ? ", "
                    : ",\n    ",
            m->nodes[i].feature, m->nodes[i].left, m->nodes[i].value);
  fprintf(fp, "};\n\nconst wl__gbdt_model_t wl__spot_model = {\n    \"");
  for (const char *c = wl__spot_feature_names; *c; c++) {
    fputc(*c, fp);
    if (*c == ',' && (c - wl__spot_feature_names) % 60 > 48 && c[1])
      fputs("\"\n    \"", fp);
  }
  fprintf(
      fp,
      "\",\n    %d, %.8ef, %d, roots, nodes, %d,\n    %.6f,\n    %.6f, %d,\n"
      "    \"%s\"};\n",
      WL__SPOT_NF, m->base, m->ntrees, m->nnodes, min_score, mask_radius,
      cut_touching, provenance);
  return fclose(fp) == 0 ? 0 : -1;
}

/* One line per sample: image label features..., with a header. */
static int write_samples(const char *path, const dataset_t *ds) {
  FILE *fp = fopen(path, "w");
  if (!fp) {
    fprintf(stderr, "spot-train: %s: cannot open for writing\n", path);
    return -1;
  }
  fprintf(fp, "image label %s\n", wl__spot_feature_names);
  for (int i = 0; i < ds->n; i++) {
    const sample_t *s = &ds->samples[i];
    fprintf(fp, "%s %d", ds->images[s->image].name, s->label);
    for (int f = 0; f < WL__SPOT_NF; f++)
      fprintf(fp, " %.6g", s->feat[f]);
    fputc('\n', fp);
  }
  return fclose(fp) == 0 ? 0 : -1;
}

/* ---- main --------------------------------------------------------------- */

static void usage(void) {
  fprintf(stderr,
          "usage: spot-train DATA SPLIT [--out FILE.c] [--cv K] [--seeds N]\n"
          "         [--trees N] [--depth D] [--lr X] [--min-leaf N]\n"
          "         [--pos-weight W] [--area-power P] [--subsample S]\n"
          "         [--fa-target F] [--fa-quantile Q]\n"
          "         [--pfa P] [--grow F] [--radius R] [--trim R] [--cut 0|1]\n"
          "         [--candidates N]\n"
          "         [--eval SPLIT2] [--dump SAMPLES.txt] [--dump-cv CV.txt]\n"
          "         [--ignore F1,F2]\n"
          "         [--verbose 1]\n");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    usage();
    return 2;
  }
  const char *data = argv[1], *split = argv[2], *out = NULL, *eval = NULL,
             *dump = NULL, *ignore = NULL, *dump_cv = NULL;
  options_t o = {300, 3, 5, 0.05, 1.0, 5.0, 1.0, 0.5};
  int folds = 5, seeds = 5, verbose = 0;
  double fa_target = 7.3e-6, fa_quantile_p = 0; /* 0: the mean */
  wl_spot_params_t params;
  wl_spot_default_params(&params);
  params.use_classifier = 0;
  params.mask_radius = 0; /* not the compiled-in table's: explicit options */
  params.cut_touching = 0;
  for (int i = 3; i < argc; i += 2) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      usage();
      return 2;
    }
    if (!strcmp(a, "--out"))
      out = v;
    else if (!strcmp(a, "--eval"))
      eval = v;
    else if (!strcmp(a, "--dump"))
      dump = v;
    else if (!strcmp(a, "--dump-cv"))
      dump_cv = v;
    else if (!strcmp(a, "--ignore"))
      ignore = v;
    else if (!strcmp(a, "--verbose"))
      verbose = atoi(v);
    else if (!strcmp(a, "--cv"))
      folds = atoi(v);
    else if (!strcmp(a, "--seeds"))
      seeds = atoi(v);
    else if (!strcmp(a, "--trees"))
      o.trees = atoi(v);
    else if (!strcmp(a, "--depth"))
      o.depth = atoi(v);
    else if (!strcmp(a, "--lr"))
      o.lr = atof(v);
    else if (!strcmp(a, "--min-leaf"))
      o.min_leaf = atoi(v);
    else if (!strcmp(a, "--pos-weight"))
      o.pos_weight = atof(v);
    else if (!strcmp(a, "--area-power"))
      o.area_power = atof(v);
    else if (!strcmp(a, "--subsample"))
      o.subsample = atof(v);
    else if (!strcmp(a, "--fa-target"))
      fa_target = atof(v);
    else if (!strcmp(a, "--fa-quantile"))
      fa_quantile_p = atof(v);
    else if (!strcmp(a, "--pfa"))
      params.pfa = atof(v);
    else if (!strcmp(a, "--grow"))
      params.grow_fraction = atof(v);
    else if (!strcmp(a, "--radius"))
      params.max_radius = atoi(v);
    else if (!strcmp(a, "--trim"))
      params.mask_radius = atof(v);
    else if (!strcmp(a, "--cut"))
      params.cut_touching = atoi(v) != 0;
    else if (!strcmp(a, "--candidates"))
      params.max_candidates = atoi(v);
    else {
      usage();
      return 2;
    }
  }
  if (folds < 2 || seeds < 1 || o.trees < 1 || o.trees > 4000 || o.depth < 1 ||
      o.depth > 8) {
    usage();
    return 2;
  }
  dataset_t ds;
  if (load_split(data, split, &params, &ds) != 0) {
    dataset_free(&ds);
    return 1;
  }
  ds.mask_radius = params.mask_radius;
  ds.cut_touching = params.cut_touching;
  if (ignore) {
    /* ablation: the named features are set to 0 (no tree can split on a
     * constant) */
    for (int f = 0; f < WL__SPOT_NF; f++) {
      const char *name = wl__spot_feature_names;
      for (int k = 0; k < f; k++)
        name = strchr(name, ',') + 1;
      size_t len = (size_t)(strchr(name, ',') - name);
      for (const char *q = ignore; *q;) {
        size_t l = strcspn(q, ",");
        if (l == len && !strncmp(q, name, len))
          for (int i = 0; i < ds.n; i++)
            ds.samples[i].feat[f] = 0;
        q += l + (q[l] == ',');
      }
    }
  }
  int npos = 0;
  for (int i = 0; i < ds.n; i++) {
    sample_t *s = &ds.samples[i];
    npos += s->label;
    s->weight = s->label ? (float)o.pos_weight
                         : (float)pow(s->feat[WL__F_area], o.area_power);
  }
  printf("%s %s: %d images, %d candidates (%d on a target)\n", data, split,
         ds.nimages, ds.n, npos);
  if (dump && write_samples(dump, &ds) != 0)
    return 1;

  {
    /* the ceiling: masks from exactly the candidates on a target */
    double *oracle = malloc((size_t)ds.n * sizeof *oracle), zero = 0;
    for (int i = 0; i < ds.n; i++)
      oracle[i] = ds.samples[i].label ? 1 : -1;
    wl_sirst_score_t os;
    score_thresholds(&ds, oracle, &zero, 1, &os);
    if (verbose) {
      /* the images where even the perfect classifier loses */
      long tot = 0;
      for (int i = 0; i < ds.nimages; i++) {
        dataset_t one = ds;
        one.images = &ds.images[i];
        one.nimages = 1;
        wl_sirst_score_t s1;
        score_thresholds(&one, oracle, &zero, 1, &s1);
        tot += s1.pixels;
        if (s1.false_pixels > 0 || s1.found < s1.targets) {
          printf("  %s: %ld false px, %ld/%ld found;", ds.images[i].name,
                 s1.false_pixels, s1.found, s1.targets);
          for (int k = ds.images[i].first;
               k < ds.images[i].first + ds.images[i].count; k++)
            if (ds.samples[k].label || ds.samples[k].on_target)
              printf(" [%s n%d]", ds.samples[k].label ? "pos" : "frag",
                     ds.samples[k].region_n);
          printf("\n");
        }
      }
      printf("  total pixels %ld\n", tot);
    }
    printf(
        "ceiling (perfect classifier): IoU %.4f nIoU %.4f Pd %.4f "
        "Fa %.2fe-6\n",
        os.iou, os.niou, os.pd, os.fa * 1e6);
    free(oracle);
  }
  double thr[MAX_THRESHOLDS];
  int nthr = 0;
  for (double t = -2.0; t <= 6.0 + 1e-9 && nthr < MAX_THRESHOLDS; t += 0.25)
    thr[nthr++] = t;
  double *logit = malloc((size_t)ds.n * sizeof *logit);
  double *logits = malloc((size_t)ds.n * (size_t)seeds * sizeof *logits);
  wl_sirst_score_t sc[MAX_THRESHOLDS];
  double iou[MAX_THRESHOLDS] = {0}, niou[MAX_THRESHOLDS] = {0},
         pd[MAX_THRESHOLDS] = {0}, fa[MAX_THRESHOLDS] = {0};
  for (int s = 0; s < seeds; s++) {
    cross_validate(&ds, &o, folds, (unsigned)s + 1, logit);
    memcpy(logits + (size_t)s * ds.n, logit, (size_t)ds.n * sizeof *logit);
    score_thresholds(&ds, logit, thr, nthr, sc);
    for (int t = 0; t < nthr; t++) {
      iou[t] += sc[t].iou / seeds;
      niou[t] += sc[t].niou / seeds;
      pd[t] += sc[t].pd / seeds;
      fa[t] += sc[t].fa / seeds;
    }
  }
  if (dump_cv) {
    FILE *fp = fopen(dump_cv, "w");
    if (!fp) {
      fprintf(stderr, "spot-train: %s: cannot open for writing\n", dump_cv);
      free(logits);
      free(logit);
      dataset_free(&ds);
      return 1;
    }
    for (int i = 0; i < ds.n; i++) {
      const sample_t *sm = &ds.samples[i];
      fprintf(fp, "%s %d %d %d", ds.images[sm->image].name, sm->label,
              sm->on_target, sm->region_n);
      for (int s = 0; s < seeds; s++)
        fprintf(fp, " %.4f", logits[(size_t)s * ds.n + i]);
      for (int f = 0; f < WL__SPOT_NF; f++)
        fprintf(fp, " %.5g", sm->feat[f]);
      fputc('\n', fp);
    }
    fclose(fp);
  }
  double faq[MAX_THRESHOLDS], fa90[MAX_THRESHOLDS];
  fa_quantile(&ds, logits, seeds, thr, nthr, 0.9, fa90);
  if (fa_quantile_p > 0)
    fa_quantile(&ds, logits, seeds, thr, nthr, fa_quantile_p, faq);
  int chosen = nthr - 1;
  printf(
      "cross-validation (%d folds x %d seeds; Fa q90: image bootstrap):\n"
      "  min_score   IoU    nIoU   Pd     Fa(1e-6) Fa q90\n",
      folds, seeds);
  for (int t = 0; t < nthr; t++) {
    printf("  %.4f    %.4f %.4f %.4f %7.2f %7.2f\n", 1 / (1 + exp(-thr[t])),
           iou[t], niou[t], pd[t], fa[t] * 1e6, fa90[t] * 1e6);
    double f = fa_quantile_p > 0 ? faq[t] : fa[t];
    if (f <= fa_target && t < chosen)
      chosen = t;
  }
  double min_score = 1 / (1 + exp(-thr[chosen]));
  false_split(&ds, logits, seeds, thr[chosen]);
  free(logits);
  free(logit);
  printf(
      "chosen min_score %.4f: CV IoU %.4f Pd %.4f Fa %.2fe-6, q90 %.2fe-6 "
      "(Fa target %.2fe-6)\n",
      min_score, iou[chosen], pd[chosen], fa[chosen] * 1e6,
      fa90[chosen] * 1e6, fa_target * 1e6);

  int *all = malloc((size_t)ds.n * sizeof *all);
  for (int i = 0; i < ds.n; i++)
    all[i] = i;
  model_t m;
  train(&ds, &o, all, ds.n, &m);
  free(all);
  int rc = 0;
  if (out) {
    char prov[1024], qarg[32] = "";
    if (fa_quantile_p > 0)
      snprintf(qarg, sizeof qarg, " --fa-quantile %g", fa_quantile_p);
    snprintf(prov, sizeof prov,
             "spot-train <sirst-v1> %s --trees %d --depth %d --lr %g "
             "--min-leaf %d --pos-weight %g --area-power %g --subsample %g "
             "--fa-target %g%s "
             "--pfa %g --grow %g --radius %d --trim %g --cut %d "
             "--candidates %d --cv %d "
             "--seeds %d: %d images, %d candidates",
             split, o.trees, o.depth, o.lr, o.min_leaf, o.pos_weight,
             o.area_power, o.subsample, fa_target, qarg, params.pfa,
             params.grow_fraction, params.max_radius, params.mask_radius,
             params.cut_touching, params.max_candidates,
             folds, seeds, ds.nimages, ds.n);
    if (write_model(out, &m, min_score, params.mask_radius,
                    params.cut_touching, prov) != 0)
      rc = 1;
    else
      printf("wrote %s (%d trees, %d nodes)\n", out, m.ntrees, m.nnodes);
  }
  if (eval && rc == 0) {
    dataset_t te;
    if (load_split(data, eval, &params, &te) != 0) {
      dataset_free(&te);
      model_free(&m);
      dataset_free(&ds);
      return 1;
    }
    te.mask_radius = params.mask_radius;
    te.cut_touching = params.cut_touching;
    double *lt = malloc((size_t)te.n * sizeof *lt);
    for (int i = 0; i < te.n; i++)
      lt[i] = model_logit(&m, te.samples[i].feat);
    wl_sirst_score_t r[MAX_THRESHOLDS];
    score_thresholds(&te, lt, thr, nthr, r);
    printf(
        "report on %s (not used for tuning):\n"
        "  min_score   IoU    nIoU   Pd     Fa(1e-6)\n",
        eval);
    for (int t = 0; t < nthr; t++)
      printf("  %.4f%s %.4f %.4f %.4f %7.2f\n", 1 / (1 + exp(-thr[t])),
             t == chosen ? " <- " : "    ", r[t].iou, r[t].niou, r[t].pd,
             r[t].fa * 1e6);
    false_split(&te, lt, 1, thr[chosen]);
    if (verbose)
      for (int i = 0; i < te.nimages; i++) {
        dataset_t one = te;
        one.images = &te.images[i];
        one.nimages = 1;
        wl_sirst_score_t s1;
        score_thresholds(&one, lt, &thr[chosen], 1, &s1);
        if (s1.false_pixels > 0 || s1.found < s1.targets)
          printf("  %s: %ld false px, %ld/%ld found\n", te.images[i].name,
                 s1.false_pixels, s1.found, s1.targets);
      }
    free(lt);
    dataset_free(&te);
  }
  model_free(&m);
  dataset_free(&ds);
  return rc;
}
