/*
 * test-geodesy.c - WGS84 geodetic <-> ECEF <-> ENU.
 *
 * Known ECEF values, round trips over the whole globe (poles, equator,
 * antimeridian, heights -400..9000 m), ENU frame round trips and axes, and
 * the tangent-plane range and bearing against PROJ's geodesic library
 * (Karney's algorithms, an independent implementation) when it is available.
 */
#include <math.h>
#include <stdint.h>

#include "task.h"
#include "watchline/geodesy.h"

#ifdef WL_HAVE_PROJ
#include <geodesic.h>
#endif

#define WGS84_B (WL_WGS84_A * (1.0 - WL_WGS84_F))

/* Deterministic uniform numbers in [0, 1): a 64-bit LCG (Knuth MMIX). */
static double next_uniform(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* Longitude difference folded into [-180, 180]. */
static double lon_diff(double a, double b) {
  double d = fmod(a - b, 360.0);
  if (d > 180.0) d -= 360.0;
  if (d < -180.0) d += 360.0;
  return d;
}

static double dist3(const double a[3], const double b[3]) {
  return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
              (a[2] - b[2]) * (a[2] - b[2]));
}

TEST_IMPL(geodesy_known_ecef) {
  double p[3];
  wl_geodetic_to_ecef(0.0, 0.0, 0.0, p);
  ASSERT_NEAR(p[0], 6378137.0, 1e-6);
  ASSERT_NEAR(p[1], 0.0, 1e-6);
  ASSERT_NEAR(p[2], 0.0, 1e-6);
  wl_geodetic_to_ecef(90.0, 0.0, 0.0, p);
  ASSERT_NEAR(p[0], 0.0, 1e-6);
  ASSERT_NEAR(p[1], 0.0, 1e-6);
  ASSERT_NEAR(p[2], 6356752.314245, 1e-6);
  wl_geodetic_to_ecef(-90.0, 123.0, 100.0, p);
  ASSERT_NEAR(p[2], -6356852.314245, 1e-6);
  wl_geodetic_to_ecef(0.0, 90.0, 0.0, p);
  ASSERT_NEAR(p[0], 0.0, 1e-6);
  ASSERT_NEAR(p[1], 6378137.0, 1e-6);
  wl_geodetic_to_ecef(0.0, 180.0, 1000.0, p);
  ASSERT_NEAR(p[0], -6379137.0, 1e-6);
  ASSERT_NEAR(p[1], 0.0, 1e-6);
  /* 45N 45E: N = a / sqrt(1 - e^2/2); x = y = N/2, z = N (1 - e^2) / sqrt2.
   * Reference values computed by hand from those formulas. */
  wl_geodetic_to_ecef(45.0, 45.0, 0.0, p);
  ASSERT_NEAR(p[0], 3194419.145061, 1e-5);
  ASSERT_NEAR(p[1], 3194419.145061, 1e-5);
  ASSERT_NEAR(p[2], 4487348.408866, 1e-5);

  /* And back, including points exactly on the axis and the equator. */
  double lat, lon, h;
  double pole[3] = {0.0, 0.0, WGS84_B + 250.0};
  wl_ecef_to_geodetic(pole, &lat, &lon, &h);
  ASSERT_NEAR(lat, 90.0, 1e-12);
  ASSERT_NEAR(h, 250.0, 1e-6);
  double south[3] = {0.0, 0.0, -WGS84_B + 250.0};
  wl_ecef_to_geodetic(south, &lat, &lon, &h);
  ASSERT_NEAR(lat, -90.0, 1e-12);
  ASSERT_NEAR(h, -250.0, 1e-6);
  double equator[3] = {-6378137.0 - 9000.0, 0.0, 0.0};
  wl_ecef_to_geodetic(equator, &lat, &lon, &h);
  ASSERT_NEAR(lat, 0.0, 1e-12);
  ASSERT_NEAR(fabs(lon), 180.0, 1e-12);
  ASSERT_NEAR(h, 9000.0, 1e-6);
  return 0;
}

/* One geodetic -> ECEF -> geodetic -> ECEF round trip. */
static int check_round_trip(double lat, double lon, double h) {
  double p[3], q[3], lat2, lon2, h2;
  wl_geodetic_to_ecef(lat, lon, h, p);
  wl_ecef_to_geodetic(p, &lat2, &lon2, &h2);
  ASSERT_NEAR(lat2, lat, 1e-9);
  if (fabs(lat) < 90.0 - 1e-9) ASSERT_NEAR(lon_diff(lon2, lon), 0.0, 1e-9);
  ASSERT_NEAR(h2, h, 1e-3);
  wl_geodetic_to_ecef(lat2, lon2, h2, q);
  ASSERT_DBL_LT(dist3(p, q), 1e-3);
  return 0;
}

