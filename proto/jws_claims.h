/*
 * signet-signerd and signet-api: RPC claims as a JWS token's claims, in
 * Keystone's JWS provider's order and spelling (every absent claim
 * omitted, compact JSON, non-ASCII as lowercase \u escapes as Python's
 * json.dumps writes them), and back, strictly.
 */
#ifndef SIGNET_JWS_CLAIMS_H
#define SIGNET_JWS_CLAIMS_H

#include <jansson.h>

#include "jws_body.h"
#include "signer.pb-c.h"

/* A read token's claims; the strings are the JSON document's. */
struct jws_claims {
	Signet__V1__Claims	 c;
	int64_t			 issued_at;
	json_t			*doc;
	struct jws_body		 b;
};

char	*jws_claims_json(const Signet__V1__Claims *, int64_t);
int	 jws_claims_read(const char *, size_t, struct jws_claims *);
void	 jws_claims_free(struct jws_claims *);

#endif
