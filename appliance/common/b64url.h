/*
 * Used by every process: RFC 4648 base64url. The decoder is strict: only
 * the URL alphabet, padding exactly as asked, and zero unused bits, so one
 * byte string has one spelling.
 */
#ifndef SIGNET_B64URL_H
#define SIGNET_B64URL_H

#include <stddef.h>
#include <stdint.h>

enum b64url_pad {
	B64URL_NOPAD = 0,	/* no '=' allowed (Fernet tokens) */
	B64URL_PAD,		/* '=' required to a multiple of 4 (keys) */
};

size_t	b64url_enclen(size_t, enum b64url_pad);
size_t	b64url_encode(const uint8_t *, size_t, enum b64url_pad, char *,
	    size_t);
int	b64url_decode(const char *, size_t, enum b64url_pad, uint8_t *,
	    size_t, size_t *);

#endif
