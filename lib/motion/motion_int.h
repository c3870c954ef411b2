/*
 * motion_int.h - private to lib/motion: the detector's state, the per-row
 * kernels (motion_kernel.c) and the component stage (motion_blobs.c).
 *
 * The model per pixel: a background mean `mu` and a threshold `thr`, both
 * uint16 in internal units (the frame's DN shifted left by `shift` so that
 * 8-bit video keeps sub-DN precision), and one mask byte. A pixel is
 * foreground when |f' - mu| > max(thr, floor), f' being the frame value
 * mapped to reference units by the preprocessor's gain and offset.
 *
 * Kernels work on one row at a time in blocks of WL__MOTION_BLOCK pixels
 * (a fixed trip count, which GCC vectorises at -O2), plus a scalar tail,
 * and are built three times (x86-64-v4 i.e. AVX-512, AVX2, baseline) by
 * target_clones where the compiler and platform support it; the choice is
 * made once at load time.
 */
#ifndef WL_MOTION_INT_H
#define WL_MOTION_INT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/motion.h"

#define WL__MOTION_BLOCK 64

/* Mask byte: bits 0-1 the state (0 background, 1 warmer, 2 colder),
 * bits 2-5 the flicker counter, bit 6 the last foreground polarity (1:
 * colder), bit 7 set when the state changed in this frame
 * (motion_kernel.c). */
#define WL__FG_WARM 1
#define WL__FG_COLD 2
#define WL__STATE_BITS 3
#define WL__COUNT_SHIFT 2
#define WL__COUNT_BITS (15 << WL__COUNT_SHIFT)
#define WL__COUNT_MAX 15
#define WL__LAST_COLD_SHIFT 6
#define WL__LAST_COLD (1 << WL__LAST_COLD_SHIFT)
#define WL__CHANGED_SHIFT 7
#define WL__CHANGED (1 << WL__CHANGED_SHIFT)
#define WL__FLICKER_ON 6

/* Everything a row kernel needs besides the row pointers. */
typedef struct wl__motion_kparams {
  int shift;        /* frame DN << shift = internal units */
  int offset;       /* subtracted after the shift (and after the gain) */
  int gain_q12;     /* 4096 / gain; used by the gain kernels only */
  int floor_thr;    /* threshold floor, internal units */
  int thr_gain_q4;  /* threshold learning target = |d| * thr_gain_q4 / 16 */
  int mu_shift_bg;  /* background pixels: mu += d / 2^mu_shift_bg */
  int mu_shift_fg;  /* foreground pixels: mu += d / 2^mu_shift_fg */
  int mu_shift_weak;/* faint foreground (|d| < 2 thr): 2^-mu_shift_weak */
  int thr_shift;    /* background pixels: thr += (target - thr) / 2^.. */
  int thr_flicker_shift; /* flickering foreground pixels: the same */
  int thr_cap;      /* cap on the threshold's learning target: 65535, or
                       a few noise floors while learning every pixel as
                       background (objects must not inflate it) */
  int selective;    /* 0: update every pixel as background */
} wl__motion_kparams_t;

/* One horizontal run of foreground pixels of one polarity. */
typedef struct wl__motion_run {
  uint16_t x0, x1; /* [x0, x1) */
  uint16_t y;
  uint8_t pol;     /* WL__FG_WARM or WL__FG_COLD */
  uint8_t pad;
} wl__motion_run_t;

