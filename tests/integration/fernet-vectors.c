/*
 * Test helper: Keystone's golden Fernet vectors through the token.
 *   fernet-vectors CONF TOKENS_JSON
 *   fernet-vectors CONF spec SPEC_JSON   (the Fernet specification's own)
 * For each vector Keystone accepts: the payload packs to Keystone's bytes,
 * sealing with the vector's key, timestamp and IV gives Keystone's token
 * string exactly, and opening Keystone's token gives its claims. Every
 * vector Keystone refuses is refused. Exit 0 when all of that holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "claims.h"
#include "config.h"
#include "err.h"
#include "fernet_seal.h"
#include "hsm.h"
#include "isotime.h"
#include "log.h"
#include "secmem.h"

static int	 fails;

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fails++;						\
		printf("FAIL: " __VA_ARGS__);				\
		printf("\n");						\
	}								\
} while (0)

static const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
claims_from(json_t *j, const struct claims_methods *cm, struct claims *c)
{
	static const char *const scopes[] = { "unscoped", "project", "domain",
	    "system", "trust" };
	const char	*m[8];
	size_t		 i, nm = json_array_size(json_object_get(j, "methods"));

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 5; i++)
		if (strcmp(jstr(j, "scope"), scopes[i]) == 0)
			c->scope = i;
	snprintf(c->user_id, sizeof(c->user_id), "%s", jstr(j, "user_id"));
	snprintf(c->project_id, sizeof(c->project_id), "%s",
	    jstr(j, "project_id"));
	snprintf(c->domain_id, sizeof(c->domain_id), "%s", jstr(j, "domain_id"));
	snprintf(c->trust_id, sizeof(c->trust_id), "%s", jstr(j, "trust_id"));
	snprintf(c->system, sizeof(c->system), "%s", jstr(j, "system"));
	for (i = 0; i < nm && i < 8; i++)
		m[i] = json_string_value(json_array_get(json_object_get(j,
		    "methods"), i));
	claims_methods_encode(cm, m, nm, &c->methods);
	isotime_parse(jstr(j, "expires_at"), &c->expires_at);
	claims_audit_parse(jstr(j, "audit_id"), c->audit[c->n_audit++]);
	if (*jstr(j, "parent_audit_id") != '\0')
		claims_audit_parse(jstr(j, "parent_audit_id"),
		    c->audit[c->n_audit++]);
}

static void
hex_decode(const char *h, uint8_t *out, size_t *n)
{
	for (*n = 0; h[2 * *n] != '\0' && h[2 * *n + 1] != '\0'; (*n)++)
		sscanf(h + 2 * *n, "%2hhx", &out[*n]);
}

/* Opens tok under every key, primary first, as the signer will. */
static int
open_any(struct hsm_sess *s, struct fernet_inv *inv, const char *tok,
    struct claims *c, uint64_t *ts, int *key)
{
	uint8_t	 raw[4096], pl[4096];
	size_t	 rawlen, pllen, i;
	int	 r;

	if ((r = fernet_decode(tok, strlen(tok), raw, sizeof(raw),
	    &rawlen)) != 0)
		return r;
	for (i = 0; i < inv->nkeys; i++) {
		if (inv->keys[i].kind != FK_INDEX)
			continue;
		r = fernet_open(s, &inv->keys[i], raw, rawlen, pl, &pllen, ts);
		if (r == SIG_ERR_KEY_NOT_FOUND)
			continue;
		if (r == 0)
			r = fernet_payload_unpack(pl, pllen, c);
		*key = inv->keys[i].index;
		return r;
	}
	return SIG_ERR_KEY_NOT_FOUND;
}

