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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netdb.h>
#include <netinet/in.h>

#include "api.h"
#include "cli.h"
#include "err.h"
#include "log.h"
#include "provider_pki.h"
#include "sd_notify.h"
#include "token_cache.h"

static volatile sig_atomic_t	 stop;

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

static enum MHD_Result
dispatch(struct api *a, struct MHD_Connection *c, const char *url,
    const char *method, struct api_req *rq)
{
	if (strcmp(url, "/v3/auth/tokens") == 0 ||
	    strcmp(url, "/v3/auth/tokens/") == 0)
		return route_tokens(a, c, method, rq);
	if (strcmp(url, "/v3/auth/tokens/OS-PKI/revoked") == 0 ||
	    strcmp(url, "/v2.0/tokens/revoked") == 0 ||
	    strcmp(url, "/v3/OS-REVOKE/events") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return api_error(a, c, 405, "The method is not "
			    "allowed.");
		return route_revoked(a, c, strstr(url, "OS-REVOKE") != NULL);
	}
	if (strcmp(url, "/v3/auth/projects") == 0 ||
	    strcmp(url, "/v3/auth/domains") == 0 ||
	    strcmp(url, "/v3/auth/catalog") == 0)
		return route_auth(a, c, url, method);
	if (strcmp(url, "/v2.0/certificates/signing") == 0 ||
	    strcmp(url, "/v3/OS-SIMPLE-CERT/certificates") == 0 ||
	    strcmp(url, "/v2.0/certificates/ca") == 0 ||
	    strcmp(url, "/v3/OS-SIMPLE-CERT/ca") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return api_error(a, c, 405, "The method is not "
			    "allowed.");
		return route_certs(a, c, strstr(url, "/ca") != NULL);
	}
	if (strcmp(url, "/") == 0 || strcmp(url, "/v3") == 0 ||
	    strcmp(url, "/v3/") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return api_error(a, c, 405, "The method is not "
			    "allowed.");
		return route_version(a, c, url);
	}
	return api_error(a, c, 404, "The resource could not be found.");
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct api_req	*rq = *req_cls;
	char		*nb;

	(void)version;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*req_cls = rq;
		return MHD_YES;
	}
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
	/* a thread that cannot open the store serves nothing, this time */
	if (api_store(cls) == NULL)
		return api_error(cls, c, 503, "The identity store is "
		    "unavailable.");
	tcache_begin();
	/* the path only: no query, no header, never a token */
	log_debug("%s %s", method, url);
	return dispatch(cls, c, url, method, rq);
}

static void
completed(void *cls, struct MHD_Connection *c, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct api_req	*rq = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	if (rq->body != NULL)
		explicit_bzero(rq->body, rq->len);	/* passwords */
	free(rq->body);
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
	    MHD_USE_EPOLL_LINUX_ONLY | MHD_USE_ERROR_LOG | tls | fam, 0, NULL,
	    NULL, handler, a,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_ARRAY, https_options(tls ? cert : NULL, key),
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cores > 0 ? 8 * cores : 16),
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)a->cf->api_connection_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)a->cf->api_connection_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)a->cf->api_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
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

/* The config file -c names; anything else is a usage error. */
static const char *
config_arg(int argc, char **argv)
{
	const char	*cfpath = NULL;
	int		 ch;

	while ((ch = getopt(argc, argv, "c:d")) != -1) {
		switch (ch) {
		case 'c': cfpath = optarg; break;
		case 'd': log_set_level(LOGL_DEBUG); break;
		default: cli_usage(usage_text);
		}
	}
	if (cfpath == NULL || optind != argc)
		cli_usage(usage_text);
	return cfpath;
}

int
main(int argc, char **argv)
{
	static struct api	 a;
	struct MHD_Daemon	*d = NULL;
	struct sigaction	 sa;
	char			 err[CONFIG_ERR_MAX];
	struct store		*st = NULL;
	int			 r, v6;

	cli_std(argc, argv, "signet-api", usage_text);
	log_init("signet-api", LOGL_INFO);
	harden();
	if (config_load(config_arg(argc, argv), &a.cf, err, sizeof(err)) !=
	    0) {
		log_err("%s", err);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: the write fails */
	pthread_mutex_init(&a.stores_mu, NULL);
	if ((r = api_db_path(a.cf, a.db, sizeof(a.db))) != 0 ||
	    (r = store_open(a.db, 0, &st)) != 0 ||
	    (r = store_ready(st)) != 0 || (r = api_signer_open(&a)) != 0)
		goto out;
	tcache_init(a.cf->token_cache_time, st);
	if ((a.revokers = rl_new(a.cf->api_revocation_rate)) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	if (strcmp(a.cf->token_provider, "fernet") != 0 &&
	    strcmp(a.cf->token_provider, "pki") != 0 &&
	    strcmp(a.cf->token_provider, "pkiz") != 0 &&
	    strcmp(a.cf->token_provider, "uuid") != 0) {
		log_err("[token] provider: '%s' is not fernet, pki, pkiz or "
		    "uuid", a.cf->token_provider);
		r = SIG_ERR_CONFIG;
		goto out;
	}
	if ((strcmp(a.cf->token_provider, "pki") == 0 ||
	    strcmp(a.cf->token_provider, "pkiz") == 0) &&
	    api_signer_up(&a) && (r = pki_load_certs(&a)) != 0)
		goto out;
	/* an IPv6 literal goes in brackets, as in a URL */
	v6 = strchr(a.cf->api_bind_host, ':') != NULL;
	if ((d = start_http(&a)) == NULL) {
		log_err("[api] cannot listen on %s%s%s:%d", v6 ? "[" : "",
		    a.cf->api_bind_host, v6 ? "]" : "", a.cf->api_port);
		r = SIG_ERR_CONFIG;
		goto out;
	}
	log_info("serving the Keystone v3 token API on http://%s%s%s:%d",
	    v6 ? "[" : "", a.cf->api_bind_host, v6 ? "]" : "", a.cf->api_port);
	api_notify_ready(&a);
	while (!stop)
		pause();
	sdnotify_stopping();
	MHD_stop_daemon(d);
 out:
	tcache_free();
	scache_free();
	rl_free(a.revokers);
	api_signer_close(&a);
	api_stores_close(&a);
	store_close(st);
	config_free(a.cf);
	return r == 0 ? 0 : 1;
}
