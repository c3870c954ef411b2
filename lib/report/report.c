/*
 * report.c - the reporter: a track is emitted only once it has persisted
 * (include/watchline/report.h).
 *
 * Frames are numbered by the reporter in the order fed (seq 0, 1, ...);
 * frame seq q lives in ring[q % (lag + 1)] from its push until it is
 * emitted. The table holds one entry per track id seen in a held frame,
 * sorted by id: its last output frame (seq), how many frames it has been
 * output in and whether it has been reported. An entry whose last frame
 * has been emitted is dropped.
 *
 * Invariants: emitted <= pushed <= emitted + lag + 1; the held frames
 * are seq emitted .. pushed - 1.
 */
#include "watchline/report.h"

#include <stdlib.h>
#include <string.h>

#include "../core/grow_int.h"

typedef struct report_slot {
  int64_t frame, t_ns;
  wl_track_t *tracks;
  size_t n, cap;
} report_slot_t;

typedef struct report_entry {
  uint64_t id;
  int64_t last;   /* seq of its last output frame */
  int64_t count;  /* output frames so far */
  int reported;
} report_entry_t;

struct wl_reporter {
  wl_report_params_t p;
  int lag;
  report_slot_t *ring;  /* lag + 1 */
  int64_t pushed;       /* frames fed (seq of the next one) */
  int64_t emitted;      /* frames given back (seq of the oldest held) */
  int flushing;         /* the last frame's tracks have been reported */
  report_entry_t *table;
  size_t n_entries, entries_cap;
};

void wl_report_default_params(wl_report_params_t *p) {
  memset(p, 0, sizeof *p);
  p->persist_frames = WL_REPORT_PERSIST_DEFAULT;
}

int wl_reporter_new(wl_reporter_t **out, const wl_report_params_t *p,
                    wl_err_t *err) {
  *out = NULL;
  wl_report_params_t d;
  if (!p) {
    wl_report_default_params(&d);
    p = &d;
  }
  if (p->persist_frames < 0 || p->persist_frames > WL_REPORT_MAX_PERSIST)
    return wl_fail(err, WL_EINVAL,
                   "report: persist_frames %d out of range 0..%d",
                   p->persist_frames, WL_REPORT_MAX_PERSIST);
  wl_reporter_t *r = calloc(1, sizeof *r);
  if (!r) return wl_fail(err, WL_ENOMEM, "report: out of memory");
  r->p = *p;
  r->lag = wl_report_lag(p);
  r->ring = calloc((size_t)r->lag + 1, sizeof *r->ring);
  if (!r->ring) {
    free(r);
    return wl_fail(err, WL_ENOMEM, "report: out of memory");
  }
  *out = r;
  return WL_OK;
}

void wl_reporter_free(wl_reporter_t *r) {
  if (!r) return;
  for (int i = 0; i <= r->lag; i++) free(r->ring[i].tracks);
  free(r->ring);
  free(r->table);
  free(r);
}

int wl_report_lag(const wl_report_params_t *p) {
  int persist = p ? p->persist_frames : WL_REPORT_PERSIST_DEFAULT;
  return persist > 1 ? persist - 1 : 0;
}

int wl_reporter_lag(const wl_reporter_t *r) { return r->lag; }

static report_slot_t *slot_of(const wl_reporter_t *r, int64_t seq) {
  return &r->ring[seq % (r->lag + 1)];
}

/* Index of id in the table, or where it would go (*found 0). */
static size_t entry_find(const wl_reporter_t *r, uint64_t id, int *found) {
  size_t lo = 0, hi = r->n_entries;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->table[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < r->n_entries && r->table[lo].id == id;
  return lo;
}

/* Note that track id is output in frame seq; the table has room. */
static void entry_see(wl_reporter_t *r, uint64_t id, int64_t seq) {
  int found;
  size_t k = entry_find(r, id, &found);
  report_entry_t *e = &r->table[k];
  if (!found) {
    memmove(e + 1, e, (r->n_entries - k) * sizeof *e);
    r->n_entries++;
    e->id = id;
    e->count = 0;
    e->reported = 0;
  }
  e->last = seq;
  e->count++;
  if (e->count >= r->p.persist_frames) e->reported = 1;
}

static int is_reported(const wl_reporter_t *r, uint64_t id) {
  int found;
  size_t k = entry_find(r, id, &found);
  return found && r->table[k].reported;
}

/* Give back the oldest held frame with its reported tracks, then forget
 * the tracks that no held frame has. */
static void emit_oldest(wl_reporter_t *r, wl_report_frame_t *out) {
  report_slot_t *s = slot_of(r, r->emitted);
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++)
    if (is_reported(r, s->tracks[i].id)) s->tracks[n++] = s->tracks[i];
  s->n = n;
  out->frame = s->frame;
  out->t_ns = s->t_ns;
  out->tracks = s->tracks;
  out->n = n;
  r->emitted++;
  size_t kept = 0;
  for (size_t k = 0; k < r->n_entries; k++)
    if (r->table[k].last >= r->emitted) r->table[kept++] = r->table[k];
  r->n_entries = kept;
}

int wl_reporter_push(wl_reporter_t *r, int64_t frame, int64_t t_ns,
                     const wl_track_t *tracks, size_t n,
                     wl_report_frame_t *out, wl_err_t *err) {
  if (n > 0 && !tracks)
    return wl_fail(err, WL_EINVAL, "report: NULL tracks with n %zu", n);
  for (size_t i = 1; i < n; i++)
    if (tracks[i].id <= tracks[i - 1].id)
      return wl_fail(err, WL_EINVAL,
                     "report: track ids not increasing (%llu after %llu)",
                     (unsigned long long)tracks[i].id,
                     (unsigned long long)tracks[i - 1].id);
  report_slot_t *s = slot_of(r, r->pushed);
  int rc = wl__grow(&s->tracks, &s->cap, n, sizeof *s->tracks, "report",
                    err);
  if (rc == WL_OK)
    rc = wl__grow(&r->table, &r->entries_cap, r->n_entries + n,
                  sizeof *r->table, "report", err);
  if (rc != WL_OK) return rc;
  if (n) memcpy(s->tracks, tracks, n * sizeof *tracks);
  s->n = n;
  s->frame = frame;
  s->t_ns = t_ns;
  for (size_t i = 0; i < n; i++) entry_see(r, tracks[i].id, r->pushed);
  r->pushed++;
  if (r->pushed - r->emitted <= r->lag) return 0;
  emit_oldest(r, out);
  return 1;
}

int wl_reporter_flush(wl_reporter_t *r, wl_report_frame_t *out) {
  if (r->emitted == r->pushed) {
    r->pushed = r->emitted = 0;
    r->n_entries = 0;
    r->flushing = 0;
    return 0;
  }
  if (!r->flushing) {
    const report_slot_t *last = slot_of(r, r->pushed - 1);
    for (size_t i = 0; i < last->n; i++) {
      int found;
      size_t k = entry_find(r, last->tracks[i].id, &found);
      if (found) r->table[k].reported = 1;
    }
    r->flushing = 1;
  }
  emit_oldest(r, out);
  return 1;
}

size_t wl_reporter_state_bytes(const wl_reporter_t *r) {
  size_t bytes = sizeof *r + ((size_t)r->lag + 1) * sizeof *r->ring +
                 r->entries_cap * sizeof *r->table;
  for (int i = 0; i <= r->lag; i++)
    bytes += r->ring[i].cap * sizeof *r->ring[i].tracks;
  return bytes;
}
