/*
 * signet-api: a request that waits on the signer (a token to issue) is
 * answered by a worker, its connection suspended meanwhile. On a
 * connection thread, that wait (a round trip, and a queue at the signer
 * under load) held every other connection of the thread: a validation
 * answered from the cache in a tenth of a millisecond waited behind a
 * re-scope for milliseconds. The worker runs the route's own code, with
 * the request's context and a store connection of its own; what it
 * queues is kept (http.c's api_capture) and queued by the connection's
 * thread when the handler runs again. The workers run at the connection
 * threads' priority: issuance is not to wait for the validations.
 */
#include <stdlib.h>

#include "answer_pool.h"
#include "hand_off.h"
#include "token_cache.h"

struct answer_job {
	struct hand_off		 h;	/* first: the pool's view of it */
	struct api		*a;
	struct api_req		*rq;
	json_t			*doc;
	answer_fn		 fn;
	struct api_answer	 an;
	enum MHD_Result		 ret;
	int			 done;
};

static struct hand_off_pool	 pool = HAND_OFF_POOL("signer calls", 0);

static void
make(struct hand_off *h)
{
	struct answer_job	*j = (struct answer_job *)h;

	reqctx_enter(j->rq);
	api_capture(&j->an);
	if (api_store(j->a) == NULL)
		j->ret = api_error(j->a, h->c, 503, "The identity store is "
		    "unavailable.");
	else {
		tcache_begin();
		j->ret = j->fn(j->a, h->c, j->rq, j->doc);
	}
	api_capture(NULL);
	reqctx_leave();
	json_decref(j->doc);
	j->doc = NULL;
	j->done = 1;
	metrics_answer_offloaded();
}

int
answer_pool_start(int n)
{
	return hand_off_start(&pool, n);
}

/* After it, answer_offload declines and the answers are made inline. */
void
answer_pool_stop(void)
{
	hand_off_stop(&pool);
}

/*
 * 1 when the connection is suspended until a worker has made the answer
 * (the handler then runs again: answer_resumed); 0 to make it here.
 */
int
answer_offload(struct api *a, struct MHD_Connection *c, struct api_req *rq,
    answer_fn fn, json_t *doc)
{
	struct answer_job	*j;

	/* a thread serving this connection alone holds nobody up */
	if (rq->answer_inline || guard_thread_conns() <= 1 ||
	    (j = calloc(1, sizeof(*j))) == NULL)
		return 0;
	j->h.c = c;
	j->h.run = make;
	j->a = a;
	j->rq = rq;
	j->fn = fn;
	j->doc = json_incref(doc);
	rq->answer = j;
	/* suspended before a worker can resume it */
	MHD_suspend_connection(c);
	if (hand_off_submit(&pool, &j->h) == 0)
		return 1;
	rq->answer = NULL;
	answer_job_free(j);
	rq->answer_inline = 1;	/* when it runs again */
	MHD_resume_connection(c);
	return 1;
}

/* The answer the worker made, queued on the connection's own thread. */
enum MHD_Result
answer_resumed(struct MHD_Connection *c, struct api_req *rq)
{
	struct answer_job	*j = rq->answer;
	enum MHD_Result		 ret = MHD_NO;

	if (!j->done)		/* not resumed by the worker: cannot be */
		return MHD_NO;
	if (j->an.r != NULL) {
		ret = j->ret == MHD_YES ?
		    MHD_queue_response(c, j->an.code, j->an.r) : MHD_NO;
		MHD_destroy_response(j->an.r);
		j->an.r = NULL;
	}
	return ret;
}

void
answer_job_free(struct answer_job *j)
{
	if (j == NULL)
		return;
	if (j->an.r != NULL)
		MHD_destroy_response(j->an.r);
	json_decref(j->doc);
	free(j);
}
