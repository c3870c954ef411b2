/*
 * watchline/camera.h - the camera model: camera.json, pixels <-> rays <->
 * ground points.
 *
 * An ideal pinhole with square pixels, principal point at the image centre
 * and optional radial distortion (k1, k2 on normalised coordinates:
 * x_d = x (1 + k1 r^2 + k2 r^4)). Pixel coordinates are continuous: pixel
 * (i, j) covers [i, i+1) x [j, j+1), so the centre of the image is
 * (width/2, height/2) and pixel centres sit at i + 0.5.
 *
 * Pose: the lens is at lat/lon (WGS84), height_m above the ground under the
 * tower, whose ellipsoidal height is ground_alt_m (default 0). yaw_deg is
 * the optical axis' azimuth, clockwise from true north; pitch_deg its
 * elevation (negative looks down); roll_deg turns the camera clockwise about
 * its optical axis as seen from behind it.
 *
 * World coordinates are ENU metres (see geodesy.h) with the origin on the
 * ground under the tower, so the lens is at (0, 0, height_m). "Flat ground"
 * is the WGS84 ellipsoid raised by ground_alt_m: it curves away from the
 * tangent plane, about 2 m down at 5 km, so long-range geometry is right.
 * Ground range is the horizontal distance in the tangent plane from the
 * tower; it matches the geodesic distance to well within 0.01 % at 10 km.
 *
 * The camera frame is x right, y down, z forward (the optical axis).
 */
#ifndef WATCHLINE_CAMERA_H
#define WATCHLINE_CAMERA_H

#include <stddef.h>

#include "watchline/common.h"
#include "watchline/frame.h"
#include "watchline/geodesy.h"

#define WL_CAMERA_ID_MAX 64

typedef struct wl_camera {
  /* As in camera.json (see docs/FORMATS.md). */
  char id[WL_CAMERA_ID_MAX];
  int width, height;
  double hfov_deg;
  double lat, lon;          /* lens position, WGS84 degrees */
  double height_m;          /* lens above the ground under the tower */
  double ground_alt_m;      /* ellipsoidal height of that ground; default 0 */
  double yaw_deg, pitch_deg, roll_deg;
  double k1, k2;            /* radial distortion; default 0 */
  wl_radiometry_t radiometry;
  double fps;

  /* Derived by wl_camera_init(); read-only for users. */
  double f_px;              /* focal length in pixels */
  double cx, cy;            /* principal point: width/2, height/2 */
  double vfov_deg;
  double cam_to_enu[3][3];  /* columns: camera x, y, z axes in ENU */
  wl_enu_frame_t enu;       /* origin: the ground under the tower */
  double ell_a, ell_b;      /* ellipsoid semi-axes raised by ground_alt_m */
} wl_camera_t;

/* Fill defaults for optional fields (ground_alt 0, k1=k2=0, centikelvin,
 * fps 30, roll 0) and zero the rest. */
void wl_camera_defaults(wl_camera_t *cam);

/*
 * Validate the user fields and compute the derived ones. Errors (WL_EINVAL,
 * message naming the field): width/height < 1 or > WL_MAX_DIM (or more than
 * WL_MAX_PIXELS in all), hfov <= 0 or >= 180 (and below 0.001), |pitch| >
 * 90, |roll| > 180, lat outside [-90, 90], lon outside [-180, 180],
 * height_m < 0 or > 100000, ground_alt_m outside [-11000, 9000], fps <= 0
 * or > 1000, a radiometric scale <= 0, an empty id or one with control
 * characters, k1/k2 whose distortion folds back inside the image, and
 * non-finite numbers. On error cam's derived fields are unspecified.
 */
int wl_camera_init(wl_camera_t *cam, wl_err_t *err);

/* Parse camera.json text (len bytes; not necessarily NUL-terminated) and
 * wl_camera_init() it. `name` is used in messages. Unknown keys are ignored. */
int wl_camera_parse(wl_camera_t *cam, const char *json, size_t len,
                    const char *name, wl_err_t *err);
int wl_camera_load(wl_camera_t *cam, const char *path, wl_err_t *err);

/* camera.json text, NUL-terminated, malloc'd; caller frees. NULL on OOM. */
char *wl_camera_to_json(const wl_camera_t *cam);
int wl_camera_save(const wl_camera_t *cam, const char *path, wl_err_t *err);

/* Unit ray (ENU) through continuous pixel (u, v); removes distortion. */
void wl_camera_pixel_to_ray(const wl_camera_t *cam, double u, double v,
                            double ray_enu[3]);

/*
 * Project an ENU point. Returns WL_OK and (u, v) (possibly outside the image)
 * when the point is in front of the camera, WL_ERANGE when behind it.
 */
int wl_camera_enu_to_pixel(const wl_camera_t *cam, const double p_enu[3],
                           double *u, double *v);

/* Where the ray through (u, v) meets the ground, in ENU. WL_ERANGE when it
 * does not (at or above the horizon). */
int wl_camera_pixel_to_ground(const wl_camera_t *cam, double u, double v,
                              double ground_enu[3]);

/* The ground point whose tangent-plane position is (east, north): the point
 * on the ground surface below/above (east, north, 0). Its up is NaN only
 * when that vertical line misses the earth (thousands of km away). */
void wl_camera_ground_at(const wl_camera_t *cam, double east, double north,
                         double ground_enu[3]);

/* Per image row y (out[0 .. cam->height - 1]), the pixel height of an
 * object height_m tall standing on the ground point under the bottom edge
 * of row y in the centre column: 0 where that edge sees no ground (at and
 * above the horizon). The size prior of a standing person per row. */
void wl_camera_heights_px(const wl_camera_t *cam, double height_m,
                          float *out);

/* Ground range (m, horizontal from the tower) and bearing (deg clockwise from
 * true north, [0, 360)) of an ENU point. */
void wl_camera_range_bearing(const wl_camera_t *cam, const double p_enu[3],
                             double *range_m, double *bearing_deg);

/* Lens-to-point distance in metres. */
double wl_camera_slant_range(const wl_camera_t *cam, const double p_enu[3]);

/* Metres covered by one pixel across the line of sight at slant range r. */
double wl_camera_footprint_m(const wl_camera_t *cam, double slant_range_m);

/* Ground footprint of pixel (u, v): across (m) and along the line of sight
 * (m, stretched by the grazing angle). WL_ERANGE above the horizon. */
int wl_camera_ground_footprint(const wl_camera_t *cam, double u, double v,
                               double *across_m, double *along_m);

/* Image row of the horizon at column u (the ground's limb); may lie outside
 * [0, height). Where the column crosses the horizon twice (a camera looking
 * almost straight down) the crossing nearest the centre row; NaN where it
 * does not cross it (e.g. a camera rolled 90 degrees). */
double wl_camera_horizon_row(const wl_camera_t *cam, double u);

/* WGS84 position of an ENU point, and back. */
void wl_camera_enu_to_geodetic(const wl_camera_t *cam, const double p_enu[3],
                               double *lat, double *lon, double *alt);
void wl_camera_geodetic_to_enu(const wl_camera_t *cam, double lat, double lon,
                               double alt, double p_enu[3]);

#endif
