/*
 * signet-api and signet-manage: the identity store, in SQLite or
 * PostgreSQL (db.h). Statements are prepared with bound parameters only
 * (ids and names never enter SQL text) and lookups are exact matches.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

#define STORE_STMT_CACHE	256

/* Prepared statements kept per connection, keyed by their SQL text's
 * address (always a string literal): the hot lookups prepare once. */
struct stmt_slot {
	const char	*sql;
	struct db_stmt	*st;
};

struct store {
	struct db		*db;
	char			*path;
	struct stmt_slot	 cache[STORE_STMT_CACHE];
	int			 ncache;
	int			 writing;	/* holds writer_mu */
};

/*
 * One writer at a time in this process: threads queue on a mutex rather
 * than in SQLite's busy handler, whose sleeps grow to 100 ms (or, with
 * PostgreSQL, on the database's one write lock). The wait is
 * bounded like the busy timeout, so writers do not pile up behind a store
 * another process holds locked.
 */
#define STORE_BUSY_MS	5000
static pthread_mutex_t	 writer_mu = PTHREAD_MUTEX_INITIALIZER;

static void
writer_done(struct store *s)
{
	if (s->writing) {
		s->writing = 0;
		pthread_mutex_unlock(&writer_mu);
	}
}

static const char *const schema[] = {
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
	"CREATE TABLE IF NOT EXISTS domain (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL UNIQUE, enabled INTEGER NOT NULL DEFAULT 1, "
	    "description TEXT)",
	"CREATE TABLE IF NOT EXISTS project (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id),"
	    " enabled INTEGER NOT NULL DEFAULT 1, description TEXT, "
	    "UNIQUE (domain_id, name))",
	"CREATE TABLE IF NOT EXISTS user (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domain(id),"
	    " enabled INTEGER NOT NULL DEFAULT 1, password_hash TEXT, "
	    "failed_logins INTEGER NOT NULL DEFAULT 0, "
	    "locked_until INTEGER NOT NULL DEFAULT 0, "
	    "UNIQUE (domain_id, name))",
	"CREATE TABLE IF NOT EXISTS role (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL UNIQUE)",
	"CREATE TABLE IF NOT EXISTS implied_role (prior TEXT NOT NULL "
	    "REFERENCES role(id), implied TEXT NOT NULL REFERENCES role(id), "
	    "PRIMARY KEY (prior, implied))",
	"CREATE TABLE IF NOT EXISTS assignment (role_id TEXT NOT NULL "
	    "REFERENCES role(id), user_id TEXT NOT NULL REFERENCES user(id), "
	    "target_type TEXT NOT NULL CHECK (target_type IN "
	    "('project', 'domain', 'system')), target_id TEXT NOT NULL, "
	    "PRIMARY KEY (role_id, user_id, target_type, target_id))",
	"CREATE TABLE IF NOT EXISTS region (id TEXT PRIMARY KEY, "
	    "description TEXT)",
	"CREATE TABLE IF NOT EXISTS service (id TEXT PRIMARY KEY, "
	    "type TEXT NOT NULL, name TEXT, "
	    "enabled INTEGER NOT NULL DEFAULT 1)",
	"CREATE TABLE IF NOT EXISTS endpoint (id TEXT PRIMARY KEY, "
	    "service_id TEXT NOT NULL REFERENCES service(id), "
	    "interface TEXT NOT NULL CHECK (interface IN "
	    "('public', 'internal', 'admin')), url TEXT NOT NULL, "
	    "region_id TEXT REFERENCES region(id), "
	    "enabled INTEGER NOT NULL DEFAULT 1, "
	    "UNIQUE (service_id, interface, region_id))",
	"CREATE TABLE IF NOT EXISTS revocation_event (id INTEGER PRIMARY KEY,"
	    " audit_id TEXT, audit_chain_id TEXT, user_id TEXT, "
	    "project_id TEXT, domain_id TEXT, role_id TEXT, "
	    "issued_before INTEGER NOT NULL, revoked_at INTEGER NOT NULL, "
	    "expires_at INTEGER)",
	"CREATE INDEX IF NOT EXISTS revocation_audit ON "
	    "revocation_event (audit_id)",
	"CREATE INDEX IF NOT EXISTS revocation_chain ON "
	    "revocation_event (audit_chain_id)",
	"CREATE INDEX IF NOT EXISTS revocation_user ON "
	    "revocation_event (user_id)",
	"CREATE TABLE IF NOT EXISTS uuid_token (id TEXT PRIMARY KEY, "
	    "user_id TEXT NOT NULL, expires_at INTEGER NOT NULL, "
	    "body TEXT NOT NULL)",
	/* each batch of UUID tokens prunes the expired: no full scan */
	"CREATE INDEX IF NOT EXISTS uuid_token_expiry ON "
	    "uuid_token (expires_at)",
	"INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')",
};

