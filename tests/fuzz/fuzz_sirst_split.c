/*
 * fuzz_sirst_split.c - libFuzzer target: wl_sirst_split_parse() (SIRST
 * split files: one image name per line) on arbitrary bytes, parsed from
 * memory. Every accepted name must be non-empty, short and made of the
 * allowed characters; nothing is written anywhere.
 */
#include <stdlib.h>
#include <string.h>

#include "watchline/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_sirst_split_t s;
  wl_err_t err;
  if (wl_sirst_split_parse((const char *)data, size, "fuzz.txt", &s, &err) !=
      WL_OK)
    return 0;
  for (int i = 0; i < s.n; i++) {
    size_t n = strlen(s.names[i]);
    if (n == 0 || n > WL_SIRST_MAX_NAME || s.names[i][0] == '.' ||
        strchr(s.names[i], '/'))
      abort();
  }
  wl_sirst_split_free(&s);
  return 0;
}
