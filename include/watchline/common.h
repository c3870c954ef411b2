/*
 * watchline/common.h - error codes, error messages, limits and version.
 *
 * Every library call that can fail returns an int: WL_OK (0) on success or a
 * negative WL_E* code. Calls whose failures need a sentence also take a
 * wl_err_t *, which they fill with one line naming what failed and why. The
 * err argument may be NULL when the caller only wants the code.
 *
 * The library never exits and never prints; programs decide what to do.
 */
#ifndef WATCHLINE_COMMON_H
#define WATCHLINE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define WL_VERSION "0.1.0"

/* Error codes: always negative, WL_OK is 0. */
enum {
  WL_OK = 0,
  WL_ENOMEM = -1,        /* out of memory */
  WL_EINVAL = -2,        /* invalid argument or value */
  WL_EIO = -3,           /* read/write/system error */
  WL_EFORMAT = -4,       /* malformed or unsupported input data */
  WL_ETOOBIG = -5,       /* input exceeds a documented limit */
  WL_EOF = -6,           /* end of stream: not a failure */
  WL_ENOTFOUND = -7,     /* file, device, key or preset does not exist */
  WL_EUNSUPPORTED = -8,  /* valid but not supported by this build */
  WL_ERANGE = -9         /* geometrically impossible (ray misses ground...) */
};

/* Limits that protect against hostile headers: no image may exceed them. */
#define WL_MAX_DIM 16384
#define WL_MAX_PIXELS ((size_t)1 << 26) /* 64 Mpixel: 128 MiB of 16-bit */

#define WL_ERR_MAX 256

/* One-line error message; filled by the callee, owned by the caller. */
typedef struct wl_err {
  int code;
  char msg[WL_ERR_MAX];
} wl_err_t;

#if defined(__GNUC__)
#define WL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define WL_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define WL_PRINTF(a, b)
#define WL_WARN_UNUSED
#endif

/* Static description of a code, e.g. "out of memory". Never NULL. */
const char *wl_strerror(int code);

/*
 * Fill err (if not NULL) with code and a printf-formatted message, and
 * return code, so that failures read `return wl_fail(err, WL_EIO, ...);`.
 */
int wl_fail(wl_err_t *err, int code, const char *fmt, ...) WL_PRINTF(3, 4);

/* Reset err to WL_OK with an empty message. err may be NULL. */
void wl_err_clear(wl_err_t *err);

/*
 * Check an image size against WL_MAX_DIM / WL_MAX_PIXELS. `what` names the
 * input in the message ("PGM header of x.pgm"). Returns WL_OK, WL_EFORMAT for
 * a zero or negative size, or WL_ETOOBIG.
 */
int wl_check_size(long width, long height, const char *what, wl_err_t *err);

#endif
