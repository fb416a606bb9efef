/*
 * signet-api: the identity store read for authentication and token
 * bodies. Effective roles include implied ones (admin -> member ->
 * reader), as Keystone lists them; the catalog carries both region keys.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

static void
col(struct db_stmt *st, int i, char *out, size_t sz)
{
	const char	*v = db_column_text(st, i);

	snprintf(out, sz, "%s", v != NULL ? v : "");
}

/* sql must be a string literal: the statement is cached under it. */
static struct db_stmt *
prep(struct store *s, const char *sql, const char *const *args, int n)
{
	struct db_stmt	*st;
	int		 i;

	if ((st = store_stmt(s, sql)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		db_bind_text(st, i + 1, args[i]);
	return st;
}

static int
step_one(struct db_stmt *st)
{
	int	 rc = db_step(st);

	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? SIG_ERR_KEY_NOT_FOUND : SIG_ERR_HSM_RETRY;
}

/* By id (domain NULL) or by name within a domain given by id or name. */
int
store_user_get(struct store *s, const char *id_or_name, const char *dom_id,
    const char *dom_name, struct store_user *u)
{
	const char	*args[3] = { id_or_name, dom_id, dom_name };
	struct db_stmt	*st;
	int		 r;

#define USER_COLS(opts)						\
	"SELECT u.id, u.name, d.id, d.name, u.password_hash, "		\
	"u.enabled AND d.enabled, u.locked_until, u.default_project_id, " \
	opts "FROM user u JOIN domain d ON d.id = u.domain_id "
#define USER_OPTS_SQLITE						\
	"json_extract(u.options, '$.ignore_lockout_failure_attempts') IS 1, " \
	"json_extract(u.options, '$.lock_password') IS 1 "
#define USER_OPTS_PG							\
	"COALESCE(u.options::jsonb -> 'ignore_lockout_failure_attempts' = " \
	"'true', FALSE), COALESCE(u.options::jsonb -> 'lock_password' = " \
	"'true', FALSE) "
#define USER_BY_ID	"WHERE u.id = ?1"
#define USER_BY_NAME	"WHERE u.name = ?1 AND (d.id = ?2 OR "	\
	"(?2 IS NULL AND d.name = ?3))"
	st = prep(s, dom_id == NULL && dom_name == NULL ?
	    DB_SQL(store_db(s), USER_COLS(USER_OPTS_SQLITE) USER_BY_ID,
	    USER_COLS(USER_OPTS_PG) USER_BY_ID) :
	    DB_SQL(store_db(s), USER_COLS(USER_OPTS_SQLITE) USER_BY_NAME,
	    USER_COLS(USER_OPTS_PG) USER_BY_NAME), args, 3);
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	memset(u, 0, sizeof(*u));
	if ((r = step_one(st)) == 0) {
		col(st, 0, u->id, sizeof(u->id));
		col(st, 1, u->name, sizeof(u->name));
		col(st, 2, u->domain_id, sizeof(u->domain_id));
		col(st, 3, u->domain_name, sizeof(u->domain_name));
		col(st, 4, u->hash, sizeof(u->hash));
		u->enabled = db_column_int(st, 5);
		u->locked_until = db_column_int64(st, 6);
		col(st, 7, u->default_project_id,
		    sizeof(u->default_project_id));
		u->ignore_lockout = db_column_int(st, 8);
		u->lock_password = db_column_int(st, 9);
	}
	db_reset(st);
	return r;
}

static int
scope_row(struct db_stmt *st, struct store_scope *sc)
{
	int	 r;

	memset(sc, 0, sizeof(*sc));
	if ((r = step_one(st)) == 0) {
		col(st, 0, sc->id, sizeof(sc->id));
		col(st, 1, sc->name, sizeof(sc->name));
		col(st, 2, sc->domain_id, sizeof(sc->domain_id));
		col(st, 3, sc->domain_name, sizeof(sc->domain_name));
		sc->enabled = db_column_int(st, 4);
	}
	db_reset(st);
	return r;
}

int
store_project_get(struct store *s, const char *id_or_name,
    const char *dom_id, const char *dom_name, struct store_scope *sc)
{
	const char	*args[3] = { id_or_name, dom_id, dom_name };
	struct db_stmt	*st;

	st = prep(s, dom_id == NULL && dom_name == NULL ?
	    "SELECT p.id, p.name, d.id, d.name, p.enabled AND d.enabled "
	    "FROM project p JOIN domain d ON d.id = p.domain_id "
	    "WHERE p.id = ?1" :
	    "SELECT p.id, p.name, d.id, d.name, p.enabled AND d.enabled "
	    "FROM project p JOIN domain d ON d.id = p.domain_id "
	    "WHERE p.name = ?1 AND (d.id = ?2 OR (?2 IS NULL AND "
	    "d.name = ?3))", args, 3);
	return st == NULL ? SIG_ERR_SYSTEM : scope_row(st, sc);
}

int
store_domain_get(struct store *s, const char *id, const char *name,
    struct store_scope *sc)
{
	const char	*args[2] = { id, name };
	struct db_stmt	*st;

	st = prep(s, "SELECT id, name, id, name, enabled FROM domain WHERE "
	    "id = ?1 OR (?1 IS NULL AND name = ?2)", args, 2);
	return st == NULL ? SIG_ERR_SYSTEM : scope_row(st, sc);
}

/*
 * Appends {"id", "name"} for each effective role of user on the target
 * (type "project", "domain" or "system") to the json array arr: the
 * user's own grants and those of the groups it is in, with the roles
 * they imply. As in Keystone, a role of a domain only ever implies
 * others: it is never one of a token's roles itself.
 */
int
store_roles_json(struct store *s, const char *user, const char *type,
    const char *target, void *arr)
{
	const char	*args[3] = { user, type, target };
	struct db_stmt	*st;
	int		 rc;

	st = prep(s, "WITH RECURSIVE eff(id) AS (SELECT role_id FROM "
	    "assignment WHERE user_id = ?1 AND target_type = ?2 AND "
	    "target_id = ?3 UNION SELECT g.role_id FROM group_assignment g "
	    "JOIN group_member m ON m.group_id = g.group_id WHERE "
	    "m.user_id = ?1 AND g.target_type = ?2 AND g.target_id = ?3 "
	    "UNION SELECT implied FROM implied_role JOIN eff "
	    "ON prior = eff.id) SELECT r.id, r.name FROM role r JOIN eff "
	    "ON eff.id = r.id WHERE r.domain_id IS NULL ORDER BY r.name",
	    args, 3);
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "id",
		    db_column_text(st, 0), "name",
		    db_column_text(st, 1)));
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

int
store_catalog_json(struct store *s, void *arr)
{
	struct db_stmt	*st;
	json_t		*svc = NULL, *eps = NULL;
	char		 cur[STORE_NAME_MAX + 1] = "";
	int		 rc;

	st = prep(s, "SELECT s.id, s.type, s.name, e.id, e.interface, e.url, "
	    "e.region_id FROM service s JOIN endpoint e ON e.service_id = "
	    "s.id WHERE s.enabled AND e.enabled ORDER BY s.id, e.interface",
	    NULL, 0);
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *region = db_column_text(st, 6);

		if (strcmp(cur, db_column_text(st, 0))) {
			col(st, 0, cur, sizeof(cur));
			eps = json_array();
			svc = json_pack("{s:o,s:s,s:s,s:s}", "endpoints", eps,
			    "id", cur, "type", db_column_text(st, 1),
			    "name", db_column_text(st, 2));
			json_array_append_new(arr, svc);
		}
		json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s?,s:s?}",
		    "id", db_column_text(st, 3), "interface",
		    db_column_text(st, 4), "url",
		    db_column_text(st, 5), "region_id", region,
		    "region", region));
	}
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

