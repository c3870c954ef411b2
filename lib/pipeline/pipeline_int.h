/*
 * pipeline_int.h - internals of lib/pipeline shared with the tests: the
 * clutter gate that the pipeline applies to the confirmed tracks of 8-bit
 * AGC video, the camera motion (pan, tilt) estimate it uses, and the
 * spatial (single-image) path for targets that do not move in the image
 * (see clutter_gate.c, global_motion.c and spatial_8bit.c for the
 * designs).
 */
#ifndef WATCHLINE_PIPELINE_INT_H
#define WATCHLINE_PIPELINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/detect.h"
#include "watchline/track.h"

/* Is id in the sorted (increasing) list ids[0 .. n)? A binary search
 * (pipeline.c); the lists of track ids the stages keep are sorted. */
int wl__has_id(const uint64_t *ids, size_t n, uint64_t id);

/* Global motion (global_motion.c): the whole-image shift between
 * consecutive frames of 8-bit AGC video, and its running sum. */
#define WL__GM_BANDS 4
/* Floats of buffer for width + height = n. */
#define WL__GM_BUF(n) (6 * WL__GM_BANDS * (size_t)(n) + (size_t)(n))

typedef struct wl__global_motion {
  int width, height;
  int x0, x1, y0, y1;   /* the window profiled: the central 70 % */
  int max_shift;        /* largest shift searched against the key frame */
  float max_ratio;      /* a shift is kept when its cost is at most this
                           times the cost of no shift */
  float min_structure;  /* least mean |profile derivative| per row or
                           column, DN, for an estimate */
  float mean_alpha;     /* rate of the profiles' temporal mean */
  float *buf;           /* WL__GM_BUF(width + height): band profiles,
                           key frame profiles, temporal means, scratch */
  uint32_t *acc;        /* width: integer column sums */
  int have_prev;
  float key_ex[WL__GM_BANDS], key_ey[WL__GM_BANDS];  /* key frame's
                           structure per band */
  float dx, dy;         /* this frame's shift: a scene point at (x, y) in
                           the previous frame is at (x + dx, y + dy) */
  double ox, oy;        /* sum of the shifts since the first frame */
  int key_frames;       /* a new key frame at least this often */
  int key_age;          /* frames since the key frame */
  double key_ox, key_oy;  /* ox, oy at the key frame */
  int vel_frames;       /* time constant of vx, vy, frames */
  double vx, vy;        /* camera velocity (running mean), px/s */
  int64_t t_ns;         /* time of the last frame */
} wl__global_motion_t;

int wl__global_motion_init(wl__global_motion_t *gm, int width, int height,
                           wl_err_t *err);
void wl__global_motion_free(wl__global_motion_t *gm);
/* One frame (width x height pixels, row-major): updates dx, dy, ox, oy. */
void wl__global_motion_update(wl__global_motion_t *gm, const uint16_t *px,
                              int64_t t_ns);
size_t wl__global_motion_bytes(const wl__global_motion_t *gm);

/* Per-id memory of one live track: where it was first seen (or its
 * latest anchor), whether it has been let through for good. */
