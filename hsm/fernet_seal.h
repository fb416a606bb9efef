/*
 * Fernet envelopes sealed and opened inside the token, for signerd: AES-128
 * CBC with PKCS#7 padding (CKM_AES_CBC_PAD to seal; CKM_AES_CBC to open,
 * the padding checked outside the token) under the key's AES half and
 * HMAC-SHA256 (CKM_SHA256_HMAC, checked with C_Verify) under its signing
 * half. The envelope is standard Fernet; Keystone strips the '=' padding.
 */
#ifndef SIGNET_FERNET_SEAL_H
#define SIGNET_FERNET_SEAL_H

#include "fernet_envelope.h"
#include "fernet_keys.h"

int	fernet_seal(struct hsm_sess *, const struct fernet_obj *, uint64_t,
	    const uint8_t *, const uint8_t *, size_t, char *, size_t);
/* The same for a payload of any size, in the caller's raw buffer; with
 * padded, the '=' padding kept (as Keystone stores credential blobs). */
int	fernet_seal_buf(struct hsm_sess *, const struct fernet_obj *,
	    uint64_t, const uint8_t *, const uint8_t *, size_t, uint8_t *,
	    size_t, int, char *, size_t);
/* SIG_ERR_KEY_NOT_FOUND: not this key's; SIG_ERR_STATE: the key is gone
 * from the token (purged since it was listed) */
int	fernet_open(struct hsm_sess *, const struct fernet_obj *,
	    const uint8_t *, size_t, uint8_t *, size_t *, uint64_t *);

/* A key's public name: hex of its signing half's HMAC of a fixed text. */
#define FERNET_KEY_NAME_LEN	64
int	fernet_key_name(struct hsm_sess *, const struct fernet_obj *,
	    char *);

#endif
