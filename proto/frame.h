/*
 * The RPC's framing, shared by signerd and its clients: a 4-byte
 * big-endian length, then one protobuf message of at most SIG_FRAME_MAX
 * bytes. The length is judged before a byte of the body is read. A
 * channel is a Unix socket, or a TCP socket under mutual TLS.
 */
#ifndef SIGNET_FRAME_H
#define SIGNET_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define SIG_FRAME_MAX	(64 * 1024)	/* every call but one */
#define SIG_FRAME_BIG_MAX (12 * 1024 * 1024) /* a signed revocation list:
					   one at a time, heap buffers */

/*
 * deadline (monotonic seconds, 0: none) bounds a whole frame, however its
 * bytes are spread: the socket's SO_RCVTIMEO bounds only each recv, so a
 * peer dripping a byte now and then would otherwise never be cut. With a
 * deadline the socket is read without blocking and polled for the time
 * left; a TLS socket must then be non-blocking itself.
 */
struct chan {
	int	 fd;
	SSL	*ssl;	/* NULL on a Unix socket */
	double	 deadline;
};

/* 0: a frame; 1: clean EOF before its first byte; <0: drop the peer. */
int	frame_read(struct chan *, uint8_t *, size_t, size_t *);
/* The same in two steps, for a reader that sizes its buffer itself. */
int	frame_read_len(struct chan *, size_t, uint32_t *);
int	frame_read_body(struct chan *, uint8_t *, uint32_t);
int	frame_read_start(struct chan *, size_t, uint8_t *, size_t,
	    uint32_t *, size_t *);
int	frame_write(struct chan *, const uint8_t *, size_t);
int	chan_spin_readable(struct chan *, int);
int	chan_wait(struct chan *, short);

#endif
