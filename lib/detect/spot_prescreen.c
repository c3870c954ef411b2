/*
 * spot_prescreen.c - the spot detector's first stage: the integral image,
 * the multi-scale contrast map and its local maxima (the candidates).
 *
 * Contrast at scale s: the mean of the (2h+1)^2 centre box minus the mean
 * of the square ring between Chebyshev radii RIN and ROUT (both from the
 * integral image: three box sums per pixel and scale, a loop over
 * contiguous rows that the compiler vectorises). Each 32x32 tile then
 * gets the mean m and mean absolute deviation d of that contrast, and the
 * prescreen map is the largest (contrast - m) / (1.2533 d + noise_floor /
 * (2h+1)) over the scales.
 * A candidate is a pixel whose map value reaches k_pre and is the largest
 * in its 5x5 neighbourhood (ties go to the first in raster order). The
 * WL__SPOT_CAND_CAP strongest are kept in a min-heap, then sorted
 * strongest first.
 *
 * The integral image is uint32 and wraps around: a box sum is a difference
 * of four entries, exact modulo 2^32, and every box holds at most
 * 35 x 35 x 65535 < 2^32, so the wrapped difference is the true sum.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spot_int.h"

void wl__spot_integral(wl_spot_t *ctx, const wl_frame_t *frame) {
  struct wl__spot_state *st = ctx->state_;
  const int P = WL__SPOT_PAD, w = frame->width, h = frame->height;
  const int iw = st->iw, pw = w + 2 * P;
  uint32_t *I = st->integral;
  memset(I, 0, (size_t)iw * sizeof *I);
  for (int py = 0; py < h + 2 * P; py++) {
    int sy = py - P < 0 ? 0 : py - P >= h ? h - 1 : py - P;
    const uint16_t *src = frame->data + (size_t)sy * (size_t)w;
    const uint32_t *prev = I + (size_t)py * (size_t)iw;
    uint32_t *out = I + (size_t)(py + 1) * (size_t)iw;
    uint32_t run = 0;
    out[0] = 0;
    for (int px = 0; px < P; px++) {
      run += src[0];
      out[px + 1] = prev[px + 1] + run;
    }
    for (int x = 0; x < w; x++) {
      run += src[x];
      out[P + x + 1] = prev[P + x + 1] + run;
    }
    for (int px = P + w; px < pw; px++) {
      run += src[w - 1];
      out[px + 1] = prev[px + 1] + run;
    }
  }
}

/* Contrast at one scale for every pixel, times polarity, into out. */
static void scale_contrast(const wl_spot_t *ctx, int s, int polarity,
                           float *out) {
  static const int half[] = WL__SPOT_HALF, rin[] = WL__SPOT_RIN,
                   rout[] = WL__SPOT_ROUT;
  const struct wl__spot_state *st = ctx->state_;
  const int P = WL__SPOT_PAD, w = ctx->width, h = ctx->height;
  const size_t iw = (size_t)st->iw;
  const int rc = half[s], ri = rin[s] - 1, ro = rout[s];
  const float nc = (float)((2 * rc + 1) * (2 * rc + 1));
  const float nr = (float)((2 * ro + 1) * (2 * ro + 1) -
                           (2 * ri + 1) * (2 * ri + 1));
  const float inv_c = (float)polarity / nc, inv_r = (float)polarity / nr;
  const uint32_t *I = st->integral;
  for (int y = 0; y < h; y++) {
    const int cy = y + P;
    const uint32_t *ca = I + (size_t)(cy - rc) * iw + P;
    const uint32_t *cb = I + (size_t)(cy + rc + 1) * iw + P;
    const uint32_t *ia = I + (size_t)(cy - ri) * iw + P;
    const uint32_t *ib = I + (size_t)(cy + ri + 1) * iw + P;
    const uint32_t *oa = I + (size_t)(cy - ro) * iw + P;
    const uint32_t *ob = I + (size_t)(cy + ro + 1) * iw + P;
    float *row = out + (size_t)y * (size_t)w;
    for (int x = 0; x < w; x++) {
      /* true sums are < 2^31, so int32 is exact and converts in SIMD */
      int32_t c = (int32_t)(cb[x + rc + 1] - ca[x + rc + 1] - cb[x - rc] +
                            ca[x - rc]);
      int32_t i = (int32_t)(ib[x + ri + 1] - ia[x + ri + 1] - ib[x - ri] +
                            ia[x - ri]);
      int32_t o = (int32_t)(ob[x + ro + 1] - oa[x + ro + 1] - ob[x - ro] +
                            oa[x - ro]);
      row[x] = (float)c * inv_c - (float)(o - i) * inv_r;
    }
  }
}

/* Sum over the tile [x0, x1) x [y0, y1) of con (absolute = 0) or of
 * |con - m|, in 8 independent lanes so that the compiler vectorises it
 * (a single float accumulator would force the additions into order). */
