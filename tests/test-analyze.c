/*
 * test-analyze.c - the camera pipeline and `watchline analyze`: output
 * formats, the per-camera state bound, and bad input (a stream cut
 * mid-frame, frames that change size, all-zero and saturated frames, an
 * impossible camera.json), and the clutter gate, track grouping, camera
 * motion and spatial path (static spots and their ids, continuation) of
 * 8-bit AGC video, and the standing-target path of radiometric video.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "../lib/pipeline/pipeline_int.h"
#include "../lib/track/track_int.h"
#include "watchline/eval.h"
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

/* ---- The clutter gate of 8-bit AGC video (lib/pipeline/clutter_gate.c) */

static wl_track_t gate_track(uint64_t id, double cx, double cy, double w,
                             double h) {
  wl_track_t t;
  memset(&t, 0, sizeof t);
  t.id = id;
  t.state = WL_TRACK_CONFIRMED;
  t.cx = cx;
  t.cy = cy;
  t.x = cx - w / 2;
  t.y = cy - h / 2;
  t.w = w;
  t.h = h;
  /* Matched a clear detection this frame (the strength rule). */
  t.det_index = 0;
  t.snr = 20;
  return t;
}

/* A track where the detector keeps firing is held back until it has
 * moved pass_px from where it was first seen, then output for good; a
 * track in a quiet region is output at once. */
