/* pgm.c: placeholder, being written. */
