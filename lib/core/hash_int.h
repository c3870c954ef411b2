/*
 * hash_int.h - internal: the splitmix64 finaliser, a fast, well-mixed
 * 64-bit hash used where a module needs deterministic pseudo-random
 * positions (sample grids, dithering) without any global state.
 */
#ifndef WL_CORE_HASH_INT_H
#define WL_CORE_HASH_INT_H

#include <stdint.h>

static inline uint64_t wl__mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

#endif
