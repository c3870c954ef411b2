/*
 * spatial_8bit.c - single-image detection for 8-bit AGC video
 * (pipeline_int.h): a target that does not move in the image (a head-on
 * airplane, a helicopter or an airplane the camera follows, a hovering
 * drone) is learnt into the motion detector's temporal background, or
 * never leaves it, although it is plainly visible as a compact warm spot
 * on sky or cloud. Two parts, both only for 8-bit non-radiometric input:
 *
 * 1. Static spots (wl__spatial8_spots, after the tracker and the clutter
 *    gate). In the central window of the frame (border_frac of the width
 *    and height off each side: AGC video carries static text and symbols
 *    near its borders), a pixel is a spot when it is a local maximum (3x3)
 *    and brighter by at least max(spot_min_dn, spot_min_noise x the
 *    frame's temporal noise) than every one of 16 samples on the square
 *    ring at Chebyshev distance ring_px (6) around it: a compact warm
 *    object up to ~10 px across; a line (horizon, cloud edge, roof, pole)
 *    has ring samples on itself and fails. The ring must also be flat:
 *    its spread (max - min) at most spot_flat (0.3) of the spot's
 *    contrast: sky or cloud around it, not ground texture. Spots are
 *    strung into sites (a spot within site_px renews the nearest site,
 *    whose position follows it slowly; a site unseen for site_idle frames
 *    is dropped). A site seen in this frame, in site_hits (10) frames or
 *    more and in site_frac (0.8) of its frames since born, is output as a
 *    confirmed track (a 6x6 px box at the site) unless a gate track's box
 *    grown by 3 px covers it (the temporal track wins) -- and only while
 *    it is the only such site in the frame (max_sites_out 1): a scene with
 *    several steady warm spots (lamps, lit windows, bright objects on a
 *    field) is not a sky with one target in it. A site takes its id from
 *    the tracker's counter (wl__tracker_take_id) when it is first output
 *    and keeps it while it lives: never a tracker track's id, unique over
 *    the stream, increasing in order of birth like the tracker's, and a
 *    valid MOT id (before: 2^62 + n, which `watchline eval mot` refused
 *    and JavaScript rounds). The sites are put among the gate's tracks by
 *    id, so the output stays in increasing id order (the reporter needs
 *    it).
 *    Cost: one pass over the central pixels with 16 signed 16-bit maxima
 *    per pixel (vectorised; -O3 like global_motion.c) and a second pass
 *    only over rows whose best contrast reaches the threshold.
 *
 * 2. Continuation (wl__spatial8_continue, before the tracker's update):
 *    for each live confirmed or lost track that has been output, whose
 *    predicted box (grown by near_px) holds no centroid of this frame's
 *    motion detections, the frame is examined in a small window (the
 *    predicted box grown by a quarter of its long side, at least 2 px)
 *    against a ring around it (the window grown by half the long side, at
 *    least 4 px; clipped to the image). The window's extreme pixel of
 *    either polarity against the ring's mean is the peak; its SNR is the
 *    peak over the ring's standard deviation (at least the frame's
 *    temporal noise). A spot of SNR >= min_snr (4) whose half-peak pixels
 *    are compact (at most max_ring_frac of the ring's pixels reach half
 *    the peak too) becomes a detection (bounding box, area and
 *    contrast-weighted centroid of the window's half-peak pixels) that the
 *    tracker associates as any other. A track kept only by such
 *    detections for max_frames frames is left to die. Nothing new is
 *    confirmed this way.
 *    Cost: O(window + ring) per such track.
 *
 * State: one row of int16 (width), 64 sites, the output array (max_tracks
 * + 64 tracks) and two id lists of max_tracks entries; nothing is
 * allocated after init.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_int.h"
#include "../track/track_int.h"

int wl__spatial8_init(wl__spatial8_t *sp, int width, size_t max_tracks,
                      wl_err_t *err) {
  memset(sp, 0, sizeof *sp);
  sp->ring_px = 6;
  sp->spot_min_dn = 30.0f;
  sp->spot_min_noise = 8.0f;
  sp->spot_flat = 0.3f;
  sp->site_px = 3.0f;
  sp->site_hits = 10;
  sp->site_frac = 0.8f;
  sp->site_idle = 10;
  sp->max_sites = 64;
  sp->border_frac = 0.15f;
  sp->max_sites_out = 1;
  sp->width = width;
  sp->row = calloc((size_t)width, sizeof *sp->row);
  sp->sites = calloc((size_t)sp->max_sites, sizeof *sp->sites);
  sp->out = calloc(max_tracks + (size_t)sp->max_sites, sizeof *sp->out);
  if (!sp->row || !sp->sites || !sp->out)
    return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  sp->near_px = 3.0f;
  sp->min_snr = 4.0f;
  sp->max_ring_frac = 0.1f;
  sp->max_frames = 300;
  sp->cap = max_tracks;
  sp->mem = calloc(max_tracks, sizeof *sp->mem);
  sp->mem_next = calloc(max_tracks, sizeof *sp->mem_next);
  sp->ids = calloc(max_tracks, sizeof *sp->ids);
  sp->ids_next = calloc(max_tracks, sizeof *sp->ids_next);
  if (!sp->mem || !sp->mem_next || !sp->ids || !sp->ids_next)
    return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  return WL_OK;
}

void wl__spatial8_free(wl__spatial8_t *sp) {
  free(sp->mem);
  free(sp->mem_next);
  free(sp->ids);
  free(sp->ids_next);
  free(sp->row);
  free(sp->sites);
  free(sp->out);
  sp->row = NULL;
  sp->sites = NULL;
  sp->out = NULL;
  sp->mem = sp->mem_next = NULL;
  sp->ids = sp->ids_next = NULL;
  sp->cap = sp->n_mem = sp->n_ids = 0;
}

size_t wl__spatial8_bytes(const wl__spatial8_t *sp) {
  return 2 * sp->cap * (sizeof *sp->mem + sizeof *sp->ids) +
         (size_t)sp->width * sizeof *sp->row +
         (size_t)sp->max_sites * sizeof *sp->sites +
         (sp->cap + (size_t)sp->max_sites) * sizeof *sp->out;
}

static int was_output(const wl__spatial8_t *sp, uint64_t id) {
  return wl__has_id(sp->ids, sp->n_ids, id);
}

void wl__spatial8_note_output(wl__spatial8_t *sp, const wl_track_t *all,
                              size_t n_all, const wl_track_t *out,
                              size_t n_out) {
  size_t n = 0;
  for (size_t i = 0; i < n_all && n < sp->cap; i++) {
    int keep = was_output(sp, all[i].id);
    for (size_t k = 0; k < n_out && !keep; k++) keep = out[k].id == all[i].id;
    if (keep) sp->ids_next[n++] = all[i].id;
  }
  uint64_t *tmp = sp->ids;
  sp->ids = sp->ids_next;
  sp->ids_next = tmp;
  sp->n_ids = n;
}

/* Spatial-only frames of track id so far (0 if unknown). */
static int spatial_frames(const wl__spatial8_t *sp, uint64_t id) {
  for (size_t i = 0; i < sp->n_mem; i++)
    if (sp->mem[i].id == id) return sp->mem[i].frames;
  return 0;
}

