/*
 * signet-api: the store's revocation events in memory, per store epoch,
 * while there are few of them: a token's check is then two binary
 * searches, not a query with its read transaction (a tenth of a
 * first-sight validation). Any write to the store starts a new epoch, so
 * the copy is never older than the request that reads it. With more than
 * REV_MAX events, or the cache off, each check is the query, as before.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "token_cache.h"

#define REV_MAX	2048	/* events kept in memory, at most */

struct rev_user {
	char	*id;
	int64_t	 issued_before;	/* the latest of its events */
};

struct revset {
	uint64_t	 epoch;
	int		 too_many;
	char		**audit;	/* sorted */
	size_t		 na;
	struct rev_user	*users;		/* sorted by id, each once */
	size_t		 nu;
};

static struct revset	*cur;
static pthread_rwlock_t	 lock = PTHREAD_RWLOCK_INITIALIZER;

static void
revset_free(struct revset *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->na; i++)
		free(rs->audit[i]);
	for (i = 0; i < rs->nu; i++)
		free(rs->users[i].id);
	free(rs->audit);
	free(rs->users);
	free(rs);
}

/* store_revocations_each's fn: one event into the arrays, unsorted. */
static int
add(void *arg, const char *audit, const char *user, int64_t ib)
{
	struct revset	*rs = arg;

	if (audit != NULL && (rs->audit[rs->na] = strdup(audit)) == NULL)
		return -1;
	rs->na += audit != NULL;
	if (user != NULL && ib != INT64_MIN) {
		if ((rs->users[rs->nu].id = strdup(user)) == NULL)
			return -1;
		rs->users[rs->nu++].issued_before = ib;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct rev_user *)a)->id,
	    ((const struct rev_user *)b)->id);
}

/* Sorted, each user once with its latest time. */
static void
settle(struct revset *rs)
{
	size_t	 i, n = 0;

	qsort(rs->audit, rs->na, sizeof(*rs->audit), cmp_str);
	qsort(rs->users, rs->nu, sizeof(*rs->users), cmp_user);
	for (i = 0; i < rs->nu; i++) {
		if (n > 0 && strcmp(rs->users[n - 1].id, rs->users[i].id) ==
		    0) {
			if (rs->users[i].issued_before >
			    rs->users[n - 1].issued_before)
				rs->users[n - 1].issued_before =
				    rs->users[i].issued_before;
			free(rs->users[i].id);
		} else
			rs->users[n++] = rs->users[i];
	}
	rs->nu = n;
}

/* This epoch's copy, read from the store; NULL when it could not be. */
static struct revset *
load(struct store *st, uint64_t ep)
{
	struct revset	*rs;
	int		 r;

	if ((rs = calloc(1, sizeof(*rs))) == NULL ||
	    (rs->audit = calloc(REV_MAX, sizeof(*rs->audit))) == NULL ||
	    (rs->users = calloc(REV_MAX, sizeof(*rs->users))) == NULL) {
		revset_free(rs);
		return NULL;
	}
	rs->epoch = ep;
	if ((r = store_revocations_each(st, REV_MAX, add, rs)) < 0) {
		revset_free(rs);
		return NULL;
	}
	rs->too_many = r > 0;
	settle(rs);
	return rs;
}

/* Under lock: 1 revoked, 0 not, as store_is_revoked. */
static int
revoked_in(const struct revset *rs, char **ids, size_t n, const char *user,
    int64_t issued_at)
{
	struct rev_user	 key = { (char *)(uintptr_t)user, 0 }, *u;
	size_t		 i;

	for (i = 0; i < n && i < 2; i++)
		if (bsearch(&ids[i], rs->audit, rs->na, sizeof(*rs->audit),
		    cmp_str) != NULL)
			return 1;
	u = bsearch(&key, rs->users, rs->nu, sizeof(*rs->users), cmp_user);
	return u != NULL && u->issued_before >= issued_at;
}

/*
 * By the token's own audit id or its chain's, or an event for its user at
 * or after its issue: 1 revoked, 0 not, < 0 the store could not say.
 */
int
scache_revoked(struct store *st, char **ids, size_t n, const char *user,
    int64_t issued_at)
{
	uint64_t	 ep = tcache_now();
	struct revset	*rs, *old = NULL;
	int		 r = -1;

	if (n == 0)
		return 1;
	if (!tcache_on())
		return store_is_revoked(st, ids, n, user, issued_at);
	pthread_rwlock_rdlock(&lock);
	if (cur != NULL && cur->epoch == ep && !cur->too_many)
		r = revoked_in(cur, ids, n, user, issued_at);
	else if (cur != NULL && cur->epoch == ep)
		r = 2;
	pthread_rwlock_unlock(&lock);
	if (r == 2)
		return store_is_revoked(st, ids, n, user, issued_at);
	if (r >= 0)
		return r;
	if ((rs = load(st, ep)) == NULL)
		return store_is_revoked(st, ids, n, user, issued_at);
	r = rs->too_many ? 2 : revoked_in(rs, ids, n, user, issued_at);
	pthread_rwlock_wrlock(&lock);
	if (cur == NULL || cur->epoch < ep) {
		old = cur;
		cur = rs;
		rs = NULL;
	}
	pthread_rwlock_unlock(&lock);
	revset_free(old);
	revset_free(rs);
	return r == 2 ? store_is_revoked(st, ids, n, user, issued_at) : r;
}

void
scache_revoked_free(void)
{
	pthread_rwlock_wrlock(&lock);
	revset_free(cur);
	cur = NULL;
	pthread_rwlock_unlock(&lock);
}
