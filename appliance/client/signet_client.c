/*
 * libsignet-client: JSON calls over proto/client.c, for callers in other
 * languages. Everything on the wire (frames, ids, deadlines, failover,
 * hostile answers) is proto/client.c's; this file only turns JSON into a
 * Request and a Response into JSON, and exports nothing else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "client_json.h"
#include "log.h"
#include "signet_client.h"

#define API	__attribute__((visibility("default")))
#define S(p)	((char *)(uintptr_t)(p))
#define TIMEOUT_MS_DEFAULT	5000

struct signet_client {
	struct sigc	*c;
};

/* The pieces a request points into, freed after the call. */
struct call {
	Signet__V1__Request		 req;
	Signet__V1__HealthRequest	 health;
	Signet__V1__IssueFernetRequest	 issue;
	Signet__V1__IssueJwsRequest	 jws;
	Signet__V1__OpenFernetRequest	 open;
	Signet__V1__PublicMaterialRequest public;
	struct cj_claims		 claims;
	const char			*why;
};

static const char *
opt_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

API struct signet_client *
signet_client_new(const char *options, char *err, unsigned int errsz)
{
	struct signet_client	*sc;
	struct sigc_opts	 o;
	json_t			*j;
	json_t			*t;

	/* The host program owns stderr: only errors go there. */
	log_init("signet-client", LOGL_ERR);
	if ((j = json_loads(options, 0, NULL)) == NULL ||
	    opt_str(j, "endpoints") == NULL) {
		snprintf(err, errsz, "options: a JSON object with endpoints");
		json_decref(j);
		return NULL;
	}
	t = json_object_get(j, "timeout_ms");
	o.endpoints = opt_str(j, "endpoints");
	o.timeout_ms = json_is_integer(t) && json_integer_value(t) > 0 &&
	    json_integer_value(t) < 600000 ? (int)json_integer_value(t) :
	    TIMEOUT_MS_DEFAULT;
	o.tls_cert = opt_str(j, "tls_cert");
	o.tls_key = opt_str(j, "tls_key");
	o.tls_ca = opt_str(j, "tls_ca");
	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    sigc_new(&o, &sc->c) != 0) {
		snprintf(err, errsz, "endpoints '%s': none usable (tcp:// "
		    "needs tls_cert, tls_key and tls_ca)", o.endpoints);
		free(sc);
		sc = NULL;
	}
	json_decref(j);
	return sc;
}

API void
signet_client_close(struct signet_client *sc)
{
	if (sc == NULL)
		return;
	sigc_close(sc->c);
	free(sc);
}

API void
signet_client_free(char *s)
{
	free(s);
}

static int
build_issue(json_t *in, struct call *k)
{
	if (cj_claims_parse(in, &k->claims, &k->why) != 0)
		return -1;
	signet__v1__issue_fernet_request__init(&k->issue);
	k->issue.claims = &k->claims.c;
	if (opt_str(in, "parent_token") != NULL)
		k->issue.parent_token = S(opt_str(in, "parent_token"));
	k->req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_FERNET;
	k->req.issue_fernet = &k->issue;
	return 0;
}

static int
build_issue_jws(json_t *in, struct call *k)
{
	if (cj_claims_parse(in, &k->claims, &k->why) != 0)
		return -1;
	signet__v1__issue_jws_request__init(&k->jws);
	k->jws.claims = &k->claims.c;
	if (opt_str(in, "parent_token") != NULL)
		k->jws.parent_token = S(opt_str(in, "parent_token"));
	k->req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_JWS;
	k->req.issue_jws = &k->jws;
	return 0;
}

static int
build_open(json_t *in, struct call *k)
{
	if (opt_str(in, "token") == NULL) {
		k->why = "open_fernet needs a token";
		return -1;
	}
	signet__v1__open_fernet_request__init(&k->open);
	k->open.token = S(opt_str(in, "token"));
	k->open.allow_expired = json_is_true(json_object_get(in,
	    "allow_expired"));
	k->req.call_case = SIGNET__V1__REQUEST__CALL_OPEN_FERNET;
	k->req.open_fernet = &k->open;
	return 0;
}

static int
build_public(json_t *in, struct call *k)
{
	(void)in;
	signet__v1__public_material_request__init(&k->public);
	k->req.call_case = SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL;
	k->req.public_material = &k->public;
	return 0;
}