/* Look for the track's target around (px, py) in the frame; 1 and *d
 * filled when found. */
static int find_spot(const wl__spatial8_t *sp, const uint16_t *img, int width,
                     int height, double noise, double pcx, double pcy,
                     double bw, double bh, wl_detection_t *d) {
  double lng = bw > bh ? bw : bh;
  double m = fmax(2.0, 0.25 * lng), r = fmax(4.0, 0.5 * lng);
  int sx0 = (int)floor(pcx - 0.5 * bw - m), sx1 = (int)ceil(pcx + 0.5 * bw + m);
  int sy0 = (int)floor(pcy - 0.5 * bh - m), sy1 = (int)ceil(pcy + 0.5 * bh + m);
  int rx0 = (int)floor(sx0 - r), rx1 = (int)ceil(sx1 + r);
  int ry0 = (int)floor(sy0 - r), ry1 = (int)ceil(sy1 + r);
  if (sx0 < 0) sx0 = 0;
  if (sy0 < 0) sy0 = 0;
  if (sx1 > width) sx1 = width;
  if (sy1 > height) sy1 = height;
  if (rx0 < 0) rx0 = 0;
  if (ry0 < 0) ry0 = 0;
  if (rx1 > width) rx1 = width;
  if (ry1 > height) ry1 = height;
  if (sx1 - sx0 < 1 || sy1 - sy0 < 1) return 0;
  /* Ring statistics. */
  double s = 0, s2 = 0;
  long n = 0;
  for (int y = ry0; y < ry1; y++) {
    int inside_rows = y >= sy0 && y < sy1;
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = rx0; x < rx1; x++) {
      if (inside_rows && x >= sx0 && x < sx1) continue;
      double v = row[x];
      s += v;
      s2 += v * v;
      n++;
    }
  }
  if (n < 16) return 0;
  double mean = s / (double)n;
  double var = s2 / (double)n - mean * mean;
  double sd = var > 0 ? sqrt(var) : 0.0;
  if (sd < noise) sd = noise;
  /* Peak of either polarity in the window. */
  int vmax = 0, vmin = 65535;
  for (int y = sy0; y < sy1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = sx0; x < sx1; x++) {
      if (row[x] > vmax) vmax = row[x];
      if (row[x] < vmin) vmin = row[x];
    }
  }
  double up = vmax - mean, down = mean - vmin;
  int pol = up >= down ? 1 : -1;
  double peak = pol > 0 ? up : down;
  if (peak <= 0 || peak < sp->min_snr * sd) return 0;
  double half = 0.5 * peak;
  /* Compactness: few ring pixels reach half the peak. */
  long ring_hi = 0;
  for (int y = ry0; y < ry1; y++) {
    int inside_rows = y >= sy0 && y < sy1;
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = rx0; x < rx1; x++) {
      if (inside_rows && x >= sx0 && x < sx1) continue;
      if (pol * (row[x] - mean) >= half) ring_hi++;
    }
  }
  if ((double)ring_hi > sp->max_ring_frac * (double)n) return 0;
  /* The half-peak pixels of the window. */
  int bx0 = sx1, bx1 = -1, by0 = sy1, by1 = -1, area = 0;
  double sw = 0, swx = 0, swy = 0;
  for (int y = sy0; y < sy1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    for (int x = sx0; x < sx1; x++) {
      double c = pol * (row[x] - mean);
      if (c < half) continue;
      area++;
      sw += c;
      swx += c * (x + 0.5);
      swy += c * (y + 0.5);
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      if (y > by1) by1 = y;
    }
  }
  if (area == 0 || sw <= 0) return 0;
  memset(d, 0, sizeof *d);
  d->x = bx0;
  d->y = by0;
  d->w = bx1 - bx0 + 1;
  d->h = by1 - by0 + 1;
  d->cx = swx / sw;
  d->cy = swy / sw;
  d->area = area;
  d->polarity = pol;
  d->peak_contrast = pol * peak;
  d->snr = peak / sd;
  return 1;
}

