/*
 * motion_kernel.c - the per-row hot loops of the temporal detector: the
 * foreground test and the selective, dithered update of the background
 * mean and threshold (see motion_int.h for the model).
 *
 * Design for speed: one pass over contiguous uint16 rows, integer
 * arithmetic only, no branches in the pixel loop (selections are made with
 * all-ones/all-zero masks), and a fixed block length so that GCC's -O2
 * "very cheap" vectoriser accepts the loop. Each block function is a
 * static inline template expanded with constant `update` / `use_gain`
 * flags, so every exported kernel is branch-free inside. Whole blocks
 * are split into loops by lane width (segment_detect, segment_update):
 * the contrast test and the mu/thr update need 32-bit lanes, but the mask
 * byte's bookkeeping (state, flicker counter, polarity bits) runs on byte
 * lanes, four times as many per vector, through a per-block state array
 * on the stack. A block without foreground (most blocks of a frame)
 * then takes a shorter route: its mask bytes need no state, polarity or
 * flicker flag, and its update only the background steps of mu and thr
 * (as every block while the model learns non-selectively). The tail of a
 * row (fewer than WL__MOTION_BLOCK pixels) uses the one-loop segment();
 * all compute the same thing (test motion_kernel_blocks checks them bit
 * for bit).
 *
 * The update, per pixel, with d = f' - mu and r a uniform 16-bit dither:
 *   flicker counter (mask bits 2..5): +1 whenever the state
 *          (background, warmer, colder) differs from the last frame's, +2
 *          more when the foreground polarity reverses (bit 6 keeps the
 *          last one; bit 7 says the state changed this frame), in every
 *          frame; -1 about every 64 updates;
 *          saturating at 15. The pixel is "flickering" at 6 or more.
 *          Swaying vegetation and shimmer, centred by mu, swing both ways
 *          round and round; a parked object does not change, a passing
 *          one (even a slow walker whose legs toggle its pixels) switches
 *          a few times and never reverses;
 *   mu  += (d + (r mod 2^n)) >> n, n = mu_shift_fg for steady foreground
 *          pixels (slow absorption of parked objects), mu_shift_weak for
 *          steady foreground fainter than twice its threshold (residues:
 *          the trace a slow object left in mu), mu_shift_bg for
 *          background pixels and the faint foreground of flickering
 *          ones (so vegetation stays centred; a flickering pixel's strong
 *          foreground is learned slowly like any other: the pixels a
 *          crowd walks over "flicker", and learning each passer-by fast
 *          left a colder trail behind it);
 *   thr += (min(|d| * thr_gain_q4 / 16, thr_cap) - thr + dither) >> thr_shift
 *          for background pixels; for flickering foreground pixels the
 *          target is capped at twice the current threshold and the rate
 *          is 2^-thr_flicker_shift, so vegetation and shimmer raise their
 *          threshold within seconds; steady foreground leaves thr
 *          unchanged, so a parked object is absorbed by mu, never hidden
 *          by a growing threshold.
 * Adding a uniform dither before the arithmetic shift makes the expected
 * increment exactly d / 2^n, so the 16-bit state follows changes far
 * smaller than one unit per frame without drifting.
 */
#include "../core/clones_int.h"
#include "motion_int.h"

/* Three builds where the compiler knows x86-64-v4 (WL__CLONES): twice the
 * lanes of AVX2 and mask registers for the selections make this kernel
 * about twice as fast as the AVX2 build (docs/BENCHMARKS.md). Same C,
 * integer arithmetic: identical results. Older GCC: AVX2 and baseline. */
#if defined(WL__CLONES_ON)
#define WL__MULTIVERSION WL__CLONES
#elif defined(__x86_64__) && defined(__linux__) &&                       \
    !defined(WL_NO_MULTIVERSION) && !defined(__clang__) &&                \
    defined(__GNUC__) && __GNUC__ >= 8
#define WL__MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define WL__MULTIVERSION
#endif

/* The templates must be expanded with their constant flags. */
#if defined(__GNUC__)
#define WL__INLINE static inline __attribute__((always_inline))
#else
#define WL__INLINE static inline
#endif

/* Pixels [0, len) of a row segment. Returns the number of foreground
 * pixels. The block loop (len == WL__MOTION_BLOCK, a constant) and the
 * tail (any len) expand this same body, so they compute the same thing. */
