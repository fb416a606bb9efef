/* Unit: the store's SQLite statements as PostgreSQL reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"

static void
check(const char *in, const char *want, int nparams)
{
	char		 out[512];
	uint64_t	 used;
	int		 n;

	assert_int_equal(store_pg_sql(in, out, sizeof(out), &n, &used), 0);
	assert_string_equal(out, want);
	assert_int_equal(n, nparams);
}

static void
params_and_words(void **state)
{
	(void)state;
	check("SELECT id FROM user WHERE name = ? AND domain_id = ?",
	    "SELECT id FROM \"user\" WHERE name = $1 AND domain_id = $2", 2);
	check("SELECT u.id FROM user u WHERE u.user_id = ?3",
	    "SELECT u.id FROM \"user\" u WHERE u.user_id = $3", 3);
	check("SELECT 'user ?1', \"user\" FROM t",
	    "SELECT 'user ?1', \"user\" FROM t", 0);
	check("SELECT 'it''s ?' FROM t WHERE a = ?",
	    "SELECT 'it''s ?' FROM t WHERE a = $1", 1);
	check("INSERT OR IGNORE INTO r VALUES (?1, ?2)",
	    "INSERT INTO r VALUES ($1, $2) ON CONFLICT DO NOTHING", 2);
}

static void
null_safe_is(void **state)
{
	(void)state;
	check("WHERE a IS ?1 AND b IS NOT ?2 AND c IS NULL AND d IS NOT NULL",
	    "WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2 AND "
	    "c IS NULL AND d IS NOT NULL", 2);
}

/* The server types $N from its first use: never "$N IS NULL" first. */
static void
filters_turned(void **state)
{
	(void)state;
	check("WHERE (?1 IS NULL OR id = ?1) AND (?5 IS NULL OR enabled = ?5)",
	    "WHERE (id = $1 OR $1 IS NULL) AND (enabled = $5 OR $5 IS NULL)",
	    5);
	check("WHERE (?10 IS NULL OR id IN (SELECT x FROM t WHERE y = ?10 "
	    "AND z = ')'))",
	    "WHERE (id IN (SELECT x FROM t WHERE y = $10 AND z = ')') OR "
	    "$10 IS NULL)", 10);
	check("WHERE (?2 IS NULL OR (a = 0 AND (?3 IS NULL OR b = ?3)))",
	    "WHERE ((a = 0 AND (b = $3 OR $3 IS NULL)) OR $2 IS NULL)", 3);
	check("WHERE (?1 IS NULL OR x", "WHERE ($1 IS NULL OR x", 1);
}

static void
too_long(void **state)
{
	char		 out[8];
	uint64_t	 used;
	int		 n;

	(void)state;
	assert_int_equal(store_pg_sql("SELECT id FROM user", out, sizeof(out),
	    &n, &used), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_and_words),
		cmocka_unit_test(null_safe_is),
		cmocka_unit_test(filters_turned),
		cmocka_unit_test(too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
