/*
 * signet-api: serves the Keystone v3 token API on [api] bind_host:port
 * with libmicrohttpd's thread pool, every connection limit set. It reads
 * the identity store and asks the signer for every token; it never loads
 * a PKCS#11 module and never sees a key or a PIN.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "answer_pool.h"
#include "api.h"
#include "cli.h"
#include "err.h"
#include "log.h"
#include "provider.h"
#include "pw_pool.h"
#include "sd_notify.h"
#include "token_cache.h"
#include "version.h"

static volatile sig_atomic_t	 stop;
/*
 * The mask main waits for SIGTERM and SIGINT under: every other thread
 * blocks them (they inherit main's mask from before they start), so the
 * signal reaches the thread that waits for it, and sigsuspend leaves no
 * moment between the test of stop and the wait.
 */
static sigset_t			 waitmask;

static const char usage_text[] = "usage: signet-api [-d] -c FILE\n";

/*
 * Passwords pass through jansson's strings: every JSON allocation is
 * wiped when freed, and the process never dumps core.
 */
static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void
harden(void)
{
	struct rlimit	 rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	json_set_alloc_funcs(malloc, wipe_free);
	/* Per-thread arenas otherwise give pages back after most requests
	 * (madvise, then a TLB shootdown on every core, then page faults). */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * MHD's own messages go through the logger too: a time on each line, and
 * whatever of a request they quote with its control bytes escaped.
 */
__attribute__((format(printf, 2, 0)))
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	 msg[512];
	size_t	 n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (n = strlen(msg); n > 0 && msg[n - 1] == '\n'; n--)
		msg[n - 1] = '\0';
	log_warn("libmicrohttpd: %s", msg);
}

/*
 * MHD hands the handler a path it has already percent-decoded, so
 * "%74okens", "%2f" and "%00" would all reach /v3/auth/tokens. The
 * request line comes here first, as sent: its path is what is routed
 * and logged, and a path with any percent-encoding matches no route.
 * What this returns is the request's req_cls.
 */
static void *
request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct api_req	*rq;
	size_t		 n = strcspn(uri, "?");

	(void)cls;
	(void)c;
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	if (n > API_RAW_PATH_MAX)
		rq->raw_long = 1;
	else
		memcpy(rq->raw, uri, n);
	if (uri[n] == '?' && strlen(uri + n + 1) <= API_RAW_PATH_MAX)
		strcpy(rq->query, uri + n + 1);	/* for a list's own link */
	return rq;
}

/*
 * The first call, once the head is complete: the request's id and route,
 * and a head that could be framed two ways refused before its body.
 */
static enum MHD_Result
request_begin(struct api *a, struct MHD_Connection *c, const char *method,
    const char *version, int metrics, struct api_req *rq)
{
	char		 path[API_LOG_PATH_MAX + 1];
	const char	*why;
	enum MHD_Result	 ret;

	if (rq == NULL)
		return MHD_NO;	/* no memory for its state: closed */
	rq->begun = 1;
	api_route_log_path(rq->raw_long ? "/..." : rq->raw, path, sizeof(path));
	reqctx_begin(rq, c, method, path);
	rq->route = rq->raw_long ? 0 : api_route_find(rq->raw, metrics);
	if ((why = api_head_refused(c, version)) == NULL)
		return MHD_YES;
	reqctx_enter(rq);
	ret = api_refuse(a, c, why);
	reqctx_leave();
	return ret;
}

static enum MHD_Result
serve(struct api *a, struct MHD_Connection *c, const char *method,
    struct api_req *rq)
{
	/* a thread that cannot open the store serves nothing, this time */
	if (api_route_needs_store(rq->route) && api_store(a) == NULL)
		return api_error(a, c, 503, "The identity store is "
		    "unavailable.");
	tcache_begin();
	return api_dispatch(a, c, rq->raw, method, rq, rq->route);
}

static enum MHD_Result
handle(struct api *a, int metrics, struct MHD_Connection *c,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct api_req	*rq = *req_cls;
	enum MHD_Result	 ret;
	char		*nb;

	if (rq == NULL || !rq->begun)
		return request_begin(a, c, method, version, metrics, rq);
	if (*upload_size > 0) {
		if (!rq->too_big && *upload_size <= API_BODY_MAX - rq->len &&
		    (nb = realloc(rq->body, rq->len + *upload_size + 1))) {
			rq->body = nb;
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		} else
			rq->too_big = 1;	/* drained, answered 413 */
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->answer != NULL)		/* made by answer_pool.c */
		return answer_resumed(c, rq);
	guard_disarm(c);	/* all of it is here */
	reqctx_enter(rq);
	ret = serve(a, c, method, rq);
	reqctx_leave();
	return ret;
}

/* MHD's url is percent-decoded: the raw path in req_cls is used instead. */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	(void)url;
	return handle(cls, 0, c, method, version, upload, upload_size,
	    req_cls);
}

/* [api] metrics_port: /metrics and /healthcheck, nothing else. */
static enum MHD_Result
metrics_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	(void)url;
	return handle(cls, 1, c, method, version, upload, upload_size,
	    req_cls);
}

