/*
 * signet-api: the token formats, one row each in provider.c's table, one
 * file each (provider_<format>.c). [token] provider names the row that
 * issues; tokens of every row validate, so a deployment that changes
 * format keeps the tokens it gave out.
 */
#ifndef SIGNET_PROVIDER_H
#define SIGNET_PROVIDER_H

#include "api.h"

/* A token opened by its format: the claims, and what they point into. */
struct opened {
	Signet__V1__Claims	*c;
	int64_t			 issued_at;
	void			*held;
	void			(*held_free)(void *);
};

/*
 * is_token: 1 when a token has this format's shape (no RPC, no store).
 * open: its claims, unexpired unless allowed; SIG_ERR_KEY_NOT_FOUND when
 * it does not validate, SIG_ERR_UNAVAILABLE when nobody could tell.
 * issue: a new token and its document (caller owns both); 0,
 * SIG_ERR_UNAVAILABLE when it could not be sealed, else token_doc's code.
 * signer_up: what the format needs from the signer once it answers.
 */
struct provider {
	const char	*name;		/* [token] provider */
	int		 compress;	/* pkiz: the document deflated */
	int		 own_parent;	/* the signer re-opens a token
					   method's parent: one of ours */
	int		(*is_token)(const char *);
	int		(*open)(struct api *, const char *, int,
			    struct opened *);
	int		(*issue)(struct api *, const struct provider *,
			    Signet__V1__Claims *, const char *, int,
			    json_t **, char **);
	int		(*signer_up)(struct api *);
};

/* provider.c: the table, and what every format shares */
const struct provider	*provider_find(const char *);
void			 provider_names(char *, size_t);
const struct provider	*provider_of(const char *);
const struct provider	*provider_issuing(struct api *,
			    const Signet__V1__Claims *);
int			 provider_claims_served(const Signet__V1__Claims *);
int			 provider_open(struct api *, const char *, int,
			    struct opened *);
void			 opened_free(struct opened *);

/* token_doc.c: the claims of a document we signed or stored */
int	token_doc_open(struct api *, char *, int, struct opened *);

/* provider_fernet.c: sealed and opened by the signer */
int	fernet_token_open(struct api *, const char *, int, struct opened *);
int	fernet_token_issue(struct api *, const struct provider *,
	    Signet__V1__Claims *, const char *, int, json_t **, char **);

/* provider_jws.c: JWS (ES256), signed by the signer, verified here */
int	jws_load_keys(struct api *);
int	jws_token_open(struct api *, const char *, int, struct opened *);
int	jws_token_issue(struct api *, const struct provider *,
	    Signet__V1__Claims *, const char *, int, json_t **, char **);

/* provider_pki.c: PKI and PKIZ, signed by the signer, verified here */
int	pki_is_token(const char *);
int	pki_load_certs(struct api *);
int	pki_token_open(struct api *, const char *, int, struct opened *);
int	pki_token_issue(struct api *, const struct provider *,
	    Signet__V1__Claims *, const char *, int, json_t **, char **);

/* uuid_batch.c: documents committed in groups, each answered once its
 * own is committed */
int	uuid_batch_put(struct api *, const struct store_uuid *);

/* provider_uuid.c: documents kept in the store under a random id */
int	uuid_is_token(const char *);
int	uuid_token_open(struct api *, const char *, int, struct opened *);
int	uuid_token_issue(struct api *, const struct provider *,
	    Signet__V1__Claims *, const char *, int, json_t **, char **);

#endif
