/*
 * Fuzz target: a Fernet token's text (strict base64url and envelope, and
 * the padded spelling of a credential blob) and the msgpack payloads
 * inside one (signet-signerd): a token's and an MFA receipt's. Claims and
 * receipts that unpack and pack again must unpack to themselves: what the
 * signer reads it would seal no differently.
 */
#include "claims.h"
#include "fernet_seal.h"
#include "fuzz.h"
#include "receipt_payload.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct claims c, back;	/* 10 KB each: off the stack */
	struct receipt	 rc, rback;
	uint8_t		 raw[4096], pl[FERNET_PAYLOAD_MAX];
	size_t		 len;

	(void)fernet_decode((const char *)d, n, raw, sizeof(raw), &len);
	(void)fernet_decode_padded((const char *)d, n, raw, sizeof(raw),
	    &len);
	if (receipt_payload_unpack(d, n, &rc) == 0 &&
	    (receipt_payload_pack(&rc, pl, sizeof(pl), &len) != 0 ||
	    receipt_payload_unpack(pl, len, &rback) != 0 ||
	    memcmp(&rc, &rback, sizeof(rc)) != 0))
		__builtin_trap();
	memset(&c, 0, sizeof(c));
	if (fernet_payload_unpack(d, n, &c) == 0 &&
	    fernet_payload_pack(&c, pl, sizeof(pl), &len) == 0 &&
	    (fernet_payload_unpack(pl, len, &back) != 0 ||
	    memcmp(&c, &back, sizeof(c)) != 0))
		__builtin_trap();
	return 0;
}
