/*
 * signet-api: revocation events. A token is revoked when an event names
 * its own audit id or the chain id it carries: revoking a token revokes
 * what was re-scoped from it (whose chain id is the revoked token's id),
 * never its parent or siblings; or when an event names its user and a
 * time not before its issue (a password changed, the user disabled). Matching is by audit id, never by time, so
 * a token revoked in the second it was issued stays revoked. Events
 * outlive their tokens by the allow_expired window, then go.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "isotime.h"
#include "log.h"
#include "store.h"

static int
run(struct store *s, const char *sql, int (*bind)(struct db_stmt *, void *),
    void *arg, int *rows)
{
	struct db_stmt	*st;
	int		 rc;

	*rows = 0;
	if ((st = store_stmt(s, sql)) == NULL || bind(st, arg) != 0) {
		if (st != NULL)
			db_reset(st);
		return SIG_ERR_SYSTEM;
	}
	while ((rc = db_step(st)) == DB_ROW)
		(*rows)++;
	db_reset(st);
	if (rc != DB_DONE) {
		log_err("store: revocation: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;	/* locked, read-only, full */
	}
	return 0;
}

struct rev_args {
	const char	*id;		/* an audit id, or a user id */
	int64_t		 expires_at;
	int64_t		 now;
	int64_t		 keep;
};

static int
bind_insert(struct db_stmt *st, void *arg)
{
	struct rev_args	*a = arg;

	db_bind_text(st, 1, a->id);
	db_bind_int64(st, 2, a->now);
	db_bind_int64(st, 3, a->expires_at);
	return 0;
}

static int
bind_prune(struct db_stmt *st, void *arg)
{
	struct rev_args	*a = arg;

	db_bind_int64(st, 1, a->now - a->keep);
	return 0;
}

/* Commits before it returns 0: a 204 is answered only after that. */
int
store_revoke_audit(struct store *s, const char *audit_id, int64_t expires_at,
    int64_t keep)
{
	struct rev_args	 a = { audit_id, expires_at, time(NULL), keep };
	int		 r, rows;

	if ((r = store_begin(s)) != 0)
		return SIG_ERR_HSM_RETRY;
	if ((r = run(s, "INSERT INTO revocation_event (audit_id, "
	    "issued_before, revoked_at, expires_at) VALUES (?1, ?2, ?2, ?3)",
	    bind_insert, &a, &rows)) != 0 ||
	    (r = run(s, "DELETE FROM revocation_event WHERE expires_at < ?1",
	    bind_prune, &a, &rows)) != 0) {
		store_rollback(s);
		return r;
	}
	return store_commit(s) == 0 ? 0 : SIG_ERR_HSM_RETRY;
}

/*
 * Every token of a user issued up to now (its password changed, the user
 * disabled), as Keystone records it: an event by user id and time, kept
 * while such a token could still be valid (keep seconds). The caller
 * holds the transaction.
 */
int
store_revoke_user(struct store *s, const char *user_id, int64_t keep)
{
	int64_t		 now = time(NULL);
	struct rev_args	 a = { user_id, now + keep, now, keep };
	int		 rows;

	return run(s, "INSERT INTO revocation_event (user_id, issued_before, "
	    "revoked_at, expires_at) VALUES (?1, ?2, ?2, ?3)", bind_insert, &a,
	    &rows);
}

struct ids {
	char		**v;
	size_t		 n;
	const char	*user;
	int64_t		 issued_at;
};

static int
bind_ids(struct db_stmt *st, void *arg)
{
	struct ids	*ids = arg;
	size_t		 i;

	for (i = 0; i < 2; i++)
		db_bind_text(st, (int)i + 1, ids->v[i < ids->n ? i : 0]);
	db_bind_text(st, 3, ids->user);
	db_bind_int64(st, 4, ids->issued_at);
	return 0;
}

/*
 * By either audit id, or by an event for its user at or after its issue
 * (a token issued in the second of a password change goes too, as in
 * Keystone). 1 revoked, 0 not, <0 the store could not say (503).
 */
int
store_is_revoked(struct store *s, char **audit_ids, size_t n,
    const char *user_id, int64_t issued_at)
{
	struct ids	 ids = { audit_ids, n, user_id, issued_at };
	int		 r, rows;

	if (n == 0)
		return 1;
	/* not "audit_id IN (?1, ?2)": SQLite builds a temporary b-tree
	 * for the list: a sixth of a first-sight validation's time */
	r = run(s, "SELECT 1 FROM revocation_event WHERE audit_id = ?1 "
	    "UNION ALL SELECT 1 FROM revocation_event WHERE audit_id = ?2 "
	    "UNION ALL SELECT 1 FROM revocation_event WHERE user_id = ?3 "
	    "AND issued_before >= ?4 LIMIT 1", bind_ids, &ids, &rows);
	return r != 0 ? r : rows > 0;
}

/*
 * Every event that can revoke a token, for a copy in memory (signet-api,
 * per store epoch): fn gets each one's audit id and user id (either may
 * be NULL) and its issued_before (INT64_MIN when none). 0 when all were
 * given, 1 when there are more than max (none kept: the caller queries
 * per token instead), < 0 when the store could not say.
 */
