/* png.c: placeholder, being written. */
