/*
 * signet-api and signet-manage: the store in PostgreSQL (libpq), shared
 * by every node. Writers take one advisory lock for their transaction
 * (one writer at a time, as in SQLite: no serialization failures to
 * retry); every write, by whatever client, notifies signet_store as it
 * commits (store_pg_schema.c's triggers), which is how every node's
 * caches learn of a change without a query per request. A lost
 * connection is reopened by the next call, at most once a second.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "db.h"
#include "err.h"
#include "log.h"

#define PG_PARAMS_MAX	32
#define PG_TEXT_OID	25
#define PG_INT8_OID	20
#define PG_BOOL_OID	16
#define PG_SQL_MAX	4096
#define PG_RETRY_NS	1000000000LL	/* between attempts to reconnect */
#define PG_WRITE_LOCK	"SELECT pg_advisory_xact_lock(1936287598)"

struct pg_db {
	struct db	 db;
	PGconn		*conn;
	char		*uri;
	uint64_t	 gen;		/* connections made */
	int64_t		 next_try;	/* monotonic ns */
	int64_t		 changes;
	enum db_error	 err;
	char		 errmsg[256];
	int		 listening;
	int64_t		 heard;		/* notifications and reconnects */
	unsigned	 names;
};

struct pg_stmt {
	struct db_stmt	 st;
	char		*sql;		/* in PostgreSQL's dialect */
	char		 name[16];
	uint64_t	 gen;		/* prepared on this connection */
	int		 persistent, write, nparams, row;
	char		*params[PG_PARAMS_MAX];
	Oid		 types[PG_PARAMS_MAX];
	PGresult	*res;
};

/* This process's own commits: seen by its next request at once. */
static atomic_llong	 local_commits;

#define PG(d)	((struct pg_db *)(void *)(d))
#define PGS(s)	((struct pg_stmt *)(void *)(s))

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
set_error(struct pg_db *d, enum db_error e, const char *msg)
{
	d->err = e;
	snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg != NULL ? msg :
	    "error");
	d->errmsg[strcspn(d->errmsg, "\n")] = '\0';
}

/*
 * Only the primary message: a constraint's detail repeats the row's
 * values (a hash among them).
 */
