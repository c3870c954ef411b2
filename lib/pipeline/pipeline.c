/*
 * pipeline.c - one camera's analytics, composed from the stage modules
 * (see pipeline.h). The stages are made lazily at the first frame, when
 * the frame size is known; nothing is allocated after that.
 *
 * The first frame also decides whether the input is 8-bit AGC video
 * (bit_depth <= 8, non-radiometric). For such video static confirmation
 * and the tracker's flat-streak, ghost and jitter-floor tests are off
 * (static_confirm_hits = 0, flat_aspect = 0, ghost_max_area = 0,
 * confirm_min_snr = 0 whatever the parameters say), because a
 * steady blob is almost always compression or AGC texture, and the
 * confirmed tracks pass the clutter gate (clutter_gate.c): tracks where
 * the detector keeps firing (waves, trees in wind) are held back until
 * they have moved far, and of touching tracks only the largest is output.
 * The gate measures displacement over the scene, not the image, with the
 * camera's pan and tilt estimated per frame (global_motion.c). A target
 * that does not move in the image is found in the single frame instead
 * (spatial_8bit.c): output tracks the motion detector lost get a spatial
 * detection, and a compact warm spot that stays in one place on a flat
 * sky is output as a track of its own.
 *
 * With a camera model the pipeline gives the motion detector a size prior
 * (wl_motion_params_t.person_px): per image row, the pixel height of a
 * standing person (WL__PERSON_M tall) whose feet are on that row, from
 * the ground point under the centre column (wl_camera_heights_px);
 * O(height) floats. The tracker gets the same heights
 * (wl_track_params_t.person_px) for its test of sizes no target has at
 * its range.
 *
 * Radiometric video that is not 8-bit (the simulator, 16-bit cameras):
 * the temporal background model learns a target that stands still into
 * the background. The pipeline finds such targets in the frame itself, as
 * blobs clearly warmer than their surroundings that stay at one place
 * (spatial_still.c, from the warm-up spots on and then every few frames),
 * vouches for their tracks to the tracker (wl_tracker_vouch) and feeds
 * them the blobs as detections (still_targets, default on). In the
 * warm-up spot frames the blobs too large for the spots are fed to the
 * tracker as spots (warm_blob_spots; they replace the early temporal
 * detections they hold whole), steady ones are vouched for as soon as
 * still_early_hits searches show them (docs/DETECTION.md, "The first
 * second: warm blobs as spots, early vouching"), and young tracks on an
 * alone blob of a target's size are confirmed at once (sure_hits; "The
 * first second: sure warm targets, whole blobs, sub-pixel blob boxes").
 * The output is a copy of the confirmed tracks in which a small warm
 * track on a piece of a larger warm blob (an animal the background model
 * has learned, of which the temporal detector keeps a 1-2 px piece) gets
 * the blob's box (cut to fit when it merges with warm ground, or, when
 * a flock merged about it holds other boxes' centres, cut until it holds
 * none, or, when no level cuts it, the part those boxes leave:
 * refine_cut; not at the frame's sides: refine_side), a track
 * classed animal whose box is longer than any animal (a flock's merged
 * blob) gets the box of the animal near its centre, cut from that blob,
 * a track not classed person or vehicle whose box holds two other output
 * targets' boxes is left out ("Nuisance: a box over two tracked animals
 * is not output"), and, with refine_residue (off by default), a piece
 * that is only a fading residue on the animal's own track is left out
 * (wl__still_refine; "Nuisance: the pieces of absorbed animals",
 * "Nuisance: residues of animals that stopped", "Nuisance: a group's box
 * cut to one animal"); the tracker's own boxes are left alone.
 * Before the tracker, cold detections that the frame itself does not show
 * colder than a calm ring around them (ghosts of the background model)
 * are dropped (drop_cold_ghosts; "Cold ghosts: the frame shows nothing");
 * after it, a confirmed cold track whose detection the frame shows no
 * colder than the pixels beside it on its rows, while the model holds it
 * warm (ground textured from row to row, where the ring test abstains),
 * is left out of the output (hide_row_ghosts, ghost_row_px).
 *
 * FFC: frozen or blank frames make the tracks coast; the output of a
 * frozen frame (radiometric video, frozen_hold) is the output of the
 * frame it repeats, refined boxes included; after a fixed-pattern step
 * the tracker confirms nothing new for ffc_hold_frames frames while the
 * background re-anchors and relearns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/pipeline.h"
#include "../motion/motion_int.h"
#include "pipeline_int.h"

#define WL__PERSON_M 1.7 /* height of the person in the size prior, m */

