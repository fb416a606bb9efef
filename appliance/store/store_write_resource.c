/*
 * signet-api and signet-manage: deleting projects and domains as Keystone
 * does. A project goes only as a leaf, with its role assignments (users'
 * and groups'), and is no user's default project any more; a domain
 * (disabled first, which the caller checks) goes with its projects,
 * users, groups and every assignment on or of them. Revocation events
 * record what went (Keystone's project and user events); tokens scoped
 * to what is gone stop validating anyway, since their scope is looked up
 * on every validation. The caller holds the transaction.
 */
#include <time.h>


#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

/* sql with ?1 = id, ?2 = now, ?3 = the event's end (a statement without
 * ?2 or ?3 refuses their binding: harmless); *n rows changed or the
 * first column of its first row. */
static int
step_id(struct store *s, const char *sql, const char *id, int64_t keep,
    int64_t *n)
{
	struct db_stmt	*st;
	int64_t		 now = time(NULL);
	int		 rc;

	if ((st = store_stmt(s, sql)) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, id);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, now + keep);
	*n = 0;
	if ((rc = db_step(st)) == DB_ROW) {
		*n = db_column_int64(st, 0);
		rc = db_step(st);
	} else if (rc == DB_DONE)
		*n = db_changes(store_db(s));
	db_reset(st);
	if (rc != DB_DONE) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

/* The projects right below id (enabled: only enabled ones), or < 0. */
int
store_project_children(struct store *s, const char *id, int enabled)
{
	int64_t	 n;
	int	 r;

	r = step_id(s, enabled ? "SELECT count(*) FROM project WHERE "
	    "parent_id = ?1 AND enabled" : "SELECT count(*) "
	    "FROM project WHERE parent_id = ?1", id, 0, &n);
	return r != 0 ? r : (int)(n > 1000 ? 1000 : n);
}

/* SIG_ERR_STATE: it has projects below it (Keystone: 403). */
int
store_project_delete(struct store *s, const char *id, int64_t keep)
{
	int64_t	 n;
	int	 r;

	if ((r = store_project_children(s, id, 0)) < 0)
		return r;
	if (r > 0)
		return SIG_ERR_STATE;
	if ((r = step_id(s, "DELETE FROM assignment WHERE target_type = "
	    "'project' AND target_id = ?1", id, keep, &n)) != 0 ||
	    (r = step_id(s, "DELETE FROM group_assignment WHERE target_type = "
	    "'project' AND target_id = ?1", id, keep, &n)) != 0 ||
	    (r = step_id(s, "UPDATE user SET default_project_id = NULL WHERE "
	    "default_project_id = ?1", id, keep, &n)) != 0 ||
	    (r = step_id(s, "INSERT INTO revocation_event (project_id, "
	    "issued_before, revoked_at, expires_at) VALUES (?1, ?2, ?2, ?3)",
	    id, keep, &n)) != 0 ||
	    (r = step_id(s, "DELETE FROM project WHERE id = ?1",
	    id, keep, &n)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/*
 * In this order: events (its users; the members of its groups that held
 * a role, as Keystone's group deletion revokes them), assignments and
 * memberships, then rows below before above.
 */
static const char *const domain_steps[] = {
	"INSERT INTO revocation_event (user_id, issued_before, revoked_at, "
	    "expires_at) SELECT id, " DB_INT(2) ", " DB_INT(2) ", " DB_INT(3)
	    " FROM user WHERE domain_id = ?1",
	"INSERT INTO revocation_event (user_id, issued_before, revoked_at, "
	    "expires_at) SELECT DISTINCT m.user_id, " DB_INT(2) ", " DB_INT(2)
	    ", " DB_INT(3) " FROM "
	    "group_member m JOIN user u ON u.id = m.user_id WHERE "
	    "u.domain_id != ?1 AND m.group_id IN (SELECT group_id FROM "
	    "group_assignment WHERE group_id IN (SELECT id FROM user_group "
	    "WHERE domain_id = ?1))",
	"INSERT INTO revocation_event (project_id, issued_before, "
	    "revoked_at, expires_at) SELECT id, " DB_INT(2) ", " DB_INT(2) ", "
	    DB_INT(3) " FROM project "
	    "WHERE domain_id = ?1",
	"INSERT INTO revocation_event (domain_id, issued_before, revoked_at, "
	    "expires_at) VALUES (?1, ?2, ?2, ?3)",
	"DELETE FROM assignment WHERE (user_id IN (SELECT id FROM user WHERE "
	    "domain_id = ?1) OR (target_type = 'project' AND target_id IN "
	    "(SELECT id FROM project WHERE domain_id = ?1)) OR "
	    "(target_type = 'domain' AND target_id = ?1))",
	"DELETE FROM group_assignment WHERE (group_id IN (SELECT id FROM "
	    "user_group WHERE domain_id = ?1) OR (target_type = 'project' AND "
	    "target_id IN (SELECT id FROM project WHERE domain_id = ?1)) OR "
	    "(target_type = 'domain' AND target_id = ?1))",
	"DELETE FROM group_member WHERE group_id IN (SELECT id FROM "
	    "user_group WHERE domain_id = ?1) OR user_id IN (SELECT id FROM "
	    "user WHERE domain_id = ?1)",
	"UPDATE user SET default_project_id = NULL WHERE default_project_id "
	    "IN (SELECT id FROM project WHERE domain_id = ?1)",
	"DELETE FROM user_group WHERE domain_id = ?1",
	"DELETE FROM user WHERE domain_id = ?1",
	"DELETE FROM project WHERE domain_id = ?1",
	"DELETE FROM domain WHERE id = ?1",
};

int
store_domain_delete(struct store *s, const char *id, int64_t keep)
{
	int64_t	 n = 0;
	size_t	 i;
	int	 r = 0;

	for (i = 0; i < sizeof(domain_steps) / sizeof(domain_steps[0]) &&
	    r == 0; i++)
		r = step_id(s, domain_steps[i], id, keep, &n);
	if (r != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}
