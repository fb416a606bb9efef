/*
 * signet-api: GET /v3/auth/projects, /v3/auth/domains and
 * /v3/auth/catalog for the X-Auth-Token's user, and the public
 * certificates PKI verifiers download (v2.0 and OS-SIMPLE-CERT paths),
 * which the signer hands out through PublicMaterial.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define ST	api_store(a)	/* this thread's store connection */
#include "err.h"
#include "isotime.h"
#include "token_cache.h"

static json_t *
links(struct api *a, struct MHD_Connection *c, const char *url)
{
	char	 base[512], self[1024];

	api_base_url(a, c, base, sizeof(base));
	snprintf(self, sizeof(self), "%s%s", base, url);
	return json_pack("{s:s,s:n,s:n}", "self", self, "previous", "next");
}

/* The catalog of the caller's token, its URLs formatted for its scope. */
static enum MHD_Result
auth_catalog(struct api *a, struct MHD_Connection *c, const char *url,
    json_t *t, const char *uid)
{
	const char	*pid = json_string_value(json_object_get(
			    json_object_get(t, "project"), "id"));
	json_t		*cat = token_catalog(a, pid != NULL ? pid : "", uid);

	if (cat == NULL)
		return api_error(a, c, 503, "The identity store is "
		    "unavailable.");
	return api_json(c, 200, json_pack("{s:o,s:o}", "catalog", cat,
	    "links", links(a, c, url)), NULL);
}

enum MHD_Result
route_auth(struct api *a, struct MHD_Connection *c, const char *url,
    const char *method)
{
	json_t		*caller, *arr = json_array(), *t;
	const char	*uid;
	enum MHD_Result	 ret;
	int		 r;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		json_decref(arr);
		return api_error(a, c, 405, "The method is not allowed.");
	}
	if (api_caller(a, c, &caller, &ret) != 0) {
		json_decref(arr);
		return ret;
	}
	t = json_object_get(caller, "token");
	uid = json_string_value(json_object_get(json_object_get(t, "user"),
	    "id"));
	if (strcmp(url, "/v3/auth/catalog") == 0 &&
	    json_object_get(t, "project") == NULL &&
	    json_object_get(t, "domain") == NULL &&
	    json_object_get(t, "system") == NULL) {
		/* as Keystone: an unscoped token has no catalog */
		r = 1;
		ret = api_error(a, c, 403, "A project-scoped token is required "
		    "to produce a service catalog.");
	} else if (strcmp(url, "/v3/auth/catalog") == 0) {
		r = 1;
		ret = auth_catalog(a, c, url, t, uid);
	} else {
		int proj = strcmp(url, "/v3/auth/projects") == 0;

		r = proj ? store_user_projects_json(ST, uid, arr) :
		    store_user_domains_json(ST, uid, arr);
		ret = r != 0 ? api_error(a, c, 503, "The identity store is "
		    "unavailable.") : api_json(c, 200, json_pack("{s:o,s:o}",
		    proj ? "projects" : "domains", arr, "links",
		    links(a, c, url)), NULL);
	}
	if (r != 0)
		json_decref(arr);
	json_decref(caller);
	return ret;
}

