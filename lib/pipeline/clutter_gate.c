/*
 * clutter_gate.c - holds back confirmed tracks that live in clutter, for
 * 8-bit AGC video, and keeps one track per object (pipeline_int.h).
 *
 * On real 8-bit compressed AGC video most false tracks sit in a few kinds
 * of region: a sea surface (waves), trees in wind, city texture under
 * compression flicker. There the detector fires many times per frame, the
 * tracker strings detections into tracks that wander about without going
 * anywhere, and some of them confirm. A real target in the sky is alone:
 * few other detections come from its neighbourhood.
 *
 * Design: a coarse grid (cell_px cells) keeps, per cell, the running mean
 * of detections per usable frame (exponential, rate alpha). A confirmed
 * track is output when the mean detection rate of the 3x3 cells around its
 * centroid, less its own share (this frame's detections in its box grown
 * by group_px, at least one: a close airplane or helicopter makes several
 * fragments every frame), is at most max_clutter; or once
 * its centroid has been pass_px or more from where the track was first
 * seen (then for good: a target that crosses a clutter region, or flies
 * through a flock, keeps its output). The first positions are remembered
 * per track id in two arrays of max_tracks entries merged by id each
 * frame (the tracker lists its tracks in increasing id order).
 *
 * The 40 px must come within pass_frames frames of an anchor (renewed
 * when older): a wave or a branch wanders off slowly, a target crossing
 * the clutter does not. A slow, steady target passes too (a helicopter
 * crossing 70 px in 300 frames near a roof line): pass_px from where the
 * track was first seen (never renewed) within slow_frames, its velocity
 * within acos(slow_cos) of that displacement's direction, where the
 * clutter rate (3x3 cells) is at most slow_clutter: wave tracks on a sea
 * drift steadily too, but at rates of 5-30. At the image border, where the 3x3 cells are cut,
 * the rate is the mean of the cells inside times 9 (a sea along the
 * bottom edge is as busy as further in), and a centroid just outside the
 * image counts in the border cell.
 *
 * Camera motion (global_motion.c, wl__clutter_gate_set_offset): the
 * displacement must be pass_px both in the image and over the scene
 * (image position less the accumulated camera shift), so that the ground
 * moving through the image of a panning camera does not pass. While the
 * camera moves at pan_px_s or faster, a track whose image velocity is
 * within pan_match times the camera's speed of the camera's velocity
 * (it moves with the ground) and whose clutter rate is above pan_clutter
 * is held back even if it has passed; a target the camera follows stands
 * still in the image and is output.
 *
 * Shape: a box that is a line (long side at least line_px and line_aspect
 * times the short side: a cloud edge, the horizon, a pole) or larger than
 * max_area (a blob over half a landscape) is not output, nor a track
 * whose centroid is within edge_px of the image border (an object cut by
 * the border, or the codec's and the AGC's edge artefacts; a target
 * coming in is output a few frames later).
 *
 * Strength: a track is output only once it has matched a detection of
 * SNR at least min_peak_snr (the largest SNR of its matched detections is
 * remembered per id). On AGC video most clutter tracks that survive the
 * rules above (isolated texture flicker, a tree or a fence post in a
 * quiet neighbourhood, waves drifting out of the busy cells) never
 * reach SNR 10 while the real targets nearly all do at some point; with
 * this rule max_clutter could be raised from 0.5 to 1 (fewer real
 * targets held back by a busy neighbourhood). The bar rises with the
 * clutter where the track is: min_peak_snr + snr_per_clutter x the
 * excess rate (the 3x3 rate less the track's own share, when above 0;
 * the same excess the clutter rule uses), evaluated every frame. A busy
 * neighbourhood makes strong noise peaks too, so a track there must
 * have been clearer (5 per detection per frame: SNR 15 at an excess of
 * 1, the clutter bound), while a target alone on the sky keeps the bar
 * of 10; passed tracks are held to it as well (a wave or a branch that
 * drifted 40 px is rarely strong).
 *
 * Then one object, one track: a close helicopter or airplane makes several
 * components (rotor, body, exhaust) that the tracker may follow as
 * separate tracks, each an extra false positive. Of the output tracks
 * whose boxes, grown by group_px on every side, meet, only the one with
 * the largest box is output (ties: the lowest id).
 *
 * Cost: O(detections + cells + tracks^2) per frame (tracks: the output
 * ones, a handful); state 4 bytes per cell plus
 * O(max_tracks). Nothing is allocated after init.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_int.h"

int wl__clutter_gate_init(wl__clutter_gate_t *g, int width, int height,
                          size_t max_tracks, wl_err_t *err) {
  memset(g, 0, sizeof *g);
  g->cell_px = 16;
  g->cols = (width + g->cell_px - 1) / g->cell_px;
  g->rows = (height + g->cell_px - 1) / g->cell_px;
  g->alpha = 1.0f / 32;
  g->max_clutter = 1.0f;
  g->pass_px = 40;
  g->group_px = 3;
  g->pass_frames = 60;
  g->line_px = 16;
  g->line_aspect = 4;
  g->max_area = 4000;
  g->edge_px = 6;
  g->width = width;
  g->height = height;
  g->pan_px_s = 20;
  g->pan_match = 0.7f;
  g->pan_clutter = 0.1f;
  g->slow_frames = 240;
  g->slow_cos = 0.9f;
  g->slow_clutter = 4;
  g->min_peak_snr = 10;
  g->snr_per_clutter = 5;
  g->cap = max_tracks;
  g->rate = calloc((size_t)g->cols * (size_t)g->rows, sizeof *g->rate);
  g->mem = calloc(max_tracks, sizeof *g->mem);
  g->mem_next = calloc(max_tracks, sizeof *g->mem_next);
  g->out = calloc(max_tracks, sizeof *g->out);
  if (!g->rate || !g->mem || !g->mem_next || !g->out)
    return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  return WL_OK;
}

void wl__clutter_gate_free(wl__clutter_gate_t *g) {
  free(g->rate);
  free(g->mem);
  free(g->mem_next);
  free(g->out);
  memset(g, 0, sizeof *g);
}

/* The cell of (x, y), clamped to the grid: a filtered centroid can sit a
 * little outside the image. 0 for a NaN. */
