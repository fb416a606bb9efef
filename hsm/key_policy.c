/*
 * signerd and provision: the mechanisms each of signet's keys is for.
 * Fernet seals with AES-CBC-PAD and opens with raw AES-CBC (the padding is
 * checked in constant time outside the token); its MAC is HMAC-SHA256.
 * The CMS keys sign through libp11, which asks for CKM_RSA_PKCS (PKCS#1
 * v1.5, as Keystone's CMS does) or CKM_ECDSA; nothing decrypts with them.
 */
#include "key_policy.h"

/* DER of OID 1.2.840.10045.3.1.7 (prime256v1). */
const uint8_t key_p256_params[10] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07 };

static const CK_MECHANISM_TYPE aes[] = { CKM_AES_CBC_PAD, CKM_AES_CBC };
static const CK_MECHANISM_TYPE hmac[] = { CKM_SHA256_HMAC };
static const CK_MECHANISM_TYPE rsa[] = { CKM_RSA_PKCS };
static const CK_MECHANISM_TYPE ecdsa[] = { CKM_ECDSA };

#define LIST(a)	(*out = (a), sizeof(a) / sizeof((a)[0]))

/* 0 (and *out NULL) for a kind of key signet never makes. */
size_t
key_policy_mechs(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt,
    const CK_MECHANISM_TYPE **out)
{
	*out = NULL;
	if (cls == CKO_SECRET_KEY && kt == CKK_AES)
		return LIST(aes);
	if (cls == CKO_SECRET_KEY && kt == CKK_GENERIC_SECRET)
		return LIST(hmac);
	if ((cls == CKO_PRIVATE_KEY || cls == CKO_PUBLIC_KEY) && kt == CKK_RSA)
		return LIST(rsa);
	if ((cls == CKO_PRIVATE_KEY || cls == CKO_PUBLIC_KEY) && kt == CKK_EC)
		return LIST(ecdsa);
	return 0;
}
