/*
 * fuzz_pgm.c - libFuzzer target: wl_pgm_read() on arbitrary bytes.
 *
 * The input is read from memory through fmemopen(), so the reader's
 * bytes-left check is exercised exactly as for a regular file. Nothing is
 * written anywhere.
 */
#include <stdio.h>

#include "watchline/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  FILE *fp = fmemopen((void *)data, size, "rb");
  if (!fp) return 0;
  wl_frame_t frame;
  wl_err_t err;
  wl_frame_init(&frame);
  (void)wl_pgm_read(fp, "fuzz.pgm", &frame, &err);
  fclose(fp);
  wl_frame_release(&frame);
  return 0;
}
