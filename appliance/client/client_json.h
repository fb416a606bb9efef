/*
 * libsignet-client: the RPC's messages to and from JSON with Keystone's
 * field names.
 */
#ifndef SIGNET_CLIENT_JSON_H
#define SIGNET_CLIENT_JSON_H

#include <jansson.h>

#include "signer.pb-c.h"

/* Parsed claims borrow their strings from the JSON; arrays are owned. */
struct cj_claims {
	Signet__V1__Claims	 c;
};

int	cj_claims_parse(json_t *, struct cj_claims *, const char **);
void	cj_claims_free(struct cj_claims *);
json_t	*cj_opened(const Signet__V1__OpenFernetResponse *);
json_t	*cj_strings(char **, size_t);
json_t	*cj_public(const Signet__V1__PublicMaterialResponse *);
json_t	*cj_health(const Signet__V1__HealthResponse *);

#endif
