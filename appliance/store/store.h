/*
 * The identity store of signet-api and signet-manage (never the signer):
 * domains, projects, users with crypt(3) hashes, roles and their
 * implications, assignments, the service catalog, revocation events and
 * UUID tokens, in one SQLite file. Every change runs in a transaction.
 */
#ifndef SIGNET_STORE_H
#define SIGNET_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION	5
#define STORE_ID_LEN		32	/* uuid4().hex */
#define STORE_NAME_MAX		255
#define STORE_PASSWORD_MAX	4096	/* Keystone's cap */
#define STORE_DEFAULT_DOMAIN	"default"

struct store;

enum store_target {
	STORE_ON_PROJECT,
	STORE_ON_DOMAIN,
	STORE_ON_SYSTEM,
};

#define STORE_CREATE	1	/* store_open: make the SQLite file */
#define STORE_LAZY	2	/* connect to PostgreSQL when first used */
int	store_open(const char *, int, struct store **);
void	store_close(struct store *);
int	store_data_version(struct store *, int64_t *);
int	store_commit_version(struct store *, int64_t *);
int	store_sync(struct store *);
int	store_ready(struct store *);
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

void	store_new_id(char *);
int	store_domain_ensure(struct store *, const char *, const char *,
	    char *);
int	store_domain_find(struct store *, const char *, char *);
int	store_project_ensure(struct store *, const char *, const char *,
	    char *);
int	store_project_find(struct store *, const char *, const char *, char *);
int	store_user_ensure(struct store *, const char *, const char *,
	    const char *, int, char *);
int	store_user_find(struct store *, const char *, const char *, char *);
int	store_set_enabled(struct store *, const char *, const char *, int);
int	store_role_find(struct store *, const char *, char *);
int	store_role_ensure(struct store *, const char *, int, char *);
int	store_role_imply(struct store *, const char *, const char *);
int	store_grant(struct store *, const char *, const char *,
	    enum store_target, const char *, int);
int	store_region_ensure(struct store *, const char *);
int	store_service_ensure(struct store *, const char *, const char *,
	    char *);
int	store_endpoint_ensure(struct store *, const char *, const char *,
	    const char *, const char *);

/* db_path.c: [database] connection as a file path */
struct config;
int	store_db_path(const struct config *, char *, size_t);

/* password.c */
int	password_hash(const char *, size_t, char *, size_t);
int	password_check(const char *, size_t, const char *);
int	password_hash_ok(const char *);

/* Lookups for the API (store_read.c). Names and ids are exact matches. */
struct store_user {
	int64_t	 locked_until;
	char	 id[STORE_NAME_MAX + 1];
	char	 name[STORE_NAME_MAX + 1];
	char	 domain_id[STORE_NAME_MAX + 1];
	char	 domain_name[STORE_NAME_MAX + 1];
	char	 hash[256];
	char	 default_project_id[STORE_NAME_MAX + 1];	/* "" if none */
	int	 enabled;	/* user and its domain */
	int	 ignore_lockout;	/* options: ignore_lockout_failure_attempts */
	int	 lock_password;		/* options: lock_password */
};

struct store_scope {
	char	 id[STORE_NAME_MAX + 1];
	char	 name[STORE_NAME_MAX + 1];
	char	 domain_id[STORE_NAME_MAX + 1];
	char	 domain_name[STORE_NAME_MAX + 1];
	int	 enabled;
};

int	store_user_get(struct store *, const char *, const char *,
	    const char *, struct store_user *);
int	store_login_begin(struct store *, const char *, int, int);
int	store_login_end(struct store *, const char *, int, int, int);
int	store_project_get(struct store *, const char *, const char *,
	    const char *, struct store_scope *);
int	store_domain_get(struct store *, const char *, const char *,
	    struct store_scope *);
int	store_roles_json(struct store *, const char *, const char *,
	    const char *, void *);
int	store_catalog_json(struct store *, void *);

/* Revocation events (store_revoke.c). */
int	store_revoke_audit(struct store *, const char *, int64_t, int64_t);
int	store_revoke_user(struct store *, const char *, int64_t);
int	store_is_revoked(struct store *, char **, size_t, const char *,
	    int64_t);
int	store_revocations_json(struct store *, int, void *);
int	store_revocations_each(struct store *, size_t,
	    int (*)(void *, const char *, const char *, int64_t), void *);
int	store_revoke_put(struct store *, const char *, const char *, int64_t,
	    int64_t, int64_t);

/* UUID tokens' documents (store_uuid.c). */
struct store_uuid {
	const char	*id;
	const char	*user_id;
	int64_t		 expires_at;
	const char	*body;
};
int	store_uuid_put(struct store *, const struct store_uuid *, size_t,
	    int64_t, int64_t *);
int	store_uuid_get(struct store *, const char *, char **);
int	store_user_projects_json(struct store *, const char *, void *);
int	store_user_domains_json(struct store *, const char *, void *);

