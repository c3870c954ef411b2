/*
 * pgm.c - binary PGM (P5) reader and writer.
 *
 * Reader: parses the header byte by byte (magic "P5", width, height, maxval,
 * separated by any whitespace and '#' comments, then exactly one whitespace
 * byte), checks the size with wl_check_size and against the bytes left in
 * the stream before allocating, then reads all pixels with one fread and
 * converts in place: big-endian 16-bit samples are byte-swapped on
 * little-endian hosts; 8-bit samples are read into the upper half of the
 * frame buffer and widened forward (safe: sample j is read before output j,
 * which overlaps only samples before it).
 *
 * Writer: header "P5\n<w> <h>\n<maxval>\n", pixels converted through a
 * fixed stack buffer, so neither call allocates beyond the frame itself.
 * Only the first image of a file is read; concatenated images are ignored.
 */
#include <errno.h>
#include <string.h>

#include "io_int.h"
#include "watchline/image.h"

/* Header numbers above this are rejected before any arithmetic. */
#define PGM_NUMBER_MAX 1000000000L

/* Cursor over the header: counts bytes for error messages. */
typedef struct pgm_header_reader {
  FILE *fp;
  const char *name;
  long offset; /* bytes consumed so far */
} pgm_header_reader_t;

static int header_getc(pgm_header_reader_t *r) {
  int c = getc(r->fp);
  if (c != EOF) r->offset++;
  return c;
}

static int is_pgm_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static int header_ended(pgm_header_reader_t *r, const char *field,
                        wl_err_t *err) {
  if (ferror(r->fp))
    return wl_fail(err, WL_EIO, "%s: read error in the PGM header: %s",
                   r->name, strerror(errno));
  return wl_fail(err, WL_EFORMAT,
                 "%s: PGM header is incomplete: the file ends at byte %ld, "
                 "at its %s", r->name,
                 r->offset, field);
}

/* Skip whitespace and comments, then read one decimal number. */
static int header_number(pgm_header_reader_t *r, const char *field, long *out,
                         wl_err_t *err) {
  int c = header_getc(r);
  for (;;) {
    if (c == '#') {
      while (c != '\n' && c != '\r' && c != EOF) c = header_getc(r);
    } else if (is_pgm_space(c)) {
      c = header_getc(r);
    } else {
      break;
    }
  }
  if (c == EOF) return header_ended(r, field, err);
  if (c < '0' || c > '9')
    return wl_fail(err, WL_EFORMAT,
                   "%s: PGM header has byte 0x%02x where its %s should be "
                   "(byte %ld)",
                   r->name, (unsigned)c, field, r->offset - 1);
  long v = 0;
  while (c >= '0' && c <= '9') {
    v = v * 10 + (c - '0');
    if (v > PGM_NUMBER_MAX)
      return wl_fail(err, WL_ETOOBIG, "%s: PGM %s is larger than %ld",
                     r->name, field, PGM_NUMBER_MAX);
    c = header_getc(r);
  }
  if (c == EOF) return header_ended(r, field, err);
  if (!is_pgm_space(c) && c != '#')
    return wl_fail(err, WL_EFORMAT,
                   "%s: PGM %s is followed by byte 0x%02x instead of "
                   "whitespace (byte %ld)",
                   r->name, field, (unsigned)c, r->offset - 1);
  if (c == '#') /* a comment right after a number: consume to end of line */
    while (c != '\n' && c != '\r' && c != EOF) c = header_getc(r);
  *out = v;
  return WL_OK;
}

/* Parse the header; leaves fp at the first pixel byte. */
static int read_header(pgm_header_reader_t *r, long *width, long *height,
                       long *maxval, wl_err_t *err) {
  int m0 = header_getc(r);
  int m1 = header_getc(r);
  if (m0 != 'P' || m1 != '5') {
    if (m0 == 'P' && m1 == '2')
      return wl_fail(err, WL_EUNSUPPORTED,
                     "%s: ASCII PGM (P2) is not supported, only binary P5",
                     r->name);
    if (m0 == EOF || m1 == EOF) return header_ended(r, "magic number", err);
    return wl_fail(err, WL_EFORMAT,
                   "%s: not a binary PGM: starts with bytes 0x%02x 0x%02x, "
                   "expected \"P5\"",
                   r->name, (unsigned)m0, (unsigned)m1);
  }
  int rc = header_number(r, "width", width, err);
  if (rc == WL_OK) rc = header_number(r, "height", height, err);
  if (rc == WL_OK) rc = header_number(r, "maxval", maxval, err);
  if (rc != WL_OK) return rc;
  if (*maxval < 1 || *maxval > 65535)
    return wl_fail(err, WL_EFORMAT,
                   "%s: PGM maxval %ld is outside 1..65535", r->name, *maxval);
  return WL_OK;
}

