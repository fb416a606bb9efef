/*
 * signet-api: a store connection per thread. SQLite connections are opened
 * without their own mutex, so no thread ever waits for another's query;
 * each keeps its prepared statements. Connection threads come and go: a
 * thread's store goes back to a free list when it ends, for the next.
 */
#include <pthread.h>
#include <stdlib.h>

#include "api.h"
#include "err.h"
#include "log.h"

static __thread struct store	*mine;
static pthread_key_t		 owner;	/* its destructor frees the store */
static pthread_once_t		 once = PTHREAD_ONCE_INIT;
static struct api		*the_api;

/* The thread ends: its store is free for another. */
static void
give_back(void *v)
{
	struct api	*a = the_api;

	pthread_mutex_lock(&a->stores_mu);
	a->free_stores[a->nfree++] = v;
	pthread_mutex_unlock(&a->stores_mu);
}

static void
key_init(void)
{
	(void)pthread_key_create(&owner, give_back);
}

/* NULL when the store cannot be opened (the caller answers 503). */
struct store *
api_store(struct api *a)
{
	struct store	*st = NULL;

	if (mine != NULL)
		return mine;
	pthread_once(&once, key_init);
	pthread_mutex_lock(&a->stores_mu);
	the_api = a;
	if (a->nfree > 0)
		st = a->free_stores[--a->nfree];
	else if (a->nstores < API_STORES_MAX && store_open(a->db, 0,
	    &st) == 0)
		a->stores[a->nstores++] = st;
	pthread_mutex_unlock(&a->stores_mu);
	if (st == NULL || pthread_setspecific(owner, st) != 0) {
		if (st != NULL)
			give_back(st);
		log_err("store: this thread cannot open %s", a->db);
		return NULL;
	}
	mine = st;
	return mine;
}

void
api_stores_close(struct api *a)
{
	int	 i;

	for (i = 0; i < a->nstores; i++)
		store_close(a->stores[i]);
	a->nstores = 0;
	a->nfree = 0;
}