/*
 * The identity API's collections, read and written as Keystone shapes
 * them (store_rows.c): a row is a JSON object; what Keystone keeps as
 * "extra" (attributes it does not know) is stored as JSON text and
 * merged back. A filter is an array of SF_MAX strings, NULL for none.
 */
enum store_kind {
	STORE_REGION,
	STORE_SERVICE,
	STORE_ENDPOINT,
	STORE_DOMAIN,
	STORE_PROJECT,
	STORE_APP_CRED,		/* written by store_appcred.c */
	STORE_USER,
	STORE_GROUP,
	STORE_ROLE,
	STORE_CREDENTIAL,
	STORE_KINDS,
};

enum store_filter_key {
	SF_ID,
	SF_NAME,
	SF_DOMAIN,
	SF_PARENT,
	SF_ENABLED,		/* "1" or "0" */
	SF_TYPE,
	SF_INTERFACE,
	SF_SERVICE,
	SF_REGION,
	SF_USER,		/* projects where the user holds a role;
				   application credentials of the user;
				   groups the user is a member of */
	SF_GROUP,		/* users who are members of the group */
	SF_GLOBAL,		/* "1": roles of no domain */
	SF_IS_DOMAIN,		/* "1": the domains, as projects acting
				   as domains; else projects only */
	SF_MAX,
};

#define STORE_EXTRA_MAX	(64 * 1024)	/* of a row's extra attributes */

int	store_rows_json(struct store *, enum store_kind, const char *const *,
	    void *);
int	store_row_json(struct store *, enum store_kind, const char *, void **);
int	store_row_put(struct store *, enum store_kind, const void *, int);

/* store_appcred.c: application credentials (rows: STORE_APP_CRED) */
struct store_appcred {
	int64_t	 expires_at;	/* microseconds; -1: never */
	int	 unrestricted;
	char	 id[STORE_NAME_MAX + 1];
	char	 name[STORE_NAME_MAX + 1];
	char	 user_id[STORE_NAME_MAX + 1];
	char	 project_id[STORE_NAME_MAX + 1];
	char	 hash[256];
};

int	store_appcred_get(struct store *, const char *, const char *,
	    struct store_appcred *);
int	store_appcred_roles_json(struct store *, const char *, void *);
int	store_appcred_role_put(struct store *, const char *, const char *);
int	store_appcred_delete(struct store *, const char *);

/* store_credential.c: credentials (rows: STORE_CREDENTIAL) */
int	store_credential_count(struct store *, const char *);
int	store_credential_delete(struct store *, const char *);

/* store_write_catalog.c: the caller holds the transaction */
int	store_region_delete(struct store *, const char *);
int	store_region_cycles(struct store *, const char *, const char *);
int	store_service_delete(struct store *, const char *);
int	store_endpoint_delete(struct store *, const char *);

/* store_write_resource.c: the caller holds the transaction */
int	store_project_delete(struct store *, const char *, int64_t);
int	store_project_children(struct store *, const char *, int);
int	store_domain_delete(struct store *, const char *, int64_t);

/*
 * store_write_identity.c: users, groups, roles, memberships and grants
 * as Keystone changes them; the caller holds the transaction. An actor
 * is a user or a group; a target a project, a domain or the system
 * ("all").
 */
enum store_actor {
	STORE_ACTOR_USER,
	STORE_ACTOR_GROUP,
};

int	store_user_password(struct store *, const char *, const char *);
int	store_user_delete(struct store *, const char *, int64_t);
int	store_group_delete(struct store *, const char *, int64_t);
int	store_role_delete(struct store *, const char *);
int	store_member(struct store *, const char *, const char *, int,
	    int64_t);
int	store_is_member(struct store *, const char *, const char *);
int	store_actor_grant(struct store *, const char *, enum store_actor,
	    const char *, enum store_target, const char *, int);
int	store_has_grant(struct store *, const char *, enum store_actor,
	    const char *, enum store_target, const char *);
int	store_implied(struct store *, const char *, const char *, int);
int	store_implies(struct store *, const char *, const char *);

/*
 * store_assign.c: role assignments as Keystone's assignment driver lists
 * them, each a JSON object of its keys (role_id; user_id or group_id;
 * project_id, domain_id or system {"all": true}). A filter is NULL for
 * none.
 */
struct store_assign_filter {
	const char	*role_id;
	const char	*user_id;	/* of this user only */
	const char	*group_id;	/* of this group only */
	const char	*groups_of;	/* of the groups this user is in */
	const char	*target_type;	/* "project", "domain" or "system" */
	const char	*target_id;
	int		 actor;		/* 1 users only, 2 groups only */
	int		 no_system;	/* project and domain grants only */
};

int	store_assignments_json(struct store *,
	    const struct store_assign_filter *, void *);
int	store_implied_json(struct store *, const char *, void *);
int	store_inferences_json(struct store *, void *);

#endif
