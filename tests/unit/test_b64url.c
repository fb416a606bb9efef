/* Unit: strict base64url, both padding modes, canonical spellings only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "b64url.h"

static void
roundtrip(void **state)
{
	uint8_t	 in[40], out[40];
	char	 txt[64];
	size_t	 n, len, outlen;

	(void)state;
	for (n = 0; n < sizeof(in); n++)
		in[n] = (uint8_t)(n * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		len = b64url_encode(in, n, B64URL_NOPAD, txt, sizeof(txt));
		assert_int_equal(len, b64url_enclen(n, B64URL_NOPAD));
		assert_null(strchr(txt, '='));
		assert_int_equal(b64url_decode(txt, len, B64URL_NOPAD, out,
		    sizeof(out), &outlen), 0);
		assert_int_equal(outlen, n);
		assert_memory_equal(in, out, n);
		len = b64url_encode(in, n, B64URL_PAD, txt, sizeof(txt));
		assert_int_equal(len % 4, 0);
		assert_int_equal(b64url_decode(txt, len, B64URL_PAD, out,
		    sizeof(out), &outlen), 0);
		assert_int_equal(outlen, n);
	}
}

static void
keystone_key(void **state)
{
	/* Key 2 of Keystone's golden vectors: signing half first. */
	static const char key[] = "PThGwukngH4w7xEaifFo4lmFPahxT5c6Jkq-iy_BfKk=";
	static const uint8_t sign[] = { 0x3d, 0x38, 0x46, 0xc2, 0xe9, 0x27,
	    0x80, 0x7e, 0x30, 0xef, 0x11, 0x1a, 0x89, 0xf1, 0x68, 0xe2 };
	uint8_t	 out[32];
	size_t	 n;

	(void)state;
	assert_int_equal(b64url_decode(key, 44, B64URL_PAD, out, 32, &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, sign, 16);
	/* The unpadded 43-character form is refused, as by Keystone. */
	assert_int_not_equal(b64url_decode(key, 43, B64URL_PAD, out, 32, &n),
	    0);
}

static void
refusals(void **state)
{
	static const char *const bad_nopad[] = { "AB+C", "AB/C", "AB=C",
	    "ABC=", "A", "AB C", "AB\nC", "AB!C", "AF" /* unused bits */ };
	uint8_t	 out[16];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(bad_nopad) / sizeof(bad_nopad[0]); i++)
		assert_int_not_equal(b64url_decode(bad_nopad[i],
		    strlen(bad_nopad[i]), B64URL_NOPAD, out, sizeof(out),
		    &n), 0);
	assert_int_not_equal(b64url_decode("QUJD", 4, B64URL_NOPAD, out, 2,
	    &n), 0);	/* output too small */
	assert_int_not_equal(b64url_decode("QQ", 2, B64URL_PAD, out, 16, &n),
	    0);		/* padding missing */
	assert_int_not_equal(b64url_decode("Q===", 4, B64URL_PAD, out, 16,
	    &n), 0);
	assert_int_equal(b64url_decode("QQ==", 4, B64URL_PAD, out, 16, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'A');
}

/* Each of the 256 byte values: decoded to its place in the alphabet, or
 * refused, wherever in the input it stands. */
static void
every_byte(void **state)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const char	*at;
	char		 in[5];
	uint8_t		 out[16];
	size_t		 n;
	int		 c, pos;

	(void)state;
	for (c = 0; c < 256; c++)
		for (pos = 0; pos < 4; pos++) {
			memcpy(in, "AAAA", 5);
			in[pos] = (char)c;
			at = c != 0 ? strchr(alpha, c) : NULL;
			if (at == NULL) {
				assert_int_not_equal(b64url_decode(in, 4,
				    B64URL_NOPAD, out, sizeof(out), &n), 0);
				continue;
			}
			assert_int_equal(b64url_decode(in, 4, B64URL_NOPAD,
			    out, sizeof(out), &n), 0);
			assert_int_equal(n, 3);
			assert_int_equal((out[0] << 16 | out[1] << 8 |
			    out[2]) >> (6 * (3 - pos)) & 63, at - alpha);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(keystone_key),
		cmocka_unit_test(refusals),
		cmocka_unit_test(every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
