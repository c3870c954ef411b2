/*
 * bench-analytics.c - frames per second per core of the whole analytics
 * pipeline (wl_pipeline: preprocess -> temporal detector -> tracker ->
 * classifier) against its named peer, OpenCV's MOG2 + 3x3 opening +
 * connectedComponentsWithStats (bench/peers/), measured in the same run on
 * the same frames; and the scaling of one pipeline per camera on threads.
 *
 *   bench-analytics [--frames N] [--repeats R] [--preset NAME] [--seed S]
 *                   [--peer PATH | --no-peer] [--no-scaling]
 *                   [--sirst DIR | --no-sirst] [--images N]
 *   defaults: 600 frames of border-night, seed 1, 5 repeats
 *
 * Design:
 *   - All frames are rendered by the simulator before any timing and kept
 *     in memory (640x512 16-bit: 0.66 MB a frame).
 *   - (a) Each repeat makes a fresh pipeline (untimed) and runs it over the
 *     frames in order on the main thread. Per repeat: the thread's CPU time
 *     (CLOCK_THREAD_CPUTIME_ID, what the code costs a core) and the wall
 *     time (CLOCK_MONOTONIC, what a shared machine lets it have). Reported:
 *     the median and the best repeat, and per-frame wall latency p50/p99.
 *   - (b) The frames are mapped linearly from the sequence's 16-bit range
 *     [min, max] to 0..255 (untimed) and written once to a temporary raw
 *     file; the peer program (peer-mog2-bench --paced) loads it whole and
 *     then runs one repeat (a fresh MOG2 over all frames) each time it is
 *     told to. Our repeats and the peer's alternate, so both see the same
 *     load; the ratio quoted is the median of the per-repeat ratios.
 *   - (c) 1 and then 2 pipelines on 1 and 2 threads (pthreads), each on its
 *     own copy of the frames, started together at a barrier; aggregate
 *     frames/s = pipelines x frames / (last end - first start). The 1- and
 *     2-thread runs alternate so that load drift hits both alike.
 *   - (d) the single-image small-target (spot) detector: the images of the
 *     SIRST 213/214 test split are loaded (untimed), then wl_spot_detect
 *     with default parameters is timed per image (thread CPU and wall),
 *     over the same number of repeats. Skipped when SIRST is absent.
 * Invariant: the pipelines must not change their input frames (no bad-pixel
 * map is given); a checksum before and after proves it, else the run fails.
 * Medians, not single timings: the machines are shared and noisy.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "watchline/detect.h"
#include "watchline/image.h"
#include "watchline/pipeline.h"
#include "watchline/report.h"
#include "watchline/sim.h"

#include "bench_util.h"

#ifndef WL_PEER_MOG2_BENCH
#define WL_PEER_MOG2_BENCH ""
#endif
#ifndef WL_BENCH_SHARED_DIR
#define WL_BENCH_SHARED_DIR "../shared"
#endif

#define GOAL_RATIO 10.0
#define GOAL_FPS 1500.0
#define MAX_FRAMES 3000
#define MAX_REPEATS 100
#define MAX_IMAGES 1000
#define SIRST_SPLIT "splits/basicirstd/test.txt"
#define MAX_SPOT_DETECTIONS 256

typedef struct options {
  int frames;
  int repeats;
  const char *preset;
  uint64_t seed;
  const char *peer; /* "" when there is none */
  int scaling;
  const char *sirst; /* SIRST root, "" to skip (d) */
  int images;        /* SIRST test images timed, at most */
} options_t;

/* Frames kept in memory: the simulator's all have one size, SIRST images
 * vary. */
typedef struct sequence {
  wl_frame_t *frames;
  int n;
} sequence_t;

/* One timed pass of one pipeline over a sequence. */
typedef struct pass_result {
  double wall_s, cpu_s;
  double start_wall, end_wall; /* CLOCK_MONOTONIC, for the scaling runs */
  long detections, tracks;     /* summed over frames; tracks: reported */
  size_t state_bytes;          /* the pipeline's */
  size_t report_bytes;         /* the reporter's: O(lag x tracks) */
} pass_result_t;

/* ---- options ----------------------------------------------------------- */

