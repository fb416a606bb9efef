/*
 * signet-api: grants (a role for a user or a group on a project, a
 * domain or the system: PUT, HEAD, GET, DELETE, and the lists of an
 * actor's roles on a target) and GET /v3/role_assignments, as
 * keystone/api/projects.py, domains.py, system.py, role_assignments.py
 * and the assignment manager. A grant made twice is made once (204 both
 * times). A grant taken away, as in Keystone, records no revocation
 * event: a token's roles are read afresh on each validation (the write
 * empties the caches), so it loses the role at once, and a token left
 * with no role on its scope is not found.
 *
 * The list of assignments follows Keystone's manager step for step:
 * direct grants, or with ?effective the user's own and its groups' grants
 * on projects and domains, groups expanded into their members, roles into
 * those they imply (in Keystone's order), roles of a domain left out;
 * ?include_names adds the names.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "resource.h"

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *const target_kinds[] = { "project", "domain", "system" };

/* The pieces of a grant's path, by how. */
struct grant {
	int		 on;		/* GRANT_PROJECT, _DOMAIN, _SYSTEM */
	int		 group;		/* the actor is a group */
	const char	*target;	/* a project's or domain's id, "all" */
	const char	*actor;
	const char	*role;		/* NULL in a list */
	json_t		*role_row, *actor_row, *target_row;
};

static void
grant_of(struct res_call *rc, int how, struct grant *g)
{
	memset(g, 0, sizeof(*g));
	g->on = how & 3;
	g->group = (how & GRANT_GROUP) != 0;
	if (g->on == GRANT_SYSTEM) {
		g->target = "all";
		g->actor = rc->ids[0];
		g->role = rc->ids[1];
	} else {
		g->target = rc->ids[0];
		g->actor = rc->ids[1];
		g->role = rc->ids[2];
	}
}

static void
grant_free(struct grant *g)
{
	json_decref(g->role_row);
	json_decref(g->actor_row);
	json_decref(g->target_row);
}

/*
 * Keystone's enforcement target, looked up in its order (the role, the
 * actor, then the project or domain): 404 queued for what is missing,
 * but an actor may be missing from a revocation (actor_optional).
 */
static int
grant_target(struct res_call *rc, struct grant *g, int actor_optional,
    struct policy_target *tg)
{
	enum store_kind	 ak = g->group ? STORE_GROUP : STORE_USER;
	const char	*an = g->group ? "group" : "user";
	int		 r;

	memset(tg, 0, sizeof(*tg));
	if (g->role != NULL && res_load(rc, STORE_ROLE, "role", g->role,
	    &g->role_row) != 0)
		return -1;
	if (actor_optional) {
		if ((r = store_row_json(ST_OF(rc), ak, g->actor,
		    (void **)&g->actor_row)) != 0 && r != SIG_ERR_KEY_NOT_FOUND)
			return res_store_fail(rc, r, an);
	} else if (res_load(rc, ak, an, g->actor, &g->actor_row) != 0)
		return -1;
	if (g->on != GRANT_SYSTEM && res_load(rc, g->on == GRANT_PROJECT ?
	    STORE_PROJECT : STORE_DOMAIN, target_kinds[g->on], g->target,
	    &g->target_row) != 0)
		return -1;
	if (g->role_row != NULL) {
		tg->role_domain_id = str(g->role_row, "domain_id");
		tg->role_global = tg->role_domain_id == NULL;
	}
	if (g->group)
		tg->group_domain_id = str(g->actor_row, "domain_id");
	else
		tg->user_domain_id = str(g->actor_row, "domain_id");
	if (g->on == GRANT_PROJECT)
		tg->project_domain_id = str(g->target_row, "domain_id");
	else if (g->on == GRANT_DOMAIN)
		tg->target_domain_id = g->target;
	return 0;
}

