/*
 * Used by every process: base64url for Fernet keys and tokens. Decoding
 * input is untrusted: every length is checked before a byte is written.
 */
#include <string.h>

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

/* Each character's value plus one; 0 for one not in the alphabet. */
static const uint8_t b64url_rev[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27,
	['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62,
	['-'] = 63, ['_'] = 64
};

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
	uint8_t		 v, bad = 0;
	int		 bits = 0, r;

	*outlen = 0;
	if ((r = b64url_data_len(in, len, pad, &n)) != 0)
		return r;
	if (n * 3 / 4 > outsz)
		return SIG_ERR_BAD_INPUT;
	/* by table, the check once at the end: no branch per character */
	for (i = 0; i < n; i++) {
		v = (uint8_t)(b64url_rev[(unsigned char)in[i]] - 1);
		bad |= v;
		acc = acc << 6 | (v & 63u);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >> bits & 0xff;
		}
	}
	if ((bad & 0x80) != 0) {
		explicit_bzero(out, o);
		return SIG_ERR_BAD_INPUT;
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return SIG_ERR_BAD_INPUT;	/* non-canonical last char */
	*outlen = o;
	return 0;
}
