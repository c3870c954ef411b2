/*
 * fuzz_spot.c - libFuzzer target: the spot detector on arbitrary frames.
 *
 * Bytes 0-1 give the width and height (1..64), byte 2 the polarity, bit
 * depth, whether the classifier is on and whether the mask is trimmed
 * (mask_radius 2) and touching extents cut; the rest fills the pixels as
 * little-endian 16-bit values (repeated when short). Checks that the mask
 * is 0/255, that the detections cover exactly the mask's pixels and lie
 * inside the frame. Nothing is written anywhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5) return 0;
  int w = data[0] % 64 + 1, h = data[1] % 64 + 1, mode = data[2];
  const uint8_t *px = data + 3;
  size_t npx = (size - 3) / 2;
  if (npx == 0) return 0;
  wl_frame_t f;
  wl_err_t err;
  wl_frame_init(&f);
  if (wl_frame_alloc(&f, w, h, &err) != WL_OK) return 0;
  for (int i = 0; i < w * h; i++) {
    size_t k = (size_t)i % npx;
    f.data[i] = (uint16_t)(px[2 * k] | px[2 * k + 1] << 8);
  }
  if (mode & 4) {
    f.bit_depth = 8;
    f.radiometry = wl_radiometry_none();
    for (int i = 0; i < w * h; i++) f.data[i] &= 0xff;
  }
  wl_spot_params_t p;
  wl_spot_default_params(&p);
  p.polarity = mode % 3 + 1;
  p.use_classifier = (mode & 8) != 0;
  if (mode & 16) p.pfa = 1e-6;
  if (mode & 32) {
    p.mask_radius = 2;
    p.cut_touching = 1;
  }
  wl_spot_t s;
  if (wl_spot_init(&s, w, h, &p, &err) != WL_OK) abort();
  uint8_t *mask = malloc((size_t)w * h);
  wl_detection_t det[64];
  int n = 0;
  if (!mask || wl_spot_detect(&s, &f, mask, det, 64, &n, &err) != WL_OK)
    abort();
  long on = 0, area = 0;
  for (int i = 0; i < w * h; i++) {
    if (mask[i] != 0 && mask[i] != 255) abort();
    on += mask[i] != 0;
  }
  for (int i = 0; i < n; i++) {
    const wl_detection_t *d = &det[i];
    if (d->x < 0 || d->y < 0 || d->x + d->w > w || d->y + d->h > h ||
        d->cx < d->x || d->cx > d->x + d->w || d->cy < d->y ||
        d->cy > d->y + d->h || d->area < 1 || !isfinite(d->snr))
      abort();
    area += d->area;
  }
  if (n < 64 && area != on) abort();
  free(mask);
  wl_spot_free(&s);
  wl_frame_release(&f);
  return 0;
}
