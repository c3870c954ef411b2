/*
 * camera.c - the camera model: camera.json, pixel <-> ray <-> ground point
 * (see camera.h and docs/FORMATS.md).
 *
 * Design. A pinhole with focal length f_px = (width/2) / tan(hfov/2) and
 * principal point (width/2, height/2); radial distortion k1, k2 acts on
 * normalised coordinates and is inverted per ray with a safeguarded Newton
 * iteration. cam_to_enu holds the camera axes (x right, y down, z forward)
 * as ENU columns, built from yaw, pitch and roll.
 *
 * The ground is the WGS84 ellipsoid with both semi-axes raised by
 * ground_alt_m. Rays are intersected with it exactly in ECEF after scaling
 * the axes to make it the unit sphere, so every ground query is a quadratic:
 * A t^2 + 2 b t + c = 0 with A = |d'|^2, b = L'.d', c = |L'|^2 - 1 (L' the
 * scaled lens position, d' the scaled ray). The near root is taken in the
 * cancellation-free form t = c / (-b + sqrt(b^2 - A c)).
 *
 * Invariants: after wl_camera_init() every field is finite and inside its
 * documented range, the radial distortion is strictly monotonic out to the
 * image corners (so pixel_to_ray inverts enu_to_pixel there), and the
 * derived fields agree with the user fields. Queries never allocate.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../core/json_int.h"
#include "watchline/camera.h"

#define DEG_TO_RAD (M_PI / 180.0)
#define RAD_TO_DEG (180.0 / M_PI)

/* Limits beyond the obvious geometric ones, documented in camera.md. */
#define CAMERA_MIN_HFOV_DEG 0.001
#define CAMERA_MAX_HEIGHT_M 100000.0
#define CAMERA_MIN_GROUND_ALT_M -11000.0
#define CAMERA_MAX_GROUND_ALT_M 9000.0
#define CAMERA_MAX_FPS 1000.0
#define CAMERA_MAX_JSON_BYTES (1u << 20)

/* Undistortion: Newton steps before giving up (it converges in ~4). */
#define UNDISTORT_MAX_STEPS 60

/* ------------------------------------------------------------------------ */
/* Defaults and validation                                                   */

void wl_camera_defaults(wl_camera_t *cam) {
  memset(cam, 0, sizeof *cam);
  cam->ground_alt_m = 0.0;
  cam->k1 = 0.0;
  cam->k2 = 0.0;
  cam->roll_deg = 0.0;
  cam->radiometry = wl_radiometry_centikelvin();
  cam->fps = 30.0;
}

/* A finite number inside [lo, hi] (inclusive), else a WL_EINVAL message in
 * the house form "NAME: KEY: VALUE is impossible: RULE". */
static int check_range(const char *name, const char *key, double value,
                       double lo, double hi, const char *rule,
                       wl_err_t *err) {
  if (!isfinite(value))
    return wl_fail(err, WL_EINVAL, "%s: %s: %.10g is impossible: must be a "
                   "finite number", name, key, value);
  if (value < lo || value > hi)
    return wl_fail(err, WL_EINVAL, "%s: %s: %.10g is impossible: %s", name,
                   key, value, rule);
  return WL_OK;
}

/* r_d(r) = r (1 + k1 r^2 + k2 r^4): the distorted radius of undistorted r. */
static double distorted_radius(double k1, double k2, double r) {
  double r2 = r * r;
  return r * (1.0 + k1 * r2 + k2 * r2 * r2);
}

/*
 * The undistorted radius at which r_d(r) stops increasing (its derivative
 * 1 + 3 k1 r^2 + 5 k2 r^4 first reaches zero), or INFINITY when it never
 * does.
 */
static double distortion_fold_radius(double k1, double k2) {
  double a = 5.0 * k2, b = 3.0 * k1; /* a s^2 + b s + 1 = 0, s = r^2 */
  double s;
  if (a == 0.0) {
    if (b >= 0.0) return INFINITY;
    s = -1.0 / b;
  } else {
    double disc = b * b - 4.0 * a;
    if (disc < 0.0) return INFINITY; /* a > 0 here: always increasing */
    double q = -0.5 * (b + copysign(sqrt(disc), b));
    double s1 = q / a, s2 = (q != 0.0) ? 1.0 / q : INFINITY;
    s = INFINITY;
    if (s1 > 0.0 && s1 < s) s = s1;
    if (s2 > 0.0 && s2 < s) s = s2;
    if (!isfinite(s)) return INFINITY;
  }
  return sqrt(s);
}

