/*
 * signet-api: password checks (bcrypt at Keystone's cost: a quarter of a
 * second of CPU) off the connection threads. A login's connection is
 * suspended while a worker checks its password and resumed with the
 * answer, so the thread that read it serves its other connections
 * meanwhile, and a burst of logins takes the workers (one per CPU), not
 * every connection thread: validations keep their threads. The workers
 * run niced, so a validation that wakes takes the CPU from a hash at
 * once: logins have what the validations leave, not the other way round.
 */
#include <sys/resource.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "api.h"
#include "err.h"
#include "log.h"
#include "pw_pool.h"
#include "store.h"

#define PW_WORKERS_MAX	16
#define PW_NICE		10	/* a CFS weight a tenth of a connection's */

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 cv = PTHREAD_COND_INITIALIZER;
static pthread_t	 workers[PW_WORKERS_MAX];
static int		 nworkers, stopping;
static struct pw_job	*head, *tail;

static struct pw_job *
next_job(void)
{
	struct pw_job	*j;

	pthread_mutex_lock(&mu);
	while (head == NULL && !stopping)
		pthread_cond_wait(&cv, &mu);
	if ((j = head) != NULL && (head = j->next) == NULL)
		tail = NULL;
	pthread_mutex_unlock(&mu);
	return j;
}

/* Drains the queue before it stops: every suspended login is resumed. */
static void *
work(void *arg)
{
	struct pw_job	*j;

	(void)arg;
	/* Linux: a thread's own nice value, the others' unchanged */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), PW_NICE);
	while ((j = next_job()) != NULL) {
		j->ok = password_check(j->password, j->len, j->hash) == 0;
		OPENSSL_cleanse(j->password, j->len);
		j->done = 1;
		metrics_password_offloaded();
		MHD_resume_connection(j->c);
	}
	return NULL;
}

int
pw_pool_start(int n)
{
	if (n < 1)
		n = 1;
	if (n > PW_WORKERS_MAX)
		n = PW_WORKERS_MAX;
	for (nworkers = 0; nworkers < n; nworkers++)
		if (pthread_create(&workers[nworkers], NULL, work, NULL) != 0)
			return nworkers > 0 ? 0 : SIG_ERR_SYSTEM;
	return 0;
}

/* After it, pw_submit refuses and the callers check inline. */
void
pw_pool_stop(void)
{
	int	 i;

	pthread_mutex_lock(&mu);
	stopping = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	nworkers = 0;
}

struct pw_job *
pw_job_new(struct MHD_Connection *c, const char *pw, size_t len,
    const char *hash)
{
	struct pw_job	*j;

	if (strlen(hash) >= sizeof(j->hash) ||
	    (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if ((j->password = malloc(len + 1)) == NULL) {
		free(j);
		return NULL;
	}
	memcpy(j->password, pw, len);
	j->password[len] = '\0';
	j->len = len;
	j->c = c;
	strcpy(j->hash, hash);
	return j;
}

/* 0: queued, the connection is the worker's to resume; else not. */
int
pw_submit(struct pw_job *j)
{
	int	 r = SIG_ERR_UNAVAILABLE;

	pthread_mutex_lock(&mu);
	if (!stopping && nworkers > 0) {
		j->next = NULL;
		if (tail != NULL)
			tail->next = j;
		else
			head = j;
		tail = j;
		pthread_cond_signal(&cv);
		r = 0;
	}
	pthread_mutex_unlock(&mu);
	return r;
}

void
pw_job_free(struct pw_job *j)
{
	if (j == NULL)
		return;
	OPENSSL_clear_free(j->password, j->len + 1);
	OPENSSL_cleanse(j->hash, sizeof(j->hash));
	free(j);
}
