/*
 * The key-encryption key, for provision: the one object through which
 * Fernet keys reach another HSM. Only the SO can set CKA_TRUSTED, only
 * the user can make a private object: the SO enters it, the user keeps
 * a private copy (kek_create); it can
 * wrap and unwrap with AES key wrap with padding and nothing else, cannot
 * be changed or read, and what it unwraps must come out sensitive,
 * private and extractable only under a trusted key again.
 */
#ifndef SIGNET_KEK_H
#define SIGNET_KEK_H

#include "hsm.h"

#define KEK_LABEL	"signet-kek"
#define KEK_LEN		32		/* AES-256 */
#define KEK_MAC_LEN	32		/* HMAC-SHA256 of a wrapped file */
#define KEK_WRAPPED_MAC_KEY_LEN	40	/* 32 bytes under AES-KWP */

struct secmem;

int	kek_create(struct hsm_sess *, struct secmem *, struct secmem *,
	    struct secmem *);
int	kek_destroy(struct hsm_sess *);
int	kek_find(struct hsm_sess *, CK_OBJECT_HANDLE *);
int	kek_fault(struct hsm_sess *, CK_OBJECT_HANDLE, char *, size_t);

/* The template every C_UnwrapKey under the KEK must carry (kek.c). */
extern const CK_ATTRIBUTE	kek_unwrap_tmpl[];
extern const size_t		kek_unwrap_tmpl_len;

/* kek_mac.c: a one-off HMAC key that travels wrapped with a file */
int	kek_mac_new(struct hsm_sess *, CK_OBJECT_HANDLE, uint8_t *,
	    CK_OBJECT_HANDLE *);
int	kek_mac_open(struct hsm_sess *, CK_OBJECT_HANDLE, const uint8_t *,
	    CK_OBJECT_HANDLE *);
int	kek_mac_sign(struct hsm_sess *, CK_OBJECT_HANDLE, const uint8_t *,
	    size_t, uint8_t *);
int	kek_mac_verify(struct hsm_sess *, CK_OBJECT_HANDLE, const uint8_t *,
	    size_t, const uint8_t *);
void	kek_mac_free(struct hsm_sess *, CK_OBJECT_HANDLE);

#endif