/*
 * Version 2: what the identity API reads and writes as Keystone does
 * (a region's parent, a project's parent, the attributes Keystone keeps
 * as "extra"), and endpoints no longer unique per service, interface and
 * region (Keystone allows two). A fresh store takes the same steps.
 */
static const char *const to_v2[] = {
	"ALTER TABLE region ADD COLUMN parent_region_id TEXT "
	    "REFERENCES region(id)",
	"ALTER TABLE region ADD COLUMN extra TEXT",
	"ALTER TABLE service ADD COLUMN extra TEXT",
	"ALTER TABLE domain ADD COLUMN extra TEXT",
	"ALTER TABLE project ADD COLUMN parent_id TEXT",
	"ALTER TABLE project ADD COLUMN extra TEXT",
	"CREATE TABLE endpoint_v2 (id TEXT PRIMARY KEY, "
	    "service_id TEXT NOT NULL REFERENCES service(id), "
	    "interface TEXT NOT NULL CHECK (interface IN "
	    "('public', 'internal', 'admin')), url TEXT NOT NULL, "
	    "region_id TEXT REFERENCES region(id), "
	    "enabled INTEGER NOT NULL DEFAULT 1, extra TEXT)",
	"INSERT INTO endpoint_v2 SELECT id, service_id, interface, url, "
	    "region_id, enabled, NULL FROM endpoint",
	"DROP TABLE endpoint",
	"ALTER TABLE endpoint_v2 RENAME TO endpoint",
	"CREATE INDEX IF NOT EXISTS project_parent ON project (parent_id)",
	"UPDATE meta SET value = '2' WHERE key = 'schema_version'",
};

/*
 * Version 3: application credentials, as Keystone keeps them: the secret
 * only as its hash, a name unique per user, the roles a subset of the
 * creator's on the project (gone with the role), and gone with their
 * user or project. expires_at is in microseconds, as Keystone's
 * DateTimeInt.
 */
static const char *const to_v3[] = {
	"CREATE TABLE application_credential (id TEXT PRIMARY KEY, "
	    "name TEXT NOT NULL, secret_hash TEXT NOT NULL, description TEXT, "
	    "user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE, "
	    "project_id TEXT REFERENCES project(id) ON DELETE CASCADE, "
	    "expires_at INTEGER, unrestricted INTEGER NOT NULL DEFAULT 0, "
	    "UNIQUE (user_id, name))",
	"CREATE TABLE application_credential_role (application_credential_id "
	    "TEXT NOT NULL REFERENCES application_credential(id) "
	    "ON DELETE CASCADE, role_id TEXT NOT NULL REFERENCES role(id) "
	    "ON DELETE CASCADE, PRIMARY KEY (application_credential_id, "
	    "role_id))",
	"CREATE INDEX application_credential_project ON "
	    "application_credential (project_id)",
	"CREATE INDEX application_credential_role_role ON "
	    "application_credential_role (role_id)",
	"UPDATE meta SET value = '3' WHERE key = 'schema_version'",
};

/*
 * Version 4: the identity API's users (a default project, options and
 * extra attributes), groups and their members, groups' grants, and roles
 * as Keystone keeps them (a domain of their own or none, a description,
 * options, extra attributes; a name unique within its domain). The role
 * table is made anew (SQLite cannot drop its old UNIQUE), with foreign
 * keys off for the whole upgrade and checked before it commits.
 */