static enum db_error
classify(struct pg_db *d, const PGresult *res)
{
	const char	*state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	enum db_error	 e = DB_E_OTHER;

	if (PQstatus(d->conn) != CONNECTION_OK || state == NULL)
		e = DB_E_BUSY;
	else if (strcmp(state, "23505") == 0)
		e = DB_E_UNIQUE;
	else if (strcmp(state, "23503") == 0)
		e = DB_E_FOREIGN;
	else if (strncmp(state, "23", 2) == 0)
		e = DB_E_INPUT;
	else if (strncmp(state, "40", 2) == 0 ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strcmp(state, "55P03") == 0)
		e = DB_E_BUSY;
	set_error(d, e, state == NULL ? PQerrorMessage(d->conn) :
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	return e;
}

/* IF NOT EXISTS's notices on every db-sync: not worth a line on stderr. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* A working connection, or DB_E_BUSY at once while it stays lost. */
static int
connected(struct pg_db *d)
{
	if (d->conn != NULL && PQstatus(d->conn) == CONNECTION_OK)
		return 0;
	if (now_ns() < d->next_try) {
		set_error(d, DB_E_BUSY, "database unreachable");
		return -1;
	}
	if (d->conn == NULL) {
		const char *const keys[] = { "connect_timeout",
		    "application_name", "dbname", NULL };
		const char *const vals[] = { "5", "signet", d->uri, NULL };

		if ((d->conn = PQconnectdbParams(keys, vals, 1)) != NULL)
			PQsetNoticeProcessor(d->conn, quiet, NULL);
	} else
		PQreset(d->conn);
	if (d->conn == NULL || PQstatus(d->conn) != CONNECTION_OK) {
		set_error(d, DB_E_BUSY, d->conn ? PQerrorMessage(d->conn) :
		    "no memory");
		log_err("store (postgresql): %s", d->errmsg);
		d->next_try = now_ns() + PG_RETRY_NS;
		return -1;
	}
	d->gen++;
	d->listening = 0;
	return 0;
}

/* INSERT, UPDATE or DELETE, a WITH before it or not. */
static int
writes(const char *sql)
{
	if (strncmp(sql, "WITH ", 5) == 0)
		return strstr(sql, "INSERT INTO") != NULL ||
		    strstr(sql, "DELETE FROM") != NULL ||
		    strstr(sql, ") UPDATE ") != NULL;
	return strncmp(sql, "INSERT", 6) == 0 ||
	    strncmp(sql, "UPDATE", 6) == 0 || strncmp(sql, "DELETE", 6) == 0;
}

static int
pg_prepare(struct db *db, const char *sql, int persistent,
    struct db_stmt **stp)
{
	struct pg_stmt	*st;
	char		 t[PG_SQL_MAX];
	uint64_t	 used;
	int		 i, n;

	*stp = NULL;
	if (store_pg_sql(sql, t, sizeof(t), &n, &used) != 0 ||
	    n > PG_PARAMS_MAX) {
		log_err("store (postgresql): a statement too long");
		return SIG_ERR_SYSTEM;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->sql = strdup(t)) == NULL) {
		free(st);
		return SIG_ERR_NOMEM;
	}
	st->nparams = n;
	/* a parameter the statement never names is text (prepare_tries) */
	for (i = 0; i < st->nparams; i++)
		st->types[i] = used & ((uint64_t)1 << i) ? 0 : PG_TEXT_OID;
	st->st.db = db;
	st->persistent = persistent;
	st->write = writes(st->sql);
	snprintf(st->name, sizeof(st->name), "s%u", ++PG(db)->names);
	*stp = &st->st;
	return 0;
}

static void
pg_reset(struct db_stmt *s)
{
	struct pg_stmt	*st = PGS(s);
	int		 i;

	PQclear(st->res);
	st->res = NULL;
	for (i = 0; i < PG_PARAMS_MAX; i++) {
		free(st->params[i]);
		st->params[i] = NULL;
	}
}

static void
pg_finalize(struct db_stmt *s)
{
	pg_reset(s);
	free(PGS(s)->sql);
	free(s);
}

static void
pg_bind_text(struct db_stmt *s, int i, const char *v, int copy)
{
	struct pg_stmt	*st = PGS(s);

	(void)copy;	/* always copied */
	if (i < 1 || i > st->nparams)
		return;	/* as SQLite: a parameter the statement lacks */
	free(st->params[i - 1]);
	st->params[i - 1] = v != NULL ? strdup(v) : NULL;
}

static void
pg_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	char	 b[24];

	snprintf(b, sizeof(b), "%lld", (long long)v);
	pg_bind_text(s, i, b, 1);
}

static PGresult *
simple(struct pg_db *d, const char *sql)
{
	PGresult	*res = PQexec(d->conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		classify(d, res);
		PQclear(res);
		return NULL;
	}
	return res;
}

/*
 * The server infers each parameter's type from its first use, and none
 * from "?N IS NULL", with which the store's filters begin: such a one is
 * tried as text, then (where text meets a column of another type, as
 * "enabled = ?5") as bigint, then as boolean.
 */
