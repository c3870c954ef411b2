/*
 * scenario.c - scenario JSON (docs/FORMATS.md) into a wl_scenario, and
 * the table of target kinds with their default sizes and temperatures.
 *
 * Design. One pass over the jansson tree with small typed getters that know
 * the key path ("targets[2].speed_mps"), so every error names the scenario,
 * the key and why, in the house form "scenario NAME: KEY: VALUE is
 * impossible: RULE". Unknown keys are ignored. The "camera" object is
 * handed to wl_camera_parse() as text, so camera.json rules apply verbatim.
 *
 * Invariants: a parsed scenario holds only validated, finite values inside
 * the documented ranges; its arrays are sized by what the JSON actually
 * holds and capped by the WL__SIM_MAX_* limits; nothing random happens here
 * (spawned targets are drawn by the simulator from its seed).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../core/json_int.h"
#include "sim_int.h"

/* ------------------------------------------------------------------------ */
/* Kinds                                                                     */

static const wl__kind_info_t KINDS[WL__KIND_COUNT] = {
    /* name, class, speed, height, width, length, contrast night, day,
     * hot, altitude, stride (birds: flaps per second) */
    {"walking", WL_SIM_PERSON, 1.4, 1.75, 0.50, 0.30, 12.0, 4.0, 0.0, 0.0, 1.5},
    {"running", WL_SIM_PERSON, 3.5, 1.75, 0.50, 0.30, 13.0, 5.0, 0.0, 0.0, 2.6},
    {"crawling", WL_SIM_PERSON, 0.5, 0.4, 0.55, 1.7, 10.0, 3.0, 0.0, 0.0, 0.8},
    {"standing", WL_SIM_PERSON, 0.0, 1.75, 0.5, 0.3, 12.0, 4.0, 0.0, 0.0, 1.5},
    {"car", WL_SIM_VEHICLE, 8.0, 1.50, 1.80, 4.50, 7.0, 8.0, 40.0, 0.0, 2.0},
    {"truck", WL_SIM_VEHICLE, 6.0, 3.20, 2.50, 8.00, 6.0, 7.0, 45.0, 0.0, 3.0},
    {"dog", WL_SIM_ANIMAL, 1.5, 0.60, 0.30, 1.00, 12.0, 4.0, 0.0, 0.0, 0.9},
    {"sheep", WL_SIM_ANIMAL, 0.6, 0.80, 0.50, 1.20, 7.0, 2.0, 0.0, 0.0, 0.9},
    {"camel", WL_SIM_ANIMAL, 1.2, 2.00, 0.80, 2.50, 9.0, 3.0, 0.0, 0.0, 2.2},
    {"small", WL_SIM_BIRD, 9.0, 0.12, 0.35, 0.25, 12.0, 6.0, 0.0, 20.0, 4.0},
    {"large", WL_SIM_BIRD, 11.0, 0.30, 1.40, 0.80, 12.0, 6.0, 0.0, 40.0, 2.5},
};

static const char *const CLASS_NAMES[] = {NULL, "person", "vehicle", "animal",
                                          "bird"};

const wl__kind_info_t *wl__kind_info(wl__kind_t kind) { return &KINDS[kind]; }

const char *wl__class_name(wl_sim_class_t cls) {
  if (cls < WL_SIM_PERSON || cls > WL_SIM_BIRD) return "unknown";
  return CLASS_NAMES[cls];
}

int wl__kind_find(wl_sim_class_t cls, const char *name) {
  for (int k = 0; k < WL__KIND_COUNT; k++) {
    if (KINDS[k].cls != cls) continue;
    if (!name || strcmp(name, KINDS[k].name) == 0) return k;
  }
  return -1;
}

static int class_find(const char *name) {
  for (int c = WL_SIM_PERSON; c <= WL_SIM_BIRD; c++)
    if (strcmp(name, CLASS_NAMES[c]) == 0) return c;
  return -1;
}

/* "walking, running, ..." for messages. */
static void kind_list(wl_sim_class_t cls, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (int k = 0; k < WL__KIND_COUNT; k++) {
    if (KINDS[k].cls != cls) continue;
    int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "",
                     KINDS[k].name);
    if (n < 0 || (size_t)n >= cap - used) break;
    used += (size_t)n;
  }
}

/* ------------------------------------------------------------------------ */
/* Typed getters that know where they are                                   */

typedef struct parse_ctx {
  const char *name; /* the scenario's name in messages */
  wl_err_t *err;
} parse_ctx_t;

