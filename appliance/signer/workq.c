/*
 * signet-signerd: the bounded FIFO between connection threads and the
 * workers. A connection thread parses a request, queues it and waits for
 * its answer; [signer] workers threads, one per PKCS#11 session, take
 * requests in arrival order. A full queue answers BUSY at once rather than
 * letting waits grow without bound.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "signer.h"

struct workq {
	pthread_mutex_t	 mu;
	pthread_cond_t	 ready;
	struct job	*head, *tail;
	size_t		 n, max;
	int		 busy;		/* requests being served */
	int		 stop;
	pthread_t	*threads;
	int		 nthreads;
	struct signer	*sg;
};

/* Called with q->mu held, which it drops while the request runs. */
static void
serve_locked(struct workq *q, struct job *j)
{
	q->busy++;
	pthread_mutex_unlock(&q->mu);
	op_dispatch(q->sg, j->peer, j->req, j->resp, j->scratch, j->scratchsz);
	pthread_mutex_lock(&q->mu);
	q->busy--;
}

static void *
worker_run(void *arg)
{
	struct workq	*q = arg;
	struct job	*j;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->head == NULL && !q->stop)
			pthread_cond_wait(&q->ready, &q->mu);
		if ((j = q->head) == NULL) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		if ((q->head = j->next) == NULL)
			q->tail = NULL;
		q->n--;
		serve_locked(q, j);
		pthread_mutex_unlock(&q->mu);
		pthread_mutex_lock(&j->mu);
		j->done = 1;
		pthread_cond_signal(&j->cv);
		pthread_mutex_unlock(&j->mu);
	}
}

/* A thread with a SIGNER_STACK_SIZE stack. */
int
signer_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t	 a;
	int		 r;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, SIGNER_STACK_SIZE);
	r = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return r;
}

/* Caller owns *qp (workq_free). */
int
workq_new(struct signer *sg, int nthreads, size_t max, struct workq **qp)
{
	struct workq	*q;

	*qp = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->threads = calloc(nthreads, sizeof(pthread_t))) == NULL) {
		free(q);
		return SIG_ERR_NOMEM;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->ready, NULL);
	q->max = max;
	q->sg = sg;
	for (; q->nthreads < nthreads; q->nthreads++)
		if (signer_thread(&q->threads[q->nthreads], worker_run, q) != 0)
			break;
	*qp = q;
	return q->nthreads > 0 ? 0 : SIG_ERR_SYSTEM;
}

/* Workers finish what is queued, then stop. */
void
workq_free(struct workq *q)
{
	int	 i;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->ready);
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_cond_destroy(&q->ready);
	pthread_mutex_destroy(&q->mu);
	free(q->threads);
	free(q);
}

/*
 * Runs j and waits for it; SIG_ERR_BUSY when the queue is full. With
 * nothing queued and a worker's share of sessions free, the caller serves
 * j itself: no one is overtaken, and two thread switches are saved.
 */
int
workq_run(struct workq *q, struct job *j)
{
	j->done = 0;
	j->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->n == 0 && q->busy < q->nthreads && !q->stop) {
		serve_locked(q, j);
		if (q->head != NULL)
			pthread_cond_signal(&q->ready);
		pthread_mutex_unlock(&q->mu);
		return 0;
	}
	if (q->n >= q->max || q->stop) {
		pthread_mutex_unlock(&q->mu);
		return SIG_ERR_BUSY;
	}
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	q->n++;
	pthread_cond_signal(&q->ready);
	pthread_mutex_unlock(&q->mu);
	pthread_mutex_lock(&j->mu);
	while (!j->done)
		pthread_cond_wait(&j->cv, &j->mu);
	pthread_mutex_unlock(&j->mu);
	return 0;
}
