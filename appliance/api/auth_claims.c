/*
 * signet-api: the claims of the token a POST /v3/auth/tokens asks for:
 * the user a password or a parent token proves, then the scope asked
 * for, all from the store as it is now (an application credential's:
 * appcred_token.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth_claims.h"
#include "b64url.h"
#include "err.h"
#include "isotime.h"
#include "pw_pool.h"
#include "rand_batch.h"
#include "token_cache.h"

#define ST	api_store(a)	/* this thread's store connection */
#define S(p)	((char *)(uintptr_t)(p))

/* Fills the claims' scope, or SIG_ERR_AUTH (-> 401). */
static int
resolve_scope(struct api *a, const struct auth_req *ar,
    Signet__V1__Claims *c, char *pid, char *did)
{
	struct store_scope	 sc;
	json_t			*roles = json_array();
	int			 r = 0;

	if (ar->scope == SC_PROJECT) {
		if ((r = scache_project(ST, ar->p_id ? ar->p_id :
		    ar->p_name, ar->p_id ? NULL : ar->pdom_id, ar->p_id ?
		    NULL : ar->pdom_name, &sc)) == 0 && sc.enabled &&
		    (r = scache_roles(ST, c->user_id, "project", sc.id,
		    roles)) == 0) {
			strcpy(pid, sc.id);
			c->project_id = pid;
			c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
		}
	} else if (ar->scope == SC_DOMAIN) {
		if ((r = scache_domain(ST, ar->d_id, ar->d_name,
		    &sc)) == 0 && sc.enabled && (r = scache_roles(ST,
		    c->user_id, "domain", sc.id, roles)) == 0) {
			strcpy(did, sc.id);
			c->domain_id = did;
			c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN;
		}
	} else if (ar->scope == SC_SYSTEM) {
		c->system = S("all");
		c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM;
		r = scache_roles(ST, c->user_id, "system", "all", roles);
	}
	if (r == 0 && ar->scope != SC_UNSCOPED &&
	    (json_array_size(roles) == 0 || (ar->scope != SC_SYSTEM &&
	    !sc.enabled)))
		r = SIG_ERR_AUTH;
	json_decref(roles);
	/* a store that could not say is a 503, not a refused scope */
	return r == SIG_ERR_HSM_RETRY ? SIG_ERR_UNAVAILABLE : r;
}

/*
 * A bcrypt hash of a password nobody knows, at the cost of the real ones:
 * an unknown, disabled or locked-out user takes as long to refuse as a
 * wrong password, so timing tells neither existence nor lock state.
 */
const char auth_no_user_hash[] =
    "$2b$12$qqqqqqqqqqqqqqqqqqqqqe/OmC/HanrIBCpoAHshkCnocmuxK6kui";

/*
 * The hash a password of ar is checked against: its user's, or one
 * nobody's password matches. Into hash (size sz); for pw_pool.c.
 */
void
auth_password_hash(struct api *a, const struct auth_req *ar, char *hash,
    size_t sz)
{
	struct store_user	 u;
	int			 found;

	found = store_user_get(ST, ar->user_id ? ar->user_id : ar->user_name,
	    ar->user_id ? NULL : ar->udom_id, ar->user_id ? NULL :
	    ar->udom_name, &u) == 0 && u.enabled;
	snprintf(hash, sz, "%s", found ? u.hash : auth_no_user_hash);
	OPENSSL_cleanse(&u, sizeof(u));
}

/*
 * Whether secret (ar's password or application credential secret)
 * matches hash: the answer pw_pool.c got, when it checked against this
 * very hash (one changed meanwhile is checked again here). What was not
 * found (or is locked out since) fails without a second check: the time
 * was spent off-thread.
 */
int
auth_secret_ok(const struct auth_req *ar, const char *secret,
    const char *hash, int found)
{
	const struct pw_job	*pw = ar->pw;
	size_t			 n = strlen(hash);

	if (pw != NULL && pw->done) {
		if (!found)
			return 0;
		if (strlen(pw->hash) == n &&
		    CRYPTO_memcmp(pw->hash, hash, n) == 0)
			return pw->ok;
	}
	return password_check(secret, strlen(secret), hash) == 0;
}

