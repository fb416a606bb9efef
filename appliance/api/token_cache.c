/*
 * signet-api: validated token documents, by the SHA-256 of the token and
 * the catalog flag, for at most [token] cache_time seconds. Any write to
 * the store (a revocation, a disabled user, a lost role: by this process,
 * another signet-api or signet-manage) moves the epoch and so empties the
 * cache: a connection kept for watching sees every commit (SQLite's WAL
 * commit counter, or data_version). Revocation stays visible on the next
 * request. The one exception is this process's own commits of UUID
 * tokens, which only add rows no cache reads.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api.h"
#include "sha256.h"
#include "token_cache.h"

#define TC_SHARDS	16
#define TC_SLOTS	512		/* per shard */
#define TC_WAYS		8		/* a key's set: TC_WAYS slots */
#define OWN_MAX		64		/* own commits not yet seen */

/* doc for a caller or a parent; text for a validation's answer */
struct tc_entry {
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	json_t		*doc;
	char		*text;
	char		 user[TC_USER_MAX + 1];
	int64_t		 expires_at;
	int64_t		 at;
	uint64_t	 epoch;
	int		 catalog;
};

struct tc_shard {
	pthread_mutex_t	 mu;
	struct tc_entry	 e[TC_SLOTS];
};

static struct tc_shard	 shards[TC_SHARDS];
static atomic_uint_fast64_t epoch = 1;
static int		 ttl;
static struct store	*watch;		/* never writes */
static pthread_mutex_t	 watch_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t		 seen_version = -1;
static int64_t		 own[OWN_MAX];	/* increasing, > seen_version */
static int		 own_n;
static __thread uint64_t current;	/* this request's epoch */

/* w: a connection of its own, for watching only; it stays the caller's. */
void
tcache_init(int cache_time, struct store *w)
{
	int	 i;

	ttl = cache_time;
	watch = w;
	for (i = 0; i < TC_SHARDS; i++)
		pthread_mutex_init(&shards[i].mu, NULL);
}

void
tcache_free(void)
{
	int	 i, j;

	for (i = 0; i < TC_SHARDS; i++)
		for (j = 0; j < TC_SLOTS; j++) {
			json_decref(shards[i].e[j].doc);
			free(shards[i].e[j].text);
			shards[i].e[j].doc = NULL;
			shards[i].e[j].text = NULL;
		}
}

/*
 * Under watch_mu: whether every commit from seen_version to v was one of
 * this process's token-only commits (tcache_own_commit), which change
 * nothing a cache holds. Each commit has a number of its own, so another
 * connection's commit is never taken for one of ours.
 */
static int
only_own(int64_t v)
{
	int	 i, m;

	if (seen_version < 0 || v <= seen_version ||
	    v - seen_version > own_n)
		return 0;
	for (i = 0; i < own_n && own[i] <= seen_version; i++)
		;
	for (m = 0; i + m < own_n && own[i + m] == seen_version + 1 + m; m++)
		;
	if (seen_version + m != v)
		return 0;
	own_n -= i + m;
	memmove(own, own + i + m, (size_t)own_n * sizeof(*own));
	return 1;
}

/*
 * At the start of every request: the epoch it works under. One connection
 * that never writes watches the file: its version moves with every
 * commit by any other connection, this process's threads included, so
 * no thread can miss a change made before its request began.
 */
void
tcache_begin(void)
{
	int64_t	 v;

	pthread_mutex_lock(&watch_mu);
	if (ttl <= 0 || watch == NULL || store_data_version(watch, &v) != 0) {
		atomic_fetch_add(&epoch, 1);	/* nothing cached is trusted */
		own_n = 0;
	} else if (v != seen_version) {
		if (!only_own(v)) {
			atomic_fetch_add(&epoch, 1);
			own_n = 0;
		}
		seen_version = v;
	}
	pthread_mutex_unlock(&watch_mu);
	current = atomic_load(&epoch);
}

/*
 * v: the version a commit of this process's gave the store, a commit
 * that only added tokens (uuid_batch.c). Recorded after the commit, so a
 * request that saw it first has already moved the epoch: that is safe.
 * Forgotten at the next epoch move, so a number is never kept past the
 * point where the counter could have been rebuilt.
 */
void
tcache_own_commit(int64_t v)
{
	pthread_mutex_lock(&watch_mu);
	if (v > seen_version && own_n < OWN_MAX &&
	    (own_n == 0 || v > own[own_n - 1]))
		own[own_n++] = v;
	pthread_mutex_unlock(&watch_mu);
}

/* Nothing cached until now is served again (keys_watch.c). */
void
tcache_drop(void)
{
	atomic_fetch_add(&epoch, 1);
}

uint64_t
tcache_now(void)
{
	return current;
}

/* Whether anything is kept across requests ([token] cache_time > 0). */
int
tcache_on(void)
{
	return ttl > 0 && watch != NULL;
}