static int
rows_json(struct store *s, const char *sql, const char *user, json_t *arr,
    int projects)
{
	const char	*args[1] = { user };
	struct db_stmt	*st = prep(s, sql, args, 1);
	int		 rc;

	if (st == NULL)
		return SIG_ERR_SYSTEM;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, projects ?
		    json_pack("{s:s,s:s,s:s,s:b,s:b}", "id",
		    db_column_text(st, 0), "name",
		    db_column_text(st, 1), "domain_id",
		    db_column_text(st, 2), "enabled", 1, "is_domain", 0) :
		    json_pack("{s:s,s:s,s:b}", "id",
		    db_column_text(st, 0), "name",
		    db_column_text(st, 1), "enabled", 1));
	db_reset(st);
	return rc == DB_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

/* The targets of a user's grants, its own and its groups'. */
#define USER_TARGETS(type)						\
	"(SELECT target_id FROM assignment WHERE target_type = '" type	\
	"' AND user_id = ?1 UNION SELECT g.target_id FROM "		\
	"group_assignment g JOIN group_member m ON m.group_id = "	\
	"g.group_id WHERE g.target_type = '" type "' AND m.user_id = ?1)"

/* Enabled projects where the user holds a role (GET /v3/auth/projects). */
int
store_user_projects_json(struct store *s, const char *user, void *arr)
{
	return rows_json(s, "SELECT p.id, p.name, p.domain_id FROM "
	    "project p JOIN domain d ON d.id = p.domain_id WHERE p.id IN "
	    USER_TARGETS("project") " AND p.enabled AND d.enabled "
	    "ORDER BY p.name", user, arr, 1);
}