size_t wl__spatial8_continue(wl__spatial8_t *sp, const uint16_t *img,
                             int width, int height, double noise, double dt_s,
                             const wl_track_t *tracks, size_t n_tracks,
                             wl_detection_t *dets, size_t n_dets,
                             size_t max_dets) {
  size_t n0 = n_dets, n_next = 0;
  for (size_t i = 0; i < n_tracks; i++) {
    const wl_track_t *t = &tracks[i];
    if (t->state == WL_TRACK_TENTATIVE || !was_output(sp, t->id)) continue;
    double pcx = t->cx + t->vx * dt_s, pcy = t->cy + t->vy * dt_s;
    double hw = 0.5 * t->w + sp->near_px, hh = 0.5 * t->h + sp->near_px;
    int near = 0;
    for (size_t k = 0; k < n0 && !near; k++)
      near = fabs(dets[k].cx - pcx) <= hw && fabs(dets[k].cy - pcy) <= hh;
    int frames = spatial_frames(sp, t->id);
    if (near) continue; /* forgotten: a motion detection renews it */
    if (frames >= sp->max_frames || n_dets >= max_dets) {
      if (n_next < sp->cap) {
        sp->mem_next[n_next].id = t->id;
        sp->mem_next[n_next++].frames = frames;
      }
      continue;
    }
    if (find_spot(sp, img, width, height, noise, pcx, pcy, t->w, t->h,
                  &dets[n_dets])) {
      n_dets++;
      frames++;
    }
    if (n_next < sp->cap) {
      sp->mem_next[n_next].id = t->id;
      sp->mem_next[n_next++].frames = frames;
    }
  }
  wl__spatial8_mem_t *tmp = sp->mem;
  sp->mem = sp->mem_next;
  sp->mem_next = tmp;
  sp->n_mem = n_next;
  return n_dets;
}