static int validate_distortion(const wl_camera_t *cam, const char *name,
                               wl_err_t *err) {
  int rc = check_range(name, "k1", cam->k1, -1e6, 1e6,
                       "must be within [-1e6, 1e6]", err);
  if (rc == WL_OK)
    rc = check_range(name, "k2", cam->k2, -1e6, 1e6,
                     "must be within [-1e6, 1e6]", err);
  if (rc != WL_OK) return rc;
  double corner = hypot(cam->cx, cam->cy) / cam->f_px; /* distorted radius */
  double fold = distortion_fold_radius(cam->k1, cam->k2);
  if (isfinite(fold) && distorted_radius(cam->k1, cam->k2, fold) <= corner)
    return wl_fail(err, WL_EINVAL,
                   "%s: k1, k2: %.10g, %.10g are impossible: the distortion "
                   "folds back at normalised radius %.6g, inside the image "
                   "(corner radius %.6g)",
                   name, cam->k1, cam->k2, fold, corner);
  return WL_OK;
}

static int validate_user_fields(const wl_camera_t *cam, const char *name,
                                wl_err_t *err) {
  size_t id_len = strnlen(cam->id, sizeof cam->id);
  if (id_len == 0)
    return wl_fail(err, WL_EINVAL, "%s: id: \"\" is impossible: must not be "
                   "empty", name);
  if (id_len >= sizeof cam->id)
    return wl_fail(err, WL_EINVAL, "%s: id: is impossible: must be at most "
                   "%d bytes", name, WL_CAMERA_ID_MAX - 1);
  for (size_t i = 0; i < id_len; i++) {
    unsigned char ch = (unsigned char)cam->id[i];
    if (ch < 0x20 || ch == 0x7f)
      return wl_fail(err, WL_EINVAL, "%s: id: control character 0x%02x at "
                     "byte %zu is impossible: must be printable", name, ch, i);
  }
  json_t *utf8_check = json_stringn(cam->id, id_len); /* NULL: bad UTF-8 */
  if (!utf8_check)
    return wl_fail(err, WL_EINVAL, "%s: id: is impossible: must be valid "
                   "UTF-8", name);
  json_decref(utf8_check);
  if (cam->width < 1 || cam->width > WL_MAX_DIM)
    return wl_fail(err, WL_EINVAL, "%s: width: %d is impossible: must be 1 to "
                   "%d", name, cam->width, WL_MAX_DIM);
  if (cam->height < 1 || cam->height > WL_MAX_DIM)
    return wl_fail(err, WL_EINVAL, "%s: height: %d is impossible: must be 1 "
                   "to %d", name, cam->height, WL_MAX_DIM);
  if ((size_t)cam->width * (size_t)cam->height > WL_MAX_PIXELS)
    return wl_fail(err, WL_EINVAL, "%s: width x height: %dx%d is impossible: "
                   "must be at most %zu pixels", name, cam->width, cam->height,
                   (size_t)WL_MAX_PIXELS);

  int rc;
  if (!isfinite(cam->hfov_deg) || cam->hfov_deg <= 0.0 ||
      cam->hfov_deg >= 180.0)
    return wl_fail(err, WL_EINVAL, "%s: hfov_deg: %.10g is impossible: must "
                   "be > 0 and < 180", name, cam->hfov_deg);
  if ((rc = check_range(name, "hfov_deg", cam->hfov_deg, CAMERA_MIN_HFOV_DEG,
                        180.0, "must be at least 0.001", err)))
    return rc;
  if ((rc = check_range(name, "lat", cam->lat, -90.0, 90.0,
                        "must be within [-90, 90]", err)) ||
      (rc = check_range(name, "lon", cam->lon, -180.0, 180.0,
                        "must be within [-180, 180]", err)) ||
      (rc = check_range(name, "height_m", cam->height_m, 0.0,
                        CAMERA_MAX_HEIGHT_M, "must be within [0, 100000]",
                        err)) ||
      (rc = check_range(name, "ground_alt_m", cam->ground_alt_m,
                        CAMERA_MIN_GROUND_ALT_M, CAMERA_MAX_GROUND_ALT_M,
                        "must be within [-11000, 9000]", err)) ||
      (rc = check_range(name, "yaw_deg", cam->yaw_deg, -DBL_MAX, DBL_MAX,
                        "must be finite", err)) ||
      (rc = check_range(name, "pitch_deg", cam->pitch_deg, -90.0, 90.0,
                        "must be within [-90, 90]", err)) ||
      (rc = check_range(name, "roll_deg", cam->roll_deg, -180.0, 180.0,
                        "must be within [-180, 180]", err)))
    return rc;
  if (!isfinite(cam->fps) || cam->fps <= 0.0 || cam->fps > CAMERA_MAX_FPS)
    return wl_fail(err, WL_EINVAL, "%s: fps: %.10g is impossible: must be > 0 "
                   "and at most 1000", name, cam->fps);
  if (cam->radiometry.radiometric) {
    if (!isfinite(cam->radiometry.scale) || cam->radiometry.scale <= 0.0)
      return wl_fail(err, WL_EINVAL, "%s: radiometric.scale: %.10g is "
                     "impossible: must be a finite number > 0", name,
                     cam->radiometry.scale);
    if ((rc = check_range(name, "radiometric.offset",
                          cam->radiometry.offset, -DBL_MAX, DBL_MAX,
                          "must be finite", err)))
      return rc;
  }
  return WL_OK;
}

