/*
 * evaltext_int.h - internal helpers shared by the CSV-like ground-truth
 * parsers of the eval module (MOT files in motfile.c, box labels in
 * boxes.c): bounded file reading, a line iterator, field splitting and
 * strict number parsing whose errors name file, line, field and value.
 *
 * Nothing here is public API. All of it works on untrusted bytes: lines are
 * bounded by WL_MOT_MAX_LINE, NUL bytes are just invalid characters, and
 * numbers accept only plain decimal syntax (no nan, inf, hex).
 */
#ifndef WL_EVAL_EVALTEXT_INT_H
#define WL_EVAL_EVALTEXT_INT_H

#include <stddef.h>

#include "../core/grow_int.h"
#include "watchline/eval.h"

#define WL__CSV_MAX_FIELDS 16

/* Read a whole file of at most max_bytes into a malloc'd buffer (*buf, NUL
 * terminated, *len bytes without the NUL). The caller frees *buf. */
int wl__read_text_file(const char *path, size_t max_bytes, char **buf,
                       size_t *len, wl_err_t *err);

/* Line iterator over text; line numbers are 1-based. */
typedef struct wl__lines {
  const char *text;
  size_t len, pos;
  long line; /* number of the line last returned */
  const char *name;
} wl__lines_t;

void wl__lines_init(wl__lines_t *it, const char *text, size_t len,
                    const char *name);

/*
 * Next line that is not blank (only spaces, tabs, CR): *s, *n hold it
 * without the line end. Returns 1, 0 at the end, or WL_ETOOBIG for a line
 * longer than WL_MOT_MAX_LINE.
 */
int wl__lines_next(wl__lines_t *it, const char **s, size_t *n, wl_err_t *err);

/* A field of a line: start and length, trimmed of spaces, tabs and CR. */
typedef struct wl__field {
  const char *s;
  size_t n;
} wl__field_t;

/* Split a line at commas into at most WL__CSV_MAX_FIELDS fields; returns
 * the field count (WL__CSV_MAX_FIELDS + 1 when there are more). */
int wl__csv_split(const char *s, size_t n, wl__field_t *fields);

/*
 * Parse field number `index` (1-based, for messages) named `what` as a
 * finite decimal number within [min, max]. Errors name the file, line,
 * field and value: "gt.txt:17: field 3 (x): 'abc' is not a number".
 */
int wl__field_double(const wl__lines_t *it, const wl__field_t *f, int index,
                     const char *what, double min, double max, double *out,
                     wl_err_t *err);

/* As wl__field_double, and the value must be an integer ("7" or "7.0"). */
int wl__field_long(const wl__lines_t *it, const wl__field_t *f, int index,
                   const char *what, long min, long max, long *out,
                   wl_err_t *err);

/* Copy at most cap-1 bytes of a field for a message, replacing bytes that
 * are not printable ASCII by '?' and marking truncation with "...". */
void wl__quote_field(const char *s, size_t n, char *out, size_t cap);

#endif