/* ---- Static spots ------------------------------------------------------ */

#define RMAX(a, v) ((int16_t)(v) > (a) ? (int16_t)(v) : (a))

/* m[x] for x0 <= x < x1: the largest of 16 samples on the square ring at
 * Chebyshev distance r around c[x] (row stride w; h2 = r / 2), as signed
 * 16-bit values (8-bit data; SSE2 has a signed 16-bit max). restrict: the
 * output does not alias the image, so the loop vectorises. Returns the
 * row's largest c[x] - m[x], so that most rows need no second pass. */
static int ring_max(int16_t *restrict m, const uint16_t *restrict c,
                    size_t w, int r, int h2, int x0, int x1) {
  const uint16_t *restrict up = c - (size_t)r * w;
  const uint16_t *restrict dn = c + (size_t)r * w;
  const uint16_t *restrict uh = c - (size_t)h2 * w;
  const uint16_t *restrict dh = c + (size_t)h2 * w;
  int16_t best = INT16_MIN;
  for (int x = x0; x < x1; x++) {
    int16_t a = (int16_t)up[x - r];
    a = RMAX(a, up[x - h2]);
    a = RMAX(a, up[x]);
    a = RMAX(a, up[x + h2]);
    a = RMAX(a, up[x + r]);
    a = RMAX(a, dn[x - r]);
    a = RMAX(a, dn[x - h2]);
    a = RMAX(a, dn[x]);
    a = RMAX(a, dn[x + h2]);
    a = RMAX(a, dn[x + r]);
    a = RMAX(a, uh[x - r]);
    a = RMAX(a, uh[x + r]);
    a = RMAX(a, c[x - r]);
    a = RMAX(a, c[x + r]);
    a = RMAX(a, dh[x - r]);
    a = RMAX(a, dh[x + r]);
    m[x] = a;
    int16_t d = (int16_t)((int16_t)c[x] - a);
    best = d > best ? d : best;
  }
  return best;
}

/* Renew the nearest site within site_px of (x, y) or make a new one. */
static void spot_seen(wl__spatial8_t *sp, double x, double y, float c) {
  int best = -1;
  double bd = (double)sp->site_px * sp->site_px;
  for (int i = 0; i < sp->n_sites; i++) {
    wl__spot_site_t *s = &sp->sites[i];
    double dx = s->x - x, dy = s->y - y, d = dx * dx + dy * dy;
    if (d <= bd && s->idle > 0) {
      bd = d;
      best = i;
    }
  }
  if (best < 0) {
    if (sp->n_sites >= sp->max_sites) return;
    best = sp->n_sites++;
    wl__spot_site_t *s = &sp->sites[best];
    memset(s, 0, sizeof *s);
    s->x = x;
    s->y = y;
    s->idle = 1;
  }
  wl__spot_site_t *s = &sp->sites[best];
  s->x += 0.3 * (x - s->x);
  s->y += 0.3 * (y - s->y);
  s->contrast = c;
  s->hits++;
  s->idle = 0;
}

