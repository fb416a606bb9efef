/*
 * JWS claims. Writing follows keystone/token/providers/jws/core.py:
 * sub, iat, exp, openstack_methods, openstack_audit_ids, then the scope
 * (openstack_system "all", openstack_domain_id, openstack_project_id,
 * openstack_trust_id), then a federated token's openstack_group_ids (as
 * Keystone's token model holds them, [{"id": ...}]), openstack_idp_id and
 * openstack_protocol_id, then openstack_access_token_id and
 * openstack_app_cred_id; nulls left out. Reading is jws_body.c's: every
 * member known and of its type, one scope at most.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jws_body.h"
#include "jws_claims.h"

#define S(p)	((char *)(uintptr_t)(p))

static json_t *
str_list(char **v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void
set_id(json_t *o, const char *key, const char *v)
{
	if (v != NULL && *v != '\0')
		json_object_set_new(o, key, json_string(v));
}

static json_t *
group_list(char **v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_pack("{s:s}", "id", v[i]));
	return a;
}

/* Python writes \u escapes in lowercase hex; jansson in uppercase. */
static void
lower_escapes(char *s)
{
	int	 i;

	for (; *s != '\0'; s++) {
		if (*s != '\\')
			continue;
		if (*++s != 'u')
			continue;
		for (i = 1; i <= 4 && s[i] != '\0'; i++)
			s[i] = (char)tolower((unsigned char)s[i]);
		s += 4;
	}
}

/* Bytes of s when jansson would write it as it is (printable ASCII, no
 * quote, no backslash), else 0; so is NULL, which it would leave out. */
static size_t
plain_len(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			return 0;
	return p - (const unsigned char *)s;
}

/* The room the claims take written plainly, or 0 when one needs jansson. */
static size_t
plain_room(const Signet__V1__Claims *c)
{
	const char	*ids[] = { c->domain_id, c->project_id, c->trust_id };
	size_t		 i, n, room = 256;	/* names, integers, punctuation */

	/* federation, OAuth1, application credentials: rare, jansson's */
	if ((c->idp_id != NULL && *c->idp_id != '\0') ||
	    (c->access_token_id != NULL && *c->access_token_id != '\0') ||
	    (c->app_cred_id != NULL && *c->app_cred_id != '\0'))
		return 0;
	if ((n = plain_len(c->user_id)) == 0)
		return 0;
	room += n;
	for (i = 0; i < c->n_methods + c->n_audit_ids; i++) {
		n = plain_len(i < c->n_methods ? c->methods[i] :
		    c->audit_ids[i - c->n_methods]);
		if (n == 0)
			return 0;
		room += n + 3;
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ids[i] == NULL || *ids[i] == '\0')
			continue;
		if ((n = plain_len(ids[i])) == 0)
			return 0;
		room += n + 32;
	}
	return room;
}

