/*
 * Benchmark (make bench, not a test): JWS validation in process, as
 * signet-api does it (jws_verify under the public keys, then the claims
 * read strictly), next to a bare OpenSSL ECDSA P-256 verify loop of the
 * same signing input and signature: the ceiling.
 *   jws_verify SECONDS
 * prints "bare N", "jws N" and "jws_behind N" (per second, one thread);
 * jws_behind is the token of the second of two keys, as one verified
 * without the last key's hint would cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "jws.h"
#include "jws_claims.h"

#define ROUNDS	5

static double
max(double a, double b)
{
	return a > b ? a : b;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A real payload: project-scoped claims as signet-api's would be. */
static char *
payload(void)
{
	static char	 user[] = "0c2b7eea0e925cc9974fab5df940c6bd";
	static char	 proj[] = "c27fba85674c5d43978d839a7eae2553";
	static char	 pw[] = "password", aid[] = "DMz0_i0HjcyWYPLiLhVsqA";
	char		*m[1] = { pw }, *a[1] = { aid };
	Signet__V1__Claims c;

	signet__v1__claims__init(&c);
	c.scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
	c.user_id = user;
	c.project_id = proj;
	c.methods = m;
	c.n_methods = 1;
	c.audit_ids = a;
	c.n_audit_ids = 1;
	c.expires_at = time(NULL) + 3600;
	return jws_claims_json(&c, time(NULL));
}

/* The compact token of input under k, and its DER signature. */
static int
sign(EVP_PKEY *k, const char *input, char *tok, size_t toksz, uint8_t *der,
    size_t *derlen)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	const uint8_t	*p = der;
	ECDSA_SIG	*es;
	uint8_t		 rs[JWS_ES256_SIG_LEN];
	int		 ok;

	ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    k) == 1 && EVP_DigestSign(ctx, der, derlen, (const uint8_t *)input,
	    strlen(input)) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok || (es = d2i_ECDSA_SIG(NULL, &p, (long)*derlen)) == NULL)
		return -1;
	BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32);
	BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32);
	ECDSA_SIG_free(es);
	return jws_compact(input, rs, tok, toksz);
}

static double
bare(EVP_PKEY *k, const char *input, const uint8_t *der, size_t derlen,
    double secs)
{
	double		 end = now() + secs, t0 = now();
	EVP_MD_CTX	*ctx;
	long		 n = 0;

	while (now() < end) {
		ctx = EVP_MD_CTX_new();
		if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
		    k) != 1 || EVP_DigestVerify(ctx, der, derlen,
		    (const uint8_t *)input, strlen(input)) != 1)
			return -1;
		EVP_MD_CTX_free(ctx);
		n++;
	}
	return n / (now() - t0);
}

static double
jws(EVP_PKEY *const *keys, size_t nkeys, const char *tok, double secs)
{
	static char		 out[JWS_PAYLOAD_MAX + 1];
	struct jws_claims	 jc;
	double			 end = now() + secs, t0 = now();
	size_t			 len;
	long			 n = 0;

	while (now() < end) {
		if (jws_verify(tok, keys, nkeys, out, sizeof(out), &len) != 0 ||
		    jws_claims_read(out, len, &jc) != 0)
			return -1;
		jws_claims_free(&jc);
		n++;
	}
	return n / (now() - t0);
}

int
main(int argc, char **argv)
{
	EVP_PKEY	*k[2];
	char		*pl, input[JWS_TOKEN_MAX], tok[JWS_TOKEN_MAX];
	uint8_t		 der[80];
	size_t		 derlen = sizeof(der);
	double		 secs = argc > 1 ? atof(argv[1]) : 3, best[3] = { 0 };
	int		 i;

	if ((k[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (k[1] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (pl = payload()) == NULL ||
	    jws_signing_input(pl, strlen(pl), input, sizeof(input)) != 0 ||
	    sign(k[1], input, tok, sizeof(tok), der, &derlen) != 0)
		return 2;
	/* interleaved rounds, the best of each: a shared machine's drift
	 * falls on all three alike */
	for (i = 0; i < ROUNDS; i++) {
		best[0] = max(best[0], bare(k[1], input, der, derlen,
		    secs / ROUNDS));
		best[1] = max(best[1], jws(&k[1], 1, tok, secs / ROUNDS));
		best[2] = max(best[2], jws(k, 2, tok, secs / ROUNDS));
	}
	printf("bare %.0f\njws %.0f\njws_behind %.0f\n", best[0], best[1],
	    best[2]);
	free(pl);
	EVP_PKEY_free(k[0]);
	EVP_PKEY_free(k[1]);
	return 0;
}
