/*
 * select_int.h - internal: selection (quickselect) for robust statistics
 * (medians, quantiles) in the detection and preprocessing stages.
 */
#ifndef WL_CORE_SELECT_INT_H
#define WL_CORE_SELECT_INT_H

#include <stddef.h>

/*
 * The k-th smallest of v[0..n) (0-based; n >= 1, k < n). Reorders v so
 * that v[k] holds it, with no larger value before it and no smaller one
 * after it. Quickselect with a median-of-three pivot: O(n) expected.
 */
float wl__select_kth(float *v, size_t n, size_t k);

#endif
