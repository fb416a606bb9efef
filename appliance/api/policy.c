/*
 * signet-api: who may call the identity API, as Keystone 22 decides by
 * default (keystone/common/policies). Keystone 22 ships with
 * [oslo_policy] enforce_new_defaults and enforce_scope off, so each
 * action's rule is its new "secure RBAC" rule or its deprecated one; the
 * table holds that union as terms, each one line of Keystone's rules.
 * The caller is a token document this process made (trusted); the
 * target comes from the store or the request's path.
 */
#include <string.h>

#include "resource.h"

#define P_ANYONE	0x001	/* '' */
#define P_ADMIN		0x002	/* role:admin (admin_required) */
#define P_SYS_READER	0x004	/* role:reader and system_scope:all */
#define P_DOM_READER	0x008	/* role:reader and domain_id:%(target...)s */
#define P_DOM_TOKEN	0x010	/* token.domain.id:%(target.domain.id)s */
#define P_PROJ_DOMAIN	0x020	/* token.project.domain.id:%(target...)s */
#define P_PROJECT	0x040	/* project_id:%(target.project.id)s */
#define P_OWNER		0x080	/* user_id:%(target.user.id)s */
#define P_MEMBER_READER	0x100	/* role:reader and domain_id: the
				   target group's and user's domain */
#define P_GRANT_READER	0x200	/* GRANTS_DOMAIN_READER (grant.py) */
#define P_GRANT_R_ROLE	0x400	/* the same, and DOMAIN_MATCHES_ROLE */
#define P_LAST		P_GRANT_R_ROLE

#define P_ADMIN_OR_READER	(P_ADMIN | P_SYS_READER)

static const struct {
	const char	*action;
	int		 terms;
} rules[] = {
	{ "identity:get_region", P_ANYONE },
	{ "identity:list_regions", P_ANYONE },
	{ "identity:create_region", P_ADMIN },
	{ "identity:update_region", P_ADMIN },
	{ "identity:delete_region", P_ADMIN },
	{ "identity:get_service", P_ADMIN | P_SYS_READER },
	{ "identity:list_services", P_ADMIN | P_SYS_READER },
	{ "identity:create_service", P_ADMIN },
	{ "identity:update_service", P_ADMIN },
	{ "identity:delete_service", P_ADMIN },
	{ "identity:get_endpoint", P_ADMIN | P_SYS_READER },
	{ "identity:list_endpoints", P_ADMIN | P_SYS_READER },
	{ "identity:create_endpoint", P_ADMIN },
	{ "identity:update_endpoint", P_ADMIN },
	{ "identity:delete_endpoint", P_ADMIN },
	{ "identity:get_domain", P_ADMIN | P_SYS_READER | P_DOM_TOKEN |
	    P_PROJ_DOMAIN },
	{ "identity:list_domains", P_ADMIN | P_SYS_READER },
	{ "identity:create_domain", P_ADMIN },
	{ "identity:update_domain", P_ADMIN },
	{ "identity:delete_domain", P_ADMIN },
	{ "identity:get_project", P_ADMIN | P_SYS_READER | P_DOM_READER |
	    P_PROJECT },
	{ "identity:list_projects", P_ADMIN | P_SYS_READER | P_DOM_READER },
	{ "identity:list_user_projects", P_ADMIN | P_SYS_READER |
	    P_DOM_READER | P_OWNER },
	{ "identity:create_project", P_ADMIN },
	{ "identity:update_project", P_ADMIN },
	{ "identity:delete_project", P_ADMIN },
	{ "identity:get_application_credential", P_ADMIN | P_SYS_READER |
	    P_OWNER },
	{ "identity:list_application_credentials", P_ADMIN | P_SYS_READER |
	    P_OWNER },
	{ "identity:create_application_credential", P_OWNER },
	{ "identity:delete_application_credential", P_ADMIN | P_OWNER },
	/* credential.py: the owner is the credential's user */
	{ "identity:get_credential", P_ADMIN_OR_READER | P_OWNER },
	{ "identity:list_credentials", P_ADMIN_OR_READER | P_OWNER },
	{ "identity:create_credential", P_ADMIN | P_OWNER },
	{ "identity:update_credential", P_ADMIN | P_OWNER },
	{ "identity:delete_credential", P_ADMIN | P_OWNER },
	/* user.py: the owner is the user itself (and, deprecated, the
	 * user of the path: the same) */
	{ "identity:get_user", P_ADMIN_OR_READER | P_DOM_READER | P_OWNER },
	{ "identity:list_users", P_ADMIN_OR_READER | P_DOM_READER },
	{ "identity:create_user", P_ADMIN },
	{ "identity:update_user", P_ADMIN },
	{ "identity:delete_user", P_ADMIN },
	/* group.py */
	{ "identity:get_group", P_ADMIN_OR_READER | P_DOM_READER },
	{ "identity:list_groups", P_ADMIN_OR_READER | P_DOM_READER },
	{ "identity:list_groups_for_user", P_ADMIN_OR_READER | P_DOM_READER |
	    P_OWNER },
	{ "identity:list_users_in_group", P_ADMIN_OR_READER | P_DOM_READER },
	{ "identity:check_user_in_group", P_ADMIN_OR_READER |
	    P_MEMBER_READER },
	{ "identity:create_group", P_ADMIN },
	{ "identity:update_group", P_ADMIN },
	{ "identity:delete_group", P_ADMIN },
	{ "identity:add_user_to_group", P_ADMIN },
	{ "identity:remove_user_from_group", P_ADMIN },
	/* role.py and implied_role.py */
	{ "identity:get_role", P_ADMIN_OR_READER },
	{ "identity:list_roles", P_ADMIN_OR_READER },
	{ "identity:create_role", P_ADMIN },
	{ "identity:update_role", P_ADMIN },
	{ "identity:delete_role", P_ADMIN },
	{ "identity:get_domain_role", P_ADMIN_OR_READER },
	{ "identity:list_domain_roles", P_ADMIN_OR_READER },
	{ "identity:create_domain_role", P_ADMIN },
	{ "identity:update_domain_role", P_ADMIN },
	{ "identity:delete_domain_role", P_ADMIN },
	{ "identity:get_implied_role", P_ADMIN_OR_READER },
	{ "identity:list_implied_roles", P_ADMIN_OR_READER },
	{ "identity:check_implied_role", P_ADMIN_OR_READER },
	{ "identity:list_role_inference_rules", P_ADMIN_OR_READER },
	{ "identity:create_implied_role", P_ADMIN },
	{ "identity:delete_implied_role", P_ADMIN },
	/* grant.py: a domain admin's grants (role:admin) are admin's */
	{ "identity:check_grant", P_ADMIN_OR_READER | P_GRANT_R_ROLE },
	{ "identity:list_grants", P_ADMIN_OR_READER | P_GRANT_READER },
	{ "identity:create_grant", P_ADMIN },
	{ "identity:revoke_grant", P_ADMIN },
	{ "identity:list_system_grants_for_user", P_ADMIN_OR_READER },
	{ "identity:check_system_grant_for_user", P_ADMIN_OR_READER },
	{ "identity:create_system_grant_for_user", P_ADMIN },
	{ "identity:revoke_system_grant_for_user", P_ADMIN },
	{ "identity:list_system_grants_for_group", P_ADMIN_OR_READER },
	{ "identity:check_system_grant_for_group", P_ADMIN_OR_READER },
	{ "identity:create_system_grant_for_group", P_ADMIN },
	{ "identity:revoke_system_grant_for_group", P_ADMIN },
	/* role_assignment.py: the target is the caller's own domain */
	{ "identity:list_role_assignments", P_ADMIN_OR_READER | P_DOM_READER },
};