/* "targets[2]" + "speed_mps" -> "targets[2].speed_mps". */
static const char *key_path(char *buf, size_t cap, const char *prefix,
                            const char *key) {
  if (prefix && prefix[0])
    snprintf(buf, cap, "%s.%s", prefix, key);
  else
    snprintf(buf, cap, "%s", key);
  return buf;
}

static int fail_type(parse_ctx_t *c, const char *path, const char *want,
                     const json_t *v) {
  return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: expected %s, got %s",
                 c->name, path, want, wl__json_type_name(v));
}

static int fail_range(parse_ctx_t *c, const char *path, double v,
                      const char *fmt, ...) WL_PRINTF(4, 5);
static int fail_range(parse_ctx_t *c, const char *path, double v,
                      const char *fmt, ...) {
  char rule[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rule, sizeof rule, fmt, ap);
  va_end(ap);
  return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: %.10g is impossible: %s",
                 c->name, path, v, rule);
}

/*
 * An optional number in [lo, hi] at obj.key; *out is left untouched when
 * the key is absent. lo_open/hi_open make the bound exclusive.
 */
static int get_num(parse_ctx_t *c, const json_t *obj, const char *prefix,
                   const char *key, double lo, int lo_open, double hi,
                   double *out) {
  const json_t *v = json_object_get(obj, key);
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_number(v)) return fail_type(c, path, "a number", v);
  double x = json_number_value(v);
  if (!isfinite(x)) return fail_range(c, path, x, "must be finite");
  if (lo_open ? !(x > lo) : !(x >= lo))
    return fail_range(c, path, x, "must be %s %g", lo_open ? ">" : ">=", lo);
  if (!(x <= hi)) return fail_range(c, path, x, "must be <= %g", hi);
  *out = x;
  return WL_OK;
}

static int get_int(parse_ctx_t *c, const json_t *obj, const char *prefix,
                   const char *key, long lo, long hi, long *out) {
  const json_t *v = json_object_get(obj, key);
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_integer(v)) return fail_type(c, path, "an integer", v);
  json_int_t x = json_integer_value(v);
  if (x < lo || x > hi)
    return wl_fail(c->err, WL_EINVAL,
                   "scenario %s: %s: %lld is impossible: must be %ld to %ld",
                   c->name, path, (long long)x, lo, hi);
  *out = (long)x;
  return WL_OK;
}

static int get_bool(parse_ctx_t *c, const json_t *obj, const char *prefix,
                    const char *key, int *out) {
  const json_t *v = json_object_get(obj, key);
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_boolean(v)) return fail_type(c, path, "true or false", v);
  *out = json_is_true(v);
  return WL_OK;
}

/* An optional string; *out (borrowed from the tree) untouched if absent. */
static int get_str(parse_ctx_t *c, const json_t *obj, const char *prefix,
                   const char *key, const char **out) {
  const json_t *v = json_object_get(obj, key);
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_string(v)) return fail_type(c, path, "a string", v);
  *out = json_string_value(v);
  return WL_OK;
}

/* An optional object member; NULL when absent. */
static int get_obj(parse_ctx_t *c, const json_t *obj, const char *prefix,
                   const char *key, const json_t **out) {
  const json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_object(v)) return fail_type(c, path, "an object", v);
  *out = v;
  return WL_OK;
}

static int get_array(parse_ctx_t *c, const json_t *obj, const char *prefix,
                     const char *key, size_t max, const json_t **out) {
  const json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v) return WL_OK;
  char path[160];
  key_path(path, sizeof path, prefix, key);
  if (!json_is_array(v)) return fail_type(c, path, "an array", v);
  if (json_array_size(v) > max)
    return wl_fail(c->err, WL_ETOOBIG,
                   "scenario %s: %s: %zu entries is too many: the limit is "
                   "%zu",
                   c->name, path, json_array_size(v), max);
  *out = v;
  return WL_OK;
}

/* [east, north] with both finite and within WL__SIM_MAX_COORD_M. */
static int parse_point(parse_ctx_t *c, const json_t *v, const char *path,
                       double out[2]) {
  if (!json_is_array(v) || json_array_size(v) != 2 ||
      !json_is_number(json_array_get(v, 0)) ||
      !json_is_number(json_array_get(v, 1)))
    return wl_fail(c->err, WL_EINVAL,
                   "scenario %s: %s: expected [east_m, north_m], got %s",
                   c->name, path, wl__json_type_name(v));
  for (int i = 0; i < 2; i++) {
    double x = json_number_value(json_array_get(v, (size_t)i));
    if (!isfinite(x) || fabs(x) > WL__SIM_MAX_COORD_M)
      return fail_range(c, path, x, "coordinates must be within +-%g m",
                        WL__SIM_MAX_COORD_M);
    out[i] = x;
  }
  return WL_OK;
}

