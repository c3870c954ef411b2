/*
 * test-list.h - every test, one X(name) per test, grouped by module.
 * A test named foo is implemented as TEST_IMPL(foo) in one of the test-*.c
 * files. CMake reads this file to register each test with ctest.
 */
#ifndef WL_TESTS_TEST_LIST_H
#define WL_TESTS_TEST_LIST_H

#define TESTS_CORE(X) \
  X(core_errors) \
  X(core_frame_alloc)

#define TESTS_GEODESY(X)

#define TESTS_CAMERA(X)

#define TESTS_IO(X)

#define TESTS_VIDEO(X)

#define TESTS_SIM(X)

#define TESTS_DETECT(X)

#define TESTS_EVAL(X)

#define TESTS_CLI(X)

#define ALL_TESTS(X) \
  TESTS_CORE(X) TESTS_GEODESY(X) TESTS_CAMERA(X) TESTS_IO(X) TESTS_VIDEO(X) \
  TESTS_SIM(X) TESTS_DETECT(X) TESTS_EVAL(X) TESTS_CLI(X)

#define TEST_DECLARE_X(name) int run_test_##name(void);
ALL_TESTS(TEST_DECLARE_X)

struct test_entry {
  const char *name;
  int (*fn)(void);
};

#define TEST_ENTRY_X(name) {#name, run_test_##name},
static const struct test_entry TEST_ENTRIES[] = {ALL_TESTS(TEST_ENTRY_X){NULL, NULL}};

#endif