/*
 * The access line goes out here, once the answer has been sent; the next
 * request on the connection has [api] request_timeout from now.
 */
static void
completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct api_req	*rq = *req_cls;

	(void)cls;
	(void)toe;
	guard_arm(c);
	if (rq == NULL)
		return;
	if (rq->begun)
		reqctx_end(rq);
	if (rq->body != NULL)
		explicit_bzero(rq->body, rq->len);	/* passwords */
	free(rq->body);
	pw_job_free(rq->pw);
	answer_job_free(rq->answer);
	free(rq);
	*req_cls = NULL;
}

/* A whole PEM file into memory; the key file must be ours alone. */
static char *
read_pem(const char *path, int secret)
{
	struct stat	 st;
	char		*buf = NULL;
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL || fstat(fileno(f), &st) != 0 ||
	    st.st_size <= 0 || st.st_size > 1024 * 1024 ||
	    (secret && (st.st_uid != geteuid() || (st.st_mode & 077) != 0))) {
		log_err("[api] %s: %s", path, secret ? "must exist, be ours "
		    "and be mode 0600" : "cannot read it");
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	if ((buf = calloc(1, st.st_size + 1)) != NULL &&
	    (n = fread(buf, 1, st.st_size, f)) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* TLS options only with TLS: MHD complains of them otherwise. */
static struct MHD_OptionItem *
https_options(char *cert, char *key)
{
	static struct MHD_OptionItem	 o[4];
	static char			 prio[] = "SECURE:-VERS-ALL:"
					    "+VERS-TLS1.3:+VERS-TLS1.2";

	o[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
	o[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, key };
	o[2] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, prio };
	o[3] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return cert != NULL ? o : &o[3];
}

static int
ipv4_addr(const char *opt, const char *host, int port,
    struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		log_err("[api] %s: '%s' is not an IPv4 address", opt, host);
		return -1;
	}
	return 0;
}

/*
 * [api] metrics_port: a listener of its own (plain HTTP, 127.0.0.1
 * unless [api] metrics_host says otherwise) for /metrics and
 * /healthcheck, so the main port never serves /metrics.
 */
static struct MHD_Daemon *
start_metrics(struct api *a)
{
	struct sockaddr_in	 sin;

	if (ipv4_addr("metrics_host", a->cf->api_metrics_host,
	    a->cf->api_metrics_port, &sin) != 0)
		return NULL;
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL_LINUX_ONLY | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    metrics_handler, a,
	    /* first: MHD's messages about the options go through it too */
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)API_METRICS_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)a->cf->api_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, request_line, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
	    MHD_OPTION_END);
}

/*
 * [api] per_ip_connection_limit, 0 for a share of connection_limit: one
 * peer dripping bytes into many connections cannot take every slot.
 */
static unsigned int
per_ip_limit(const struct config *cf)
{
	int	 n = cf->api_per_ip_connection_limit;

	if (n == 0 && (n = cf->api_connection_limit / 8) < API_PER_IP_MIN)
		n = API_PER_IP_MIN;
	return (unsigned int)(n < cf->api_connection_limit ? n :
	    cf->api_connection_limit);
}

/* One daemon listening on SA, IPv4 or IPv6; NULL if it cannot. */
static struct MHD_Daemon *
start_on(struct api *a, const struct sockaddr *sa, unsigned int tls,
    char *cert, char *key)
{
	long		 cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int	 fam = 0;

	/* "::" takes IPv4 too, as a Linux socket bound there does */
	if (sa->sa_family == AF_INET6)
		fam = IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr) ? MHD_USE_DUAL_STACK :
		    MHD_USE_IPv6;
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL_LINUX_ONLY | MHD_USE_ERROR_LOG |
	    MHD_ALLOW_SUSPEND_RESUME | tls | fam, 0, NULL,
	    NULL, handler, a,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_ARRAY, https_options(tls ? cert : NULL, key),
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cores > 0 ? 8 * cores : 16),
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)a->cf->api_connection_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_limit(a->cf),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)a->cf->api_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, request_line, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
	    MHD_OPTION_END);
}

/*
 * [api] bind_host as keystone.conf takes it: an IPv4 or IPv6 address or a
 * host name. getaddrinfo's answers are tried in order, and the first that
 * can be listened on serves.
 */
