/*
 * mot.c - tracking metrics with TrackEval's definitions: HOTA (DetA, AssA,
 * ...), CLEAR MOT (MOTA, IDSW, FP, FN, ...) and Identity (IDF1). The exact
 * definitions, with what we keep from TrackEval and where we differ, are in
 * docs/METRICS.md; this file follows TrackEval's hota.py, clear.py and
 * identity.py step by step, including their epsilons.
 *
 * Design. Detections are filtered (GT conf != 0, optional class), ids are
 * relabelled to dense indices, and detections are sorted by frame (file
 * order within a frame). Two passes run over the frames that have any
 * detection:
 *   1. per frame IoU matrix; per id detection counts; for every
 *      overlapping (gt id, pred id) pair the HOTA "potential match" weight
 *      IoU / (row sum + column sum - IoU) and whether IoU >= 0.5 (IDF1).
 *      Pairs are stored sparsely (only pairs that ever overlap), sorted and
 *      merged in frame order, so memory follows the data, not G x T.
 *   2. per frame: HOTA matching (maximise global alignment x IoU, then
 *      threshold per alpha) and CLEAR matching (IoU >= 0.5, continuing
 *      last frame's matches first). HOTA matches are logged as (pair,
 *      number of alphas passed) events, from which AssA is computed.
 * IDF1's global id matching is solved per connected group of ids linked by
 * IoU >= 0.5 pairs (identical to one global assignment, much smaller).
 *
 * Invariants: a frame's IoU and cost matrices are at most
 * WL_MOT_MAX_PER_FRAME squared; every buffer is grown, never per frame
 * reallocated once large enough; all memory is released before returning.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/assign.h"
#include "watchline/eval.h"

/* TrackEval compares against np.finfo('float').eps. */
#define EPS DBL_EPSILON

/* A filtered detection: dense id and box corners (x1 = x + w). */
typedef struct det {
  int frame;
  int id;
  double x0, y0, x1, y1;
} det_t;

/* One side of the sequence (GT or predictions). */
typedef struct side {
  det_t *dets; /* sorted by frame, file order within a frame */
  size_t n;
  int n_ids;
  long *id_count; /* detections per dense id */
} side_t;

/* An overlapping pair seen in one frame (pass 1), before merging. */
typedef struct pair_obs {
  uint64_t key; /* gt_id * n_pred_ids + pred_id */
  uint32_t seq; /* observation order, to sum in frame order */
  uint32_t ge_half; /* IoU >= 0.5 (Identity's threshold) */
  double weight; /* IoU / (row sum + column sum - IoU) */
} pair_obs_t;

/* A HOTA match: the pair and how many alphas it passes (1..19). */
typedef struct match_event {
  uint32_t pair;
  uint32_t level;
} match_event_t;

/* Everything the evaluation allocates; freed together. */
typedef struct mot_ctx {
  side_t gt, pr;
  /* merged overlapping pairs, ascending key */
  uint64_t *pair_key;
  double *pair_align; /* potential matches, then global alignment score */
  long *pair_idm;     /* frames with IoU >= 0.5 (Identity) */
  size_t n_pairs;
  /* per-frame scratch, grown to the largest frame */
  double *iou, *cost, *row_sum, *col_sum;
  size_t cells_cap, rows_cap, cols_cap;
  int *row_to_col;
  void *assign_work;
  size_t assign_size;
  /* HOTA match log */
  match_event_t *events;
  size_t n_events, events_cap;
  /* CLEAR state per gt id */
  int *prev_any, *prev_step; /* last matched pred id, -1 for none */
  long *gt_matched, *frag_count;
  int *step_match; /* scratch: this step's match per gt id */
  int *step_ids;   /* gt ids with prev_step >= 0 (n_step_ids of them) */
  int n_step_ids;
} mot_ctx_t;

static const double *alphas(void) {
  /* np.arange(0.05, 0.99, 0.05): 0.05 + i * 0.05 in double arithmetic. */
  static const double a[WL_HOTA_ALPHAS] = {
      0.05 + 0 * 0.05,  0.05 + 1 * 0.05,  0.05 + 2 * 0.05,  0.05 + 3 * 0.05,
      0.05 + 4 * 0.05,  0.05 + 5 * 0.05,  0.05 + 6 * 0.05,  0.05 + 7 * 0.05,
      0.05 + 8 * 0.05,  0.05 + 9 * 0.05,  0.05 + 10 * 0.05, 0.05 + 11 * 0.05,
      0.05 + 12 * 0.05, 0.05 + 13 * 0.05, 0.05 + 14 * 0.05, 0.05 + 15 * 0.05,
      0.05 + 16 * 0.05, 0.05 + 17 * 0.05, 0.05 + 18 * 0.05};
  return a;
}

