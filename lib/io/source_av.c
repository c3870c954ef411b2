/* source_av.c: placeholder, being written. */
