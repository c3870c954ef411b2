/*
 * fuzz_video.c - libFuzzer target for the FFmpeg source (lib/io/source_av.c).
 *
 * The input is a whole video file held in memory: the source reads it through
 * a custom AVIOContext (wl__source_open_av_memory), limited to the demuxers
 * watchline cares about and unable to open anything else, then decodes up to
 * FUZZ_MAX_FRAMES frames to grey. What is fuzzed is our side: probing and
 * opening errors, tag parsing (WATCHLINE_BIT_DEPTH / WATCHLINE_RADIOMETRY),
 * size and pixel format checks, grey conversion, corrupt-frame skipping and
 * the end-of-stream path. Nothing is written anywhere.
 *
 * Like any program using the library, this one sets FFmpeg's process-wide
 * knobs itself: no logging, and av_max_alloc() so that a hostile header
 * cannot make libavformat allocate gigabytes (FFmpeg 5.1's mov demuxer will
 * allocate 1.7 GB for a 1.6 KB file otherwise). The library never sets them.
 */
#include <stddef.h>
#include <stdint.h>

#include <libavutil/log.h>
#include <libavutil/mem.h>

#include "../../lib/io/io_int.h"

#define FUZZ_MAX_FRAMES 32
#define FUZZ_FORMATS "matroska,mov,mp4,avi,nut,mjpeg,h264,hevc"
/* Largest single FFmpeg allocation: two 16-bit planes of WL_MAX_PIXELS. */
#define FUZZ_MAX_ALLOC ((size_t)WL_MAX_PIXELS * 2 * 2)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  av_log_set_level(AV_LOG_QUIET);
  av_max_alloc(FUZZ_MAX_ALLOC);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_source_t *src = NULL;
  wl_err_t err;
  if (wl__source_open_av_memory(&src, "fuzz-input", data, size, FUZZ_FORMATS,
                                NULL, &err) != WL_OK)
    return 0;
  wl_frame_t frame;
  wl_frame_init(&frame);
  for (int i = 0; i < FUZZ_MAX_FRAMES; i++)
    if (src->vt->next(src, &frame, &err) != WL_OK) break;
  src->vt->close(src);
  wl_frame_release(&frame);
  return 0;
}