void wl_mot_default_options(wl_mot_options_t *opt) { opt->cls = -1; }

static void ctx_free(mot_ctx_t *c) {
  free(c->gt.dets);
  free(c->gt.id_count);
  free(c->pr.dets);
  free(c->pr.id_count);
  free(c->pair_key);
  free(c->pair_align);
  free(c->pair_idm);
  free(c->iou);
  free(c->cost);
  free(c->row_sum);
  free(c->col_sum);
  free(c->row_to_col);
  free(c->assign_work);
  free(c->events);
  free(c->prev_any);
  free(c->prev_step);
  free(c->gt_matched);
  free(c->frag_count);
  free(c->step_match);
  free(c->step_ids);
}

/* ---- building the sequence -------------------------------------------- */

static int compare_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int compare_row_ptr(const void *a, const void *b) {
  const wl_mot_row_t *ra = *(const wl_mot_row_t *const *)a;
  const wl_mot_row_t *rb = *(const wl_mot_row_t *const *)b;
  if (ra->frame != rb->frame) return ra->frame < rb->frame ? -1 : 1;
  return (ra->line > rb->line) - (ra->line < rb->line);
}

/*
 * Keep the rows that count (GT: conf != 0 and the class filter), relabel
 * ids to 0..n_ids-1 in ascending original id, sort by frame.
 */
static int build_side(const wl_mot_file_t *f, int is_gt, int cls, side_t *s,
                      wl_err_t *err) {
  memset(s, 0, sizeof *s);
  size_t keep = 0;
  const wl_mot_row_t **rows = malloc((f->n ? f->n : 1) * sizeof *rows);
  int *ids = malloc((f->n ? f->n : 1) * sizeof *ids);
  if (!rows || !ids) {
    free(rows);
    free(ids);
    return wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu rows", f->n);
  }
  for (size_t i = 0; i < f->n; i++) {
    const wl_mot_row_t *r = &f->rows[i];
    if (is_gt && (r->conf == 0.0 || (cls >= 0 && r->cls != cls))) continue;
    rows[keep] = r;
    ids[keep] = r->id;
    keep++;
  }
  qsort(rows, keep, sizeof *rows, compare_row_ptr);
  qsort(ids, keep, sizeof *ids, compare_int);
  size_t n_ids = 0;
  for (size_t i = 0; i < keep; i++)
    if (n_ids == 0 || ids[n_ids - 1] != ids[i]) ids[n_ids++] = ids[i];
  s->dets = malloc((keep ? keep : 1) * sizeof *s->dets);
  s->id_count = calloc(n_ids ? n_ids : 1, sizeof *s->id_count);
  if (!s->dets || !s->id_count) {
    free(rows);
    free(ids);
    return wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu rows", keep);
  }
  for (size_t i = 0; i < keep; i++) {
    const wl_mot_row_t *r = rows[i];
    const int *hit = bsearch(&r->id, ids, n_ids, sizeof *ids, compare_int);
    det_t *d = &s->dets[i];
    d->frame = r->frame;
    d->id = (int)(hit - ids);
    d->x0 = r->x;
    d->y0 = r->y;
    d->x1 = r->x + r->w;
    d->y1 = r->y + r->h;
  }
  s->n = keep;
  s->n_ids = (int)n_ids;
  free(rows);
  free(ids);
  return WL_OK;
}

/* ---- per-frame helpers ------------------------------------------------- */

/* A frame's slice of both sides. */
typedef struct frame_view {
  int frame;
  const det_t *g, *p;
  int ng, np;
} frame_view_t;

/* Step to the next frame that has a GT or predicted detection. */
static int next_frame(const mot_ctx_t *c, size_t *gi, size_t *pi,
                      frame_view_t *v) {
  if (*gi >= c->gt.n && *pi >= c->pr.n) return 0;
  int f;
  if (*gi >= c->gt.n)
    f = c->pr.dets[*pi].frame;
  else if (*pi >= c->pr.n)
    f = c->gt.dets[*gi].frame;
  else
    f = c->gt.dets[*gi].frame < c->pr.dets[*pi].frame
            ? c->gt.dets[*gi].frame
            : c->pr.dets[*pi].frame;
  size_t g0 = *gi, p0 = *pi;
  while (*gi < c->gt.n && c->gt.dets[*gi].frame == f) (*gi)++;
  while (*pi < c->pr.n && c->pr.dets[*pi].frame == f) (*pi)++;
  v->frame = f;
  v->g = c->gt.dets + g0;
  v->p = c->pr.dets + p0;
  v->ng = (int)(*gi - g0);
  v->np = (int)(*pi - p0);
  return 1;
}

