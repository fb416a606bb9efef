/*
 * The mechanisms signet uses with each kind of key it keeps in the token:
 * set as CKA_ALLOWED_MECHANISMS when a key is made, and what status holds
 * an existing key's list against.
 */
#ifndef SIGNET_KEY_POLICY_H
#define SIGNET_KEY_POLICY_H

#include "hsm.h"

/* CKA_EC_PARAMS of every EC key signet makes: prime256v1's OID */
extern const uint8_t	key_p256_params[10];

size_t	key_policy_mechs(CK_OBJECT_CLASS, CK_KEY_TYPE,
	    const CK_MECHANISM_TYPE **);

#endif
