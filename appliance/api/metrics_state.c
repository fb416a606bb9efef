/*
 * signet-api: the state part of /metrics: whether the API presumes the
 * signer down (its breaker), and the signer's own counters, which reach
 * the API through the Health call made for each scrape.
 */
#include <pthread.h>
#include <string.h>

#include "api.h"
#include "metrics.h"

static void
gauge(struct mbuf *m, const char *name, const char *help, long long v)
{
	mbuf_head(m, name, "gauge", help);
	mbuf_add(m, "%s %lld\n", name, v);
}

static void
counter(struct mbuf *m, const char *name, const char *help,
    unsigned long long v)
{
	mbuf_head(m, name, "counter", help);
	mbuf_add(m, "%s %llu\n", name, v);
}

/* The signer names its calls; a name that is not [a-z_] is "other". */
static const char *
call_label(const char *name)
{
	size_t	 n = strspn(name, "abcdefghijklmnopqrstuvwxyz_");

	return n > 0 && n <= 32 && name[n] == '\0' ? name : "other";
}

static void
per_call(struct mbuf *m, const Signet__V1__HealthResponse *h)
{
	size_t	 i;

	mbuf_head(m, "signet_signer_calls_total", "counter",
	    "Calls the signer answered since it started, by call.");
	for (i = 0; i < h->n_per_call; i++)
		mbuf_add(m, "signet_signer_calls_total{call=\"%s\"} %llu\n",
		    call_label(h->per_call[i]->call),
		    (unsigned long long)h->per_call[i]->calls);
	mbuf_head(m, "signet_signer_errors_total", "counter",
	    "Calls the signer answered with any status but OK, by call.");
	for (i = 0; i < h->n_per_call; i++)
		mbuf_add(m, "signet_signer_errors_total{call=\"%s\"} %llu\n",
		    call_label(h->per_call[i]->call),
		    (unsigned long long)h->per_call[i]->errors);
}

static void
signer_out(struct mbuf *m, const Signet__V1__HealthResponse *h)
{
	gauge(m, "signet_signer_ready", "1 when the signer says it is ready.",
	    h->ready);
	gauge(m, "signet_signer_fernet_keys", "Fernet keys the signer holds.",
	    h->fernet_keys);
	per_call(m, h);
	counter(m, "signet_signer_busy_total", "Calls answered BUSY (queue "
	    "full, or a peer over [signer] peer_rate).", h->busy);
	gauge(m, "signet_signer_connections", "Connections open to the "
	    "signer.", h->connections);
	counter(m, "signet_signer_audit_failures_total", "Audit records the "
	    "signer could not write (each refused its call).",
	    h->audit_failures);
	gauge(m, "signet_signer_uptime_seconds", "Seconds since the signer "
	    "started.", h->uptime_seconds);
}

void
metrics_state_out(struct api *a, struct mbuf *m)
{
	Signet__V1__Response	*resp = NULL;
	int			 up, down;

	up = sigc_health(&a->signer, &resp) == 0;
	pthread_mutex_lock(&a->mu);
	down = a->signer_down;
	pthread_mutex_unlock(&a->mu);
	gauge(m, "signet_api_signer_down", "1 while signet-api presumes the "
	    "signer down (a missed deadline; probed every 500 ms).", down);
	gauge(m, "signet_signer_up", "1 when the signer answered this "
	    "scrape's Health call.", up);
	if (up)
		signer_out(m, resp->health);
	sigc_response_free(resp);
}
