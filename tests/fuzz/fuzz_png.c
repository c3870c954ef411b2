/*
 * fuzz_png.c - libFuzzer target: wl_png_read() on arbitrary bytes.
 *
 * Read from memory through fmemopen(). Inputs whose IHDR declares more than
 * 4 Mpixel are skipped, so each run stays fast; the size limits themselves
 * are covered by the unit tests (io_png_bad).
 */
#include <stdio.h>
#include <string.h>

#include "watchline/image.h"

#define FUZZ_MAX_PIXELS (1u << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  if (size >= 24 && memcmp(data + 12, "IHDR", 4) == 0 &&
      (uint64_t)be32(data + 16) * be32(data + 20) > FUZZ_MAX_PIXELS)
    return 0;
  FILE *fp = fmemopen((void *)data, size, "rb");
  if (!fp) return 0;
  wl_frame_t frame;
  wl_err_t err;
  wl_frame_init(&frame);
  (void)wl_png_read(fp, "fuzz.png", &frame, &err);
  fclose(fp);
  wl_frame_release(&frame);
  return 0;
}
