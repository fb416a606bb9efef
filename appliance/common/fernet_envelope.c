/*
 * Fernet envelopes from their text: only the canonical unpadded base64url
 * spelling (as Keystone writes them), version 0x80, and a ciphertext of
 * whole AES blocks between the header and the MAC.
 */
#include <string.h>

#include "b64url.h"
#include "err.h"
#include "fernet_envelope.h"

static int
envelope_ok(const uint8_t *raw, size_t rawlen)
{
	return rawlen >= FERNET_MIN_RAW && raw[0] == FERNET_VERSION &&
	    (rawlen - FERNET_HDR_LEN - FERNET_MAC_LEN) % 16 == 0;
}

int
fernet_decode(const char *tok, size_t len, uint8_t *raw, size_t rawsz,
    size_t *rawlen)
{
	*rawlen = 0;
	if (len > FERNET_TOKEN_MAX ||
	    b64url_decode(tok, len, B64URL_NOPAD, raw, rawsz, rawlen) != 0 ||
	    !envelope_ok(raw, *rawlen))
		return SIG_ERR_BAD_INPUT;
	return 0;
}

/* Canonical base64url either way: padded to 4, or with no '=' at all. */
int
fernet_decode_padded(const char *tok, size_t len, uint8_t *raw,
    size_t rawsz, size_t *rawlen)
{
	*rawlen = 0;
	if ((b64url_decode(tok, len, B64URL_PAD, raw, rawsz, rawlen) != 0 &&
	    b64url_decode(tok, len, B64URL_NOPAD, raw, rawsz, rawlen) != 0) ||
	    !envelope_ok(raw, *rawlen)) {
		*rawlen = 0;
		return SIG_ERR_BAD_INPUT;
	}
	return 0;
}

/* 1 when tok could be a Fernet token: only its key can tell more. */
int
fernet_shaped(const char *tok)
{
	uint8_t	 raw[FERNET_RAW_MAX];
	size_t	 n, len = strnlen(tok, FERNET_TOKEN_MAX + 1);
	int	 ok;

	ok = fernet_decode(tok, len, raw, sizeof(raw), &n) == 0;
	explicit_bzero(raw, n);
	return ok;
}
