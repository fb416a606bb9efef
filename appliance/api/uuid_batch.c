/*
 * signet-api: UUID token documents committed in groups. A request adds
 * its document and waits; whichever waiting request finds no commit under
 * way takes every document waiting and commits them in one transaction,
 * so N concurrent issuances cost one WAL sync, not N. Each request still
 * answers only once its own document is committed. Such a commit does not
 * empty the caches: it adds tokens, and changes nothing they hold.
 */
#include <pthread.h>
#include <stdlib.h>

#include "err.h"
#include "provider.h"
#include "token_cache.h"

#define BATCH_MAX	256

struct waiter {
	struct store_uuid	 doc;
	int			 done;
	int			 r;
	struct waiter		*next;
};

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 cv = PTHREAD_COND_INITIALIZER;
static struct waiter	*queue, **tail = &queue;
static int		 committing;

/* Under mu: up to BATCH_MAX waiters off the queue, in order. */
static struct waiter *
take(struct store_uuid *docs, size_t *n)
{
	struct waiter	*w, *batch = queue;

	for (*n = 0, w = queue; w != NULL && *n < BATCH_MAX; w = w->next)
		docs[(*n)++] = w->doc;
	queue = w;
	if (queue == NULL)
		tail = &queue;
	return batch;
}

/* Commits what is waiting, this request's document among it. */
static void
lead(struct store *st, int64_t keep)
{
	static __thread struct store_uuid docs[BATCH_MAX];
	struct waiter	*w, *batch;
	size_t		 i, n;
	int64_t		 version = -1;
	int		 r;

	batch = take(docs, &n);
	committing = 1;
	pthread_mutex_unlock(&mu);
	r = st != NULL ? store_uuid_put(st, docs, n, keep, &version) :
	    SIG_ERR_UNAVAILABLE;
	if (r == 0)
		metrics_uuid_commit(n);
	if (r == 0 && version >= 0)
		tcache_own_commit(version);
	pthread_mutex_lock(&mu);
	for (i = 0, w = batch; i < n; i++, w = w->next) {
		w->r = r;
		w->done = 1;
	}
	committing = 0;
	pthread_cond_broadcast(&cv);
}

int
uuid_batch_put(struct api *a, const struct store_uuid *doc)
{
	struct waiter	 me = { *doc, 0, 0, NULL };

	pthread_mutex_lock(&mu);
	*tail = &me;
	tail = &me.next;
	while (!me.done) {
		if (!committing)
			lead(api_store(a), a->cf->token_allow_expired_window);
		else
			pthread_cond_wait(&cv, &mu);
	}
	pthread_mutex_unlock(&mu);
	return me.r;
}
