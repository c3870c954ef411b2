/*
 * badpix.c - bad-pixel maps: parsing (text list or PGM mask), writing, and
 * replacement of bad pixels by the median of their good neighbours.
 *
 * Design: a map is a sorted, duplicate-free array of pixel indices plus,
 * per bad pixel, a 25-bit mask of which 5x5 neighbours are usable (inside
 * the image and not bad). The mask is computed once at parse time with
 * binary searches, so wl_badpix_apply() does no searching per frame: it
 * gathers at most 16 values per bad pixel and takes their median.
 *
 * Invariants: index[] is strictly increasing and < width * height; count
 * <= WL__BADPIX_MAX_COUNT; allocations are bounded by the input's size
 * (a text entry needs at least 4 bytes) or by that count, never by a
 * header field alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchline/image.h"
#include "watchline/preprocess.h"

/* A sensor with more bad pixels than this is not worth correcting. */
#define WL__BADPIX_MAX_COUNT ((size_t)1 << 20)

/* Neighbour mask bits: bit (dy + 2) * 5 + (dx + 2). */
#define NB_BIT(dx, dy) (1u << (((dy) + 2) * 5 + ((dx) + 2)))
#define NB_RING8                                                            \
  (NB_BIT(-1, -1) | NB_BIT(0, -1) | NB_BIT(1, -1) | NB_BIT(-1, 0) |         \
   NB_BIT(1, 0) | NB_BIT(-1, 1) | NB_BIT(0, 1) | NB_BIT(1, 1))

void wl_badpix_free(wl_badpix_t *map) {
  if (!map) return;
  free(map->index);
  free(map->good);
  memset(map, 0, sizeof *map);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int is_bad(const wl_badpix_t *map, uint32_t idx) {
  return bsearch(&idx, map->index, map->count, sizeof idx, cmp_u32) != NULL;
}

/* Sort, merge duplicates and derive the neighbour masks. map->index holds
 * map->count raw entries on entry. */
static int finish_map(wl_badpix_t *map, const char *name, wl_err_t *err) {
  if (map->count > 0)
    qsort(map->index, map->count, sizeof *map->index, cmp_u32);
  size_t n = 0;
  for (size_t i = 0; i < map->count; i++)
    if (n == 0 || map->index[i] != map->index[n - 1])
      map->index[n++] = map->index[i];
  map->count = n;
  if (n > WL__BADPIX_MAX_COUNT)
    return wl_fail(err, WL_ETOOBIG,
                   "%s: %zu bad pixels exceed the limit of %zu", name, n,
                   WL__BADPIX_MAX_COUNT);
  map->good = malloc((n ? n : 1) * sizeof *map->good);
  if (!map->good)
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate %zu bad pixels",
                   name, n);
  for (size_t i = 0; i < n; i++) {
    int x = (int)(map->index[i] % (uint32_t)map->width);
    int y = (int)(map->index[i] / (uint32_t)map->width);
    uint32_t good = 0;
    for (int dy = -2; dy <= 2; dy++)
      for (int dx = -2; dx <= 2; dx++) {
        int nx = x + dx, ny = y + dy;
        if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= map->width ||
            ny >= map->height)
          continue;
        if (!is_bad(map, (uint32_t)ny * (uint32_t)map->width + (uint32_t)nx))
          good |= NB_BIT(dx, dy);
      }
    map->good[i] = good;
  }
  return WL_OK;
}

/* ---- text format ------------------------------------------------------ */

/* Cursor over text: one line at a time, comments stripped. */
typedef struct text_reader {
  const char *p, *end;
  long line; /* 1-based number of the current line */
} text_reader_t;