int
store_user_domains_json(struct store *s, const char *user, void *arr)
{
	return rows_json(s, "SELECT d.id, d.name FROM domain d WHERE d.id IN "
	    USER_TARGETS("domain") " AND d.enabled ORDER BY d.name", user,
	    arr, 0);
}

/*
 * Runs one lockout statement for user, as the process's one writer
 * (store_begin); *count and *until when asked.
 */
static int
login_step(struct store *s, const char *sql, const char *user, int64_t now,
    int attempts, int duration, int64_t *count, int64_t *until)
{
	struct db_stmt	*st;
	int		 rc;

	if (store_begin(s) != 0)
		return SIG_ERR_HSM_RETRY;
	if (db_prepare(store_db(s), sql, 0, &st) != 0) {
		store_rollback(s);
		return SIG_ERR_SYSTEM;
	}
	/* a statement without ?2..?4 refuses their binding: harmless */
	db_bind_text(st, 1, user);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, attempts);
	db_bind_int64(st, 4, duration);
	if ((rc = db_step(st)) == DB_ROW && count != NULL) {
		*count = db_column_int64(st, 0);
		*until = db_column_int64(st, 1);
		rc = db_step(st);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		store_rollback(s);
		return SIG_ERR_HSM_RETRY;
	}
	return store_commit(s) == 0 ? 0 : SIG_ERR_HSM_RETRY;
}

/*
 * [security_compliance] lockout, begun before the password is checked:
 * each attempt first takes its place in the count (one statement, so
 * concurrent attempts cannot all read the same count), and only the first
 * `attempts` in a row are ever checked; the one after them locks the user
 * for `duration` seconds. An expired lock starts a new count, as Keystone
 * resets it. 1: locked out, check nothing; 0: check the password.
 */
int
store_login_begin(struct store *s, const char *user, int attempts,
    int duration)
{
	int64_t	 now = time(NULL), count = 0, until = 0;
	int	 r;

	if (attempts == 0)
		return 0;
	r = login_step(s, "UPDATE user SET "
	    "failed_logins = CASE WHEN locked_until != 0 AND locked_until <= ?2 "
	    "THEN 1 ELSE failed_logins + 1 END, "
	    "locked_until = CASE WHEN locked_until != 0 AND locked_until <= ?2 "
	    "THEN 0 WHEN failed_logins + 1 > ?3 AND locked_until = 0 "
	    "THEN ?2 + ?4 ELSE locked_until END "
	    "WHERE id = ?1 RETURNING failed_logins, locked_until", user, now,
	    attempts, duration, &count, &until);
	if (r != 0)
		return r;
	return until > now || count > attempts;
}

/*
 * The end of an attempt begun: a success clears the count; the failure
 * that fills it locks the user.
 */
int
store_login_end(struct store *s, const char *user, int ok, int attempts,
    int duration)
{
	if (attempts == 0)
		return 0;
	return login_step(s, ok ?
	    "UPDATE user SET failed_logins = 0 WHERE id = ?1 AND "
	    "failed_logins != 0" :
	    "UPDATE user SET locked_until = CAST(?2 AS BIGINT) + ?4 WHERE "
	    "id = ?1 AND "
	    "failed_logins >= ?3 AND locked_until = 0", user, time(NULL),
	    attempts, duration, NULL, NULL);
}
