/* geodesy.c: placeholder, being written. */
