/*
 * signet-api: the stateless Keystone v3 token API front-end. It holds no
 * key and no PIN: every token is sealed and opened by signet-signerd.
 */
#ifndef SIGNET_API_H
#define SIGNET_API_H

#include <pthread.h>
#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "client.h"
#include "config.h"
#include "rate_limit.h"
#include "store.h"

#define API_BODY_MAX		(112 * 1024)	/* oslo.middleware's cap */
#define API_SIGNER_CONNS	16
#define API_SIGNERS_MAX		8	/* endpoints in [signer] socket */
#define API_CALL_TIMEOUT_MS	2000
#define API_LIST_TIMEOUT_MS	30000	/* signing a 10^5-entry list */
#define API_PROBE_MS		500	/* a silent signer: one call per */
#define API_TOKEN_MAX		16384

#define API_AUTH_FAILED	"The request you have made requires authentication."

#define API_STORES_MAX		256
#define API_ANSWER_WORKERS	4	/* per core: answer_pool.c, mostly waiting */
#define API_METRICS_CONNS	16	/* [api] metrics_port's listener */

struct answer_job;
struct auth_req;
struct provider;
struct pw_job;

/* An answer made off the connection thread, for it to queue. */
struct api_answer {
	unsigned int		 code;
	struct MHD_Response	*r;
};

/* One of [signer] socket's endpoints, and what the pool knows of it. */
struct api_signer {
	char	*at;
	int	 down;		/* missed a deadline: the others take it */
	int	 probing;	/* one call tries it meanwhile */
	long	 probe_at;	/* monotonic ms of the next try */
};

struct api {
	struct config	*cf;
	const struct provider *prov;	/* [token] provider: issues */
	char		 db[4096];
	struct store	*stores[API_STORES_MAX];	/* one per thread */
	int		 nstores;
	pthread_mutex_t	 stores_mu;
	struct sigc	*conns[API_SIGNER_CONNS];
	int		 busy[API_SIGNER_CONNS];
	int		 next_signer;	/* the next call's, unless busy */
	struct api_signer signers[API_SIGNERS_MAX];
	int		 nsigners;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 signer_down;	/* every signer is: fail fast */
	struct sigc	*watch_conns[API_SIGNERS_MAX];
	pthread_t	 watch;		/* signer_watch.c's probes */
	int		 watch_started;
	int		 watch_stop;
	int		 signer_waiting; /* not reached since start */
	int		 listening;	/* READY=1 sent */
	pthread_t	 link;		/* signer_link.c's retries */
	int		 link_started;
	int		 link_stop;
	struct sigc	*list_conn;	/* revocation lists only */
	pthread_mutex_t	 list_mu;
	struct sigc_via	 signer;	/* typed calls: the pool */
	struct sigc_via	 lists;		/* typed calls: list_conn */
	struct rate_limit *revokers;	/* DELETEs per caller user */
};

#define API_REQUEST_ID_LEN	40	/* "req-" and a uuid4 */
#define API_LOG_PATH_MAX	256	/* of a path, in the access log */
#define API_LOG_USER_MAX	64
#define API_RAW_PATH_MAX	512	/* longer: no route, 404 */
#define API_PER_IP_MIN		4	/* [api] per_ip_connection_limit's */

/*
 * Per request: made when its request line is read (the path as sent,
 * before MHD decodes it), freed once it completes.
 */
struct api_req {
	int		 begun;		/* the handler's first call came */
	int		 raw_long;	/* the path passed API_RAW_PATH_MAX */
	char		 raw[API_RAW_PATH_MAX + 1];
	char		 query[API_RAW_PATH_MAX + 1];	/* "" if longer */
	char		*body;
	size_t		 len;
	int		 too_big;
	int		 route;		/* index in the route table */
	unsigned int	 status;	/* the answer queued, or 0 */
	double		 start;		/* monotonic seconds */
	char		 id[API_REQUEST_ID_LEN + 1];
	char		 method[8];
	char		 peer[48];
	char		 path[API_LOG_PATH_MAX + 1];
	char		 user[API_LOG_USER_MAX + 1];
	struct pw_job	*pw;		/* its password, checked off-thread */
	int		 pw_inline;	/* the pool refused it: checked here */
	struct answer_job *answer;	/* its answer, made off-thread */
	int		 answer_inline;	/* the pool refused it: made here */
};

/* http.c: answers */
enum MHD_Result	 api_queue(struct MHD_Connection *, unsigned int,
		    struct MHD_Response *);
void		 api_capture(struct api_answer *);
enum MHD_Result	 api_text(struct MHD_Connection *, unsigned int,
		    const char *, const char *);
enum MHD_Result	 api_json(struct MHD_Connection *, unsigned int, json_t *,
		    const char *);
enum MHD_Result	 api_json_text(struct MHD_Connection *, unsigned int,
		    char *, const char *);