int
store_revocations_each(struct store *s, size_t max,
    int (*fn)(void *, const char *, const char *, int64_t), void *arg)
{
	struct db_stmt	*st;
	size_t		 n = 0;
	int		 rc, r = 0;

	if ((st = store_stmt(s, "SELECT audit_id, user_id, issued_before "
	    "FROM revocation_event WHERE audit_id IS NOT NULL OR user_id IS "
	    "NOT NULL LIMIT ?1")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_int64(st, 1, (int64_t)max + 1);
	while (r == 0 && (rc = db_step(st)) == DB_ROW) {
		if (++n > max)
			r = 1;
		else if (fn(arg, db_column_null(st, 0) ? NULL :
		    db_column_text(st, 0), db_column_null(st, 1) ? NULL :
		    db_column_text(st, 1), db_column_null(st, 2) ? INT64_MIN :
		    db_column_int64(st, 2)) != 0)
			r = SIG_ERR_NOMEM;
	}
	if (r == 0 && rc != DB_DONE)
		r = SIG_ERR_HSM_RETRY;
	db_reset(st);
	return r;
}

/* One event by user: {"user_id", "issued_before", then "revoked_at"
 * (OS-REVOKE) or "expires" (the list)}. */
static json_t *
user_event(struct db_stmt *st, int os_revoke)
{
	char	 ib[ISOTIME_LEN + 1], t[ISOTIME_LEN + 1];

	isotime_format(db_column_int64(st, 2), ib);
	if (os_revoke) {
		isotime_format(db_column_int64(st, 3), t);
		return json_pack("{s:s,s:s,s:s}", "user_id",
		    db_column_text(st, 4), "issued_before", ib,
		    "revoked_at", t);
	}
	isotime_format(db_column_int64(st, 1), t);
	strcpy(t + 19, "Z");		/* the list's own format */
	strcpy(ib + 19, "Z");
	return json_pack("{s:s,s:s,s:s}", "expires", t, "user_id",
	    db_column_text(st, 4), "issued_before", ib);
}

static json_t *
audit_event(struct db_stmt *st, int os_revoke)
{
	const char	*aid = db_column_text(st, 0);
	char		 exp[ISOTIME_LEN + 1], ib[ISOTIME_LEN + 1];

	if (os_revoke) {
		isotime_format(db_column_int64(st, 2), ib);
		isotime_format(db_column_int64(st, 3), exp);
		return json_pack("{s:s,s:s,s:s}", "audit_id", aid,
		    "issued_before", ib, "revoked_at", exp);
	}
	isotime_format(db_column_int64(st, 1), exp);
	strcpy(exp + 19, "Z");		/* the list's own format */
	return json_pack("{s:s,s:s}", "expires", exp, "audit_id", aid);
}

/*
 * The live revocation events as JSON, for the revocation list or for
 * OS-REVOKE, oldest first: by audit id, or by user and time.
 */
int
store_revocations_json(struct store *s, int os_revoke, void *arr)
{
	struct db_stmt	*st;
	int		 rc;

	if (db_prepare(store_db(s), "SELECT audit_id, expires_at, "
	    "issued_before, revoked_at, user_id FROM revocation_event WHERE "
	    "expires_at > ?1 AND (audit_id IS NOT NULL OR user_id IS NOT "
	    "NULL) ORDER BY id", 0, &st) != 0)
		return SIG_ERR_SYSTEM;
	db_bind_int64(st, 1, time(NULL));
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, !db_column_null(st, 0) ?
		    audit_event(st, os_revoke) : user_event(st, os_revoke));
	db_finalize(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

struct rev_event {
	const char	*audit_id;	/* or NULL */
	const char	*user_id;	/* or NULL */
	int64_t		 issued_before, revoked_at, expires_at;
};

static int
bind_event(struct db_stmt *st, void *arg)
{
	struct rev_event	*e = arg;

	db_bind_text(st, 1, e->audit_id);
	db_bind_text(st, 2, e->user_id);
	db_bind_int64(st, 3, e->issued_before);
	db_bind_int64(st, 4, e->revoked_at);
	db_bind_int64(st, 5, e->expires_at);
	return 0;
}

/*
 * An event another service recorded (signet-manage import-keystone), by
 * audit id or by user and time, unless the store holds it already: an
 * import run twice adds nothing. 1 added, 0 held, < 0 error. The caller
 * holds the transaction.
 */
int
store_revoke_put(struct store *s, const char *audit_id, const char *user_id,
    int64_t issued_before, int64_t revoked_at, int64_t expires_at)
{
	struct rev_event e = { audit_id, user_id, issued_before, revoked_at,
			    expires_at };
	int		 r, rows;

	if ((r = run(s, "INSERT INTO revocation_event (audit_id, user_id, "
	    "issued_before, revoked_at, expires_at) SELECT ?1, ?2, " DB_INT(3)
	    ", " DB_INT(4) ", " DB_INT(5) " WHERE NOT EXISTS (SELECT 1 FROM "
	    "revocation_event WHERE "
	    "audit_id IS ?1 AND user_id IS ?2 AND issued_before = ?3 AND "
	    "revoked_at = ?4)", bind_event, &e, &rows)) != 0)
		return r;
	return db_changes(store_db(s)) > 0;
}
