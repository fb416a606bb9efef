/* Unit: RFC 7512 token URIs: attributes, escapes, refusals, matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hsm.h"
#include "log.h"

static void
fill(CK_UTF8CHAR *f, size_t n, const char *s)
{
	memset(f, ' ', n);
	memcpy(f, s, strlen(s));
}

static void
parse_and_match(void **state)
{
	struct hsm_uri	 u;
	CK_TOKEN_INFO	 ti;

	(void)state;
	assert_int_equal(hsm_uri_parse("pkcs11:token=My%20Token;"
	    "serial=abc123;slot-id=7;library-version=2", &u), 0);
	assert_string_equal(u.token, "My Token");
	assert_string_equal(u.serial, "abc123");
	assert_true(u.has_slot_id);
	memset(&ti, 0, sizeof(ti));
	fill(ti.label, sizeof(ti.label), "My Token");
	fill(ti.serialNumber, sizeof(ti.serialNumber), "abc123");
	assert_true(hsm_uri_match(&u, 7, &ti));
	assert_false(hsm_uri_match(&u, 8, &ti));
	fill(ti.serialNumber, sizeof(ti.serialNumber), "abc124");
	assert_false(hsm_uri_match(&u, 7, &ti));
	hsm_uri_clear(&u);
}

static void
refusals(void **state)
{
	static const char *const bad[] = {
		"pkcs11:token=x?pin-value=1234",
		"pkcs11:token=x?pin-source=file:/p",
		"pkcs11:object=key",
		"pkcs11:token=%4",
		"pkcs11:token=%zz",
		"pkcs11:token=a%00b",
		"pkcs11:slot-id=abc",
		"pkcs11:tokenonly",
		"token=x",
	};
	struct hsm_uri	 u;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(hsm_uri_parse(bad[i], &u), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_match),
		cmocka_unit_test(refusals),
	};

	log_init("test_uri", LOGL_ERR + 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