TEST_IMPL(geodesy_round_trip) {
  static const double lats[] = {-90.0, -89.9999999, -60.0, -45.0, -33.3,
                                -1e-9, 0.0, 1e-7, 33.12, 45.0, 60.0,
                                89.99, 89.9999999, 90.0};
  static const double lons[] = {-180.0, -179.9999999, -90.0, -1e-9, 0.0,
                                41.56, 90.0, 179.9999999, 180.0};
  static const double heights[] = {-400.0, -0.001, 0.0, 15.0, 1234.5, 9000.0};
  for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++)
    for (size_t j = 0; j < sizeof lons / sizeof lons[0]; j++)
      for (size_t k = 0; k < sizeof heights / sizeof heights[0]; k++)
        if (check_round_trip(lats[i], lons[j], heights[k])) {
          fprintf(stderr, "at lat %.10g lon %.10g h %.10g\n", lats[i], lons[j],
                  heights[k]);
          return 1;
        }
  /* Random points over the globe, and measure the worst error. */
  uint64_t rng = 42;
  double worst_lat = 0.0, worst_h = 0.0;
  for (int n = 0; n < 200000; n++) {
    double lat = asin(2.0 * next_uniform(&rng) - 1.0) * 180.0 / M_PI;
    double lon = 360.0 * next_uniform(&rng) - 180.0;
    double h = -400.0 + 9400.0 * next_uniform(&rng);
    double p[3], lat2, lon2, h2;
    wl_geodetic_to_ecef(lat, lon, h, p);
    wl_ecef_to_geodetic(p, &lat2, &lon2, &h2);
    if (fabs(lat2 - lat) > worst_lat) worst_lat = fabs(lat2 - lat);
    if (fabs(h2 - h) > worst_h) worst_h = fabs(h2 - h);
    ASSERT_NEAR(lon_diff(lon2, lon), 0.0, 1e-9);
  }
  ASSERT_DBL_LT(worst_lat, 1e-9);
  ASSERT_DBL_LT(worst_h, 1e-3);
  /* In practice the iteration is at the floating-point limit. */
  ASSERT_DBL_LT(worst_lat, 1e-12);
  ASSERT_DBL_LT(worst_h, 1e-6);
  return 0;
}

TEST_IMPL(geodesy_enu) {
  static const double origins[][3] = {
      {0.0, 0.0, 0.0},        {33.12, 41.56, 15.0}, {60.0, -150.0, 1200.0},
      {-45.0, 179.99, -400.0}, {89.9, 10.0, 3000.0}, {-89.95, -179.9, 0.0}};
  uint64_t rng = 7;
  for (size_t o = 0; o < sizeof origins / sizeof origins[0]; o++) {
    wl_enu_frame_t fr;
    wl_enu_frame_init(&fr, origins[o][0], origins[o][1], origins[o][2]);
    /* The axes are orthonormal and right-handed (east x north = up). */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        double dot = fr.rot[i][0] * fr.rot[j][0] + fr.rot[i][1] * fr.rot[j][1] +
                     fr.rot[i][2] * fr.rot[j][2];
        ASSERT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-15);
      }
    ASSERT_NEAR(fr.rot[0][1] * fr.rot[1][2] - fr.rot[0][2] * fr.rot[1][1],
                fr.rot[2][0], 1e-15);
    /* The origin maps to 0; straight up from it is (0, 0, h). */
    double enu[3], back[3], lat, lon, h;
    wl_enu_from_geodetic(&fr, origins[o][0], origins[o][1], origins[o][2],
                         enu);
    ASSERT_NEAR(enu[0], 0.0, 1e-8);
    ASSERT_NEAR(enu[1], 0.0, 1e-8);
    ASSERT_NEAR(enu[2], 0.0, 1e-8);
    wl_enu_from_geodetic(&fr, origins[o][0], origins[o][1],
                         origins[o][2] + 100.0, enu);
    ASSERT_NEAR(enu[0], 0.0, 1e-8);
    ASSERT_NEAR(enu[1], 0.0, 1e-8);
    ASSERT_NEAR(enu[2], 100.0, 1e-8);
    /* Round trips of points within 20 km. */
    for (int n = 0; n < 2000; n++) {
      double p[3] = {40000.0 * next_uniform(&rng) - 20000.0,
                     40000.0 * next_uniform(&rng) - 20000.0,
                     4000.0 * next_uniform(&rng) - 2000.0};
      wl_geodetic_from_enu(&fr, p, &lat, &lon, &h);
      wl_enu_from_geodetic(&fr, lat, lon, h, back);
      ASSERT_DBL_LT(dist3(p, back), 1e-6);
      double ecef[3], v[3], w[3];
      wl_ecef_from_enu(&fr, p, ecef);
      wl_enu_from_ecef(&fr, ecef, back);
      ASSERT_DBL_LT(dist3(p, back), 1e-6);
      wl_enu_vec_to_ecef(&fr, p, v);
      wl_ecef_vec_to_enu(&fr, v, w);
      ASSERT_DBL_LT(dist3(p, w), 1e-9);
    }
  }
  /* At lat 0 lon 0: east = +Y, north = +Z, up = +X in ECEF. */
  wl_enu_frame_t fr;
  wl_enu_frame_init(&fr, 0.0, 0.0, 0.0);
  double e[3] = {1, 0, 0}, n[3] = {0, 1, 0}, u[3] = {0, 0, 1}, out[3];
  wl_enu_vec_to_ecef(&fr, e, out);
  ASSERT_NEAR(out[1], 1.0, 1e-15);
  wl_enu_vec_to_ecef(&fr, n, out);
  ASSERT_NEAR(out[2], 1.0, 1e-15);
  wl_enu_vec_to_ecef(&fr, u, out);
  ASSERT_NEAR(out[0], 1.0, 1e-15);
  /* Earth curvature: ground 5 km north of the origin is ~1.96 m below the
   * tangent plane (s^2 / 2R with R the meridian radius ~6.335e6 at lat 0). */
  wl_enu_frame_init(&fr, 33.12, 41.56, 0.0);
  double enu[3];
  wl_enu_from_geodetic(&fr, 33.12 + 5000.0 / 110900.0, 41.56, 0.0, enu);
  ASSERT_NEAR(enu[1], 5000.0, 10.0);
  ASSERT_NEAR(enu[2], -1.96, 0.02);
  return 0;
}

