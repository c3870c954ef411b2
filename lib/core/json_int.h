/*
 * json_int.h - internal: small helpers shared by the library's JSON
 * readers (camera.json, scenarios), on top of jansson.
 */
#ifndef WL_CORE_JSON_INT_H
#define WL_CORE_JSON_INT_H

#include <jansson.h>

/* "an object", "a string", "an integer", ... for error messages. */
const char *wl__json_type_name(const json_t *v);

#endif
