/*
 * signet-manage import-keystone: each kind of row of keystone-export.py's
 * document, its members and how it is written. A row names only what
 * precedes it (in the store or earlier in the file) and is refused,
 * naming the member, when what it names is missing. The caller holds
 * the transaction.
 */
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "err.h"
#include "import.h"

#define END	{ NULL, FT_NAME, 0 }

static int
put_domain(struct imp *im, json_t *row)
{
	return imp_upsert(im, STORE_DOMAIN, row, NULL);
}

/* Keystone's parent of a top-level project is its domain: here none. */
static int
put_project(struct imp *im, json_t *row)
{
	const char	*dom = imp_str(row, "domain_id");
	const char	*parent = imp_str(row, "parent_id");
	json_t		*p;
	int		 r, same;

	if ((r = imp_exists(im, STORE_DOMAIN, "domain_id", dom, NULL)) != 0)
		return r;
	if (parent != NULL && strcmp(parent, dom) == 0)
		json_object_set_new(row, "parent_id", json_null());
	else if (parent != NULL) {
		if ((r = imp_exists(im, STORE_PROJECT, "parent_id", parent,
		    &p)) != 0)
			return r;
		same = json_equal(json_object_get(p, "domain_id"),
		    json_object_get(row, "domain_id"));
		json_decref(p);
		if (!same)
			return imp_fail(im, SIG_ERR_BAD_INPUT, "its parent %s "
			    "is in another domain", parent);
	}
	return imp_upsert(im, STORE_PROJECT, row, "domain_id");
}

static int
put_role(struct imp *im, json_t *row)
{
	const char	*dom = imp_str(row, "domain_id");
	int		 r;

	if (dom != NULL && (r = imp_exists(im, STORE_DOMAIN, "domain_id", dom,
	    NULL)) != 0)
		return r;
	return imp_upsert(im, STORE_ROLE, row, "domain_id");
}

/*
 * A hash replaces the one held only when the file has one (a user whose
 * hash the export left out keeps a password set here since). A new hash
 * ends the user's tokens, as a password change does in Keystone.
 */
static int
put_user(struct imp *im, json_t *row)
{
	struct store_user u;
	const char	*id = imp_str(row, "id"), *hash;
	int		 r, held, changed;

	hash = imp_str(row, "password_hash");
	if ((r = imp_exists(im, STORE_DOMAIN, "domain_id",
	    imp_str(row, "domain_id"), NULL)) != 0)
		return r;
	held = store_user_get(im->m->st, id, NULL, NULL, &u) == 0;
	changed = held && hash != NULL && (strlen(u.hash) != strlen(hash) ||
	    CRYPTO_memcmp(u.hash, hash, strlen(hash)) != 0);
	explicit_bzero(&u, sizeof(u));
	json_object_set_new(row, "password_set", json_boolean(hash != NULL ||
	    !held));
	r = imp_upsert(im, STORE_USER, row, "domain_id");
	json_object_del(row, "password_set");
	if (r == 0 && changed)
		r = store_revoke_user(im->m->st, id, im->keep);
	return r;
}

static int
put_group(struct imp *im, json_t *row)
{
	int	 r;

	if ((r = imp_exists(im, STORE_DOMAIN, "domain_id",
	    imp_str(row, "domain_id"), NULL)) != 0)
		return r;
	return imp_upsert(im, STORE_GROUP, row, "domain_id");
}

static int
put_membership(struct imp *im, json_t *row)
{
	const char	*g = imp_str(row, "group_id"), *u = imp_str(row,
			    "user_id");
	int		 r;

	if ((r = imp_exists(im, STORE_GROUP, "group_id", g, NULL)) != 0 ||
	    (r = imp_exists(im, STORE_USER, "user_id", u, NULL)) != 0 ||
	    (r = store_is_member(im->m->st, g, u)) != 0)
		return r < 0 ? r : 0;
	im->added++;
	return store_member(im->m->st, g, u, 1, im->keep);
}

static int
put_implied(struct imp *im, json_t *row)
{
	const char	*p = imp_str(row, "prior_role_id");
	const char	*i = imp_str(row, "implied_role_id");
	int		 r;

	if ((r = imp_exists(im, STORE_ROLE, "prior_role_id", p, NULL)) != 0 ||
	    (r = imp_exists(im, STORE_ROLE, "implied_role_id", i, NULL)) != 0 ||
	    (r = store_implies(im->m->st, p, i)) != 0)
		return r < 0 ? r : 0;
	im->added++;
	return store_implied(im->m->st, p, i, 1);
}

