/* cmd_detect.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "detect", "not yet written"); }
const wl_cmd_t cmd_detect = {"detect", "(being written)", "usage: watchline detect\n", run};
