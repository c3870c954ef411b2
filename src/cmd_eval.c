/* cmd_eval.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "eval", "not yet written"); }
const wl_cmd_t cmd_eval = {"eval", "(being written)", "usage: watchline eval\n", run};
