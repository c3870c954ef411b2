/*
 * cmd_convert.c - `watchline convert INPUT OUTPUT`: frames from any source
 * to any sink (16-bit PGM/PNG/TIFF, raw Y16, FFV1 video, colour snapshots).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "input_opts.h"
#include "watchline/sink.h"
#include "watchline/source.h"

static const char USAGE[] =
    "usage: watchline convert INPUT OUTPUT [options]\n"
    "\n"
    "Convert frames between formats. OUTPUT is chosen by its name:\n"
    "  DIR/ or an existing directory   numbered files 000001.pgm ... (--format)\n"
    "  NAME%06d.png                    numbered files from a printf pattern\n"
    "  x.pgm x.png x.tif               one image (INPUT must hold one frame)\n"
    "  x.y16 x.raw -                   raw little-endian Y16 stream\n"
    "  x.mkv                           lossless FFV1 16-bit video\n"
    "\n"
    "options:\n"
    "  --format pgm|png|tiff|raw|mkv   format of numbered files (default pgm)\n"
    "  --palette white-hot|ironbow     write colour-mapped 8-bit PNG snapshots\n"
    "  --start N                       skip the first N frames\n"
    "  --frames N                      convert at most N frames\n"
    "\n" INPUT_OPTS_HELP;

typedef struct convert_args {
  const char *input, *output;
  wl_source_opts_t in;
  wl_sink_opts_t out;
  long start, max_frames;
} convert_args_t;

static int parse_args(int argc, char **argv, convert_args_t *a) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int used = input_opts_parse(&cmd_convert, argc, argv, i, &a->in);
    if (used < 0) return -1;
    if (used > 0) { i += used - 1; continue; }
    int has_value = i + 1 < argc;
    if (strcmp(arg, "--format") == 0 && has_value) {
      if (wl_format_parse(argv[++i], &a->out.format) != WL_OK)
        return cli_usage_error(&cmd_convert, "--format %s: unknown format", argv[i]), -1;
    } else if (strcmp(arg, "--palette") == 0 && has_value) {
      if (wl_palette_parse(argv[++i], &a->out.palette) != WL_OK)
        return cli_usage_error(&cmd_convert, "--palette %s: unknown palette", argv[i]), -1;
    } else if (strcmp(arg, "--start") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 0, 1L << 40, &a->start))
        return cli_usage_error(&cmd_convert, "--start %s: expected a count", argv[i]), -1;
    } else if (strcmp(arg, "--frames") == 0 && has_value) {
      if (cli_parse_long(argv[++i], 1, 1L << 40, &a->max_frames))
        return cli_usage_error(&cmd_convert, "--frames %s: expected a count", argv[i]), -1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      return cli_usage_error(&cmd_convert, "unknown option or missing value: %s", arg), -1;
    } else if (!a->input) {
      a->input = arg;
    } else if (!a->output) {
      a->output = arg;
    } else {
      return cli_usage_error(&cmd_convert, "too many arguments: %s", arg), -1;
    }
  }
  if (!a->input || !a->output)
    return cli_usage_error(&cmd_convert, "INPUT and OUTPUT are needed"), -1;
  return 0;
}

static int run(int argc, char **argv) {
  convert_args_t a = {0};
  wl_source_default_opts(&a.in);
  wl_sink_default_opts(&a.out);
  a.max_frames = -1;
  if (parse_args(argc, argv, &a)) return EXIT_USAGE;

  wl_err_t err;
  wl_source_t *src = NULL;
  wl_sink_t *sink = NULL;
  wl_frame_t frame;
  wl_frame_init(&frame);
  int status = EXIT_RUNTIME;
  if (wl_source_open(&src, a.input, &a.in, &err) != WL_OK) goto fail;
  if (a.out.fps <= 0) a.out.fps = wl_source_info(src)->fps;
  if (wl_sink_open(&sink, a.output, &a.out, &err) != WL_OK) goto fail;

  long read = 0, written = 0;
  int rc = WL_EOF;
  while ((a.max_frames < 0 || written < a.max_frames) &&
         (rc = wl_source_next(src, &frame, &err)) == WL_OK) {
    if (read++ < a.start) continue;
    if (wl_sink_write(sink, &frame, &err) != WL_OK) goto fail;
    written++;
  }
  if (a.max_frames >= 0 && written == a.max_frames) rc = WL_EOF;
  if (rc != WL_EOF) goto fail;
  wl_sink_t *done = sink;
  sink = NULL;
  if (wl_sink_close(done, &err) != WL_OK) goto fail;
  fprintf(stderr, "watchline: convert: wrote %ld frame%s to %s\n", written,
          written == 1 ? "" : "s", a.output);
  status = EXIT_OK;
  goto out;
fail:
  cli_error(EXIT_RUNTIME, "convert", "%s", err.msg);
out:
  if (sink) wl_sink_close(sink, NULL);
  wl_source_close(src);
  wl_frame_release(&frame);
  return status;
}

const wl_cmd_t cmd_convert = {"convert", "convert frames between formats",
                              USAGE, run};
