/*
 * watchline/preprocess.h - per-camera preprocessing of 16-bit frames:
 * bad pixels, global drift and auto-gain, FFC/NUC events.
 *
 * What it does, per frame (wl_preprocess_frame):
 *   1. Bad pixels (optional map, see below): each listed pixel is replaced,
 *      in place, by the median of its good 8-neighbours (of its good 5x5
 *      neighbours when none of the 8 is good; unchanged when none of those
 *      is good either).
 *   2. Frozen and blank frames: a frame identical (within freeze_tol) to
 *      the previous one is `frozen` (cameras repeat the last frame while
 *      the shutter is closed for a flat-field correction); a frame with no
 *      scene structure left (all zero, saturated, the shutter itself) is
 *      `blank`. Neither may update a background model or yield
 *      detections: `usable` is 0 for both. The test: at least 99.5 % of
 *      the sparse points (below) repeat their previous value, which a
 *      live frame of a noisy sensor never does; for "quiet" sources,
 *      whose live frames often repeat pixels exactly (8-bit or compressed
 *      video of a static scene), every column sum and row sum of the whole
 *      frame must repeat as well, so a target moving anywhere keeps the
 *      frame live.
 *   3. Global offset and gain: the frame is compared with a reference (a
 *      slowly learned value at ~1024 sparse, jittered grid points) and the
 *      affine map frame ~= gain * reference + offset is estimated robustly:
 *      offset = median(frame - gain * reference) over the points; gain
 *      (only for non-radiometric, auto-gain video by default) is the
 *      two-group (Wald-Bartlett) slope between the darkest and brightest
 *      thirds of the points, by their medians. A detector that compares
 *      (frame - offset) / gain with its background is then blind to slow
 *      global drift and to AGC steps.
 *   4. Temporal noise: sigma from the median absolute frame-to-frame change
 *      of the points (after the global map), smoothed over frames.
 *   5. Fixed-pattern steps: the column-mean and row-mean profiles of the
 *      compensated frame (over every 4th row) are compared with learned
 *      reference profiles; when
 *      their robust spread (1.4826 x MAD over columns, or over rows) jumps
 *      far above what noise explains, the fixed pattern has changed (an FFC
 *      or NUC happened): `ffc_step` is set and the caller's background
 *      model must re-anchor (wl_motion_process does so) instead of
 *      reporting the stripes as detections.
 *   6. FFC events are counted: a run of at least `ffc_min_frozen` frozen
 *      frames is one event; a fixed-pattern step that does not follow such
 *      a run within `ffc_step_window` frames is another.
 *
 * Units: offsets, noise and profiles are in the frame's pixel units (DN);
 * for radiometric frames, DN * radiometry.scale gives kelvin.
 *
 * Cost: one read pass over every 4th row (the whole frame for quiet
 * sources) plus O(samples + width + height) work; no allocation
 * after wl_preprocess_new(). State: O(width + height + samples) bytes,
 * about 80 KB at 640x512 (wl_preprocess_state_bytes).
 *
 * Bad-pixel maps (format in docs/FORMATS.md): a text list
 * ("badpixels W H" then "X Y" lines) or a binary PGM mask (P5, nonzero =
 * bad) of the sensor's size.
 */
#ifndef WATCHLINE_PREPROCESS_H
#define WATCHLINE_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/common.h"
#include "watchline/frame.h"

/* ---- Bad-pixel maps -------------------------------------------------- */

/* Limits on an untrusted bad-pixel map. */
#define WL_BADPIX_MAX_BYTES ((size_t)64 << 20) /* text or PGM file */

/*
 * A bad-pixel map for a width x height sensor: `count` distinct pixels,
 * sorted by index = y * width + x. `good` holds, per bad pixel, which of
 * its 24 neighbours in the 5x5 window are inside the image and not bad
 * (bit (dy+2)*5+(dx+2), the centre bit 12 is never set); it is derived
 * from `index` by the parser. Owned by the map; free with wl_badpix_free.
 */
typedef struct wl_badpix {
  int width, height;
  uint32_t *index;
  uint32_t *good;
  size_t count;
} wl_badpix_t;

/*
 * Parse a map from memory: PGM when it starts with "P5", else the text
 * format. `name` is used in messages ("bad.txt:7: x = 700 is outside the
 * 640-pixel width"). On success *map owns its arrays (free with
 * wl_badpix_free); on failure *map is empty. Duplicates are merged.
 * Returns WL_OK, WL_EFORMAT, WL_ETOOBIG or WL_ENOMEM.
 */
int wl_badpix_parse(wl_badpix_t *map, const void *data, size_t len,
                    const char *name, wl_err_t *err);

/* Read and parse a map file (at most WL_BADPIX_MAX_BYTES). */
int wl_badpix_load(wl_badpix_t *map, const char *path, wl_err_t *err);