TEST_IMPL(analyze_clutter_gate_clutter) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  /* 3 detections per frame around (40, 40), none elsewhere. */
  wl_detection_t d[3];
  memset(d, 0, sizeof d);
  for (int k = 0; k < 3; k++) {
    d[k].cx = 36 + 4 * k;
    d[k].cy = 40;
  }
  for (int i = 0; i < 200; i++) wl__clutter_gate_learn(&g, d, 3);
  wl_track_t tr[2] = {gate_track(1, 40, 40, 3, 3),
                      gate_track(2, 200, 200, 3, 3)};
  wl__clutter_gate_filter(&g, tr, 2, tr, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  ASSERT_EQ(g.out[0].id, 2);
  /* Track 1 moves right in steps; short of pass_px it stays held back
   * while it is still in the clutter. */
  tr[0] = gate_track(1, 50, 40, 3, 3);
  wl__clutter_gate_filter(&g, tr, 2, tr, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  tr[0] = gate_track(1, 40 + g.pass_px + 1, 40, 3, 3);
  wl__clutter_gate_filter(&g, tr, 2, tr, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  /* Back in the clutter, it stays output. */
  tr[0] = gate_track(1, 40, 40, 3, 3);
  wl__clutter_gate_filter(&g, tr, 2, tr, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  ASSERT_EQ(g.out[0].id, 1);
  /* A new track there (a new id) is held back again: per-id memory. */
  wl_track_t tr3[3] = {tr[0], tr[1], gate_track(3, 56, 40, 3, 3)};
  wl__clutter_gate_filter(&g, tr3, 3, tr3, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  ASSERT_EQ(g.out[1].id, 2);
  /* The clutter fades once the detector is quiet there. */
  for (int i = 0; i < 200; i++) wl__clutter_gate_learn(&g, d, 0);
  wl__clutter_gate_filter(&g, tr3, 3, tr3, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 3);
  wl__clutter_gate_free(&g);
  wl__clutter_gate_free(&g); /* twice: safe */
  return 0;
}

/* Tracks whose boxes meet (grown by group_px) are one object: only the
 * one with the largest box is output. Apart, both are. */
TEST_IMPL(analyze_clutter_gate_groups) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  /* A helicopter body (30 x 12) with a rotor track just above it and an
   * exhaust track touching its tail, and a bird far away. */
  wl_track_t tr[4] = {gate_track(1, 100, 95, 20, 3),     /* rotor */
                      gate_track(2, 100, 102, 30, 12),   /* body */
                      gate_track(3, 117, 104, 4, 4),     /* exhaust */
                      gate_track(4, 200, 50, 3, 3)};     /* bird */
  wl__clutter_gate_filter(&g, tr, 4, tr, 4, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  ASSERT_EQ(g.out[0].id, 2);
  ASSERT_EQ(g.out[1].id, 4);
  /* Two birds 10 px apart are two objects. */
  wl_track_t two[2] = {gate_track(5, 50, 50, 3, 3),
                       gate_track(6, 63, 50, 3, 3)};
  wl__clutter_gate_filter(&g, two, 2, two, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  /* Only confirmed tracks are output; tentative ones only give first
   * positions. */
  wl__clutter_gate_filter(&g, two, 2, two, 1, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  ASSERT_EQ(g.out[0].id, 5);
  wl__clutter_gate_free(&g);
  return 0;
}

/* Lines (a cloud edge, the horizon, a pole) and huge blobs are not
 * objects: not output, whatever the clutter; a compact box is. */
TEST_IMPL(analyze_clutter_gate_shape) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  wl_track_t tr[4] = {gate_track(1, 100, 60, 40, 3),    /* horizontal line */
                      gate_track(2, 200, 120, 4, 30),   /* pole */
                      gate_track(3, 150, 200, 120, 45), /* huge blob */
                      gate_track(4, 40, 40, 24, 14)};   /* close airplane */
  wl__clutter_gate_filter(&g, tr, 4, tr, 4, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  ASSERT_EQ(g.out[0].id, 4);
  /* Short thin boxes are not lines: a distant airplane 12 x 3. */
  wl_track_t small = gate_track(5, 250, 40, 12, 3);
  wl__clutter_gate_filter(&g, &small, 1, &small, 1, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  wl__clutter_gate_free(&g);
  return 0;
}

/* The 40 px pass must come within pass_frames (a wave wanders off
 * slowly), at the image border the clutter counts as fully as inside
 * (and a centroid just outside the image is in the border cell), and the
 * displacement is measured over the scene: a track that moves with a
 * panning camera does not pass, and is held back while the camera pans. */
TEST_IMPL(analyze_clutter_gate_pass) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  /* Clutter along y = 40 (x 20..300) and along the bottom row of cells
   * (y = 250), 1 detection per 8 px per frame: ~6 per 3x3 cells. */
  wl_detection_t d[72];
  memset(d, 0, sizeof d);
  for (int k = 0; k < 36; k++) {
    d[k].cx = 20 + 8 * k;
    d[k].cy = 40;
    d[36 + k].cx = 20 + 8 * k;
    d[36 + k].cy = 250;
  }
  for (int i = 0; i < 300; i++) wl__clutter_gate_learn(&g, d, 72);
  /* A slow wanderer: 45 px in 180 frames. */
  wl_track_t t = gate_track(1, 50, 40, 3, 3);
  for (int age = 1; age <= 180; age++) {
    t = gate_track(1, 50 + age * 0.25, 40, 3, 3);
    t.age = age;
    wl__clutter_gate_filter(&g, &t, 1, &t, 1, NULL, 0);
    ASSERT_EQ(g.n_out, 0);
  }
  /* A target crossing the same clutter: 45 px in 15 frames passes (a
   * clear one: in ~5 detections per frame of excess clutter the
   * strength bar is 10 + 5 x 5 = 35; at SNR 20 it stays held back). */
  for (int age = 1; age <= 15; age++) {
    t = gate_track(2, 50 + age * 3.0, 40, 3, 3);
    t.age = age;
    t.snr = 40;
    wl__clutter_gate_filter(&g, &t, 1, &t, 1, NULL, 0);
  }
  ASSERT_EQ(g.n_out, 1);
  for (int age = 1; age <= 15; age++) {
    t = gate_track(7, 50 + age * 3.0, 40, 3, 3);
    t.age = age;
    wl__clutter_gate_filter(&g, &t, 1, &t, 1, NULL, 0);
  }
  ASSERT_EQ(g.n_out, 0);
  /* The bottom edge is as busy as y = 40, also a centroid at y = 257
   * (the edge rule off: the clutter alone holds them back). */
  g.edge_px = 0;
  wl_track_t b[2] = {gate_track(3, 100, 250, 3, 3),
                     gate_track(4, 160, 257, 3, 2)};
  wl__clutter_gate_filter(&g, b, 2, b, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 0);
  /* The camera pans right at 60 px/s (2 px per frame): a track that
   * moves with the ground, 60 px in the image in 30 frames, moves 0 px
   * over the scene and stays held back; a target the camera follows
   * (still in the image, out of the clutter) is output. */
  for (int f = 1; f <= 30; f++) {
    wl__clutter_gate_set_offset(&g, 2.0 * f, 0, 60, 0);
    wl_track_t p[2] = {gate_track(5, 30 + 2.0 * f, 40, 3, 3),
                       gate_track(6, 160, 120, 10, 6)};
    p[0].age = p[1].age = f;
    p[0].vx = 60;
    wl__clutter_gate_filter(&g, p, 2, p, 2, NULL, 0);
    ASSERT_EQ(g.n_out, 1);
    ASSERT_EQ(g.out[0].id, 6);
  }
  wl__clutter_gate_free(&g);
  return 0;
}

/* A slow, steady target (IR_HELICOPTER_033: 70 px in 300 frames) passes
 * once it is pass_px from where it was first seen within slow_frames,
 * moving along that displacement, where the clutter rate is moderate; a
 * track whose velocity points elsewhere, or one as slow in heavy clutter
 * (a wave drifting over the sea), stays held back. */
TEST_IMPL(analyze_clutter_gate_slow) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  /* Moderate clutter along y = 120 (1 detection per 16 px: 3 per 3x3
   * cells), heavy along y = 40 (1 per 4 px: 12 per 3x3 cells). */
  wl_detection_t d[96];
  memset(d, 0, sizeof d);
  for (int k = 0; k < 18; k++) {
    d[k].cx = 20 + 16 * k;
    d[k].cy = 120;
  }
  for (int k = 0; k < 72; k++) {
    d[18 + k].cx = 20 + 4 * k;
    d[18 + k].cy = 40;
  }
  for (int i = 0; i < 300; i++) wl__clutter_gate_learn(&g, d, 90);
  /* 0.3 px per frame (9 px/s) for 200 frames: three tracks at once. */
  int first_out = 0;
  for (int age = 1; age <= 200; age++) {
    wl_track_t t[3] = {gate_track(1, 40 + age * 0.3, 120, 4, 4),
                       gate_track(2, 40 + age * 0.3, 121, 4, 4),
                       gate_track(3, 40 + age * 0.3, 40, 4, 4)};
    for (int k = 0; k < 3; k++) t[k].age = age;
    t[0].vx = 9;  /* steady, along its displacement */
    t[1].vy = 9;  /* wandering: velocity across its displacement */
    t[2].vx = 9;  /* steady, but in heavy clutter */
    wl__clutter_gate_filter(&g, t, 3, t, 3, NULL, 0);
    for (size_t k = 0; k < g.n_out; k++) ASSERT(g.out[k].id == 1);
    if (g.n_out && !first_out) first_out = age;
    if (first_out) ASSERT_EQ(g.n_out, 1);
  }
  /* 40 px at 0.3 px per frame: frame 134 (not before). */
  ASSERT(first_out >= 130 && first_out <= 140);
  wl__clutter_gate_free(&g);
  return 0;
}

/* Strength: a track is output only once it has matched a detection of
 * SNR min_peak_snr or more (remembered per id, through later weak or
 * missed frames); a centroid within edge_px of the border is not
 * output. */
TEST_IMPL(analyze_clutter_gate_strength) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  ASSERT(g.min_peak_snr > 0);
  /* Two tracks in a quiet sky, both matched weak detections. */
  wl_track_t t[2] = {gate_track(1, 100, 100, 4, 4),
                     gate_track(2, 200, 100, 4, 4)};
  for (int f = 1; f <= 20; f++) {
    t[0].snr = t[1].snr = g.min_peak_snr - 1;
    if (f == 10) t[1].snr = g.min_peak_snr + 2;  /* one clear hit */
    t[0].age = t[1].age = f;
    wl__clutter_gate_filter(&g, t, 2, t, 2, NULL, 0);
    ASSERT_EQ(g.n_out, f >= 10 ? 1 : 0);
    if (g.n_out) ASSERT_EQ(g.out[0].id, 2);
  }
  /* A strong snr on a frame without a match (coasting: the snr is an
   * old one's) does not count. */
  t[0].det_index = -1;
  t[0].snr = 50;
  wl__clutter_gate_filter(&g, t, 2, t, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  /* Track 2 stays output while missed or weak. */
  t[1].det_index = -1;
  t[1].snr = 3;
  wl__clutter_gate_filter(&g, t, 2, t, 2, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  ASSERT_EQ(g.out[0].id, 2);
  /* The border: strong tracks at x 3, y 253 (cut by the border) are
   * not output; at x 10 it is. */
  wl_track_t e[3] = {gate_track(3, 3, 100, 4, 4),
                     gate_track(4, 150, 253, 4, 4),
                     gate_track(5, 10, 180, 4, 4)};
  wl__clutter_gate_filter(&g, e, 3, e, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 1);
  ASSERT_EQ(g.out[0].id, 5);
  wl__clutter_gate_free(&g);
  return 0;
}

/* One value of a smooth random texture (value noise, 5 px cells) at
 * canvas position (x, y), 60..190 DN. */
static uint16_t texture_at(int x, int y) {
  int cx = x / 5, cy = y / 5;
  double fx = (x % 5) / 5.0, fy = (y % 5) / 5.0, v[4];
  for (int k = 0; k < 4; k++) {
    uint32_t h = (uint32_t)(cx + (k & 1)) * 73856093u ^
                 (uint32_t)(cy + (k >> 1)) * 19349663u;
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    v[k] = 60 + (h % 131);
  }
  double top = v[0] + (v[1] - v[0]) * fx, bot = v[2] + (v[3] - v[2]) * fx;
  return (uint16_t)(top + (bot - top) * fy + 0.5);
}


/* Frame f of a 30 fps radiometric 16-bit sequence (centikelvin): its
 * time, sequence number and scale. */
static void radiometric_frame_at(wl_frame_t *fr, int f) {
  fr->t_ns = (int64_t)f * 33333333;
  fr->seq = (uint64_t)f;
  fr->bit_depth = 16;
  fr->radiometry = wl_radiometry_centikelvin();
}

/* A pipeline with params p (NULL: the defaults) and a 320 x 256 frame for
 * the scenes; *fr is initialised first, so it can be released whatever
 * the outcome. */
static int scene_open(const wl_pipeline_params_t *p, wl_pipeline_t **pl,
                      wl_frame_t *fr, wl_err_t *err) {
  wl_frame_init(fr);
  int rc = wl_pipeline_new(pl, NULL, NULL, p, err);
  return rc != WL_OK ? rc : wl_frame_alloc(fr, 320, 256, err);
}

/* Frame f of a 320 x 256 view of the texture, the view at (vx * f,
 * vy * f) on the canvas (the scene moves by -vx, -vy px per frame in the
 * image; flat: a uniform sky instead), with a static overlay box in the
 * top left corner and a bright 6 x 6 target at (tx, ty). */
static void pan_frame(uint16_t *px, int f, int vx, int vy, int tx, int ty,
                      int flat) {
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 320; x++) {
      uint16_t v = flat ? 100 : texture_at(x + 200 + vx * f, y + 200 + vy * f);
      if (x >= 10 && x < 90 && y >= 8 && y < 24) v = (x / 4) % 2 ? 255 : 0;
      if (x >= tx && x < tx + 6 && y >= ty && y < ty + 6) v = 250;
      px[y * 320 + x] = v;
    }
}

/* Strength against clutter: the bar is min_peak_snr plus snr_per_clutter
 * per detection per frame of excess clutter (the 3x3 rate less the
 * track's own share) where the track is, evaluated every frame. */
TEST_IMPL(analyze_clutter_gate_strength_clutter) {
  wl_err_t err;
  wl__clutter_gate_t g;
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  ASSERT(g.min_peak_snr > 0 && g.snr_per_clutter > 0);
  /* 2 detections per frame around (40, 40) and around (200, 40). */
  wl_detection_t d[4];
  memset(d, 0, sizeof d);
  d[0].cx = 38, d[1].cx = 42, d[2].cx = 198, d[3].cx = 202;
  for (int k = 0; k < 4; k++) d[k].cy = 40;
  for (int i = 0; i < 300; i++) wl__clutter_gate_learn(&g, d, 4);
  /* Excess 2 - 1 (own share, at least 1) = 1: at most max_clutter, so
   * the clutter rule lets all three through; the bar is 10 + 5 there. */
  ASSERT(g.max_clutter >= 1.0f);
  double bar = g.min_peak_snr + g.snr_per_clutter * 1.0;
  wl_track_t t[3] = {gate_track(1, 40, 40, 3, 3),
                     gate_track(2, 200, 40, 3, 3),
                     gate_track(3, 120, 200, 3, 3)};
  t[0].snr = bar - 2;   /* clear on a quiet sky, not in this clutter */
  t[1].snr = bar + 1;   /* clear enough */
  t[2].snr = bar - 2;   /* quiet sky: the bar is min_peak_snr */
  wl__clutter_gate_filter(&g, t, 3, t, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 2);
  ASSERT_EQ(g.out[0].id, 2);
  ASSERT_EQ(g.out[1].id, 3);
  /* With 2 of the detections its own (in its box grown by group_px),
   * the excess is 0 and track 1 is output too. */
  wl__clutter_gate_filter(&g, t, 3, t, 3, d, 2);
  ASSERT_EQ(g.n_out, 3);
  /* The clutter fades: the bar falls back to min_peak_snr. */
  for (int i = 0; i < 300; i++) wl__clutter_gate_learn(&g, d, 0);
  t[0].det_index = t[1].det_index = t[2].det_index = -1;
  wl__clutter_gate_filter(&g, t, 3, t, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 3);
  /* Off (snr_per_clutter 0): a fixed bar, whatever the clutter. */
  wl__clutter_gate_free(&g);
  ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
  g.snr_per_clutter = 0;
  for (int i = 0; i < 300; i++) wl__clutter_gate_learn(&g, d, 4);
  t[0].det_index = t[1].det_index = t[2].det_index = 0;
  wl__clutter_gate_filter(&g, t, 3, t, 3, NULL, 0);
  ASSERT_EQ(g.n_out, 3);
  wl__clutter_gate_free(&g);
  return 0;
}

/* The global motion of 8-bit video (lib/pipeline/global_motion.c): a
 * pan is measured to within 5 % (+ 1 px) over 40 frames in spite of a
 * static overlay; a static scene, and a small target crossing a static
 * scene or a uniform sky, give no camera motion. */
TEST_IMPL(analyze_global_motion) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  /* vx, vy, target speed x, y (0: no target), flat sky */
  static const int cases[4][5] = {
      {3, -1, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 2, 1, 0}, {0, 0, 2, 1, 1}};
  for (int c = 0; c < 4; c++) {
    wl__global_motion_t gm;
    ASSERT_OK(wl__global_motion_init(&gm, 320, 256, &err), &err);
    double ox10 = 0, oy10 = 0;
    for (int f = 0; f <= 50; f++) {
      int tx = 40 + cases[c][2] * f * 4, ty = 60 + cases[c][3] * f * 2;
      pan_frame(px, f, cases[c][0], cases[c][1], cases[c][2] ? tx : -100,
                ty, cases[c][4]);
      wl__global_motion_update(&gm, px, (int64_t)f * 33333333);
      if (f == 10) {
        ox10 = gm.ox;
        oy10 = gm.oy;
      }
    }
    /* The scene moves by (-vx, -vy) px per frame in the image. */
    double ex = -40.0 * cases[c][0], ey = -40.0 * cases[c][1];
    fprintf(stderr, "case %d: shift over frames 10..50 %.2f %.2f (want %.0f "
            "%.0f), velocity %.1f %.1f px/s\n", c, gm.ox - ox10,
            gm.oy - oy10, ex, ey, gm.vx, gm.vy);
    ASSERT_NEAR(gm.ox - ox10, ex, 1.0 + 0.05 * fabs(ex));
    ASSERT_NEAR(gm.oy - oy10, ey, 1.0 + 0.05 * fabs(ey));
    ASSERT_NEAR(gm.vx, -30.0 * cases[c][0], 10);
    wl__global_motion_free(&gm);
  }
  free(px);
  return 0;
}

/* ---- Spatial path of 8-bit video (lib/pipeline/spatial_8bit.c) -------- */

/* A 320x256 8-bit scene: flat sky (60) with +-2 DN deterministic noise,
 * then per kind: 1 one compact warm spot (centre 220, its 8 neighbours
 * 180) at (151, 121); 2 that spot and another at (200, 90); 3 a bright
 * horizontal band (rows 120-122) instead; 4 the spot on ground texture
 * (4 px blocks of 40 / 140). */
static void spot_scene(uint16_t *px, int f, int kind) {
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 320; x++) {
      int v = 60 + (int)((unsigned)(x * 7 + y * 13 + f * 3) % 5) - 2;
      if (kind == 4 && y > 100) v = ((x / 4 + y / 4) & 1) ? 140 : 40;
      if (kind == 3 && y >= 120 && y <= 122) v = 200;
      px[y * 320 + x] = (uint16_t)v;
    }
  if (kind == 0 || kind == 3) return;
  for (int s = 0; s < (kind == 2 ? 2 : 1); s++) {
    int cx = s ? 200 : 151, cy = s ? 90 : 121;
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++)
        px[(cy + dy) * 320 + cx + dx] = dx || dy ? 180 : 220;
  }
}

/* Static spots: a compact warm spot on flat sky is output once it has
 * been seen in site_hits frames, at its place; two such spots (a lit or
 * busy scene), a bright line and a spot on ground texture are not. The
 * output site's id is the tracker's next one, taken when it is first
 * output and kept (before: 2^62 + n, not a MOT id), and the site is put
 * among the gate's tracks by id. */
TEST_IMPL(analyze_spatial8_spots) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  for (int kind = 1; kind <= 4; kind++) {
    wl__clutter_gate_t g;
    wl__spatial8_t sp;
    wl_tracker_t *tr;
    ASSERT_OK(wl__clutter_gate_init(&g, 320, 256, 8, &err), &err);
    ASSERT_OK(wl__spatial8_init(&sp, 320, 8, &err), &err);
    ASSERT_OK(wl_tracker_new(&tr, NULL, &err), &err);
    /* Tracker ids 1 and 2 are taken before the site is output. */
    ASSERT_EQ(wl__tracker_take_id(tr), 1);
    for (int f = 0; f < 30; f++) {
      spot_scene(px, f, kind);
      if (f == 3) ASSERT_EQ(wl__tracker_take_id(tr), 2);
      wl__spatial8_spots(&sp, px, 320, 256, 2.5, (int64_t)f * 33333333, &g,
                         tr);
      if (f == sp.site_hits - 2) ASSERT_EQ(sp.n_out, 0);
      if (kind == 1 && sp.n_out == 1) ASSERT_EQ(sp.out[0].id, 3);
    }
    fprintf(stderr, "kind %d: %zu output\n", kind, sp.n_out);
    if (kind == 1) {
      ASSERT_EQ(sp.n_out, 1);
      ASSERT_NEAR(sp.out[0].cx, 151.5, 0.6);
      ASSERT_NEAR(sp.out[0].cy, 121.5, 0.6);
      ASSERT_EQ(sp.out[0].state, WL_TRACK_CONFIRMED);
      ASSERT_EQ(wl__tracker_take_id(tr), 4);
      /* Gate tracks elsewhere, ids 2 and 7: the site goes between. */
      const wl_track_t site = sp.out[0];
      g.out[0] = g.out[1] = site;
      g.out[0].id = 2;
      g.out[1].id = 7;
      g.out[0].x = g.out[1].x = site.x + 60;
      g.out[0].y = site.y - 40;
      g.out[1].y = site.y + 40;
      g.n_out = 2;
      wl__spatial8_output(&sp, &g, tr, 0);
      ASSERT_EQ(sp.n_out, 3);
      ASSERT_EQ(sp.out[0].id, 2);
      ASSERT_EQ(sp.out[1].id, 3);
      ASSERT_EQ(sp.out[2].id, 7);
      /* A gate track over it takes its place. */
      g.out[0] = site;
      g.out[0].id = 7;
      g.n_out = 1;
      wl__spatial8_output(&sp, &g, tr, 0);
      ASSERT_EQ(sp.n_out, 1);
      ASSERT_EQ(sp.out[0].id, 7);
    } else {
      ASSERT_EQ(sp.n_out, 0);
      ASSERT_EQ(wl__tracker_take_id(tr), 3);
    }
    wl_tracker_free(tr);
    wl__spatial8_free(&sp);
    wl__clutter_gate_free(&g);
  }
  free(px);
  return 0;
}

/* Spatial continuation: an output track whose target the motion detector
 * no longer sees gets a detection on the spot at its prediction; none on
 * flat sky, none when a motion detection is near, none for a track never
 * output. */
TEST_IMPL(analyze_spatial8_continue) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  wl__spatial8_t sp;
  ASSERT_OK(wl__spatial8_init(&sp, 320, 8, &err), &err);
  wl_track_t t;
  memset(&t, 0, sizeof t);
  t.id = 5;
  t.state = WL_TRACK_CONFIRMED;
  t.cx = 149.5;
  t.cy = 121.5;
  t.vx = 30; /* 1 px per frame at 30 frames/s */
  t.w = t.h = 5;
  t.x = t.cx - 2.5;
  t.y = t.cy - 2.5;
  wl_detection_t dets[4];
  spot_scene(px, 0, 1);
  /* Never output: nothing. */
  ASSERT_EQ(wl__spatial8_continue(&sp, px, 320, 256, 2.5, 1.0 / 30, &t, 1,
                                  dets, 0, 4), 0);
  wl__spatial8_note_output(&sp, &t, 1, &t, 1);
  size_t n = wl__spatial8_continue(&sp, px, 320, 256, 2.5, 1.0 / 30, &t, 1,
                                   dets, 0, 4);
  ASSERT_EQ(n, 1);
  ASSERT_NEAR(dets[0].cx, 151.5, 0.5);
  ASSERT_NEAR(dets[0].cy, 121.5, 0.5);
  ASSERT_EQ(dets[0].polarity, 1);
  ASSERT_DBL_GE(dets[0].snr, 4.0);
  /* Flat sky: nothing. */
  spot_scene(px, 0, 0);
  ASSERT_EQ(wl__spatial8_continue(&sp, px, 320, 256, 2.5, 1.0 / 30, &t, 1,
                                  dets, 0, 4), 0);
  /* A motion detection at the prediction: nothing added. */
  spot_scene(px, 0, 1);
  memset(&dets[0], 0, sizeof dets[0]);
  dets[0].cx = 151;
  dets[0].cy = 122;
  ASSERT_EQ(wl__spatial8_continue(&sp, px, 320, 256, 2.5, 1.0 / 30, &t, 1,
                                  dets, 1, 4), 1);
  wl__spatial8_free(&sp);
  free(px);
  return 0;
}

