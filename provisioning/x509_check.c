/*
 * signet-provision: what a certificate must satisfy before it goes into
 * the token: its key is the token's, it is valid now, its CA says
 * CA:TRUE, and OpenSSL accepts it for S/MIME signing as verifiers will.
 */
#include <stdio.h>

#include <openssl/x509v3.h>

#include "err.h"
#include "x509.h"

static int
check_time(X509 *x, const char *what, char *why, size_t sz)
{
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		snprintf(why, sz, "%s is not valid yet", what);
		return SIG_ERR_CERT;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
		snprintf(why, sz, "%s has expired", what);
		return SIG_ERR_CERT;
	}
	return 0;
}

int
x509_check_ca(X509 *ca, char *why, size_t sz)
{
	uint32_t	 fl = X509_get_extension_flags(ca);

	if (!(fl & EXFLAG_BCONS) || !(fl & EXFLAG_CA)) {
		snprintf(why, sz, "the CA certificate lacks basicConstraints "
		    "CA:TRUE");
		return SIG_ERR_CERT;
	}
	return check_time(ca, "the CA certificate", why, sz);
}

static int
check_chain(X509 *leaf, X509 *ca, char *why, size_t sz)
{
	X509_STORE	*st = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 ok = 0;

	if (st != NULL && ctx != NULL && X509_STORE_add_cert(st, ca) &&
	    X509_STORE_CTX_init(ctx, st, leaf, NULL) &&
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SMIME_SIGN))
		ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		snprintf(why, sz, "the signing certificate does not verify "
		    "for S/MIME signing under the CA: %s", ctx == NULL ? "?" :
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return ok ? 0 : SIG_ERR_CERT;
}

/* token_pub is the public key of the token's signing key pair. */
int
x509_check_leaf(X509 *leaf, X509 *ca, EVP_PKEY *token_pub, char *why,
    size_t sz)
{
	int	 r;

	if (EVP_PKEY_eq(X509_get0_pubkey(leaf), token_pub) != 1) {
		snprintf(why, sz, "the certificate's public key is not the "
		    "token's signing key");
		return SIG_ERR_CERT;
	}
	if ((r = check_time(leaf, "the signing certificate", why, sz)) != 0 ||
	    (r = x509_check_ca(ca, why, sz)) != 0)
		return r;
	return check_chain(leaf, ca, why, sz);
}
