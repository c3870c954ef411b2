/*
 * snapshot.c - colour-mapped 8-bit pictures of 16-bit frames (snapshot.h).
 *
 * Display range: exact percentiles of the 16-bit values. The 65536-bin
 * histogram is taken in two exact 256-bin passes (high byte, then the low
 * byte inside the chosen high-byte bins), so it needs 2 KiB of stack, no
 * allocation and no global; the result equals a full 65536-bin histogram.
 * The value at percentile p is the smallest v with at least ceil(p/100*N)
 * pixels <= v (at least 1). hi > lo always: a flat range is widened by 1.
 *
 * Palettes: 256-entry RGB tables built on the stack from a few control
 * points by linear interpolation. White-hot is the grey ramp; ironbow runs
 * black, indigo, purple, red, orange, yellow, white. Pixel v maps to entry
 * round((v - lo) * 255 / (hi - lo)), clamped to 0..255.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io_int.h"
#include "watchline/snapshot.h"

#define SNAPSHOT_LO_PCT 1.0
#define SNAPSHOT_HI_PCT 99.5

int wl_palette_parse(const char *name, wl_palette_t *out) {
  static const struct {
    const char *name;
    wl_palette_t palette;
  } table[] = {{"none", WL_PALETTE_NONE},
               {"white-hot", WL_PALETTE_WHITE_HOT},
               {"ironbow", WL_PALETTE_IRONBOW}};
  for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
    if (strcmp(name, table[i].name) == 0) {
      *out = table[i].palette;
      return WL_OK;
    }
  return WL_EINVAL;
}

/* ---- display range ---- */

/* Rank (1-based) of the pixel at percentile pct among n pixels. */
static size_t percentile_rank(double pct, size_t n) {
  if (!(pct > 0)) return 1; /* also catches NaN */
  if (pct >= 100) return n;
  double r = ceil(pct / 100.0 * (double)n);
  size_t rank = r < 1 ? 1 : (size_t)r;
  return rank > n ? n : rank;
}

/* Bin holding the pixel of 1-based rank `rank` in hist; *below gets the
 * count in the bins before it. */
static int bin_of_rank(const uint32_t hist[256], size_t rank, size_t *below) {
  size_t cum = 0;
  for (int b = 0; b < 256; b++) {
    if (cum + hist[b] >= rank) {
      *below = cum;
      return b;
    }
    cum += hist[b];
  }
  *below = cum;
  return 255;
}

void wl_snapshot_range(const wl_frame_t *frame, double lo_pct, double hi_pct,
                       uint16_t *lo, uint16_t *hi) {
  size_t n = (size_t)frame->width * (size_t)frame->height;
  if (n == 0 || !frame->data) {
    *lo = 0;
    *hi = 1;
    return;
  }
  const uint16_t *px = frame->data;
  /* Four interleaved partial histograms: runs of equal values (common in
   * thermal frames) would otherwise serialise on one counter. */
  uint32_t part[4][256];
  memset(part, 0, sizeof part);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    part[0][px[i] >> 8]++;
    part[1][px[i + 1] >> 8]++;
    part[2][px[i + 2] >> 8]++;
    part[3][px[i + 3] >> 8]++;
  }
  for (; i < n; i++) part[0][px[i] >> 8]++;
  uint32_t coarse[256];
  for (int b = 0; b < 256; b++)
    coarse[b] = part[0][b] + part[1][b] + part[2][b] + part[3][b];

  size_t lo_rank = percentile_rank(lo_pct, n);
  size_t hi_rank = percentile_rank(hi_pct, n);
  size_t lo_below, hi_below;
  int lo_bin = bin_of_rank(coarse, lo_rank, &lo_below);
  int hi_bin = bin_of_rank(coarse, hi_rank, &hi_below);

  /* Second pass: only the (usually few) pixels in the two chosen bins. */
  uint32_t fine_lo[256] = {0}, fine_hi[256] = {0};
  for (i = 0; i < n; i++) {
    int high = px[i] >> 8;
    if (high == lo_bin) fine_lo[px[i] & 255]++;
    if (high == hi_bin) fine_hi[px[i] & 255]++;
  }
  size_t unused;
  uint32_t a = (uint32_t)lo_bin << 8 |
               (uint32_t)bin_of_rank(fine_lo, lo_rank - lo_below, &unused);
  uint32_t b = (uint32_t)hi_bin << 8 |
               (uint32_t)bin_of_rank(fine_hi, hi_rank - hi_below, &unused);
  if (b < a) b = a; /* hi_pct < lo_pct */
  if (b == a) {
    if (b < 65535)
      b++;
    else
      a--;
  }
  *lo = (uint16_t)a;
  *hi = (uint16_t)b;
}

