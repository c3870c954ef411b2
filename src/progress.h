/*
 * progress.h - a one-line progress bar with frames per second on stderr,
 * shown only when stderr is a terminal; silent otherwise.
 */
#ifndef WL_SRC_PROGRESS_H
#define WL_SRC_PROGRESS_H

typedef struct progress {
  const char *label;
  long total;       /* -1 when unknown */
  double t0, last;  /* monotonic seconds */
  int tty;
} progress_t;

void progress_start(progress_t *p, const char *label, long total);
/* Redraw at most ~10 times a second. */
void progress_update(progress_t *p, long done);
/* Finish the line (only on a terminal). */
void progress_done(progress_t *p);

#endif
