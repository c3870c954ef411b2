/*
 * watchline/sim.h - a thermal scene simulator with exact ground truth.
 *
 * Renders what an uncooled 16-bit radiometric camera on a tower sees:
 * terrain whose temperature texture gets finer with distance, a cold sky,
 * static clutter, swaying vegetation and horizon shimmer; NETD temporal
 * noise, row/column fixed-pattern noise that changes at every flat-field
 * correction (FFC), frozen frames during FFC and slow global drift; and
 * moving targets (people, vehicles, animals, birds) rendered through the
 * camera model with area-weighted sub-pixel coverage and a small blur.
 *
 * A scenario (JSON, format in docs/FORMATS.md from docs/FORMATS.md)
 * names the camera, the scene, the sensor effects and the targets. Built-in
 * presets are scenarios too. Output is deterministic for a given scenario
 * and seed. Frames are 16-bit centikelvin.
 */
#ifndef WATCHLINE_SIM_H
#define WATCHLINE_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/camera.h"
#include "watchline/frame.h"

typedef struct wl_scenario wl_scenario_t;
typedef struct wl_sim wl_sim_t;

/* Ground-truth classes, as written in gt.txt. */
typedef enum wl_sim_class {
  WL_SIM_PERSON = 1,
  WL_SIM_VEHICLE = 2,
  WL_SIM_ANIMAL = 3,
  WL_SIM_BIRD = 4
} wl_sim_class_t;

/* Ground truth of one target in one frame. */
typedef struct wl_sim_truth {
  int id;                 /* from 1, stable for the scenario */
  wl_sim_class_t cls;
  double x, y, w, h;      /* box in continuous pixels, top-left origin 0,0,
                             clipped to the image */
  double visibility;      /* 0..1: unoccluded, in-image fraction */
  double foot_u, foot_v;  /* foot point in pixels (bottom centre) */
  double lat, lon;        /* foot point on the ground, WGS84 */
  double east, north;     /* foot point, ENU metres from the tower */
  double range_m;         /* ground range from the tower */
  double contrast_k;      /* peak temperature contrast before blur */
  /* Added by the simulator (docs/FORMATS.md): */
  const char *kind;       /* "walking", "car", "sheep", ... (static) */
  double speed_mps;       /* current speed over the ground */
  double heading_deg;     /* direction of travel, clockwise from north */
  double altitude_m;      /* above the ground (birds), else 0 */
} wl_sim_truth_t;

/* "person", "vehicle", "animal", "bird" (static). */
const char *wl_sim_class_name(wl_sim_class_t cls);

/* Names of the built-in presets, NULL-terminated. */
const char *const *wl_sim_presets(void);

/* Load a preset by name, or a scenario JSON file by path (WL_ENOTFOUND,
 * listing the presets, when it is neither). On success *out is the
 * caller's, freed with wl_scenario_free(); on failure it is NULL. */
int wl_scenario_load(wl_scenario_t **out, const char *name_or_path,
                     wl_err_t *err);
/* Parse scenario JSON text (len bytes, need not be NUL-terminated); `name`
 * is used in messages. Same ownership as wl_scenario_load(). */
int wl_scenario_parse(wl_scenario_t **out, const char *json, size_t len,
                      const char *name, wl_err_t *err);
/* sc may be NULL. */
void wl_scenario_free(wl_scenario_t *sc);

/* The scenario's camera (valid while the scenario lives). */
const wl_camera_t *wl_scenario_camera(const wl_scenario_t *sc);
/* Its "name" (or the name it was loaded by), "description" ("" if none)
 * and "duration_s" (default 10): valid while the scenario lives. */
const char *wl_scenario_name(const wl_scenario_t *sc);
const char *wl_scenario_description(const wl_scenario_t *sc);
double wl_scenario_duration_s(const wl_scenario_t *sc);
/* The sensor's NETD (temporal noise), in millikelvin ("netd_mk", default
 * 40). */
double wl_scenario_netd_mk(const wl_scenario_t *sc);

/* A simulator for a scenario (which must outlive it) and a seed. Renders
 * the static scene once (0.1-0.3 s at 640x512) and allocates everything it
 * will use; freed with wl_sim_free(). */
int wl_sim_new(wl_sim_t **out, const wl_scenario_t *sc, uint64_t seed,
               wl_err_t *err);

/*
 * Render the next frame into *frame (buffer reused) and its ground truth
 * into truth[0 .. *n_truth), at most max_truth entries (targets in view
 * only, in id order). truth and n_truth may be NULL. Frame n is at time
 * n/fps. While an FFC freezes the output, the frame and its truth repeat
 * the last frame before it exactly. No allocation besides growing frame.
 */
int wl_sim_next(wl_sim_t *sim, wl_frame_t *frame, wl_sim_truth_t *truth,
                size_t max_truth, size_t *n_truth, wl_err_t *err);

/* Number of targets in the scenario (an upper bound for n_truth). */
size_t wl_sim_target_count(const wl_sim_t *sim);

/* 1 when the last frame rendered was frozen by an FFC, and the number of
 * FFC events so far. */
int wl_sim_in_ffc(const wl_sim_t *sim);
unsigned wl_sim_ffc_count(const wl_sim_t *sim);

/* Time of the last frame rendered, seconds from 0 (frame n is at n/fps). */
double wl_sim_time_s(const wl_sim_t *sim);

/* sim may be NULL. */
void wl_sim_free(wl_sim_t *sim);

#endif
