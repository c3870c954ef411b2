/*
 * motfile.c - the MOT Challenge track file parser (ground truth and
 * predictions, see watchline/eval.h and docs/FORMATS.md), plus the
 * bounded text helpers that the box-label parser shares (evaltext_int.h).
 *
 * Design: the file is read whole (bounded by WL_MOT_MAX_FILE_BYTES) and
 * parsed from memory, so the fuzz target and the tools take the same path.
 * Every line is split at commas and each field is checked strictly: plain
 * decimal numbers only, finite, within the documented range; integers must
 * be integral. Rows grow geometrically as they are parsed, so memory stays
 * proportional to the bytes present. After parsing, rows are checked for an
 * id repeated within a frame and for too many rows in one frame.
 *
 * Invariants of a parsed file: 1 <= frame <= WL_MOT_MAX_FRAME, 0 <= id <=
 * WL_MOT_MAX_ID, x, y, w, h, conf, visibility finite, 0 < w, h <=
 * WL_MOT_MAX_COORD, (frame, id) unique, at most WL_MOT_MAX_PER_FRAME rows
 * per frame.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaltext_int.h"

/* ---- bounded text helpers (evaltext_int.h) ----------------------------- */

int wl__read_text_file(const char *path, size_t max_bytes, char **buf,
                       size_t *len, wl_err_t *err) {
  *buf = NULL;
  *len = 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    int code = (errno == ENOENT || errno == ENOTDIR) ? WL_ENOTFOUND : WL_EIO;
    return wl_fail(err, code, "%s: cannot open for reading: %s", path,
                   strerror(errno));
  }
  size_t cap = 0, n = 0;
  char *data = NULL;
  int rc = WL_OK;
  for (;;) {
    if (n + 1 >= cap) {
      size_t want = cap ? cap * 2 : 65536;
      if (want > max_bytes + 2) want = max_bytes + 2;
      if (want <= n + 1) {
        rc = wl_fail(err, WL_ETOOBIG, "%s: file is larger than %zu bytes",
                     path, max_bytes);
        break;
      }
      char *grown = realloc(data, want);
      if (!grown) {
        rc = wl_fail(err, WL_ENOMEM, "%s: out of memory reading %zu bytes",
                     path, want);
        break;
      }
      data = grown;
      cap = want;
    }
    size_t got = fread(data + n, 1, cap - 1 - n, fp);
    n += got;
    if (n > max_bytes) {
      rc = wl_fail(err, WL_ETOOBIG, "%s: file is larger than %zu bytes", path,
                   max_bytes);
      break;
    }
    if (got == 0) {
      if (ferror(fp))
        rc = wl_fail(err, WL_EIO, "%s: read error after %zu bytes: %s", path,
                     n, strerror(errno));
      break;
    }
  }
  fclose(fp);
  if (rc < 0) {
    free(data);
    return rc;
  }
  if (!data) {
    data = malloc(1);
    if (!data) return wl_fail(err, WL_ENOMEM, "%s: out of memory", path);
  }
  data[n] = '\0';
  *buf = data;
  *len = n;
  return WL_OK;
}

void wl__lines_init(wl__lines_t *it, const char *text, size_t len,
                    const char *name) {
  it->text = text;
  it->len = text ? len : 0;
  it->pos = 0;
  it->line = 0;
  it->name = name ? name : "(input)";
}

static int is_blank_byte(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int wl__lines_next(wl__lines_t *it, const char **s, size_t *n, wl_err_t *err) {
  while (it->pos < it->len) {
    const char *start = it->text + it->pos;
    size_t left = it->len - it->pos;
    const char *nl = memchr(start, '\n', left);
    size_t line_len = nl ? (size_t)(nl - start) : left;
    it->pos += line_len + (nl ? 1 : 0);
    it->line++;
    if (line_len > WL_MOT_MAX_LINE)
      return wl_fail(err, WL_ETOOBIG, "%s:%ld: line is longer than %d bytes",
                     it->name, it->line, WL_MOT_MAX_LINE);
    while (line_len > 0 && is_blank_byte(start[line_len - 1])) line_len--;
    size_t lead = 0;
    while (lead < line_len && is_blank_byte(start[lead])) lead++;
    if (lead == line_len) continue; /* blank line */
    *s = start;
    *n = line_len;
    return 1;
  }
  return 0;
}

int wl__csv_split(const char *s, size_t n, wl__field_t *fields) {
  int count = 0;
  size_t begin = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != ',') continue;
    if (count == WL__CSV_MAX_FIELDS) return WL__CSV_MAX_FIELDS + 1;
    size_t a = begin, b = i;
    while (a < b && is_blank_byte(s[a])) a++;
    while (b > a && is_blank_byte(s[b - 1])) b--;
    fields[count].s = s + a;
    fields[count].n = b - a;
    count++;
    begin = i + 1;
  }
  return count;
}

