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

#include "b64url.h"
#include "client.h"
#include "client_json.h"
#include "isotime.h"
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
	Signet__V1__IssueReceiptRequest	 receipt;
	Signet__V1__OpenReceiptRequest	 open_receipt;
	Signet__V1__EncryptCredentialRequest encrypt;
	Signet__V1__DecryptCredentialRequest decrypt;
	struct cj_claims		 claims;
	char				**methods;
	uint8_t				*plain;		/* wiped, freed */
	size_t				 plainlen;
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
	o.once = 0;
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

/* Answers may hold a credential's plaintext: wiped before freed. */
API void
signet_client_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

/* A JSON string's own bytes, wiped where jansson keeps them. */
static void
wipe_string(json_t *v)
{
	if (json_is_string(v))
		explicit_bzero((char *)(uintptr_t)json_string_value(v),
		    json_string_length(v));
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

/* {"user_id", "methods": [...], "expires_at": ISO 8601 or Unix seconds} */
static int
build_receipt(json_t *in, struct call *k)
{
	json_t	*m = json_object_get(in, "methods"), *e;
	size_t	 i;

	signet__v1__issue_receipt_request__init(&k->receipt);
	if (opt_str(in, "user_id") == NULL || !json_is_array(m) ||
	    (k->methods = calloc(json_array_size(m) + 1,
	    sizeof(char *))) == NULL) {
		k->why = "issue_receipt needs user_id and a list of methods";
		return -1;
	}
	for (i = 0; i < json_array_size(m); i++)
		if ((k->methods[i] = S(json_string_value(json_array_get(m,
		    i)))) == NULL) {
			k->why = "methods is a list of strings";
			return -1;
		}
	e = json_object_get(in, "expires_at");
	if (json_is_integer(e))
		k->receipt.expires_at = json_integer_value(e);
	else if (!json_is_string(e) || isotime_parse(json_string_value(e),
	    &k->receipt.expires_at) != 0) {
		k->why = "expires_at is neither ISO 8601 UTC nor Unix seconds";
		return -1;
	}
	k->receipt.user_id = S(opt_str(in, "user_id"));
	k->receipt.methods = k->methods;
	k->receipt.n_methods = json_array_size(m);
	k->req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT;
	k->req.issue_receipt = &k->receipt;
	return 0;
}

static int
build_open_receipt(json_t *in, struct call *k)
{
	if (opt_str(in, "receipt") == NULL) {
		k->why = "open_receipt needs a receipt";
		return -1;
	}
	signet__v1__open_receipt_request__init(&k->open_receipt);
	k->open_receipt.receipt = S(opt_str(in, "receipt"));
	k->req.call_case = SIGNET__V1__REQUEST__CALL_OPEN_RECEIPT;
	k->req.open_receipt = &k->open_receipt;
	return 0;
}

/* {"plaintext_b64": the blob's bytes in padded urlsafe base64} */
static int
build_encrypt(json_t *in, struct call *k)
{
	json_t	*v = json_object_get(in, "plaintext_b64");
	size_t	 n = json_string_length(v);

	if (!json_is_string(v) || (k->plain = malloc(n / 4 * 3 + 3)) ==
	    NULL || b64url_decode(json_string_value(v), n, B64URL_PAD,
	    k->plain, n / 4 * 3 + 3, &k->plainlen) != 0) {
		k->why = "encrypt_credential needs plaintext_b64 (urlsafe "
		    "base64, padded)";
		wipe_string(v);
		return -1;
	}
	wipe_string(v);
	signet__v1__encrypt_credential_request__init(&k->encrypt);
	k->encrypt.plaintext.data = k->plain;
	k->encrypt.plaintext.len = k->plainlen;
	k->req.call_case = SIGNET__V1__REQUEST__CALL_ENCRYPT_CREDENTIAL;
	k->req.encrypt_credential = &k->encrypt;
	return 0;
}

static int
build_decrypt(json_t *in, struct call *k)
{
	if (opt_str(in, "blob") == NULL) {
		k->why = "decrypt_credential needs a blob";
		return -1;
	}
	signet__v1__decrypt_credential_request__init(&k->decrypt);
	k->decrypt.blob = S(opt_str(in, "blob"));
	k->req.call_case = SIGNET__V1__REQUEST__CALL_DECRYPT_CREDENTIAL;
	k->req.decrypt_credential = &k->decrypt;
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

static json_t *
issued_receipt(const Signet__V1__Response *r)
{
	return json_pack("{s:s,s:I}", "receipt", r->issue_receipt->receipt,
	    "issued_at", (json_int_t)r->issue_receipt->issued_at);
}

static json_t *
opened_receipt(const Signet__V1__Response *r)
{
	const Signet__V1__OpenReceiptResponse *o = r->open_receipt;

	return json_pack("{s:s,s:o,s:I,s:I}", "user_id", o->user_id,
	    "methods", cj_strings(o->methods, o->n_methods), "expires_at",
	    (json_int_t)o->expires_at, "issued_at", (json_int_t)o->issued_at);
}

static json_t *
encrypted(const Signet__V1__Response *r)
{
	return json_pack("{s:s,s:s}", "blob", r->encrypt_credential->blob,
	    "key_hash", r->encrypt_credential->key_hash);
}

/* A decrypted credential as padded urlsafe base64; the copy is wiped. */
static json_t *
decrypted(const Signet__V1__Response *r)
{
	const ProtobufCBinaryData *pt = &r->decrypt_credential->plaintext;
	size_t	 n = b64url_enclen(pt->len, B64URL_PAD) + 1;
	char	*b = malloc(n);
	json_t	*j = NULL;

	if (b == NULL)
		return NULL;
	b64url_encode(pt->data, pt->len, B64URL_PAD, b, n);
	j = json_pack("{s:s}", "plaintext_b64", b);
	explicit_bzero(b, n);
	free(b);
	return j;
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
	{ "issue_receipt", build_receipt,
	    SIGNET__V1__RESPONSE__RESULT_ISSUE_RECEIPT, issued_receipt },
	{ "open_receipt", build_open_receipt,
	    SIGNET__V1__RESPONSE__RESULT_OPEN_RECEIPT, opened_receipt },
	{ "encrypt_credential", build_encrypt,
	    SIGNET__V1__RESPONSE__RESULT_ENCRYPT_CREDENTIAL, encrypted },
	{ "decrypt_credential", build_decrypt,
	    SIGNET__V1__RESPONSE__RESULT_DECRYPT_CREDENTIAL, decrypted },
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
	wipe_string(json_object_get(j, "plaintext_b64"));
	json_decref(j);
	return *out != NULL ? rc : SIGNET_CLIENT_UNREACHABLE;
}

/* A decrypted credential's bytes in the unpacked answer: wiped. */
static void
response_free(Signet__V1__Response *r)
{
	if (r != NULL && r->result_case ==
	    SIGNET__V1__RESPONSE__RESULT_DECRYPT_CREDENTIAL &&
	    r->decrypt_credential != NULL &&
	    r->decrypt_credential->plaintext.len > 0)
		explicit_bzero(r->decrypt_credential->plaintext.data,
		    r->decrypt_credential->plaintext.len);
	sigc_response_free(r);
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
	response_free(r);
	cj_claims_free(&k.claims);
	free(k.methods);
	if (k.plain != NULL)
		explicit_bzero(k.plain, k.plainlen);
	free(k.plain);
	json_decref(j);
	return rc;
}
