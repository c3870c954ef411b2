/*
 * test-camera.c - the camera model and camera.json.
 *
 * The central test (camera_ground_vs_independent) recomputes the ground
 * point of many pixels without the library's camera code: the camera basis
 * is rotated by explicit roll, pitch and yaw matrices and carried into ECEF
 * by a hand-written ENU basis; the lens distortion is undone by bisection;
 * the ray meets the ground where the geodetic height of points along it
 * crosses the ground altitude (golden-section minimum, then bisection); and
 * range and bearing come from PROJ's geodesic inverse. The rest checks the
 * projection round trip, orientation conventions, the horizon, footprints,
 * the JSON format (values, defaults, every error) and speed.
 */
#include <stdlib.h>

#include "task.h"
#include "watchline/camera.h"

#ifdef WL_HAVE_PROJ
#include <geodesic.h>
#endif

#define DEG (M_PI / 180.0)

static const char EXAMPLE_JSON[] =
    "{\"id\": \"t3-c1\", \"width\": 640, \"height\": 512, \"hfov_deg\": 24.0,\n"
    " \"lat\": 33.12, \"lon\": 41.56, \"height_m\": 15.0, \"yaw_deg\": 270.0,\n"
    " \"pitch_deg\": -3.0, \"roll_deg\": 0.0,\n"
    " \"radiometric\": {\"scale\": 0.01, \"offset\": 0.0}, \"fps\": 10}\n";