struct wl_pipeline {
  wl_pipeline_params_t params;
  int has_camera;
  wl_camera_t cam;
  const wl_badpix_t *badpix;
  int width, height;           /* 0 until the first frame */
  wl_preprocess_t *pre;
  wl_motion_t *motion;
  wl_tracker_t *tracker;
  wl_classifier_t *classifier;
  wl_preprocess_result_t pre_result;
  wl_detection_t *dets;
  size_t n_dets;
  int agc8;                    /* 8-bit AGC video: the clutter gate is on */
  wl__clutter_gate_t gate;
  float *person_px;            /* camera only: height rows, see the top */
  wl__global_motion_t gm;      /* 8-bit AGC video: camera pan and tilt */
  int spotting;                /* the last usable frame had warm-up spots */
  int warming;                 /* the last usable frame was in the motion
                                  detector's warm-up */
  wl__spatial8_t sp8;          /* 8-bit AGC video: spatial path */
  wl__still_t still;           /* radiometric video: standing targets */
  int64_t t_prev_ns;           /* time of the last frame (spatial paths) */
  wl_track_t *out;             /* radiometric video: the output tracks (the
                                  confirmed ones, small boxes refined:
                                  wl__still_refine), max_tracks */
  size_t n_out;
  uint64_t *row_ghosts;        /* ids of the confirmed cold tracks whose
                                  last detection the frame showed flat
                                  along its rows (hidden from the output:
                                  hide_row_ghosts), max_tracks, sorted */
  uint64_t *row_ghosts_next;   /* the next frame's list, then swapped */
  size_t n_row_ghosts;
};

void wl_pipeline_default_params(wl_pipeline_params_t *p) {
  memset(p, 0, sizeof *p);
  wl_preprocess_default_params(&p->pre);
  wl_motion_default_params(&p->motion);
  wl_track_default_params(&p->track);
  wl_classify_default_params(&p->classify);
  p->max_detections = 256;
  p->ffc_hold_frames = 15;
  p->frozen_hold = 1;
  p->ghost_ring_frac = 0.15;
  p->ghost_ring_max_spread = 0.3;
  p->ghost_row_px = 3;
  p->still_targets = 1;
  p->warm_blob_spots = 1;
  p->still_early_hits = 8;
  p->sure_hits = 1;
}

/* An integer parameter within lo..hi, else an error naming it. */
static int check_int(const char *name, int v, int lo, int hi, wl_err_t *err) {
  if (v >= lo && v <= hi) return WL_OK;
  if (lo == 0 && hi == 1)
    return wl_fail(err, WL_EINVAL, "pipeline: %s %d must be 0 or 1", name, v);
  return wl_fail(err, WL_EINVAL, "pipeline: %s %d must be %d..%d", name, v,
                 lo, hi);
}

int wl_pipeline_new(wl_pipeline_t **out, const wl_camera_t *cam,
                    const wl_badpix_t *badpix, const wl_pipeline_params_t *p,
                    wl_err_t *err) {
  *out = NULL;
  wl_pipeline_params_t params;
  if (p) params = *p;
  else wl_pipeline_default_params(&params);
  int rc;
  if ((rc = check_int("ffc_hold_frames", params.ffc_hold_frames, 0, 100000,
                      err)) != WL_OK ||
      (rc = check_int("still_targets", params.still_targets, 0, 1, err)) !=
          WL_OK ||
      (rc = check_int("warm_blob_spots", params.warm_blob_spots, 0, 1,
                      err)) != WL_OK ||
      (rc = check_int("still_early_hits", params.still_early_hits, 0, 1000,
                      err)) != WL_OK ||
      (rc = check_int("sure_hits", params.sure_hits, 0, 1000, err)) !=
          WL_OK ||
      (rc = check_int("frozen_hold", params.frozen_hold, 0, 1, err)) !=
          WL_OK ||
      (rc = check_int("ghost_row_px", params.ghost_row_px, 0, 64, err)) !=
          WL_OK ||
      (rc = check_int("max_detections", params.max_detections, 1, 65536,
                      err)) != WL_OK)
    return rc;
  /* Written so that NaN fails too. */
  if (!(params.ghost_ring_frac >= 0 && params.ghost_ring_frac <= 1))
    return wl_fail(err, WL_EINVAL, "ghost_ring_frac %g is not in 0..1",
                   params.ghost_ring_frac);
  if (!(params.ghost_ring_max_spread >= 0 &&
        params.ghost_ring_max_spread <= 1e6))
    return wl_fail(err, WL_EINVAL, "ghost_ring_max_spread %g is not >= 0",
                   params.ghost_ring_max_spread);
  wl_pipeline_t *pl = calloc(1, sizeof *pl);
  if (!pl) return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  pl->params = params;
  if (cam) {
    pl->cam = *cam;
    pl->has_camera = 1;
  }
  pl->badpix = badpix;
  *out = pl;
  return WL_OK;
}

