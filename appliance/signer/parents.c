/*
 * signet-signerd: parents recently opened for a re-scope, by the SHA-256
 * of the token. A service re-scoping one token many times costs one
 * unseal, not one per call. Only this process's own successful unseals go
 * in; an entry dies after PARENTS_TTL seconds or when the key inventory
 * is reloaded (a purged key must stop vouching for its tokens).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "sha256.h"
#include "signer.h"

#define PARENTS_SLOTS	1024
#define PARENTS_TTL	60

struct parent_slot {
	uint8_t			 key[SHA256_DIGEST_LENGTH];
	struct parent_seen	 p;
	unsigned int		 loads;
	int64_t			 at;
	int			 used;
};

static struct parent_slot	 slots[PARENTS_SLOTS];
static pthread_mutex_t		 mu = PTHREAD_MUTEX_INITIALIZER;

static struct parent_slot *
slot_of(const char *tok, uint8_t *key)
{
	uint32_t	 h;

	sha256(tok, strlen(tok), key);
	memcpy(&h, key, sizeof(h));
	return &slots[h % PARENTS_SLOTS];
}

/* 1 with *out filled when tok was opened under this inventory. */
int
parents_get(const char *tok, unsigned int loads, struct parent_seen *out)
{
	struct parent_slot	*s;
	uint8_t			 key[SHA256_DIGEST_LENGTH];
	int			 hit;

	s = slot_of(tok, key);
	pthread_mutex_lock(&mu);
	hit = s->used && s->loads == loads &&
	    time(NULL) - s->at < PARENTS_TTL &&
	    CRYPTO_memcmp(s->key, key, sizeof(key)) == 0;
	if (hit)
		*out = s->p;
	pthread_mutex_unlock(&mu);
	return hit;
}

/* Remembers what c says of tok, and gives it back in *out. */
/* One digest for a token's identity provider, protocol and groups, in
 * order: a federated token's child carries them unchanged. -1 when it
 * cannot be made (out then matches nothing made). */
int
parents_federation(const struct claims *c, uint8_t out[32])
{
	EVP_MD_CTX	*h = EVP_MD_CTX_new();
	size_t		 i;
	int		 ok;

	ok = h != NULL && EVP_DigestInit_ex(h, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(h, c->idp_id, strlen(c->idp_id) + 1) &&
	    EVP_DigestUpdate(h, c->protocol_id, strlen(c->protocol_id) + 1);
	for (i = 0; ok && i < c->n_groups; i++)
		ok = EVP_DigestUpdate(h, c->group_ids[i],
		    strlen(c->group_ids[i]) + 1);
	if (!ok || !EVP_DigestFinal_ex(h, out, NULL)) {
		memset(out, 0xff, 32);
		ok = 0;
	}
	EVP_MD_CTX_free(h);
	return ok ? 0 : -1;
}

void
parents_put(const char *tok, unsigned int loads, const struct claims *c,
    struct parent_seen *out)
{
	struct parent_slot	*s;
	uint8_t			 key[SHA256_DIGEST_LENGTH];

	memcpy(out->user_id, c->user_id, sizeof(out->user_id));
	memcpy(out->chain, c->audit[c->n_audit - 1], CLAIMS_AUDIT_LEN);
	out->expires_at = c->expires_at;
	out->federated = c->idp_id[0] != '\0';
	parents_federation(c, out->federation);
	s = slot_of(tok, key);
	pthread_mutex_lock(&mu);
	memcpy(s->key, key, sizeof(key));
	s->p = *out;
	s->loads = loads;
	s->at = time(NULL);
	s->used = 1;
	pthread_mutex_unlock(&mu);
}