/* Exactly one of the members named, which must be a row of its kind. */
static int
one_of(struct imp *im, json_t *row, const char *const *keys,
    const enum store_kind *kinds, int n, int *which)
{
	int	 i, r;

	*which = -1;
	for (i = 0; i < n; i++) {
		if (imp_str(row, keys[i]) == NULL)
			continue;
		if (*which >= 0)
			return imp_fail(im, SIG_ERR_BAD_INPUT, "both %s and %s",
			    keys[*which], keys[i]);
		*which = i;
	}
	if (*which < 0)
		return imp_fail(im, SIG_ERR_BAD_INPUT, "none of %s, %s%s%s",
		    keys[0], keys[1], n > 2 ? ", " : "", n > 2 ? keys[2] : "");
	if ((int)kinds[*which] == STORE_KINDS)	/* the system */
		return 0;
	r = imp_exists(im, kinds[*which], keys[*which], imp_str(row,
	    keys[*which]), NULL);
	return r;
}

static int
put_assignment(struct imp *im, json_t *row)
{
	static const char *const actors[] = { "user_id", "group_id" };
	static const char *const targets[] = { "project_id", "domain_id",
	    "system" };
	static const enum store_kind akinds[] = { STORE_USER, STORE_GROUP };
	static const enum store_kind tkinds[] = { STORE_PROJECT, STORE_DOMAIN,
	    STORE_KINDS };
	const char	*role = imp_str(row, "role_id"), *actor, *target;
	int		 a, t, r;

	if ((r = imp_exists(im, STORE_ROLE, "role_id", role, NULL)) != 0 ||
	    (r = one_of(im, row, actors, akinds, 2, &a)) != 0 ||
	    (r = one_of(im, row, targets, tkinds, 3, &t)) != 0)
		return r;
	actor = imp_str(row, actors[a]);
	target = imp_str(row, targets[t]);
	if ((r = store_has_grant(im->m->st, role, (enum store_actor)a, actor,
	    (enum store_target)t, target)) != 0)
		return r < 0 ? r : 0;
	im->added++;
	return store_actor_grant(im->m->st, role, (enum store_actor)a, actor,
	    (enum store_target)t, target, 1);
}

static int
put_region(struct imp *im, json_t *row)
{
	const char	*parent = imp_str(row, "parent_region_id");
	int		 r;

	if (parent != NULL && (r = imp_exists(im, STORE_REGION,
	    "parent_region_id", parent, NULL)) != 0)
		return r;
	return imp_upsert(im, STORE_REGION, row, NULL);
}

/* A service without a name reads back as "", so it is written so. */
static int
put_service(struct imp *im, json_t *row)
{
	if (imp_str(row, "name") == NULL)
		json_object_set_new(row, "name", json_string(""));
	return imp_upsert(im, STORE_SERVICE, row, NULL);
}

static int
put_endpoint(struct imp *im, json_t *row)
{
	const char	*region = imp_str(row, "region_id");
	int		 r;

	if ((r = imp_exists(im, STORE_SERVICE, "service_id",
	    imp_str(row, "service_id"), NULL)) != 0 ||
	    (region != NULL && (r = imp_exists(im, STORE_REGION, "region_id",
	    region, NULL)) != 0))
		return r;
	return imp_upsert(im, STORE_ENDPOINT, row, NULL);
}

static int
put_appcred(struct imp *im, json_t *row)
{
	const char	*id = imp_str(row, "id"), *project;
	json_t		*role;
	size_t		 i;
	int		 r;

	project = imp_str(row, "project_id");
	if ((r = imp_exists(im, STORE_USER, "user_id", imp_str(row,
	    "user_id"), NULL)) != 0 || (project != NULL &&
	    (r = imp_exists(im, STORE_PROJECT, "project_id", project,
	    NULL)) != 0))
		return r;
	json_array_foreach(json_object_get(row, "roles"), i, role)
		if ((r = imp_exists(im, STORE_ROLE, "roles",
		    json_string_value(role), NULL)) != 0)
			return r;
	if ((r = imp_upsert(im, STORE_APP_CRED, row, "user_id")) != 0)
		return r;
	json_array_foreach(json_object_get(row, "roles"), i, role)
		if ((r = store_appcred_role_put(im->m->st, id,
		    json_string_value(role))) != 0)
			return r;
	return 0;
}

/* Kept as long as a token it ends could live, when Keystone said not. */
static int
put_revocation(struct imp *im, json_t *row)
{
	const char	*audit = imp_str(row, "audit_id");
	const char	*user = imp_str(row, "user_id");
	json_t		*exp = json_object_get(row, "expires_at");
	int64_t		 revoked = json_integer_value(json_object_get(row,
			    "revoked_at"));
	int		 r;

	if ((audit == NULL) == (user == NULL))
		return imp_fail(im, SIG_ERR_BAD_INPUT, "not one of audit_id "
		    "and user_id");
	r = store_revoke_put(im->m->st, audit, user,
	    json_integer_value(json_object_get(row, "issued_before")),
	    revoked, json_is_integer(exp) ? json_integer_value(exp) :
	    revoked + im->keep);
	if (r > 0)
		im->added++;
	return r < 0 ? r : 0;
}

