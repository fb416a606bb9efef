/*
 * Unit: PKI and PKIZ tokens made by cms_token_sign with keystoneclient's
 * golden vector key (software, no HSM) equal keystoneclient's own tokens
 * byte for byte: the CMS options and both text transforms are exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "cms_token.h"

#define VEC	"tests/vectors/pki/"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "r");
	char	*buf = calloc(1, 128 * 1024);

	assert_non_null(f);
	*len = fread(buf, 1, 128 * 1024 - 1, f);
	fclose(f);
	while (*len > 0 && buf[*len - 1] == '\n')
		buf[--*len] = '\0';
	return buf;
}

static void
golden(void **state)
{
	FILE		*f;
	X509		*cert;
	EVP_PKEY	*key;
	char		*body, *want, tok[CMS_TOKEN_MAX];
	size_t		 blen, wlen;
	int		 pkiz;

	(void)state;
	f = fopen(VEC "signing.pem", "r");
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(VEC "signing.key", "r");
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(cert);
	assert_non_null(key);
	body = slurp(VEC "body.json", &blen);
	for (pkiz = 0; pkiz < 2; pkiz++) {
		want = slurp(pkiz ? VEC "token.pkiz" : VEC "token.pki", &wlen);
		assert_int_equal(cms_token_sign(cert, key, (uint8_t *)body,
		    blen, pkiz, tok, sizeof(tok)), 0);
		assert_string_equal(tok, want);
		free(want);
	}
	assert_int_equal(cms_token_selftest(cert, key), 0);
	assert_int_not_equal(cms_token_sign(cert, key, (uint8_t *)body, blen,
	    0, tok, 100), 0);	/* no room: an error, not a cut token */
	free(body);
	X509_free(cert);
	EVP_PKEY_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
