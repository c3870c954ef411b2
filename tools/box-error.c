/*
 * box-error.c - measures how well detection and track boxes fit the
 * simulator's truth boxes: signed edge errors and IoU, per box-size class.
 *
 * Usage: box-error [--presets a,b] [--seeds 1-3] [--min-vis 0.8]
 *                  [--by-class] [--alone] [--decompose] [--dump DIR]
 *                  [--frames N]
 *
 * Design. Each preset and seed is run through the whole pipeline (camera
 * model on, as wl-accuracy). In every frame, truth boxes at least min-vis
 * visible are matched one-to-one to the frame's detections and, separately,
 * to its confirmed tracks: pairs in decreasing IoU, IoU >= 0.3. For each
 * matched pair the signed errors of the four edges (left x, right x + w,
 * top y, bottom y + h; predicted minus truth, pixels) and the IoU are
 * accumulated, split by the truth box's height (< 4, 4-12, >= 12 px) or
 * with --by-class by its class; also the fraction at IoU >= 0.5 (the
 * CLEAR MOT / MOTA threshold).
 * --alone keeps only truth boxes at least 2 px from every other truth box
 * (no merges: the fit of one target's box). --decompose splits the track
 * boxes' errors of centre (cx, cy) and size (w, h) into bias, spread,
 * frame-to-frame noise and lag (see decompose()), and counts the pairs
 * with a size error of 2 px or more by sign and axis, and coasting ones.
 * --dump DIR writes, per preset and seed, the truth (DIR/P-S-gt.txt, MOT
 * rows with class and visibility), the output tracks (P-S-trk.txt, MOT
 * rows, loadable by `watchline eval mot`), the detections (P-S-det.txt:
 * frame, index, x, y, w, h, area, snr) and the tracks' detections
 * (P-S-info.txt: frame, id, det_index, coasting, class), frames from 1,
 * for per-pair analyses outside this tool. --frames N runs N frames
 * instead of the scenario's duration (the simulator continues it).
 * A diagnostic tool: it prints, the library does not.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/pipeline.h"
#include "watchline/sim.h"

#define BINS 5 /* 3 size classes, or classes 1-4 with --by-class */
#define MAX_IOUS 400000

typedef struct acc {
  long n;
  double se[4], sa[4]; /* signed and absolute edge errors */
  double siou;
  double gw, gh, pw, ph; /* summed sizes, truth and predicted */
  float *ious;
  long n_ious;
} acc_t;

typedef struct box {
  double x, y, w, h;
  int bin; /* truth only: the accumulator */
  uint64_t id; /* truth id or track id */
  double vx, vy; /* tracks: filtered velocity, px/frame */
  int coast;     /* tracks: no detection in this frame */
} box_t;

/* --decompose: the track boxes' errors split into bias, lag and jitter.
 * For each matched (track, truth) pair the errors of the box centre (x,
 * y) and size (w, h) are accumulated; their regression on the track's
 * velocity (px/frame) is the lag (frames, positive: the box trails), and
 * half the mean square of their change from the pair's previous frame is
 * the frame-to-frame (white) noise variance. */
typedef struct dec {
  long n, nd;
  double s[4], ss[4], sv[4], vv[4], sd2[4];
  long nbig;             /* pairs with a size error of 2 px or more */
  long cat[4];           /* w >= +2, w <= -2, h >= +2, h <= -2 */
  long ncoast, ncoast_big;
  double iou_coast;
  double iou_big, iou_small;
} dec_t;

#define DEC_SLOTS 8192
typedef struct dec_prev {
  uint64_t trk, gt;
  long frame;
  double e[4];
} dec_prev_t;

static double iou(box_t a, box_t b) {
  double x0 = fmax(a.x, b.x), y0 = fmax(a.y, b.y);
  double x1 = fmin(a.x + a.w, b.x + b.w), y1 = fmin(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0)
    return 0.0;
  double i = (x1 - x0) * (y1 - y0);
  return i / (a.w * a.h + b.w * b.h - i);
}

static void add(acc_t *a, box_t p, box_t g) {
  double e[4] = {p.x - g.x, p.x + p.w - g.x - g.w, p.y - g.y,
                 p.y + p.h - g.y - g.h};
  for (int k = 0; k < 4; k++) {
    a->se[k] += e[k];
    a->sa[k] += fabs(e[k]);
  }
  a->gw += g.w;
  a->gh += g.h;
  a->pw += p.w;
  a->ph += p.h;
  double v = iou(p, g);
  a->siou += v;
  if (a->n_ious < MAX_IOUS)
    a->ious[a->n_ious++] = (float)v;
  a->n++;
}