/*
 * A password's user: the same 401 whatever was wrong, a locked-out user
 * included (its password is not even checked while the lock holds). A
 * store that cannot be read is SIG_ERR_UNAVAILABLE (503: the credentials
 * may be right); one that cannot count the attempt does not stop the
 * login. A user
 * with the option ignore_lockout_failure_attempts is never locked out
 * (nor counted), as Keystone has it. Also the check of a password
 * change's original password.
 */
int
auth_password_user(struct api *a, const struct auth_req *ar,
    struct store_user *u)
{
	int	 found, ok, r, n = a->cf->lockout_failure_attempts;
	int	 d = a->cf->lockout_duration;

	r = store_user_get(ST, ar->user_id ? ar->user_id : ar->user_name,
	    ar->user_id ? NULL : ar->udom_id, ar->user_id ? NULL :
	    ar->udom_name, u);
	if (r != 0 && r != SIG_ERR_KEY_NOT_FOUND)
		return SIG_ERR_UNAVAILABLE;
	found = r == 0 && u->enabled;
	if (found && u->ignore_lockout)
		n = 0;
	if (found && store_login_begin(ST, u->id, n, d) == 1)
		found = 0;
	ok = auth_secret_ok(ar, ar->password, found ? u->hash :
	    auth_no_user_hash, found) && found;
	if (found)
		(void)store_login_end(ST, u->id, ok, n, d);
	return ok ? 0 : SIG_ERR_AUTH;
}

/*
 * No scope asked for: the user's default project, as Keystone picks it
 * (enabled, in an enabled domain, and the user holds a role there), else
 * unscoped. *dar is ar, scoped when it is.
 */
static const struct auth_req *
default_scope(struct api *a, const struct auth_req *ar, const char *user,
    struct auth_req *dar, char *pid)
{
	struct store_user	 u;
	struct store_scope	 sc;
	json_t			*roles;

	if (ar->scope != SC_UNSCOPED || !ar->scope_absent ||
	    store_user_get(ST, user, NULL, NULL, &u) != 0 ||
	    *u.default_project_id == '\0' ||
	    store_project_get(ST, u.default_project_id, NULL, NULL, &sc) != 0 ||
	    !sc.enabled || (roles = json_array()) == NULL)
		return ar;
	if (scache_roles(ST, user, "project", sc.id, roles) == 0 &&
	    json_array_size(roles) > 0) {
		*dar = *ar;
		strcpy(pid, sc.id);
		dar->scope = SC_PROJECT;
		dar->p_id = pid;
		ar = dar;
	}
	json_decref(roles);
	return ar;
}

static int
new_audit_id(struct new_token *nt)
{
	uint8_t	 rnd[16];

	if (rand_batch(rnd, sizeof(rnd)) != 0)
		return -1;
	rnd[6] = (rnd[6] & 0x0f) | 0x40;	/* a uuid4, as Keystone's */
	rnd[8] = (rnd[8] & 0x3f) | 0x80;
	b64url_encode(rnd, sizeof(rnd), B64URL_NOPAD, nt->aid,
	    sizeof(nt->aid));
	nt->audit[0] = nt->aid;
	nt->c.audit_ids = nt->audit;
	nt->c.n_audit_ids = 1;
	return 0;
}

/* The parent's user, methods plus "token", expiry (never extended) and
 * audit chain. */
static void
inherit(struct new_token *nt, const char *user, char **methods, size_t nm,
    int64_t expires_at, char *last_audit)
{
	size_t	 i, n = 0;
	int	 has = 0;

	nt->c.user_id = S(user);
	for (i = 0; i < nm && n < CLAIMS_METHODS_MAX_API - 1; i++) {
		nt->methods[n++] = methods[i];
		has |= strcmp(methods[i], "token") == 0;
	}
	if (!has)
		nt->methods[n++] = S("token");
	nt->c.methods = nt->methods;
	nt->c.n_methods = n;
	nt->c.expires_at = expires_at;
	nt->audit[1] = last_audit;
	nt->c.n_audit_ids = 2;
}