/* Make every stage for frames like the first one. */
static int pipeline_start(wl_pipeline_t *pl, const wl_frame_t *frame,
                          wl_err_t *err) {
  int width = frame->width, height = frame->height;
  if (pl->has_camera && (pl->cam.width != width || pl->cam.height != height))
    return wl_fail(err, WL_EINVAL,
                   "frames are %dx%d but camera %s is %dx%d", width, height,
                   pl->cam.id, pl->cam.width, pl->cam.height);
  wl_track_params_t tp = pl->params.track;
  tp.width = width;
  tp.height = height;
  /* 8-bit AGC video: a steady extended blob is AGC texture or compression
   * flicker, not a standing target; only moving tracks confirm. The
   * flat-streak test (a young radiometric model's horizon shimmer) is off
   * there: the clutter gate handles that video's clutter, and in a
   * panning clip the test only changed which clutter confirmed. The
   * ghost test (ghost_max_area: a radiometric model's warm-up ghosts
   * beside an animal) is off there too: it was not tuned on that video.
   * So is growing a young track to its whole target (grow_young_frames:
   * a running-mean warm-up's pieces of a vehicle): the 8-bit path has no
   * such warm-up; nor growing a track back from a residue (grow_back),
   * nor holding a residue's track out of the output
   * (residue_hide_frames).
   * Nor is the cold-trail test (trail_area_frac), tuned on a radiometric
   * model's trails, nor the jitter-explained floor (confirm_min_snr):
   * none of the three was measured on that video. */
  pl->agc8 = frame->bit_depth <= 8 && !frame->radiometry.radiometric;
  if (pl->agc8) {
    tp.static_confirm_hits = 0;
    tp.flat_aspect = 0.0;
    tp.ghost_max_area = 0;
    tp.grow_young_frames = 0;
    tp.grow_back = 0;
    tp.residue_hide_frames = 0;
    tp.part_speed_px_s = 0.0;
    tp.trail_area_frac = 0.0;
    tp.confirm_min_snr = 0.0;
  }
  if (tp.max_detections < pl->params.max_detections)
    tp.max_detections = pl->params.max_detections;
  int rc;
  pl->dets = calloc((size_t)pl->params.max_detections, sizeof *pl->dets);
  if (!pl->dets) return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  wl_motion_params_t mp = pl->params.motion;
  /* 8-bit AGC video: no outward edge moves (edge_psf_spill assumes a
   * known optical blur; codec ringing and AGC halos beside an object read
   * as coverage there: Halmstad CLOSE F1 0.799 -> 0.785 with them). */
  if (pl->agc8) mp.edge_psf_spill = 0.0;
  if (pl->has_camera && !mp.person_px) {
    pl->person_px = malloc((size_t)height * sizeof *pl->person_px);
    if (!pl->person_px) return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
    wl_camera_heights_px(&pl->cam, WL__PERSON_M, pl->person_px);
    mp.person_px = pl->person_px;
  }
  /* The tracker uses the same person heights: its test of sizes no target
   * has at its range (min_target_frac) and the person output box
   * (person_fill). */
  if (!tp.person_px) tp.person_px = mp.person_px;
  if ((rc = wl_preprocess_new(&pl->pre, width, height, &pl->params.pre,
                              pl->badpix, err)) != WL_OK ||
      (rc = wl_motion_new(&pl->motion, width, height, &mp, err)) != WL_OK ||
      (rc = wl_tracker_new(&pl->tracker, &tp, err)) != WL_OK ||
      (rc = wl_classifier_new(&pl->classifier, &pl->params.classify,
                              pl->has_camera ? &pl->cam : NULL, err)) != WL_OK)
    return rc;
  wl_tracker_set_classifier(pl->tracker, pl->classifier);
  if (pl->agc8 && (rc = wl__clutter_gate_init(&pl->gate, width, height,
                                              (size_t)tp.max_tracks, err)) !=
                      WL_OK)
    return rc;
  if (pl->agc8 &&
      (rc = wl__global_motion_init(&pl->gm, width, height, err)) != WL_OK)
    return rc;
  if (pl->agc8 &&
      (rc = wl__spatial8_init(&pl->sp8, width, (size_t)tp.max_tracks,
                              err)) != WL_OK)
    return rc;
  /* Radiometric video: targets that stand still (spatial_still.c). */
  if (!pl->agc8 && frame->radiometry.radiometric &&
      pl->params.still_targets &&
      (rc = wl__still_init(&pl->still, width, height, (size_t)tp.max_tracks,
                           err)) != WL_OK)
    return rc;
  if (pl->still.ids) {
    pl->out = malloc((size_t)tp.max_tracks * sizeof *pl->out);
    pl->row_ghosts = malloc((size_t)tp.max_tracks * sizeof *pl->row_ghosts);
    pl->row_ghosts_next =
        malloc((size_t)tp.max_tracks * sizeof *pl->row_ghosts_next);
    if (!pl->out || !pl->row_ghosts || !pl->row_ghosts_next)
      return wl_fail(err, WL_ENOMEM, "pipeline: out of memory");
  }
  pl->still.early_min_hits = pl->params.still_early_hits;
  pl->still.sure_hits = pl->params.sure_hits;
  pl->still.motion = pl->motion;
  pl->still.person_px = pl->person_px;
  pl->width = width;
  pl->height = height;
  return WL_OK;
}

/* Kelvin per DN of a radiometric frame, else 0. */
static double k_per_dn(const wl_frame_t *frame) {
  return frame->radiometry.radiometric ? fabs(frame->radiometry.scale) : 0.0;
}

/* Is the centroid of d inside box b grown by 1 px? */
static int centre_in(const wl_detection_t *d, const wl_detection_t *b) {
  return d->cx >= b->x - 1 && d->cx < b->x + b->w + 1 && d->cy >= b->y - 1 &&
         d->cy < b->y + b->h + 1;
}

