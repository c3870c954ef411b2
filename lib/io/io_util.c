/*
 * io_util.c - small helpers shared by the io backends (see io_int.h):
 * format by extension, fopen with a useful error, bytes left in a stream,
 * mkdir -p.
 *
 * Nothing here keeps state; every function reports failures through
 * wl_err_t with the path and strerror(errno).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "io_int.h"

wl_format_t wl__format_from_ext(const char *path) {
  static const struct {
    const char *ext;
    wl_format_t format;
  } table[] = {{".pgm", WL_FORMAT_PGM},  {".png", WL_FORMAT_PNG},
               {".tif", WL_FORMAT_TIFF}, {".tiff", WL_FORMAT_TIFF},
               {".y16", WL_FORMAT_RAW},  {".raw", WL_FORMAT_RAW},
               {".mkv", WL_FORMAT_MKV}};
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && slash > dot)) return WL_FORMAT_AUTO;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcasecmp(dot, table[i].ext) == 0) return table[i].format;
  return WL_FORMAT_AUTO;
}

int wl__fopen(FILE **out, const char *path, const char *mode, wl_err_t *err) {
  FILE *fp = fopen(path, mode);
  if (!fp) {
    int code = (errno == ENOENT || errno == ENOTDIR) ? WL_ENOTFOUND : WL_EIO;
    return wl_fail(err, code, "%s: cannot open for %s: %s", path,
                   mode[0] == 'r' ? "reading" : "writing", strerror(errno));
  }
  *out = fp;
  return WL_OK;
}

long long wl__bytes_left(FILE *fp) {
  off_t here = ftello(fp);
  if (here < 0) return -1;
  int fd = fileno(fp);
  if (fd >= 0) { /* a real file: its size, without disturbing the buffer */
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < here)
      return -1;
    return (long long)(st.st_size - here);
  }
  /* A memory or cookie stream (fmemopen): seek to the end and back. */
  if (fseeko(fp, 0, SEEK_END) != 0) return -1;
  off_t end = ftello(fp);
  if (fseeko(fp, here, SEEK_SET) != 0 || end < here) return -1;
  return (long long)(end - here);
}

int wl_mkdir_p(const char *path, wl_err_t *err) {
  char buf[4096];
  size_t len = strlen(path);
  if (len == 0) return WL_OK;
  if (len >= sizeof buf)
    return wl_fail(err, WL_EINVAL, "%.64s...: directory name longer than %zu "
                   "bytes", path, sizeof buf - 1);
  memcpy(buf, path, len + 1);
  /* Create each prefix ending before a '/', then the whole path. */
  for (size_t i = 1; i <= len; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char saved = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
      int e = errno;
      return wl_fail(err, e == ENOENT ? WL_ENOTFOUND : WL_EIO,
                     "%s: cannot create directory %s: %s", path, buf,
                     strerror(e));
    }
    buf[i] = saved;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    return wl_fail(err, WL_EIO, "%s: exists and is not a directory", path);
  return WL_OK;
}
