/* cmd_demo.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "demo", "not yet written"); }
const wl_cmd_t cmd_demo = {"demo", "(being written)", "usage: watchline demo\n", run};
