/*
 * Clients of signerd: connects to the first signer of a comma-separated
 * list of Unix sockets that answers (failing over in order, backing off
 * between rounds until the call's deadline), with send and receive
 * deadlines, numbers each request, and refuses a response whose id is not
 * the request's (a late answer to an earlier call must never be taken for
 * this one: the connection is dropped instead).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "err.h"
#include "frame.h"
#include "log.h"
#include "monotime.h"
#include "tls.h"

#include <openssl/x509v3.h>

#define SIGC_ENDPOINTS_MAX	8
#define SIGC_BACKOFF_MIN_MS	20
#define SIGC_BACKOFF_MAX_MS	500
#define SIGC_SPIN_US		200	/* a Fernet call's answer comes sooner */

struct sigc {
	char		*paths;		/* the list, split in place */
	char		*ep[SIGC_ENDPOINTS_MAX];
	int		 nep;
	int		 cur;		/* the endpoint last connected */
	struct chan	 ch;
	SSL_CTX		*tls;		/* when any endpoint is tcp:// */
	int		 timeout_ms;
	int		 once;		/* sigc_opts' */
	int		 quiet;		/* sigc_try: its caller logs */
	uint64_t	 next_id;
	uint8_t		 buf[SIG_FRAME_MAX];
};

void
sigc_opts_config(const struct config *cf, int timeout_ms,
    struct sigc_opts *o)
{
	o->endpoints = cf->signer_socket;
	o->timeout_ms = timeout_ms;
	o->once = 0;
	o->tls_cert = cf->signer_tls_client_cert;
	o->tls_key = cf->signer_tls_client_key;
	o->tls_ca = cf->signer_tls_ca;
}

