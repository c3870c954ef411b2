/*
 * bench-motion.c - frames per second of the temporal detector alone and
 * with preprocessing, single thread, on simulator frames.
 *
 *   bench-motion [PRESET [FRAMES [REPEATS [SEED]]]]
 *   defaults:    border-night 120 7 1
 *
 * Renders FRAMES frames of the preset once (not timed), then plays them
 * forwards and backwards (a ping-pong, so the scene stays continuous and
 * targets keep moving) REPEATS times through wl_preprocess_frame and
 * wl_motion_process, timing each stage per pass. Two ways: "hot", where
 * each frame is first copied (not timed) into one reused frame, as a
 * decoder or the simulator leaves a frame it has just written (in cache);
 * and "cold", where each frame is read where it was stored (RAM, ~80 MB
 * for 120 frames), the worst case. The first pass only
 * warms the model and the caches and is not counted. Prints, for motion
 * alone, preprocessing alone and both: the median over passes of the
 * wall time per frame and frames per second, the best pass, and frames
 * per second of this thread's CPU time (the per-core figure, fair on a
 * shared machine); plus detections per frame and the state sizes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "watchline/motion.h"
#include "watchline/preprocess.h"
#include "watchline/sim.h"

#include "bench_util.h"

int main(int argc, char **argv) {
  const char *preset = argc > 1 ? argv[1] : "border-night";
  int frames = argc > 2 ? atoi(argv[2]) : 120;
  int repeats = argc > 3 ? atoi(argv[3]) : 7;
  uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
  if (frames < 2 || frames > 2000 || repeats < 1 || repeats > 1000) {
    fprintf(stderr, "bench-motion: FRAMES must be 2..2000 and REPEATS "
                    "1..1000\n");
    return 2;
  }
  wl_err_t err;
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  if (wl_scenario_load(&sc, preset, &err) != WL_OK ||
      wl_sim_new(&sim, sc, seed, &err) != WL_OK) {
    fprintf(stderr, "bench-motion: %s\n", err.msg);
    return 1;
  }
  wl_frame_t *fr = calloc((size_t)frames, sizeof *fr);
  if (!fr) return 1;
  for (int i = 0; i < frames; i++) {
    wl_frame_init(&fr[i]);
    if (wl_sim_next(sim, &fr[i], NULL, 0, NULL, &err) != WL_OK) {
      fprintf(stderr, "bench-motion: %s\n", err.msg);
      return 1;
    }
  }
  int w = fr[0].width, h = fr[0].height;
  wl_preprocess_t *pp = NULL;
  wl_motion_t *mo = NULL;
  if (wl_preprocess_new(&pp, w, h, NULL, NULL, &err) != WL_OK ||
      wl_motion_new(&mo, w, h, NULL, &err) != WL_OK) {
    fprintf(stderr, "bench-motion: %s\n", err.msg);
    return 1;
  }
  enum { MAX_DET = 1024 };
  static wl_detection_t det[MAX_DET];
  /* Per pass: wall time and this thread's CPU time, per stage. On a busy
   * machine the CPU time is the fairer "per core" figure. */
  double *t_pre = calloc((size_t)repeats, sizeof *t_pre);
  double *t_mot = calloc((size_t)repeats, sizeof *t_mot);
  double *t_all = calloc((size_t)repeats, sizeof *t_all);
  double *c_mot = calloc((size_t)repeats, sizeof *c_mot);
  double *c_all = calloc((size_t)repeats, sizeof *c_all);
  if (!t_pre || !t_mot || !t_all || !c_mot || !c_all) return 1;
  wl_frame_t work;
  wl_frame_init(&work);
  for (int hot = 1; hot >= 0; hot--) {
    long n_det = 0, n_frames = 0;
    wl_motion_reset(mo);
    wl_preprocess_reset(pp);
    /* Pass 0 warms up; passes 1..repeats are timed. */
    for (int pass = 0; pass <= repeats; pass++) {
      double sp = 0, sm = 0, cp = 0, cm = 0;
      for (int k = 0; k < frames; k++) {
        /* Odd passes play backwards: the sequence stays continuous. */
        wl_frame_t *f = &fr[pass % 2 ? frames - 1 - k : k];
        if (hot) {
          if (wl_frame_copy(&work, f, &err) != WL_OK) {
            fprintf(stderr, "bench-motion: %s\n", err.msg);
            return 1;
          }
          f = &work;
        }
        wl_preprocess_result_t pr;
        size_t nd = 0;
        double a = clock_s(CLOCK_MONOTONIC);
        double ca = clock_s(CLOCK_THREAD_CPUTIME_ID);
        if (wl_preprocess_frame(pp, f, &pr, &err) != WL_OK) {
          fprintf(stderr, "bench-motion: %s\n", err.msg);
          return 1;
        }
        double b = clock_s(CLOCK_MONOTONIC);
        double cb = clock_s(CLOCK_THREAD_CPUTIME_ID);
        if (wl_motion_process(mo, f, &pr, det, MAX_DET, &nd, &err) != WL_OK) {
          fprintf(stderr, "bench-motion: %s\n", err.msg);
          return 1;
        }
        double c = clock_s(CLOCK_MONOTONIC);
        double cc = clock_s(CLOCK_THREAD_CPUTIME_ID);
        sp += b - a;
        sm += c - b;
        cp += cb - ca;
        cm += cc - cb;
        if (pass > 0) {
          n_det += (long)nd;
          n_frames++;
        }
      }
      if (pass > 0) {
        t_pre[pass - 1] = sp / frames;
        t_mot[pass - 1] = sm / frames;
        t_all[pass - 1] = (sp + sm) / frames;
        c_mot[pass - 1] = cm / frames;
        c_all[pass - 1] = (cp + cm) / frames;
      }
    }
    double best_m = min_of(t_mot, repeats), best_a = min_of(t_all, repeats);
    double mp = median(t_pre, repeats), mm = median(t_mot, repeats),
           ma = median(t_all, repeats);
    double cpu_m = median(c_mot, repeats), cpu_a = median(c_all, repeats);
    if (hot) {
      printf("bench-motion: %s %dx%d, %d frames x %d passes (ping-pong), "
             "seed %llu\n", preset, w, h, frames, repeats,
             (unsigned long long)seed);
      printf("  (wall: median over passes [best pass]; cpu: this thread's "
             "CPU time, median)\n");
    }
    printf(" %s frames:\n", hot ? "hot (just written, in cache)"
                                : "cold (read from RAM)");
    printf("  motion alone      %8.3f ms/frame  %8.0f frames/s  [%6.0f]  "
           "cpu %8.0f frames/s\n", mm * 1e3, 1.0 / mm, 1.0 / best_m,
           1.0 / cpu_m);
    printf("  preprocess alone  %8.3f ms/frame  %8.0f frames/s\n", mp * 1e3,
           1.0 / mp);
    printf("  preprocess+motion %8.3f ms/frame  %8.0f frames/s  [%6.0f]  "
           "cpu %8.0f frames/s\n", ma * 1e3, 1.0 / ma, 1.0 / best_a,
           1.0 / cpu_a);
    printf("  detections/frame  %8.2f\n",
           n_frames ? (double)n_det / (double)n_frames : 0.0);
  }
  printf("  state: motion %zu bytes (%.2f per pixel), preprocess %zu "
         "bytes\n", wl_motion_state_bytes(mo),
         (double)wl_motion_state_bytes(mo) / ((double)w * h),
         wl_preprocess_state_bytes(pp));
  wl_frame_release(&work);
  wl_motion_free(mo);
  wl_preprocess_free(pp);
  for (int i = 0; i < frames; i++) wl_frame_release(&fr[i]);
  free(fr);
  free(t_pre);
  free(t_mot);
  free(t_all);
  free(c_mot);
  free(c_all);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return 0;
}
