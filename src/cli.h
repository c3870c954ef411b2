/*
 * cli.h - what every subcommand shares: the command table, error reporting
 * in the form `watchline: CMD: WHAT: WHY`, and exit codes.
 */
#ifndef WL_SRC_CLI_H
#define WL_SRC_CLI_H

#include <stdio.h>

#include "watchline/common.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct wl_cmd {
  const char *name;
  const char *summary;                 /* one line for `watchline help` */
  const char *usage;                   /* full text for `CMD --help` */
  int (*run)(int argc, char **argv);   /* argv[0] is the command name */
} wl_cmd_t;

/* Print `watchline: CMD: fmt...` to stderr; returns code for chaining. */
int cli_error(int code, const char *cmd, const char *fmt, ...)
    WL_PRINTF(3, 4);
/* Print the usage error and a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const wl_cmd_t *cmd, const char *fmt, ...) WL_PRINTF(2, 3);
/* 1 if argv holds -h or --help (before a "--"). */
int cli_wants_help(int argc, char **argv);
/* Parse "WxH" into w, h; 0 on success. */
int cli_parse_size(const char *s, int *w, int *h);
/* Parse a non-negative integer / a double with bounds; 0 on success. */
int cli_parse_long(const char *s, long min, long max, long *out);
int cli_parse_double(const char *s, double *out);
/* Create (truncate) dir/name for writing; NULL with err filled on failure. */
FILE *cli_create_in(const char *dir, const char *name, wl_err_t *err);
/* 1 if stderr is a terminal (progress output). */
int cli_stderr_is_tty(void);

extern const wl_cmd_t cmd_info, cmd_convert, cmd_sim, cmd_analyze, cmd_detect,
    cmd_eval,
    cmd_demo;

#endif