/* Does box q lie inside box b grown by 1 px? */
static int box_in(const wl_detection_t *q, const wl_detection_t *b) {
  return q->x >= b->x - 1 && q->y >= b->y - 1 &&
         q->x + q->w <= b->x + b->w + 1 && q->y + q->h <= b->y + b->h + 1;
}

/* Warm-up spot frames of radiometric video: the blobs the search for
 * standing targets found in this frame (spatial_still.c: warm, closed,
 * clearly above their ring, in kelvin), when alone (not a piece of a
 * larger warm object, wl__still_alone), are fed to the tracker as spots
 * of their own, so that targets too large for the spots' 7x7 centre
 * (people 15-25 px tall) are tracked from the first frame, moving or not.
 * A blob replaces the detections whose centroid it holds (one target, one
 * consistent detection from frame to frame): the motion detector's spots,
 * and its early temporal detections (dets[0 .. first)) when it holds
 * their boxes whole. In the running-mean warm-up a moving target is
 * smeared into the background along its path, so its early temporal
 * detection is the part it has just moved onto (the front of a car,
 * IoU 0.2-0.4 for 15 frames), and the frame's blob is the whole target.
 * A blob that holds only a part of a temporal detection (a distant
 * truck's hot engine) is left out. Returns the new number of temporal
 * detections (they stay first). */
static size_t warm_blobs_to_spots(wl_pipeline_t *pl, const wl_frame_t *frame,
                                  size_t first) {
  wl__still_t *st = &pl->still;
  size_t max = (size_t)pl->params.max_detections;
  int min_side = 2 * pl->params.motion.spot_inner + 1;
  for (int k = 0; k < st->n_found; k++) {
    if (!st->found_ok[k]) continue;
    const wl_detection_t *b = &st->found[k];
    if (fmax(b->w, b->h) <= (double)min_side) continue;
    int part = 0;
    for (size_t j = 0; j < first && !part; j++)
      part = centre_in(&pl->dets[j], b) && !box_in(&pl->dets[j], b);
    if (part || !wl__still_alone(st, frame->data, frame->width,
                                 frame->height, pl->pre_result.noise,
                                 k_per_dn(frame), b))
      continue;
    size_t n = 0, n_first = first;
    for (size_t j = 0; j < pl->n_dets; j++)
      if (!centre_in(&pl->dets[j], b)) pl->dets[n++] = pl->dets[j];
      else if (j < first) n_first--;
    first = n_first;
    pl->n_dets = n;
    if (pl->n_dets < max) pl->dets[pl->n_dets++] = *b;
  }
  return first;
}

/* Start-up, the motion detector's warm-up told to the tracker. Its spots
 * (docs/DETECTION.md, "Warm-up spots": found in each of the first frames
 * against their surroundings, appended after its temporal detections) are
 * marked; when they end, the tracks born from them that are still
 * tentative go, unless they drift steadily (wl_tracker_end_spots). When
 * the warm-up ends, the tracker's clutter map restarts. Called for usable
 * frames, before the tracker update. */
static void warm_up_to_tracker(wl_pipeline_t *pl, const wl_frame_t *frame) {
  wl_motion_stats_t ms;
  wl_motion_stats(pl->motion, &ms);
  if (pl->spotting && !ms.spotting) {
    /* Targets standing since start-up (spatial_still.c). */
    if (pl->still.ids)
      wl__still_vouch(&pl->still, pl->tracker, frame->data, frame->width,
                      frame->height, pl->pre_result.noise, k_per_dn(frame),
                      1, pl->dets, &pl->n_dets,
                      (size_t)pl->params.max_detections);
    wl_tracker_end_spots(pl->tracker);
  }
  pl->spotting = ms.spotting;
  if (ms.spotting && ms.spot_dets <= pl->n_dets) {
    size_t first = pl->n_dets - ms.spot_dets;
    if (pl->still.ids) {
      wl__still_search(&pl->still, frame->data, frame->width, frame->height,
                       pl->pre_result.noise, k_per_dn(frame));
      if (pl->params.warm_blob_spots)
        first = warm_blobs_to_spots(pl, frame, first);
      /* Standing targets vouched for as soon as the searches show them
       * steady (spots_end 2: still_early_hits searches), not only when the
       * spots end. */
      if (pl->still.early_min_hits > 0 &&
          pl->still.search_frames >= pl->still.early_min_hits)
        wl__still_vouch(&pl->still, pl->tracker, frame->data, frame->width,
                        frame->height, pl->pre_result.noise, k_per_dn(frame),
                        2, pl->dets, &pl->n_dets,
                        (size_t)pl->params.max_detections);
    }
    wl_tracker_mark_spots(pl->tracker, first);
  }
  /* The full detector starts (docs/DETECTION.md, "Young model"). */
  if (pl->warming && !ms.warming_up) wl_tracker_restart_clutter(pl->tracker);
  pl->warming = ms.warming_up;
}

/* Seconds since the last frame, for predicting a track to this one (0
 * when the clock went back or jumped by more than a second). */