static void
check_claims(const char *name, json_t *exp, const struct claims *c,
    const struct claims_methods *cm, uint64_t ts)
{
	const char	*m[8];
	char		 t[ISOTIME_LEN + 1], a[23];
	size_t		 n, i;

	CHECK(strcmp(c->user_id, jstr(exp, "user_id")) == 0, "%s: user", name);
	CHECK(strcmp(c->project_id, jstr(exp, "project_id")) == 0,
	    "%s: project", name);
	CHECK(strcmp(c->domain_id, jstr(exp, "domain_id")) == 0, "%s: domain",
	    name);
	CHECK(strcmp(c->trust_id, jstr(exp, "trust_id")) == 0, "%s: trust",
	    name);
	isotime_format(c->expires_at, t);
	CHECK(strcmp(t, jstr(exp, "expires_at")) == 0, "%s: expires", name);
	isotime_format((int64_t)ts, t);
	CHECK(strcmp(t, jstr(exp, "issued_at")) == 0, "%s: issued", name);
	n = claims_methods_decode(cm, c->methods, m, 8);
	CHECK(n == json_array_size(json_object_get(exp, "methods")),
	    "%s: method count", name);
	for (i = 0; i < n; i++)
		CHECK(strcmp(m[i], json_string_value(json_array_get(
		    json_object_get(exp, "methods"), i))) == 0, "%s: method %zu",
		    name, i);
	CHECK(c->n_audit == json_array_size(json_object_get(exp,
	    "audit_ids")), "%s: audit count", name);
	for (i = 0; i < c->n_audit; i++) {
		claims_audit_format(c->audit[i], a);
		CHECK(strcmp(a, json_string_value(json_array_get(
		    json_object_get(exp, "audit_ids"), i))) == 0,
		    "%s: audit id %zu", name, i);
	}
}

static void
good_vector(struct hsm_sess *s, struct fernet_inv *inv, json_t *v,
    const struct claims_methods *cm)
{
	const char	*name = jstr(v, "name");
	json_t		*f = json_object_get(v, "fernet");
	json_t		*exp = json_object_get(v, "expect");
	struct claims	 c, got;
	uint8_t		 pl[1024], want[1024], iv[16];
	size_t		 pllen, wlen, ivlen;
	char		 tok[4096];
	uint64_t	 ts;
	int		 key = -1;

	claims_from(json_object_get(v, "claims"), cm, &c);
	CHECK(fernet_payload_pack(&c, pl, sizeof(pl), &pllen) == 0,
	    "%s: pack", name);
	hex_decode(jstr(exp, "payload_msgpack_hex"), want, &wlen);
	CHECK(pllen == wlen && memcmp(pl, want, wlen) == 0,
	    "%s: payload differs from Keystone's", name);
	hex_decode(jstr(f, "iv"), iv, &ivlen);
	CHECK(fernet_seal(s, fernet_inv_find(inv, FK_INDEX,
	    json_integer_value(json_object_get(f, "key_index"))),
	    json_integer_value(json_object_get(f, "timestamp")), iv, pl,
	    pllen, tok, sizeof(tok)) == 0 &&
	    strcmp(tok, jstr(v, "token")) == 0,
	    "%s: sealed token differs from Keystone's", name);
	CHECK(open_any(s, inv, jstr(v, "token"), &got, &ts, &key) == 0,
	    "%s: Keystone's token does not open", name);
	check_claims(name, exp, &got, cm, ts);
	CHECK(key == json_integer_value(json_object_get(f, "key_index")),
	    "%s: opened under key %d", name, key);
	printf("ok: %s\n", name);
}

/* The token with its '=' padding removed, as Keystone sends it. */
static void
unpad(const char *in, char *out, size_t sz)
{
	size_t	 n;

	snprintf(out, sz, "%s", in);
	for (n = strlen(out); n > 0 && out[n - 1] == '='; n--)
		out[n - 1] = '\0';
}

static int
envelope_open(struct hsm_sess *s, struct fernet_obj *k, const char *tok,
    uint8_t *pl, size_t *pllen, uint64_t *ts)
{
	uint8_t	 raw[4096];
	size_t	 rawlen;
	int	 r;

	if ((r = fernet_decode(tok, strlen(tok), raw, sizeof(raw), &rawlen)))
		return r;
	return fernet_open(s, k, raw, rawlen, pl, pllen, ts);
}