static float tile_sum(const float *con, int w, int x0, int x1, int y0,
                      int y1, int absolute, float m) {
  float lane[8] = {0};
  for (int y = y0; y < y1; y++) {
    const float *c = con + (size_t)y * w;
    int x = x0;
    if (absolute)
      for (; x + 8 <= x1; x += 8)
        for (int k = 0; k < 8; k++) lane[k] += fabsf(c[x + k] - m);
    else
      for (; x + 8 <= x1; x += 8)
        for (int k = 0; k < 8; k++) lane[k] += c[x + k];
    for (; x < x1; x++) lane[0] += absolute ? fabsf(c[x] - m) : c[x];
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
         ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/* Normalise one scale's contrast by tile and keep the maximum in score:
 * (contrast - tile mean) / (1.2533 x tile mean absolute deviation + floor)
 * (1.2533 = sigma / mean absolute deviation for a Gaussian). Two
 * vectorisable passes over the tile; a few target pixels barely move these
 * statistics. */
static void tile_normalise(wl_spot_t *ctx, int s, const float *con,
                           float *score, int first) {
  static const int half[] = WL__SPOT_HALF;
  const int w = ctx->width, h = ctx->height, T = WL__SPOT_TILE;
  const float floor_s = (float)(ctx->params.noise_floor / (2 * half[s] + 1));
  for (int ty = 0; ty < h; ty += T)
    for (int tx = 0; tx < w; tx += T) {
      int y1 = ty + T < h ? ty + T : h, x1 = tx + T < w ? tx + T : w;
      float count = (float)((y1 - ty) * (x1 - tx));
      float m = tile_sum(con, w, tx, x1, ty, y1, 0, 0) / count;
      float dev = tile_sum(con, w, tx, x1, ty, y1, 1, m) / count;
      float inv = 1.0f / (1.2533f * dev + floor_s + FLT_MIN);
      for (int y = ty; y < y1; y++) {
        const float *c = con + (size_t)y * w;
        float *o = score + (size_t)y * w;
        if (first)
          for (int x = tx; x < x1; x++) o[x] = (c[x] - m) * inv;
        else
          for (int x = tx; x < x1; x++) {
            float v = (c[x] - m) * inv;
            o[x] = v > o[x] ? v : o[x];
          }
      }
    }
}

/* Heap order: weaker first; among equals, later in raster order first. */
static int weaker(const wl__spot_cand_t *a, const wl__spot_cand_t *b) {
  if (a->s != b->s) return a->s < b->s;
  return a->y != b->y ? a->y > b->y : a->x > b->x;
}

static void heap_push(struct wl__spot_state *st, wl__spot_cand_t c) {
  wl__spot_cand_t *hp = st->cands;
  int i;
  if (st->ncand < WL__SPOT_CAND_CAP) {
    i = st->ncand++;
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!weaker(&c, &hp[parent])) break;
      hp[i] = hp[parent];
      i = parent;
    }
    hp[i] = c;
    return;
  }
  if (!weaker(&hp[0], &c)) return;
  i = 0;
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    const wl__spot_cand_t *best = &c;
    if (l < st->ncand && weaker(&hp[l], best)) m = l, best = &hp[l];
    if (r < st->ncand && weaker(&hp[r], best)) m = r;
    if (m == i) break;
    hp[i] = hp[m];
    i = m;
  }
  hp[i] = c;
}

static int stronger_first(const void *a, const void *b) {
  const wl__spot_cand_t *p = a, *q = b;
  if (weaker(q, p)) return -1;
  if (weaker(p, q)) return 1;
  return 0;
}

/* 1 when score[y][x] is the maximum of its 5x5 neighbourhood. */
static int is_local_max(const float *score, int w, int h, int x, int y) {
  float v = score[(size_t)y * w + x];
  int y0 = y > 2 ? y - 2 : 0, y1 = y + 2 < h ? y + 2 : h - 1;
  int x0 = x > 2 ? x - 2 : 0, x1 = x + 2 < w ? x + 2 : w - 1;
  for (int qy = y0; qy <= y1; qy++) {
    const float *row = score + (size_t)qy * w;
    for (int qx = x0; qx <= x1; qx++) {
      float u = row[qx];
      if (u > v) return 0;
      if (u == v && (qy < y || (qy == y && qx < x))) return 0;
    }
  }
  return 1;
}

void wl__spot_prescreen(wl_spot_t *ctx, int polarity) {
  struct wl__spot_state *st = ctx->state_;
  const int w = ctx->width, h = ctx->height;
  for (int s = 0; s < WL__SPOT_SCALES; s++) {
    scale_contrast(ctx, s, polarity, st->work);
    tile_normalise(ctx, s, st->work, st->score, s == 0);
  }
  st->ncand = 0;
  const float k_pre = (float)st->k_pre;
  for (int y = 0; y < h; y++) {
    const float *row = st->score + (size_t)y * w;
    for (int x = 0; x < w; x++) {
      if (!(row[x] >= k_pre)) continue;
      if (!is_local_max(st->score, w, h, x, y)) continue;
      wl__spot_cand_t c = {x, y, row[x]};
      heap_push(st, c);
    }
  }
  qsort(st->cands, (size_t)st->ncand, sizeof *st->cands, stronger_first);
}