/*
 * The first of the TC_WAYS slots of a key's set: set-associative, so two
 * tokens whose hashes meet do not evict each other (direct-mapped, this
 * size missed 136 of 1,000 live tokens validated a second time, tests/
 * integration/api-cache-sets.sh). Four ways missed up to 6 of them, in
 * more than half the runs: a set that five tokens share evicts each in
 * turn when they come back in the same order. Eight ways: none in 8.
 */
static struct tc_entry *
set_of(const char *tok, int catalog, uint8_t *key, struct tc_shard **shp)
{
	uint32_t	 h;

	sha256(tok, strlen(tok), key);
	memcpy(&h, key, sizeof(h));
	h += (uint32_t)catalog * TC_SHARDS;
	*shp = &shards[h % TC_SHARDS];
	return &(*shp)->e[(h / TC_SHARDS) % (TC_SLOTS / TC_WAYS) * TC_WAYS];
}

static int
used(const struct tc_entry *e)
{
	return e->doc != NULL || e->text != NULL;
}

static int
same_key(const struct tc_entry *e, const uint8_t *key, int catalog)
{
	return used(e) && e->catalog == catalog &&
	    CRYPTO_memcmp(e->key, key, SHA256_DIGEST_LENGTH) == 0;
}

/* Where a new entry goes: its own key's slot, a free or stale one, else
 * the least recently stored. */
static struct tc_entry *
victim(struct tc_entry *set, const uint8_t *key, int catalog, uint64_t ep,
    int64_t now)
{
	struct tc_entry	*v = set;
	int		 i;

	for (i = 0; i < TC_WAYS; i++)
		if (same_key(&set[i], key, catalog))
			return &set[i];
	for (i = 0; i < TC_WAYS; i++) {
		if (!used(&set[i]) || set[i].epoch != ep ||
		    now >= set[i].expires_at || now - set[i].at >= ttl)
			return &set[i];
		if (set[i].at < v->at)
			v = &set[i];
	}
	return v;
}

/* Under the shard's lock: the live entry for key, or NULL. */
static struct tc_entry *
live(struct tc_entry *e, const uint8_t *key, int catalog, uint64_t ep)
{
	int64_t	 now = time(NULL);
	int	 i;

	for (i = 0; i < TC_WAYS; i++, e++)
		if (same_key(e, key, catalog) && e->epoch == ep &&
		    now < e->expires_at && now - e->at < ttl)
			return e;
	return NULL;
}

/* What the live entry for tok holds of what is asked (docp, textp or
 * both); its user into user. 1 when anything was found. */
static int
lookup(const char *tok, int catalog, uint64_t ep, char *user,
    json_t **docp, char **textp)
{
	struct tc_shard	*sh;
	struct tc_entry	*e;
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	int		 hit = 0;

	if (ttl <= 0)
		return 0;
	e = set_of(tok, catalog, key, &sh);
	pthread_mutex_lock(&sh->mu);
	if ((e = live(e, key, catalog, ep)) != NULL) {
		if (docp != NULL && e->doc != NULL)
			hit = (*docp = json_incref(e->doc)) != NULL;
		if (textp != NULL && e->text != NULL)
			hit = (*textp = strdup(e->text)) != NULL;
		if (hit)
			memcpy(user, e->user, sizeof(e->user));
	}
	pthread_mutex_unlock(&sh->mu);
	metrics_cache(hit);
	return hit;
}

/* A reference to the cached document (json_decref), or NULL. */
json_t *
tcache_get(const char *tok, int catalog, uint64_t ep, char *user)
{
	json_t	*doc = NULL;

	(void)lookup(tok, catalog, ep, user, &doc, NULL);
	return doc;
}

/* A copy of the cached answer's text (free), or NULL. */
char *
tcache_get_text(const char *tok, int catalog, uint64_t ep, char *user)
{
	char	*text = NULL;

	(void)lookup(tok, catalog, ep, user, NULL, &text);
	return text;
}

/*
 * Keeps a reference to doc and a copy of text (either may be NULL), made
 * under epoch ep. An answer is kept as text: sending it again costs no
 * rendering, and dropping it one free.
 */
void
tcache_put(const char *tok, int catalog, uint64_t ep, json_t *doc,
    const char *text, const char *user, int64_t expires_at)
{
	struct tc_shard	*sh;
	struct tc_entry	*e;
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	json_t		*old;
	char		*copy = NULL, *old_text;

	if (ttl <= 0 || strlen(user) > TC_USER_MAX ||
	    (text != NULL && (copy = strdup(text)) == NULL) ||
	    (doc == NULL && copy == NULL))
		return;
	e = set_of(tok, catalog, key, &sh);
	pthread_mutex_lock(&sh->mu);
	e = victim(e, key, catalog, ep, time(NULL));
	old = e->doc;
	old_text = e->text;
	memcpy(e->key, key, sizeof(key));
	e->doc = json_incref(doc);
	e->text = copy;
	strcpy(e->user, user);
	e->expires_at = expires_at;
	e->at = time(NULL);
	e->epoch = ep;
	e->catalog = catalog;
	pthread_mutex_unlock(&sh->mu);
	json_decref(old);
	free(old_text);
}
