/*
 * json_text: a jansson tree as compact JSON (free, as json_dumps's; NULL
 * when out of memory). What it does not write itself, a real number or a
 * tree deeper than JT_DEPTH, it leaves to json_dumps. Keys come in
 * insertion order, as json_dumps writes them since jansson 2.8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"

#define JT_DEPTH	64

struct jt {
	char		*p;
	size_t		 len, cap;
	int		 bad;
	const json_t	*node;		/* written as text, already rendered */
	const char	*text;
};

/*
 * Grows through jansson's allocator, as json_dumps does: a process that
 * wipes what jansson frees (signet-api) has the outgrown buffers wiped.
 */
static void
put(struct jt *b, const char *s, size_t n)
{
	json_malloc_t	 jmalloc;
	json_free_t	 jfree;
	char		*np;
	size_t		 cap;

	if (b->bad)
		return;
	if (n > b->cap - b->len) {
		for (cap = b->cap ? b->cap : 512; n > cap - b->len; cap *= 2)
			;
		json_get_alloc_funcs(&jmalloc, &jfree);
		if ((np = jmalloc(cap)) == NULL) {
			b->bad = 1;
			return;
		}
		if (b->p != NULL)
			memcpy(np, b->p, b->len);
		jfree(b->p);
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* As jansson escapes without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH. */
static void
string(struct jt *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char	*run = s, *end = s + n;
	char		 esc[6] = { '\\', 'u', '0', '0' };
	unsigned char	 c;

	put(b, "\"", 1);
	for (; s < end; s++) {
		c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': put(b, "\\\"", 2); break;
		case '\\': put(b, "\\\\", 2); break;
		case '\b': put(b, "\\b", 2); break;
		case '\f': put(b, "\\f", 2); break;
		case '\n': put(b, "\\n", 2); break;
		case '\r': put(b, "\\r", 2); break;
		case '\t': put(b, "\\t", 2); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			put(b, esc, 6);
		}
	}
	put(b, run, (size_t)(end - run));
	put(b, "\"", 1);
}

static void
value(struct jt *b, const json_t *v, int depth)
{
	const char	*k;
	json_t		*m;
	size_t		 i, kn;
	char		 num[32];
	int		 first = 1, n;

	if (depth > JT_DEPTH) {
		b->bad = 1;
		return;
	}
	if (v == b->node) {
		put(b, b->text, strlen(b->text));
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put(b, "{", 1);
		json_object_keylen_foreach((json_t *)(uintptr_t)v, k, kn, m) {
			if (!first)
				put(b, ",", 1);
			first = 0;
			string(b, k, kn);
			put(b, ":", 1);
			value(b, m, depth + 1);
		}
		put(b, "}", 1);
		break;
	case JSON_ARRAY:
		put(b, "[", 1);
		json_array_foreach(v, i, m) {
			if (i > 0)
				put(b, ",", 1);
			value(b, m, depth + 1);
		}
		put(b, "]", 1);
		break;
	case JSON_STRING:
		string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		put(b, num, (size_t)n);
		break;
	case JSON_TRUE:
		put(b, "true", 4);
		break;
	case JSON_FALSE:
		put(b, "false", 5);
		break;
	case JSON_NULL:
		put(b, "null", 4);
		break;
	default:		/* a real: json_dumps's own formatting */
		b->bad = 1;
	}
}

/* json_text, but node (wherever it is in v; NULL: none) written as text,
 * its rendering made once beforehand (a catalog every token carries). */
char *
json_text_as(const json_t *v, const json_t *node, const char *text)
{
	struct jt	 b = { NULL, 0, 0, 0, text ? node : NULL, text };
	json_free_t	 jfree;

	if (v == NULL)
		return NULL;
	value(&b, v, 0);
	put(&b, "", 1);
	if (b.bad) {
		json_get_alloc_funcs(NULL, &jfree);
		jfree(b.p);
		/* node rendered again, to the same text */
		return json_dumps(v, JSON_COMPACT);
	}
	return b.p;
}

char *
json_text(const json_t *v)
{
	return json_text_as(v, NULL, NULL);
}
