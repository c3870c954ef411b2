/*
 * watchline/motion.h - the temporal detector: a per-pixel background model
 * that finds moving objects warmer or colder than their background.
 *
 * Model, per pixel (details and tuning in docs/DETECTION.md):
 *   mu   background mean, uint16 in internal units (the frame's DN << s,
 *        s = 16 - bit_depth for 8..15-bit data, else 0), learned with a
 *        dithered running mean: rate 2^-mu_shift per frame for background
 *        pixels, the much slower 2^-absorb_shift for steady foreground (a
 *        parked object becomes background after a while), 2^-residue_shift
 *        for faint steady foreground (traces a slow object left);
 *   thr  the pixel's own threshold, uint16: it learns k_sigma x 1.2533 x
 *        the running mean of |f' - mu| (k_sigma sigmas for Gaussian noise)
 *        from background pixels, rate 2^-thr_shift, so pixels that always
 *        move get a high threshold while a parked object cannot raise its
 *        own;
 *   mask one byte: the state, the last foreground polarity, and a
 *        flicker counter of state changes. "Flickering" pixels (swaying
 *        vegetation, shimmer) also learn from foreground: mu at the background rate
 *        where the foreground is faint (below twice thr; strong
 *        foreground, e.g. people of a crowd, is learned slowly), thr
 *        toward at most twice itself at 2^-thr_flicker_shift.
 * A pixel is foreground when |f' - mu| > max(thr, k_sigma x noise), f'
 * being the frame mapped to reference units by the preprocessor (gain and
 * offset remove drift and AGC changes) and noise its temporal sigma: the
 * threshold is k_sigma x the larger of the sensor noise and the pixel's
 * own variability. The sign of f' - mu is the polarity.
 *
 * Speed: per frame, one pass of integer arithmetic over contiguous rows
 * (vectorised; AVX2 where available), learning on one row in
 * update_stride per frame (rates scaled to stay per-frame), then
 * connected components only on the sparse foreground: runs collected in
 * 64-pixel blocks that contain foreground, joined by union-find.
 *
 * Detections (wl_detection_t, detect.h): 8-connected components of one
 * polarity, with box, centroid (|contrast|-weighted), area, peak contrast
 * (signed; kelvin when the frame is radiometric, else reference DN),
 * polarity (+1 warmer, -1 colder) and snr = |peak contrast| / sigma at
 * that pixel (sigma = the pixel's threshold / k_sigma). Pixels are
 * candidates above k_sigma (default 3.5); a component is reported when
 * its score, the larger of its peak SNR and its integrated SNR
 * |sum of contrast| / sqrt(sum of sigma^2), reaches min_snr (default
 * 4.5): two or three adjacent 3.5-sigma pixels of a dim target make a
 * detection while lone noise pixels rarely do. Dim detections (snr below
 * ~6) are meant for the tracker's track-before-detect confirmation.
 * Components holding several people (side by side, or one in front of
 * another when person_px gives the expected size) are split (split_*).
 * Detections are sorted by decreasing score.
 *
 * Box (sub-pixel): the "core" pixels (contrast >= box_frac x the largest
 * in their 4-neighbourhood, which trims the blur tails around
 * high-contrast objects) give whole-pixel bounds [x0, x1] x [y0, y1];
 * each of the four edges is then moved into its outer line (column or
 * row) by the part of that line the object covers, estimated from the
 * contrasts (s = polarity x d): along the edge, at the position where
 * s(outer line) + s(line outside it) is largest (the edge pixel's partial
 * coverage plus what the blur spilled outward), that sum divided by the
 * contrast of the inward neighbour (the object's own level there, taken
 * at least half the component's level = the mean of its core-box pixels
 * above half its peak); the fraction is clamped to [0.6, 1], so an edge
 * moves at most 0.4 px inward (a weak edge pixel is as often a thin part
 * at full extent, a leg or a head, as a partially covered one). The left
 * edge is x0 + 1 - f, the right x1 + f (likewise y). An axis two lines
 * thick has no inward line: the component's level is the reference; an
 * axis one line thick keeps its whole-pixel size, centred on the
 * centroid. Outward: when the line outside an edge holds more than the
 * optics' spill from the edge line (0.135 of it, a Gaussian PSF of sigma
 * 0.5 px) by 2 noise sigmas, summed over the positions where the edge
 * line holds at least half its largest contrast, the edge moves out by
 * the part of that line the object covers, c = (r (1 + q) - q) /
 * (1 - r q) with r the ratio of the two lines' sums and q = 0.135: a part
 * too thin or too cool to be core (a narrow head, a leg's end, a car's
 * cab) counts at its extent. Cost: the core box's pixels once, plus 6
 * reads per pixel of the 4 edge lines, for reported components only.
 * Jitter test (jitter_test): the reported snr is lowered to the score
 * left after the best explanation of the component by the background
 * shifted up to a pixel toward one of the 8 neighbours (f' between mu
 * here and mu there), so horizon shimmer and jittering edges come out as
 * weak detections that only consistent motion confirms; what the
 * background shifted by up to two pixels explains of the snr is reported
 * as sway_loss (a swaying bush's outline; the tracker's static path).
 * Ghosts
 * (background uncovered by an object that was part of the model) are
 * recognised by their edges, which are in the model rather than in the
 * frame, absorbed into the model at once and not reported.
 *
 * Warm-up: the first warmup_frames usable frames learn every pixel as
 * background with running-average rates. From early_frames on, the
 * detections with snr >= early_min_snr and boxes up to early_max_size
 * px are reported meanwhile, except those beside a stronger detection of
 * the other polarity (the trail a target moving since start-up leaves in
 * the model being learned).
 *
 * Warm-up spots (motion_warm.c): in the first spot_frames usable frames
 * (the first included), compact warm or cold spots found in the frame
 * itself are reported too, after the temporal detections: a strict 3x3
 * extremum whose contrast against the mean of the ring between the
 * squares of half-size spot_inner and spot_outer is >= spot_min_snr x the
 * ring's standard deviation (at least the noise); its detection is the
 * pixels 8-connected to it in the inner square with at least half its
 * contrast, its box made sub-pixel as above (contrast against the ring
 * mean, noise the ring's spread). Dropped: spots on more than
 * spot_max_fg temporal foreground (parts of a larger moving object) and
 * spots inside the box of a detection already reported. So targets
 * present at start-up, even slow ones the warm-up smears into the model,
 * are seen from the first frame; the tracker keeps static clutter the
 * spots fire on from confirming (track.h, wl_tracker_end_spots). No
 * memory of its own (it borrows the component stage's scratch); about
 * 0.6 ms per spot frame at 640x512.
 *
 * FFC: frames the preprocessor marks unusable (frozen, blank) are skipped:
 * no learning, no detections. On a fixed-pattern step the model
 * re-anchors (adds the robust column and row offsets of f' - mu to mu)
 * and learns 4x faster for relearn_frames frames (thr as fast as mu
 * while the model is younger than warmup_frames + 2 x 2^thr_shift
 * frames, then 4x its own rate: an FFC does not change the spread).
 *
 * STATE BOUND: per pixel mu 2 + thr 2 + mask 1 bytes, plus block flags
 * (1 byte per 64 pixels) and the run buffer (16 bytes per run, max(4096,
 * pixels / 32) runs: 0.5 byte per pixel); plus a constant: the components
 * (about 192 bytes x max_components), a dither row and column/row
 * accumulators (8 x (width + height) bytes). In total 6.75 bytes per pixel
 * at 640x512 with the defaults; wl_motion_state_bytes() gives the exact
 * figure. Everything is allocated by wl_motion_new();
 * wl_motion_process() never allocates.
 */
