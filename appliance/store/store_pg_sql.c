/*
 * signet-api and signet-manage: the store's statements, written in
 * SQLite's dialect, as PostgreSQL reads them: ?N and ? become $N, the
 * table user (a reserved word there) is quoted, SQLite's IS and IS NOT
 * between values become IS [NOT] DISTINCT FROM, INSERT OR IGNORE an
 * INSERT ... ON CONFLICT DO NOTHING, and a filter (?N IS NULL OR expr)
 * is turned around. Quoted text is copied as it is.
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

struct tr {
	struct sql_out	 o;
	const char	*sql;		/* the whole statement */
	int		 seq, nparams, ignore;
	uint64_t	 used;
};

static const char *
param(struct tr *t, const char *s)
{
	char	 b[16];
	int	 n = 0;

	s++;
	if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s) && n < 1000)
			n = n * 10 + (*s++ - '0');
	else
		n = ++t->seq;
	if (n > t->nparams)
		t->nparams = n;
	if (n <= 64)
		t->used |= (uint64_t)1 << (n - 1);
	snprintf(b, sizeof(b), "$%d", n);
	puts_(&t->o, b);
	return s;
}

/* The ")" closing the "(" before s, or NULL. */
static const char *
closing(const char *s)
{
	int	 depth = 1;
	char	 q;

	while (*s != '\0') {
		if (*s == '\'' || *s == '"') {
			for (q = *s++; *s != '\0' && *s != q; s++)
				;
			if (*s == '\0')
				return NULL;
		} else if (*s == '(')
			depth++;
		else if (*s == ')' && --depth == 0)
			return s;
		s++;
	}
	return NULL;
}

static void	tr_run(struct tr *, const char *, const char *);

/*
 * At "(": a filter "(?N IS NULL OR expr)" becomes "(expr OR $N IS
 * NULL)", the same condition, but the server then learns $N's type from
 * expr (from "$N IS NULL" it learns none).
 */
static const char *
filter(struct tr *t, const char *s)
{
	const char	*p = s + 1, *num, *end;

	if (*p++ != '?' || !isdigit((unsigned char)*p))
		return NULL;
	for (num = p - 1; isdigit((unsigned char)*p); p++)
		;
	if (strncmp(p, " IS NULL OR ", 12) != 0 ||
	    (end = closing(p + 12)) == NULL)
		return NULL;
	puts_(&t->o, "(");
	tr_run(t, p + 12, end);
	puts_(&t->o, " OR ");
	param(t, num);
	puts_(&t->o, " IS NULL)");
	return end + 1;
}

static const char *
word(struct tr *t, const char *s, size_t n)
{
	if (s > t->sql && (s[-1] == '.' || s[-1] == '$' ||
	    isalnum((unsigned char)s[-1])))
		put(&t->o, s, n);
	else if (word_is(s, n, "user"))
		puts_(&t->o, "\"user\"");
	else if (word_is(s, n, "IS"))
		return is_op(&t->o, s);
	else if (word_is(s, n, "INSERT") &&
	    strncmp(s, "INSERT OR IGNORE ", 17) == 0) {
		puts_(&t->o, "INSERT ");
		t->ignore = 1;
		return s + 17;
	} else
		put(&t->o, s, n);
	return s + n;
}

static void
tr_run(struct tr *t, const char *s, const char *end)
{
	const char	*f;
	size_t		 n;

	while (s < end && *s != '\0' && t->o.ok) {
		if (*s == '\'' || *s == '"')
			s = quoted(&t->o, s);
		else if (*s == '?')
			s = param(t, s);
		else if (*s == '(' && (f = filter(t, s)) != NULL)
			s = f;
		else if ((n = word_len(s)) == 0)
			put(&t->o, s++, 1);
		else
			s = word(t, s, n);
	}
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
	struct tr	 t = { { out, 0, sz, 1 }, sql, 0, 0, 0, 0 };

	if (sz > 0)
		*out = '\0';
	tr_run(&t, sql, sql + strlen(sql));
	if (t.ignore)
		puts_(&t.o, " ON CONFLICT DO NOTHING");
	*nparams = t.nparams;
	*used = t.used;
	return t.o.ok ? 0 : -1;
}