/* The whole pipeline on 8-bit AGC frames: a warm spot that never moves
 * (a head-on airplane) is output; on 16-bit radiometric frames the
 * spatial path is off. */
TEST_IMPL(analyze_spatial8_pipeline) {
  wl_err_t err;
  for (int bits = 8; bits <= 16; bits += 8) {
    wl_pipeline_t *pl;
    wl_frame_t fr;
    ASSERT_OK(scene_open(NULL, &pl, &fr, &err), &err);
    size_t n = 0;
    const wl_track_t *tr = NULL;
    for (int f = 0; f < 60; f++) {
      spot_scene(fr.data, f, 1);
      /* Some structure below the horizon so the frame is not blank. */
      for (int y = 200; y < 256; y++)
        for (int x = 0; x < 320; x++)
          fr.data[y * 320 + x] = (uint16_t)(90 + (x / 8 % 2) * 20);
      fr.t_ns = (int64_t)f * 33333333;
      fr.seq = (uint64_t)f;
      fr.bit_depth = bits;
      fr.radiometry = bits == 8 ? wl_radiometry_none()
                                : wl_radiometry_centikelvin();
      if (bits == 16)
        for (int i = 0; i < 320 * 256; i++) fr.data[i] += 29000;
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      tr = wl_pipeline_tracks(pl, &n);
    }
    fprintf(stderr, "%d-bit: %zu output tracks\n", bits, n);
    if (bits == 8) {
      ASSERT_EQ(n, 1);
      ASSERT_NEAR(tr[0].cx, 151.5, 1.0);
      ASSERT_NEAR(tr[0].cy, 121.5, 1.0);
    } else {
      ASSERT_EQ(n, 0);
    }
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
  }
  return 0;
}

/* Frame f of an 8-bit clip: spot_scene's steady spot (kind 1; output as
 * a spot site from frame 10), ground structure below row 200, and two
 * warm 4 x 4 px movers at 2 px per frame: one from the first frame (its
 * track is born before the site is output), one from frame 40 (after). */
static void spot_clip_frame(uint8_t *px8, uint16_t *px, int f) {
  spot_scene(px, f, 1);
  for (int y = 200; y < 256; y++)
    for (int x = 0; x < 320; x++)
      px[y * 320 + x] = (uint16_t)(90 + (x / 8 % 2) * 20);
  for (int m = 0; m < 2; m++) {
    int f0 = m ? 40 : 0, y0 = m ? 160 : 58, x0 = 60 + 2 * (f - f0);
    for (int y = y0; y < y0 + 4 && f >= f0; y++)
      for (int x = x0; x < x0 + 4 && x < 320; x++) px[y * 320 + x] = 200;
  }
  for (int i = 0; i < 320 * 256; i++) px8[i] = (uint8_t)px[i];
}

/* `watchline analyze` on an 8-bit clip whose output has a spot site
 * (spatial_8bit.c) among tracker tracks born before and after it: every
 * id is a MOT id (1..WL_MOT_MAX_ID; before, the site's was 2^62 + n,
 * which `watchline eval mot` refused and a JSON reader in JavaScript
 * rounds), ids increase within each frame, and `watchline eval mot`
 * accepts tracks.txt. */
TEST_IMPL(analyze_cli_spot_ids) {
  enum { N = 100 };
  const char *bin = test_watchline_bin();
  const char *d = test_tmpdir();
  const char *clip = test_path(d, "clip");
  ASSERT_EQ(WL("mkdir -p '%s'", clip), 0);
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  uint8_t *px8 = malloc(320 * 256);
  ASSERT(px != NULL && px8 != NULL);
  char path[4096];
  for (int f = 0; f < N; f++) {
    spot_clip_frame(px8, px, f);
    snprintf(path, sizeof path, "%s/%06d.pgm", clip, f + 1);
    FILE *fp = fopen(path, "wb");
    ASSERT(fp != NULL);
    fprintf(fp, "P5\n320 256\n255\n");
    ASSERT_EQ(fwrite(px8, 1, 320 * 256, fp), 320 * 256);
    ASSERT_EQ(fclose(fp), 0);
  }
  free(px);
  free(px8);
  ASSERT_EQ(WL("'%s' analyze '%s' --out '%s/a'", bin, clip, d), 0);
  snprintf(path, sizeof path, "%s/a/tracks.txt", d);
  FILE *fp = fopen(path, "r");
  ASSERT(fp != NULL);
  long rows = 0, site_rows = 0;
  int frame, last_frame = 0, a, b, c;
  unsigned long long id, last_id = 0, site_id = 0, max_id = 0;
  double x, y, w, h, conf;
  while (fscanf(fp, "%d,%llu,%lf,%lf,%lf,%lf,%lf,%d,%d,%d\n", &frame, &id, &x,
                &y, &w, &h, &conf, &a, &b, &c) == 10) {
    rows++;
    ASSERT(id >= 1 && id <= (unsigned long long)WL_MOT_MAX_ID);
    ASSERT(frame > last_frame || id > last_id); /* unique, increasing */
    if (w == 6 && fabs(x - 149.5) < 1 && fabs(y - 119.5) < 1) {
      site_rows++;
      if (!site_id) site_id = id;
      ASSERT_EQ(id, site_id);
    }
    if (id > max_id) max_id = id;
    last_frame = frame;
    last_id = id;
  }
  ASSERT(feof(fp));
  fclose(fp);
  fprintf(stderr, "%ld rows, %ld of the site (id %llu), largest id %llu\n",
          rows, site_rows, site_id, max_id);
  ASSERT_GT(site_rows, 80);
  ASSERT(site_id > 1 && site_id < max_id); /* between the movers' ids */
  /* The site as truth, so that eval mot has a GT file to read. */
  snprintf(path, sizeof path, "%s/gt.txt", d);
  fp = fopen(path, "w");
  ASSERT(fp != NULL);
  for (int f = 1; f <= N; f++)
    fprintf(fp, "%d,1,149.5,119.5,6,6,1,1,1\n", f);
  ASSERT_EQ(fclose(fp), 0);
  ASSERT_EQ(WL("'%s' eval mot '%s/gt.txt' '%s/a/tracks.txt'", bin, d, d), 0);
  ASSERT_STR_CONTAINS(out, "HOTA ");
  return 0;
}

/* The 320 x 256 ground of the standing-target scenes in frame f: 28300
 * DN with a +-4 DN pattern that moves from frame to frame. */
static void scene_ground(uint16_t *px, int f) {
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 320; x++)
      px[y * 320 + x] =
          (uint16_t)(28300 + (int)((unsigned)(x * 7 + y * 13 + f * 5) % 9) -
                     4);
}

/* dv DN added over [x0, x1) x [y0, y1) of a scene (clipped to it). */
static void scene_add(uint16_t *px, int x0, int x1, int y0, int y1, int dv) {
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (x1 > 320) x1 = 320;
  if (y1 > 256) y1 = 256;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      px[y * 320 + x] = (uint16_t)(px[y * 320 + x] + dv);
}

/* A radiometric (centikelvin) scene at 283 K with a little noise: a
 * standing person (4 x 16 px, +10 K) centred at (100, 120), a parked car
 * (30 x 10 px, +7 K) centred at (220, 150) with a hot engine (6 x 4 px,
 * +37 K) in its front half (the whole car within max_blob_px 24 of it),
 * warm clutter (3 x 3 px, +2 K) at (60, 60) and a warm line (+10 K)
 * across row 200. */
static void still_scene(uint16_t *px, int f) {
  scene_ground(px, f);
  scene_add(px, 98, 102, 112, 128, 1000);
  scene_add(px, 205, 235, 145, 155, 700);
  scene_add(px, 212, 218, 147, 151, 3000);
  scene_add(px, 59, 62, 59, 62, 200);
  scene_add(px, 0, 320, 200, 201, 1000);
}

/* 20 frames of still_scene through st's standing-target search: its two
 * sites (the person and the car) are learnt. */
static void still_learn(wl__still_t *st, uint16_t *px) {
  for (int f = 0; f < 20; f++) {
    still_scene(px, f);
    wl__still_search(st, px, 320, 256, 3.0, 0.01);
  }
}

/* A tracker with default parameters for still_scene's 320 x 256 image. */
static int still_tracker(wl_tracker_t **tr, wl_err_t *err) {
  wl_track_params_t tp;
  wl_track_default_params(&tp);
  tp.width = 320;
  tp.height = 256;
  return wl_tracker_new(tr, &tp, err);
}

/* The standing-target search finds the person and the whole car (not its
 * engine alone) at the same places in every search, not the 2 K clutter
 * nor the line; a vouched track is continued on its blob (box, contrast
 * in kelvin), and not where there is none. */
TEST_IMPL(analyze_still_blob) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  wl__still_t st;
  ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
  still_learn(&st, px);
  ASSERT_EQ(st.n_sites, 2);
  int person = fabs(st.sites[0].x - 100) < 2 ? 0 : 1;
  const wl__still_site_t *sp = &st.sites[person], *sc = &st.sites[1 - person];
  ASSERT_EQ(sp->hits, 20);
  ASSERT_EQ(sc->hits, 20);
  ASSERT_NEAR(sp->x, 100.0, 0.5);
  ASSERT_NEAR(sp->y, 120.0, 0.5);
  ASSERT_NEAR(sp->w, 4.0, 0.01);
  ASSERT_NEAR(sp->h, 16.0, 0.01);
  ASSERT_NEAR(sc->w, 30.0, 0.01); /* the car, not the engine */
  ASSERT_NEAR(sc->h, 10.0, 0.01);
  /* Continuation: track 7 vouched for, on the person; track 8 not, on the
   * clutter; then track 7 predicted onto empty ground. */
  wl_track_t t[2];
  memset(t, 0, sizeof t);
  t[0].id = 7;
  t[0].state = WL_TRACK_CONFIRMED;
  t[0].cx = 100.5;
  t[0].cy = 119.5;
  t[0].w = 4;
  t[0].h = 16;
  t[0].contrast = 10;
  t[1] = t[0];
  t[1].id = 8;
  t[1].cx = 60.5;
  t[1].cy = 60.5;
  st.ids[0] = 7;
  st.n_ids = 1;
  wl_detection_t d[4];
  size_t n = wl__still_continue(&st, px, 320, 256, 3.0, 0.01, 0.033, t, 2, d,
                                0, 4);
  ASSERT_EQ(n, 1);
  ASSERT_NEAR(d[0].x, 98.0, 0.01);
  ASSERT_NEAR(d[0].y, 112.0, 0.01);
  ASSERT_NEAR(d[0].w, 4.0, 0.01);
  ASSERT_NEAR(d[0].h, 16.0, 0.01);
  ASSERT_NEAR(d[0].cx, 100.0, 0.1);
  ASSERT_NEAR(d[0].cy, 120.0, 0.1);
  ASSERT_NEAR(d[0].peak_contrast, 10.0, 0.2);
  ASSERT_EQ(d[0].polarity, 1);
  ASSERT(d[0].snr >= st.still_min_snr);
  ASSERT_EQ(st.n_ids, 1);
  t[0].cx = 150.5;
  t[0].cy = 80.5;
  n = wl__still_continue(&st, px, 320, 256, 3.0, 0.01, 0.033, t, 2, d, 0, 4);
  ASSERT_EQ(n, 0);
  wl__still_free(&st);
  free(px);
  return 0;
}

/* qsort: floats ascending. */
static int cmp_float_asc(const void *a, const void *b) {
  float u = *(const float *)a, v = *(const float *)b;
  return u < v ? -1 : u > v;
}

