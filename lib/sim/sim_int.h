/*
 * sim_int.h - private to lib/sim: the parsed scenario, the simulator state
 * shared by its files, the PRNG and the noise functions.
 *
 * Design. scenario.c turns JSON into a wl_scenario (plain specs, no
 * randomness); sim.c owns the per-frame loop (time, FFC, drift, fixed
 * pattern, temporal noise, output); sim_scene.c renders the static scene
 * once (terrain, sky, roads, clutter) and the per-frame horizon shimmer;
 * sim_targets.c moves targets and swaying bushes and draws them with
 * sub-pixel coverage into a premultiplied target layer, which sim.c blurs
 * and composites over the scene.
 *
 * Invariants: all temperatures inside the simulator are float centikelvin;
 * every random draw comes from a wl__rng_t owned by the simulator, one
 * stream per purpose (so adding a target does not change the noise);
 * nothing here allocates per frame once wl_sim_new() has returned.
 */
#ifndef WL_SIM_INT_H
#define WL_SIM_INT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "watchline/sim.h"

/* Limits that keep hostile scenarios small. */
#define WL__SIM_MAX_TARGETS 4096   /* explicit + spawned targets */
#define WL__SIM_MAX_WAYPOINTS 1024 /* per path */
#define WL__SIM_MAX_ROADS 64
#define WL__SIM_MAX_ROAD_POINTS 512 /* all roads together */
#define WL__SIM_MAX_FFC_TIMES 4096
#define WL__SIM_MAX_BUSHES 4096
#define WL__SIM_MAX_COORD_M 1e6    /* |east|, |north| of any waypoint */
#define WL__SIM_MAX_JSON_BYTES (16u << 20)

/* Target kinds; each belongs to one class and has default sizes. */
typedef enum wl__kind {
  WL__KIND_WALKING,
  WL__KIND_RUNNING,
  WL__KIND_CRAWLING,
  WL__KIND_STANDING,
  WL__KIND_CAR,
  WL__KIND_TRUCK,
  WL__KIND_DOG,
  WL__KIND_SHEEP,
  WL__KIND_CAMEL,
  WL__KIND_BIRD_SMALL,
  WL__KIND_BIRD_LARGE,
  WL__KIND_COUNT
} wl__kind_t;

/* Defaults of one kind (see the table in docs/FORMATS.md). */
typedef struct wl__kind_info {
  const char *name;
  wl_sim_class_t cls;
  double speed_mps;
  double height_m, width_m, length_m;
  double contrast_night_k, contrast_day_k;
  double hot_k;        /* vehicles: engine/exhaust contrast */
  double altitude_m;   /* birds */
  double stride_m;     /* metres travelled per gait cycle; birds: flap Hz */
} wl__kind_info_t;

const wl__kind_info_t *wl__kind_info(wl__kind_t kind);
/* The kind named `name` within class cls (NULL name: the class default).
 * Returns -1 when unknown. */
int wl__kind_find(wl_sim_class_t cls, const char *name);
const char *wl__class_name(wl_sim_class_t cls);

typedef struct wl__target_spec {
  wl_sim_class_t cls;
  wl__kind_t kind;
  double (*path)[2];   /* n_path waypoints: east, north metres */
  double *pause_s;     /* n_path: standing time on arrival at waypoint i */
  size_t n_path;
  double speed_mps;
  double start_s, end_s;      /* present in [start_s, end_s) */
  double height_m, width_m, length_m;
  double contrast_k, hot_k;
  double altitude_m;          /* birds: above the ground */
  double heading_deg;         /* used when the target never moves */
  int loop;                   /* path closes back to waypoint 0, repeats */
} wl__target_spec_t;

/* A generator of similar targets in a disc ("spawn" in the JSON). */
typedef struct wl__spawn_spec {
  wl__target_spec_t proto;    /* class, kind, sizes, contrast, speed... */
  size_t count;
  double center[2], radius_m;
  double heading_deg, heading_spread_deg;
  double distance_m;          /* path length of each target */
  int legs;                   /* path segments, heading re-drawn per leg */
  double speed_spread;        /* relative: speed * (1 +- spread) */
  double start_spread_s;      /* start_s + U(0, spread) */
} wl__spawn_spec_t;

typedef struct wl__road_spec {
  double (*path)[2];
  size_t n_path;
  double width_m, contrast_k;
} wl__road_spec_t;

typedef struct wl__scene_spec {
  int day;                 /* 0 night, 1 day */
  double ground_k;         /* mean ground temperature, K */
  double texture_k;        /* std of the terrain texture, K */
  double sky_k;            /* sky well above the horizon, K */
  double horizon_k;        /* sky at the horizon and the air path, K */
  double atmosphere_km;    /* 1/e attenuation length; 0: none */
  double clutter_per_kpx;  /* static clutter items per 1000 ground pixels */
  double clutter_k;        /* clutter contrast amplitude, K */
  int vegetation;          /* swaying bushes */
  double sway_px;          /* their sway amplitude, pixels */
  double shimmer_px;       /* horizon shimmer displacement, pixels */
  double shimmer_k;        /* horizon shimmer flicker, K */
  int shimmer_rows;        /* band below the horizon */
  wl__road_spec_t *roads;
  size_t n_roads;
} wl__scene_spec_t;

