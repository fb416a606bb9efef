/*
 * signet-signerd: the SignCms policy. The signer is never an oracle that
 * signs arbitrary JSON: the body must be a Keystone v3 token document
 * whose members are all known, whose claims pass the same checks as
 * IssueFernet, and which is the exact text that will be signed (no raw
 * newlines, which openssl cms would have turned into CRLF).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cms_token.h"
#include "err.h"
#include "isotime.h"
#include "signer.h"

static const char *const token_keys[] = { "methods", "user", "audit_ids",
    "expires_at", "issued_at", "project", "domain", "system", "roles",
    "catalog", "is_domain", "OS-TRUST:trust", "is_admin_project",
    "application_credential", "service_providers", "bind", NULL };

static const char *
unknown_key(json_t *tok)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	json_object_foreach(tok, k, v) {
		for (i = 0; token_keys[i] != NULL &&
		    strcmp(k, token_keys[i]) != 0; i++)
			;
		if (token_keys[i] == NULL)
			return k;
	}
	return NULL;
}

static const char *
id_of(json_t *tok, const char *member)
{
	return json_string_value(json_object_get(json_object_get(tok, member),
	    "id"));
}

/* The claims a v3 body makes, in the shape IssueFernet takes them. */
static const char *
body_claims(json_t *tok, Signet__V1__Claims *pc, char **methods,
    char **audit, int64_t *issued)
{
	json_t		*m = json_object_get(tok, "methods");
	json_t		*a = json_object_get(tok, "audit_ids");
	const char	*trust = id_of(tok, "OS-TRUST:trust");
	size_t		 i;

	if (json_array_size(m) > CLAIMS_METHODS_MAX ||
	    json_array_size(a) > CLAIMS_AUDIT_MAX)
		return "methods or audit_ids";
	pc->user_id = (char *)(uintptr_t)(id_of(tok, "user") ? id_of(tok,
	    "user") : "");
	pc->project_id = (char *)(uintptr_t)(id_of(tok, "project") ?
	    id_of(tok, "project") : "");
	pc->domain_id = (char *)(uintptr_t)(id_of(tok, "domain") ?
	    id_of(tok, "domain") : "");
	pc->trust_id = (char *)(uintptr_t)(trust ? trust : "");
	pc->system = (char *)(uintptr_t)(json_is_true(json_object_get(
	    json_object_get(tok, "system"), "all")) ? "all" : "");
	pc->scope = *pc->trust_id ? SIGNET__V1__SCOPE_KIND__SCOPE_TRUST :
	    *pc->project_id ? SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT :
	    *pc->domain_id ? SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN :
	    *pc->system ? SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM :
	    SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED;
	for (i = 0; i < json_array_size(m); i++)
		if ((methods[i] = (char *)(uintptr_t)json_string_value(
		    json_array_get(m, i))) == NULL)
			return "methods";
	for (i = 0; i < json_array_size(a); i++)
		if ((audit[i] = (char *)(uintptr_t)json_string_value(
		    json_array_get(a, i))) == NULL)
			return "audit_ids";
	pc->methods = methods;
	pc->n_methods = json_array_size(m);
	pc->audit_ids = audit;
	pc->n_audit_ids = json_array_size(a);
	if (isotime_parse(json_string_value(json_object_get(tok,
	    "expires_at")) ? json_string_value(json_object_get(tok,
	    "expires_at")) : "", &pc->expires_at) != 0 ||
	    isotime_parse(json_string_value(json_object_get(tok,
	    "issued_at")) ? json_string_value(json_object_get(tok,
	    "issued_at")) : "", issued) != 0)
		return "expires_at or issued_at";
	return NULL;
}

