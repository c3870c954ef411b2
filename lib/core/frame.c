/*
 * frame.c - 16-bit frames with a reusable pixel buffer (see frame.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/frame.h"

wl_radiometry_t wl_radiometry_centikelvin(void) {
  wl_radiometry_t r = {1, 0.01, 0.0};
  return r;
}

wl_radiometry_t wl_radiometry_none(void) {
  wl_radiometry_t r = {0, 1.0, 0.0};
  return r;
}

void wl_frame_init(wl_frame_t *f) {
  memset(f, 0, sizeof *f);
  f->bit_depth = 16;
  f->radiometry = wl_radiometry_centikelvin();
}

int wl_frame_alloc(wl_frame_t *f, int width, int height, wl_err_t *err) {
  int rc = wl_check_size(width, height, "frame", err);
  if (rc != WL_OK) return rc;
  size_t n = (size_t)width * (size_t)height;
  if (n > f->capacity) {
    uint16_t *p = realloc(f->data, n * sizeof *p);
    if (!p)
      return wl_fail(err, WL_ENOMEM, "frame: cannot allocate %dx%d pixels",
                     width, height);
    f->data = p;
    f->capacity = n;
  }
  f->width = width;
  f->height = height;
  return WL_OK;
}

void wl_frame_release(wl_frame_t *f) {
  if (!f) return;
  free(f->data);
  f->data = NULL;
  f->capacity = 0;
  f->width = f->height = 0;
}

int wl_frame_copy(wl_frame_t *dst, const wl_frame_t *src, wl_err_t *err) {
  int rc = wl_frame_alloc(dst, src->width, src->height, err);
  if (rc != WL_OK) return rc;
  memcpy(dst->data, src->data,
         (size_t)src->width * (size_t)src->height * sizeof *src->data);
  dst->t_ns = src->t_ns;
  dst->seq = src->seq;
  dst->bit_depth = src->bit_depth;
  dst->radiometry = src->radiometry;
  return WL_OK;
}

double wl_frame_kelvin(const wl_frame_t *f, uint16_t v) {
  if (!f->radiometry.radiometric) return NAN;
  return v * f->radiometry.scale + f->radiometry.offset;
}
