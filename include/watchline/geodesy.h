/*
 * watchline/geodesy.h - WGS84 positions and local east-north-up frames.
 *
 * Exact transforms between geodetic coordinates (latitude, longitude in
 * degrees, ellipsoidal height in metres), earth-centred earth-fixed (ECEF)
 * metres, and a local tangent plane (ENU: east, north, up metres) anchored
 * at an origin. No approximation beyond floating point: geodetic from ECEF
 * uses an iteration that converges to well below a millimetre.
 *
 * ENU is a plane tangent to the ellipsoid at its origin: a point on the
 * ground 5 km away has up = about -2 m (earth curvature).
 */
#ifndef WATCHLINE_GEODESY_H
#define WATCHLINE_GEODESY_H

#define WL_WGS84_A 6378137.0                 /* semi-major axis, m */
#define WL_WGS84_F (1.0 / 298.257223563)     /* flattening */

typedef struct wl_enu_frame {
  double lat_deg, lon_deg, alt_m; /* origin */
  double origin_ecef[3];
  double rot[3][3];               /* rows: east, north, up unit vectors in ECEF */
} wl_enu_frame_t;

void wl_geodetic_to_ecef(double lat_deg, double lon_deg, double alt_m,
                         double ecef[3]);
void wl_ecef_to_geodetic(const double ecef[3], double *lat_deg,
                         double *lon_deg, double *alt_m);

void wl_enu_frame_init(wl_enu_frame_t *fr, double lat_deg, double lon_deg,
                       double alt_m);
void wl_enu_from_ecef(const wl_enu_frame_t *fr, const double ecef[3],
                      double enu[3]);
void wl_ecef_from_enu(const wl_enu_frame_t *fr, const double enu[3],
                      double ecef[3]);
void wl_enu_from_geodetic(const wl_enu_frame_t *fr, double lat_deg,
                          double lon_deg, double alt_m, double enu[3]);
void wl_geodetic_from_enu(const wl_enu_frame_t *fr, const double enu[3],
                          double *lat_deg, double *lon_deg, double *alt_m);

/* Direction vectors: rotate an ENU vector to ECEF and back (no offset). */
void wl_enu_vec_to_ecef(const wl_enu_frame_t *fr, const double v[3],
                        double out[3]);
void wl_ecef_vec_to_enu(const wl_enu_frame_t *fr, const double v[3],
                        double out[3]);

#endif
