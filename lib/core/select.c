/*
 * select.c - internal: the k-th smallest value of a float array in
 * expected linear time (see select_int.h).
 *
 * Design for speed: the partitions are branch-free (every element is
 * written back whether it moves or not, and the boundary advances by the
 * comparison's 0 or 1), so the unpredictable comparisons of noisy data
 * cost no mispredicted branches. Each round splits the range three ways
 * around a median-of-three pivot p: < p, == p, > p (the second pass runs
 * only when k is not in the first part). The == part holds p itself, so
 * every round shrinks the range, however many values repeat (8-bit
 * data). A NaN pivot (no value equals it) falls back to a plain
 * Hoare-partition round.
 */
#include "select_int.h"

/* Moves the values of v[lo..hi] for which `less(x)` holds to the front,
 * keeping the others after them; returns the index of the first other. */
#define PARTITION(v, lo, hi, s, test)                                     \
  do {                                                                    \
    (s) = (lo);                                                           \
    for (size_t i_ = (lo); i_ <= (hi); i_++) {                            \
      float x_ = (v)[i_];                                                 \
      int t_ = (test);                                                    \
      (v)[i_] = (v)[s];                                                   \
      (v)[s] = x_;                                                        \
      (s) += (size_t)t_;                                                  \
    }                                                                     \
  } while (0)

/* One Hoare round on v[*lo..*hi] around pivot (the fallback). Returns 1
 * when v[k] is final. */
static int hoare_round(float *v, size_t *lo, size_t *hi, size_t k,
                       float pivot) {
  size_t i = *lo, j = *hi;
  while (i <= j) {
    while (v[i] < pivot) i++;
    while (v[j] > pivot) j--;
    if (i <= j) {
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
      i++;
      if (j == 0) break;
      j--;
    }
  }
  if (k <= j)
    *hi = j;
  else if (k >= i)
    *lo = i;
  else
    return 1;
  return 0;
}

float wl__select_kth(float *v, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (hi > lo) {
    size_t mid = lo + (hi - lo) / 2;
    float a = v[lo], b = v[mid], c = v[hi];
    float pivot = a < b ? (b < c ? b : (a < c ? c : a))
                        : (a < c ? a : (b < c ? c : b));
    size_t s, e;
    PARTITION(v, lo, hi, s, x_ < pivot); /* [lo, s): < pivot */
    if (k < s) {
      hi = s - 1;
      continue;
    }
    PARTITION(v, s, hi, e, x_ <= pivot); /* [s, e): == pivot */
    if (e == s) { /* NaN pivot: nothing equals it */
      if (hoare_round(v, &lo, &hi, k, pivot)) return v[k];
      continue;
    }
    if (k < e) return v[k];
    lo = e;
  }
  return v[k];
}
