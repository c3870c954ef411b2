/*
 * cmd_analyze.c - `watchline analyze INPUT`: the whole camera pipeline
 * (preprocess, detect, track, classify) on any input the sources read.
 *
 * Writes DIR/tracks.txt (MOT Challenge: frame,id,x,y,w,h,conf,-1,-1,-1,
 * 1-based pixel coordinates, confirmed tracks only) and DIR/tracks.jsonl
 * (one JSON object per confirmed track per frame). Formats:
 * docs/FORMATS.md. The tracks pass through a reporter (report.h): a track
 * is written once it has persisted, so frames are written in input order
 * a fixed lag behind the input, and the held ones at the end.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "input_opts.h"
#include "progress.h"
#include "watchline/camera.h"
#include "watchline/pipeline.h"
#include "watchline/report.h"
#include "watchline/sink.h"
#include "watchline/source.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static const char USAGE[] =
    "usage: watchline analyze INPUT [--camera camera.json] [--out DIR]\n"
    "                         [--frames N] [--persist N] [input options]\n"
    "\n"
    "Detect, track and classify what moves in INPUT (any input that\n"
    "`watchline info` reads). Writes:\n"
    "  DIR/tracks.txt    frame,id,x,y,w,h,conf,-1,-1,-1 (MOT Challenge)\n"
    "  DIR/tracks.jsonl  one line per confirmed track per frame\n"
    "\n"
    "options:\n"
    "  --camera FILE   camera.json: physical size and speed for classification\n"
    "  --out DIR       output directory (default analyze-out)\n"
    "  --frames N      analyse at most N frames\n"
    "  --persist N     write a track only once it has been output in N\n"
    "                  frames; every frame is written N - 1 frames late\n"
    "                  (default " STRINGIFY(WL_REPORT_PERSIST_DEFAULT)
    "; 0: every confirmed track at once)\n"
    "\n" INPUT_OPTS_HELP;

typedef struct analyze_args {
  const char *input, *camera, *out;
  long max_frames;
  wl_report_params_t report;
  wl_source_opts_t in;
} analyze_args_t;

static int parse_args(int argc, char **argv, analyze_args_t *a) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int used = input_opts_parse(&cmd_analyze, argc, argv, i, &a->in);
    if (used < 0) return -1;
    if (used > 0) { i += used - 1; continue; }
    int has_value = i + 1 < argc;
    if (strcmp(arg, "--camera") == 0 && has_value) {
      a->camera = argv[++i];
    } else if (strcmp(arg, "--out") == 0 && has_value) {
      a->out = argv[++i];
    } else if (strcmp(arg, "--persist") == 0 && has_value) {
      long v;
      if (cli_parse_long(argv[++i], 0, WL_REPORT_MAX_PERSIST, &v))
        return cli_usage_error(&cmd_analyze, "--persist %s: expected 0..%d",
                               argv[i], WL_REPORT_MAX_PERSIST), -1;
      a->report.persist_frames = (int)v;
    } else if (strcmp(arg, "--frames") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 1, 1L << 40, &a->max_frames))
        return cli_usage_error(&cmd_analyze, "--frames %s: expected a count", argv[i]), -1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return cli_usage_error(&cmd_analyze, "unknown option or missing value: %s", arg), -1;
    } else if (!a->input) {
      a->input = arg;
    } else {
      return cli_usage_error(&cmd_analyze, "one INPUT only: %s", arg), -1;
    }
  }
  if (!a->input) return cli_usage_error(&cmd_analyze, "INPUT is missing"), -1;
  return 0;
}

/* Track confidence from its log-likelihood ratio score: 1 - e^(-score/20). */
static double track_conf(const wl_track_t *t) {
  return t->score > 0 ? 1.0 - exp(-t->score / 20.0) : 0.0;
}