static int
build_health(json_t *in, struct call *k)
{
	(void)in;
	signet__v1__health_request__init(&k->health);
	k->req.call_case = SIGNET__V1__REQUEST__CALL_HEALTH;
	k->req.health = &k->health;
	return 0;
}

static json_t *
issued_fernet(const Signet__V1__Response *r)
{
	return json_pack("{s:s,s:I}", "token", r->issue_fernet->token,
	    "issued_at", (json_int_t)r->issue_fernet->issued_at);
}

static json_t *
issued_jws(const Signet__V1__Response *r)
{
	return json_pack("{s:s,s:I}", "token", r->issue_jws->token,
	    "issued_at", (json_int_t)r->issue_jws->issued_at);
}

static json_t *
opened(const Signet__V1__Response *r)
{
	return cj_opened(r->open_fernet);
}

static json_t *
public(const Signet__V1__Response *r)
{
	return cj_public(r->public_material);
}

static json_t *
health(const Signet__V1__Response *r)
{
	return cj_health(r->health);
}

/* One row per op: how its request is built, which answer fits it. */
static const struct op {
	const char			*name;
	int				(*build)(json_t *, struct call *);
	Signet__V1__Response__ResultCase result;
	json_t				*(*out)(const Signet__V1__Response *);
} ops[] = {
	{ "issue_fernet", build_issue, SIGNET__V1__RESPONSE__RESULT_ISSUE_FERNET,
	    issued_fernet },
	{ "issue_jws", build_issue_jws, SIGNET__V1__RESPONSE__RESULT_ISSUE_JWS,
	    issued_jws },
	{ "open_fernet", build_open, SIGNET__V1__RESPONSE__RESULT_OPEN_FERNET,
	    opened },
	{ "public_material", build_public,
	    SIGNET__V1__RESPONSE__RESULT_PUBLIC_MATERIAL, public },
	{ "health", build_health, SIGNET__V1__RESPONSE__RESULT_HEALTH, health },
};

static const struct op *
op_of(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

static int
build(const struct op *op, json_t *in, struct call *k)
{
	signet__v1__request__init(&k->req);
	if (opt_str(in, "request_id") != NULL)
		k->req.request_id = S(opt_str(in, "request_id"));
	if (op == NULL) {
		k->why = "unknown op";
		return -1;
	}
	return op->build(in, k);
}

static int
answer(json_t *j, int rc, char **out)
{
	*out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return *out != NULL ? rc : SIGNET_CLIENT_UNREACHABLE;
}

static int
error_answer(int rc, const char *why, char **out)
{
	return answer(json_pack("{s:s}", "error", why), rc, out);
}

/* The signer's status, or SIGNET_CLIENT_*; *out is always set. */
API int
signet_client_call(struct signet_client *sc, const char *opname,
    const char *in, char **out)
{
	const struct op		*op = op_of(opname);
	Signet__V1__Response	*r = NULL;
	struct call		 k;
	json_t			*j, *res;
	int			 rc;

	memset(&k, 0, sizeof(k));
	*out = NULL;
	if ((j = json_loads(in, 0, NULL)) == NULL || !json_is_object(j)) {
		json_decref(j);
		return error_answer(SIGNET_CLIENT_BAD_CALL, "input is not a "
		    "JSON object", out);
	}
	if (build(op, j, &k) != 0) {
		rc = error_answer(SIGNET_CLIENT_BAD_CALL, k.why, out);
	} else if (sigc_call(sc->c, &k.req, &r) != 0) {
		rc = error_answer(SIGNET_CLIENT_UNREACHABLE, "no signer "
		    "answered", out);
	} else if (r->status != SIGNET__V1__STATUS__STATUS_OK) {
		rc = error_answer((int)r->status, r->error, out);
	} else if (r->result_case != op->result ||
	    (res = op->out(r)) == NULL) {
		rc = error_answer(SIGNET_CLIENT_UNREACHABLE, "the signer's "
		    "answer does not fit the call", out);
	} else {
		rc = answer(res, 0, out);
	}
	sigc_response_free(r);
	cj_claims_free(&k.claims);
	json_decref(j);
	return rc;
}
