/*
 * cmd_sim.c - `watchline sim`: render a scenario to frames plus exact
 * ground truth.
 *
 * Writes OUT/frames (numbered 16-bit PGM by default, or any sink format),
 * OUT/gt.txt (MOT Challenge: frame,id,x,y,w,h,1,class,visibility with
 * 1-based pixel coordinates), OUT/gt_geo.csv (frame,id,class,lat,lon) and
 * OUT/camera.json. Formats: docs/FORMATS.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"
#include "sim_render.h"
#include "watchline/sim.h"
#include "watchline/sink.h"
#include "watchline/snapshot.h"

static const char USAGE[] =
    "usage: watchline sim --scenario NAME|FILE [--seed N] [--frames N]\n"
    "                     [--out DIR] [--format pgm|png|tiff|raw|mkv]\n"
    "       watchline sim --list\n"
    "\n"
    "Render a simulated thermal camera scenario with exact ground truth:\n"
    "  DIR/frames/000001.pgm ...  16-bit radiometric frames (centikelvin)\n"
    "                             (frames.y16 for raw, frames.mkv for mkv)\n"
    "  DIR/gt.txt                 frame,id,x,y,w,h,1,class,visibility\n"
    "  DIR/gt_geo.csv             frame,id,class,lat,lon\n"
    "  DIR/camera.json            the camera model\n"
    "\n"
    "options:\n"
    "  --scenario NAME|FILE  a built-in preset (see --list) or a scenario JSON\n"
    "  --seed N              random seed (default 1); same seed, same output\n"
    "  --frames N            number of frames (default 300)\n"
    "  --out DIR             output directory (default sim-out)\n"
    "  --format F            frame format (default pgm)\n"
    "  --snapshots S         also write DIR/snapshot-NNNNNN.png (ironbow) every\n"
    "                        S seconds of video\n"
    "  --list                list the built-in presets\n";

static int parse_args(int argc, char **argv, sim_args_t *a) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int has_value = i + 1 < argc;
    long v;
    if (strcmp(arg, "--list") == 0) {
      a->list = 1;
    } else if (strcmp(arg, "--scenario") == 0 && has_value) {
      a->scenario = argv[++i];
    } else if (strcmp(arg, "--out") == 0 && has_value) {
      a->out = argv[++i];
    } else if (strcmp(arg, "--seed") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 0, 0x7fffffffL, &v))
        return cli_usage_error(&cmd_sim, "--seed %s: expected 0..2147483647", argv[i]);
      a->seed = (unsigned long long)v;
    } else if (strcmp(arg, "--frames") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 1, 100000000L, &a->frames))
        return cli_usage_error(&cmd_sim, "--frames %s: expected 1..100000000", argv[i]);
    } else if (strcmp(arg, "--snapshots") == 0 && has_value) {
      if (cli_parse_double(argv[++i], &a->snapshot_every_s) || a->snapshot_every_s <= 0)
        return cli_usage_error(&cmd_sim, "--snapshots %s: expected seconds > 0", argv[i]);
    } else if (strcmp(arg, "--format") == 0 && has_value) {
      if (wl_format_parse(argv[++i], &a->format) != WL_OK)
        return cli_usage_error(&cmd_sim, "--format %s: unknown format", argv[i]);
    } else {
      return cli_usage_error(&cmd_sim, "unknown argument or missing value: %s", arg);
    }
  }
  if (!a->scenario && !a->list) return cli_usage_error(&cmd_sim, "--scenario is needed");
  return 0;
}

/* The sink path for the frames of format f inside dir. */
static void frames_path(char *buf, size_t cap, const char *dir, wl_format_t f) {
  if (f == WL_FORMAT_RAW) snprintf(buf, cap, "%s/frames.y16", dir);
  else if (f == WL_FORMAT_MKV) snprintf(buf, cap, "%s/frames.mkv", dir);
  else snprintf(buf, cap, "%s/frames/", dir);
}

static int write_truth(FILE *gt, FILE *geo, long frame_no,
                       const wl_sim_truth_t *t, size_t n) {
  for (size_t k = 0; k < n; k++) {
    /* A box clipped to a sliver at the image edge (under 0.01 px) shows
     * nothing; leaving it out keeps every row's w and h positive. */
    if (t[k].w < 0.01 || t[k].h < 0.01) continue;
    /* MOT Challenge coordinates are 1-based: pixel (0,0)'s corner is 1,1. */
    fprintf(gt, "%ld,%d,%.2f,%.2f,%.2f,%.2f,1,%d,%.3f\n", frame_no, t[k].id,
            t[k].x + 1.0, t[k].y + 1.0, t[k].w, t[k].h, (int)t[k].cls,
            t[k].visibility);
    fprintf(geo, "%ld,%d,%d,%.7f,%.7f\n", frame_no, t[k].id, (int)t[k].cls,
            t[k].lat, t[k].lon);
  }
  return ferror(gt) || ferror(geo) ? -1 : 0;
}

