/*
 * signet-api and signet-manage: password hashes as Keystone writes them by
 * default (bcrypt "$2b$", 12 rounds) through libcrypt, which also checks
 * every other crypt(3) scheme Keystone may have written (sha512_crypt).
 * Passwords longer than Keystone's 4096-byte cap never reach crypt().
 * A hash taken from elsewhere (signet-manage import-keystone) is kept
 * only when crypt() can check it.
 */
#include <crypt.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "err.h"
#include "store.h"

#define BCRYPT_ROUNDS	12

int
password_hash(const char *pw, size_t len, char *out, size_t outsz)
{
	struct crypt_data	*cd;
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	unsigned char		 rnd[16];
	const char		*h;
	int			 r = SIG_ERR_CRYPTO;

	if (len == 0 || len > STORE_PASSWORD_MAX || memchr(pw, '\0', len))
		return SIG_ERR_BAD_INPUT;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    crypt_gensalt_rn("$2b$", BCRYPT_ROUNDS, (const char *)rnd,
	    sizeof(rnd), salt, sizeof(salt)) == NULL ||
	    (cd = OPENSSL_zalloc(sizeof(*cd))) == NULL)
		return r;
	h = crypt_r(pw, salt, cd);
	if (h != NULL && h[0] == '$' && strlen(h) < outsz) {
		strcpy(out, h);
		r = 0;
	}
	OPENSSL_clear_free(cd, sizeof(*cd));
	return r;
}

/* 0 when pw matches hash; the comparison is constant-time. */
int
password_check(const char *pw, size_t len, const char *hash)
{
	struct crypt_data	*cd;
	const char		*h;
	int			 ok = 0;

	if (len == 0 || len > STORE_PASSWORD_MAX || memchr(pw, '\0', len) ||
	    hash == NULL || hash[0] != '$' ||
	    (cd = OPENSSL_zalloc(sizeof(*cd))) == NULL)
		return SIG_ERR_BAD_INPUT;
	h = crypt_r(pw, hash, cd);
	ok = h != NULL && h[0] == '$' && strlen(h) == strlen(hash) &&
	    CRYPTO_memcmp(h, hash, strlen(hash)) == 0;
	OPENSSL_clear_free(cd, sizeof(*cd));
	return ok ? 0 : SIG_ERR_BAD_INPUT;
}

/*
 * 1 when hash is one password_check can check: bcrypt ($2a$, $2b$, $2y$;
 * 60 characters) or sha512_crypt ($6$), as crypt(3) knows them. hash is a
 * secret: it never reaches a log.
 */
int
password_hash_ok(const char *hash)
{
	static const char *const ok[] = { "$2a$", "$2b$", "$2y$", "$6$" };
	size_t	 i, len = strlen(hash);

	if (len >= 256 || strspn(hash, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$./=") != len ||
	    crypt_checksalt(hash) != CRYPT_SALT_OK)
		return 0;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncmp(hash, ok[i], strlen(ok[i])) == 0)	/* not secret */
			return i == 3 || len == 60;
	return 0;
}
