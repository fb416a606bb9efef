/*
 * signet-api: a fixed pool of connections to the signers, one caller per
 * connection at a time (the client library is not shared across threads),
 * spread over every signer [signer] socket names.
 */
#include <stdint.h>
#include <stdlib.h>
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
 * down: its calls go to the other signers, or fail at once when none is
 * left, and one call every API_PROBE_MS tries it, so a request waits at
 * most one deadline, not one per queued call. Signers not yet reached
 * since start are tried by signer_link.c alone. Under a->mu: 1 when a
 * call may go to signer s now (*probe: as its probe).
 */
static int
signer_admit(struct api *a, int s, int *probe)
{
	struct api_signer	*sg = &a->signers[s];

	*probe = 0;
	if (a->signer_waiting)
		return 0;
	if (!sg->down)
		return 1;
	if (a->watch_started && !a->signer_down)
		return 0;	/* signer_watch.c tries it, not a request */
	if (sg->probing || mono_ms() < sg->probe_at)
		return 0;
	return *probe = 1;
}

/* Under a->mu: signer_down says whether every signer is. */
static void
signers_summed(struct api *a)
{
	int	 s, all = 1;

	for (s = 0; s < a->nsigners; s++)
		all &= a->signers[s].down;
	if (all != a->signer_down) {
		if (all)
			log_warn("no signer answers; failing calls until one "
			    "does");
		a->signer_down = all;
		api_notify_status_locked(a);
	}
}

void
api_signer_outcome_locked(struct api *a, int s, int probe, int r)
{
	struct api_signer	*sg = &a->signers[s];

	if (r == SIG_ERR_UNAVAILABLE) {
		if (!sg->down) {
			log_warn("the signer at %s does not answer", sg->at);
			sg->down = 1;
			metrics_breaker_trip();
		}
		sg->probe_at = mono_ms() + API_PROBE_MS;
	} else if (sg->down) {
		log_info("the signer at %s answers again", sg->at);
		sg->down = 0;
	}
	if (probe)
		sg->probing = 0;
	signers_summed(a);
}

/*
 * Under a->mu: a free connection to a signer not in tried that may take
 * the call. The signers are taken in turn, so that the calls spread over
 * them; a signer's own connections from its first, so that a quiet API
 * keeps few of them open (a signer counts a peer's connections). -1 when
 * no such signer may take it, -2 when they may but every connection to
 * them is busy.
 */
static int
pick(struct api *a, unsigned tried, int *probe)
{
	int	 k, i, s, any = 0, p;

	*probe = 0;
	for (k = 0; k < a->nsigners; k++) {
		s = (a->next_signer + k) % a->nsigners;
		if ((tried & (1u << s)) || !signer_admit(a, s, &p))
			continue;
		any = 1;
		for (i = s; i < API_SIGNER_CONNS && a->busy[i];
		    i += a->nsigners)
			;
		if (i >= API_SIGNER_CONNS)
			continue;
		if ((*probe = p))
			a->signers[s].probing = 1;
		a->next_signer = (s + 1) % a->nsigners;
		return i;
	}
	return any ? -2 : -1;
}

/* One try of the call on a connection that pick() chose. */
static int
try_call(struct api *a, unsigned *tried, Signet__V1__Request *req,
    Signet__V1__Response **respp)
{
	int	 i, r, probe;

	pthread_mutex_lock(&a->mu);
	while ((i = pick(a, *tried, &probe)) == -2)
		pthread_cond_wait(&a->cv, &a->mu);
	if (i < 0) {		/* none left to try */
		*tried = (1u << a->nsigners) - 1;
		pthread_mutex_unlock(&a->mu);
		return SIG_ERR_UNAVAILABLE;
	}
	a->busy[i] = 1;
	pthread_mutex_unlock(&a->mu);
	r = sigc_call(a->conns[i], req, respp);
	pthread_mutex_lock(&a->mu);
	a->busy[i] = 0;
	api_signer_outcome_locked(a, i % a->nsigners, probe, r);
	/* a signer gone down: its waiters look elsewhere now */
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	*tried |= 1u << (i % a->nsigners);
	return r;
}

/*
 * The typed calls' dispatch: a free connection of the pool. A call that
 * no signer answered goes once to each other signer that may take it
 * (every call is safe to repeat: a second token, a second signature).
 */
static int
pool_call(void *arg, Signet__V1__Request *req, Signet__V1__Response **respp)
{
	struct api	*a = arg;
	double		 t0 = mono_now();
	unsigned	 tried = 0;
	int		 r;

	*respp = NULL;
	tag(req);
	do {
		sigc_response_free(*respp);
		*respp = NULL;
		r = try_call(a, &tried, req, respp);
	} while (r == SIG_ERR_UNAVAILABLE &&
	    tried != (1u << a->nsigners) - 1);
	counted(req, r, *respp, t0);
	return r;
}

/* [signer] socket, split: one endpoint per signer. */
static int
signers_split(struct api *a)
{
	char	*list, *tok, *save = NULL;

	if ((list = strdup(a->cf->signer_socket)) == NULL)
		return SIG_ERR_NOMEM;
	for (tok = strtok_r(list, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (a->nsigners == API_SIGNERS_MAX) {
			log_err("[signer] socket: more than %d signers",
			    API_SIGNERS_MAX);
			free(list);
			return SIG_ERR_CONFIG;
		}
		if ((a->signers[a->nsigners++].at = strdup(tok)) == NULL) {
			free(list);
			return SIG_ERR_NOMEM;
		}
	}
	free(list);
	return a->nsigners > 0 ? 0 : SIG_ERR_CONFIG;
}

/*
 * Connections are made at their first call; the signer may come later.
 * Connection i goes to signer i modulo their number; with several, a
 * connection tries its own once and the call moves on.
 */
int
api_signer_open(struct api *a)
{
	struct sigc_opts	 o;
	int			 i, r;

	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	pthread_mutex_init(&a->list_mu, NULL);
	if ((r = signers_split(a)) != 0)
		return r;
	sigc_opts_config(a->cf, API_CALL_TIMEOUT_MS, &o);
	o.once = a->nsigners > 1;
	for (i = 0; i < API_SIGNER_CONNS; i++) {
		o.endpoints = a->signers[i % a->nsigners].at;
		if ((r = sigc_new(&o, &a->conns[i])) != 0)
			return r;
	}
	/* revocation lists: megabytes to sign, so a connection of their own
	 * with a longer deadline, to the first signer that answers */
	sigc_opts_config(a->cf, API_LIST_TIMEOUT_MS, &o);
	if ((r = sigc_new(&o, &a->list_conn)) != 0)
		return r;
	a->signer.call = pool_call;
	a->signer.arg = a;
	a->lists.call = list_call;
	a->lists.arg = a;
	if ((r = api_link_start(a)) != 0)
		return r;
	return a->nsigners > 1 ? api_watch_start(a) : 0;
}

void
api_signer_close(struct api *a)
{
	int	 i;

	api_link_stop(a);
	api_watch_stop(a);
	for (i = 0; i < API_SIGNER_CONNS; i++)
		sigc_close(a->conns[i]);
	sigc_close(a->list_conn);
	for (i = 0; i < a->nsigners; i++)
		free(a->signers[i].at);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
}