/* A component being measured (pixel coordinates, internal units). */
typedef struct wl__motion_comp {
  int x0, y0, x1, y1;     /* bounds of all pixels, inclusive */
  int cx0, cy0, cx1, cy1; /* bounds of the core pixels (see blobs) */
  int area;
  int8_t pol;             /* WL__FG_WARM or WL__FG_COLD */
  int8_t person_part;     /* a part made by the head split (motion_split.c):
                             not split by heads again */
  int8_t state;           /* WL__COMP_* */
  int8_t has_cut;         /* a split part: cut[] holds its cut edges */
  uint8_t shift_peak[16]; /* jitter test (blobs): the largest residual /
                             sigma per shift, in 1/8, capped at 255; 0-7
                             by a pixel, 8-15 by up to two (sway) */
  double sum_d;           /* signed contrast, internal units */
  double sum_w, sum_wx, sum_wy; /* |d|-weighted centroid */
  double sum_var;         /* sum of sigma^2 */
  float peak_abs;         /* largest |d| */
  float peak_snr;         /* largest |d| / sigma */
  union {
    struct {              /* the ghost test (blobs), dead after it */
      float edge_f, edge_mu; /* boundary edge strength in f' and in mu */
      int edge_pairs;     /* boundary pixel pairs summed */
      int changed;        /* pixels whose state changed this frame */
    };
    float cut[4];         /* a split part's (has_cut) edges that cut
                             through a body (motion_split.c), applied
                             after the sub-pixel box: [0] the left edge
                             lies at or right of this x, [1] the right
                             edge at or left of it (the part's window,
                             px); [2] the part's height above its bottom
                             edge, [3] below its top edge; 0: a real
                             edge. [0] or [1] negative: that side is
                             real and the other (cut) side is mirrored
                             from it about the column -cut[k] */
  };
  float shift_r[16];      /* jitter test: residuals beyond the background
                             shifted toward each of the 8 neighbours; 8-15
                             by up to two pixels (the sway score) */
  double snr;
} wl__motion_comp_t;

enum {
  WL__COMP_WEAK = 0, /* below min_area or min_snr: not reported */
  WL__COMP_PASS,     /* reported */
  WL__COMP_GHOST,    /* background revealed by a departed object */
  WL__COMP_MERGED    /* joined into another component */
};

struct wl_motion {
  wl_motion_params_t p;
  int w, h;
  int blocks_per_row;
  int shift;            /* DN << shift = internal units; set by frame 1 */
  int initialised;      /* mu/thr hold a model */
  wl_radiometry_t radiometry; /* of the first frame: the reference units */

  uint16_t *mu, *thr;   /* w*h */
  uint8_t *mask;        /* w*h: 0, WL__FG_WARM, WL__FG_COLD */
  uint8_t *active;      /* h * blocks_per_row */
  uint16_t *rnd;        /* w + 64 dither values */

  wl__motion_run_t *runs; /* cap_runs */
  int32_t *parent;      /* union-find, per run */
  int32_t *comp_of;     /* component index per root run, or -1 */
  size_t cap_runs;
  wl__motion_comp_t *comps; /* max_components */
  double *col_acc, *row_acc; /* re-anchoring: w and h; col_acc is also
                             the splitting's scratch (motion_split.c) */

  uint64_t frames;      /* usable frames modelled since initialisation */
  int relearn_left;     /* frames of fast learning left */
  int relearn_selective;
  wl_motion_stats_t st;
};

/* Where the sub-pixel box (motion_blobs.c, wl__motion_refine_box) reads
 * an object's contrast: against the background model (kp set: per-pixel
 * noise from thr), or, with kp NULL, against the constant bg in frame DN
 * with noise sigma (a warm-up spot against its ring mean). pol: the
 * object's WL__FG_* polarity. */
typedef struct wl__motion_sview {
  const wl_motion_t *m;
  const wl_frame_t *frame;
  const wl__motion_kparams_t *kp;
  int use_gain;
  int pol;
  double bg, sigma;
} wl__motion_sview_t;

/* Sub-pixel box of an object whose whole-pixel core box is [x0, x1] x
 * [y0, y1] (d holds that box on entry): each edge moves by the covered
 * part of its outer line, or outward by the covered part of the line
 * beyond it (motion_blobs.c, step 5b). peak: its largest |contrast|;
 * (cx, cy): its centroid, which centres an axis one line thick. */
void wl__motion_refine_box(const wl__motion_sview_t *v, double peak,
                           double cx, double cy, int x0, int x1, int y0,
                           int y1, wl_detection_t *d);

