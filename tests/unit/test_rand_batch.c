/*
 * Unit: rand_batch hands out every byte of a batch once. Three batches'
 * worth of 16-byte ids, drawn across the batches' ends, are all different
 * and none is all zeros (a byte wiped before it was handed out); a
 * request larger than a batch still gets random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rand_batch.h"

#define IDS	(3 * 1024 / 16 + 5)

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static void
ids_differ(void **state)
{
	static const uint8_t	 zero[16];
	uint8_t			 odd[7];
	static uint8_t		 id[IDS][16];
	size_t			 i;

	(void)state;
	for (i = 0; i < IDS; i++) {
		assert_int_equal(rand_batch(id[i], sizeof(id[i])), 0);
		if (i % 50 == 0)	/* a batch's end off the 16-byte grid */
			assert_int_equal(rand_batch(odd, sizeof(odd)), 0);
	}
	qsort(id, IDS, sizeof(id[0]), cmp16);
	for (i = 0; i < IDS; i++) {
		assert_memory_not_equal(id[i], zero, sizeof(zero));
		if (i > 0)
			assert_memory_not_equal(id[i], id[i - 1], 16);
	}
}

static void
larger_than_a_batch(void **state)
{
	static uint8_t	 a[4096], b[4096], zero[4096];

	(void)state;
	assert_int_equal(rand_batch(a, sizeof(a)), 0);
	assert_int_equal(rand_batch(b, sizeof(b)), 0);
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_differ),
		cmocka_unit_test(larger_than_a_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
