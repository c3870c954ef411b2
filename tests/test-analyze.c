/*
 * test-analyze.c - the camera pipeline and `watchline analyze`: output
 * formats, the per-camera state bound, and bad input (a stream cut
 * mid-frame, frames that change size, all-zero and saturated frames, an
 * impossible camera.json).
 */
#include <stdlib.h>

#include "task.h"
#include "watchline/pipeline.h"
#include "watchline/sim.h"

static char out[1 << 16];

#define WL(...) test_run(out, sizeof out, __VA_ARGS__)

/* Render n frames of a preset into *frames (caller frees each). */
static int render(const char *preset, int n, wl_frame_t *frames,
                  wl_scenario_t **sc_out, wl_err_t *err) {
  wl_scenario_t *sc;
  wl_sim_t *sim;
  int rc = wl_scenario_load(&sc, preset, err);
  if (rc != WL_OK) return rc;
  if ((rc = wl_sim_new(&sim, sc, 5, err)) != WL_OK) {
    wl_scenario_free(sc);
    return rc;
  }
  for (int i = 0; i < n && rc == WL_OK; i++) {
    wl_frame_init(&frames[i]);
    rc = wl_sim_next(sim, &frames[i], NULL, 0, NULL, err);
  }
  wl_sim_free(sim);
  *sc_out = sc;
  return rc;
}