WL__INLINE int segment(const uint16_t *restrict f, uint16_t *restrict mu,
                       uint16_t *restrict thr, uint8_t *restrict mask,
                       const uint16_t *restrict rnd, const int len,
                       const int salt, const wl__motion_kparams_t k,
                       const int update, const int use_gain) {
  const int nb = k.mu_shift_bg, nf = k.mu_shift_fg, mt = k.thr_shift;
  const int nw = k.mu_shift_weak, mtf = k.thr_flicker_shift;
  const int rmb = (1 << nb) - 1, rmf = (1 << nf) - 1, rts = 16 - mt;
  const int rmw = (1 << nw) - 1;
  const int rtf = 16 - mtf;
  int count = 0;
  for (int j = 0; j < len; j++) {
    int m = mu[j];
    int fv = (int)f[j] << k.shift;
    if (use_gain) fv = (fv * k.gain_q12) >> 12;
    int d = fv - k.offset - m;
    int ad = d < 0 ? -d : d;
    int tt = thr[j];
    int t = tt > k.floor_thr ? tt : k.floor_thr;
    int fg = -(ad > t); /* 0 or -1 */
    int cold = d < 0;
    int state = (fg & WL__FG_WARM) + (fg & cold);
    int old = mask[j];
    count += fg & 1;
    /* Flicker counter, every frame: +1 per change of state (weighting
     * polarity reversals +2 more was measured worse on crowd, tuning log
     * "Speed"); the last foreground polarity is kept in a bit. */
    int last_cold = (old & WL__LAST_COLD) != 0;
    int changed = (old & WL__STATE_BITS) != state;
    int cnt = (old & WL__COUNT_BITS) >> WL__COUNT_SHIFT;
    cnt += changed;
    cnt = cnt > WL__COUNT_MAX ? WL__COUNT_MAX : cnt;
    int keep_cold = (fg & cold) | (~fg & last_cold);
    int bits = state | (keep_cold << WL__LAST_COLD_SHIFT) |
               (changed << WL__CHANGED_SHIFT);
    if (!update) {
      mask[j] = (uint8_t)(bits | (cnt << WL__COUNT_SHIFT));
    } else {
      int r = rnd[j] ^ salt;
      /* ...and -1 about every 64 updates; flickering from WL__FLICKER_ON. */
      cnt -= (((r >> 5) ^ (r >> 11)) & 63) == 0 && cnt > 0;
      mask[j] = (uint8_t)(bits | (cnt << WL__COUNT_SHIFT));
      int flick = -(cnt >= WL__FLICKER_ON);
      int sel = fg & k.selective;  /* learn as foreground */
      int faint = -(ad < 2 * t);
      /* ...slowly, unless faint on a flickering pixel (a bush whose
       * threshold has grown): strong foreground on a pixel that people
       * keep walking over is a person, not background to centre on. */
      int slow = sel & ~(flick & faint);
      int weak = slow & faint;     /* ...less slowly: a faint one */
      int ub = (d + (r & rmb)) >> nb;
      int uf = (d + (r & rmf)) >> nf;
      int uw = (d + (r & rmw)) >> nw;
      int mn = m + ((uw & weak) | (uf & slow & ~weak) | (ub & ~slow));
      mn = mn < 0 ? 0 : mn;
      mn = mn > 65535 ? 65535 : mn;
      mu[j] = (uint16_t)mn;
      int v = (ad * k.thr_gain_q4) >> 4;
      v = v > k.thr_cap ? k.thr_cap : v;
      int ut = (v - tt + (r >> rts)) >> mt;    /* background pixels */
      int vf = v < 2 * t ? v : 2 * t;          /* flickering foreground */
      int uff = (vf - tt + (r >> rtf)) >> mtf;
      int tn = tt + (ut & ~sel) + (uff & sel & flick);
      tn = tn < 0 ? 0 : tn;
      tn = tn > 65535 ? 65535 : tn;
      thr[j] = (uint16_t)tn;
    }
  }
  return count;
}

/* The mask bytes of a block without foreground (most blocks): the
 * per-pixel loops of segment_detect and segment_update with state 0
 * everywhere, so no polarity or flicker flag is needed. dec: the
 * update's flicker-counter decay draws, NULL in detection. */