int wl_pgm_read(FILE *fp, const char *name, wl_frame_t *frame, wl_err_t *err) {
  pgm_header_reader_t r = {fp, name ? name : "PGM", 0};
  long width, height, maxval;
  int rc = read_header(&r, &width, &height, &maxval, err);
  if (rc != WL_OK) return rc;
  rc = wl_check_size(width, height, r.name, err);
  if (rc != WL_OK) return rc;

  int wide = maxval > 255;
  size_t n = (size_t)width * (size_t)height;
  size_t bytes = n * (wide ? 2 : 1);
  long long left = wl__bytes_left(fp);
  if (left >= 0 && (unsigned long long)left < bytes)
    return wl_fail(err, WL_EFORMAT,
                   "%s: header says %ldx%ld %d-bit (%zu bytes of pixels) but "
                   "only %lld follow",
                   r.name, width, height, wide ? 16 : 8, bytes, left);

  rc = wl_frame_alloc(frame, (int)width, (int)height, err);
  if (rc != WL_OK) return rc;
  /* 8-bit samples land in the upper half and are widened forward. */
  unsigned char *dst = (unsigned char *)frame->data + (wide ? 0 : n);
  size_t got = fread(dst, 1, bytes, fp);
  if (got != bytes) {
    if (ferror(fp))
      return wl_fail(err, WL_EIO, "%s: read error in PGM pixels: %s", r.name,
                     strerror(errno));
    return wl_fail(err, WL_EFORMAT,
                   "%s: header says %ldx%ld %d-bit (%zu bytes of pixels) but "
                   "only %zu follow",
                   r.name, width, height, wide ? 16 : 8, bytes, got);
  }
  if (wide) {
    if (!WL__HOST_BIG_ENDIAN) wl__swap16(frame->data, n);
    frame->bit_depth = 16;
    frame->radiometry = wl_radiometry_centikelvin();
  } else {
    uint16_t *out = frame->data;
    for (size_t i = 0; i < n; i++) out[i] = dst[i];
    frame->bit_depth = 8;
    frame->radiometry = wl_radiometry_none();
  }
  return WL_OK;
}

int wl_pgm_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err) {
  if (!name) name = "PGM";
  int rc = wl_check_size(frame->width, frame->height, name, err);
  if (rc != WL_OK) return rc;
  int narrow = frame->bit_depth <= 8;
  if (fprintf(fp, "P5\n%d %d\n%d\n", frame->width, frame->height,
              narrow ? 255 : 65535) < 0)
    return wl_fail(err, WL_EIO, "%s: cannot write PGM header: %s", name,
                   strerror(errno));
  size_t n = (size_t)frame->width * (size_t)frame->height;
  /* Convert in chunks through a stack buffer: no allocation. */
  enum { CHUNK = 8192 };
  uint16_t buf[CHUNK];
  for (size_t done = 0; done < n; done += CHUNK) {
    size_t k = n - done < CHUNK ? n - done : CHUNK;
    const uint16_t *src = frame->data + done;
    size_t bytes;
    if (narrow) {
      unsigned char *b = (unsigned char *)buf;
      for (size_t i = 0; i < k; i++)
        b[i] = (unsigned char)(src[i] > 255 ? 255 : src[i]);
      bytes = k;
    } else {
      memcpy(buf, src, k * sizeof *buf);
      if (!WL__HOST_BIG_ENDIAN) wl__swap16(buf, k);
      bytes = k * 2;
    }
    if (fwrite(buf, 1, bytes, fp) != bytes)
      return wl_fail(err, WL_EIO, "%s: cannot write PGM pixels: %s", name,
                     strerror(errno));
  }
  return WL_OK;
}