/* A camera set up in code (not through JSON). */
static int make_camera(wl_camera_t *cam, double lat, double lon,
                       double height_m, double yaw, double pitch, double roll,
                       double k1, double k2, double ground_alt) {
  wl_err_t err;
  wl_camera_defaults(cam);
  snprintf(cam->id, sizeof cam->id, "test");
  cam->width = 640;
  cam->height = 512;
  cam->hfov_deg = 24.0;
  cam->lat = lat;
  cam->lon = lon;
  cam->height_m = height_m;
  cam->yaw_deg = yaw;
  cam->pitch_deg = pitch;
  cam->roll_deg = roll;
  cam->k1 = k1;
  cam->k2 = k2;
  cam->ground_alt_m = ground_alt;
  int rc = wl_camera_init(cam, &err);
  if (rc != WL_OK) fprintf(stderr, "camera init: %s\n", err.msg);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The independent model                                                     */

static void mat_mul(const double a[3][3], const double b[3][3],
                    double out[3][3]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}

/*
 * Camera-to-ENU by composition: at yaw = pitch = roll = 0 the camera looks
 * north, x east, y down. Roll spins the camera about its own z (right
 * towards down), then pitch tilts about the east axis (north towards up),
 * then yaw turns about up (north towards east).
 */
static void independent_cam_to_enu(double yaw, double pitch, double roll,
                                   double out[3][3]) {
  double level[3][3] = {{1, 0, 0}, {0, 0, 1}, {0, -1, 0}};
  double r = roll * DEG, p = pitch * DEG, y = yaw * DEG;
  double roll_m[3][3] = {
      {cos(r), -sin(r), 0}, {sin(r), cos(r), 0}, {0, 0, 1}};
  double pitch_m[3][3] = {
      {1, 0, 0}, {0, cos(p), -sin(p)}, {0, sin(p), cos(p)}};
  double yaw_m[3][3] = {
      {cos(y), sin(y), 0}, {-sin(y), cos(y), 0}, {0, 0, 1}};
  double a[3][3], b[3][3];
  mat_mul(level, roll_m, a);
  mat_mul(pitch_m, a, b);
  mat_mul(yaw_m, b, out);
}

#ifdef WL_HAVE_PROJ /* the rest of the model serves the PROJ test */
/* ENU-to-ECEF basis (columns east, north, up), written out directly. */
static void independent_enu_to_ecef(double lat, double lon, double out[3][3]) {
  double sl = sin(lat * DEG), cl = cos(lat * DEG);
  double so = sin(lon * DEG), co = cos(lon * DEG);
  double m[3][3] = {{-so, -sl * co, cl * co},
                    {co, -sl * so, cl * so},
                    {0.0, cl, sl}};
  memcpy(out, m, sizeof m);
}

/* Undistorted radius by plain bisection (the library uses Newton). */
static double bisect_undistort(double k1, double k2, double rd) {
  double lo = 0.0, hi = 4.0 * rd + 1.0;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi), m2 = mid * mid;
    if (mid * (1 + k1 * m2 + k2 * m2 * m2) < rd) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Height above the ground along the ray: geodetic height minus ground. */
static double height_along(const double lens[3], const double dir[3],
                           double t, double ground_alt) {
  double p[3] = {lens[0] + t * dir[0], lens[1] + t * dir[1],
                 lens[2] + t * dir[2]};
  double lat, lon, h;
  wl_ecef_to_geodetic(p, &lat, &lon, &h);
  return h - ground_alt;
}

/*
 * Ground point (ECEF) of pixel (u, v), or 0 when the ray misses within
 * 60 km. Height along a line is convex (a signed distance to a convex body),
 * so a golden-section search finds its minimum; the near root lies between
 * the lens and that minimum.
 */
static int independent_ground(const wl_camera_t *cam, double u, double v,
                              double hit[3]) {
  double f = (cam->width / 2.0) / tan(cam->hfov_deg / 2.0 * DEG);
  double xd = (u - cam->width / 2.0) / f, yd = (v - cam->height / 2.0) / f;
  double rd = hypot(xd, yd), scale = 1.0;
  if (rd > 0.0) scale = bisect_undistort(cam->k1, cam->k2, rd) / rd;
  double ray_cam[3] = {xd * scale, yd * scale, 1.0};
  double c2e[3][3], e2x[3][3], c2x[3][3];
  independent_cam_to_enu(cam->yaw_deg, cam->pitch_deg, cam->roll_deg, c2e);
  independent_enu_to_ecef(cam->lat, cam->lon, e2x);
  mat_mul(e2x, c2e, c2x);
  double dir[3];
  for (int i = 0; i < 3; i++)
    dir[i] = c2x[i][0] * ray_cam[0] + c2x[i][1] * ray_cam[1] + c2x[i][2];
  double norm = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
  for (int i = 0; i < 3; i++) dir[i] /= norm;
  double lens[3];
  wl_geodetic_to_ecef(cam->lat, cam->lon, cam->ground_alt_m + cam->height_m,
                      lens);
  const double golden = (sqrt(5.0) - 1.0) / 2.0;
  double a = 0.0, b = 60000.0;
  double x1 = b - golden * (b - a), x2 = a + golden * (b - a);
  double f1 = height_along(lens, dir, x1, cam->ground_alt_m);
  double f2 = height_along(lens, dir, x2, cam->ground_alt_m);
  while (b - a > 1e-4) {
    if (f1 < f2) {
      b = x2; x2 = x1; f2 = f1;
      x1 = b - golden * (b - a);
      f1 = height_along(lens, dir, x1, cam->ground_alt_m);
    } else {
      a = x1; x1 = x2; f1 = f2;
      x2 = a + golden * (b - a);
      f2 = height_along(lens, dir, x2, cam->ground_alt_m);
    }
  }
  double t_min = 0.5 * (a + b);
  if (height_along(lens, dir, t_min, cam->ground_alt_m) > 0.0) return 0;
  double lo = 0.0, hi = t_min;
  for (int i = 0; i < 100; i++) {
    double mid = 0.5 * (lo + hi);
    if (height_along(lens, dir, mid, cam->ground_alt_m) > 0.0) lo = mid;
    else hi = mid;
  }
  double t = 0.5 * (lo + hi);
  for (int i = 0; i < 3; i++) hit[i] = lens[i] + t * dir[i];
  return 1;
}

#endif

TEST_IMPL(camera_ground_vs_independent) {
#ifndef WL_HAVE_PROJ
  RETURN_SKIP("PROJ (libproj-dev) not found at configure time");
#else
  struct geod_geodesic geod;
  geod_init(&geod, WL_WGS84_A, WL_WGS84_F);
  struct {
    double lat, lon, height, yaw, pitch, roll, k1, k2, ground_alt;
  } cams[] = {
      {33.12, 41.56, 15.0, 270.0, -3.0, 0.0, 0.0, 0.0, 0.0},
      {33.12, 41.56, 5.0, 12.0, -0.5, 5.0, 0.0, 0.0, 0.0},
      {0.0, 179.99, 40.0, 95.0, -10.0, 0.0, -0.15, 0.02, 0.0},
      {60.0, -150.0, 100.0, 200.0, -30.0, 5.0, 0.1, 0.0, 350.0},
      {-45.0, 170.0, 25.0, 333.0, -1.0, -5.0, -0.05, 0.0, 1200.0},
      {-45.0, -70.0, 60.0, 145.0, -6.0, 5.0, 0.0, 0.0, -400.0},
      {33.12, 41.56, 100.0, 45.0, -0.5, 0.0, 0.0, 0.0, 0.0},
  };
  int checked = 0;
  double worst_rel = 0.0, worst_az = 0.0;
  for (size_t c = 0; c < sizeof cams / sizeof cams[0]; c++) {
    wl_camera_t cam;
    ASSERT_EQ(make_camera(&cam, cams[c].lat, cams[c].lon, cams[c].height,
                          cams[c].yaw, cams[c].pitch, cams[c].roll,
                          cams[c].k1, cams[c].k2, cams[c].ground_alt),
              WL_OK);
    for (int j = 0; j <= 32; j++)
      for (int i = 0; i <= 16; i++) {
        double u = 0.5 + i * (cam.width - 1.0) / 16.0;
        double v = 0.5 + j * (cam.height - 1.0) / 32.0;
        double g[3], hit[3], range, bearing;
        int lib_rc = wl_camera_pixel_to_ground(&cam, u, v, g);
        int found = independent_ground(&cam, u, v, hit);
        double lat2 = 0, lon2 = 0, h2, s12 = 0, azi1 = 0, azi2;
        if (found) {
          wl_ecef_to_geodetic(hit, &lat2, &lon2, &h2);
          geod_inverse(&geod, cam.lat, cam.lon, lat2, lon2, &s12, &azi1,
                       &azi2);
        }
        if (found && s12 < 4900.0 && lib_rc != WL_OK)
          TEST_FAIL_("camera %zu pixel (%g, %g): library misses the ground, "
                     "independent hit at %.1f m", c, u, v, s12);
        if (lib_rc != WL_OK) continue;
        wl_camera_range_bearing(&cam, g, &range, &bearing);
        if (range > 5000.0) continue;
        if (!found)
          TEST_FAIL_("camera %zu pixel (%g, %g): library hit at %.1f m, "
                     "independent model misses", c, u, v, range);
        double rel = fabs(range - s12) / s12;
        if (rel > worst_rel) worst_rel = rel;
        if (rel > 1e-3)
          TEST_FAIL_("camera %zu pixel (%g, %g): range %.4f vs geodesic "
                     "%.4f", c, u, v, range, s12);
        /* On the plain ellipsoid the two models agree far better; raised
         * ground adds the (R + g) / R scale of the geodesic and the few mm
         * between a raised ellipsoid and constant geodetic height. */
        if (cams[c].ground_alt == 0.0 && rel > 1e-5)
          TEST_FAIL_("camera %zu pixel (%g, %g): range %.4f vs geodesic "
                     "%.4f on the plain ellipsoid", c, u, v, range, s12);
        if (azi1 < 0.0) azi1 += 360.0;
        double daz = fabs(fmod(bearing - azi1 + 540.0, 360.0) - 180.0);
        if (range > 1.0 && daz > worst_az) worst_az = daz;
        if (range > 1.0 && daz > 0.01)
          TEST_FAIL_("camera %zu pixel (%g, %g): bearing %.6f vs geodesic "
                     "%.6f", c, u, v, bearing, azi1);
        checked++;
      }
  }
  fprintf(stderr, "%d pixels: worst range error %.3g %%, bearing %.3g deg\n",
          checked, 100.0 * worst_rel, worst_az);
  ASSERT_GT(checked, 1500);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Geometry                                                                  */

TEST_IMPL(camera_projection_round_trip) {
  static const double k[][2] = {{0.0, 0.0}, {-0.15, 0.02}, {0.1, 0.05}};
  double worst = 0.0;
  for (size_t n = 0; n < 3; n++) {
    wl_camera_t cam;
    ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 77.0, -8.0, 5.0, k[n][0],
                          k[n][1], 0.0), WL_OK);
    for (double v = 0.0; v <= 512.0; v += 7.3)
      for (double u = 0.0; u <= 640.0; u += 9.1) {
        double g[3], u2, v2;
        if (wl_camera_pixel_to_ground(&cam, u, v, g) != WL_OK) continue;
        ASSERT_EQ(wl_camera_enu_to_pixel(&cam, g, &u2, &v2), WL_OK);
        double d = hypot(u2 - u, v2 - v);
        if (d > worst) worst = d;
        ASSERT_DBL_LT(d, 1e-6);
        /* The ray itself round-trips too (a point 1 km along it). */
        double ray[3], p[3];
        wl_camera_pixel_to_ray(&cam, u, v, ray);
        ASSERT_NEAR(ray[0] * ray[0] + ray[1] * ray[1] + ray[2] * ray[2], 1.0,
                    1e-12);
        p[0] = 1000.0 * ray[0];
        p[1] = 1000.0 * ray[1];
        p[2] = cam.height_m + 1000.0 * ray[2];
        ASSERT_EQ(wl_camera_enu_to_pixel(&cam, p, &u2, &v2), WL_OK);
        /* The undistortion converges to ~1e-13 px: hold it to 1e-9. */
        ASSERT_DBL_LT(hypot(u2 - u, v2 - v), 1e-9);
      }
  }
  /* Points behind the camera are WL_ERANGE. */
  wl_camera_t cam;
  ASSERT_EQ(make_camera(&cam, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0, 0, 0), WL_OK);
  double behind[3] = {0.0, -100.0, 10.0}, u, v;
  ASSERT_EQ(wl_camera_enu_to_pixel(&cam, behind, &u, &v), WL_ERANGE);
  fprintf(stderr, "worst round trip %.3g px\n", worst);
  return 0;
}

