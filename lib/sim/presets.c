/* presets.c: placeholder, being written. */
