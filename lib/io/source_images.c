/* source_images.c: placeholder, being written. */
