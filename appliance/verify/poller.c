/*
 * libsignet-verify: one background thread per verifier polls the
 * revocation list every revocation_poll seconds and the certificates every
 * cert_refresh seconds, so verify() never waits on the network for PKI.
 */
#include <errno.h>
#include <time.h>

#include "verify.h"

static void
deadline(struct timespec *ts, int secs)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += secs;
}

static void *
poll_loop(void *arg)
{
	struct signet_verifier	*v = arg;
	struct timespec		 ts;
	int64_t			 certs_at = time(NULL), now;
	int64_t			 jwks_at = certs_at;

	pthread_mutex_lock(&v->mu);
	while (!v->stop) {
		deadline(&ts, v->cf.revocation_poll);
		while (!v->stop && pthread_cond_timedwait(&v->cv, &v->mu,
		    &ts) != ETIMEDOUT)
			;
		if (v->stop)
			break;
		pthread_mutex_unlock(&v->mu);
		now = time(NULL);
		if (now - certs_at >= v->cf.cert_refresh &&
		    sv_certs_fetch(v) == 0)
			certs_at = now;
		if (now - jwks_at >= v->cf.cert_refresh &&
		    sv_jwks_fetch(v) == 0)
			jwks_at = now;
		sv_list_fetch(v);
		pthread_mutex_lock(&v->mu);
	}
	pthread_mutex_unlock(&v->mu);
	return NULL;
}

int
sv_poller_start(struct signet_verifier *v)
{
	pthread_condattr_t	 ca;
	int			 r;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	r = pthread_cond_init(&v->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (r != 0 || pthread_create(&v->poller, NULL, poll_loop, v) != 0)
		return -1;
	v->polling = 1;
	return 0;
}

void
sv_poller_stop(struct signet_verifier *v)
{
	if (!v->polling)
		return;
	pthread_mutex_lock(&v->mu);
	v->stop = 1;
	pthread_cond_broadcast(&v->cv);
	pthread_mutex_unlock(&v->mu);
	pthread_join(v->poller, NULL);
	pthread_cond_destroy(&v->cv);
	v->polling = 0;
}
