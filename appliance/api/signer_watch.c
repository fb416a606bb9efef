/*
 * signet-api: with several signers, one presumed down is tried from here
 * (a Health call every API_PROBE_MS, on a connection of its own) while
 * the others serve, so that a frozen signer costs a request one deadline
 * once, not once per probe. When every signer is down, requests probe
 * too (signer_client.c), as with a single signer.
 */
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "err.h"
#include "monotime.h"

#define API_WATCH_NAP_MS	50	/* how soon a stop is seen */

static int
watch_stopping(struct api *a)
{
	int	 stop;

	pthread_mutex_lock(&a->mu);
	stop = a->watch_stop;
	pthread_mutex_unlock(&a->mu);
	return stop;
}

/* One Health call to signer s, if it is down; its outcome recorded. */
static void
watch_one(struct api *a, int s)
{
	Signet__V1__Response	*resp = NULL;
	struct sigc_via		 v = sigc_via_conn(a->watch_conns[s]);
	int			 down, r;

	pthread_mutex_lock(&a->mu);
	down = a->signers[s].down && !a->signer_waiting;
	pthread_mutex_unlock(&a->mu);
	if (!down)
		return;
	r = sigc_health(&v, &resp);
	sigc_response_free(resp);
	pthread_mutex_lock(&a->mu);
	api_signer_outcome_locked(a, s, 0, r == 0 ? 0 : SIG_ERR_UNAVAILABLE);
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void *
watch_run(void *arg)
{
	struct api	*a = arg;
	long		 next = mono_ms();
	int		 s;

	while (!watch_stopping(a)) {
		if (mono_ms() < next) {
			usleep(API_WATCH_NAP_MS * 1000);
			continue;
		}
		for (s = 0; s < a->nsigners && !watch_stopping(a); s++)
			watch_one(a, s);
		next = mono_ms() + API_PROBE_MS;
	}
	return NULL;
}

int
api_watch_start(struct api *a)
{
	struct sigc_opts	 o;
	int			 s, r;

	sigc_opts_config(a->cf, API_CALL_TIMEOUT_MS, &o);
	o.once = 1;
	for (s = 0; s < a->nsigners; s++) {
		o.endpoints = a->signers[s].at;
		if ((r = sigc_new(&o, &a->watch_conns[s])) != 0)
			return r;
	}
	if (pthread_create(&a->watch, NULL, watch_run, a) != 0)
		return SIG_ERR_SYSTEM;
	a->watch_started = 1;
	return 0;
}

void
api_watch_stop(struct api *a)
{
	int	 s;

	if (a->watch_started) {
		pthread_mutex_lock(&a->mu);
		a->watch_stop = 1;
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->watch, NULL);
		a->watch_started = 0;
	}
	for (s = 0; s < a->nsigners; s++) {
		sigc_close(a->watch_conns[s]);
		a->watch_conns[s] = NULL;
	}
}
