/*
 * Compact JSON text of a jansson value, byte for byte what
 * json_dumps(JSON_COMPACT) makes, without its cost: jansson formats
 * every container's address with snprintf (its loop check) and grows its
 * buffer with realloc.
 */
#ifndef SIGNET_JSON_TEXT_H
#define SIGNET_JSON_TEXT_H

#include <jansson.h>

char	*json_text(const json_t *);
char	*json_text_as(const json_t *, const json_t *, const char *);

#endif