/* Effective roles: the document lists implied ones (admin -> reader). */
static int
has_role(json_t *t, const char *name)
{
	json_t		*role;
	const char	*n;
	size_t		 i;

	json_array_foreach(json_object_get(t, "roles"), i, role)
		if ((n = json_string_value(json_object_get(role, "name"))) !=
		    NULL && strcmp(n, name) == 0)
			return 1;
	return 0;
}

static const char *
at(json_t *t, const char *a, const char *b, const char *c)
{
	json_t	*v = json_object_get(t, a);

	if (b != NULL)
		v = json_object_get(v, b);
	if (c != NULL)
		v = json_object_get(v, c);
	return json_string_value(v);
}

/* A target attribute matches only when both sides are there. */
static int
same(const char *tok, const char *target)
{
	return tok != NULL && target != NULL && strcmp(tok, target) == 0;
}

/*
 * GRANTS_DOMAIN_READER: a reader scoped to the domain of the grant's
 * actor (user or group) and of its target (a project's domain, or the
 * domain itself).
 */
static int
grant_reader(json_t *t, const struct policy_target *tg)
{
	const char	*dom = at(t, "domain", "id", NULL);

	return has_role(t, "reader") && (same(dom, tg->user_domain_id) ||
	    same(dom, tg->group_domain_id)) && (same(dom,
	    tg->project_domain_id) || same(dom, tg->target_domain_id));
}

static int
term_holds(json_t *t, int term, const struct policy_target *tg)
{
	switch (term) {
	case P_ANYONE:
		return 1;
	case P_ADMIN:
		return has_role(t, "admin");
	case P_SYS_READER:
		return has_role(t, "reader") && json_is_true(json_object_get(
		    json_object_get(t, "system"), "all"));
	case P_DOM_READER:
		return has_role(t, "reader") && same(at(t, "domain", "id",
		    NULL), tg->domain_id);
	case P_DOM_TOKEN:
		return same(at(t, "domain", "id", NULL), tg->domain_id);
	case P_PROJ_DOMAIN:
		return same(at(t, "project", "domain", "id"), tg->domain_id);
	case P_PROJECT:
		return same(at(t, "project", "id", NULL), tg->project_id);
	case P_OWNER:
		return same(at(t, "user", "id", NULL), tg->user_id);
	case P_MEMBER_READER:
		return has_role(t, "reader") && same(at(t, "domain", "id",
		    NULL), tg->group_domain_id) && same(at(t, "domain", "id",
		    NULL), tg->user_domain_id);
	case P_GRANT_READER:
		return grant_reader(t, tg);
	case P_GRANT_R_ROLE:
		return grant_reader(t, tg) && (tg->role_global ||
		    same(at(t, "domain", "id", NULL), tg->role_domain_id));
	}
	return 0;
}

/* t: the caller's "token"; an action not in the table is refused. */
int
policy_allows(json_t *t, const char *action, const struct policy_target *tg)
{
	size_t	 i;
	int	 term;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].action, action) != 0)
			continue;
		for (term = 1; term <= P_LAST; term <<= 1)
			if ((rules[i].terms & term) && term_holds(t, term, tg))
				return 1;
		return 0;
	}
	return 0;
}
