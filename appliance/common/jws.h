/*
 * JWS compact serialisation as Keystone's JWS provider writes it (PyJWT,
 * ES256): the one header Keystone ever sends, the claims, and a 64-byte
 * r||s signature, each unpadded base64url. Shared by the signer (which
 * signs in the token), signet-api and libsignet-verify (which verify with
 * public keys only).
 */
#ifndef SIGNET_JWS_H
#define SIGNET_JWS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* {"alg":"ES256","typ":"JWT"} */
#define JWS_HEADER_B64		"eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9"
#define JWS_ES256_SIG_LEN	64
#define JWS_TOKEN_MAX		8192	/* characters */
#define JWS_PAYLOAD_MAX		(JWS_TOKEN_MAX / 4 * 3)
#define JWS_KEYSET_MAX		64
#define JWS_SPKI_LEN		91	/* P-256 SubjectPublicKeyInfo, DER */
#define JWS_POINT_LEN		65	/* 04 || X || Y */

/* Public keys, shared by reference count and replaced whole. */
struct jws_keyset {
	atomic_int	 refs;
	atomic_size_t	 hint;		/* the key that verified last */
	int64_t		 made_at;
	size_t		 n;
	EVP_PKEY	*k[JWS_KEYSET_MAX];
};

int	 jws_signing_input(const char *, size_t, char *, size_t);
void	 jws_digest(const char *, uint8_t *);
int	 jws_compact(const char *, const uint8_t *, char *, size_t);
int	 jws_shaped(const char *);
int	 jws_verify(const char *, EVP_PKEY *const *, size_t, char *, size_t,
	    size_t *);
EVP_PKEY *jws_pubkey(const uint8_t *, size_t);
int	 jws_spki_point(const uint8_t *, size_t, const uint8_t **);
void	 jws_spki_of(const uint8_t *, uint8_t *);

struct jws_keyset *jws_keyset_new(void);
int	 jws_keyset_add(struct jws_keyset *, EVP_PKEY *);
struct jws_keyset *jws_keyset_ref(struct jws_keyset *);
void	 jws_keyset_put(struct jws_keyset *);
int	 jws_keyset_verify(struct jws_keyset *, const char *, char *, size_t,
	    size_t *);

#endif