static void write_tracks(FILE *mot, FILE *jsonl, const wl_report_frame_t *e) {
  const wl_track_t *t = e->tracks;
  long frame_no = (long)e->frame;
  for (size_t k = 0; k < e->n; k++) {
    fprintf(mot, "%ld,%llu,%.2f,%.2f,%.2f,%.2f,%.3f,-1,-1,-1\n", frame_no,
            (unsigned long long)t[k].id, t[k].x + 1.0, t[k].y + 1.0, t[k].w,
            t[k].h, track_conf(&t[k]));
    fprintf(jsonl,
            "{\"frame\":%ld,\"t\":%.3f,\"id\":%llu,\"bbox\":[%.2f,%.2f,%.2f,%.2f],"
            "\"class\":\"%s\",\"conf\":%.3f,\"vx\":%.2f,\"vy\":%.2f,"
            "\"snr\":%.1f,\"state\":\"%s\"}\n",
            frame_no, (double)e->t_ns * 1e-9, (unsigned long long)t[k].id,
            t[k].x, t[k].y, t[k].w, t[k].h, wl_class_name(t[k].cls),
            t[k].cls_conf, t[k].vx, t[k].vy, t[k].snr,
            t[k].misses ? "coasting" : "tracked");
  }
}

static int run(int argc, char **argv) {
  analyze_args_t a = {NULL, NULL, "analyze-out", -1, {0}, {0}};
  wl_report_default_params(&a.report);
  wl_source_default_opts(&a.in);
  if (parse_args(argc, argv, &a)) return EXIT_USAGE;

  wl_err_t err;
  wl_camera_t cam;
  wl_source_t *src = NULL;
  wl_pipeline_t *pl = NULL;
  wl_reporter_t *rep = NULL;
  FILE *mot = NULL, *jsonl = NULL;
  wl_frame_t frame;
  wl_frame_init(&frame);
  int status = EXIT_RUNTIME;

  if (a.camera && wl_camera_load(&cam, a.camera, &err) != WL_OK) goto fail;
  if (wl_source_open(&src, a.input, &a.in, &err) != WL_OK) goto fail;
  if (wl_pipeline_new(&pl, a.camera ? &cam : NULL, NULL, NULL, &err) != WL_OK)
    goto fail;
  if (wl_reporter_new(&rep, &a.report, &err) != WL_OK) goto fail;
  if (wl_mkdir_p(a.out, &err) != WL_OK) goto fail;
  if (!(mot = cli_create_in(a.out, "tracks.txt", &err))) goto fail;
  if (!(jsonl = cli_create_in(a.out, "tracks.jsonl", &err))) goto fail;

  progress_t prog;
  long total = wl_source_info(src)->frame_count;
  if (a.max_frames > 0 && (total < 0 || total > a.max_frames)) total = a.max_frames;
  progress_start(&prog, "analyze", total);
  long frame_no = 0;
  int rc = WL_OK;
  wl_report_frame_t held;
  while ((a.max_frames < 0 || frame_no < a.max_frames) &&
         (rc = wl_source_next(src, &frame, &err)) == WL_OK) {
    frame_no++;
    if (wl_pipeline_process(pl, &frame, &err) != WL_OK) goto fail;
    size_t n;
    const wl_track_t *tracks = wl_pipeline_tracks(pl, &n);
    int got = wl_reporter_push(rep, frame_no, frame.t_ns, tracks, n, &held,
                               &err);
    if (got < 0) goto fail;
    if (got) write_tracks(mot, jsonl, &held);
    progress_update(&prog, frame_no);
  }
  progress_done(&prog);
  if (rc != WL_OK && rc != WL_EOF) goto fail;
  while (wl_reporter_flush(rep, &held)) write_tracks(mot, jsonl, &held);
  int werr = ferror(mot) || ferror(jsonl);
  werr |= fclose(mot) != 0;
  werr |= fclose(jsonl) != 0;
  mot = jsonl = NULL;
  if (werr) {
    wl_fail(&err, WL_EIO, "%s: cannot write the track files", a.out);
    goto fail;
  }
  if (cli_stderr_is_tty())
    fprintf(stderr, "analyze: %ld frames, %u FFC; tracks in %s/tracks.txt and "
            "%s/tracks.jsonl\n", frame_no, wl_pipeline_ffc_count(pl), a.out, a.out);
  status = EXIT_OK;
  goto out;
fail:
  cli_error(EXIT_RUNTIME, "analyze", "%s", err.msg);
out:
  if (mot) fclose(mot);
  if (jsonl) fclose(jsonl);
  wl_reporter_free(rep);
  wl_pipeline_free(pl);
  wl_source_close(src);
  wl_frame_release(&frame);
  return status;
}

const wl_cmd_t cmd_analyze = {"analyze", "detect, track and classify moving objects",
                              USAGE, run};