static int
prepare_tries(struct pg_db *d, struct pg_stmt *st, const char *name)
{
	PGresult	*res = NULL;
	const char	*state, *msg, *dollar;
	int		 tries, k, last = 0;

	for (tries = 0; tries <= 3 * st->nparams; tries++) {
		res = PQprepare(d->conn, name, st->sql, st->nparams, st->types);
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			return 0;
		}
		if (PQtransactionStatus(d->conn) == PQTRANS_INERROR)
			PQclear(PQexec(d->conn, "ROLLBACK TO SAVEPOINT w"));
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		dollar = msg != NULL ? strchr(msg, '$') : NULL;
		k = dollar != NULL ? atoi(dollar + 1) : 0;
		if (state != NULL && strncmp(state, "42P", 3) == 0 && k > 0 &&
		    k <= st->nparams && st->types[k - 1] == 0)
			st->types[(last = k) - 1] = PG_TEXT_OID;
		else if (state != NULL && strcmp(state, "42883") == 0 &&
		    last > 0 && st->types[last - 1] == PG_TEXT_OID)
			st->types[last - 1] = PG_INT8_OID;
		else if (state != NULL && strcmp(state, "42883") == 0 &&
		    last > 0 && st->types[last - 1] == PG_INT8_OID)
			st->types[last - 1] = PG_BOOL_OID;
		else
			break;
		PQclear(res);
	}
	classify(d, res);
	PQclear(res);
	return -1;
}

/*
 * A failed statement inside a transaction fails the whole transaction
 * in PostgreSQL, not in SQLite, whose callers may go on (an insert
 * refused as a duplicate): a write there, or a statement still to be
 * prepared (prepare_tries may be refused), runs under one savepoint. A
 * statement kept is prepared once a connection; another, each time.
 */
static PGresult *
run(struct pg_db *d, struct pg_stmt *st)
{
	PGresult	*res;
	const char	*name = st->persistent ? st->name : "";
	int		 sp, prep;

	prep = !st->persistent || st->gen != d->gen;
	sp = (st->write || prep) &&
	    PQtransactionStatus(d->conn) == PQTRANS_INTRANS;
	if (sp && (res = simple(d, "SAVEPOINT w")) == NULL)
		return NULL;
	PQclear(sp ? res : NULL);
	if (prep && prepare_tries(d, st, name) != 0)
		res = NULL;
	else {
		st->gen = d->gen;
		res = PQexecPrepared(d->conn, name, st->nparams,
		    (const char *const *)st->params, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK)
			return res;
		classify(d, res);
		PQclear(res);
	}
	if (sp)
		PQclear(PQexec(d->conn, "ROLLBACK TO SAVEPOINT w"));
	return NULL;
}

static int
pg_step(struct db_stmt *s)
{
	struct pg_stmt	*st = PGS(s);
	struct pg_db	*d = PG(s->db);
	const char	*n;
	int		 idle;

	if (st->res == NULL) {
		d->err = DB_E_NONE;
		if (connected(d) != 0)
			return DB_FAIL;
		idle = PQtransactionStatus(d->conn) == PQTRANS_IDLE;
		/* a connection the server ended while it sat idle (a restart)
		 * costs nothing: outside a transaction, once more on a new one */
		if ((st->res = run(d, st)) == NULL && idle &&
		    PQstatus(d->conn) != CONNECTION_OK) {
			d->next_try = 0;
			if (connected(d) == 0)
				st->res = run(d, st);
		}
		if (st->res == NULL)
			return DB_FAIL;
		n = PQcmdTuples(st->res);
		d->changes = *n != '\0' ? strtoll(n, NULL, 10) : 0;
		st->row = -1;
		if (st->write && PQtransactionStatus(d->conn) == PQTRANS_IDLE)
			atomic_fetch_add(&local_commits, 1);
	}
	return ++st->row < PQntuples(st->res) ? DB_ROW : DB_DONE;
}