static double frame_dt(const wl_pipeline_t *pl, const wl_frame_t *frame) {
  double dt = (double)(frame->t_ns - pl->t_prev_ns) * 1e-9;
  return dt < 0 || dt > 1.0 ? 0.0 : dt;
}

/* 8-bit AGC video: live tracks that have been output and that the motion
 * detector lost in this frame get a spatial detection (spatial_8bit.c)
 * when their target is still a compact spot here. */
static void spatial_8bit(wl_pipeline_t *pl, const wl_frame_t *frame) {
  double dt = frame_dt(pl, frame);
  size_t n_all;
  const wl_track_t *all = wl_tracker_tracks(pl->tracker, &n_all);
  pl->n_dets = wl__spatial8_continue(
      &pl->sp8, frame->data, frame->width, frame->height, pl->pre_result.noise,
      dt, all, n_all, pl->dets, pl->n_dets,
      (size_t)pl->params.max_detections);
}

/* Radiometric video (spatial_still.c): after the spots, a search for
 * standing warm blobs every search_every frames (the steady ones are
 * vouched for); then every vouched track gets a single-image detection
 * when its target is still a blob here. */
static void spatial_still(wl_pipeline_t *pl, const wl_frame_t *frame) {
  double dt = frame_dt(pl, frame);
  wl__still_t *st = &pl->still;
  /* After the spots: a search every search_every frames. */
  if (!pl->spotting && st->search_every > 0 &&
      ++st->since_search >= st->search_every) {
    st->since_search = 0;
    wl__still_search(st, frame->data, frame->width, frame->height,
                     pl->pre_result.noise, k_per_dn(frame));
    wl__still_vouch(st, pl->tracker, frame->data, frame->width, frame->height,
                    pl->pre_result.noise, k_per_dn(frame), 0, pl->dets,
                    &pl->n_dets, (size_t)pl->params.max_detections);
  }
  size_t n_all;
  const wl_track_t *all = wl_tracker_tracks(pl->tracker, &n_all);
  pl->n_dets = wl__still_continue(
      &pl->still, frame->data, frame->width, frame->height,
      pl->pre_result.noise, k_per_dn(frame), dt, all, n_all, pl->dets,
      pl->n_dets, (size_t)pl->params.max_detections);
}

/* 8-bit AGC video: learn the clutter grid from this frame's detections
 * (when learn) and hold back the confirmed tracks that live in clutter. */
static void gate_tracks(wl_pipeline_t *pl, int learn) {
  size_t n_all, n_conf;
  wl__clutter_gate_set_offset(&pl->gate, pl->gm.ox, pl->gm.oy, pl->gm.vx,
                              pl->gm.vy);
  const wl_track_t *all = wl_tracker_tracks(pl->tracker, &n_all);
  const wl_track_t *conf = wl_tracker_confirmed(pl->tracker, &n_conf);
  wl__clutter_gate_filter(&pl->gate, all, n_all, conf, n_conf,
                          learn ? pl->dets : NULL, learn ? pl->n_dets : 0);
  if (learn) wl__clutter_gate_learn(&pl->gate, pl->dets, pl->n_dets);
  wl__spatial8_note_output(&pl->sp8, all, n_all, pl->gate.out, pl->gate.n_out);
}

/* The output tracks (pl->out, radiometric video) start as a copy of the
 * tracker's confirmed ones. */
static void copy_confirmed(wl_pipeline_t *pl) {
  if (!pl->out) return;
  const wl_track_t *conf = wl_tracker_confirmed(pl->tracker, &pl->n_out);
  memcpy(pl->out, conf, pl->n_out * sizeof *pl->out);
}

/* A cold detection whose box in the frame is warmer than its ring by this
 * fraction of its |peak contrast| has something warm in it (a person
 * standing where the model learnt another warmer): not a ghost. */
#define GHOST_WARM_FRAC 0.5
/* Confirmed tracks slower than this (px/s) keep the cold detections that
 * meet their box (a standing person's edges as it shifts). */
#define GHOST_SLOW_PX_S 2.0

/* Does d's box meet track t's box? */
static int meets(const wl_detection_t *d, const wl_track_t *t) {
  return d->x < t->x + t->w && t->x < d->x + d->w && d->y < t->y + t->h &&
         t->y < d->y + d->h;
}

/* Adds the sum of row[a .. b) to *sum and, unless sum2 is NULL, the sum
 * of its squares to *sum2. */
static void row_sums(const uint16_t *row, int a, int b, double *sum,
                     double *sum2) {
  for (int x = a; x < b; x++) {
    *sum += row[x];
    if (sum2) *sum2 += (double)row[x] * row[x];
  }
}

/* A cold box at least this fraction of its |peak contrast| colder than
 * its neighbours on its rows is something cold (row_view()). */
#define ROWS_COLDER_FRAC 0.5
/* A ghost's box in the background model is at least this fraction of its
 * |peak contrast| warmer than its neighbours on its rows (row_view()). */
#define ROWS_MU_FRAC 0.5

/* What the frame shows of a cold box along its rows (row_view()). */
enum { ROWS_UNSURE, ROWS_FLAT, ROWS_COLDER };