/* The standing-target search's block statistics (block_pass,
 * block_medians, the limits) against the plain definition: per block of
 * 16 x 16 (clipped), the mean and the maximum; the background, the median
 * (the upper one of an even count, by sorting) of the means of the 3 x 3
 * blocks within the frame; the limit, ceil(background + max(still_min_k /
 * k, still_min_snr x noise)). Exactly, on random frames with hot pixels,
 * in sizes with partial blocks and with one or two blocks across. */
TEST_IMPL(analyze_still_blocks) {
  static const int sizes[][2] = {{331, 203}, {320, 256}, {40, 23},
                                 {16, 70},   {17, 17},   {5, 4}};
  wl_err_t err;
  uint32_t seed = 12345;
  for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
    int w = sizes[c][0], h = sizes[c][1];
    uint16_t *px = malloc((size_t)w * (size_t)h * sizeof *px);
    ASSERT(px != NULL);
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, w, h, 16, &err), &err);
    for (int rep = 0; rep < 3; rep++) {
      for (int k = 0; k < w * h; k++) {
        seed = seed * 1664525u + 1013904223u;
        int v = 20000 + (int)(seed >> 20) % (rep == 0 ? 50 : 3000);
        if ((seed >> 8) % 97 == 0) v += 4000;
        px[k] = (uint16_t)v;
      }
      wl__still_search(&st, px, w, h, 3.0, 0.01);
      int bx = st.bx, by = st.by;
      ASSERT_EQ(bx, (w + 15) / 16);
      ASSERT_EQ(by, (h + 15) / 16);
      const float *mean = st.blk, *low = st.blk + bx * by;
      for (int j = 0; j < by; j++)
        for (int i = 0; i < bx; i++) {
          uint32_t sum = 0;
          uint16_t m = 0;
          int n = 0;
          for (int y = j * 16; y < j * 16 + 16 && y < h; y++)
            for (int x = i * 16; x < i * 16 + 16 && x < w; x++) {
              sum += px[y * w + x];
              m = px[y * w + x] > m ? px[y * w + x] : m;
              n++;
            }
          ASSERT(mean[j * bx + i] == (float)sum / (float)n);
          ASSERT_EQ(st.bmax[j * bx + i], m);
        }
      for (int j = 0; j < by; j++)
        for (int i = 0; i < bx; i++) {
          float v[9];
          int n = 0;
          for (int jj = j - 1; jj <= j + 1; jj++)
            for (int ii = i - 1; ii <= i + 1; ii++)
              if (jj >= 0 && ii >= 0 && jj < by && ii < bx)
                v[n++] = mean[jj * bx + ii];
          qsort(v, (size_t)n, sizeof *v, cmp_float_asc);
          ASSERT(low[j * bx + i] == v[n / 2]);
          ASSERT_EQ(st.blim[j * bx + i],
                    (int32_t)ceil(low[j * bx + i] + fmax(5.0 / 0.01, 24.0)));
        }
    }
    wl__still_free(&st);
    free(px);
  }
  return 0;
}

/* Median and 1.4826 x the median absolute deviation of the ring between
 * box [x0, x1) x [y0, y1) grown by 1 px and by 1 + r px (the blob test's
 * background; fewer than WL__STILL_RING pixels), by sorting. */
static void ring_ref(const uint16_t *px, int w, int h, int x0, int x1,
                     int y0, int y1, int r, double *med, double *sd) {
  float *v = malloc((size_t)w * (size_t)h * sizeof *v);
  size_t n = 0;
  for (int y = y0 - 1 - r; y < y1 + 1 + r; y++)
    for (int x = x0 - 1 - r; x < x1 + 1 + r; x++) {
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      if (x >= x0 - 1 && x < x1 + 1 && y >= y0 - 1 && y < y1 + 1) continue;
      v[n++] = px[y * w + x];
    }
  qsort(v, n, sizeof *v, cmp_float_asc);
  float m = v[n / 2];
  for (size_t i = 0; i < n; i++) v[i] = fabsf(v[i] - m);
  qsort(v, n, sizeof *v, cmp_float_asc);
  *med = m;
  *sd = 1.4826 * v[n / 2];
  free(v);
}

/* A standing cold target (a 6 x 5 px blob 200 K below a noisy 283 K
 * background, its coldest pixel 0.1 K colder) continued by a vouched
 * track of negative contrast: the blob's box, and the contrast and SNR
 * against the ring's median and spread exactly as the definition gives,
 * both when the ring's values span little (counted) and when two hot
 * pixels in it make them span more than WL__STILL_HIST DN (selected). */
TEST_IMPL(analyze_still_cold_ring) {
  wl_err_t err;
  const int w = 96, h = 80;
  uint16_t *px = malloc(w * h * sizeof *px);
  ASSERT(px != NULL);
  for (int hot = 0; hot < 2; hot++) {
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        int v = 28300 + (int)((unsigned)(x * 7 + y * 13) % 9) - 4;
        if (x >= 40 && x < 46 && y >= 30 && y < 35) v = 8300;
        if (x == 42 && y == 32) v = 8290;
        if (hot && y == 31 && (x == 49 || x == 50)) v = 28300 + 6000;
        px[y * w + x] = (uint16_t)v;
      }
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, w, h, 16, &err), &err);
    wl_track_t t;
    memset(&t, 0, sizeof t);
    t.id = 3;
    t.state = WL_TRACK_CONFIRMED;
    t.cx = 43.0;
    t.cy = 32.5;
    t.w = 6;
    t.h = 5;
    t.contrast = -200;
    st.ids[0] = 3;
    st.n_ids = 1;
    wl_detection_t d;
    size_t n = wl__still_continue(&st, px, w, h, 3.0, 0.01, 0.0, &t, 1, &d,
                                  0, 1);
    ASSERT_EQ(n, 1);
    ASSERT_NEAR(d.x, 40.0, 1e-9);
    ASSERT_NEAR(d.y, 30.0, 1e-9);
    ASSERT_NEAR(d.w, 6.0, 1e-9);
    ASSERT_NEAR(d.h, 5.0, 1e-9);
    ASSERT_EQ(d.area, 30);
    ASSERT_EQ(d.polarity, -1);
    double med, sd;
    ring_ref(px, w, h, 40, 46, 30, 35, 3, &med, &sd);
    if (sd < 3.0) sd = 3.0;
    double peak = med - 8290.0;
    ASSERT_NEAR(d.peak_contrast, -peak * 0.01, 1e-9);
    ASSERT_NEAR(d.snr, peak / sd, 1e-9);
    ASSERT_NEAR(d.cx, 43.0, 0.01);
    ASSERT_NEAR(d.cy, 32.5, 0.01);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* The pipeline on radiometric frames of that still scene: the temporal
 * detector learns everything into its background, yet the person and the
 * car are confirmed tracks soon after the warm-up spots end and stay so;
 * with still_targets 0 nothing is output. The state bound holds. */
TEST_IMPL(analyze_still_pipeline) {
  wl_err_t err;
  for (int on = 0; on < 2; on++) {
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT_EQ(p.still_targets, 1);
    p.still_targets = on;
    wl_pipeline_t *pl;
    wl_frame_t fr;
    ASSERT_OK(scene_open(&p, &pl, &fr, &err), &err);
    size_t n = 0;
    const wl_track_t *tr = NULL;
    int first = -1;
    for (int f = 0; f < 150; f++) {
      still_scene(fr.data, f);
      radiometric_frame_at(&fr, f);
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      tr = wl_pipeline_tracks(pl, &n);
      if (n == 2 && first < 0) first = f;
      if (first >= 0) ASSERT_EQ(n, 2); /* once found, kept */
    }
    fprintf(stderr, "still_targets %d: %zu tracks, both from frame %d\n", on,
            n, first);
    if (!on) {
      ASSERT_EQ(n, 0);
    } else {
      ASSERT(first > 0 && first < 45);
      int person = fabs(tr[0].cx - 100) < 1 ? 0 : 1;
      ASSERT_NEAR(tr[person].cx, 100.0, 0.5);
      ASSERT_NEAR(tr[person].cy, 120.0, 0.5);
      ASSERT_NEAR(tr[person].w, 4.0, 0.5);
      ASSERT_NEAR(tr[person].h, 16.0, 0.5);
      ASSERT_NEAR(tr[1 - person].w, 30.0, 0.5);
      ASSERT_NEAR(tr[1 - person].h, 10.0, 0.5);
    }
    ASSERT(wl_pipeline_state_bytes(pl) <= 8 * 320 * 256 + (1u << 20));
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
  }
  return 0;
}

/* A radiometric scene at 283 K: a person (4 x 16 px, +10 K) stands at
 * x 98-101 (rows 112-127) from the first frame (learnt into the
 * background with the ground) until frame T0, then walks right at 2 px
 * per frame; from frame T0 a cold object (4 x 16 px, -5 K) walks left at
 * 1 px per frame from x 250 (rows 160-175). */
#define T0 30
static void ghost_scene(uint16_t *px, int f) {
  int x0 = f < T0 ? 98 : 98 + 2 * (f - T0);
  scene_ground(px, f);
  scene_add(px, x0, x0 + 4, 112, 128, 1000);
  if (f >= T0) {
    int c0 = 250 - (f - T0);
    for (int y = 160; y < 176; y++)
      for (int x = c0; x < c0 + 4; x++)
        px[y * 320 + x] = (uint16_t)(px[y * 320 + x] - 500);
  }
}

/* The cold ghost a standing person leaves when it walks off: the frame
 * there is flat ground (the box matches its ring), so with the ghost
 * test (ghost_ring_frac, the default) no cold detection reaches the
 * tracker at the place it stood from 5 frames after it left (until its
 * track has speed, the standing track keeps what meets its box), while
 * without it the ghost is detected for many frames; the real cold
 * walker, colder than its ring in the frame, is detected either way (the
 * motion detector's edge ghost test off). Out-of-range values are
 * refused. */
TEST_IMPL(analyze_cold_ghost_dropped) {
  wl_err_t err;
  for (int on = 0; on < 2; on++) {
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT(p.ghost_ring_frac > 0);
    if (!on) p.ghost_ring_frac = 0;
    /* The motion detector's own ghost test (by edges) off: as in the
     * simulator's textured scenes, where ghosts pass it. */
    p.motion.ghost_ratio = 0;
    wl_pipeline_t *pl;
    wl_frame_t fr;
    ASSERT_OK(scene_open(&p, &pl, &fr, &err), &err);
    int ghost = 0, cold = 0;
    for (int f = 0; f < 160; f++) {
      ghost_scene(fr.data, f);
      radiometric_frame_at(&fr, f);
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      size_t n;
      const wl_detection_t *d = wl_pipeline_detections(pl, &n);
      for (size_t i = 0; f > T0 + 5 && i < n; i++) {
        if (d[i].polarity >= 0) continue;
        if (fabs(d[i].cx - 100) < 4 && fabs(d[i].cy - 120) < 6) ghost++;
        double cx = 250 - (f - T0) + 1.5;
        if (fabs(d[i].cx - cx) < 3 && fabs(d[i].cy - 167.5) < 3) cold++;
      }
    }
    fprintf(stderr, "ghost test %d: ghost detected in %d frames, cold walker "
            "in %d\n", on, ghost, cold);
    if (on) ASSERT_EQ(ghost, 0);
    else ASSERT(ghost > 50);
    ASSERT(cold > 100);
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
  }
  wl_pipeline_params_t p;
  wl_pipeline_default_params(&p);
  wl_pipeline_t *pl = NULL;
  p.ghost_ring_frac = -0.1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  p.ghost_ring_frac = NAN;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  wl_pipeline_default_params(&p);
  p.ghost_ring_max_spread = -1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  return 0;
}
#undef T0

/* Ground textured from row to row, as far ground is (range bands): each
 * row of the 283 K scene is 0-600 DN (0-6 K) warmer than the next by a
 * fixed pattern. A warm post (2 x 8 px, +5 K) stands at x 100-101 (rows
 * 120-127) from the first frame (learnt into the background in the
 * warm-up) until frame T0, then walks right at 2 px per frame; from
 * frame T0 a cold post of the same size (-5 K) walks left at 1 px per
 * frame from x 250 (rows 160-167). */
#define T0 30
static void row_ghost_scene(uint16_t *px, int f) {
  int x0 = f < T0 ? 100 : 100 + 2 * (f - T0);
  scene_ground(px, f);
  for (int y = 0; y < 256; y++)
    scene_add(px, 0, 320, y, y + 1, (y * 37 % 5) * 150);
  scene_add(px, x0, x0 + 2, 120, 128, 500);
  if (f >= T0) {
    int c0 = 250 - (f - T0);
    scene_add(px, c0, c0 + 2, 160, 168, -500);
  }
}

/* The ghost the warm post leaves: the ring test abstains (the rows make
 * the ring's spread over 0.3 of the contrast) and the tracker confirms
 * it as a cold static track, but along its rows the frame is flat, so
 * with ghost_row_px (the default) no cold track is output there, while
 * with 0 one is for many frames; the cold walker, colder than the pixels
 * beside it on its rows, is output either way. Out-of-range values are
 * refused. */