/* ---- palettes ---- */

typedef struct palette_stop {
  double at; /* 0..1 */
  uint8_t r, g, b;
} palette_stop_t;

static const palette_stop_t WHITE_HOT[] = {{0.0, 0, 0, 0},
                                           {1.0, 255, 255, 255}};
static const palette_stop_t IRONBOW[] = {
    {0.00, 0, 0, 0},     {0.15, 25, 0, 130},   {0.35, 130, 0, 150},
    {0.55, 220, 40, 50}, {0.72, 250, 125, 0},  {0.88, 255, 215, 30},
    {1.00, 255, 255, 255}};

/* Fill table[256*3] by interpolating between the stops. */
static void build_palette(wl_palette_t palette, uint8_t table[256 * 3]) {
  const palette_stop_t *stops = WHITE_HOT;
  size_t count = sizeof WHITE_HOT / sizeof WHITE_HOT[0];
  if (palette == WL_PALETTE_IRONBOW) {
    stops = IRONBOW;
    count = sizeof IRONBOW / sizeof IRONBOW[0];
  }
  size_t s = 0;
  for (int i = 0; i < 256; i++) {
    double t = i / 255.0;
    while (s + 2 < count && t > stops[s + 1].at) s++;
    const palette_stop_t *a = &stops[s], *b = &stops[s + 1];
    double f = (t - a->at) / (b->at - a->at);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    table[i * 3 + 0] = (uint8_t)lround(a->r + f * (b->r - a->r));
    table[i * 3 + 1] = (uint8_t)lround(a->g + f * (b->g - a->g));
    table[i * 3 + 2] = (uint8_t)lround(a->b + f * (b->b - a->b));
  }
}

/* Colour-map n pixels with a built table. */
static void colormap_span(const uint16_t *px, size_t n,
                          const uint8_t table[256 * 3], uint16_t lo,
                          uint16_t hi, uint8_t *rgb) {
  float scale = 255.0f / (float)(hi > lo ? hi - lo : 1);
  for (size_t i = 0; i < n; i++) {
    float f = ((float)px[i] - (float)lo) * scale + 0.5f;
    int k = f <= 0 ? 0 : f >= 255 ? 255 : (int)f;
    memcpy(rgb + i * 3, table + k * 3, 3);
  }
}

void wl_colormap(const wl_frame_t *frame, wl_palette_t palette, uint16_t lo,
                 uint16_t hi, uint8_t *rgb) {
  uint8_t table[256 * 3];
  build_palette(palette, table);
  colormap_span(frame->data, (size_t)frame->width * (size_t)frame->height,
                table, lo, hi, rgb);
}

/* ---- PNG snapshot ---- */

typedef struct snapshot_rows {
  const wl_frame_t *frame;
  uint8_t table[256 * 3];
  uint16_t lo, hi;
  uint8_t *row; /* width * 3 bytes */
} snapshot_rows_t;

static const unsigned char *snapshot_row(void *ctx, int y) {
  snapshot_rows_t *s = ctx;
  size_t w = (size_t)s->frame->width;
  colormap_span(s->frame->data + (size_t)y * w, w, s->table, s->lo, s->hi,
                s->row);
  return s->row;
}

int wl_snapshot_write_png(FILE *fp, const char *name, const wl_frame_t *frame,
                          wl_palette_t palette, wl_err_t *err) {
  if (!name) name = "snapshot";
  int rc = wl_check_size(frame->width, frame->height, name, err);
  if (rc != WL_OK) return rc;
  snapshot_rows_t s = {.frame = frame};
  build_palette(palette, s.table);
  wl_snapshot_range(frame, SNAPSHOT_LO_PCT, SNAPSHOT_HI_PCT, &s.lo, &s.hi);
  s.row = malloc((size_t)frame->width * 3);
  if (!s.row)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a snapshot row",
                   name);
  wl__png_image_t img = {frame->width, frame->height, 3, 8, snapshot_row, &s};
  rc = wl__png_write_rows(fp, name, &img, err);
  free(s.row);
  return rc;
}
