/*
 * Used by signet-signerd, signet-api and libsignet-verify: the strict
 * reading of a v3 token document. Every member is known and has its one
 * shape (ids are non-empty strings, `system` is exactly {"all": true},
 * roles are {id, name} objects), and at most one scope is named, so no
 * reader can take a body for another scope than the signer judged it.
 */
#include <string.h>

#include "isotime.h"
#include "token_body.h"

#define TB_STR_MAX	255

static const char *const token_keys[] = { "methods", "user", "audit_ids",
    "expires_at", "issued_at", "project", "domain", "system", "roles",
    "catalog", "is_domain", "OS-TRUST:trust", "is_admin_project",
    "application_credential", "service_providers", "bind", NULL };
static const char *const user_keys[] = { "id", "name", "domain",
    "password_expires_at", "OS-FEDERATION", NULL };
static const char *const project_keys[] = { "id", "name", "domain", NULL };
static const char *const id_name_keys[] = { "id", "name", NULL };
static const char *const service_keys[] = { "endpoints", "id", "type",
    "name", NULL };
static const char *const endpoint_keys[] = { "id", "interface", "url",
    "region", "region_id", NULL };

/* A non-empty string of at most TB_STR_MAX bytes, or NULL. */
static const char *
str(json_t *v)
{
	const char	*s = json_string_value(v);

	return s != NULL && *s != '\0' && strlen(s) <= TB_STR_MAX ? s : NULL;
}

/* Whether o is an object all of whose members are named in keys. */
static int
only(json_t *o, const char *const *keys)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (!json_is_object(o))
		return 0;
	json_object_foreach(o, k, v) {
		for (i = 0; keys[i] != NULL && strcmp(k, keys[i]) != 0; i++)
			;
		if (keys[i] == NULL)
			return 0;
	}
	return 1;
}

/* {"id", "name"?}: absent members stay NULL; a present one must be good. */
static int
id_name(json_t *o, const char **id, const char **name)
{
	json_t	*n = json_object_get(o, "name");

	if (!only(o, id_name_keys) ||
	    (*id = str(json_object_get(o, "id"))) == NULL ||
	    (n != NULL && (*name = str(n)) == NULL))
		return -1;
	return 0;
}

/* {"id", "name"?, "domain"?: {"id", "name"?}} plus the extra keys. */
static int
owned(json_t *o, const char *const *keys, const char **id, const char **name,
    const char **did, const char **dname)
{
	json_t	*n = json_object_get(o, "name");
	json_t	*d = json_object_get(o, "domain");

	if (!only(o, keys) || (*id = str(json_object_get(o, "id"))) == NULL ||
	    (n != NULL && (*name = str(n)) == NULL) ||
	    (d != NULL && id_name(d, did, dname) != 0))
		return -1;
	return 0;
}

static const char *
user(json_t *t, struct token_body *b)
{
	json_t	*u = json_object_get(t, "user");
	json_t	*pe = json_object_get(u, "password_expires_at");
	json_t	*fed = json_object_get(u, "OS-FEDERATION");

	if (owned(u, user_keys, &b->user_id, &b->user_name,
	    &b->user_domain_id, &b->user_domain_name) != 0 ||
	    (pe != NULL && !json_is_null(pe) && !json_is_string(pe)) ||
	    (fed != NULL && !json_is_object(fed)))
		return "user";
	return NULL;
}

/* An array of 1..max strings into out. */
static int
strings(json_t *a, const char **out, size_t max, size_t *n)
{
	json_t	*e;
	size_t	 i;

	if (!json_is_array(a) || json_array_size(a) < 1 ||
	    json_array_size(a) > max)
		return -1;
	json_array_foreach(a, i, e)
		if ((out[i] = str(e)) == NULL)
			return -1;
	*n = json_array_size(a);
	return 0;
}

static const char *
times(json_t *t, struct token_body *b)
{
	const char	*ia = json_string_value(json_object_get(t, "issued_at"));
	const char	*ea = json_string_value(json_object_get(t, "expires_at"));

	if (ia == NULL || ea == NULL || isotime_parse(ia, &b->issued_at) != 0 ||
	    isotime_parse(ea, &b->expires_at) != 0)
		return "expires_at or issued_at";
	return NULL;
}