/* A path: an array of 1.. points (min_points at least). Allocates *pts. */
static int parse_path(parse_ctx_t *c, const json_t *obj, const char *prefix,
                      const char *key, size_t min_points, double (**pts)[2],
                      size_t *n) {
  char path[160], item[192];
  key_path(path, sizeof path, prefix, key);
  const json_t *arr;
  int rc = get_array(c, obj, prefix, key, WL__SIM_MAX_WAYPOINTS, &arr);
  if (rc) return rc;
  if (!arr)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: required key is "
                   "missing", c->name, path);
  size_t count = json_array_size(arr);
  if (count < min_points)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: %zu points is "
                   "impossible: needs at least %zu", c->name, path, count,
                   min_points);
  double (*p)[2] = calloc(count, sizeof *p);
  if (!p) return wl_fail(c->err, WL_ENOMEM, "scenario %s: %s: out of memory",
                         c->name, path);
  for (size_t i = 0; i < count; i++) {
    snprintf(item, sizeof item, "%s[%zu]", path, i);
    rc = parse_point(c, json_array_get(arr, i), item, p[i]);
    if (rc) {
      free(p);
      return rc;
    }
  }
  *pts = p;
  *n = count;
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                  */

static void scene_defaults(wl__scene_spec_t *s, int day) {
  memset(s, 0, sizeof *s);
  s->day = day;
  s->ground_k = day ? 303.0 : 283.0;
  s->texture_k = day ? 2.5 : 1.2;
  s->atmosphere_km = day ? 12.0 : 20.0;
  s->clutter_per_kpx = 1.0;
  s->clutter_k = day ? 4.0 : 2.0;
  s->vegetation = 0;
  s->sway_px = 0.8;
  s->shimmer_px = 0.0;
  s->shimmer_k = 0.15;
  s->shimmer_rows = 12;
}

static int parse_roads(parse_ctx_t *c, const json_t *scene,
                       wl__scene_spec_t *s) {
  const json_t *arr;
  int rc = get_array(c, scene, "scene", "roads", WL__SIM_MAX_ROADS, &arr);
  if (rc || !arr) return rc;
  size_t n = json_array_size(arr);
  if (n == 0) return WL_OK;
  s->roads = calloc(n, sizeof *s->roads);
  if (!s->roads)
    return wl_fail(c->err, WL_ENOMEM, "scenario %s: scene.roads: out of "
                   "memory", c->name);
  size_t points = 0;
  for (size_t i = 0; i < n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "scene.roads[%zu]", i);
    const json_t *r = json_array_get(arr, i);
    if (!json_is_object(r)) return fail_type(c, prefix, "an object", r);
    wl__road_spec_t *road = &s->roads[i];
    s->n_roads = i + 1;
    road->width_m = 6.0;
    road->contrast_k = s->day ? 8.0 : 2.5;
    if ((rc = parse_path(c, r, prefix, "path", 2, &road->path,
                         &road->n_path)) ||
        (rc = get_num(c, r, prefix, "width_m", 0, 1, 1000, &road->width_m)) ||
        (rc = get_num(c, r, prefix, "contrast_k", -100, 0, 100,
                      &road->contrast_k)))
      return rc;
    points += road->n_path;
    if (points > WL__SIM_MAX_ROAD_POINTS)
      return wl_fail(c->err, WL_ETOOBIG, "scenario %s: %s.path: %zu road "
                     "waypoints in all is too many: the limit is %d",
                     c->name, prefix, points, WL__SIM_MAX_ROAD_POINTS);
  }
  return WL_OK;
}

