/*
 * Used by signet-signerd (SignCms policy), signet-api and libsignet-verify:
 * the one reading of a v3 token document, {"token": {...}}. A signed body
 * must mean the same to the signer that judged it and to every verifier,
 * so none of them reads members on its own.
 */
#ifndef SIGNET_TOKEN_BODY_H
#define SIGNET_TOKEN_BODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define TB_METHODS_MAX	8
#define TB_AUDIT_MAX	2
#define TB_ROLES_MAX	256

enum tb_scope {
	TB_UNSCOPED = 0,
	TB_PROJECT,
	TB_DOMAIN,
	TB_SYSTEM,
	TB_TRUST,		/* a project scope under OS-TRUST:trust */
};

/* Every string points into the document it was read from. */
struct token_body {
	enum tb_scope	 scope;
	const char	*user_id, *user_name;
	const char	*user_domain_id, *user_domain_name;
	const char	*project_id, *project_name;
	const char	*project_domain_id, *project_domain_name;
	const char	*domain_id, *domain_name;
	const char	*trust_id;
	const char	*methods[TB_METHODS_MAX];
	size_t		 n_methods;
	const char	*audit_ids[TB_AUDIT_MAX];
	size_t		 n_audit_ids;
	const char	*role_names[TB_ROLES_MAX];
	size_t		 n_roles;
	int64_t		 issued_at, expires_at;
};

int	token_body_read(json_t *, struct token_body *, const char **);

#endif