/*
 * Build a map from a list of (x, y) pixels of a width x height sensor
 * (xy[2*i], xy[2*i+1]). Fails with WL_EINVAL on a pixel outside the image.
 */
int wl_badpix_from_list(wl_badpix_t *map, int width, int height,
                        const int *xy, size_t n, wl_err_t *err);

/* Write a map in the text format (what wl_badpix_parse reads back). */
int wl_badpix_write_text(const wl_badpix_t *map, const char *path,
                         wl_err_t *err);

/* Release the map's arrays; *map becomes empty. map may be NULL. */
void wl_badpix_free(wl_badpix_t *map);

/*
 * Replace the map's pixels in frame, in place (see item 1 above). The map
 * and the frame must have the same size (WL_EINVAL otherwise).
 */
int wl_badpix_apply(const wl_badpix_t *map, wl_frame_t *frame,
                    wl_err_t *err);

/* ---- Preprocessing ---------------------------------------------------- */

typedef struct wl_preprocess wl_preprocess_t;

enum {
  WL_GAIN_AUTO = -1, /* estimate gain for non-radiometric frames only */
  WL_GAIN_OFF = 0,   /* gain is always 1 */
  WL_GAIN_ON = 1     /* always estimate gain */
};

typedef struct wl_preprocess_params {
  int gain_mode;          /* WL_GAIN_*; default WL_GAIN_AUTO */
  int samples;            /* grid points for offset/gain/noise, 64..65536;
                             default 1024 */
  double ref_rate;        /* learning rate of the point and profile
                             references per usable frame; default 1/64 */
  double noise_rate;      /* smoothing of the noise estimate; default 1/16 */
  double min_noise;       /* noise floor in DN (quantisation); default 0.5.
                             8-bit AGC video (bit_depth <= 8, not
                             radiometric) uses at least 2.5 DN, and there a
                             fixed-pattern step counts as FFC only just
                             after a frozen run (see preprocess.c) */
  double step_k;          /* profile step threshold: robust spread above
                             step_k x its noise-only value; default 6 */
  double step_min_sigma;  /* ...and above this many noise sigmas; 0.15 */
  int ffc_min_frozen;     /* frozen frames that make an FFC event; 3 */
  int ffc_step_window;    /* frames after a frozen run in which a step is
                             part of the same event; default 5 */
  double blank_ratio;     /* blank when the points' spread (IQR) falls
                             below this fraction of the reference's;
                             default 0.05 */
  int freeze_tol;         /* DN: a frame is frozen when its pixels are
                             within this of the previous frame's (0: bit-
                             identical); default 0 */
} wl_preprocess_params_t;

/* What preprocessing found in one frame. Pointers stay valid until the
 * next call on the same context. */
typedef struct wl_preprocess_result {
  int usable;        /* 1: neither frozen nor blank; feed it to detection */
  int frozen;        /* identical to the previous frame */
  int blank;         /* no scene structure (constant, zero, saturated) */
  int ffc_step;      /* the fixed pattern changed: re-anchor backgrounds */
  int ffc_event;     /* a new FFC event was counted at this frame */
  int first;         /* the first frame seen (references just initialised) */
  double gain;       /* frame ~= gain * reference + offset */
  double offset;     /* DN */
  double noise;      /* temporal noise sigma, DN (>= min_noise) */
  double col_spread; /* robust spread of the column profile change, DN */
  double row_spread; /* ...of the row profile change, DN */
  unsigned ffc_count;/* FFC events so far */
} wl_preprocess_result_t;

void wl_preprocess_default_params(wl_preprocess_params_t *p);

/*
 * A preprocessor for width x height frames. params may be NULL for the
 * defaults. badpix may be NULL; otherwise it must be of the same size and
 * must outlive the preprocessor (it is not copied).
 */
int wl_preprocess_new(wl_preprocess_t **out, int width, int height,
                      const wl_preprocess_params_t *params,
                      const wl_badpix_t *badpix, wl_err_t *err)
    WL_WARN_UNUSED;

/*
 * Preprocess one frame: replaces bad pixels in place (the only change made
 * to frame) and fills *res. Frames must keep the size given to
 * wl_preprocess_new (WL_EINVAL otherwise, and nothing is changed).
 */
int wl_preprocess_frame(wl_preprocess_t *pp, wl_frame_t *frame,
                        wl_preprocess_result_t *res, wl_err_t *err);

/* FFC events counted so far. */
unsigned wl_preprocess_ffc_count(const wl_preprocess_t *pp);

/* Forget every reference (the next frame is treated as the first); the FFC
 * count is kept. */
void wl_preprocess_reset(wl_preprocess_t *pp);

/* Bytes of state held by the preprocessor (context and buffers). */
size_t wl_preprocess_state_bytes(const wl_preprocess_t *pp);

/* Release the preprocessor. pp may be NULL. */
void wl_preprocess_free(wl_preprocess_t *pp);

#endif