static void usage(FILE *to) {
  fprintf(to,
          "usage: bench-analytics [--frames N] [--repeats R] [--preset NAME]"
          " [--seed S]\n"
          "                       [--peer PATH | --no-peer] [--no-scaling]\n"
          "                       [--sirst DIR | --no-sirst] [--images N]\n"
          "  --frames N    frames rendered and analysed per repeat, 2..%d "
          "(default 600)\n"
          "  --repeats R   timed repeats, 1..%d (default 5); medians are "
          "quoted\n"
          "  --preset NAME simulator preset or scenario file (default "
          "border-night)\n"
          "  --seed S      simulator seed (default 1)\n"
          "  --peer PATH   the OpenCV peer program (default: %s)\n"
          "  --no-peer     do not run the peer\n"
          "  --no-scaling  do not run the 1 vs 2 thread scaling part\n"
          "  --sirst DIR   SIRST root for the spot detector's timing (default:"
          "\n                $WATCHLINE_SHARED/data/sirst-v1, else %s/data/"
          "sirst-v1)\n"
          "  --no-sirst    do not time the spot detector\n"
          "  --images N    time at most N images of the " SIRST_SPLIT " split"
          ", 1..%d\n                (default: all)\n",
          MAX_FRAMES, MAX_REPEATS,
          WL_PEER_MOG2_BENCH[0] ? WL_PEER_MOG2_BENCH : "none built",
          WL_BENCH_SHARED_DIR, MAX_IMAGES);
}

/* A decimal integer in lo..hi, or -1. */
static long parse_count(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  return v;
}

/* 0 on success, 2 on a usage error, 1 for --help (printed). sirst_buf
 * holds the default SIRST path. */
static int parse_options(int argc, char **argv, options_t *o,
                         char *sirst_buf, size_t sirst_cap) {
  const char *shared = getenv("WATCHLINE_SHARED");
  snprintf(sirst_buf, sirst_cap, "%s/data/sirst-v1",
           shared && *shared ? shared : WL_BENCH_SHARED_DIR);
  o->sirst = sirst_buf;
  o->images = MAX_IMAGES;
  o->frames = 600;
  o->repeats = 5;
  o->preset = "border-night";
  o->seed = 1;
  o->peer = WL_PEER_MOG2_BENCH;
  o->scaling = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has_value = i + 1 < argc;
    long v;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 1;
    } else if (strcmp(a, "--frames") == 0 && has_value) {
      if ((v = parse_count(argv[++i], 2, MAX_FRAMES)) < 0) goto bad;
      o->frames = (int)v;
    } else if (strcmp(a, "--repeats") == 0 && has_value) {
      if ((v = parse_count(argv[++i], 1, MAX_REPEATS)) < 0) goto bad;
      o->repeats = (int)v;
    } else if (strcmp(a, "--preset") == 0 && has_value) {
      o->preset = argv[++i];
    } else if (strcmp(a, "--seed") == 0 && has_value) {
      if ((v = parse_count(argv[++i], 0, 2147483647L)) < 0) goto bad;
      o->seed = (uint64_t)v;
    } else if (strcmp(a, "--peer") == 0 && has_value) {
      o->peer = argv[++i];
    } else if (strcmp(a, "--no-peer") == 0) {
      o->peer = "";
    } else if (strcmp(a, "--no-scaling") == 0) {
      o->scaling = 0;
    } else if (strcmp(a, "--sirst") == 0 && has_value) {
      o->sirst = argv[++i];
    } else if (strcmp(a, "--no-sirst") == 0) {
      o->sirst = "";
    } else if (strcmp(a, "--images") == 0 && has_value) {
      if ((v = parse_count(argv[++i], 1, MAX_IMAGES)) < 0) goto bad;
      o->images = (int)v;
    } else {
      goto bad;
    }
    continue;
  bad:
    fprintf(stderr, "bench-analytics: bad option or value near '%s'\n", a);
    usage(stderr);
    return 2;
  }
  return 0;
}

/* ---- frames ------------------------------------------------------------ */

static void sequence_free(sequence_t *s) {
  if (!s->frames) return;
  for (int i = 0; i < s->n; i++) wl_frame_release(&s->frames[i]);
  free(s->frames);
  s->frames = NULL;
  s->n = 0;
}

static int sequence_init(sequence_t *s, int n, wl_err_t *err) {
  s->frames = calloc((size_t)n, sizeof *s->frames);
  if (!s->frames)
    return wl_fail(err, WL_ENOMEM, "out of memory for %d frame headers", n);
  s->n = n;
  for (int i = 0; i < n; i++) wl_frame_init(&s->frames[i]);
  return WL_OK;
}

/* Render n frames of a preset with the simulator (not timed). */
static int sequence_render(sequence_t *s, const options_t *o, wl_err_t *err) {
  wl_scenario_t *sc = NULL;
  wl_sim_t *sim = NULL;
  int rc = wl_scenario_load(&sc, o->preset, err);
  if (rc == WL_OK) rc = wl_sim_new(&sim, sc, o->seed, err);
  if (rc == WL_OK) rc = sequence_init(s, o->frames, err);
  for (int i = 0; rc == WL_OK && i < s->n; i++)
    rc = wl_sim_next(sim, &s->frames[i], NULL, 0, NULL, err);
  wl_sim_free(sim);
  wl_scenario_free(sc);
  return rc;
}

