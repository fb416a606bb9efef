/*
 * signet-signerd: an audit record as one compact JSON line, built in a
 * caller's buffer. Written by hand rather than through a JSON tree: it
 * runs once per call on the signer's hot path, and a tree costs a dozen
 * allocations per record. Ids are the peer's bytes: quotes, backslashes
 * and control bytes are escaped, valid UTF-8 is kept and any other byte
 * becomes U+FFFD, so every line parses and no field is dropped.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "isotime.h"
#include "signer.h"
#include "utf8.h"

struct line {
	char	*p;
	size_t	 n, size;
	int	 over;
};

static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust" };

static void
put(struct line *l, const char *s, size_t n)
{
	if (l->over || n >= l->size - l->n) {
		l->over = 1;
		return;
	}
	memcpy(l->p + l->n, s, n);
	l->n += n;
}

static void
put_escaped(struct line *l, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 u[8];
	size_t			 k;

	while (*p != '\0') {
		if (*p >= 0x80) {
			if ((k = utf8_seq(p)) == 0) {
				put(l, "\\ufffd", 6);
				p++;
			} else {
				put(l, (const char *)p, k);
				p += k;
			}
			continue;
		}
		if (*p == '"' || *p == '\\') {
			u[0] = '\\';
			u[1] = (char)*p;
			put(l, u, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(u, sizeof(u), "\\u%04x", *p);
			put(l, u, 6);
		} else
			put(l, (const char *)p, 1);
		p++;
	}
}

/* ,"key":"value" */
static void
field(struct line *l, const char *key, const char *v)
{
	put(l, ",\"", 2);
	put(l, key, strlen(key));
	put(l, "\":\"", 3);
	put_escaped(l, v);
	put(l, "\"", 1);
}

static void
claims_fields(struct line *l, const struct claims *c)
{
	char	 t[ISOTIME_LEN + 1], id[23], n[32];

	field(l, "user_id", c->user_id);
	field(l, "scope", scope_names[c->scope]);
	if (c->project_id[0] != '\0')
		field(l, "project_id", c->project_id);
	if (c->domain_id[0] != '\0')
		field(l, "domain_id", c->domain_id);
	if (c->trust_id[0] != '\0')
		field(l, "trust_id", c->trust_id);
	if (c->idp_id[0] != '\0') {
		field(l, "idp_id", c->idp_id);
		field(l, "protocol_id", c->protocol_id);
		/* the count: 32 ids escaped would not fit a line */
		snprintf(n, sizeof(n), ",\"groups\":%zu", c->n_groups);
		put(l, n, strlen(n));
	}
	if (c->access_token_id[0] != '\0')
		field(l, "access_token_id", c->access_token_id);
	if (c->app_cred_id[0] != '\0')
		field(l, "app_cred_id", c->app_cred_id);
	if (c->n_audit > 0) {
		claims_audit_format(c->audit[0], id);
		field(l, "audit_id", id);
	}
	isotime_format(c->expires_at, t);
	field(l, "expires_at", t);
}

/* A receipt's user and expiry; the key a credential call used. */
static void
more_fields(struct line *l, const struct audit_more *m)
{
	char	 t[ISOTIME_LEN + 1], n[32];

	if (m->user_id != NULL) {
		field(l, "user_id", m->user_id);
		isotime_format(m->expires_at, t);
		field(l, "expires_at", t);
	}
	if (m->key >= 0) {
		snprintf(n, sizeof(n), ",\"key\":%d", m->key);
		put(l, n, strlen(n));
	}
}

/* The record and its newline in buf; SIG_ERR_NOMEM if it does not fit. */
int
audit_line(const struct audit_rec *rec, time_t now, char *buf, size_t size,
    size_t *len)
{
	return audit_line_more(rec, NULL, now, buf, size, len);
}

int
audit_line_more(const struct audit_rec *rec, const struct audit_more *more,
    time_t now, char *buf, size_t size, size_t *len)
{
	struct line	 l = { buf, 0, size, 0 };
	char		 t[ISOTIME_LEN + 1], uid[32];

	*len = 0;
	isotime_format(now, t);
	put(&l, "{\"time\":\"", 9);
	put(&l, t, strlen(t));
	put(&l, "\"", 1);
	snprintf(uid, sizeof(uid), ",\"peer_uid\":%lu",
	    (unsigned long)rec->peer);
	put(&l, uid, strlen(uid));
	field(&l, "op", rec->op);
	if (rec->request_id != NULL)
		field(&l, "request_id", rec->request_id);
	if (rec->c != NULL)
		claims_fields(&l, rec->c);
	if (more != NULL)
		more_fields(&l, more);
	field(&l, "result", rec->result);
	put(&l, "}\n", 2);
	if (l.over)
		return SIG_ERR_NOMEM;
	*len = l.n;
	return 0;
}
