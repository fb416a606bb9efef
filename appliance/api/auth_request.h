/*
 * signet-api: the body of POST /v3/auth/tokens, checked against
 * Keystone's schema before anything is looked up.
 */
#ifndef SIGNET_AUTH_REQUEST_H
#define SIGNET_AUTH_REQUEST_H

#include <jansson.h>

enum scope_kind { SC_UNSCOPED, SC_PROJECT, SC_DOMAIN, SC_SYSTEM };

/* Pointers into the parsed document (or the header): valid while it is. */
struct auth_req {
	const char	*user_id, *user_name, *udom_id, *udom_name;
	const char	*password;
	const char	*token;		/* the token method's parent */
	int		 appcred;	/* the application_credential method */
	const char	*ac_id, *ac_name, *secret;
	int		 scope_asked;	/* (an application credential's: 401) */
	enum scope_kind	 scope;
	int		 scope_absent;	/* no "scope": the default project */
	const char	*p_id, *p_name, *pdom_id, *pdom_name, *d_id, *d_name;
	const struct pw_job *pw;	/* the password checked off-thread */
};

/* NULL, or the name of the field that is wrong (for the 400). */
const char	*auth_request_parse(json_t *, const char *, struct auth_req *);

#endif
