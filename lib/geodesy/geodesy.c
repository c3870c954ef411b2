/*
 * geodesy.c - WGS84 geodetic <-> ECEF <-> local east-north-up (see
 * geodesy.h).
 *
 * Design: geodetic -> ECEF is the closed form through the prime-vertical
 * radius N. ECEF -> geodetic iterates Bowring's parametric-latitude update,
 * which converges cubically for any point outside the earth's inner core
 * (two or three rounds reach 1e-15 rad for heights between -10 km and
 * geostationary orbit); the height is then taken from the formula
 * h = p cos(lat) + z sin(lat) - a sqrt(1 - e^2 sin^2(lat)), which is well
 * conditioned at every latitude, including the poles.
 *
 * Invariants: an ENU frame's rot rows are orthonormal (east, north, up in
 * ECEF), and origin_ecef is the exact ECEF image of its geodetic origin.
 * Nothing here allocates or keeps state.
 */
#include <math.h>

#include "watchline/geodesy.h"

#define DEG_TO_RAD (M_PI / 180.0)
#define RAD_TO_DEG (180.0 / M_PI)

/* Derived WGS84 constants. */
#define WGS84_B (WL_WGS84_A * (1.0 - WL_WGS84_F))          /* semi-minor */
#define WGS84_E2 (WL_WGS84_F * (2.0 - WL_WGS84_F))         /* e^2 */
#define WGS84_EP2 (WGS84_E2 / (1.0 - WGS84_E2))            /* e'^2 */

/* Bowring rounds: three suffice everywhere near the surface; the loop stops
 * early once the latitude no longer changes. */
#define ECEF_TO_GEODETIC_MAX_ROUNDS 8

void wl_geodetic_to_ecef(double lat_deg, double lon_deg, double alt_m,
                         double ecef[3]) {
  double lat = lat_deg * DEG_TO_RAD, lon = lon_deg * DEG_TO_RAD;
  double sin_lat = sin(lat), cos_lat = cos(lat);
  double prime_vertical = WL_WGS84_A / sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat);
  ecef[0] = (prime_vertical + alt_m) * cos_lat * cos(lon);
  ecef[1] = (prime_vertical + alt_m) * cos_lat * sin(lon);
  ecef[2] = (prime_vertical * (1.0 - WGS84_E2) + alt_m) * sin_lat;
}

void wl_ecef_to_geodetic(const double ecef[3], double *lat_deg,
                         double *lon_deg, double *alt_m) {
  double x = ecef[0], y = ecef[1], z = ecef[2];
  double p = hypot(x, y);
  double lon = atan2(y, x);
  double lat;
  if (p == 0.0 && z == 0.0) {
    /* The earth's centre: any latitude; report the equator. */
    *lat_deg = 0.0;
    *lon_deg = 0.0;
    *alt_m = -WL_WGS84_A;
    return;
  }
  /* Bowring: beta is the parametric (reduced) latitude. */
  double beta = atan2(z, (1.0 - WL_WGS84_F) * p);
  lat = atan2(z, p);
  for (int round = 0; round < ECEF_TO_GEODETIC_MAX_ROUNDS; round++) {
    double sin_b = sin(beta), cos_b = cos(beta);
    double next = atan2(z + WGS84_EP2 * WGS84_B * sin_b * sin_b * sin_b,
                        p - WGS84_E2 * WL_WGS84_A * cos_b * cos_b * cos_b);
    double change = fabs(next - lat);
    lat = next;
    beta = atan2((1.0 - WL_WGS84_F) * sin(lat), cos(lat));
    if (change < 1e-15) break;
  }
  double sin_lat = sin(lat), cos_lat = cos(lat);
  *alt_m = p * cos_lat + z * sin_lat -
           WL_WGS84_A * sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat);
  *lat_deg = lat * RAD_TO_DEG;
  *lon_deg = lon * RAD_TO_DEG;
}

void wl_enu_frame_init(wl_enu_frame_t *fr, double lat_deg, double lon_deg,
                       double alt_m) {
  double lat = lat_deg * DEG_TO_RAD, lon = lon_deg * DEG_TO_RAD;
  double sin_lat = sin(lat), cos_lat = cos(lat);
  double sin_lon = sin(lon), cos_lon = cos(lon);
  fr->lat_deg = lat_deg;
  fr->lon_deg = lon_deg;
  fr->alt_m = alt_m;
  wl_geodetic_to_ecef(lat_deg, lon_deg, alt_m, fr->origin_ecef);
  /* east */
  fr->rot[0][0] = -sin_lon;
  fr->rot[0][1] = cos_lon;
  fr->rot[0][2] = 0.0;
  /* north */
  fr->rot[1][0] = -sin_lat * cos_lon;
  fr->rot[1][1] = -sin_lat * sin_lon;
  fr->rot[1][2] = cos_lat;
  /* up */
  fr->rot[2][0] = cos_lat * cos_lon;
  fr->rot[2][1] = cos_lat * sin_lon;
  fr->rot[2][2] = sin_lat;
}

void wl_ecef_vec_to_enu(const wl_enu_frame_t *fr, const double v[3],
                        double out[3]) {
  double x = v[0], y = v[1], z = v[2];
  for (int i = 0; i < 3; i++)
    out[i] = fr->rot[i][0] * x + fr->rot[i][1] * y + fr->rot[i][2] * z;
}

void wl_enu_vec_to_ecef(const wl_enu_frame_t *fr, const double v[3],
                        double out[3]) {
  double e = v[0], n = v[1], u = v[2];
  for (int i = 0; i < 3; i++)
    out[i] = fr->rot[0][i] * e + fr->rot[1][i] * n + fr->rot[2][i] * u;
}

void wl_enu_from_ecef(const wl_enu_frame_t *fr, const double ecef[3],
                      double enu[3]) {
  double d[3] = {ecef[0] - fr->origin_ecef[0], ecef[1] - fr->origin_ecef[1],
                 ecef[2] - fr->origin_ecef[2]};
  wl_ecef_vec_to_enu(fr, d, enu);
}

void wl_ecef_from_enu(const wl_enu_frame_t *fr, const double enu[3],
                      double ecef[3]) {
  double d[3];
  wl_enu_vec_to_ecef(fr, enu, d);
  for (int i = 0; i < 3; i++) ecef[i] = fr->origin_ecef[i] + d[i];
}

void wl_enu_from_geodetic(const wl_enu_frame_t *fr, double lat_deg,
                          double lon_deg, double alt_m, double enu[3]) {
  double ecef[3];
  wl_geodetic_to_ecef(lat_deg, lon_deg, alt_m, ecef);
  wl_enu_from_ecef(fr, ecef, enu);
}

void wl_geodetic_from_enu(const wl_enu_frame_t *fr, const double enu[3],
                          double *lat_deg, double *lon_deg, double *alt_m) {
  double ecef[3];
  wl_ecef_from_enu(fr, enu, ecef);
  wl_ecef_to_geodetic(ecef, lat_deg, lon_deg, alt_m);
}
