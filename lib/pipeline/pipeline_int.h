/*
 * pipeline_int.h - internals of lib/pipeline shared with the tests: the
 * clutter gate that the pipeline applies to the confirmed tracks of 8-bit
 * AGC video (see clutter_gate.c for the design).
 */
#ifndef WATCHLINE_PIPELINE_INT_H
#define WATCHLINE_PIPELINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/detect.h"
#include "watchline/track.h"

/* Per-id memory of one live track: where it was first seen, whether it
 * has been let through for good. */
typedef struct wl__gate_track {
  uint64_t id;
  float x0, y0;     /* centroid when first seen (any state) */
  int passed;       /* 1: moved far enough once; always output from then */
} wl__gate_track_t;

typedef struct wl__clutter_gate {
  int cell_px;        /* grid cell size, px */
  int cols, rows;     /* grid size in cells */
  float *rate;        /* cols x rows: detections per frame, running mean */
  float alpha;        /* learning rate of rate[] per usable frame */
  float max_clutter;  /* a track whose 3x3-cell neighbourhood sees more
                         detections per frame than this (its own excepted)
                         is held back... */
  float pass_px;      /* ...until it has moved this far from where it was
                         first seen */
  float group_px;     /* of output tracks whose boxes grown by this meet,
                         only the largest is output */
  size_t cap;         /* capacity of the arrays below (max_tracks) */
  wl__gate_track_t *mem, *mem_next;
  size_t n_mem;
  wl_track_t *out;
  size_t n_out;
} wl__clutter_gate_t;

/* Allocate for width x height frames and at most max_tracks live tracks.
 * Returns WL_OK or WL_ENOMEM (then wl__clutter_gate_free is still safe). */
int wl__clutter_gate_init(wl__clutter_gate_t *g, int width, int height,
                          size_t max_tracks, wl_err_t *err);
void wl__clutter_gate_free(wl__clutter_gate_t *g);

/* One usable frame: learn the clutter rate from its detections. */
void wl__clutter_gate_learn(wl__clutter_gate_t *g,
                            const wl_detection_t *dets, size_t n);

/* Filter the tracker's confirmed tracks (increasing ids); all[] is every
 * live track (increasing ids), for first positions; dets[0 .. n_dets) are
 * the frame's detections (NULL, 0 on a frame without news), which tell a
 * track's own fragments from clutter. The result is g->out, g->n_out
 * (valid until the next call). */
void wl__clutter_gate_filter(wl__clutter_gate_t *g, const wl_track_t *all,
                             size_t n_all, const wl_track_t *conf,
                             size_t n_conf, const wl_detection_t *dets,
                             size_t n_dets);

/* Bytes held. */
size_t wl__clutter_gate_bytes(const wl__clutter_gate_t *g);

#endif