/* The scope members: at most one of project, domain and system. */
static const char *
scope(json_t *t, struct token_body *b)
{
	json_t	*p = json_object_get(t, "project");
	json_t	*d = json_object_get(t, "domain");
	json_t	*s = json_object_get(t, "system");
	json_t	*tr = json_object_get(t, "OS-TRUST:trust");
	json_t	*isd = json_object_get(t, "is_domain");

	if ((p != NULL) + (d != NULL) + (s != NULL) > 1)
		return "more than one scope";
	if (p != NULL && owned(p, project_keys, &b->project_id,
	    &b->project_name, &b->project_domain_id,
	    &b->project_domain_name) != 0)
		return "project";
	if (d != NULL && id_name(d, &b->domain_id, &b->domain_name) != 0)
		return "domain";
	if (s != NULL && (json_object_size(s) != 1 ||
	    !json_is_true(json_object_get(s, "all"))))
		return "system: not {\"all\": true}";
	if (isd != NULL && (!json_is_boolean(isd) || p == NULL))
		return "is_domain";
	if (tr != NULL && (p == NULL || !json_is_object(tr) ||
	    (b->trust_id = str(json_object_get(tr, "id"))) == NULL))
		return "OS-TRUST:trust";
	b->scope = tr != NULL ? TB_TRUST : p != NULL ? TB_PROJECT :
	    d != NULL ? TB_DOMAIN : s != NULL ? TB_SYSTEM : TB_UNSCOPED;
	return NULL;
}

/* Roles: [{id, name}], named only by a scoped token. */
static const char *
roles(json_t *t, struct token_body *b)
{
	json_t		*r = json_object_get(t, "roles"), *e;
	const char	*id;
	size_t		 i;

	if (r == NULL)
		return NULL;
	if (!json_is_array(r) || json_array_size(r) > TB_ROLES_MAX ||
	    (b->scope == TB_UNSCOPED && json_array_size(r) != 0))
		return "roles";
	json_array_foreach(r, i, e) {
		b->role_names[i] = NULL;
		if (id_name(e, &id, &b->role_names[i]) != 0 ||
		    b->role_names[i] == NULL)
			return "roles";
	}
	b->n_roles = json_array_size(r);
	return NULL;
}

static int
endpoint_ok(json_t *e)
{
	json_t	*r = json_object_get(e, "region");
	json_t	*ri = json_object_get(e, "region_id");

	return only(e, endpoint_keys) &&
	    str(json_object_get(e, "interface")) != NULL &&
	    str(json_object_get(e, "url")) != NULL &&
	    (json_object_get(e, "id") == NULL ||
	    str(json_object_get(e, "id")) != NULL) &&
	    (r == NULL || json_is_null(r) || str(r) != NULL) &&
	    (ri == NULL || json_is_null(ri) || str(ri) != NULL);
}

/* [{type, id?, name?, endpoints: [{interface, url, ...}]}]. */
static const char *
catalog(json_t *t)
{
	json_t	*c = json_object_get(t, "catalog"), *s, *e, *eps;
	size_t	 i, j;

	if (c == NULL)
		return NULL;
	if (!json_is_array(c))
		return "catalog";
	json_array_foreach(c, i, s) {
		eps = json_object_get(s, "endpoints");
		if (!only(s, service_keys) || !json_is_array(eps) ||
		    str(json_object_get(s, "type")) == NULL)
			return "catalog";
		json_array_foreach(eps, j, e)
			if (!endpoint_ok(e))
				return "catalog";
	}
	return NULL;
}

/* The sections signet does not read: each in the type Keystone gives it. */
static const char *
others(json_t *t)
{
	json_t	*v;

	if ((v = json_object_get(t, "is_admin_project")) != NULL &&
	    !json_is_boolean(v))
		return "is_admin_project";
	if ((v = json_object_get(t, "application_credential")) != NULL &&
	    !json_is_object(v))
		return "application_credential";
	if ((v = json_object_get(t, "service_providers")) != NULL &&
	    !json_is_array(v))
		return "service_providers";
	if ((v = json_object_get(t, "bind")) != NULL && !json_is_object(v))
		return "bind";
	return NULL;
}

/*
 * 0, or -1 with *why naming what is wrong (a static string). *b is
 * cleared first; its strings point into doc.
 */
int
token_body_read(json_t *doc, struct token_body *b, const char **why)
{
	json_t		*t = json_object_get(doc, "token");
	const char	*bad = NULL;

	memset(b, 0, sizeof(*b));
	if (json_object_size(doc) != 1 || !json_is_object(t))
		bad = "not a v3 {\"token\": {...}} document";
	else if (!only(t, token_keys))
		bad = "an unknown member";
	else if (strings(json_object_get(t, "methods"), b->methods,
	    TB_METHODS_MAX, &b->n_methods) != 0)
		bad = "methods";
	else if (strings(json_object_get(t, "audit_ids"), b->audit_ids,
	    TB_AUDIT_MAX, &b->n_audit_ids) != 0)
		bad = "audit_ids";
	else if ((bad = user(t, b)) == NULL && (bad = times(t, b)) == NULL &&
	    (bad = scope(t, b)) == NULL && (bad = roles(t, b)) == NULL &&
	    (bad = catalog(t)) == NULL)
		bad = others(t);
	*why = bad;
	return bad == NULL ? 0 : -1;
}
