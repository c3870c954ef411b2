/*
 * watchline/pipeline.h - one camera's analytics: preprocess -> temporal
 * detection -> tracking -> classification, frame by frame.
 *
 * A pipeline is made for one camera and learns the frame size from the
 * first frame; every later frame must have that size (a frame of another
 * size is an error and changes nothing). All buffers are allocated by the
 * first frame; later frames allocate nothing. Per-camera state is
 * wl_pipeline_state_bytes(): at most 8 bytes per pixel plus O(tracks).
 *
 * One pipeline is single-threaded; run one per camera, each on its own
 * thread, for several cameras.
 */
#ifndef WATCHLINE_PIPELINE_H
#define WATCHLINE_PIPELINE_H

#include <stddef.h>

#include "watchline/camera.h"
#include "watchline/classify.h"
#include "watchline/detect.h"
#include "watchline/frame.h"
#include "watchline/motion.h"
#include "watchline/preprocess.h"
#include "watchline/track.h"

typedef struct wl_pipeline wl_pipeline_t;

typedef struct wl_pipeline_params {
  wl_preprocess_params_t pre;
  wl_motion_params_t motion;
  wl_track_params_t track;
  wl_classify_params_t classify;
  int max_detections; /* detections kept per frame; default 256 */
  int ffc_hold_frames; /* frames after an FFC fixed-pattern step in which
                          no new track is confirmed (the background
                          relearns); default 15 */
  double ghost_ring_frac;       /* radiometric video, with still_targets:
                                   a cold detection whose box in the frame
                                   is less than this fraction of its
                                   |peak contrast| below the median of the
                                   ring around it is a ghost of the
                                   background model and is dropped, when
                                   the ring is calm (next); 0..1, default
                                   0.15; 0: off (docs/DETECTION.md, "Cold
                                   ghosts: the frame shows nothing") */
  double ghost_ring_max_spread; /* ...calm: the ring's robust spread is
                                   below this fraction of the |peak
                                   contrast| (else the ground's texture
                                   could hide a real cold target and the
                                   test abstains); >= 0, default 0.3 */
  int ghost_row_px;             /* radiometric video, with still_targets:
                                   a confirmed cold track whose detection
                                   the frame shows no colder (by
                                   ghost_ring_frac of its |peak contrast|)
                                   than this many px beside it on each
                                   side on its own rows, calm along them
                                   (ghost_ring_max_spread), while the
                                   background model holds a pixel of it
                                   at least half the contrast warmer, is
                                   left out of the output until a
                                   detection shows it half its contrast
                                   colder (a ghost on ground textured
                                   from row to row, where the ring test
                                   abstains; output only: the tracker
                                   sees the same); 0..64, default 3; 0:
                                   off */
  int still_targets;   /* 1 (default): in radiometric video, targets that
                          stand still (from start-up, or after stopping)
                          are found as warm blobs in the frame itself and
                          tracked on them (docs/DETECTION.md, "Targets
                          that stand still"); 0: off */
  int warm_blob_spots; /* 1 (default; with still_targets): in the warm-up
                          spot frames of radiometric video, those warm
                          blobs are also fed to the tracker as spots, so
                          that moving targets too large for the spots are
                          tracked from the first frame (docs/DETECTION.md,
                          "Targets that stand still"); 0: off */
  int still_early_hits;/* 8 (default; with still_targets): in the warm-up
                          spot frames, a warm blob found at one place in
                          this many searches (and still_hit_frac of them),
                          or a slow spot-born track on one for as many
                          hits, is vouched for at once (confirmed as
                          standing after static_vouched_hits), not only
                          when the spots end; 0: only then */
  int sure_hits;       /* 1 (default; with still_targets and a camera): in
                          the warm-up spot frames of radiometric video, a
                          tentative track hit in each of its first this
                          many frames (3 when its blob is wider than a
                          person is tall), at least 5 K warm, on a blob
                          that passes the standing targets' blob test, is
                          alone and is of a size a target could have on
                          its row, is confirmed at once
                          (wl_tracker_confirm) instead of after 3 hits and
                          2 px of motion (docs/DETECTION.md, "Targets that
                          stand still", Sure warm targets); 0: off */
  int frozen_hold;     /* 1 (default; radiometric video with
                          still_targets): a frozen frame (the camera
                          repeats its last frame, as in an FFC shutter
                          freeze) shows what the frame it repeats showed,
                          so its output is that frame's output (the same
                          tracks and boxes, refined ones included) while
                          the tracks coast on underneath
                          (docs/DETECTION.md, "Nuisance: a frozen frame's
                          boxes are the frame's it repeats"); 0: the
                          tracks' predictions, unrefined */
} wl_pipeline_params_t;

void wl_pipeline_default_params(wl_pipeline_params_t *p);

/*
 * A pipeline. cam (copied) enables physical classification and must match
 * the frames' size; NULL for image cues only. badpix (borrowed; must
 * outlive the pipeline) may be NULL. p NULL means defaults.
 */
int wl_pipeline_new(wl_pipeline_t **out, const wl_camera_t *cam,
                    const wl_badpix_t *badpix, const wl_pipeline_params_t *p,
                    wl_err_t *err) WL_WARN_UNUSED;

/*
 * Analyse one frame (its pixels may be changed: bad pixels are replaced).
 * Afterwards wl_pipeline_tracks() gives the confirmed tracks.
 */
int wl_pipeline_process(wl_pipeline_t *pl, wl_frame_t *frame, wl_err_t *err);

/* The confirmed tracks after the last frame, in increasing id order; owned
 * by the pipeline, valid until the next call. For 8-bit AGC video
 * (bit_depth <= 8, non-radiometric) only those that pass the clutter gate
 * (docs/DETECTION.md, Tracking, Output): not those in clutter that have
 * not moved far, and one per group of touching tracks, plus at most one
 * static spot site (a warm spot that does not move in the image).
 *
 * Ids: every output track's id is unique over the stream (never reused,
 * also after wl_tracker_reset) and comes from one counter, the tracker's,
 * from 1: a tracker track takes it when it is born (tentative), a spot
 * site of 8-bit video when it is first output. So ids increase in order
 * of birth, and they are MOT ids (1..WL_MOT_MAX_ID, watchline/eval.h;
 * exact in any JSON reader) for the first 10^9 births of a stream: about
 * two months at 30 fps with 7 births per frame, the most a simulator
 * preset shows. */
const wl_track_t *wl_pipeline_tracks(const wl_pipeline_t *pl, size_t *n);

/* The last frame's detections and preprocessing result (for tools). */
const wl_detection_t *wl_pipeline_detections(const wl_pipeline_t *pl,
                                             size_t *n);
const wl_preprocess_result_t *wl_pipeline_preprocess_result(
    const wl_pipeline_t *pl);

/* Bytes of per-camera state (0 before the first frame). */
size_t wl_pipeline_state_bytes(const wl_pipeline_t *pl);

/* FFC events seen so far. */
unsigned wl_pipeline_ffc_count(const wl_pipeline_t *pl);

void wl_pipeline_free(wl_pipeline_t *pl);

#endif
