/*
 * main.c - the watchline program: dispatches to one subcommand per file.
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage error. Errors go to stderr as
 * `watchline: CMD: WHAT: WHY`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "watchline/source.h"

static const wl_cmd_t *const COMMANDS[] = {
    &cmd_info, &cmd_convert, &cmd_sim, &cmd_analyze, &cmd_detect, &cmd_eval, &cmd_demo, NULL};

static void print_help(FILE *out) {
  fprintf(out,
          "watchline %s - border and perimeter surveillance on thermal "
          "cameras\n\n"
          "usage: watchline COMMAND [ARGS...]\n"
          "       watchline COMMAND --help\n"
          "       watchline --version\n\ncommands:\n",
          WL_VERSION);
  for (const wl_cmd_t *const *c = COMMANDS; *c; c++)
    fprintf(out, "  %-9s %s\n", (*c)->name, (*c)->summary);
  fprintf(out, "  %-9s %s\n", "help", "show this help, or a command's");
}

int main(int argc, char **argv) {
  /* FFmpeg prints nothing of its own (our errors say what failed), and no
   * hostile video header may make it allocate more than 256 MiB at once. */
  wl_source_process_setup((size_t)256 << 20, 1);
  if (argc < 2) {
    print_help(stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("watchline %s\n", WL_VERSION);
    return EXIT_OK;
  }
  if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 ||
      strcmp(name, "-h") == 0) {
    if (argc >= 3) {
      for (const wl_cmd_t *const *c = COMMANDS; *c; c++)
        if (strcmp((*c)->name, argv[2]) == 0) {
          fputs((*c)->usage, stdout);
          return EXIT_OK;
        }
      return cli_error(EXIT_USAGE, "help", "%s: no such command", argv[2]);
    }
    print_help(stdout);
    return EXIT_OK;
  }
  for (const wl_cmd_t *const *c = COMMANDS; *c; c++) {
    if (strcmp((*c)->name, name) != 0) continue;
    if (cli_wants_help(argc - 1, argv + 1)) {
      fputs((*c)->usage, stdout);
      return EXIT_OK;
    }
    return (*c)->run(argc - 1, argv + 1);
  }
  fprintf(stderr, "watchline: %s: no such command (see 'watchline help')\n",
          name);
  return EXIT_USAGE;
}