TEST_IMPL(analyze_cold_ghost_rows) {
  wl_err_t err;
  for (int on = 0; on < 2; on++) {
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT(p.ghost_row_px > 0);
    if (!on) p.ghost_row_px = 0;
    p.motion.ghost_ratio = 0;
    wl_pipeline_t *pl;
    wl_frame_t fr;
    ASSERT_OK(scene_open(&p, &pl, &fr, &err), &err);
    int ghost = 0, cold = 0;
    for (int f = 0; f < 240; f++) {
      row_ghost_scene(fr.data, f);
      radiometric_frame_at(&fr, f);
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      size_t n;
      const wl_track_t *t = wl_pipeline_tracks(pl, &n);
      for (size_t i = 0; f > T0 && i < n; i++) {
        if (t[i].contrast >= 0) continue;
        double cx = t[i].x + t[i].w / 2, cy = t[i].y + t[i].h / 2;
        if (fabs(cx - 101) < 3 && fabs(cy - 124) < 4) ghost++;
        if (fabs(cx - (250 - (f - T0) + 1)) < 3 && fabs(cy - 164) < 4)
          cold++;
      }
    }
    fprintf(stderr, "row test %d: ghost output in %d frames, cold walker "
            "in %d\n", on, ghost, cold);
    if (on) ASSERT_EQ(ghost, 0);
    else ASSERT(ghost > 50);
    ASSERT(cold > 150);
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
  }
  wl_pipeline_params_t p;
  wl_pipeline_default_params(&p);
  wl_pipeline_t *pl = NULL;
  p.ghost_row_px = -1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  p.ghost_row_px = 65;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  return 0;
}
#undef T0

/* A radiometric scene at 283 K: a person (4 x 16 px, +10 K) walking
 * right at vx px per frame from x = 60 (rows 112-127), and a hot spot
 * (6 x 6 px, +30 K) on a wide warm band (100 x 12 px, +5 K) at rows
 * 180-191: a piece of a larger warm object. */
static void early_scene(uint16_t *px, int f, double vx) {
  int x0 = 60 + (int)floor(vx * f);
  scene_ground(px, f);
  scene_add(px, x0, x0 + 4, 112, 128, 1000);
  scene_add(px, 150, 250, 180, 192, 500);
  scene_add(px, 197, 203, 183, 189, 3000);
}

/* wl__still_alone: the search's blob on the person closes at the low
 * level (alone); the hot spot on the wide warm band, though a blob of its
 * own, does not (a piece of a larger object, not fed as a spot). */
TEST_IMPL(analyze_still_alone) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  wl__still_t st;
  ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
  early_scene(px, 0, 0.0);
  wl__still_search(&st, px, 320, 256, 3.0, 0.01);
  int person = 0, hot = 0;
  for (int k = 0; k < st.n_found; k++) {
    const wl_detection_t *d = &st.found[k];
    if (!st.found_ok[k]) continue;
    if (fabs(d->cx - 62) < 1 && fabs(d->cy - 120) < 1) {
      person++;
      ASSERT_EQ(wl__still_alone(&st, px, 320, 256, 3.0, 0.01, d), 1);
    } else if (fabs(d->cx - 200) < 2 && fabs(d->cy - 186) < 2) {
      hot++;
      ASSERT_EQ(wl__still_alone(&st, px, 320, 256, 3.0, 0.01, d), 0);
    }
  }
  ASSERT_EQ(person, 1);
  ASSERT_EQ(hot, 1);
  /* Not radiometric (no kelvin scale): never alone. */
  ASSERT_EQ(wl__still_alone(&st, px, 320, 256, 3.0, 0.0, &st.found[0]), 0);
  wl__still_free(&st);
  free(px);
  return 0;
}

/* wl__still_vouch: the person's site of still_scene, found in 20
 * searches, vouches for a slow warm track whose box holds it, not for a
 * cold one there (a ghost beside a warm target, or the cold trail a
 * group leaves behind it, is not the warm target): then no track is on
 * the warm target and its blob is appended as a detection, as where no
 * track holds the site (before, the cold track kept the site from being
 * either: a standing person behind a passing group's cold trail was not
 * output for another 5-15 searches). */
TEST_IMPL(analyze_still_vouch_polarity) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  for (int warm = 0; warm < 2; warm++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    still_learn(&st, px);
    ASSERT_EQ(st.n_sites, 2);
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    wl_detection_t d;
    memset(&d, 0, sizeof d);
    d.x = 98; d.y = 112; d.w = 4; d.h = 16;
    d.cx = 100; d.cy = 120;
    d.area = d.w * d.h;
    d.polarity = warm ? 1 : -1;
    d.peak_contrast = warm ? 10.0 : -10.0;
    d.snr = 30;
    for (int f = 0; f < 3; f++)
      ASSERT_OK(wl_tracker_update(tr, (int64_t)f * 33333333, &d, 1, &err),
                &err);
    wl_detection_t dets[4];
    size_t n_dets = 0;
    size_t kept = wl__still_vouch(&st, tr, px, 320, 256, 3.0, 0.01, 0, dets,
                                  &n_dets, 4);
    fprintf(stderr, "%s track: %zu vouched or appended, %zu blobs\n",
            warm ? "warm" : "cold", kept, n_dets);
    /* The car's site holds no track: its blob is appended either way;
     * the person's too when only the cold track holds its site. */
    ASSERT_EQ(n_dets, warm ? 1u : 2u);
    ASSERT_EQ(kept, 2u);
    size_t na;
    (void)wl_tracker_tracks(tr, &na);
    ASSERT_EQ(na, 1u);
    ASSERT_EQ(st.n_ids, warm ? 1u : 0u); /* the cold track: not vouched */
    if (!warm) {
      int person = fabs(dets[0].cx - 100) < 1 ? 0 : 1;
      ASSERT_NEAR(dets[person].cx, 100.0, 0.5);
      ASSERT_NEAR(dets[person].cy, 120.0, 0.5);
      ASSERT(dets[person].peak_contrast > 0);
    }
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* wl__still_vouch and a site whose blob holds a tracked target: the car's
 * site of still_scene (a 30 x 10 blob, no track on the site itself) while
 * a confirmed 3 x 3 track sits inside the car's blob (one sheep tracked in
 * a row of sheep merged into one warm blob) is not appended as a
 * detection with site_max_held 1 (the default); with 0 it is; the
 * person's site, which holds no track, is appended either way. */