static int
timeouts(struct sigc *c, int fd)
{
	struct timeval	 tv = { c->timeout_ms / 1000,
	    (c->timeout_ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int
connect_unix(struct sigc *c, const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (timeouts(c, fd) || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The server's certificate must name HOST (an IP literal as an IP SAN). */
static int
peer_name_check(SSL *ssl, const char *host)
{
	unsigned char	 a[16];

	if (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	return SSL_set1_host(ssl, host);
}

/* "tcp://HOST:PORT" under mutual TLS. */
static int
connect_tls(struct sigc *c, const char *ep)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 host[256], *colon;
	int		 fd = -1;

	snprintf(host, sizeof(host), "%s", ep + 6);
	if ((colon = strrchr(host, ':')) == NULL || c->tls == NULL)
		return -1;
	*colon = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return -1;
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    timeouts(c, fd) || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    (c->ch.ssl = SSL_new(c->tls)) == NULL ||
	    !peer_name_check(c->ch.ssl, host) || !SSL_set_fd(c->ch.ssl, fd) ||
	    SSL_connect(c->ch.ssl) != 1) {
		if (!c->quiet)
			log_info("signer at %s: connection or TLS "
			    "handshake failed", ep);
		SSL_free(c->ch.ssl);
		c->ch.ssl = NULL;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int
connect_one(struct sigc *c, const char *ep)
{
	int	 fd;

	fd = strncmp(ep, "tcp://", 6) == 0 ? connect_tls(c, ep) :
	    connect_unix(c, ep);
	if (fd < 0) {
		log_info("signer at %s: %s", ep, strerror(errno));
		return SIG_ERR_UNAVAILABLE;
	}
	c->ch.fd = fd;
	return 0;
}

/*
 * Every endpoint in turn, from the last good one, until the deadline (or
 * once, for a caller that has other signers to go to).
 */
static int
sigc_connect(struct sigc *c)
{
	long	 deadline = mono_ms() + c->timeout_ms;
	int	 i, backoff = SIGC_BACKOFF_MIN_MS, r = SIG_ERR_UNAVAILABLE;

	for (;;) {
		for (i = 0; i < c->nep; i++) {
			int	 e = (c->cur + i) % c->nep;

			if ((r = connect_one(c, c->ep[e])) == 0) {
				c->cur = e;
				return 0;
			}
		}
		if (r == SIG_ERR_CONFIG || c->once ||
		    mono_ms() + backoff > deadline)
			break;
		usleep(backoff * 1000);
		backoff = backoff * 2 > SIGC_BACKOFF_MAX_MS ?
		    SIGC_BACKOFF_MAX_MS : backoff * 2;
	}
	log_err("no signer answers at %s", c->ep[c->cur]);
	return r;
}

/* Caller owns *cp (sigc_close); it connects at its first call. */
int
sigc_new(const struct sigc_opts *o, struct sigc **cp)
{
	struct sigc	*c;
	char		*tok, *save = NULL;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->paths = strdup(o->endpoints)) == NULL) {
		free(c);
		return SIG_ERR_NOMEM;
	}
	c->ch.fd = -1;
	for (tok = strtok_r(c->paths, ", ", &save); tok != NULL &&
	    c->nep < SIGC_ENDPOINTS_MAX; tok = strtok_r(NULL, ", ", &save))
		c->ep[c->nep++] = tok;
	c->timeout_ms = o->timeout_ms;
	c->once = o->once;
	if (c->nep == 0 || (strstr(o->endpoints, "tcp://") != NULL &&
	    (c->tls = tls_ctx_new(0, o->tls_cert, o->tls_key,
	    o->tls_ca)) == NULL)) {
		sigc_close(c);
		return SIG_ERR_CONFIG;
	}
	c->next_id = 1;
	*cp = c;
	return 0;
}

/* Caller owns *cp (sigc_close); connected, or an error. */
int
sigc_open(const struct sigc_opts *o, struct sigc **cp)
{
	struct sigc	*c;
	int		 r;

	*cp = NULL;
	if ((r = sigc_new(o, &c)) != 0)
		return r;
	if ((r = sigc_connect(c)) != 0) {
		sigc_close(c);
		return r;
	}
	*cp = c;
	return 0;
}

/*
 * One round over the endpoints, no waiting, for a caller that retries on
 * its own schedule: only the first round (quiet 0) says why each endpoint
 * failed, so the caller logs what changes, not every try. 0: connected.
 */
int
sigc_try(struct sigc *c, int quiet)
{
	int	 i, fd;

	if (c->ch.fd >= 0)
		return 0;
	for (i = 0; i < c->nep; i++) {
		int	 e = (c->cur + i) % c->nep;

		c->quiet = quiet;
		fd = strncmp(c->ep[e], "tcp://", 6) == 0 ?
		    connect_tls(c, c->ep[e]) : connect_unix(c, c->ep[e]);
		c->quiet = 0;
		if (fd >= 0) {
			c->ch.fd = fd;
			c->cur = e;
			return 0;
		}
		if (!quiet && strncmp(c->ep[e], "tcp://", 6) != 0)
			log_info("signer at %s: %s", c->ep[e], strerror(errno));
	}
	return SIG_ERR_UNAVAILABLE;
}

static void
sigc_drop(struct sigc *c)
{
	SSL_free(c->ch.ssl);
	c->ch.ssl = NULL;
	if (c->ch.fd >= 0)
		close(c->ch.fd);
	c->ch.fd = -1;
}

void
sigc_close(struct sigc *c)
{
	if (c == NULL)
		return;
	sigc_drop(c);
	SSL_CTX_free(c->tls);
	free(c->paths);
	free(c);
}


/* Frames over SIG_FRAME_MAX (revocation lists) are packed on the heap. */
static int
send_request(struct sigc *c, Signet__V1__Request *req)
{
	uint8_t		 small[SIG_FRAME_MAX], *buf = small;
	size_t		 n;
	int		 r;

	if ((n = signet__v1__request__get_packed_size(req)) >
	    SIG_FRAME_BIG_MAX)
		return SIG_ERR_BAD_INPUT;
	if (n > sizeof(small) && (buf = malloc(n)) == NULL)
		return SIG_ERR_NOMEM;
	signet__v1__request__pack(req, buf);
	r = frame_write(&c->ch, buf, n);
	explicit_bzero(buf, n);	/* a token, a credential's plaintext */
	if (buf != small)
		free(buf);
	return r;
}

/*
 * The answer's frame into c->buf or, when bigger, a heap buffer; NULL
 * *respp when the frame came but did not parse. A Fernet or Health
 * answer is awaited awake for a while; an RSA signature takes
 * milliseconds, so a SignCms caller sleeps at once.
 */
static int
read_response(struct sigc *c, int spin, Signet__V1__Response **respp)
{
	uint8_t		*buf = c->buf;
	uint32_t	 n;
	size_t		 got;
	int		 r;

	*respp = NULL;
	if (spin)
		(void)chan_spin_readable(&c->ch, SIGC_SPIN_US);
	if ((r = frame_read_start(&c->ch, SIG_FRAME_BIG_MAX, c->buf,
	    sizeof(c->buf), &n, &got)) != 0)
		return r;
	if (n > sizeof(c->buf)) {
		if ((buf = malloc(n)) != NULL)
			memcpy(buf, c->buf, got);
		explicit_bzero(c->buf, got);
		if (buf == NULL)
			return SIG_ERR_NOMEM;
	}
	if ((r = got < n ? frame_read_body(&c->ch, buf + got,
	    n - (uint32_t)got) : 0) == 0)
		*respp = signet__v1__response__unpack(NULL, n, buf);
	explicit_bzero(buf, n);
	if (buf != c->buf)
		free(buf);
	return r;
}

/* Caller owns *respp (sigc_response_free). */
int
sigc_call(struct sigc *c, Signet__V1__Request *req,
    Signet__V1__Response **respp)
{
	Signet__V1__Response *resp;
	int		 r;

	*respp = NULL;
	req->id = c->next_id++;
	/* An idle Unix connection with something to read has been closed by
	 * its peer (a signer restarted): it would fail the call, so it is
	 * dropped first. (Over TLS the peer may have sent session tickets:
	 * not checked.) */
	if (c->ch.fd >= 0 && c->ch.ssl == NULL &&
	    chan_spin_readable(&c->ch, 0))
		sigc_drop(c);
	if (c->ch.fd < 0 && (r = sigc_connect(c)) != 0)
		return r;
	if ((r = send_request(c, req)) != 0) {
		/* The signer may have restarted: one fresh connection. */
		sigc_drop(c);
		if ((r = sigc_connect(c)) != 0 ||
		    (r = send_request(c, req)) != 0)
			return SIG_ERR_UNAVAILABLE;
	}
	if (read_response(c, req->call_case !=
	    SIGNET__V1__REQUEST__CALL_SIGN_CMS, &resp) != 0) {
		sigc_drop(c);
		return SIG_ERR_UNAVAILABLE;
	}
	if (resp == NULL || resp->id != req->id) {
		log_err("signer answered %s", resp == NULL ? "garbage" :
		    "another request");
		sigc_response_free(resp);
		sigc_drop(c);
		return SIG_ERR_UNAVAILABLE;
	}
	*respp = resp;
	return 0;
}

void
sigc_response_free(Signet__V1__Response *resp)
{
	if (resp != NULL)
		signet__v1__response__free_unpacked(resp, NULL);
}

static int
call_conn(void *c, Signet__V1__Request *req, Signet__V1__Response **respp)
{
	return sigc_call(c, req, respp);
}

struct sigc_via
sigc_via_conn(struct sigc *c)
{
	struct sigc_via	 v = { call_conn, c };

	return v;
}

/* The answer, taken only when it is the call's own kind and OK. */
static int
sigc_typed(const struct sigc_via *v, Signet__V1__Request *req,
    Signet__V1__Response__ResultCase want, Signet__V1__Response **respp)
{
	int	 r;

	*respp = NULL;
	if ((r = v->call(v->arg, req, respp)) != 0)
		return r;
	if ((*respp)->status != SIGNET__V1__STATUS__STATUS_OK)
		return sig_status_err((int)(*respp)->status);
	if ((*respp)->result_case != want)
		return SIG_ERR_UNAVAILABLE;	/* as a garbage answer */
	return 0;
}

/* Claims for the signer to seal; parent: the token method's, or NULL. */
int
sigc_issue_fernet(const struct sigc_via *v, const Signet__V1__Claims *c,
    const char *parent, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__IssueFernetRequest in;

	signet__v1__request__init(&req);
	signet__v1__issue_fernet_request__init(&in);
	in.claims = (Signet__V1__Claims *)(uintptr_t)c;
	if (parent != NULL)
		in.parent_token = (char *)(uintptr_t)parent;
	req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_FERNET;
	req.issue_fernet = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_ISSUE_FERNET,
	    respp);
}

int
sigc_issue_jws(const struct sigc_via *v, const Signet__V1__Claims *c,
    const char *parent, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__IssueJwsRequest in;

	signet__v1__request__init(&req);
	signet__v1__issue_jws_request__init(&in);
	in.claims = (Signet__V1__Claims *)(uintptr_t)c;
	if (parent != NULL)
		in.parent_token = (char *)(uintptr_t)parent;
	req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_JWS;
	req.issue_jws = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_ISSUE_JWS,
	    respp);
}

int
sigc_open_fernet(const struct sigc_via *v, const char *tok,
    int allow_expired, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__OpenFernetRequest in;

	signet__v1__request__init(&req);
	signet__v1__open_fernet_request__init(&in);
	in.token = (char *)(uintptr_t)tok;
	in.allow_expired = allow_expired;
	req.call_case = SIGNET__V1__REQUEST__CALL_OPEN_FERNET;
	req.open_fernet = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_OPEN_FERNET,
	    respp);
}

int
sigc_sign_cms(const struct sigc_via *v, const uint8_t *body, size_t len,
    enum sigc_cms kind, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__SignCmsRequest in;

	signet__v1__request__init(&req);
	signet__v1__sign_cms_request__init(&in);
	in.body.data = (uint8_t *)(uintptr_t)body;
	in.body.len = len;
	in.compress = kind == SIGC_CMS_PKIZ;
	in.revocation_list = kind == SIGC_CMS_REVOCATION_LIST;
	req.call_case = SIGNET__V1__REQUEST__CALL_SIGN_CMS;
	req.sign_cms = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_SIGN_CMS,
	    respp);
}