typedef struct wl__sensor_spec {
  double netd_mk;
  double fpn_col_mk, fpn_row_mk, fpn_pixel_mk;
  double fpn_growth_mk_per_min;
  double ffc_interval_s, ffc_jitter_s, ffc_freeze_s;
  double *ffc_times_s;
  size_t n_ffc_times;
  double drift_mk_per_min;
  double psf_sigma_px;
} wl__sensor_spec_t;

struct wl_scenario {
  char name[128];
  char *description;
  wl_camera_t camera;
  wl__scene_spec_t scene;
  wl__sensor_spec_t sensor;
  double duration_s;
  wl__target_spec_t *targets;
  size_t n_targets;
  wl__spawn_spec_t *spawns;
  size_t n_spawns;
};

/* Text of a built-in preset, or NULL (presets.c). */
const char *wl__preset_text(const char *name);

/* ------------------------------------------------------------------------ */
/* PRNG: xoshiro256** seeded through splitmix64; one stream per purpose.    */

typedef struct wl__rng {
  uint64_t s[4];
} wl__rng_t;

enum {
  WL__STREAM_TERRAIN = 1,
  WL__STREAM_CLUTTER,
  WL__STREAM_BUSHES,
  WL__STREAM_TARGETS,
  WL__STREAM_FFC,
  WL__STREAM_FPN,
  WL__STREAM_DRIFT,
  WL__STREAM_NOISE,
  WL__STREAM_SHIMMER
};

static inline uint64_t wl__splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline void wl__rng_seed(wl__rng_t *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
  for (int i = 0; i < 4; i++) r->s[i] = wl__splitmix64(&x);
}

static inline uint64_t wl__rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

static inline uint64_t wl__rng_next(wl__rng_t *r) {
  uint64_t *s = r->s;
  uint64_t result = wl__rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = wl__rotl(s[3], 45);
  return result;
}

