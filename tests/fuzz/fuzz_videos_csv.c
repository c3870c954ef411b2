/*
 * fuzz_videos_csv.c - libFuzzer target: acc_clips_parse() (the Halmstad
 * videos.csv index that `wl-accuracy halmstad` reads; tools/accuracy_run.c)
 * on arbitrary bytes, parsed from memory. Every accepted clip must have
 * non-empty, NUL-terminated fields and a video name that is safe in a
 * path; nothing is written anywhere.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tools/accuracy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  acc_clip_t *clips;
  size_t n;
  wl_err_t err;
  if (acc_clips_parse((const char *)data, size, "videos.csv", &clips, &n,
                      &err) != WL_OK)
    return 0;
  for (size_t i = 0; i < n; i++) {
    const acc_clip_t *c = &clips[i];
    if (strnlen(c->video, ACC_NAME_MAX) == 0 ||
        strnlen(c->video, ACC_NAME_MAX) >= ACC_NAME_MAX ||
        strnlen(c->cls, ACC_NAME_MAX) == 0 ||
        strnlen(c->bin, ACC_NAME_MAX) == 0 || strchr(c->video, '/') ||
        c->video[0] == '.')
      abort();
  }
  free(clips);
  return 0;
}
