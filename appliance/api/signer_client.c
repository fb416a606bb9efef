/*
 * signet-api: a fixed pool of connections to the signer, one caller per
 * connection at a time (the client library is not shared across threads).
 */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "err.h"
#include "log.h"
#include "monotime.h"

/* The request this thread serves: the signer audits the call under its
 * id, so one token's path can be followed end to end. */
static void
tag(Signet__V1__Request *req)
{
	const char	*id = api_request_id();

	if (id != NULL)
		req->request_id = (char *)(uintptr_t)id;
}

static void
counted(const Signet__V1__Request *req, int r,
    const Signet__V1__Response *resp, double t0)
{
	metrics_signer_call((int)req->call_case, r != 0, r == 0 &&
	    resp->status != SIGNET__V1__STATUS__STATUS_OK, mono_now() - t0);
}

/* The lists' dispatch: one list at a time, on its own connection. */
static int
list_call(void *arg, Signet__V1__Request *req, Signet__V1__Response **respp)
{
	struct api	*a = arg;
	double		 t0 = mono_now();
	int		 r;

	tag(req);
	pthread_mutex_lock(&a->list_mu);
	r = sigc_call(a->list_conn, req, respp);
	pthread_mutex_unlock(&a->list_mu);
	counted(req, r, *respp, t0);
	return r;
}

/*
 * A signer that missed a deadline (frozen, killed, restarting) is presumed
 * down: every call fails at once, and one call every API_PROBE_MS tries
 * it, so a request waits at most one deadline, not one per queued call.
 * A signer not yet reached since start is tried by signer_link.c alone.
 * Called under a->mu; 1 when this call may go to the signer.
 */
static int
signer_admit(struct api *a, int *probe)
{
	long	 now;

	*probe = 0;
	if (!a->signer_down)
		return 1;
	now = mono_ms();
	if (a->signer_waiting || a->probing || now < a->probe_at)
		return 0;
	a->probing = *probe = 1;
	return 1;
}

static void
signer_outcome(struct api *a, int probe, int r)
{
	if (r == SIG_ERR_UNAVAILABLE) {
		if (!a->signer_down) {
			log_warn("the signer does not answer; failing calls "
			    "until it does");
			a->signer_down = 1;
			metrics_breaker_trip();
			api_notify_status_locked(a);
		}
		a->probe_at = mono_ms() + API_PROBE_MS;
	} else if (r == 0 && a->signer_down) {
		log_info("the signer answers again");
		a->signer_down = 0;
		api_notify_status_locked(a);
	}
	if (probe)
		a->probing = 0;
}

/* The typed calls' dispatch: a free connection of the pool, unless the
 * signer is presumed down. */
static int
pool_call(void *arg, Signet__V1__Request *req, Signet__V1__Response **respp)
{
	struct api	*a = arg;
	double		 t0 = mono_now();
	int		 i, r, probe;

	*respp = NULL;
	tag(req);
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (!signer_admit(a, &probe)) {
			pthread_mutex_unlock(&a->mu);
			counted(req, SIG_ERR_UNAVAILABLE, NULL, t0);
			return SIG_ERR_UNAVAILABLE;
		}
		for (i = 0; i < API_SIGNER_CONNS && a->busy[i]; i++)
			;
		if (i < API_SIGNER_CONNS)
			break;
		if (probe)
			a->probing = 0;
		pthread_cond_wait(&a->cv, &a->mu);
	}
	a->busy[i] = 1;
	pthread_mutex_unlock(&a->mu);
	r = sigc_call(a->conns[i], req, respp);
	pthread_mutex_lock(&a->mu);
	a->busy[i] = 0;
	signer_outcome(a, probe, r);
	if (a->signer_down)	/* every waiter gives up now */
		pthread_cond_broadcast(&a->cv);
	else
		pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	counted(req, r, *respp, t0);
	return r;
}

/* Connections are made at their first call; the signer may come later. */
int
api_signer_open(struct api *a)
{
	struct sigc_opts	 o;
	int			 i, r;

	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	pthread_mutex_init(&a->list_mu, NULL);
	sigc_opts_config(a->cf, API_CALL_TIMEOUT_MS, &o);
	for (i = 0; i < API_SIGNER_CONNS; i++)
		if ((r = sigc_new(&o, &a->conns[i])) != 0)
			return r;
	/* revocation lists: megabytes to sign, so a connection of their own
	 * with a longer deadline */
	sigc_opts_config(a->cf, API_LIST_TIMEOUT_MS, &o);
	if ((r = sigc_new(&o, &a->list_conn)) != 0)
		return r;
	a->signer.call = pool_call;
	a->signer.arg = a;
	a->lists.call = list_call;
	a->lists.arg = a;
	return api_link_start(a);
}

void
api_signer_close(struct api *a)
{
	int	 i;

	api_link_stop(a);
	for (i = 0; i < API_SIGNER_CONNS; i++)
		sigc_close(a->conns[i]);
	sigc_close(a->list_conn);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
}