static const char *const to_v4[] = {
	"ALTER TABLE user ADD COLUMN default_project_id TEXT",
	"ALTER TABLE user ADD COLUMN options TEXT",
	"ALTER TABLE user ADD COLUMN extra TEXT",
	"CREATE TABLE role_v3 (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
	    "domain_id TEXT, description TEXT, options TEXT, extra TEXT)",
	"INSERT INTO role_v3 (id, name) SELECT id, name FROM role",
	"DROP TABLE role",
	"ALTER TABLE role_v3 RENAME TO role",
	"CREATE UNIQUE INDEX role_name ON role (name, COALESCE(domain_id, ''))",
	"CREATE TABLE user_group (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
	    "domain_id TEXT NOT NULL REFERENCES domain(id), description TEXT, "
	    "extra TEXT, UNIQUE (domain_id, name))",
	"CREATE TABLE group_member (group_id TEXT NOT NULL REFERENCES "
	    "user_group(id), user_id TEXT NOT NULL REFERENCES user(id), "
	    "PRIMARY KEY (group_id, user_id))",
	"CREATE INDEX group_member_user ON group_member (user_id)",
	"CREATE TABLE group_assignment (role_id TEXT NOT NULL REFERENCES "
	    "role(id), group_id TEXT NOT NULL REFERENCES user_group(id), "
	    "target_type TEXT NOT NULL CHECK (target_type IN "
	    "('project', 'domain', 'system')), target_id TEXT NOT NULL, "
	    "PRIMARY KEY (role_id, group_id, target_type, target_id))",
	"CREATE INDEX group_assignment_group ON group_assignment (group_id)",
	"CREATE INDEX assignment_user ON assignment (user_id)",
	"CREATE INDEX implied_role_implied ON implied_role (implied)",
	"UPDATE meta SET value = '4' WHERE key = 'schema_version'",
};

/*
 * Version 5: credentials (/v3/credentials), as Keystone keeps them: the
 * blob only as the signer encrypted it, with the name of the key it used;
 * gone with their user or project.
 */
static const char *const to_v5[] = {
	"CREATE TABLE credential (id TEXT PRIMARY KEY, user_id TEXT NOT NULL "
	    "REFERENCES user(id) ON DELETE CASCADE, project_id TEXT "
	    "REFERENCES project(id) ON DELETE CASCADE, type TEXT NOT NULL, "
	    "encrypted_blob TEXT NOT NULL, key_hash TEXT NOT NULL, extra TEXT)",
	"CREATE INDEX credential_user ON credential (user_id)",
	"CREATE INDEX credential_project ON credential (project_id)",
	"UPDATE meta SET value = '5' WHERE key = 'schema_version'",
};

static const struct {
	const char *const	*steps;
	size_t			 n;
} upgrades[] = {
	{ to_v2, sizeof(to_v2) / sizeof(to_v2[0]) },	/* from 1 */
	{ to_v3, sizeof(to_v3) / sizeof(to_v3[0]) },	/* from 2 */
	{ to_v4, sizeof(to_v4) / sizeof(to_v4[0]) },	/* from 3 */
	{ to_v5, sizeof(to_v5) / sizeof(to_v5[0]) },	/* from 4 */
};

struct db *
store_db(struct store *s)
{
	return s->db;
}

/* A fresh uuid4().hex into out (33 bytes). */
void
store_new_id(char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 b[16];
	int		 i;

	if (RAND_bytes(b, sizeof(b)) != 1)
		abort();	/* no randomness: no ids we could trust */
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[32] = '\0';
}

/*
 * Runs sql with args bound in order (NULL binds NULL). With out, the first
 * row's first column is copied there and no row is SIG_ERR_KEY_NOT_FOUND.
 */
static int
q(struct store *s, const char *sql, const char *const *args, int n,
    char *out, size_t outsz)
{
	struct db_stmt	*st;
	const char	*v;
	int		 i, rc, r = 0;

	if (db_prepare(s->db, sql, 0, &st) != 0)
		return SIG_ERR_SYSTEM;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, args[i]);
	rc = db_step(st);
	if (rc == DB_ROW && out != NULL) {
		v = db_column_text(st, 0);
		snprintf(out, outsz, "%s", v != NULL ? v : "");
	} else if (rc == DB_DONE && out != NULL)
		r = SIG_ERR_KEY_NOT_FOUND;
	else if (rc == DB_FAIL)
		r = (r = store_failed(s)) == SIG_ERR_KEY_NOT_FOUND ||
		    r == SIG_ERR_BAD_INPUT ? SIG_ERR_EXISTS : r;
	db_finalize(st);
	return r;
}

