/*
 * signet-api: what a token of an application credential is, as
 * Keystone's token model has it. It is made by the credential's secret
 * (checked against its hash in constant time; an unknown credential
 * costs the same bcrypt), for its user on its project, with the roles
 * it names that the user still holds there, and lives no longer than
 * the credential. On every validation the credential is read again: a
 * deleted one (or one of a deleted user) leaves its tokens nothing to
 * validate, and a role the user lost leaves them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth_claims.h"
#include "err.h"
#include "token_cache.h"

#define ST	api_store(a)	/* this thread's store connection */
#define S(p)	((char *)(uintptr_t)(p))

int
roles_hold(json_t *roles, const char *id)
{
	json_t	*r;
	size_t	 i;

	json_array_foreach(roles, i, r)
		if (strcmp(json_string_value(json_object_get(r, "id")) ?: "",
		    id) == 0)
			return 1;
	return 0;
}

/* The roles of credential ac its user holds on its project now. */
static int
appcred_roles(struct api *a, const struct store_appcred *ac, json_t *out)
{
	json_t	*named = json_array(), *held = json_array(), *r;
	size_t	 i;
	int	 rc;

	if ((rc = store_appcred_roles_json(ST, ac->id, named)) == 0 &&
	    (rc = scache_roles(ST, ac->user_id, "project", ac->project_id,
	    held)) == 0)
		json_array_foreach(named, i, r)
			if (roles_hold(held, json_string_value(
			    json_object_get(r, "id"))))
				json_array_append(out, r);
	json_decref(named);
	json_decref(held);
	return rc;
}

/*
 * The project scope of a token of credential c->app_cred_id into t and
 * roles: SIG_ERR_KEY_NOT_FOUND when the credential is gone or is not
 * the token's user's on the token's project.
 */
int
appcred_doc(struct api *a, const Signet__V1__Claims *c, json_t *t,
    json_t *roles)
{
	struct store_appcred	 ac;
	int			 r;

	if ((r = store_appcred_get(ST, c->app_cred_id, NULL, &ac)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? r : SIG_ERR_UNAVAILABLE;
	if (strcmp(ac.user_id, c->user_id) != 0 ||
	    strcmp(ac.project_id, c->project_id) != 0)
		return SIG_ERR_KEY_NOT_FOUND;
	json_object_set_new(t, "application_credential", json_pack(
	    "{s:s,s:s,s:b}", "id", ac.id, "name", ac.name, "restricted",
	    !ac.unrestricted));
	return appcred_roles(a, &ac, roles);
}

/* The credential ar names (by id, or by name among its user's). */
static int
appcred_find(struct api *a, const struct auth_req *ar,
    struct store_appcred *ac)
{
	struct store_user	 u;

	if (ar->ac_id != NULL)
		return store_appcred_get(ST, ar->ac_id, NULL, ac);
	if (store_user_get(ST, ar->user_id ? ar->user_id : ar->user_name,
	    ar->user_id ? NULL : ar->udom_id, ar->user_id ? NULL :
	    ar->udom_name, &u) != 0)
		return SIG_ERR_AUTH;
	return store_appcred_get(ST, ar->ac_name, u.id, ac);
}

/* The hash ar's secret is checked against: its credential's, or one no
 * secret matches. Into hash (size sz); for pw_pool.c. */
void
appcred_hash(struct api *a, const struct auth_req *ar, char *hash,
    size_t sz)
{
	struct store_appcred	 ac;

	snprintf(hash, sz, "%s", appcred_find(a, ar, &ac) == 0 ? ac.hash :
	    auth_no_user_hash);
	OPENSSL_cleanse(&ac, sizeof(ac));
}

/* Its user enabled, its project enabled and a role left there. */
static int
appcred_usable(struct api *a, const struct store_appcred *ac)
{
	struct store_user	 u;
	struct store_scope	 sc;
	json_t			*roles = json_array();
	int			 ok;

	ok = store_user_get(ST, ac->user_id, NULL, NULL, &u) == 0 &&
	    u.enabled && store_project_get(ST, ac->project_id, NULL, NULL,
	    &sc) == 0 && sc.enabled && appcred_roles(a, ac, roles) == 0 &&
	    json_array_size(roles) > 0;
	json_decref(roles);
	return ok;
}

/* The claims of a token of the credential ar names; SIG_ERR_AUTH (the
 * same 401 whatever was wrong) or 0. */
int
appcred_claims(struct api *a, const struct auth_req *ar,
    struct new_token *nt)
{
	struct store_appcred	*ac = &nt->ac;
	int64_t			 now = time(NULL), until;
	int			 found, ok;

	found = appcred_find(a, ar, ac) == 0;
	ok = auth_secret_ok(ar, ar->secret, found ? ac->hash :
	    auth_no_user_hash, found) && found;
	if (!ok || (ac->expires_at >= 0 && ac->expires_at / 1000000 <= now) ||
	    !appcred_usable(a, ac))
		return SIG_ERR_AUTH;
	until = now + a->cf->token_expiration;
	if (ac->expires_at >= 0 && ac->expires_at / 1000000 < until)
		until = ac->expires_at / 1000000;
	nt->c.user_id = ac->user_id;
	nt->methods[0] = S("application_credential");
	nt->c.methods = nt->methods;
	nt->c.n_methods = 1;
	nt->c.expires_at = until;
	nt->c.project_id = ac->project_id;
	nt->c.app_cred_id = ac->id;
	nt->c.scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
	return 0;
}
