/*
 * global_motion.c - a cheap estimate of the whole-image shift between
 * consecutive frames (camera pan and tilt), for 8-bit AGC video
 * (pipeline_int.h).
 *
 * A camera that pans or tilts to follow a target moves the ground through
 * the image; the temporal detector then fires on the ground's edges and
 * the tracker strings those detections into tracks that move with the
 * image. Knowing the shift lets the clutter gate measure a track's
 * displacement over the scene (image position less the accumulated shift)
 * instead of over the image, and tell a track that moves with the ground
 * from a target.
 *
 * Design, in the central 70 % of the frame (AGC video often carries a
 * static overlay near the borders): the column sums of each of 4 bands of
 * rows and the row sums of each of 4 bands of columns (one pass over the
 * pixels, adds only) are differentiated (central difference: an AGC
 * offset cancels), less their slow temporal mean (rate 1/32: column and
 * row fixed pattern, vignetting, overlay and a target that the camera
 * follows stay put on the sensor; a scene moving through the image is
 * smeared in the mean) and scaled to unit mean absolute value (an AGC gain
 * cancels). Per axis, the band with the most remaining structure (ground
 * moving through the image rather than sky) is matched against the same
 * band of a key frame: the shift s in [-max_shift, max_shift] that
 * minimises the mean absolute difference over the overlap, refined to
 * sub-pixel by a parabola. Key frames, not the previous frame, because
 * compressed AGC video often repeats frames and then jumps several pixels;
 * a new key frame is taken every key_frames frames or when the shift
 * passes max_shift / 2. An estimate is kept only when the band has
 * structure (mean absolute derivative at least min_structure DN per row
 * or column, in both frames) and its best cost is at most max_ratio times
 * the cost of no shift; otherwise the shift is 0. min_structure keeps a
 * small target's own edges (the one thing that moves over a static
 * background) from being taken for a pan.
 *
 * Cost: O(pixels) adds plus O((width + height) x max_shift) per frame;
 * state 25 floats per column and row. Nothing is allocated after init.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_int.h"

int wl__global_motion_init(wl__global_motion_t *gm, int width, int height,
                           wl_err_t *err) {
  memset(gm, 0, sizeof *gm);
  gm->width = width;
  gm->height = height;
  gm->max_shift = 24;
  gm->key_frames = 4;
  gm->vel_frames = 8;
  gm->max_ratio = 0.8f;
  gm->min_structure = 0.5f;
  gm->mean_alpha = 1.0f / 32;
  gm->x0 = width * 3 / 20;
  gm->x1 = width - gm->x0;
  gm->y0 = height * 3 / 20;
  gm->y1 = height - height * 3 / 20;
  size_t n = (size_t)width + (size_t)height;
  gm->buf = calloc(WL__GM_BUF(n), sizeof *gm->buf);
  gm->acc = calloc((size_t)width, sizeof *gm->acc);
  if (!gm->buf || !gm->acc)
    return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  return WL_OK;
}

void wl__global_motion_free(wl__global_motion_t *gm) {
  free(gm->buf);
  free(gm->acc);
  memset(gm, 0, sizeof *gm);
}

size_t wl__global_motion_bytes(const wl__global_motion_t *gm) {
  return WL__GM_BUF((size_t)gm->width + (size_t)gm->height) *
             sizeof *gm->buf +
         (size_t)gm->width * sizeof *gm->acc;
}

/* In place: central-difference derivative of p[0 .. n) less its slow
 * temporal mean m (updated at rate a), scaled to unit mean absolute value;
 * returns the mean absolute value before scaling (0: p all 0). What stays
 * put on the sensor (column and row fixed pattern, vignetting, overlay, a
 * target the camera follows) would pin the estimate at 0; a scene moving
 * through the image is smeared in the mean. */
static float normalise(float *p, float *m, float *tmp, int n, float a) {
  if (n < 3) {
    for (int i = 0; i < n; i++) p[i] = 0;
    return 0;
  }
  tmp[0] = tmp[n - 1] = 0;
  for (int i = 1; i < n - 1; i++) tmp[i] = 0.5f * (p[i + 1] - p[i - 1]);
  double s = 0;
  for (int i = 0; i < n; i++) {
    m[i] += a * (tmp[i] - m[i]);
    tmp[i] -= m[i];
    s += fabsf(tmp[i]);
  }
  float mean = (float)(s / (n - 2));
  float k = mean > 0 ? 1.0f / mean : 0.0f;
  for (int i = 0; i < n; i++) p[i] = tmp[i] * k;
  return mean;
}

/* Mean |cur[i] - prev[i - s]| over the overlap (ends excluded). */
static float cost_at(const float *cur, const float *prev, int n, int s) {
  int lo = 1 + (s > 0 ? s : 0), hi = n - 1 + (s < 0 ? s : 0);
  if (hi - lo < 8) return INFINITY;
  float c = 0;
  for (int i = lo; i < hi; i++) c += fabsf(cur[i] - prev[i - s]);
  return c / (float)(hi - lo);
}

/* The shift of this frame's band profiles p against the key frame's k
 * along one axis (band b at p + b * n and k + b * n; n samples); e[b],
 * ek[b]: the bands' structure in both frames. The band with the most
 * structure in both (the ground moving through the image rather than the
 * sky) is matched; 0 when no band has structure or the match is
 * ambiguous. */
