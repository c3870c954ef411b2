/*
 * watchline/detect.h - detections: what a detector reports for one object
 * in one frame, and the single-image small-target detector.
 *
 * Both detectors (the temporal one in motion.h and the spatial one here)
 * report wl_detection_t; the tracker (track.h) consumes it.
 */
#ifndef WATCHLINE_DETECT_H
#define WATCHLINE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "watchline/common.h"
#include "watchline/frame.h"

/* One detected object in one frame. Pixel coordinates are continuous with
 * the image's top-left corner at (0, 0): the box covers [x, x+w) x [y, y+h). */
typedef struct wl_detection {
  double x, y, w, h;     /* bounding box, pixels */
  double cx, cy;         /* contrast-weighted centroid, pixels */
  int area;              /* pixels in the component */
  int polarity;          /* +1 warmer than its background, -1 colder */
  double peak_contrast;  /* signed peak contrast against the background: in
                            kelvin when the frame is radiometric, else in the
                            frame's units */
  double snr;            /* |peak contrast| / local noise sigma */
} wl_detection_t;

#endif
