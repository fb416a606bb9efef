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
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "api.h"
#include "pw_pool.h"
#include "store.h"

#define PW_WORKERS_MAX	16
#define PW_NICE		10	/* a CFS weight a tenth of a connection's */

static struct hand_off_pool	 pool = HAND_OFF_POOL("password checks",
				    PW_NICE);

static void
check(struct hand_off *h)
{
	struct pw_job	*j = (struct pw_job *)h;

	j->ok = password_check(j->password, j->len, j->hash) == 0;
	OPENSSL_cleanse(j->password, j->len);
	j->done = 1;
	metrics_password_offloaded();
}

int
pw_pool_start(int n)
{
	return hand_off_start(&pool, n < PW_WORKERS_MAX ? n : PW_WORKERS_MAX);
}

/* After it, pw_submit refuses and the callers check inline. */
void
pw_pool_stop(void)
{
	hand_off_stop(&pool);
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
	j->h.c = c;
	j->h.run = check;
	strcpy(j->hash, hash);
	return j;
}

/* 0: queued, the connection is the worker's to resume; else not. */
int
pw_submit(struct pw_job *j)
{
	return hand_off_submit(&pool, &j->h);
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
