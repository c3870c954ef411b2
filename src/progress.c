/*
 * progress.c - terminal progress bar (see progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void progress_start(progress_t *p, const char *label, long total) {
  p->label = label;
  p->total = total;
  p->t0 = p->last = now_s();
  p->tty = isatty(STDERR_FILENO);
}

void progress_update(progress_t *p, long done) {
  if (!p->tty) return;
  double t = now_s();
  if (t - p->last < 0.1 && done != p->total) return;
  p->last = t;
  double fps = t > p->t0 ? done / (t - p->t0) : 0.0;
  if (p->total > 0) {
    enum { WIDTH = 30 };
    int fill = (int)(WIDTH * done / p->total);
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %ld/%ld frames, %.0f fps ", p->label, bar, done,
            p->total, fps);
  } else {
    fprintf(stderr, "\r%s %ld frames, %.0f fps ", p->label, done, fps);
  }
  fflush(stderr);
}

void progress_done(progress_t *p) {
  if (p->tty) fputc('\n', stderr);
}
