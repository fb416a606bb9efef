/*
 * JWS tokens, strictly: the header must be the exact one Keystone writes
 * (so "none", HS256 with a public key as its secret or any other
 * algorithm never reaches a verifier), every part canonical unpadded
 * base64url (the signature's unused bits zero: one token, one spelling)
 * and the signature 64 bytes of r||s, never DER.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509.h>

#include "b64url.h"
#include "err.h"
#include "jws.h"

#define HDR_LEN		(sizeof(JWS_HEADER_B64) - 1)

/* header.payload: what is signed. */
int
jws_signing_input(const char *payload, size_t len, char *out, size_t outsz)
{
	size_t	 need = HDR_LEN + 1 + b64url_enclen(len, B64URL_NOPAD);

	if (need + 1 > outsz)
		return SIG_ERR_BAD_INPUT;
	memcpy(out, JWS_HEADER_B64 ".", HDR_LEN + 1);
	b64url_encode((const uint8_t *)payload, len, B64URL_NOPAD,
	    out + HDR_LEN + 1, outsz - HDR_LEN - 1);
	return 0;
}

/* Fetched once: EVP_sha256() looks the digest up again at every use. */
static EVP_MD		*sha256;
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
jws_digest(const char *input, uint8_t *digest)
{
	unsigned int	 n = 32;

	pthread_once(&sha256_once, sha256_fetch);
	EVP_Digest(input, strlen(input), digest, &n, sha256 != NULL ? sha256 :
	    EVP_sha256(), NULL);
}

/* input.signature, into out. */
int
jws_compact(const char *input, const uint8_t *sig, char *out, size_t outsz)
{
	size_t	 n = strlen(input);

	if (n + 1 + b64url_enclen(JWS_ES256_SIG_LEN, B64URL_NOPAD) + 1 >
	    outsz)
		return SIG_ERR_BAD_INPUT;
	memcpy(out, input, n);
	out[n] = '.';
	b64url_encode(sig, JWS_ES256_SIG_LEN, B64URL_NOPAD, out + n + 1,
	    outsz - n - 1);
	return 0;
}

/* The token's parts; 0 when it has Keystone's header and three parts. */
static int
split(const char *tok, const char **payload, size_t *plen, const char **sig)
{
	const char	*dot;

	if (strnlen(tok, JWS_TOKEN_MAX + 1) > JWS_TOKEN_MAX ||
	    strncmp(tok, JWS_HEADER_B64 ".", HDR_LEN + 1) != 0)
		return SIG_ERR_BAD_INPUT;
	*payload = tok + HDR_LEN + 1;
	if ((dot = strchr(*payload, '.')) == NULL || strchr(dot + 1, '.'))
		return SIG_ERR_BAD_INPUT;
	*plen = dot - *payload;
	*sig = dot + 1;
	return 0;
}

/* 1 when tok could be a JWS token signet or Keystone made. */
int
jws_shaped(const char *tok)
{
	const char	*payload, *sig;
	size_t		 plen;

	return split(tok, &payload, &plen, &sig) == 0 && plen > 0 &&
	    strlen(sig) == b64url_enclen(JWS_ES256_SIG_LEN, B64URL_NOPAD);
}