static double band_shift(const wl__global_motion_t *gm, const float *p,
                         const float *k, const float *e, const float *ek,
                         int n, int *ok) {
  int bb = -1;
  *ok = 1;
  for (int b = 0; b < WL__GM_BANDS; b++)
    if (e[b] >= gm->min_structure && ek[b] >= gm->min_structure &&
        (bb < 0 || e[b] + ek[b] > e[bb] + ek[bb]))
      bb = b;
  if (bb < 0) return 0;
  const float *cur = p + (size_t)bb * (size_t)n;
  const float *key = k + (size_t)bb * (size_t)n;
  int r = gm->max_shift < n / 4 ? gm->max_shift : n / 4;
  float c0 = cost_at(cur, key, n, 0);
  float best = c0;
  int bs = 0;
  for (int s = -r; s <= r; s++) {
    float c = cost_at(cur, key, n, s);
    if (c < best) {
      best = c;
      bs = s;
    }
  }
  if (bs != 0 && !(best <= gm->max_ratio * c0)) {
    *ok = 0;
    return 0;
  }
  if (bs == -r || bs == r) return bs;
  float cm = cost_at(cur, key, n, bs - 1), cp = cost_at(cur, key, n, bs + 1);
  float den = cm - 2 * best + cp;
  float frac = den > 0 ? 0.5f * (cm - cp) / den : 0;
  if (frac > 0.5f) frac = 0.5f;
  if (frac < -0.5f) frac = -0.5f;
  return bs + frac;
}

void wl__global_motion_update(wl__global_motion_t *gm, const uint16_t *px,
                              int64_t t_ns) {
  /* The central window only: AGC video often carries a static overlay
   * (text, logo, battery) near the borders. Column profiles per band of
   * rows, row profiles per band of columns: the sky band where the
   * followed target stays put and the ground band that moves are apart. */
  int w = gm->x1 - gm->x0, h = gm->y1 - gm->y0, B = WL__GM_BANDS;
  size_t nw = (size_t)B * (size_t)w, nh = (size_t)B * (size_t)h;
  float *cx = gm->buf, *cy = cx + nw, *kx = cy + nh, *ky = kx + nw;
  float *mx = ky + nh, *my = mx + nw, *tmp = my + nh;
  /* Integer sums (they vectorise; float reductions would not). */
  uint32_t *acc = gm->acc;
  for (int b = 0; b < B; b++) {
    int ya = b * h / B, yb = (b + 1) * h / B;
    for (int x = 0; x < w; x++) acc[x] = 0;
    for (int y = ya; y < yb; y++) {
      const uint16_t *row =
          px + (size_t)(y + gm->y0) * (size_t)gm->width + (size_t)gm->x0;
      for (int x = 0; x < w; x++) acc[x] += row[x];
      for (int c = 0; c < B; c++) {
        int xa = c * w / B, xb = (c + 1) * w / B;
        uint32_t s = 0;
        for (int x = xa; x < xb; x++) s += row[x];
        cy[(size_t)c * (size_t)h + (size_t)y] = (float)s;
      }
    }
    float *bx = cx + (size_t)b * (size_t)w;
    for (int x = 0; x < w; x++) bx[x] = (float)acc[x];
  }
  float a = gm->have_prev ? gm->mean_alpha : 1.0f;
  float ex[WL__GM_BANDS], ey[WL__GM_BANDS];
  for (int b = 0; b < B; b++) {
    size_t ox = (size_t)b * (size_t)w, oy = (size_t)b * (size_t)h;
    ex[b] = normalise(cx + ox, mx + ox, tmp, w, a) / (float)(h / B);
    ey[b] = normalise(cy + oy, my + oy, tmp, h, a) / (float)(w / B);
  }
  /* Against a key frame, not the previous frame: compressed AGC video
   * often repeats frames and then jumps several pixels, and per-frame
   * sub-pixel estimates would add up their bias. */
  double ox = gm->key_ox, oy = gm->key_oy;
  int ok_x = 1, ok_y = 1;
  if (gm->have_prev) {
    ox += band_shift(gm, cx, kx, ex, gm->key_ex, w, &ok_x);
    oy += band_shift(gm, cy, ky, ey, gm->key_ey, h, &ok_y);
  }
  gm->dx = (float)(ox - gm->ox);
  gm->dy = (float)(oy - gm->oy);
  gm->ox = ox;
  gm->oy = oy;
  /* Camera velocity, px/s: the shifts come in jumps between repeated
   * frames, so a running mean over about vel_frames frames. */
  double dt = gm->have_prev ? (double)(t_ns - gm->t_ns) * 1e-9 : 0;
  if (dt > 0 && dt < 1) {
    double k = 1.0 / gm->vel_frames;
    gm->vx += k * (gm->dx / dt - gm->vx);
    gm->vy += k * (gm->dy / dt - gm->vy);
  }
  gm->t_ns = t_ns;
  gm->key_age++;
  /* No new key frame after an ambiguous match (the shift since the key
   * frame would be lost) unless the key frame is very old. */
  int due = gm->key_age >= gm->key_frames ||
            fabs(ox - gm->key_ox) > gm->max_shift / 2 ||
            fabs(oy - gm->key_oy) > gm->max_shift / 2;
  if (!gm->have_prev || (due && ok_x && ok_y) ||
      gm->key_age >= 4 * gm->key_frames) {
    memcpy(kx, cx, nw * sizeof *cx);
    memcpy(ky, cy, nh * sizeof *cy);
    memcpy(gm->key_ex, ex, sizeof ex);
    memcpy(gm->key_ey, ey, sizeof ey);
    gm->key_ox = ox;
    gm->key_oy = oy;
    gm->key_age = 0;
  }
  gm->have_prev = 1;
}
