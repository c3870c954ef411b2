/* sink.c: placeholder, being written. */
