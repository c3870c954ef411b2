/* source.c: placeholder, being written. */