static const char *
action(const struct grant *g, const char *what)
{
	static __thread char act[64];

	if (g->on != GRANT_SYSTEM)
		snprintf(act, sizeof(act), "identity:%s_grant%s", what,
		    strcmp(what, "list") == 0 ? "s" : "");
	else if (strcmp(what, "list") == 0)
		snprintf(act, sizeof(act), "identity:list_system_grants_for_%s",
		    g->group ? "group" : "user");
	else
		snprintf(act, sizeof(act), "identity:%s_system_grant_for_%s",
		    what, g->group ? "group" : "user");
	return act;
}

static int
no_assignment(struct res_call *rc, const struct grant *g)
{
	return res_fail(rc, 404, "Could not find role assignment with role: "
	    "%s, user or group: %s, project, domain, or system: %s.",
	    res_id_shown(g->role), res_id_shown(g->actor),
	    g->on == GRANT_SYSTEM ? "system" : res_id_shown(g->target));
}

/* Keystone's create_grant and create_system_grant: the role may go there. */
static int
role_fits(struct res_call *rc, const struct grant *g)
{
	const char	*rd = str(g->role_row, "domain_id");

	if (rd == NULL)
		return 0;
	if (g->on == GRANT_SYSTEM)
		return res_fail(rc, 400, "Role %s is a domain-specific role. "
		    "Unable to use a domain-specific role in a system "
		    "assignment.", g->role);
	if (g->on == GRANT_PROJECT && strcmp(rd, str(g->target_row,
	    "domain_id")) != 0)
		return res_fail(rc, 403, "Project %s must be in the same domain "
		    "as the role %s being assigned.", g->target, g->role);
	return 0;
}

/* Within the transaction: looked up, allowed, written. */
static int
write_locked(struct res_call *rc, struct grant *g, int add)
{
	struct policy_target	 tg;
	int			 r;

	if (grant_target(rc, g, !add, &tg) != 0 ||
	    res_allowed(rc, action(g, add ? "create" : "revoke"), &tg) != 0 ||
	    (add && role_fits(rc, g) != 0))
		return -1;
	r = store_actor_grant(ST_OF(rc), g->role, g->group ?
	    STORE_ACTOR_GROUP : STORE_ACTOR_USER, g->actor, g->on,
	    g->target, add);
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return no_assignment(rc, g);
	return r != 0 ? res_store_fail(rc, r, "role assignment") : 0;
}

/* PUT, HEAD, GET and DELETE of one grant. */
void
rel_grant(struct res_call *rc, const char *method, int how)
{
	struct policy_target	 tg;
	struct grant		 g;
	int			 r;

	grant_of(rc, how, &g);
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		if (grant_target(rc, &g, 0, &tg) == 0 &&
		    res_allowed(rc, action(&g, "check"), &tg) == 0) {
			if ((r = store_has_grant(ST_OF(rc), g.role, g.group ?
			    STORE_ACTOR_GROUP : STORE_ACTOR_USER, g.actor,
			    g.on, g.target)) < 0)
				res_store_fail(rc, r, "role assignment");
			else if (r == 0)
				no_assignment(rc, &g);
			else
				res_no_content(rc);
		}
	} else if (strcmp(method, "PUT") == 0 ||
	    strcmp(method, "DELETE") == 0) {
		if (res_begin(rc) == 0 && res_commit(rc, write_locked(rc, &g,
		    strcmp(method, "PUT") == 0)) == 0)
			res_no_content(rc);
	} else
		res_method_not_allowed(rc);
	grant_free(&g);
}

/* A role as its collection shows it. */
static json_t *
role_shown(struct res_call *rc, json_t *role)
{
	char	 path[STORE_NAME_MAX + 16];

	snprintf(path, sizeof(path), "/roles/%s", str(role, "id"));
	json_object_set_new(role, "links", json_pack("{s:o}", "self",
	    res_link(rc, path)));
	return role;
}

