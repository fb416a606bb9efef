/*
 * signet-api: POST, GET and HEAD /v3/auth/tokens. Authentication failures
 * all get the same 401 (no hint at which part was wrong); a subject token
 * that does not validate is 404, as keystonemiddleware expects.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "api.h"
#include "auth_request.h"

#define ST	api_store(a)	/* this thread's store connection */
#include "b64url.h"
#include "err.h"
#include "isotime.h"
#include "log.h"
#include "provider.h"
#include "token_cache.h"

#define CLAIMS_METHODS_MAX_API	8
#define S(p)		((char *)(uintptr_t)(p))


/* Fills the claims' scope, or SIG_ERR_AUTH (-> 401). */
static int
resolve_scope(struct api *a, const struct auth_req *ar,
    Signet__V1__Claims *c, char *pid, char *did)
{
	struct store_scope	 sc;
	json_t			*roles = json_array();
	int			 r = 0;

	if (ar->scope == SC_PROJECT) {
		if ((r = store_project_get(ST, ar->p_id ? ar->p_id :
		    ar->p_name, ar->p_id ? NULL : ar->pdom_id, ar->p_id ?
		    NULL : ar->pdom_name, &sc)) == 0 && sc.enabled &&
		    (r = scache_roles(ST, c->user_id, "project", sc.id,
		    roles)) == 0) {
			strcpy(pid, sc.id);
			c->project_id = pid;
			c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
		}
	} else if (ar->scope == SC_DOMAIN) {
		if ((r = store_domain_get(ST, ar->d_id, ar->d_name,
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
	return r;
}

/* No document for a new token: the user went (401), or it is ours (500). */
static enum MHD_Result
doc_failed(struct api *a, struct MHD_Connection *cn, int r)
{
	if (r == SIG_ERR_SYSTEM)
		return api_error(a, cn, 500, "An unexpected error prevented "
		    "the server from fulfilling your request.");
	return api_error(a, cn, 401, API_AUTH_FAILED);
}

/* A new token of the configured format, with its document. */
static enum MHD_Result
issue(struct api *a, struct MHD_Connection *cn, Signet__V1__Claims *c,
    const char *parent, int catalog)
{
	enum MHD_Result	 ret;
	json_t		*doc;
	char		*tok;
	int		 r;

	r = a->prov->issue(a, a->prov, c, parent, catalog, &doc, &tok);
	if (r == SIG_ERR_UNAVAILABLE)
		return api_unavailable(a, cn);
	if (r != 0)
		return doc_failed(a, cn, r);
	ret = api_json(cn, 201, doc, tok);
	free(tok);
	return ret;
}

/*
 * A bcrypt hash of a password nobody knows, at the cost of the real ones:
 * an unknown, disabled or locked-out user takes as long to refuse as a
 * wrong password, so timing tells neither existence nor lock state.
 */
static const char no_user_hash[] =
    "$2b$12$qqqqqqqqqqqqqqqqqqqqqe/OmC/HanrIBCpoAHshkCnocmuxK6kui";

/*
 * A password's user: the same 401 whatever was wrong, a locked-out user
 * included (its password is not even checked while the lock holds). A
 * store that cannot count the attempt does not stop the login.
 */
static int
password_user(struct api *a, const struct auth_req *ar,
    struct store_user *u)
{
	int	 found, ok, n = a->cf->lockout_failure_attempts;
	int	 d = a->cf->lockout_duration;

	found = store_user_get(ST, ar->user_id ? ar->user_id : ar->user_name,
	    ar->user_id ? NULL : ar->udom_id, ar->user_id ? NULL :
	    ar->udom_name, u) == 0 && u->enabled;
	if (found && store_login_begin(ST, u->id, n, d) == 1)
		found = 0;
	ok = password_check(ar->password, strlen(ar->password), found ?
	    u->hash : no_user_hash) == 0 && found;
	if (found)
		(void)store_login_end(ST, u->id, ok, n, d);
	return ok ? 0 : SIG_ERR_AUTH;
}

struct new_token {
	Signet__V1__Claims	 c;
	char			*methods[CLAIMS_METHODS_MAX_API];
	char			*audit[2];
	char			 aid[23];
	char			 pid[STORE_NAME_MAX + 1];
	char			 did[STORE_NAME_MAX + 1];
};

static void
new_audit_id(struct new_token *nt)
{
	uint8_t	 rnd[16];

	RAND_bytes(rnd, sizeof(rnd));
	rnd[6] = (rnd[6] & 0x0f) | 0x40;	/* a uuid4, as Keystone's */
	rnd[8] = (rnd[8] & 0x3f) | 0x80;
	b64url_encode(rnd, sizeof(rnd), B64URL_NOPAD, nt->aid,
	    sizeof(nt->aid));
	nt->audit[0] = nt->aid;
	nt->c.audit_ids = nt->audit;
	nt->c.n_audit_ids = 1;
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
	if (token_doc(a, p, po->issued_at, 0, pdoc) != 0)
		return SIG_ERR_KEY_NOT_FOUND;
	tcache_put(tok, 0, ep, *pdoc, p->user_id, p->expires_at);
	inherit(nt, p->user_id, p->methods, p->n_methods, p->expires_at,
	    p->audit_ids[p->n_audit_ids - 1]);
	return 0;
}

static enum MHD_Result
authenticate(struct api *a, struct MHD_Connection *cn, json_t *doc)
{
	struct auth_req		 ar;
	struct store_user	 u;
	struct new_token	 nt;
	struct opened		 po;
	enum MHD_Result		 ret;
	json_t			*pdoc = NULL;
	char			 msg[160];
	const char		*bad;
	int			 r;

	if ((bad = auth_request_parse(doc, MHD_lookup_connection_value(cn,
	    MHD_HEADER_KIND, "X-Auth-Token"), &ar)) != NULL) {
		snprintf(msg, sizeof(msg), "Invalid input for field '%s'.",
		    bad);
		return api_error(a, cn, 400, msg);
	}
	memset(&nt, 0, sizeof(nt));
	memset(&po, 0, sizeof(po));
	signet__v1__claims__init(&nt.c);
	new_audit_id(&nt);
	if (ar.token != NULL)
		r = from_parent(a, tcache_now(), ar.token, &nt, &po,
		    &pdoc);
	else if ((r = password_user(a, &ar, &u)) == 0) {
		nt.c.user_id = u.id;
		nt.methods[0] = S("password");
		nt.c.methods = nt.methods;
		nt.c.n_methods = 1;
		nt.c.expires_at = time(NULL) + a->cf->token_expiration;
	}
	if (r == 0)
		r = resolve_scope(a, &ar, &nt.c, nt.pid, nt.did);
	/* the signer re-scopes only from a parent it can open */
	if (r == 0 && ar.token != NULL && a->prov->own_parent &&
	    provider_of(ar.token) != a->prov)
		r = SIG_ERR_AUTH;
	if (r == SIG_ERR_UNAVAILABLE)
		ret = api_unavailable(a, cn);
	else if (r != 0) {
		ret = api_auth_failed(a, cn, &ar, ar.token != NULL ?
		    "the token method's token does not validate" :
		    "password");
	} else {
		api_request_user(nt.c.user_id);
		ret = issue(a, cn, &nt.c, ar.token,
		    !api_has_arg(cn, "nocatalog"));
	}
	json_decref(pdoc);
	opened_free(&po);
	return ret;
}

/* A cached subject: the caller may see it, then the document itself. */
static enum MHD_Result
validate_cached(struct api *a, struct MHD_Connection *cn, json_t *caller,
    json_t *doc, const char *user, const char *subj)
{
	enum MHD_Result	 ret;

	if (!api_may_act(caller, user, 1)) {
		json_decref(doc);
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action.");
	} else
		ret = api_json(cn, 200, doc, subj);
	json_decref(caller);
	return ret;
}

static enum MHD_Result
validate(struct api *a, struct MHD_Connection *cn, int revoke)
{
	const char	*subj = MHD_lookup_connection_value(cn,
			    MHD_HEADER_KIND, "X-Subject-Token");
	struct opened	 so;
	Signet__V1__Claims *sc;
	json_t		*caller = NULL, *doc = NULL;
	enum MHD_Result	 ret;
	uint64_t	 ep = tcache_now();
	int		 r, catalog = !api_has_arg(cn, "nocatalog");
	int		 expired_ok = !revoke &&
			    api_arg_true(cn, "allow_expired");
	char		 user[TC_USER_MAX + 1];

	memset(&so, 0, sizeof(so));
	if (api_caller_at(a, cn, ep, &caller, &ret) != 0)
		return ret;
	if (subj == NULL) {
		ret = api_error(a, cn, 404, "No token in the request");
		goto out;
	}
	if (revoke && !rl_allow(a->revokers, json_string_value(
	    json_object_get(json_object_get(json_object_get(caller, "token"),
	    "user"), "id")))) {
		ret = api_error(a, cn, 429, "Too many revocations; retry "
		    "later.");
		goto out;
	}
	if (!revoke && !expired_ok &&
	    (doc = tcache_get(subj, catalog, ep, user)) != NULL)
		return validate_cached(a, cn, caller, doc, user, subj);
	r = provider_open(a, subj, expired_ok, &so);
	sc = so.c;
	if (r == 0 && !api_may_act(caller, sc->user_id, !revoke))
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action.");
	else if (r == SIG_ERR_UNAVAILABLE)
		ret = api_unavailable(a, cn);
	else if (r != 0 || token_doc(a, sc, so.issued_at, catalog,
	    &doc) != 0)
		ret = api_error(a, cn, 404, "Failed to validate token");
	else if (revoke) {
		json_decref(doc);
		/* 204 only once the event is committed. */
		ret = store_revoke_audit(ST, sc->audit_ids[0],
		    sc->expires_at, a->cf->token_allow_expired_window) == 0 ?
		    api_json(cn, 204, NULL, NULL) : api_unavailable(a, cn);
	} else {
		if (!expired_ok)
			tcache_put(subj, catalog, ep, doc, sc->user_id,
			    sc->expires_at);
		ret = api_json(cn, 200, doc, subj);
	}
 out:
	json_decref(caller);
	opened_free(&so);
	return ret;
}

enum MHD_Result
route_tokens(struct api *a, struct MHD_Connection *cn, const char *method,
    struct api_req *rq)
{
	const char	*ct;
	json_error_t	 je;
	json_t		*doc;
	enum MHD_Result	 ret;

	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return validate(a, cn, 0);
	if (strcmp(method, "DELETE") == 0)
		return validate(a, cn, 1);
	if (strcmp(method, "POST") != 0)
		return api_error(a, cn, 405, "The method is not allowed.");
	if (rq->too_big)
		return api_error(a, cn, 413, "Request is too large.");
	ct = MHD_lookup_connection_value(cn, MHD_HEADER_KIND, "Content-Type");
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0)
		return api_error(a, cn, 400, "Expecting to find "
		    "application/json in Content-Type header.");
	if ((doc = json_loadb(rq->body ? rq->body : "", rq->len,
	    JSON_REJECT_DUPLICATES, &je)) == NULL)
		return api_error(a, cn, 400, "Expecting to find valid JSON "
		    "in request body.");
	ret = authenticate(a, cn, doc);
	json_decref(doc);
	return ret;
}
