/*
 * signerd and clients: reads and writes length-prefixed frames. A client's
 * socket timeouts (SO_RCVTIMEO/SO_SNDTIMEO) bound every wait; the signer
 * also gives each frame a deadline (struct chan), so a peer that stops or
 * drips mid-frame costs at most that deadline, not a thread.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "monotime.h"

/*
 * Until ch->deadline, for ev (POLLIN or POLLOUT) on the socket; 0 when it
 * came, -1 (errno ETIMEDOUT) when the deadline passed first.
 */
int
chan_wait(struct chan *ch, short ev)
{
	struct pollfd	 p = { ch->fd, ev, 0 };
	double		 left;
	int		 r;

	for (;;) {
		if ((left = ch->deadline - mono_now()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* One SSL_read or SSL_write under the deadline, on a non-blocking socket. */
static int
tls_retry(struct chan *ch, int r)
{
	int	 e = SSL_get_error(ch->ssl, r);

	if (ch->deadline == 0)
		return 0;
	if (e == SSL_ERROR_WANT_READ)
		return chan_wait(ch, POLLIN) == 0;
	if (e == SSL_ERROR_WANT_WRITE)
		return chan_wait(ch, POLLOUT) == 0;
	return 0;
}

/* With a deadline, bytes already there cost one recv, as without. */
static ssize_t
chan_recv(struct chan *ch, uint8_t *p, size_t n)
{
	ssize_t	 r;
	int	 t;

	if (ch->ssl == NULL && ch->deadline == 0)
		return recv(ch->fd, p, n, 0);
	if (ch->ssl == NULL) {
		while ((r = recv(ch->fd, p, n, MSG_DONTWAIT)) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    chan_wait(ch, POLLIN) == 0)
			;
		return r;
	}
	while ((t = SSL_read(ch->ssl, p, n > INT32_MAX ? INT32_MAX :
	    (int)n)) <= 0 && tls_retry(ch, t))
		;
	return t > 0 ? t : -1;
}

static ssize_t
chan_send(struct chan *ch, const uint8_t *p, size_t n, int more)
{
	ssize_t	 r;
	int	 t, fl = MSG_NOSIGNAL | (more ? MSG_MORE : 0);

	if (ch->ssl == NULL && ch->deadline == 0)
		return send(ch->fd, p, n, fl);
	if (ch->ssl == NULL) {
		while ((r = send(ch->fd, p, n, fl | MSG_DONTWAIT)) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    chan_wait(ch, POLLOUT) == 0)
			;
		return r;
	}
	while ((t = SSL_write(ch->ssl, p, n > INT32_MAX ? INT32_MAX :
	    (int)n)) <= 0 && tls_retry(ch, t))
		;
	return t > 0 ? t : -1;
}

/* n bytes or an error; *got says how many arrived before it. */
static int
read_full(struct chan *ch, uint8_t *p, size_t n, size_t *got)
{
	ssize_t	 r;

	*got = 0;
	while (*got < n) {
		r = chan_recv(ch, p + *got, n - *got);
		if (r < 0 && errno == EINTR && ch->ssl == NULL)
			continue;
		if (r <= 0)
			return SIG_ERR_SYSTEM;	/* EOF, timeout or reset */
		*got += (size_t)r;
	}
	return 0;
}

/* The length in hdr, judged against max before any body byte. */
static int
frame_len(const uint8_t *hdr, size_t max, uint32_t *np)
{
	*np = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (*np == 0 || *np > max || *np > SIG_FRAME_BIG_MAX)
		return SIG_ERR_BAD_INPUT;
	return 0;
}

/* The next frame's length. */
int
frame_read_len(struct chan *ch, size_t max, uint32_t *np)
{
	uint8_t		 hdr[4];
	size_t		 got;

	*np = 0;
	if (read_full(ch, hdr, 4, &got) != 0)
		return got == 0 ? 1 : SIG_ERR_BAD_INPUT;
	return frame_len(hdr, max, np);
}

/*
 * frame_read_len, and on a plain socket read without a deadline (a
 * client's) the body's first bytes with it, up to bufsz of them into buf:
 * a small answer then costs one receive, not two. *got: the body's bytes
 * read. Only for a peer that sends nothing unasked after this frame; a
 * byte beyond it is an error.
 */
int
frame_read_start(struct chan *ch, size_t max, uint8_t *buf, size_t bufsz,
    uint32_t *np, size_t *got)
{
	uint8_t		 hdr[4];
	struct iovec	 iov[2] = { { hdr, 4 }, { buf, bufsz } };
	struct msghdr	 mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t		 r;
	size_t		 more;

	*np = 0;
	*got = 0;
	if (ch->ssl != NULL || ch->deadline != 0)
		return frame_read_len(ch, max, np);
	while ((r = recvmsg(ch->fd, &mh, 0)) < 0 && errno == EINTR)
		;
	if (r <= 0)
		return 1;
	if (r < 4 && read_full(ch, hdr + r, 4 - (size_t)r, &more) != 0)
		return SIG_ERR_BAD_INPUT;
	if (frame_len(hdr, max, np) != 0 || (r > 4 && (size_t)r - 4 > *np)) {
		if (r > 4)
			explicit_bzero(buf, (size_t)r - 4);
		return SIG_ERR_BAD_INPUT;
	}
	*got = r > 4 ? (size_t)r - 4 : 0;
	return 0;
}

int
frame_read_body(struct chan *ch, uint8_t *buf, uint32_t n)
{
	size_t	 got;

	return read_full(ch, buf, n, &got) == 0 ? 0 : SIG_ERR_BAD_INPUT;
}

int
frame_read(struct chan *ch, uint8_t *buf, size_t bufsz, size_t *len)
{
	uint32_t	 n;
	int		 r;

	*len = 0;
	if ((r = frame_read_len(ch, bufsz < SIG_FRAME_MAX ? bufsz :
	    SIG_FRAME_MAX, &n)) != 0 || (r = frame_read_body(ch, buf, n)) != 0)
		return r;
	*len = n;
	return 0;
}

int
frame_write(struct chan *ch, const uint8_t *msg, size_t len)
{
	uint8_t	 hdr[4] = { len >> 24 & 0xff, len >> 16 & 0xff,
	    len >> 8 & 0xff, len & 0xff };
	size_t	 off = 0;
	ssize_t	 r;

	if (len == 0 || len > SIG_FRAME_BIG_MAX)
		return SIG_ERR_BAD_INPUT;
	if (ch->ssl == NULL) {	/* header and message in one system call */
		struct iovec	 iov[2] = { { hdr, 4 },
				    { (void *)(uintptr_t)msg, len } };
		struct msghdr	 mh = { .msg_iov = iov, .msg_iovlen = 2 };

		int		 fl = MSG_NOSIGNAL |
				    (ch->deadline != 0 ? MSG_DONTWAIT : 0);

		while ((r = sendmsg(ch->fd, &mh, fl)) < 0 && (errno == EINTR ||
		    (ch->deadline != 0 && (errno == EAGAIN ||
		    errno == EWOULDBLOCK) && chan_wait(ch, POLLOUT) == 0)))
			;
		if (r <= 0)
			return SIG_ERR_SYSTEM;
		off = (size_t)r;
	}
	while (off < 4 + len) {
		if (off < 4)
			r = chan_send(ch, hdr + off, 4 - off, 1);
		else
			r = chan_send(ch, msg + off - 4, len - (off - 4), 0);
		if (r < 0 && errno == EINTR && ch->ssl == NULL)
			continue;
		if (r <= 0)
			return SIG_ERR_SYSTEM;
		off += (size_t)r;
	}
	return 0;
}

/*
 * Waits up to us microseconds on the CPU (0: a single look) for something
 * to read, or a hang-up: a frame that comes that soon then costs neither
 * side a sleep and a wake-up, which on a virtual machine's idle CPU take
 * longer than the call. Over TLS only decrypted bytes already held count.
 */
int
chan_spin_readable(struct chan *ch, int us)
{
	struct pollfd	 p = { ch->fd, POLLIN, 0 };
	double		 end;

	if (ch->ssl != NULL)
		return SSL_pending(ch->ssl) > 0;
	end = mono_now() + us / 1e6;
	while (poll(&p, 1, 0) == 0) {
		if (mono_now() >= end)
			return 0;
		sched_yield();
	}
	return 1;
}