/* Fernet spec: generate and verify byte for byte; every invalid refused. */
static void
spec_vectors(struct hsm_sess *s, struct fernet_inv *inv, json_t *doc)
{
	struct fernet_obj *k = fernet_inv_find(inv, FK_INDEX, 0);
	json_t		*v, *g = json_array_get(json_object_get(doc, "generate"), 0);
	uint8_t		 iv[16], pl[4096];
	char		 tok[4096], want[4096];
	size_t		 i, n;
	uint64_t	 ts;
	struct claims	 c;

	for (i = 0; i < 16; i++)
		iv[i] = json_integer_value(json_array_get(json_object_get(g,
		    "iv"), i));
	unpad(jstr(g, "token"), want, sizeof(want));
	CHECK(k != NULL && fernet_seal(s, k, json_integer_value(
	    json_object_get(g, "timestamp")), iv, (const uint8_t *)"hello", 5,
	    tok, sizeof(tok)) == 0 && strcmp(tok, want) == 0,
	    "spec generate: %s", tok);
	CHECK(envelope_open(s, k, want, pl, &n, &ts) == 0 && n == 5 &&
	    memcmp(pl, "hello", 5) == 0 && ts == 499162800, "spec verify");
	CHECK(envelope_open(s, k, jstr(g, "token"), pl, &n, &ts) != 0,
	    "spec: a padded spelling was accepted");
	json_array_foreach(json_object_get(doc, "invalid"), i, v) {
		unpad(jstr(v, "token"), tok, sizeof(tok));
		if (json_is_true(json_object_get(v, "ttl_only"))) {
			/* Keystone sets no TTL: the envelope is fine, the
			 * payload ("hello") is not a token. */
			CHECK(envelope_open(s, k, tok, pl, &n, &ts) == 0 &&
			    fernet_payload_unpack(pl, n, &c) != 0,
			    "spec %s", jstr(v, "desc"));
		} else
			CHECK(envelope_open(s, k, jstr(v, "token"), pl, &n,
			    &ts) != 0 && envelope_open(s, k, tok, pl, &n,
			    &ts) != 0, "spec %s: accepted", jstr(v, "desc"));
		printf("ok: spec %s\n", jstr(v, "desc"));
	}
}

int
main(int argc, char **argv)
{
	struct claims_methods	 cm;
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*p;
	struct hsm_sess		*s;
	struct fernet_inv	 inv;
	struct secmem		*pin;
	struct claims		 c;
	CK_SLOT_ID		 slot;
	json_t			*doc, *v;
	uint64_t		 ts;
	size_t			 i;
	char			 err[256];
	int			 key;

	log_init("fernet-vectors", LOGL_ERR);
	if (argc < 3 || config_load(argv[1], &cf, err, sizeof(err)) != 0 ||
	    (doc = json_load_file(argv[argc - 1], 0, NULL)) == NULL ||
	    hsm_module_load(cf->hsm_module, &m) != 0 ||
	    hsm_token_find(m, cf->hsm_token, &slot, NULL) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(m, slot, CKU_USER, pin, 1, 0, &p) != 0 ||
	    hsm_sess_get(p, &s) != 0 || fernet_inv_load(s, &fernet_set_token, &inv) != 0)
		return 2;
	claims_methods_default(&cm);
	if (argc == 4 && strcmp(argv[2], "spec") == 0)
		spec_vectors(s, &inv, doc);
	else json_array_foreach(json_object_get(doc, "vectors"), i, v) {
		if (json_is_true(json_object_get(v, "keystone_accepts")))
			good_vector(s, &inv, v, &cm);
		else {
			CHECK(open_any(s, &inv, jstr(v, "token"), &c, &ts,
			    &key) != 0, "%s: accepted", jstr(v, "name"));
			printf("ok: refused %s\n", jstr(v, "name"));
		}
	}
	fernet_inv_clear(&inv);
	hsm_sess_put(p, s, 0);
	hsm_pool_free(p);
	hsm_module_free(m);
	config_free(cf);
	json_decref(doc);
	return fails != 0;
}
