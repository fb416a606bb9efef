/*
 * signet-api: /v3/projects and /v3/users/{user_id}/projects, as
 * keystone/api/projects.py and the resource manager: a project lives in
 * a domain (the caller's domain scope, else the default domain, when the
 * request names none), under a parent in that domain (the domain itself
 * at the top, as Keystone's parent_id reads), at most
 * PROJECT_DEPTH_MAX levels down, never under a disabled project. Its
 * parent and domain never change; it is disabled only after the
 * projects below it and deleted only as a leaf. A disabled or deleted
 * project's tokens stop validating on the next request (token_doc.c
 * reads the scope afresh; the write empties the token cache).
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "resource.h"

#define PROJECT_NAME_MAX	64	/* Keystone's schema */
#define PROJECT_DEPTH_MAX	5	/* [resource] max_project_tree_depth */

#define PROJECT_FIELDS(req)						\
	{ "description", FT_STRING, FF_NULL, 0, 0 },			\
	{ "domain_id", FT_STRING, FF_NULL | FF_ID, 1, 64 },		\
	{ "enabled", FT_BOOL, 0, 0, 0 },				\
	{ "is_domain", FT_BOOL, 0, 0, 0 },				\
	{ "parent_id", FT_STRING, FF_NULL | FF_ID, 1, 64 },		\
	{ "name", FT_STRING, FF_NAME | (req), 1, PROJECT_NAME_MAX },	\
	{ "tags", FT_TAGS, 0, 0, 0 },					\
	{ "options", FT_OBJECT, FF_OPTIONS, 0, 0 },			\
	{ NULL, 0, 0, 0, 0 }

static const struct field create_fields[] = { PROJECT_FIELDS(FF_REQUIRED) };
static const struct field update_fields[] = { PROJECT_FIELDS(0) };

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A row of kind k by id into *objp, or r < 0 (not found, or queued). */
static int
row(struct res_call *rc, enum store_kind k, const char *id, json_t **objp)
{
	int	 r;

	*objp = NULL;
	if ((r = store_row_json(ST_OF(rc), k, id, (void **)objp)) != 0 &&
	    r != SIG_ERR_KEY_NOT_FOUND)
		res_store_fail(rc, r, "project");
	return r;
}

/*
 * The projects from parent up to the domain: all enabled (or else 400
 * for a new project, 403 for one enabled again) and, for a new project,
 * fewer than PROJECT_DEPTH_MAX of them.
 */
static int
branch_ok(struct res_call *rc, const char *parent, int create)
{
	char	 id[STORE_NAME_MAX + 1];
	json_t	*p;
	int	 n, r;

	snprintf(id, sizeof(id), "%s", parent);
	for (n = 0; n < PROJECT_DEPTH_MAX; n++) {
		if ((r = row(rc, STORE_PROJECT, id, &p)) ==
		    SIG_ERR_KEY_NOT_FOUND)
			return 0;	/* the domain: the top */
		if (r != 0)
			return -1;
		if (!json_is_true(json_object_get(p, "enabled"))) {
			r = create ? res_fail(rc, 400, "cannot create a "
			    "project in a branch containing a disabled "
			    "project: %s", str(p, "id")) : res_fail(rc, 403,
			    "Cannot enable project %s since it has disabled "
			    "parents", rc->id);
			json_decref(p);
			return r;
		}
		snprintf(id, sizeof(id), "%s", str(p, "parent_id"));
		json_decref(p);
	}
	return create ? res_fail(rc, 403, "Max hierarchy depth reached for "
	    "%s branch.", parent) : 0;
}

static int
name_taken(struct res_call *rc, json_t *obj)
{
	int	 r = res_name_taken(rc, STORE_PROJECT, obj);

	if (r <= 0)
		return r;
	return res_fail(rc, 409, "Conflict occurred attempting to store "
	    "project - it is not permitted to have two projects with either "
	    "the same name or same id in the same domain: name is %s, "
	    "project id %s", str(obj, "name"), str(obj, "id"));
}

