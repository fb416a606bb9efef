/*
 * make soak: a member's value read in place from a JSON text, with no
 * allocation. The soak checks every answer's user, project and audit id,
 * tens of thousands a second, on the same cores as the server it
 * measures; building each document as a tree took half of the load's CPU.
 * Strings are compared as they are written, escapes and all, which is
 * what the ids the soak compares are.
 */
#ifndef SIGNET_JSON_PEEK_H
#define SIGNET_JSON_PEEK_H

#include <string.h>

static const char *
jp_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

/* Past the string at p (at its opening quote); NULL if it never ends. */
static const char *
jp_string_end(const char *p)
{
	for (p++; *p != '"'; p++)
		if (*p == '\0' || (*p == '\\' && *++p == '\0'))
			return NULL;
	return p + 1;
}

/* Past the value at p; NULL if it never ends. */
static const char *
jp_skip(const char *p)
{
	int	 depth = 0;

	if (*p == '"')
		return jp_string_end(p);
	if (*p != '{' && *p != '[') {
		while (*p != '\0' && strchr(",}] \t\r\n", *p) == NULL)
			p++;
		return p;
	}
	while (*p != '\0') {
		if (*p == '"') {
			if ((p = jp_string_end(p)) == NULL)
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

/* The value of member KEY of the object at p; NULL if it has none. */
static const char *
jp_member(const char *p, const char *key)
{
	const char	*k, *e;
	size_t		 n = strlen(key);

	if (p == NULL || *(p = jp_ws(p)) != '{')
		return NULL;
	for (p = jp_ws(p + 1); *p == '"'; p = jp_ws(p + 1)) {
		k = p + 1;
		if ((e = jp_string_end(p)) == NULL || *(p = jp_ws(e)) != ':')
			return NULL;
		p = jp_ws(p + 1);
		if ((size_t)(e - 1 - k) == n && memcmp(k, key, n) == 0)
			return p;
		if ((p = jp_skip(p)) == NULL || *(p = jp_ws(p)) != ',')
			return NULL;
	}
	return NULL;
}

/* The first element of the array at p; NULL if none. */
static const char *
jp_first(const char *p)
{
	if (p == NULL || *p != '[' || *(p = jp_ws(p + 1)) == ']')
		return NULL;
	return p;
}

/* The string at p copied to out (size n); its length, or -1. */
static int
jp_string(const char *p, char *out, size_t n)
{
	const char	*e;
	size_t		 len;

	if (p == NULL || *p != '"' || (e = jp_string_end(p)) == NULL ||
	    (len = (size_t)(e - p - 2)) >= n)
		return -1;
	memcpy(out, p + 1, len);
	out[len] = '\0';
	return (int)len;
}

#endif
