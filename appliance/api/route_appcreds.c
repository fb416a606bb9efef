/*
 * signet-api: /v3/users/{user_id}/application_credentials, as
 * keystone/api/users.py and keystone/application_credential do it. A
 * user makes one with a token scoped to a project: it is for that
 * project, with the roles asked for (each one the token holds) or all of
 * the token's, and a secret (made here when none is given) that the
 * answer shows once and the store keeps only hashed. A credential made
 * restricted (the default) cannot make or delete credentials with its
 * tokens. Access rules are not kept, so a request with some is refused
 * rather than given a credential wider than asked.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "err.h"
#include "isotime.h"
#include "resource.h"
#include "utf8.h"

#define SECRET_BYTES	64	/* Keystone's _generate_secret */
#define SECRET_CHARS	88	/* their base64url, unpadded, and a NUL */

static const struct field create_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED | FF_NAME, 1, STORE_NAME_MAX },
	{ "description", FT_STRING, FF_NULL, 0, 0 },
	{ "secret", FT_STRING, FF_NULL, 0, 0 },
	{ "expires_at", FT_STRING, FF_NULL, 0, 0 },
	{ "roles", FT_ROLE_REFS, 0, 0, 0 },
	{ "unrestricted", FT_BOOL, 0, 0, 0 },
	{ "access_rules", FT_ARRAY, 0, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

/* What a new credential is made of, besides the request's body. */
struct new_cred {
	char		 id[STORE_ID_LEN + 1];
	char		 hash[256];
	json_t		*roles;		/* role ids */
	json_t		*expires;	/* microseconds, or null */
};

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Keystone's _check_unrestricted_application_credential. */
static int
restricted(struct res_call *rc)
{
	json_t	*ac = json_object_get(rc->caller, "application_credential");

	if (ac == NULL || !json_is_true(json_object_get(ac, "restricted")))
		return 0;
	return res_fail(rc, 403, "You are not authorized to perform the "
	    "requested action: Using method 'application_credential' is not "
	    "allowed for managing additional application credentials.");
}

static int
held(json_t *roles, const char *id)
{
	json_t	*r;
	size_t	 i;

	json_array_foreach(roles, i, r)
		if (strcmp(str(r, "id") ?: "", id) == 0)
			return 1;
	return 0;
}

/* One role asked for, by id or by name, into ids: the caller's token
 * must hold it (no credential gives more than the token it is made
 * with). */
static int
role_asked(struct res_call *rc, json_t *ref, json_t *ids)
{
	char		 found[STORE_ID_LEN + 1];
	const char	*id = str(ref, "id"), *name = str(ref, "name");
	int		 r;

	if (id == NULL) {
		if ((r = store_role_find(ST_OF(rc), name, found)) != 0)
			return r == SIG_ERR_KEY_NOT_FOUND ? res_fail(rc, 404,
			    "Could not find role: %s.", utf8_name_ok(name,
			    STORE_NAME_MAX) ? name : "(not shown)") :
			    res_store_fail(rc, r, "role");
		id = found;
	}
	if (!held(json_object_get(rc->caller, "roles"), id))
		return res_fail(rc, 400, "Invalid application credential: "
		    "Cannot create an application credential with unassigned "
		    "role");
	return json_array_append_new(ids, json_string(id));
}

static int
roles_of(struct res_call *rc, json_t *obj, struct new_cred *nc)
{
	json_t	*asked = json_object_get(obj, "roles"), *r;
	size_t	 i;

	if (json_array_size(asked) == 0)
		asked = json_object_get(rc->caller, "roles");
	json_array_foreach(asked, i, r)
		if (role_asked(rc, r, nc->roles) != 0)
			return -1;
	return 0;
}

/* Keystone's parse_expiration_date: a 'Z' added when missing, the
 * microseconds kept, a time already past refused. */
static int
expiry(struct res_call *rc, const char *s, struct new_cred *nc)
{
	char		 buf[64];
	const char	*d;
	int64_t		 t, us = 0, scale = 1000000;

	if (s == NULL || *s == '\0') {
		nc->expires = json_null();
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s%s", s, s[strlen(s) - 1] == 'Z' ?
	    "" : "Z");
	if (strlen(s) > 32 || isotime_parse(buf, &t) != 0)
		return res_fail(rc, 400, "Timestamp not in expected format. "
		    "The server could not comply with the request since it is "
		    "either malformed or otherwise incorrect. The client is "
		    "assumed to be in error.");
	if ((d = strchr(buf, '.')) != NULL)
		for (d++; *d >= '0' && *d <= '9'; d++)
			us += (*d - '0') * (scale /= 10);
	if (t <= time(NULL))
		return res_fail(rc, 400, "The 'expires_at' must not be before "
		    "now. The server could not comply with the request since "
		    "it is either malformed or otherwise incorrect. The client "
		    "is assumed to be in error.");
	nc->expires = json_integer(t * 1000000 + us);
	return 0;
}

/* The secret given, or a new one put in obj for the answer; hashed. */
static int
secret(struct res_call *rc, json_t *obj, struct new_cred *nc)
{
	json_t		*v = json_object_get(obj, "secret");
	uint8_t		 rnd[SECRET_BYTES];
	char		 made[SECRET_CHARS];
	int		 r;

	if (json_string_length(v) == 0) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return res_store_fail(rc, SIG_ERR_CRYPTO, "secret");
		b64url_encode(rnd, sizeof(rnd), B64URL_NOPAD, made,
		    sizeof(made));
		OPENSSL_cleanse(rnd, sizeof(rnd));
		json_object_set_new(obj, "secret", json_string(made));
		OPENSSL_cleanse(made, sizeof(made));
		v = json_object_get(obj, "secret");
	}
	r = password_hash(json_string_value(v), json_string_length(v),
	    nc->hash, sizeof(nc->hash));
	if (r == SIG_ERR_BAD_INPUT)
		return res_fail(rc, 400, "Invalid input for field 'secret'.");
	return r != 0 ? res_store_fail(rc, r, "secret") : 0;
}

