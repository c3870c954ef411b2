/* sim.c: placeholder, being written. */
