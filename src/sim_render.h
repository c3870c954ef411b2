/*
 * sim_render.h - render a scenario to a directory (frames, ground truth,
 * camera.json, optional snapshots): shared by `sim` and `demo`.
 */
#ifndef WL_SRC_SIM_RENDER_H
#define WL_SRC_SIM_RENDER_H

#include "watchline/sink.h"

typedef struct sim_args {
  const char *scenario, *out;
  unsigned long long seed;
  long frames;
  wl_format_t format;
  double snapshot_every_s; /* 0: no snapshots */
  int list;
} sim_args_t;

void sim_args_default(sim_args_t *a);
/* Render; errors are reported as `watchline: CMD: ...`. Returns an exit
 * code. */
int sim_render(const sim_args_t *a, const char *cmd);

#endif