int
sigc_public_material(const struct sigc_via *v, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__PublicMaterialRequest in;

	signet__v1__request__init(&req);
	signet__v1__public_material_request__init(&in);
	req.call_case = SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL;
	req.public_material = &in;
	return sigc_typed(v, &req,
	    SIGNET__V1__RESPONSE__RESULT_PUBLIC_MATERIAL, respp);
}

int
sigc_health(const struct sigc_via *v, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__HealthRequest in;

	signet__v1__request__init(&req);
	signet__v1__health_request__init(&in);
	req.call_case = SIGNET__V1__REQUEST__CALL_HEALTH;
	req.health = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_HEALTH,
	    respp);
}

/* A receipt of user_id for the n methods proven, until expires_at. */
int
sigc_issue_receipt(const struct sigc_via *v, const char *user_id,
    const char *const *methods, size_t n, int64_t expires_at,
    Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__IssueReceiptRequest in;

	signet__v1__request__init(&req);
	signet__v1__issue_receipt_request__init(&in);
	in.user_id = (char *)(uintptr_t)user_id;
	in.methods = (char **)(uintptr_t)methods;
	in.n_methods = n;
	in.expires_at = expires_at;
	req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT;
	req.issue_receipt = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_ISSUE_RECEIPT,
	    respp);
}

