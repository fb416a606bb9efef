/*
 * signet-api: who is calling. The X-Auth-Token of a request, opened (or
 * found in the validation cache) into its token document; what that
 * caller may do to another user's token; the operator's side of a 401.
 */
#include <string.h>

#include "api.h"
#include "auth_request.h"
#include "err.h"
#include "log.h"
#include "provider.h"
#include "token_cache.h"

/*
 * The operator's side of a 401: who tried (the id or name the request
 * gave, never the password or a token) and from where. The logger
 * escapes control bytes, so a name cannot forge a line.
 */
static void
auth_log(const struct auth_req *ar, const char *how)
{
	const char	*dom = NULL, *q = "";

	if (ar == NULL || (ar->user_id == NULL && ar->user_name == NULL)) {
		log_warn("%s: authentication failed (%s) from %s",
		    api_request_id(), how, api_request_peer());
		return;
	}
	if (ar->user_id == NULL && (dom = ar->udom_id != NULL ? ar->udom_id :
	    ar->udom_name) != NULL)
		q = "'";
	log_warn("%s: authentication failed for user %s '%s'%s%s%s from %s",
	    api_request_id(), ar->user_id != NULL ? "id" : "name",
	    ar->user_id != NULL ? ar->user_id : ar->user_name,
	    dom != NULL ? " in domain '" : "", dom != NULL ? dom : "", q,
	    api_request_peer());
}


/* The same 401 whatever was wrong; only the log says what. */
enum MHD_Result
api_auth_failed(struct api *a, struct MHD_Connection *cn,
    const struct auth_req *ar, const char *how)
{
	auth_log(ar, how);
	return api_error(a, cn, 401, API_AUTH_FAILED);
}

/* admin or service (validation only) on the caller's scope, or self. */
int
api_may_act(json_t *caller, const char *subject_user, int service_ok)
{
	json_t		*t = json_object_get(caller, "token"), *role;
	const char	*uid = json_string_value(json_object_get(
			    json_object_get(t, "user"), "id"));
	size_t		 i;

	if (uid != NULL && strcmp(uid, subject_user) == 0)
		return 1;
	json_array_foreach(json_object_get(t, "roles"), i, role) {
		const char *n = json_string_value(json_object_get(role,
		    "name"));

		if (n != NULL && (strcmp(n, "admin") == 0 ||
		    (service_ok && strcmp(n, "service") == 0)))
			return 1;
	}
	return 0;
}

/* The caller's token document under epoch ep, cached or made. */
int
api_caller_at(struct api *a, struct MHD_Connection *cn, uint64_t ep,
    json_t **docp, enum MHD_Result *ret)
{
	const char	*tok = MHD_lookup_connection_value(cn, MHD_HEADER_KIND,
			    "X-Auth-Token");
	char		 user[TC_USER_MAX + 1];
	struct opened	 co;
	int		 r;

	if (tok != NULL && (*docp = tcache_get(tok, 0, ep, user)) != NULL) {
		api_request_user(user);
		return 0;
	}
	r = provider_open(a, tok, 0, &co);
	if (r == 0)
		r = token_doc(a, co.c, co.issued_at, 0, docp);
	if (r == 0) {
		tcache_put(tok, 0, ep, *docp, NULL, co.c->user_id,
		    co.c->expires_at);
		api_request_user(co.c->user_id);
	}
	opened_free(&co);
	if (r == SIG_ERR_UNAVAILABLE)
		*ret = api_unavailable(a, cn);
	else if (r != 0)
		*ret = api_auth_failed(a, cn, NULL, tok == NULL ?
		    "no X-Auth-Token" : "the X-Auth-Token does not validate");
	return r;
}

/* The caller's X-Auth-Token as a token document, or the answer to send. */
int
api_caller(struct api *a, struct MHD_Connection *cn, json_t **docp,
    enum MHD_Result *ret)
{
	*docp = NULL;
	return api_caller_at(a, cn, tcache_now(), docp, ret);
}