static int cell_of(const wl__clutter_gate_t *g, double x, double y, int *cx,
                   int *cy) {
  if (!(x == x && y == y)) return 0;
  double c = x / g->cell_px, r = y / g->cell_px;
  *cx = c < 0 ? 0 : c >= g->cols ? g->cols - 1 : (int)c;
  *cy = r < 0 ? 0 : r >= g->rows ? g->rows - 1 : (int)r;
  return 1;
}

void wl__clutter_gate_learn(wl__clutter_gate_t *g,
                            const wl_detection_t *dets, size_t n) {
  size_t cells = (size_t)g->cols * (size_t)g->rows;
  float keep = 1 - g->alpha;
  for (size_t i = 0; i < cells; i++) g->rate[i] *= keep;
  for (size_t i = 0; i < n; i++) {
    int c, r;
    if (cell_of(g, dets[i].cx, dets[i].cy, &c, &r))
      g->rate[(size_t)r * (size_t)g->cols + (size_t)c] += g->alpha;
  }
}

/* Detections per frame in the 3x3 cells around (x, y); at the image
 * border, the mean of the cells inside times 9 (the sea or the ground
 * along the bottom edge is as busy as further in). */
static double clutter_at(const wl__clutter_gate_t *g, double x, double y) {
  int c, r;
  if (!cell_of(g, x, y, &c, &r)) return 0;
  double s = 0;
  int k = 0;
  for (int dr = -1; dr <= 1; dr++)
    for (int dc = -1; dc <= 1; dc++) {
      int rr = r + dr, cc = c + dc;
      if (rr < 0 || cc < 0 || rr >= g->rows || cc >= g->cols) continue;
      s += g->rate[(size_t)rr * (size_t)g->cols + (size_t)cc];
      k++;
    }
  return s * 9 / k;
}

