/*
 * signet-signerd: PKI and PKIZ tokens exactly as keystoneclient makes them
 * (`openssl cms -sign -nosmimecap -nodetach -nocerts -noattr -md sha256`,
 * PEM armour stripped and '/' turned into '-'; PKIZ: zlib level 6 of the
 * PEM text, padded base64url, "PKIZ_"), signed in-process with the token's
 * key through the pkcs11 engine.
 */
#include <string.h>

#include <openssl/pem.h>
#include <openssl/cms.h>
#include <zlib.h>

#include "b64url.h"
#include "cms_token.h"
#include "err.h"
#include "log.h"

#define CMS_FLAGS	(CMS_NOSMIMECAP | CMS_NOCERTS | CMS_NOATTR)

/* The PEM text of SignedData over body; caller owns *pemp (free). */
static int
cms_pem(X509 *cert, EVP_PKEY *key, const uint8_t *body, size_t len,
    char **pemp, size_t *pemlen)
{
	CMS_ContentInfo	*cms = NULL;
	BIO		*in = NULL, *out = NULL;
	char		*data;
	long		 n;
	int		 r = SIG_ERR_CRYPTO;

	*pemp = NULL;
	if ((in = BIO_new_mem_buf(body, (int)len)) == NULL ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    (cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_FLAGS |
	    CMS_PARTIAL)) == NULL ||
	    CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_FLAGS) == NULL ||
	    !CMS_final(cms, in, NULL, CMS_FLAGS) ||
	    !PEM_write_bio_CMS(out, cms) ||
	    (n = BIO_get_mem_data(out, &data)) <= 0 ||
	    (*pemp = malloc(n + 1)) == NULL)
		goto out;
	memcpy(*pemp, data, n);
	(*pemp)[n] = '\0';
	*pemlen = (size_t)n;
	r = 0;
 out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return r;
}

/* PEM without armour and newlines, '/' as '-' (cms_to_token). */
static int
pki_from_pem(const char *pem, char *tok, size_t toksz)
{
	const char	*p = strchr(pem, '\n'), *end = strstr(pem, "-----END");
	size_t		 o = 0;

	if (p == NULL || end == NULL)
		return SIG_ERR_CRYPTO;
	for (p++; p < end; p++) {
		if (*p == '\n')
			continue;
		if (o + 1 >= toksz)
			return SIG_ERR_BAD_INPUT;
		tok[o++] = *p == '/' ? '-' : *p;
	}
	tok[o] = '\0';
	return 0;
}

static int
pkiz_from_pem(const char *pem, size_t pemlen, char *tok, size_t toksz)
{
	uint8_t	 z[CMS_TOKEN_MAX];
	uLongf	 zlen = sizeof(z);

	if (compress2(z, &zlen, (const Bytef *)pem, pemlen, 6) != Z_OK ||
	    toksz < 6 || b64url_enclen(zlen, B64URL_PAD) >= toksz - 5)
		return SIG_ERR_BAD_INPUT;
	memcpy(tok, "PKIZ_", 5);
	b64url_encode(z, zlen, B64URL_PAD, tok + 5, toksz - 5);
	return 0;
}

/* The signed revocation list, left as PEM as keystone did; caller frees
 * *pemp. */
int
cms_pem_sign(X509 *cert, EVP_PKEY *key, const uint8_t *body, size_t len,
    char **pemp)
{
	size_t	 pemlen;

	return cms_pem(cert, key, body, len, pemp, &pemlen);
}

int
cms_token_sign(X509 *cert, EVP_PKEY *key, const uint8_t *body, size_t len,
    int pkiz, char *tok, size_t toksz)
{
	char	*pem;
	size_t	 pemlen;
	int	 r;

	if ((r = cms_pem(cert, key, body, len, &pem, &pemlen)) != 0) {
		log_err("CMS signing in the token failed");
		return r;
	}
	r = pkiz ? pkiz_from_pem(pem, pemlen, tok, toksz) :
	    pki_from_pem(pem, tok, toksz);
	free(pem);
	return r;
}

/* Signs then verifies under the certificate (the start-up self-test). */
int
cms_token_selftest(X509 *cert, EVP_PKEY *key)
{
	static const uint8_t	 body[] = "{\"signet\": \"self-test\"}";
	CMS_ContentInfo		*cms = NULL;
	BIO			*in = BIO_new_mem_buf(body, sizeof(body) - 1);
	BIO			*out = BIO_new(BIO_s_mem());
	STACK_OF(X509)		*certs = sk_X509_new_null();
	int			 ok = 0;

	if (in != NULL && out != NULL && certs != NULL &&
	    sk_X509_push(certs, cert) &&
	    (cms = CMS_sign(cert, key, NULL, in, CMS_FLAGS | CMS_BINARY)))
		ok = CMS_verify(cms, certs, NULL, NULL, out,
		    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
	CMS_ContentInfo_free(cms);
	sk_X509_free(certs);
	BIO_free(in);
	BIO_free(out);
	return ok ? 0 : SIG_ERR_CRYPTO;
}
