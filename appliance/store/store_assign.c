/*
 * signet-api: role assignments and role inferences read as Keystone's
 * assignment and role drivers hand them to its managers: an assignment
 * is {"role_id", "user_id" or "group_id", "project_id", "domain_id" or
 * "system": {"all": true}}, an inference {"prior_role_id",
 * "implied_role_id"}. The expansion (groups into their members, roles
 * into those they imply) is the caller's, as it is Keystone's manager's.
 */
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
	if (rc != DB_DONE) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

static json_t *
assignment(struct db_stmt *st)
{
	const char	*type = db_column_text(st, 3);
	json_t		*o;

	o = json_pack("{s:s}", "role_id", db_column_text(st, 0));
	json_object_set_new(o, db_column_int(st, 1) ? "group_id" :
	    "user_id", json_string(db_column_text(st, 2)));
	if (strcmp(type, "system") == 0)
		json_object_set_new(o, "system", json_pack("{s:b}", "all", 1));
	else
		json_object_set_new(o, strcmp(type, "project") == 0 ?
		    "project_id" : "domain_id",
		    json_string(db_column_text(st, 4)));
	return o;
}

/*
 * Appends the assignments that pass f to arr: project and domain ones
 * first, then the system's, as Keystone lists them.
 */
int
store_assignments_json(struct store *s, const struct store_assign_filter *f,
    void *arr)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, "SELECT role_id, actor, actor_id, target_type, "
	    "target_id FROM (SELECT role_id, 0 AS actor, user_id AS actor_id, "
	    "target_type, target_id FROM assignment UNION ALL SELECT role_id, "
	    "1, group_id, target_type, target_id FROM group_assignment) a "
	    "WHERE (?1 IS NULL OR role_id = ?1) AND (?2 IS NULL OR "
	    "(actor = 0 AND actor_id = ?2)) AND (?3 IS NULL OR (actor = 1 AND "
	    "actor_id = ?3)) AND (?4 IS NULL OR (actor = 1 AND actor_id IN "
	    "(SELECT group_id FROM group_member WHERE user_id = ?4))) AND "
	    "(?5 IS NULL OR target_type = ?5) AND (?6 IS NULL OR "
	    "target_id = ?6) AND (?7 = 0 OR actor = ?7 - 1) AND (?8 = 0 OR "
	    "target_type != 'system') ORDER BY target_type = 'system', "
	    "target_type, target_id, actor, actor_id, role_id")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, f->role_id);
	db_bind_text(st, 2, f->user_id);
	db_bind_text(st, 3, f->group_id);
	db_bind_text(st, 4, f->groups_of);
	db_bind_text(st, 5, f->target_type);
	db_bind_text(st, 6, f->target_id);
	db_bind_int64(st, 7, f->actor);
	db_bind_int64(st, 8, f->no_system);
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, assignment(st));
	return done(s, st, rc);
}

static int
inferences(struct store *s, const char *prior, json_t *arr)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = store_stmt(s, "SELECT prior, implied FROM implied_role "
	    "WHERE prior = ?1 OR ?1 IS NULL ORDER BY prior, implied")) == NULL)
		return SIG_ERR_SYSTEM;
	db_bind_text(st, 1, prior);
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s}",
		    "prior_role_id", db_column_text(st, 0),
		    "implied_role_id", db_column_text(st, 1)));
	return done(s, st, rc);
}

/* The roles prior implies directly, as inferences. */
int
store_implied_json(struct store *s, const char *prior, void *arr)
{
	return inferences(s, prior, arr);
}

/* Every inference rule. */
int
store_inferences_json(struct store *s, void *arr)
{
	return inferences(s, NULL, arr);
}