/*
 * cam_to_enu from yaw, pitch, roll. forward = (sin y cos p, cos y cos p,
 * sin p); zero-roll right = (cos y, -sin y, 0); down = forward x right (so
 * x, y, z is right-handed). Roll turns right towards down (clockwise seen
 * from behind).
 */
static void build_orientation(wl_camera_t *cam) {
  double yaw = cam->yaw_deg * DEG_TO_RAD, pitch = cam->pitch_deg * DEG_TO_RAD;
  double roll = cam->roll_deg * DEG_TO_RAD;
  double sy = sin(yaw), cyaw = cos(yaw), sp = sin(pitch), cp = cos(pitch);
  double sr = sin(roll), cr = cos(roll);
  double fwd[3] = {sy * cp, cyaw * cp, sp};
  double right0[3] = {cyaw, -sy, 0.0};
  double down0[3] = {fwd[1] * right0[2] - fwd[2] * right0[1],
                     fwd[2] * right0[0] - fwd[0] * right0[2],
                     fwd[0] * right0[1] - fwd[1] * right0[0]};
  for (int i = 0; i < 3; i++) {
    cam->cam_to_enu[i][0] = cr * right0[i] + sr * down0[i];
    cam->cam_to_enu[i][1] = cr * down0[i] - sr * right0[i];
    cam->cam_to_enu[i][2] = fwd[i];
  }
}

static int init_named(wl_camera_t *cam, const char *name, wl_err_t *err) {
  int rc = validate_user_fields(cam, name, err);
  if (rc != WL_OK) return rc;
  cam->cx = cam->width / 2.0;
  cam->cy = cam->height / 2.0;
  cam->f_px = cam->cx / tan(cam->hfov_deg * DEG_TO_RAD / 2.0);
  cam->vfov_deg = 2.0 * atan(cam->cy / cam->f_px) * RAD_TO_DEG;
  if ((rc = validate_distortion(cam, name, err)) != WL_OK) return rc;
  build_orientation(cam);
  wl_enu_frame_init(&cam->enu, cam->lat, cam->lon, cam->ground_alt_m);
  cam->ell_a = WL_WGS84_A + cam->ground_alt_m;
  cam->ell_b = WL_WGS84_A * (1.0 - WL_WGS84_F) + cam->ground_alt_m;
  return WL_OK;
}

int wl_camera_init(wl_camera_t *cam, wl_err_t *err) {
  return init_named(cam, "camera", err);
}

/* ------------------------------------------------------------------------ */
/* camera.json                                                               */

/* Read a number (integer or real) at obj[key]; `label` names it in messages
 * ("radiometric.scale"). Missing: WL_ENOTFOUND when optional (value
 * untouched), WL_EINVAL when required. */
static int get_number(const json_t *obj, const char *key, const char *label,
                      int required, double *out, const char *name,
                      wl_err_t *err) {
  const json_t *v = json_object_get(obj, key);
  if (!v) {
    if (required)
      return wl_fail(err, WL_EINVAL, "%s: %s: required key is missing", name,
                     label);
    return WL_ENOTFOUND;
  }
  if (!json_is_number(v))
    return wl_fail(err, WL_EINVAL, "%s: %s: expected a number, got %s", name,
                   label, wl__json_type_name(v));
  *out = json_number_value(v);
  return WL_OK;
}

static int get_int_dim(const json_t *obj, const char *key, int *out,
                       const char *name, wl_err_t *err) {
  const json_t *v = json_object_get(obj, key);
  if (!v)
    return wl_fail(err, WL_EINVAL, "%s: %s: required key is missing", name,
                   key);
  if (!json_is_integer(v))
    return wl_fail(err, WL_EINVAL, "%s: %s: expected an integer, got %s",
                   name, key, wl__json_type_name(v));
  json_int_t n = json_integer_value(v);
  if (n < 1 || n > WL_MAX_DIM)
    return wl_fail(err, WL_EINVAL, "%s: %s: %lld is impossible: must be 1 to "
                   "%d", name, key, (long long)n, WL_MAX_DIM);
  *out = (int)n;
  return WL_OK;
}

static int get_id(const json_t *obj, char id[WL_CAMERA_ID_MAX],
                  const char *name, wl_err_t *err) {
  const json_t *v = json_object_get(obj, "id");
  if (!v)
    return wl_fail(err, WL_EINVAL, "%s: id: required key is missing", name);
  if (!json_is_string(v))
    return wl_fail(err, WL_EINVAL, "%s: id: expected a string, got %s", name,
                   wl__json_type_name(v));
  size_t len = json_string_length(v);
  if (len == 0)
    return wl_fail(err, WL_EINVAL, "%s: id: \"\" is impossible: must not be "
                   "empty", name);
  if (len >= WL_CAMERA_ID_MAX)
    return wl_fail(err, WL_EINVAL, "%s: id: \"%.20s...\" (%zu bytes) is "
                   "impossible: must be at most %d bytes", name,
                   json_string_value(v), len, WL_CAMERA_ID_MAX - 1);
  memcpy(id, json_string_value(v), len + 1);
  return WL_OK;
}

