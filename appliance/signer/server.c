/*
 * signet-signerd: the Unix socket. A peer's uid is checked with SO_PEERCRED
 * before a byte is read; each connection gets a thread (at most
 * [signer] max_connections); a frame, once begun, must arrive within
 * SIGNER_READ_TIMEOUT_S. A bad frame or message drops that connection and
 * nothing else.
 */
#include <sys/socket.h>

#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "log.h"
#include "monotime.h"
#include "sd_notify.h"
#include "signer.h"
#include "tls.h"
#include "version.h"

#define SCRATCH_SIZE	(80 * 1024)

struct conn {
	struct signer	*sg;
	struct chan	 ch;
	uid_t		 uid;		/* SIGNER_TLS_UID for TLS peers */
	SSL_CTX		*tls;		/* set: handshake before serving */
};

static atomic_int	 nconns;

/* Health: the connections open now. */
unsigned int
server_connections(void)
{
	return (unsigned int)atomic_load(&nconns);
}

static int
peer_allowed(struct signer *sg, int fd, uid_t *uid)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	size_t		 i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return 0;
	*uid = cr.uid;
	for (i = 0; i < sg->nuids; i++)
		if (sg->uids[i] == cr.uid)
			return 1;
	return 0;
}

/* The RPC stays narrow: a message with fields we do not know is refused. */
int
server_request_known(const Signet__V1__Request *req)
{
	const ProtobufCMessage	*sub = NULL;

	if (req->base.n_unknown_fields != 0)
		return 0;
	switch (req->call_case) {
	case SIGNET__V1__REQUEST__CALL_ISSUE_FERNET:
		sub = &req->issue_fernet->base;
		if (req->issue_fernet->claims != NULL &&
		    req->issue_fernet->claims->base.n_unknown_fields != 0)
			return 0;
		break;
	case SIGNET__V1__REQUEST__CALL_OPEN_FERNET:
		sub = &req->open_fernet->base;
		break;
	case SIGNET__V1__REQUEST__CALL_SIGN_CMS:
		sub = &req->sign_cms->base;
		break;
	case SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL:
		sub = &req->public_material->base;
		break;
	case SIGNET__V1__REQUEST__CALL_HEALTH:
		sub = &req->health->base;
		break;
	default:
		break;
	}
	return sub == NULL || sub->n_unknown_fields == 0;
}

/* Waits for a frame's first byte; 0 when the signer is stopping. */
static int
wait_readable(struct conn *cn)
{
	struct pollfd	 p = { cn->ch.fd, POLLIN, 0 };

	if (chan_spin_readable(&cn->ch, SIGNER_SPIN_US))
		return 1;
	while (!cn->sg->stop) {
		if (poll(&p, 1, 200) > 0)
			return 1;
	}
	return 0;
}

/*
 * The request goes to a worker; a full queue, or a peer over its
 * [signer] peer_rate, is answered BUSY here, before it takes a place in
 * the queue from the other peers.
 */
static void
run_request(struct conn *cn, struct job *j, const Signet__V1__Request *req,
    Signet__V1__Response *resp, uint8_t *scratch)
{
	char	 who[24];
	int	 limited;

	j->req = req;
	j->resp = resp;
	j->scratch = scratch;
	j->scratchsz = SCRATCH_SIZE;
	j->peer = cn->uid;
	limited = 0;
	if (cn->sg->cf->signer_peer_rate > 0) {	/* off: no work per call */
		snprintf(who, sizeof(who), "%u", (unsigned)cn->uid);
		limited = !rl_allow(cn->sg->peers, who);
	}
	if (!limited && workq_run(cn->sg->wq, j) == 0)
		return;
	signet__v1__response__init(resp);
	resp->id = req->id;
	resp->status = SIGNET__V1__STATUS__STATUS_BUSY;
	resp->error = (char *)(uintptr_t)(limited ?
	    "signer busy: this peer's [signer] peer_rate is exceeded" :
	    "signer busy: request queue full");
	atomic_fetch_add(&cn->sg->errors, 1);
	atomic_fetch_add(&cn->sg->busy, 1);
}

