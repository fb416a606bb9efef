/*
 * signet-api: PKI and PKIZ tokens ([token] provider = pki | pkiz). The
 * signer signs the token document; the API verifies tokens itself with
 * the public certificates it got from the signer (PublicMaterial).
 */
#ifndef SIGNET_PROVIDER_PKI_H
#define SIGNET_PROVIDER_PKI_H

#include "api.h"
#include "token_body.h"

struct pki_opened {
	json_t			*body;		/* the signed document */
	struct token_body	 tb;		/* c borrows from it */
	Signet__V1__Claims	 c;
	int64_t			 issued_at;
};

int	pki_is_token(const char *);
int	pki_load_certs(struct api *);
int	pki_issue(struct api *, json_t *, int, char **);
int	pki_open(struct api *, const char *, int, struct pki_opened **);
void	pki_opened_free(struct pki_opened *);
int	doc_open(struct api *, char *, int, struct pki_opened **);

/* [token] provider = uuid: documents persisted in the store */
int	uuid_is_token(const char *);
int	uuid_open(struct api *, const char *, int, struct pki_opened **);
int	uuid_issue(struct api *, json_t *, const char *, int64_t, char **);

#endif
