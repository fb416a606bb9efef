/*
 * Clients of signerd: connects to its Unix socket with send and receive
 * deadlines, numbers each request, and refuses a response whose id is not
 * the request's (a late answer to an earlier call must never be taken for
 * this one: the connection is dropped instead).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "err.h"
#include "frame.h"
#include "log.h"

struct sigc {
	char		*path;
	int		 fd;
	int		 timeout_ms;
	uint64_t	 next_id;
	uint8_t		 buf[SIG_FRAME_MAX];
};

static int
sigc_connect(struct sigc *c)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { c->timeout_ms / 1000,
	    (c->timeout_ms % 1000) * 1000 };

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(c->path) >= sizeof(sun.sun_path))
		return SIG_ERR_CONFIG;
	strcpy(sun.sun_path, c->path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return SIG_ERR_SYSTEM;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		log_err("signer at %s: %s", c->path, strerror(errno));
		close(c->fd);
		c->fd = -1;
		return SIG_ERR_HSM_REINIT;
	}
	return 0;
}

/* Caller owns *cp (sigc_close). */
int
sigc_open(const char *path, int timeout_ms, struct sigc **cp)
{
	struct sigc	*c;
	int		 r;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		return SIG_ERR_NOMEM;
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
	free(c->path);
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