static int sequence_copy(sequence_t *dst, const sequence_t *src,
                         wl_err_t *err) {
  int rc = sequence_init(dst, src->n, err);
  for (int i = 0; rc == WL_OK && i < src->n; i++)
    rc = wl_frame_copy(&dst->frames[i], &src->frames[i], err);
  return rc;
}

/* A 64-bit checksum of every pixel, to prove the frames were not changed:
 * four independent multiply-xor lanes over 64-bit words (fast enough to be
 * run on 2 x 600 frames without dominating the run). */
static uint64_t sequence_checksum(const sequence_t *s) {
  const uint64_t prime = 1099511628211ULL;
  uint64_t lane[4] = {1469598103934665603ULL, 1, 2, 3};
  for (int i = 0; i < s->n; i++) {
    const wl_frame_t *f = &s->frames[i];
    size_t bytes = (size_t)f->width * (size_t)f->height * sizeof *f->data;
    const unsigned char *p = (const unsigned char *)f->data;
    size_t k = 0;
    for (; k + 32 <= bytes; k += 32) {
      uint64_t w[4];
      memcpy(w, p + k, sizeof w);
      for (int j = 0; j < 4; j++) lane[j] = (lane[j] ^ w[j]) * prime;
    }
    for (; k < bytes; k++) lane[0] = (lane[0] ^ p[k]) * prime;
  }
  return lane[0] ^ (lane[1] * 3) ^ (lane[2] * 5) ^ (lane[3] * 7);
}

/* ---- one pipeline, one thread ----------------------------------------- */

/*
 * Run a fresh pipeline and its reporter (report.h, defaults: the output
 * as `watchline analyze` writes it) over every frame of s, in order. Both
 * are made before the clocks start; the pipeline's lazy start (buffers
 * sized by the first frame) is inside the pass, as in real use, and so is
 * the reporter's flush at the end. latency (may be NULL) gets each
 * frame's wall time.
 */
static int pipeline_pass(const sequence_t *s, pass_result_t *r,
                         double *latency, wl_err_t *err) {
  wl_pipeline_t *pl = NULL;
  wl_reporter_t *rep = NULL;
  int rc = wl_pipeline_new(&pl, NULL, NULL, NULL, err);
  if (rc == WL_OK) rc = wl_reporter_new(&rep, NULL, err);
  if (rc != WL_OK) {
    wl_pipeline_free(pl);
    return rc;
  }
  memset(r, 0, sizeof *r);
  double cpu0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
  double wall0 = clock_s(CLOCK_MONOTONIC), prev = wall0;
  wl_report_frame_t out;
  for (int i = 0; i < s->n && rc == WL_OK; i++) {
    rc = wl_pipeline_process(pl, &s->frames[i], err);
    size_t nd = 0, nt = 0;
    (void)wl_pipeline_detections(pl, &nd);
    const wl_track_t *t = wl_pipeline_tracks(pl, &nt);
    r->detections += (long)nd;
    if (rc == WL_OK) {
      int got = wl_reporter_push(rep, i, s->frames[i].t_ns, t, nt, &out,
                                 err);
      if (got < 0) rc = got;
      if (got > 0) r->tracks += (long)out.n;
    }
    if (latency) {
      double now = clock_s(CLOCK_MONOTONIC);
      latency[i] = now - prev;
      prev = now;
    }
  }
  while (rc == WL_OK && wl_reporter_flush(rep, &out)) r->tracks += (long)out.n;
  r->end_wall = clock_s(CLOCK_MONOTONIC);
  r->cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  r->start_wall = wall0;
  r->wall_s = r->end_wall - wall0;
  r->state_bytes = wl_pipeline_state_bytes(pl);
  r->report_bytes = wl_reporter_state_bytes(rep);
  wl_reporter_free(rep);
  wl_pipeline_free(pl);
  return rc;
}

/* ---- the OpenCV peer, one repeat at a time ------------------------------ */

/* A running peer-mog2-bench --paced. */
typedef struct peer {
  pid_t pid; /* 0 when not running */
  FILE *to, *from;
  char version[32];
} peer_t;

/* The sequence's 16-bit range, for the linear map to 8 bits. */
static void sequence_range(const sequence_t *s, uint16_t *lo, uint16_t *hi) {
  uint16_t a = UINT16_MAX, b = 0;
  for (int i = 0; i < s->n; i++) {
    const wl_frame_t *f = &s->frames[i];
    size_t n = (size_t)f->width * (size_t)f->height;
    for (size_t k = 0; k < n; k++) {
      uint16_t v = f->data[k];
      a = v < a ? v : a;
      b = v > b ? v : b;
    }
  }
  *lo = a;
  *hi = b;
}

/* Write every frame mapped linearly from [lo, hi] to 0..255 (rounded) to
 * a new temporary file; its path goes to path[0 .. cap). On failure the
 * file is removed. */
