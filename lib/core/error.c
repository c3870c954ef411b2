/*
 * error.c - error codes and one-line error messages (see common.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "watchline/common.h"

const char *wl_strerror(int code) {
  switch (code) {
  case WL_OK: return "success";
  case WL_ENOMEM: return "out of memory";
  case WL_EINVAL: return "invalid value";
  case WL_EIO: return "input/output error";
  case WL_EFORMAT: return "malformed input";
  case WL_ETOOBIG: return "input too large";
  case WL_EOF: return "end of input";
  case WL_ENOTFOUND: return "not found";
  case WL_EUNSUPPORTED: return "not supported";
  case WL_ERANGE: return "out of range";
  default: return "unknown error";
  }
}

int wl_fail(wl_err_t *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

void wl_err_clear(wl_err_t *err) {
  if (err) {
    err->code = WL_OK;
    err->msg[0] = '\0';
  }
}

int wl_check_size(long width, long height, const char *what, wl_err_t *err) {
  if (width <= 0 || height <= 0)
    return wl_fail(err, WL_EFORMAT, "%s: image size %ldx%ld is empty", what,
                   width, height);
  if (width > WL_MAX_DIM || height > WL_MAX_DIM ||
      (size_t)width * (size_t)height > WL_MAX_PIXELS)
    return wl_fail(err, WL_ETOOBIG,
                   "%s: image size %ldx%ld exceeds the limit of %dx%d and "
                   "%zu pixels",
                   what, width, height, WL_MAX_DIM, WL_MAX_DIM,
                   (size_t)WL_MAX_PIXELS);
  return WL_OK;
}
