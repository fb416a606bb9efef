/* Unit: Keystone's purge arithmetic and role names, from its own table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prov.h"

/* Simulates setup + rotations on index sets the way fernet_rotate does. */
static size_t
simulate(int max_active, int rotations, int *keys)
{
	int	 active[64], purge[64];
	size_t	 n = 0, na, np, i, j;
	int	 top;

	keys[n++] = 0;
	for (int r = 0; r <= rotations; r++) {	/* setup = one rotation */
		for (top = 0, i = 0; i < n; i++)
			top = keys[i] > top ? keys[i] : top;
		for (na = 0, i = 0; i < n; i++)
			if (keys[i] != 0)
				active[na++] = keys[i];
		active[na++] = top + 1;
		np = fernet_plan_purge(active, na, max_active, purge);
		for (n = 0, keys[n++] = 0, i = 0; i < na; i++) {
			for (j = 0; j < np && purge[j] != active[i]; j++)
				;
			if (j == np)
				keys[n++] = active[i];
		}
	}
	return n;
}

static void
keystone_table(void **state)
{
	int	 k[64];
	size_t	 n;

	(void)state;
	/* max 1: {0} every time */
	assert_int_equal(simulate(1, 5, k), 1);
	/* max 2 after 5 rotations: {0,6} */
	n = simulate(2, 5, k);
	assert_int_equal(n, 2);
	assert_int_equal(k[1], 6);
	/* max 3 after 5 rotations: {0,5,6} */
	n = simulate(3, 5, k);
	assert_int_equal(n, 3);
	assert_int_equal(k[1] + k[2], 11);
	/* max 5 after 5 rotations: {0,3,4,5,6} */
	n = simulate(5, 5, k);
	assert_int_equal(n, 5);
	assert_int_equal(k[1], 3);
}

static void
purge_order(void **state)
{
	int	 active[] = { 7, 3, 9, 5 }, purge[4];

	(void)state;
	assert_int_equal(fernet_plan_purge(active, 4, 3, purge), 2);
	assert_int_equal(purge[0], 3);	/* lowest first, as Keystone */
	assert_int_equal(purge[1], 5);
	assert_int_equal(fernet_plan_purge(active, 4, 10, purge), 0);
}

static void
roles(void **state)
{
	(void)state;
	assert_string_equal(fernet_role(0, 0, 1), "primary");
	assert_string_equal(fernet_role(0, 4, 3), "staged");
	assert_string_equal(fernet_role(4, 4, 3), "primary");
	assert_string_equal(fernet_role(3, 4, 3), "secondary");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keystone_table),
		cmocka_unit_test(purge_order),
		cmocka_unit_test(roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
