/*
 * task.h - the test harness: test declarations and typed assertions.
 *
 * Each test is `TEST_IMPL(name) { ... return 0; }`, listed in test-list.h.
 * ctest runs every test in its own process (`wl-tests NAME`) with a
 * timeout. A failed assertion prints file:line and the values, and returns
 * from the test. RETURN_SKIP() reports a skip (exit code 77) with a reason,
 * e.g. when ../shared is absent.
 */
#ifndef WL_TESTS_TASK_H
#define WL_TESTS_TASK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TEST_SKIP 77

#define TEST_IMPL(name) int run_test_##name(void)
#define TEST_DECLARE(name) int run_test_##name(void);

#define TEST_FAIL_(...)                                                       \
  do {                                                                        \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                          \
    fprintf(stderr, __VA_ARGS__);                                             \
    fputc('\n', stderr);                                                      \
    return 1;                                                                 \
  } while (0)

#define ASSERT(expr)                                                          \
  do {                                                                        \
    if (!(expr)) TEST_FAIL_("assertion failed: %s", #expr);                  \
  } while (0)

#define ASSERT_INT_(a, op, b)                                                 \
  do {                                                                        \
    long long a_ = (long long)(a), b_ = (long long)(b);                       \
    if (!(a_ op b_))                                                          \
      TEST_FAIL_("%s %s %s: %lld vs %lld", #a, #op, #b, a_, b_);              \
  } while (0)
#define ASSERT_EQ(a, b) ASSERT_INT_(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_INT_(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_INT_(a, <, b)
#define ASSERT_LE(a, b) ASSERT_INT_(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_INT_(a, >, b)
#define ASSERT_GE(a, b) ASSERT_INT_(a, >=, b)

#define ASSERT_DBL_(a, op, b)                                                 \
  do {                                                                        \
    double a_ = (double)(a), b_ = (double)(b);                                \
    if (!(a_ op b_)) TEST_FAIL_("%s %s %s: %.9g vs %.9g", #a, #op, #b, a_, b_); \
  } while (0)
#define ASSERT_DBL_LT(a, b) ASSERT_DBL_(a, <, b)
#define ASSERT_DBL_LE(a, b) ASSERT_DBL_(a, <=, b)
#define ASSERT_DBL_GT(a, b) ASSERT_DBL_(a, >, b)
#define ASSERT_DBL_GE(a, b) ASSERT_DBL_(a, >=, b)
#define ASSERT_NEAR(a, b, tol)                                                \
  do {                                                                        \
    double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol);            \
    if (!(fabs(a_ - b_) <= t_))                                               \
      TEST_FAIL_("%s ~ %s: %.9g vs %.9g (tolerance %.3g)", #a, #b, a_, b_, t_); \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                   \
  do {                                                                        \
    const char *a_ = (a), *b_ = (b);                                          \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                    \
      TEST_FAIL_("%s == %s: \"%s\" vs \"%s\"", #a, #b, a_ ? a_ : "(null)",    \
                 b_ ? b_ : "(null)");                                         \
  } while (0)
#define ASSERT_STR_CONTAINS(hay, needle)                                      \
  do {                                                                        \
    const char *h_ = (hay), *n_ = (needle);                                   \
    if (!h_ || !strstr(h_, n_))                                               \
      TEST_FAIL_("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);   \
  } while (0)

/* A library call that must succeed: prints its message if it does not. */
#define ASSERT_OK(call, errp)                                                 \
  do {                                                                        \
    int rc_ = (call);                                                         \
    if (rc_ != 0) TEST_FAIL_("%s failed (%d): %s", #call, rc_, (errp)->msg);  \
  } while (0)

#define RETURN_SKIP(...)                                                      \
  do {                                                                        \
    fprintf(stderr, "SKIP: ");                                                \
    fprintf(stderr, __VA_ARGS__);                                             \
    fputc('\n', stderr);                                                      \
    return TEST_SKIP;                                                         \
  } while (0)

/* Helpers provided by runner.c / util.c. */

/* A fresh, empty scratch directory for the running test (under the build
 * tree); the returned string is static for the process. */
const char *test_tmpdir(void);
/* Path join into a static rotating buffer: test_path(dir, "x.pgm"). */
const char *test_path(const char *dir, const char *name);
/* The shared reference data root (../shared), or NULL when absent. */
const char *test_shared_dir(void);
/* The project's source directory. */
const char *test_source_dir(void);
/* The built watchline program. */
const char *test_watchline_bin(void);
/*
 * Run a shell command line; capture stdout+stderr (up to cap bytes, NUL-
 * terminated) into out if not NULL. Returns the exit status (0..255) or -1.
 */
int test_run(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