enum MHD_Result
route_certs(struct api *a, struct MHD_Connection *c, int ca)
{
	Signet__V1__Response	*resp = NULL;
	struct MHD_Response	*r;
	const char		*pem;

	if (sigc_public_material(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		return api_error(a, c, 503, "The token service is "
		    "temporarily unavailable.");
	}
	pem = ca ? resp->public_material->ca_cert_pem :
	    resp->public_material->signing_cert_pem;
	if (*pem == '\0') {
		sigc_response_free(resp);
		return api_error(a, c, 404, "No certificate is provisioned.");
	}
	r = MHD_create_response_from_buffer(strlen(pem), (void *)(uintptr_t)pem,
	    MHD_RESPMEM_MUST_COPY);
	sigc_response_free(resp);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/x-pem-file");
	return api_queue(c, 200, r);
}

static int
may_see_revocations(json_t *caller)
{
	json_t	*role;
	size_t	 i;

	json_array_foreach(json_object_get(json_object_get(caller, "token"),
	    "roles"), i, role) {
		const char *n = json_string_value(json_object_get(role,
		    "name"));

		if (n != NULL && (strcmp(n, "admin") == 0 ||
		    strcmp(n, "service") == 0))
			return 1;
	}
	return 0;
}

/*
 * The last signed list, reused for LIST_REUSE_S seconds while the store's
 * epoch holds (no revocation since): a list of 10^5 entries is megabytes
 * to sign, and every verifying service polls it.
 */
#define LIST_REUSE_S	2

static pthread_mutex_t	 list_mu = PTHREAD_MUTEX_INITIALIZER;
static char		*list_pem;
static uint64_t		 list_epoch;
static int64_t		 list_at;

static json_t *
list_reused(void)
{
	json_t	*doc = NULL;

	pthread_mutex_lock(&list_mu);
	if (list_pem != NULL && list_epoch == tcache_now() &&
	    time(NULL) - list_at < LIST_REUSE_S)
		doc = json_pack("{s:s}", "signed", list_pem);
	pthread_mutex_unlock(&list_mu);
	return doc;
}

static void
list_keep(const char *pem, uint64_t ep, int64_t at)
{
	char	*copy = strdup(pem);

	pthread_mutex_lock(&list_mu);
	free(list_pem);
	list_pem = copy;
	list_epoch = ep;
	list_at = at;
	pthread_mutex_unlock(&list_mu);
}

/* The list signed by the signer (left as PEM), inside {"signed": ...}. */
static enum MHD_Result
signed_list(struct api *a, struct MHD_Connection *c, json_t *list,
    int64_t at)
{
	Signet__V1__Response	*resp = NULL;
	enum MHD_Result		 ret;
	char			*body = json_dumps(list, JSON_ENSURE_ASCII);

	json_decref(list);
	if (body == NULL)
		return MHD_NO;
	if (sigc_sign_cms(&a->lists, (uint8_t *)body, strlen(body),
	    SIGC_CMS_REVOCATION_LIST, &resp) != 0)
		ret = api_error(a, c, 503, "The token service is temporarily "
		    "unavailable.");
	else {
		list_keep(resp->sign_cms->token, tcache_now(), at);
		ret = api_json(c, 200, json_pack("{s:s}", "signed",
		    resp->sign_cms->token), NULL);
	}
	sigc_response_free(resp);
	free(body);
	return ret;
}

/* /v3/auth/tokens/OS-PKI/revoked, /v2.0/tokens/revoked, OS-REVOKE/events */
enum MHD_Result
route_revoked(struct api *a, struct MHD_Connection *c, int os_revoke)
{
	json_t		*caller, *arr;
	enum MHD_Result	 ret;
	char		 now[ISOTIME_LEN + 1];
	int64_t		 at;

	if (api_caller(a, c, &caller, &ret) != 0)
		return ret;
	if (!may_see_revocations(caller)) {
		json_decref(caller);
		return api_error(a, c, 403, "You are not authorized to "
		    "perform the requested action.");
	}
	json_decref(caller);
	if (!os_revoke && !api_has_arg(c, "audit_id_only") &&
	    (arr = list_reused()) != NULL)
		return api_json(c, 200, arr, NULL);
	arr = json_array();
	if (store_revocations_json(ST, os_revoke, arr) != 0) {
		json_decref(arr);
		return api_error(a, c, 503, "The identity store is "
		    "unavailable.");
	}
	if (os_revoke)
		return api_json(c, 200, json_pack("{s:o}", "events", arr),
		    NULL);
	if (api_has_arg(c, "audit_id_only"))
		return api_json(c, 200, json_pack("{s:o}", "revoked", arr),
		    NULL);
	/* verifiers keep the newest list: say when this one was made */
	at = time(NULL);
	isotime_format(at, now);
	strcpy(now + 19, "Z");
	return signed_list(a, c, json_pack("{s:o,s:s}", "revoked", arr,
	    "issued_at", now), at);
}