void wl__quote_field(const char *s, size_t n, char *out, size_t cap) {
  if (cap == 0) return;
  size_t keep = n;
  int cut = 0;
  if (keep + 1 > cap) {
    keep = cap > 4 ? cap - 4 : 0;
    cut = 1;
  }
  size_t i = 0;
  for (; i < keep; i++) {
    unsigned char c = (unsigned char)s[i];
    out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  if (cut && cap >= 4) {
    memcpy(out + i, "...", 3);
    i += 3;
  }
  out[i] = '\0';
}

/* Plain decimal syntax: [+-] digits [. digits] [e [+-] digits], with at
 * least one digit in the mantissa. Rejects nan, inf, hex and spaces. */
static int is_decimal(const char *s, size_t n) {
  size_t i = 0, digits = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
  }
  if (digits == 0) return 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t exp_digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, exp_digits++;
    if (exp_digits == 0) return 0;
  }
  return i == n;
}

int wl__field_double(const wl__lines_t *it, const wl__field_t *f, int index,
                     const char *what, double min, double max, double *out,
                     wl_err_t *err) {
  char quoted[40];
  wl__quote_field(f->s, f->n, quoted, sizeof quoted);
  if (f->n == 0)
    return wl_fail(err, WL_EFORMAT, "%s:%ld: field %d (%s) is empty",
                   it->name, it->line, index, what);
  char buf[64];
  if (f->n >= sizeof buf || !is_decimal(f->s, f->n))
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field %d (%s): '%s' is not a number", it->name,
                   it->line, index, what, quoted);
  memcpy(buf, f->s, f->n);
  buf[f->n] = '\0';
  double v = strtod(buf, NULL);
  if (!isfinite(v))
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field %d (%s): '%s' is not a finite number",
                   it->name, it->line, index, what, quoted);
  if (!(v >= min && v <= max))
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field %d (%s): %s is outside %g..%g", it->name,
                   it->line, index, what, quoted, min, max);
  *out = v;
  return WL_OK;
}

int wl__field_long(const wl__lines_t *it, const wl__field_t *f, int index,
                   const char *what, long min, long max, long *out,
                   wl_err_t *err) {
  double v;
  int rc = wl__field_double(it, f, index, what, -1e300, 1e300, &v, err);
  if (rc < 0) return rc;
  char quoted[40];
  wl__quote_field(f->s, f->n, quoted, sizeof quoted);
  if (v != floor(v))
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field %d (%s): '%s' is not an integer", it->name,
                   it->line, index, what, quoted);
  if (v < (double)min || v > (double)max)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: field %d (%s): %s is outside %ld..%ld", it->name,
                   it->line, index, what, quoted, min, max);
  *out = (long)v;
  return WL_OK;
}

/* ---- MOT rows ---------------------------------------------------------- */

/* Parse one split line into a row; kind decides what fields 8-10 mean. */
static int parse_mot_fields(const wl__lines_t *it, const wl__field_t *f,
                            int nf, wl_mot_kind_t kind, wl_mot_row_t *row,
                            wl_err_t *err) {
  if (nf < 6 || nf > 10)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: line has %s%d fields; a MOT row has 6 to 10 "
                   "(frame,id,x,y,w,h,conf,...)",
                   it->name, it->line, nf > WL__CSV_MAX_FIELDS ? "over " : "",
                   nf > WL__CSV_MAX_FIELDS ? WL__CSV_MAX_FIELDS : nf);
  long frame, id;
  int rc;
  if ((rc = wl__field_long(it, &f[0], 1, "frame", 1, WL_MOT_MAX_FRAME, &frame,
                           err)) < 0 ||
      (rc = wl__field_long(it, &f[1], 2, "id", 0, WL_MOT_MAX_ID, &id, err)) <
          0 ||
      (rc = wl__field_double(it, &f[2], 3, "x", -WL_MOT_MAX_COORD,
                             WL_MOT_MAX_COORD, &row->x, err)) < 0 ||
      (rc = wl__field_double(it, &f[3], 4, "y", -WL_MOT_MAX_COORD,
                             WL_MOT_MAX_COORD, &row->y, err)) < 0 ||
      (rc = wl__field_double(it, &f[4], 5, "w", 0.0, WL_MOT_MAX_COORD,
                             &row->w, err)) < 0 ||
      (rc = wl__field_double(it, &f[5], 6, "h", 0.0, WL_MOT_MAX_COORD,
                             &row->h, err)) < 0)
    return rc;
  if (row->w <= 0.0 || row->h <= 0.0)
    return wl_fail(err, WL_EFORMAT,
                   "%s:%ld: box size %gx%g is empty; w and h must be > 0",
                   it->name, it->line, row->w, row->h);
  row->frame = (int)frame;
  row->id = (int)id;
  row->conf = 1.0;
  row->cls = -1;
  row->visibility = 1.0;
  row->line = it->line;
  if (nf >= 7 &&
      (rc = wl__field_double(it, &f[6], 7, "conf", -1e300, 1e300, &row->conf,
                             err)) < 0)
    return rc;
  if (kind == WL_MOT_GT) {
    long cls;
    if (nf >= 8) {
      if ((rc = wl__field_long(it, &f[7], 8, "class", -1, WL_MOT_MAX_CLASS,
                               &cls, err)) < 0)
        return rc;
      row->cls = (int)cls;
    }
    if (nf >= 9 &&
        (rc = wl__field_double(it, &f[8], 9, "visibility", -1e300, 1e300,
                               &row->visibility, err)) < 0)
      return rc;
    if (nf >= 10) {
      double z;
      if ((rc = wl__field_double(it, &f[9], 10, "z", -1e300, 1e300, &z,
                                 err)) < 0)
        return rc;
    }
  } else {
    /* Fields 8-10 of a prediction (MOT: -1,-1,-1 or world x,y,z) must be
     * numbers but are not used. */
    for (int i = 7; i < nf; i++) {
      double ignored;
      const char *what = i == 7 ? "unused 8" : i == 8 ? "unused 9"
                                                      : "unused 10";
      if ((rc = wl__field_double(it, &f[i], i + 1, what, -1e300, 1e300,
                                 &ignored, err)) < 0)
        return rc;
    }
  }
  return WL_OK;
}

