/*
 * signet-api: parses the body of POST /v3/auth/tokens (untrusted JSON):
 * exactly one method, password, token or application_credential; names
 * or ids within Keystone's lengths; one scope at most. Nothing here touches the store or the signer.
 */
#include <string.h>

#include "api.h"
#include "auth_request.h"

/* 0 absent, 1 a string of 1..max bytes without NUL, -1 anything else. */
static int
jstr(json_t *o, const char *k, size_t max, const char **out)
{
	json_t	*v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 1;
}

/* {"id"} or {"name", "domain": {"id"|"name"}} as Keystone's schema. */
static const char *
parse_named(json_t *o, const char **id, const char **name,
    const char **did, const char **dname)
{
	json_t	*d = json_object_get(o, "domain");

	if (!json_is_object(o) || jstr(o, "id", 255, id) < 0 ||
	    jstr(o, "name", 255, name) < 0)
		return "id or name";
	if (*id == NULL && *name == NULL)
		return "id or name";
	if (*id == NULL && (!json_is_object(d) || jstr(d, "id", 255, did) < 0 ||
	    jstr(d, "name", 255, dname) < 0 ||
	    (*did == NULL && *dname == NULL)))
		return "domain";
	return NULL;
}

static const char *
parse_scope(json_t *s, struct auth_req *ar)
{
	const char	*dummy;

	ar->scope_absent = s == NULL;
	if (s == NULL || (json_is_string(s) &&
	    strcmp(json_string_value(s), "unscoped") == 0))
		return (ar->scope = SC_UNSCOPED, NULL);
	if (!json_is_object(s) || json_object_size(s) != 1)
		return "scope";
	if (json_object_get(s, "project") != NULL) {
		ar->scope = SC_PROJECT;
		return parse_named(json_object_get(s, "project"), &ar->p_id,
		    &ar->p_name, &ar->pdom_id, &ar->pdom_name);
	}
	if (json_object_get(s, "domain") != NULL) {
		ar->scope = SC_DOMAIN;
		json_t *d = json_object_get(s, "domain");
		if (!json_is_object(d) || jstr(d, "id", 255, &ar->d_id) < 0 ||
		    jstr(d, "name", 255, &ar->d_name) < 0 ||
		    (ar->d_id == NULL && ar->d_name == NULL))
			return "scope.domain";
		return NULL;
	}
	if (json_is_true(json_object_get(json_object_get(s, "system"),
	    "all")) && jstr(s, "x", 1, &dummy) == 0)
		return (ar->scope = SC_SYSTEM, NULL);
	return "scope";
}

/* The token method: auth.identity.token.id, or else X-Auth-Token. */
static const char *
parse_token_method(json_t *id, const char *header, struct auth_req *ar)
{
	json_t	*t = json_object_get(id, "token");

	if (t != NULL && (!json_is_object(t) ||
	    jstr(t, "id", API_TOKEN_MAX, &ar->token) < 0))
		return "auth.identity.token.id";
	if (ar->token == NULL)
		ar->token = header;
	return ar->token == NULL ? "auth.identity.token.id" : NULL;
}

/* {"id" | "name", "user": {...}, "secret"}: Keystone's AppCredInfo. */
static const char *
parse_appcred(json_t *id, struct auth_req *ar)
{
	json_t	*ac = json_object_get(id, "application_credential");

	ar->appcred = 1;
	if (!json_is_object(ac) || jstr(ac, "id", 255, &ar->ac_id) < 0 ||
	    jstr(ac, "name", 255, &ar->ac_name) < 0 ||
	    (ar->ac_id == NULL && ar->ac_name == NULL))
		return "auth.identity.application_credential.id or name";
	if (jstr(ac, "secret", STORE_PASSWORD_MAX, &ar->secret) != 1)
		return "auth.identity.application_credential.secret";
	if (ar->ac_id == NULL && parse_named(json_object_get(ac, "user"),
	    &ar->user_id, &ar->user_name, &ar->udom_id, &ar->udom_name) != NULL)
		return "auth.identity.application_credential.user";
	return NULL;
}

static int
known_method(const char *m)
{
	return strcmp(m, "password") == 0 || strcmp(m, "token") == 0 ||
	    strcmp(m, "application_credential") == 0;
}

const char *
auth_request_parse(json_t *doc, const char *header, struct auth_req *ar)
{
	json_t		*auth = json_object_get(doc, "auth");
	json_t		*id = json_object_get(auth, "identity");
	json_t		*m = json_object_get(id, "methods");
	json_t		*user = json_object_get(json_object_get(id,
			    "password"), "user");
	const char	*method, *bad;

	memset(ar, 0, sizeof(*ar));
	if (!json_is_object(doc) || json_object_size(doc) != 1 ||
	    !json_is_object(auth) || !json_is_object(id))
		return "auth.identity";
	if (!json_is_array(m) || json_array_size(m) != 1 ||
	    (method = json_string_value(json_array_get(m, 0))) == NULL ||
	    !known_method(method))
		return "auth.identity.methods (one of password, token, "
		    "application_credential)";
	ar->scope_asked = json_object_get(auth, "scope") != NULL;
	if (strcmp(method, "application_credential") == 0)
		return parse_appcred(id, ar);
	if (strcmp(method, "token") == 0)
		bad = parse_token_method(id, header, ar);
	else if (!json_is_object(user) || jstr(user, "password",
	    STORE_PASSWORD_MAX, &ar->password) != 1)
		bad = "auth.identity.password.user.password";
	else if (parse_named(user, &ar->user_id, &ar->user_name, &ar->udom_id,
	    &ar->udom_name) != NULL)
		bad = "auth.identity.password.user";
	else
		bad = NULL;
	return bad != NULL ? bad : parse_scope(json_object_get(auth, "scope"),
	    ar);
}