TEST_IMPL(camera_orientation) {
  wl_camera_t cam;
  static const double yaws[] = {0.0, 33.0, 90.0, 181.0, 270.0, 359.0};
  static const double pitches[] = {-90.0, -30.0, -3.0, 0.0, 12.0, 90.0};
  static const double rolls[] = {-180.0, -5.0, 0.0, 5.0, 90.0, 180.0};
  for (size_t a = 0; a < 6; a++)
    for (size_t b = 0; b < 6; b++)
      for (size_t c = 0; c < 6; c++) {
        ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, yaws[a], pitches[b],
                              rolls[c], 0, 0, 0), WL_OK);
        double y = yaws[a] * DEG, p = pitches[b] * DEG;
        double fwd[3] = {sin(y) * cos(p), cos(y) * cos(p), sin(p)};
        double ray[3];
        /* The principal point looks along yaw/pitch, whatever the roll. */
        wl_camera_pixel_to_ray(&cam, cam.cx, cam.cy, ray);
        for (int i = 0; i < 3; i++) ASSERT_NEAR(ray[i], fwd[i], 1e-12);
        /* cam_to_enu equals the independently composed rotation. */
        double ref[3][3];
        independent_cam_to_enu(yaws[a], pitches[b], rolls[c], ref);
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            ASSERT_NEAR(cam.cam_to_enu[i][j], ref[i][j], 1e-12);
      }
  /* Conventions spelled out: zero roll, right = (cos yaw, -sin yaw, 0). */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 30.0, -10.0, 0.0, 0, 0, 0), WL_OK);
  ASSERT_NEAR(cam.cam_to_enu[0][0], cos(30 * DEG), 1e-15);
  ASSERT_NEAR(cam.cam_to_enu[1][0], -sin(30 * DEG), 1e-15);
  ASSERT_NEAR(cam.cam_to_enu[2][0], 0.0, 1e-15);
  /* Image down is world down-ish when looking level. */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 0.0, 0.0, 0.0, 0, 0, 0), WL_OK);
  ASSERT_NEAR(cam.cam_to_enu[2][1], -1.0, 1e-15);
  /* Roll +90 (clockwise seen from behind): image right points down. */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 0.0, 0.0, 90.0, 0, 0, 0), WL_OK);
  ASSERT_NEAR(cam.cam_to_enu[2][0], -1.0, 1e-15);
  /* A level camera with positive roll sees the ground at the image's right
   * side nearer (lower elevation rays on the right). */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 0.0, 0.0, 5.0, 0, 0, 0), WL_OK);
  double left[3], right[3];
  wl_camera_pixel_to_ray(&cam, 0.5, cam.cy, left);
  wl_camera_pixel_to_ray(&cam, 639.5, cam.cy, right);
  ASSERT_DBL_LT(right[2], left[2]);
  /* Derived fields. */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 0.0, 0.0, 0.0, 0, 0, 0), WL_OK);
  ASSERT_NEAR(cam.f_px, 320.0 / tan(12.0 * DEG), 1e-9);
  ASSERT_NEAR(cam.cx, 320.0, 0.0);
  ASSERT_NEAR(cam.cy, 256.0, 0.0);
  ASSERT_NEAR(cam.vfov_deg, 2.0 * atan(256.0 / cam.f_px) / DEG, 1e-12);
  ASSERT_NEAR(cam.ell_a, WL_WGS84_A, 0.0);
  return 0;
}

