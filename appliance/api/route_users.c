/*
 * signet-api: /v3/users, /v3/users/{user_id}/groups and a user's own
 * password change (POST /v3/users/{user_id}/password), as
 * keystone/api/users.py and the identity manager: a user lives in a
 * domain (the caller's domain scope, else the default domain), its name
 * unique there and stripped of blanks; passwords are hashed as the store
 * hashes them (bcrypt), never stored or shown otherwise. As Keystone, a
 * new password (an administrator's or the user's own), a user disabled
 * and a user deleted end every token the user holds: a revocation event
 * in the same transaction, and the write empties signet-api's caches, so
 * the next request sees it.
 */
#include <stdio.h>
#include <string.h>

#include "auth_claims.h"
#include "err.h"
#include "resource.h"

#define USER_NAME_MAX	255	/* Keystone's _identity_name */

#define USER_FIELDS(req)						\
	{ "default_project_id", FT_STRING, FF_NULL | FF_ID, 1, 64 },	\
	{ "description", FT_STRING, FF_NULL, 0, 0 },			\
	{ "domain_id", FT_STRING, FF_ID, 1, 64 },			\
	{ "enabled", FT_BOOL, 0, 0, 0 },				\
	{ "federated", FT_ARRAY, 0, 0, 0 },				\
	{ "name", FT_STRING, FF_NAME | (req), 1, USER_NAME_MAX },	\
	{ "password", FT_STRING, FF_NULL, 0, 0 },			\
	{ "options", FT_OBJECT, FF_USER_OPTIONS, 0, 0 },		\
	{ NULL, 0, 0, 0, 0 }

static const struct field create_fields[] = { USER_FIELDS(FF_REQUIRED) };
static const struct field update_fields[] = { USER_FIELDS(0) };

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A password as signet can check it at login: 1..4096 bytes. */
static int
password_ok(struct res_call *rc, const char *field, const char *pw)
{
	if (*pw == '\0')
		return res_fail(rc, 400, "Invalid input for field '%s': is "
		    "too short", field);
	if (strlen(pw) > STORE_PASSWORD_MAX)
		return res_fail(rc, 400, "Invalid input for field '%s': is "
		    "too long", field);
	return 0;
}

/*
 * Outside the transaction: the password hashed (bcrypt takes its time),
 * then only its hash goes on, as password_set and password_hash (null:
 * no password); and what signet cannot honour is refused rather than
 * kept unenforced: an identity provider (signet has no federation),
 * multi-factor authentication.
 */
static int
before(struct res_call *rc, json_t *in)
{
	json_t		*pw = json_object_get(in, "password"), *fed, *opts;
	char		 hash[256];
	const char	*idp;

	fed = json_object_get(in, "federated");
	if (json_array_size(fed) > 0) {
		idp = str(json_array_get(fed, 0), "idp_id");
		return res_fail(rc, 400, "Could not find Identity Provider: "
		    "%s.", res_id_shown(idp != NULL ? idp : ""));
	}
	json_object_del(in, "federated");
	opts = json_object_get(in, "options");
	if (json_is_true(json_object_get(opts, "multi_factor_auth_enabled")) ||
	    json_array_size(json_object_get(opts,
	    "multi_factor_auth_rules")) > 0)
		return res_fail(rc, 400, "Invalid input for field 'options': "
		    "signet-api has no multi-factor authentication to "
		    "enforce.");
	if (pw == NULL)
		return 0;
	if (json_is_string(pw)) {
		if (password_ok(rc, "password", json_string_value(pw)) != 0)
			return -1;
		if (password_hash(json_string_value(pw),
		    strlen(json_string_value(pw)), hash, sizeof(hash)) != 0)
			return res_fail(rc, 500, "An unexpected error "
			    "prevented the server from fulfilling your "
			    "request.");
		json_object_set_new(in, "password_hash", json_string(hash));
	} else
		json_object_set_new(in, "password_hash", json_null());
	json_object_set_new(in, "password_set", json_true());
	json_object_del(in, "password");
	return 0;
}

