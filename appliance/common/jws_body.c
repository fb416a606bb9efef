/*
 * A JWS token's claims document, strictly: what Keystone's JWS provider
 * writes and nothing else.
 */
#include <string.h>

#include "err.h"
#include "jws_body.h"

/* A non-empty string without a NUL, or NULL. */
static const char *
id_of(json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0 &&
	    strlen(json_string_value(v)) == json_string_length(v) ?
	    json_string_value(v) : NULL;
}

/* A list of 1..JWS_BODY_LIST_MAX ids. */
static int
read_list(json_t *a, const char **out, size_t *n)
{
	size_t	 i;
	json_t	*v;

	if (!json_is_array(a) || json_array_size(a) == 0 ||
	    json_array_size(a) > JWS_BODY_LIST_MAX)
		return -1;
	json_array_foreach(a, i, v)
		if ((out[i] = id_of(v)) == NULL)
			return -1;
	*n = json_array_size(a);
	return 0;
}

static int
known_members(json_t *o)
{
	static const char *const keys[] = { "sub", "iat", "exp",
	    "openstack_methods", "openstack_audit_ids", "openstack_system",
	    "openstack_domain_id", "openstack_project_id",
	    "openstack_trust_id", "openstack_group_ids", "openstack_idp_id",
	    "openstack_protocol_id", "openstack_access_token_id",
	    "openstack_app_cred_id" };
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

/* An id member: absent is fine (NULL), present must be an id. */
static int
opt_id(json_t *o, const char *key, const char **out, int *n)
{
	json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	(*n)++;
	return (*out = id_of(v)) != NULL ? 0 : -1;
}

/* At most one of project, domain and system; a trust with its project. */
static int
read_scope(json_t *o, struct jws_body *b)
{
	json_t	*sys = json_object_get(o, "openstack_system");
	int	 n = 0;

	if (opt_id(o, "openstack_domain_id", &b->domain_id, &n) != 0 ||
	    opt_id(o, "openstack_project_id", &b->project_id, &n) != 0 ||
	    opt_id(o, "openstack_trust_id", &b->trust_id, &n) != 0)
		return -1;
	if (sys != NULL && (!json_is_string(sys) ||
	    strcmp(json_string_value(sys), "all") != 0))
		return -1;
	b->system = sys != NULL;
	n += b->system;
	if (b->trust_id != NULL)
		return n == 2 && b->project_id != NULL ? 0 : -1;
	return n <= 1 ? 0 : -1;
}

/* Keystone writes a federated token's groups as its model holds them:
 * [{"id": ...}, ...], possibly empty. */
static int
read_groups(json_t *a, struct jws_body *b)
{
	size_t	 i;
	json_t	*v;

	if (a == NULL)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > JWS_BODY_GROUPS_MAX)
		return -1;
	json_array_foreach(a, i, v)
		if (!json_is_object(v) || json_object_size(v) != 1 ||
		    (b->group_ids[i] = id_of(json_object_get(v, "id"))) ==
		    NULL)
			return -1;
	b->n_group_ids = json_array_size(a);
	b->federated = 1;
	return 0;
}

/* The federation, OAuth1 and application credential claims: a
 * federated token names its groups, identity provider and protocol. */
static int
read_extended(json_t *o, struct jws_body *b)
{
	int	 n = 0;

	if (read_groups(json_object_get(o, "openstack_group_ids"), b) != 0 ||
	    opt_id(o, "openstack_idp_id", &b->idp_id, &n) != 0 ||
	    opt_id(o, "openstack_protocol_id", &b->protocol_id, &n) != 0 ||
	    opt_id(o, "openstack_access_token_id", &b->access_token_id,
	    &n) != 0 ||
	    opt_id(o, "openstack_app_cred_id", &b->app_cred_id, &n) != 0)
		return -1;
	if (b->federated != (b->idp_id != NULL) ||
	    b->federated != (b->protocol_id != NULL))
		return -1;
	return 0;
}

/* 0, or SIG_ERR_BAD_INPUT for claims signet does not take. */
int
jws_body_read(json_t *o, struct jws_body *b)
{
	json_t	*iat = json_object_get(o, "iat");
	json_t	*exp = json_object_get(o, "exp");

	memset(b, 0, sizeof(*b));
	if (!json_is_object(o) || !known_members(o) ||
	    (b->sub = id_of(json_object_get(o, "sub"))) == NULL ||
	    !json_is_integer(iat) || !json_is_integer(exp) ||
	    read_list(json_object_get(o, "openstack_methods"), b->methods,
	    &b->n_methods) != 0 ||
	    read_list(json_object_get(o, "openstack_audit_ids"), b->audit_ids,
	    &b->n_audit_ids) != 0 || read_scope(o, b) != 0 ||
	    read_extended(o, b) != 0)
		return SIG_ERR_BAD_INPUT;
	b->iat = json_integer_value(iat);
	b->exp = json_integer_value(exp);
	return 0;
}
