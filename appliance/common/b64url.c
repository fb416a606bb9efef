/*
 * Used by every process: base64url for Fernet keys and tokens. Decoding
 * input is untrusted: every length is checked before a byte is written.
 */
#include "b64url.h"
#include "err.h"

static const char b64url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
b64url_enclen(size_t len, enum b64url_pad pad)
{
	if (pad == B64URL_PAD)
		return (len + 2) / 3 * 4;
	return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

/* Writes a NUL-terminated string; returns its length, 0 if out is short. */
size_t
b64url_encode(const uint8_t *in, size_t len, enum b64url_pad pad, char *out,
    size_t outsz)
{
	size_t		 i, o = 0, need = b64url_enclen(len, pad);
	uint32_t	 v;

	if (outsz <= need)
		return 0;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64url_alpha[v >> 18 & 63];
		out[o++] = b64url_alpha[v >> 12 & 63];
		out[o++] = b64url_alpha[v >> 6 & 63];
		out[o++] = b64url_alpha[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64url_alpha[v >> 18 & 63];
		out[o++] = b64url_alpha[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url_alpha[v >> 18 & 63];
		out[o++] = b64url_alpha[v >> 12 & 63];
		out[o++] = b64url_alpha[v >> 6 & 63];
	}
	while (pad == B64URL_PAD && o % 4 != 0)
		out[o++] = '=';
	out[o] = '\0';
	return o;
}

static int
b64url_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Strips and checks padding; returns the number of data characters. */
static int
b64url_data_len(const char *in, size_t len, enum b64url_pad pad, size_t *dl)
{
	size_t	 n = len;

	if (pad == B64URL_PAD) {
		if (len % 4 != 0)
			return SIG_ERR_BAD_INPUT;
		while (n > 0 && len - n < 2 && in[n - 1] == '=')
			n--;
	}
	if (n % 4 == 1)
		return SIG_ERR_BAD_INPUT;
	*dl = n;
	return 0;
}

int
b64url_decode(const char *in, size_t len, enum b64url_pad pad, uint8_t *out,
    size_t outsz, size_t *outlen)
{
	size_t		 i, n, o = 0;
	uint32_t	 acc = 0;
	int		 v, bits = 0, r;

	*outlen = 0;
	if ((r = b64url_data_len(in, len, pad, &n)) != 0)
		return r;
	if (n * 3 / 4 > outsz)
		return SIG_ERR_BAD_INPUT;
	for (i = 0; i < n; i++) {
		if ((v = b64url_val(in[i])) < 0)
			return SIG_ERR_BAD_INPUT;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >> bits & 0xff;
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return SIG_ERR_BAD_INPUT;	/* non-canonical last char */
	*outlen = o;
	return 0;
}