/* Whether the track's box could be one compact object: not a line (a
 * cloud edge, the horizon, a pole: long side at least line_px and at
 * least line_aspect times the short side) nor huge (area above max_area,
 * a blob over half a landscape after an AGC jump). */
static int shape_ok(const wl__clutter_gate_t *g, const wl_track_t *t) {
  double lo = t->w < t->h ? t->w : t->h, hi = t->w < t->h ? t->h : t->w;
  if (g->line_px > 0 && hi >= g->line_px && hi >= g->line_aspect * lo)
    return 0;
  if (g->max_area > 0 && t->w * t->h > g->max_area) return 0;
  double e = g->edge_px;
  if (e > 0 && !(t->cx >= e && t->cy >= e && t->cx <= g->width - e &&
                 t->cy <= g->height - e))
    return 0;
  return 1;
}

/* Whether the boxes of a and b, each grown by m px on every side, meet. */
static int boxes_meet(const wl_track_t *a, const wl_track_t *b, double m) {
  return a->x - m < b->x + b->w + m && b->x - m < a->x + a->w + m &&
         a->y - m < b->y + b->h + m && b->y - m < a->y + a->h + m;
}

/* The track's own share of the clutter rate: this frame's detections
 * whose centroids lie in its box grown by group_px (its fragments), at
 * least 1. */
static double own_detections(const wl__clutter_gate_t *g, const wl_track_t *t,
                             const wl_detection_t *d, size_t n) {
  double m = g->group_px;
  int k = 0;
  for (size_t i = 0; i < n; i++)
    if (d[i].cx >= t->x - m && d[i].cx < t->x + t->w + m &&
        d[i].cy >= t->y - m && d[i].cy < t->y + t->h + m)
      k++;
  return k > 1 ? k : 1;
}

/* One object, one track: of output tracks whose boxes (grown by group_px)
 * meet, only the one with the largest box is kept. A close helicopter or
 * airplane makes several components (rotor, body, exhaust) that the
 * tracker may follow as separate tracks. */
static void group_tracks(wl__clutter_gate_t *g) {
  /* Decide every drop first (mem_next, free after the swap in
   * wl__clutter_gate_filter, holds the decisions), then compact. */
  for (size_t i = 0; i < g->n_out; i++) {
    const wl_track_t *a = &g->out[i];
    double area = a->w * a->h;
    int d = 0;
    for (size_t j = 0; j < g->n_out && !d; j++) {
      const wl_track_t *b = &g->out[j];
      if (j == i || !boxes_meet(a, b, g->group_px)) continue;
      double area_b = b->w * b->h;
      d = area_b > area || (area_b == area && j < i);
    }
    g->mem_next[i].passed = d;
  }
  size_t k = 0;
  for (size_t i = 0; i < g->n_out; i++)
    if (!g->mem_next[i].passed) g->out[k++] = g->out[i];
  g->n_out = k;
}

