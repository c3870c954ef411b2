/*
 * cli.c - shared helpers for the watchline subcommands.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_error(int code, const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "watchline: %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return code;
}

int cli_usage_error(const wl_cmd_t *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "watchline: %s: usage: ", cmd->name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see 'watchline %s --help')\n", cmd->name);
  return EXIT_USAGE;
}

int cli_wants_help(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
  }
  return 0;
}

int cli_parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int cli_parse_double(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

int cli_parse_size(const char *s, int *w, int *h) {
  char buf[64];
  if (strlen(s) >= sizeof buf) return -1;
  strcpy(buf, s);
  char *x = strchr(buf, 'x');
  if (!x) return -1;
  *x = '\0';
  long lw, lh;
  if (cli_parse_long(buf, 1, WL_MAX_DIM, &lw) ||
      cli_parse_long(x + 1, 1, WL_MAX_DIM, &lh))
    return -1;
  *w = (int)lw;
  *h = (int)lh;
  return 0;
}

FILE *cli_create_in(const char *dir, const char *name, wl_err_t *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  if (!fp) wl_fail(err, WL_EIO, "%s: cannot create: %s", path, strerror(errno));
  return fp;
}

int cli_stderr_is_tty(void) { return isatty(STDERR_FILENO); }
