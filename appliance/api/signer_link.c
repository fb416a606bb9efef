/*
 * signet-api: the first connection to the signer. A signer that is not
 * there yet (started later, restarting under systemd) is waited for by a
 * thread of its own, backing off up to API_LINK_BACKOFF_MAX_MS and
 * logging only what changes; meanwhile calls fail at once (503) and
 * version discovery is served.
 */
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "err.h"
#include "log.h"
#include "provider.h"
#include "sd_notify.h"

#define API_LINK_BACKOFF_MIN_MS	50
#define API_LINK_BACKOFF_MAX_MS	1000
#define API_LINK_NAP_MS		50	/* how soon a stop is seen */

/* READY=1 when asked, and what the signer's state is. Under a->mu. */
static void
notify_locked(struct api *a, int ready)
{
	const char	*state = a->signer_waiting ? "waiting for the signer" :
			    a->signer_down ? "the signer does not answer" :
			    "the signer answers";

	if (ready)
		sdnotify_ready("serving on %s:%d; %s", a->cf->api_bind_host,
		    a->cf->api_port, state);
	else if (a->listening)
		sdnotify_status("serving on %s:%d; %s", a->cf->api_bind_host,
		    a->cf->api_port, state);
}

void
api_notify_ready(struct api *a)
{
	pthread_mutex_lock(&a->mu);
	a->listening = 1;
	notify_locked(a, 1);
	pthread_mutex_unlock(&a->mu);
}

/* signer_client.c, when the signer is presumed down or answers again. */
void
api_notify_status_locked(struct api *a)
{
	notify_locked(a, 0);
}

/* 1 once the signer has answered a connection. */
int
api_signer_up(struct api *a)
{
	int	 up;

	pthread_mutex_lock(&a->mu);
	up = !a->signer_waiting;
	pthread_mutex_unlock(&a->mu);
	return up;
}

static void
link_up(struct api *a)
{
	int	 s;

	pthread_mutex_lock(&a->mu);
	a->signer_waiting = 0;
	a->signer_down = 0;
	for (s = 0; s < a->nsigners; s++)	/* the calls find out */
		a->signers[s].down = 0;
	notify_locked(a, 0);
	pthread_mutex_unlock(&a->mu);
	log_info("the signer answers at %s", a->cf->signer_socket);
	/* what the format needs from the signer (PKI: its certificates)
	 * is fetched now, so a signer without it is reported once */
	if (a->prov != NULL && a->prov->signer_up != NULL)
		(void)a->prov->signer_up(a);
}

/* Sleeps ms unless asked to stop; 1 when asked. */
static int
link_nap(struct api *a, int ms)
{
	int	 stop;

	for (; ms > 0; ms -= API_LINK_NAP_MS) {
		pthread_mutex_lock(&a->mu);
		stop = a->link_stop;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			return 1;
		usleep((ms < API_LINK_NAP_MS ? ms : API_LINK_NAP_MS) * 1000);
	}
	return 0;
}

/*
 * Connection s goes to signer s: one try of each, 0 when one answered.
 * They are idle while the signers are awaited: no caller is admitted.
 */
static int
link_try(struct api *a, int quiet)
{
	int	 s;

	for (s = 0; s < a->nsigners; s++)
		if (sigc_try(a->conns[s], quiet) == 0)
			return 0;
	return SIG_ERR_UNAVAILABLE;
}

static void *
link_run(void *arg)
{
	struct api	*a = arg;
	int		 backoff = API_LINK_BACKOFF_MIN_MS;

	while (!link_nap(a, backoff)) {
		if (link_try(a, 1) == 0) {
			link_up(a);
			break;
		}
		backoff = backoff * 2 > API_LINK_BACKOFF_MAX_MS ?
		    API_LINK_BACKOFF_MAX_MS : backoff * 2;
	}
	return NULL;
}

/* One try now; if the signer is not there, a thread keeps trying. */
int
api_link_start(struct api *a)
{
	if (link_try(a, 0) == 0)
		return 0;
	log_warn("the signer at %s does not answer yet; token calls fail "
	    "with 503 until it does", a->cf->signer_socket);
	pthread_mutex_lock(&a->mu);
	a->signer_waiting = a->signer_down = 1;
	pthread_mutex_unlock(&a->mu);
	if (pthread_create(&a->link, NULL, link_run, a) != 0)
		return SIG_ERR_SYSTEM;
	a->link_started = 1;
	return 0;
}

void
api_link_stop(struct api *a)
{
	if (!a->link_started)
		return;
	pthread_mutex_lock(&a->mu);
	a->link_stop = 1;
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->link, NULL);
	a->link_started = 0;
}