/* What does the frame show of the cold box [x0, x1) x [y0, y1) against
 * the pixels beside it on its own rows, r px on each side
 * (docs/DETECTION.md, "Cold ghosts: the frame shows nothing")? Far ground
 * is textured from row to row (each row is its own range band), which
 * makes the ring test abstain, while along a row it is flat. With c the
 * mean over the box's rows of (the row's neighbours' mean - the box's
 * mean on that row) in the frame, cm the largest excess of a box pixel
 * of the background model mu over its row's neighbours there (internal
 * units, >> mu_shift to DN; a ghost's imprint can be single pixels), and
 * s the frame's neighbours' standard deviation about their rows' means,
 * where s < max_spread x pk (pk: the detection's |peak contrast| in DN):
 * ROWS_FLAT when c < frac x pk, -c < GHOST_WARM_FRAC x pk and cm >=
 * ROWS_MU_FRAC x pk (the contrast lives in the model: a
 * ghost; a cold target at about the ground's level has its contrast
 * against a model that is flat along the rows), ROWS_COLDER when c >=
 * ROWS_COLDER_FRAC x pk; else (or without neighbours on both sides)
 * ROWS_UNSURE. */
static int row_view(const uint16_t *img, const uint16_t *mu, int mu_shift,
                    int width, int x0, int x1, int y0, int y1, int r,
                    double pk, double frac, double max_spread) {
  int lx = x0 - r > 0 ? x0 - r : 0, rx = x1 + r < width ? x1 + r : width;
  if (lx >= x0 || rx <= x1) return ROWS_UNSURE;
  const int n = (x0 - lx) + (rx - x1);
  double colder = 0, sq = 0, mu_excess = 0;
  for (int y = y0; y < y1; y++) {
    const uint16_t *row = img + (size_t)y * (size_t)width;
    const uint16_t *mrow = mu + (size_t)y * (size_t)width;
    double box = 0, nb = 0, nb2 = 0, mnb = 0;
    row_sums(row, x0, x1, &box, NULL);
    row_sums(row, lx, x0, &nb, &nb2);
    row_sums(row, x1, rx, &nb, &nb2);
    colder += nb / n - box / (x1 - x0);
    sq += nb2 - nb * nb / n;
    row_sums(mrow, lx, x0, &mnb, NULL);
    row_sums(mrow, x1, rx, &mnb, NULL);
    for (int x = x0; x < x1; x++)
      if (mrow[x] - mnb / n > mu_excess) mu_excess = mrow[x] - mnb / n;
  }
  int rows = y1 - y0;
  double c = colder / rows, spread = sq > 0 ? sqrt(sq / (rows * n)) : 0;
  double cm = mu_excess / (double)(1 << mu_shift);
  if (!(spread < max_spread * pk)) return ROWS_UNSURE;
  if (c >= ROWS_COLDER_FRAC * pk) return ROWS_COLDER;
  if (c >= frac * pk) return ROWS_UNSURE;
  return -c < GHOST_WARM_FRAC * pk && cm >= ROWS_MU_FRAC * pk ? ROWS_FLAT
                                                               : ROWS_UNSURE;
}

/* The pixels [x0, x1) x [y0, y1) that detection d's box touches, clipped
 * to the width x height frame. Returns whether any are left. */
static int pixel_box(const wl_detection_t *d, int width, int height,
                     int *x0, int *y0, int *x1, int *y1) {
  *x0 = (int)floor(d->x);
  *y0 = (int)floor(d->y);
  *x1 = (int)ceil(d->x + d->w);
  *y1 = (int)ceil(d->y + d->h);
  if (*x0 < 0) *x0 = 0;
  if (*y0 < 0) *y0 = 0;
  if (*x1 > width) *x1 = width;
  if (*y1 > height) *y1 = height;
  return *x1 > *x0 && *y1 > *y0;
}

/* Radiometric video, with still_targets: drop the cold detections that
 * the frame itself does not show colder than their surroundings, where
 * the surroundings are calm enough to show it (docs/DETECTION.md, "Cold
 * ghosts: the frame shows nothing"). A cold ghost or trail is the
 * background model's error where a warm target stood or walked: in the
 * frame its box is just the ground and matches its ring. Dropped: a cold
 * detection whose box mean lies less than ghost_ring_frac of its |peak
 * contrast| below the median of a ring 2 px or half the box's long side
 * wide (and not GHOST_WARM_FRAC above it), where the ring's robust spread
 * is below ghost_ring_max_spread of that contrast (by day the ground's
 * texture is as strong as a cold person's contrast, and a person at about
 * the ground's mean level matches its ring too: there the test abstains),
 * unless it meets the box of a confirmed track that is cold or slower
 * than GHOST_SLOW_PX_S. Returns the detections kept (in order). */
