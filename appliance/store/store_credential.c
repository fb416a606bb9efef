/*
 * signet-api: credentials (/v3/credentials), what the rows of
 * store_rows.c do not say: how many a user holds (Keystone's [credential]
 * user_limit) and their deletion.
 */

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

static struct db_stmt *
bound(struct store *s, const char *sql, const char *id)
{
	struct db_stmt	*st;

	if ((st = store_stmt(s, sql)) != NULL)
		db_bind_text(st, 1, id);
	return st;
}

static int
failed(struct store *s)
{
	log_err("store: credential: %s", db_errmsg(store_db(s)));
	return SIG_ERR_HSM_RETRY;	/* locked, read-only, full */
}

/* The number of credentials user holds, or < 0. */
int
store_credential_count(struct store *s, const char *user)
{
	struct db_stmt	*st;
	int		 n = -1;

	if ((st = bound(s, "SELECT count(*) FROM credential WHERE "
	    "user_id = ?1", user)) == NULL)
		return SIG_ERR_SYSTEM;
	if (db_step(st) == DB_ROW)
		n = db_column_int(st, 0);
	db_reset(st);
	return n >= 0 ? n : failed(s);
}

/* The caller holds the transaction. */
int
store_credential_delete(struct store *s, const char *id)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = bound(s, "DELETE FROM credential WHERE id = ?1", id)) ==
	    NULL)
		return SIG_ERR_SYSTEM;
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return failed(s);
	return db_changes(store_db(s)) > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}
