/*
 * watchline/detect.h - detections: what a detector reports for one object
 * in one frame; connected components of a mask; and the single-image
 * small-target ("spot") detector.
 *
 * Both detectors (the temporal one in motion.h and the spatial one here)
 * report wl_detection_t; the tracker (track.h) consumes it.
 *
 * The spot detector (lib/detect/spot*.c; algorithm in
 * docs/FORMATS.md) finds 1-10 px targets warmer (or colder) than
 * their surroundings in one image, so it works for long range, single
 * images and moving cameras. Per frame:
 *   1. prescreen: at five scales (centre box 1, 3, 5, 7, 11 px), the mean
 *      of the centre box minus the mean of a surrounding ring, normalised
 *      by that contrast's spread over each 32x32 tile; local maxima are
 *      candidates, strongest first;
 *   2. CFAR test: for each candidate, robust statistics (median, clipped
 *      RMS deviation) of box means on a square ring around it give the
 *      local background and noise at each scale; SNR = (centre -
 *      background) / sigma. A candidate passes when the SNR at some scale
 *      reaches that scale's threshold for the chosen per-pixel false-alarm
 *      rate pfa (Gaussian noise, Bonferroni over the scales, Student-t
 *      corrected for the estimated sigma): on a noise-limited background
 *      about pfa x pixels false detections per frame (for pfa <= 1e-3);
 *   3. extent: a flood fill from the peak pixel down to background +
 *      grow_fraction x (peak - background), within max_radius of the peak
 *      (an extent that would go further is rejected);
 *   4. clutter rejection (optional, on by default): a small boosted-tree
 *      classifier, trained on the SIRST train split by tools/spot-train.c,
 *      scores each candidate from its shape, scale profile and local and
 *      global contrast; it only removes detections, never adds them;
 *   5. the accepted extents form the mask: optionally trimmed to the
 *      pixels within mask_radius of each extent's centroid and cut apart
 *      where two touch (cut_touching), then closed with a 3x3 square; its
 *      8-connected components are the detections (wl_label_components).
 */
#ifndef WATCHLINE_DETECT_H
#define WATCHLINE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/common.h"
#include "watchline/frame.h"

/* One detected object in one frame. Pixel coordinates are continuous with
 * the image's top-left corner at (0, 0): the box covers [x, x+w) x [y, y+h)
 * and pixel (i, j) has its centre at (i + 0.5, j + 0.5). */
typedef struct wl_detection {
  double x, y, w, h;     /* bounding box, pixels */
  double cx, cy;         /* contrast-weighted centroid, pixels */
  int area;              /* pixels in the component */
  int polarity;          /* +1 warmer than its background, -1 colder */
  double peak_contrast;  /* signed peak contrast against the background: in
                            kelvin when the frame is radiometric, else in the
                            frame's units */
  double snr;            /* |peak contrast| / local noise sigma */
  double sway_loss;      /* how much of snr the background swaying by up
                            to two pixels explains (the motion detector's
                            jitter test; 0: nothing, or not judged):
                            snr - sway_loss is what a sway leaves */
} wl_detection_t;

/* ---- Connected components ----------------------------------------------- */

/*
 * A reusable 8-connected labeller for masks of one size. Caller-allocated;
 * wl_labeler_init() allocates the label image (4 bytes per pixel), the
 * flood-fill stack and the component table grow only when a frame needs
 * more (no allocation in steady state). Fields other than width, height,
 * labels and count are private.
 */
typedef struct wl_labeler {
  int width, height;
  int32_t *labels; /* per pixel: 0 background, else component id 1..count,
                      numbered in raster order of each component's first
                      pixel; valid until the next call */
  int count;       /* components found by the last call */
  int32_t *stack_;
  size_t stack_cap_;
  void *comps_;
  size_t comps_cap_;
} wl_labeler_t;

/* Prepare lab for width x height masks. Returns WL_OK, a size error
 * (wl_check_size) or WL_ENOMEM. Free with wl_labeler_free. */
int wl_labeler_init(wl_labeler_t *lab, int width, int height, wl_err_t *err);

/* Free lab's buffers; lab may be NULL or already freed. */
void wl_labeler_free(wl_labeler_t *lab);