#define Q(s, sql, out, ...)						\
	q((s), (sql), (const char *const []){ __VA_ARGS__ },		\
	    sizeof((const char *const []){ __VA_ARGS__ }) /		\
	    sizeof(const char *), (out), STORE_ID_LEN + 1)

/*
 * What a failed statement means to the caller: a constraint is the
 * request's fault; a locked, full or unreachable database is worth
 * retrying later (503).
 */
int
store_failed(struct store *s)
{
	switch (db_error(s->db)) {
	case DB_E_UNIQUE:
		return SIG_ERR_EXISTS;
	case DB_E_FOREIGN:
		return SIG_ERR_KEY_NOT_FOUND;
	case DB_E_INPUT:
		return SIG_ERR_BAD_INPUT;
	case DB_E_BUSY:
		log_err("store %s: %s", s->path, db_errmsg(s->db));
		return SIG_ERR_HSM_RETRY;
	default:
		log_err("store %s: %s", s->path, db_errmsg(s->db));
		return SIG_ERR_SYSTEM;
	}
}

/*
 * Caller owns *sp (store_close). conn is a file's path or a
 * postgresql:// URI. flags: STORE_CREATE makes the file (0600) if
 * absent; with STORE_LAZY a database unreachable now is no error (a
 * thread of signet-api may serve from its caches meanwhile).
 */
int
store_open(const char *conn, int flags, struct store **sp)
{
	struct store	*s;
	int		 r;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(store_is_pg(conn) ? "(postgresql)" : conn)) ==
	    NULL) {
		free(s);
		return SIG_ERR_NOMEM;
	}
	r = store_is_pg(conn) ? db_pg_open(conn, flags & STORE_LAZY, &s->db) :
	    db_sqlite_open(conn, flags & STORE_CREATE, &s->db);
	if (r != 0) {
		store_close(s);
		return r;
	}
	*sp = s;
	return 0;
}

/*
 * A cached statement for sql (a string literal), reset and unbound; give
 * it back with db_reset, never db_finalize. NULL on error.
 */
struct db_stmt *
store_stmt(struct store *s, const char *sql)
{
	struct db_stmt	*st;
	int		 i;

	for (i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql) {
			db_reset(s->cache[i].st);
			return s->cache[i].st;
		}
	if (s->ncache == STORE_STMT_CACHE || db_prepare(s->db, sql, 1,
	    &st) != 0) {
		log_err("store %s: no statement", s->path);
		return NULL;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache++].st = st;
	return st;
}

void
store_close(struct store *s)
{
	int	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncache; i++)
		db_finalize(s->cache[i].st);
	if (s->db != NULL)
		s->db->ops->close(s->db);
	free(s->path);
	free(s);
}

static int
exec(struct store *s, const char *sql)
{
	return s->db->ops->exec(s->db, sql);
}

int
store_begin(struct store *s)
{
	struct timespec	 until;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += STORE_BUSY_MS / 1000;
	if (pthread_mutex_clocklock(&writer_mu, CLOCK_MONOTONIC, &until) != 0) {
		log_err("store %s: another writer holds it; busy", s->path);
		return SIG_ERR_HSM_RETRY;
	}
	s->writing = 1;
	if ((r = s->db->ops->begin(s->db)) != 0)
		writer_done(s);
	return r;
}

/* A COMMIT that fails (busy, disk full) is rolled back, so the
 * connection's next call starts clean. */
int
store_commit(struct store *s)
{
	int	 r;

	r = s->db->ops->commit(s->db);
	writer_done(s);
	return r;
}

void
store_rollback(struct store *s)
{
	(void)exec(s, "ROLLBACK");
	writer_done(s);
}

/* 0 when db-sync has run on this file. */
int
store_ready(struct store *s)
{
	char	 v[STORE_ID_LEN + 1];

	if (Q(s, "SELECT value FROM meta WHERE key = ?",
	    v, "schema_version") != 0 || atoi(v) < STORE_SCHEMA_VERSION) {
		log_err("store %s has no schema, or an older one; run "
		    "signet-manage db-sync",
		    s->path);
		return SIG_ERR_STATE;
	}
	return 0;
}