TEST_IMPL(camera_horizon) {
  struct {
    double height, pitch, roll, k1, k2, ground_alt;
  } cases[] = {
      {15.0, -3.0, 0.0, 0.0, 0.0, 0.0},   {5.0, -0.5, 5.0, 0.0, 0.0, 0.0},
      {100.0, 2.0, -5.0, 0.0, 0.0, 800.0}, {40.0, -1.0, 5.0, -0.15, 0.02, 0.0},
      {15.0, 1.0, 180.0, 0.0, 0.0, 0.0},   {25.0, -2.0, 0.0, 0.1, 0.05, 0.0},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    wl_camera_t cam;
    ASSERT_EQ(make_camera(&cam, 33.12, 41.56, cases[c].height, 123.0,
                          cases[c].pitch, cases[c].roll, cases[c].k1,
                          cases[c].k2, cases[c].ground_alt), WL_OK);
    double sign = fabs(cases[c].roll) > 90.0 ? -1.0 : 1.0; /* upside down */
    for (double u = 0.5; u < 640.0; u += 31.9) {
      double row = wl_camera_horizon_row(&cam, u), g[3];
      ASSERT(isfinite(row));
      /* 0.01 px below the horizon hits the ground, 0.01 px above misses. */
      if (wl_camera_pixel_to_ground(&cam, u, row + sign * 0.01, g) != WL_OK)
        TEST_FAIL_("case %zu column %g: ray just below horizon row %.4f "
                   "misses", c, u, row);
      if (wl_camera_pixel_to_ground(&cam, u, row - sign * 0.01, g) !=
          WL_ERANGE)
        TEST_FAIL_("case %zu column %g: ray just above horizon row %.4f "
                   "hits", c, u, row);
    }
  }
  /* A level camera: the horizon dips by acos(R / (R + h)) below level, with
   * R the radius of curvature (between 6.33e6 and 6.40e6 m). */
  wl_camera_t cam;
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, 0.0, 0.0, 0, 0, 0),
            WL_OK);
  double row = wl_camera_horizon_row(&cam, cam.cx);
  double dip_lo = acos(6.40e6 / (6.40e6 + 15.0));
  double dip_hi = acos(6.33e6 / (6.33e6 + 15.0));
  ASSERT_DBL_GE(row, cam.cy + cam.f_px * tan(dip_lo));
  ASSERT_DBL_LE(row, cam.cy + cam.f_px * tan(dip_hi));
  /* A camera looking up sees its horizon below the image; every pixel of
   * the image is then sky. */
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, 20.0, 0.0, 0, 0, 0),
            WL_OK);
  ASSERT_DBL_GT(wl_camera_horizon_row(&cam, 320.0), 512.0);
  double g[3];
  ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 511.5, g), WL_ERANGE);
  ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 256.0, g), WL_ERANGE);
  /* Rolled 90 degrees: the centre column runs along the horizon, except
   * for the part where it crosses it... the horizon is then a column, so
   * the centre column does not cross it at all. */
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, 0.0, 90.0, 0, 0, 0),
            WL_OK);
  ASSERT(isnan(wl_camera_horizon_row(&cam, 320.0)));
  return 0;
}

TEST_IMPL(camera_footprint) {
  wl_camera_t cam;
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 270.0, -3.0, 0.0, 0, 0, 0),
            WL_OK);
  /* Linear in range: one pixel's angle times the range. */
  double ifov = 2.0 * atan(0.5 / cam.f_px);
  ASSERT_NEAR(wl_camera_footprint_m(&cam, 1000.0), 1000.0 * ifov, 1e-12);
  ASSERT_NEAR(wl_camera_footprint_m(&cam, 3000.0),
              3.0 * wl_camera_footprint_m(&cam, 1000.0), 1e-12);
  ASSERT_NEAR(wl_camera_footprint_m(&cam, 0.0), 0.0, 0.0);
  /* Ground footprints against the ground points of the pixel's edges. */
  static const double rows[] = {200.0, 260.5, 300.5, 400.5, 511.5};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    double u = 320.5, v = rows[i], across, along, g[3];
    ASSERT_EQ(wl_camera_ground_footprint(&cam, u, v, &across, &along), WL_OK);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, u, v, g), WL_OK);
    ASSERT_NEAR(across, wl_camera_footprint_m(&cam,
                                              wl_camera_slant_range(&cam, g)),
                1e-9);
    double a[3], b[3];
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, u - 0.5, v, a), WL_OK);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, u + 0.5, v, b), WL_OK);
    /* footprint_m uses the centre pixel's angle; a pixel y = (v - cy) / f
     * off the centre row subtends 1 / sqrt(1 + y^2) of it across and
     * 1 / (1 + y^2) along (pinhole foreshortening). */
    double y = (v - cam.cy) / cam.f_px;
    double across_edges = hypot(a[0] - b[0], a[1] - b[1]);
    ASSERT_NEAR(across / sqrt(1.0 + y * y), across_edges,
                0.002 * across_edges);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, u, v - 0.5, a), WL_OK);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, u, v + 0.5, b), WL_OK);
    double along_edges = hypot(a[0] - b[0], a[1] - b[1]);
    ASSERT_NEAR(along / (1.0 + y * y), along_edges, 0.01 * along_edges);
    ASSERT_DBL_GT(along, across);
  }
  double across, along;
  ASSERT_EQ(wl_camera_ground_footprint(&cam, 320.0, 10.0, &across, &along),
            WL_ERANGE);
  /* Straight down: the footprint is square and across = height * ifov. */
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, -90.0, 0.0, 0, 0, 0),
            WL_OK);
  ASSERT_EQ(wl_camera_ground_footprint(&cam, 320.0, 256.0, &across, &along),
            WL_OK);
  ASSERT_NEAR(across, 15.0 * ifov, 1e-9);
  ASSERT_NEAR(along, across, 1e-9);
  return 0;
}

/* The per-row height of a standing object (the size prior): 0 at and
 * above the horizon; below it about f h / range for a camera near level
 * (the object's angle at its distance), growing towards the bottom. */
