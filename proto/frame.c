/*
 * signerd and clients: reads and writes length-prefixed frames on a
 * blocking socket whose timeouts (SO_RCVTIMEO/SO_SNDTIMEO) bound every
 * wait, so a peer that stops mid-frame costs a deadline, not a thread.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "monotime.h"

static ssize_t
chan_recv(struct chan *ch, uint8_t *p, size_t n)
{
	int	 r;

	if (ch->ssl == NULL)
		return recv(ch->fd, p, n, 0);
	r = SSL_read(ch->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
	return r > 0 ? r : -1;
}

static ssize_t
chan_send(struct chan *ch, const uint8_t *p, size_t n, int more)
{
	int	 r;

	if (ch->ssl == NULL)
		return send(ch->fd, p, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
	r = SSL_write(ch->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
	return r > 0 ? r : -1;
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

/* The next frame's length, judged against max before any body byte. */
int
frame_read_len(struct chan *ch, size_t max, uint32_t *np)
{
	uint8_t		 hdr[4];
	size_t		 got;

	*np = 0;
	if (read_full(ch, hdr, 4, &got) != 0)
		return got == 0 ? 1 : SIG_ERR_BAD_INPUT;
	*np = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (*np == 0 || *np > max || *np > SIG_FRAME_BIG_MAX)
		return SIG_ERR_BAD_INPUT;
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

		while ((r = sendmsg(ch->fd, &mh, MSG_NOSIGNAL)) < 0 &&
		    errno == EINTR)
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