/* 0 when no row breaks a foreign key (checked while they are off). */
static int
foreign_keys_ok(struct store *s)
{
	struct db_stmt	*st;
	int		 rc;

	if (s->db->kind != DB_SQLITE)
		return 0;	/* never off */
	if (db_prepare(s->db, "PRAGMA foreign_key_check", 0, &st) != 0)
		return SIG_ERR_SYSTEM;
	rc = db_step(st);
	if (rc == DB_ROW)
		log_err("store %s: table %s has a row whose %s is missing",
		    s->path, db_column_text(st, 0), db_column_text(st, 2));
	db_finalize(st);
	return rc == DB_DONE ? 0 : SIG_ERR_STATE;
}

static int
sync_locked(struct store *s)
{
	char	 v[STORE_ID_LEN + 1];
	const char *const	*first = schema;
	size_t			 i, u, n = sizeof(schema) / sizeof(schema[0]);
	int			 r = 0, ver;

	if (s->db->kind == DB_PG) {
		first = store_pg_schema;
		n = store_pg_schema_n;
	}
	for (i = 0; i < n && r == 0; i++)
		r = exec(s, first[i]);
	for (u = 0; r == 0 && u < sizeof(upgrades) / sizeof(upgrades[0]);
	    u++) {
		if ((r = Q(s, "SELECT value FROM meta WHERE key = ?", v,
		    "schema_version")) != 0 || atoi(v) != (int)u + 1)
			continue;
		for (i = 0; i < upgrades[u].n && r == 0; i++)
			r = exec(s, upgrades[u].steps[i]);
	}
	if (r == 0 && (r = Q(s, "SELECT value FROM meta WHERE key = ?", v,
	    "schema_version")) == 0 && (ver = atoi(v)) > STORE_SCHEMA_VERSION) {
		log_err("store %s: schema version %s is newer than this "
		    "program's %d", s->path, v, STORE_SCHEMA_VERSION);
		r = SIG_ERR_CONFIG;
	}
	return r != 0 ? r : foreign_keys_ok(s);
}

/*
 * db-sync: the schema, created or brought up to date, in one
 * transaction. In SQLite foreign keys are off meanwhile (a table is made
 * anew) and checked, all of them, before it commits. A PostgreSQL store
 * is made at the current version (store_pg_schema.c).
 */
int
store_sync(struct store *s)
{
	int	 r;

	if (s->db->kind == DB_SQLITE)
		(void)exec(s, "PRAGMA foreign_keys = OFF");
	if ((r = store_begin(s)) == 0) {
		if ((r = sync_locked(s)) != 0)
			store_rollback(s);
		else
			r = store_commit(s);
	}
	if (s->db->kind == DB_SQLITE)
		(void)exec(s, "PRAGMA foreign_keys = ON");
	return r;
}

int
store_domain_find(struct store *s, const char *name, char *id)
{
	return Q(s, "SELECT id FROM domain WHERE name = ? OR id = ?", id,
	    name, name);
}

/* id NULL: a fresh one. *out receives the domain's id either way. */
int
store_domain_ensure(struct store *s, const char *id, const char *name,
    char *out)
{
	char	 fresh[STORE_ID_LEN + 1];

	if (store_domain_find(s, name, out) == 0)
		return 0;
	if (id == NULL) {
		store_new_id(fresh);
		id = fresh;
	}
	snprintf(out, STORE_ID_LEN + 1, "%s", id);
	return Q(s, "INSERT INTO domain (id, name) VALUES (?, ?)", NULL, id,
	    name);
}

int
store_project_find(struct store *s, const char *name, const char *domain,
    char *id)
{
	return Q(s, "SELECT id FROM project WHERE (name = ? OR id = ?) AND "
	    "domain_id = ?", id, name, name, domain);
}

int
store_project_ensure(struct store *s, const char *name, const char *domain,
    char *out)
{
	if (store_project_find(s, name, domain, out) == 0)
		return 0;
	store_new_id(out);
	return Q(s, "INSERT INTO project (id, name, domain_id) VALUES "
	    "(?, ?, ?)", NULL, out, name, domain);
}

int
store_user_find(struct store *s, const char *name, const char *domain,
    char *id)
{
	return Q(s, "SELECT id FROM user WHERE (name = ? OR id = ?) AND "
	    "domain_id = ?", id, name, name, domain);
}

/* hash may be NULL (no password); reset: replace an existing user's hash
 * and enable it, as keystone-manage bootstrap does for its admin. */
