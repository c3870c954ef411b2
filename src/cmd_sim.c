/* cmd_sim.c: placeholder, being written. */
#include "cli.h"
static int run(int argc, char **argv) { (void)argc; (void)argv; return cli_error(EXIT_RUNTIME, "sim", "not yet written"); }
const wl_cmd_t cmd_sim = {"sim", "(being written)", "usage: watchline sim\n", run};