/* GET and HEAD of an actor's roles on a target. */
void
rel_grants(struct res_call *rc, const char *method, int how)
{
	struct store_assign_filter	 f;
	struct policy_target		 tg;
	struct grant			 g;
	json_t				*arr, *roles, *a, *role;
	size_t				 i;
	int				 r;

	grant_of(rc, how, &g);
	g.role = NULL;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		res_method_not_allowed(rc);
		return;
	}
	if (grant_target(rc, &g, 0, &tg) != 0 ||
	    res_allowed(rc, action(&g, "list"), &tg) != 0) {
		grant_free(&g);
		return;
	}
	memset(&f, 0, sizeof(f));
	if (g.group)
		f.group_id = g.actor;
	else
		f.user_id = g.actor;
	f.target_type = target_kinds[g.on];
	f.target_id = g.target;
	arr = json_array();
	roles = json_array();
	if ((r = store_assignments_json(ST_OF(rc), &f, arr)) != 0) {
		res_store_fail(rc, r, "role assignment");
		json_decref(roles);
	} else {
		json_array_foreach(arr, i, a)
			if (store_row_json(ST_OF(rc), STORE_ROLE, str(a,
			    "role_id"), (void **)&role) == 0)
				json_array_append_new(roles,
				    role_shown(rc, role));
		rc->ret = api_json(rc->c, 200, json_pack("{s:o,s:o}", "roles",
		    roles, "links", res_list_links(rc)), NULL);
	}
	json_decref(arr);
	grant_free(&g);
}

