/*
 * signet-api: the identity store read for authentication and token
 * bodies. Effective roles include implied ones (admin -> member ->
 * reader), as Keystone lists them; the catalog carries both region keys.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "err.h"
#include "log.h"
#include "store.h"

sqlite3		*store_db(struct store *);
sqlite3_stmt	*store_stmt(struct store *, const char *);

static void
col(sqlite3_stmt *st, int i, char *out, size_t sz)
{
	const char	*v = (const char *)sqlite3_column_text(st, i);

	snprintf(out, sz, "%s", v != NULL ? v : "");
}

/* sql must be a string literal: the statement is cached under it. */
static sqlite3_stmt *
prep(struct store *s, const char *sql, const char *const *args, int n)
{
	sqlite3_stmt	*st;
	int		 i;

	if ((st = store_stmt(s, sql)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
	return st;
}

static int
step_one(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? SIG_ERR_KEY_NOT_FOUND : SIG_ERR_HSM_RETRY;
}

/* By id (domain NULL) or by name within a domain given by id or name. */
int
store_user_get(struct store *s, const char *id_or_name, const char *dom_id,
    const char *dom_name, struct store_user *u)
{
	const char	*args[3] = { id_or_name, dom_id, dom_name };
	sqlite3_stmt	*st;
	int		 r;

#define USER_COLS							\
	"SELECT u.id, u.name, d.id, d.name, u.password_hash, "		\
	"u.enabled AND d.enabled, u.locked_until, u.default_project_id, "	\
	"json_extract(u.options, '$.ignore_lockout_failure_attempts') IS 1, " \
	"json_extract(u.options, '$.lock_password') IS 1 "		\
	"FROM user u JOIN domain d ON d.id = u.domain_id "
	st = prep(s, dom_id == NULL && dom_name == NULL ?
	    USER_COLS "WHERE u.id = ?1" :
	    USER_COLS "WHERE u.name = ?1 AND (d.id = ?2 OR "
	    "(?2 IS NULL AND d.name = ?3))", args, 3);
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	memset(u, 0, sizeof(*u));
	if ((r = step_one(st)) == 0) {
		col(st, 0, u->id, sizeof(u->id));
		col(st, 1, u->name, sizeof(u->name));
		col(st, 2, u->domain_id, sizeof(u->domain_id));
		col(st, 3, u->domain_name, sizeof(u->domain_name));
		col(st, 4, u->hash, sizeof(u->hash));
		u->enabled = sqlite3_column_int(st, 5);
		u->locked_until = sqlite3_column_int64(st, 6);
		col(st, 7, u->default_project_id,
		    sizeof(u->default_project_id));
		u->ignore_lockout = sqlite3_column_int(st, 8);
		u->lock_password = sqlite3_column_int(st, 9);
	}
	sqlite3_reset(st);
	return r;
}

static int
scope_row(sqlite3_stmt *st, struct store_scope *sc)
{
	int	 r;

	memset(sc, 0, sizeof(*sc));
	if ((r = step_one(st)) == 0) {
		col(st, 0, sc->id, sizeof(sc->id));
		col(st, 1, sc->name, sizeof(sc->name));
		col(st, 2, sc->domain_id, sizeof(sc->domain_id));
		col(st, 3, sc->domain_name, sizeof(sc->domain_name));
		sc->enabled = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return r;
}

int
store_project_get(struct store *s, const char *id_or_name,
    const char *dom_id, const char *dom_name, struct store_scope *sc)
{
	const char	*args[3] = { id_or_name, dom_id, dom_name };
	sqlite3_stmt	*st;

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
	sqlite3_stmt	*st;

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
	sqlite3_stmt	*st;
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
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "id",
		    sqlite3_column_text(st, 0), "name",
		    sqlite3_column_text(st, 1)));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

int
store_catalog_json(struct store *s, void *arr)
{
	sqlite3_stmt	*st;
	json_t		*svc = NULL, *eps = NULL;
	char		 cur[STORE_NAME_MAX + 1] = "";
	int		 rc;

	st = prep(s, "SELECT s.id, s.type, s.name, e.id, e.interface, e.url, "
	    "e.region_id FROM service s JOIN endpoint e ON e.service_id = "
	    "s.id WHERE s.enabled AND e.enabled ORDER BY s.id, e.interface",
	    NULL, 0);
	if (st == NULL)
		return SIG_ERR_SYSTEM;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *region = (const char *)sqlite3_column_text(st, 6);

		if (strcmp(cur, (const char *)sqlite3_column_text(st, 0))) {
			col(st, 0, cur, sizeof(cur));
			eps = json_array();
			svc = json_pack("{s:o,s:s,s:s,s:s}", "endpoints", eps,
			    "id", cur, "type", sqlite3_column_text(st, 1),
			    "name", sqlite3_column_text(st, 2));
			json_array_append_new(arr, svc);
		}
		json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s?,s:s?}",
		    "id", sqlite3_column_text(st, 3), "interface",
		    sqlite3_column_text(st, 4), "url",
		    sqlite3_column_text(st, 5), "region_id", region,
		    "region", region));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : SIG_ERR_HSM_RETRY;
}

static int
rows_json(struct store *s, const char *sql, const char *user, json_t *arr,
    int projects)
{
	const char	*args[1] = { user };
	sqlite3_stmt	*st = prep(s, sql, args, 1);
	int		 rc;

	if (st == NULL)
		return SIG_ERR_SYSTEM;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, projects ?
		    json_pack("{s:s,s:s,s:s,s:b,s:b}", "id",
		    sqlite3_column_text(st, 0), "name",
		    sqlite3_column_text(st, 1), "domain_id",
		    sqlite3_column_text(st, 2), "enabled", 1, "is_domain", 0) :
		    json_pack("{s:s,s:s,s:b}", "id",
		    sqlite3_column_text(st, 0), "name",
		    sqlite3_column_text(st, 1), "enabled", 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : SIG_ERR_HSM_RETRY;
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
	sqlite3_stmt	*st;
	int		 rc;

	if (store_begin(s) != 0)
		return SIG_ERR_HSM_RETRY;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		store_rollback(s);
		return SIG_ERR_SYSTEM;
	}
	/* a statement without ?2..?4 refuses their binding: harmless */
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, attempts);
	sqlite3_bind_int64(st, 4, duration);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && count != NULL) {
		*count = sqlite3_column_int64(st, 0);
		*until = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
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
	    "UPDATE user SET locked_until = ?2 + ?4 WHERE id = ?1 AND "
	    "failed_logins >= ?3 AND locked_until = 0", user, time(NULL),
	    attempts, duration, NULL, NULL);
}
