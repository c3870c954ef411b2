/* tiff.c: placeholder, being written. */