static int get_radiometry(const json_t *obj, wl_radiometry_t *out,
                          const char *name, wl_err_t *err) {
  const json_t *v = json_object_get(obj, "radiometric");
  if (!v || json_is_true(v)) {
    *out = wl_radiometry_centikelvin();
    return WL_OK;
  }
  if (json_is_false(v)) {
    *out = wl_radiometry_none();
    return WL_OK;
  }
  if (!json_is_object(v))
    return wl_fail(err, WL_EINVAL, "%s: radiometric: expected an object "
                   "{\"scale\", \"offset\"} or false, got %s", name,
                   wl__json_type_name(v));
  *out = wl_radiometry_centikelvin();
  int rc = get_number(v, "scale", "radiometric.scale", 0, &out->scale, name,
                      err);
  if (rc == WL_OK || rc == WL_ENOTFOUND)
    rc = get_number(v, "offset", "radiometric.offset", 0, &out->offset, name,
                    err);
  return rc == WL_ENOTFOUND ? WL_OK : rc;
}

static int camera_from_json(wl_camera_t *cam, const json_t *root,
                            const char *name, wl_err_t *err) {
  if (!json_is_object(root))
    return wl_fail(err, WL_EINVAL, "%s: expected a JSON object at the top "
                   "level, got %s", name, wl__json_type_name(root));
  wl_camera_defaults(cam);
  int rc;
  if ((rc = get_id(root, cam->id, name, err)) ||
      (rc = get_int_dim(root, "width", &cam->width, name, err)) ||
      (rc = get_int_dim(root, "height", &cam->height, name, err)))
    return rc;
  struct {
    const char *key;
    double *dst;
    int required;
  } numbers[] = {
      {"hfov_deg", &cam->hfov_deg, 1},   {"lat", &cam->lat, 1},
      {"lon", &cam->lon, 1},             {"height_m", &cam->height_m, 1},
      {"yaw_deg", &cam->yaw_deg, 1},     {"pitch_deg", &cam->pitch_deg, 1},
      {"roll_deg", &cam->roll_deg, 0},   {"ground_alt_m", &cam->ground_alt_m, 0},
      {"k1", &cam->k1, 0},               {"k2", &cam->k2, 0},
      {"fps", &cam->fps, 0},
  };
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
    rc = get_number(root, numbers[i].key, numbers[i].key,
                    numbers[i].required, numbers[i].dst, name, err);
    if (rc != WL_OK && rc != WL_ENOTFOUND) return rc;
  }
  if ((rc = get_radiometry(root, &cam->radiometry, name, err))) return rc;
  return WL_OK;
}

int wl_camera_parse(wl_camera_t *cam, const char *json, size_t len,
                    const char *name, wl_err_t *err) {
  if (!name) name = "camera.json";
  if (!json && len > 0)
    return wl_fail(err, WL_EINVAL, "%s: no text given", name);
  if (len > CAMERA_MAX_JSON_BYTES)
    return wl_fail(err, WL_ETOOBIG, "%s: %zu bytes is too large for a "
                   "camera description (limit %u)", name, len,
                   CAMERA_MAX_JSON_BYTES);
  json_error_t jerr;
  json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES,
                            &jerr);
  if (!root)
    return wl_fail(err, WL_EFORMAT, "%s:%d:%d: invalid JSON: %s", name,
                   jerr.line, jerr.column, jerr.text);
  wl_camera_t parsed;
  int rc = camera_from_json(&parsed, root, name, err);
  json_decref(root);
  if (rc == WL_OK) rc = init_named(&parsed, name, err);
  if (rc == WL_OK) *cam = parsed;
  return rc;
}

int wl_camera_load(wl_camera_t *cam, const char *path, wl_err_t *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot open: %s", path, strerror(errno));
  char *text = malloc(CAMERA_MAX_JSON_BYTES + 1);
  if (!text) {
    fclose(f);
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate a read buffer", path);
  }
  size_t len = fread(text, 1, CAMERA_MAX_JSON_BYTES + 1, f);
  int read_failed = ferror(f);
  fclose(f);
  int rc;
  if (read_failed)
    rc = wl_fail(err, WL_EIO, "%s: read error after %zu bytes", path, len);
  else if (len > CAMERA_MAX_JSON_BYTES)
    rc = wl_fail(err, WL_ETOOBIG, "%s: larger than the %u-byte limit for a "
                 "camera description", path, CAMERA_MAX_JSON_BYTES);
  else
    rc = wl_camera_parse(cam, text, len, path, err);
  free(text);
  return rc;
}

/*
 * The shortest %.Ng (N = 1..17) that reads back as exactly v, so that saved
 * files say 33.12 rather than 33.119999999999997 and still round-trip
 * bit for bit. Integral values keep a ".0" to read as reals. buf holds 32.
 */