static int write_snapshot(const char *dir, long frame_no, const wl_frame_t *f,
                          wl_err_t *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/snapshot-%06ld.png", dir, frame_no);
  FILE *fp = fopen(path, "wb");
  if (!fp) return wl_fail(err, WL_EIO, "%s: cannot create: %s", path, strerror(errno));
  int rc = wl_snapshot_write_png(fp, path, f, WL_PALETTE_IRONBOW, err);
  if (fclose(fp) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s: cannot write: %s", path, strerror(errno));
  return rc;
}

void sim_args_default(sim_args_t *a) {
  memset(a, 0, sizeof *a);
  a->out = "sim-out";
  a->seed = 1;
  a->frames = 300;
  a->format = WL_FORMAT_PGM;
}

int sim_render(const sim_args_t *args, const char *cmd) {
  sim_args_t a = *args;

  wl_err_t err;
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  wl_sink_t *sink = NULL;
  FILE *gt = NULL, *geo = NULL;
  wl_sim_truth_t *truth = NULL;
  wl_frame_t frame;
  wl_frame_init(&frame);
  int status = EXIT_RUNTIME;

  if (wl_mkdir_p(a.out, &err) != WL_OK) goto fail;
  if (wl_scenario_load(&sc, a.scenario, &err) != WL_OK) goto fail;
  if (wl_sim_new(&sim, sc, a.seed, &err) != WL_OK) goto fail;
  const wl_camera_t *cam = wl_scenario_camera(sc);
  char path[4096];
  snprintf(path, sizeof path, "%s/camera.json", a.out);
  if (wl_camera_save(cam, path, &err) != WL_OK) goto fail;

  wl_sink_opts_t so;
  wl_sink_default_opts(&so);
  so.format = a.format;
  so.fps = cam->fps;
  frames_path(path, sizeof path, a.out, a.format);
  if (wl_sink_open(&sink, path, &so, &err) != WL_OK) goto fail;
  if (!(gt = cli_create_in(a.out, "gt.txt", &err))) goto fail;
  if (!(geo = cli_create_in(a.out, "gt_geo.csv", &err))) goto fail;
  fputs("frame,id,class,lat,lon\n", geo);

  size_t max_truth = wl_sim_target_count(sim);
  truth = calloc(max_truth ? max_truth : 1, sizeof *truth);
  if (!truth) {
    wl_fail(&err, WL_ENOMEM, "out of memory for %zu targets", max_truth);
    goto fail;
  }
  long snap_every = 0;
  int snapshots = 0;
  if (a.snapshot_every_s > 0) {
    snap_every = (long)(a.snapshot_every_s * cam->fps + 0.5);
    if (snap_every < 1) snap_every = 1;
  }
  progress_t prog;
  progress_start(&prog, cmd, a.frames);
  for (long f = 1; f <= a.frames; f++) {
    size_t n = 0;
    if (wl_sim_next(sim, &frame, truth, max_truth, &n, &err) != WL_OK) goto fail;
    if (wl_sink_write(sink, &frame, &err) != WL_OK) goto fail;
    if (write_truth(gt, geo, f, truth, n)) {
      wl_fail(&err, WL_EIO, "%s: cannot write ground truth", a.out);
      goto fail;
    }
    if (snap_every > 0 && (f == 1 || f % snap_every == 0)) {
      if (write_snapshot(a.out, f, &frame, &err) != WL_OK) goto fail;
      snapshots++;
    }
    progress_update(&prog, f);
  }
  progress_done(&prog);
  wl_sink_t *done = sink;
  sink = NULL;
  if (wl_sink_close(done, &err) != WL_OK) goto fail;
  if (fclose(gt) || fclose(geo)) {
    gt = geo = NULL;
    wl_fail(&err, WL_EIO, "%s: cannot write ground truth", a.out);
    goto fail;
  }
  gt = geo = NULL;
  frames_path(path, sizeof path, a.out, a.format);
  printf("%s: %s, seed %llu: %ld frames %dx%d at %g fps, %u FFC\n", cmd,
         a.scenario, a.seed, a.frames, cam->width, cam->height, cam->fps,
         wl_sim_ffc_count(sim));
  printf("  frames:       %s\n  ground truth: %s/gt.txt, %s/gt_geo.csv\n"
         "  camera:       %s/camera.json\n", path, a.out, a.out, a.out);
  if (snapshots)
    printf("  snapshots:    %s/snapshot-*.png (%d, ironbow)\n", a.out, snapshots);
  status = EXIT_OK;
  goto out;
fail:
  cli_error(EXIT_RUNTIME, cmd, "%s", err.msg);
out:
  if (sink) wl_sink_close(sink, NULL);
  if (gt) fclose(gt);
  if (geo) fclose(geo);
  free(truth);
  wl_frame_release(&frame);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return status;
}

static int run(int argc, char **argv) {
  sim_args_t a;
  sim_args_default(&a);
  if (parse_args(argc, argv, &a)) return EXIT_USAGE;
  if (a.list) {
    for (const char *const *p = wl_sim_presets(); *p; p++) puts(*p);
    return EXIT_OK;
  }
  return sim_render(&a, "sim");
}

const wl_cmd_t cmd_sim = {"sim", "render a simulated thermal scenario with ground truth",
                          USAGE, run};
