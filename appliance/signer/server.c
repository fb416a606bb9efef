/*
 * signet-signerd: the Unix socket. A peer's uid is checked with SO_PEERCRED
 * before a byte is read; each connection gets a thread (at most
 * [signer] max_connections, and [signer] max_connections_per_peer for one
 * uid); a frame, once begun, must arrive whole within
 * SIGNER_READ_TIMEOUT_S, and a connection that sends none for
 * [signer] idle_timeout is closed. A bad frame or message drops that
 * connection and nothing else.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
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
	int		 peer;		/* its index in peer_conns, peer_big */
	SSL_CTX		*tls;		/* set: handshake before serving */
};

#define REFUSED_DENIED	"peer denied"
#define REFUSED_LIMIT	"refused: connection limit"
#define REFUSED_PEER	"refused: per-peer connection limit"
#define REFUSED_TLS	"tls peer denied"

static atomic_int	 nconns;
/* By peer: sg->uids' index, SIGNER_UIDS_MAX for every TLS peer. Only the
 * accept loop adds, so a check and its add need no lock. */
static atomic_int	 peer_conns[SIGNER_PEERS];

/* Health: the connections open now. */
unsigned int
server_connections(void)
{
	return (unsigned int)atomic_load(&nconns);
}

/* The peer's index in sg->uids, or -1 when it is not allowed. */
static int
peer_allowed(struct signer *sg, int fd, uid_t *uid)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	size_t		 i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return -1;
	*uid = cr.uid;
	for (i = 0; i < sg->nuids; i++)
		if (sg->uids[i] == cr.uid)
			return (int)i;
	return -1;
}

/* [signer] max_connections_per_peer; 0: half of max_connections. */
static int
peer_cap(const struct signer *sg)
{
	int	 cap = sg->cf->signer_max_connections_per_peer;

	if (cap == 0)
		cap = (sg->cf->signer_max_connections + 1) / 2;
	return cap;
}

/* A message-typed field's values in m: how many, at *v. */
static size_t
field_messages(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    ProtobufCMessage *const **v)
{
	const char	*p = (const char *)m + f->offset;
	const char	*q = (const char *)m + f->quantifier_offset;

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		*v = *(ProtobufCMessage *const *const *)(const void *)p;
		return *(const size_t *)(const void *)q;
	}
	if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
	    *(const uint32_t *)(const void *)q != f->id)
		return 0;	/* another of its oneof is set */
	*v = (ProtobufCMessage *const *)(const void *)p;
	return 1;
}

/*
 * The RPC stays narrow: a message with fields we do not know, at any
 * depth, is refused. The walk follows signer.proto's descriptors, as
 * protobuf-c's packer does, so a new call's messages need no line here.
 */
