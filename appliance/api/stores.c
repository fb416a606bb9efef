/*
 * signet-api: a store connection per thread. SQLite connections are opened
 * without their own mutex, so no thread ever waits for another's query;
 * each keeps its prepared statements.
 */
#include <stdlib.h>

#include "api.h"
#include "err.h"
#include "log.h"

static __thread struct store	*mine;

/* NULL when the store cannot be opened (the caller answers 503). */
struct store *
api_store(struct api *a)
{
	struct store	*st;

	if (mine != NULL)
		return mine;
	pthread_mutex_lock(&a->stores_mu);
	if (a->nstores < API_STORES_MAX &&
	    store_open(a->db, STORE_LAZY, &st) == 0) {
		a->stores[a->nstores++] = st;
		mine = st;
	}
	pthread_mutex_unlock(&a->stores_mu);
	if (mine == NULL)
		log_err("store: this thread cannot open the database");
	return mine;
}

void
api_stores_close(struct api *a)
{
	int	 i;

	for (i = 0; i < a->nstores; i++)
		store_close(a->stores[i]);
	a->nstores = 0;
}