/* Warm-up spots (motion_warm.c): a candidate pixel, its ring mean (frame
 * DN) and SNR, kept in the run buffer (16 bytes: two runs). */
#define WL__MOTION_SPOT_MAX_INNER 7 /* largest spot_inner */
typedef struct wl__motion_spot {
  int x, y;
  float bg, snr;
} wl__motion_spot_t;

/*
 * The warm-up's spatial spots of this frame (motion_warm.c): appended to
 * out[n_have, max_out) unless their centroid lies in the box of one of
 * out[0, n) (grown by a pixel); noise is the sensor's sigma in frame DN.
 * Uses the component stage's scratch (runs, parent, comp_of), so it runs
 * after wl__motion_components. Returns the new count.
 */
size_t wl__motion_warm_spots(wl_motion_t *m, const wl_frame_t *frame,
                             double noise, wl_detection_t *out, size_t n_have,
                             size_t max_out);

/*
 * The warm-up spot candidates of this frame (motion_warm.c), in row-major
 * order, at most cap: the strict 3x3 extrema whose contrast against their
 * ring's mean reaches spot_min_snr x the ring's spread (at least noise).
 * Uses parent and comp_of as scratch. Returns their number (0 when the
 * frame is too small or the scratch too short).
 */
size_t wl__motion_spot_candidates(wl_motion_t *m, const wl_frame_t *frame,
                                  double noise, wl__motion_spot_t *cand,
                                  size_t cap);

/*
 * Detect only: mask[x] for x in [0, n); returns the number of foreground
 * pixels. `active` receives one byte per block: nonzero when the block has
 * foreground.
 */
int wl__motion_detect_row(const uint16_t *f, const uint16_t *mu,
                          const uint16_t *thr, uint8_t *mask,
                          uint8_t *active, int n,
                          const wl__motion_kparams_t *kp);

/*
 * Detect and update mu and thr (dithered by rnd[0..n), uniform 16-bit
 * values); same outputs as wl__motion_detect_row.
 */
int wl__motion_update_row(const uint16_t *f, uint16_t *mu, uint16_t *thr,
                          uint8_t *mask, uint8_t *active, int n,
                          const uint16_t *rnd, uint16_t salt,
                          const wl__motion_kparams_t *kp);

/* The same two with a gain (gain_q12 != 4096). */
int wl__motion_detect_row_gain(const uint16_t *f, const uint16_t *mu,
                               const uint16_t *thr, uint8_t *mask,
                               uint8_t *active, int n,
                               const wl__motion_kparams_t *kp);
int wl__motion_update_row_gain(const uint16_t *f, uint16_t *mu,
                               uint16_t *thr, uint8_t *mask, uint8_t *active,
                               int n, const uint16_t *rnd, uint16_t salt,
                               const wl__motion_kparams_t *kp);

/*
 * The component stage (motion_blobs.c): foreground runs of the current
 * mask, 8-connected components of one polarity, their measurement, the
 * ghost test (ghosts are absorbed into mu), fragment merging, and the
 * strongest max_out as detections. Returns the number written.
 */
size_t wl__motion_components(wl_motion_t *m, const wl_frame_t *frame,
                             const wl__motion_kparams_t *kp, int use_gain,
                             wl_detection_t *out, size_t max_out);

/*
 * Splitting (motion_split.c): every reported component of components
 * [0, nc) wider than split_aspect x its height is cut at the valleys of
 * its column contrast profile; the extra parts are appended. Uses
 * m->col_acc as scratch. Returns the new number of components.
 */
size_t wl__motion_split(wl_motion_t *m, const wl_frame_t *frame,
                        const wl__motion_kparams_t *kp, int use_gain,
                        size_t nc);

/* The frame value of pixel v in internal reference units (scalar). */
static inline int wl__motion_ref_value(uint16_t v,
                                       const wl__motion_kparams_t *kp,
                                       int use_gain) {
  int f = (int)v << kp->shift;
  if (use_gain) f = (int)(((int64_t)f * kp->gain_q12) >> 12);
  return f - kp->offset;
}

#endif
