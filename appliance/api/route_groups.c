/*
 * signet-api: /v3/groups, /v3/groups/{group_id}/users and the membership
 * of one user (PUT, HEAD, GET, DELETE /v3/groups/{group_id}/users/
 * {user_id}), as keystone/api/groups.py and the identity manager. A
 * group's grants count for its members' tokens (store_roles_json); a
 * member removed, or a group deleted that held roles, ends the tokens of
 * the users concerned at once (a revocation event, as Keystone records
 * one), in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "resource.h"

#define GROUP_NAME_MAX	255	/* Keystone's _identity_name */

#define GROUP_FIELDS(req)						\
	{ "description", FT_STRING, FF_NULL, 0, 0 },			\
	{ "domain_id", FT_STRING, FF_ID, 1, 64 },			\
	{ "name", FT_STRING, FF_NAME | (req), 1, GROUP_NAME_MAX },	\
	{ NULL, 0, 0, 0, 0 }

static const struct field create_fields[] = { GROUP_FIELDS(FF_REQUIRED) };
static const struct field update_fields[] = { GROUP_FIELDS(0) };

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	const char	*dom = res_caller_scope(rc, "domain");
	char		 id[STORE_ID_LEN + 1];
	json_t		*d;
	int		 r;

	res_strip_name(obj);
	if (old == NULL) {
		if (str(obj, "domain_id") == NULL)
			json_object_set_new(obj, "domain_id", json_string(
			    dom != NULL ? dom : STORE_DEFAULT_DOMAIN));
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		res_set_default(obj, "description", json_string(""));
		if (res_load(rc, STORE_DOMAIN, "domain", str(obj, "domain_id"),
		    &d) != 0)
			return -1;
		json_decref(d);
	} else if (!json_equal(json_object_get(old, "domain_id"),
	    json_object_get(obj, "domain_id")))
		return res_fail(rc, 400, "Cannot change Domain ID");
	if ((r = res_name_taken(rc, STORE_GROUP, obj)) <= 0)
		return r;
	if (old != NULL)
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store group - Duplicate entry found with name %s.",
		    str(obj, "name"));
	return res_fail(rc, 409, "Conflict occurred attempting to store group "
	    "- Duplicate entry found with name %s at domain ID %s.",
	    str(obj, "name"), str(obj, "domain_id"));
}

static int
remove_group(struct res_call *rc, json_t *old)
{
	int	 r = store_group_delete(ST_OF(rc), rc->id, res_token_span(rc));

	(void)old;
	return r != 0 ? res_store_fail(rc, r, "group") : 0;
}

/* The group's domain; a list's, the caller's domain. */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	tg->domain_id = obj != NULL ? str(obj, "domain_id") :
	    res_caller_scope(rc, "domain");
}

const struct collection coll_groups = {
	.name = "groups",
	.member = "group",
	.kind = STORE_GROUP,
	.act = { "identity:get_group", "identity:list_groups",
	    "identity:create_group", "identity:update_group",
	    "identity:delete_group" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id" },
	.target = target,
	.prepare = prepare,
	.remove = remove_group,
};

/* The group's members: the group's domain is the target. */
static void
group_target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	static __thread char dom[STORE_NAME_MAX + 1];
	json_t	*g;

	(void)obj;
	if (store_row_json(ST_OF(rc), STORE_GROUP, rc->parent,
	    (void **)&g) != 0)
		return;
	snprintf(dom, sizeof(dom), "%s", str(g, "domain_id"));
	tg->domain_id = dom;
	json_decref(g);
}

const struct collection coll_group_users = {
	.name = "users",
	.member = "user",
	.kind = STORE_USER,
	.act = { NULL, "identity:list_users_in_group" },
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id",
	    [SF_ENABLED] = "enabled" },
	.target = group_target,
	.parent = PARENT_GROUP,
};

/* The group, then the user, as Keystone looks them up: 404 queued. */
static int
both_found(struct res_call *rc, json_t **g, json_t **u)
{
	if (res_load(rc, STORE_GROUP, "group", rc->ids[0], g) != 0)
		return -1;
	if (res_load(rc, STORE_USER, "user", rc->ids[1], u) != 0) {
		json_decref(*g);
		*g = NULL;
		return -1;
	}
	return 0;
}

static int
not_member(struct res_call *rc)
{
	return res_fail(rc, 404, "User '%s' not found in group '%s'",
	    res_id_shown(rc->ids[1]), res_id_shown(rc->ids[0]));
}

/* Within the transaction: the membership added or taken away. */
static int
change_locked(struct res_call *rc, int add)
{
	json_t	*g = NULL, *u = NULL;
	int	 r;

	if (both_found(rc, &g, &u) != 0)
		return -1;
	json_decref(g);
	json_decref(u);
	r = store_member(ST_OF(rc), rc->ids[0], rc->ids[1], add,
	    res_token_span(rc));
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return not_member(rc);
	return r != 0 ? res_store_fail(rc, r, "group") : 0;
}

/* PUT, HEAD, GET and DELETE /v3/groups/{group_id}/users/{user_id} */
void
rel_group_member(struct res_call *rc, const char *method, int how)
{
	struct policy_target	 tg;
	const char		*act;
	json_t			*g = NULL, *u = NULL;
	int			 get, r;

	(void)how;
	get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (get)
		act = "identity:check_user_in_group";
	else if (strcmp(method, "PUT") == 0)
		act = "identity:add_user_to_group";
	else if (strcmp(method, "DELETE") == 0)
		act = "identity:remove_user_from_group";
	else {
		res_method_not_allowed(rc);
		return;
	}
	/* what exists of the two is the target; the rest is 404 after */
	memset(&tg, 0, sizeof(tg));
	if (store_row_json(ST_OF(rc), STORE_GROUP, rc->ids[0],
	    (void **)&g) == 0)
		tg.group_domain_id = str(g, "domain_id");
	if (store_row_json(ST_OF(rc), STORE_USER, rc->ids[1],
	    (void **)&u) == 0)
		tg.user_domain_id = str(u, "domain_id");
	r = res_allowed(rc, act, &tg);
	json_decref(g);
	json_decref(u);
	if (r != 0)
		return;
	if (get) {
		if (both_found(rc, &g, &u) != 0)
			return;
		json_decref(g);
		json_decref(u);
		if ((r = store_is_member(ST_OF(rc), rc->ids[0],
		    rc->ids[1])) < 0)
			res_store_fail(rc, r, "group");
		else if (r == 0)
			not_member(rc);
		else
			res_no_content(rc);
		return;
	}
	if (res_begin(rc) == 0 && res_commit(rc, change_locked(rc,
	    strcmp(method, "PUT") == 0)) == 0)
		res_no_content(rc);
}
