/*
 * UUID tokens: each document kept under its random id, found by an exact
 * match, pruned once expired past the allow_expired window. Documents
 * are written in batches, one transaction (one WAL sync) for as many
 * tokens as are waiting, since that sync, not the insert, is what a
 * token costs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "db.h"
#include "err.h"
#include "store.h"

struct db_stmt	*store_stmt(struct store *, const char *);

static int
insert(struct store *s, const struct store_uuid *u)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, "INSERT INTO uuid_token VALUES "
	    "(?1, ?2, ?3, ?4)")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, u->id);
	db_bind_text(st, 2, u->user_id);
	db_bind_int64(st, 3, u->expires_at);
	db_bind_text(st, 4, u->body);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

static int
prune(struct store *s, int64_t keep)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, "DELETE FROM uuid_token WHERE "
	    "expires_at < ?1")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_int64(st, 1, time(NULL) - keep);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

/*
 * All n documents committed, or none. *version: the store's version once
 * this commit is in (store_data_version), or -1 when it cannot be known;
 * signet-api's caches need not be emptied for a change of its own that
 * only adds tokens.
 */
int
store_uuid_put(struct store *s, const struct store_uuid *u, size_t n,
    int64_t keep, int64_t *version)
{
	size_t	 i;
	int	 r;

	*version = -1;
	if ((r = store_begin(s)) != 0)
		return r;
	for (i = 0, r = 0; i < n && r == 0; i++)
		r = insert(s, &u[i]);
	if (r == 0)
		r = prune(s, keep);
	if (r != 0) {
		store_rollback(s);
		return r;
	}
	if (n == 0 || store_commit_version(s, version) != 0)
		*version = -1;
	if (store_commit(s) != 0) {
		*version = -1;
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

/* Caller owns *bodyp (free); an exact match on the id, nothing else. */
int
store_uuid_get(struct store *s, const char *id, char **bodyp)
{
	struct db_stmt	*st;
	int		 rc, r = SIG_ERR_KEY_NOT_FOUND;

	*bodyp = NULL;
	if ((st = store_stmt(s, "SELECT body FROM uuid_token WHERE "
	    "id = ?1")) == NULL)
		return SIG_ERR_HSM_RETRY;
	db_bind_text(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW) {
		*bodyp = strdup(db_column_text(st, 0));
		r = *bodyp != NULL ? 0 : SIG_ERR_NOMEM;
	} else if (rc != DB_DONE)
		r = SIG_ERR_HSM_RETRY;
	db_reset(st);
	return r;
}