/* Next line's content without comment and trailing space; 0 at the end. */
static int next_line(text_reader_t *r, const char **s, size_t *n) {
  if (r->p >= r->end) return 0;
  const char *start = r->p;
  const char *nl = memchr(start, '\n', (size_t)(r->end - start));
  const char *stop = nl ? nl : r->end;
  r->p = nl ? nl + 1 : r->end;
  r->line++;
  const char *hash = memchr(start, '#', (size_t)(stop - start));
  if (hash) stop = hash;
  *s = start;
  *n = (size_t)(stop - start);
  return 1;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Split a line into at most max tokens; returns the count, or max + 1 when
 * there are more. */
static int split_tokens(const char *s, size_t n, const char **tok,
                        size_t *tlen, int max) {
  int count = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && is_space(s[i])) i++;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !is_space(s[i])) i++;
    if (count == max) return max + 1;
    tok[count] = s + start;
    tlen[count] = i - start;
    count++;
  }
  return count;
}

/* A decimal integer in [0, max]; the whole token must be digits. */
static int parse_uint(const char *t, size_t n, long max, long *out) {
  if (n == 0 || n > 9) return 0;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (t[i] < '0' || t[i] > '9') return 0;
    v = v * 10 + (t[i] - '0');
  }
  if (v > max) return 0;
  *out = v;
  return 1;
}

static int parse_text(wl_badpix_t *map, const char *text, size_t len,
                      const char *name, wl_err_t *err) {
  text_reader_t r = {text, text + len, 0};
  const char *s, *tok[4];
  size_t n, tlen[4];
  int have_header = 0;
  size_t cap = 0;
  while (next_line(&r, &s, &n)) {
    int nt = split_tokens(s, n, tok, tlen, 3);
    if (nt == 0) continue;
    if (!have_header) {
      long w, h;
      if (nt != 3 || tlen[0] != 9 || memcmp(tok[0], "badpixels", 9) != 0)
        return wl_fail(err, WL_EFORMAT,
                       "%s:%ld: expected the header \"badpixels WIDTH "
                       "HEIGHT\"", name, r.line);
      if (!parse_uint(tok[1], tlen[1], WL_MAX_DIM, &w) ||
          !parse_uint(tok[2], tlen[2], WL_MAX_DIM, &h))
        return wl_fail(err, WL_EFORMAT,
                       "%s:%ld: header size must be two integers 1..%d",
                       name, r.line, WL_MAX_DIM);
      int rc = wl_check_size(w, h, name, err);
      if (rc != WL_OK) return rc;
      map->width = (int)w;
      map->height = (int)h;
      /* Every entry takes at least 4 bytes ("0 0\n"), so the bytes left
       * bound the count: no allocation beyond what the input justifies. */
      cap = (size_t)(r.end - r.p) / 4 + 1;
      if (cap > WL__BADPIX_MAX_COUNT + 1) cap = WL__BADPIX_MAX_COUNT + 1;
      map->index = malloc(cap * sizeof *map->index);
      if (!map->index)
        return wl_fail(err, WL_ENOMEM, "%s: cannot allocate %zu entries",
                       name, cap);
      have_header = 1;
      continue;
    }
    long x, y;
    if (nt != 2)
      return wl_fail(err, WL_EFORMAT,
                     "%s:%ld: expected two integers \"X Y\", found %s%d "
                     "fields", name, r.line, nt > 3 ? "more than " : "",
                     nt > 3 ? 3 : nt);
    if (!parse_uint(tok[0], tlen[0], 999999999L, &x) ||
        !parse_uint(tok[1], tlen[1], 999999999L, &y))
      return wl_fail(err, WL_EFORMAT,
                     "%s:%ld: X and Y must be non-negative integers", name,
                     r.line);
    if (x >= map->width || y >= map->height)
      return wl_fail(err, WL_EFORMAT,
                     "%s:%ld: pixel (%ld, %ld) is outside the %dx%d image",
                     name, r.line, x, y, map->width, map->height);
    if (map->count >= cap)
      return wl_fail(err, WL_ETOOBIG,
                     "%s:%ld: more than %zu bad pixels", name, r.line,
                     WL__BADPIX_MAX_COUNT);
    map->index[map->count++] =
        (uint32_t)y * (uint32_t)map->width + (uint32_t)x;
  }
  if (!have_header)
    return wl_fail(err, WL_EFORMAT,
                   "%s: empty: no \"badpixels WIDTH HEIGHT\" header", name);
  return finish_map(map, name, err);
}

