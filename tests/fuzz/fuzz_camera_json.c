/*
 * fuzz_camera_json.c - libFuzzer target for camera.json (wl_camera_parse).
 *
 * Any input must parse or fail cleanly. When it parses, the camera must be
 * usable: it serialises, re-parses to the same fields, and its geometry
 * queries (ray, ground, projection, horizon, footprint) return without
 * crashing or tripping the sanitizers on its extreme-but-valid values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/camera.h"

static void exercise_geometry(const wl_camera_t *cam) {
  double ray[3], g[3], u, v, across, along, range, bearing;
  double corners[][2] = {{0.0, 0.0},
                         {cam->width, 0.0},
                         {cam->cx, cam->cy},
                         {0.0, cam->height},
                         {cam->width, cam->height}};
  for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++) {
    wl_camera_pixel_to_ray(cam, corners[i][0], corners[i][1], ray);
    if (wl_camera_pixel_to_ground(cam, corners[i][0], corners[i][1], g) ==
        WL_OK) {
      (void)wl_camera_enu_to_pixel(cam, g, &u, &v);
      wl_camera_range_bearing(cam, g, &range, &bearing);
      (void)wl_camera_slant_range(cam, g);
    }
    (void)wl_camera_ground_footprint(cam, corners[i][0], corners[i][1],
                                     &across, &along);
  }
  (void)wl_camera_horizon_row(cam, cam->cx);
  wl_camera_ground_at(cam, 1000.0, -2000.0, g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_camera_t cam, again;
  wl_err_t err;
  if (wl_camera_parse(&cam, (const char *)data, size, "fuzz.json", &err) !=
      WL_OK)
    return 0;
  exercise_geometry(&cam);
  char *text = wl_camera_to_json(&cam);
  if (!text) abort();
  if (wl_camera_parse(&again, text, strlen(text), "again.json", &err) != WL_OK)
    abort(); /* what we write, we must read */
  if (strcmp(cam.id, again.id) != 0 || cam.width != again.width ||
      cam.height != again.height ||
      memcmp(&cam.lat, &again.lat, sizeof cam.lat) != 0 ||
      memcmp(&cam.yaw_deg, &again.yaw_deg, sizeof cam.yaw_deg) != 0 ||
      memcmp(&cam.k2, &again.k2, sizeof cam.k2) != 0 ||
      memcmp(&cam.fps, &again.fps, sizeof cam.fps) != 0)
    abort(); /* and read it back exactly */
  free(text);
  return 0;
}
