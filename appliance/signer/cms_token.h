/*
 * signet-signerd: PKI and PKIZ tokens (keystoneclient/common/cms.py).
 */
#ifndef SIGNET_CMS_TOKEN_H
#define SIGNET_CMS_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#define CMS_BODY_MAX	(40 * 1024)	/* its token fits one frame */
#define CMS_TOKEN_MAX	(60 * 1024)
#define CMS_LIST_MAX	(8 * 1024 * 1024) /* a revocation list (~10^5
					     entries); its PEM fits a big
					     frame */

int	cms_token_sign(X509 *, EVP_PKEY *, const uint8_t *, size_t, int,
	    char *, size_t);
int	cms_token_selftest(X509 *, EVP_PKEY *);
int	cms_pem_sign(X509 *, EVP_PKEY *, const uint8_t *, size_t, char **);

#endif
