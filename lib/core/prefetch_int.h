/*
 * prefetch_int.h - a cache hint for the row loops (internal to
 * libwatchline): ask for the n uint16 pixels at r, one request per 64-byte
 * line (into L1, or with wl__prefetch_row_l2 into L2). A hint only;
 * results never depend on it. Compilers without __builtin_prefetch get
 * empty functions.
 */
#ifndef WATCHLINE_PREFETCH_INT_H
#define WATCHLINE_PREFETCH_INT_H

#include <stdint.h>

static inline void wl__prefetch_row(const uint16_t *r, int n) {
#if defined(__GNUC__)
  for (int x = 0; x < n; x += 32) __builtin_prefetch(r + x); /* 64 B */
#else
  (void)r;
  (void)n;
#endif
}

/* The same, into the outer cache levels only (L2): for rows needed a
 * little later, so that the lines needed first keep the few L1 fill
 * buffers (docs/DETECTION.md, tuning log "Speed: quiet blocks, two-deep
 * prefetch"). */
static inline void wl__prefetch_row_l2(const uint16_t *r, int n) {
#if defined(__GNUC__)
  for (int x = 0; x < n; x += 32) __builtin_prefetch(r + x, 0, 1);
#else
  (void)r;
  (void)n;
#endif
}

#endif