static int parse_scene(parse_ctx_t *c, const json_t *root,
                       wl__scene_spec_t *s) {
  const json_t *scene;
  int rc = get_obj(c, root, "", "scene", &scene);
  if (rc) return rc;
  int day = 0;
  const char *time = NULL;
  if (scene && (rc = get_str(c, scene, "scene", "time", &time))) return rc;
  if (time) {
    if (strcmp(time, "day") == 0)
      day = 1;
    else if (strcmp(time, "night") != 0)
      return wl_fail(c->err, WL_EINVAL, "scenario %s: scene.time: \"%s\" is "
                     "impossible: must be \"night\" or \"day\"", c->name,
                     time);
  }
  scene_defaults(s, day);
  if (!scene) {
    s->sky_k = s->ground_k - (day ? 40.0 : 35.0);
    s->horizon_k = s->ground_k - (day ? 6.0 : 4.0);
    return WL_OK;
  }
  long veg = s->vegetation, rows = s->shimmer_rows;
  s->sky_k = NAN;
  s->horizon_k = NAN;
  if ((rc = get_num(c, scene, "scene", "ground_k", 150, 0, 400,
                    &s->ground_k)) ||
      (rc = get_num(c, scene, "scene", "texture_k", 0, 0, 50,
                    &s->texture_k)) ||
      (rc = get_num(c, scene, "scene", "sky_k", 100, 0, 400, &s->sky_k)) ||
      (rc = get_num(c, scene, "scene", "horizon_k", 100, 0, 400,
                    &s->horizon_k)) ||
      (rc = get_num(c, scene, "scene", "atmosphere_km", 0, 0, 1000,
                    &s->atmosphere_km)) ||
      (rc = get_num(c, scene, "scene", "clutter_per_kpx", 0, 0, 100,
                    &s->clutter_per_kpx)) ||
      (rc = get_num(c, scene, "scene", "clutter_k", 0, 0, 50,
                    &s->clutter_k)) ||
      (rc = get_int(c, scene, "scene", "vegetation", 0, WL__SIM_MAX_BUSHES,
                    &veg)) ||
      (rc = get_num(c, scene, "scene", "sway_px", 0, 0, 10, &s->sway_px)) ||
      (rc = get_num(c, scene, "scene", "shimmer_px", 0, 0, 5,
                    &s->shimmer_px)) ||
      (rc = get_num(c, scene, "scene", "shimmer_k", 0, 0, 10,
                    &s->shimmer_k)) ||
      (rc = get_int(c, scene, "scene", "shimmer_rows", 1, 200, &rows)))
    return rc;
  s->vegetation = (int)veg;
  s->shimmer_rows = (int)rows;
  if (isnan(s->sky_k)) s->sky_k = s->ground_k - (day ? 40.0 : 35.0);
  if (isnan(s->horizon_k)) s->horizon_k = s->ground_k - (day ? 6.0 : 4.0);
  return parse_roads(c, scene, s);
}

static int parse_sensor(parse_ctx_t *c, const json_t *root,
                        wl__sensor_spec_t *s) {
  memset(s, 0, sizeof *s);
  s->netd_mk = 40.0;
  s->fpn_col_mk = 15.0;
  s->fpn_row_mk = 8.0;
  s->fpn_pixel_mk = 0.0;
  s->fpn_growth_mk_per_min = 20.0;
  s->ffc_interval_s = 180.0;
  s->ffc_jitter_s = 20.0;
  s->ffc_freeze_s = 0.4;
  s->drift_mk_per_min = 200.0;
  s->psf_sigma_px = 0.5;
  const json_t *o;
  int rc = get_obj(c, root, "", "sensor", &o);
  if (rc || !o) return rc;
  const char *p = "sensor";
  if ((rc = get_num(c, o, p, "netd_mk", 0, 0, 10000, &s->netd_mk)) ||
      (rc = get_num(c, o, p, "fpn_col_mk", 0, 0, 100000, &s->fpn_col_mk)) ||
      (rc = get_num(c, o, p, "fpn_row_mk", 0, 0, 100000, &s->fpn_row_mk)) ||
      (rc = get_num(c, o, p, "fpn_pixel_mk", 0, 0, 100000,
                    &s->fpn_pixel_mk)) ||
      (rc = get_num(c, o, p, "fpn_growth_mk_per_min", 0, 0, 100000,
                    &s->fpn_growth_mk_per_min)) ||
      (rc = get_num(c, o, p, "ffc_interval_s", 0, 0, 1e6,
                    &s->ffc_interval_s)) ||
      (rc = get_num(c, o, p, "ffc_jitter_s", 0, 0, 1e6, &s->ffc_jitter_s)) ||
      (rc = get_num(c, o, p, "ffc_freeze_s", 0, 0, 10, &s->ffc_freeze_s)) ||
      (rc = get_num(c, o, p, "drift_mk_per_min", 0, 0, 100000,
                    &s->drift_mk_per_min)) ||
      (rc = get_num(c, o, p, "psf_sigma_px", 0, 0, 3, &s->psf_sigma_px)))
    return rc;
  if (s->ffc_interval_s > 0 && s->ffc_jitter_s > 0.5 * s->ffc_interval_s)
    return fail_range(c, "sensor.ffc_jitter_s", s->ffc_jitter_s,
                      "must be at most half of sensor.ffc_interval_s (%g)",
                      s->ffc_interval_s);
  const json_t *arr;
  if ((rc = get_array(c, o, p, "ffc_times_s", WL__SIM_MAX_FFC_TIMES, &arr)))
    return rc;
  if (!arr || json_array_size(arr) == 0) return WL_OK;
  size_t n = json_array_size(arr);
  s->ffc_times_s = calloc(n, sizeof *s->ffc_times_s);
  if (!s->ffc_times_s)
    return wl_fail(c->err, WL_ENOMEM, "scenario %s: sensor.ffc_times_s: out "
                   "of memory", c->name);
  s->n_ffc_times = n;
  for (size_t i = 0; i < n; i++) {
    char path[64];
    snprintf(path, sizeof path, "sensor.ffc_times_s[%zu]", i);
    const json_t *v = json_array_get(arr, i);
    if (!json_is_number(v)) return fail_type(c, path, "a number", v);
    double x = json_number_value(v);
    if (!isfinite(x) || x < 0 || x > 1e6)
      return fail_range(c, path, x, "must be within [0, 1e6] seconds");
    if (i > 0 && x <= s->ffc_times_s[i - 1])
      return fail_range(c, path, x, "must be after the previous time (%g)",
                        s->ffc_times_s[i - 1]);
    s->ffc_times_s[i] = x;
  }
  return WL_OK;
}

