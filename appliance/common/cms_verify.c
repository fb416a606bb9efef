/*
 * Used by signet-api and libsignet-verify: opens PKI/PKIZ tokens and
 * signed lists. Trusts only the signing certificate and CA it is given;
 * refuses any encoding but the one the signer makes, so bytes outside the
 * signature cannot change what a token hashes to (OSSA-2016-005).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <zlib.h>

#include "b64url.h"
#include "cms_verify.h"

#define PEM_HEAD	"-----BEGIN CMS-----\n"
#define PEM_TAIL	"-----END CMS-----\n"

int
cmsv_is_token(const char *tok)
{
	return strncmp(tok, "MII", 3) == 0 || strncmp(tok, "PKIZ_", 5) == 0;
}

/* PKI: base64 with '-' for '/', padded; decoded through base64url. */
static int
pki_der(const char *tok, uint8_t **derp, size_t *lenp)
{
	size_t	 n = strlen(tok), i;
	char	*s;
	int	 r = CMSV_MALFORMED;

	if (n > (CMSV_DER_MAX + 2) / 3 * 4)
		return CMSV_MALFORMED;
	if ((s = malloc(n + 1)) == NULL ||
	    (*derp = malloc(n / 4 * 3 + 3)) == NULL) {
		free(s);
		return CMSV_NOMEM;
	}
	for (i = 0; i < n; i++)
		s[i] = tok[i] == '+' ? '-' : tok[i] == '-' ? '_' :
		    tok[i] == '_' ? '!' : tok[i];
	if (b64url_decode(s, n, B64URL_PAD, *derp, n / 4 * 3 + 3,
	    lenp) == 0 && *lenp >= 256)
		r = CMSV_OK;
	free(s);
	if (r != CMSV_OK) {
		free(*derp);
		*derp = NULL;
	}
	return r;
}

/* PKIZ: padded base64url of zlib(PEM); capped, nothing after the end. */
static int
pkiz_der(const char *tok, uint8_t **derp, size_t *lenp)
{
	size_t		 n = strlen(tok + 5), zlen;
	uint8_t		*z = NULL, *pem = NULL;
	z_stream	 zs;
	int		 r = CMSV_NOMEM;

	memset(&zs, 0, sizeof(zs));
	if (n > CMSV_INFLATE_MAX)
		return CMSV_MALFORMED;
	if ((z = malloc(n / 4 * 3 + 3)) == NULL ||
	    (pem = malloc(CMSV_INFLATE_MAX)) == NULL ||
	    inflateInit(&zs) != Z_OK)
		goto out;
	r = CMSV_MALFORMED;
	if (b64url_decode(tok + 5, n, B64URL_PAD, z, n / 4 * 3 + 3,
	    &zlen) != 0)
		goto out_inflate;
	zs.next_in = z;
	zs.avail_in = zlen;
	zs.next_out = pem;
	zs.avail_out = CMSV_INFLATE_MAX;
	if (inflate(&zs, Z_FINISH) == Z_STREAM_END && zs.avail_in == 0)
		r = cmsv_pem_der((char *)pem, CMSV_INFLATE_MAX - zs.avail_out,
		    derp, lenp);
 out_inflate:
	inflateEnd(&zs);
 out:
	free(z);
	free(pem);
	return r;
}

/* Caller owns *derp (free). */
int
cmsv_token_der(const char *tok, uint8_t **derp, size_t *lenp)
{
	*derp = NULL;
	*lenp = 0;
	if (strncmp(tok, "PKIZ_", 5) == 0)
		return pkiz_der(tok, derp, lenp);
	if (strncmp(tok, "MII", 3) == 0)
		return pki_der(tok, derp, lenp);
	return CMSV_MALFORMED;
}

/* One CMS PEM block and nothing else; caller owns *derp (free). */
int
cmsv_pem_der(const char *pem, size_t len, uint8_t **derp, size_t *lenp)
{
	BIO		*b;
	char		*name = NULL, *hdr = NULL;
	unsigned char	*data = NULL;
	long		 n = 0;
	int		 r = CMSV_MALFORMED;

	*derp = NULL;
	*lenp = 0;
	if (len < sizeof(PEM_HEAD) + sizeof(PEM_TAIL) ||
	    memcmp(pem, PEM_HEAD, sizeof(PEM_HEAD) - 1) != 0 ||
	    memcmp(pem + len - (sizeof(PEM_TAIL) - 1), PEM_TAIL,
	    sizeof(PEM_TAIL) - 1) != 0 || memchr(pem, '\0', len) != NULL)
		return CMSV_MALFORMED;
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return CMSV_NOMEM;
	if (PEM_read_bio(b, &name, &hdr, &data, &n) == 1 &&
	    strcmp(name, "CMS") == 0 && *hdr == '\0' && n > 0 &&
	    BIO_eof(b)) {
		*derp = data;
		*lenp = (size_t)n;
		data = NULL;
		r = CMSV_OK;
	}
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	OPENSSL_free(data);
	BIO_free(b);
	if (r == CMSV_OK) {	/* from OpenSSL's allocator into ours */
		uint8_t	*d = malloc(*lenp);

		if (d != NULL)
			memcpy(d, *derp, *lenp);
		OPENSSL_free(*derp);
		*derp = d;
		r = d != NULL ? CMSV_OK : CMSV_NOMEM;
	}
	return r;
}

