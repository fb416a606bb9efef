/*
 * signet-rpc: the operator's window on signet-signerd, over the same
 * client library signet-api uses. Prints one JSON document per call on
 * stdout; exits 0 on success, 1 when the signer refused (the reason on
 * stderr), 2 on a usage error.
 *   signet-rpc -c FILE health | public-material
 *   signet-rpc -c FILE issue-fernet CLAIMS_JSON | issue-jws CLAIMS_JSON
 *   signet-rpc -c FILE open-fernet [--allow-expired] TOKEN|-
 *   signet-rpc -c FILE sign-cms [--pkiz | --revocation-list] BODY_FILE
 *   signet-rpc -c FILE issue-receipt RECEIPT_JSON | open-receipt RECEIPT|-
 *   signet-rpc -c FILE encrypt-credential FILE|- | decrypt-credential BLOB|-
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "b64url.h"
#include "cli.h"
#include "client.h"
#include "config.h"
#include "err.h"
#include "isotime.h"
#include "log.h"

#define CALL_TIMEOUT_MS	5000
#define CRED_TEXT_MAX	(32 * 1024)	/* a blob, the longest text read */
#define S(p)	((char *)(uintptr_t)(p))

static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust" };

static const char usage_text[] = "usage: signet-rpc -c FILE health | "
    "public-material | issue-fernet CLAIMS_JSON | issue-jws CLAIMS_JSON | "
    "open-fernet "
    "[--allow-expired] TOKEN|- | sign-cms [--pkiz | --revocation-list] "
    "BODY_FILE | issue-receipt RECEIPT_JSON | open-receipt RECEIPT|- | "
    "encrypt-credential FILE|- | decrypt-credential BLOB|-\n";

static void __attribute__((noreturn))
usage(void)
{
	cli_usage(usage_text);
}

static const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int
str_array(json_t *a, char ***out, size_t *n)
{
	size_t	 i;

	*n = json_array_size(a);
	if (!json_is_array(a) || (*out = calloc(*n + 1, sizeof(char *))) ==
	    NULL)
		return -1;
	for (i = 0; i < *n; i++)
		if (((*out)[i] = S(json_string_value(json_array_get(a, i)))) ==
		    NULL)
			return -1;
	return 0;
}

/* Keystone's field names; the scope follows from which ids are present. */
static int
claims_parse(json_t *j, Signet__V1__Claims *c)
{
	json_t	*sys = json_object_get(j, "system");

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
	if (isotime_parse(jstr(j, "expires_at"), &c->expires_at) != 0) {
		log_err("claims: expires_at is not an ISO 8601 UTC time");
		return -1;
	}
	if (str_array(json_object_get(j, "methods"), &c->methods,
	    &c->n_methods) != 0 || str_array(json_object_get(j, "audit_ids"),
	    &c->audit_ids, &c->n_audit_ids) != 0) {
		log_err("claims: methods and audit_ids are lists of strings");
		return -1;
	}
	return 0;
}

static json_t *
id_or_null(const char *s)
{
	return *s != '\0' ? json_string(s) : json_null();
}

static json_t *
claims_json(const Signet__V1__OpenFernetResponse *o)
{
	const Signet__V1__Claims *c = o->claims;
	json_t		*j = json_object(), *m = json_array();
	json_t		*a = json_array();
	char		 t[ISOTIME_LEN + 1];
	size_t		 i;

	for (i = 0; i < c->n_methods; i++)
		json_array_append_new(m, json_string(c->methods[i]));
	for (i = 0; i < c->n_audit_ids; i++)
		json_array_append_new(a, json_string(c->audit_ids[i]));
	json_object_set_new(j, "scope", json_string(
	    scope_names[(unsigned)c->scope < 5 ? c->scope : 0]));
	json_object_set_new(j, "user_id", json_string(c->user_id));
	json_object_set_new(j, "methods", m);
	json_object_set_new(j, "project_id", id_or_null(c->project_id));
	json_object_set_new(j, "domain_id", id_or_null(c->domain_id));
	json_object_set_new(j, "trust_id", id_or_null(c->trust_id));
	json_object_set_new(j, "system", *c->system ?
	    json_pack("{s:b}", c->system, 1) : json_null());
	isotime_format(c->expires_at, t);
	json_object_set_new(j, "expires_at", json_string(t));
	isotime_format(o->issued_at, t);
	json_object_set_new(j, "issued_at", json_string(t));
	json_object_set_new(j, "audit_ids", a);
	return j;
}