/* class and kind; fills the kind's defaults into t. */
static int parse_class_kind(parse_ctx_t *c, const json_t *o,
                            const char *prefix, int day,
                            wl__target_spec_t *t) {
  char path[160];
  const char *cls_name = NULL, *kind_name = NULL;
  int rc;
  if ((rc = get_str(c, o, prefix, "class", &cls_name)) ||
      (rc = get_str(c, o, prefix, "kind", &kind_name)))
    return rc;
  key_path(path, sizeof path, prefix, "class");
  if (!cls_name)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: required key is "
                   "missing (person, vehicle, animal or bird)", c->name,
                   path);
  int cls = class_find(cls_name);
  if (cls < 0)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: \"%s\" is "
                   "impossible: must be person, vehicle, animal or bird",
                   c->name, path, cls_name);
  int kind = wl__kind_find((wl_sim_class_t)cls, kind_name);
  if (kind < 0) {
    char kinds[128];
    kind_list((wl_sim_class_t)cls, kinds, sizeof kinds);
    key_path(path, sizeof path, prefix, "kind");
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: \"%s\" is "
                   "impossible for class %s: must be one of %s", c->name, path,
                   kind_name, cls_name, kinds);
  }
  const wl__kind_info_t *k = &KINDS[kind];
  t->cls = (wl_sim_class_t)cls;
  t->kind = (wl__kind_t)kind;
  t->speed_mps = k->speed_mps;
  t->height_m = k->height_m;
  t->width_m = k->width_m;
  t->length_m = k->length_m;
  t->contrast_k = day ? k->contrast_day_k : k->contrast_night_k;
  t->hot_k = k->hot_k;
  t->altitude_m = k->altitude_m;
  t->start_s = 0.0;
  t->end_s = INFINITY;
  t->heading_deg = NAN;
  t->loop = 0;
  return WL_OK;
}

/* The keys shared by targets and spawn generators. */
static int parse_target_common(parse_ctx_t *c, const json_t *o,
                               const char *prefix, wl__target_spec_t *t) {
  int rc;
  double end = -1.0;
  if ((rc = get_num(c, o, prefix, "speed_mps", 0, 0, 100, &t->speed_mps)) ||
      (rc = get_num(c, o, prefix, "start_s", 0, 0, 1e6, &t->start_s)) ||
      (rc = get_num(c, o, prefix, "end_s", 0, 1, 1e6, &end)) ||
      (rc = get_num(c, o, prefix, "height_m", 0, 1, 100, &t->height_m)) ||
      (rc = get_num(c, o, prefix, "width_m", 0, 1, 100, &t->width_m)) ||
      (rc = get_num(c, o, prefix, "length_m", 0, 1, 100, &t->length_m)) ||
      (rc = get_num(c, o, prefix, "contrast_k", -100, 0, 100,
                    &t->contrast_k)) ||
      (rc = get_num(c, o, prefix, "hot_k", -100, 0, 200, &t->hot_k)) ||
      (rc = get_num(c, o, prefix, "altitude_m", 0, 0, 10000,
                    &t->altitude_m)) ||
      (rc = get_num(c, o, prefix, "heading_deg", -360, 0, 360,
                    &t->heading_deg)) ||
      (rc = get_bool(c, o, prefix, "loop", &t->loop)))
    return rc;
  if (end >= 0.0) {
    if (end <= t->start_s) {
      char path[160];
      return fail_range(c, key_path(path, sizeof path, prefix, "end_s"), end,
                        "must be after start_s (%g)", t->start_s);
    }
    t->end_s = end;
  }
  return WL_OK;
}

