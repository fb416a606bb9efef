/*
 * The identity store's connection to its database, SQLite
 * (store_sqlite.c) or PostgreSQL (store_pg.c): statements with bound
 * parameters, stepped row by row. Statements are written in SQLite's
 * dialect with numbered parameters (?1); PostgreSQL's backend rewrites
 * them (store_pg_sql.c). Private to appliance/store/.
 */
#ifndef SIGNET_STORE_DB_H
#define SIGNET_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_step {
	DB_DONE,
	DB_ROW,
	DB_FAIL,		/* db_error() says why */
};

enum db_error {
	DB_E_NONE,
	DB_E_UNIQUE,		/* a primary key or a unique index */
	DB_E_FOREIGN,		/* a foreign key */
	DB_E_INPUT,		/* a check or not-null constraint */
	DB_E_BUSY,		/* locked, full, unreachable: try again */
	DB_E_OTHER,
};

struct db_ops {
	int		(*prepare)(struct db *, const char *, int,
			    struct db_stmt **);
	void		(*finalize)(struct db_stmt *);
	void		(*reset)(struct db_stmt *);
	void		(*bind_text)(struct db_stmt *, int, const char *,
			    int);
	void		(*bind_int64)(struct db_stmt *, int, int64_t);
	int		(*step)(struct db_stmt *);
	const char	*(*column_text)(struct db_stmt *, int);
	int64_t		(*column_int64)(struct db_stmt *, int);
	int		(*exec)(struct db *, const char *);
	int		(*begin)(struct db *);
	int		(*commit)(struct db *);
	int64_t		(*changes)(struct db *);
	enum db_error	(*error)(struct db *);
	const char	*(*errmsg)(struct db *);
	int		(*data_version)(struct db *, int64_t *);
	int		(*commit_version)(struct db *, int64_t *);
	void		(*close)(struct db *);
};

enum db_kind {
	DB_SQLITE,
	DB_PG,
};

/* The first member of each backend's connection and statement. */
struct db {
	const struct db_ops	*ops;
	enum db_kind		 kind;
};

struct db_stmt {
	struct db	*db;
};

int	db_sqlite_open(const char *, int, struct db **);
int	db_pg_open(const char *, int, struct db **);

/* store.c: this connection's cached statement for sql, a literal */
struct store;
struct db	*store_db(struct store *);
struct db_stmt	*store_stmt(struct store *, const char *);
int		 store_failed(struct store *);
int		 store_is_pg(const char *);

/* store_pg_sql.c, store_pg_schema.c */
int				store_pg_sql(const char *, char *, size_t,
				    int *, uint64_t *);
extern const char *const	store_pg_schema[];
extern const size_t		store_pg_schema_n;

/*
 * A number bound where nothing in the statement gives it a type (the
 * list of an INSERT ... SELECT): PostgreSQL would take it for text.
 */
#define DB_INT(n)	"CAST(?" #n " AS BIGINT)"

/* A statement each dialect writes its own way (two literals). */
#define DB_SQL(db, sqlite, pg)	((db)->kind == DB_PG ? (pg) : (sqlite))

/* persistent: kept and stepped again (store_stmt); else finalized soon */
static inline int
db_prepare(struct db *db, const char *sql, int persistent,
    struct db_stmt **st)
{
	return db->ops->prepare(db, sql, persistent, st);
}

static inline void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		st->db->ops->finalize(st);
}

/* Ready to bind and step again, every parameter NULL. */
static inline void
db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}

/* The text must live until the statement is reset, unless copy. */
static inline void
db_bind_text(struct db_stmt *st, int i, const char *v)
{
	st->db->ops->bind_text(st, i, v, 0);
}

static inline void
db_bind_text_copy(struct db_stmt *st, int i, const char *v)
{
	st->db->ops->bind_text(st, i, v, 1);
}

static inline void
db_bind_null(struct db_stmt *st, int i)
{
	st->db->ops->bind_text(st, i, NULL, 0);
}

static inline void
db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	st->db->ops->bind_int64(st, i, v);
}

static inline int
db_step(struct db_stmt *st)
{
	return st->db->ops->step(st);
}

/* NULL for SQL NULL; valid until the next step or reset. */
static inline const char *
db_column_text(struct db_stmt *st, int i)
{
	return st->db->ops->column_text(st, i);
}

static inline int
db_column_null(struct db_stmt *st, int i)
{
	return st->db->ops->column_text(st, i) == NULL;
}

/* 0 for NULL; a boolean reads as 1 or 0. */
static inline int64_t
db_column_int64(struct db_stmt *st, int i)
{
	return st->db->ops->column_int64(st, i);
}

static inline int
db_column_int(struct db_stmt *st, int i)
{
	return (int)st->db->ops->column_int64(st, i);
}

/* Rows the last INSERT, UPDATE or DELETE changed. */
static inline int64_t
db_changes(struct db *db)
{
	return db->ops->changes(db);
}

static inline enum db_error
db_error(struct db *db)
{
	return db->ops->error(db);
}

static inline const char *
db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

#endif
