/*
 * signet-signerd: Keystone 22's MFA receipt payload
 * (receipt/receipt_formatters.py), msgpack of
 * [(is_bytes, user_id), methods, expires_at]: the user id as 16 bytes when
 * it is a canonical uuid4().hex, else as text; the methods as Keystone's
 * bitmask; the expiry as a float of Unix seconds. Sealed in a Fernet
 * envelope under the receipt keys, padding stripped, like a token.
 */
#ifndef SIGNET_RECEIPT_PAYLOAD_H
#define SIGNET_RECEIPT_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "claims.h"

#define RECEIPT_PAYLOAD_MAX	512	/* a 255-byte id and the rest */

struct receipt {
	char		 user_id[CLAIMS_ID_MAX + 1];
	uint64_t	 methods;	/* Keystone's bitmask */
	int64_t		 expires_at;	/* Unix seconds */
};

int	receipt_payload_pack(const struct receipt *, uint8_t *, size_t,
	    size_t *);
int	receipt_payload_unpack(const uint8_t *, size_t, struct receipt *);

/* fernet_payload.c's pieces of Keystone's msgpack, shared */
void	payload_pack_pair(msgpack_packer *, const char *);
int	payload_obj_pair(const msgpack_object *, char *);
int	payload_obj_expiry(const msgpack_object *, int64_t *);
int	payload_sane(const uint8_t *, size_t);

#endif