/* IoU as TrackEval's _calculate_box_ious (xywh -> corners; 0 when an area
 * or the union is <= eps). */
static double box_iou(const det_t *a, const det_t *b) {
  double iw = fmin(a->x1, b->x1) - fmax(a->x0, b->x0);
  double ih = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
  double inter = (iw > 0 ? iw : 0) * (ih > 0 ? ih : 0);
  double area_a = (a->x1 - a->x0) * (a->y1 - a->y0);
  double area_b = (b->x1 - b->x0) * (b->y1 - b->y0);
  double uni = area_a + area_b - inter;
  if (area_a <= EPS || area_b <= EPS || uni <= EPS) return 0.0;
  return inter / uni;
}

/* Grow the per-frame scratch for an ng x np frame. */
static int reserve_frame(mot_ctx_t *c, int ng, int np, wl_err_t *err) {
  size_t cells = (size_t)ng * (size_t)np;
  if (cells > c->cells_cap) {
    double *a = realloc(c->iou, cells * sizeof *a);
    if (!a) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->iou = a;
    double *b = realloc(c->cost, cells * sizeof *b);
    if (!b) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->cost = b;
    c->cells_cap = cells;
  }
  if ((size_t)ng > c->rows_cap) {
    double *a = realloc(c->row_sum, (size_t)ng * sizeof *a);
    if (!a) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->row_sum = a;
    int *b = realloc(c->row_to_col, (size_t)ng * sizeof *b);
    if (!b) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->row_to_col = b;
    c->rows_cap = (size_t)ng;
  }
  if ((size_t)np > c->cols_cap) {
    double *a = realloc(c->col_sum, (size_t)np * sizeof *a);
    if (!a) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->col_sum = a;
    c->cols_cap = (size_t)np;
  }
  size_t need = wl_assign_workspace_size(ng, np);
  if (need > c->assign_size) {
    void *w = realloc(c->assign_work, need);
    if (!w) return wl_fail(err, WL_ENOMEM, "eval: out of memory");
    c->assign_work = w;
    c->assign_size = need;
  }
  return WL_OK;
}

static void frame_ious(mot_ctx_t *c, const frame_view_t *v) {
  for (int g = 0; g < v->ng; g++)
    for (int p = 0; p < v->np; p++)
      c->iou[(size_t)g * (size_t)v->np + (size_t)p] = box_iou(&v->g[g],
                                                              &v->p[p]);
}

/* Maximise the sum of c->cost-as-score: solves min of -score in place. */
static int solve_max(mot_ctx_t *c, int ng, int np, wl_err_t *err) {
  for (size_t i = 0; i < (size_t)ng * (size_t)np; i++) c->cost[i] = -c->cost[i];
  int rc = wl_assign_solve(c->cost, ng, np, (size_t)np, WL_ASSIGN_FORBIDDEN,
                           c->assign_work, c->assign_size, c->row_to_col,
                           NULL, NULL, err);
  return rc < 0 ? rc : WL_OK;
}

/* ---- pass 1: counts and potential matches ------------------------------ */