static int
name_taken(struct res_call *rc, json_t *obj, int create)
{
	int	 r = res_name_taken(rc, STORE_USER, obj);

	if (r <= 0)
		return r;
	if (!create)
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store user - Duplicate entry found with name %s.",
		    str(obj, "name"));
	return res_fail(rc, 409, "Conflict occurred attempting to store user "
	    "- Duplicate entry found with name %s at domain ID %s.",
	    str(obj, "name"), str(obj, "domain_id"));
}

/* The domain exists (Keystone: 404); a default project is no domain. */
static int
refs_ok(struct res_call *rc, json_t *obj, int create)
{
	const char	*dp = str(obj, "default_project_id");
	json_t		*d;
	int		 r;

	if (create && (r = res_load(rc, STORE_DOMAIN, "domain",
	    str(obj, "domain_id"), &d)) != 0)
		return r;
	if (create)
		json_decref(d);
	if (dp == NULL)
		return 0;
	if ((r = store_row_json(ST_OF(rc), STORE_DOMAIN, dp,
	    (void **)&d)) == 0) {
		json_decref(d);
		return res_fail(rc, 400, "User's default project ID cannot be "
		    "a domain ID: %s", dp);
	}
	return r == SIG_ERR_KEY_NOT_FOUND ? 0 : res_store_fail(rc, r, "domain");
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	const char	*dom = res_caller_scope(rc, "domain");
	char		 id[STORE_ID_LEN + 1];
	int		 r;

	res_strip_name(obj);
	if (old == NULL) {
		if (str(obj, "domain_id") == NULL)
			json_object_set_new(obj, "domain_id", json_string(
			    dom != NULL ? dom : STORE_DEFAULT_DOMAIN));
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		res_set_default(obj, "enabled", json_true());
	} else if (!json_equal(json_object_get(old, "domain_id"),
	    json_object_get(obj, "domain_id")))
		return res_fail(rc, 400, "Cannot change Domain ID");
	res_options(rc, old, obj);
	if ((r = refs_ok(rc, obj, old == NULL)) != 0 ||
	    (r = name_taken(rc, obj, old == NULL)) != 0)
		return r;
	/* Keystone's: a new password (not a null one), or a disable */
	if (old != NULL && ((json_is_true(json_object_get(obj,
	    "password_set")) && str(obj, "password_hash") != NULL) ||
	    (json_is_true(json_object_get(old, "enabled")) &&
	    !json_is_true(json_object_get(obj, "enabled")))) &&
	    (r = store_revoke_user(ST_OF(rc), rc->id, res_token_span(rc))) != 0)
		return res_store_fail(rc, r, "user");
	return 0;
}

static int
remove_user(struct res_call *rc, json_t *old)
{
	int	 r = store_user_delete(ST_OF(rc), rc->id, res_token_span(rc));

	(void)old;
	return r != 0 ? res_store_fail(rc, r, "user") : 0;
}

/* The user and its domain; a list's, the caller's domain. */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	if (obj == NULL) {
		tg->domain_id = res_caller_scope(rc, "domain");
		return;
	}
	tg->domain_id = str(obj, "domain_id");
	tg->user_id = str(obj, "id");
}

/*
 * Keystone answers an update with the user's extra attributes twice, at
 * the top and as "extra" (its sql model's to_dict(include_extra_dict)).
 */
static void
shape(struct res_call *rc, json_t *obj)
{
	static const char *const own[] = { "id", "name", "domain_id",
	    "enabled", "default_project_id", "password_expires_at", "options",
	    "links" };
	json_t		*extra;
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (strcmp(rc->rq->method, "PATCH") != 0)
		return;
	extra = json_object();
	json_object_foreach(obj, k, v) {
		for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			if (strcmp(k, own[i]) == 0)
				break;
		if (i == sizeof(own) / sizeof(own[0]))
			json_object_set(extra, k, v);
	}
	json_object_set_new(obj, "extra", extra);
}