static void format_real(char buf[32], double v) {
  if (v == floor(v) && fabs(v) < 1e15) { /* integral: no exponent form */
    snprintf(buf, 32, "%.1f", v);
    return;
  }
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(buf, 32, "%.*g", precision, v);
    if (strtod(buf, NULL) == v) break;
  }
  if (!strpbrk(buf, ".eEn")) strcat(buf, ".0"); /* "n": nan, inf */
}

/* Append printf output to a fixed buffer; sets *overflow instead of
 * writing past its end. */
static void append(char *buf, size_t cap, size_t *used, int *overflow,
                   const char *fmt, ...) WL_PRINTF(5, 6);
static void append(char *buf, size_t cap, size_t *used, int *overflow,
                   const char *fmt, ...) {
  if (*overflow) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *used, cap - *used, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= cap - *used)
    *overflow = 1;
  else
    *used += (size_t)n;
}

char *wl_camera_to_json(const wl_camera_t *cam) {
  /* The id goes through jansson for exact JSON string escaping. */
  json_t *id = json_stringn(cam->id, strnlen(cam->id, sizeof cam->id));
  char *id_text = id ? json_dumps(id, JSON_ENCODE_ANY) : NULL;
  json_decref(id);
  if (!id_text) return NULL;
  size_t cap = strlen(id_text) + 1024, used = 0;
  char *text = malloc(cap);
  if (!text) {
    free(id_text);
    return NULL;
  }
  struct {
    const char *key;
    double value;
  } reals[] = {
      {"hfov_deg", cam->hfov_deg},   {"lat", cam->lat},
      {"lon", cam->lon},             {"height_m", cam->height_m},
      {"ground_alt_m", cam->ground_alt_m}, {"yaw_deg", cam->yaw_deg},
      {"pitch_deg", cam->pitch_deg}, {"roll_deg", cam->roll_deg},
      {"k1", cam->k1},               {"k2", cam->k2},
  };
  char num[32], num2[32];
  int overflow = 0;
  append(text, cap, &used, &overflow,
         "{\n  \"id\": %s,\n  \"width\": %d,\n  \"height\": %d,\n", id_text,
         cam->width, cam->height);
  free(id_text);
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
    format_real(num, reals[i].value);
    append(text, cap, &used, &overflow, "  \"%s\": %s,\n", reals[i].key, num);
  }
  if (cam->radiometry.radiometric) {
    format_real(num, cam->radiometry.scale);
    format_real(num2, cam->radiometry.offset);
    append(text, cap, &used, &overflow,
           "  \"radiometric\": {\"scale\": %s, \"offset\": %s},\n", num, num2);
  } else {
    append(text, cap, &used, &overflow, "  \"radiometric\": false,\n");
  }
  format_real(num, cam->fps);
  append(text, cap, &used, &overflow, "  \"fps\": %s\n}\n", num);
  if (overflow) { /* cannot happen: cap covers every field */
    free(text);
    return NULL;
  }
  return text;
}

