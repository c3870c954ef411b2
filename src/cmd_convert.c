/* cmd_convert.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "convert", "not yet written"); }
const wl_cmd_t cmd_convert = {"convert", "(being written)", "usage: watchline convert\n", run};