static void decompose(dec_t *d, dec_prev_t *prev, long frame, box_t p,
                      box_t g) {
  double e[4] = {p.x + 0.5 * p.w - g.x - 0.5 * g.w,
                 p.y + 0.5 * p.h - g.y - 0.5 * g.h, p.w - g.w, p.h - g.h};
  double v[4] = {p.vx, p.vy, 0.0, 0.0};
  d->n++;
  if (p.coast) {
    d->ncoast++;
    d->iou_coast += iou(p, g);
    d->ncoast_big += fabs(e[2]) >= 2.0 || fabs(e[3]) >= 2.0;
  }
  if (fabs(e[2]) >= 2.0 || fabs(e[3]) >= 2.0) {
    d->nbig++;
    d->cat[0] += e[2] >= 2.0;
    d->cat[1] += e[2] <= -2.0;
    d->cat[2] += e[3] >= 2.0;
    d->cat[3] += e[3] <= -2.0;
    d->iou_big += iou(p, g);
  } else {
    d->iou_small += iou(p, g);
  }
  for (int k = 0; k < 4; k++) {
    d->s[k] += e[k];
    d->ss[k] += e[k] * e[k];
    d->sv[k] += e[k] * v[k];
    d->vv[k] += v[k] * v[k];
  }
  dec_prev_t *q = &prev[(p.id * 31 + g.id) % DEC_SLOTS];
  if (q->trk == p.id && q->gt == g.id && q->frame == frame - 1) {
    d->nd++;
    for (int k = 0; k < 4; k++)
      d->sd2[k] += (e[k] - q->e[k]) * (e[k] - q->e[k]);
  }
  *q = (dec_prev_t){p.id, g.id, frame, {e[0], e[1], e[2], e[3]}};
}

static void print_dec(const dec_t *dec, int by_class) {
  static const char *names[2][BINS] = {
      {"h<4", "4-12", ">=12", "", ""},
      {"", "person", "vehicl", "animal", "bird"}};
  static const char *what[4] = {"cx", "cy", "w", "h"};
  for (int b = 0; b < BINS; b++) {
    const dec_t *d = &dec[b];
    if (!d->n)
      continue;
    printf("  decomp %-6s n %ld:", names[by_class][b], d->n);
    for (int k = 0; k < 4; k++) {
      double n = (double)d->n, mean = d->s[k] / n;
      double var = d->ss[k] / n - mean * mean;
      double lag = d->vv[k] > 0 ? -d->sv[k] / d->vv[k] : 0.0;
      double jit = d->nd ? 0.5 * d->sd2[k] / (double)d->nd : 0.0;
      printf(" | %s bias %+.3f sd %.3f jit-sd %.3f lag %+.2f f", what[k], mean,
             sqrt(var), sqrt(jit), lag);
    }
    printf("\n    size error >= 2 px in %.3f of pairs (IoU %.3f), the rest "
           "IoU %.3f; w+ %ld w- %ld h+ %ld h- %ld; coasting %ld (IoU %.3f, "
           "big %ld)\n",
           (double)d->nbig / (double)d->n,
           d->nbig ? d->iou_big / (double)d->nbig : 0.0,
           d->n > d->nbig ? d->iou_small / (double)(d->n - d->nbig) : 0.0,
           d->cat[0], d->cat[1], d->cat[2], d->cat[3], d->ncoast,
           d->ncoast ? d->iou_coast / (double)d->ncoast : 0.0, d->ncoast_big);
  }
}

