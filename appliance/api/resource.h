/*
 * signet-api: the identity API's collections. One table row per
 * collection (route_<name>.c) names its schema, its policy actions and
 * the few steps Keystone takes that are its own; resource.c does the
 * rest the same way for all of them.
 */
#ifndef SIGNET_RESOURCE_H
#define SIGNET_RESOURCE_H

#include "api.h"

/* api_json_in.c: a request body's member, checked as Keystone's schemas */
enum field_type {
	FT_STRING,
	FT_BOOL,
	FT_OBJECT,
	FT_TAGS,		/* Keystone's project tags: unique strings */
	FT_ROLE_REFS,		/* [{"id"} or {"name"}, ...] */
	FT_ARRAY,
};

#define FF_REQUIRED	0x01
#define FF_NULL		0x02	/* null allowed */
#define FF_NAME		0x04	/* something other than blanks */
#define FF_ID		0x08	/* ^[a-zA-Z0-9-]+$ */
#define FF_URL		0x10	/* ^[a-zA-Z0-9+.-]+:.+ */
#define FF_IFACE	0x20	/* admin, internal or public */
#define FF_OPTIONS	0x40	/* only "immutable": a boolean or null */
#define FF_USER_OPTIONS	0x80	/* a user's: Keystone's seven */

struct field {
	const char	*name;
	enum field_type	 type;
	int		 flags;
	int		 min, max;	/* characters; max 0: no limit */
};

#define API_JSON_MSG_MAX	256

int	json_in_member(struct MHD_Connection *, struct api_req *,
	    const char *, json_t **, char *);
int	json_in_check(json_t *, const struct field *, int, char *);

/* policy.c: Keystone 22's default rules for these APIs */
struct policy_target {
	const char	*domain_id;	/* target.domain_id and alike */
	const char	*project_id;	/* target.project.id */
	const char	*user_id;	/* target.user.id, user_id */
	/* a grant's (and a membership's) target, each NULL when not there */
	const char	*user_domain_id;	/* target.user.domain_id */
	const char	*group_domain_id;	/* target.group.domain_id */
	const char	*project_domain_id;	/* target.project.domain_id */
	const char	*target_domain_id;	/* target.domain.id */
	const char	*role_domain_id;	/* target.role.domain_id */
	int		 role_global;	/* target.role is of no domain */
};

int	policy_allows(json_t *, const char *, const struct policy_target *);

/* resource.c */
struct res_call;

struct collection {
	const char	*name;		/* "regions": path and list key */
	const char	*member;	/* "region" */
	enum store_kind	 kind;
	const char	*act[5];	/* get, list, create, update, delete */
	const struct field *create;
	const struct field *update;
	const char	*filters[SF_MAX];	/* query key of each SF_ */
	int		 put;		/* PUT on a member creates it */
	/* the target the policy reads, from a row or the caller */
	void		(*target)(struct res_call *, json_t *,
			    struct policy_target *);
	/* Keystone's own steps: defaults and checks; 0 or queued answer */
	int		(*prepare)(struct res_call *, json_t *, json_t *);
	int		(*remove)(struct res_call *, json_t *);
	/* a POST answered its own way (after the policy and the schema) */
	int		(*post)(struct res_call *, json_t *);
	const char	*what;		/* a 404's name; else member */
	const char	*list_hides[2];	/* shown by a GET, not a list */
	/* before the transaction, on the body checked (a password hashed) */
	int		(*before)(struct res_call *, json_t *);
	/* a list's filters, once read from the query */
	void		(*list_filters)(struct res_call *, const char **);
	/* what a member shows besides its row */
	void		(*shape)(struct res_call *, json_t *);
	int		 parent;	/* PARENT_: /v3/<parent>s/{id}/<name> */
};

enum { PARENT_NONE, PARENT_USER, PARENT_GROUP };

enum { ACT_GET, ACT_LIST, ACT_CREATE, ACT_UPDATE, ACT_DELETE };

struct res_call {
	struct api		*a;
	struct MHD_Connection	*c;
	struct api_req		*rq;
	const struct collection	*co;
	json_t			*caller;	/* the caller's "token" */
	const char		*id;		/* a member's, else NULL */
	const char		*parent;	/* /v3/users/{id}/projects */
	const char		*act;		/* the action, when the
						   target hook names another */
	const char		*ids[4];	/* a relation's path ids */
	json_t			*patch;		/* an update's body */
	enum MHD_Result		 ret;		/* what was queued */
};

/*
 * A relation: a path that is no collection (a membership, a grant, a
 * password change), served by a handler of its own; a "*" in its pattern
 * is one id, in rc->ids in order. how tells a handler's variants apart.
 */
struct relation {
	const char	*pattern;
	void		(*serve)(struct res_call *, const char *, int);
	int		 how;
	int		 anonymous;	/* no X-Auth-Token needed */
};

#define ST_OF(rc)	api_store((rc)->a)

int		 res_fail(struct res_call *, unsigned int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 res_store_fail(struct res_call *, int, const char *);
const char	*res_caller_scope(struct res_call *, const char *);
void		 res_set_default(json_t *, const char *, json_t *);
void		 res_strip_name(json_t *);
int		 res_name_taken(struct res_call *, enum store_kind, json_t *);
int64_t		 res_token_span(struct res_call *);
int		 res_allowed(struct res_call *, const char *,
		    const struct policy_target *);
int		 res_load(struct res_call *, enum store_kind, const char *,
		    const char *, json_t **);
int		 res_body(struct res_call *, const char *, const struct field *,
		    int, json_t **);
int		 res_begin(struct res_call *);
int		 res_commit(struct res_call *, int);
int		 res_stored(struct res_call *, json_t **);
json_t		*res_wrapped(struct res_call *, json_t *);
void		 res_no_content(struct res_call *);
void		 res_method_not_allowed(struct res_call *);
json_t		*res_list_links(struct res_call *);
json_t		*res_link(struct res_call *, const char *);
const char	*res_id_shown(const char *);
int		 res_query_true(struct res_call *, const char *);
const char	*res_query(struct res_call *, const char *);
int		 res_options(struct res_call *, json_t *, json_t *);

extern const struct collection coll_regions, coll_services, coll_endpoints,
		    coll_domains, coll_projects, coll_user_projects,
		    coll_users, coll_user_groups, coll_groups, coll_group_users,
		    coll_roles, coll_app_creds, coll_credentials;

/* route_users.c, route_groups.c, route_roles.c, route_grants.c */
void	rel_user_password(struct res_call *, const char *, int);
void	rel_group_member(struct res_call *, const char *, int);
void	rel_implied_roles(struct res_call *, const char *, int);
void	rel_implied_role(struct res_call *, const char *, int);
void	rel_role_inferences(struct res_call *, const char *, int);
void	rel_grant(struct res_call *, const char *, int);
void	rel_grants(struct res_call *, const char *, int);
void	rel_role_assignments(struct res_call *, const char *, int);

/* rel_grant's and rel_grants' how: the target and the actor */
#define GRANT_PROJECT	0
#define GRANT_DOMAIN	1
#define GRANT_SYSTEM	2
#define GRANT_GROUP	4	/* else a user */

#endif
