/* cmd_info.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "info", "not yet written"); }
const wl_cmd_t cmd_info = {"info", "(being written)", "usage: watchline info\n", run};