/* A parent validated under this epoch: its document says it all. */
static int
inherit_doc(struct new_token *nt, json_t *doc)
{
	json_t		*t = json_object_get(doc, "token");
	json_t		*m = json_object_get(t, "methods");
	json_t		*au = json_object_get(t, "audit_ids");
	char		*methods[CLAIMS_METHODS_MAX_API];
	const char	*user = json_string_value(json_object_get(
			    json_object_get(t, "user"), "id"));
	int64_t		 exp;
	size_t		 i, nm = json_array_size(m), na = json_array_size(au);

	if (json_object_get(t, "application_credential") != NULL)
		return SIG_ERR_POLICY;	/* Keystone: a delegated token */
	if (user == NULL || nm > CLAIMS_METHODS_MAX_API || na < 1 ||
	    isotime_parse(json_string_value(json_object_get(t,
	    "expires_at")) ?: "", &exp) != 0 ||
	    json_string_value(json_array_get(au, na - 1)) == NULL)
		return SIG_ERR_KEY_NOT_FOUND;
	for (i = 0; i < nm; i++)
		if ((methods[i] = S(json_string_value(json_array_get(m,
		    i)))) == NULL)
			return SIG_ERR_KEY_NOT_FOUND;
	inherit(nt, user, methods, nm, exp,
	    S(json_string_value(json_array_get(au, na - 1))));
	return 0;
}

/*
 * The token method's parent: from the cache when validated under this
 * epoch, else opened and checked against the store (and then cached).
 * *pdoc and po keep what nt points to; the caller frees both.
 */
static int
from_parent(struct api *a, uint64_t ep, const char *tok,
    struct new_token *nt, struct opened *po, json_t **pdoc)
{
	Signet__V1__Claims	*p;
	char			 user[TC_USER_MAX + 1];
	int			 r;

	if ((*pdoc = tcache_get(tok, 0, ep, user)) != NULL)
		return inherit_doc(nt, *pdoc);
	if ((r = provider_open(a, tok, 0, po)) != 0)
		return r;
	p = po->c;
	if ((r = token_doc(a, p, po->issued_at, 0, pdoc)) != 0)
		return r;
	if (*p->app_cred_id != '\0')
		return SIG_ERR_POLICY;	/* Keystone: a delegated token */
	tcache_put(tok, 0, ep, *pdoc, NULL, p->user_id, p->expires_at);
	inherit(nt, p->user_id, p->methods, p->n_methods, p->expires_at,
	    p->audit_ids[p->n_audit_ids - 1]);
	return 0;
}

/*
 * The claims of the token ar asks for, into nt. 0; SIG_ERR_UNAVAILABLE
 * when nobody could tell (or no random audit id came); SIG_ERR_POLICY
 * for a re-scope of an application credential's token (403, as
 * Keystone); else the caller answers 401. *pdoc and po keep what nt
 * points to; the caller frees both, whatever the return.
 */
int
auth_claims(struct api *a, const struct auth_req *ar, struct new_token *nt,
    struct opened *po, json_t **pdoc)
{
	struct auth_req	 dar;
	char		 dpid[STORE_NAME_MAX + 1];
	int		 r;

	*pdoc = NULL;
	memset(nt, 0, sizeof(*nt));
	memset(po, 0, sizeof(*po));
	signet__v1__claims__init(&nt->c);
	if (new_audit_id(nt) != 0)
		return SIG_ERR_UNAVAILABLE;
	if (ar->appcred)
		return appcred_claims(a, ar, nt);
	if (ar->token != NULL)
		r = from_parent(a, tcache_now(), ar->token, nt, po, pdoc);
	else if ((r = auth_password_user(a, ar, &nt->u)) == 0) {
		nt->c.user_id = nt->u.id;
		nt->methods[0] = S("password");
		nt->c.methods = nt->methods;
		nt->c.n_methods = 1;
		nt->c.expires_at = time(NULL) + a->cf->token_expiration;
	}
	if (r == 0)
		ar = default_scope(a, ar, nt->c.user_id, &dar, dpid);
	if (r == 0)
		r = resolve_scope(a, ar, &nt->c, nt->pid, nt->did);
	/* the signer re-scopes only from a parent it can open */
	if (r == 0 && ar->token != NULL && a->prov->own_parent &&
	    provider_of(ar->token) != a->prov)
		r = SIG_ERR_AUTH;
	return r;
}
