/*
 * CMS (PKI token) keys in the token, for signerd and provision: a key pair
 * and a certificate object sharing one label and CKA_ID. The private key is
 * sensitive and never extractable; neither half can wrap or decrypt.
 */
#ifndef SIGNET_CMS_KEYS_H
#define SIGNET_CMS_KEYS_H

#include <openssl/x509.h>

#include "hsm.h"

#define CMS_SIGN_LABEL	"signet-signing"
#define CMS_CA_LABEL	"signet-ca"
#define CMS_NEW_SUFFIX	"-new"
#define CMS_ID_LEN	16

enum cms_key_type {
	CMS_RSA2048,
	CMS_RSA3072,
	CMS_RSA4096,
	CMS_EC_P256,
};

struct cms_key {
	CK_OBJECT_HANDLE priv;
	CK_OBJECT_HANDLE pub;
	CK_OBJECT_HANDLE cert;
	int		 has_priv, has_pub, has_cert;
	CK_KEY_TYPE	 kt;
	CK_ULONG	 bits;
};

int	cms_key_type_parse(const char *, enum cms_key_type *);
const char *cms_key_type_name(enum cms_key_type);
int	cms_key_find(struct hsm_sess *, const char *, struct cms_key *);
int	cms_key_generate(struct hsm_sess *, const char *, enum cms_key_type,
	    struct cms_key *);
int	cms_key_destroy(struct hsm_sess *, const char *);
int	cms_key_relabel(struct hsm_sess *, const char *, const char *);
int	cms_cert_store(struct hsm_sess *, const char *, X509 *);
int	cms_cert_read(struct hsm_sess *, const char *, X509 **);

#endif