TEST_IMPL(analyze_pipeline_state_bound) {
  enum { N = 60 };
  static wl_frame_t frames[N];
  wl_err_t err;
  wl_scenario_t *sc;
  ASSERT_OK(render("border-night", N, frames, &sc, &err), &err);
  wl_pipeline_t *pl;
  ASSERT_OK(wl_pipeline_new(&pl, wl_scenario_camera(sc), NULL, NULL, &err), &err);
  size_t bytes_after_first = 0;
  for (int i = 0; i < N; i++) {
    ASSERT_OK(wl_pipeline_process(pl, &frames[i], &err), &err);
    if (i == 0) bytes_after_first = wl_pipeline_state_bytes(pl);
  }
  size_t pixels = (size_t)frames[0].width * frames[0].height;
  size_t bytes = wl_pipeline_state_bytes(pl);
  fprintf(stderr, "pipeline state: %zu bytes = %.2f bytes/pixel\n", bytes,
          (double)bytes / (double)pixels);
  /* At most 8 bytes per pixel plus O(tracks), and no growth per frame. */
  ASSERT_LE(bytes, 8 * pixels + 256 * 1024);
  ASSERT_EQ(bytes, bytes_after_first);
  /* A frame of another size is refused and changes nothing. */
  wl_frame_t small;
  wl_frame_init(&small);
  ASSERT_OK(wl_frame_alloc(&small, 320, 256, &err), &err);
  memset(small.data, 0, 320 * 256 * 2);
  ASSERT_EQ(wl_pipeline_process(pl, &small, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "320x256");
  ASSERT_STR_CONTAINS(err.msg, "640x512");
  ASSERT_OK(wl_pipeline_process(pl, &frames[0], &err), &err);
  wl_frame_release(&small);
  wl_pipeline_free(pl);
  wl_scenario_free(sc);
  for (int i = 0; i < N; i++) wl_frame_release(&frames[i]);
  return 0;
}

/* All-zero and saturated frames are handled: no crash, no detections. */
TEST_IMPL(analyze_blank_frames) {
  wl_err_t err;
  wl_pipeline_t *pl;
  ASSERT_OK(wl_pipeline_new(&pl, NULL, NULL, NULL, &err), &err);
  wl_frame_t f;
  wl_frame_init(&f);
  ASSERT_OK(wl_frame_alloc(&f, 160, 120, &err), &err);
  for (int i = 0; i < 80; i++) {
    uint16_t v = i < 40 ? 0 : 65535;
    for (int k = 0; k < 160 * 120; k++) f.data[k] = v;
    f.seq = (uint64_t)i;
    f.t_ns = (int64_t)i * 33333333;
    ASSERT_OK(wl_pipeline_process(pl, &f, &err), &err);
    size_t n;
    wl_pipeline_tracks(pl, &n);
    ASSERT_EQ(n, 0);
  }
  wl_frame_release(&f);
  wl_pipeline_free(pl);
  return 0;
}

/* analyze writes MOT and JSONL; a border-night run finds people. */
TEST_IMPL(analyze_cli_outputs) {
  const char *bin = test_watchline_bin();
  const char *d = test_tmpdir();
  ASSERT_EQ(WL("'%s' sim --scenario border-night --seed 11 --frames 150 --out '%s/s'",
               bin, d), 0);
  ASSERT_EQ(WL("'%s' analyze '%s/s/frames' --camera '%s/s/camera.json' --out '%s/a'",
               bin, d, d, d), 0);
  ASSERT_EQ(out[0], '\0'); /* quiet when not on a terminal */
  char path[4096];
  snprintf(path, sizeof path, "%s/a/tracks.txt", d);
  FILE *fp = fopen(path, "r");
  ASSERT(fp != NULL);
  long rows = 0;
  int frame, last_frame = 0, a, b, c;
  unsigned long long id;
  double x, y, w, h, conf;
  while (fscanf(fp, "%d,%llu,%lf,%lf,%lf,%lf,%lf,%d,%d,%d\n", &frame, &id, &x,
                &y, &w, &h, &conf, &a, &b, &c) == 10) {
    rows++;
    ASSERT(frame >= last_frame && frame >= 1 && frame <= 150);
    ASSERT(id >= 1 && w > 0 && h > 0 && conf >= 0 && conf <= 1);
    ASSERT(a == -1 && b == -1 && c == -1);
    last_frame = frame;
  }
  ASSERT(feof(fp));
  fclose(fp);
  ASSERT_GT(rows, 100);
  ASSERT_EQ(WL("head -1 '%s/a/tracks.jsonl'", d), 0);
  const char *keys[] = {"\"frame\":", "\"t\":", "\"id\":", "\"bbox\":[",
                        "\"class\":\"", "\"conf\":", "\"vx\":", "\"vy\":"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    ASSERT_STR_CONTAINS(out, keys[i]);
  ASSERT_EQ(WL("wc -l < '%s/a/tracks.jsonl'", d), 0);
  ASSERT_EQ(atol(out), rows);
  return 0;
}

/* Bad input: each a clear error (exit 1, named input), never a crash. */
TEST_IMPL(analyze_bad_input) {
  const char *bin = test_watchline_bin();
  const char *d = test_tmpdir();
  ASSERT_EQ(WL("'%s' sim --scenario border-day --seed 2 --frames 10 --out '%s/s' "
               "--format raw", bin, d), 0);
  /* A raw stream that ends mid-frame. */
  ASSERT_EQ(WL("head -c 3000000 '%s/s/frames.y16' > '%s/cut.y16'", d, d), 0);
  ASSERT_EQ(WL("'%s' analyze '%s/cut.y16' --size 640x512 --out '%s/a1'", bin, d, d), 1);
  ASSERT_STR_CONTAINS(out, "watchline: analyze: ");
  ASSERT_STR_CONTAINS(out, "cut.y16");
  /* Frames that change size mid-stream (a directory of mixed sizes). */
  ASSERT_EQ(WL("mkdir -p '%s/mixed' && '%s' convert '%s/s/frames.y16' '%s/mixed/' "
               "--size 640x512 --frames 3 && printf 'P5 4 4 65535\\n' > "
               "'%s/mixed/000004.pgm' && head -c 32 /dev/zero >> '%s/mixed/000004.pgm'",
               d, bin, d, d, d, d), 0);
  ASSERT_EQ(WL("'%s' analyze '%s/mixed' --out '%s/a2'", bin, d, d), 1);
  ASSERT_STR_CONTAINS(out, "4x4");
  /* A video whose stream is cut short decodes what is there. */
  ASSERT_EQ(WL("'%s' convert '%s/s/frames.y16' '%s/v.mkv' --size 640x512 && "
               "head -c 2000000 '%s/v.mkv' > '%s/vcut.mkv'", bin, d, d, d, d), 0);
  int rc = WL("'%s' analyze '%s/vcut.mkv' --out '%s/a3'", bin, d, d);
  ASSERT(rc == 0 || rc == 1);
  if (rc == 1) ASSERT_STR_CONTAINS(out, "vcut.mkv");
  /* An impossible camera.json. */
  ASSERT_EQ(WL("sed 's/\"hfov_deg\": *[0-9.]*/\"hfov_deg\": 190/' '%s/s/camera.json' > "
               "'%s/bad.json'", d, d), 0);
  ASSERT_EQ(WL("'%s' analyze '%s/s/frames.y16' --size 640x512 --camera '%s/bad.json' "
               "--out '%s/a4'", bin, d, d, d), 1);
  ASSERT_STR_CONTAINS(out, "hfov_deg");
  /* A camera whose size does not match the frames. */
  ASSERT_EQ(WL("'%s' analyze '%s/mixed/000004.pgm' --camera '%s/s/camera.json' "
               "--out '%s/a5'", bin, d, d, d), 1);
  ASSERT_STR_CONTAINS(out, "640x512");
  return 0;
}
