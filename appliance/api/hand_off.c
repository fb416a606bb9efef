/*
 * signet-api: a pool of workers for what would hold a connection thread
 * (a password's hash, the signer's round trip). libmicrohttpd's threads
 * each serve many connections, one request at a time: a request that
 * waits there makes every other connection of its thread wait too.
 */
#include <sys/resource.h>

#include <pthread.h>
#include <unistd.h>

#include "err.h"
#include "hand_off.h"
#include "log.h"

static struct hand_off *
next_job(struct hand_off_pool *p)
{
	struct hand_off	*j;

	pthread_mutex_lock(&p->mu);
	while (p->head == NULL && !p->stopping)
		pthread_cond_wait(&p->cv, &p->mu);
	if ((j = p->head) != NULL && (p->head = j->next) == NULL)
		p->tail = NULL;
	pthread_mutex_unlock(&p->mu);
	return j;
}

/* Drains the queue before it stops: every suspended connection resumed. */
static void *
work(void *arg)
{
	struct hand_off_pool	*p = arg;
	struct hand_off		*j;

	/* Linux: a thread's own nice value, the others' unchanged */
	if (p->nice != 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), p->nice);
	while ((j = next_job(p)) != NULL) {
		j->run(j);
		MHD_resume_connection(j->c);
	}
	return NULL;
}

int
hand_off_start(struct hand_off_pool *p, int n)
{
	if (n < 1)
		n = 1;
	if (n > HAND_OFF_WORKERS_MAX)
		n = HAND_OFF_WORKERS_MAX;
	p->stopping = 0;
	for (p->nworkers = 0; p->nworkers < n; p->nworkers++)
		if (pthread_create(&p->workers[p->nworkers], NULL, work,
		    p) != 0)
			break;
	if (p->nworkers < n)
		log_warn("%s: %d of %d workers", p->name, p->nworkers, n);
	return p->nworkers > 0 ? 0 : SIG_ERR_SYSTEM;
}

/* After it, hand_off_submit refuses and the callers work inline. */
void
hand_off_stop(struct hand_off_pool *p)
{
	int	 i;

	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	p->nworkers = 0;
}

/* 0: queued, the connection is the worker's to resume; else not. */
int
hand_off_submit(struct hand_off_pool *p, struct hand_off *j)
{
	int	 r = SIG_ERR_UNAVAILABLE;

	pthread_mutex_lock(&p->mu);
	if (!p->stopping && p->nworkers > 0) {
		j->next = NULL;
		if (p->tail != NULL)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		pthread_cond_signal(&p->cv);
		r = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return r;
}
