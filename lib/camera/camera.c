/* camera.c: placeholder, being written. */
