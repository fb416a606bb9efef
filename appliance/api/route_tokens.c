/*
 * signet-api: POST, GET and HEAD /v3/auth/tokens. Authentication failures
 * all get the same 401 (no hint at which part was wrong); a subject token
 * that does not validate is 404, as keystonemiddleware expects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "answer_pool.h"
#include "api.h"
#include "auth_claims.h"
#include "err.h"
#include "isotime.h"
#include "provider.h"
#include "pw_pool.h"
#include "token_cache.h"

#define ST	api_store(a)	/* this thread's store connection */

/* No document for a new token: the user went (401), or it is ours (500). */
static enum MHD_Result
doc_failed(struct api *a, struct MHD_Connection *cn, int r)
{
	if (r == SIG_ERR_SYSTEM)
		return api_error(a, cn, 500, "An unexpected error prevented "
		    "the server from fulfilling your request.");
	return api_error(a, cn, 401, API_AUTH_FAILED);
}

/*
 * A new token's answer, kept as its first validation would keep it
 * (Keystone's cache_on_issue): a service validating a token just issued
 * here is then answered from the cache. Only a token validation would
 * answer for: of a kind it serves and not revoked already (an event for
 * its user in the second it was issued revokes it, as in Keystone).
 */
static void
cache_on_issue(struct api *a, Signet__V1__Claims *c, int catalog,
    json_t *doc, const char *text, const char *tok)
{
	const char	*iss;
	int64_t		 issued_at;

	if (!tcache_on())	/* nor its revocation check, a query then */
		return;
	iss = json_string_value(json_object_get(json_object_get(doc,
	    "token"), "issued_at"));
	if (iss == NULL || isotime_parse(iss, &issued_at) != 0 ||
	    !provider_claims_served(c) || scache_revoked(ST, c->audit_ids,
	    c->n_audit_ids, c->user_id, issued_at) != 0)
		return;
	tcache_put(tok, catalog, tcache_now(), catalog ? NULL : doc, text,
	    c->user_id, c->expires_at);
}

/* A new token of the configured format, with its document. */
static enum MHD_Result
issue(struct api *a, struct MHD_Connection *cn, Signet__V1__Claims *c,
    const char *parent, int catalog)
{
	const struct provider *p;
	enum MHD_Result	 ret;
	json_t		*doc;
	char		*tok, *text;
	int		 r;

	p = provider_issuing(a, c);
	r = p->issue(a, p, c, parent, catalog, &doc, &tok);
	if (r == SIG_ERR_UNAVAILABLE)
		return api_unavailable(a, cn);
	if (r != 0)
		return doc_failed(a, cn, r);
	text = token_doc_text(doc);
	if (text != NULL)
		cache_on_issue(a, c, catalog, doc, text, tok);
	ret = api_json_text(cn, 201, text, tok);
	json_decref(doc);
	free(tok);
	return ret;
}

/*
 * A password's (or an application credential secret's) check handed to
 * pw_pool.c: 1 when the connection is suspended until a worker has
 * checked it (this handler then runs again, rq->pw done); 0 to go on
 * here.
 */
static int
offloaded(struct api *a, struct MHD_Connection *cn, struct api_req *rq,
    json_t *doc)
{
	struct auth_req	 ar;
	char		 hash[256];
	const char	*secret;

	if (rq->pw != NULL || rq->pw_inline ||
	    auth_request_parse(doc, MHD_lookup_connection_value(cn,
	    MHD_HEADER_KIND, "X-Auth-Token"), &ar) != NULL || ar.token != NULL)
		return 0;
	if (ar.appcred && ar.secret != NULL && !ar.scope_asked) {
		secret = ar.secret;
		appcred_hash(a, &ar, hash, sizeof(hash));
	} else if (!ar.appcred && ar.password != NULL) {
		secret = ar.password;
		auth_password_hash(a, &ar, hash, sizeof(hash));
	} else
		return 0;
	rq->pw = pw_job_new(cn, secret, strlen(secret), hash);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rq->pw == NULL)
		return 0;
	/* suspended before a worker can resume it */
	MHD_suspend_connection(cn);
	if (pw_submit(rq->pw) == 0)
		return 1;
	pw_job_free(rq->pw);
	rq->pw = NULL;
	rq->pw_inline = 1;	/* when it runs again */
	MHD_resume_connection(cn);
	return 1;
}

/* Made by answer_pool.c's workers: a new token waits on the signer. */
static enum MHD_Result
authenticate(struct api *a, struct MHD_Connection *cn, struct api_req *rq,
    json_t *doc)
{
	struct auth_req		 ar;
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
	ar.pw = rq->pw;
	if (ar.appcred && ar.scope_asked)
		return api_error(a, cn, 401, "Error authenticating with "
		    "application credential: Application credentials cannot "
		    "request a scope.");
	r = auth_claims(a, &ar, &nt, &po, &pdoc);
	if (r == SIG_ERR_UNAVAILABLE)
		ret = api_unavailable(a, cn);
	else if (r == SIG_ERR_POLICY)
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action: Using a delegated token to "
		    "create another token is not allowed.");
	else if (r != 0) {
		ret = api_auth_failed(a, cn, &ar, ar.token != NULL ?
		    "the token method's token does not validate" :
		    ar.appcred ? "application credential" : "password");
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
    char *text, const char *user, const char *subj)
{
	enum MHD_Result	 ret;

	if (!api_may_act(caller, user, 1)) {
		free(text);
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action.");
	} else
		ret = api_json_text(cn, 200, text, subj);
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
	char		*text;
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
	    (text = tcache_get_text(subj, catalog, ep, user)) != NULL)
		return validate_cached(a, cn, caller, text, user, subj);
	r = provider_open(a, subj, expired_ok, &so);
	sc = so.c;
	if (r == 0 && !api_may_act(caller, sc->user_id, !revoke)) {
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action.");
		goto out;
	}
	if (r == 0)	/* the store may be unable to say: 503, not 404 */
		r = token_doc(a, sc, so.issued_at, catalog, &doc);
	if (r == SIG_ERR_UNAVAILABLE)
		ret = api_unavailable(a, cn);
	else if (r != 0)
		ret = api_error(a, cn, 404, "Failed to validate token");
	else if (revoke) {
		json_decref(doc);
		/* 204 only once the event is committed. */
		ret = store_revoke_audit(ST, sc->audit_ids[0],
		    sc->expires_at, a->cf->token_allow_expired_window) == 0 ?
		    api_json(cn, 204, NULL, NULL) : api_unavailable(a, cn);
	} else {
		text = token_doc_text(doc);
		/* the document too, if the token may come back as a caller */
		if (!expired_ok && text != NULL)
			tcache_put(subj, catalog, ep, catalog ? NULL : doc, text,
			    sc->user_id, sc->expires_at);
		json_decref(doc);
		ret = api_json_text(cn, 200, text, subj);
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
	if (offloaded(a, cn, rq, doc) ||
	    answer_offload(a, cn, rq, authenticate, doc)) {
		json_decref(doc);
		return MHD_YES;
	}
	ret = authenticate(a, cn, rq, doc);
	json_decref(doc);
	return ret;
}
