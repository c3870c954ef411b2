/*
 * grow_int.h - internal: a doubling growth step for the library's
 * growable arrays (parsed rows, the reporter's ring and table).
 */
#ifndef WL_CORE_GROW_INT_H
#define WL_CORE_GROW_INT_H

#include <stddef.h>

#include "watchline/common.h"

/* Grow the array whose pointer is at array_ptr (a T **, holding *cap
 * elements of size elem) to hold at least need elements, doubling from
 * 16; fails with WL_ENOMEM naming `what` (a file or module name), leaving
 * the array as it was. New elements are not initialised. */
int wl__grow(void *array_ptr, size_t *cap, size_t need, size_t elem,
             const char *what, wl_err_t *err);

#endif