static int
check_doc(struct signer *sg, json_t *doc, struct claims *c, char *why,
    size_t whysz)
{
	Signet__V1__Claims pc;
	char		*methods[CLAIMS_METHODS_MAX], *audit[CLAIMS_AUDIT_MAX];
	json_t		*tok = json_object_get(doc, "token");
	const char	*bad;
	int64_t		 issued;

	signet__v1__claims__init(&pc);
	if (json_object_size(doc) != 1 || !json_is_object(tok)) {
		snprintf(why, whysz, "body: not a v3 {\"token\": {...}} "
		    "document");
		return SIG_ERR_POLICY;
	}
	if ((bad = unknown_key(tok)) != NULL) {
		snprintf(why, whysz, "body: unknown member token.%.40s", bad);
		return SIG_ERR_POLICY;
	}
	if ((bad = body_claims(tok, &pc, methods, audit, &issued)) != NULL) {
		snprintf(why, whysz, "body: %s", bad);
		return SIG_ERR_BAD_INPUT;
	}
	if (issued > time(NULL) + sg->cf->signer_max_clock_skew ||
	    issued >= pc.expires_at) {
		snprintf(why, whysz, "body: issued_at");
		return SIG_ERR_POLICY;
	}
	return policy_claims(sg, &pc, c, why, whysz);
}

int
policy_cms_body(struct signer *sg, const uint8_t *body, size_t len,
    struct claims *c, char *why, size_t whysz)
{
	json_error_t	 je;
	json_t		*doc;
	int		 r;

	if (len == 0 || len > CMS_BODY_MAX || memchr(body, '\n', len) ||
	    memchr(body, '\r', len)) {
		snprintf(why, whysz, "body: empty, over %d bytes, or with a "
		    "raw newline", CMS_BODY_MAX);
		return SIG_ERR_BAD_INPUT;
	}
	if ((doc = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		snprintf(why, whysz, "body: not JSON (%.60s)", je.text);
		return SIG_ERR_BAD_INPUT;
	}
	r = check_doc(sg, doc, c, why, whysz);
	json_decref(doc);
	return r;
}

static int
hex_id(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 32 && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

static const char *
check_revoked_entry(json_t *e)
{
	const char	*k;
	json_t		*v;
	int64_t		 t;
	uint8_t		 aid[CLAIMS_AUDIT_LEN];

	if (!json_is_object(e) || json_object_get(e, "expires") == NULL)
		return "an entry without expires";
	json_object_foreach(e, k, v) {
		if (!json_is_string(v))
			return "a value that is not a string";
		if (strcmp(k, "expires") == 0 ?
		    isotime_parse(json_string_value(v), &t) != 0 :
		    strcmp(k, "audit_id") == 0 ?
		    claims_audit_parse(json_string_value(v), aid) != 0 :
		    strcmp(k, "id") == 0 ? !hex_id(json_string_value(v)) : 1)
			return k;
	}
	return NULL;
}

/*
 * A list's issued_at is the signer's now (within the clock skew allowed
 * between hosts): verifiers take the newest list, so a front-end that
 * could post-date one further would freeze revocation.
 */
static const char *
check_list_time(json_t *v, int skew)
{
	int64_t	 t, now = time(NULL);

	if (isotime_parse(json_string_value(v) ? json_string_value(v) : "",
	    &t) != 0 || t > now + skew || t < now - skew)
		return "issued_at is not now";
	return NULL;
}

/* {"revoked": [{"id"?, "expires", "audit_id"?}, ...], "issued_at"?}. */
int
policy_revocation_body(const uint8_t *body, size_t len, int skew,
    char *why, size_t whysz)
{
	json_t		*doc, *list, *e;
	const char	*bad = NULL;
	size_t		 i;

	if (len == 0 || len > CMS_LIST_MAX || memchr(body, '\n', len) ||
	    (doc = json_loadb((const char *)body, len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		snprintf(why, whysz, "revocation list: not one line of JSON "
		    "of at most %d bytes", CMS_LIST_MAX);
		return SIG_ERR_BAD_INPUT;
	}
	list = json_object_get(doc, "revoked");
	if (json_object_size(doc) != 1 + (json_object_get(doc,
	    "issued_at") != NULL) || !json_is_array(list))
		bad = "not {\"revoked\": [...]}";
	else if (json_object_get(doc, "issued_at") != NULL)
		bad = check_list_time(json_object_get(doc, "issued_at"), skew);
	json_array_foreach(list, i, e)
		if (bad == NULL)
			bad = check_revoked_entry(e);
	if (bad != NULL)	/* bad may point into doc: use it first */
		snprintf(why, whysz, "revocation list: %.60s", bad);
	json_decref(doc);
	return bad == NULL ? 0 : SIG_ERR_POLICY;
}
