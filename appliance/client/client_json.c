/*
 * libsignet-client: claims between JSON (Keystone's names, as signet-rpc
 * takes them) and the RPC's Claims. Times leave as Unix seconds: the
 * caller formats them the way its own code expects.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "client_json.h"
#include "isotime.h"

#define S(p)	((char *)(uintptr_t)(p))	/* protobuf-c's char * fields */

static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust" };

static const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* A JSON list of strings; the pointers borrow from the JSON. */
static int
str_array(json_t *a, char ***out, size_t *n)
{
	size_t	 i;

	*out = NULL;
	*n = 0;
	if (a == NULL)
		return 0;
	if (!json_is_array(a) ||
	    (*out = calloc(json_array_size(a) + 1, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < json_array_size(a); i++) {
		if (((*out)[i] = S(json_string_value(json_array_get(a, i)))) ==
		    NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

/* expires_at: Keystone's ISO 8601 string, or Unix seconds. */
static int
expiry(json_t *e, int64_t *out)
{
	if (json_is_integer(e)) {
		*out = json_integer_value(e);
		return 0;
	}
	return json_is_string(e) ? isotime_parse(json_string_value(e), out) :
	    -1;
}

/* The scope follows from which ids are present, as in Keystone's model. */
int
cj_claims_parse(json_t *j, struct cj_claims *cc, const char **why)
{
	Signet__V1__Claims	*c = &cc->c;
	json_t			*sys = json_object_get(j, "system");

	signet__v1__claims__init(c);
	c->user_id = S(jstr(j, "user_id"));
	c->project_id = S(jstr(j, "project_id"));
	c->domain_id = S(jstr(j, "domain_id"));
	c->trust_id = S(jstr(j, "trust_id"));
	if (json_is_string(sys))
		c->system = S(json_string_value(sys));
	else if (json_is_true(json_object_get(sys, "all")))
		c->system = S("all");
	c->scope = *c->trust_id ? SIGNET__V1__SCOPE_KIND__SCOPE_TRUST :
	    *c->project_id ? SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT :
	    *c->domain_id ? SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN :
	    *c->system ? SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM :
	    SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED;
	if (expiry(json_object_get(j, "expires_at"), &c->expires_at) != 0) {
		*why = "expires_at is neither ISO 8601 UTC nor Unix seconds";
		return -1;
	}
	/* federation, OAuth1, application credentials: the signer picks
	 * Keystone's payload from which of them are set */
	c->idp_id = S(jstr(j, "idp_id"));
	c->protocol_id = S(jstr(j, "protocol_id"));
	c->access_token_id = S(jstr(j, "access_token_id"));
	c->app_cred_id = S(jstr(j, "app_cred_id"));
	if (str_array(json_object_get(j, "methods"), &c->methods,
	    &c->n_methods) != 0 || str_array(json_object_get(j, "audit_ids"),
	    &c->audit_ids, &c->n_audit_ids) != 0 ||
	    str_array(json_object_get(j, "group_ids"), &c->group_ids,
	    &c->n_group_ids) != 0) {
		*why = "methods, audit_ids and group_ids are lists of strings";
		return -1;
	}
	return 0;
}

void
cj_claims_free(struct cj_claims *cc)
{
	free(cc->c.methods);
	free(cc->c.audit_ids);
	free(cc->c.group_ids);
	cc->c.methods = cc->c.audit_ids = cc->c.group_ids = NULL;
}

static json_t *
id_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

/* A JSON array of n strings. */
json_t *
cj_strings(char **v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
cj_opened(const Signet__V1__OpenFernetResponse *o)
{
	const Signet__V1__Claims *c = o->claims;

	if (c == NULL)
		return NULL;
	/* a federated token's groups are a list, even empty; else null */
	return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:I,s:I}",
	    "scope", scope_names[(unsigned)c->scope < 5 ? c->scope : 0],
	    "user_id", c->user_id,
	    "methods", cj_strings(c->methods, c->n_methods),
	    "audit_ids", cj_strings(c->audit_ids, c->n_audit_ids),
	    "project_id", id_or_null(c->project_id),
	    "domain_id", id_or_null(c->domain_id),
	    "trust_id", id_or_null(c->trust_id),
	    "system", id_or_null(c->system),
	    "group_ids", *c->idp_id != '\0' ? cj_strings(c->group_ids,
	    c->n_group_ids) : json_null(),
	    "idp_id", id_or_null(c->idp_id),
	    "protocol_id", id_or_null(c->protocol_id),
	    "access_token_id", id_or_null(c->access_token_id),
	    "app_cred_id", id_or_null(c->app_cred_id),
	    "expires_at", (json_int_t)c->expires_at,
	    "issued_at", (json_int_t)o->issued_at);
}

/* The JWS public keys (SubjectPublicKeyInfo DER, base64url with its
 * padding) and the CMS certificates. */
json_t *
cj_public(const Signet__V1__PublicMaterialResponse *p)
{
	json_t	*keys = json_array();
	char	 b64[512];
	size_t	 i;

	for (i = 0; keys != NULL && i < p->n_jws_public_keys; i++) {
		if (b64url_encode(p->jws_public_keys[i].data,
		    p->jws_public_keys[i].len, B64URL_PAD, b64,
		    sizeof(b64)) == 0) {
			json_decref(keys);
			return NULL;
		}
		json_array_append_new(keys, json_string(b64));
	}
	return json_pack("{s:o,s:s,s:s}", "jws_public_keys", keys,
	    "signing_cert_pem", p->signing_cert_pem,
	    "ca_cert_pem", p->ca_cert_pem);
}

json_t *
cj_health(const Signet__V1__HealthResponse *h)
{
	return json_pack("{s:b,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:I}",
	    "ready", h->ready, "reason", h->reason, "warning", h->warning,
	    "fernet_keys", (json_int_t)h->fernet_keys,
	    "fernet_keyset", h->fernet_keyset,
	    "receipt_keys", (json_int_t)h->receipt_keys,
	    "credential_keys", (json_int_t)h->credential_keys,
	    "connections", (json_int_t)h->connections,
	    "uptime_seconds", (json_int_t)h->uptime_seconds);
}
