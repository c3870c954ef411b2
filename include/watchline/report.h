/*
 * watchline/report.h - a track is reported only once it has persisted.
 *
 * The reporter sits between a pipeline's per-frame confirmed tracks
 * (wl_pipeline_tracks()) and their consumers. It holds the output back by
 * a fixed lag of L = persist_frames - 1 frames: fed frame t's tracks, it
 * gives back frame t - L's, keeping in it only the tracks that have been
 * reported by frame t. A track is reported once it has been output in
 * persist_frames frames. A track output in each frame from its first
 * output frame on is thus reported within L frames of it and emitted
 * whole: the frames it spent waiting are delayed, not lost. A track that
 * is dropped sooner (a spot born in an FFC, a piece of clutter confirmed
 * and lost a second later) is never emitted; one with gaps in its output
 * is reported later, and its frames emitted before that are left out. The
 * cost is latency: every frame comes out L frames late (the default 22
 * at 30 fps: 0.70 s).
 *
 * Records are copied as the pipeline gave them (id, box, class,
 * confidence, velocity, every field). At the end of the stream,
 * wl_reporter_flush() emits the frames still held; a track output in the
 * last frame fed counts as persistent there (the stream ended, not the
 * track), one that ended earlier without persisting does not.
 *
 * A track that leaves the output for longer than L frames and comes back
 * is treated as new: it must persist again.
 *
 * Memory: a ring of L + 1 frames of track records and a table of the
 * tracks in them, O(L x tracks) (wl_reporter_state_bytes()); buffers
 * grow when a frame holds more tracks than any before and are reused,
 * so a steady stream allocates nothing.
 *
 * persist_frames 0 or 1 is a pass-through: every frame comes back at
 * once, unchanged.
 */
#ifndef WATCHLINE_REPORT_H
#define WATCHLINE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/common.h"
#include "watchline/track.h"

/* The default persist_frames (docs/DETECTION.md, "Reported tracks"). */
#define WL_REPORT_PERSIST_DEFAULT 22

/* Longest persistence the reporter accepts, frames (100 s at 30 fps). */
#define WL_REPORT_MAX_PERSIST 3000

typedef struct wl_report_params {
  int persist_frames; /* a track is reported once it has been output in
                         this many frames; the output lags by this many
                         - 1 frames. 0..WL_REPORT_MAX_PERSIST; default
                         WL_REPORT_PERSIST_DEFAULT; 0: off */
} wl_report_params_t;

void wl_report_default_params(wl_report_params_t *p);

/* One emitted frame; tracks owned by the reporter, valid until the next
 * call on it. */
typedef struct wl_report_frame {
  int64_t frame;            /* the caller's frame index, as fed */
  int64_t t_ns;             /* the frame's time, as fed */
  const wl_track_t *tracks; /* the reported tracks, in the order fed */
  size_t n;
} wl_report_frame_t;

typedef struct wl_reporter wl_reporter_t;

/*
 * Make a reporter; p NULL means defaults. Errors: WL_EINVAL (a parameter
 * out of range; the message names it), WL_ENOMEM. Free with
 * wl_reporter_free.
 */
int wl_reporter_new(wl_reporter_t **out, const wl_report_params_t *p,
                    wl_err_t *err) WL_WARN_UNUSED;

/* Free a reporter; NULL is a no-op. */
void wl_reporter_free(wl_reporter_t *r);

/* The lag L in frames of a reporter with parameters p (NULL: defaults):
 * persist_frames - 1, 0 when off. */
int wl_report_lag(const wl_report_params_t *p);

/* The lag L in frames of reporter r (wl_report_lag of its parameters). */
int wl_reporter_lag(const wl_reporter_t *r);

/*
 * Feed one frame's output tracks (copied; tracks may be NULL when n is
 * 0): its index and time are the caller's, handed back with it. Returns
 * 1 with *out set to the frame fed L frames ago, 0 while the first L
 * frames fill the ring (*out untouched), or a negative WL_E*: WL_EINVAL
 * (NULL tracks with n > 0, or ids not in increasing order, the order
 * wl_pipeline_tracks() gives), WL_ENOMEM; on an error nothing changes.
 */
int wl_reporter_push(wl_reporter_t *r, int64_t frame, int64_t t_ns,
                     const wl_track_t *tracks, size_t n,
                     wl_report_frame_t *out, wl_err_t *err);

/*
 * End of stream: call until it returns 0. Each call returning 1 sets *out
 * to the oldest frame still held, in order; the tracks output in the last
 * frame fed are reported first. Afterwards the reporter is empty and can
 * take a new stream.
 */
int wl_reporter_flush(wl_reporter_t *r, wl_report_frame_t *out);

/* Bytes the reporter holds (ring, table and itself). */
size_t wl_reporter_state_bytes(const wl_reporter_t *r);

#endif
