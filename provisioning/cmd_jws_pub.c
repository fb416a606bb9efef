/*
 * signet-provision: JWS public keys to and from a Keystone repository
 * ([jwt_tokens] jws_public_key_repository: a folder of PEM public keys,
 * any names, every one tried). export-jws-public writes the token's own
 * public keys there, so a Keystone validates signet's tokens;
 * import-jws-public stores Keystone's in the token, so signet validates
 * what that Keystone minted. Every file is read and checked before the
 * first key is stored: a bad file changes nothing.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "jws_keys.h"
#include "log.h"
#include "prov.h"

#define IMPORT_MAX	32

/* Public keys are public: readable by the Keystone that loads them. */
static int
write_pub(const char *dir, const struct jws_key *k)
{
	const uint8_t	*der = k->spki;
	EVP_PKEY	*pk = d2i_PUBKEY(NULL, &der, JWS_SPKI_LEN);
	char		 path[4096], tmp[4200];
	FILE		*f = NULL;
	int		 ok = 0;

	snprintf(path, sizeof(path), "%s/signet-jws-%d.pem", dir, k->index);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (pk != NULL && (f = fopen(tmp, "w")) != NULL)
		ok = fchmod(fileno(f), 0644) == 0 && PEM_write_PUBKEY(f, pk);
	if (f == NULL || fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		log_err("%s: cannot write: %m", path);
		remove(tmp);
		EVP_PKEY_free(pk);
		return SIG_ERR_SYSTEM;
	}
	EVP_PKEY_free(pk);
	return 0;
}

int
cmd_export_jws_public(struct prov *p)
{
	struct jws_inv	 inv;
	size_t		 i, n = 0;
	int		 r;

	if ((r = jws_inv_load(p->s, &inv)) != 0)
		return r;
	if (mkdir(p->args[0], 0755) != 0 && errno != EEXIST) {
		log_err("%s: cannot make the folder: %m", p->args[0]);
		return SIG_ERR_SYSTEM;
	}
	for (i = 0; i < inv.n && r == 0; i++)
		if (!inv.keys[i].imported && (r = write_pub(p->args[0],
		    &inv.keys[i])) == 0)
			n++;
	if (r == 0 && n == 0) {
		log_err("the token holds no JWS keys: run jws-setup first");
		return SIG_ERR_KEY_NOT_FOUND;
	}
	if (r == 0)
		printf("wrote %zu JWS public keys to %s\n", n, p->args[0]);
	return r;
}

/* One file's key as P-256 SubjectPublicKeyInfo, or why not. */
static const char *
read_pub(const char *path, uint8_t *spki)
{
	FILE		*f;
	EVP_PKEY	*pk = NULL;
	uint8_t		*der = NULL;
	const uint8_t	*point;
	int		 n, ok;

	if ((f = fopen(path, "r")) == NULL)
		return "cannot be read";
	pk = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (pk == NULL)
		return "holds no PEM public key";
	n = i2d_PUBKEY(pk, &der);
	EVP_PKEY_free(pk);
	if ((ok = n == JWS_SPKI_LEN && jws_spki_point(der, n, &point) == 0))
		memcpy(spki, der, JWS_SPKI_LEN);
	OPENSSL_free(der);
	return ok ? NULL : "is not an ES256 (P-256) public key";
}

static int
known(const struct jws_inv *inv, const uint8_t *spki)
{
	size_t	 i;

	for (i = 0; i < inv->n; i++)
		if (memcmp(inv->keys[i].spki, spki, JWS_SPKI_LEN) == 0)
			return 1;
	return 0;
}

/* The same key in two files is stored once. */
static int
seen_before(uint8_t (*keys)[JWS_SPKI_LEN], size_t i)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (memcmp(keys[j], keys[i], JWS_SPKI_LEN) == 0)
			return 1;
	return 0;
}

/* Every regular file's key, checked; n: how many, none stored yet. */
static int
read_dir(const char *dir, uint8_t (*keys)[JWS_SPKI_LEN], size_t *n)
{
	struct dirent	**ents;
	struct stat	 st;
	char		 path[4096];
	const char	*why;
	int		 i, ne, r = 0;

	*n = 0;
	if ((ne = scandir(dir, &ents, NULL, alphasort)) < 0) {
		log_err("%s: cannot read the folder: %m", dir);
		return SIG_ERR_SYSTEM;
	}
	for (i = 0; i < ne; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (r != 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (*n == IMPORT_MAX) {
			log_err("%s: more than %d keys", dir, IMPORT_MAX);
			r = SIG_ERR_BAD_INPUT;
		} else if ((why = read_pub(path, keys[*n])) != NULL) {
			log_err("%s %s; nothing imported", path, why);
			r = SIG_ERR_BAD_INPUT;
		} else
			(*n)++;
	}
	for (i = 0; i < ne; i++)
		free(ents[i]);
	free(ents);
	if (r == 0 && *n == 0) {
		log_err("%s holds no public key", dir);
		r = SIG_ERR_BAD_INPUT;
	}
	return r;
}

int
cmd_import_jws_public(struct prov *p)
{
	uint8_t		 keys[IMPORT_MAX][JWS_SPKI_LEN], d[32];
	struct jws_inv	 inv;
	unsigned int	 dl;
	size_t		 n, i, added = 0;
	int		 r;

	if ((r = read_dir(p->args[0], keys, &n)) != 0 ||
	    (r = jws_inv_load(p->s, &inv)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		if (known(&inv, keys[i]) || seen_before(keys, i))
			continue;
		EVP_Digest(keys[i], JWS_SPKI_LEN, d, &dl, EVP_sha256(), NULL);
		if ((r = jws_pub_import(p->s, keys[i], d)) == 0)
			added++;
	}
	if (r == 0)
		printf("imported %zu JWS public keys (%zu already present)\n",
		    added, n - added);
	return r;
}
