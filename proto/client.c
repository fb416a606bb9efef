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

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "err.h"
#include "frame.h"
#include "log.h"

#define SIGC_ENDPOINTS_MAX	8
#define SIGC_BACKOFF_MIN_MS	20
#define SIGC_BACKOFF_MAX_MS	500

struct sigc {
	char		*paths;		/* the list, split in place */
	char		*ep[SIGC_ENDPOINTS_MAX];
	int		 nep;
	int		 cur;		/* the endpoint last connected */
	int		 fd;
	int		 timeout_ms;
	uint64_t	 next_id;
	uint8_t		 buf[SIG_FRAME_MAX];
};

static int
connect_one(struct sigc *c, const char *path)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { c->timeout_ms / 1000,
	    (c->timeout_ms % 1000) * 1000 };

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return SIG_ERR_CONFIG;
	strcpy(sun.sun_path, path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return SIG_ERR_SYSTEM;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		log_info("signer at %s: %s", path, strerror(errno));
		close(c->fd);
		c->fd = -1;
		return SIG_ERR_HSM_REINIT;
	}
	return 0;
}

static long
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Every endpoint in turn, from the last good one, until the deadline. */
static int
sigc_connect(struct sigc *c)
{
	long	 deadline = mono_ms() + c->timeout_ms;
	int	 i, backoff = SIGC_BACKOFF_MIN_MS, r = SIG_ERR_HSM_REINIT;

	for (;;) {
		for (i = 0; i < c->nep; i++) {
			int	 e = (c->cur + i) % c->nep;

			if ((r = connect_one(c, c->ep[e])) == 0) {
				c->cur = e;
				return 0;
			}
		}
		if (r == SIG_ERR_CONFIG || mono_ms() + backoff > deadline)
			break;
		usleep(backoff * 1000);
		backoff = backoff * 2 > SIGC_BACKOFF_MAX_MS ?
		    SIGC_BACKOFF_MAX_MS : backoff * 2;
	}
	log_err("no signer answers at %s", c->ep[c->cur]);
	return r;
}

/* Caller owns *cp (sigc_close). */
int
sigc_open(const char *path, int timeout_ms, struct sigc **cp)
{
	struct sigc	*c;
	int		 r;

	*cp = NULL;
	char		*tok, *save = NULL;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->paths = strdup(path)) == NULL) {
		free(c);
		return SIG_ERR_NOMEM;
	}
	c->fd = -1;
	for (tok = strtok_r(c->paths, ", ", &save); tok != NULL &&
	    c->nep < SIGC_ENDPOINTS_MAX; tok = strtok_r(NULL, ", ", &save))
		c->ep[c->nep++] = tok;
	if (c->nep == 0) {
		sigc_close(c);
		return SIG_ERR_CONFIG;
	}
	c->timeout_ms = timeout_ms;
	c->next_id = 1;
	if ((r = sigc_connect(c)) != 0) {
		sigc_close(c);
		return r;
	}
	*cp = c;
	return 0;
}

void
sigc_close(struct sigc *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->paths);
	free(c);
}

static void
sigc_drop(struct sigc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
send_request(struct sigc *c, Signet__V1__Request *req)
{
	uint8_t		 buf[SIG_FRAME_MAX];
	size_t		 n;

	if ((n = signet__v1__request__get_packed_size(req)) > sizeof(buf))
		return SIG_ERR_BAD_INPUT;
	signet__v1__request__pack(req, buf);
	return frame_write(c->fd, buf, n);
}

/* Caller owns *respp (sigc_response_free). */
int
sigc_call(struct sigc *c, Signet__V1__Request *req,
    Signet__V1__Response **respp)
{
	Signet__V1__Response *resp;
	size_t		 n;
	int		 r;

	*respp = NULL;
	req->id = c->next_id++;
	if (c->fd < 0 && (r = sigc_connect(c)) != 0)
		return r;
	if ((r = send_request(c, req)) != 0) {
		/* The signer may have restarted: one fresh connection. */
		sigc_drop(c);
		if ((r = sigc_connect(c)) != 0 ||
		    (r = send_request(c, req)) != 0)
			return SIG_ERR_HSM_REINIT;
	}
	if ((r = frame_read(c->fd, c->buf, sizeof(c->buf), &n)) != 0) {
		sigc_drop(c);
		return SIG_ERR_HSM_REINIT;
	}
	resp = signet__v1__response__unpack(NULL, n, c->buf);
	if (resp == NULL || resp->id != req->id) {
		log_err("signer answered %s", resp == NULL ? "garbage" :
		    "another request");
		sigc_response_free(resp);
		sigc_drop(c);
		return SIG_ERR_HSM_REINIT;
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