/* Uniform in [0, 1). */
static inline double wl__rng_uniform(wl__rng_t *r) {
  return (double)(wl__rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [lo, hi). */
static inline double wl__rng_range(wl__rng_t *r, double lo, double hi) {
  return lo + (hi - lo) * wl__rng_uniform(r);
}

/* Standard normal (Box-Muller; not for hot loops). */
static inline double wl__rng_gauss(wl__rng_t *r) {
  double u1 = 1.0 - wl__rng_uniform(r); /* (0, 1] */
  double u2 = wl__rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ------------------------------------------------------------------------ */
/* Smooth noise (sim_scene.c)                                               */

/* 2-D gradient noise in about [-1, 1], zero at lattice points, seeded. */
double wl__gradient_noise2(double x, double y, uint32_t seed);
/* 3-D value noise in [-1, 1] with smooth (quintic) interpolation. */
double wl__value_noise3(double x, double y, double z, uint32_t seed);

/* ------------------------------------------------------------------------ */
/* The simulator                                                            */

#define WL__TILE 16 /* side of the dirty-tile grid, pixels */

/* One primitive of a silhouette in local metres: a across (image right), z
 * up from the foot point. */
typedef enum wl__prim_type {
  WL__PRIM_ELLIPSE, /* centre (x0, z0), radii (x1, z1) */
  WL__PRIM_CAPSULE, /* segment (x0, z0)-(x1, z1), radius r */
  WL__PRIM_RBOX     /* centre (x0, z0), half sizes (x1, z1), corner r */
} wl__prim_type_t;

typedef struct wl__prim {
  wl__prim_type_t type;
  float x0, z0, x1, z1, r;
  float inv_x1, inv_z1; /* ellipse: 1 / radii */
  float ba0, ba1, bz0, bz1; /* its bounding box, for quick rejection */
  float level; /* absolute apparent temperature, centikelvin */
} wl__prim_t;

#define WL__MAX_PRIMS 16

/* A silhouette: primitives in priority order (the first hit wins). */
typedef struct wl__shape {
  wl__prim_t prim[WL__MAX_PRIMS];
  int n;
  float shear;            /* a += shear * z: the sway of a bush */
  float a0, a1, z0, z1;   /* local bounding box */
  float peak;             /* hottest level, centikelvin */
} wl__shape_t;

/* Per-target state that lives across frames. */
typedef struct wl__target {
  wl__target_spec_t spec;   /* path points to the scenario or to owned mem */
  int id;
  int owns_path;            /* spawned: path/pause_s allocated here */
  double *leg_time_s;       /* n_legs: travel time of each leg */
  double *leg_len_m;
  size_t n_legs;            /* n_path-1, or n_path when looping */
  double cycle_s;           /* one pass (or one loop) incl. pauses */
  double gait_phase0;       /* 0..1 */
} wl__target_t;

/* Where a target is at time t. */
typedef struct wl__pose {
  int present;
  double east, north;
  double head_e, head_n;    /* unit heading (last movement direction) */
  double speed;             /* current speed, m/s (0 while paused) */
  double distance;          /* metres travelled so far (drives the gait) */
} wl__pose_t;

/* A swaying bush: a small shape on the ground, drawn per frame. */
typedef struct wl__bush {
  double east, north;
  double height_m, width_m;
  double amp_m, period_s, phase;
  float level;
} wl__bush_t;

/* One thing drawn into the target layer this frame. */
typedef struct wl__item {
  double dist;              /* slant distance: nearest drawn first */
  int target;               /* index into targets, or -1 for a bush */
  int bush;
} wl__item_t;

struct wl_sim {
  const wl_scenario_t *sc;
  const wl_camera_t *cam;
  int w, h;
  double fps;
  uint64_t seed;

  /* Static scene. */
  float *base;             /* w*h centikelvin: terrain, roads, clutter, sky */
  float *scene;            /* w*h: base plus this frame's shimmer/targets */
  double *horizon_row;     /* w: horizon row per column */
  float ground_ck;         /* nominal ground, centikelvin */
  float air_ck;            /* horizon/air path temperature */

  /* Target layer: premultiplied temperature and alpha (coverage). */
  float *layer_c, *layer_a;
  float *blur_tmp_c, *blur_tmp_a; /* one tile + halo */
  uint8_t *tile_dirty;     /* tiles with layer content this frame; their
                              scene pixels are restored from base and their
                              layer zeroed at the start of the next frame */
  int tiles_x, tiles_y;
  float psf[3];            /* separable 3-tap PSF weights */

  /* Targets and bushes. */
  wl__target_t *targets;
  size_t n_targets;
  wl__bush_t *bushes;
  size_t n_bushes;
  wl__item_t *items;       /* n_targets + n_bushes */
  wl_sim_truth_t *truth_all;  /* per target, this frame */
  int *truth_valid;

  /* Shimmer. */
  float *shimmer_dv, *shimmer_fl; /* per band pixel: coarse-to-fine scratch */
  int band_top, band_bottom;      /* rows [top, bottom) */
  uint32_t shimmer_seed;

  /* Sensor. */
  wl__rng_t rng_noise, rng_fpn, rng_ffc, rng_drift;
  float noise_table[4096];
  float *fpn_col_res, *fpn_col_grow; /* w */
  float *fpn_row_res, *fpn_row_grow; /* h */
  float *fpn_pix;                    /* w*h or NULL */
  float *col_off;                    /* w: this frame's column offsets */
  float *row_off;                    /* h: this frame's row offsets */
  double last_ffc_t;
  double next_periodic_ffc_t;
  unsigned periodic_ffc_k;           /* index of the next periodic FFC */
  size_t next_listed_ffc;
  double freeze_until_t;
  unsigned ffc_count;
  int in_ffc;
  double drift_ck, drift_rate_ck_per_s;

  /* Frames. */
  uint64_t frame_index;
  uint16_t *last_out;      /* w*h: the last frame output */
  wl_sim_truth_t *last_truth;
  size_t n_last_truth;
  int have_last;
};

/* sim_scene.c */
int wl__scene_build(wl_sim_t *sim, wl_err_t *err);
void wl__scene_shimmer(wl_sim_t *sim, double t);
/* Apparent (attenuated) temperature in centikelvin of a true temperature in
 * kelvin seen through slant metres of air. */
float wl__apparent_ck(const wl_sim_t *sim, double kelvin, double slant_m);
/* Atmospheric transmission over slant metres. */
double wl__transmission(const wl_sim_t *sim, double slant_m);

/* sim_targets.c */
int wl__targets_init(wl_sim_t *sim, wl_err_t *err);
void wl__targets_free(wl_sim_t *sim);
void wl__target_pose(const wl__target_t *tg, double t, wl__pose_t *pose);
/* Draw targets and bushes at time t into the layer, fill sim->truth_all. */
void wl__targets_draw(wl_sim_t *sim, double t);
/* Mark the tiles touched by pixel rectangle [x0,x1) x [y0,y1) dirty. */
void wl__mark_tiles(wl_sim_t *sim, int x0, int y0, int x1, int y1);

/* Test/debug access (sim.c): the column and row offsets (centikelvin) the
 * last rendered frame used, excluding drift. */
const float *wl__sim_col_offsets(const wl_sim_t *sim);
float wl__sim_row_offset(const wl_sim_t *sim, int row);
/* The static base image (w*h centikelvin). */
const float *wl__sim_base(const wl_sim_t *sim);

#endif