TEST_IMPL(geodesy_vs_proj_geodesic) {
#ifndef WL_HAVE_PROJ
  RETURN_SKIP("PROJ (libproj-dev) not found at configure time");
#else
  struct geod_geodesic g;
  geod_init(&g, WL_WGS84_A, WL_WGS84_F);
  static const double lats[] = {0.0, 33.0, 60.0, -45.0};
  static const double azimuths[] = {0.0, 37.0, 90.0, 135.0, 180.0, 200.0,
                                    271.0, 333.0};
  static const double distances[] = {10.0, 100.0, 1000.0, 5000.0, 10000.0};
  double worst_rel = 0.0, worst_az = 0.0;
  for (size_t i = 0; i < sizeof lats / sizeof lats[0]; i++) {
    double lon0 = 41.56 + 10.0 * (double)i;
    wl_enu_frame_t fr;
    wl_enu_frame_init(&fr, lats[i], lon0, 0.0);
    for (size_t j = 0; j < sizeof azimuths / sizeof azimuths[0]; j++)
      for (size_t k = 0; k < sizeof distances / sizeof distances[0]; k++) {
        double lat2, lon2, azi2, enu[3];
        geod_direct(&g, lats[i], lon0, azimuths[j], distances[k], &lat2,
                    &lon2, &azi2);
        wl_enu_from_geodetic(&fr, lat2, lon2, 0.0, enu);
        double range = hypot(enu[0], enu[1]);
        double bearing = atan2(enu[0], enu[1]) * 180.0 / M_PI;
        if (bearing < 0.0) bearing += 360.0;
        double rel = fabs(range - distances[k]) / distances[k];
        double daz = fabs(lon_diff(bearing, azimuths[j]));
        if (rel > worst_rel) worst_rel = rel;
        if (daz > worst_az) worst_az = daz;
        ASSERT_DBL_LT(rel, 1e-4);
        ASSERT_DBL_LT(daz, 0.01);
        /* And the inverse problem from the same ENU point. */
        double s12, azi1, azi2b, lat3, lon3, h3;
        wl_geodetic_from_enu(&fr, enu, &lat3, &lon3, &h3);
        geod_inverse(&g, lats[i], lon0, lat3, lon3, &s12, &azi1, &azi2b);
        ASSERT_NEAR(s12, distances[k], 1e-6);
        ASSERT_NEAR(h3, 0.0, 1e-6);
      }
  }
  fprintf(stderr, "worst tangent-plane range error %.3g %%, bearing %.3g deg\n",
          100.0 * worst_rel, worst_az);
  return 0;
#endif
}
