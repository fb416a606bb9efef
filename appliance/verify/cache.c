/*
 * libsignet-verify: validated tokens by the SHA-256 of their text, at most
 * cache_size of them, each for at most cache_ttl seconds, oldest evicted
 * first. A hit still goes through expiry and revocation checks: the cache
 * only saves the signature check or the round trip (OSSN-0056).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "verify.h"

struct sv_entry {
	uint8_t		 key[32];
	struct sv_ident	*id;
	int64_t		 at;
	long		 next;		/* bucket chain, -1 ends */
};

struct sv_cache {
	pthread_mutex_t	 mu;
	struct sv_entry	*e;
	long		*heads;
	size_t		 cap, mask, ring;	/* ring: the next slot reused */
	int		 ttl;
};

struct sv_cache *
sv_cache_new(size_t cap, int ttl)
{
	struct sv_cache	*c = calloc(1, sizeof(*c));
	size_t		 nb = 16, i;

	if (c == NULL)
		return NULL;
	while (nb < cap)
		nb *= 2;
	c->cap = cap;
	c->mask = nb - 1;
	c->ttl = ttl;
	if ((c->e = calloc(cap, sizeof(*c->e))) == NULL ||
	    (c->heads = malloc(nb * sizeof(*c->heads))) == NULL) {
		sv_cache_free(c);
		return NULL;
	}
	for (i = 0; i < nb; i++)
		c->heads[i] = -1;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void
sv_cache_free(struct sv_cache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; c->e != NULL && i < c->cap; i++)
		sv_ident_put(c->e[i].id);
	free(c->e);
	free(c->heads);
	if (c->heads != NULL)
		pthread_mutex_destroy(&c->mu);
	free(c);
}

static size_t
bucket(const struct sv_cache *c, const uint8_t *key)
{
	uint64_t	 h;

	memcpy(&h, key, sizeof(h));	/* the key is a SHA-256 already */
	return (size_t)h & c->mask;
}

static long
find_locked(struct sv_cache *c, const uint8_t *key)
{
	long	 i;

	for (i = c->heads[bucket(c, key)]; i >= 0; i = c->e[i].next)
		if (c->e[i].id != NULL && CRYPTO_memcmp(c->e[i].key, key, 32) == 0)
			return i;
	return -1;
}

/* A reference the caller puts, or NULL. */
struct sv_ident *
sv_cache_get(struct sv_cache *c, const uint8_t *key)
{
	struct sv_ident	*id = NULL;
	long		 i;

	pthread_mutex_lock(&c->mu);
	if ((i = find_locked(c, key)) >= 0 &&
	    time(NULL) - c->e[i].at < c->ttl)
		id = sv_ident_ref(c->e[i].id);
	pthread_mutex_unlock(&c->mu);
	return id;
}

static void
unlink_locked(struct sv_cache *c, long i)
{
	long	*p = &c->heads[bucket(c, c->e[i].key)];

	while (*p >= 0 && *p != i)
		p = &c->e[*p].next;
	if (*p == i)
		*p = c->e[i].next;
	sv_ident_put(c->e[i].id);
	c->e[i].id = NULL;
}

/* Keeps its own reference to id. */
void
sv_cache_put(struct sv_cache *c, const uint8_t *key, struct sv_ident *id)
{
	long	 i;
	size_t	 b;

	pthread_mutex_lock(&c->mu);
	if ((i = find_locked(c, key)) >= 0)
		unlink_locked(c, i);
	i = (long)c->ring;
	c->ring = (c->ring + 1) % c->cap;
	if (c->e[i].id != NULL)
		unlink_locked(c, i);
	b = bucket(c, key);
	memcpy(c->e[i].key, key, 32);
	c->e[i].id = sv_ident_ref(id);
	c->e[i].at = time(NULL);
	c->e[i].next = c->heads[b];
	c->heads[b] = i;
	pthread_mutex_unlock(&c->mu);
}