enum MHD_Result	 api_error(struct api *, struct MHD_Connection *,
		    unsigned int, const char *);
enum MHD_Result	 api_refuse(struct api *, struct MHD_Connection *,
		    const char *);
enum MHD_Result	 api_unavailable(struct api *, struct MHD_Connection *);
void		 api_base_url(struct api *, struct MHD_Connection *, char *,
		    size_t);
int		 api_has_arg(struct MHD_Connection *, const char *);
int		 api_arg_true(struct MHD_Connection *, const char *);

/* stores.c: the calling thread's own connection to the store */
struct store	*api_store(struct api *);
void		 api_stores_close(struct api *);

/* signer_client.c: a small pool of signer connections, behind a->signer
 * and a->lists (the typed calls of client.h go through them) */
int	api_signer_open(struct api *);
void	api_signer_close(struct api *);
void	api_signer_outcome_locked(struct api *, int, int, int);

/* signer_watch.c: with several signers, those down tried in the
 * background */
int	api_watch_start(struct api *);
void	api_watch_stop(struct api *);

/* signer_link.c: the signer reached at start, or waited for */
int	api_link_start(struct api *);
void	api_link_stop(struct api *);
int	api_signer_up(struct api *);
void	api_notify_ready(struct api *);
void	api_notify_status_locked(struct api *);
/* request_id.c: the request this thread serves (ids, peer, user) */
void		 reqctx_begin(struct api_req *, struct MHD_Connection *,
		    const char *, const char *);
void		 reqctx_enter(struct api_req *);
void		 reqctx_leave(void);
void		 reqctx_end(struct api_req *);
const char	*api_request_id(void);
const char	*api_request_peer(void);
void		 api_request_user(const char *);
void		 api_request_status(unsigned int);

/* request_check.c: a head that could be framed two ways, refused */
const char	*api_head_refused(struct MHD_Connection *, const char *);

/* conn_guard.c: a whole request within [api] request_timeout */
int	guard_start(int);
void	guard_stop(void);
void	guard_notify(void *, struct MHD_Connection *, void **,
	    enum MHD_ConnectionNotificationCode);
void	guard_arm(struct MHD_Connection *);
void	guard_disarm(struct MHD_Connection *);
int	guard_thread_conns(void);

/* routes.c: the route table */
enum MHD_Result	 api_dispatch(struct api *, struct MHD_Connection *,
		    const char *, const char *, struct api_req *, int);
int		 api_route_find(const char *, int);
int		 api_route_needs_store(int);
const char	*api_route_name(int);
int		 api_route_count(void);
void		 api_route_log_path(const char *, char *, size_t);

/* metrics.c: counters (C11 atomics; no lock) and their exposition */
void	metrics_request(int, const char *, unsigned int, double);
void	metrics_signer_call(int, int, int, double);
void	metrics_cache(int);
void	metrics_breaker_trip(void);
void	metrics_uuid_commit(unsigned long);
void	metrics_password_offloaded(void);
void	metrics_answer_offloaded(void);
char	*metrics_text(struct api *);

/* route_health.c: GET /healthcheck and GET /metrics */
enum MHD_Result	 route_healthcheck(struct api *, struct MHD_Connection *);
enum MHD_Result	 route_metrics(struct api *, struct MHD_Connection *);

/* resource.c: the identity API's collections */
enum MHD_Result	 resource_dispatch(struct api *, struct MHD_Connection *,
		    const char *, const char *, struct api_req *);

/* route_version.c, route_tokens.c */
enum MHD_Result	 route_version(struct api *, struct MHD_Connection *,
		    const char *);
enum MHD_Result	 route_tokens(struct api *, struct MHD_Connection *,
		    const char *, struct api_req *);

/* caller.c: who is calling, and what they may do */
int		 api_caller(struct api *, struct MHD_Connection *, json_t **,
		    enum MHD_Result *);
int		 api_caller_at(struct api *, struct MHD_Connection *,
		    uint64_t, json_t **, enum MHD_Result *);
int		 api_may_act(json_t *, const char *, int);
enum MHD_Result	 api_auth_failed(struct api *, struct MHD_Connection *,
		    const struct auth_req *, const char *);

/* route_auth.c */
enum MHD_Result	 route_auth(struct api *, struct MHD_Connection *,
		    const char *, const char *);
enum MHD_Result	 route_certs(struct api *, struct MHD_Connection *, int);
enum MHD_Result	 route_revoked(struct api *, struct MHD_Connection *, int);

/* route_jwks.c: GET /v3/OS-SIMPLE-CERT/jwks */
enum MHD_Result	 route_jwks(struct api *, struct MHD_Connection *);

/* token_doc.c: the token document a client reads */
int	token_doc(struct api *, const Signet__V1__Claims *, int64_t, int,
	    json_t **);
char	*token_doc_text(const json_t *);
json_t	*token_catalog(struct api *, const char *, const char *);

#endif