static json_t *
health_json(const Signet__V1__HealthResponse *h)
{
	json_t	*per = json_object();
	size_t	 i;

	for (i = 0; i < h->n_per_call; i++)
		json_object_set_new(per, h->per_call[i]->call,
		    json_pack("{s:I,s:I}", "calls",
		    (json_int_t)h->per_call[i]->calls, "errors",
		    (json_int_t)h->per_call[i]->errors));
	return json_pack("{s:b,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:I,s:o,s:I,s:I,"
	    "s:I,s:I,s:I,s:I}", "ready", h->ready, "reason", h->reason,
	    "warning", h->warning,
	    "fernet_keys", (json_int_t)h->fernet_keys,
	    "fernet_keyset", h->fernet_keyset,
	    "receipt_keys", (json_int_t)h->receipt_keys,
	    "credential_keys", (json_int_t)h->credential_keys,
	    "calls", (json_int_t)h->calls, "errors", (json_int_t)h->errors,
	    "per_call", per, "busy", (json_int_t)h->busy,
	    "connections", (json_int_t)h->connections,
	    "audit_failures", (json_int_t)h->audit_failures,
	    "uptime_seconds", (json_int_t)h->uptime_seconds,
	    "audit_log_bytes", (json_int_t)h->audit_log_bytes,
	    "audit_free_bytes", (json_int_t)h->audit_free_bytes);
}

/* The JWS public keys, each its SubjectPublicKeyInfo in base64. */
static json_t *
der_list(const Signet__V1__PublicMaterialResponse *pm)
{
	json_t	*a = json_array();
	char	 b64[256];
	size_t	 i;

	for (i = 0; i < pm->n_jws_public_keys; i++)
		if (pm->jws_public_keys[i].len <= 180 &&
		    EVP_EncodeBlock((unsigned char *)b64,
		    pm->jws_public_keys[i].data,
		    (int)pm->jws_public_keys[i].len) > 0)
			json_array_append_new(a, json_string(b64));
	return a;
}

static json_t *
receipt_json(const Signet__V1__OpenReceiptResponse *o)
{
	json_t	*m = json_array();
	char	 t[ISOTIME_LEN + 1], i[ISOTIME_LEN + 1];
	size_t	 k;

	for (k = 0; k < o->n_methods; k++)
		json_array_append_new(m, json_string(o->methods[k]));
	isotime_format(o->expires_at, t);
	isotime_format(o->issued_at, i);
	return json_pack("{s:s,s:o,s:s,s:s}", "user_id", o->user_id,
	    "methods", m, "expires_at", t, "issued_at", i);
}

/* The credential as text when it is UTF-8 (JSON's strings are), else
 * as urlsafe base64. */
static json_t *
plaintext_json(const ProtobufCBinaryData *pt)
{
	json_t	*s = json_stringn((const char *)pt->data, pt->len);
	char	*b;
	size_t	 n;

	if (s != NULL)
		return json_pack("{s:o}", "plaintext", s);
	n = b64url_enclen(pt->len, B64URL_PAD) + 1;
	if ((b = malloc(n)) == NULL)
		return json_object();
	b64url_encode(pt->data, pt->len, B64URL_PAD, b, n);
	s = json_pack("{s:s}", "plaintext_b64", b);
	free(b);
	return s;
}

static json_t *
result_json(const Signet__V1__Response *r)
{
	switch (r->result_case) {
	case SIGNET__V1__RESPONSE__RESULT_ISSUE_RECEIPT:
		return json_pack("{s:s,s:I}", "receipt",
		    r->issue_receipt->receipt, "issued_at",
		    (json_int_t)r->issue_receipt->issued_at);
	case SIGNET__V1__RESPONSE__RESULT_OPEN_RECEIPT:
		return receipt_json(r->open_receipt);
	case SIGNET__V1__RESPONSE__RESULT_ENCRYPT_CREDENTIAL:
		return json_pack("{s:s,s:s}", "blob",
		    r->encrypt_credential->blob, "key_hash",
		    r->encrypt_credential->key_hash);
	case SIGNET__V1__RESPONSE__RESULT_DECRYPT_CREDENTIAL:
		return plaintext_json(&r->decrypt_credential->plaintext);
	case SIGNET__V1__RESPONSE__RESULT_HEALTH:
		return health_json(r->health);
	case SIGNET__V1__RESPONSE__RESULT_PUBLIC_MATERIAL:
		return json_pack("{s:s,s:s,s:o}", "signing_cert",
		    r->public_material->signing_cert_pem, "ca_cert",
		    r->public_material->ca_cert_pem, "jws_public_keys",
		    der_list(r->public_material));
	case SIGNET__V1__RESPONSE__RESULT_ISSUE_JWS:
		return json_pack("{s:s,s:I}", "token", r->issue_jws->token,
		    "issued_at", (json_int_t)r->issue_jws->issued_at);
	case SIGNET__V1__RESPONSE__RESULT_ISSUE_FERNET:
		return json_pack("{s:s}", "token", r->issue_fernet->token);
	case SIGNET__V1__RESPONSE__RESULT_OPEN_FERNET:
		return claims_json(r->open_fernet);
	case SIGNET__V1__RESPONSE__RESULT_SIGN_CMS:
		return json_pack("{s:s}", "token", r->sign_cms->token);
	default:
		return json_object();
	}
}

