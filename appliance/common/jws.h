/*
 * JWS compact serialisation as Keystone's JWS provider writes it (PyJWT,
 * ES256): the one header Keystone ever sends, the claims, and a 64-byte
 * r||s signature, each unpadded base64url. Shared by the signer (which
 * signs in the token), signet-api and libsignet-verify (which verify with
 * public keys only).
 */
#ifndef SIGNET_JWS_H
#define SIGNET_JWS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* {"alg":"ES256","typ":"JWT"} */
#define JWS_HEADER_B64		"eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9"
#define JWS_ES256_SIG_LEN	64
#define JWS_TOKEN_MAX		8192	/* characters */
#define JWS_PAYLOAD_MAX		(JWS_TOKEN_MAX / 4 * 3)

int	 jws_signing_input(const char *, size_t, char *, size_t);
void	 jws_digest(const char *, uint8_t *);
int	 jws_compact(const char *, const uint8_t *, char *, size_t);
int	 jws_shaped(const char *);
int	 jws_verify(const char *, EVP_PKEY *const *, size_t, char *, size_t,
	    size_t *);
EVP_PKEY *jws_pubkey(const uint8_t *, size_t);

#endif
