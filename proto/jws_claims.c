/*
 * JWS claims. Writing follows keystone/token/providers/jws/core.py:
 * sub, iat, exp, openstack_methods, openstack_audit_ids, then the scope
 * (openstack_system "all", openstack_domain_id, openstack_project_id,
 * openstack_trust_id), nulls left out. Reading takes only what signet can
 * stand behind: every member known and of its type, one scope at most,
 * and none of the federation, OAuth1 or application credential claims
 * signet has no way to honour (such a token is not found, as a trust
 * token is).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
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

/* The claims JSON of a token issued at iat (malloc'ed), or NULL. */
char *
jws_claims_json(const Signet__V1__Claims *c, int64_t iat)
{
	json_t	*o = json_object();
	char	*text;

	if (o == NULL)
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
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	json_decref(o);
	if (text != NULL)
		lower_escapes(text);
	return text;
}

/* A list of non-empty strings, 1..JWS_CLAIMS_LIST_MAX of them. */
static int
read_list(json_t *a, const char **out, size_t *n)
{
	size_t	 i;
	json_t	*v;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > JWS_CLAIMS_LIST_MAX)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return -1;
		out[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	return 0;
}

static const char *
read_id(json_t *o, const char *key, int *n)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return "";
	(*n)++;
	return json_is_string(v) && json_string_length(v) > 0 &&
	    strlen(json_string_value(v)) == json_string_length(v) ?
	    json_string_value(v) : NULL;
}

static int
known_members(json_t *o)
{
	static const char *const keys[] = { "sub", "iat", "exp",
	    "openstack_methods", "openstack_audit_ids", "openstack_system",
	    "openstack_domain_id", "openstack_project_id",
	    "openstack_trust_id" };
	const char	*k;
	json_t		*v;
	size_t		 i;

	json_object_foreach(o, k, v) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return 0;
	}
	return 1;
}

static int
read_scope(json_t *o, Signet__V1__Claims *c)
{
	json_t	*sys = json_object_get(o, "openstack_system");
	int	 n = 0;

	c->domain_id = S(read_id(o, "openstack_domain_id", &n));
	c->project_id = S(read_id(o, "openstack_project_id", &n));
	c->trust_id = S(read_id(o, "openstack_trust_id", &n));
	if (c->domain_id == NULL || c->project_id == NULL ||
	    c->trust_id == NULL)
		return -1;
	if (sys != NULL && (!json_is_string(sys) ||
	    strcmp(json_string_value(sys), "all") != 0))
		return -1;
	n += sys != NULL;
	if (*c->trust_id != '\0') {	/* a trust names its project too */
		c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_TRUST;
		return n == 2 && *c->project_id != '\0' ? 0 : -1;
	}
	c->system = S(sys != NULL ? "all" : "");
	c->scope = sys != NULL ? SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM :
	    *c->domain_id != '\0' ? SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN :
	    *c->project_id != '\0' ? SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT :
	    SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED;
	return n <= 1 ? 0 : -1;
}

/* 0, or SIG_ERR_BAD_INPUT for claims signet does not take. */
int
jws_claims_read(const char *text, size_t len, struct jws_claims *jc)
{
	json_t		*o, *sub, *iat, *exp;
	Signet__V1__Claims *c = &jc->c;

	memset(jc, 0, sizeof(*jc));
	signet__v1__claims__init(c);
	if ((o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return SIG_ERR_BAD_INPUT;
	jc->doc = o;
	sub = json_object_get(o, "sub");
	iat = json_object_get(o, "iat");
	exp = json_object_get(o, "exp");
	if (!json_is_object(o) || !known_members(o) || !json_is_string(sub) ||
	    json_string_length(sub) == 0 ||
	    strlen(json_string_value(sub)) != json_string_length(sub) ||
	    !json_is_integer(iat) || !json_is_integer(exp) ||
	    read_list(json_object_get(o, "openstack_methods"), jc->methods,
	    &c->n_methods) != 0 ||
	    read_list(json_object_get(o, "openstack_audit_ids"),
	    jc->audit_ids, &c->n_audit_ids) != 0 || read_scope(o, c) != 0) {
		jws_claims_free(jc);
		return SIG_ERR_BAD_INPUT;
	}
	c->user_id = S(json_string_value(sub));
	c->methods = (char **)(uintptr_t)jc->methods;
	c->audit_ids = (char **)(uintptr_t)jc->audit_ids;
	c->expires_at = json_integer_value(exp);
	jc->issued_at = json_integer_value(iat);
	return 0;
}

void
jws_claims_free(struct jws_claims *jc)
{
	json_decref(jc->doc);
	memset(jc, 0, sizeof(*jc));
}