static char *
put(char *p, const char *s)
{
	size_t	 n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static char *
put_list(char *p, const char *name, char **v, size_t n)
{
	size_t	 i;

	p = put(p, name);
	for (i = 0; i < n; i++) {
		p = put(p, i == 0 ? "[\"" : ",\"");
		p = put(p, v[i]);
		*p++ = '"';
	}
	return put(p, n == 0 ? "[]" : "]");
}

static char *
put_id(char *p, const char *name, const char *v)
{
	if (v == NULL || *v == '\0')
		return p;
	p = put(p, name);
	p = put(p, v);
	*p++ = '"';
	return p;
}

/*
 * The common case (every string printable ASCII) without building a
 * jansson document: byte for byte what json_dumps writes for it, in
 * about a tenth of the time. NULL: write it with jansson.
 */
static char *
claims_plain(const Signet__V1__Claims *c, int64_t iat)
{
	size_t	 room = plain_room(c);
	char	*text, *p;

	if (room == 0 || (text = malloc(room)) == NULL)
		return NULL;
	p = text + snprintf(text, room, "{\"sub\":\"%s\",\"iat\":%lld,"
	    "\"exp\":%lld", c->user_id, (long long)iat,
	    (long long)c->expires_at);
	p = put_list(p, ",\"openstack_methods\":", c->methods, c->n_methods);
	p = put_list(p, ",\"openstack_audit_ids\":", c->audit_ids,
	    c->n_audit_ids);
	if (c->scope == SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM)
		p = put(p, ",\"openstack_system\":\"all\"");
	p = put_id(p, ",\"openstack_domain_id\":\"", c->domain_id);
	p = put_id(p, ",\"openstack_project_id\":\"", c->project_id);
	p = put_id(p, ",\"openstack_trust_id\":\"", c->trust_id);
	*p++ = '}';
	*p = '\0';
	return text;
}

/* The claims JSON of a token issued at iat (malloc'ed), or NULL. */
char *
jws_claims_json(const Signet__V1__Claims *c, int64_t iat)
{
	json_t	*o;
	char	*text;

	if ((text = claims_plain(c, iat)) != NULL)
		return text;
	if ((o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "sub", json_string(c->user_id));
	json_object_set_new(o, "iat", json_integer(iat));
	json_object_set_new(o, "exp", json_integer(c->expires_at));
	json_object_set_new(o, "openstack_methods", str_list(c->methods,
	    c->n_methods));
	json_object_set_new(o, "openstack_audit_ids", str_list(c->audit_ids,
	    c->n_audit_ids));
	if (c->scope == SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM)
		json_object_set_new(o, "openstack_system", json_string("all"));
	set_id(o, "openstack_domain_id", c->domain_id);
	set_id(o, "openstack_project_id", c->project_id);
	set_id(o, "openstack_trust_id", c->trust_id);
	if (c->idp_id != NULL && *c->idp_id != '\0') {
		json_object_set_new(o, "openstack_group_ids",
		    group_list(c->group_ids, c->n_group_ids));
		set_id(o, "openstack_idp_id", c->idp_id);
		set_id(o, "openstack_protocol_id", c->protocol_id);
	}
	set_id(o, "openstack_access_token_id", c->access_token_id);
	set_id(o, "openstack_app_cred_id", c->app_cred_id);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	json_decref(o);
	if (text != NULL)
		lower_escapes(text);
	return text;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* 0, or SIG_ERR_BAD_INPUT for claims signet does not take. */
int
jws_claims_read(const char *text, size_t len, struct jws_claims *jc)
{
	Signet__V1__Claims	*c = &jc->c;
	struct jws_body		*b = &jc->b;

	memset(jc, 0, sizeof(*jc));
	signet__v1__claims__init(c);
	if ((jc->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL || jws_body_read(jc->doc, b) != 0) {
		jws_claims_free(jc);
		return SIG_ERR_BAD_INPUT;
	}
	c->user_id = S(b->sub);
	c->methods = (char **)(uintptr_t)b->methods;
	c->n_methods = b->n_methods;
	c->audit_ids = (char **)(uintptr_t)b->audit_ids;
	c->n_audit_ids = b->n_audit_ids;
	c->domain_id = S(or_empty(b->domain_id));
	c->project_id = S(or_empty(b->project_id));
	c->trust_id = S(or_empty(b->trust_id));
	c->system = S(b->system ? "all" : "");
	c->group_ids = (char **)(uintptr_t)b->group_ids;
	c->n_group_ids = b->n_group_ids;
	c->idp_id = S(or_empty(b->idp_id));
	c->protocol_id = S(or_empty(b->protocol_id));
	c->access_token_id = S(or_empty(b->access_token_id));
	c->app_cred_id = S(or_empty(b->app_cred_id));
	c->scope = b->trust_id ? SIGNET__V1__SCOPE_KIND__SCOPE_TRUST :
	    b->system ? SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM :
	    b->domain_id ? SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN :
	    b->project_id ? SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT :
	    SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED;
	c->expires_at = b->exp;
	jc->issued_at = b->iat;
	return 0;
}

void
jws_claims_free(struct jws_claims *jc)
{
	json_decref(jc->doc);
	memset(jc, 0, sizeof(*jc));
}
