/*
 * The libp11 pkcs11 engine, for signerd and provision: OpenSSL EVP_PKEYs
 * whose private operations run inside the token. Load it once after
 * hsm_module_load and free it last: libp11 calls C_Finalize when it goes.
 */
#ifndef SIGNET_CMS_ENGINE_H
#define SIGNET_CMS_ENGINE_H

#include <openssl/evp.h>

#include "hsm.h"

struct cms_engine;

int	cms_engine_new(const char *, struct cms_engine **);
void	cms_engine_free(struct cms_engine *);
int	cms_engine_key(struct cms_engine *, const CK_TOKEN_INFO *,
	    const char *, int, EVP_PKEY **);

#endif
