/*
 * libsignet-verify: the JWS public keys, from the token service's JWK Set
 * (GET /v3/OS-SIMPLE-CERT/jwks), kept in the signing directory so a
 * service can start with the token service down. What it trusts: the
 * link to the token service (https_ca_file), as for an unpinned CA. A
 * set is taken whole when every key in it is a P-256 ES256 key; anything
 * else keeps what we had.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "b64url.h"
#include "err.h"
#include "jws.h"
#include "verify.h"

#define JWKS_FILE	"jwks.json"
#define COORD_LEN	32		/* P-256 */

struct jws_keyset *
sv_jwks_get(struct signet_verifier *v)
{
	struct jws_keyset	*ks;

	pthread_mutex_lock(&v->mu);
	ks = jws_keyset_ref(v->jwks);
	pthread_mutex_unlock(&v->mu);
	return ks;
}

static int
coord(json_t *k, const char *name, uint8_t *out)
{
	const char	*s = json_string_value(json_object_get(k, name));
	size_t		 n;

	return s != NULL && b64url_decode(s, strlen(s), B64URL_NOPAD, out,
	    COORD_LEN, &n) == 0 && n == COORD_LEN ? 0 : -1;
}

/* 1 when member name is want, or absent and may be. */
static int
member_is(json_t *k, const char *name, const char *want, int optional)
{
	json_t	*m = json_object_get(k, name);

	if (m == NULL)
		return optional;
	return json_is_string(m) && strcmp(json_string_value(m), want) == 0;
}

/* One JWK as a key; NULL unless an EC P-256 key for ES256 signatures
 * (and never a private one). */
static EVP_PKEY *
jwk_key(json_t *k)
{
	uint8_t		 point[JWS_POINT_LEN], der[JWS_SPKI_LEN];

	if (!json_is_object(k) || json_object_get(k, "d") != NULL ||
	    !member_is(k, "kty", "EC", 0) || !member_is(k, "crv", "P-256", 0) ||
	    !member_is(k, "alg", "ES256", 1) || !member_is(k, "use", "sig", 1))
		return NULL;
	point[0] = 0x04;
	if (coord(k, "x", point + 1) != 0 ||
	    coord(k, "y", point + 1 + COORD_LEN) != 0)
		return NULL;
	jws_spki_of(point, der);
	return jws_pubkey(der, sizeof(der));	/* the point is on the curve */
}

/* A whole set from its JSON text, or NULL. */
static struct jws_keyset *
jwks_parse(const char *text)
{
	json_t		*doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	json_t		*keys = json_object_get(doc, "keys"), *k;
	struct jws_keyset	*ks = NULL;
	size_t		 i;

	if (!json_is_array(keys) || json_array_size(keys) > JWS_KEYSET_MAX ||
	    (ks = jws_keyset_new()) == NULL)
		goto out;
	json_array_foreach(keys, i, k) {
		if (jws_keyset_add(ks, jwk_key(k)) != 0) {
			jws_keyset_put(ks);
			ks = NULL;
			goto out;
		}
	}
 out:
	json_decref(doc);
	return ks;
}

static void
jwks_install(struct signet_verifier *v, struct jws_keyset *ks)
{
	struct jws_keyset	*old;

	pthread_mutex_lock(&v->mu);
	old = v->jwks;
	v->jwks = ks;
	pthread_mutex_unlock(&v->mu);
	jws_keyset_put(old);
}

/* What an earlier run kept. */
int
sv_jwks_load(struct signet_verifier *v)
{
	char		*text = sv_dir_read(v->cf.signing_dir, JWKS_FILE);
	struct jws_keyset	*ks = text != NULL ? jwks_parse(text) : NULL;

	free(text);
	if (ks == NULL)
		return -1;
	jwks_install(v, ks);
	return 0;
}

int
sv_jwks_fetch(struct signet_verifier *v)
{
	struct sv_http	 h;
	struct jws_keyset	*ks = NULL;
	int		 r = -1;

	pthread_mutex_lock(&v->fetch_mu);
	if (sv_http(v, "GET", "v3/OS-SIMPLE-CERT/jwks", NULL, NULL, NULL,
	    &h) == 0) {
		if (h.status == 200 && (ks = jwks_parse(h.body)) != NULL &&
		    sv_dir_write(v->cf.signing_dir, JWKS_FILE, h.body,
		    h.len) == 0) {
			jwks_install(v, ks);
			r = 0;
		} else
			jws_keyset_put(ks);
		sv_http_clear(&h);
	}
	pthread_mutex_unlock(&v->fetch_mu);
	return r;
}

/* After a token under a key we do not know: at most once per
 * SV_JWKS_REFETCH_MIN, so forged tokens cannot drive downloads. */
static int
jwks_refetch(struct signet_verifier *v)
{
	int64_t	 now = time(NULL);
	int	 go;

	pthread_mutex_lock(&v->mu);
	go = now - v->last_jwks_refetch >= SV_JWKS_REFETCH_MIN;
	if (go)
		v->last_jwks_refetch = now;
	pthread_mutex_unlock(&v->mu);
	if (!go)
		return -1;
	atomic_fetch_add(&v->n_refetch, 1);
	return sv_jwks_fetch(v);
}

/* The claims text of tok under the current keys (caller frees), or a
 * status. */
static enum signet_verify_status
jwks_verify(struct signet_verifier *v, const char *tok, char **textp)
{
	struct jws_keyset	*ks = sv_jwks_get(v);
	size_t		 len;
	int		 r;

	*textp = NULL;
	if (ks == NULL)
		return SIGNET_VERIFY_BAD_SIGNATURE;
	if ((*textp = malloc(JWS_PAYLOAD_MAX + 1)) == NULL) {
		jws_keyset_put(ks);
		return SIGNET_VERIFY_ERROR;
	}
	r = jws_keyset_verify(ks, tok, *textp, JWS_PAYLOAD_MAX + 1, &len);
	jws_keyset_put(ks);
	if (r == 0)
		return SIGNET_VERIFY_OK;
	free(*textp);
	*textp = NULL;
	return r == SIG_ERR_BAD_INPUT ? SIGNET_VERIFY_MALFORMED :
	    SIGNET_VERIFY_BAD_SIGNATURE;
}

enum signet_verify_status
sv_jws_open(struct signet_verifier *v, const char *tok, struct sv_ident **idp)
{
	enum signet_verify_status st;
	char		*text;

	*idp = NULL;
	/* a new key (a rotation): fetch once (rate-limited), retry */
	if ((st = jwks_verify(v, tok, &text)) == SIGNET_VERIFY_BAD_SIGNATURE &&
	    jwks_refetch(v) == 0)
		st = jwks_verify(v, tok, &text);
	if (st != SIGNET_VERIFY_OK)
		return st;
	return sv_ident_jws(text, idp) == 0 ? SIGNET_VERIFY_OK :
	    SIGNET_VERIFY_MALFORMED;
}