int wl_camera_save(const wl_camera_t *cam, const char *path, wl_err_t *err) {
  char *text = wl_camera_to_json(cam);
  if (!text)
    return wl_fail(err, WL_ENOMEM, "%s: cannot format camera \"%s\"", path,
                   cam->id);
  FILE *f = fopen(path, "wb");
  if (!f) {
    int e = errno;
    free(text);
    return wl_fail(err, WL_EIO, "%s: cannot create: %s", path, strerror(e));
  }
  size_t len = strlen(text);
  int ok = fwrite(text, 1, len, f) == len;
  ok &= fclose(f) == 0;
  free(text);
  if (!ok) return wl_fail(err, WL_EIO, "%s: write failed", path);
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* Rays and projection                                                       */

/*
 * Undistorted radius r with r (1 + k1 r^2 + k2 r^4) = rd: Newton from the
 * fixed-point guess rd / (1 + k1 rd^2 + k2 rd^4), kept inside a bracket by
 * bisection. Beyond the fold (no inverse) it returns the fold radius.
 * Converges to a few ulps, typically in 3-5 steps.
 */
static double undistort_radius(double k1, double k2, double rd) {
  double lo = 0.0, hi = INFINITY;
  if (k1 < 0.0 || k2 < 0.0) {
    double fold = distortion_fold_radius(k1, k2);
    if (isfinite(fold)) {
      if (distorted_radius(k1, k2, fold) <= rd) return fold;
      hi = fold;
    }
  }
  double rd2 = rd * rd;
  double r = rd / (1.0 + k1 * rd2 + k2 * rd2 * rd2);
  if (!(r > lo && r < hi)) r = isfinite(hi) ? 0.5 * hi : rd;
  for (int step = 0; step < UNDISTORT_MAX_STEPS; step++) {
    double r2 = r * r;
    double g = r * (1.0 + k1 * r2 + k2 * r2 * r2) - rd;
    double dg = 1.0 + 3.0 * k1 * r2 + 5.0 * k2 * r2 * r2;
    if (g == 0.0) return r;
    if (g > 0.0) hi = r; else lo = r;
    double next = (dg > 0.0) ? r - g / dg : NAN;
    if (!(next >= lo && next <= hi))
      next = isfinite(hi) ? 0.5 * (lo + hi) : 2.0 * r + rd;
    if (fabs(next - r) <= 4.0 * DBL_EPSILON * r) return next;
    r = next;
  }
  return r;
}

/* Camera-frame direction (x, y, 1) of continuous pixel (u, v). */
static void pixel_to_camera_dir(const wl_camera_t *cam, double u, double v,
                                double *x, double *y) {
  double xd = (u - cam->cx) / cam->f_px, yd = (v - cam->cy) / cam->f_px;
  if (cam->k1 == 0.0 && cam->k2 == 0.0) {
    *x = xd;
    *y = yd;
    return;
  }
  double rd = hypot(xd, yd);
  if (rd == 0.0) {
    *x = *y = 0.0;
    return;
  }
  double scale = undistort_radius(cam->k1, cam->k2, rd) / rd;
  *x = xd * scale;
  *y = yd * scale;
}

void wl_camera_pixel_to_ray(const wl_camera_t *cam, double u, double v,
                            double ray_enu[3]) {
  double x, y;
  pixel_to_camera_dir(cam, u, v, &x, &y);
  double norm = 1.0 / sqrt(x * x + y * y + 1.0);
  for (int i = 0; i < 3; i++)
    ray_enu[i] = (cam->cam_to_enu[i][0] * x + cam->cam_to_enu[i][1] * y +
                  cam->cam_to_enu[i][2]) * norm;
}

int wl_camera_enu_to_pixel(const wl_camera_t *cam, const double p_enu[3],
                           double *u, double *v) {
  double d[3] = {p_enu[0], p_enu[1], p_enu[2] - cam->height_m};
  double xc = 0.0, yc = 0.0, zc = 0.0;
  for (int i = 0; i < 3; i++) {
    xc += cam->cam_to_enu[i][0] * d[i];
    yc += cam->cam_to_enu[i][1] * d[i];
    zc += cam->cam_to_enu[i][2] * d[i];
  }
  if (!(zc > 0.0)) return WL_ERANGE;
  double x = xc / zc, y = yc / zc;
  double r2 = x * x + y * y;
  double s = 1.0 + cam->k1 * r2 + cam->k2 * r2 * r2;
  *u = cam->cx + cam->f_px * x * s;
  *v = cam->cy + cam->f_px * y * s;
  return WL_OK;
}

/* ------------------------------------------------------------------------ */
/* The ground ellipsoid                                                      */

/* ECEF scaled so that the ground ellipsoid is the unit sphere. */
static void scale_to_unit(const wl_camera_t *cam, const double v[3],
                          double out[3]) {
  out[0] = v[0] / cam->ell_a;
  out[1] = v[1] / cam->ell_a;
  out[2] = v[2] / cam->ell_b;
}

/* Scaled ECEF lens position, and c = |L'|^2 - 1 (> 0 above the ground). */
static double scaled_lens(const wl_camera_t *cam, double lens[3]) {
  double up[3] = {0.0, 0.0, cam->height_m}, ecef[3];
  wl_ecef_from_enu(&cam->enu, up, ecef);
  scale_to_unit(cam, ecef, lens);
  return lens[0] * lens[0] + lens[1] * lens[1] + lens[2] * lens[2] - 1.0;
}

/*
 * Distance t >= 0 along ENU direction ray (any length) from the lens to the
 * ground, the near intersection. Returns 0 and sets *t, or WL_ERANGE when
 * the ray does not meet the ground in front of the lens.
 */
static int ray_ground_distance(const wl_camera_t *cam, const double ray[3],
                               double *t) {
  double lens[3], ecef_dir[3], dir[3];
  double c = scaled_lens(cam, lens);
  wl_enu_vec_to_ecef(&cam->enu, ray, ecef_dir);
  scale_to_unit(cam, ecef_dir, dir);
  double a = dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2];
  double b = lens[0] * dir[0] + lens[1] * dir[1] + lens[2] * dir[2];
  if (!(b < 0.0)) return WL_ERANGE; /* level or heading away */
  if (!(c > 0.0)) {
    /* On or under the surface: only with height_m ~ 0, where the raised
     * ellipsoid and the tower's foot may differ by millimetres. Downward
     * rays meet the ground at the lens. */
    *t = 0.0;
    return WL_OK;
  }
  /* Outside: both roots share a sign; the near one, cancellation-free. */
  double disc = b * b - a * c;
  if (!(disc > 0.0)) return WL_ERANGE;
  *t = c / (-b + sqrt(disc));
  return WL_OK;
}

int wl_camera_pixel_to_ground(const wl_camera_t *cam, double u, double v,
                              double ground_enu[3]) {
  double ray[3], t;
  wl_camera_pixel_to_ray(cam, u, v, ray);
  int rc = ray_ground_distance(cam, ray, &t);
  if (rc != WL_OK) return rc;
  ground_enu[0] = t * ray[0];
  ground_enu[1] = t * ray[1];
  ground_enu[2] = cam->height_m + t * ray[2];
  return WL_OK;
}