/* "pause": [[waypoint_index, seconds], ...] */
static int parse_pauses(parse_ctx_t *c, const json_t *o, const char *prefix,
                        wl__target_spec_t *t) {
  char path[160], item[192];
  key_path(path, sizeof path, prefix, "pause");
  t->pause_s = calloc(t->n_path, sizeof *t->pause_s);
  if (!t->pause_s)
    return wl_fail(c->err, WL_ENOMEM, "scenario %s: %s: out of memory",
                   c->name, path);
  const json_t *arr;
  int rc = get_array(c, o, prefix, "pause", WL__SIM_MAX_WAYPOINTS, &arr);
  if (rc || !arr) return rc;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    snprintf(item, sizeof item, "%s[%zu]", path, i);
    const json_t *p = json_array_get(arr, i);
    if (!json_is_array(p) || json_array_size(p) != 2 ||
        !json_is_integer(json_array_get(p, 0)) ||
        !json_is_number(json_array_get(p, 1)))
      return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: expected "
                     "[waypoint_index, seconds], got %s", c->name, item,
                     wl__json_type_name(p));
    json_int_t idx = json_integer_value(json_array_get(p, 0));
    double sec = json_number_value(json_array_get(p, 1));
    if (idx < 0 || (size_t)idx >= t->n_path)
      return fail_range(c, item, (double)idx,
                        "the waypoint index must be 0 to %zu", t->n_path - 1);
    if (!isfinite(sec) || sec < 0 || sec > 1e6)
      return fail_range(c, item, sec, "seconds must be within [0, 1e6]");
    t->pause_s[idx] += sec;
  }
  return WL_OK;
}

static int parse_target(parse_ctx_t *c, const json_t *o, const char *prefix,
                        int day, wl__target_spec_t *t) {
  if (!json_is_object(o)) return fail_type(c, prefix, "an object", o);
  int rc;
  if ((rc = parse_class_kind(c, o, prefix, day, t)) ||
      (rc = parse_target_common(c, o, prefix, t)) ||
      (rc = parse_path(c, o, prefix, "path", 1, &t->path, &t->n_path)) ||
      (rc = parse_pauses(c, o, prefix, t)))
    return rc;
  return WL_OK;
}

static int parse_spawn(parse_ctx_t *c, const json_t *o, const char *prefix,
                       int day, wl__spawn_spec_t *s) {
  if (!json_is_object(o)) return fail_type(c, prefix, "an object", o);
  int rc;
  char path[160];
  long count = -1, legs = 1;
  s->radius_m = 20.0;
  s->heading_deg = 0.0;
  s->heading_spread_deg = 30.0;
  s->distance_m = 100.0;
  s->speed_spread = 0.2;
  s->start_spread_s = 0.0;
  if ((rc = parse_class_kind(c, o, prefix, day, &s->proto)) ||
      (rc = parse_target_common(c, o, prefix, &s->proto)) ||
      (rc = get_int(c, o, prefix, "count", 1, WL__SIM_MAX_TARGETS, &count)) ||
      (rc = get_int(c, o, prefix, "legs", 1, 64, &legs)) ||
      (rc = get_num(c, o, prefix, "radius_m", 0, 0, 1e5, &s->radius_m)) ||
      (rc = get_num(c, o, prefix, "heading_deg", -360, 0, 360,
                    &s->heading_deg)) ||
      (rc = get_num(c, o, prefix, "heading_spread_deg", 0, 0, 360,
                    &s->heading_spread_deg)) ||
      (rc = get_num(c, o, prefix, "distance_m", 0, 0, 1e5,
                    &s->distance_m)) ||
      (rc = get_num(c, o, prefix, "speed_spread", 0, 0, 1,
                    &s->speed_spread)) ||
      (rc = get_num(c, o, prefix, "start_spread_s", 0, 0, 1e6,
                    &s->start_spread_s)))
    return rc;
  if (count < 0)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: required key is "
                   "missing", c->name, key_path(path, sizeof path, prefix,
                                                "count"));
  const json_t *centre = json_object_get(o, "center");
  key_path(path, sizeof path, prefix, "center");
  if (!centre)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: %s: required key is "
                   "missing", c->name, path);
  if ((rc = parse_point(c, centre, path, s->center))) return rc;
  s->count = (size_t)count;
  s->legs = (int)legs;
  return WL_OK;
}

