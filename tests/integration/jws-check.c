/*
 * The token's JWS keys, driven from a test, a line in and a line out:
 * "sign" makes a token of a claims payload as given; "issue" of RPC
 * claims ({"user_id", "methods", "audit_ids", a scope id or "system",
 * "expires_at", "issued_at", and "group_ids", "idp_id", "protocol_id",
 * "access_token_id", "app_cred_id"}) written as Keystone writes them; "verify"
 * writes a token's payload, "read" its claims in the same RPC form, or
 * "refused: bad" (not a JWS token of Keystone's form), "refused: key" (no
 * public key held, own or imported, verifies it), "refused: claims".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "hsm.h"
#include "jws.h"
#include "jws_claims.h"
#include "jws_keys.h"
#include "log.h"
#include "secmem.h"

static int
sign_lines(struct hsm_sess *s, const struct jws_inv *inv)
{
	const struct jws_key	*k = jws_signing_key(inv);
	static char		 line[JWS_PAYLOAD_MAX], in[JWS_TOKEN_MAX],
				 tok[JWS_TOKEN_MAX];
	uint8_t			 d[32], sig[JWS_ES256_SIG_LEN];

	if (k == NULL)
		return 2;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (jws_signing_input(line, strlen(line), in, sizeof(in)) != 0)
			return 2;
		jws_digest(in, d);
		if (jws_sign(s, k, d, sig) != 0 ||
		    jws_compact(in, sig, tok, sizeof(tok)) != 0)
			return 2;
		printf("%s\n", tok);
	}
	return 0;
}

#define S(p)	((char *)(uintptr_t)(p))

static char *
id_of(json_t *o, const char *k)
{
	const char	*v = json_string_value(json_object_get(o, k));

	return S(v != NULL ? v : "");
}

/* Up to 32 strings of the array o[k] into v; their number. */
static size_t
strings_of(json_t *o, const char *k, char **v)
{
	json_t	*a = json_object_get(o, k);
	size_t	 i;

	for (i = 0; i < 32 && i < json_array_size(a); i++)
		v[i] = S(json_string_value(json_array_get(a, i)));
	return i;
}

/* RPC claims (as the test writes them) to a token's payload. */
static char *
payload_of(const char *line)
{
	json_t		*o = json_loads(line, 0, NULL);
	Signet__V1__Claims c;
	char		*m[32], *a[32], *g[32], *text;

	if (o == NULL)
		return NULL;
	signet__v1__claims__init(&c);
	c.user_id = id_of(o, "user_id");
	c.n_methods = strings_of(o, "methods", m);
	c.methods = m;
	c.n_audit_ids = strings_of(o, "audit_ids", a);
	c.audit_ids = a;
	c.n_group_ids = strings_of(o, "group_ids", g);
	c.group_ids = g;
	c.idp_id = id_of(o, "idp_id");
	c.protocol_id = id_of(o, "protocol_id");
	c.access_token_id = id_of(o, "access_token_id");
	c.app_cred_id = id_of(o, "app_cred_id");
	c.project_id = id_of(o, "project_id");
	c.domain_id = id_of(o, "domain_id");
	c.trust_id = id_of(o, "trust_id");
	if (json_object_get(o, "system") != NULL)
		c.scope = SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM;
	c.expires_at = json_integer_value(json_object_get(o, "expires_at"));
	text = jws_claims_json(&c, json_integer_value(json_object_get(o,
	    "issued_at")));
	json_decref(o);
	return text;
}

/* The federation, OAuth1 and application credential claims, when set. */
static void
extended(json_t *o, const Signet__V1__Claims *c)
{
	const char *const k[] = { "idp_id", "protocol_id",
	    "access_token_id", "app_cred_id" };
	const char	*v[] = { c->idp_id, c->protocol_id, c->access_token_id,
	    c->app_cred_id };
	json_t		*g;
	size_t		 i;

	for (i = 0; i < 4; i++)
		if (*v[i] != '\0')
			json_object_set_new(o, k[i], json_string(v[i]));
	if (*c->idp_id == '\0')
		return;
	g = json_array();
	for (i = 0; i < c->n_group_ids; i++)
		json_array_append_new(g, json_string(c->group_ids[i]));
	json_object_set_new(o, "group_ids", g);
}

