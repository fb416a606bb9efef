/*
 * signet-api: the claims of the token a POST /v3/auth/tokens asks for
 * (auth_claims.c), once auth_request.c has checked the body.
 */
#ifndef SIGNET_AUTH_CLAIMS_H
#define SIGNET_AUTH_CLAIMS_H

#include "api.h"
#include "auth_request.h"
#include "provider.h"

#define CLAIMS_METHODS_MAX_API	8

/* A new token's claims: c points into the rest of it. */
struct new_token {
	Signet__V1__Claims	 c;
	struct store_user	 u;	/* a password's user */
	struct store_appcred	 ac;	/* an application credential */
	char			*methods[CLAIMS_METHODS_MAX_API];
	char			*audit[2];
	char			 aid[23];
	char			 pid[STORE_NAME_MAX + 1];
	char			 did[STORE_NAME_MAX + 1];
};

int	auth_claims(struct api *, const struct auth_req *, struct new_token *,
	    struct opened *, json_t **);
void	auth_password_hash(struct api *, const struct auth_req *, char *,
	    size_t);
int	auth_password_user(struct api *, const struct auth_req *,
	    struct store_user *);

extern const char auth_no_user_hash[];

/* appcred_token.c: the application_credential method and its tokens */
int	auth_secret_ok(const struct auth_req *, const char *, const char *,
	    int);
void	appcred_hash(struct api *, const struct auth_req *, char *, size_t);
int	appcred_claims(struct api *, const struct auth_req *,
	    struct new_token *);
int	appcred_doc(struct api *, const Signet__V1__Claims *, json_t *,
	    json_t *);
int	roles_hold(json_t *, const char *);

#endif
