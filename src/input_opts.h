/*
 * input_opts.h - the options every command that reads frames accepts:
 * --size WxH (raw Y16), --fps N, --radiometry SCALE,OFFSET|none.
 */
#ifndef WL_SRC_INPUT_OPTS_H
#define WL_SRC_INPUT_OPTS_H

#include "cli.h"
#include "watchline/source.h"

#define INPUT_OPTS_HELP                                                       \
  "input options:\n"                                                          \
  "  --size WxH            frame size of raw Y16 input\n"                     \
  "  --fps N               frame rate of inputs that carry none (default 30)\n" \
  "  --radiometry S,O      16-bit values map to kelvin = v * S + O\n"         \
  "                        (default 0.01,0: centikelvin); 'none' for AGC data\n"

/*
 * If argv[i] is an input option, parse it (and its value) into opts and
 * return how many arguments it used (1 or 2). Return 0 if argv[i] is not
 * an input option, -1 after printing a usage error.
 */
int input_opts_parse(const wl_cmd_t *cmd, int argc, char **argv, int i,
                     wl_source_opts_t *opts);

#endif
