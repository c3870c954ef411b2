/*
 * fuzz_badpixels.c - libFuzzer target for bad-pixel maps
 * (wl_badpix_parse: the text list and the PGM mask).
 *
 * Any input must parse or fail cleanly. When it parses, the map must be
 * consistent (sorted, unique, inside the image, neighbour masks that
 * exclude the centre and bad pixels) and usable: it is applied to a frame
 * of its size (when small enough to make quickly) and through a
 * preprocessor. Nothing is written anywhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/preprocess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_map(const wl_badpix_t *map) {
  size_t npx = (size_t)map->width * (size_t)map->height;
  for (size_t i = 0; i < map->count; i++) {
    if (map->index[i] >= npx) abort();
    if (i > 0 && map->index[i] <= map->index[i - 1]) abort();
    if (map->good[i] & (1u << 12)) abort(); /* the centre itself */
    if (map->good[i] >> 25) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wl_badpix_t map;
  wl_err_t err;
  if (wl_badpix_parse(&map, data, size, "fuzz", &err) != WL_OK) {
    if (map.index || map.good || map.count) abort(); /* left empty */
    return 0;
  }
  check_map(&map);
  size_t npx = (size_t)map.width * (size_t)map.height;
  if (npx <= ((size_t)1 << 16)) {
    wl_frame_t f;
    wl_frame_init(&f);
    if (wl_frame_alloc(&f, map.width, map.height, &err) == WL_OK) {
      for (size_t i = 0; i < npx; i++) f.data[i] = (uint16_t)(i * 2654435761u);
      if (wl_badpix_apply(&map, &f, &err) != WL_OK) abort();
      wl_preprocess_t *pp;
      if (wl_preprocess_new(&pp, map.width, map.height, NULL, &map, &err) ==
          WL_OK) {
        wl_preprocess_result_t res;
        for (int k = 0; k < 2; k++)
          if (wl_preprocess_frame(pp, &f, &res, &err) != WL_OK) abort();
        wl_preprocess_free(pp);
      }
    }
    wl_frame_release(&f);
  }
  wl_badpix_free(&map);
  return 0;
}