const struct collection coll_users = {
	.name = "users",
	.member = "user",
	.kind = STORE_USER,
	.act = { "identity:get_user", "identity:list_users",
	    "identity:create_user", "identity:update_user",
	    "identity:delete_user" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id",
	    [SF_ENABLED] = "enabled" },
	.target = target,
	.prepare = prepare,
	.remove = remove_user,
	.before = before,
	.shape = shape,
};

/* The user's groups: the user and its domain are the target. */
static void
user_target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	static __thread struct store_user u;

	(void)obj;
	tg->user_id = rc->parent;
	if (store_user_get(ST_OF(rc), rc->parent, NULL, NULL, &u) == 0)
		tg->domain_id = u.domain_id;
}

/* Keystone adds it to a group listed for its user. */
static void
membership(struct res_call *rc, json_t *obj)
{
	(void)rc;
	json_object_set_new(obj, "membership_expires_at", json_null());
}

const struct collection coll_user_groups = {
	.name = "groups",
	.member = "group",
	.kind = STORE_GROUP,
	.act = { NULL, "identity:list_groups_for_user" },
	.filters = { [SF_NAME] = "name" },
	.target = user_target,
	.shape = membership,
	.parent = PARENT_USER,
};

/* The body: exactly original_password and password, both strings. */
static int
change_body(struct res_call *rc, json_t **objp)
{
	static const char *const keys[] = { "original_password",
	    "password" };
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (res_body(rc, "user", NULL, 0, objp) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if ((v = json_object_get(*objp, keys[i])) == NULL)
			return res_fail(rc, 400, "'%s' is a required property",
			    keys[i]);
		else if (!json_is_string(v))
			return res_fail(rc, 400, "Invalid input for field "
			    "'%s': is not of type 'string'", keys[i]);
	json_object_foreach(*objp, k, v)
		if (strcmp(k, keys[0]) != 0 && strcmp(k, keys[1]) != 0)
			return res_fail(rc, 400, "Additional properties are "
			    "not allowed");
	return 0;
}

/*
 * POST /v3/users/{user_id}/password: no token needed (as Keystone: the
 * original password is the proof, and an expired one must be
 * changeable); the original password is checked as a login checks it
 * (the same 401, the same time, the lockout), and the new one ends every
 * token the user holds.
 */
void
rel_user_password(struct res_call *rc, const char *method, int how)
{
	struct store_user	 u;
	struct auth_req		 ar;
	json_t			*in = NULL;
	char			 hash[256];
	const char		*pw;
	int			 r;

	(void)how;
	if (strcmp(method, "POST") != 0) {
		res_method_not_allowed(rc);
		return;
	}
	if (change_body(rc, &in) != 0) {
		json_decref(in);
		return;
	}
	memset(&ar, 0, sizeof(ar));
	ar.user_id = rc->ids[0];
	ar.password = str(in, "original_password");
	pw = str(in, "password");
	r = strlen(ar.password) > STORE_PASSWORD_MAX ? SIG_ERR_AUTH :
	    auth_password_user(rc->a, &ar, &u);
	if (r == SIG_ERR_UNAVAILABLE)
		rc->ret = api_unavailable(rc->a, rc->c);
	else if (r != 0)
		rc->ret = api_auth_failed(rc->a, rc->c, &ar, "password change");
	else if (u.lock_password)
		res_fail(rc, 400, "You cannot change your password at this "
		    "time due to password policy disallowing password "
		    "changes. Please contact your administrator to reset your "
		    "password.");
	else if (password_ok(rc, "password", pw) != 0)
		;
	else if (password_hash(pw, strlen(pw), hash, sizeof(hash)) != 0)
		res_fail(rc, 500, "An unexpected error prevented the server "
		    "from fulfilling your request.");
	else if (res_begin(rc) == 0) {
		if ((r = store_user_password(ST_OF(rc), u.id, hash)) != 0 ||
		    (r = store_revoke_user(ST_OF(rc), u.id,
		    res_token_span(rc))) != 0)
			r = res_store_fail(rc, r, "user");
		if (res_commit(rc, r) == 0)
			res_no_content(rc);
	}
	explicit_bzero(hash, sizeof(hash));
	json_decref(in);
}