#ifndef WATCHLINE_MOTION_H
#define WATCHLINE_MOTION_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/common.h"
#include "watchline/detect.h"
#include "watchline/frame.h"
#include "watchline/preprocess.h"

typedef struct wl_motion wl_motion_t;

typedef struct wl_motion_params {
  double k_sigma;        /* candidate threshold, sigmas; 3.5 */
  double min_snr;        /* report components whose score (the larger of
                            peak and integrated SNR) is >= this; 4.5 */
  int min_area;          /* ...and at least this many pixels; 1 */
  int warmup_frames;     /* usable frames learned as background (no
                            selective learning) before full detection; 25 */
  int early_frames;      /* from this usable frame on (0: never), strong
                            detections are reported during warm-up; 8 */
  double early_min_snr;  /* ...those with snr >= this; 10 */
  double early_max_size; /* ...and a box of at most this many pixels a
                            side; 24 */
  int spot_frames;       /* in the first this many usable frames (at most
                            warmup_frames; 0: never), compact spots found
                            in the frame itself against their surroundings
                            are reported too (warm-up spots, see above);
                            25 */
  double spot_min_snr;   /* ...whose contrast against the mean of the ring
                            between the squares of half-size spot_inner and
                            spot_outer is >= this x the ring's spread; 8 */
  int spot_inner;        /* ...; 3 (a 7x7 centre) */
  int spot_outer;        /* ...; 5 (an 11x11 square) */
  double spot_max_fg;    /* ...unless more than this fraction of the outer
                            square is temporal foreground (a part of a
                            larger moving object); 1: no such test;
                            0.25 */
  int mu_shift;          /* background learning rate 2^-n per frame; 6 */
  int absorb_shift;      /* foreground (absorption) rate 2^-n; 11 */
  int residue_shift;     /* ...for foreground fainter than twice its
                            threshold (traces left in mu); 8 */
  int thr_shift;         /* threshold learning rate 2^-n; 7 */
  int thr_flicker_shift; /* ...of flickering foreground pixels; 5 */
  int update_stride;     /* learn 1 row in n per frame: 1, 2, 4, 8; 4 */
  int relearn_frames;    /* fast learning after an FFC step; 15 */
  double max_fg_fraction;/* above this foreground fraction the frame is a
                            scene change: no detections, fast relearning
                            of every pixel; 0.2 */
  int max_components;    /* components measured per frame; 1024 */
  double noise_dn;       /* noise sigma (DN) used when no preprocessing
                            result is given; 0 */
  double box_frac;       /* box: pixels with contrast >= box_frac x their
                            4-neighbourhood's largest; 0.35 */
  int merge_gap;         /* merge same-polarity components whose boxes are
                            at most this many pixels apart (-1: never; 0:
                            touching boxes only); 0 */
  double ghost_ratio;    /* ghost test: frame edges below this x model
                            edges (0: off); 0.5 */
  int jitter_test;       /* 1: lower a detection's snr to what a
                            background shifted by up to one pixel cannot
                            explain (shimmer, jitter); 0: off; 1 */
  double edge_psf_spill; /* sub-pixel box: the fraction of a line's
                            contrast the optics spread into the next line
                            (a Gaussian PSF of sigma 0.5 px: 0.135); an
                            edge moves outward onto a line holding more
                            than that; 0: edges move inward only (the
                            pipeline's choice for 8-bit AGC video, whose
                            codec ringing reads as coverage); 0.135 */
  double split_aspect;   /* split a reported component wider than this x
                            its height at the valleys of its column
                            contrast profile (people side by side; see
                            docs/DETECTION.md); 0: never; 0.4 */
  double split_valley;   /* ...at a valley at most this x the smaller
                            peak on either side; 0.6 */
  const float *person_px;/* NULL, or per image row (height entries) the
                            expected pixel height of a standing person
                            whose feet are on that row (0 where unknown,
                            e.g. above the horizon), from the camera
                            model: a narrow component 1.2 x taller than
                            that is cut into a nearer and a farther
                            person (overlapping parts up to 2 x, a row
                            cut from there); borrowed, must
                            outlive the detector; NULL */
} wl_motion_params_t;