/* Exactly the signer's shape, and DER that re-encodes to itself. */
static int
cms_shape(CMS_ContentInfo *cms, const uint8_t *der, size_t len)
{
	STACK_OF(CMS_SignerInfo)	*sis;
	STACK_OF(X509)			*certs;
	STACK_OF(X509_CRL)		*crls;
	CMS_SignerInfo			*si;
	ASN1_OCTET_STRING		**content;
	unsigned char			*re = NULL;
	int				 n, ok;

	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data ||
	    (content = CMS_get0_content(cms)) == NULL || *content == NULL ||
	    (sis = CMS_get0_SignerInfos(cms)) == NULL ||
	    sk_CMS_SignerInfo_num(sis) != 1)
		return 0;
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	crls = CMS_get1_crls(cms);
	ok = certs == NULL && crls == NULL &&
	    CMS_signed_get_attr_count(si) <= 0 &&
	    CMS_unsigned_get_attr_count(si) <= 0;
	sk_X509_pop_free(certs, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (ok && ((n = i2d_CMS_ContentInfo(cms, &re)) <= 0 ||
	    (size_t)n != len || memcmp(re, der, len) != 0))
		ok = 0;
	OPENSSL_free(re);
	return ok;
}

static int
cms_parse(const uint8_t *der, size_t len, CMS_ContentInfo **cmsp)
{
	const unsigned char	*p = der;

	*cmsp = NULL;
	if (len == 0 || len > CMSV_LIST_MAX)
		return CMSV_MALFORMED;
	if ((*cmsp = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL ||
	    p != der + len || !cms_shape(*cmsp, der, len)) {
		ERR_clear_error();
		CMS_ContentInfo_free(*cmsp);
		*cmsp = NULL;
		return CMSV_MALFORMED;
	}
	return CMSV_OK;
}

/* The verified content, NUL-terminated; caller owns *outp (free). */
int
cmsv_open(const uint8_t *der, size_t len, X509 *signer, X509_STORE *ca,
    int flags, char **outp, size_t *outlen)
{
	CMS_ContentInfo	*cms;
	STACK_OF(X509)	*certs = NULL;
	BIO		*out = NULL;
	char		*data;
	long		 n;
	int		 r;

	*outp = NULL;
	*outlen = 0;
	if ((r = cms_parse(der, len, &cms)) != CMSV_OK)
		return r;
	r = CMSV_UNKNOWN_SIGNER;
	if (signer == NULL || ca == NULL || CMS_SignerInfo_cert_cmp(
	    sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0), signer))
		goto out;
	r = CMSV_NOMEM;
	if ((certs = sk_X509_new_null()) == NULL ||
	    !sk_X509_push(certs, signer) ||
	    (out = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	r = CMSV_BAD_SIGNATURE;
	if (CMS_verify(cms, certs, ca, NULL, out, CMS_BINARY |
	    (flags & CMSV_PREVERIFIED ? CMS_NO_SIGNER_CERT_VERIFY : 0)) != 1 ||
	    (n = BIO_get_mem_data(out, &data)) <= 0 ||
	    memchr(data, '\0', n) != NULL)
		goto out;
	r = CMSV_NOMEM;
	if ((*outp = malloc(n + 1)) == NULL)
		goto out;
	memcpy(*outp, data, n);
	(*outp)[n] = '\0';
	*outlen = (size_t)n;
	r = CMSV_OK;
 out:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	sk_X509_free(certs);
	BIO_free(out);
	return r;
}

const char *
cmsv_str(int r)
{
	switch (r) {
	case CMSV_OK:
		return "ok";
	case CMSV_MALFORMED:
		return "not a well-formed PKI token";
	case CMSV_UNKNOWN_SIGNER:
		return "signed by an unknown certificate";
	case CMSV_BAD_SIGNATURE:
		return "signature or certificate chain refused";
	default:
		return "out of memory";
	}
}
