/*
 * runner.c - runs the tests listed in test-list.h.
 *
 *   wl-tests NAME   run one test (how ctest runs each, in its own process)
 *   wl-tests        run every test in turn, printing TAP
 *   wl-tests --list print the names
 * Exit code: 0 pass, 1 fail, 77 skip.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "task.h"
#include "test-list.h"

static const char *current_test = "none";

static int remove_tree(const char *path) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  return system(cmd);
}

const char *test_tmpdir(void) {
  static char dir[4096];
  if (!dir[0]) {
    snprintf(dir, sizeof dir, "%s/test-tmp/%s", WL_TEST_BUILD_DIR,
             current_test);
    remove_tree(dir);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    if (system(cmd) != 0) {
      fprintf(stderr, "cannot create %s\n", dir);
      exit(1);
    }
  }
  return dir;
}

const char *test_path(const char *dir, const char *name) {
  static char bufs[8][4096];
  static int next;
  char *b = bufs[next++ % 8];
  snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
  return b;
}

const char *test_shared_dir(void) {
  static char dir[4096];
  const char *env = getenv("WATCHLINE_SHARED");
  snprintf(dir, sizeof dir, "%s", env ? env : WL_TEST_SOURCE_DIR "/../shared");
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return dir;
}

const char *test_source_dir(void) { return WL_TEST_SOURCE_DIR; }
const char *test_watchline_bin(void) { return WL_TEST_WATCHLINE; }

int test_run(char *out, size_t cap, const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  char full[8300];
  snprintf(full, sizeof full, "( %s ) 2>&1", cmd);
  FILE *p = popen(full, "r");
  if (!p) return -1;
  size_t n = 0;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
    if (out && n + 1 < cap) {
      size_t take = got < cap - 1 - n ? got : cap - 1 - n;
      memcpy(out + n, buf, take);
      n += take;
    }
  }
  if (out && cap) out[n] = '\0';
  int st = pclose(p);
  if (st == -1) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run_one(const struct test_entry *t) {
  current_test = t->name;
  return t->fn();
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (const struct test_entry *t = TEST_ENTRIES; t->name; t++)
      puts(t->name);
    return 0;
  }
  if (argc == 2) {
    for (const struct test_entry *t = TEST_ENTRIES; t->name; t++)
      if (strcmp(t->name, argv[1]) == 0) {
        int rc = run_one(t);
        if (rc == 0) printf("ok - %s\n", t->name);
        else if (rc == TEST_SKIP) printf("ok - %s # SKIP\n", t->name);
        else printf("not ok - %s\n", t->name);
        return rc == 0 || rc == TEST_SKIP ? rc : 1;
      }
    fprintf(stderr, "wl-tests: no test named '%s'\n", argv[1]);
    return 2;
  }
  /* All tests, each in a child process so a crash fails only that test. */
  int n = 0, failed = 0;
  for (const struct test_entry *t = TEST_ENTRIES; t->name; t++) n++;
  printf("1..%d\n", n);
  int i = 0;
  for (const struct test_entry *t = TEST_ENTRIES; t->name; t++) {
    i++;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      int rc = run_one(t);
      _exit(rc == 0 || rc == TEST_SKIP ? rc : 1);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
    if (rc == 0) printf("ok %d - %s\n", i, t->name);
    else if (rc == TEST_SKIP) printf("ok %d - %s # SKIP\n", i, t->name);
    else { printf("not ok %d - %s\n", i, t->name); failed++; }
  }
  return failed ? 1 : 0;
}
