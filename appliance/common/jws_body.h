/*
 * The claims of a JWS token, read the one strict way signet-api (through
 * proto/jws_claims.c) and libsignet-verify both read them: Keystone's
 * members only, each of its type, at most one scope (a trust with its
 * project), and none of the federation, OAuth1 or application
 * credential claims signet cannot honour.
 */
#ifndef SIGNET_JWS_BODY_H
#define SIGNET_JWS_BODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JWS_BODY_LIST_MAX	16

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
};

int	jws_body_read(json_t *, struct jws_body *);

#endif
