/*
 * signet-provision: certificates for the CMS keys, built with OpenSSL
 * around keys that stay in the token (EVP_PKEYs from the pkcs11 engine).
 */
#ifndef SIGNET_X509_H
#define SIGNET_X509_H

#include <openssl/x509.h>

X509_NAME	*x509_name_parse(const char *);
int	x509_make_ca(EVP_PKEY *, EVP_PKEY *, const char *, int, X509 **);
int	x509_make_leaf(EVP_PKEY *, X509 *, EVP_PKEY *, const char *, int,
	    X509 **);
int	x509_make_csr(EVP_PKEY *, EVP_PKEY *, const char *, X509_REQ **);
int	x509_check_ca(X509 *, char *, size_t);
int	x509_check_leaf(X509 *, X509 *, EVP_PKEY *, char *, size_t);

#endif