void wl__spatial8_spots(wl__spatial8_t *sp, const uint16_t *img, int width,
                        int height, double noise, int64_t t_ns,
                        const wl__clutter_gate_t *gate, wl_tracker_t *tr) {
  int r = sp->ring_px, h2 = r / 2;
  int thr = (int)ceil(fmax(sp->spot_min_dn, sp->spot_min_noise * noise));
  for (int i = 0; i < sp->n_sites; i++) {
    sp->sites[i].idle++;
    sp->sites[i].frames++;
  }
  /* The central window only (AGC video carries static overlays, text
   * and symbols, near its borders; see global_motion.c). */
  int mx = (int)(sp->border_frac * width), my = (int)(sp->border_frac * height);
  int x0 = mx > r ? mx : r, x1 = width - x0;
  int y0 = my > r ? my : r, y1 = height - y0;
  for (int y = y0; y < y1 && x1 > x0; y++) {
    const uint16_t *c = img + (size_t)y * (size_t)width;
    const uint16_t *up = c - (size_t)r * (size_t)width;
    const uint16_t *dn = c + (size_t)r * (size_t)width;
    const uint16_t *uh = c - (size_t)h2 * (size_t)width;
    const uint16_t *dh = c + (size_t)h2 * (size_t)width;
    int16_t *m = sp->row;
    if (ring_max(m, c, (size_t)width, r, h2, x0, x1) < thr) continue;
    for (int x = x0; x < x1; x++) {
      int v = c[x];
      if (v - m[x] < thr) continue;
      /* A local maximum (first of equal neighbours in raster order). */
      if (c[x - 1] >= v || c[x + 1] > v) continue;
      const uint16_t *pu = c - width, *pd = c + width;
      if (pu[x - 1] >= v || pu[x] >= v || pu[x + 1] >= v || pd[x - 1] > v ||
          pd[x] > v || pd[x + 1] > v)
        continue;
      /* The ring is flat (sky), not ground texture. */
      int lo = up[x - r];
      const uint16_t *smp[16] = {up + x - r, up + x - h2, up + x, up + x + h2,
                                 up + x + r, dn + x - r, dn + x - h2, dn + x,
                                 dn + x + h2, dn + x + r, uh + x - r,
                                 uh + x + r, c + x - r, c + x + r,
                                 dh + x - r, dh + x + r};
      for (int k = 0; k < 16; k++) lo = *smp[k] < lo ? *smp[k] : lo;
      float con = (float)(v - m[x]);
      if ((float)(m[x] - lo) > sp->spot_flat * con) continue;
      spot_seen(sp, x + 0.5, y + 0.5, con);
    }
  }
  /* Drop idle sites. */
  int n = 0;
  for (int i = 0; i < sp->n_sites; i++)
    if (sp->sites[i].idle <= sp->site_idle) sp->sites[n++] = sp->sites[i];
  sp->n_sites = n;
  wl__spatial8_output(sp, gate, tr, t_ns);
}

/* Is site s output in this frame: seen in it, in site_hits frames and
 * site_frac of its frames, not near the border and not covered by a gate
 * track's box grown by 3 px (the temporal track wins)? */
static int site_due(const wl__spatial8_t *sp, const wl__clutter_gate_t *gate,
                    const wl__spot_site_t *s) {
  if (s->idle > 0 || s->hits < sp->site_hits ||
      (float)s->hits < sp->site_frac * (float)s->frames)
    return 0;
  if (s->x < gate->edge_px || s->y < gate->edge_px ||
      s->x > gate->width - gate->edge_px ||
      s->y > gate->height - gate->edge_px)
    return 0;
  for (size_t k = 0; k < gate->n_out; k++) {
    const wl_track_t *t = &gate->out[k];
    if (s->x >= t->x - 3 && s->x <= t->x + t->w + 3 && s->y >= t->y - 3 &&
        s->y <= t->y + t->h + 3)
      return 0;
  }
  return 1;
}

/* Put t into out[0 .. n) (increasing ids; room for one more) at its
 * place by id. */
static void insert_by_id(wl_track_t *out, size_t n, const wl_track_t *t) {
  size_t k = n;
  for (; k > 0 && out[k - 1].id > t->id; k--) out[k] = out[k - 1];
  out[k] = *t;
}

void wl__spatial8_output(wl__spatial8_t *sp, const wl__clutter_gate_t *gate,
                         wl_tracker_t *tr, int64_t t_ns) {
  size_t n = gate->n_out;
  memcpy(sp->out, gate->out, n * sizeof *sp->out);
  sp->n_out = n;
  int due = 0;
  for (int i = 0; i < sp->n_sites; i++)
    due += site_due(sp, gate, &sp->sites[i]);
  if (due > sp->max_sites_out)
    return; /* a scene full of static spots: lamps, ground */
  for (int i = 0; i < sp->n_sites; i++) {
    wl__spot_site_t *s = &sp->sites[i];
    if (!site_due(sp, gate, s)) continue;
    if (s->id == 0) s->id = wl__tracker_take_id(tr);
    wl_track_t o;
    memset(&o, 0, sizeof o);
    o.id = s->id;
    o.state = WL_TRACK_CONFIRMED;
    o.w = o.h = 6;
    o.x = s->x - 3;
    o.y = s->y - 3;
    o.cx = s->x;
    o.cy = s->y;
    o.age = s->frames;
    o.hits = s->hits;
    o.contrast = s->contrast;
    o.det_index = -1;
    o.t_last_hit_ns = t_ns;
    insert_by_id(sp->out, n++, &o);
  }
  sp->n_out = n;
}
