/*
 * signet-api and signet-manage: the store in one SQLite file, created
 * 0600, written by one connection at a time (WAL, so readers never wait).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "err.h"
#include "log.h"

#define SQLITE_BUSY_MS	5000

struct sq_db {
	struct db	 db;
	sqlite3		*h;
	sqlite3_stmt	*version;	/* PRAGMA data_version */
	const volatile uint32_t *change;	/* the WAL's commit counter */
	int		 change_tried;
	char		*path;
};

struct sq_stmt {
	struct db_stmt	 st;
	sqlite3_stmt	*h;
};

/* SQLite's WAL index pages (WALINDEX_PGSZ); the header is in the first */
#define WAL_INDEX_PAGE	32768
/* The counter's versions, apart from data_version's small numbers. */
#define WAL_COUNTED	((int64_t)1 << 40)

#define SQ(d)	((struct sq_db *)(void *)(d))
#define SQS(s)	(((struct sq_stmt *)(void *)(s))->h)

static int
sq_prepare(struct db *d, const char *sql, int persistent,
    struct db_stmt **stp)
{
	struct sq_stmt	*st;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return SIG_ERR_NOMEM;
	if (sqlite3_prepare_v3(SQ(d)->h, sql, -1, persistent ?
	    SQLITE_PREPARE_PERSISTENT : 0, &st->h, NULL) != SQLITE_OK) {
		log_err("store %s: %s", SQ(d)->path, sqlite3_errmsg(SQ(d)->h));
		free(st);
		return SIG_ERR_SYSTEM;
	}
	st->st.db = d;
	*stp = &st->st;
	return 0;
}

static void
sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(SQS(st));
	free(st);
}

static void
sq_reset(struct db_stmt *st)
{
	sqlite3_reset(SQS(st));
	sqlite3_clear_bindings(SQS(st));
}

static void
sq_bind_text(struct db_stmt *st, int i, const char *v, int copy)
{
	if (v == NULL)
		sqlite3_bind_null(SQS(st), i);
	else
		sqlite3_bind_text(SQS(st), i, v, -1, copy ? SQLITE_TRANSIENT :
		    SQLITE_STATIC);
}

static void
sq_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(SQS(st), i, v);
}

static int
sq_step(struct db_stmt *st)
{
	switch (sqlite3_step(SQS(st))) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	}
	return DB_FAIL;
}

static const char *
sq_column_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(SQS(st), i);
}

static int64_t
sq_column_int64(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(SQS(st), i);
}

static int
sq_exec(struct db *d, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(SQ(d)->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("store %s: %s", SQ(d)->path, msg ? msg : "error");
		sqlite3_free(msg);
		return SIG_ERR_SYSTEM;
	}
	return 0;
}

static int
sq_begin(struct db *d)
{
	return sq_exec(d, "BEGIN IMMEDIATE");
}

/* A COMMIT that fails (busy, disk full) leaves the transaction open:
 * it is rolled back, so the connection's next call starts clean. */
static int
sq_commit(struct db *d)
{
	int	 r;

	if ((r = sq_exec(d, "COMMIT")) != 0 &&
	    !sqlite3_get_autocommit(SQ(d)->h))
		(void)sq_exec(d, "ROLLBACK");
	return r;
}

static int64_t
sq_changes(struct db *d)
{
	return sqlite3_changes(SQ(d)->h);
}

static enum db_error
sq_error(struct db *d)
{
	switch (sqlite3_extended_errcode(SQ(d)->h)) {
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_UNIQUE:
		return DB_E_UNIQUE;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return DB_E_FOREIGN;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return DB_E_INPUT;
	}
	switch (sqlite3_errcode(SQ(d)->h)) {
	case SQLITE_CONSTRAINT:
		return DB_E_UNIQUE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_FULL:
		return DB_E_BUSY;
	}
	return DB_E_OTHER;
}

static const char *
sq_errmsg(struct db *d)
{
	return sqlite3_errmsg(SQ(d)->h);
}

/*
 * The commit counter in the WAL index's header (iChange, the third word,
 * sqlite.org/walformat.html): every commit by any connection of any
 * process adds one, in memory all of them map. Read there, a request's
 * look for changes is a load, not a statement with three system calls
 * (a read lock taken and dropped, the file's size). Mapped through the
 * VFS's own xShmMap, so no descriptor of ours can drop SQLite's locks.
 * NULL when the database is not in WAL mode: data_version then.
 */
