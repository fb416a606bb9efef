/*
 * signet-api: the store's answers that every token document repeats (the
 * catalog; a user's roles on a scope, a recursive query), kept while the
 * store's epoch holds. Any write to the store starts a new epoch, so an
 * answer here is never older than the request that reads it.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api.h"
#include "catalog_url.h"
#include "err.h"
#include "token_cache.h"

#define ROLE_SLOTS	1024

struct role_slot {
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	uint64_t	 epoch;
	json_t		*roles;
};

static struct role_slot	 slots[ROLE_SLOTS];
static json_t		*catalog;
static uint64_t		 catalog_epoch;
static int		 catalog_subst;	/* catalog_has_subst of it */
static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;

static struct role_slot *
role_slot(const char *user, const char *type, const char *target,
    uint8_t *key)
{
	char		 buf[3 * (STORE_NAME_MAX + 1)];
	int		 n;
	uint32_t	 h;

	/* NUL-separated: no two triples spell the same bytes */
	n = snprintf(buf, sizeof(buf), "%s%c%s%c%s", user, 0, type, 0,
	    target);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return NULL;
	SHA256((const uint8_t *)buf, (size_t)n, key);
	memcpy(&h, key, sizeof(h));
	return &slots[h % ROLE_SLOTS];
}

/* store_roles_json, answered from this epoch's copy when there is one. */
int
scache_roles(struct store *st, const char *user, const char *type,
    const char *target, json_t *arr)
{
	struct role_slot	*s;
	uint8_t			 key[SHA256_DIGEST_LENGTH];
	uint64_t		 ep = tcache_now();
	json_t			*got = NULL, *old = NULL, *fresh;
	int			 r;

	if ((s = role_slot(user, type, target, key)) == NULL)
		return store_roles_json(st, user, type, target, arr);
	pthread_mutex_lock(&mu);
	if (s->roles != NULL && s->epoch == ep &&
	    CRYPTO_memcmp(s->key, key, sizeof(key)) == 0)
		got = json_incref(s->roles);
	pthread_mutex_unlock(&mu);
	if (got != NULL) {
		r = json_array_extend(arr, got) == 0 ? 0 : SIG_ERR_NOMEM;
		json_decref(got);
		return r;
	}
	if ((fresh = json_array()) == NULL ||
	    (r = store_roles_json(st, user, type, target, fresh)) != 0) {
		json_decref(fresh);
		return fresh == NULL ? SIG_ERR_NOMEM : r;
	}
	pthread_mutex_lock(&mu);
	old = s->roles;
	memcpy(s->key, key, sizeof(key));
	s->roles = json_incref(fresh);
	s->epoch = ep;
	pthread_mutex_unlock(&mu);
	json_decref(old);
	r = json_array_extend(arr, fresh) == 0 ? 0 : SIG_ERR_NOMEM;
	json_decref(fresh);
	return r;
}

/*
 * A reference to this epoch's catalog (json_decref), or NULL; *subst:
 * whether a URL in it has a substitution (looked for once an epoch).
 */
json_t *
scache_catalog(struct store *st, int *subst)
{
	uint64_t	 ep = tcache_now();
	json_t		*cat = NULL, *old = NULL;

	pthread_mutex_lock(&mu);
	if (catalog != NULL && catalog_epoch == ep) {
		cat = json_incref(catalog);
		*subst = catalog_subst;
	}
	pthread_mutex_unlock(&mu);
	if (cat != NULL)
		return cat;
	if ((cat = json_array()) == NULL || store_catalog_json(st, cat) != 0) {
		json_decref(cat);
		return NULL;
	}
	*subst = catalog_has_subst(cat);
	pthread_mutex_lock(&mu);
	old = catalog;
	catalog = json_incref(cat);
	catalog_subst = *subst;
	catalog_epoch = ep;
	pthread_mutex_unlock(&mu);
	json_decref(old);
	return cat;
}

void
scache_free(void)
{
	size_t	 i;

	for (i = 0; i < ROLE_SLOTS; i++) {
		json_decref(slots[i].roles);
		slots[i].roles = NULL;
	}
	json_decref(catalog);
	catalog = NULL;
}