/* What happened in the last wl_motion_process call, and totals. */
typedef struct wl_motion_stats {
  uint64_t frames;          /* calls */
  uint64_t skipped;         /* frames not usable (frozen / blank) */
  uint64_t reanchors;       /* fixed-pattern steps absorbed */
  uint64_t scene_changes;   /* frames above max_fg_fraction */
  uint64_t ghosts;          /* ghost components absorbed */
  uint64_t jitters;         /* detections the jitter test made weak
                               (snr below min_snr) */
  uint64_t splits;          /* extra detections made by splitting */
  uint64_t spots;           /* warm-up spots reported (motion_warm.c) */
  int spotting;             /* last frame: in the warm-up spot frames */
  size_t spot_dets;         /* last frame: warm-up spots among the
                               detections (always the last ones) */
  int warming_up;           /* last frame: still in the warm-up (no
                               output, or only strong detections from
                               early_frames on) */
  size_t fg_pixels;         /* last frame: foreground pixels */
  size_t components;        /* last frame: components found */
  size_t dropped;           /* last frame: components beyond capacity */
  int run_overflow;         /* last frame: the run buffer filled up */
} wl_motion_stats_t;

void wl_motion_default_params(wl_motion_params_t *p);

/*
 * A detector for width x height frames (at most 65535 per side). params
 * may be NULL for the defaults. Free with wl_motion_free.
 */
int wl_motion_new(wl_motion_t **out, int width, int height,
                  const wl_motion_params_t *params, wl_err_t *err)
    WL_WARN_UNUSED;

/*
 * Process one frame. pre is the preprocessor's result for this frame
 * (NULL: offset 0, gain 1, noise params->noise_dn, always usable). Writes
 * at most max_out detections, strongest first, to out and their number to
 * *n_out (0 for a skipped frame and during the warm-up before
 * early_frames; only strong ones for the rest of the warm-up). The first
 * usable frame initialises the model. Returns WL_OK, or WL_EINVAL for a
 * frame of another size (nothing changes).
 */
int wl_motion_process(wl_motion_t *m, const wl_frame_t *frame,
                      const wl_preprocess_result_t *pre, wl_detection_t *out,
                      size_t max_out, size_t *n_out, wl_err_t *err);

/*
 * The foreground mask of the last processed frame: width * height bytes;
 * bits 0-1 of each are 0 background, 1 warmer, 2 colder (the higher bits
 * are the detector's own per-pixel state: use mask[i] & 3). Owned by m,
 * valid while m lives (its contents change at each wl_motion_process).
 */
const uint8_t *wl_motion_mask(const wl_motion_t *m);

/*
 * The background as a frame (reference DN, the model's mean), for
 * inspection: copies into *out (buffer reused). WL_EINVAL before the
 * first usable frame.
 */
int wl_motion_background(const wl_motion_t *m, wl_frame_t *out,
                         wl_err_t *err);

/* Forget the model (the next usable frame re-initialises it). */
void wl_motion_reset(wl_motion_t *m);

/* Bytes of state held by the detector (context and every buffer). */
size_t wl_motion_state_bytes(const wl_motion_t *m);

void wl_motion_stats(const wl_motion_t *m, wl_motion_stats_t *st);

/* Release the detector. m may be NULL. */
void wl_motion_free(wl_motion_t *m);

#endif
