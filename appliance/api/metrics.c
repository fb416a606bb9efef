/*
 * signet-api: counters for GET /metrics, in Prometheus' text format
 * 0.0.4. Every counter is a C11 atomic bumped without a lock (MHD's pool
 * threads all count); labels come from closed sets (route templates,
 * methods, status codes, call names), so no peer's bytes and no token
 * ever reach the exposition.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "metrics.h"

#define ROUTES_MAX	128	/* rows of routes.c's table */
#define NBUCKETS	(sizeof(bounds_us) / sizeof(bounds_us[0]))

static const char *const methods[] = { "GET", "HEAD", "POST", "DELETE",
    "PATCH", "PUT", "other" };
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))

static const unsigned int codes[] = { 200, 201, 204, 300, 400, 401, 403,
    404, 405, 409, 413, 429, 500, 503, 0 };	/* 0: any other, or none */
#define NCODES		(sizeof(codes) / sizeof(codes[0]))

/* Upper bounds in microseconds: 1 ms (a cached validation) to 10 s. */
static const unsigned long bounds_us[] = { 1000, 2500, 5000, 10000, 25000,
    50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000 };

struct hist {
	atomic_ulong	 b[NBUCKETS + 1];	/* per bucket; last: +Inf */
	atomic_ulong	 sum_us;
};

static atomic_ulong	 requests[ROUTES_MAX][NMETHODS][NCODES];
static struct hist	 req_hist[ROUTES_MAX];
static atomic_ulong	 sig_calls[METRICS_CALLS];
static atomic_ulong	 sig_unreachable[METRICS_CALLS];
static atomic_ulong	 sig_refused[METRICS_CALLS];
static struct hist	 sig_hist[METRICS_CALLS];
static atomic_ulong	 cache_hits, cache_misses, breaker_trips;
static atomic_ulong	 uuid_commits, uuid_tokens, pw_offloaded;
static atomic_ulong	 answers_offloaded;

const char *const metrics_call_names[METRICS_CALLS] = { "other", "other",
    "issue_fernet", "open_fernet", "sign_cms", "public_material", "health",
    "other" };