TEST_IMPL(camera_heights_px) {
  wl_camera_t cam;
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 270.0, -3.0, 0.0, 0, 0, 0),
            WL_OK);
  float *rows = calloc((size_t)cam.height, sizeof *rows);
  ASSERT(rows != NULL);
  wl_camera_heights_px(&cam, 1.7, rows);
  double horizon = wl_camera_horizon_row(&cam, 0.5 * cam.width);
  int below = 0;
  for (int y = 0; y < cam.height; y++) {
    if (y + 1.0 <= horizon) {
      ASSERT(rows[y] == 0.0f);
      continue;
    }
    double g[3];
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 0.5 * cam.width, y + 1.0, g),
              WL_OK);
    double expect = cam.f_px * 1.7 / hypot(g[0], g[1]);
    if (fabs(rows[y] - expect) > 0.05 * expect + 0.01)
      TEST_FAIL_("row %d: %.4f px, expected about %.4f", y, rows[y], expect);
    if (below++ > 0) ASSERT_DBL_GT(rows[y], rows[y - 1]);
  }
  ASSERT_GT(below, 100);
  free(rows);
  return 0;
}

TEST_IMPL(camera_ground_surface) {
  wl_camera_t cam;
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, -3.0, 0.0, 0, 0, 0),
            WL_OK);
  double g[3];
  wl_camera_ground_at(&cam, 0.0, 0.0, g);
  ASSERT_NEAR(g[2], 0.0, 1e-6);
  wl_camera_ground_at(&cam, 5000.0, 0.0, g);
  ASSERT_NEAR(g[2], -1.96, 0.02);
  ASSERT_NEAR(g[0], 5000.0, 0.0);
  /* ground_at agrees with the ray intersection and with geodetic height. */
  for (double v = 300.0; v < 512.0; v += 21.0) {
    double hit[3], at[3], lat, lon, alt;
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 100.0, v, hit), WL_OK);
    wl_camera_ground_at(&cam, hit[0], hit[1], at);
    ASSERT_NEAR(at[2], hit[2], 1e-6);
    wl_camera_enu_to_geodetic(&cam, hit, &lat, &lon, &alt);
    ASSERT_NEAR(alt, 0.0, 1e-6);
    double back[3];
    wl_camera_geodetic_to_enu(&cam, lat, lon, alt, back);
    ASSERT_NEAR(back[0], hit[0], 1e-6);
    ASSERT_NEAR(back[1], hit[1], 1e-6);
  }
  /* The lens itself. */
  double lens[3] = {0.0, 0.0, 15.0}, lat, lon, alt;
  wl_camera_enu_to_geodetic(&cam, lens, &lat, &lon, &alt);
  ASSERT_NEAR(lat, 33.12, 1e-12);
  ASSERT_NEAR(lon, 41.56, 1e-12);
  ASSERT_NEAR(alt, 15.0, 1e-6);
  /* Range and bearing. */
  double p[3] = {-100.0, 0.0, 0.0}, range, bearing;
  wl_camera_range_bearing(&cam, p, &range, &bearing);
  ASSERT_NEAR(range, 100.0, 1e-12);
  ASSERT_NEAR(bearing, 270.0, 1e-12);
  double q[3] = {3.0, -4.0, -1.0};
  wl_camera_range_bearing(&cam, q, &range, &bearing);
  ASSERT_NEAR(range, 5.0, 1e-12);
  ASSERT_NEAR(bearing, 180.0 - atan2(3.0, 4.0) / DEG, 1e-12);
  double r[3] = {-1e-300, 1.0, 0.0};
  wl_camera_range_bearing(&cam, r, &range, &bearing);
  ASSERT_DBL_GE(bearing, 0.0);
  ASSERT_DBL_LT(bearing, 360.0);
  ASSERT_NEAR(wl_camera_slant_range(&cam, q), sqrt(9.0 + 16.0 + 256.0),
              1e-12);
  /* A lens on the ground: downward rays meet the ground at the lens, sky
   * rays do not, and the horizon is the level row. */
  static const double ground_alts[] = {0.0, 3000.0, -400.0};
  for (size_t i = 0; i < 3; i++) {
    ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 0.0, 10.0, 0.0, 0.0, 0, 0,
                          ground_alts[i]), WL_OK);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 400.0, g), WL_OK);
    /* (within the few mm between the raised ellipsoid and the foot) */
    ASSERT_DBL_LT(fabs(g[0]) + fabs(g[1]) + fabs(g[2]), 0.1);
    ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 100.0, g), WL_ERANGE);
    ASSERT_NEAR(wl_camera_horizon_row(&cam, 320.0), cam.cy, 0.1);
  }
  /* Raised ground: the nadir hit is within millimetres of the tower foot. */
  ASSERT_EQ(make_camera(&cam, 33.12, 41.56, 15.0, 0.0, -90.0, 0.0, 0, 0,
                        1500.0), WL_OK);
  ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 256.0, g), WL_OK);
  ASSERT_NEAR(g[2], 0.0, 0.005);
  ASSERT_NEAR(hypot(g[0], g[1]), 0.0, 1e-6);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* camera.json                                                               */