static int compare_obs(const void *a, const void *b) {
  const pair_obs_t *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

static int collect_pairs(mot_ctx_t *c, wl_err_t *err) {
  pair_obs_t *obs = NULL;
  size_t n_obs = 0, cap = 0;
  size_t gi = 0, pi = 0;
  frame_view_t v;
  const uint64_t np_ids = (uint64_t)c->pr.n_ids;
  int rc = WL_OK;
  while (rc == WL_OK && next_frame(c, &gi, &pi, &v)) {
    for (int g = 0; g < v.ng; g++) c->gt.id_count[v.g[g].id]++;
    for (int p = 0; p < v.np; p++) c->pr.id_count[v.p[p].id]++;
    if (v.ng == 0 || v.np == 0) continue;
    if ((rc = reserve_frame(c, v.ng, v.np, err)) < 0) break;
    frame_ious(c, &v);
    for (int g = 0; g < v.ng; g++) c->row_sum[g] = 0.0;
    for (int p = 0; p < v.np; p++) c->col_sum[p] = 0.0;
    for (int g = 0; g < v.ng; g++)
      for (int p = 0; p < v.np; p++) {
        double s = c->iou[(size_t)g * (size_t)v.np + (size_t)p];
        c->row_sum[g] += s;
        c->col_sum[p] += s;
      }
    for (int g = 0; g < v.ng && rc == WL_OK; g++)
      for (int p = 0; p < v.np; p++) {
        double s = c->iou[(size_t)g * (size_t)v.np + (size_t)p];
        if (s <= 0.0) continue;
        if (n_obs >= (size_t)WL_MOT_MAX_OVERLAPS) {
          rc = wl_fail(err, WL_ETOOBIG,
                       "eval: more than %ld overlapping ground-truth x "
                       "prediction box pairs (at frame %d)",
                       WL_MOT_MAX_OVERLAPS, v.frame);
          break;
        }
        if (n_obs == cap) {
          size_t want = cap ? cap * 2 : 1024;
          pair_obs_t *grown = realloc(obs, want * sizeof *obs);
          if (!grown) {
            rc = wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu box "
                         "pairs", want);
            break;
          }
          obs = grown;
          cap = want;
        }
        double denom = c->col_sum[p] + c->row_sum[g] - s;
        pair_obs_t *o = &obs[n_obs];
        o->key = (uint64_t)v.g[g].id * np_ids + (uint64_t)v.p[p].id;
        o->seq = (uint32_t)n_obs;
        o->ge_half = s >= 0.5;
        o->weight = denom > 0.0 + EPS ? s / denom : 0.0;
        n_obs++;
      }
  }
  if (rc == WL_OK && n_obs > 0) {
    qsort(obs, n_obs, sizeof *obs, compare_obs);
    size_t n_pairs = 0;
    for (size_t i = 0; i < n_obs; i++)
      if (i == 0 || obs[i].key != obs[i - 1].key) n_pairs++;
    c->pair_key = malloc(n_pairs * sizeof *c->pair_key);
    c->pair_align = malloc(n_pairs * sizeof *c->pair_align);
    c->pair_idm = malloc(n_pairs * sizeof *c->pair_idm);
    if (!c->pair_key || !c->pair_align || !c->pair_idm) {
      rc = wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu id pairs",
                   n_pairs);
    } else {
      size_t k = 0;
      for (size_t i = 0; i < n_obs; i++) {
        if (i == 0 || obs[i].key != obs[i - 1].key) {
          c->pair_key[k] = obs[i].key;
          c->pair_align[k] = 0.0;
          c->pair_idm[k] = 0;
          k++;
        }
        c->pair_align[k - 1] += obs[i].weight;
        c->pair_idm[k - 1] += obs[i].ge_half;
      }
      c->n_pairs = n_pairs;
    }
  }
  free(obs);
  return rc;
}

/* Potential matches -> global alignment score, in place. */
static void global_alignment(mot_ctx_t *c) {
  const uint64_t np_ids = (uint64_t)c->pr.n_ids;
  for (size_t k = 0; k < c->n_pairs; k++) {
    int g = (int)(c->pair_key[k] / np_ids), p = (int)(c->pair_key[k] % np_ids);
    double pm = c->pair_align[k];
    c->pair_align[k] =
        pm / ((double)c->gt.id_count[g] + (double)c->pr.id_count[p] - pm);
  }
}