TEST_IMPL(analyze_still_vouch_held) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  for (int held = 0; held < 2; held++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    ASSERT_EQ(st.site_max_held, 1);
    st.site_max_held = held;
    still_learn(&st, px);
    ASSERT_EQ(st.n_sites, 2);
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    wl_detection_t d;
    memset(&d, 0, sizeof d);
    d.x = 208; d.y = 148; d.w = 3; d.h = 3;
    d.cx = 209.5; d.cy = 149.5;
    d.area = 9;
    d.polarity = 1;
    d.peak_contrast = 10.0;
    d.snr = 30;
    for (int f = 0; f < 3; f++)
      ASSERT_OK(wl_tracker_update(tr, (int64_t)f * 33333333, &d, 1, &err),
                &err);
    size_t n_t;
    const wl_track_t *all = wl_tracker_tracks(tr, &n_t);
    ASSERT_EQ(n_t, 1u);
    ASSERT_EQ(wl_tracker_confirm(tr, all[0].id), 1);
    wl_detection_t dets[4];
    size_t n_dets = 0;
    wl__still_vouch(&st, tr, px, 320, 256, 3.0, 0.01, 0, dets, &n_dets, 4);
    fprintf(stderr, "site_max_held %d: %zu blobs appended\n", held, n_dets);
    ASSERT_EQ(n_dets, held ? 1u : 2u);
    int person = 0, car = 0;
    for (size_t i = 0; i < n_dets; i++) {
      if (fabs(dets[i].cx - 100) < 1) person++;
      if (fabs(dets[i].cx - 220) < 2) car++;
    }
    ASSERT_EQ(person, 1);
    ASSERT_EQ(car, held ? 0 : 1);
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* The sway test of the standing-target search: two small warm blobs
 * (4 x 3 px, +6 K) where a person is 14 px tall (0.29 of one), one still
 * at (60, 180), one swaying to and fro by a pixel (period 1.5 s) at
 * (150, 100), searched in 70 frames at 30 frames/s (more than
 * sway_min_s). The swaying one's site
 * is marked swayed and vouches for nothing (not appended); the still one
 * is appended. Both are appended with sway_px 0, without person_px, or
 * when a person is 8 px tall there (the blobs 0.5 of one: larger than
 * sway_max_h). */
TEST_IMPL(analyze_still_sway) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  float person[256], small[256];
  for (int r = 0; r < 256; r++) {
    person[r] = 14.0f;
    small[r] = 8.0f;
  }
  for (int mode = 0; mode < 4; mode++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    ASSERT(st.sway_px > 0);
    if (mode == 1) st.sway_px = 0;
    st.person_px = mode == 2 ? NULL : mode == 3 ? small : person;
    wl_frame_t frame;
    memset(&frame, 0, sizeof frame);
    st.frame = &frame;
    for (int f = 0; f < 70; f++) {
      int off = (int)lround(sin(2.0 * 3.14159265358979 * f / 45.0));
      scene_ground(px, f);
      scene_add(px, 58, 62, 179, 182, 600);
      scene_add(px, 148 + off, 152 + off, 99, 102, 600);
      frame.t_ns = (int64_t)f * 33333333;
      wl__still_search(&st, px, 320, 256, 3.0, 0.01);
    }
    ASSERT_EQ(st.n_sites, 2);
    int sw = fabs(st.sites[0].x - 150) < 3 ? 0 : 1;
    ASSERT_EQ(st.sites[sw].swayed, mode == 0);
    ASSERT_EQ(st.sites[1 - sw].swayed, 0);
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    wl_detection_t dets[4];
    size_t n_dets = 0;
    wl__still_vouch(&st, tr, px, 320, 256, 3.0, 0.01, 0, dets, &n_dets, 4);
    fprintf(stderr, "mode %d: %zu blobs appended\n", mode, n_dets);
    ASSERT_EQ(n_dets, mode == 0 ? 1u : 2u);
    if (mode == 0) ASSERT_NEAR(dets[0].cx, 60.0, 0.5);
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* A small warm blob's sway must be judged before it is vouched for or
 * confirmed as a sure target (sway_min_s). Where a person is 14 px tall,
 * three still blobs: A 4 x 3 px at +6 K (0.29 of a person, no warmer than
 * vegetation), B the same at +10 K (above sway_max_k: a body), C 2 x 2 px
 * at +6 K (a point: under sway_min_px). Searched in 30 frames (1 s) at 30
 * frames/s: at the spots' end B's and C's sites are appended, A's is not,
 * nor is a track on A confirmed as a sure target (one on B is); after 70
 * frames (2.3 s, judged still) A's is appended too. With sway_min_s 0, A
 * is appended and confirmed at once. */
TEST_IMPL(analyze_still_sway_wait) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  float person[256];
  for (int r = 0; r < 256; r++) person[r] = 14.0f;
  for (int wait = 0; wait < 2; wait++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    ASSERT(st.sway_min_s > 0 && st.sway_max_k > 6.0f &&
           st.sway_min_px > 2.0f && st.sway_min_px <= 4.0f);
    if (!wait) st.sway_min_s = 0;
    st.person_px = person;
    st.sure_hits = 1;
    wl_frame_t frame;
    memset(&frame, 0, sizeof frame);
    st.frame = &frame;
    wl_tracker_t *tr[2] = {NULL, NULL}, *none = NULL;
    ASSERT_OK(still_tracker(&none, &err), &err);
    int sure[2] = {0, 0};
    for (int f = 0; f < 70; f++) {
      scene_ground(px, f);
      scene_add(px, 58, 62, 179, 182, 600);
      scene_add(px, 148, 152, 99, 102, 1000);
      scene_add(px, 230, 232, 60, 62, 600);
      frame.t_ns = (int64_t)f * 33333333;
      wl__still_search(&st, px, 320, 256, 3.0, 0.01);
      if (f == 0)
        for (int k = 0; k < 2; k++) {
          /* A young track on A (k 0) or B (k 1), hit in frame 0. */
          ASSERT_OK(still_tracker(&tr[k], &err), &err);
          wl_detection_t d;
          memset(&d, 0, sizeof d);
          d.x = k ? 148 : 58; d.y = k ? 99 : 179; d.w = 4; d.h = 3;
          d.cx = d.x + 2; d.cy = d.y + 1.5;
          d.area = 12;
          d.polarity = 1;
          d.peak_contrast = k ? 10.0 : 6.0;
          d.snr = 30;
          ASSERT_OK(wl_tracker_update(tr[k], 0, &d, 1, &err), &err);
          sure[k] = (int)wl__still_sure(&st, tr[k], px, 320, 256, 3.0, 0.01);
        }
      if (f != 29 && f != 69) continue;
      wl_detection_t dets[4];
      size_t n_dets = 0;
      wl__still_vouch(&st, none, px, 320, 256, 3.0, 0.01, f == 29, dets,
                      &n_dets, 4);
      int a = 0, b = 0, c = 0;
      for (size_t i = 0; i < n_dets; i++) {
        a += fabs(dets[i].cx - 60) < 1;
        b += fabs(dets[i].cx - 150) < 1;
        c += fabs(dets[i].cx - 231) < 1;
      }
      fprintf(stderr, "sway_min_s %.1f, frame %d: A %d B %d C %d\n",
              st.sway_min_s, f, a, b, c);
      ASSERT_EQ(a, !wait || f == 69);
      ASSERT_EQ(b, 1);
      ASSERT_EQ(c, 1);
    }
    fprintf(stderr, "sure: A %d B %d\n", sure[0], sure[1]);
    ASSERT_EQ(sure[0], !wait);
    ASSERT_EQ(sure[1], 1);
    wl_tracker_free(tr[0]);
    wl_tracker_free(tr[1]);
    wl_tracker_free(none);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* A standing person's site steady by a run of searches (person_run): a
 * person (4 x 16 px, +10 K, where a person is 16 px tall) and a car (30 x
 * 10 px, +7 K, its engine +30 K) at one place, each merged with passers-by or
 * hidden in some searches (drawn in searches 0-2, 6-8 and 12-14 of 15, so
 * never unseen for site_idle): found in 9 of 15 searches, under
 * still_hit_frac. The person's site, upright and of a person's height,
 * is steady after its last 3 searches in a row and its blob is appended;
 * the car's (not upright) is not, nor is the person's with person_run 0
 * or without person_px (the premise: no run rule). */
TEST_IMPL(analyze_still_person_run) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  ASSERT(px != NULL);
  float person[256];
  for (int r = 0; r < 256; r++) person[r] = 16.0f;
  for (int mode = 0; mode < 3; mode++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    ASSERT_EQ(st.person_run, 3);
    if (mode == 1) st.person_run = 0;
    st.person_px = mode == 2 ? NULL : person;
    for (int f = 0; f < 15; f++) {
      scene_ground(px, f);
      if (f % 6 < 3) {
        scene_add(px, 98, 102, 112, 128, 1000);
        scene_add(px, 205, 235, 145, 155, 700);
        scene_add(px, 212, 218, 147, 151, 3000);
      }
      wl__still_search(&st, px, 320, 256, 3.0, 0.01);
    }
    ASSERT_EQ(st.n_sites, 2);
    for (int k = 0; k < 2; k++) {
      ASSERT_EQ(st.sites[k].hits, 9);
      ASSERT_EQ(st.sites[k].run, 3);
    }
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    wl_detection_t dets[4];
    size_t n_dets = 0;
    wl__still_vouch(&st, tr, px, 320, 256, 3.0, 0.01, 0, dets, &n_dets, 4);
    fprintf(stderr, "person run, mode %d: %zu blobs appended\n", mode,
            n_dets);
    ASSERT_EQ(n_dets, mode == 0 ? 1u : 0u);
    if (mode == 0) {
      ASSERT_NEAR(dets[0].cx, 100.0, 0.5);
      ASSERT_NEAR(dets[0].cy, 120.0, 0.5);
    }
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(px);
  return 0;
}

/* The first second in the pipeline. A person walking from frame 0 (too
 * tall for the warm-up spots' 7 x 7 centre) is a confirmed track earlier
 * with warm_blob_spots; the still scene's standing person and car are
 * output before the spots end (25 frames) with still_early_hits 8, only
 * after without; bad values are refused. */
TEST_IMPL(analyze_still_early) {
  wl_err_t err;
  int first_walk[2], first_still[2];
  for (int on = 0; on < 2; on++) {
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT_EQ(p.warm_blob_spots, 1);
    ASSERT_EQ(p.still_early_hits, 8);
    p.warm_blob_spots = on;
    p.still_early_hits = on ? 8 : 0;
    for (int scene = 0; scene < 2; scene++) {
      wl_pipeline_t *pl;
      wl_frame_t fr;
      ASSERT_OK(scene_open(&p, &pl, &fr, &err), &err);
      int first = -1;
      for (int f = 0; f < 60 && first < 0; f++) {
        if (scene == 0) early_scene(fr.data, f, 0.3);
        else still_scene(fr.data, f);
        radiometric_frame_at(&fr, f);
        ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
        size_t n;
        const wl_track_t *tr = wl_pipeline_tracks(pl, &n);
        for (size_t i = 0; i < n; i++)
          if (scene == 0 ? fabs(tr[i].cy - 120) < 2 && tr[i].h > 10
                         : n == 2)
            first = f;
      }
      if (scene == 0) first_walk[on] = first;
      else first_still[on] = first;
      wl_frame_release(&fr);
      wl_pipeline_free(pl);
    }
  }
  fprintf(stderr, "walker first output: %d (off) %d (on); still: %d %d\n",
          first_walk[0], first_walk[1], first_still[0], first_still[1]);
  ASSERT(first_walk[1] >= 0 && first_walk[1] < 20);
  ASSERT(first_walk[0] < 0 || first_walk[0] > first_walk[1]);
  ASSERT(first_still[1] >= 0 && first_still[1] < 20);
  ASSERT(first_still[0] >= 25);
  wl_pipeline_params_t p;
  wl_pipeline_t *pl;
  wl_pipeline_default_params(&p);
  p.warm_blob_spots = 2;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  wl_pipeline_default_params(&p);
  p.still_early_hits = -1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  return 0;
}

/* wl__still_sure: a track hit from its first frame on the person of
 * early_scene (4 x 16 px, 10 K) is confirmed at once where a person is
 * about that tall (person_px 14); not where a person is 5 px tall (the
 * blob would be 5 m tall), nor in the sky above the horizon (0: only
 * blobs up to 7 px), nor without person_px, nor with sure_hits 0, nor
 * on the wide warm band (its 30 K hot spot, not alone), nor where a person
 * is 24 px tall (4 px is under sure_min_w: a hot strip of a vehicle); a
 * wide blob (a vehicle) needs sure_wide_hits. */
TEST_IMPL(analyze_still_sure) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  float *person = malloc(256 * sizeof *person);
  ASSERT(px != NULL && person != NULL);
  early_scene(px, 0, 0.0);
  for (int mode = 0; mode < 8; mode++) {
    /* 0: fits, 1: too tall, 2: sky, 3: no prior, 4: off, 5: the band,
     * 6: the person as a wide blob (person_px 3.5: 16 px is 1.14 heights
     * tall, 4 px 1.14 wide > sure_narrow_w), 7: too thin */
    double ph = mode == 1   ? 5.0
                : mode == 2 ? 0.0
                : mode == 6 ? 12.5
                : mode == 7 ? 24.0
                            : 14.0;
    for (int y = 0; y < 256; y++) person[y] = (float)ph;
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    st.sure_hits = mode == 4 ? 0 : 1;
    st.person_px = mode == 3 ? NULL : person;
    wl__still_search(&st, px, 320, 256, 3.0, 0.01); /* alone's background */
    if (mode == 6) st.sure_narrow_w = 0.25f;
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    wl_detection_t d;
    memset(&d, 0, sizeof d);
    if (mode == 5) {
      d.x = 150; d.y = 180; d.w = 100; d.h = 12;
      d.cx = 200; d.cy = 186;
    } else {
      d.x = 60; d.y = 112; d.w = 4; d.h = 16;
      d.cx = 62; d.cy = 120;
    }
    d.area = d.w * d.h;
    d.polarity = 1;
    d.peak_contrast = mode == 5 ? 5.0 : 10.0;
    d.snr = 30;
    int confirmed_at = -1;
    for (int f = 0; f < 4 && confirmed_at < 0; f++) {
      ASSERT_OK(wl_tracker_update(tr, (int64_t)f * 33333333, &d, 1, &err),
                &err);
      wl__still_sure(&st, tr, px, 320, 256, 3.0, 0.01);
      size_t n;
      wl_tracker_confirmed(tr, &n);
      if (n) confirmed_at = f;
    }
    fprintf(stderr, "mode %d: confirmed at %d\n", mode, confirmed_at);
    if (mode == 0) ASSERT_EQ(confirmed_at, 0);
    else if (mode == 6) ASSERT_EQ(confirmed_at, st.sure_wide_hits - 1);
    else ASSERT_EQ(confirmed_at, -1);
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(person);
  free(px);
  return 0;
}

/* wl__still_sure judges the track as well as the blob: the person of
 * early_scene (4 x 16 px, person_px 14) under a detection 24 px wide (1.7
 * person heights: the person merged with its neighbours) needs
 * sure_wide_hits, under one 70 px wide (5 heights) it is never confirmed,
 * and with sure_track_box 0 both are at once; a track that jumped 9 px
 * in a frame onto it (19 person heights per second) is not confirmed in
 * its first three frames (the tracker's own rules take it at its fourth,
 * as moving), and is with sure_max_speed 0. */
TEST_IMPL(analyze_still_sure_whole) {
  wl_err_t err;
  uint16_t *px = malloc(320 * 256 * sizeof *px);
  float *person = malloc(256 * sizeof *person);
  ASSERT(px != NULL && person != NULL);
  early_scene(px, 0, 0.0);
  for (int y = 0; y < 256; y++) person[y] = 14.0f;
  /* 0: the person, 1: 24 px wide, 2: the same without sure_track_box,
   * 3: 70 px wide, 4: the same without sure_track_box, 5: a jump onto
   * it, 6: the same without sure_max_speed */
  const int want[7] = {0, 2, 0, -1, 0, -1, 1};
  for (int mode = 0; mode < 7; mode++) {
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    st.sure_hits = mode >= 5 ? 2 : 1;
    if (mode >= 5) st.sure_wide_hits = 2;
    st.person_px = person;
    if (mode == 2 || mode == 4) st.sure_track_box = 0;
    if (mode == 6) st.sure_max_speed = 0;
    wl__still_search(&st, px, 320, 256, 3.0, 0.01); /* alone's background */
    wl_tracker_t *tr = NULL;
    ASSERT_OK(still_tracker(&tr, &err), &err);
    double w = mode == 1 || mode == 2 ? 24 : mode == 3 || mode == 4 ? 70 : 4;
    int confirmed_at = -1;
    for (int f = 0; f < 3 && confirmed_at < 0; f++) {
      wl_detection_t d;
      memset(&d, 0, sizeof d);
      d.cx = mode >= 5 && f == 0 ? 53 : 62;
      d.cy = 120;
      d.w = w;
      d.h = 16;
      d.x = d.cx - 0.5 * w;
      d.y = 112;
      d.area = 4 * 16;
      d.polarity = 1;
      d.peak_contrast = 10.0;
      d.snr = 30;
      ASSERT_OK(wl_tracker_update(tr, (int64_t)f * 33333333, &d, 1, &err),
                &err);
      wl__still_sure(&st, tr, px, 320, 256, 3.0, 0.01);
      size_t n;
      wl_tracker_confirmed(tr, &n);
      if (n) confirmed_at = f;
    }
    fprintf(stderr, "mode %d: confirmed at %d\n", mode, confirmed_at);
    ASSERT_EQ(confirmed_at, want[mode]);
    wl_tracker_free(tr);
    wl__still_free(&st);
  }
  free(person);
  free(px);
  return 0;
}

/* An output track of box (cx, cy, w, h) and contrast c. */
static wl_track_t out_track(double cx, double cy, double w, double h,
                            double c) {
  wl_track_t t;
  memset(&t, 0, sizeof t);
  t.state = WL_TRACK_CONFIRMED;
  t.x = cx - 0.5 * w;
  t.y = cy - 0.5 * h;
  t.w = w;
  t.h = h;
  t.cx = cx;
  t.cy = cy;
  t.contrast = c;
  return t;
}

/* The output refine's test scene: 320 x 256 px of ground at 283 K
 * (scene_ground), a person 6 px tall on every row, and a standing-target
 * state over them. */
typedef struct refine_scene {
  uint16_t *px;
  float person[256];
  wl__still_t st;
} refine_scene_t;

static int refine_scene_init(refine_scene_t *sc) {
  wl_err_t err;
  sc->px = malloc(320 * 256 * sizeof *sc->px);
  if (!sc->px) return 1;
  for (int y = 0; y < 256; y++) sc->person[y] = 6.0f;
  scene_ground(sc->px, 0);
  if (wl__still_init(&sc->st, 320, 256, 16, &err) != WL_OK) {
    free(sc->px);
    return 1;
  }
  sc->st.person_px = sc->person;
  return 0;
}

static void refine_scene_free(refine_scene_t *sc) {
  wl__still_free(&sc->st);
  free(sc->px);
}

/* wl__still_refine on the scene (noise 3 DN, 0.01 K per DN). */
static size_t refine(refine_scene_t *sc, wl_track_t *t, size_t *n) {
  return wl__still_refine(&sc->st, sc->px, 320, 256, 3.0, 0.01, t, n);
}

/* wl__still_refine: on ground at 283 K, a sheep (6 x 4 px, +7 K, columns
 * 100-105, rows 120-123) and a distant person (2 x 2 px, +10 K, at
 * (201, 121)), person_px 6. A 1 x 1 warm track on the sheep's top-left
 * corner (a piece the temporal detector kept of an animal learned into
 * the background) is output with the sheep's box; not when cold, nor
 * when refine_max_area is 0, nor when the blob holds the centre of
 * another output box (the sheep's own track, left as it is: larger than
 * refine_max_area), nor without person_px. The person's track, whose 2 x
 * 2 box already spans its blob, keeps its box. */
TEST_IMPL(analyze_still_refine) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 100, 106, 120, 124, 700);
  scene_add(sc.px, 200, 202, 120, 122, 1000);
  wl_track_t t[3];
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  t[1] = out_track(201.0, 121.0, 2.0, 2.0, 9.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){2}), 1);
  ASSERT_NEAR(t[0].x, 100.0, 0.5);
  ASSERT_NEAR(t[0].y, 120.0, 0.5);
  ASSERT_NEAR(t[0].w, 6.0, 0.6);
  ASSERT_NEAR(t[0].h, 4.0, 0.6);
  ASSERT_NEAR(t[1].w, 2.0, 1e-9);
  ASSERT_NEAR(t[1].h, 2.0, 1e-9);
  /* Cold; off; another output box's centre on the blob; no size prior. */
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, -2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  sc.st.refine_max_area = 0.0f;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  sc.st.refine_max_area = 12.0f;
  /* The sheep's own track holds the blob: the piece, as warm as the
   * sheep, keeps its box; a residue (below refine_residue of the blob's
   * contrast) is not output when that track's box holds it too (not
   * when refine_residue is 0, nor when the other box, on the blob, does
   * not reach the piece, nor when it is a flock's box, IoU < 0.5 with
   * the blob's). */
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 5.0);
  t[1] = out_track(103.0, 122.0, 6.0, 4.0, 7.0);
  size_t n = 2;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_EQ(n, 2);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  sc.st.refine_residue = 0.0f;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_EQ(n, 2);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  sc.st.refine_residue = 0.5f;
  t[1] = out_track(104.0, 122.0, 4.0, 4.0, 7.0);
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_EQ(n, 2);
  t[1] = out_track(103.0, 122.0, 20.0, 4.0, 7.0);
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_EQ(n, 2);
  t[1] = out_track(103.0, 122.0, 6.0, 4.0, 7.0);
  ASSERT_EQ(refine(&sc, t, &n), 1);
  ASSERT_EQ(n, 1);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  ASSERT_NEAR(t[0].contrast, 7.0, 1e-9);
  sc.st.person_px = NULL;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine in a flock: on ground at 283 K, sheep A (6 x 4 px,
 * +7 K, columns 100-105, rows 120-123) with a neighbour 1 px apart on
 * each side (columns 93-98 and 107-112), person_px 6. The neighbours fill
 * a fifth of A's ring: a 1 x 1 piece on A's corner gets A's box all the
 * same (refine_ring_frac 1), not with the compactness test of the
 * standing-target search (0.1). Two pieces on A (one animal, two tracks)
 * both get A's box, in either order: a piece's box does not hold the
 * blob for the other. With the gaps closed the flock is one 20 px blob,
 * more than refine_max_w (2) person heights wide: the piece keeps its
 * box (with 4 it gets the flock's). */
TEST_IMPL(analyze_still_refine_flock) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 93, 99, 120, 124, 700);
  scene_add(sc.px, 100, 106, 120, 124, 700);
  scene_add(sc.px, 107, 113, 120, 124, 700);
  wl_track_t t[2];
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].x, 100.0, 0.5);
  ASSERT_NEAR(t[0].w, 6.0, 0.6);
  ASSERT_NEAR(t[0].h, 4.0, 0.6);
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  sc.st.refine_ring_frac = sc.st.max_ring_frac;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  sc.st.refine_ring_frac = 1.0f;
  for (int order = 0; order < 2; order++) {
    t[order] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
    t[1 - order] = out_track(105.5, 123.5, 1.0, 1.0, 2.0);
    ASSERT_EQ(refine(&sc, t, &(size_t){2}), 2);
    for (int k = 0; k < 2; k++) {
      ASSERT_NEAR(t[k].x, 100.0, 0.5);
      ASSERT_NEAR(t[k].w, 6.0, 0.6);
    }
  }
  scene_add(sc.px, 99, 100, 120, 124, 700);
  scene_add(sc.px, 106, 107, 120, 124, 700);
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  sc.st.refine_max_w = 4.0f;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].w, 20.0, 1.5);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine on a group's box: on ground at 283 K, three sheep
 * (6 x 4 px, rows 120-123, columns 93-98, 100-105 (+8 K: the warmest)
 * and 107-112, +7 K) joined by +4 K columns (99, 106), person_px 6. A
 * 20 x 4 box over all three, classed animal, is wider than group_max_w
 * (1.5) person heights + group_pad (2 px): output with the middle
 * sheep's box (the flock's blob cut at a higher level until it is one
 * animal long). Not when classed person, nor with group_max_w 0, nor for
 * a 10 px box. */
