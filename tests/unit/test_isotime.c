/* Unit: ISO 8601 times as Keystone writes them, one spelling per instant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "isotime.h"

static void
good(void **state)
{
	static const struct {
		const char	*s;
		int64_t		 t;
	} v[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-02-28T23:59:59Z", 1772323199 },
		{ "2024-02-29T00:00:00Z", 1709164800 },	/* leap year */
		{ "2000-02-29T12:00:00Z", 951825600 },	/* 400: leap */
		{ "2026-04-30T00:00:00.123456Z", 1777507200 },
		{ "2026-12-31T23:59:59.1Z", 1798761599 },
		{ "2026-01-31T00:00:00Z", 1769817600 },
	};
	char		 out[ISOTIME_LEN + 1];
	int64_t		 t;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(isotime_parse(v[i].s, &t), 0);
		assert_int_equal(t, v[i].t);
		isotime_format(t, out);
		assert_memory_equal(out, v[i].s, 19);
	}
}

static void
bad(void **state)
{
	static const char *const v[] = {
		"2026-02-31T00:00:00Z",		/* not a date */
		"2026-02-29T00:00:00Z",		/* not a leap year */
		"2100-02-29T00:00:00Z",		/* 100: not leap */
		"2026-04-31T00:00:00Z",
		"2026-06-31T00:00:00Z",
		"2026-09-31T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-01-32T00:00:00Z",
		"2026-00-10T00:00:00Z",
		"2026-13-10T00:00:00Z",
		"2026-01-00T00:00:00Z",
		"2026-01-01T24:00:00Z",
		"2026-01-01T23:60:00Z",
		"2026-01-01T23:59:60Z",
		"1969-12-31T23:59:59Z",
		"2026-01-01T00:00:00+00:00",	/* an offset */
		"2026-01-01T00:00:00",
		"2026-01-01T00:00:00.Z",
		"2026-01-01T00:00:00.1234567Z",
		"2026-01-01 00:00:00Z",
		"2026-1-01T00:00:00Z",
		"+026-01-01T00:00:00Z",
		"2026-01-01T00:00:00ZZ",
		"",
	};
	int64_t		 t;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (isotime_parse(v[i], &t) == 0)
			fail_msg("accepted '%s'", v[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