/* Greedy one-to-one matching by IoU of truth g[0..ng) to p[0..np). */
static void match(const box_t *g, int ng, const box_t *p, int np, acc_t *acc,
                  dec_t *dec, dec_prev_t *prev, long frame) {
  static char gu[4096], pu[4096];
  if (ng > 4096)
    ng = 4096;
  if (np > 4096)
    np = 4096;
  memset(gu, 0, (size_t)ng);
  memset(pu, 0, (size_t)np);
  for (;;) {
    double best = 0.3;
    int bi = -1, bj = -1;
    for (int i = 0; i < ng; i++) {
      if (gu[i])
        continue;
      for (int j = 0; j < np; j++) {
        if (pu[j])
          continue;
        double v = iou(g[i], p[j]);
        if (v > best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0)
      break;
    gu[bi] = pu[bj] = 1;
    add(&acc[g[bi].bin], p[bj], g[bi]);
    if (dec)
      decompose(&dec[g[bi].bin], prev, frame, p[bj], g[bi]);
  }
}

/* Is truth i at least 2 px from every other truth box? */
static int apart(const wl_sim_truth_t *t, size_t n, size_t i) {
  for (size_t j = 0; j < n; j++)
    if (j != i && t[j].x < t[i].x + t[i].w + 2.0 &&
        t[j].x + t[j].w > t[i].x - 2.0 && t[j].y < t[i].y + t[i].h + 2.0 &&
        t[j].y + t[j].h > t[i].y - 2.0)
      return 0;
  return 1;
}

static int cmpf(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

static void print(const char *what, acc_t *acc, int by_class) {
  static const char *names[2][BINS] = {
      {"h<4", "4-12", ">=12", "", ""},
      {"", "person", "vehicl", "animal", "bird"}};
  for (int b = 0; b < BINS; b++) {
    acc_t *a = &acc[b];
    if (!a->n)
      continue;
    qsort(a->ious, (size_t)a->n_ious, sizeof *a->ious, cmpf);
    double n = (double)a->n;
    long ge_half = 0;
    for (long i = 0; i < a->n_ious; i++)
      ge_half += a->ious[i] >= 0.5f;
    printf(
        "  %-6s %-6s n %7ld  IoU mean %.3f med %.3f >=.5 %.3f | signed L %+.3f "
        "R %+.3f T %+.3f B %+.3f | abs L %.3f R %.3f T %.3f B %.3f | "
        "w %.2f/%.2f h %.2f/%.2f\n",
        what, names[by_class][b], a->n, a->siou / n, a->ious[a->n_ious / 2],
        (double)ge_half / (double)a->n_ious, a->se[0] / n, a->se[1] / n,
        a->se[2] / n, a->se[3] / n, a->sa[0] / n, a->sa[1] / n, a->sa[2] / n,
        a->sa[3] / n, a->pw / n, a->gw / n, a->ph / n, a->gh / n);
  }
}

int main(int argc, char **argv) {
  const char *presets = "border-night,crowd,long-range,nuisance";
  int s0 = 1, s1 = 3;
  double min_vis = 0.8;
  int by_class = 0, want_dec = 0, alone = 0;
  const char *dump = NULL;
  long max_frames = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--presets") && i + 1 < argc)
      presets = argv[++i];
    else if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
      if (sscanf(argv[++i], "%d-%d", &s0, &s1) == 1)
        s1 = s0;
    } else if (!strcmp(argv[i], "--min-vis") && i + 1 < argc)
      min_vis = atof(argv[++i]);
    else if (!strcmp(argv[i], "--by-class"))
      by_class = 1;
    else if (!strcmp(argv[i], "--alone"))
      alone = 1;
    else if (!strcmp(argv[i], "--decompose"))
      want_dec = 1;
    else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
      dump = argv[++i];
    else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
      max_frames = atol(argv[++i]);
    else {
      fprintf(stderr, "usage: box-error [--presets a,b] [--seeds 1-3] "
                      "[--min-vis 0.8] [--by-class] [--alone] "
                      "[--decompose] [--dump DIR] [--frames N]\n");
      return 2;
    }
  }
  char list[1024];
  snprintf(list, sizeof list, "%s", presets);
  for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
    acc_t det[BINS], trk[BINS];
    dec_t dec[BINS];
    dec_prev_t *prev = calloc(DEC_SLOTS, sizeof *prev);
    memset(dec, 0, sizeof dec);
    memset(det, 0, sizeof det);
    memset(trk, 0, sizeof trk);
    for (int b = 0; b < BINS; b++) {
      det[b].ious = malloc(MAX_IOUS * sizeof(float));
      trk[b].ious = malloc(MAX_IOUS * sizeof(float));
    }
    for (int seed = s0; seed <= s1; seed++) {
      wl_err_t err = {0};
      wl_scenario_t *sc = NULL;
      wl_sim_t *sim = NULL;
      wl_pipeline_t *pl = NULL;
      wl_frame_t frame = {0};
      if (wl_scenario_load(&sc, name, &err) ||
          wl_sim_new(&sim, sc, (uint64_t)seed, &err) ||
          wl_pipeline_new(&pl, wl_scenario_camera(sc), NULL, NULL, &err)) {
        fprintf(stderr, "box-error: %s\n", err.msg);
        return 1;
      }
      size_t cap = wl_sim_target_count(sim) + 1;
      wl_sim_truth_t *truth = calloc(cap, sizeof *truth);
      box_t *g = calloc(cap, sizeof *g), *p = malloc(4096 * sizeof *p);
      double fps = wl_scenario_camera(sc)->fps;
      FILE *fd[4] = {NULL, NULL, NULL, NULL};
      if (dump) {
        static const char *kind[4] = {"gt", "trk", "det", "info"};
        for (int k = 0; k < 4; k++) {
          char path[1200];
          snprintf(path, sizeof path, "%s/%s-%d-%s.txt", dump, name, seed,
                   kind[k]);
          if (!(fd[k] = fopen(path, "w"))) {
            fprintf(stderr, "box-error: cannot write %s\n", path);
            return 1;
          }
        }
      }
      long frames = max_frames > 0
                        ? max_frames
                        : lround(wl_scenario_duration_s(sc) * fps);
      for (long f = 0; f < frames; f++) {
        size_t nt;
        if (wl_sim_next(sim, &frame, truth, cap, &nt, &err) ||
            wl_pipeline_process(pl, &frame, &err)) {
          fprintf(stderr, "box-error: %s\n", err.msg);
          return 1;
        }
        int ng = 0;
        for (size_t i = 0; i < nt; i++)
          if (truth[i].visibility >= min_vis && truth[i].w >= 0.01 &&
              truth[i].h >= 0.01 && (!alone || apart(truth, nt, i)))
            g[ng++] = (box_t){truth[i].x, truth[i].y, truth[i].w, truth[i].h,
                              by_class ? (int)truth[i].cls
                                       : (truth[i].h < 4.0    ? 0
                                          : truth[i].h < 12.0 ? 1
                                                              : 2),
                              (uint64_t)truth[i].id, 0.0, 0.0, 0};
        size_t nd, ntr;
        const wl_detection_t *d = wl_pipeline_detections(pl, &nd);
        if (dump) {
          const wl_track_t *t = wl_pipeline_tracks(pl, &ntr);
          for (size_t i = 0; i < nt; i++)
            fprintf(fd[0], "%ld,%lld,%.3f,%.3f,%.3f,%.3f,1,%d,%.3f\n", f + 1,
                    (long long)truth[i].id, truth[i].x, truth[i].y,
                    truth[i].w, truth[i].h, (int)truth[i].cls,
                    truth[i].visibility);
          for (size_t j = 0; j < ntr; j++) {
            fprintf(fd[1], "%ld,%llu,%.3f,%.3f,%.3f,%.3f,1,-1,-1,-1\n", f + 1,
                    (unsigned long long)t[j].id, t[j].x, t[j].y, t[j].w,
                    t[j].h);
            fprintf(fd[3], "%ld,%llu,%d,%d,%d\n", f + 1,
                    (unsigned long long)t[j].id, t[j].det_index,
                    t[j].misses > 0, (int)t[j].cls);
          }
          for (size_t j = 0; j < nd; j++)
            fprintf(fd[2], "%ld,%zu,%.3f,%.3f,%.3f,%.3f,%d,%.2f\n", f + 1, j,
                    d[j].x, d[j].y, d[j].w, d[j].h, d[j].area, d[j].snr);
        }
        int np = 0;
        for (size_t j = 0; j < nd && np < 4096; j++)
          p[np++] = (box_t){d[j].x, d[j].y, d[j].w, d[j].h, 0, 0, 0.0, 0.0, 0};
        match(g, ng, p, np, det, NULL, NULL, f);
        const wl_track_t *t = wl_pipeline_tracks(pl, &ntr);
        np = 0;
        for (size_t j = 0; j < ntr && np < 4096; j++) {
          p[np++] = (box_t){t[j].x,        t[j].y,        t[j].w,
                            t[j].h,        0,             t[j].id,
                            t[j].vx / fps, t[j].vy / fps, t[j].det_index < 0};
        }
        match(g, ng, p, np, trk, want_dec ? dec : NULL, prev,
              (seed - s0) * 1000000L + f);
      }
      for (int k = 0; k < 4; k++)
        if (fd[k])
          fclose(fd[k]);
      free(truth);
      free(g);
      free(p);
      wl_frame_release(&frame);
      wl_pipeline_free(pl);
      wl_sim_free(sim);
      wl_scenario_free(sc);
    }
    printf("%s seeds %d-%d (truth visibility >= %.2f, matched at IoU >= "
           "0.3; errors predicted - truth, px)\n",
           name, s0, s1, min_vis);
    print("det", det, by_class);
    print("track", trk, by_class);
    if (want_dec)
      print_dec(dec, by_class);
    free(prev);
    for (int b = 0; b < BINS; b++) {
      free(det[b].ious);
      free(trk[b].ious);
    }
  }
  return 0;
}
