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
 * A scenario (JSON, format in docs/FORMATS.md) names the camera, the scene,
 * the sensor effects and the targets. Built-in presets are scenarios too.
 * Output is deterministic for a given scenario and seed.
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
} wl_sim_truth_t;

/* Names of the built-in presets, NULL-terminated. */
const char *const *wl_sim_presets(void);

/* Load a preset by name, or a scenario JSON file by path. */
int wl_scenario_load(wl_scenario_t **out, const char *name_or_path,
                     wl_err_t *err);
/* Parse scenario JSON text; `name` is used in messages. */
int wl_scenario_parse(wl_scenario_t **out, const char *json, size_t len,
                      const char *name, wl_err_t *err);
void wl_scenario_free(wl_scenario_t *sc);

/* The scenario's camera (valid while the scenario lives). */
const wl_camera_t *wl_scenario_camera(const wl_scenario_t *sc);

/* A simulator for a scenario (which must outlive it) and a seed. */
int wl_sim_new(wl_sim_t **out, const wl_scenario_t *sc, uint64_t seed,
               wl_err_t *err);

/*
 * Render the next frame into *frame (buffer reused) and its ground truth
 * into truth[0 .. *n_truth), at most max_truth entries (targets in view
 * only). truth may be NULL. Frame times advance by 1/fps.
 */
int wl_sim_next(wl_sim_t *sim, wl_frame_t *frame, wl_sim_truth_t *truth,
                size_t max_truth, size_t *n_truth, wl_err_t *err);

/* Number of targets in the scenario (an upper bound for n_truth). */
size_t wl_sim_target_count(const wl_sim_t *sim);

/* 1 when the last frame rendered was frozen by an FFC, and the number of
 * FFC events so far. */
int wl_sim_in_ffc(const wl_sim_t *sim);
unsigned wl_sim_ffc_count(const wl_sim_t *sim);

void wl_sim_free(wl_sim_t *sim);

#endif
