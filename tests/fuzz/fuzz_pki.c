/*
 * Fuzz target: PKI and PKIZ tokens and signed lists (signet-api and
 * libsignet-verify): text to canonical DER, then CMS SignedData checked
 * under keystoneclient's golden-vector certificates (tests/vectors/pki,
 * so the seeds verify), or one made at start when run elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cms_verify.h"
#include "fuzz.h"

static X509		*cert;
static X509_STORE	*store;

static X509 *
pem_file(const char *path)
{
	FILE	*f = fopen(path, "r");
	X509	*x = NULL;

	if (f != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

static void
make_cert(void)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");
	X509_NAME	*nm;

	cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, k);
	nm = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)"fuzz", -1, -1, 0);
	X509_set_issuer_name(cert, nm);
	X509_sign(cert, k, EVP_sha256());
	EVP_PKEY_free(k);
	X509_STORE_add_cert(store, cert);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	X509	*ca = pem_file("tests/vectors/pki/ca.pem");

	(void)argc;
	(void)argv;
	store = X509_STORE_new();
	if (ca != NULL && (cert = pem_file("tests/vectors/pki/"
	    "signing.pem")) != NULL) {
		X509_STORE_add_cert(store, ca);
		X509_free(ca);
	} else {
		X509_free(ca);
		make_cert();
	}
	return 0;
}

static void
open_der(uint8_t *der, size_t len)
{
	char	*text;
	size_t	 n;

	if (cmsv_open(der, len, cert, store, 0, &text, &n) == CMSV_OK)
		free(text);
	if (cmsv_open(der, len, cert, store, CMSV_PREVERIFIED, &text,
	    &n) == CMSV_OK)
		free(text);
	free(der);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char	*tok = fuzz_cstr(d, n);
	uint8_t	*der;
	size_t	 len;

	if (tok != NULL && cmsv_token_der(tok, &der, &len) == CMSV_OK)
		open_der(der, len);
	if (tok != NULL && cmsv_pem_der(tok, n, &der, &len) == CMSV_OK)
		open_der(der, len);
	free(tok);
	return 0;
}