static size_t drop_cold_ghosts(wl_pipeline_t *pl, const wl_frame_t *frame,
                               wl_detection_t *dets, size_t n) {
  double k = k_per_dn(frame), f = pl->params.ghost_ring_frac;
  if (k <= 0 || f <= 0 || !pl->still.ids) return n;
  const uint16_t *img = frame->data;
  int width = frame->width, height = frame->height;
  size_t kept = 0, n_conf;
  const wl_track_t *conf = wl_tracker_confirmed(pl->tracker, &n_conf);
  for (size_t i = 0; i < n; i++) {
    const wl_detection_t *d = &dets[i];
    double pk = fabs(d->peak_contrast) / k;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int test = d->polarity < 0 && pk > 0 &&
               pixel_box(d, width, height, &x0, &y0, &x1, &y1);
    for (size_t j = 0; test && j < n_conf; j++) {
      const wl_track_t *t = &conf[j];
      double v2 = t->vx * t->vx + t->vy * t->vy;
      if ((t->contrast < 0 || v2 < GHOST_SLOW_PX_S * GHOST_SLOW_PX_S) &&
          meets(d, t))
        test = 0;
    }
    int drop = 0;
    if (test) {
      double sum = 0;
      for (int y = y0; y < y1; y++) {
        const uint16_t *row = img + (size_t)y * (size_t)width;
        for (int x = x0; x < x1; x++) sum += row[x];
      }
      double mean = sum / ((double)(x1 - x0) * (double)(y1 - y0));
      int side = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
      int r = (side + 1) / 2 > 2 ? (side + 1) / 2 : 2;
      double med, spread;
      if (wl__still_ring(&pl->still, img, width, height, x0, x1, y0, y1, r,
                         &med, &spread) >= 8)
        drop = med - mean < f * pk && mean - med < GHOST_WARM_FRAC * pk &&
               spread < pl->params.ghost_ring_max_spread * pk;
    }
    if (!drop) dets[kept++] = *d;
  }
  return kept;
}

int wl__has_id(const uint64_t *ids, size_t n, uint64_t id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && ids[lo] == id;
}

/* Radiometric video, with ghost_row_px: the output (pl->out, the
 * confirmed tracks in increasing id order) leaves out each cold track
 * that is a ghost along the rows: its matched detection is ROWS_FLAT
 * (row_view(): no colder in the frame than the pixels beside it on its
 * own rows, while the model holds it warm, on ground textured from row
 * to row, where the ring test of drop_cold_ghosts() abstains), or it
 * was one in the last frame and this frame does not show it ROWS_COLDER
 * (unsure, or no detection). Only the output: the tracker and the
 * background model see the same as without the rule, so no other
 * track's history changes (docs/DETECTION.md, "Cold ghosts: the frame
 * shows nothing"). */
static void hide_row_ghosts(wl_pipeline_t *pl, const wl_frame_t *frame) {
  int r = pl->params.ghost_row_px;
  double k = k_per_dn(frame);
  if (r <= 0 || k <= 0 || !pl->row_ghosts || !pl->motion->initialised)
    return;
  int width = frame->width, height = frame->height;
  size_t n_next = 0, kept = 0;
  for (size_t i = 0; i < pl->n_out; i++) {
    const wl_track_t *t = &pl->out[i];
    int ghost = 0;
    if (t->contrast < 0 && t->det_index >= 0 &&
        (size_t)t->det_index < pl->n_dets) {
      const wl_detection_t *d = &pl->dets[t->det_index];
      double pk = fabs(d->peak_contrast) / k;
      int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      int view = ROWS_UNSURE;
      if (d->polarity < 0 && pk > 0 &&
          pixel_box(d, width, height, &x0, &y0, &x1, &y1))
        view = row_view(frame->data, pl->motion->mu, pl->motion->shift,
                        width, x0, x1, y0, y1, r, pk,
                        pl->params.ghost_ring_frac,
                        pl->params.ghost_ring_max_spread);
      ghost = view == ROWS_FLAT ||
              (view == ROWS_UNSURE &&
               wl__has_id(pl->row_ghosts, pl->n_row_ghosts, t->id));
    } else if (t->contrast < 0) {
      ghost = wl__has_id(pl->row_ghosts, pl->n_row_ghosts, t->id);
    }
    /* pl->out is in id order, so the next list is sorted too. */
    if (ghost) pl->row_ghosts_next[n_next++] = t->id;
    else pl->out[kept++] = *t;
  }
  pl->n_out = kept;
  uint64_t *swap = pl->row_ghosts;
  pl->row_ghosts = pl->row_ghosts_next;
  pl->row_ghosts_next = swap;
  pl->n_row_ghosts = n_next;
}

