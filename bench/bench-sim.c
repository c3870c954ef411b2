/*
 * bench-sim.c - simulator speed: frames per second for each built-in
 * preset at its own resolution (640x512), single thread.
 *
 * For each preset: one simulator (seed 1), 10 warm-up frames, then the
 * median over RUNS runs of FRAMES frames each (ground truth included, as
 * `watchline sim` asks for it). Scene setup (the static terrain, sky and
 * clutter, rendered once per simulator) is timed separately. No peer: the
 * goal is the floor of 300 frames/s for border-night. Frames per
 * second are given by the wall clock and by the process's CPU time: on a
 * shared machine the second is the one that measures the code.
 *
 *   bench-sim [RUNS] [FRAMES]     defaults: 5 runs of 300 frames
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "watchline/sim.h"

#include "bench_util.h"

#define MAX_TRUTH 4096

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 5;
  int frames = argc > 2 ? atoi(argv[2]) : 300;
  if (runs < 1 || runs > 100 || frames < 1 || frames > 100000) {
    fprintf(stderr, "usage: bench-sim [RUNS 1..100] [FRAMES 1..100000]\n");
    return 2;
  }
  static wl_sim_truth_t truth[MAX_TRUTH];
  wl_frame_t frame;
  wl_frame_init(&frame);
  wl_err_t err;
  printf("%-14s %9s %8s %10s %11s %10s\n", "preset", "size", "setup_ms",
         "fps_median", "fps_range", "cpu_fps");
  for (const char *const *p = wl_sim_presets(); *p; p++) {
    wl_scenario_t *sc;
    wl_sim_t *sim;
    if (wl_scenario_load(&sc, *p, &err) != WL_OK) {
      fprintf(stderr, "bench-sim: %s\n", err.msg);
      return 1;
    }
    double t0 = now_s();
    if (wl_sim_new(&sim, sc, 1, &err) != WL_OK) {
      fprintf(stderr, "bench-sim: %s\n", err.msg);
      return 1;
    }
    double setup = now_s() - t0;
    size_t n;
    for (int i = 0; i < 10; i++)
      if (wl_sim_next(sim, &frame, truth, MAX_TRUTH, &n, &err) != WL_OK) {
        fprintf(stderr, "bench-sim: %s\n", err.msg);
        return 1;
      }
    double fps[100], cpu_fps[100];
    for (int r = 0; r < runs; r++) {
      double start = now_s(), cpu_start = cpu_s();
      for (int i = 0; i < frames; i++)
        if (wl_sim_next(sim, &frame, truth, MAX_TRUTH, &n, &err) != WL_OK) {
          fprintf(stderr, "bench-sim: %s\n", err.msg);
          return 1;
        }
      fps[r] = frames / (now_s() - start);
      cpu_fps[r] = frames / (cpu_s() - cpu_start);
    }
    qsort(fps, (size_t)runs, sizeof fps[0], cmp_double);
    qsort(cpu_fps, (size_t)runs, sizeof cpu_fps[0], cmp_double);
    const wl_camera_t *cam = wl_scenario_camera(sc);
    char size[32];
    snprintf(size, sizeof size, "%dx%d", cam->width, cam->height);
    printf("%-14s %9s %8.0f %10.0f %5.0f-%-5.0f %10.0f\n", *p, size,
           setup * 1e3, fps[runs / 2], fps[0], fps[runs - 1],
           cpu_fps[runs / 2]);
    wl_sim_free(sim);
    wl_scenario_free(sc);
  }
  wl_frame_release(&frame);
  return 0;
}
