/*
 * signet-api and signet-manage: the store's statements, written in
 * SQLite's dialect, as PostgreSQL reads them: ?N and ? become $N, the
 * table user (a reserved word there) is quoted, SQLite's IS and IS NOT
 * between values become IS [NOT] DISTINCT FROM, and INSERT OR IGNORE an
 * INSERT ... ON CONFLICT DO NOTHING. Quoted text is copied as it is.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

struct sql_out {
	char	*p;
	size_t	 n, sz;
	int	 ok;
};

static void
put(struct sql_out *o, const char *s, size_t n)
{
	if (o->n + n >= o->sz) {
		o->ok = 0;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
	o->p[o->n] = '\0';
}

static void
puts_(struct sql_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static size_t
word_len(const char *s)
{
	size_t	 n = 0;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static int
word_is(const char *s, size_t n, const char *w)
{
	return n == strlen(w) && strncmp(s, w, n) == 0;
}

/* The word after s's spaces, and its length; s moves past the spaces. */
static size_t
next_word(const char **s)
{
	while (**s == ' ')
		(*s)++;
	return word_len(*s);
}

/* At "IS": SQLite's null-safe comparison unless IS [NOT] NULL. */
static const char *
is_op(struct sql_out *o, const char *s)
{
	const char	*t = s + 2, *u;
	size_t		 n = next_word(&t);

	if (word_is(t, n, "NULL")) {
		puts_(o, "IS");
		return s + 2;
	}
	if (word_is(t, n, "NOT")) {
		u = t + 3;
		n = next_word(&u);
		if (word_is(u, n, "NULL")) {
			puts_(o, "IS");
			return s + 2;
		}
		puts_(o, "IS DISTINCT FROM");
		return t + 3;
	}
	puts_(o, "IS NOT DISTINCT FROM");
	return s + 2;
}

static const char *
quoted(struct sql_out *o, const char *s)
{
	const char	*e = s + 1;

	while (*e != '\0' && (*e != *s || e[1] == *s))
		e += *e == *s ? 2 : 1;
	if (*e != '\0')
		e++;
	put(o, s, (size_t)(e - s));
	return e;
}

static const char *
param(struct sql_out *o, const char *s, int *seq, int *max,
    uint64_t *used)
{
	char	 b[16];
	int	 n = 0;

	s++;
	if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s) && n < 1000)
			n = n * 10 + (*s++ - '0');
	else
		n = ++*seq;
	if (n > *max)
		*max = n;
	if (n <= 64)
		*used |= (uint64_t)1 << (n - 1);
	snprintf(b, sizeof(b), "$%d", n);
	puts_(o, b);
	return s;
}

/*
 * out gets sql in PostgreSQL's dialect; *nparams the highest parameter,
 * *used a bit for each of the first 64 the text names. -1 if out is too
 * small.
 */
int
store_pg_sql(const char *sql, char *out, size_t sz, int *nparams,
    uint64_t *used)
{
	struct sql_out	 o = { out, 0, sz, 1 };
	const char	*s = sql;
	size_t		 n;
	int		 seq = 0, ignore = 0;

	*nparams = 0;
	*used = 0;
	if (sz > 0)
		*out = '\0';
	while (*s != '\0' && o.ok) {
		if (*s == '\'' || *s == '"')
			s = quoted(&o, s);
		else if (*s == '?')
			s = param(&o, s, &seq, nparams, used);
		else if ((n = word_len(s)) == 0)
			put(&o, s++, 1);
		else if (s > sql && (s[-1] == '.' || isalnum((unsigned char)
		    s[-1]) || s[-1] == '$')) {
			put(&o, s, n);
			s += n;
		} else if (word_is(s, n, "user")) {
			puts_(&o, "\"user\"");
			s += n;
		} else if (word_is(s, n, "IS"))
			s = is_op(&o, s);
		else if (word_is(s, n, "INSERT") &&
		    strncmp(s, "INSERT OR IGNORE ", 17) == 0) {
			puts_(&o, "INSERT ");
			s += 17;
			ignore = 1;
		} else {
			put(&o, s, n);
			s += n;
		}
	}
	if (ignore)
		puts_(&o, " ON CONFLICT DO NOTHING");
	return o.ok ? 0 : -1;
}
