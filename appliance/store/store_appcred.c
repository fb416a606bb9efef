/*
 * signet-api and signet-manage: application credentials, what the rows
 * of store_rows.c do not say: the roles a credential names, the hash
 * its secret is checked against, and its deletion.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

static int
done(struct store *s, struct db_stmt *st, int rc)
{
	db_reset(st);
	if (rc == DB_DONE)
		return 0;
	if (db_error(store_db(s)) == DB_E_FOREIGN)
		return SIG_ERR_KEY_NOT_FOUND;
	log_err("store: application credential: %s",
	    db_errmsg(store_db(s)));
	return SIG_ERR_HSM_RETRY;
}

/* One role of credential id; the caller holds the transaction. */
int
store_appcred_role_put(struct store *s, const char *id, const char *role)
{
	struct db_stmt	*st;

	if ((st = store_stmt(s, "INSERT OR IGNORE INTO "
	    "application_credential_role VALUES (?1, ?2)")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, role);
	return done(s, st, db_step(st));
}

/* With its roles; the caller holds the transaction. */
int
store_appcred_delete(struct store *s, const char *id)
{
	struct db_stmt	*st;
	int		 r;

	if ((st = store_stmt(s, "DELETE FROM application_credential WHERE "
	    "id = ?1")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, id);
	if ((r = done(s, st, db_step(st))) != 0)
		return r;
	return db_changes(store_db(s)) > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

static void
col(struct db_stmt *st, int i, char *out, size_t sz)
{
	const char	*v = db_column_text(st, i);

	snprintf(out, sz, "%s", v != NULL ? v : "");
}

/*
 * By id (user NULL), or by name among user's credentials: what
 * authentication and validation need, the hash included.
 */
int
store_appcred_get(struct store *s, const char *id_or_name, const char *user,
    struct store_appcred *ac)
{
	struct db_stmt	*st;
	int		 rc;

	st = store_stmt(s, user == NULL ?
	    "SELECT id, name, user_id, COALESCE(project_id, ''), "
	    "secret_hash, expires_at, unrestricted FROM "
	    "application_credential WHERE id = ?1" :
	    "SELECT id, name, user_id, COALESCE(project_id, ''), "
	    "secret_hash, expires_at, unrestricted FROM "
	    "application_credential WHERE name = ?1 AND user_id = ?2");
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, id_or_name);
	if (user != NULL)
		db_bind_text(st, 2, user);
	memset(ac, 0, sizeof(*ac));
	if ((rc = db_step(st)) == DB_ROW) {
		col(st, 0, ac->id, sizeof(ac->id));
		col(st, 1, ac->name, sizeof(ac->name));
		col(st, 2, ac->user_id, sizeof(ac->user_id));
		col(st, 3, ac->project_id, sizeof(ac->project_id));
		col(st, 4, ac->hash, sizeof(ac->hash));
		ac->expires_at = db_column_null(st, 5) ?
		    -1 : db_column_int64(st, 5);
		ac->unrestricted = db_column_int(st, 6);
	}
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? SIG_ERR_KEY_NOT_FOUND : SIG_ERR_HSM_RETRY;
}

/* Appends {"id", "name"} for each role credential id names to arr. */
int
store_appcred_roles_json(struct store *s, const char *id, void *arr)
{
	struct db_stmt	*st;
	int		 rc;

	st = store_stmt(s, "SELECT r.id, r.name FROM role r JOIN "
	    "application_credential_role ar ON ar.role_id = r.id WHERE "
	    "ar.application_credential_id = ?1 ORDER BY r.name");
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "id",
		    db_column_text(st, 0), "name",
		    db_column_text(st, 1)));
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}