int
store_user_ensure(struct store *s, const char *name, const char *domain,
    const char *hash, int reset, char *out)
{
	if (store_user_find(s, name, domain, out) == 0) {
		if (!reset)
			return SIG_ERR_EXISTS;
		return Q(s, "UPDATE user SET password_hash = ?, enabled = '1', "
		    "failed_logins = 0, locked_until = 0 WHERE id = ?", NULL,
		    hash, out);
	}
	store_new_id(out);
	return Q(s, "INSERT INTO user (id, name, domain_id, password_hash) "
	    "VALUES (?, ?, ?, ?)", NULL, out, name, domain, hash);
}

/* table is "user", "project" or "domain" (never from input). */
int
store_set_enabled(struct store *s, const char *table, const char *id,
    int enabled)
{
	char	 sql[96];

	if (strcmp(table, "user") != 0 && strcmp(table, "project") != 0 &&
	    strcmp(table, "domain") != 0)
		return SIG_ERR_USAGE;
	snprintf(sql, sizeof(sql), "UPDATE %s SET enabled = ? WHERE id = ?",
	    table);
	return Q(s, sql, NULL, enabled ? "1" : "0", id);
}

/* A role of no domain by name, or any role by id. */
int
store_role_find(struct store *s, const char *name, char *out)
{
	return Q(s, "SELECT id FROM role WHERE (name = ? AND domain_id IS "
	    "NULL) OR id = ? ORDER BY domain_id IS NOT NULL LIMIT 1", out,
	    name, name);
}

/* A role of no domain; a new one immutable when asked (bootstrap's). */
int
store_role_ensure(struct store *s, const char *name, int immutable,
    char *out)
{
	if (store_role_find(s, name, out) == 0)
		return 0;
	store_new_id(out);
	return Q(s, "INSERT INTO role (id, name, options) VALUES (?, ?, ?)",
	    NULL, out, name, immutable ? "{\"immutable\": true}" : NULL);
}

int
store_role_imply(struct store *s, const char *prior, const char *implied)
{
	return Q(s, "INSERT OR IGNORE INTO implied_role VALUES (?, ?)", NULL,
	    prior, implied);
}

/* grant: 1 adds the assignment (idempotently), 0 removes it. */
int
store_grant(struct store *s, const char *role, const char *user,
    enum store_target t, const char *target, int grant)
{
	static const char *const types[] = { "project", "domain", "system" };

	if (grant)
		return Q(s, "INSERT OR IGNORE INTO assignment VALUES "
		    "(?, ?, ?, ?)", NULL, role, user, types[t], target);
	return Q(s, "DELETE FROM assignment WHERE role_id = ? AND "
	    "user_id = ? AND target_type = ? AND target_id = ?", NULL, role,
	    user, types[t], target);
}

int
store_region_ensure(struct store *s, const char *id)
{
	return Q(s, "INSERT OR IGNORE INTO region (id) VALUES (?)", NULL, id);
}

int
store_service_ensure(struct store *s, const char *type, const char *name,
    char *out)
{
	if (Q(s, "SELECT id FROM service WHERE type = ? AND name = ?", out,
	    type, name) == 0)
		return 0;
	store_new_id(out);
	return Q(s, "INSERT INTO service (id, type, name) VALUES (?, ?, ?)",
	    NULL, out, type, name);
}

/* One endpoint per service, interface and region: a new URL replaces. */
int
store_endpoint_ensure(struct store *s, const char *service,
    const char *interface, const char *url, const char *region)
{
	char	 id[STORE_ID_LEN + 1];

	if (Q(s, "SELECT id FROM endpoint WHERE service_id = ? AND "
	    "interface = ? AND region_id IS ?", id, service, interface,
	    region) == 0)
		return Q(s, "UPDATE endpoint SET url = ? WHERE id = ?", NULL,
		    url, id);
	store_new_id(id);
	return Q(s, "INSERT INTO endpoint (id, service_id, interface, url, "
	    "region_id) VALUES (?, ?, ?, ?, ?)", NULL, id, service, interface,
	    url, region);
}

/* Moves whenever another connection (thread or process) commits. */
int
store_data_version(struct store *s, int64_t *version)
{
	return s->db->ops->data_version(s->db, version);
}

/* In a write transaction: what store_data_version reads once it commits. */
int
store_commit_version(struct store *s, int64_t *version)
{
	return s->db->ops->commit_version(s->db, version);
}
