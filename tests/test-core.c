/*
 * test-core.c - errors, frames and the selection (quickselect).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/core/select_int.h"
#include "task.h"
#include "watchline/frame.h"

TEST_IMPL(core_errors) {
  wl_err_t err;
  ASSERT_EQ(wl_fail(&err, WL_EIO, "x: %d", 42), WL_EIO);
  ASSERT_EQ(err.code, WL_EIO);
  ASSERT_STR_EQ(err.msg, "x: 42");
  ASSERT_EQ(wl_fail(NULL, WL_EINVAL, "ignored"), WL_EINVAL);
  ASSERT_STR_EQ(wl_strerror(WL_ENOMEM), "out of memory");
  ASSERT_STR_EQ(wl_strerror(12345), "unknown error");
  ASSERT_EQ(wl_check_size(640, 512, "t", &err), WL_OK);
  ASSERT_EQ(wl_check_size(0, 512, "t", &err), WL_EFORMAT);
  ASSERT_EQ(wl_check_size(100000, 100000, "big.pgm", &err), WL_ETOOBIG);
  ASSERT_STR_CONTAINS(err.msg, "big.pgm");
  ASSERT_STR_CONTAINS(err.msg, "100000x100000");
  return 0;
}

TEST_IMPL(core_frame_alloc) {
  wl_frame_t f;
  wl_err_t err;
  wl_frame_init(&f);
  ASSERT_EQ(f.radiometry.radiometric, 1);
  ASSERT_OK(wl_frame_alloc(&f, 640, 512, &err), &err);
  uint16_t *first = f.data;
  ASSERT_EQ(f.capacity, 640 * 512);
  /* Smaller frames reuse the buffer: no allocation in steady state. */
  ASSERT_OK(wl_frame_alloc(&f, 320, 256, &err), &err);
  ASSERT(f.data == first);
  ASSERT_EQ(wl_frame_alloc(&f, 0, 10, &err), WL_EFORMAT);
  ASSERT_EQ(wl_frame_alloc(&f, 100000, 100000, &err), WL_ETOOBIG);
  for (int i = 0; i < 320 * 256; i++) f.data[i] = (uint16_t)i;
  f.seq = 7;
  f.t_ns = 123;
  wl_frame_t g;
  wl_frame_init(&g);
  ASSERT_OK(wl_frame_copy(&g, &f, &err), &err);
  ASSERT_EQ(g.width, 320);
  ASSERT_EQ(g.seq, 7);
  ASSERT_EQ(memcmp(g.data, f.data, 320 * 256 * 2), 0);
  ASSERT_NEAR(wl_frame_kelvin(&f, 30000), 300.0, 1e-9);
  f.radiometry = wl_radiometry_none();
  ASSERT(isnan(wl_frame_kelvin(&f, 30000)));
  wl_frame_release(&f);
  wl_frame_release(&g);
  wl_frame_release(NULL);
  return 0;
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* wl__select_kth against a full sort: random arrays of every size up to
 * 300 with few distinct values (8-bit data repeats), all equal values,
 * sorted and reversed input; v[k] is the k-th smallest, nothing larger
 * before it and nothing smaller after it. */
TEST_IMPL(core_select_kth) {
  enum { N = 300 };
  float v[N], ref[N];
  uint32_t s = 12345;
  for (int trial = 0; trial < 2000; trial++) {
    size_t n = (size_t)(trial % N) + 1;
    int kind = trial % 5, levels = 1 + trial % 7;
    for (size_t i = 0; i < n; i++) {
      s = s * 1664525u + 1013904223u;
      float r = (float)(s >> 8) / 16777216.0f;
      v[i] = kind == 0   ? r * 1000.0f - 500.0f
             : kind == 1 ? (float)((int)(r * levels))
             : kind == 2 ? 7.0f
             : kind == 3 ? (float)i
                         : (float)(n - i);
    }
    memcpy(ref, v, n * sizeof *v);
    qsort(ref, n, sizeof *ref, cmp_float);
    size_t k = (size_t)(s % n);
    float got = wl__select_kth(v, n, k);
    ASSERT(got == ref[k]);
    ASSERT(v[k] == ref[k]);
    for (size_t i = 0; i < k; i++) ASSERT(v[i] <= got);
    for (size_t i = k + 1; i < n; i++) ASSERT(v[i] >= got);
  }
  /* A NaN pivot must not loop forever (the result is unspecified). */
  float w[5] = {NAN, 1.0f, NAN, 2.0f, NAN};
  (void)wl__select_kth(w, 5, 2);
  return 0;
}