/* The domain exists; a parent other than it is a project in it. */
static int
place_ok(struct res_call *rc, json_t *obj)
{
	const char	*dom = str(obj, "domain_id"), *up = str(obj,
			    "parent_id");
	json_t		*d, *p;
	int		 r;

	if ((r = row(rc, STORE_DOMAIN, dom, &d)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? res_fail(rc, 400,
		    "Could not find domain: %s.", dom) : -1;
	r = json_is_true(json_object_get(d, "enabled")) ? 0 : res_fail(rc,
	    400, "cannot create a project in a branch containing a "
	    "disabled project: %s", dom);
	json_decref(d);
	if (r != 0 || strcmp(up, dom) == 0)
		return r;
	if ((r = row(rc, STORE_DOMAIN, up, &d)) == 0) {
		json_decref(d);
		return res_fail(rc, 400, "Cannot create project, the parent "
		    "(%s) is acting as a domain, but this project's domain id "
		    "(%s) does not match the parent's id.", up, dom);
	}
	if ((r = row(rc, STORE_PROJECT, up, &p)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? res_fail(rc, 400,
		    "Could not find project: %s.", up) : -1;
	r = strcmp(str(p, "domain_id"), dom) == 0 ? 0 : res_fail(rc, 400,
	    "Cannot create project, since it specifies its domain_id %s, but "
	    "specifies a parent in a different domain (%s).", dom,
	    str(p, "domain_id"));
	json_decref(p);
	return r != 0 ? r : branch_ok(rc, up, 1);
}

static int
create(struct res_call *rc, json_t *obj)
{
	const char	*dom = res_caller_scope(rc, "domain");
	char		 id[STORE_ID_LEN + 1];

	if (json_is_true(json_object_get(obj, "is_domain")))
		return res_fail(rc, 400, "A project acting as a domain is "
		    "created with /v3/domains.");
	if (str(obj, "domain_id") == NULL)
		json_object_set_new(obj, "domain_id", json_string(dom != NULL ?
		    dom : STORE_DEFAULT_DOMAIN));
	if (str(obj, "parent_id") == NULL)
		json_object_set(obj, "parent_id", json_object_get(obj,
		    "domain_id"));
	store_new_id(id);
	json_object_set_new(obj, "id", json_string(id));
	json_object_set_new(obj, "is_domain", json_false());
	res_set_default(obj, "enabled", json_true());
	res_set_default(obj, "description", json_string(""));
	return place_ok(rc, obj);
}

static int
update(struct res_call *rc, json_t *old, json_t *obj)
{
	int	 was = json_is_true(json_object_get(old, "enabled"));
	int	 is = json_is_true(json_object_get(obj, "enabled")), r;

	if (!json_equal(json_object_get(old, "is_domain"),
	    json_object_get(obj, "is_domain")))
		return res_fail(rc, 400, "Update of `is_domain` is not "
		    "allowed.");
	if (!json_equal(json_object_get(old, "domain_id"),
	    json_object_get(obj, "domain_id")))
		return res_fail(rc, 400, "Cannot change Domain ID");
	if (!json_equal(json_object_get(old, "parent_id"),
	    json_object_get(obj, "parent_id")))
		return res_fail(rc, 403, "Update of `parent_id` is not "
		    "allowed.");
	if (!was && is && strcmp(str(obj, "parent_id"),
	    str(obj, "domain_id")) != 0)
		return branch_ok(rc, str(obj, "parent_id"), 0);
	if (was && !is) {
		if ((r = store_project_children(ST_OF(rc), rc->id, 1)) < 0)
			return res_store_fail(rc, r, "project");
		if (r > 0)
			return res_fail(rc, 403, "Cannot disable project %s "
			    "since its subtree contains enabled projects.",
			    rc->id);
	}
	return 0;
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	int	 r;

	res_strip_name(obj);
	if (json_is_null(json_object_get(obj, "description")))
		json_object_set_new(obj, "description", json_string(""));
	res_set_default(obj, "tags", json_array());
	res_set_default(obj, "options", json_object());
	if ((r = old == NULL ? create(rc, obj) : update(rc, old, obj)) != 0)
		return r;
	return name_taken(rc, obj);
}

static int
remove_project(struct res_call *rc, json_t *old)
{
	int	 r = store_project_delete(ST_OF(rc), rc->id, res_token_span(rc));

	(void)old;
	if (r == SIG_ERR_STATE)
		return res_fail(rc, 403, "Cannot delete the project %s since "
		    "it is not a leaf in the hierarchy. Use the cascade option "
		    "if you want to delete a whole subtree.", rc->id);
	return r != 0 ? res_store_fail(rc, r, "project") : 0;
}

/* A list's target is the caller's domain (Keystone's target_attr). */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	tg->domain_id = obj != NULL ? str(obj, "domain_id") :
	    res_caller_scope(rc, "domain");
	tg->project_id = str(obj, "id");
}

const struct collection coll_projects = {
	.name = "projects",
	.member = "project",
	.kind = STORE_PROJECT,
	.act = { "identity:get_project", "identity:list_projects",
	    "identity:create_project", "identity:update_project",
	    "identity:delete_project" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id",
	    [SF_PARENT] = "parent_id", [SF_ENABLED] = "enabled",
	    [SF_IS_DOMAIN] = "is_domain" },
	.target = target,
	.prepare = prepare,
	.remove = remove_project,
};

/* The user's own projects: the user and its domain are the target. */
static void
user_target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	static __thread struct store_user u;

	(void)obj;
	tg->user_id = rc->parent;
	if (store_user_get(ST_OF(rc), rc->parent, NULL, NULL, &u) == 0)
		tg->domain_id = u.domain_id;
}

const struct collection coll_user_projects = {
	.name = "projects",
	.member = "project",
	.kind = STORE_PROJECT,
	.act = { NULL, "identity:list_user_projects" },
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id",
	    [SF_ENABLED] = "enabled" },
	.target = user_target,
	.parent = PARENT_USER,
};
