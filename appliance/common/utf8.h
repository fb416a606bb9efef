/*
 * Every process that takes names or ids from a peer: well-formed UTF-8
 * (no overlong forms, surrogates or code points past U+10FFFF).
 */
#ifndef SIGNET_UTF8_H
#define SIGNET_UTF8_H

#include <stddef.h>

size_t	utf8_seq(const unsigned char *);
int	utf8_name_ok(const char *, size_t);

#endif