WL__INLINE void quiet_mask(uint8_t *restrict mask,
                           const uint8_t *restrict dec, int len) {
  for (int j = 0; j < len; j++) {
    uint8_t old = mask[j];
    uint8_t changed = (old & WL__STATE_BITS) != 0;
    uint8_t cnt = (old >> WL__COUNT_SHIFT) & WL__COUNT_MAX;
    cnt = (uint8_t)(cnt + changed);
    cnt = cnt > WL__COUNT_MAX ? WL__COUNT_MAX : cnt;
    if (dec) cnt = (uint8_t)(cnt - (dec[j] & (cnt > 0)));
    mask[j] = (uint8_t)((old & WL__LAST_COLD) |
                        (changed << WL__CHANGED_SHIFT) |
                        (cnt << WL__COUNT_SHIFT));
  }
}

/* Detect only, pixels [0, len): the same outputs as segment() with
 * update == 0, in two loops so that the mask byte's bookkeeping runs on
 * byte lanes (four times as many per vector as the 32-bit contrast
 * test): first the state (0 background, 1 warmer, 2 colder) per pixel,
 * then the new mask byte from the state and the old byte. */
WL__INLINE int segment_detect(const uint16_t *restrict f,
                              const uint16_t *restrict mu,
                              const uint16_t *restrict thr,
                              uint8_t *restrict mask, const int len,
                              const wl__motion_kparams_t k,
                              const int use_gain) {
  uint8_t st[WL__MOTION_BLOCK];
  int count = 0;
  for (int j = 0; j < len; j++) {
    int fv = (int)f[j] << k.shift;
    if (use_gain) fv = (fv * k.gain_q12) >> 12;
    int d = fv - k.offset - mu[j];
    int ad = d < 0 ? -d : d;
    int tt = thr[j];
    int t = tt > k.floor_thr ? tt : k.floor_thr;
    int fg = ad > t;
    count += fg;
    st[j] = (uint8_t)(fg ? (d < 0 ? WL__FG_COLD : WL__FG_WARM) : 0);
  }
  if (count == 0) {
    quiet_mask(mask, NULL, len);
    return count;
  }
  for (int j = 0; j < len; j++) {
    uint8_t state = st[j], old = mask[j];
    uint8_t fg = state != 0, cold = state == WL__FG_COLD;
    uint8_t last_cold = (old >> WL__LAST_COLD_SHIFT) & 1;
    uint8_t changed = (old & WL__STATE_BITS) != state;
    uint8_t cnt = (old >> WL__COUNT_SHIFT) & WL__COUNT_MAX;
    cnt = (uint8_t)(cnt + changed); /* as segment() */
    cnt = cnt > WL__COUNT_MAX ? WL__COUNT_MAX : cnt;
    uint8_t keep_cold = fg ? cold : last_cold;
    mask[j] = (uint8_t)(state | (keep_cold << WL__LAST_COLD_SHIFT) |
                        (changed << WL__CHANGED_SHIFT) |
                        (cnt << WL__COUNT_SHIFT));
  }
  return count;
}

/* Detect and update, pixels [0, len): the same outputs as segment() with
 * update == 1. Its first two loops repeat segment_detect()'s on purpose:
 * sharing them through inline helpers kept the results but stopped GCC
 * from vectorising them (1,700 instead of 3,580 frames/s in
 * bench-analytics). In three loops: the state and the counter's decay draw
 * (32-bit lanes), the mask byte (byte lanes), then mu and thr. */