static int write_frames_8bit(const sequence_t *s, char *path, size_t cap,
                             wl_err_t *err) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, cap, "%s/wl-bench-analytics-XXXXXX",
           dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0)
    return wl_fail(err, WL_EIO, "%s: cannot create a temporary file: %s",
                   path, strerror(errno));
  FILE *fp = fdopen(fd, "wb");
  const wl_frame_t *f0 = &s->frames[0];
  size_t px = (size_t)f0->width * (size_t)f0->height;
  uint8_t *row = malloc(px);
  int rc = WL_OK;
  if (!fp || !row) {
    rc = wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
    if (!fp) close(fd);
  }
  uint16_t lo, hi;
  sequence_range(s, &lo, &hi);
  uint32_t range = hi > lo ? (uint32_t)(hi - lo) : 1;
  for (int i = 0; i < s->n && rc == WL_OK; i++) {
    const uint16_t *d = s->frames[i].data;
    for (size_t k = 0; k < px; k++)
      row[k] = (uint8_t)(((uint32_t)(d[k] - lo) * 255u + range / 2) / range);
    if (fwrite(row, 1, px, fp) != px)
      rc = wl_fail(err, WL_EIO, "%s: write failed at frame %d: %s", path, i,
                   strerror(errno));
  }
  if (fp && fclose(fp) != 0 && rc == WL_OK)
    rc = wl_fail(err, WL_EIO, "%s: write failed: %s", path, strerror(errno));
  free(row);
  if (rc != WL_OK) unlink(path);
  else
    printf("  8-bit frames for the peer: linear map of [%u, %u] (the "
           "sequence's range) to 0..255\n", lo, hi);
  return rc;
}

/* Close the pipes (the peer then sees EOF and exits) and reap it. Fails
 * when the peer did not exit with status 0. */
static int peer_stop(peer_t *p, wl_err_t *err) {
  if (!p->pid) return WL_OK;
  if (p->to) fclose(p->to);
  char line[256];
  while (p->from && fgets(line, sizeof line, p->from)) {
    /* The peer's own medians: the same repeats as parsed already. */
  }
  if (p->from) fclose(p->from);
  int status = 0;
  while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
  }
  p->pid = 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return wl_fail(err, WL_EIO, "the peer failed (exit status %d)",
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WL_OK;
}

/* Write the 8-bit frames, start `program` --paced on them and wait until
 * it has loaded them (the temporary file is then removed). */
