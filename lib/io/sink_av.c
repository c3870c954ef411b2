/* sink_av.c: placeholder, being written. */