static int compare_frame_id(const void *a, const void *b) {
  const wl_mot_row_t *ra = *(const wl_mot_row_t *const *)a;
  const wl_mot_row_t *rb = *(const wl_mot_row_t *const *)b;
  if (ra->frame != rb->frame) return ra->frame < rb->frame ? -1 : 1;
  if (ra->id != rb->id) return ra->id < rb->id ? -1 : 1;
  return ra->line < rb->line ? -1 : ra->line > rb->line;
}

/* Check (frame, id) uniqueness and the per-frame row limit. */
static int check_frames(const wl_mot_file_t *f, const char *name,
                        wl_err_t *err) {
  if (f->n == 0) return WL_OK;
  const wl_mot_row_t **order = malloc(f->n * sizeof *order);
  if (!order)
    return wl_fail(err, WL_ENOMEM, "%s: out of memory sorting %zu rows", name,
                   f->n);
  for (size_t i = 0; i < f->n; i++) order[i] = &f->rows[i];
  qsort(order, f->n, sizeof *order, compare_frame_id);
  int rc = WL_OK;
  size_t run = 1;
  for (size_t i = 1; i < f->n && rc == WL_OK; i++) {
    const wl_mot_row_t *prev = order[i - 1], *cur = order[i];
    if (cur->frame != prev->frame) {
      run = 1;
      continue;
    }
    if (cur->id == prev->id)
      rc = wl_fail(err, WL_EFORMAT,
                   "%s:%ld: id %d appears twice in frame %d (also line %ld)",
                   name, cur->line, cur->id, cur->frame, prev->line);
    else if (++run > WL_MOT_MAX_PER_FRAME)
      rc = wl_fail(err, WL_ETOOBIG,
                   "%s:%ld: frame %d has more than %d rows", name, cur->line,
                   cur->frame, WL_MOT_MAX_PER_FRAME);
  }
  free(order);
  return rc;
}

int wl_mot_parse(const char *text, size_t len, wl_mot_kind_t kind,
                 const char *name, wl_mot_file_t *out, wl_err_t *err) {
  memset(out, 0, sizeof *out);
  if (kind != WL_MOT_GT && kind != WL_MOT_PRED)
    return wl_fail(err, WL_EINVAL, "MOT parser: unknown file kind %d",
                   (int)kind);
  wl__lines_t it;
  wl__lines_init(&it, text, len, name);
  wl_mot_file_t f = {0};
  size_t cap = 0;
  const char *s;
  size_t n;
  int rc;
  while ((rc = wl__lines_next(&it, &s, &n, err)) == 1) {
    wl__field_t fields[WL__CSV_MAX_FIELDS];
    int nf = wl__csv_split(s, n, fields);
    if (f.n >= (size_t)WL_MOT_MAX_ROWS) {
      rc = wl_fail(err, WL_ETOOBIG, "%s:%ld: more than %ld rows", it.name,
                   it.line, WL_MOT_MAX_ROWS);
      break;
    }
    wl_mot_row_t row;
    if ((rc = parse_mot_fields(&it, fields, nf, kind, &row, err)) < 0) break;
    if ((rc = wl__grow(&f.rows, &cap, f.n + 1, sizeof row, it.name,
                       err)) < 0)
      break;
    f.rows[f.n++] = row;
    if (row.frame > f.max_frame) f.max_frame = row.frame;
  }
  if (rc == 0) rc = check_frames(&f, it.name, err);
  if (rc < 0) {
    wl_mot_free(&f);
    return rc;
  }
  *out = f;
  return WL_OK;
}

int wl_mot_read(const char *path, wl_mot_kind_t kind, wl_mot_file_t *out,
                wl_err_t *err) {
  memset(out, 0, sizeof *out);
  char *buf;
  size_t len;
  int rc = wl__read_text_file(path, WL_MOT_MAX_FILE_BYTES, &buf, &len, err);
  if (rc < 0) return rc;
  rc = wl_mot_parse(buf, len, kind, path, out, err);
  free(buf);
  return rc;
}

void wl_mot_free(wl_mot_file_t *f) {
  if (!f) return;
  free(f->rows);
  f->rows = NULL;
  f->n = 0;
  f->max_frame = 0;
}