int
sigc_open_receipt(const struct sigc_via *v, const char *receipt,
    Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__OpenReceiptRequest in;

	signet__v1__request__init(&req);
	signet__v1__open_receipt_request__init(&in);
	in.receipt = (char *)(uintptr_t)receipt;
	req.call_case = SIGNET__V1__REQUEST__CALL_OPEN_RECEIPT;
	req.open_receipt = &in;
	return sigc_typed(v, &req, SIGNET__V1__RESPONSE__RESULT_OPEN_RECEIPT,
	    respp);
}

/* The caller wipes its plaintext; the frame it was packed into is
 * wiped once sent (send_request), the answer's once unpacked. */
int
sigc_encrypt_credential(const struct sigc_via *v, const uint8_t *pt,
    size_t len, Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__EncryptCredentialRequest in;

	signet__v1__request__init(&req);
	signet__v1__encrypt_credential_request__init(&in);
	in.plaintext.data = (uint8_t *)(uintptr_t)pt;
	in.plaintext.len = len;
	req.call_case = SIGNET__V1__REQUEST__CALL_ENCRYPT_CREDENTIAL;
	req.encrypt_credential = &in;
	return sigc_typed(v, &req,
	    SIGNET__V1__RESPONSE__RESULT_ENCRYPT_CREDENTIAL, respp);
}

/* *respp holds the plaintext: the caller wipes it before freeing. */
int
sigc_decrypt_credential(const struct sigc_via *v, const char *blob,
    Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__DecryptCredentialRequest in;

	signet__v1__request__init(&req);
	signet__v1__decrypt_credential_request__init(&in);
	in.blob = (char *)(uintptr_t)blob;
	req.call_case = SIGNET__V1__REQUEST__CALL_DECRYPT_CREDENTIAL;
	req.decrypt_credential = &in;
	return sigc_typed(v, &req,
	    SIGNET__V1__RESPONSE__RESULT_DECRYPT_CREDENTIAL, respp);
}
