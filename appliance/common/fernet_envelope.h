/*
 * The Fernet envelope's shape, read the same way by the signer (before it
 * asks the token anything) and by signet-api (before it asks the signer):
 * a string that cannot be a Fernet token never costs an RPC, an HSM call
 * or an audit record.
 */
#ifndef SIGNET_FERNET_ENVELOPE_H
#define SIGNET_FERNET_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#define FERNET_VERSION		0x80
#define FERNET_IV_LEN		16
#define FERNET_MAC_LEN		32
#define FERNET_HDR_LEN		(1 + 8 + FERNET_IV_LEN)
#define FERNET_MIN_RAW		(FERNET_HDR_LEN + 16 + FERNET_MAC_LEN)
#define FERNET_TOKEN_MAX	4096	/* characters */
#define FERNET_RAW_MAX		(FERNET_TOKEN_MAX / 4 * 3)

int	fernet_decode(const char *, size_t, uint8_t *, size_t, size_t *);
/* A Fernet envelope as Python's cryptography writes it (a credential
 * blob: '=' padding kept), or unpadded; no length bound but rawsz. */
int	fernet_decode_padded(const char *, size_t, uint8_t *, size_t,
	    size_t *);
int	fernet_shaped(const char *);

#endif