static int parse_targets(parse_ctx_t *c, const json_t *root,
                         wl_scenario_t *sc) {
  const json_t *arr;
  int rc = get_array(c, root, "", "targets", WL__SIM_MAX_TARGETS, &arr);
  if (rc) return rc;
  size_t n = arr ? json_array_size(arr) : 0;
  if (n > 0) {
    sc->targets = calloc(n, sizeof *sc->targets);
    if (!sc->targets)
      return wl_fail(c->err, WL_ENOMEM, "scenario %s: targets: out of memory",
                     c->name);
  }
  for (size_t i = 0; i < n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "targets[%zu]", i);
    sc->n_targets = i + 1;
    if ((rc = parse_target(c, json_array_get(arr, i), prefix, sc->scene.day,
                           &sc->targets[i])))
      return rc;
  }
  if ((rc = get_array(c, root, "", "spawn", WL__SIM_MAX_TARGETS, &arr)))
    return rc;
  n = arr ? json_array_size(arr) : 0;
  if (n > 0) {
    sc->spawns = calloc(n, sizeof *sc->spawns);
    if (!sc->spawns)
      return wl_fail(c->err, WL_ENOMEM, "scenario %s: spawn: out of memory",
                     c->name);
  }
  size_t total = sc->n_targets;
  for (size_t i = 0; i < n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "spawn[%zu]", i);
    sc->n_spawns = i + 1;
    if ((rc = parse_spawn(c, json_array_get(arr, i), prefix, sc->scene.day,
                          &sc->spawns[i])))
      return rc;
    total += sc->spawns[i].count;
    if (total > WL__SIM_MAX_TARGETS)
      return wl_fail(c->err, WL_ETOOBIG, "scenario %s: %s.count: %zu targets "
                     "in all is too many: the limit is %d", c->name, prefix,
                     total, WL__SIM_MAX_TARGETS);
  }
  return WL_OK;
}

static int parse_camera(parse_ctx_t *c, const json_t *root, wl_camera_t *cam) {
  const json_t *o = json_object_get(root, "camera");
  if (!o)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: camera: required key is "
                   "missing", c->name);
  if (!json_is_object(o)) return fail_type(c, "camera", "an object", o);
  char *text = json_dumps(o, JSON_COMPACT);
  if (!text)
    return wl_fail(c->err, WL_ENOMEM, "scenario %s: camera: out of memory",
                   c->name);
  char name[192];
  snprintf(name, sizeof name, "scenario %s: camera", c->name);
  int rc = wl_camera_parse(cam, text, strlen(text), name, c->err);
  free(text);
  if (rc != WL_OK) return rc;
  /* Frames are always centikelvin: a camera.json saying otherwise would
   * mislabel them. */
  if (!cam->radiometry.radiometric || cam->radiometry.scale != 0.01 ||
      cam->radiometry.offset != 0.0)
    return wl_fail(c->err, WL_EINVAL, "scenario %s: camera.radiometric: is "
                   "impossible: the simulator writes centikelvin, so it must "
                   "be absent, true or {\"scale\": 0.01, \"offset\": 0}",
                   c->name);
  return WL_OK;
}

static int parse_root(parse_ctx_t *c, const json_t *root, wl_scenario_t *sc) {
  if (!json_is_object(root))
    return wl_fail(c->err, WL_EINVAL, "scenario %s: expected a JSON object "
                   "at the top level, got %s", c->name, wl__json_type_name(root));
  int rc;
  const char *desc = NULL, *name = NULL;
  sc->duration_s = 10.0;
  if ((rc = get_str(c, root, "", "name", &name)) ||
      (rc = get_str(c, root, "", "description", &desc)) ||
      (rc = get_num(c, root, "", "duration_s", 0, 1, 1e6, &sc->duration_s)) ||
      (rc = parse_camera(c, root, &sc->camera)) ||
      (rc = parse_scene(c, root, &sc->scene)) ||
      (rc = parse_sensor(c, root, &sc->sensor)) ||
      (rc = parse_targets(c, root, sc)))
    return rc;
  snprintf(sc->name, sizeof sc->name, "%s", name ? name : c->name);
  if (desc) {
    sc->description = strdup(desc);
    if (!sc->description)
      return wl_fail(c->err, WL_ENOMEM, "scenario %s: description: out of "
                     "memory", c->name);
  }
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

int wl_scenario_parse(wl_scenario_t **out, const char *json, size_t len,
                      const char *name, wl_err_t *err) {
  *out = NULL;
  if (!name) name = "(text)";
  if (!json && len > 0)
    return wl_fail(err, WL_EINVAL, "scenario %s: no text given", name);
  if (len > WL__SIM_MAX_JSON_BYTES)
    return wl_fail(err, WL_ETOOBIG, "scenario %s: %zu bytes is too large "
                   "(limit %u)", name, len, WL__SIM_MAX_JSON_BYTES);
  json_error_t jerr;
  json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES,
                            &jerr);
  if (!root)
    return wl_fail(err, WL_EFORMAT, "scenario %s:%d:%d: invalid JSON: %s",
                   name, jerr.line, jerr.column, jerr.text);
  wl_scenario_t *sc = calloc(1, sizeof *sc);
  if (!sc) {
    json_decref(root);
    return wl_fail(err, WL_ENOMEM, "scenario %s: out of memory", name);
  }
  parse_ctx_t c = {name, err};
  int rc = parse_root(&c, root, sc);
  json_decref(root);
  if (rc != WL_OK) {
    wl_scenario_free(sc);
    return rc;
  }
  *out = sc;
  return WL_OK;
}