static long find_pair(const mot_ctx_t *c, uint64_t key) {
  size_t lo = 0, hi = c->n_pairs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->pair_key[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < c->n_pairs && c->pair_key[lo] == key ? (long)lo : -1;
}

/* ---- pass 2: HOTA and CLEAR matching per frame ------------------------- */

typedef struct hota_acc {
  double tp[WL_HOTA_ALPHAS], fn[WL_HOTA_ALPHAS], fp[WL_HOTA_ALPHAS];
  double loc[WL_HOTA_ALPHAS];
} hota_acc_t;

typedef struct clear_acc {
  long tp, fn, fp, idsw;
  double motp_sum;
} clear_acc_t;

static int hota_frame(mot_ctx_t *c, const frame_view_t *v, hota_acc_t *h,
                      wl_err_t *err) {
  const uint64_t np_ids = (uint64_t)c->pr.n_ids;
  const double *alpha = alphas();
  for (int g = 0; g < v->ng; g++)
    for (int p = 0; p < v->np; p++) {
      size_t i = (size_t)g * (size_t)v->np + (size_t)p;
      double s = c->iou[i], score = 0.0;
      if (s > 0.0) {
        long k = find_pair(c, (uint64_t)v->g[g].id * np_ids +
                                  (uint64_t)v->p[p].id);
        score = k >= 0 ? c->pair_align[k] * s : 0.0;
      }
      c->cost[i] = score;
    }
  int rc = solve_max(c, v->ng, v->np, err);
  if (rc < 0) return rc;
  int matched_at[WL_HOTA_ALPHAS] = {0};
  for (int g = 0; g < v->ng; g++) {
    int p = c->row_to_col[g];
    if (p < 0) continue;
    double s = c->iou[(size_t)g * (size_t)v->np + (size_t)p];
    int level = 0;
    while (level < WL_HOTA_ALPHAS && s >= alpha[level] - EPS) level++;
    if (level == 0) continue;
    for (int a = 0; a < level; a++) {
      matched_at[a]++;
      h->loc[a] += s;
    }
    long k = find_pair(c, (uint64_t)v->g[g].id * np_ids +
                              (uint64_t)v->p[p].id);
    if (k < 0) continue; /* cannot happen: s > 0 was seen in pass 1 */
    if (c->n_events == c->events_cap) {
      size_t want = c->events_cap ? c->events_cap * 2 : 1024;
      match_event_t *grown = realloc(c->events, want * sizeof *grown);
      if (!grown)
        return wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu matches",
                       want);
      c->events = grown;
      c->events_cap = want;
    }
    c->events[c->n_events].pair = (uint32_t)k;
    c->events[c->n_events].level = (uint32_t)level;
    c->n_events++;
  }
  for (int a = 0; a < WL_HOTA_ALPHAS; a++) {
    h->tp[a] += matched_at[a];
    h->fn[a] += v->ng - matched_at[a];
    h->fp[a] += v->np - matched_at[a];
  }
  return WL_OK;
}

static int clear_frame(mot_ctx_t *c, const frame_view_t *v, clear_acc_t *m,
                       wl_err_t *err) {
  for (int g = 0; g < v->ng; g++)
    for (int p = 0; p < v->np; p++) {
      size_t i = (size_t)g * (size_t)v->np + (size_t)p;
      double s = c->iou[i];
      double score = 0.0;
      if (!(s < 0.5 - EPS))
        score = (c->prev_step[v->g[g].id] == v->p[p].id ? 1000.0 : 0.0) + s;
      c->cost[i] = score;
    }
  int rc = solve_max(c, v->ng, v->np, err);
  if (rc < 0) return rc;
  int matches = 0;
  for (int g = 0; g < v->ng; g++) {
    int p = c->row_to_col[g];
    int gid = v->g[g].id;
    c->step_match[gid] = -1;
    if (p < 0) continue;
    /* the cost now holds -score: keep matches with score > eps */
    if (!(-c->cost[(size_t)g * (size_t)v->np + (size_t)p] > 0.0 + EPS))
      continue;
    int pid = v->p[p].id;
    c->step_match[gid] = pid;
    if (c->prev_any[gid] >= 0 && c->prev_any[gid] != pid) m->idsw++;
    c->gt_matched[gid]++;
    m->motp_sum += c->iou[(size_t)g * (size_t)v->np + (size_t)p];
    matches++;
  }
  /* Fragmentation: a gt id that was not tracked in the previous step (with
   * both sides present) and is tracked now starts a tracked stretch. */
  for (int g = 0; g < v->ng; g++) {
    int gid = v->g[g].id;
    if (c->step_match[gid] >= 0 && c->prev_step[gid] < 0)
      c->frag_count[gid]++;
  }
  /* prev_step is reset for every gt id, not only this frame's: clear the
   * ids set in the last step, then record this step's matches. */
  for (int i = 0; i < c->n_step_ids; i++) c->prev_step[c->step_ids[i]] = -1;
  c->n_step_ids = 0;
  for (int g = 0; g < v->ng; g++) {
    int gid = v->g[g].id;
    if (c->step_match[gid] >= 0) {
      c->prev_step[gid] = c->step_match[gid];
      c->prev_any[gid] = c->step_match[gid];
      c->step_ids[c->n_step_ids++] = gid;
    }
  }
  m->tp += matches;
  m->fn += v->ng - matches;
  m->fp += v->np - matches;
  return WL_OK;
}

