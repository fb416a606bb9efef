/*
 * signet-provision: issues the local CA's self-signed certificate, the
 * signing certificate (digitalSignature, the S/MIME-signing purpose that
 * `openssl cms -verify` and keystoneclient require) and CSRs for an
 * external CA. Private keys are engine keys: X509_sign runs in the token.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "err.h"
#include "log.h"
#include "x509.h"

/* "/C=US/O=Example/CN=name", as keystone.conf's cert_subject. */
X509_NAME *
x509_name_parse(const char *dn)
{
	X509_NAME	*n;
	char		*copy, *part, *save = NULL, *eq;

	if (dn == NULL || *dn != '/' || (copy = strdup(dn + 1)) == NULL)
		return NULL;
	if ((n = X509_NAME_new()) == NULL)
		goto fail;
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if ((eq = strchr(part, '=')) == NULL || eq == part)
			goto fail;
		*eq = '\0';
		if (!X509_NAME_add_entry_by_txt(n, part, MBSTRING_UTF8,
		    (unsigned char *)eq + 1, -1, -1, 0))
			goto fail;
	}
	if (X509_NAME_entry_count(n) == 0)
		goto fail;
	free(copy);
	return n;
 fail:
	X509_NAME_free(n);
	free(copy);
	return NULL;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
random_serial(X509 *x)
{
	unsigned char	 buf[16];
	BIGNUM		*bn;
	int		 ok;

	if (RAND_bytes(buf, sizeof(buf)) != 1)
		return 0;
	buf[0] &= 0x7f;		/* positive, 16 bytes at most */
	buf[0] |= 0x40;
	if ((bn = BN_bin2bn(buf, sizeof(buf), NULL)) == NULL)
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

/* The skeleton both certificates share; NULL when anything fails. */
static X509 *
cert_base(EVP_PKEY *pub, const char *subject, int days)
{
	X509_NAME	*name;
	X509		*x;

	if ((name = x509_name_parse(subject)) == NULL) {
		log_err("subject '%s' is not of the form /K=V/K=V", subject);
		return NULL;
	}
	/* valid from an hour back: a verifier whose clock is behind (up to
	 * [signer] max_clock_skew) must not see a fresh certificate as
	 * not yet valid */
	if ((x = X509_new()) == NULL || !X509_set_version(x, 2) ||
	    !random_serial(x) || !X509_set_subject_name(x, name) ||
	    !X509_set_pubkey(x, pub) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) == NULL) {
		X509_free(x);
		x = NULL;
	}
	X509_NAME_free(name);
	return x;
}

static int
cert_sign(X509 *x, EVP_PKEY *key, X509 **out)
{
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		log_err("signing the certificate in the token failed");
		X509_free(x);
		return SIG_ERR_CRYPTO;
	}
	*out = x;
	return 0;
}

/* Caller owns *out. */
int
x509_make_ca(EVP_PKEY *priv, EVP_PKEY *pub, const char *subject, int days,
    X509 **out)
{
	X509	*x;

	*out = NULL;
	if ((x = cert_base(pub, subject, days)) == NULL)
		return SIG_ERR_CRYPTO;
	if (!X509_set_issuer_name(x, X509_get_subject_name(x)) ||
	    !add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    !add_ext(x, x, NID_subject_key_identifier, "hash")) {
		X509_free(x);
		return SIG_ERR_CRYPTO;
	}
	return cert_sign(x, priv, out);
}

/* Caller owns *out: the signing certificate, issued by ca with ca_priv. */
int
x509_make_leaf(EVP_PKEY *pub, X509 *ca, EVP_PKEY *ca_priv,
    const char *subject, int days, X509 **out)
{
	X509	*x;

	*out = NULL;
	if ((x = cert_base(pub, subject, days)) == NULL)
		return SIG_ERR_CRYPTO;
	if (!X509_set_issuer_name(x, X509_get_subject_name(ca)) ||
	    !add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, ca, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, ca, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, ca, NID_authority_key_identifier, "keyid:always")) {
		X509_free(x);
		return SIG_ERR_CRYPTO;
	}
	return cert_sign(x, ca_priv, out);
}

/* Caller owns *out: a CSR asking for digitalSignature only. */
int
x509_make_csr(EVP_PKEY *priv, EVP_PKEY *pub, const char *subject,
    X509_REQ **out)
{
	X509_NAME	*name;
	X509_REQ	*req;
	int		 ok;

	*out = NULL;
	if ((name = x509_name_parse(subject)) == NULL) {
		log_err("subject '%s' is not of the form /K=V/K=V", subject);
		return SIG_ERR_USAGE;
	}
	ok = (req = X509_REQ_new()) != NULL && X509_REQ_set_version(req, 0) &&
	    X509_REQ_set_subject_name(req, name) &&
	    X509_REQ_set_pubkey(req, pub) &&
	    X509_REQ_sign(req, priv, EVP_sha256()) > 0;
	X509_NAME_free(name);
	if (!ok) {
		X509_REQ_free(req);
		log_err("signing the CSR in the token failed");
		return SIG_ERR_CRYPTO;
	}
	*out = req;
	return 0;
}
