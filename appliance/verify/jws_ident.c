/*
 * libsignet-verify: the identity in a verified JWS token's claims, read
 * as strictly as signet-api reads them: Keystone's members only, one
 * scope, no trust (the identity has no place for one, and without it the
 * token would pass for a plain project token). A JWS token names ids
 * only: no names and no roles, which need online validation.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "verify.h"

#define JWS_LIST_MAX	16

static int
known_members(json_t *o)
{
	static const char *const keys[] = { "sub", "iat", "exp",
	    "openstack_methods", "openstack_audit_ids", "openstack_system",
	    "openstack_domain_id", "openstack_project_id" };
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

/* A non-empty string without a NUL, or NULL. */
static const char *
id_of(json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0 &&
	    strlen(json_string_value(v)) == json_string_length(v) ?
	    json_string_value(v) : NULL;
}

/* A non-empty list of ids; into out when out is not NULL. */
static int
read_list(json_t *a, const char **out, size_t *n)
{
	json_t	*v;
	size_t	 i;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > JWS_LIST_MAX)
		return -1;
	json_array_foreach(a, i, v) {
		if (id_of(v) == NULL)
			return -1;
		if (out != NULL)
			out[i] = id_of(v);
	}
	*n = json_array_size(a);
	return 0;
}

/* At most one of project, domain and system ("all"). */
static int
read_scope(json_t *o, struct signet_identity *p)
{
	json_t	*pr = json_object_get(o, "openstack_project_id");
	json_t	*dm = json_object_get(o, "openstack_domain_id");
	json_t	*sys = json_object_get(o, "openstack_system");

	if ((pr != NULL) + (dm != NULL) + (sys != NULL) > 1 ||
	    (pr != NULL && (p->project_id = id_of(pr)) == NULL) ||
	    (dm != NULL && (p->domain_id = id_of(dm)) == NULL) ||
	    (sys != NULL && (!json_is_string(sys) ||
	    strcmp(json_string_value(sys), "all") != 0)))
		return -1;
	p->system = sys != NULL;
	return 0;
}

static int
fill(json_t *o, struct signet_identity *p)
{
	json_t	*iat = json_object_get(o, "iat");
	json_t	*exp = json_object_get(o, "exp");
	size_t	 n;

	if (!json_is_object(o) || !known_members(o) ||
	    (p->user_id = id_of(json_object_get(o, "sub"))) == NULL ||
	    !json_is_integer(iat) || !json_is_integer(exp) ||
	    read_list(json_object_get(o, "openstack_methods"), NULL,
	    &n) != 0 || read_scope(o, p) != 0 ||
	    (p->roles = calloc(1, sizeof(char *))) == NULL ||
	    (p->audit_ids = calloc(JWS_LIST_MAX, sizeof(char *))) == NULL ||
	    read_list(json_object_get(o, "openstack_audit_ids"), p->audit_ids,
	    &p->n_audit_ids) != 0)
		return -1;
	p->issued_at = json_integer_value(iat);
	p->expires_at = json_integer_value(exp);
	return 0;
}

/* Takes text (the verified claims); NULL-free on failure too. */
int
sv_ident_jws(char *text, struct sv_ident **idp)
{
	struct sv_ident	*id;

	*idp = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL) {
		free(text);
		return -1;
	}
	atomic_init(&id->refs, 1);
	id->text = text;
	id->pub.kind = "jws";
	id->pub.json = text;
	id->doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (id->doc == NULL || fill(id->doc, &id->pub) != 0) {
		sv_ident_put(id);
		return -1;
	}
	*idp = id;
	return 0;
}
