/*
 * grow.c - the doubling growth step of the library's growable arrays
 * (grow_int.h).
 */
#include "grow_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int wl__grow(void *array_ptr, size_t *cap, size_t need, size_t elem,
             const char *what, wl_err_t *err) {
  if (need <= *cap) return WL_OK;
  void *array;
  memcpy(&array, array_ptr, sizeof array);
  size_t want = *cap ? *cap : 16;
  while (want < need) want *= 2;
  if (want > SIZE_MAX / elem)
    return wl_fail(err, WL_ENOMEM, "%s: out of memory for %zu elements",
                   what, want);
  void *grown = realloc(array, want * elem);
  if (!grown)
    return wl_fail(err, WL_ENOMEM,
                   "%s: out of memory for %zu elements of %zu bytes", what,
                   want, elem);
  memcpy(array_ptr, &grown, sizeof grown);
  *cap = want;
  return WL_OK;
}