void wl_camera_ground_at(const wl_camera_t *cam, double east, double north,
                         double ground_enu[3]) {
  double base_enu[3] = {east, north, 0.0}, base_ecef[3], base[3];
  double up_enu[3] = {0.0, 0.0, 1.0}, up_ecef[3], up[3];
  wl_ecef_from_enu(&cam->enu, base_enu, base_ecef);
  wl_enu_vec_to_ecef(&cam->enu, up_enu, up_ecef);
  scale_to_unit(cam, base_ecef, base);
  scale_to_unit(cam, up_ecef, up);
  double a = up[0] * up[0] + up[1] * up[1] + up[2] * up[2];
  double b = base[0] * up[0] + base[1] * up[1] + base[2] * up[2];
  double c = base[0] * base[0] + base[1] * base[1] + base[2] * base[2] - 1.0;
  double disc = b * b - a * c;
  ground_enu[0] = east;
  ground_enu[1] = north;
  if (disc < 0.0) {
    ground_enu[2] = NAN; /* the vertical line misses the earth */
    return;
  }
  /* The root nearest the tangent plane, in cancellation-free form. */
  double q = -(b + copysign(sqrt(disc), b));
  ground_enu[2] = (q != 0.0) ? c / q : 0.0;
}

void wl_camera_heights_px(const wl_camera_t *cam, double height_m,
                          float *out) {
  for (int y = 0; y < cam->height; y++) {
    double g[3], u, v;
    out[y] = 0.0f;
    if (wl_camera_pixel_to_ground(cam, 0.5 * cam->width, y + 1.0, g) != WL_OK)
      continue;
    g[2] += height_m;
    if (wl_camera_enu_to_pixel(cam, g, &u, &v) != WL_OK) continue;
    double h = y + 1.0 - v;
    out[y] = h > 0 && h < 1e6 ? (float)h : 0.0f;
  }
}

void wl_camera_range_bearing(const wl_camera_t *cam, const double p_enu[3],
                             double *range_m, double *bearing_deg) {
  (void)cam;
  *range_m = hypot(p_enu[0], p_enu[1]);
  double bearing = atan2(p_enu[0], p_enu[1]) * RAD_TO_DEG;
  if (bearing < 0.0) bearing += 360.0;
  if (bearing >= 360.0) bearing -= 360.0;
  *bearing_deg = bearing;
}

double wl_camera_slant_range(const wl_camera_t *cam, const double p_enu[3]) {
  return sqrt(p_enu[0] * p_enu[0] + p_enu[1] * p_enu[1] +
              (p_enu[2] - cam->height_m) * (p_enu[2] - cam->height_m));
}

double wl_camera_footprint_m(const wl_camera_t *cam, double slant_range_m) {
  return slant_range_m * 2.0 * atan(0.5 / cam->f_px);
}

int wl_camera_ground_footprint(const wl_camera_t *cam, double u, double v,
                               double *across_m, double *along_m) {
  double ray[3], t;
  wl_camera_pixel_to_ray(cam, u, v, ray);
  int rc = ray_ground_distance(cam, ray, &t);
  if (rc != WL_OK) return rc;
  /* Grazing angle: between the ray and the ground's tangent plane at the
   * hit, i.e. asin(|ray . normal|) with the ellipsoid normal there. */
  double hit_enu[3] = {t * ray[0], t * ray[1], cam->height_m + t * ray[2]};
  double hit[3], dir[3], normal[3];
  wl_ecef_from_enu(&cam->enu, hit_enu, hit);
  wl_enu_vec_to_ecef(&cam->enu, ray, dir);
  normal[0] = hit[0] / (cam->ell_a * cam->ell_a);
  normal[1] = hit[1] / (cam->ell_a * cam->ell_a);
  normal[2] = hit[2] / (cam->ell_b * cam->ell_b);
  double nn = sqrt(normal[0] * normal[0] + normal[1] * normal[1] +
                   normal[2] * normal[2]);
  double sin_grazing =
      fabs(dir[0] * normal[0] + dir[1] * normal[1] + dir[2] * normal[2]) / nn;
  double across = wl_camera_footprint_m(cam, t);
  *across_m = across;
  *along_m = sin_grazing > 0.0 ? across / sin_grazing : INFINITY;
  return WL_OK;
}

/*
 * Horizon: rays tangent to the ground ellipsoid form a cone from the lens.
 * With d' = K q, q = (x, y, 1) in undistorted normalised camera coordinates
 * and K the camera-to-scaled-ECEF matrix, tangency is
 * (L'.d')^2 - c |d'|^2 = q^T M q = 0, M = w w^T - c K^T K, w = K^T L'.
 * For a fixed x that is a quadratic in y; a root is the forward horizon when
 * its ray heads towards the ground (w.q < 0).
 */
