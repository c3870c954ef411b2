/*
 * source_images.c - image files as a source: one image, every image of a
 * directory, or the images a glob(3) pattern matches; and wl_image_read().
 *
 * Design: the list of files is made once at open (directory entries or glob
 * matches whose names end in .pgm .png .tif .tiff, any case; other names
 * are skipped) and sorted with strcmp, so the order never depends on the
 * locale. The first image is decoded at open so wl_source_info() knows the
 * size and bit depth; it is handed out (copied) by the first next() and then
 * freed. Every later frame must have the first frame's size.
 *
 * Timing: images carry no time, so frame k gets t_ns = k * 1e9 / fps.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_int.h"
#include "watchline/image.h"

int wl_image_read(const char *path, wl_frame_t *frame, wl_err_t *err) {
  wl_format_t format = wl__format_from_ext(path);
  if (format == WL_FORMAT_TIFF) return wl_tiff_read(path, frame, err);
  if (format != WL_FORMAT_PGM && format != WL_FORMAT_PNG)
    return wl_fail(err, WL_EUNSUPPORTED,
                   "%s: not an image file name (expected .pgm .png .tif "
                   ".tiff)",
                   path);
  FILE *fp;
  int rc = wl__fopen(&fp, path, "rb", err);
  if (rc != WL_OK) return rc;
  rc = format == WL_FORMAT_PGM ? wl_pgm_read(fp, path, frame, err)
                               : wl_png_read(fp, path, frame, err);
  fclose(fp);
  return rc;
}

/* ---- the file list ---- */

typedef struct path_list {
  char **paths;
  size_t count, cap;
} path_list_t;

static void path_list_free(path_list_t *l) {
  for (size_t i = 0; i < l->count; i++) free(l->paths[i]);
  free(l->paths);
  memset(l, 0, sizeof *l);
}

/* Append dir + "/" + name (dir may be NULL: name is the whole path). */
static int path_list_add(path_list_t *l, const char *dir, const char *name,
                         wl_err_t *err) {
  if (l->count == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **p = realloc(l->paths, cap * sizeof *p);
    if (!p) return wl_fail(err, WL_ENOMEM, "%s: out of memory listing", name);
    l->paths = p;
    l->cap = cap;
  }
  size_t dlen = dir ? strlen(dir) : 0;
  int slash = dlen > 0 && dir[dlen - 1] != '/';
  size_t len = dlen + (size_t)slash + strlen(name) + 1;
  char *s = malloc(len);
  if (!s) return wl_fail(err, WL_ENOMEM, "%s: out of memory listing", name);
  snprintf(s, len, "%s%s%s", dir ? dir : "", slash ? "/" : "", name);
  l->paths[l->count++] = s;
  return WL_OK;
}

static int is_image_name(const char *name) {
  wl_format_t f = wl__format_from_ext(name);
  return f == WL_FORMAT_PGM || f == WL_FORMAT_PNG || f == WL_FORMAT_TIFF;
}

static int compare_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_directory(path_list_t *l, const char *dir, wl_err_t *err) {
  DIR *d = opendir(dir);
  if (!d)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot list directory: %s", dir, strerror(errno));
  int rc = WL_OK;
  struct dirent *e;
  while (rc == WL_OK && (e = readdir(d)) != NULL)
    if (e->d_name[0] != '.' && is_image_name(e->d_name))
      rc = path_list_add(l, dir, e->d_name, err);
  closedir(d);
  if (rc == WL_OK && l->count == 0)
    rc = wl_fail(err, WL_ENOTFOUND,
                 "%s: no .pgm .png .tif .tiff files in this directory", dir);
  return rc;
}

static int list_glob(path_list_t *l, const char *pattern, wl_err_t *err) {
  glob_t g;
  int grc = glob(pattern, 0, NULL, &g);
  if (grc == GLOB_NOSPACE)
    return wl_fail(err, WL_ENOMEM, "%s: out of memory matching", pattern);
  if (grc == GLOB_ABORTED)
    return wl_fail(err, WL_EIO, "%s: a directory could not be read", pattern);
  int rc = WL_OK;
  for (size_t i = 0; grc == 0 && rc == WL_OK && i < g.gl_pathc; i++)
    if (is_image_name(g.gl_pathv[i]))
      rc = path_list_add(l, NULL, g.gl_pathv[i], err);
  if (grc == 0) globfree(&g);
  if (rc == WL_OK && l->count == 0)
    rc = wl_fail(err, WL_ENOTFOUND,
                 "%s: the pattern matches no .pgm .png .tif .tiff files",
                 pattern);
  return rc;
}

