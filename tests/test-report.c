/*
 * test-report.c - the reporter (report_*): a track is emitted only once it
 * has persisted, frames come back in order a fixed lag behind, the flush
 * emits the rest, persist_frames 0 is a pass-through, bad input is an
 * error value, and a steady stream does not grow the reporter's memory.
 *
 * Tracks are synthetic records whose box encodes the frame they were fed
 * in (x = frame, y = id), so that each emitted record can be checked to
 * be the one fed for its own frame.
 */
#include <string.h>

#include "task.h"
#include "watchline/report.h"

#define FRAME_NS 33333333LL

/* A confirmed track record with id and a box that names its frame. */
static wl_track_t track_rec(uint64_t id, int64_t frame) {
  wl_track_t t;
  memset(&t, 0, sizeof t);
  t.id = id;
  t.state = WL_TRACK_CONFIRMED;
  t.x = (double)frame;
  t.y = (double)id;
  t.w = 4.0;
  t.h = 9.0;
  t.vx = 1.5;
  t.cls = WL_CLASS_PERSON;
  t.cls_conf = 0.9;
  return t;
}

static wl_reporter_t *make_reporter(int persist) {
  wl_report_params_t p;
  wl_report_default_params(&p);
  p.persist_frames = persist;
  wl_reporter_t *r = NULL;
  wl_err_t err;
  if (wl_reporter_new(&r, &p, &err) != WL_OK) return NULL;
  return r;
}

/* Is each of the frame's records the one fed for it (its own box)? */
static int records_of_frame(const wl_report_frame_t *e) {
  for (size_t i = 0; i < e->n; i++) {
    const wl_track_t *t = &e->tracks[i];
    if (t->x != (double)e->frame || t->y != (double)t->id || t->w != 4.0 ||
        t->cls != WL_CLASS_PERSON || t->vx != 1.5)
      return 0;
  }
  return 1;
}

static int has_id(const wl_report_frame_t *e, uint64_t id) {
  for (size_t i = 0; i < e->n; i++)
    if (e->tracks[i].id == id) return 1;
  return 0;
}

/*
 * persist 10 (lag 9): track 1 is output in frames 1-9 (one frame short),
 * track 2 in frames 5-40. Every frame comes back 9 frames late and in
 * order; track 1 never; track 2 from frame 5 on, its own records.
 */
TEST_IMPL(report_short_never_long_whole) {
  wl_reporter_t *r = make_reporter(10);
  ASSERT(r != NULL);
  ASSERT_EQ(wl_reporter_lag(r), 9);
  wl_report_params_t p;
  wl_report_default_params(&p);
  ASSERT_EQ(wl_report_lag(NULL), WL_REPORT_PERSIST_DEFAULT - 1);
  ASSERT_EQ(wl_report_lag(&p), WL_REPORT_PERSIST_DEFAULT - 1);
  p.persist_frames = 10;
  ASSERT_EQ(wl_report_lag(&p), 9);
  wl_err_t err;
  int64_t expect = 1;
  int seen_2 = 0;
  for (int64_t f = 1; f <= 60; f++) {
    wl_track_t t[2];
    size_t n = 0;
    if (f <= 9) t[n++] = track_rec(1, f);
    if (f >= 5 && f <= 40) t[n++] = track_rec(2, f);
    wl_report_frame_t e;
    int rc = wl_reporter_push(r, f, f * FRAME_NS, t, n, &e, &err);
    ASSERT(rc >= 0);
    if (f <= 9) {
      ASSERT_EQ(rc, 0);
      continue;
    }
    ASSERT_EQ(rc, 1);
    ASSERT_EQ(e.frame, f - 9);
    ASSERT_EQ(e.frame, expect);
    ASSERT_EQ(e.t_ns, e.frame * FRAME_NS);
    expect++;
    ASSERT(!has_id(&e, 1));
    ASSERT_EQ(has_id(&e, 2), e.frame >= 5 && e.frame <= 40);
    ASSERT(records_of_frame(&e));
    seen_2 += has_id(&e, 2);
  }
  ASSERT_EQ(seen_2, 36);
  wl_reporter_free(r);
  return 0;
}

/*
 * The end of the stream: the flush gives back the 9 held frames in order.
 * Track 3 (output from frame 28 to the end, frame 30: 3 frames) counts as
 * persistent; track 4 (frames 22-25, ended before the end) does not.
 */
TEST_IMPL(report_flush_rest) {
  wl_reporter_t *r = make_reporter(10);
  ASSERT(r != NULL);
  wl_err_t err;
  wl_report_frame_t e;
  int64_t next = 1;
  for (int64_t f = 1; f <= 30; f++) {
    wl_track_t t[2];
    size_t n = 0;
    if (f >= 22 && f <= 25) t[n++] = track_rec(4, f);
    if (f >= 28) t[n++] = track_rec(3, f);
    int rc = wl_reporter_push(r, f, f * FRAME_NS, t, n, &e, &err);
    ASSERT(rc >= 0);
    if (rc == 1) {
      ASSERT_EQ(e.frame, next++);
      ASSERT(!has_id(&e, 3) && !has_id(&e, 4));
    }
  }
  ASSERT_EQ(next, 22);
  int flushed = 0;
  while (wl_reporter_flush(r, &e)) {
    ASSERT_EQ(e.frame, next++);
    ASSERT(!has_id(&e, 4));
    ASSERT_EQ(has_id(&e, 3), e.frame >= 28);
    ASSERT(records_of_frame(&e));
    flushed++;
  }
  ASSERT_EQ(flushed, 9);
  ASSERT_EQ(next, 31);
  /* Empty afterwards, and ready for a new stream. */
  ASSERT_EQ(wl_reporter_flush(r, &e), 0);
  wl_track_t t = track_rec(7, 1);
  ASSERT_EQ(wl_reporter_push(r, 1, FRAME_NS, &t, 1, &e, &err), 0);
  wl_reporter_free(r);
  return 0;
}

