/*
 * input_opts.c - parsing of the shared input options (see input_opts.h).
 */
#include <stdio.h>
#include <string.h>

#include "input_opts.h"

static int parse_radiometry(const char *s, wl_radiometry_t *r) {
  if (strcmp(s, "none") == 0) {
    *r = wl_radiometry_none();
    return 0;
  }
  char buf[128];
  if (strlen(s) >= sizeof buf) return -1;
  strcpy(buf, s);
  char *comma = strchr(buf, ',');
  if (!comma) return -1;
  *comma = '\0';
  double scale, offset;
  if (cli_parse_double(buf, &scale) || cli_parse_double(comma + 1, &offset) ||
      scale <= 0)
    return -1;
  r->radiometric = 1;
  r->scale = scale;
  r->offset = offset;
  return 0;
}

int input_opts_parse(const wl_cmd_t *cmd, int argc, char **argv, int i,
                     wl_source_opts_t *opts) {
  const char *a = argv[i];
  if (strcmp(a, "--size") && strcmp(a, "--fps") && strcmp(a, "--radiometry"))
    return 0;
  if (i + 1 >= argc) {
    cli_usage_error(cmd, "%s needs a value", a);
    return -1;
  }
  const char *v = argv[i + 1];
  if (strcmp(a, "--size") == 0) {
    if (cli_parse_size(v, &opts->raw_width, &opts->raw_height)) {
      cli_usage_error(cmd, "--size %s: expected WxH, e.g. 640x512", v);
      return -1;
    }
  } else if (strcmp(a, "--fps") == 0) {
    if (cli_parse_double(v, &opts->fps) || opts->fps <= 0 || opts->fps > 10000) {
      cli_usage_error(cmd, "--fps %s: expected a number in (0, 10000]", v);
      return -1;
    }
  } else {
    if (parse_radiometry(v, &opts->radiometry)) {
      cli_usage_error(cmd, "--radiometry %s: expected SCALE,OFFSET or none", v);
      return -1;
    }
    opts->radiometry_override = 1;
  }
  return 2;
}