/* "dir", "glob" or "single" lists, sorted; single files are not checked. */
static int list_images(path_list_t *l, const char *uri, int *single,
                       wl_err_t *err) {
  struct stat st;
  int rc;
  *single = 0;
  if (stat(uri, &st) == 0 && S_ISDIR(st.st_mode)) {
    rc = list_directory(l, uri, err);
  } else if (strpbrk(uri, "*?[")) {
    rc = list_glob(l, uri, err);
  } else {
    *single = 1;
    rc = path_list_add(l, NULL, uri, err);
  }
  if (rc != WL_OK) {
    path_list_free(l);
    return rc;
  }
  qsort(l->paths, l->count, sizeof *l->paths, compare_paths);
  return WL_OK;
}

long wl__images_count_frames(const char *uri, wl_err_t *err) {
  path_list_t l = {0};
  int single;
  int rc = list_images(&l, uri, &single, err);
  if (rc != WL_OK) return rc;
  long count = (long)l.count;
  path_list_free(&l);
  struct stat st;
  if (single && stat(uri, &st) != 0)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot read: %s", uri, strerror(errno));
  return count;
}

/* ---- the source ---- */

typedef struct image_source {
  wl_source_t base;
  path_list_t list;
  size_t next;      /* index of the next file */
  wl_frame_t first; /* decoded at open, handed out by the first next() */
  int first_pending;
} image_source_t;

static int image_source_next(wl_source_t *src, wl_frame_t *frame,
                             wl_err_t *err) {
  image_source_t *s = (image_source_t *)src;
  if (s->next >= s->list.count) return WL_EOF;
  const char *path = s->list.paths[s->next++];
  int rc;
  if (s->first_pending) {
    rc = wl_frame_copy(frame, &s->first, err);
    wl_frame_release(&s->first);
    s->first_pending = 0;
  } else {
    rc = wl_image_read(path, frame, err);
  }
  if (rc != WL_OK) return rc;
  if (frame->width != src->info.width || frame->height != src->info.height)
    return wl_fail(err, WL_EFORMAT,
                   "%s: image is %dx%d but the first image (%s) is %dx%d",
                   path, frame->width, frame->height, s->list.paths[0],
                   src->info.width, src->info.height);
  frame->t_ns = llround((double)src->seq * 1e9 / src->info.fps);
  return WL_OK;
}

static void image_source_close(wl_source_t *src) {
  image_source_t *s = (image_source_t *)src;
  path_list_free(&s->list);
  wl_frame_release(&s->first);
  free(s);
}

static const wl__source_vt_t image_source_vt = {image_source_next,
                                                image_source_close};

static const char *kind_of(const char *path) {
  switch (wl__format_from_ext(path)) {
  case WL_FORMAT_PGM: return "pgm";
  case WL_FORMAT_PNG: return "png";
  default: return "tiff";
  }
}

int wl__source_open_images(wl_source_t **out, const char *uri,
                           const wl_source_opts_t *opts, wl_err_t *err) {
  image_source_t *s = calloc(1, sizeof *s);
  if (!s) return wl_fail(err, WL_ENOMEM, "%s: out of memory", uri);
  int single;
  int rc = list_images(&s->list, uri, &single, err);
  if (rc == WL_OK) rc = wl_image_read(s->list.paths[0], &s->first, err);
  if (rc != WL_OK) {
    image_source_close(&s->base);
    return rc;
  }
  s->first_pending = 1;
  wl_source_info_t *info = &s->base.info;
  info->kind = single ? kind_of(uri) : "images";
  info->width = s->first.width;
  info->height = s->first.height;
  info->fps = opts->fps;
  info->frame_count = (long)s->list.count;
  info->bit_depth = s->first.bit_depth;
  info->radiometry = s->first.radiometry;
  s->base.vt = &image_source_vt;
  *out = &s->base;
  return WL_OK;
}
