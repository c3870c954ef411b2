/* scenario.c: placeholder, being written. */
