/*
 * Every process that takes names or ids from a peer: well-formed UTF-8,
 * and names an operator can read back (no control bytes).
 */
#include <string.h>

#include "utf8.h"

static int
cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * The length of the well-formed multi-byte UTF-8 sequence at p (2..4),
 * else 0. p is NUL-terminated: a NUL is never a continuation byte.
 */
size_t
utf8_seq(const unsigned char *p)
{
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return cont(p[1]) ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if (!cont(p[1]) || !cont(p[2]) ||
		    (p[0] == 0xe0 && p[1] < 0xa0) ||	/* overlong */
		    (p[0] == 0xed && p[1] > 0x9f))	/* surrogate */
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if (!cont(p[1]) || !cont(p[2]) || !cont(p[3]) ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))	/* past U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

/* 1..max bytes of well-formed UTF-8 without control bytes (C0, DEL). */
int
utf8_name_ok(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 k, n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = utf8_seq(p)) == 0)
			return 0;
		p += k;
	}
	return 1;
}
