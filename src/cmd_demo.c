/*
 * cmd_demo.c - `watchline demo`: the first thing a new user runs.
 *
 * For now (before the analytics and the command center exist) it renders a
 * built-in scenario with the simulator -- lossless 16-bit video, ground
 * truth, the camera model and an ironbow snapshot every 5 s of video -- and
 * prints where everything went.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim_render.h"

static const char USAGE[] =
    "usage: watchline demo [--out DIR] [--scenario NAME|FILE] [--frames N]\n"
    "                      [--seed N]\n"
    "\n"
    "Render a simulated border scene (default: the border-night preset, 300\n"
    "frames) into DIR (default demo-out): lossless 16-bit video, ground truth,\n"
    "the camera model, and ironbow snapshots to look at.\n";

static int run(int argc, char **argv) {
  sim_args_t a;
  sim_args_default(&a);
  a.out = "demo-out";
  a.scenario = "border-night";
  a.format = WL_FORMAT_MKV;
  a.snapshot_every_s = 5.0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int has_value = i + 1 < argc;
    long v;
    if (strcmp(arg, "--out") == 0 && has_value) {
      a.out = argv[++i];
    } else if (strcmp(arg, "--scenario") == 0 && has_value) {
      a.scenario = argv[++i];
    } else if (strcmp(arg, "--frames") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 1, 1000000, &a.frames))
        return cli_usage_error(&cmd_demo, "--frames %s: expected 1..1000000", argv[i]);
    } else if (strcmp(arg, "--seed") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 0, 0x7fffffffL, &v))
        return cli_usage_error(&cmd_demo, "--seed %s: expected 0..2147483647", argv[i]);
      a.seed = (unsigned long long)v;
    } else {
      return cli_usage_error(&cmd_demo, "unknown argument or missing value: %s", arg);
    }
  }
  int rc = sim_render(&a, "demo");
  if (rc == EXIT_OK)
    printf("next: watchline info %s/frames.mkv\n"
           "      watchline sim --list    (the other scenarios)\n", a.out);
  return rc;
}

const wl_cmd_t cmd_demo = {"demo", "run the demonstration (a simulated border scene)",
                           USAGE, run};
