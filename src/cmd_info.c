/*
 * cmd_info.c - `watchline info INPUT`: what an input holds.
 *
 * Prints size, frame count, fps, bit depth and, for radiometric input, the
 * temperature range in degrees Celsius over all frames. Radiometric input
 * is read in full (the range needs every pixel); other input is only counted
 * (demuxed, for video).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input_opts.h"
#include "watchline/source.h"

static const char USAGE[] =
    "usage: watchline info INPUT [--size WxH] [--fps N] [--radiometry S,O|none]\n"
    "\n"
    "Print what INPUT holds: size, frame count, fps, bit depth and, for\n"
    "radiometric input, the temperature range in degrees Celsius.\n"
    "\n"
    "INPUT is an image (.pgm .png .tif .tiff), a directory or glob of them,\n"
    "raw Y16 (.y16 .raw or '-', needs --size), a video file, an rtsp:// URL\n"
    "or a V4L2 device (/dev/videoN).\n"
    "\n" INPUT_OPTS_HELP;

static int run(int argc, char **argv) {
  wl_source_opts_t opts;
  const char *input = NULL;
  wl_source_default_opts(&opts);
  for (int i = 1; i < argc; i++) {
    int used = input_opts_parse(&cmd_info, argc, argv, i, &opts);
    if (used < 0) return EXIT_USAGE;
    if (used > 0) { i += used - 1; continue; }
    if (argv[i][0] == '-' && argv[i][1] != '\0')
      return cli_usage_error(&cmd_info, "unknown option %s", argv[i]);
    if (input) return cli_usage_error(&cmd_info, "one INPUT only");
    input = argv[i];
  }
  if (!input) return cli_usage_error(&cmd_info, "INPUT is missing");

  wl_err_t err;
  wl_source_t *src;
  if (wl_source_open(&src, input, &opts, &err) != WL_OK)
    return cli_error(EXIT_RUNTIME, "info", "%s", err.msg);
  const wl_source_info_t *info = wl_source_info(src);

  /* Radiometric input (and input of unknown length) is read in full; for
   * the rest the first frame tells the size and the count comes cheap. */
  wl_frame_t frame;
  wl_frame_init(&frame);
  long frames = 0;
  uint16_t lo = UINT16_MAX, hi = 0;
  int radiometric = info->radiometry.radiometric;
  int read_all = radiometric || info->frame_count < 0;
  int rc;
  while ((rc = wl_source_next(src, &frame, &err)) == WL_OK) {
    frames++;
    if (!read_all) break;
    size_t n = (size_t)frame.width * (size_t)frame.height;
    for (size_t k = 0; k < n; k++) {
      uint16_t v = frame.data[k];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  if (!read_all && rc == WL_OK) {
    rc = WL_EOF;
    frames = info->frame_count;
  }
  if (rc != WL_EOF) {
    cli_error(EXIT_RUNTIME, "info", "%s", err.msg);
    wl_frame_release(&frame);
    wl_source_close(src);
    return EXIT_RUNTIME;
  }
  info = wl_source_info(src);
  printf("input:       %s\n", input);
  printf("kind:        %s\n", info->kind);
  printf("size:        %dx%d\n", info->width, info->height);
  printf("frames:      %ld\n", frames);
  printf("fps:         %g\n", info->fps);
  printf("bit depth:   %d\n", info->bit_depth);
  if (radiometric) {
    const wl_radiometry_t *r = &info->radiometry;
    printf("radiometric: yes (kelvin = value * %g + %g)\n", r->scale, r->offset);
    if (frames > 0)
      printf("temperature: %.2f .. %.2f C\n",
             lo * r->scale + r->offset - 273.15, hi * r->scale + r->offset - 273.15);
  } else {
    printf("radiometric: no\n");
  }
  wl_frame_release(&frame);
  wl_source_close(src);
  return EXIT_OK;
}

const wl_cmd_t cmd_info = {"info", "print size, frames, fps, bit depth, temperatures",
                           USAGE, run};