static void
print_claims(const struct jws_claims *jc)
{
	static const char *const scopes[] = { "unscoped", "project",
	    "domain", "system", "trust" };
	json_t	*o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I}",
	    "user_id", jc->c.user_id, "scope", scopes[jc->c.scope],
	    "project_id", jc->c.project_id, "domain_id", jc->c.domain_id,
	    "system", jc->c.system, "trust_id", jc->c.trust_id,
	    "expires_at", (json_int_t)jc->c.expires_at,
	    "issued_at", (json_int_t)jc->issued_at);
	json_t	*m = json_array(), *a = json_array();
	char	*text;
	size_t	 i;

	for (i = 0; i < jc->c.n_methods; i++)
		json_array_append_new(m, json_string(jc->c.methods[i]));
	for (i = 0; i < jc->c.n_audit_ids; i++)
		json_array_append_new(a, json_string(jc->c.audit_ids[i]));
	json_object_set_new(o, "methods", m);
	json_object_set_new(o, "audit_ids", a);
	extended(o, &jc->c);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	printf("%s\n", text);
	free(text);
	json_decref(o);
}

static int
issue_lines(struct hsm_sess *s, const struct jws_inv *inv)
{
	const struct jws_key	*k = jws_signing_key(inv);
	static char		 line[JWS_PAYLOAD_MAX], in[JWS_TOKEN_MAX],
				 tok[JWS_TOKEN_MAX];
	uint8_t			 d[32], sig[JWS_ES256_SIG_LEN];
	char			*pl;

	while (k != NULL && fgets(line, sizeof(line), stdin) != NULL) {
		if ((pl = payload_of(line)) == NULL ||
		    jws_signing_input(pl, strlen(pl), in, sizeof(in)) != 0)
			return 2;
		free(pl);
		jws_digest(in, d);
		if (jws_sign(s, k, d, sig) != 0 ||
		    jws_compact(in, sig, tok, sizeof(tok)) != 0)
			return 2;
		printf("%s\n", tok);
	}
	return k != NULL ? 0 : 2;
}

static int
verify_lines(const struct jws_inv *inv, int claims)
{
	EVP_PKEY	*keys[JWS_KEYS_MAX];
	static char	 line[JWS_TOKEN_MAX + 2], out[JWS_PAYLOAD_MAX];
	size_t		 i, n, len;
	int		 r;

	for (i = n = 0; i < inv->n; i++)
		if ((keys[n] = jws_pubkey(inv->keys[i].spki,
		    JWS_SPKI_LEN)) != NULL)
			n++;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		r = jws_verify(line, keys, n, out, sizeof(out), &len);
		if (r == 0 && claims) {
			struct jws_claims jc;

			if (jws_claims_read(out, len, &jc) != 0) {
				printf("refused: claims\n");
				continue;
			}
			print_claims(&jc);
			jws_claims_free(&jc);
			continue;
		}
		printf("%s\n", r == 0 ? out : r == SIG_ERR_KEY_NOT_FOUND ?
		    "refused: key" : "refused: bad");
		fflush(stdout);
	}
	for (i = 0; i < n; i++)
		EVP_PKEY_free(keys[i]);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*p;
	struct hsm_sess		*s;
	struct secmem		*pin;
	struct jws_inv		 inv;
	CK_SLOT_ID		 slot;
	CK_TOKEN_INFO		 ti;
	char			 err[256];
	int			 r;

	log_init("jws-check", LOGL_ERR);
	if (argc != 3 || config_load(argv[1], &cf, err, sizeof(err)) != 0)
		return 2;
	if (hsm_module_load(cf->hsm_module, &m) != 0 ||
	    hsm_token_find(m, cf->hsm_token, &slot, &ti) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(m, slot, CKU_USER, pin, 1, 0, &p) != 0 ||
	    hsm_sess_get(p, &s) != 0 || jws_inv_load(s, &inv) != 0)
		return 2;
	r = strcmp(argv[2], "sign") == 0 ? sign_lines(s, &inv) :
	    strcmp(argv[2], "issue") == 0 ? issue_lines(s, &inv) :
	    strcmp(argv[2], "verify") == 0 ? verify_lines(&inv, 0) :
	    strcmp(argv[2], "read") == 0 ? verify_lines(&inv, 1) : 2;
	hsm_sess_put(p, s, 0);
	hsm_pool_free(p);
	hsm_module_free(m);
	config_free(cf);
	return r;
}
