/*
 * signet-signerd and signet-api: the claims a token document makes, in
 * the shape IssueFernet takes and OpenFernet gives them, from the one
 * reading of the document (token_body.h).
 */
#ifndef SIGNET_BODY_CLAIMS_H
#define SIGNET_BODY_CLAIMS_H

#include "signer.pb-c.h"
#include "token_body.h"

void	body_claims(const struct token_body *, Signet__V1__Claims *);

#endif