/* ---- PGM mask --------------------------------------------------------- */

static int parse_pgm(wl_badpix_t *map, const void *data, size_t len,
                     const char *name, wl_err_t *err) {
  FILE *fp = fmemopen((void *)data, len, "rb");
  if (!fp)
    return wl_fail(err, WL_ENOMEM, "%s: cannot open the PGM in memory: %s",
                   name, strerror(errno));
  wl_frame_t mask;
  wl_frame_init(&mask);
  int rc = wl_pgm_read(fp, name, &mask, err);
  fclose(fp);
  if (rc != WL_OK) {
    wl_frame_release(&mask);
    return rc;
  }
  size_t npx = (size_t)mask.width * (size_t)mask.height, n = 0;
  for (size_t i = 0; i < npx; i++) n += mask.data[i] != 0;
  if (n > WL__BADPIX_MAX_COUNT) {
    wl_frame_release(&mask);
    return wl_fail(err, WL_ETOOBIG,
                   "%s: %zu bad pixels exceed the limit of %zu", name, n,
                   WL__BADPIX_MAX_COUNT);
  }
  map->width = mask.width;
  map->height = mask.height;
  map->index = malloc((n ? n : 1) * sizeof *map->index);
  if (!map->index) {
    wl_frame_release(&mask);
    return wl_fail(err, WL_ENOMEM, "%s: cannot allocate %zu entries", name,
                   n);
  }
  for (size_t i = 0; i < npx; i++)
    if (mask.data[i]) map->index[map->count++] = (uint32_t)i;
  wl_frame_release(&mask);
  return finish_map(map, name, err);
}

int wl_badpix_parse(wl_badpix_t *map, const void *data, size_t len,
                    const char *name, wl_err_t *err) {
  memset(map, 0, sizeof *map);
  if (!name) name = "bad-pixel map";
  if (len > WL_BADPIX_MAX_BYTES)
    return wl_fail(err, WL_ETOOBIG, "%s: %zu bytes exceed the limit of %zu",
                   name, len, WL_BADPIX_MAX_BYTES);
  int rc;
  if (len >= 2 && memcmp(data, "P5", 2) == 0)
    rc = parse_pgm(map, data, len, name, err);
  else
    rc = parse_text(map, data, len, name, err);
  if (rc != WL_OK) wl_badpix_free(map);
  return rc;
}

