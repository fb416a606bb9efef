/*
 * signet-api and signet-manage: users, groups, roles, group memberships,
 * grants and implied roles changed as Keystone changes them. Where
 * Keystone records a revocation event for a user (a password changed, the
 * user deleted, removed from a group, a member of a group deleted that
 * held roles), so does this, in the same transaction: every token the user
 * holds stops validating at once, whatever roles it still has. Grants
 * taken away and roles deleted need no event, as in Keystone: a token's
 * roles are read afresh at each validation (under the store's epoch), and
 * one left without a role on its scope is not found. The caller holds
 * the transaction.
 */
#include <time.h>


#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

static const char *const target_types[] = { "project", "domain", "system" };

/* Steps sql with ?1..?n = args (NULL binds NULL); *n the rows changed,
 * or the first column of its first row. */
static int
step(struct store *s, const char *sql, const char *const *args, int nargs,
    int64_t *n)
{
	struct db_stmt	*st;
	int		 i, rc;

	if ((st = store_stmt(s, sql)) == NULL)
		return SIG_ERR_SYSTEM;
	for (i = 0; i < nargs; i++)
		db_bind_text(st, i + 1, args[i]);
	*n = 0;
	if ((rc = db_step(st)) == DB_ROW) {
		*n = db_column_int64(st, 0);
		while ((rc = db_step(st)) == DB_ROW)
			;
	} else if (rc == DB_DONE)
		*n = db_changes(store_db(s));
	db_reset(st);
	if (rc != DB_DONE) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

#define STEP(s, sql, n, ...)						\
	step((s), (sql), (const char *const []){ __VA_ARGS__ },		\
	    sizeof((const char *const []){ __VA_ARGS__ }) /		\
	    sizeof(const char *), (n))

/* An event for every member of group (its tokens issued up to now). */
static int
revoke_members(struct store *s, const char *group, int64_t keep)
{
	struct db_stmt	*st;
	int64_t		 now = time(NULL);
	int		 rc;

	if ((st = store_stmt(s, "INSERT INTO revocation_event (user_id, "
	    "issued_before, revoked_at, expires_at) SELECT user_id, " DB_INT(2)
	    ", " DB_INT(2) ", " DB_INT(3) " FROM group_member WHERE "
	    "group_id = ?1")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, group);
	db_bind_int64(st, 2, now);
	db_bind_int64(st, 3, now + keep);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

/*
 * A new password hash (NULL: none), which also ends a lockout (as any
 * update of an enabled user does in Keystone); the caller records the
 * revocation event.
 */
int
store_user_password(struct store *s, const char *user, const char *hash)
{
	int64_t	 n;
	int	 r;

	if ((r = STEP(s, "UPDATE user SET password_hash = ?2, failed_logins = "
	    "0, locked_until = 0 WHERE id = ?1", &n, user, hash)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/* The user, its memberships and grants; its tokens end (an event). */
int
store_user_delete(struct store *s, const char *user, int64_t keep)
{
	int64_t	 n;
	int	 r;

	if ((r = store_revoke_user(s, user, keep)) != 0 ||
	    (r = STEP(s, "DELETE FROM group_member WHERE user_id = ?1", &n,
	    user)) != 0 ||
	    (r = STEP(s, "DELETE FROM assignment WHERE user_id = ?1", &n,
	    user)) != 0 ||
	    (r = STEP(s, "DELETE FROM user WHERE id = ?1", &n, user)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/*
 * The group, its memberships and grants. As Keystone, a group that held
 * any role ends its members' tokens; one that held none ends nothing.
 */
int
store_group_delete(struct store *s, const char *group, int64_t keep)
{
	int64_t	 n;
	int	 r;

	if ((r = STEP(s, "SELECT count(*) FROM group_assignment WHERE "
	    "group_id = ?1", &n, group)) != 0 ||
	    (n > 0 && (r = revoke_members(s, group, keep)) != 0) ||
	    (r = STEP(s, "DELETE FROM group_assignment WHERE group_id = ?1",
	    &n, group)) != 0 ||
	    (r = STEP(s, "DELETE FROM group_member WHERE group_id = ?1", &n,
	    group)) != 0 ||
	    (r = STEP(s, "DELETE FROM user_group WHERE id = ?1", &n,
	    group)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/* The role, every grant of it and every implication it is part of. */
int
store_role_delete(struct store *s, const char *role)
{
	int64_t	 n;
	int	 r;

	if ((r = STEP(s, "DELETE FROM assignment WHERE role_id = ?1", &n,
	    role)) != 0 ||
	    (r = STEP(s, "DELETE FROM group_assignment WHERE role_id = ?1", &n,
	    role)) != 0 ||
	    (r = STEP(s, "DELETE FROM implied_role WHERE prior = ?1 OR "
	    "implied = ?1", &n, role)) != 0 ||
	    (r = STEP(s, "DELETE FROM role WHERE id = ?1", &n, role)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/*
 * add: the user joins the group (again: nothing changes). Else it
 * leaves it, and, as Keystone records it, every token it holds ends;
 * SIG_ERR_KEY_NOT_FOUND when it was no member.
 */
int
store_member(struct store *s, const char *group, const char *user, int add,
    int64_t keep)
{
	int64_t	 n;
	int	 r;

	if (add)
		return STEP(s, "INSERT OR IGNORE INTO group_member (group_id, "
		    "user_id) VALUES (?1, ?2)", &n, group, user);
	if ((r = STEP(s, "DELETE FROM group_member WHERE group_id = ?1 AND "
	    "user_id = ?2", &n, group, user)) != 0)
		return r;
	if (n == 0)
		return SIG_ERR_KEY_NOT_FOUND;
	return store_revoke_user(s, user, keep);
}

/* 1 a member, 0 not, < 0 the store could not say. */
int
store_is_member(struct store *s, const char *group, const char *user)
{
	int64_t	 n;
	int	 r;

	if ((r = STEP(s, "SELECT count(*) FROM group_member WHERE "
	    "group_id = ?1 AND user_id = ?2", &n, group, user)) != 0)
		return r;
	return n > 0;
}

/*
 * grant: the actor gets the role on the target (again: nothing changes);
 * else it loses it (SIG_ERR_KEY_NOT_FOUND when it had not got it).
 */
int
store_actor_grant(struct store *s, const char *role, enum store_actor a,
    const char *actor, enum store_target t, const char *target, int grant)
{
	const char	*type = target_types[t];
	int64_t		 n;
	int		 r;

	if (a == STORE_ACTOR_USER)
		r = grant ? STEP(s, "INSERT OR IGNORE INTO assignment (role_id, "
		    "user_id, target_type, target_id) VALUES (?1, ?2, ?3, ?4)",
		    &n, role, actor, type, target) : STEP(s, "DELETE FROM "
		    "assignment WHERE role_id = ?1 AND user_id = ?2 AND "
		    "target_type = ?3 AND target_id = ?4", &n, role, actor,
		    type, target);
	else
		r = grant ? STEP(s, "INSERT OR IGNORE INTO group_assignment "
		    "(role_id, group_id, target_type, target_id) VALUES (?1, ?2, "
		    "?3, ?4)", &n, role, actor, type, target) : STEP(s,
		    "DELETE FROM group_assignment WHERE role_id = ?1 AND "
		    "group_id = ?2 AND target_type = ?3 AND target_id = ?4", &n,
		    role, actor, type, target);
	if (r != 0)
		return r;
	return grant || n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/* 1 the actor holds the role on the target itself, 0 not, < 0 error. */
int
store_has_grant(struct store *s, const char *role, enum store_actor a,
    const char *actor, enum store_target t, const char *target)
{
	int64_t	 n;
	int	 r;

	r = a == STORE_ACTOR_USER ? STEP(s, "SELECT count(*) FROM assignment "
	    "WHERE role_id = ?1 AND user_id = ?2 AND target_type = ?3 AND "
	    "target_id = ?4", &n, role, actor, target_types[t], target) :
	    STEP(s, "SELECT count(*) FROM group_assignment WHERE role_id = ?1 "
	    "AND group_id = ?2 AND target_type = ?3 AND target_id = ?4", &n,
	    role, actor, target_types[t], target);
	return r != 0 ? r : n > 0;
}

/*
 * add: prior implies implied (SIG_ERR_EXISTS when it did already, as
 * Keystone's driver refuses the duplicate); else that is undone
 * (SIG_ERR_KEY_NOT_FOUND when it did not).
 */
int
store_implied(struct store *s, const char *prior, const char *implied,
    int add)
{
	int64_t	 n;
	int	 r;

	if (add) {
		if ((r = store_implies(s, prior, implied)) < 0)
			return r;
		if (r > 0)
			return SIG_ERR_EXISTS;
		return STEP(s, "INSERT INTO implied_role (prior, implied) VALUES "
		    "(?1, ?2)", &n, prior, implied);
	}
	if ((r = STEP(s, "DELETE FROM implied_role WHERE prior = ?1 AND "
	    "implied = ?2", &n, prior, implied)) != 0)
		return r;
	return n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

/* 1 prior implies implied directly, 0 not, < 0 error. */
int
store_implies(struct store *s, const char *prior, const char *implied)
{
	int64_t	 n;
	int	 r;

	if ((r = STEP(s, "SELECT count(*) FROM implied_role WHERE prior = ?1 "
	    "AND implied = ?2", &n, prior, implied)) != 0)
		return r;
	return n > 0;
}