void wl__clutter_gate_filter(wl__clutter_gate_t *g, const wl_track_t *all,
                             size_t n_all, const wl_track_t *conf,
                             size_t n_conf, const wl_detection_t *dets,
                             size_t n_dets) {
  /* Merge the remembered first positions with the live tracks (both in
   * increasing id order); tracks no longer live are forgotten. */
  size_t j = 0, n_next = 0;
  for (size_t i = 0; i < n_all && n_next < g->cap; i++) {
    while (j < g->n_mem && g->mem[j].id < all[i].id) j++;
    wl__gate_track_t m;
    if (j < g->n_mem && g->mem[j].id == all[i].id) {
      m = g->mem[j];
    } else {
      m.id = all[i].id;
      m.x0 = (float)all[i].cx;
      m.y0 = (float)all[i].cy;
      m.sx0 = (float)(all[i].cx - g->ox);
      m.sy0 = (float)(all[i].cy - g->oy);
      m.passed = 0;
      m.age0 = all[i].age;
      m.bx0 = m.x0;
      m.by0 = m.y0;
      m.bsx0 = m.sx0;
      m.bsy0 = m.sy0;
      m.bage0 = m.age0;
      m.peak_snr = 0;
    }
    if (all[i].det_index >= 0 && all[i].snr > m.peak_snr)
      m.peak_snr = (float)all[i].snr;
    /* The displacement must come within pass_frames: a new anchor when
     * the old one is older (a wave or a branch wanders off slowly). */
    if (!m.passed && g->pass_frames > 0 &&
        all[i].age - m.age0 > g->pass_frames) {
      m.x0 = (float)all[i].cx;
      m.y0 = (float)all[i].cy;
      m.sx0 = (float)(all[i].cx - g->ox);
      m.sy0 = (float)(all[i].cy - g->oy);
      m.age0 = all[i].age;
    }
    if (!m.passed &&
        hypot(all[i].cx - m.x0, all[i].cy - m.y0) >= g->pass_px &&
        hypot(all[i].cx - g->ox - m.sx0, all[i].cy - g->oy - m.sy0) >=
            g->pass_px)
      m.passed = 1;
    if (!m.passed && g->slow_frames > 0 &&
        all[i].age - m.bage0 <= g->slow_frames) {
      double dx = all[i].cx - m.bx0, dy = all[i].cy - m.by0;
      double d = hypot(dx, dy), v = hypot(all[i].vx, all[i].vy);
      if (d >= g->pass_px &&
          hypot(all[i].cx - g->ox - m.bsx0, all[i].cy - g->oy - m.bsy0) >=
              g->pass_px &&
          v > 0 && (dx * all[i].vx + dy * all[i].vy) >= g->slow_cos * d * v &&
          clutter_at(g, all[i].cx, all[i].cy) <= g->slow_clutter)
        m.passed = 1;
    }
    g->mem_next[n_next++] = m;
  }
  wl__gate_track_t *t = g->mem;
  g->mem = g->mem_next;
  g->mem_next = t;
  g->n_mem = n_next;

  double pan_speed = hypot(g->vx, g->vy);
  int pan = g->pan_px_s > 0 && pan_speed >= g->pan_px_s;
  g->n_out = 0;
  j = 0;
  for (size_t i = 0; i < n_conf && g->n_out < g->cap; i++) {
    while (j < g->n_mem && g->mem[j].id < conf[i].id) j++;
    int known = j < g->n_mem && g->mem[j].id == conf[i].id;
    int passed = known && g->mem[j].passed;
    double excess = clutter_at(g, conf[i].cx, conf[i].cy) -
                    own_detections(g, &conf[i], dets, n_dets);
    /* Strength: a track that never matched a clear detection is clutter
     * (compression blocks, texture flicker), wherever it goes; the
     * busier its neighbourhood, the clearer it must have been. */
    if (g->min_peak_snr > 0 &&
        !(known && g->mem[j].peak_snr >=
                       g->min_peak_snr +
                           g->snr_per_clutter * (excess > 0 ? excess : 0)))
      continue;
    if (pan && excess > g->pan_clutter &&
        hypot(conf[i].vx - g->vx, conf[i].vy - g->vy) <
            g->pan_match * pan_speed)
      continue;
    if (!passed && excess > g->max_clutter) continue;
    if (!shape_ok(g, &conf[i])) continue;
    g->out[g->n_out++] = conf[i];
  }
  group_tracks(g);
}

void wl__clutter_gate_set_offset(wl__clutter_gate_t *g, double ox,
                                 double oy, double vx, double vy) {
  g->ox = ox;
  g->oy = oy;
  g->vx = vx;
  g->vy = vy;
}

size_t wl__clutter_gate_bytes(const wl__clutter_gate_t *g) {
  return (size_t)g->cols * (size_t)g->rows * sizeof *g->rate +
         g->cap * (2 * sizeof *g->mem + sizeof *g->out);
}
