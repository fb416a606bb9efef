/*
 * Used by signet-api and libsignet-verify: PKI and PKIZ tokens and the
 * signed revocation list back to canonical DER, then CMS SignedData
 * verified exactly in the shape the signer makes (one signer, no
 * certificates, no attributes, attached data) under a pinned CA.
 */
#ifndef SIGNET_CMS_VERIFY_H
#define SIGNET_CMS_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#define CMSV_INFLATE_MAX	(1024 * 1024)	/* a zlib bomb stops here */
#define CMSV_DER_MAX		65535		/* "MII": 256..65535 bytes */
#define CMSV_LIST_MAX		(12 * 1024 * 1024) /* a signed list's DER */

enum cmsv_err {
	CMSV_OK = 0,
	CMSV_MALFORMED = -1,	/* not a PKI/PKIZ token or not canonical */
	CMSV_UNKNOWN_SIGNER = -2, /* signed by another certificate */
	CMSV_BAD_SIGNATURE = -3, /* signature, chain or validity refused */
	CMSV_NOMEM = -4,
};

/* cmsv_open flags */
#define CMSV_PREVERIFIED	0x1	/* the caller verified the signer's chain
					   and validity; skip per-token chain
					   building */

int		 cmsv_is_token(const char *);
int		 cmsv_token_der(const char *, uint8_t **, size_t *);
int		 cmsv_pem_der(const char *, size_t, uint8_t **, size_t *);
int		 cmsv_open(const uint8_t *, size_t, X509 *, X509_STORE *,
		    int, char **, size_t *);
const char	*cmsv_str(int);

#endif