WL__INLINE int segment_update(const uint16_t *restrict f,
                              uint16_t *restrict mu, uint16_t *restrict thr,
                              uint8_t *restrict mask,
                              const uint16_t *restrict rnd, const int len,
                              const int salt, const wl__motion_kparams_t k,
                              const int use_gain) {
  uint8_t st[WL__MOTION_BLOCK], dec[WL__MOTION_BLOCK], fl[WL__MOTION_BLOCK];
  int count = 0;
  for (int j = 0; j < len; j++) {
    int fv = (int)f[j] << k.shift;
    if (use_gain) fv = (fv * k.gain_q12) >> 12;
    int d = fv - k.offset - mu[j];
    int ad = d < 0 ? -d : d;
    int tt = thr[j];
    int t = tt > k.floor_thr ? tt : k.floor_thr;
    int fg = ad > t;
    count += fg;
    st[j] = (uint8_t)(fg ? (d < 0 ? WL__FG_COLD : WL__FG_WARM) : 0);
    int r = rnd[j] ^ salt;
    dec[j] = (uint8_t)((((r >> 5) ^ (r >> 11)) & 63) == 0);
  }
  if (count == 0) {
    /* fl is not needed: only foreground pixels read it. */
    quiet_mask(mask, dec, len);
  } else {
    for (int j = 0; j < len; j++) {
      uint8_t state = st[j], old = mask[j];
      uint8_t fg = state != 0, cold = state == WL__FG_COLD;
      uint8_t last_cold = (old >> WL__LAST_COLD_SHIFT) & 1;
      uint8_t changed = (old & WL__STATE_BITS) != state;
      uint8_t cnt = (old >> WL__COUNT_SHIFT) & WL__COUNT_MAX;
      cnt = (uint8_t)(cnt + changed); /* as segment() */
      cnt = cnt > WL__COUNT_MAX ? WL__COUNT_MAX : cnt;
      cnt = (uint8_t)(cnt - (dec[j] & (cnt > 0)));
      uint8_t keep_cold = fg ? cold : last_cold;
      mask[j] = (uint8_t)(state | (keep_cold << WL__LAST_COLD_SHIFT) |
                          (changed << WL__CHANGED_SHIFT) |
                          (cnt << WL__COUNT_SHIFT));
      fl[j] = cnt >= WL__FLICKER_ON;
    }
  }
  const int nb = k.mu_shift_bg, nf = k.mu_shift_fg, mt = k.thr_shift;
  const int nw = k.mu_shift_weak, mtf = k.thr_flicker_shift;
  const int rmb = (1 << nb) - 1, rmf = (1 << nf) - 1, rts = 16 - mt;
  const int rmw = (1 << nw) - 1;
  const int rtf = 16 - mtf;
  if (count == 0 || !k.selective) {
    /* No pixel learns as foreground (sel == 0 in every lane: most blocks
     * of a frame, and all while the model is learned non-selectively):
     * the loop below with slow = weak = sel = 0, i.e. only the background
     * steps. The same values; about half the work. */
    for (int j = 0; j < len; j++) {
      int m = mu[j];
      int fv = (int)f[j] << k.shift;
      if (use_gain) fv = (fv * k.gain_q12) >> 12;
      int d = fv - k.offset - m;
      int ad = d < 0 ? -d : d;
      int tt = thr[j];
      int r = rnd[j] ^ salt;
      int mn = m + ((d + (r & rmb)) >> nb);
      mn = mn < 0 ? 0 : mn;
      mn = mn > 65535 ? 65535 : mn;
      mu[j] = (uint16_t)mn;
      int v = (ad * k.thr_gain_q4) >> 4;
      v = v > k.thr_cap ? k.thr_cap : v;
      int tn = tt + ((v - tt + (r >> rts)) >> mt);
      tn = tn < 0 ? 0 : tn;
      tn = tn > 65535 ? 65535 : tn;
      thr[j] = (uint16_t)tn;
    }
    return count;
  }
  for (int j = 0; j < len; j++) {
    int m = mu[j];
    int fv = (int)f[j] << k.shift;
    if (use_gain) fv = (fv * k.gain_q12) >> 12;
    int d = fv - k.offset - m;
    int ad = d < 0 ? -d : d;
    int tt = thr[j];
    int t = tt > k.floor_thr ? tt : k.floor_thr;
    int fg = -(st[j] != 0);
    int r = rnd[j] ^ salt;
    int flick = -(int)fl[j];
    int sel = fg & k.selective;
    int faint = -(ad < 2 * t);
    int slow = sel & ~(flick & faint);
    int weak = slow & faint;
    int ub = (d + (r & rmb)) >> nb;
    int uf = (d + (r & rmf)) >> nf;
    int uw = (d + (r & rmw)) >> nw;
    int mn = m + ((uw & weak) | (uf & slow & ~weak) | (ub & ~slow));
    mn = mn < 0 ? 0 : mn;
    mn = mn > 65535 ? 65535 : mn;
    mu[j] = (uint16_t)mn;
    int v = (ad * k.thr_gain_q4) >> 4;
    v = v > k.thr_cap ? k.thr_cap : v;
    int ut = (v - tt + (r >> rts)) >> mt;
    int vf = v < 2 * t ? v : 2 * t;
    int uff = (vf - tt + (r >> rtf)) >> mtf;
    int tn = tt + (ut & ~sel) + (uff & sel & flick);
    tn = tn < 0 ? 0 : tn;
    tn = tn > 65535 ? 65535 : tn;
    thr[j] = (uint16_t)tn;
  }
  return count;
}

/* One row: blocks of fixed length, then the tail. thr_gain_q4 <= 255 and
 * |d| <= 2^20 keep every product inside int. */
