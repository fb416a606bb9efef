/*
 * signet-api: GET /v3/OS-SIMPLE-CERT/jwks, the JWS public keys as an RFC
 * 7517 JWK Set, unauthenticated as the certificates beside it are: what
 * a service needs to validate JWS tokens offline. Each key is named by
 * its RFC 7638 thumbprint, so a kid says which key and never changes.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>

#include "b64url.h"
#include "jws.h"
#include "log.h"
#include "api.h"

#define COORD_LEN	32			/* P-256 */
#define COORD_B64	44			/* its base64url, with room */
#define THUMB_B64	44			/* of a SHA-256 digest */

/* A P-256 coordinate, big-endian, padded, as base64url. */
static int
coord(const EVP_PKEY *k, const char *name, char *out)
{
	BIGNUM	*bn = NULL;
	uint8_t	 b[COORD_LEN];
	int	 ok;

	ok = EVP_PKEY_get_bn_param(k, name, &bn) == 1 &&
	    BN_bn2binpad(bn, b, sizeof(b)) == COORD_LEN &&
	    b64url_encode(b, sizeof(b), B64URL_NOPAD, out, COORD_B64) > 0;
	BN_free(bn);
	return ok ? 0 : -1;
}

/* RFC 7638: SHA-256 of the required members, sorted, no spaces. */
static void
thumbprint(const char *x, const char *y, char *out)
{
	char	 canon[160];
	uint8_t	 d[SHA256_DIGEST_LENGTH];
	int	 n;

	n = snprintf(canon, sizeof(canon),
	    "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
	    x, y);
	SHA256((const uint8_t *)canon, (size_t)n, d);
	b64url_encode(d, sizeof(d), B64URL_NOPAD, out, THUMB_B64);
}

/* One key as a JWK; NULL for what is no P-256 key. */
static json_t *
jwk(const uint8_t *spki, size_t len)
{
	EVP_PKEY	*k = jws_pubkey(spki, len);
	char		 x[COORD_B64] = "", y[COORD_B64] = "", kid[THUMB_B64];
	json_t		*o = NULL;

	if (k != NULL && coord(k, OSSL_PKEY_PARAM_EC_PUB_X, x) == 0 &&
	    coord(k, OSSL_PKEY_PARAM_EC_PUB_Y, y) == 0) {
		thumbprint(x, y, kid);
		o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kty", "EC",
		    "crv", "P-256", "x", x, "y", y, "use", "sig", "alg",
		    "ES256", "kid", kid);
	}
	EVP_PKEY_free(k);
	return o;
}

enum MHD_Result
route_jwks(struct api *a, struct MHD_Connection *c)
{
	Signet__V1__PublicMaterialResponse *pm;
	Signet__V1__Response	*resp = NULL;
	json_t			*keys, *k;
	size_t			 i;

	if (sigc_public_material(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		return api_error(a, c, 503, "The token service is "
		    "temporarily unavailable.");
	}
	pm = resp->public_material;
	if ((keys = json_array()) == NULL) {
		sigc_response_free(resp);
		return MHD_NO;
	}
	for (i = 0; i < pm->n_jws_public_keys; i++)
		if ((k = jwk(pm->jws_public_keys[i].data,
		    pm->jws_public_keys[i].len)) != NULL)
			json_array_append_new(keys, k);
		else
			log_warn("JWS public key %zu is no P-256 key", i);
	sigc_response_free(resp);
	return api_json(c, 200, json_pack("{s:o}", "keys", keys), NULL);
}
