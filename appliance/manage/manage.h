/*
 * signet-manage: what its commands share (the store, the options, the
 * command's arguments).
 */
#ifndef SIGNET_MANAGE_H
#define SIGNET_MANAGE_H

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "store.h"

#define ID_BUF	(STORE_ID_LEN + 1)

struct opts {
	const char	*password_file, *public_url, *region, *domain;
	const char	*user, *user_domain, *project, *grant_domain;
	int		 system;
};

struct manage {
	struct config	*cf;
	struct store	*st;
	struct opts	 o;
	char		**args;
	int		 nargs;
};

/* main.c */
int64_t	token_span(const struct manage *);
int	domain_of(struct manage *, const char *, char *);
int	name_ok(const char *, const char *);
int	hashed_password(const char *, const char *, int *, char *, size_t);

/* rows.c: the identity API's collections, offline */
void	print_row(enum store_kind, json_t *);
int	print_json(json_t *);
int	cmd_region_list(struct manage *);
int	cmd_service_list(struct manage *);
int	cmd_endpoint_list(struct manage *);
int	cmd_domain_list(struct manage *);
int	cmd_project_list(struct manage *);
int	cmd_region_show(struct manage *);
int	cmd_service_show(struct manage *);
int	cmd_endpoint_show(struct manage *);
int	cmd_domain_show(struct manage *);
int	cmd_project_show(struct manage *);
int	cmd_region_delete(struct manage *);
int	cmd_service_delete(struct manage *);
int	cmd_endpoint_delete(struct manage *);
int	cmd_domain_disable(struct manage *);
int	cmd_domain_delete(struct manage *);
int	cmd_project_delete(struct manage *);
int	cmd_app_cred_list(struct manage *);
int	cmd_app_cred_show(struct manage *);
int	cmd_app_cred_delete(struct manage *);

/* identity.c: users, roles and groups, offline */
int	cmd_user_list(struct manage *);
int	cmd_user_show(struct manage *);
int	cmd_user_enable(struct manage *);
int	cmd_user_delete(struct manage *);
int	cmd_user_password_reset(struct manage *);
int	cmd_role_create(struct manage *);
int	cmd_role_list(struct manage *);
int	cmd_role_delete(struct manage *);
int	cmd_group_create(struct manage *);
int	cmd_group_list(struct manage *);
int	cmd_group_add_user(struct manage *);

/* import.c: a Keystone's rows, as scripts/keystone-export.py writes them */
int	cmd_import_keystone(struct manage *);

#endif