static void
observe(struct hist *h, double seconds)
{
	unsigned long	 us = seconds > 0 ? (unsigned long)(seconds * 1e6) : 0;
	size_t		 i;

	for (i = 0; i < NBUCKETS && us > bounds_us[i]; i++)
		;
	atomic_fetch_add_explicit(&h->b[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, us, memory_order_relaxed);
}

static size_t
method_index(const char *m)
{
	size_t	 i;

	for (i = 0; i < NMETHODS - 1 && strcmp(m, methods[i]) != 0; i++)
		;
	return i;
}

static size_t
code_index(unsigned int code)
{
	size_t	 i;

	for (i = 0; i < NCODES - 1 && codes[i] != code; i++)
		;
	return i;
}

void
metrics_request(int route, const char *method, unsigned int code,
    double seconds)
{
	if (route < 0 || route >= ROUTES_MAX)
		route = 0;
	atomic_fetch_add_explicit(&requests[route][method_index(method)]
	    [code_index(code)], 1, memory_order_relaxed);
	observe(&req_hist[route], seconds);
}

/* call: Request.call_case; unreachable: no answer; refused: not OK. */
void
metrics_signer_call(int call, int unreachable, int refused, double seconds)
{
	if (call < 0 || call >= METRICS_CALLS)
		call = 0;
	atomic_fetch_add_explicit(&sig_calls[call], 1, memory_order_relaxed);
	if (unreachable)
		atomic_fetch_add_explicit(&sig_unreachable[call], 1,
		    memory_order_relaxed);
	else if (refused)
		atomic_fetch_add_explicit(&sig_refused[call], 1,
		    memory_order_relaxed);
	observe(&sig_hist[call], seconds);
}

void
metrics_cache(int hit)
{
	atomic_fetch_add_explicit(hit ? &cache_hits : &cache_misses, 1,
	    memory_order_relaxed);
}

void
metrics_breaker_trip(void)
{
	atomic_fetch_add_explicit(&breaker_trips, 1, memory_order_relaxed);
}

/* One commit of n UUID token documents. */
void
metrics_uuid_commit(unsigned long n)
{
	atomic_fetch_add_explicit(&uuid_commits, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&uuid_tokens, n, memory_order_relaxed);
}

/* A password checked by pw_pool.c's workers. */
void
metrics_password_offloaded(void)
{
	atomic_fetch_add_explicit(&pw_offloaded, 1, memory_order_relaxed);
}

/* An answer made by answer_pool.c's workers. */
void
metrics_answer_offloaded(void)
{
	atomic_fetch_add_explicit(&answers_offloaded, 1,
	    memory_order_relaxed);
}

/* The exposition text grows here; a failed allocation fails it all. */
void
mbuf_add(struct mbuf *m, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*nb;

	if (m->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(m->p + m->len, m->size - m->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			m->failed = 1;
			return;
		}
		if ((size_t)n < m->size - m->len)
			break;
		if ((nb = realloc(m->p, m->size * 2 + n)) == NULL) {
			m->failed = 1;
			return;
		}
		m->p = nb;
		m->size = m->size * 2 + n;
	}
	m->len += (size_t)n;
}

void
mbuf_head(struct mbuf *m, const char *name, const char *type,
    const char *help)
{
	mbuf_add(m, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Buckets are counted one by one and summed here: cumulative, and the
 * +Inf bucket is _count by construction, whatever races with the read. */
static void
hist_out(struct mbuf *m, const char *name, const char *label,
    const char *value, struct hist *const *hs, size_t nh)
{
	unsigned long	 cum = 0, sum = 0;
	size_t		 i, j;

	for (j = 0; j < nh; j++)
		sum += atomic_load(&hs[j]->sum_us);
	for (i = 0; i <= NBUCKETS; i++) {
		for (j = 0; j < nh; j++)
			cum += atomic_load(&hs[j]->b[i]);
		if (i < NBUCKETS)
			mbuf_add(m, "%s_bucket{%s=\"%s\",le=\"%g\"} %lu\n",
			    name, label, value, bounds_us[i] / 1e6, cum);
		else
			mbuf_add(m, "%s_bucket{%s=\"%s\",le=\"+Inf\"} %lu\n",
			    name, label, value, cum);
	}
	mbuf_add(m, "%s_sum{%s=\"%s\"} %.6f\n%s_count{%s=\"%s\"} %lu\n", name,
	    label, value, sum / 1e6, name, label, value, cum);
}

/* The rows named like row r (a path with and without its slash). */
static size_t
same_route(int r, int *rows)
{
	size_t	 n = 0;
	int	 i, nr = api_route_count();

	for (i = 0; i < nr && i < ROUTES_MAX; i++)
		if (strcmp(api_route_name(i), api_route_name(r)) == 0)
			rows[n++] = i;
	return rows[0] == r ? n : 0;	/* only a name's first row prints */
}

static void
code_label(unsigned int code, char *out, size_t size)
{
	if (code == 0)
		snprintf(out, size, "other");
	else
		snprintf(out, size, "%u", code);
}

static void
requests_out(struct mbuf *m)
{
	int		 rows[ROUTES_MAX];
	unsigned long	 v;
	size_t		 n, i, mi, ci;
	char		 code[16];
	int		 r;

	mbuf_head(m, "signet_api_requests_total", "counter",
	    "HTTP requests answered, by route template, method and status.");
	for (r = 0; r < api_route_count() && r < ROUTES_MAX; r++) {
		if ((n = same_route(r, rows)) == 0)
			continue;
		for (mi = 0; mi < NMETHODS; mi++)
			for (ci = 0; ci < NCODES; ci++) {
				for (v = 0, i = 0; i < n; i++)
					v += atomic_load(
					    &requests[rows[i]][mi][ci]);
				if (v == 0)
					continue;
				code_label(codes[ci], code, sizeof(code));
				mbuf_add(m, "signet_api_requests_total{route="
				    "\"%s\",method=\"%s\",status=\"%s\"} "
				    "%lu\n", api_route_name(r), methods[mi],
				    code, v);
			}
	}
}

static void
latency_out(struct mbuf *m)
{
	struct hist	*hs[ROUTES_MAX];
	int		 rows[ROUTES_MAX];
	size_t		 n, i;
	int		 r;

	mbuf_head(m, "signet_api_request_duration_seconds", "histogram",
	    "Time from a request's first byte to its answer, by route.");
	for (r = 0; r < api_route_count() && r < ROUTES_MAX; r++) {
		if ((n = same_route(r, rows)) == 0)
			continue;
		for (i = 0; i < n; i++)
			hs[i] = &req_hist[rows[i]];
		hist_out(m, "signet_api_request_duration_seconds", "route",
		    api_route_name(r), hs, n);
	}
}

static void
signer_calls_out(struct mbuf *m)
{
	struct hist	*h;
	int		 k;

	mbuf_head(m, "signet_api_signer_calls_total", "counter",
	    "RPC calls made to the signer, by call.");
	for (k = 2; k <= 6; k++)
		mbuf_add(m, "signet_api_signer_calls_total{call=\"%s\"} %lu\n",
		    metrics_call_names[k], atomic_load(&sig_calls[k]));
	mbuf_head(m, "signet_api_signer_errors_total", "counter",
	    "Signer calls that failed: unreachable (no answer in time, or "
	    "presumed down) or refused (any status but OK).");
	for (k = 2; k <= 6; k++)
		mbuf_add(m, "signet_api_signer_errors_total{call=\"%s\","
		    "kind=\"unreachable\"} %lu\nsignet_api_signer_errors_total"
		    "{call=\"%s\",kind=\"refused\"} %lu\n",
		    metrics_call_names[k], atomic_load(&sig_unreachable[k]),
		    metrics_call_names[k], atomic_load(&sig_refused[k]));
	mbuf_head(m, "signet_api_signer_call_duration_seconds", "histogram",
	    "Signer call round trips, by call.");
	for (k = 2; k <= 6; k++) {
		h = &sig_hist[k];
		hist_out(m, "signet_api_signer_call_duration_seconds", "call",
		    metrics_call_names[k], &h, 1);
	}
}

static void
cache_out(struct mbuf *m)
{
	mbuf_head(m, "signet_api_token_cache_hits_total", "counter",
	    "Token validations answered from the cache.");
	mbuf_add(m, "signet_api_token_cache_hits_total %lu\n",
	    atomic_load(&cache_hits));
	mbuf_head(m, "signet_api_token_cache_misses_total", "counter",
	    "Token validations the cache could not answer.");
	mbuf_add(m, "signet_api_token_cache_misses_total %lu\n",
	    atomic_load(&cache_misses));
	mbuf_head(m, "signet_api_signer_breaker_trips_total", "counter",
	    "Times the signer was presumed down after a missed deadline.");
	mbuf_add(m, "signet_api_signer_breaker_trips_total %lu\n",
	    atomic_load(&breaker_trips));
	mbuf_head(m, "signet_api_uuid_commits_total", "counter",
	    "Store commits of UUID token documents (many tokens a commit).");
	mbuf_add(m, "signet_api_uuid_commits_total %lu\n",
	    atomic_load(&uuid_commits));
	mbuf_head(m, "signet_api_uuid_tokens_total", "counter",
	    "UUID token documents committed.");
	mbuf_add(m, "signet_api_uuid_tokens_total %lu\n",
	    atomic_load(&uuid_tokens));
	mbuf_head(m, "signet_api_password_checks_offloaded_total", "counter",
	    "Passwords checked by the password workers, off the connection "
	    "threads.");
	mbuf_add(m, "signet_api_password_checks_offloaded_total %lu\n",
	    atomic_load(&pw_offloaded));
	mbuf_head(m, "signet_api_answers_offloaded_total", "counter",
	    "Answers that wait on the signer made by the answer workers, "
	    "off a connection thread that serves other connections.");
	mbuf_add(m, "signet_api_answers_offloaded_total %lu\n",
	    atomic_load(&answers_offloaded));
}

/* Caller owns the text (free(3)), or NULL when memory ran out. */
char *
metrics_text(struct api *a)
{
	struct mbuf	 m = { NULL, 0, 4096, 0 };

	if ((m.p = malloc(m.size)) == NULL)
		return NULL;
	m.p[0] = '\0';
	requests_out(&m);
	latency_out(&m);
	signer_calls_out(&m);
	cache_out(&m);
	metrics_state_out(a, &m);
	if (m.failed) {
		free(m.p);
		return NULL;
	}
	return m.p;
}
