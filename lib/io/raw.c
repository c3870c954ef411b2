/* raw.c: placeholder, being written. */