static struct MHD_Daemon *
start_http(struct api *a)
{
	struct addrinfo		 hints, *res, *ai;
	struct MHD_Daemon	*d = NULL;
	static char		*cert, *key;
	char			 port[16];
	unsigned int		 tls = 0;
	int			 e;

	if (a->cf->api_tls_cert != NULL || a->cf->api_tls_key != NULL) {
		if (a->cf->api_tls_cert == NULL || a->cf->api_tls_key == NULL ||
		    (cert = read_pem(a->cf->api_tls_cert, 0)) == NULL ||
		    (key = read_pem(a->cf->api_tls_key, 1)) == NULL)
			return NULL;
		tls = MHD_USE_TLS;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", a->cf->api_port);
	if ((e = getaddrinfo(a->cf->api_bind_host, port, &hints, &res)) != 0) {
		log_err("[api] bind_host: '%s': %s", a->cf->api_bind_host,
		    gai_strerror(e));
		return NULL;
	}
	for (ai = res; ai != NULL && d == NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			d = start_on(a, ai->ai_addr, tls, cert, key);
	freeaddrinfo(res);
	return d;
}

/* Both listeners, until SIGTERM or SIGINT. */
static int
run_listeners(struct api *a)
{
	struct MHD_Daemon	*d, *m = NULL;
	char			 mon[300];
	int			 tls = a->cf->api_tls_cert != NULL;
	/* an IPv6 literal goes in brackets, as in a URL */
	int			 v6 = strchr(a->cf->api_bind_host, ':') != NULL;

	if (guard_start(a->cf->api_request_timeout) != 0)
		return SIG_ERR_NOMEM;
	if ((d = start_http(a)) == NULL) {
		log_err("[api] cannot listen on %s%s%s:%d", v6 ? "[" : "",
		    a->cf->api_bind_host, v6 ? "]" : "", a->cf->api_port);
		guard_stop();
		return SIG_ERR_CONFIG;
	}
	if (a->cf->api_metrics_port != 0 && (m = start_metrics(a)) == NULL) {
		log_err("[api] cannot listen on %s:%d (metrics_port)",
		    a->cf->api_metrics_host, a->cf->api_metrics_port);
		MHD_stop_daemon(d);
		guard_stop();
		return SIG_ERR_CONFIG;
	}
	snprintf(mon, sizeof(mon), "http://%s:%d", a->cf->api_metrics_host,
	    a->cf->api_metrics_port);
	log_info("signet-api %s (pid %d) serving the Keystone v3 token API "
	    "on %s://%s%s%s:%d; /metrics %s%s", SIGNET_VERSION, (int)getpid(),
	    tls ? "https" : "http", v6 ? "[" : "", a->cf->api_bind_host,
	    v6 ? "]" : "", a->cf->api_port,
	    m != NULL ? "and /healthcheck on " : "off", m != NULL ? mon : "");
	api_notify_ready(a);
	while (!stop)
		sigsuspend(&waitmask);
	log_info("signet-api (pid %d) stopping on a signal", (int)getpid());
	sdnotify_stopping();
	/* every suspended connection resumed first */
	pw_pool_stop();
	answer_pool_stop();
	MHD_stop_daemon(d);
	if (m != NULL)
		MHD_stop_daemon(m);
	guard_stop();
	return 0;
}

int
main(int argc, char **argv)
{
	static struct api	 a;
	struct sigaction	 sa;
	sigset_t		 stopsigs;
	const char		*cfpath;
	char			 err[CONFIG_ERR_MAX], names[128];
	struct store		*st = NULL;
	int			 r, debug;
	int			 cores = (int)sysconf(_SC_NPROCESSORS_ONLN);

	cli_std(argc, argv, "signet-api", usage_text);
	log_init("signet-api", LOGL_INFO);
	log_timestamps(1);
	harden();
	cfpath = cli_config_arg(argc, argv, usage_text, &debug);
	if (debug)
		log_set_level(LOGL_DEBUG);
	if (config_load(cfpath, &a.cf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	/* before the signer link starts: it asks the row what it needs */
	a.prov = provider_find(a.cf->token_provider);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stopsigs, &waitmask);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: the write fails */
	pthread_mutex_init(&a.stores_mu, NULL);
	if ((r = store_db_path(a.cf, a.db, sizeof(a.db))) != 0 ||
	    (r = store_open(a.db, 0, &st)) != 0 ||
	    (r = store_ready(st)) != 0 || (r = api_signer_open(&a)) != 0)
		goto out;
	tcache_init(a.cf->token_cache_time, st);
	if ((a.revokers = rl_new(a.cf->api_revocation_rate)) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	if (a.prov == NULL) {
		provider_names(names, sizeof(names));
		log_err("[token] provider: '%s' is not %s",
		    a.cf->token_provider, names);
		r = SIG_ERR_CONFIG;
		goto out;
	}
	if (a.prov->signer_up != NULL && api_signer_up(&a) &&
	    (r = a.prov->signer_up(&a)) != 0)
		goto out;
	if (api_keys_watch_start(&a) != 0) {
		r = SIG_ERR_SYSTEM;
		goto out;
	}
	if ((r = pw_pool_start(cores)) == 0 &&
	    (r = answer_pool_start(API_ANSWER_WORKERS * cores)) == 0)
		r = run_listeners(&a);
 out:
	pw_pool_stop();
	answer_pool_stop();
	api_keys_watch_stop();
	tcache_free();
	scache_free();
	scache_revoked_free();
	rl_free(a.revokers);
	api_signer_close(&a);
	api_stores_close(&a);
	store_close(st);
	config_free(a.cf);
	log_info("signet-api (pid %d) stopped", (int)getpid());
	return r == 0 ? 0 : 1;
}
