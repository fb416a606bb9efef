/*
 * signet-api and signet-manage: the catalog's deletions, as Keystone's
 * SQL driver makes them: a service goes with its endpoints; a region goes
 * with its child regions, and not while any of them has an endpoint.
 * The caller holds the transaction; a row it names may not exist.
 */

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

/* Steps sql with ?1 = a and ?2 = b (either may be NULL) to its end; *n
 * is the first row's first column, or the rows changed. */
static int
step_all(struct store *s, const char *sql, const char *a, const char *b,
    int64_t *n)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, sql)) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, a);
	if (b != NULL)
		db_bind_text(st, 2, b);
	*n = 0;
	if ((rc = db_step(st)) == DB_ROW) {
		*n = db_column_int64(st, 0);
		while ((rc = db_step(st)) == DB_ROW)
			;
	} else if (rc == DB_DONE)
		*n = db_changes(store_db(s));
	db_reset(st);
	if (rc != DB_DONE) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

#define REGION_TREE							\
	"WITH RECURSIVE tree(id) AS (SELECT ?1 UNION SELECT r.id FROM "	\
	"region r JOIN tree ON r.parent_region_id = tree.id) "

/* SIG_ERR_STATE: it or a region below it has endpoints (Keystone: 403). */
int
store_region_delete(struct store *s, const char *id)
{
	int64_t	 n;
	int	 r;

	if ((r = step_all(s, REGION_TREE "SELECT count(*) FROM endpoint "
	    "WHERE region_id IN (SELECT id FROM tree)", id, NULL, &n)) != 0)
		return r;
	if (n > 0)
		return SIG_ERR_STATE;
	/* one statement: its foreign keys are checked once it is done */
	if ((r = step_all(s, "DELETE FROM region WHERE id IN (" REGION_TREE
	    "SELECT id FROM tree)", id, NULL, &n)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/* 1 when parent is id or below it: id's parent would close a circle. */
int
store_region_cycles(struct store *s, const char *id, const char *parent)
{
	int64_t	 n;
	int	 r;

	if ((r = step_all(s, REGION_TREE "SELECT count(*) FROM tree WHERE "
	    "id = ?2", id, parent, &n)) != 0)
		return r;
	return n > 0;
}

int
store_service_delete(struct store *s, const char *id)
{
	int64_t	 n;
	int	 r;

	if ((r = step_all(s, "DELETE FROM endpoint WHERE service_id = ?1", id,
	    NULL, &n)) != 0 ||
	    (r = step_all(s, "DELETE FROM service WHERE id = ?1", id, NULL,
	    &n)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

int
store_endpoint_delete(struct store *s, const char *id)
{
	int64_t	 n;
	int	 r;

	if ((r = step_all(s, "DELETE FROM endpoint WHERE id = ?1", id, NULL,
	    &n)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}
