/*
 * Fernet envelopes sealed and opened inside the token, for signerd: AES-128
 * CBC with PKCS#7 padding (CKM_AES_CBC_PAD to seal; CKM_AES_CBC to open,
 * the padding checked outside the token) under the key's AES half and
 * HMAC-SHA256 (CKM_SHA256_HMAC, checked with C_Verify) under its signing
 * half. The envelope is standard Fernet; Keystone strips the '=' padding.
 */
#ifndef SIGNET_FERNET_SEAL_H
#define SIGNET_FERNET_SEAL_H

#include "fernet_keys.h"

#define FERNET_VERSION		0x80
#define FERNET_IV_LEN		16
#define FERNET_MAC_LEN		32
#define FERNET_HDR_LEN		(1 + 8 + FERNET_IV_LEN)
#define FERNET_MIN_RAW		(FERNET_HDR_LEN + 16 + FERNET_MAC_LEN)
#define FERNET_TOKEN_MAX	4096	/* characters */

int	fernet_seal(struct hsm_sess *, const struct fernet_obj *, uint64_t,
	    const uint8_t *, const uint8_t *, size_t, char *, size_t);
int	fernet_decode(const char *, size_t, uint8_t *, size_t, size_t *);
int	fernet_open(struct hsm_sess *, const struct fernet_obj *,
	    const uint8_t *, size_t, uint8_t *, size_t *, uint64_t *);

#endif