static double horizon_y_undistorted(const wl_camera_t *cam, double x,
                                    double y_near) {
  double lens[3];
  double c = scaled_lens(cam, lens);
  double k[3][3]; /* columns: camera axes in scaled ECEF */
  for (int j = 0; j < 3; j++) {
    double axis_enu[3] = {cam->cam_to_enu[0][j], cam->cam_to_enu[1][j],
                          cam->cam_to_enu[2][j]};
    double axis_ecef[3], axis[3];
    wl_enu_vec_to_ecef(&cam->enu, axis_enu, axis_ecef);
    scale_to_unit(cam, axis_ecef, axis);
    for (int i = 0; i < 3; i++) k[i][j] = axis[i];
  }
  double w[3], m[3][3];
  for (int j = 0; j < 3; j++)
    w[j] = k[0][j] * lens[0] + k[1][j] * lens[1] + k[2][j] * lens[2];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double ktk = k[0][i] * k[0][j] + k[1][i] * k[1][j] + k[2][i] * k[2][j];
      m[i][j] = w[i] * w[j] - c * ktk;
    }
  /* alpha y^2 + 2 beta y + gamma = 0 */
  if (!(c > 0.0)) {
    /* Lens on the surface: the horizon is the tangent plane, w.q = 0. */
    return w[1] != 0.0 ? -(w[0] * x + w[2]) / w[1] : NAN;
  }
  double alpha = m[1][1];
  double beta = m[0][1] * x + m[1][2];
  double gamma = m[0][0] * x * x + 2.0 * m[0][2] * x + m[2][2];
  double roots[2];
  int n = 0;
  if (alpha == 0.0) {
    if (beta != 0.0) roots[n++] = -gamma / (2.0 * beta);
  } else {
    double disc = beta * beta - alpha * gamma;
    if (disc >= 0.0) {
      double q = -(beta + copysign(sqrt(disc), beta));
      roots[n++] = q / alpha;
      if (q != 0.0) roots[n++] = gamma / q;
    }
  }
  double best = NAN;
  for (int i = 0; i < n; i++) {
    double y = roots[i];
    double heading = w[0] * x + w[1] * y + w[2];
    if (!(heading < 0.0) || !isfinite(y)) continue;
    if (isnan(best) || fabs(y - y_near) < fabs(best - y_near)) best = y;
  }
  return best;
}

/* Signed tangency of the ray through (u, v): >= 0 when it meets the ground
 * (how far below the horizon, as a sine), < 0 above the horizon. */
static double below_horizon(const wl_camera_t *cam, double u, double v) {
  double ray[3], lens[3], ecef_dir[3], dir[3];
  double c = scaled_lens(cam, lens);
  wl_camera_pixel_to_ray(cam, u, v, ray);
  wl_enu_vec_to_ecef(&cam->enu, ray, ecef_dir);
  scale_to_unit(cam, ecef_dir, dir);
  double len = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
  double b = (lens[0] * dir[0] + lens[1] * dir[1] + lens[2] * dir[2]) / len;
  return -b - sqrt(c > 0.0 ? c : 0.0);
}

double wl_camera_horizon_row(const wl_camera_t *cam, double u) {
  double x_d = (u - cam->cx) / cam->f_px;
  double y = horizon_y_undistorted(cam, x_d, 0.0);
  if (cam->k1 == 0.0 && cam->k2 == 0.0)
    return isnan(y) ? NAN : cam->cy + cam->f_px * y;
  /* With distortion: bracket the sign change of below_horizon() around the
   * undistorted estimate, then bisect to 1e-6 px. */
  double v0 = isnan(y) ? cam->cy : cam->cy + cam->f_px * y;
  double limit = 64.0 * (cam->width + cam->height);
  double g0 = below_horizon(cam, u, v0);
  if (g0 == 0.0) return v0;
  double lo = NAN, hi = NAN;
  for (double step = 0.5; step <= limit; step *= 2.0) {
    double up = v0 - step, down = v0 + step;
    if ((below_horizon(cam, u, up) >= 0.0) != (g0 >= 0.0)) {
      lo = up;
      hi = v0;
      break;
    }
    if ((below_horizon(cam, u, down) >= 0.0) != (g0 >= 0.0)) {
      lo = v0;
      hi = down;
      break;
    }
  }
  if (isnan(lo)) return NAN;
  int lo_hits = below_horizon(cam, u, lo) >= 0.0;
  for (int i = 0; i < 200 && hi - lo > 1e-7; i++) {
    double mid = 0.5 * (lo + hi);
    if ((below_horizon(cam, u, mid) >= 0.0) == lo_hits)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

void wl_camera_enu_to_geodetic(const wl_camera_t *cam, const double p_enu[3],
                               double *lat, double *lon, double *alt) {
  wl_geodetic_from_enu(&cam->enu, p_enu, lat, lon, alt);
}

void wl_camera_geodetic_to_enu(const wl_camera_t *cam, double lat, double lon,
                               double alt, double p_enu[3]) {
  wl_enu_from_geodetic(&cam->enu, lat, lon, alt, p_enu);
}