TEST_IMPL(analyze_still_refine_group) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 93, 99, 120, 124, 700);
  scene_add(sc.px, 99, 100, 120, 124, 400);
  scene_add(sc.px, 100, 106, 120, 124, 800);
  scene_add(sc.px, 106, 107, 120, 124, 400);
  scene_add(sc.px, 107, 113, 120, 124, 700);
  ASSERT_NEAR(sc.st.group_max_w, 1.5, 1e-6);
  ASSERT_NEAR(sc.st.group_pad, 2.0, 1e-6);
  wl_track_t t[1];
  t[0] = out_track(103.0, 122.0, 20.0, 4.0, 7.0);
  t[0].cls = WL_CLASS_ANIMAL;
  size_t n = 1;
  ASSERT_EQ(refine(&sc, t, &n), 1);
  ASSERT_EQ(n, 1);
  ASSERT_NEAR(t[0].x, 100.0, 1e-9);
  ASSERT_NEAR(t[0].y, 120.0, 1e-9);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  /* A person's (or a vehicle's) box is its own; off; one animal long. */
  t[0] = out_track(103.0, 122.0, 20.0, 4.0, 7.0);
  t[0].cls = WL_CLASS_PERSON;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_NEAR(t[0].w, 20.0, 1e-9);
  t[0].cls = WL_CLASS_ANIMAL;
  sc.st.group_max_w = 0.0f;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_NEAR(t[0].w, 20.0, 1e-9);
  sc.st.group_max_w = 1.5f;
  t[0] = out_track(103.0, 122.0, 10.0, 4.0, 7.0);
  t[0].cls = WL_CLASS_ANIMAL;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_NEAR(t[0].w, 10.0, 1e-9);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine on a box over a group of tracked animals: on ground
 * at 283 K, sheep A (6 x 4 px, +7 K, columns 100-105, rows 120-123) and
 * sheep B (columns 110-115), each with its own 6 x 4 output box, and a
 * 20 x 4 box over both, not classed (a warm band and the two animals,
 * too long for any class), person_px 6. The group's box holds the
 * centres of two other targets' boxes, each at most group_hold_frac
 * (0.5) of its area: it is not output. Kept when classed person or
 * vehicle, with group_hold_frac 0, when it holds one target only, and
 * when the two are each other's box (IoU >= 0.5). */
TEST_IMPL(analyze_still_refine_group_over) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 100, 106, 120, 124, 700);
  scene_add(sc.px, 110, 116, 120, 124, 700);
  ASSERT_NEAR(sc.st.group_hold_frac, 0.5, 1e-6);
  wl_track_t t[3];
  size_t n = 3;
  t[0] = out_track(103.0, 122.0, 6.0, 4.0, 7.0);
  t[1] = out_track(108.0, 122.0, 20.0, 4.0, 5.0);
  t[2] = out_track(113.0, 122.0, 6.0, 4.0, 7.0);
  t[1].id = 9;
  ASSERT_EQ(refine(&sc, t, &n), 1);
  ASSERT_EQ(n, 2);
  ASSERT_EQ((int)t[0].id, 0);
  ASSERT_EQ((int)t[1].id, 0);
  ASSERT_NEAR(t[1].x, 110.0, 1e-9);
  /* A group of people or a vehicle is its own target; off. */
  for (int mode = 0; mode < 5; mode++) {
    t[0] = out_track(103.0, 122.0, 6.0, 4.0, 7.0);
    t[1] = out_track(108.0, 122.0, 20.0, 4.0, 5.0);
    t[2] = out_track(113.0, 122.0, 6.0, 4.0, 7.0);
    if (mode == 0) t[1].cls = WL_CLASS_PERSON;
    if (mode == 1) t[1].cls = WL_CLASS_VEHICLE;
    sc.st.group_hold_frac = mode == 2 ? 0.0f : 0.5f;
    if (mode == 3) t[2] = out_track(140.0, 122.0, 6.0, 4.0, 7.0);
    if (mode == 4) t[2] = out_track(103.5, 122.0, 6.0, 4.0, 7.0);
    n = 3;
    ASSERT_EQ(refine(&sc, t, &n), 0);
    ASSERT_EQ(n, 3);
    ASSERT_NEAR(t[1].w, 20.0, 1e-9);
  }
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine of a piece in a flock's blob: on ground at 283 K,
 * sheep A (5 x 4 px, +7 K, columns 100-104, rows 120-123) and sheep B
 * (+7 K, columns 106-110) joined by a +4 K column (105), person_px 6:
 * one 11 px blob at the body's half level (within refine_max_w), which
 * holds the centre of B's own 5 x 4 box. A 1 x 1 piece on A's corner
 * (A's residue, its only track) gets A's box, the blob cut at a higher
 * level until it holds no other box's centre (refine_cut 1, and 2, the
 * default); with 0 it keeps its box, as it does when the other box is
 * the blob's own (IoU >= 0.5: the same animal's track, or a box over
 * both that the cut would duplicate). */
TEST_IMPL(analyze_still_refine_cut) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 100, 105, 120, 124, 700);
  scene_add(sc.px, 105, 106, 120, 124, 400);
  scene_add(sc.px, 106, 111, 120, 124, 700);
  ASSERT_EQ(sc.st.refine_cut, 2);
  wl_track_t t[2];
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  t[1] = out_track(108.5, 122.0, 5.0, 4.0, 7.0);
  size_t n = 2;
  ASSERT_EQ(refine(&sc, t, &n), 1);
  ASSERT_EQ(n, 2);
  ASSERT_NEAR(t[0].x, 100.0, 1e-9);
  ASSERT_NEAR(t[0].y, 120.0, 1e-9);
  ASSERT_NEAR(t[0].w, 5.0, 1e-9);
  ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  ASSERT_NEAR(t[1].w, 5.0, 1e-9);
  /* Off; the other box the blob's own. */
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  sc.st.refine_cut = 0;
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  sc.st.refine_cut = 1;
  t[1] = out_track(105.5, 122.0, 11.0, 4.0, 7.0);
  ASSERT_EQ(refine(&sc, t, &n), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  ASSERT_EQ(n, 2);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine of a piece in a flock's blob that no level cuts: on
 * ground at 283 K, sheep A, B and C (4 x 4 px each, +7 K, columns
 * 100-103, 104-107 and 108-111, rows 120-123) touching, as warm as each
 * other: one 12 px blob at every level, person_px 6. B and C have their
 * own 4 x 4 boxes (their centres on the blob, neither its own: IoU
 * 0.33). A 1 x 1 piece on A's corner (A's residue, its only track) gets
 * the blob's columns left of B's box, A's box (refine_cut 2, the
 * default); with 1 (the cut alone) it keeps its box, as it does when a
 * box on the blob spans its column. */
TEST_IMPL(analyze_still_refine_cut_rest) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 100, 112, 120, 124, 700);
  ASSERT_EQ(sc.st.refine_cut, 2);
  wl_track_t t[3];
  for (int mode = 0; mode < 3; mode++) {
    /* 0: as told; 1: refine_cut 1; 2: a 5 px box across A's columns
     * 99.5-104.5 instead of B's. */
    sc.st.refine_cut = mode == 1 ? 1 : 2;
    t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
    t[1] = mode == 2 ? out_track(102.0, 122.0, 5.0, 4.0, 7.0)
                     : out_track(106.0, 122.0, 4.0, 4.0, 7.0);
    t[2] = out_track(110.0, 122.0, 4.0, 4.0, 7.0);
    size_t n = 3;
    ASSERT_EQ(refine(&sc, t, &n), (mode == 0 ? 1u : 0u));
    ASSERT_EQ(n, 3);
    ASSERT_NEAR(t[1].w, mode == 2 ? 5.0 : 4.0, 1e-9);
    if (mode != 0) {
      ASSERT_NEAR(t[0].w, 1.0, 1e-9);
      continue;
    }
    ASSERT_NEAR(t[0].x, 100.0, 1e-9);
    ASSERT_NEAR(t[0].y, 120.0, 1e-9);
    ASSERT_NEAR(t[0].w, 4.0, 1e-9);
    ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  }
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine at the frame's side: on ground at 283 K, a sheep
 * (6 x 4 px, +7 K, rows 120-123) at columns 0-5, person_px 6. A 1 x 2
 * piece at column 0 (half the blob's height: the few columns the frame
 * shows of an animal standing across its left side) keeps its box
 * (refine_side 1, refine_side_h 0.4, the defaults); with refine_side 0
 * it gets the blob's box, as it does at column 1. A 1 x 1 piece at
 * column 0 (a corner spot, a quarter of the blob's height: an animal
 * mostly in view) gets the blob's box; with refine_side_h 0 it keeps
 * its box. */