int wl_badpix_load(wl_badpix_t *map, const char *path, wl_err_t *err) {
  memset(map, 0, sizeof *map);
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return wl_fail(err, errno == ENOENT ? WL_ENOTFOUND : WL_EIO,
                   "%s: cannot open: %s", path, strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int rc = WL_OK;
  for (;;) {
    if (len == cap) {
      if (cap > WL_BADPIX_MAX_BYTES) {
        rc = wl_fail(err, WL_ETOOBIG, "%s: larger than the limit of %zu "
                     "bytes", path, WL_BADPIX_MAX_BYTES);
        break;
      }
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, ncap);
      if (!nb) {
        rc = wl_fail(err, WL_ENOMEM, "%s: out of memory reading", path);
        break;
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + len, 1, cap - len, fp);
    len += got;
    if (got == 0) {
      if (ferror(fp))
        rc = wl_fail(err, WL_EIO, "%s: read error: %s", path,
                     strerror(errno));
      break;
    }
  }
  fclose(fp);
  if (rc == WL_OK) rc = wl_badpix_parse(map, buf, len, path, err);
  free(buf);
  return rc;
}

int wl_badpix_from_list(wl_badpix_t *map, int width, int height,
                        const int *xy, size_t n, wl_err_t *err) {
  memset(map, 0, sizeof *map);
  int rc = wl_check_size(width, height, "bad-pixel map", err);
  if (rc != WL_OK) return rc;
  if (n > WL__BADPIX_MAX_COUNT)
    return wl_fail(err, WL_ETOOBIG, "bad-pixel map: %zu pixels exceed the "
                   "limit of %zu", n, WL__BADPIX_MAX_COUNT);
  map->width = width;
  map->height = height;
  map->index = malloc((n ? n : 1) * sizeof *map->index);
  if (!map->index)
    return wl_fail(err, WL_ENOMEM, "bad-pixel map: out of memory");
  for (size_t i = 0; i < n; i++) {
    int x = xy[2 * i], y = xy[2 * i + 1];
    if (x < 0 || y < 0 || x >= width || y >= height) {
      wl_badpix_free(map);
      return wl_fail(err, WL_EINVAL, "bad-pixel map: pixel %zu (%d, %d) is "
                     "outside the %dx%d image", i, x, y, width, height);
    }
    map->index[map->count++] = (uint32_t)y * (uint32_t)width + (uint32_t)x;
  }
  rc = finish_map(map, "bad-pixel map", err);
  if (rc != WL_OK) wl_badpix_free(map);
  return rc;
}

int wl_badpix_write_text(const wl_badpix_t *map, const char *path,
                         wl_err_t *err) {
  FILE *fp = fopen(path, "wb");
  if (!fp)
    return wl_fail(err, WL_EIO, "%s: cannot create: %s", path,
                   strerror(errno));
  fprintf(fp, "# watchline bad-pixel map: X Y per line, 0-based\n"
              "badpixels %d %d\n", map->width, map->height);
  for (size_t i = 0; i < map->count; i++)
    fprintf(fp, "%u %u\n", map->index[i] % (uint32_t)map->width,
            map->index[i] / (uint32_t)map->width);
  int bad = ferror(fp);
  if (fclose(fp) != 0 || bad)
    return wl_fail(err, WL_EIO, "%s: write error: %s", path,
                   strerror(errno));
  return WL_OK;
}

/* ---- replacement ------------------------------------------------------ */

/* Median of v[0..n), n in 1..24: sorts v. Even n: mean of the middle two,
 * rounded half up. */
static uint16_t median_u16(uint16_t *v, int n) {
  for (int i = 1; i < n; i++) {
    uint16_t t = v[i];
    int j = i - 1;
    while (j >= 0 && v[j] > t) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = t;
  }
  if (n & 1) return v[n / 2];
  return (uint16_t)(((unsigned)v[n / 2 - 1] + v[n / 2] + 1) / 2);
}

int wl_badpix_apply(const wl_badpix_t *map, wl_frame_t *frame,
                    wl_err_t *err) {
  if (map->width != frame->width || map->height != frame->height)
    return wl_fail(err, WL_EINVAL,
                   "bad-pixel map is %dx%d but the frame is %dx%d",
                   map->width, map->height, frame->width, frame->height);
  int w = frame->width;
  uint16_t *px = frame->data;
  for (size_t i = 0; i < map->count; i++) {
    uint32_t good = map->good[i];
    /* Prefer the 8 nearest neighbours; fall back to the 5x5 ring. */
    uint32_t use = (good & NB_RING8) ? (good & NB_RING8) : good;
    if (!use) continue;
    uint16_t v[24];
    int n = 0;
    long centre = (long)map->index[i];
    for (int b = 0; b < 25; b++)
      if (use & (1u << b)) {
        int dx = b % 5 - 2, dy = b / 5 - 2;
        v[n++] = px[centre + (long)dy * w + dx];
      }
    px[centre] = median_u16(v, n);
  }
  return WL_OK;
}
