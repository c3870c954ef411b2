/*
 * test-cli.c - the watchline program as a user runs it: help, version,
 * exit codes, the error format, and sim -> info -> convert end to end.
 */
#include <stdlib.h>

#include "task.h"

static char out[1 << 16];

#define WL(...) test_run(out, sizeof out, __VA_ARGS__)

TEST_IMPL(cli_help_version_exit_codes) {
  const char *bin = test_watchline_bin();
  ASSERT_EQ(WL("'%s' --version", bin), 0);
  ASSERT_STR_CONTAINS(out, "watchline 0.");
  ASSERT_EQ(WL("'%s' help", bin), 0);
  ASSERT_STR_CONTAINS(out, "sim");
  ASSERT_STR_CONTAINS(out, "convert");
  ASSERT_EQ(WL("'%s' help info", bin), 0);
  ASSERT_STR_CONTAINS(out, "usage: watchline info");
  const char *cmds[] = {"info", "convert", "sim", "demo", "detect", "eval"};
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    ASSERT_EQ(WL("'%s' %s --help", bin, cmds[i]), 0);
    ASSERT_STR_CONTAINS(out, "usage: watchline");
  }
  /* Usage errors: exit 2, `watchline: CMD: ...` on stderr. */
  ASSERT_EQ(WL("'%s'", bin), 2);
  ASSERT_EQ(WL("'%s' frobnicate", bin), 2);
  ASSERT_STR_CONTAINS(out, "watchline: frobnicate: no such command");
  ASSERT_EQ(WL("'%s' info", bin), 2);
  ASSERT_STR_CONTAINS(out, "watchline: info: usage:");
  ASSERT_EQ(WL("'%s' info x.pgm --bogus", bin), 2);
  ASSERT_EQ(WL("'%s' sim --scenario border-night --frames -3", bin), 2);
  ASSERT_EQ(WL("'%s' convert in.y16 out.pgm --size 640by512", bin), 2);
  /* Runtime errors: exit 1, WHAT: WHY. */
  ASSERT_EQ(WL("'%s' info /nonexistent/frames.pgm", bin), 1);
  ASSERT_STR_CONTAINS(out, "watchline: info: /nonexistent/frames.pgm");
  ASSERT_EQ(WL("'%s' sim --scenario no-such-preset --out '%s'", bin, test_tmpdir()), 1);
  ASSERT_STR_CONTAINS(out, "watchline: sim: ");
  ASSERT_STR_CONTAINS(out, "no-such-preset");
  return 0;
}

/* The acceptance commands: sim border-night 300 frames, then info. */
TEST_IMPL(cli_sim_then_info) {
  const char *bin = test_watchline_bin();
  const char *d = test_path(test_tmpdir(), "d");
  ASSERT_EQ(WL("'%s' sim --scenario border-night --seed 1 --frames 300 --out '%s'",
               bin, d), 0);
  ASSERT_STR_CONTAINS(out, "gt.txt");
  ASSERT_EQ(WL("'%s' info '%s/frames'", bin, d), 0);
  ASSERT_STR_CONTAINS(out, "frames:      300");
  ASSERT_STR_CONTAINS(out, "bit depth:   16");
  ASSERT_STR_CONTAINS(out, "radiometric: yes");
  ASSERT_STR_CONTAINS(out, "temperature:");
  /* gt.txt: MOT rows with 9 fields, frames 1..300, classes 1..4. */
  char path[4096];
  snprintf(path, sizeof path, "%s/gt.txt", d);
  FILE *fp = fopen(path, "r");
  ASSERT(fp != NULL);
  long rows = 0, max_frame = 0;
  int frame, id, cls, one;
  double x, y, w, h, vis;
  while (fscanf(fp, "%d,%d,%lf,%lf,%lf,%lf,%d,%d,%lf\n", &frame, &id, &x, &y,
                &w, &h, &one, &cls, &vis) == 9) {
    rows++;
    ASSERT(frame >= 1 && frame <= 300);
    ASSERT(cls >= 1 && cls <= 4);
    ASSERT_EQ(one, 1);
    ASSERT(w > 0 && h > 0 && vis > 0 && vis <= 1);
    max_frame = frame > max_frame ? frame : max_frame;
  }
  ASSERT(feof(fp));
  fclose(fp);
  ASSERT_GT(rows, 300);
  ASSERT_EQ(max_frame, 300);
  snprintf(path, sizeof path, "%s/gt_geo.csv", d);
  ASSERT_EQ(WL("head -1 '%s'", path), 0);
  ASSERT_STR_CONTAINS(out, "frame,id,class,lat,lon");
  ASSERT_EQ(WL("'%s' info '%s/frames/000001.pgm'", bin, d), 0);
  ASSERT_STR_CONTAINS(out, "size:        640x512");
  return 0;
}

/* convert between formats through the program, bit-exact where lossless. */
TEST_IMPL(cli_convert_round_trip) {
  const char *bin = test_watchline_bin();
  const char *dir = test_tmpdir();
  ASSERT_EQ(WL("'%s' sim --scenario border-day --seed 3 --frames 12 --out '%s/s'",
               bin, dir), 0);
  ASSERT_EQ(WL("cd '%s' && '%s' convert s/frames v.mkv && '%s' convert v.mkv r.y16"
               " && '%s' convert r.y16 png/ --size 640x512 --format png"
               " && '%s' convert png p2/ && '%s' convert p2 t/ --format tiff"
               " && '%s' convert t back/",
               dir, bin, bin, bin, bin, bin, bin), 0);
  ASSERT_EQ(WL("cd '%s' && cmp s/frames/000001.pgm back/000001.pgm && "
               "cmp s/frames/000012.pgm back/000012.pgm && ls back | wc -l", dir), 0);
  ASSERT_STR_CONTAINS(out, "12");
  ASSERT_EQ(WL("cd '%s' && '%s' convert s/frames one.png --start 5 --frames 1 "
               "--palette ironbow && od -An -tx1 -j24 -N2 one.png", dir, bin), 0);
  ASSERT_STR_CONTAINS(out, "08 02"); /* IHDR: 8-bit depth, RGB colour type */
  /* A single-image output refuses a second frame. */
  ASSERT_EQ(WL("cd '%s' && '%s' convert s/frames single.pgm", dir, bin), 1);
  ASSERT_STR_CONTAINS(out, "watchline: convert: ");
  return 0;
}

TEST_IMPL(cli_demo_runs) {
  const char *bin = test_watchline_bin();
  const char *d = test_path(test_tmpdir(), "demo");
  ASSERT_EQ(WL("'%s' demo --frames 60 --out '%s'", bin, d), 0);
  ASSERT_STR_CONTAINS(out, "frames.mkv");
  ASSERT_EQ(WL("'%s' info '%s/frames.mkv'", bin, d), 0);
  ASSERT_STR_CONTAINS(out, "frames:      60");
  ASSERT_EQ(WL("ls '%s'/snapshot-*.png | wc -l", d), 0);
  ASSERT(atoi(out) >= 1);
  return 0;
}