TEST_IMPL(analyze_still_refine_side) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 0, 6, 120, 124, 700);
  ASSERT_EQ(sc.st.refine_side, 1);
  ASSERT_NEAR(sc.st.refine_side_h, 0.4, 1e-6);
  wl_track_t t[1];
  t[0] = out_track(0.5, 122.0, 1.0, 2.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  t[0] = out_track(1.5, 122.0, 1.0, 2.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].x, 0.0, 1e-9);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  t[0] = out_track(0.5, 121.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].x, 0.0, 1e-9);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  sc.st.refine_side_h = 0.0f;
  t[0] = out_track(0.5, 121.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  sc.st.refine_side = 0;
  t[0] = out_track(0.5, 122.0, 1.0, 2.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine of an animal's edge column: on ground at 283 K, a
 * sheep (6 x 4 px, +7 K, columns 100-105, rows 120-123), person_px 6. A
 * 1 x 4 warm track on its right column (a piece as tall as the animal:
 * the column it has just moved onto) classed animal gets the sheep's box
 * (refine_animal_edge 1, the default); with 0, or not classed animal, it
 * spans the blob's height and keeps its box (a whole distant target). */
TEST_IMPL(analyze_still_refine_edge) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 100, 106, 120, 124, 700);
  ASSERT_EQ(sc.st.refine_animal_edge, 1);
  wl_track_t t[1];
  t[0] = out_track(105.5, 122.0, 1.0, 4.0, 2.0);
  t[0].cls = WL_CLASS_ANIMAL;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].x, 100.0, 1e-9);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  t[0] = out_track(105.5, 122.0, 1.0, 4.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  t[0].cls = WL_CLASS_ANIMAL;
  sc.st.refine_animal_edge = 0;
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  refine_scene_free(&sc);
  return 0;
}

/* wl__still_refine on warm ground: on ground at 283 K, a band 2 K warmer
 * (columns 60-159, rows 119-124) with a sheep (6 x 4 px, +7 K, columns
 * 100-105, rows 120-123) standing on it, person_px 6. At the body's half
 * level the sheep and the band are one blob that does not close; cut at a
 * higher level it is the sheep: a 1 x 1 piece on its corner gets the
 * sheep's box; on the band alone (no sheep) the piece keeps its box. */
TEST_IMPL(analyze_still_refine_fit) {
  refine_scene_t sc;
  ASSERT_EQ(refine_scene_init(&sc), 0);
  scene_add(sc.px, 60, 160, 119, 125, 200);
  scene_add(sc.px, 100, 106, 120, 124, 700);
  wl_track_t t[1];
  t[0] = out_track(100.5, 120.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 1);
  ASSERT_NEAR(t[0].x, 100.0, 1e-9);
  ASSERT_NEAR(t[0].y, 120.0, 1e-9);
  ASSERT_NEAR(t[0].w, 6.0, 1e-9);
  ASSERT_NEAR(t[0].h, 4.0, 1e-9);
  t[0] = out_track(80.5, 120.5, 1.0, 1.0, 2.0);
  ASSERT_EQ(refine(&sc, t, &(size_t){1}), 0);
  ASSERT_NEAR(t[0].w, 1.0, 1e-9);
  refine_scene_free(&sc);
  return 0;
}

/* The pipeline with the border-night camera on the simulator (tuning seed
 * 1): with sure_hits 1 (the default) tracks are output from the first
 * frame, each within 3 px of a truth box (the bird, 9 m/s, is missed in
 * frame 1 and its track coasts); with 0, nothing before the third frame. */
TEST_IMPL(analyze_still_sure_pipeline) {
  wl_err_t err;
  for (int on = 0; on < 2; on++) {
    wl_scenario_t *sc;
    ASSERT_OK(wl_scenario_load(&sc, "border-night", &err), &err);
    wl_sim_t *sim;
    ASSERT_OK(wl_sim_new(&sim, sc, 1, &err), &err);
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT_EQ(p.sure_hits, 1);
    if (!on) p.sure_hits = 0;
    wl_pipeline_t *pl;
    ASSERT_OK(wl_pipeline_new(&pl, wl_scenario_camera(sc), NULL, &p, &err),
              &err);
    wl_frame_t fr;
    wl_frame_init(&fr);
    size_t mt = wl_sim_target_count(sim);
    wl_sim_truth_t *truth = calloc(mt + 1, sizeof *truth);
    ASSERT(truth != NULL);
    for (int f = 0; f < 2; f++) {
      size_t n_truth, n;
      ASSERT_OK(wl_sim_next(sim, &fr, truth, mt, &n_truth, &err), &err);
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      const wl_track_t *t = wl_pipeline_tracks(pl, &n);
      if (!on) {
        ASSERT_EQ(n, 0);
        continue;
      }
      ASSERT(n >= 4);
      for (size_t i = 0; i < n; i++) {
        int on_truth = 0;
        for (size_t g = 0; g < n_truth && !on_truth; g++)
          on_truth = t[i].cx >= truth[g].x - 3 &&
                     t[i].cx <= truth[g].x + truth[g].w + 3 &&
                     t[i].cy >= truth[g].y - 3 &&
                     t[i].cy <= truth[g].y + truth[g].h + 3;
        ASSERT(on_truth);
      }
    }
    free(truth);
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
    wl_sim_free(sim);
    wl_scenario_free(sc);
  }
  wl_pipeline_params_t p;
  wl_pipeline_t *pl;
  wl_pipeline_default_params(&p);
  p.sure_hits = -1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  return 0;
}

/* A frozen frame (the camera repeats its last frame: an FFC shutter
 * freeze) shows what the frame it repeats showed. A person (4 x 16 px,
 * +10 K) walks right at 1 px per frame on the still scenes' ground; once
 * it is output, the last frame is repeated pixel for pixel for 12 frames.
 * With frozen_hold (the default) every repeat's output is the last
 * frame's (same ids and boxes); with 0 the track coasts on in the output
 * (its box 12 px further right at the end). Out-of-range values are
 * refused. */
TEST_IMPL(analyze_frozen_hold) {
  wl_err_t err;
  for (int on = 0; on < 2; on++) {
    wl_pipeline_params_t p;
    wl_pipeline_default_params(&p);
    ASSERT_EQ(p.frozen_hold, 1);
    p.frozen_hold = on;
    wl_pipeline_t *pl;
    wl_frame_t fr;
    ASSERT_OK(scene_open(&p, &pl, &fr, &err), &err);
    wl_track_t last[8];
    size_t n_last = 0, n;
    int f = 0;
    for (; f < 120 && n_last == 0; f++) {
      scene_ground(fr.data, f);
      scene_add(fr.data, 40 + f, 44 + f, 112, 128, 1000);
      radiometric_frame_at(&fr, f);
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      const wl_track_t *t = wl_pipeline_tracks(pl, &n);
      if (n > 0 && n <= 8) {
        memcpy(last, t, n * sizeof *t);
        n_last = n;
      }
    }
    ASSERT_EQ(n_last, 1);
    const wl_track_t *t = NULL;
    for (int k = 0; k < 12; k++, f++) {
      radiometric_frame_at(&fr, f); /* the same pixels, a later time */
      ASSERT_OK(wl_pipeline_process(pl, &fr, &err), &err);
      ASSERT_EQ(wl_pipeline_preprocess_result(pl)->frozen, 1);
      t = wl_pipeline_tracks(pl, &n);
      ASSERT_EQ(n, 1);
      ASSERT_EQ(t[0].id, last[0].id);
      if (on) {
        ASSERT_DBL_(t[0].x, ==, last[0].x);
        ASSERT_DBL_(t[0].y, ==, last[0].y);
        ASSERT_DBL_(t[0].w, ==, last[0].w);
        ASSERT_DBL_(t[0].h, ==, last[0].h);
      }
    }
    fprintf(stderr, "frozen_hold %d: box x %.2f before the freeze, %.2f "
            "after 12 frozen frames\n", on, last[0].x, t[0].x);
    if (!on) ASSERT_DBL_GT(t[0].x, last[0].x + 8.0);
    wl_frame_release(&fr);
    wl_pipeline_free(pl);
  }
  wl_pipeline_params_t p;
  wl_pipeline_t *pl;
  wl_pipeline_default_params(&p);
  p.frozen_hold = 2;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  p.frozen_hold = -1;
  ASSERT_EQ(wl_pipeline_new(&pl, NULL, NULL, &p, &err), WL_EINVAL);
  return 0;
}

/* Sub-pixel blob boxes: a person 3.5 x 10.5 px (+10 K; its edge pixels
 * partly covered) on the ground of the still scenes. With the motion
 * detector's view set (wl__still_t.motion, .frame) the search's blob box
 * has every edge within 0.2 px of the truth; without, whole pixels (the
 * half-covered edges 0.5 px off). A parked car with a hot engine (30 x 10
 * px) keeps its whole box (its level is its body's), and a blob wider
 * than sub_max_w person heights keeps whole pixels. */
TEST_IMPL(analyze_still_subpixel) {
  wl_err_t err;
  wl_frame_t fr;
  wl_frame_init(&fr);
  ASSERT_OK(wl_frame_alloc(&fr, 320, 256, &err), &err);
  fr.bit_depth = 16;
  fr.radiometry = wl_radiometry_centikelvin();
  scene_ground(fr.data, 0);
  const double X0 = 100.25, X1 = 103.75, Y0 = 100.5, Y1 = 111.0;
  for (int y = 96; y < 116; y++)
    for (int x = 96; x < 108; x++) {
      double cx = fmin(x + 1.0, X1) - fmax((double)x, X0);
      double cy = fmin(y + 1.0, Y1) - fmax((double)y, Y0);
      if (cx > 0 && cy > 0)
        fr.data[y * 320 + x] = (uint16_t)(fr.data[y * 320 + x] +
                                          (int)lround(1000.0 * cx * cy));
    }
  scene_add(fr.data, 205, 235, 145, 155, 700);
  scene_add(fr.data, 212, 218, 147, 151, 3000);
  wl_motion_t *m;
  ASSERT_OK(wl_motion_new(&m, 320, 256, NULL, &err), &err);
  float person[256];
  for (int mode = 0; mode < 3; mode++) { /* whole, sub-pixel, too wide */
    wl__still_t st;
    ASSERT_OK(wl__still_init(&st, 320, 256, 16, &err), &err);
    if (mode > 0) {
      st.motion = m;
      st.frame = &fr;
    }
    if (mode == 2) {
      for (int y = 0; y < 256; y++) person[y] = 2.0f; /* 3.5 px: too wide */
      st.person_px = person;
    }
    wl__still_search(&st, fr.data, 320, 256, 3.0, 0.01);
    int found = 0, car = 0;
    for (int k = 0; k < st.n_found; k++) {
      const wl_detection_t *d = &st.found[k];
      if (!st.found_ok[k]) continue;
      if (fabs(d->cx - 220) < 5 && fabs(d->cy - 150) < 5) {
        car++;
        ASSERT_NEAR(d->w, 30.0, 0.01);
        ASSERT_NEAR(d->h, 10.0, 0.01);
        continue;
      }
      if (fabs(d->cx - 102) > 2 || fabs(d->cy - 106) > 2) continue;
      found++;
      double el = d->x - X0, er = d->x + d->w - X1;
      double et = d->y - Y0, eb = d->y + d->h - Y1;
      fprintf(stderr, "mode %d: box %.2f %.2f %.2f %.2f, edges %+.2f %+.2f "
              "%+.2f %+.2f\n", mode, d->x, d->y, d->w, d->h, el, er, et, eb);
      if (mode == 1) {
        ASSERT(fabs(el) < 0.2 && fabs(er) < 0.2 && fabs(et) < 0.2 &&
               fabs(eb) < 0.2);
      } else {
        ASSERT_EQ(d->x, floor(d->x));
        ASSERT_EQ(d->w, floor(d->w));
        ASSERT(fabs(el) + fabs(er) + fabs(et) + fabs(eb) >= 1.0);
      }
    }
    ASSERT_EQ(found, 1);
    ASSERT_EQ(car, 1);
    wl__still_free(&st);
  }
  wl_motion_free(m);
  wl_frame_release(&fr);
  return 0;
}
