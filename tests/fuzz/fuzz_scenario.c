/*
 * fuzz_scenario.c - libFuzzer target for scenario JSON (wl_scenario_parse).
 *
 * Any input must parse or fail cleanly with a message. When it parses and
 * is small (a tiny camera, few targets and bushes), two frames are also
 * rendered, so that extreme-but-valid values (giant targets, far paths,
 * zero speeds, birds at 10 km, odd FFC lists) go through the renderer and
 * its ground truth under the sanitizers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/sim.h"

#define MAX_FUZZ_PIXELS 4096
#define MAX_FUZZ_TARGETS 32

static void render_two_frames(const wl_scenario_t *sc) {
  const wl_camera_t *cam = wl_scenario_camera(sc);
  if ((long)cam->width * cam->height > MAX_FUZZ_PIXELS) return;
  wl_sim_t *sim;
  wl_err_t err;
  if (wl_sim_new(&sim, sc, 1, &err) != WL_OK) return;
  size_t n_targets = wl_sim_target_count(sim);
  if (n_targets <= MAX_FUZZ_TARGETS) {
    wl_frame_t f;
    wl_frame_init(&f);
    wl_sim_truth_t truth[MAX_FUZZ_TARGETS];
    size_t n;
    for (int i = 0; i < 2; i++)
      if (wl_sim_next(sim, &f, truth, MAX_FUZZ_TARGETS, &n, &err) != WL_OK ||
          n > n_targets)
        abort();
    wl_frame_release(&f);
  }
  wl_sim_free(sim);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_scenario_t *sc;
  wl_err_t err;
  int rc = wl_scenario_parse(&sc, (const char *)data, size, "fuzz.json", &err);
  if (rc != WL_OK) {
    if (sc != NULL || err.msg[0] == '\0') abort();
    return 0;
  }
  (void)wl_scenario_name(sc);
  (void)wl_scenario_description(sc);
  render_two_frames(sc);
  wl_scenario_free(sc);
  return 0;
}