int wl_pipeline_process(wl_pipeline_t *pl, wl_frame_t *frame, wl_err_t *err) {
  int rc;
  if (pl->width == 0 &&
      (rc = pipeline_start(pl, frame, err)) != WL_OK)
    return rc;
  if (frame->width != pl->width || frame->height != pl->height)
    return wl_fail(err, WL_EINVAL,
                   "frame %llu is %dx%d but the stream started at %dx%d",
                   (unsigned long long)frame->seq + 1, frame->width,
                   frame->height, pl->width, pl->height);
  if ((rc = wl_preprocess_frame(pl->pre, frame, &pl->pre_result, err)) != WL_OK)
    return rc;
  /* 8-bit AGC video: the camera's pan and tilt, for the clutter gate. */
  if (pl->agc8) wl__global_motion_update(&pl->gm, frame->data, frame->t_ns);
  pl->n_dets = 0;
  if ((rc = wl_motion_process(pl->motion, frame, &pl->pre_result, pl->dets,
                              (size_t)pl->params.max_detections, &pl->n_dets,
                              err)) != WL_OK)
    return rc;
  /* A frozen (FFC) or blank frame carries no news: the tracks coast on
   * their predictions without counting a miss, so a shutter freeze does
   * not drop them. */
  if (!pl->pre_result.usable) {
    wl_tracker_coast(pl->tracker, frame->t_ns);
    /* A frozen frame shows what the frame it repeats showed: its output
     * (pl->out) stays that frame's. */
    if (!(pl->out && pl->params.frozen_hold && pl->pre_result.frozen))
      copy_confirmed(pl);
    if (pl->agc8) {
      gate_tracks(pl, 0);
      wl__spatial8_output(&pl->sp8, &pl->gate, pl->tracker, frame->t_ns);
    }
    pl->t_prev_ns = frame->t_ns;
    return WL_OK;
  }
  /* After an FFC step the background re-anchors and relearns: what is
   * new in these frames must prove itself for longer before it is
   * output. */
  if (pl->pre_result.ffc_step)
    wl_tracker_hold_confirmations(pl->tracker, pl->params.ffc_hold_frames);
  pl->still.frame = frame;
  warm_up_to_tracker(pl, frame);
  if (pl->agc8) spatial_8bit(pl, frame);
  else if (pl->still.ids) spatial_still(pl, frame);
  pl->n_dets = drop_cold_ghosts(pl, frame, pl->dets, pl->n_dets);
  if ((rc = wl_tracker_update(pl->tracker, frame->t_ns, pl->dets, pl->n_dets,
                              err)) != WL_OK)
    return rc;
  if (pl->still.n_pending > 0) wl__still_resolve(&pl->still, pl->tracker);
  if (pl->spotting && pl->still.ids)
    wl__still_sure(&pl->still, pl->tracker, frame->data, frame->width,
                   frame->height, pl->pre_result.noise, k_per_dn(frame));
  if (pl->out) {
    copy_confirmed(pl);
    wl__still_refine(&pl->still, frame->data, frame->width, frame->height,
                     pl->pre_result.noise, k_per_dn(frame), pl->out,
                     &pl->n_out);
    hide_row_ghosts(pl, frame);
  }
  if (pl->agc8) {
    gate_tracks(pl, 1);
    wl__spatial8_spots(&pl->sp8, frame->data, frame->width, frame->height,
                       pl->pre_result.noise, frame->t_ns, &pl->gate,
                       pl->tracker);
  }
  pl->t_prev_ns = frame->t_ns;
  return WL_OK;
}

const wl_track_t *wl_pipeline_tracks(const wl_pipeline_t *pl, size_t *n) {
  if (!pl->tracker) {
    *n = 0;
    return NULL;
  }
  if (pl->agc8) {
    *n = pl->sp8.n_out;
    return pl->sp8.out;
  }
  if (pl->out) {
    *n = pl->n_out;
    return pl->out;
  }
  return wl_tracker_confirmed(pl->tracker, n);
}

const wl_detection_t *wl_pipeline_detections(const wl_pipeline_t *pl,
                                             size_t *n) {
  *n = pl->n_dets;
  return pl->dets;
}

const wl_preprocess_result_t *wl_pipeline_preprocess_result(
    const wl_pipeline_t *pl) {
  return &pl->pre_result;
}

size_t wl_pipeline_state_bytes(const wl_pipeline_t *pl) {
  if (!pl->motion) return 0;
  return sizeof *pl + wl_preprocess_state_bytes(pl->pre) +
         wl_motion_state_bytes(pl->motion) +
         (size_t)pl->params.max_detections * sizeof *pl->dets +
         wl__clutter_gate_bytes(&pl->gate) +
         (pl->person_px ? (size_t)pl->height * sizeof *pl->person_px : 0) +
         wl__global_motion_bytes(&pl->gm) + wl__spatial8_bytes(&pl->sp8) +
         wl__still_bytes(&pl->still) +
         (pl->out ? (size_t)pl->params.track.max_tracks *
                        (sizeof *pl->out + 2 * sizeof *pl->row_ghosts)
                  : 0);
}

unsigned wl_pipeline_ffc_count(const wl_pipeline_t *pl) {
  return pl->pre ? wl_preprocess_ffc_count(pl->pre) : 0;
}

void wl_pipeline_free(wl_pipeline_t *pl) {
  if (!pl) return;
  wl_classifier_free(pl->classifier);
  wl_tracker_free(pl->tracker);
  wl_motion_free(pl->motion);
  wl_preprocess_free(pl->pre);
  wl__clutter_gate_free(&pl->gate);
  wl__global_motion_free(&pl->gm);
  wl__spatial8_free(&pl->sp8);
  wl__still_free(&pl->still);
  free(pl->dets);
  free(pl->person_px);
  free(pl->out);
  free(pl->row_ghosts);
  free(pl->row_ghosts_next);
  free(pl);
}