/* Only a signed revocation list may travel in a frame this big. */
static int
big_allowed(const Signet__V1__Request *req)
{
	return req->call_case == SIGNET__V1__REQUEST__CALL_SIGN_CMS &&
	    req->sign_cms->revocation_list;
}

/*
 * Frames over SIG_FRAME_MAX (revocation lists) get heap buffers, one
 * connection at a time: the signer's memory is locked, so it must stay
 * bounded whatever the peers send.
 */
static pthread_mutex_t	big_mu = PTHREAD_MUTEX_INITIALIZER;

struct frame_bufs {
	uint8_t		*in, *out;	/* the connection's own buffers */
	uint8_t		*bin, *bout;	/* heap, while big */
	int		 big;
};

static void
bufs_release(struct frame_bufs *fb)
{
	free(fb->bin);
	free(fb->bout);
	fb->bin = fb->bout = NULL;
	if (fb->big) {
		malloc_trim(0);	/* a list's tens of MB: locked memory */
		pthread_mutex_unlock(&big_mu);
	}
	fb->big = 0;
}

static uint8_t *
bufs_big(struct frame_bufs *fb, uint8_t **slot, size_t n)
{
	if (!fb->big) {
		pthread_mutex_lock(&big_mu);
		fb->big = 1;
	}
	return *slot = malloc(n);
}

static Signet__V1__Request *
read_request(struct conn *cn, struct frame_bufs *fb)
{
	Signet__V1__Request	*req;
	uint8_t			*buf = fb->in;
	uint32_t		 n;
	int			 r;

	if ((r = frame_read_len(&cn->ch, SIG_FRAME_BIG_MAX, &n)) != 0 ||
	    (n > SIG_FRAME_MAX && (buf = bufs_big(fb, &fb->bin, n)) ==
	    NULL) || (r = frame_read_body(&cn->ch, buf, n)) != 0) {
		if (r < 0)
			log_info("peer uid %u: bad or cut frame; dropped",
			    (unsigned)cn->uid);
		return NULL;
	}
	req = signet__v1__request__unpack(NULL, n, buf);
	if (req == NULL || !server_request_known(req) ||
	    (n > SIG_FRAME_MAX && !big_allowed(req))) {
		log_info("peer uid %u: malformed or oversized request; "
		    "dropped", (unsigned)cn->uid);
		signet__v1__request__free_unpacked(req, NULL);
		return NULL;
	}
	return req;
}

static int
serve_one(struct conn *cn, struct job *j, uint8_t *in, uint8_t *out,
    uint8_t *scratch)
{
	struct frame_bufs	 fb = { in, out, NULL, NULL, 0 };
	Signet__V1__Request	*req;
	Signet__V1__Response	 resp;
	uint8_t			*obuf = out;
	size_t			 n;
	int			 r = SIG_ERR_SYSTEM;

	if ((req = read_request(cn, &fb)) == NULL) {
		bufs_release(&fb);
		return -1;
	}
	run_request(cn, j, req, &resp, scratch);
	n = signet__v1__response__get_packed_size(&resp);
	if (n <= SIG_FRAME_MAX || (big_allowed(req) &&
	    (obuf = bufs_big(&fb, &fb.bout, n)) != NULL))
		r = (signet__v1__response__pack(&resp, obuf),
		    frame_write(&cn->ch, obuf, n));
	op_scratch_wipe(scratch);
	signet__v1__request__free_unpacked(req, NULL);
	bufs_release(&fb);
	return r == 0 ? 0 : -1;
}

/*
 * The handshake runs in the connection's thread, under its read deadline:
 * a slow or silent TCP peer holds up no one. No frame is parsed before it
 * has proved a certificate from the pinned CA.
 */