static char *
read_token(const char *arg, char *buf, size_t sz)
{
	if (strcmp(arg, "-") != 0)
		return S(arg);
	if (fgets(buf, sz, stdin) == NULL)
		return S("");
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

/* One command line's call, parsed before any connection is made. */
struct cmd {
	int		 call;		/* SIGNET__V1__REQUEST__CALL_* */
	Signet__V1__Claims c;
	const char	*parent;
	const char	*token;
	int		 allow_expired;
	uint8_t		*body;
	size_t		 len;
	enum sigc_cms	 kind;
	json_t		*doc;		/* issue-fernet's claims; c borrows */
	const char	*user_id;	/* issue-receipt */
	char		**methods;
	size_t		 n_methods;
	int64_t		 expires_at;
};

/*
 * The body file's bytes are what gets signed, less one final newline: the
 * one every editor and `echo` ends a file with, never part of the JSON.
 */
static int
parse_sign(int argc, char **argv, struct cmd *cm)
{
	FILE	*f;

	if (argc == 3 && strcmp(argv[1], "--pkiz") != 0 &&
	    strcmp(argv[1], "--revocation-list") != 0)
		usage();
	if ((f = fopen(argv[argc - 1], "r")) == NULL ||
	    (cm->body = malloc(64 * 1024)) == NULL) {
		log_err("%s: cannot read", argv[argc - 1]);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	cm->len = fread(cm->body, 1, 64 * 1024, f);
	fclose(f);
	if (cm->len > 0 && cm->body[cm->len - 1] == '\n')
		cm->len--;
	cm->kind = argc < 3 ? SIGC_CMS_PKI : strcmp(argv[1], "--pkiz") == 0 ?
	    SIGC_CMS_PKIZ : SIGC_CMS_REVOCATION_LIST;
	cm->call = SIGNET__V1__REQUEST__CALL_SIGN_CMS;
	return 0;
}

/* A credential blob's plaintext: a file's bytes, as they are. */
static int
parse_file(const char *path, struct cmd *cm)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	if (f == NULL || (cm->body = malloc(64 * 1024)) == NULL) {
		log_err("%s: cannot read", path);
		if (f != NULL && f != stdin)
			fclose(f);
		return -1;
	}
	cm->len = fread(cm->body, 1, 64 * 1024, f);
	if (f != stdin)
		fclose(f);
	cm->call = SIGNET__V1__REQUEST__CALL_ENCRYPT_CREDENTIAL;
	return 0;
}

/* {"user_id", "methods": [...], "expires_at": ISO 8601} */
static int
parse_receipt(const char *arg, struct cmd *cm)
{
	if ((cm->doc = json_loads(arg, 0, NULL)) == NULL ||
	    isotime_parse(jstr(cm->doc, "expires_at"), &cm->expires_at) != 0 ||
	    str_array(json_object_get(cm->doc, "methods"), &cm->methods,
	    &cm->n_methods) != 0) {
		log_err("receipt: {\"user_id\", \"methods\": [...], "
		    "\"expires_at\": ISO 8601 UTC}");
		return -1;
	}
	cm->user_id = jstr(cm->doc, "user_id");
	cm->call = SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT;
	return 0;
}

static int
parse(int argc, char **argv, struct cmd *cm)
{
	static char	 tok[CRED_TEXT_MAX];
	const char	*cmd = argv[0];

	if (strcmp(cmd, "health") == 0 && argc == 1)
		cm->call = SIGNET__V1__REQUEST__CALL_HEALTH;
	else if (strcmp(cmd, "public-material") == 0 && argc == 1)
		cm->call = SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL;
	else if ((strcmp(cmd, "issue-fernet") == 0 ||
	    strcmp(cmd, "issue-jws") == 0) && argc == 2) {
		if ((cm->doc = json_loads(argv[1], 0, NULL)) == NULL ||
		    claims_parse(cm->doc, &cm->c) != 0)
			return -1;
		if (json_is_string(json_object_get(cm->doc, "parent_token")))
			cm->parent = jstr(cm->doc, "parent_token");
		cm->call = strcmp(cmd, "issue-jws") == 0 ?
		    SIGNET__V1__REQUEST__CALL_ISSUE_JWS :
		    SIGNET__V1__REQUEST__CALL_ISSUE_FERNET;
	} else if (strcmp(cmd, "open-fernet") == 0 && argc >= 2 && argc <= 3) {
		cm->allow_expired = argc == 3 &&
		    strcmp(argv[1], "--allow-expired") == 0;
		if (argc == 3 && !cm->allow_expired)
			usage();
		cm->token = read_token(argv[argc - 1], tok, sizeof(tok));
		cm->call = SIGNET__V1__REQUEST__CALL_OPEN_FERNET;
	} else if (strcmp(cmd, "sign-cms") == 0 && argc >= 2 && argc <= 3)
		return parse_sign(argc, argv, cm);
	else if (strcmp(cmd, "issue-receipt") == 0 && argc == 2)
		return parse_receipt(argv[1], cm);
	else if (strcmp(cmd, "open-receipt") == 0 && argc == 2) {
		cm->token = read_token(argv[1], tok, sizeof(tok));
		cm->call = SIGNET__V1__REQUEST__CALL_OPEN_RECEIPT;
	} else if (strcmp(cmd, "encrypt-credential") == 0 && argc == 2)
		return parse_file(argv[1], cm);
	else if (strcmp(cmd, "decrypt-credential") == 0 && argc == 2) {
		cm->token = read_token(argv[1], tok, sizeof(tok));
		cm->call = SIGNET__V1__REQUEST__CALL_DECRYPT_CREDENTIAL;
	} else
		usage();
	return 0;
}

static int
run(struct sigc *c, const struct cmd *cm, Signet__V1__Response **respp)
{
	struct sigc_via	 v;

	v = sigc_via_conn(c);
	switch (cm->call) {
	case SIGNET__V1__REQUEST__CALL_HEALTH:
		return sigc_health(&v, respp);
	case SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL:
		return sigc_public_material(&v, respp);
	case SIGNET__V1__REQUEST__CALL_ISSUE_FERNET:
		return sigc_issue_fernet(&v, &cm->c, cm->parent, respp);
	case SIGNET__V1__REQUEST__CALL_ISSUE_JWS:
		return sigc_issue_jws(&v, &cm->c, cm->parent, respp);
	case SIGNET__V1__REQUEST__CALL_OPEN_FERNET:
		return sigc_open_fernet(&v, cm->token, cm->allow_expired,
		    respp);
	case SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT:
		return sigc_issue_receipt(&v, cm->user_id,
		    (const char *const *)cm->methods, cm->n_methods,
		    cm->expires_at, respp);
	case SIGNET__V1__REQUEST__CALL_OPEN_RECEIPT:
		return sigc_open_receipt(&v, cm->token, respp);
	case SIGNET__V1__REQUEST__CALL_ENCRYPT_CREDENTIAL:
		return sigc_encrypt_credential(&v, cm->body, cm->len, respp);
	case SIGNET__V1__REQUEST__CALL_DECRYPT_CREDENTIAL:
		return sigc_decrypt_credential(&v, cm->token, respp);
	default:
		return sigc_sign_cms(&v, cm->body, cm->len, cm->kind, respp);
	}
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct sigc		*c;
	struct sigc_opts	 o;
	struct cmd		 cm;
	Signet__V1__Response	*resp = NULL;
	json_t			*out;
	char			 err[CONFIG_ERR_MAX];
	int			 r = 1;

	cli_std(argc, argv, "signet-rpc", usage_text);
	log_init("signet-rpc", LOGL_WARN);
	if (argc < 4 || strcmp(argv[1], "-c") != 0)
		usage();
	if (config_load(argv[2], &cf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	sigc_opts_config(cf, CALL_TIMEOUT_MS, &o);
	memset(&cm, 0, sizeof(cm));
	signet__v1__claims__init(&cm.c);
	if (parse(argc - 3, argv + 3, &cm) != 0 || sigc_open(&o, &c) != 0)
		goto out;
	if (run(c, &cm, &resp) == 0) {
		out = result_json(resp);
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
		r = 0;
	} else if (resp == NULL)
		log_err("no answer from the signer");
	else
		log_err("signer: %s", resp->error);
	sigc_response_free(resp);
	sigc_close(c);
 out:
	if (cm.body != NULL)
		explicit_bzero(cm.body, cm.len);
	free(cm.body);
	free(cm.methods);
	free(cm.c.methods);
	free(cm.c.audit_ids);
	json_decref(cm.doc);
	config_free(cf);
	return r;
}