typedef struct wl__gate_track {
  uint64_t id;
  float x0, y0;     /* centroid when first seen (any state), then at
                       each new anchor (pass_frames) */
  float sx0, sy0;   /* the same over the scene: less the camera shift */
  int age0;         /* track age at (x0, y0) */
  float bx0, by0;   /* centroid when first seen, never renewed */
  float bsx0, bsy0; /* the same over the scene */
  int bage0;        /* track age at (bx0, by0) */
  int passed;       /* 1: moved far enough once; always output from then */
  float peak_snr;   /* largest SNR of a detection it matched */
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
  int pass_frames;    /* ...within this many frames (0: any time) */
  float group_px;     /* of output tracks whose boxes grown by this meet,
                         only the largest is output */
  double ox, oy;      /* accumulated camera shift (global motion): track
                         positions are measured over the scene, image
                         position less this */
  float line_px, line_aspect;  /* a box whose long side is at least
                         line_px and line_aspect times its short side is
                         a line, not an object: not output */
  float max_area;     /* nor is a box larger than this, px^2 */
  float edge_px;      /* nor a track whose centroid is less than this
                         from the image border (a cut object) */
  int width, height;  /* image size, px */
  double vx, vy;      /* camera velocity, px/s */
  float pan_px_s;     /* while the camera moves at least this fast... */
  float pan_match;    /* ...a track whose image velocity is within this
                         fraction of the camera's speed of the camera
                         velocity (moves with the ground) is held back
                         when its clutter rate is above pan_clutter */
  float pan_clutter;
  int slow_frames;    /* a slow, steady target passes too: pass_px from
                         where first seen within this many frames, its
                         velocity pointing along that displacement
                         (cosine at least slow_cos; 0: off), where the
                         clutter rate is at most slow_clutter */
  float slow_cos, slow_clutter;
  float min_peak_snr; /* a track is output only once it has matched a
                         detection of at least this SNR (0: off)... */
  float snr_per_clutter; /* ...plus this much per detection per frame by
                         which the clutter rate where it is (less its own
                         share) is above 0 (0: a fixed bar) */
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

/* The accumulated camera shift and the camera velocity for the next
 * filter call (global_motion.c: ox, oy, vx, vy); 0 until set. */
void wl__clutter_gate_set_offset(wl__clutter_gate_t *g, double ox, double oy,
                                 double vx, double vy);

/* Bytes held. */
size_t wl__clutter_gate_bytes(const wl__clutter_gate_t *g);

/* Spatial continuation (spatial_8bit.c): single-image detections that
 * keep output tracks of 8-bit AGC video alive when the temporal detector
 * has learnt their target into the background. */
typedef struct wl__spatial8_mem {
  uint64_t id;
  int frames;         /* frames continued by spatial detections only */
} wl__spatial8_mem_t;

typedef struct wl__spatial8 {
  float near_px;      /* a motion detection's centroid within the
                         predicted box grown by this: no spatial search */
  float min_snr;      /* least peak / ring sigma of a spatial detection */
  float max_ring_frac;/* at most this fraction of the ring's pixels may
                         reach half the peak (a compact spot) */
  int max_frames;     /* spatial-only frames after which a track is left
                         to die */
  size_t cap;         /* max_tracks */
  wl__spatial8_mem_t *mem, *mem_next;
  size_t n_mem;
  uint64_t *ids, *ids_next;  /* live tracks ever output, increasing */
  size_t n_ids;
  /* Static spots: compact warm spots that stay at one place. */
  int ring_px;        /* a spot is brighter than every sample of the square
                         ring at this Chebyshev distance... */
  float spot_min_dn;  /* ...by at least this many DN and spot_min_noise
                         times the frame's noise */
  float spot_min_noise;
  float spot_flat;    /* the ring's spread (max - min) is at most this
                         fraction of the spot's contrast (sky, not ground) */
  float site_px;      /* a spot within this of a site renews it */
  int site_hits;      /* a site seen in this many frames... */
  float site_frac;    /* ...at least this fraction of its frames since
                         born is output (when seen in this frame) */
  int site_idle;      /* a site unseen for this many frames is dropped */
  int max_sites_out;  /* more sites than this to output: none is output */
  float border_frac;  /* spots are searched this fraction of the width and
                         height away from the borders (overlays) */
  int16_t *row;       /* width: the ring maximum of one row */
  int width;
  struct wl__spot_site *sites;
  int n_sites, max_sites;
  wl_track_t *out;    /* max_tracks + max_sites: the gate's output plus the
                         output sites */
  size_t n_out;
} wl__spatial8_t;

typedef struct wl__spot_site {
  double x, y;        /* running position, px */
  float contrast;     /* last contrast, DN */
  int hits, frames;   /* frames seen / frames since born */
  int idle;           /* frames since last seen */
  uint64_t id;        /* 0 until first output, then the tracker's
                         (wl__tracker_take_id) */
} wl__spot_site_t;

/* Returns WL_OK or WL_ENOMEM (then wl__spatial8_free is still safe). */
int wl__spatial8_init(wl__spatial8_t *sp, int width, size_t max_tracks,
                      wl_err_t *err);

/* One usable frame: find the static spots of img (width x height) and
 * update the sites; then the output is the gate's output (gate_out) plus
 * the output sites that no gate track covers: sp->out, sp->n_out, in
 * increasing id order. A site output for the first time takes its id
 * from tr (wl__tracker_take_id, lib/track/track_int.h), the tracker whose
 * tracks the gate filtered. */
void wl__spatial8_spots(wl__spatial8_t *sp, const uint16_t *img, int width,
                        int height, double noise, int64_t t_ns,
                        const wl__clutter_gate_t *gate, wl_tracker_t *tr);

/* The output for a frame without news or before spots: gate_out plus the
 * output sites as last seen (ids as in wl__spatial8_spots). */
void wl__spatial8_output(wl__spatial8_t *sp, const wl__clutter_gate_t *gate,
                         wl_tracker_t *tr, int64_t t_ns);
void wl__spatial8_free(wl__spatial8_t *sp);
size_t wl__spatial8_bytes(const wl__spatial8_t *sp);

/* After the gate: remember which live tracks (all[0 .. n_all), every
 * live track in increasing id order) have been output (out[0 .. n_out)). */
void wl__spatial8_note_output(wl__spatial8_t *sp, const wl_track_t *all,
                              size_t n_all, const wl_track_t *out,
                              size_t n_out);

/* For each confirmed or lost track of tracks[0 .. n_tracks) (every live
 * track after the previous frame, dt_s seconds ago) that has been output, whose predicted box holds no centroid of dets[0 .. n_dets)
 * (this frame's motion detections), look for its target in img (width x
 * height, row-major) and append a detection to dets when found (at most
 * max_dets in all; noise: the frame's temporal noise sigma, DN). Returns
 * the new number of detections. */
size_t wl__spatial8_continue(wl__spatial8_t *sp, const uint16_t *img,
                             int width, int height, double noise, double dt_s,
                             const wl_track_t *tracks, size_t n_tracks,
                             wl_detection_t *dets, size_t n_dets,
                             size_t max_dets);

/* Targets that stand still in radiometric 16-bit video
 * (spatial_still.c): clearly warm blobs that stay at one place are found
 * in the frame itself (at start-up, then every few frames), their tracks
 * are vouched for (wl_tracker_vouch) and fed single-image detections. */
#define WL__STILL_SITES 64
#define WL__STILL_RING 4096
#define WL__STILL_HIST 4096
#define WL__STILL_FOUND 256

/* A place where the search found a clearly warm blob. */
typedef struct wl__still_site {
  float x, y;         /* centroid when first found, px */
  float w, h;         /* box size when last found, px */
  float k;            /* peak contrast when last found, kelvin */
  int hits;           /* searches it was found in */
  int run;            /* of them, the last ones in a row (steady()) */
  int born, last;     /* the first and last of them (search_frames) */
  /* The sway test (site_sway() in spatial_still.c): sums of a
   * least-squares line through its blobs' centroid columns (px from x)
   * against time (s from t0_ns, its first search's frame). */
  int64_t t0_ns;
  double ft, ftt, fx, fxx, fxt;
  float span_s;       /* the time of its last blob, s from t0_ns */
  int swayed;         /* once seen to sway: vegetation, for good */
} wl__still_site_t;

typedef struct wl__still {
  /* The blob test */
  const struct wl_motion *motion; /* with frame (the frame being
                         processed, whose pixels the calls get): blob
                         boxes are made sub-pixel (wl__motion_refine_box);
                         NULL: whole pixels. Set by the pipeline: motion
                         and person_px at start, frame in every frame (its
                         t_ns also times the sites' sway test; NULL: all
                         at time 0) */
  const wl_frame_t *frame;
  const float *person_px; /* the camera's person height per row (px), or
                         NULL: see sub_max_w and wl__still_sure */
  float sub_max_w;    /* only blobs at most this many person heights wide
                         are made sub-pixel (every one without person_px) */
  /* Output boxes (wl__still_refine) */
  float refine_max_area; /* a warm confirmed track's box of at most this
                         many px^2... (0: off) */
  float refine_min_snr, refine_min_k; /* ...on a blob of this contrast
                         (ring spreads, kelvin)... */
  float refine_ring_frac; /* ...of whose ring at most this fraction
                         reaches half its body level (1: no such test: a
                         flock's neighbours fill the ring)... */
  float refine_max_w; /* ...at most this many person heights wide at its
                         foot row... */
  float refine_part;  /* ...at most this fraction of whose width and of
                         whose height the box spans gets the blob's box */
  int refine_animal_edge; /* 1: a track classed animal needs only one of
                         the two (an edge column of a standing animal is
                         as tall as it); 0: both, as any track */
  float refine_residue; /* a piece whose contrast is below this fraction
                         of such a blob's peak, on a blob that holds
                         another track's box centre and inside that box
                         (IoU >= 0.5 with the blob), is not output (0,
                         the default: off; it cost recall) */
  int refine_cut;     /* 1: a piece on a blob that holds another output
                         box's centre, none of those boxes the blob's own
                         (IoU < 0.5: a flock merged about the piece's
                         animal), gets the blob cut at higher levels
                         until it holds no such centre, when that cut
                         still holds the piece's centroid and is of a
                         target's size (an animal standing in a flock
                         whose residue was its only track); 2: and when
                         no level cuts it (animals as warm as each other,
                         fused), the blob's columns between the nearest
                         edges of those other boxes on either side of
                         the piece's centroid, when none of them spans
                         it and that part is of a target's size
                         (rest_of_blob); 0: off */
  int refine_side;    /* 1: a piece whose box touches the frame's left or
                         right side (within 0.5 px) is not refined: its
                         target is cut by the frame, and the blob about
                         its few visible columns spreads along the warm
                         ground beside it; 0: off */
  float refine_side_h; /* ...when the piece is at least this fraction of
                         the blob's height (a target mostly out of view
                         shows its whole height; a corner spot of one
                         mostly in view does not; 0: every such piece) */
  float group_max_w;  /* a warm track classed animal wider than this
                         many person heights (the longest animals, 2.5 m)
                         plus group_pad px at its foot row is several
                         animals: output with the box of the one near its
                         centre, cut from their blob (0: off) */
  float group_pad;    /* px: the blur and sub-pixel edges of a box */
  float group_hold_frac; /* a track not classed person or vehicle whose
                         box holds the box centres of two other output
                         tracks, not pieces, each at most this fraction
                         of its area and not each other's box, is a box
                         over a group: not output (0: off) */
  float max_ring_frac;/* at most this fraction of the blob's ring may
                         reach half its body level (compact) */
  int max_blob_px;    /* the blob must close within this of its peak */
  float still_min_snr;/* contrast at least this many ring spreads... */
  float still_min_k;  /* ...and this many kelvin */
  /* Vouching */
  int still_min_hits; /* spot-born tracks and sites at the end of the
                         spots: this many hits... */
  float still_hit_frac; /* ...in this fraction of their frames/searches */
  float still_max_speed;/* a track vouched for moves at most this, px/s */
  int late_min_hits;  /* later: a site found in this many searches */
  int person_run;     /* later, a site whose blob has a standing person's
                         shape (upright_person() in spatial_still.c): also
                         one found in this many searches in a row, however
                         often it was missed before (passers-by merged
                         with it; 0: off) */
  int site_max_held;  /* a site whose blob holds the centres of this many
                         other confirmed tracks, each boxed in at most half
                         the blob's area, is not vouched for: a flock
                         merged around a tracked animal (0: off) */
  int sway_min_hits;  /* a site whose blob centroid's column, over at
                         least this many searches, strays from a straight
                         line in time by sway_px rms or more... */
  float sway_px;      /* ...sways: a bush in the wind, not a standing
                         target; it vouches for nothing (0: off). Only
                         for blobs smaller than sway_max_h person heights
                         (person_px; none without) on both sides */
  float sway_max_h;
  float sway_min_s;   /* such a small blob is vouched for, or confirmed
                         as a sure target, only once its site has been
                         followed this many seconds without swaying (a
                         bush swings with a period of seconds: judged on
                         the first second, one was output for minutes;
                         0: at once)... */
  float sway_max_k;   /* ...unless at least this many kelvin above its
                         ring (warmer than vegetation or stones get: a
                         body)... */
  float sway_min_px;  /* ...or shorter than this on its long side, px (a
                         point's blur, whose contrast the blur dilutes) */
  int early_min_hits; /* during the spots (spots_end 2): this many (0: the
                         spots' end only; set by the pipeline) */
  int sure_hits;      /* during the spots: a tentative track hit in each
                         of its first this many frames on a warm blob of a
                         target's size is confirmed (0: off; set by the
                         pipeline; wl__still_sure)... */
  float sure_min_h, sure_max_h; /* ...a blob between these many person
                         heights tall at its bottom row... */
  float sure_max_w;   /* ...and at most this many wide... */
  float sure_min_w;   /* ...and at least this many wide (0.2: not a thin
                         strip, a hot edge of a vehicle)... */
  float sure_narrow_w;/* ...and when wider than this many... */
  int sure_wide_hits; /* ...after this many hits */
  float sure_track_box; /* the width above is the blob's widened to the
                         track's own box when that is more than this many
                         times as wide as the blob (0: the blob's alone) */
  float sure_max_speed; /* not faster than this many person heights per
                         second at the blob's bottom row (0: no bound) */
  /* The search */
  int search_every;   /* after the spots: a search every this many usable
                         frames (0: none) */
  int since_search;   /* usable frames since the last search */
  int block_px;       /* background blocks of this side... */
  int bx, by;         /* ...so many across and down */
  float *blk;         /* 2 x bx x by: block means, background */
  uint16_t *bmax;     /* bx x by: block maxima */
  int32_t *blim;      /* bx x by: block candidate limits, DN */
  uint32_t *col;      /* width: one block row's column sums... */
  uint16_t *cmax;     /* ...and maxima */
  uint32_t *tri;      /* 3 x bx: a block row's sorted column triples */
  int *on;            /* bx: a block row's blocks that can hold a
                         candidate */
  int width;
  int max_cand;       /* at most this many candidate peaks per search */
  uint64_t *cand;     /* max_cand: contrast over the limit (high 32
                         bits) and pixel index */
  float site_px;      /* a blob within this of a site renews it */
  int site_idle;      /* a site unseen in this many searches goes */
  int search_frames;  /* searches so far */
  wl__still_site_t sites[WL__STILL_SITES];
  int n_sites;
  wl_detection_t found[WL__STILL_FOUND];  /* one search's blobs, and the
                         boxes of the refused ones... */
  uint8_t found_ok[WL__STILL_FOUND];  /* ...1: a blob, 0: refused */
  int n_found;        /* entries of found[] of the last search */
  /* Blob scratch */
  uint8_t *seen;      /* (2 max_blob_px + 1)^2: the blob's visited mask */
  uint32_t *stack;    /* the same: its pixels */
  float *val;         /* the same: their contrasts */
  uint16_t *ring16;   /* WL__STILL_RING: ring samples... */
  float *ring;        /* ...as floats, for a wide ring's quickselect */
  uint16_t *hist;     /* WL__STILL_HIST: their histogram otherwise */
  /* Tracks vouched for */
  size_t cap;         /* max_tracks */
  uint64_t *ids, *ids_next;  /* live ones, in the tracker's order */
  size_t n_ids;
  uint8_t *piece;     /* max_tracks: wl__still_refine's scratch, which
                         output tracks were pieces before the refine */
  int pending[WL__STILL_SITES];  /* detections appended by the vouching,
                         whose tracks are vouched for after the update */
  int n_pending;
} wl__still_t;

/* For width x height frames and at most max_tracks tracks. Returns WL_OK
 * or WL_ENOMEM (then wl__still_free is still safe). */
int wl__still_init(wl__still_t *st, int width, int height,
                   size_t max_tracks, wl_err_t *err);
void wl__still_free(wl__still_t *st);
size_t wl__still_bytes(const wl__still_t *st);

/* A search of img (width x height; noise: the frame's temporal sigma, DN;
 * k_per_dn: kelvin per DN, > 0) for clearly warm blobs; renews the sites
 * and their sway test. */
void wl__still_search(wl__still_t *st, const uint16_t *img, int width,
                      int height, double noise, double k_per_dn);

/* After a search: vouch for (wl_tracker_vouch) the tracks of tr on sites
 * found steadily (spots_end: 1 the warm-up spots end, before
 * wl_tracker_end_spots, 2 a spot frame after early_min_hits searches;
 * both also vouch for the steady spot-born tentative tracks on a warm
 * blob, with still_min_hits or early_min_hits hits), or (not with 2)
 * append the site's blob to dets (*n_dets of at most max_dets) for
 * wl__still_resolve; never on a site seen to sway (swayed: a small blob
 * swinging to and fro, a bush). Returns how many were vouched for or
 * appended. */
size_t wl__still_vouch(wl__still_t *st, wl_tracker_t *tr, const uint16_t *img,
                       int width, int height, double noise, double k_per_dn,
                       int spots_end, wl_detection_t *dets, size_t *n_dets,
                       size_t max_dets);

/* Median and robust spread (1.4826 x MAD) of img's ring between box
 * [x0, x1) x [y0, y1) grown by 1 px and grown by 1 + r px, clipped to the
 * image (every k-th pixel of a ring larger than WL__STILL_RING); returns
 * the ring's pixel count (0: none, then median and spread are unset). */
long wl__still_ring(wl__still_t *st, const uint16_t *img, int width,
                    int height, int x0, int x1, int y0, int y1, int r,
                    double *median, double *spread);

/* Is blob d (a blob of the last search, warm) alone: do the pixels
 * 8-connected to its peak down to the blob test's low level (the level
 * its body is measured at) close within max_blob_px of the peak? A piece
 * of a larger warm object (a close truck's wheel) does not. */
int wl__still_alone(wl__still_t *st, const uint16_t *img, int width,
                    int height, double noise, double k_per_dn,
                    const wl_detection_t *d);

/* After the tracker's update of a warm-up spot frame (after a search of
 * this frame: wl__still_alone's background): confirm
 * (wl_tracker_confirm) every tentative track hit in every frame since its
 * birth, sure_hits times (sure_wide_hits for a blob wider than
 * sure_narrow_w person heights), of warm contrast at least still_min_k,
 * on a blob that passes the blob test at its position, is alone and is
 * between sure_min_h and sure_max_h person heights tall and between
 * sure_min_w and sure_max_w wide at its bottom row (above the horizon: at most 7 px a
 * side; the blob widened to the track's box when that is more than
 * sure_track_box times as wide: a detection that merged several targets
 * side by side about one blob), and not faster than sure_max_speed
 * person heights per second there. st->person_px: the pixel height of a
 * 1.7 m person per row (none confirmed without it). At most 64 per call.
 * Its blob is not continued (not remembered as a standing target).
 * Returns how many. */
size_t wl__still_sure(wl__still_t *st, wl_tracker_t *tr, const uint16_t *img,
                      int width, int height, double noise, double k_per_dn);

/* After the tracker's update that followed wl__still_vouch: the tracks
 * born from the detections it appended are vouched for. */
void wl__still_resolve(wl__still_t *st, wl_tracker_t *tr);

/* Output boxes of small warm confirmed tracks (tracks[0 .. n): the copy
 * the pipeline outputs; the tracker's own boxes are left alone). A warm
 * target that stood while the background model learned it, or that
 * stops or grazes slowly, is absorbed into the model; the temporal
 * detector then gives a 1-2 px piece of it (the part it has just moved
 * onto, a residue of a standing camel), off the target's centre by 2-3
 * px, while the frame still shows it whole. A track whose box covers at
 * most refine_max_area px^2 (a piece) and whose centroid lies in (or
 * within 1 px of) a warm blob at it in this frame (the blob test:
 * refine_min_snr ring spreads, refine_min_k kelvin, refine_ring_frac of
 * the ring as warm: in a flock the neighbours fill the ring) that is of a
 * target's size on its row (as wl__still_sure's sizes) and at most
 * refine_max_w person heights wide (not a row of animals), holds the
 * centre of no other output box but pieces' (those are the same animal's
 * other tracks, each refined alike; a larger box is the animal's own
 * track), and is more than 1 / refine_part times as wide and as tall as
 * the box (a piece, not a distant target whose box already spans its
 * blurred blob; for a track classed animal, with refine_animal_edge, as
 * wide or as tall: an edge column of a standing animal), is output with
 * the blob's box. The blob is the one at
 * the body's half level or, when that does not close or is wider than
 * refine_max_w person heights at the track's foot row, at the lowest
 * higher level (steps of a tenth of the peak) where it closes and fits:
 * an animal on warm ground or touching a neighbour. With refine_cut, a
 * piece whose blob holds other (non-piece) boxes' centres, none of them
 * the blob's own (IoU < 0.5: a flock merged about the piece's animal),
 * gets the blob cut at rising levels (one px narrower at a time) until
 * it holds no such centre, when the cut still holds the piece's
 * centroid (within 1 px), is of a target's size and is not spanned by
 * the piece (else it keeps its box); with refine_cut 2, when no level
 * cuts it, the piece gets the blob's columns that those boxes leave on
 * its side (between their nearest edges either side of its centroid,
 * when none spans the centroid), with the same tests. With refine_side,
 * a piece whose box touches the frame's left or right side and is at
 * least refine_side_h as tall as its blob keeps its box (its target is
 * cut by the frame). A piece on such a
 * blob that holds another (non-piece) box's centre, inside that box,
 * which is the blob's own (IoU >= 0.5 with it), and whose contrast is
 * below refine_residue (default 0: off) of the blob's peak contrast (a
 * residue on the animal's own track) is removed from tracks[0 ..
 * *n_tracks) (the order of the rest kept; *n_tracks updated).
 * Then a warm track that is not a piece, classed animal, and wider than
 * group_max_w person heights + group_pad px at its foot row (a box over
 * several animals of a flock, or an animal and the warm ground it
 * touches: no animal is that long) gets the box of the blob test (the
 * refine's contrasts) about the warmest pixel in a window two such
 * lengths wide about its centroid, cut at higher levels until it is at
 * most that wide (as above), when the blob's centroid lies in its box.
 * People and vehicles (classed so), whose groups and bodies are that
 * wide, keep their boxes. Last, a track not classed person or vehicle
 * whose box (after the above) holds the box centres of two other output
 * tracks that are not pieces (over refine_max_area), each at most
 * group_hold_frac of its area and not each other's box (IoU < 0.5), is
 * a box over a group whose members have their own tracks: removed as
 * the residues (judged on the boxes before any is removed). Returns how
 * many changed or were removed. */
size_t wl__still_refine(wl__still_t *st, const uint16_t *img, int width,
                        int height, double noise, double k_per_dn,
                        wl_track_t *tracks, size_t *n_tracks);

/* Before the tracker's update: for each vouched track of tracks[0 ..
 * n_tracks) (every live track after the previous update, dt_s seconds
 * ago), look for its blob at its prediction in img and append it to dets
 * (at most max_dets in all). Returns the new number of detections. */
size_t wl__still_continue(wl__still_t *st, const uint16_t *img, int width,
                          int height, double noise, double k_per_dn,
                          double dt_s, const wl_track_t *tracks,
                          size_t n_tracks, wl_detection_t *dets,
                          size_t n_dets, size_t max_dets);

#endif
