/*
 * watchline/image.h - single-image file formats: PGM (P5), PNG, TIFF.
 *
 * Readers accept 8- and 16-bit grey (PNG and TIFF colour is converted to
 * grey by luma). 8-bit data is widened to 16 bits unchanged and marked
 * non-radiometric with bit_depth 8; 16-bit data gets the default centikelvin
 * radiometry and bit_depth 16 (callers may override it). Every header is
 * checked against WL_MAX_DIM / WL_MAX_PIXELS before anything is allocated,
 * and against the bytes actually present.
 *
 * `name` in the FILE-based calls is only used in error messages.
 */
#ifndef WATCHLINE_IMAGE_H
#define WATCHLINE_IMAGE_H

#include <stdio.h>

#include "watchline/frame.h"

int wl_pgm_read(FILE *fp, const char *name, wl_frame_t *frame, wl_err_t *err);
/* Writes P5 with maxval 65535 (or 255 when frame->bit_depth <= 8). */
int wl_pgm_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err);

int wl_png_read(FILE *fp, const char *name, wl_frame_t *frame, wl_err_t *err);
/* Writes 16-bit grey (8-bit when frame->bit_depth <= 8). */
int wl_png_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err);

int wl_tiff_read(const char *path, wl_frame_t *frame, wl_err_t *err);
int wl_tiff_write(const char *path, const wl_frame_t *frame, wl_err_t *err);

/*
 * Raw little-endian Y16: exactly width*height*2 bytes per frame. Returns
 * WL_EOF at a clean end, WL_EFORMAT for a partial trailing frame.
 */
int wl_raw_read(FILE *fp, const char *name, int width, int height,
                wl_frame_t *frame, wl_err_t *err);
int wl_raw_write(FILE *fp, const char *name, const wl_frame_t *frame,
                 wl_err_t *err);

/* Read any single image by its extension (.pgm .png .tif .tiff). */
int wl_image_read(const char *path, wl_frame_t *frame, wl_err_t *err);

#endif