WL__INLINE int row(const uint16_t *restrict f, uint16_t *restrict mu,
                      uint16_t *restrict thr, uint8_t *restrict mask,
                      uint8_t *restrict active, int n,
                      const uint16_t *restrict rnd, int salt,
                      const wl__motion_kparams_t *kp, const int update,
                      const int use_gain) {
  /* A copy by value: the mask (a char type) could alias *kp otherwise,
   * which would force a reload of every parameter per pixel. */
  const wl__motion_kparams_t k = *kp;
  int total = 0, x = 0, b = 0;
  for (; x + WL__MOTION_BLOCK <= n; x += WL__MOTION_BLOCK, b++) {
    int count =
        update ? segment_update(f + x, mu + x, thr + x, mask + x, rnd + x,
                                WL__MOTION_BLOCK, salt, k, use_gain)
               : segment_detect(f + x, mu + x, thr + x, mask + x,
                                WL__MOTION_BLOCK, k, use_gain);
    active[b] = count != 0;
    total += count;
  }
  if (x < n) {
    int count = segment(f + x, mu + x, thr + x, mask + x, rnd + x, n - x,
                        salt, k, update, use_gain);
    active[b] = count != 0;
    total += count;
  }
  return total;
}

/* The multiversioned bodies are static and reached through plain
 * exported wrappers: clang 14 names the dispatcher of an exported
 * target_clones function that its own file never calls "<name>.ifunc",
 * which other files cannot link against. One call per row. */
WL__MULTIVERSION
static int detect_row_any(const uint16_t *f, const uint16_t *mu,
                          const uint16_t *thr, uint8_t *mask,
                          uint8_t *active, int n,
                          const wl__motion_kparams_t *kp) {
  /* update == 0: mu and thr are only read, rnd is not used. */
  return row(f, (uint16_t *)mu, (uint16_t *)thr, mask, active, n, f, 0,
             kp, 0, 0);
}

WL__MULTIVERSION
static int update_row_any(const uint16_t *f, uint16_t *mu, uint16_t *thr,
                          uint8_t *mask, uint8_t *active, int n,
                          const uint16_t *rnd, uint16_t salt,
                          const wl__motion_kparams_t *kp) {
  return row(f, mu, thr, mask, active, n, rnd, salt, kp, 1, 0);
}

WL__MULTIVERSION
static int detect_row_gain_any(const uint16_t *f, const uint16_t *mu,
                               const uint16_t *thr, uint8_t *mask,
                               uint8_t *active, int n,
                               const wl__motion_kparams_t *kp) {
  return row(f, (uint16_t *)mu, (uint16_t *)thr, mask, active, n, f, 0,
             kp, 0, 1);
}

WL__MULTIVERSION
static int update_row_gain_any(const uint16_t *f, uint16_t *mu,
                               uint16_t *thr, uint8_t *mask,
                               uint8_t *active, int n, const uint16_t *rnd,
                               uint16_t salt,
                               const wl__motion_kparams_t *kp) {
  return row(f, mu, thr, mask, active, n, rnd, salt, kp, 1, 1);
}

int wl__motion_detect_row(const uint16_t *f, const uint16_t *mu,
                          const uint16_t *thr, uint8_t *mask,
                          uint8_t *active, int n,
                          const wl__motion_kparams_t *kp) {
  return detect_row_any(f, mu, thr, mask, active, n, kp);
}

int wl__motion_update_row(const uint16_t *f, uint16_t *mu, uint16_t *thr,
                          uint8_t *mask, uint8_t *active, int n,
                          const uint16_t *rnd, uint16_t salt,
                          const wl__motion_kparams_t *kp) {
  return update_row_any(f, mu, thr, mask, active, n, rnd, salt, kp);
}

int wl__motion_detect_row_gain(const uint16_t *f, const uint16_t *mu,
                               const uint16_t *thr, uint8_t *mask,
                               uint8_t *active, int n,
                               const wl__motion_kparams_t *kp) {
  return detect_row_gain_any(f, mu, thr, mask, active, n, kp);
}

int wl__motion_update_row_gain(const uint16_t *f, uint16_t *mu,
                               uint16_t *thr, uint8_t *mask, uint8_t *active,
                               int n, const uint16_t *rnd, uint16_t salt,
                               const wl__motion_kparams_t *kp) {
  return update_row_gain_any(f, mu, thr, mask, active, n, rnd, salt, kp);
}