/* ?name as Keystone's flask args give it: "" reads as not there. */
static const char *
arg(struct res_call *rc, const char *name)
{
	const char	*v = res_query(rc, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Keystone's _assert_* checks, in its order: 0, or 400 queued. */
static int
filters_ok(struct res_call *rc, int effective)
{
	if (arg(rc, "scope.domain.id") && arg(rc, "scope.project.id"))
		return res_fail(rc, 400, "Specify a domain or project, not "
		    "both");
	if (arg(rc, "scope.domain.id") && arg(rc, "scope.system"))
		return res_fail(rc, 400, "Specify system or domain, not both");
	if (arg(rc, "scope.project.id") && arg(rc, "scope.system"))
		return res_fail(rc, 400, "Specify system or project, not "
		    "both");
	if (arg(rc, "user.id") && arg(rc, "group.id"))
		return res_fail(rc, 400, "Specify a user or group, not both");
	if (effective && arg(rc, "group.id"))
		return res_fail(rc, 400, "Combining effective and group filter "
		    "will always result in an empty list.");
	if (effective && arg(rc, "scope.domain.id") &&
	    arg(rc, "scope.OS-INHERIT:inherited_to") != NULL &&
	    strcmp(arg(rc, "scope.OS-INHERIT:inherited_to"), "projects") == 0)
		return res_fail(rc, 400, "Combining effective, domain and "
		    "inherited filters will always result in an empty list.");
	return 0;
}

/* A row of kind k by id from cache (a JSON object of rows), or NULL. */
static json_t *
cached(struct res_call *rc, json_t *cache, enum store_kind k, const char *id)
{
	char	 key[STORE_NAME_MAX + 4];
	json_t	*row;

	snprintf(key, sizeof(key), "%d:%s", (int)k, id);
	if ((row = json_object_get(cache, key)) != NULL)
		return json_is_object(row) ? row : NULL;
	if (store_row_json(ST_OF(rc), k, id, (void **)&row) != 0)
		row = json_null();
	json_object_set_new(cache, key, row);
	return json_is_object(row) ? row : NULL;
}

/* Keystone's add_implied_roles, in its order (a stack; cycles cut). */
static void
add_implied(struct res_call *rc, json_t *refs, json_t *cache)
{
	json_t	*todo = json_copy(refs), *checked = json_array(), *next;
	json_t	*rules, *rule, *ref, *c;
	char	 key[STORE_NAME_MAX + 8];
	size_t	 i, j;
	int	 seen;

	while (json_array_size(todo) > 0) {
		next = json_incref(json_array_get(todo,
		    json_array_size(todo) - 1));
		json_array_remove(todo, json_array_size(todo) - 1);
		json_array_append(checked, next);
		snprintf(key, sizeof(key), "implies:%s", str(next, "role_id"));
		if ((rules = json_object_get(cache, key)) == NULL) {
			rules = json_array();
			(void)store_implied_json(ST_OF(rc), str(next,
			    "role_id"), rules);
			json_object_set_new(cache, key, rules);
		}
		json_array_foreach(rules, i, rule) {
			ref = json_deep_copy(next);
			json_object_set(ref, "role_id", json_object_get(rule,
			    "implied_role_id"));
			if (json_object_get(ref, "indirect") == NULL)
				json_object_set_new(ref, "indirect",
				    json_object());
			json_object_set(json_object_get(ref, "indirect"),
			    "role_id", json_object_get(next, "role_id"));
			seen = 0;
			json_array_foreach(checked, j, c)
				seen |= json_equal(c, ref);
			if (!seen) {
				json_array_append(refs, ref);
				json_array_append(todo, ref);
			}
			json_decref(ref);
		}
		json_decref(next);
	}
	json_decref(todo);
	json_decref(checked);
}

/* A group's grant as one per member (only user, when filtered by one). */
static void
expand_group(struct res_call *rc, json_t *ref, const char *user,
    json_t *out)
{
	const char	*f[SF_MAX] = { NULL };
	json_t		*members = json_array(), *m, *e;
	size_t		 i;

	if (user != NULL)
		json_array_append_new(members, json_pack("{s:s}", "id", user));
	else {
		f[SF_GROUP] = str(ref, "group_id");
		(void)store_rows_json(ST_OF(rc), STORE_USER, f, members);
	}
	json_array_foreach(members, i, m) {
		e = json_deep_copy(ref);
		json_object_set(e, "user_id", json_object_get(m, "id"));
		json_object_set_new(e, "indirect", json_pack("{s:O}",
		    "group_id", json_object_get(ref, "group_id")));
		json_object_del(e, "group_id");
		json_array_append_new(out, e);
	}
	json_decref(members);
}

/* Keystone's _list_effective_role_assignments. */
static int
effective_refs(struct res_call *rc, struct store_assign_filter *tf,
    json_t *cache, json_t *out)
{
	struct store_assign_filter	 f = *tf;
	const char			*user = arg(rc, "user.id");
	const char			*role = arg(rc, "role.id");
	json_t				*raw = json_array(), *ref, *r0, *kept;
	size_t				 i;
	int				 r;

	f.role_id = NULL;
	f.no_system = 1;
	f.user_id = user;
	f.actor = user != NULL ? 1 : 0;
	if ((r = store_assignments_json(ST_OF(rc), &f, raw)) == 0 &&
	    user != NULL) {
		f.user_id = NULL;
		f.groups_of = user;
		f.actor = 2;
		r = store_assignments_json(ST_OF(rc), &f, raw);
	}
	if (r != 0) {
		json_decref(raw);
		return r;
	}
	json_array_foreach(raw, i, ref)
		if (json_object_get(ref, "group_id") != NULL)
			expand_group(rc, ref, user, out);
		else
			json_array_append(out, ref);
	json_decref(raw);
	add_implied(rc, out, cache);
	kept = json_array();
	json_array_foreach(out, i, ref) {
		r0 = cached(rc, cache, STORE_ROLE, str(ref, "role_id"));
		if (r0 != NULL && str(r0, "domain_id") == NULL &&
		    (role == NULL || strcmp(role, str(ref, "role_id")) == 0))
			json_array_append(kept, ref);
	}
	json_array_clear(out);
	json_array_extend(out, kept);
	json_decref(kept);
	return 0;
}

/* Keystone's _list_direct_role_assignments. */
static int
direct_refs(struct res_call *rc, struct store_assign_filter *tf,
    json_t *out)
{
	struct store_assign_filter	 f = *tf;
	const char			*sys = arg(rc, "scope.system");
	int				 system = sys != NULL &&
					    strcmp(sys, "all") == 0, r;

	f.user_id = arg(rc, "user.id");
	f.group_id = arg(rc, "group.id");
	f.role_id = arg(rc, "role.id");
	if (!system) {
		f.no_system = 1;
		if ((r = store_assignments_json(ST_OF(rc), &f, out)) != 0)
			return r;
	}
	if (system || (f.target_type == NULL)) {
		f.no_system = 0;
		f.target_type = "system";
		f.target_id = NULL;
		return store_assignments_json(ST_OF(rc), &f, out);
	}
	return 0;
}

/* {"id", "name", "domain": {"id", "name"}} of a user, group or project. */
static json_t *
named(struct res_call *rc, json_t *cache, enum store_kind k, const char *id)
{
	json_t		*row = cached(rc, cache, k, id), *d = NULL;
	const char	*did = row != NULL ? str(row, "domain_id") : NULL;

	if (did != NULL)
		d = cached(rc, cache, STORE_DOMAIN, did);
	return json_pack("{s:s,s:s,s:{s:s,s:s}}", "id", id, "name",
	    row != NULL ? str(row, "name") : "", "domain", "id",
	    did != NULL ? did : "", "name", d != NULL ? str(d, "name") : "");
}

/* Keystone's _format_entity (and its names, with include_names). */
static json_t *
formatted(struct res_call *rc, json_t *ref, int names, json_t *cache)
{
	json_t		*e = json_object(), *links = json_object(), *role, *d;
	json_t		*ind = json_object_get(ref, "indirect");
	const char	*pid = str(ref, "project_id"), *did = str(ref,
			    "domain_id"), *uid = str(ref, "user_id");
	const char	*gid = str(ref, "group_id"), *rid = str(ref, "role_id");
	const char	*rd;
	char		 path[6 * STORE_NAME_MAX], p2[2 * STORE_NAME_MAX + 64];
	size_t		 n = 0;

	path[0] = '\0';
	if (pid != NULL) {
		json_object_set_new(e, "scope", json_pack("{s:o}", "project",
		    names ? named(rc, cache, STORE_PROJECT, pid) :
		    json_pack("{s:s}", "id", pid)));
		n += snprintf(path + n, sizeof(path) - n, "/projects/%s", pid);
	} else if (did != NULL) {
		d = cached(rc, cache, STORE_DOMAIN, did);
		json_object_set_new(e, "scope", json_pack("{s:o}", "domain",
		    names ? json_pack("{s:s,s:s}", "id", did, "name",
		    d != NULL ? str(d, "name") : "") : json_pack("{s:s}", "id",
		    did)));
		n += snprintf(path + n, sizeof(path) - n, "/domains/%s", did);
	} else {
		json_object_set_new(e, "scope", json_pack("{s:O}", "system",
		    json_object_get(ref, "system")));
		n += snprintf(path + n, sizeof(path) - n, "/system");
	}
	if (uid != NULL) {
		json_object_set_new(e, "user", names ? named(rc, cache,
		    STORE_USER, uid) : json_pack("{s:s}", "id", uid));
		if (str(ind, "group_id") != NULL) {
			snprintf(p2, sizeof(p2), "/groups/%s/users/%s",
			    str(ind, "group_id"), uid);
			json_object_set_new(links, "membership",
			    res_link(rc, p2));
			n += snprintf(path + n, sizeof(path) - n,
			    "/groups/%s", str(ind, "group_id"));
		} else
			n += snprintf(path + n, sizeof(path) - n,
			    "/users/%s", uid);
	} else if (gid != NULL) {
		json_object_set_new(e, "group", names ? named(rc, cache,
		    STORE_GROUP, gid) : json_pack("{s:s}", "id", gid));
		n += snprintf(path + n, sizeof(path) - n, "/groups/%s", gid);
	}
	role = json_pack("{s:s}", "id", rid);
	if (names && (d = cached(rc, cache, STORE_ROLE, rid)) != NULL) {
		json_object_set(role, "name", json_object_get(d, "name"));
		if ((rd = str(d, "domain_id")) != NULL) {
			d = cached(rc, cache, STORE_DOMAIN, rd);
			json_object_set_new(role, "domain", json_pack(
			    "{s:s,s:s}", "id", rd, "name", d != NULL ?
			    str(d, "name") : ""));
		}
	}
	json_object_set_new(e, "role", role);
	if (str(ind, "role_id") != NULL) {
		snprintf(path + n, sizeof(path) - n, "/roles/%s",
		    str(ind, "role_id"));
		snprintf(p2, sizeof(p2), "/prior_role/%s/implies/%s", rid,
		    str(ind, "role_id"));
		json_object_set_new(links, "prior_role", res_link(rc, p2));
	} else
		snprintf(path + n, sizeof(path) - n, "/roles/%s", rid);
	json_object_set_new(links, "assignment", res_link(rc, path));
	json_object_set_new(e, "links", links);
	return e;
}

/* A domain-scoped caller sees what is on its domain or its projects. */
static int
in_caller_domain(struct res_call *rc, json_t *ref, json_t *cache,
    const char *dom)
{
	json_t	*p;

	if (str(ref, "domain_id") != NULL)
		return strcmp(str(ref, "domain_id"), dom) == 0;
	if (str(ref, "project_id") == NULL)
		return 0;
	p = cached(rc, cache, STORE_PROJECT, str(ref, "project_id"));
	return p != NULL && strcmp(str(p, "domain_id"), dom) == 0;
}

/* GET and HEAD /v3/role_assignments */
void
rel_role_assignments(struct res_call *rc, const char *method, int how)
{
	struct store_assign_filter	 f;
	struct policy_target		 tg;
	const char			*dom = res_caller_scope(rc, "domain");
	const char			*inh;
	json_t				*refs, *cache, *out, *ref;
	size_t				 i;
	int				 r, eff, names;

	(void)how;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		res_method_not_allowed(rc);
		return;
	}
	if (res_query_true(rc, "include_subtree")) {
		res_fail(rc, 400, "include_subtree: signet-api has no "
		    "inherited assignments to list for a tree.");
		return;
	}
	memset(&tg, 0, sizeof(tg));
	tg.domain_id = dom;
	eff = res_query_true(rc, "effective");
	names = res_query_true(rc, "include_names");
	if (res_allowed(rc, "identity:list_role_assignments", &tg) != 0 ||
	    filters_ok(rc, eff) != 0)
		return;
	memset(&f, 0, sizeof(f));
	if ((f.target_id = arg(rc, "scope.project.id")) != NULL)
		f.target_type = "project";
	else if ((f.target_id = arg(rc, "scope.domain.id")) != NULL)
		f.target_type = "domain";
	refs = json_array();
	cache = json_object();
	out = json_array();
	inh = res_query(rc, "scope.OS-INHERIT:inherited_to");
	/* signet has no inherited grants: asked for them alone, none */
	if (inh != NULL && strcmp(inh, "projects") == 0)
		r = 0;
	else
		r = eff ? effective_refs(rc, &f, cache, refs) :
		    direct_refs(rc, &f, refs);
	if (r != 0)
		res_store_fail(rc, r, "role assignment");
	else {
		json_array_foreach(refs, i, ref)
			if (dom == NULL || in_caller_domain(rc, ref, cache,
			    dom))
				json_array_append_new(out, formatted(rc, ref,
				    names, cache));
		rc->ret = api_json(rc->c, 200, json_pack("{s:O,s:o}",
		    "role_assignments", out, "links", res_list_links(rc)),
		    NULL);
	}
	json_decref(out);
	json_decref(refs);
	json_decref(cache);
}
