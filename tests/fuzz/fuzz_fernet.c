/*
 * Fuzz target: a Fernet token's text (strict base64url and envelope) and
 * the msgpack payload inside one (signet-signerd). Claims that unpack and
 * pack again must unpack to themselves: what the signer reads from a
 * token it would seal no differently.
 */
#include "claims.h"
#include "fernet_seal.h"
#include "fuzz.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct claims c, back;	/* 10 KB each: off the stack */
	uint8_t		 raw[4096], pl[FERNET_PAYLOAD_MAX];
	size_t		 len;

	(void)fernet_decode((const char *)d, n, raw, sizeof(raw), &len);
	memset(&c, 0, sizeof(c));
	if (fernet_payload_unpack(d, n, &c) == 0 &&
	    fernet_payload_pack(&c, pl, sizeof(pl), &len) == 0 &&
	    (fernet_payload_unpack(pl, len, &back) != 0 ||
	    memcmp(&c, &back, sizeof(c)) != 0))
		__builtin_trap();
	return 0;
}