/* Keystone's checks, before anything is written: 0 or a queued 4xx. */
static int
checked(struct res_call *rc, json_t *obj, struct new_cred *nc)
{
	if (restricted(rc) != 0)
		return -1;
	if (res_caller_scope(rc, "project") == NULL)
		return res_fail(rc, 403, "You are not authorized to perform "
		    "the requested action: %s.", rc->co->act[ACT_CREATE]);
	if (json_array_size(json_object_get(obj, "access_rules")) > 0)
		return res_fail(rc, 400, "Invalid input for field "
		    "'access_rules': access rules are not supported here");
	if (roles_of(rc, obj, nc) != 0 ||
	    expiry(rc, str(obj, "expires_at"), nc) != 0)
		return -1;
	return secret(rc, obj, nc);
}

/* The row as store_rows.c writes it: never the secret itself. */
static json_t *
row(struct res_call *rc, json_t *obj, struct new_cred *nc)
{
	json_t	*desc = json_object_get(obj, "description");

	return json_pack("{s:s,s:O,s:O,s:s,s:s,s:O,s:b,s:s}", "id", nc->id,
	    "name", json_object_get(obj, "name"), "description",
	    desc ? desc : json_null(), "user_id", rc->parent, "project_id",
	    res_caller_scope(rc, "project"), "expires_at", nc->expires,
	    "unrestricted", json_is_true(json_object_get(obj,
	    "unrestricted")), "secret_hash", nc->hash);
}

/* Within the transaction: the row, its roles, then the row read back. */
static int
write_locked(struct res_call *rc, json_t *obj, struct new_cred *nc,
    json_t **ansp)
{
	json_t	*id;
	size_t	 i;
	int	 r;

	r = store_row_put(ST_OF(rc), STORE_APP_CRED, *ansp, 1);
	if (r == SIG_ERR_EXISTS)
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store application_credential - Duplicate entry found "
		    "with name %s.", str(obj, "name"));
	json_array_foreach(nc->roles, i, id)
		if (r == 0)
			r = store_appcred_role_put(ST_OF(rc), nc->id,
			    json_string_value(id));
	if (r != 0)
		return res_store_fail(rc, r, "application_credential");
	return res_stored(rc, ansp);
}

static int
answer(struct res_call *rc, json_t *obj, json_t *ans)
{
	size_t	 i;

	json_object_set(ans, "secret", json_object_get(obj, "secret"));
	for (i = 0; i < 2; i++)
		json_object_del(ans, rc->co->list_hides[i]);
	rc->ret = api_json(rc->c, 201, json_pack("{s:o}", rc->co->member,
	    res_wrapped(rc, ans)), NULL);
	return 0;
}

/* POST: obj (taken) has passed the policy and the schema. */
static int
post(struct res_call *rc, json_t *obj)
{
	struct new_cred	 nc = { .roles = json_array() };
	json_t		*ans = NULL;
	int		 r;

	store_new_id(nc.id);
	if ((r = checked(rc, obj, &nc)) == 0 &&
	    (ans = row(rc, obj, &nc)) == NULL)
		r = res_store_fail(rc, SIG_ERR_NOMEM, "application_credential");
	if (r == 0 && (r = store_begin(ST_OF(rc))) != 0)
		r = res_store_fail(rc, r, "application_credential");
	else if (r == 0)
		r = res_commit(rc, write_locked(rc, obj, &nc, &ans));
	if (r == 0)
		answer(rc, obj, ans);
	else
		json_decref(ans);
	json_decref(nc.roles);
	json_decref(nc.expires);
	json_decref(obj);
	return r;
}

static int
remove_cred(struct res_call *rc, json_t *old)
{
	int	 r;

	(void)old;
	if (restricted(rc) != 0)
		return -1;
	if ((r = store_appcred_delete(ST_OF(rc), rc->id)) != 0)
		return res_store_fail(rc, r, "application_credential");
	return 0;
}

/* The owner is the credential's user, never the path's (Keystone's
 * _update_request_user_id_attribute); a list's, the path's. */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	tg->user_id = obj != NULL ? str(obj, "user_id") : rc->parent;
}

const struct collection coll_app_creds = {
	.name = "application_credentials",
	.member = "application_credential",
	.kind = STORE_APP_CRED,
	.act = { "identity:get_application_credential",
	    "identity:list_application_credentials",
	    "identity:create_application_credential", NULL,
	    "identity:delete_application_credential" },
	.create = create_fields,
	.filters = { [SF_NAME] = "name" },
	.target = target,
	.remove = remove_cred,
	.post = post,
	.what = "Application Credential",
	.list_hides = { "user_id", "system" },
	.parent = PARENT_USER,
};