static int
tls_accept(struct conn *cn)
{
	struct audit_rec rec = { "connect", SIGNER_TLS_UID, NULL, "", NULL };
	char		 name[160], result[200];

	if ((cn->ch.ssl = SSL_new(cn->tls)) == NULL ||
	    !SSL_set_fd(cn->ch.ssl, cn->ch.fd) || SSL_accept(cn->ch.ssl) != 1) {
		log_warn("TLS peer refused: handshake or certificate failed");
		rec.result = "tls peer denied";
		(void)audit_write(cn->sg->audit, &rec);
		return -1;
	}
	tls_peer_name(cn->ch.ssl, name, sizeof(name));
	snprintf(result, sizeof(result), "tls peer %s", name);
	rec.result = result;
	(void)audit_write(cn->sg->audit, &rec);
	return 0;
}

static void *
conn_run(void *arg)
{
	struct conn	*cn = arg;
	struct job	 j;
	struct timeval	 tv = { SIGNER_READ_TIMEOUT_S, 0 };
	uint8_t		*in = malloc(SIG_FRAME_MAX);
	uint8_t		*out = malloc(SIG_FRAME_MAX);
	uint8_t		*scratch = calloc(1, SCRATCH_SIZE);

	memset(&j, 0, sizeof(j));
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	setsockopt(cn->ch.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(cn->ch.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (cn->tls == NULL || tls_accept(cn) == 0)
		while (in != NULL && out != NULL && scratch != NULL &&
		    wait_readable(cn) &&
		    serve_one(cn, &j, in, out, scratch) == 0)
			;
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
	SSL_free(cn->ch.ssl);
	close(cn->ch.fd);
	free(in);
	free(out);
	free(scratch);
	free(cn);
	atomic_fetch_sub(&nconns, 1);
	return NULL;
}

static void
accept_one(struct signer *sg, int lfd, SSL_CTX *tls)
{
	struct conn	*cn;
	pthread_t	 t;
	uid_t		 uid = SIGNER_TLS_UID;
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (tls == NULL && !peer_allowed(sg, fd, &uid)) {
		struct audit_rec rec = { "connect", uid, NULL, "peer denied", NULL };

		log_warn("peer uid %d denied", (int)uid);
		(void)audit_write(sg->audit, &rec);
		close(fd);
		return;
	}
	if (atomic_load(&nconns) >= sg->cf->signer_max_connections ||
	    (cn = calloc(1, sizeof(*cn))) == NULL) {
		struct audit_rec rec = { "connect", uid, NULL,
		    "refused: connection limit", NULL };

		log_warn("connection limit reached; peer uid %u refused",
		    (unsigned)uid);
		(void)audit_write(sg->audit, &rec);
		close(fd);
		return;
	}
	if (tls == NULL) {	/* a TLS peer is audited after its handshake */
		struct audit_rec rec = { "connect", uid, NULL, "accepted", NULL };

		(void)audit_write(sg->audit, &rec);
	}
	cn->sg = sg;
	cn->ch.fd = fd;
	cn->uid = uid;
	cn->tls = tls;
	atomic_fetch_add(&nconns, 1);
	if (signer_thread(&t, conn_run, cn) != 0) {
		atomic_fetch_sub(&nconns, 1);
		close(fd);
		free(cn);
		return;
	}
	pthread_detach(t);
}

/*
 * SIGHUP, or the periodic rescan: the token's keys as they are now. A
 * SIGHUP is recorded: that record tells whether the log is writable
 * again (a disk freed), so Health is true before the next issuance.
 */
static void
reload(struct signer *sg, int hup)
{
	struct audit_rec rec = { "reload", getuid(), NULL, "ok", NULL };

	keyring_reload(sg);
	if (audit_reopen(sg->audit) != 0)
		log_err("reload: audit log not reopened");
	if (hup)
		(void)audit_write(sg->audit, &rec);
	cms_key_recheck(sg);
}

/* "HOST:PORT" (IPv6 as [ADDR]:PORT): a TCP listener for mutual TLS. */
static int
listen_tcp(const char *spec)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 host[256], *port;
	int		 fd = -1, on = 1;

	snprintf(host, sizeof(host), "%s", spec);
	if ((port = strrchr(host, ':')) == NULL) {
		log_err("[signer] tcp_listen: '%s' is not HOST:PORT", spec);
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &ai) != 0 ||
	    (fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		log_err("[signer] tcp_listen %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	return fd;
}

static int
open_listeners(struct signer *sg, struct pollfd *p, SSL_CTX **tls)
{
	p[0].fd = sock_listen(sg);
	p[0].events = p[1].events = POLLIN;
	p[1].fd = -1;
	*tls = NULL;
	if (p[0].fd < 0)
		return SIG_ERR_CONFIG;
	if (sg->cf->signer_tcp_listen == NULL)
		return 0;
	if ((*tls = tls_ctx_new(1, sg->cf->signer_tls_cert,
	    sg->cf->signer_tls_key, sg->cf->signer_tls_ca)) == NULL ||
	    (p[1].fd = listen_tcp(sg->cf->signer_tcp_listen)) < 0)
		return SIG_ERR_CONFIG;
	log_info("serving mutual TLS on %s", sg->cf->signer_tcp_listen);
	return 0;
}

/*
 * The service manager hears READY=1 only from a signer whose self-test
 * passed and whose socket listens; one that failed says why and never
 * becomes ready, so systemd fails its start instead of ordering
 * signet-api after a signer that refuses every call.
 */
static void
notify_listening(struct signer *sg)
{
	if (atomic_load(&sg->ready))
		sdnotify_ready("serving on %s", sg->cf->signer_socket);
	else
		sdnotify_status("not serving: %s", sg->why[0] != '\0' ?
		    sg->why : "not ready");
}

/* Serves until SIGTERM; in-flight calls finish before it returns. */
int
server_run(struct signer *sg)
{
	struct pollfd	 p[2];
	SSL_CTX		*tls;
	double		 next_scan, next_try = 0;
	int		 waited, r;

	next_scan = mono_now() + sg->cf->signer_rescan_interval;

	if ((r = open_listeners(sg, p, &tls)) != 0)
		goto out;
	if (workq_new(sg, sg->cf->signer_workers, sg->cf->signer_queue_max,
	    &sg->wq) != 0) {
		r = SIG_ERR_SYSTEM;
		goto out;
	}
	log_info("signet-signerd %s (pid %d) serving the RPC on %s%s%s",
	    SIGNET_VERSION, (int)getpid(), sg->cf->signer_socket,
	    sg->cf->signer_tcp_listen != NULL ? " and tcp://" : "",
	    sg->cf->signer_tcp_listen != NULL ? sg->cf->signer_tcp_listen :
	    "");
	notify_listening(sg);
	while (!sg->stop) {
		/* a lost HSM call, or keys that cannot be read: look at
		 * the token again, once a second */
		if (sg->reload || (sg->cf->signer_rescan_interval > 0 &&
		    mono_now() >= next_scan) || ((atomic_load(&sg->recheck) ||
		    atomic_load(&sg->hsm_lost)) && mono_now() >= next_try)) {
			atomic_store(&sg->recheck, 0);
			reload(sg, sg->reload);
			sg->reload = 0;
			next_scan = mono_now() + sg->cf->signer_rescan_interval;
			next_try = mono_now() + 1;
		}
		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[0].revents & POLLIN)
			accept_one(sg, p[0].fd, NULL);
		if (p[1].revents & POLLIN)
			accept_one(sg, p[1].fd, tls);
	}
	sdnotify_stopping();
	for (waited = 0; atomic_load(&nconns) > 0 && waited < 100; waited++)
		usleep(50 * 1000);
	workq_free(sg->wq);
	sg->wq = NULL;
 out:
	sock_close(sg, p[0].fd);
	if (p[1].fd >= 0)
		close(p[1].fd);
	SSL_CTX_free(tls);
	return r;
}