TEST_IMPL(camera_json_example) {
  wl_camera_t cam;
  wl_err_t err;
  ASSERT_OK(wl_camera_parse(&cam, EXAMPLE_JSON, strlen(EXAMPLE_JSON),
                            "cam.json", &err), &err);
  ASSERT_STR_EQ(cam.id, "t3-c1");
  ASSERT_EQ(cam.width, 640);
  ASSERT_EQ(cam.height, 512);
  ASSERT_NEAR(cam.hfov_deg, 24.0, 0.0);
  ASSERT_NEAR(cam.lat, 33.12, 0.0);
  ASSERT_NEAR(cam.lon, 41.56, 0.0);
  ASSERT_NEAR(cam.height_m, 15.0, 0.0);
  ASSERT_NEAR(cam.yaw_deg, 270.0, 0.0);
  ASSERT_NEAR(cam.pitch_deg, -3.0, 0.0);
  ASSERT_NEAR(cam.roll_deg, 0.0, 0.0);
  ASSERT_EQ(cam.radiometry.radiometric, 1);
  ASSERT_NEAR(cam.radiometry.scale, 0.01, 0.0);
  ASSERT_NEAR(cam.radiometry.offset, 0.0, 0.0);
  ASSERT_NEAR(cam.fps, 10.0, 0.0);
  ASSERT_NEAR(cam.ground_alt_m, 0.0, 0.0);
  ASSERT_NEAR(cam.f_px, 320.0 / tan(12.0 * DEG), 1e-9);
  /* The principal point looks west and 3 degrees down: it meets the
   * ground about 15 / tan(3 deg) = 286 m away (a little further, as the
   * earth curves away). */
  double g[3], range, bearing;
  ASSERT_EQ(wl_camera_pixel_to_ground(&cam, 320.0, 256.0, g), WL_OK);
  wl_camera_range_bearing(&cam, g, &range, &bearing);
  ASSERT_NEAR(bearing, 270.0, 1e-9);
  ASSERT_DBL_GT(range, 15.0 / tan(3.0 * DEG));
  ASSERT_DBL_LT(range, 15.0 / tan(3.0 * DEG) + 0.5);

  /* Defaults for every optional key. */
  static const char minimal[] =
      "{\"id\":\"m\",\"width\":320,\"height\":256,\"hfov_deg\":50,\"lat\":0,"
      "\"lon\":0,\"height_m\":3,\"yaw_deg\":0,\"pitch_deg\":0}";
  ASSERT_OK(wl_camera_parse(&cam, minimal, strlen(minimal), "m.json", &err),
            &err);
  ASSERT_NEAR(cam.ground_alt_m, 0.0, 0.0);
  ASSERT_NEAR(cam.k1, 0.0, 0.0);
  ASSERT_NEAR(cam.k2, 0.0, 0.0);
  ASSERT_NEAR(cam.roll_deg, 0.0, 0.0);
  ASSERT_NEAR(cam.fps, 30.0, 0.0);
  ASSERT_EQ(cam.radiometry.radiometric, 1);
  ASSERT_NEAR(cam.radiometry.scale, 0.01, 0.0);
  ASSERT_NEAR(cam.radiometry.offset, 0.0, 0.0);

  /* radiometric false; partial radiometric objects; unknown keys ignored;
   * the text need not be NUL-terminated. */
  static const char other[] =
      "{\"id\":\"x\",\"width\":320,\"height\":256,\"hfov_deg\":50,\"lat\":-45,"
      "\"lon\":180,\"height_m\":3,\"yaw_deg\":-10,\"pitch_deg\":-90,"
      "\"radiometric\":false,\"vendor\":{\"model\":[1,2,{\"a\":null}]},"
      "\"notes\":\"whatever\",\"k1\":-0.1,\"ground_alt_m\":-400}XXXX";
  ASSERT_OK(wl_camera_parse(&cam, other, strlen(other) - 4, "o.json", &err),
            &err);
  ASSERT_EQ(cam.radiometry.radiometric, 0);
  ASSERT_NEAR(cam.k1, -0.1, 0.0);
  ASSERT_NEAR(cam.ground_alt_m, -400.0, 0.0);
  ASSERT_NEAR(cam.yaw_deg, -10.0, 0.0);
  static const char partial[] =
      "{\"id\":\"x\",\"width\":320,\"height\":256,\"hfov_deg\":50,\"lat\":0,"
      "\"lon\":0,\"height_m\":3,\"yaw_deg\":0,\"pitch_deg\":0,"
      "\"radiometric\":{\"scale\":0.04, \"offset\":-0.5}}";
  ASSERT_OK(wl_camera_parse(&cam, partial, strlen(partial), "p.json", &err),
            &err);
  ASSERT_EQ(cam.radiometry.radiometric, 1);
  ASSERT_NEAR(cam.radiometry.scale, 0.04, 0.0);
  ASSERT_NEAR(cam.radiometry.offset, -0.5, 0.0);

  /* wl_camera_load reads a file; a missing file is WL_ENOTFOUND. */
  const char *path = test_path(test_tmpdir(), "cam.json");
  FILE *f = fopen(path, "wb");
  ASSERT(f != NULL);
  fputs(EXAMPLE_JSON, f);
  fclose(f);
  ASSERT_OK(wl_camera_load(&cam, path, &err), &err);
  ASSERT_STR_EQ(cam.id, "t3-c1");
  ASSERT_EQ(wl_camera_load(&cam, test_path(test_tmpdir(), "nope.json"), &err),
            WL_ENOTFOUND);
  ASSERT_STR_CONTAINS(err.msg, "nope.json");
  return 0;
}

/* Parse the example with one key's value replaced (or, with value NULL,
 * removed); expect code and each of the substrings in the message. */
static int expect_error(const char *key, const char *value, int code,
                        const char *must1, const char *must2) {
  static const char *keys[] = {"id", "width", "height", "hfov_deg", "lat",
                               "lon", "height_m", "yaw_deg", "pitch_deg",
                               "roll_deg", "fps"};
  static const char *values[] = {"\"t3-c1\"", "640", "512", "24.0", "33.12",
                                 "41.56", "15.0", "270.0", "-3.0", "0.0",
                                 "10"};
  char text[2048];
  size_t used = (size_t)snprintf(text, sizeof text, "{");
  int replaced = 0;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = values[i];
    if (strcmp(keys[i], key) == 0) {
      replaced = 1;
      if (!value) continue;
      v = value;
    }
    used += (size_t)snprintf(text + used, sizeof text - used, "%s\"%s\": %s",
                             used > 1 ? ", " : "", keys[i], v);
  }
  if (!replaced && value)
    used += (size_t)snprintf(text + used, sizeof text - used, ", \"%s\": %s",
                             key, value);
  snprintf(text + used, sizeof text - used, "}");
  wl_camera_t cam;
  wl_err_t err;
  wl_err_clear(&err);
  int rc = wl_camera_parse(&cam, text, strlen(text), "cam.json", &err);
  if (rc != code)
    TEST_FAIL_("%s = %s: code %d, want %d (%s)", key, value ? value : "(none)",
               rc, code, err.msg);
  ASSERT_EQ(err.code, code);
  ASSERT_STR_CONTAINS(err.msg, "cam.json: ");
  ASSERT_STR_CONTAINS(err.msg, must1);
  if (must2) ASSERT_STR_CONTAINS(err.msg, must2);
  ASSERT(strchr(err.msg, '\n') == NULL);
  return 0;
}

