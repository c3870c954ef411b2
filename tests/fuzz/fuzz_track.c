/*
 * fuzz_track.c - libFuzzer target for the tracker and the classifier fed
 * with arbitrary detections (not a parser, but detections come from
 * untrusted imagery: NaN, infinities, huge or negative boxes, repeated and
 * backwards time stamps must all be survived).
 *
 * The input is a sequence of frames. Each frame is one byte n (detections,
 * 0..255, capped by what is left), eight bytes of signed time step in
 * nanoseconds, then n records of ten little-endian doubles: x, y, w, h, cx,
 * cy, peak_contrast, snr, area (truncated), polarity (sign). The tracker
 * runs with a small capacity (so the full-table paths are reached) and a
 * classifier with a camera model; after each frame every output must be
 * sane: ids increasing and non-zero, states valid, confirmed tracks a
 * subset of all tracks, class confidences within [0, 1]. Nothing is
 * written anywhere.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/track.h"

#define REC_DOUBLES 10

static double read_double(const uint8_t *p) {
  double v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void check(const wl_tracker_t *tr, int max_tracks) {
  size_t n, nc;
  const wl_track_t *all = wl_tracker_tracks(tr, &n);
  const wl_track_t *conf = wl_tracker_confirmed(tr, &nc);
  if (n > (size_t)max_tracks || nc > n) abort();
  for (size_t i = 0; i < n; i++) {
    if (all[i].id == 0 || (i > 0 && all[i].id <= all[i - 1].id)) abort();
    if ((int)all[i].state < 0 || all[i].state > WL_TRACK_LOST) abort();
    if (!(all[i].cls_conf >= 0.0 && all[i].cls_conf <= 1.0)) abort();
    if ((int)all[i].cls < 0 || (int)all[i].cls >= WL_CLASS_COUNT) abort();
  }
  for (size_t i = 0; i < nc; i++)
    if (conf[i].state != WL_TRACK_CONFIRMED) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_track_params_t p;
  wl_track_default_params(&p);
  p.max_tracks = 16;
  p.max_detections = 32;
  p.width = 640;
  p.height = 512;
  wl_tracker_t *tr = NULL;
  wl_err_t err;
  if (wl_tracker_new(&tr, &p, &err) != WL_OK) abort();

  wl_camera_t cam;
  wl_camera_defaults(&cam);
  strcpy(cam.id, "fuzz");
  cam.width = 640;
  cam.height = 512;
  cam.hfov_deg = 24;
  cam.lat = 31.3;
  cam.lon = -109.5;
  cam.height_m = 15;
  cam.yaw_deg = 180;
  cam.pitch_deg = -3;
  wl_classifier_t *clf = NULL;
  if (wl_camera_init(&cam, &err) != WL_OK ||
      wl_classifier_new(&clf, NULL, &cam, &err) != WL_OK)
    abort();
  wl_tracker_set_classifier(tr, clf);

  wl_detection_t dets[255];
  int64_t t_ns = 0;
  size_t at = 0;
  while (at + 9 <= size) {
    size_t n = data[at];
    int64_t step;
    memcpy(&step, data + at + 1, sizeof step);
    at += 9;
    size_t fit = (size - at) / (REC_DOUBLES * sizeof(double));
    if (n > fit) n = fit;
    for (size_t i = 0; i < n; i++) {
      const uint8_t *r = data + at + i * REC_DOUBLES * sizeof(double);
      wl_detection_t *d = &dets[i];
      d->x = read_double(r);
      d->y = read_double(r + 8);
      d->w = read_double(r + 16);
      d->h = read_double(r + 24);
      d->cx = read_double(r + 32);
      d->cy = read_double(r + 40);
      d->peak_contrast = read_double(r + 48);
      d->snr = read_double(r + 56);
      double area = read_double(r + 64);
      d->area = isfinite(area) && fabs(area) < 1e9 ? (int)area : 0;
      d->polarity = read_double(r + 72) < 0 ? -1 : 1;
    }
    at += n * REC_DOUBLES * sizeof(double);
    /* Keep time finite: wrap the step into +-10 s. */
    t_ns += step % 10000000000LL;
    if (wl_tracker_update(tr, t_ns, dets, n, &err) != WL_OK) abort();
    check(tr, p.max_tracks);
  }
  wl_tracker_free(tr);
  wl_classifier_free(clf);
  return 0;
}