static const volatile uint32_t *
wal_change_counter(sqlite3 *h)
{
	sqlite3_stmt		*st;
	sqlite3_file		*f = NULL;
	void volatile		*p = NULL;
	int			 wal;

	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st,
	    NULL) != SQLITE_OK)
		return NULL;
	wal = sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (!wal || sqlite3_file_control(h, "main",
	    SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || f == NULL ||
	    f->pMethods == NULL || f->pMethods->iVersion < 2 ||
	    f->pMethods->xShmMap == NULL ||
	    f->pMethods->xShmMap(f, 0, WAL_INDEX_PAGE, 0, &p) != SQLITE_OK ||
	    p == NULL)
		return NULL;
	return (const volatile uint32_t *)p + 2;
}

/* The counter, looked for once per connection (after a read: open then). */
static const volatile uint32_t *
change_counter(struct sq_db *sd)
{
	if (!sd->change_tried) {
		sd->change_tried = 1;
		sd->change = wal_change_counter(sd->h);
	}
	return sd->change;
}

/* Moves whenever another connection (thread or process) commits. */
static int
sq_data_version(struct db *d, int64_t *version)
{
	struct sq_db	*sd = SQ(d);
	int		 r = SIG_ERR_HSM_RETRY;

	if (sd->change != NULL) {
		*version = WAL_COUNTED +
		    __atomic_load_n(sd->change, __ATOMIC_ACQUIRE);
		return 0;
	}
	if (sd->version == NULL && sqlite3_prepare_v3(sd->h,
	    "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
	    &sd->version, NULL) != SQLITE_OK)
		return r;
	if (sqlite3_step(sd->version) == SQLITE_ROW) {
		*version = sqlite3_column_int64(sd->version, 0);
		r = 0;
	}
	sqlite3_reset(sd->version);
	/* after a read, so the WAL index is open and current */
	if (r == 0)
		(void)change_counter(sd);
	return r;
}

/*
 * In a write transaction: the version its commit will give the store, as
 * data_version will read it. The write lock held, no other connection
 * can commit first, and a commit adds exactly one to the counter.
 */
static int
sq_commit_version(struct db *d, int64_t *version)
{
	struct sq_db		*sd = SQ(d);
	const volatile uint32_t	*change = change_counter(sd);

	if (change == NULL || sqlite3_txn_state(sd->h, "main") !=
	    SQLITE_TXN_WRITE)
		return SIG_ERR_UNAVAILABLE;
	*version = WAL_COUNTED + (uint32_t)(__atomic_load_n(change,
	    __ATOMIC_ACQUIRE) + 1);
	return 0;
}

static void
sq_close(struct db *d)
{
	sqlite3_finalize(SQ(d)->version);
	sqlite3_close(SQ(d)->h);
	free(SQ(d)->path);
	free(d);
}

static const struct db_ops sq_ops = {
	sq_prepare, sq_finalize, sq_reset, sq_bind_text, sq_bind_int64,
	sq_step, sq_column_text, sq_column_int64, sq_exec, sq_begin,
	sq_commit, sq_changes, sq_error, sq_errmsg, sq_data_version,
	sq_commit_version, sq_close,
};

/* create: make the file (0600) if absent. */
int
db_sqlite_open(const char *path, int create, struct db **dp)
{
	struct sq_db	*d;
	int		 fd, flags = SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX;	/* one thread each */

	*dp = NULL;
	if (create && (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC,
	    0600)) >= 0)
		close(fd);
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->path = strdup(path)) == NULL) {
		free(d);
		return SIG_ERR_NOMEM;
	}
	d->db.ops = &sq_ops;
	d->db.kind = DB_SQLITE;
	if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK) {
		log_err("store %s: %s", path, d->h ? sqlite3_errmsg(d->h) :
		    "cannot open");
		sq_close(&d->db);
		return SIG_ERR_CONFIG;
	}
	sqlite3_busy_timeout(d->h, SQLITE_BUSY_MS);
	sqlite3_exec(d->h, "PRAGMA foreign_keys = ON; "
	    "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	*dp = &d->db;
	return 0;
}