static const struct ifield domain_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "description", FT_TEXT, F_NULL | F_OPT }, { "enabled", FT_BOOL, 0 },
	{ "options", FT_OPTIONS, F_OPT }, { "tags", FT_NAMES, F_OPT },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield project_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "domain_id", FT_NAME, 0 }, { "parent_id", FT_NAME, F_NULL | F_OPT },
	{ "description", FT_TEXT, F_NULL | F_OPT }, { "enabled", FT_BOOL, 0 },
	{ "options", FT_OPTIONS, F_OPT }, { "tags", FT_NAMES, F_OPT },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield role_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "domain_id", FT_NAME, F_NULL | F_OPT },
	{ "description", FT_TEXT, F_NULL | F_OPT },
	{ "options", FT_OPTIONS, F_OPT }, { "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield implied_f[] = {
	{ "prior_role_id", FT_NAME, 0 }, { "implied_role_id", FT_NAME, 0 },
	END,
};

static const struct ifield user_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "domain_id", FT_NAME, 0 }, { "enabled", FT_BOOL, 0 },
	{ "default_project_id", FT_NAME, F_NULL | F_OPT },
	{ "password_hash", FT_HASH, F_NULL },
	{ "options", FT_USER_OPTIONS, F_OPT }, { "extra", FT_OBJECT, F_OPT },
	END,
};

static const struct ifield group_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "domain_id", FT_NAME, 0 },
	{ "description", FT_TEXT, F_NULL | F_OPT },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield membership_f[] = {
	{ "group_id", FT_NAME, 0 }, { "user_id", FT_NAME, 0 }, END,
};

static const struct ifield assignment_f[] = {
	{ "role_id", FT_NAME, 0 }, { "user_id", FT_NAME, F_OPT },
	{ "group_id", FT_NAME, F_OPT }, { "project_id", FT_NAME, F_OPT },
	{ "domain_id", FT_NAME, F_OPT }, { "system", FT_SYSTEM, F_OPT }, END,
};

static const struct ifield region_f[] = {
	{ "id", FT_NAME, 0 }, { "description", FT_TEXT, F_NULL | F_OPT },
	{ "parent_region_id", FT_NAME, F_NULL | F_OPT },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield service_f[] = {
	{ "id", FT_NAME, 0 }, { "type", FT_NAME, 0 },
	{ "name", FT_NAME, F_NULL | F_OPT }, { "enabled", FT_BOOL, 0 },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield endpoint_f[] = {
	{ "id", FT_NAME, 0 }, { "interface", FT_IFACE, 0 },
	{ "service_id", FT_NAME, 0 }, { "region_id", FT_NAME, F_NULL | F_OPT },
	{ "url", FT_TEXT, 0 }, { "enabled", FT_BOOL, 0 },
	{ "extra", FT_OBJECT, F_OPT }, END,
};

static const struct ifield appcred_f[] = {
	{ "id", FT_NAME, 0 }, { "name", FT_NAME, 0 },
	{ "user_id", FT_NAME, 0 }, { "project_id", FT_NAME, F_NULL | F_OPT },
	{ "description", FT_TEXT, F_NULL | F_OPT },
	{ "secret_hash", FT_HASH, 0 }, { "expires_at", FT_TIME, F_NULL | F_OPT },
	{ "unrestricted", FT_BOOL, 0 }, { "roles", FT_NAMES, 0 }, END,
};

static const struct ifield revocation_f[] = {
	{ "audit_id", FT_NAME, F_NULL | F_OPT },
	{ "user_id", FT_NAME, F_NULL | F_OPT },
	{ "issued_before", FT_TIME, 0 }, { "revoked_at", FT_TIME, 0 },
	{ "expires_at", FT_TIME, F_NULL | F_OPT }, END,
};

const struct section import_sections[] = {
	{ "domains", "domain", domain_f, put_domain },
	{ "projects", "project", project_f, put_project },
	{ "roles", "role", role_f, put_role },
	{ "implied_roles", "implied role", implied_f, put_implied },
	{ "users", "user", user_f, put_user },
	{ "groups", "group", group_f, put_group },
	{ "memberships", "membership", membership_f, put_membership },
	{ "assignments", "assignment", assignment_f, put_assignment },
	{ "regions", "region", region_f, put_region },
	{ "services", "service", service_f, put_service },
	{ "endpoints", "endpoint", endpoint_f, put_endpoint },
	{ "application_credentials", "application credential", appcred_f,
	    put_appcred },
	{ "revocation_events", "revocation event", revocation_f,
	    put_revocation },
};

const size_t import_nsections =
    sizeof(import_sections) / sizeof(import_sections[0]);