static void free_target_spec(wl__target_spec_t *t) {
  free(t->path);
  free(t->pause_s);
}

void wl_scenario_free(wl_scenario_t *sc) {
  if (!sc) return;
  for (size_t i = 0; i < sc->n_targets; i++) free_target_spec(&sc->targets[i]);
  free(sc->targets);
  free(sc->spawns);
  for (size_t i = 0; i < sc->scene.n_roads; i++) free(sc->scene.roads[i].path);
  free(sc->scene.roads);
  free(sc->sensor.ffc_times_s);
  free(sc->description);
  free(sc);
}

/* "border-night, border-day, ..." */
static void preset_list(char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (const char *const *p = wl_sim_presets(); *p; p++) {
    int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", *p);
    if (n < 0 || (size_t)n >= cap - used) break;
    used += (size_t)n;
  }
}

static int load_file(wl_scenario_t **out, const char *path, wl_err_t *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "scenario %s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return wl_fail(err, WL_EIO, "scenario %s: not a regular file", path);
  }
  if ((unsigned long long)st.st_size > WL__SIM_MAX_JSON_BYTES) {
    fclose(f);
    return wl_fail(err, WL_ETOOBIG, "scenario %s: %lld bytes is too large "
                   "(limit %u)", path, (long long)st.st_size,
                   WL__SIM_MAX_JSON_BYTES);
  }
  size_t size = (size_t)st.st_size;
  char *buf = malloc(size + 1);
  if (!buf) {
    fclose(f);
    return wl_fail(err, WL_ENOMEM, "scenario %s: out of memory", path);
  }
  size_t got = fread(buf, 1, size, f);
  int read_error = ferror(f);
  fclose(f);
  if (read_error || got != size) {
    free(buf);
    return wl_fail(err, WL_EIO, "scenario %s: read %zu of %zu bytes", path,
                   got, size);
  }
  int rc = wl_scenario_parse(out, buf, size, path, err);
  free(buf);
  return rc;
}

int wl_scenario_load(wl_scenario_t **out, const char *name_or_path,
                     wl_err_t *err) {
  *out = NULL;
  if (!name_or_path || !name_or_path[0])
    return wl_fail(err, WL_EINVAL, "scenario: no preset name or file given");
  const char *text = wl__preset_text(name_or_path);
  if (text)
    return wl_scenario_parse(out, text, strlen(text), name_or_path, err);
  struct stat st;
  if (stat(name_or_path, &st) == 0) return load_file(out, name_or_path, err);
  char presets[256];
  preset_list(presets, sizeof presets);
  return wl_fail(err, WL_ENOTFOUND, "scenario \"%s\": no such preset or "
                 "file; the presets are: %s", name_or_path, presets);
}

const wl_camera_t *wl_scenario_camera(const wl_scenario_t *sc) {
  return &sc->camera;
}

const char *wl_scenario_name(const wl_scenario_t *sc) { return sc->name; }

const char *wl_scenario_description(const wl_scenario_t *sc) {
  return sc->description ? sc->description : "";
}

double wl_scenario_duration_s(const wl_scenario_t *sc) {
  return sc->duration_s;
}

double wl_scenario_netd_mk(const wl_scenario_t *sc) {
  return sc->sensor.netd_mk;
}

const char *wl_sim_class_name(wl_sim_class_t cls) {
  return wl__class_name(cls);
}