TEST_IMPL(camera_json_errors) {
  struct {
    const char *key, *value, *must1, *must2;
  } bad[] = {
      {"hfov_deg", "190", "hfov_deg: 190 is impossible", "> 0 and < 180"},
      {"hfov_deg", "180", "hfov_deg: 180 is impossible", NULL},
      {"hfov_deg", "0", "hfov_deg: 0 is impossible", NULL},
      {"hfov_deg", "-5", "hfov_deg: -5 is impossible", NULL},
      {"hfov_deg", "1e-9", "hfov_deg: 1e-09 is impossible", NULL},
      {"pitch_deg", "90.5", "pitch_deg: 90.5 is impossible", "[-90, 90]"},
      {"pitch_deg", "-91", "pitch_deg: -91 is impossible", NULL},
      {"roll_deg", "180.01", "roll_deg: 180.01 is impossible", NULL},
      {"width", "0", "width: 0 is impossible", NULL},
      {"height", "0", "height: 0 is impossible", NULL},
      {"width", "-640", "width: -640 is impossible", NULL},
      {"width", "16385", "width: 16385 is impossible", NULL},
      {"width", "99999999999999", "width: 99999999999999", NULL},
      {"lat", "90.000001", "lat: 90.000001 is impossible", NULL},
      {"lat", "-91", "lat: -91 is impossible", NULL},
      {"lon", "181", "lon: 181 is impossible", NULL},
      {"lon", "-180.5", "lon: -180.5 is impossible", NULL},
      {"height_m", "-1", "height_m: -1 is impossible", NULL},
      {"height_m", "1e9", "height_m: 1000000000 is impossible", NULL},
      {"ground_alt_m", "20000", "ground_alt_m: 20000 is impossible", NULL},
      {"fps", "0", "fps: 0 is impossible", NULL},
      {"fps", "-30", "fps: -30 is impossible", NULL},
      {"id", "\"\"", "id: \"\" is impossible", NULL},
      {"id", "\"0123456789012345678901234567890123456789012345678901234567"
             "890123\"", "id:", "at most 63 bytes"},
      {"id", "\"a\\nb\"", "id:", "control character"},
      {"k1", "-3", "k1, k2:", "folds back"},
      {"k1", "1e7", "k1: 10000000 is impossible", NULL},
      {"radiometric", "{\"scale\": 0}", "radiometric.scale: 0 is impossible",
       NULL},
      {"radiometric", "{\"scale\": \"x\"}", "radiometric.scale",
       "expected a number, got a string"},
      {"radiometric", "{\"offset\": []}",
       "radiometric.offset: expected a number, got an array", NULL},
      {"radiometric", "1", "radiometric:", "got an integer"},
      /* Wrong JSON types. */
      {"width", "\"640\"", "width: expected an integer, got a string", NULL},
      {"width", "640.0", "width: expected an integer, got a real", NULL},
      {"hfov_deg", "\"24\"", "hfov_deg: expected a number, got a string",
       NULL},
      {"lat", "null", "lat: expected a number, got null", NULL},
      {"yaw_deg", "[270]", "yaw_deg: expected a number, got an array", NULL},
      {"id", "5", "id: expected a string, got an integer", NULL},
      {"fps", "true", "fps: expected a number, got true", NULL},
      /* Missing required keys. */
      {"id", NULL, "id: required key is missing", NULL},
      {"width", NULL, "width: required key is missing", NULL},
      {"height", NULL, "height: required key is missing", NULL},
      {"hfov_deg", NULL, "hfov_deg: required key is missing", NULL},
      {"lat", NULL, "lat: required key is missing", NULL},
      {"lon", NULL, "lon: required key is missing", NULL},
      {"height_m", NULL, "height_m: required key is missing", NULL},
      {"yaw_deg", NULL, "yaw_deg: required key is missing", NULL},
      {"pitch_deg", NULL, "pitch_deg: required key is missing", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (expect_error(bad[i].key, bad[i].value, WL_EINVAL, bad[i].must1,
                     bad[i].must2))
      return 1;
  /* Optional keys really are optional: removing them is fine. */
  wl_camera_t cam;
  wl_err_t err;
  static const char no_optional[] =
      "{\"id\":\"a\",\"width\":1,\"height\":1,\"hfov_deg\":179.9,\"lat\":90,"
      "\"lon\":-180,\"height_m\":0,\"yaw_deg\":1e6,\"pitch_deg\":90}";
  ASSERT_OK(wl_camera_parse(&cam, no_optional, strlen(no_optional), "b.json",
                            &err), &err);

  /* Non-finite values reach wl_camera_init only from code. */
  ASSERT_EQ(make_camera(&cam, 0, 0, 10, 0, 0, 0, 0, 0, 0), WL_OK);
  cam.hfov_deg = NAN;
  ASSERT_EQ(wl_camera_init(&cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "hfov_deg: nan is impossible");
  cam.hfov_deg = 24.0;
  cam.lon = INFINITY;
  ASSERT_EQ(wl_camera_init(&cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "lon: inf is impossible");
  cam.lon = 0.0;
  cam.yaw_deg = -INFINITY;
  ASSERT_EQ(wl_camera_init(&cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "yaw_deg");
  cam.yaw_deg = 0.0;
  cam.k2 = NAN;
  ASSERT_EQ(wl_camera_init(&cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "k2");
  cam.k2 = 0.0;
  cam.fps = NAN;
  ASSERT_EQ(wl_camera_init(&cam, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "fps");
  cam.fps = 30.0;
  ASSERT_EQ(wl_camera_init(&cam, NULL), WL_OK);
  /* Errors leave the caller's camera untouched in wl_camera_parse. */
  ASSERT_EQ(wl_camera_parse(&cam, "{}", 2, "e.json", &err), WL_EINVAL);
  ASSERT_STR_EQ(cam.id, "test");
  return 0;
}

TEST_IMPL(camera_json_syntax) {
  wl_camera_t cam;
  wl_err_t err;
  static const char broken[] =
      "{\n  \"id\": \"t3-c1\",\n  \"width\": 640,\n  \"height\": ,\n}\n";
  ASSERT_EQ(wl_camera_parse(&cam, broken, strlen(broken), "cam.json", &err),
            WL_EFORMAT);
  ASSERT_STR_CONTAINS(err.msg, "cam.json:4:");
  ASSERT_STR_CONTAINS(err.msg, "invalid JSON");
  static const struct {
    const char *text;
    const char *must;
  } cases[] = {
      {"", "cam.json:"},
      {"[1, 2]", "expected a JSON object at the top level, got an array"},
      {"\"x\"", "invalid JSON"},
      {"{\"id\": \"a\", \"id\": \"b\"}", "duplicate"},
      {"{\"width\": 1e999}", "cam.json:1:"},
      {"{\"id\": \"a\"} trailing", "cam.json:1:"},
      {"{\"id\": \"\\u0000\"}", "cam.json:1:"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc = wl_camera_parse(&cam, cases[i].text, strlen(cases[i].text),
                             "cam.json", &err);
    ASSERT(rc == WL_EFORMAT || rc == WL_EINVAL);
    ASSERT_STR_CONTAINS(err.msg, cases[i].must);
  }
  ASSERT_EQ(wl_camera_parse(&cam, NULL, 0, "cam.json", &err), WL_EFORMAT);
  /* A giant input is refused before parsing. */
  size_t big = (size_t)2 << 20;
  char *huge = malloc(big);
  ASSERT(huge != NULL);
  memset(huge, ' ', big);
  int rc = wl_camera_parse(&cam, huge, big, "huge.json", &err);
  free(huge);
  ASSERT_EQ(rc, WL_ETOOBIG);
  ASSERT_STR_CONTAINS(err.msg, "huge.json");
  return 0;
}

static int same_user_fields(const wl_camera_t *a, const wl_camera_t *b) {
  ASSERT_STR_EQ(a->id, b->id);
  ASSERT_EQ(a->width, b->width);
  ASSERT_EQ(a->height, b->height);
  const double *fa[] = {&a->hfov_deg, &a->lat, &a->lon, &a->height_m,
                        &a->ground_alt_m, &a->yaw_deg, &a->pitch_deg,
                        &a->roll_deg, &a->k1, &a->k2, &a->fps,
                        &a->radiometry.scale, &a->radiometry.offset};
  const double *fb[] = {&b->hfov_deg, &b->lat, &b->lon, &b->height_m,
                        &b->ground_alt_m, &b->yaw_deg, &b->pitch_deg,
                        &b->roll_deg, &b->k1, &b->k2, &b->fps,
                        &b->radiometry.scale, &b->radiometry.offset};
  for (size_t i = 0; i < sizeof fa / sizeof fa[0]; i++)
    if (memcmp(fa[i], fb[i], sizeof(double)) != 0)
      TEST_FAIL_("field %zu: %.17g vs %.17g", i, *fa[i], *fb[i]);
  ASSERT_EQ(a->radiometry.radiometric, b->radiometry.radiometric);
  /* Derived fields follow. */
  ASSERT(memcmp(a->cam_to_enu, b->cam_to_enu, sizeof a->cam_to_enu) == 0);
  ASSERT(memcmp(&a->f_px, &b->f_px, sizeof a->f_px) == 0);
  return 0;
}

TEST_IMPL(camera_json_round_trip) {
  wl_camera_t cam, back;
  wl_err_t err;
  ASSERT_OK(wl_camera_parse(&cam, EXAMPLE_JSON, strlen(EXAMPLE_JSON),
                            "cam.json", &err), &err);
  char *text = wl_camera_to_json(&cam);
  ASSERT(text != NULL);
  ASSERT_STR_CONTAINS(text, "\"lat\": 33.12,");
  ASSERT_STR_CONTAINS(text, "\"yaw_deg\": 270.0,");
  ASSERT_STR_CONTAINS(text, "\"width\": 640,");
  ASSERT_OK(wl_camera_parse(&back, text, strlen(text), "text", &err), &err);
  free(text);
  if (same_user_fields(&cam, &back)) return 1;

  /* Awkward values survive bit for bit, through a file. */
  cam.lat = 0.1 + 0.2;
  cam.lon = -1.0 / 3.0;
  cam.height_m = 1e-300;
  cam.ground_alt_m = -0.0;
  cam.yaw_deg = 123456.78901234567;
  cam.pitch_deg = -89.999999999999986;
  cam.roll_deg = 5e-324;
  cam.k1 = -0.12345678901234568;
  cam.k2 = 2.5e-5;
  cam.fps = 29.97;
  cam.radiometry = wl_radiometry_none();
  snprintf(cam.id, sizeof cam.id, "quote\" back\\slash ünïcode/tab");
  ASSERT_OK(wl_camera_init(&cam, &err), &err);
  const char *path = test_path(test_tmpdir(), "saved.json");
  ASSERT_OK(wl_camera_save(&cam, path, &err), &err);
  ASSERT_OK(wl_camera_load(&back, path, &err), &err);
  if (same_user_fields(&cam, &back)) return 1;
  ASSERT(signbit(back.ground_alt_m));
  /* Saving into a missing directory fails with the path named. */
  ASSERT_EQ(wl_camera_save(&cam, test_path(test_tmpdir(), "no/such.json"),
                           &err), WL_EIO);
  ASSERT_STR_CONTAINS(err.msg, "no/such.json");
  return 0;
}