static const char *
pg_column_text(struct db_stmt *s, int i)
{
	struct pg_stmt	*st = PGS(s);

	if (st->res == NULL || st->row < 0 || st->row >= PQntuples(st->res) ||
	    i >= PQnfields(st->res) || PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int64_t
pg_column_int64(struct db_stmt *s, int i)
{
	const char	*v = pg_column_text(s, i);

	if (v == NULL || *v == 'f')
		return 0;
	if (*v == 't')
		return 1;
	return strtoll(v, NULL, 10);
}

static int
pg_exec(struct db *db, const char *sql)
{
	struct pg_db	*d = PG(db);
	char		 t[PG_SQL_MAX];
	uint64_t	 used;
	int		 n;

	if (store_pg_sql(sql, t, sizeof(t), &n, &used) != 0)
		return SIG_ERR_SYSTEM;
	if (connected(d) == 0) {
		PGresult *res = simple(d, t);

		if (res != NULL) {
			PQclear(res);
			return 0;
		}
	}
	log_err("store (postgresql): %s", d->errmsg);
	return d->err == DB_E_BUSY ? SIG_ERR_HSM_RETRY : SIG_ERR_SYSTEM;
}

static int
pg_begin(struct db *db)
{
	int	 r;

	if ((r = pg_exec(db, "BEGIN")) == 0 &&
	    (r = pg_exec(db, PG_WRITE_LOCK)) != 0)
		(void)pg_exec(db, "ROLLBACK");
	return r;
}

/* A COMMIT that fails leaves nothing open: PostgreSQL rolls it back. */
static int
pg_commit(struct db *db)
{
	int	 r;

	if ((r = pg_exec(db, "COMMIT")) != 0) {
		if (PQtransactionStatus(PG(db)->conn) != PQTRANS_IDLE)
			(void)pg_exec(db, "ROLLBACK");
		return r;
	}
	atomic_fetch_add(&local_commits, 1);
	return 0;
}

static int64_t
pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static enum db_error
pg_error(struct db *db)
{
	return PG(db)->err;
}

static const char *
pg_errmsg(struct db *db)
{
	return PG(db)->errmsg;
}

/*
 * Moves with every commit on any node (their NOTIFY), this process's
 * own at once, and every reconnection (what was missed meanwhile). While
 * the database is unreachable it stands still: nothing can change it
 * then, and what the caches hold stays served.
 */
static int
pg_data_version(struct db *db, int64_t *version)
{
	struct pg_db	*d = PG(db);
	PGnotify	*n;

	if (!d->listening && connected(d) == 0 &&
	    pg_exec(db, "LISTEN signet_store") == 0) {
		d->listening = 1;
		d->heard++;
	}
	if (d->listening && !PQconsumeInput(d->conn))
		d->listening = 0;
	while (d->listening && (n = PQnotifies(d->conn)) != NULL) {
		d->heard++;
		PQfreemem(n);
	}
	*version = d->heard + atomic_load(&local_commits);
	return 0;
}

/* Not known here: commits are not numbered across nodes. */
static int
pg_commit_version(struct db *db, int64_t *version)
{
	(void)db;
	*version = -1;
	return SIG_ERR_UNAVAILABLE;
}

static void
pg_close(struct db *db)
{
	PQfinish(PG(db)->conn);
	free(PG(db)->uri);
	free(db);
}

static const struct db_ops pg_ops = {
	pg_prepare, pg_finalize, pg_reset, pg_bind_text, pg_bind_int64,
	pg_step, pg_column_text, pg_column_int64, pg_exec, pg_begin,
	pg_commit, pg_changes, pg_error, pg_errmsg, pg_data_version,
	pg_commit_version, pg_close,
};

/*
 * uri: libpq's postgresql://...; connected now, so a bad one says so,
 * unless lazy.
 */
int
db_pg_open(const char *uri, int lazy, struct db **dp)
{
	struct pg_db	*d;

	*dp = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->uri = strdup(uri)) == NULL) {
		free(d);
		return SIG_ERR_NOMEM;
	}
	d->db.ops = &pg_ops;
	d->db.kind = DB_PG;
	if (!lazy && connected(d) != 0) {
		pg_close(&d->db);
		return SIG_ERR_CONFIG;
	}
	*dp = &d->db;
	return 0;
}