static int match_frames(mot_ctx_t *c, hota_acc_t *h, clear_acc_t *m,
                        wl_err_t *err) {
  size_t gi = 0, pi = 0;
  frame_view_t v;
  int rc = WL_OK;
  while (rc == WL_OK && next_frame(c, &gi, &pi, &v)) {
    if (v.ng == 0) {
      for (int a = 0; a < WL_HOTA_ALPHAS; a++) h->fp[a] += v.np;
      m->fp += v.np;
      continue;
    }
    if (v.np == 0) {
      for (int a = 0; a < WL_HOTA_ALPHAS; a++) h->fn[a] += v.ng;
      m->fn += v.ng;
      continue;
    }
    if ((rc = reserve_frame(c, v.ng, v.np, err)) < 0) break;
    frame_ious(c, &v);
    if ((rc = hota_frame(c, &v, h, err)) < 0) break;
    rc = clear_frame(c, &v, m, err);
  }
  return rc;
}

/* ---- association accuracy from the match log --------------------------- */

static int compare_event(const void *a, const void *b) {
  const match_event_t *x = a, *y = b;
  if (x->pair != y->pair) return x->pair < y->pair ? -1 : 1;
  return (x->level > y->level) - (x->level < y->level);
}

typedef struct assoc_acc {
  double assa[WL_HOTA_ALPHAS], assre[WL_HOTA_ALPHAS], asspr[WL_HOTA_ALPHAS];
} assoc_acc_t;

static void association(mot_ctx_t *c, assoc_acc_t *acc) {
  memset(acc, 0, sizeof *acc);
  if (c->n_events == 0) return;
  qsort(c->events, c->n_events, sizeof *c->events, compare_event);
  const uint64_t np_ids = (uint64_t)c->pr.n_ids;
  size_t i = 0;
  while (i < c->n_events) {
    uint32_t pair = c->events[i].pair;
    long hist[WL_HOTA_ALPHAS + 1] = {0};
    for (; i < c->n_events && c->events[i].pair == pair; i++)
      hist[c->events[i].level]++;
    int g = (int)(c->pair_key[pair] / np_ids);
    int p = (int)(c->pair_key[pair] % np_ids);
    double gc = (double)c->gt.id_count[g], pc = (double)c->pr.id_count[p];
    long at_least = 0; /* matches passing alpha index a: level > a */
    for (int a = WL_HOTA_ALPHAS - 1; a >= 0; a--) {
      at_least += hist[a + 1];
      if (at_least == 0) continue;
      double mc = (double)at_least;
      acc->assa[a] += mc * (mc / fmax(1.0, gc + pc - mc));
      acc->assre[a] += mc * (mc / fmax(1.0, gc));
      acc->asspr[a] += mc * (mc / fmax(1.0, pc));
    }
  }
}

/* ---- Identity: global id matching per connected group ------------------ */

