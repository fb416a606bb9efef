/*
 * SHA-256 for the per-request cache keys. OpenSSL 3's SHA256() looks the
 * algorithm up in the provider store on every call, under a lock all
 * threads share; the algorithm is fetched here once instead.
 */
#include <pthread.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "sha256.h"

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static EVP_MD		*md;

static void
fetch(void)
{
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
sha256(const void *p, size_t n, uint8_t *out)
{
	pthread_once(&once, fetch);
	if (md == NULL || !EVP_Digest(p, n, out, NULL, md, NULL))
		SHA256(p, n, out);
}
