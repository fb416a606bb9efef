/*
 * signet-api: the store's answers that every token document repeats (the
 * catalog; a user's roles on a scope, a recursive query; the user and
 * its scope), kept while the store's epoch holds. Any write to the store
 * starts a new epoch, so an answer here is never older than the request
 * that reads it.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api.h"
#include "catalog_url.h"
#include "err.h"
#include "json_text.h"
#include "sha256.h"
#include "token_cache.h"

#define ROLE_SLOTS	1024
#define ROW_SLOTS	1024

/* A user (its hash left out) or a scope, or that there is none. */
struct row_slot {
	uint8_t			 key[SHA256_DIGEST_LENGTH];
	uint64_t		 epoch;
	int			 r;	/* 0 or SIG_ERR_KEY_NOT_FOUND */
	union {
		struct store_user	 u;
		struct store_scope	 sc;
	}			 v;
};

struct role_slot {
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	uint64_t	 epoch;
	json_t		*roles;
};

static struct role_slot	 slots[ROLE_SLOTS];
static struct row_slot	 rows[ROW_SLOTS];
static json_t		*catalog;
static uint64_t		 catalog_epoch;
static int		 catalog_subst;	/* catalog_has_subst of it */
static char		*catalog_text;	/* its compact JSON, once asked */
static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * Appends s and its NUL to buf (size cap, *n used), or fails. Not
 * snprintf: the keys are made on every request, and formatting cost as
 * much as hashing them.
 */
static int
key_add(char *buf, size_t cap, size_t *n, const char *s)
{
	size_t	 len = strlen(s) + 1;

	if (len > cap - *n)
		return -1;
	memcpy(buf + *n, s, len);
	*n += len;
	return 0;
}

static struct role_slot *
role_slot(const char *user, const char *type, const char *target,
    uint8_t *key)
{
	char		 buf[3 * (STORE_NAME_MAX + 1)];
	size_t		 n = 0;
	uint32_t	 h;

	/* NUL-separated: no two triples spell the same bytes */
	if (key_add(buf, sizeof(buf), &n, user) != 0 ||
	    key_add(buf, sizeof(buf), &n, type) != 0 ||
	    key_add(buf, sizeof(buf), &n, target) != 0)
		return NULL;
	sha256(buf, n, key);
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
	char		*old_text;

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
	old_text = catalog_text;
	catalog_text = NULL;
	pthread_mutex_unlock(&mu);
	json_decref(old);
	free(old_text);
	return cat;
}

/*
 * A copy of cat's compact text (free) when cat is the catalog held now,
 * rendered once for all the tokens that carry it; else NULL.
 */
char *
scache_catalog_text(const json_t *cat)
{
	char	*text = NULL;

	pthread_mutex_lock(&mu);
	if (cat == catalog && catalog != NULL) {
		if (catalog_text == NULL)
			catalog_text = json_text(catalog);
		if (catalog_text != NULL)
			text = strdup(catalog_text);
	}
	pthread_mutex_unlock(&mu);
	return text;
}

/* kind and up to three strings (NULL: none), NUL-separated, hashed */
static struct row_slot *
row_slot(char kind, const char *a, const char *b, const char *c,
    uint8_t *key)
{
	const char	*v[3] = { a, b, c };
	char		 buf[4 + 3 * (STORE_NAME_MAX + 2)];
	char		 tag[2] = "";
	size_t		 n = 0;
	uint32_t	 h;
	int		 i;

	buf[n++] = kind;
	for (i = 0; i < 3; i++) {
		tag[0] = v[i] != NULL ? 1 : 2;	/* NULL is not "" */
		if (key_add(buf, sizeof(buf), &n, tag) != 0 ||
		    key_add(buf, sizeof(buf), &n, v[i] ? v[i] : "") != 0)
			return NULL;
	}
	sha256(buf, n, key);
	memcpy(&h, key, sizeof(h));
	return &rows[h % ROW_SLOTS];
}

/* 1 and *out filled (size sz) when s holds this epoch's answer. */
static int
row_get(struct row_slot *s, const uint8_t *key, uint64_t ep, void *out,
    size_t sz, int *r)
{
	int	 hit;

	pthread_mutex_lock(&mu);
	hit = s->epoch == ep &&
	    CRYPTO_memcmp(s->key, key, SHA256_DIGEST_LENGTH) == 0;
	if (hit) {
		memcpy(out, &s->v, sz);
		*r = s->r;
	}
	pthread_mutex_unlock(&mu);
	return hit;
}

static void
row_put(struct row_slot *s, const uint8_t *key, uint64_t ep,
    const void *v, size_t sz, int r)
{
	if (r != 0 && r != SIG_ERR_KEY_NOT_FOUND)
		return;		/* the store could not say: ask again */
	pthread_mutex_lock(&mu);
	memcpy(s->key, key, SHA256_DIGEST_LENGTH);
	memcpy(&s->v, v, sz);
	s->epoch = ep;
	s->r = r;
	pthread_mutex_unlock(&mu);
}

/*
 * store_user_get by id, from this epoch's copy when there is one. The
 * copy has no hash: a password is checked against the store itself.
 */
int
scache_user(struct store *st, const char *id, struct store_user *u)
{
	struct row_slot	*s;
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	uint64_t	 ep = tcache_now();
	int		 r;

	if ((s = row_slot('u', id, NULL, NULL, key)) != NULL &&
	    row_get(s, key, ep, u, sizeof(*u), &r))
		return r;
	r = store_user_get(st, id, NULL, NULL, u);
	OPENSSL_cleanse(u->hash, sizeof(u->hash));
	if (s != NULL)
		row_put(s, key, ep, u, sizeof(*u), r);
	return r;
}

/* A project ('p': a, b, c as store_project_get takes them) or a domain
 * ('d': a, b as store_domain_get), from this epoch's copy if any. */
static int
scope_get(struct store *st, char kind, const char *a, const char *b,
    const char *c, struct store_scope *sc)
{
	struct row_slot	*s;
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	uint64_t	 ep = tcache_now();
	int		 r;

	if ((s = row_slot(kind, a, b, c, key)) != NULL &&
	    row_get(s, key, ep, sc, sizeof(*sc), &r))
		return r;
	r = kind == 'p' ? store_project_get(st, a, b, c, sc) :
	    store_domain_get(st, a, b, sc);
	if (s != NULL)
		row_put(s, key, ep, sc, sizeof(*sc), r);
	return r;
}

int
scache_project(struct store *st, const char *id_or_name,
    const char *dom_id, const char *dom_name, struct store_scope *sc)
{
	return scope_get(st, 'p', id_or_name, dom_id, dom_name, sc);
}

int
scache_domain(struct store *st, const char *id, const char *name,
    struct store_scope *sc)
{
	return scope_get(st, 'd', id, name, NULL, sc);
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
	free(catalog_text);
	catalog_text = NULL;
}