static int uf_find(int *parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

typedef struct group_item {
  int root;
  uint32_t pair;
} group_item_t;

static int compare_group_item(const void *a, const void *b) {
  const group_item_t *x = a, *y = b;
  if (x->root != y->root) return x->root < y->root ? -1 : 1;
  return (x->pair > y->pair) - (x->pair < y->pair);
}

/* Solve one group items[0..n) (pairs linked by IoU >= 0.5 frames). */
static int identity_group(mot_ctx_t *c, const group_item_t *items, size_t n,
                          int *local_g, int *local_p, long *idtp,
                          wl_err_t *err) {
  const uint64_t np_ids = (uint64_t)c->pr.n_ids;
  int ng = 0, np = 0;
  for (size_t i = 0; i < n; i++) {
    int g = (int)(c->pair_key[items[i].pair] / np_ids);
    int p = (int)(c->pair_key[items[i].pair] % np_ids);
    if (local_g[g] < 0) local_g[g] = ng++;
    if (local_p[p] < 0) local_p[p] = np++;
  }
  int rc = WL_OK;
  size_t cells = (size_t)ng * (size_t)np;
  if (cells > (size_t)WL_MOT_MAX_ID_CELLS) {
    rc = wl_fail(err, WL_ETOOBIG,
                 "eval: %d ground-truth ids and %d predicted ids are linked "
                 "by IoU >= 0.5; the identity matching is limited to %ld "
                 "id pairs",
                 ng, np, WL_MOT_MAX_ID_CELLS);
  } else {
    double *w = calloc(cells, sizeof *w);
    int *row_to_col = malloc((size_t)ng * sizeof *row_to_col);
    size_t need = wl_assign_workspace_size(ng, np);
    void *work = malloc(need);
    if (!w || !row_to_col || !work) {
      rc = wl_fail(err, WL_ENOMEM, "eval: out of memory for a %dx%d id "
                   "matching", ng, np);
    } else {
      for (size_t i = 0; i < n; i++) {
        int g = (int)(c->pair_key[items[i].pair] / np_ids);
        int p = (int)(c->pair_key[items[i].pair] % np_ids);
        w[(size_t)local_g[g] * (size_t)np + (size_t)local_p[p]] =
            -(double)c->pair_idm[items[i].pair];
      }
      int got = wl_assign_solve(w, ng, np, (size_t)np, WL_ASSIGN_FORBIDDEN,
                                work, need, row_to_col, NULL, NULL, err);
      if (got < 0) {
        rc = got;
      } else {
        for (int r = 0; r < ng; r++)
          if (row_to_col[r] >= 0)
            *idtp += (long)-w[(size_t)r * (size_t)np + (size_t)row_to_col[r]];
      }
    }
    free(w);
    free(row_to_col);
    free(work);
  }
  for (size_t i = 0; i < n; i++) {
    local_g[(int)(c->pair_key[items[i].pair] / np_ids)] = -1;
    local_p[(int)(c->pair_key[items[i].pair] % np_ids)] = -1;
  }
  return rc;
}

static int identity(mot_ctx_t *c, long *idtp, wl_err_t *err) {
  *idtp = 0;
  const int G = c->gt.n_ids, P = c->pr.n_ids;
  const uint64_t np_ids = (uint64_t)P;
  size_t n_linked = 0;
  for (size_t k = 0; k < c->n_pairs; k++) n_linked += c->pair_idm[k] > 0;
  if (n_linked == 0) return WL_OK;
  int *parent = malloc((size_t)(G + P) * sizeof *parent);
  int *local_g = malloc((size_t)G * sizeof *local_g);
  int *local_p = malloc((size_t)P * sizeof *local_p);
  group_item_t *items = malloc(n_linked * sizeof *items);
  int rc = WL_OK;
  if (!parent || !local_g || !local_p || !items) {
    rc = wl_fail(err, WL_ENOMEM, "eval: out of memory for the id matching");
    goto done;
  }
  for (int i = 0; i < G + P; i++) parent[i] = i;
  for (int i = 0; i < G; i++) local_g[i] = -1;
  for (int i = 0; i < P; i++) local_p[i] = -1;
  for (size_t k = 0; k < c->n_pairs; k++) {
    if (c->pair_idm[k] <= 0) continue;
    int a = uf_find(parent, (int)(c->pair_key[k] / np_ids));
    int b = uf_find(parent, G + (int)(c->pair_key[k] % np_ids));
    if (a != b) parent[a] = b;
  }
  size_t m = 0;
  for (size_t k = 0; k < c->n_pairs; k++) {
    if (c->pair_idm[k] <= 0) continue;
    items[m].root = uf_find(parent, (int)(c->pair_key[k] / np_ids));
    items[m].pair = (uint32_t)k;
    m++;
  }
  qsort(items, m, sizeof *items, compare_group_item);
  for (size_t i = 0; i < m && rc == WL_OK;) {
    size_t j = i;
    while (j < m && items[j].root == items[i].root) j++;
    rc = identity_group(c, items + i, j - i, local_g, local_p, idtp, err);
    i = j;
  }
done:
  free(parent);
  free(local_g);
  free(local_p);
  free(items);
  return rc;
}

/* ---- putting it together ----------------------------------------------- */

static void finish_hota(const hota_acc_t *h, const assoc_acc_t *as,
                        wl_mot_score_t *out) {
  for (int a = 0; a < WL_HOTA_ALPHAS; a++) {
    double tp = h->tp[a], fn = h->fn[a], fp = h->fp[a];
    double detre = tp / fmax(1.0, tp + fn);
    double detpr = tp / fmax(1.0, tp + fp);
    double deta = tp / fmax(1.0, tp + fn + fp);
    double assa = as->assa[a] / fmax(1.0, tp);
    double assre = as->assre[a] / fmax(1.0, tp);
    double asspr = as->asspr[a] / fmax(1.0, tp);
    double loca = fmax(1e-10, h->loc[a]) / fmax(1e-10, tp);
    double hota = sqrt(deta * assa);
    out->hota_alpha[a] = hota;
    out->deta_alpha[a] = deta;
    out->assa_alpha[a] = assa;
    out->hota += hota;
    out->deta += deta;
    out->assa += assa;
    out->detre += detre;
    out->detpr += detpr;
    out->assre += assre;
    out->asspr += asspr;
    out->loca += loca;
  }
  out->hota /= WL_HOTA_ALPHAS;
  out->deta /= WL_HOTA_ALPHAS;
  out->assa /= WL_HOTA_ALPHAS;
  out->detre /= WL_HOTA_ALPHAS;
  out->detpr /= WL_HOTA_ALPHAS;
  out->assre /= WL_HOTA_ALPHAS;
  out->asspr /= WL_HOTA_ALPHAS;
  out->loca /= WL_HOTA_ALPHAS;
}

static void finish_clear(const mot_ctx_t *c, const clear_acc_t *m,
                         wl_mot_score_t *out) {
  out->tp = m->tp;
  out->fp = m->fp;
  out->fn = m->fn;
  out->idsw = m->idsw;
  double denom = fmax(1.0, (double)(m->tp + m->fn));
  out->mota = (double)(m->tp - m->fp - m->idsw) / denom;
  out->motp = m->motp_sum / fmax(1.0, (double)m->tp);
  for (int g = 0; g < c->gt.n_ids; g++) {
    double ratio = (double)c->gt_matched[g] / (double)c->gt.id_count[g];
    if (ratio > 0.8)
      out->mt++;
    else if (ratio >= 0.2)
      out->pt++;
    else
      out->ml++;
    if (c->frag_count[g] > 0) out->frag += c->frag_count[g] - 1;
  }
}

static void finish_identity(long idtp, wl_mot_score_t *out) {
  out->idtp = idtp;
  out->idfn = out->gt_dets - idtp;
  out->idfp = out->pred_dets - idtp;
  double tp = (double)idtp, fn = (double)out->idfn, fp = (double)out->idfp;
  out->idr = tp / fmax(1.0, tp + fn);
  out->idp = tp / fmax(1.0, tp + fp);
  out->idf1 = tp / fmax(1.0, tp + 0.5 * fp + 0.5 * fn);
}

static int alloc_clear_state(mot_ctx_t *c, wl_err_t *err) {
  size_t n = (size_t)(c->gt.n_ids ? c->gt.n_ids : 1);
  c->prev_any = malloc(n * sizeof *c->prev_any);
  c->prev_step = malloc(n * sizeof *c->prev_step);
  c->step_match = malloc(n * sizeof *c->step_match);
  c->gt_matched = calloc(n, sizeof *c->gt_matched);
  c->frag_count = calloc(n, sizeof *c->frag_count);
  c->step_ids = malloc(n * sizeof *c->step_ids);
  c->n_step_ids = 0;
  if (!c->prev_any || !c->prev_step || !c->step_match || !c->gt_matched ||
      !c->frag_count || !c->step_ids)
    return wl_fail(err, WL_ENOMEM, "eval: out of memory for %zu ids", n);
  for (size_t i = 0; i < n; i++) {
    c->prev_any[i] = -1;
    c->prev_step[i] = -1;
    c->step_match[i] = -1;
  }
  return WL_OK;
}

int wl_eval_mot(const wl_mot_file_t *gt, const wl_mot_file_t *pred,
                const wl_mot_options_t *opt, wl_mot_score_t *out,
                wl_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!gt || !pred)
    return wl_fail(err, WL_EINVAL, "eval: ground truth or prediction is "
                   "NULL");
  wl_mot_options_t defaults;
  wl_mot_default_options(&defaults);
  if (!opt) opt = &defaults;

  mot_ctx_t c;
  memset(&c, 0, sizeof c);
  hota_acc_t h;
  clear_acc_t m;
  assoc_acc_t as;
  long idtp = 0;
  memset(&h, 0, sizeof h);
  memset(&m, 0, sizeof m);
  int rc;
  if ((rc = build_side(gt, 1, opt->cls, &c.gt, err)) < 0 ||
      (rc = build_side(pred, 0, -1, &c.pr, err)) < 0 ||
      (rc = alloc_clear_state(&c, err)) < 0 ||
      (rc = collect_pairs(&c, err)) < 0)
    goto done;
  global_alignment(&c);
  if ((rc = match_frames(&c, &h, &m, err)) < 0) goto done;
  association(&c, &as);
  if ((rc = identity(&c, &idtp, err)) < 0) goto done;

  out->gt_dets = (long)c.gt.n;
  out->pred_dets = (long)c.pr.n;
  out->gt_ids = c.gt.n_ids;
  out->pred_ids = c.pr.n_ids;
  out->frames = gt->max_frame > pred->max_frame ? gt->max_frame
                                                 : pred->max_frame;
  finish_hota(&h, &as, out);
  finish_clear(&c, &m, out);
  finish_identity(idtp, out);
  rc = WL_OK;
done:
  ctx_free(&c);
  if (rc < 0) {
    wl_mot_score_t zero;
    memset(&zero, 0, sizeof zero);
    *out = zero;
  }
  return rc;
}