/* r||s as the DER ECDSA-Sig-Value OpenSSL verifies. */
static int
sig_der(const uint8_t *rs, uint8_t **der)
{
	ECDSA_SIG	*es = ECDSA_SIG_new();
	BIGNUM		*r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32,
			    32, NULL);
	int		 n = -1;

	if (es != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(es, r, s)) {
		r = s = NULL;	/* es owns them */
		n = i2d_ECDSA_SIG(es, der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return n;
}

static int
verify_one(EVP_PKEY *k, const uint8_t *der, int dlen, const char *input,
    size_t ilen)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	int		 ok;

	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestVerify(ctx, der, dlen, (const uint8_t *)input,
	    ilen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/*
 * The claims (JSON, NUL-terminated, into out) of a token one of keys
 * signed, trying keys[*first] before the others (first may be NULL) and
 * leaving there the one that verified: SIG_ERR_BAD_INPUT when it is no
 * ES256 token of Keystone's form, SIG_ERR_KEY_NOT_FOUND when no key
 * verifies it. The token is decoded once, whatever the number of keys.
 */
static int
verify_from(const char *tok, EVP_PKEY *const *keys, size_t nkeys,
    size_t *first, char *out, size_t outsz, size_t *outlen)
{
	const char	*payload, *sigtxt;
	uint8_t		 rs[JWS_ES256_SIG_LEN], *der = NULL;
	size_t		 plen, n, i, k, start;
	int		 dlen, r = SIG_ERR_KEY_NOT_FOUND;

	*outlen = 0;
	if (split(tok, &payload, &plen, &sigtxt) != 0 ||
	    b64url_decode(sigtxt, strlen(sigtxt), B64URL_NOPAD, rs,
	    sizeof(rs), &n) != 0 || n != sizeof(rs) ||
	    b64url_decode(payload, plen, B64URL_NOPAD, (uint8_t *)out,
	    outsz - 1, outlen) != 0 || *outlen == 0)
		return SIG_ERR_BAD_INPUT;
	out[*outlen] = '\0';
	if ((dlen = sig_der(rs, &der)) <= 0)
		return SIG_ERR_CRYPTO;
	start = first != NULL && *first < nkeys ? *first : 0;
	for (i = 0; i < nkeys && r != 0; i++) {
		k = (start + i) % nkeys;
		if (verify_one(keys[k], der, dlen, tok, sigtxt - 1 - tok)) {
			r = 0;
			if (first != NULL)
				*first = k;
		}
	}
	OPENSSL_free(der);
	if (r != 0)
		*outlen = 0;
	return r;
}

int
jws_verify(const char *tok, EVP_PKEY *const *keys, size_t nkeys, char *out,
    size_t outsz, size_t *outlen)
{
	return verify_from(tok, keys, nkeys, NULL, out, outsz, outlen);
}

/*
 * A set of public keys shared by the threads that verify with it and
 * replaced whole by the one that fetches a new one. Keystone's header
 * names no key, so the key that verified last is tried first: the one
 * signing now, not the staged key listed before it.
 */
struct jws_keyset *
jws_keyset_new(void)
{
	struct jws_keyset	*ks;

	if ((ks = calloc(1, sizeof(*ks))) == NULL)
		return NULL;
	atomic_init(&ks->refs, 1);
	atomic_init(&ks->hint, 0);
	ks->made_at = time(NULL);
	return ks;
}

/* Takes k (freed when the set is full or k is NULL); 0 when added. */
int
jws_keyset_add(struct jws_keyset *ks, EVP_PKEY *k)
{
	if (k == NULL || ks->n == JWS_KEYSET_MAX) {
		EVP_PKEY_free(k);
		return -1;
	}
	ks->k[ks->n++] = k;
	return 0;
}

struct jws_keyset *
jws_keyset_ref(struct jws_keyset *ks)
{
	if (ks != NULL)
		atomic_fetch_add(&ks->refs, 1);
	return ks;
}

void
jws_keyset_put(struct jws_keyset *ks)
{
	size_t	 i;

	if (ks == NULL || atomic_fetch_sub(&ks->refs, 1) != 1)
		return;
	for (i = 0; i < ks->n; i++)
		EVP_PKEY_free(ks->k[i]);
	free(ks);
}

int
jws_keyset_verify(struct jws_keyset *ks, const char *tok, char *out,
    size_t outsz, size_t *outlen)
{
	size_t	 h = atomic_load(&ks->hint);
	int	 r;

	if ((r = verify_from(tok, ks->k, ks->n, &h, out, outsz, outlen)) == 0)
		atomic_store(&ks->hint, h);
	return r;
}

/* SubjectPublicKeyInfo of a P-256 key, up to its uncompressed point */
static const uint8_t spki_head[] = { 0x30, 0x59, 0x30, 0x13, 0x06, 0x07,
    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00 };

/* The uncompressed point inside a P-256 SubjectPublicKeyInfo. */
int
jws_spki_point(const uint8_t *spki, size_t len, const uint8_t **point)
{
	if (len != JWS_SPKI_LEN ||
	    memcmp(spki, spki_head, sizeof(spki_head)) != 0 ||
	    spki[sizeof(spki_head)] != 0x04)
		return SIG_ERR_BAD_INPUT;
	*point = spki + sizeof(spki_head);
	return 0;
}

/* The SubjectPublicKeyInfo (JWS_SPKI_LEN bytes) of an uncompressed point. */
void
jws_spki_of(const uint8_t *point, uint8_t *spki)
{
	memcpy(spki, spki_head, sizeof(spki_head));
	memcpy(spki + sizeof(spki_head), point, JWS_POINT_LEN);
}

/* A P-256 public key from its SubjectPublicKeyInfo; NULL if not one. */
EVP_PKEY *
jws_pubkey(const uint8_t *spki, size_t len)
{
	const uint8_t	*p = spki;
	EVP_PKEY	*k = d2i_PUBKEY(NULL, &p, (long)len);
	char		 group[32];

	if (k != NULL && (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) ||
	    strcmp(group, "prime256v1") != 0)) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}
