/*
 * fuzz_raw.c - libFuzzer target: wl_raw_read() frame after frame.
 *
 * The first two input bytes pick a small frame size (1..64 each way); the
 * rest is the raw Y16 stream, read through fmemopen() until the end or an
 * error (a partial last frame must be WL_EFORMAT, never a crash).
 */
#include <stdio.h>
#include <stdlib.h>

#include "watchline/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  int width = 1 + data[0] % 64;
  int height = 1 + data[1] % 64;
  FILE *fp = fmemopen((void *)(data + 2), size - 2, "rb");
  if (!fp) return 0;
  wl_frame_t frame;
  wl_err_t err;
  wl_frame_init(&frame);
  size_t frame_bytes = (size_t)width * height * 2;
  size_t frames = 0;
  int rc;
  while ((rc = wl_raw_read(fp, "fuzz.y16", width, height, &frame, &err)) ==
         WL_OK)
    frames++;
  /* Whole frames are returned, the rest is the clean end or a partial. */
  if (frames != (size - 2) / frame_bytes) abort();
  if ((rc == WL_EOF) != ((size - 2) % frame_bytes == 0)) abort();
  fclose(fp);
  wl_frame_release(&frame);
  return 0;
}