static int
message_known(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	ProtobufCMessage *const *v;
	size_t		 i, j, n;

	if (m->n_unknown_fields != 0)
		return 0;
	for (i = 0; i < d->n_fields; i++) {
		if (d->fields[i].type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		n = field_messages(m, &d->fields[i], &v);
		for (j = 0; j < n; j++)
			if (v[j] != NULL && !message_known(v[j]))
				return 0;
	}
	return 1;
}

int
server_request_known(const Signet__V1__Request *req)
{
	return message_known(&req->base);
}

/*
 * Waits for a frame's first byte; 0 when the signer is stopping or the
 * peer sent nothing for [signer] idle_timeout: an idle connection would
 * otherwise keep its slot for ever. The clock is read only once the peer
 * has kept the thread waiting.
 */
static int
wait_readable(struct conn *cn)
{
	struct pollfd	 p = { cn->ch.fd, POLLIN, 0 };
	int		 idle = cn->sg->cf->signer_idle_timeout;
	double		 until;

	if (chan_spin_readable(&cn->ch, cn->sg->cf->signer_spin_us))
		return 1;
	until = mono_now() + idle;
	while (!cn->sg->stop) {
		if (poll(&p, 1, 200) > 0)
			return 1;
		if (idle > 0 && mono_now() >= until) {
			log_info("peer uid %u: idle for %d s; connection "
			    "closed", (unsigned)cn->uid, idle);
			return 0;
		}
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

/*
 * Frames over SIG_FRAME_MAX (revocation lists) get heap buffers. The
 * signer's memory is locked, so it must stay bounded whatever the peers
 * send, yet a peer that drips such a frame (or reads its answer slowly)
 * must not keep the others from having a list signed. So each peer (uid;
 * every TLS peer together) has a big-frame slot of its own, held while
 * its frame is read, signed and written back, each within its frame
 * deadline; and the signing itself, which no peer paces, takes
 * big_run_mu, one list at a time. A slow peer delays only its own lists;
 * memory stays below SIGNER_PEERS big requests and their answers.
 */
static pthread_mutex_t	peer_big[SIGNER_PEERS] = {
	[0 ... SIGNER_PEERS - 1] = PTHREAD_MUTEX_INITIALIZER };
static pthread_mutex_t	big_run_mu = PTHREAD_MUTEX_INITIALIZER;

struct frame_bufs {
	uint8_t		*in, *out;	/* the connection's own buffers */
	uint8_t		*bin, *bout;	/* heap, while big */
	pthread_mutex_t	*big;		/* the peer's slot, while held */
};

static void
bufs_release(struct frame_bufs *fb)
{
	free(fb->bin);
	free(fb->bout);
	fb->bin = fb->bout = NULL;
	if (fb->big != NULL) {
		malloc_trim(0);	/* a list's tens of MB: locked memory */
		pthread_mutex_unlock(fb->big);
	}
	fb->big = NULL;
}

static uint8_t *
bufs_big(struct conn *cn, struct frame_bufs *fb, uint8_t **slot, size_t n)
{
	if (fb->big == NULL) {
		fb->big = &peer_big[cn->peer];
		pthread_mutex_lock(fb->big);
	}
	return *slot = malloc(n);
}

/*
 * *clean is 0 when a string in it is not clean text (wire_text.c): that
 * request is answered BAD_REQUEST, not run.
 */
static Signet__V1__Request *
read_request(struct conn *cn, struct frame_bufs *fb, int *clean)
{
	Signet__V1__Request	*req;
	uint8_t			*buf = fb->in;
	uint32_t		 n;
	int			 r, w;

	/* its first byte is there: the whole frame by the deadline */
	cn->ch.deadline = mono_now() + SIGNER_READ_TIMEOUT_S;
	if ((r = frame_read_len(&cn->ch, SIG_FRAME_BIG_MAX, &n)) != 0 ||
	    (n > SIG_FRAME_MAX && (buf = bufs_big(cn, fb, &fb->bin, n)) ==
	    NULL) || (r = frame_read_body(&cn->ch, buf, n)) != 0) {
		if (r < 0)
			log_info("peer uid %u: bad or cut frame; dropped",
			    (unsigned)cn->uid);
		return NULL;
	}
	w = wire_check(buf, n);
	req = w == WIRE_SHAPE ? NULL : signet__v1__request__unpack(NULL, n,
	    buf);
	if (req == NULL || !server_request_known(req) ||
	    (n > SIG_FRAME_MAX && !op_big_allowed(req))) {
		log_info("peer uid %u: malformed or oversized request; "
		    "dropped", (unsigned)cn->uid);
		signet__v1__request__free_unpacked(req, NULL);
		return NULL;
	}
	if (!(*clean = w == WIRE_OK))
		log_info("peer uid %u: a string holds a NUL or is not UTF-8; "
		    "refused", (unsigned)cn->uid);
	return req;
}

static void
refuse_text(struct conn *cn, const Signet__V1__Request *req,
    Signet__V1__Response *resp)
{
	signet__v1__response__init(resp);
	resp->id = req->id;
	resp->status = SIGNET__V1__STATUS__STATUS_BAD_REQUEST;
	resp->error = (char *)(uintptr_t)"a string field holds a NUL byte or "
	    "is not well-formed UTF-8";
	atomic_fetch_add(&cn->sg->calls, 1);
	atomic_fetch_add(&cn->sg->errors, 1);
}

static int
serve_one(struct conn *cn, struct job *j, uint8_t *in, uint8_t *out,
    uint8_t *scratch)
{
	struct frame_bufs	 fb = { in, out, NULL, NULL, NULL };
	Signet__V1__Request	*req;
	Signet__V1__Response	 resp;
	uint8_t			*obuf = out;
	size_t			 n;
	int			 r = SIG_ERR_SYSTEM, clean, running;

	if ((req = read_request(cn, &fb, &clean)) == NULL) {
		bufs_release(&fb);
		return -1;
	}
	if ((running = fb.big != NULL))	/* the peer's frame is in */
		pthread_mutex_lock(&big_run_mu);
	if (clean)
		run_request(cn, j, req, &resp, scratch);
	else
		refuse_text(cn, req, &resp);
	n = signet__v1__response__get_packed_size(&resp);
	if (n > SIG_FRAME_MAX && (!op_big_allowed(req) ||
	    (obuf = bufs_big(cn, &fb, &fb.bout, n)) == NULL))
		obuf = NULL;
	if (obuf != NULL)
		signet__v1__response__pack(&resp, obuf);
	if (running)
		pthread_mutex_unlock(&big_run_mu);
	if (obuf != NULL) {
		cn->ch.deadline = mono_now() + SIGNER_READ_TIMEOUT_S;
		r = frame_write(&cn->ch, obuf, n);
	}
	op_scratch_wipe(scratch);
	signet__v1__request__free_unpacked(req, NULL);
	bufs_release(&fb);
	return r == 0 ? 0 : -1;
}

/* The whole handshake by one deadline, however the peer spreads it. */
static int
tls_handshake(struct conn *cn)
{
	int	 r, e;

	cn->ch.deadline = mono_now() + SIGNER_READ_TIMEOUT_S;
	while ((r = SSL_accept(cn->ch.ssl)) != 1) {
		e = SSL_get_error(cn->ch.ssl, r);
		if (!(e == SSL_ERROR_WANT_READ && chan_wait(&cn->ch,
		    POLLIN) == 0) && !(e == SSL_ERROR_WANT_WRITE &&
		    chan_wait(&cn->ch, POLLOUT) == 0))
			return -1;
	}
	return 0;
}

/*
 * The handshake runs in the connection's thread, under its deadline: a
 * slow or silent TCP peer holds up no one. No frame is parsed before it
 * has proved a certificate from the pinned CA. The socket stays
 * non-blocking: every frame then has a deadline of its own (frame.c).
 */
static int
tls_accept(struct conn *cn)
{
	struct audit_rec rec = { "connect", SIGNER_TLS_UID, NULL, "", NULL };
	char		 name[160], result[200];
	int		 fl = fcntl(cn->ch.fd, F_GETFL);

	if (fl < 0 || fcntl(cn->ch.fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    (cn->ch.ssl = SSL_new(cn->tls)) == NULL ||
	    !SSL_set_fd(cn->ch.ssl, cn->ch.fd) || tls_handshake(cn) != 0) {
		refused(cn->sg, SIGNER_TLS_UID, REFUSED_TLS);
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
	atomic_fetch_sub(&peer_conns[cn->peer], 1);
	free(cn);
	atomic_fetch_sub(&nconns, 1);
	return NULL;
}

/*
 * No peer may hold every slot: one uid (every TLS peer counts as one)
 * gets at most peer_cap(), so a peer that opens connections and keeps
 * them cannot lock out signet-api. No uid is exempt, the signer's own
 * included: it is a peer like the others. NULL: refused, and why.
 */
static const char *
admit(struct signer *sg, int peer)
{
	if (atomic_load(&nconns) >= sg->cf->signer_max_connections)
		return REFUSED_LIMIT;
	if (atomic_load(&peer_conns[peer]) >= peer_cap(sg))
		return REFUSED_PEER;
	return NULL;
}

static void
accept_one(struct signer *sg, int lfd, SSL_CTX *tls)
{
	struct conn	*cn;
	pthread_t	 t;
	uid_t		 uid = SIGNER_TLS_UID;
	const char	*why;
	int		 fd, peer = SIGNER_UIDS_MAX;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (tls == NULL && (peer = peer_allowed(sg, fd, &uid)) < 0) {
		refused(sg, uid, REFUSED_DENIED);
		close(fd);
		return;
	}
	if ((why = admit(sg, peer)) != NULL ||
	    (cn = calloc(1, sizeof(*cn))) == NULL) {
		refused(sg, uid, why != NULL ? why : REFUSED_LIMIT);
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
	cn->peer = peer;
	cn->tls = tls;
	atomic_fetch_add(&nconns, 1);
	atomic_fetch_add(&peer_conns[peer], 1);
	if (signer_thread(&t, conn_run, cn) != 0) {
		atomic_fetch_sub(&peer_conns[peer], 1);
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
	signing_key_recheck(sg);
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
		refused_flush(sg, 0);
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
	refused_flush(sg, 1);
	workq_free(sg->wq);
	sg->wq = NULL;
 out:
	sock_close(sg, p[0].fd);
	if (p[1].fd >= 0)
		close(p[1].fd);
	SSL_CTX_free(tls);
	return r;
}