/*
 * Label the 8-connected components of the non-zero pixels of mask
 * (width x height of lab, row-major) and measure each one:
 *   box        bounds of its pixels ([x, x+w) x [y, y+h));
 *   area       pixel count;
 *   centroid   mean of pixel centres weighted by |contrast| (unweighted
 *              when contrast is NULL or all zero);
 *   peak       the contrast of largest magnitude, times unit_scale (e.g.
 *              the frame's kelvin per count; 1 for counts); its sign is the
 *              polarity (+1 when contrast is NULL); NaN when contrast is
 *              NULL;
 *   snr        the largest |contrast| / noise over its pixels (pixels with
 *              noise <= 0 are skipped); NaN when contrast or noise is NULL.
 * contrast and noise (may be NULL) are read only at mask pixels.
 * At most max detections are written to out, in raster order of their
 * first pixel; when there are more components, the max with the largest
 * snr (else |peak|, else area) are kept. *n receives the number written,
 * lab->count the number found, and lab->labels every component's id.
 * Returns WL_OK or WL_ENOMEM (growing the stack or table).
 */
int wl_label_components(wl_labeler_t *lab, const uint8_t *mask,
                        const float *contrast, const float *noise,
                        double unit_scale, wl_detection_t *out, int max,
                        int *n, wl_err_t *err);

/* ---- Spot (small-target) detector --------------------------------------- */

enum {
  WL_SPOT_HOT = 1,  /* targets warmer than their background (default) */
  WL_SPOT_COLD = 2, /* colder */
  WL_SPOT_BOTH = 3
};

typedef struct wl_spot_params {
  double pfa;           /* per-pixel false-alarm rate of the CFAR test on
                           Gaussian noise, 1e-12..0.5; default 0.3 (loose:
                           the classifier decides); with the classifier off
                           use 1e-6..1e-3 */
  int polarity;         /* WL_SPOT_HOT (default), WL_SPOT_COLD, WL_SPOT_BOTH */
  int max_candidates;   /* candidates examined per polarity, strongest
                           first: 1..4096, default 64 */
  int max_radius;       /* a target's extent stops this far from its peak
                           (px): 2..64, default 20 */
  double grow_fraction; /* extent threshold between background (0) and
                           peak (1): 0.05..0.95, default 0.4 */
  double noise_floor;   /* sigma floor, counts per pixel, added to the
                           robust sigma (quantisation): >= 0, default 0.5 */
  int use_classifier;   /* 1 (default): reject clutter with the trained
                           classifier; 0: CFAR test only */
  double min_score;     /* classifier probability to accept, 0..1; default:
                           the operating point chosen when the classifier
                           was trained (docs/ACCURACY.md) */
  double mask_radius;   /* the mask keeps only the extent's pixels within
                           this distance (px) of the extent's centroid, so
                           a large false extent costs few pixels: 0 (keep
                           the whole extent) or 1..64; default: the value
                           the classifier's operating point was chosen
                           with */
  int cut_touching;     /* 1: cut touching accepted extents apart (a pixel
                           next to a stronger extent's is dropped), so two
                           nearby targets stay two components; 0: they may
                           merge into one; default: as the classifier's
                           operating point was chosen */
} wl_spot_params_t;

/* Fill p with the defaults above. */
void wl_spot_default_params(wl_spot_params_t *p);

/*
 * Detector state for one image size: caller-allocated, set up by
 * wl_spot_init(), which allocates every buffer (about 20 bytes per pixel;
 * wl_spot_bytes() gives the figure); wl_spot_detect() then allocates only
 * when a frame has more components than any before. Read params, width
 * and height; the rest is private.
 */
struct wl__spot_state;
typedef struct wl_spot {
  wl_spot_params_t params;
  int width, height;
  struct wl__spot_state *state_;
} wl_spot_t;

/*
 * Prepare ctx for width x height frames with params (NULL: defaults).
 * Returns WL_OK, WL_EINVAL (a parameter out of range; err names it), a size
 * error or WL_ENOMEM. On failure ctx holds nothing to free.
 */
int wl_spot_init(wl_spot_t *ctx, int width, int height,
                 const wl_spot_params_t *params, wl_err_t *err);

/* Change the frame size, reusing the buffers when they are large enough. */
int wl_spot_resize(wl_spot_t *ctx, int width, int height, wl_err_t *err);

/* Free ctx's buffers; ctx may be NULL or already freed. */
void wl_spot_free(wl_spot_t *ctx);

/* Bytes held by ctx's buffers (for the memory bound in the docs). */
size_t wl_spot_bytes(const wl_spot_t *ctx);

/*
 * Detect small targets in frame (its size must be ctx's). mask_out, when
 * not NULL, receives width x height bytes: 255 on target pixels, else 0.
 * Up to max detections go to det (strongest SNR kept when there are more),
 * in raster order of their first pixel; *n receives how many. peak_contrast
 * is in kelvin for a radiometric frame, else in counts. Returns WL_OK,
 * WL_EINVAL (size mismatch) or WL_ENOMEM.
 */
int wl_spot_detect(wl_spot_t *ctx, const wl_frame_t *frame, uint8_t *mask_out,
                   wl_detection_t *det, int max, int *n, wl_err_t *err);

#endif
