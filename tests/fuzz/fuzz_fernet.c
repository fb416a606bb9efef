/*
 * Fuzz target: a Fernet token's text (strict base64url and envelope) and
 * the msgpack payload inside one (signet-signerd).
 */
#include "claims.h"
#include "fernet_seal.h"
#include "fuzz.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct claims	 c;
	uint8_t		 raw[4096];
	size_t		 len;

	(void)fernet_decode((const char *)d, n, raw, sizeof(raw), &len);
	memset(&c, 0, sizeof(c));
	(void)fernet_payload_unpack(d, n, &c);
	return 0;
}