/* persist 0 and 1: each frame comes back at once, every record as fed. */
TEST_IMPL(report_off_pass_through) {
  for (int persist = 0; persist <= 1; persist++) {
    wl_reporter_t *r = make_reporter(persist);
    ASSERT(r != NULL);
    ASSERT_EQ(wl_reporter_lag(r), 0);
    wl_report_params_t p = {.persist_frames = persist};
    ASSERT_EQ(wl_report_lag(&p), 0);
    wl_err_t err;
    for (int64_t f = 1; f <= 20; f++) {
      wl_track_t t[3];
      size_t n = 0;
      if (f % 3) t[n++] = track_rec(10 + (uint64_t)f, f); /* 1 frame each */
      t[n++] = track_rec(100, f);
      wl_report_frame_t e;
      ASSERT_EQ(wl_reporter_push(r, f, f * FRAME_NS, t, n, &e, &err), 1);
      ASSERT_EQ(e.frame, f);
      ASSERT_EQ(e.n, n);
      ASSERT(memcmp(e.tracks, t, n * sizeof *t) == 0);
    }
    wl_report_frame_t e;
    ASSERT_EQ(wl_reporter_flush(r, &e), 0);
    wl_reporter_free(r);
  }
  return 0;
}

/*
 * Bad parameters and input are error values: persist_frames out of
 * range, NULL tracks with n > 0, ids not increasing (nothing changes:
 * the stream goes on as if the bad frame had not been fed).
 */
TEST_IMPL(report_bad_input) {
  wl_report_params_t p;
  wl_report_default_params(&p);
  wl_reporter_t *r = NULL;
  wl_err_t err;
  p.persist_frames = -1;
  ASSERT_EQ(wl_reporter_new(&r, &p, &err), WL_EINVAL);
  ASSERT(r == NULL);
  p.persist_frames = WL_REPORT_MAX_PERSIST + 1;
  ASSERT_EQ(wl_reporter_new(&r, &p, &err), WL_EINVAL);
  ASSERT_STR_CONTAINS(err.msg, "persist_frames");
  wl_reporter_free(NULL);

  r = make_reporter(3);
  ASSERT(r != NULL);
  wl_report_frame_t e;
  ASSERT_EQ(wl_reporter_push(r, 1, FRAME_NS, NULL, 2, &e, &err), WL_EINVAL);
  wl_track_t t[2] = {track_rec(5, 1), track_rec(5, 1)};
  ASSERT_EQ(wl_reporter_push(r, 1, FRAME_NS, t, 2, &e, &err), WL_EINVAL);
  t[0].id = 6;
  ASSERT_EQ(wl_reporter_push(r, 1, FRAME_NS, t, 2, &e, &err), WL_EINVAL);
  ASSERT_EQ(wl_reporter_push(r, 1, FRAME_NS, NULL, 0, &e, &err), 0);
  ASSERT_EQ(wl_reporter_push(r, 2, 2 * FRAME_NS, NULL, 0, &e, &err), 0);
  ASSERT_EQ(wl_reporter_push(r, 3, 3 * FRAME_NS, NULL, 0, &e, &err), 1);
  ASSERT_EQ(e.frame, 1);
  ASSERT_EQ(e.n, 0);
  wl_reporter_free(r);
  return 0;
}

/*
 * Fixed memory: 100 frames of 20 tracks each living 40 frames (a new one
 * every 2 frames) bring the reporter to its size (each ring frame has
 * held 20 tracks); 5,000 more frames of the same do not grow it.
 */
TEST_IMPL(report_steady_memory) {
  wl_reporter_t *r = make_reporter(30);
  ASSERT(r != NULL);
  wl_err_t err;
  size_t bytes = 0;
  for (int64_t f = 1; f <= 5100; f++) {
    wl_track_t t[20];
    size_t n = 0;
    int64_t first = f - 39 > 1 ? f - 39 : 1;
    for (int64_t b = first; b <= f; b++)
      if (b % 2 == 0) t[n++] = track_rec((uint64_t)b, f);
    wl_report_frame_t e;
    ASSERT(wl_reporter_push(r, f, f * FRAME_NS, t, n, &e, &err) >= 0);
    if (f == 100) bytes = wl_reporter_state_bytes(r);
  }
  ASSERT_EQ(wl_reporter_state_bytes(r), bytes);
  ASSERT_LT(bytes, (size_t)31 * 64 * sizeof(wl_track_t));
  wl_reporter_free(r);
  return 0;
}
