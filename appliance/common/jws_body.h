/*
 * The claims of a JWS token, read the one strict way the signer,
 * signet-api (through proto/jws_claims.c) and libsignet-verify all read
 * them: Keystone's members only, each of its type, at most one scope (a
 * trust with its project). The federation, OAuth1 and application
 * credential claims are read too (a Keystone behind the signer's plugin
 * mints them); signet-api and libsignet-verify refuse a token that
 * carries one, as they cannot honour it.
 */
#ifndef SIGNET_JWS_BODY_H
#define SIGNET_JWS_BODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JWS_BODY_LIST_MAX	16
#define JWS_BODY_GROUPS_MAX	32	/* as IssueFernet's policy */

/* The strings are the document's: it outlives them. NULL ids: absent. */
struct jws_body {
	const char	*sub;
	int64_t		 iat;
	int64_t		 exp;
	const char	*methods[JWS_BODY_LIST_MAX];
	size_t		 n_methods;
	const char	*audit_ids[JWS_BODY_LIST_MAX];
	size_t		 n_audit_ids;
	int		 system;	/* "all" */
	const char	*domain_id;
	const char	*project_id;
	const char	*trust_id;
	int		 federated;	/* openstack_group_ids present */
	const char	*group_ids[JWS_BODY_GROUPS_MAX];
	size_t		 n_group_ids;
	const char	*idp_id;
	const char	*protocol_id;
	const char	*access_token_id;
	const char	*app_cred_id;
};

/* A federation, OAuth1 or application credential claim is present. */
#define JWS_BODY_EXTENDED(b)	((b)->federated || (b)->idp_id != NULL || \
	(b)->protocol_id != NULL || (b)->access_token_id != NULL || \
	(b)->app_cred_id != NULL)

int	jws_body_read(json_t *, struct jws_body *);

#endif