static int peer_start(peer_t *p, const char *program, const sequence_t *s,
                      int repeats, wl_err_t *err) {
  memset(p, 0, sizeof *p);
  char path[4096];
  int rc = write_frames_8bit(s, path, sizeof path, err);
  if (rc != WL_OK) return rc;
  char w[16], h[16], n[16], r[16];
  snprintf(w, sizeof w, "%d", s->frames[0].width);
  snprintf(h, sizeof h, "%d", s->frames[0].height);
  snprintf(n, sizeof n, "%d", s->n);
  snprintf(r, sizeof r, "%d", repeats);
  char *argv[] = {(char *)program, path, w, h, n, r, "--paced", NULL};
  int in[2], out[2];
  if (pipe(in) != 0) {
    unlink(path);
    return wl_fail(err, WL_EIO, "pipe: %s", strerror(errno));
  }
  if (pipe(out) != 0) {
    close(in[0]);
    close(in[1]);
    unlink(path);
    return wl_fail(err, WL_EIO, "pipe: %s", strerror(errno));
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execv(program, argv);
    fprintf(stderr, "bench-analytics: %s: cannot run: %s\n", program,
            strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  if (pid < 0) {
    close(in[1]);
    close(out[0]);
    unlink(path);
    return wl_fail(err, WL_EIO, "fork: %s", strerror(errno));
  }
  p->pid = pid;
  p->to = fdopen(in[1], "w");
  p->from = fdopen(out[0], "r");
  if (!p->to) close(in[1]);
  if (!p->from) close(out[0]);
  char line[256];
  int ready = 0;
  while (p->to && p->from && !ready && fgets(line, sizeof line, p->from)) {
    if (sscanf(line, "opencv %31s", p->version) == 1) continue;
    ready = strcmp(line, "ready\n") == 0;
  }
  unlink(path);
  if (ready) return WL_OK;
  rc = peer_stop(p, err);
  return rc != WL_OK ? rc
                     : wl_fail(err, WL_EFORMAT, "the peer exited without "
                                                  "saying ready");
}

/* Let the peer run one repeat over all frames and read its timing. */
static int peer_repeat(peer_t *p, pass_result_t *r,
                       long *components, wl_err_t *err) {
  char line[256];
  if (fputs("go\n", p->to) == EOF || fflush(p->to) != 0 ||
      !fgets(line, sizeof line, p->from))
    return wl_fail(err, WL_EIO, "the peer stopped answering");
  int k;
  double thread_cpu;
  memset(r, 0, sizeof *r);
  if (sscanf(line, "repeat %d wall_s %lf thread_cpu_s %lf process_cpu_s %lf "
                   "components %ld", &k, &r->wall_s, &thread_cpu, &r->cpu_s,
             components) != 5 || r->wall_s <= 0 || r->cpu_s <= 0)
    return wl_fail(err, WL_EFORMAT, "the peer's repeat line is malformed: "
                                    "'%.60s'", line);
  return WL_OK;
}

/* ---- (a) + (b): watchline and the peer, repeats interleaved ------------- */

typedef struct compare_result {
  double cpu_fps, wall_fps, best_cpu_fps;            /* watchline, medians */
  double peer_cpu_fps, peer_wall_fps, peer_best_cpu_fps;
  double ratio_cpu, ratio_wall; /* medians of the per-repeat ratios */
} compare_result_t;

static void print_timing(const char *who, double cpu, double best,
                         double wall) {
  printf("  %-9s CPU median %8.1f frames/s (%.3f ms/frame), best %.1f; "
         "wall median %.1f\n", who, cpu, 1e3 / cpu, best, wall);
}

/*
 * Each repeat: a fresh pipeline over the frames, then (when a peer runs)
 * the peer's repeat over the same frames, so that both see the same load.
 */
static int bench_compare(const sequence_t *s, const options_t *o,
                         peer_t *peer, compare_result_t *out, wl_err_t *err) {
  int n = s->n, reps = o->repeats, rc = WL_OK;
  double fps[6][MAX_REPEATS] = {{0}}; /* ours cpu, wall; peer cpu, wall;
                                        ratios cpu, wall */
  double *latency = calloc((size_t)n * (size_t)reps, sizeof *latency);
  if (!latency) return wl_fail(err, WL_ENOMEM, "out of memory for timings");
  pass_result_t r = {0}, pr = {0};
  long detections = 0, tracks = 0, components = 0;
  for (int k = 0; k < reps && rc == WL_OK; k++) {
    rc = pipeline_pass(s, &r, latency + (size_t)k * (size_t)n, err);
    if (rc != WL_OK) break;
    fps[0][k] = n / r.cpu_s;
    fps[1][k] = n / r.wall_s;
    detections += r.detections;
    tracks += r.tracks;
    printf("    repeat %d: watchline %7.1f CPU %7.1f wall", k + 1, fps[0][k],
           fps[1][k]);
    if (peer->pid) {
      long c = 0;
      if ((rc = peer_repeat(peer, &pr, &c, err)) != WL_OK) break;
      components += c;
      fps[2][k] = n / pr.cpu_s;
      fps[3][k] = n / pr.wall_s;
      fps[4][k] = fps[0][k] / fps[2][k];
      fps[5][k] = fps[1][k] / fps[3][k];
      printf(" | OpenCV %6.1f CPU %6.1f wall | x%.1f CPU x%.1f wall",
             fps[2][k], fps[3][k], fps[4][k], fps[5][k]);
    }
    printf("  (frames/s)\n");
  }
  if (rc != WL_OK) {
    free(latency);
    return rc;
  }
  const wl_frame_t *f = &s->frames[0];
  double frames_total = (double)n * reps;
  size_t nl = (size_t)n * (size_t)reps;
  out->best_cpu_fps = max_of(fps[0], reps);
  out->cpu_fps = median(fps[0], reps);
  out->wall_fps = median(fps[1], reps);
  double p50 = quantile(latency, nl, 0.50), p99 = quantile(latency, nl, 0.99);
  print_timing("watchline", out->cpu_fps, out->best_cpu_fps, out->wall_fps);
  printf("            latency per frame (wall): p50 %.3f ms, p99 %.3f ms, "
         "max %.3f ms\n", p50 * 1e3, p99 * 1e3, latency[nl - 1] * 1e3);
  printf("            %.2f detections/frame, %.2f reported tracks/frame; "
         "state %.2f bytes/pixel + reporter %zu bytes\n",
         detections / frames_total, tracks / frames_total,
         (double)r.state_bytes / ((double)f->width * f->height),
         r.report_bytes);
  free(latency);
  if (!peer->pid) return WL_OK;
  out->peer_best_cpu_fps = max_of(fps[2], reps);
  out->peer_cpu_fps = median(fps[2], reps);
  out->peer_wall_fps = median(fps[3], reps);
  out->ratio_cpu = median(fps[4], reps);
  out->ratio_wall = median(fps[5], reps);
  print_timing("OpenCV", out->peer_cpu_fps, out->peer_best_cpu_fps,
               out->peer_wall_fps);
  printf("            OpenCV %s, 1 thread: MOG2 (history 500, varThreshold "
         "16, no shadows) + open 3x3 + connectedComponentsWithStats "
         "(8-conn.); %.2f components/frame\n", peer->version,
         components / frames_total);
  printf("  watchline / OpenCV = %.1fx (median of per-repeat CPU-time "
         "ratios; %.1fx wall; ratio of CPU medians %.1fx; best vs best "
         "%.1fx)\n", out->ratio_cpu, out->ratio_wall,
         out->cpu_fps / out->peer_cpu_fps,
         out->best_cpu_fps / out->peer_best_cpu_fps);
  return WL_OK;
}

/* ---- (c) one pipeline per camera on threads ---------------------------- */

typedef struct worker {
  const sequence_t *seq;
  pthread_barrier_t *start;
  pass_result_t result;
  int rc;
  wl_err_t err;
} worker_t;

static void *worker_main(void *arg) {
  worker_t *wk = arg;
  pthread_barrier_wait(wk->start);
  wk->rc = pipeline_pass(wk->seq, &wk->result, NULL, &wk->err);
  return NULL;
}

/* Run `threads` pipelines at once, one per thread and per sequence.
 * *fps = aggregate frames/s (wall); *cpu_fps = mean per-thread CPU fps. */
static int run_threads(const sequence_t *seqs, int threads, double *fps,
                       double *cpu_fps, wl_err_t *err) {
  worker_t wk[2];
  pthread_t tid[2];
  pthread_barrier_t start;
  if (pthread_barrier_init(&start, NULL, (unsigned)threads) != 0)
    return wl_fail(err, WL_EIO, "pthread_barrier_init failed");
  int started = 0, rc = WL_OK;
  for (int t = 0; t < threads; t++) {
    wk[t] = (worker_t){.seq = &seqs[t], .start = &start, .rc = WL_OK};
    if (pthread_create(&tid[t], NULL, worker_main, &wk[t]) != 0) {
      rc = wl_fail(err, WL_EIO, "pthread_create failed for thread %d", t);
      break;
    }
    started++;
  }
  if (started < threads) {
    /* The started threads wait at the barrier forever: cannot recover. */
    fprintf(stderr, "bench-analytics: %s\n", err ? err->msg : "");
    exit(1);
  }
  for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
  pthread_barrier_destroy(&start);
  double first = 0, last = 0, cpu = 0;
  long frames = 0;
  for (int t = 0; t < threads; t++) {
    if (wk[t].rc != WL_OK) {
      if (err) *err = wk[t].err;
      return wk[t].rc;
    }
    const pass_result_t *r = &wk[t].result;
    if (t == 0 || r->start_wall < first) first = r->start_wall;
    if (t == 0 || r->end_wall > last) last = r->end_wall;
    cpu += seqs[t].n / r->cpu_s;
    frames += seqs[t].n;
  }
  *fps = (double)frames / (last - first);
  *cpu_fps = cpu / threads;
  return rc;
}

static int bench_scaling(const sequence_t *seqs, const options_t *o,
                         wl_err_t *err) {
  int reps = o->repeats;
  double fps[2][MAX_REPEATS] = {{0}}, cpu[2][MAX_REPEATS] = {{0}};
  double ratio[MAX_REPEATS] = {0};
  int rc = WL_OK;
  for (int k = 0; k < reps && rc == WL_OK; k++)
    for (int t = 0; t < 2 && rc == WL_OK; t++)
      rc = run_threads(seqs, t + 1, &fps[t][k], &cpu[t][k], err);
  if (rc != WL_OK) return rc;
  for (int k = 0; k < reps; k++) {
    ratio[k] = fps[1][k] / fps[0][k];
    printf("    repeat %d: 1 thread %8.1f frames/s, 2 threads %8.1f "
           "frames/s (x%.2f)\n", k + 1, fps[0][k], fps[1][k], ratio[k]);
  }
  double b1 = max_of(fps[0], reps), b2 = max_of(fps[1], reps);
  double f1 = median(fps[0], reps), f2 = median(fps[1], reps);
  double c1 = median(cpu[0], reps), c2 = median(cpu[1], reps);
  printf("  1 pipeline  on 1 thread : median %8.1f frames/s aggregate (wall)"
         ", best %8.1f; %8.1f frames/s CPU per thread\n", f1, b1, c1);
  printf("  2 pipelines on 2 threads: median %8.1f frames/s aggregate (wall)"
         ", best %8.1f; %8.1f frames/s CPU per thread\n", f2, b2, c2);
  printf("  scaling 2 vs 1 thread (ideal 2.00): x%.2f median of per-repeat "
         "ratios, x%.2f best vs best; per-thread CPU efficiency %.0f %%\n",
         median(ratio, reps), b2 / b1, 100.0 * c2 / c1);
  return WL_OK;
}

/* ---- (d) the single-image spot detector on SIRST ----------------------- */

/* Load up to max images named by the SIRST test split (not timed). */
static int sirst_load(const char *root, int max, sequence_t *s,
                      wl_err_t *err) {
  char path[4096], name[256];
  if (snprintf(path, sizeof path, "%s/" SIRST_SPLIT, root) >=
      (int)sizeof path)
    return wl_fail(err, WL_EINVAL, "SIRST path '%.40s...' is too long", root);
  FILE *fp = fopen(path, "r");
  if (!fp)
    return wl_fail(err, WL_ENOTFOUND, "%s: cannot open: %s", path,
                   strerror(errno));
  int rc = sequence_init(s, max, err);
  int n = 0;
  while (rc == WL_OK && n < max && fgets(name, sizeof name, fp)) {
    name[strcspn(name, "\r\n")] = '\0';
    if (!name[0]) continue;
    if (snprintf(path, sizeof path, "%s/images/%s.png", root, name) >=
        (int)sizeof path)
      rc = wl_fail(err, WL_EINVAL, "SIRST image path for '%.40s' is too "
                   "long", name);
    else
      rc = wl_image_read(path, &s->frames[n], err);
    if (rc == WL_OK) n++;
  }
  fclose(fp);
  if (rc == WL_OK && n == 0)
    rc = wl_fail(err, WL_EFORMAT, "%s/" SIRST_SPLIT ": names no image",
                 root);
  for (int i = n; i < s->n; i++) wl_frame_release(&s->frames[i]);
  s->n = n;
  return rc;
}

/*
 * Time wl_spot_detect (default parameters, mask written as `watchline
 * detect` does) on every image, o->repeats times. Resizing the detector to
 * each image is not timed (it only reallocates when an image is larger
 * than any before).
 */
static int bench_spot(const sequence_t *s, const options_t *o,
                      wl_err_t *err) {
  int reps = o->repeats, n = s->n;
  size_t max_px = 0, sum_px = 0;
  for (int i = 0; i < n; i++) {
    size_t px = (size_t)s->frames[i].width * (size_t)s->frames[i].height;
    max_px = px > max_px ? px : max_px;
    sum_px += px;
  }
  wl_spot_t spot;
  int rc = wl_spot_init(&spot, s->frames[0].width, s->frames[0].height, NULL,
                        err);
  if (rc != WL_OK) return rc;
  uint8_t *mask = malloc(max_px);
  wl_detection_t *det = malloc(MAX_SPOT_DETECTIONS * sizeof *det);
  double *per_image = calloc((size_t)n * (size_t)reps, sizeof *per_image);
  double cpu_ms[MAX_REPEATS] = {0}, wall_ms[MAX_REPEATS] = {0};
  if (!mask || !det || !per_image)
    rc = wl_fail(err, WL_ENOMEM, "out of memory for the spot benchmark");
  long detections = 0;
  for (int k = 0; k < reps && rc == WL_OK; k++) {
    double cpu = 0, wall = 0;
    for (int i = 0; i < n && rc == WL_OK; i++) {
      const wl_frame_t *f = &s->frames[i];
      if ((rc = wl_spot_resize(&spot, f->width, f->height, err)) != WL_OK)
        break;
      int nd = 0;
      double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
      rc = wl_spot_detect(&spot, f, mask, det, MAX_SPOT_DETECTIONS, &nd, err);
      double c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
      wall += clock_s(CLOCK_MONOTONIC) - w0;
      cpu += c;
      per_image[(size_t)k * (size_t)n + (size_t)i] = c;
      detections += nd;
    }
    cpu_ms[k] = 1e3 * cpu / n;
    wall_ms[k] = 1e3 * wall / n;
  }
  if (rc == WL_OK) {
    size_t np = (size_t)n * (size_t)reps;
    double p50 = quantile(per_image, np, 0.5);
    double p99 = quantile(per_image, np, 0.99);
    double mean_px = (double)sum_px / n;
    double cpu_med = median(cpu_ms, reps);
    printf("  %d images of %s (mean %.0f px, largest %zu px), %d repeats, "
           "default parameters, 1 thread\n", n, SIRST_SPLIT, mean_px, max_px,
           reps);
    printf("  CPU  median %.3f ms/image (%.1f images/s; %.2f ms per "
           "megapixel); wall median %.3f ms/image\n", cpu_med, 1e3 / cpu_med,
           cpu_med * 1e6 / mean_px, median(wall_ms, reps));
    printf("  per image (CPU): p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
           "%.2f detections/image; state %zu bytes\n", p50 * 1e3, p99 * 1e3,
           per_image[np - 1] * 1e3, (double)detections / (double)np,
           wl_spot_bytes(&spot));
  }
  free(mask);
  free(det);
  free(per_image);
  wl_spot_free(&spot);
  return rc;
}

/* ---- machine and main -------------------------------------------------- */

static void print_machine(void) {
  char model[256] = "unknown", line[512];
  FILE *fp = fopen("/proc/cpuinfo", "r");
  while (fp && fgets(line, sizeof line, fp)) {
    char *colon = strchr(line, ':');
    if (strncmp(line, "model name", 10) == 0 && colon) {
      snprintf(model, sizeof model, "%s", colon + 2);
      model[strcspn(model, "\n")] = '\0';
      break;
    }
  }
  if (fp) fclose(fp);
  double load = -1;
  fp = fopen("/proc/loadavg", "r");
  if (fp && fscanf(fp, "%lf", &load) != 1) load = -1;
  if (fp) fclose(fp);
  printf("machine: %ld cores online, %s, load average (1 min) %.2f\n",
         sysconf(_SC_NPROCESSORS_ONLN), model, load);
}

static int fail(const char *what, const wl_err_t *err) {
  fprintf(stderr, "bench-analytics: %s: %s\n", what, err->msg);
  return 1;
}

int main(int argc, char **argv) {
  options_t o;
  char sirst_default[4096];
  int prc = parse_options(argc, argv, &o, sirst_default, sizeof sirst_default);
  if (prc) return prc == 1 ? 0 : prc;
  signal(SIGPIPE, SIG_IGN); /* a dead peer must give an error, not kill us */
  wl_err_t err;
  sequence_t seqs[2] = {{0}, {0}}, images = {0};
  peer_t peer = {0};
  int rc = 1;
  if (sequence_render(&seqs[0], &o, &err) != WL_OK) {
    rc = fail("rendering the frames", &err);
    goto done;
  }
  const wl_frame_t *f0 = &seqs[0].frames[0];
  uint64_t sum = sequence_checksum(&seqs[0]);
  printf("bench-analytics: %s %dx%d 16-bit, %d frames (seed %llu, rendered "
         "before timing), %d repeats\n", o.preset, f0->width, f0->height,
         o.frames, (unsigned long long)o.seed, o.repeats);
  print_machine();

  printf("(a) watchline pipeline (preprocess + motion + track + classify), "
         "1 thread, vs\n(b) the OpenCV peer on the same frames in 8 bits; "
         "repeats interleaved\n");
  if (!o.peer[0])
    printf("  peer skipped: no peer program (OpenCV was not found when "
           "configuring, or --no-peer)\n");
  else if (peer_start(&peer, o.peer, &seqs[0], o.repeats, &err) != WL_OK) {
    rc = fail(o.peer, &err);
    goto done;
  }
  compare_result_t cmp = {0};
  if (bench_compare(&seqs[0], &o, &peer, &cmp, &err) != WL_OK ||
      peer_stop(&peer, &err) != WL_OK) {
    rc = fail("pipeline vs peer", &err);
    goto done;
  }
  if (o.peer[0])
    printf("  goal >= %.0fx the peer: %s; goal >= %.0f frames/s per core: "
           "%s (%.1f)\n", GOAL_RATIO,
           cmp.ratio_cpu >= GOAL_RATIO ? "met" : "NOT met", GOAL_FPS,
           cmp.cpu_fps >= GOAL_FPS ? "met" : "NOT met", cmp.cpu_fps);

  printf("(c) one pipeline per camera on threads, each on its own copy of "
         "the frames\n");
  if (!o.scaling) {
    printf("  skipped (--no-scaling)\n");
  } else if (sequence_copy(&seqs[1], &seqs[0], &err) != WL_OK ||
             bench_scaling(seqs, &o, &err) != WL_OK) {
    rc = fail("scaling", &err);
    goto done;
  }

  printf("(d) single-image small-target (spot) detector, per SIRST image\n");
  if (!o.sirst[0]) {
    printf("  skipped (--no-sirst)\n");
  } else if (access(o.sirst, R_OK) != 0) {
    printf("  skipped: %s is absent\n", o.sirst);
  } else if (sirst_load(o.sirst, o.images, &images, &err) != WL_OK ||
             bench_spot(&images, &o, &err) != WL_OK) {
    rc = fail("spot detector", &err);
    goto done;
  }

  for (int t = 0; t < 2; t++) {
    if (seqs[t].n && sequence_checksum(&seqs[t]) != sum) {
      fprintf(stderr, "bench-analytics: the pipeline changed its input "
                      "frames (copy %d): the timings are not comparable\n", t);
      goto done;
    }
  }
  rc = 0;
done:
  if (peer.pid) (void)peer_stop(&peer, NULL);
  sequence_free(&seqs[0]);
  sequence_free(&seqs[1]);
  sequence_free(&images);
  return rc;
}
