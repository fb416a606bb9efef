/*
 * Unit: frame_read_start over a real socket pair. A small frame comes
 * whole with its length; a large one's first bytes come, and the rest
 * with frame_read_body; a byte past the frame, a length over the limit
 * or a zero length is refused and what was read is wiped; the peer gone
 * before a byte is 1.
 */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "frame.h"

struct pair {
	int		 fd[2];
	struct chan	 ch;
};

static int
setup(void **state)
{
	static struct pair	 p;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p.fd) != 0)
		return -1;
	memset(&p.ch, 0, sizeof(p.ch));
	p.ch.fd = p.fd[0];
	*state = &p;
	return 0;
}

static int
teardown(void **state)
{
	struct pair	*p = *state;

	close(p->fd[0]);
	if (p->fd[1] >= 0)
		close(p->fd[1]);
	return 0;
}

/* Writes a length and n body bytes of c, and extra more, in one go. */
static void
send_frame(int fd, uint32_t len, size_t n, char c, size_t extra)
{
	uint8_t	 b[4 + 512];

	assert_true(n + extra <= sizeof(b) - 4);
	b[0] = len >> 24;
	b[1] = len >> 16;
	b[2] = len >> 8;
	b[3] = len;
	memset(b + 4, c, n + extra);
	assert_int_equal(write(fd, b, 4 + n + extra), (ssize_t)(4 + n + extra));
}

static void
small_whole(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[64];
	uint32_t	 n;
	size_t		 got;

	send_frame(p->fd[1], 5, 5, 'a', 0);
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), 0);
	assert_int_equal(n, 5);
	assert_int_equal(got, 5);
	assert_memory_equal(buf, "aaaaa", 5);
}

static void
large_in_two(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[16], rest[300], want[300];
	uint32_t	 n;
	size_t		 got;

	send_frame(p->fd[1], 300, 300, 'b', 0);
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), 0);
	assert_int_equal(n, 300);
	assert_int_equal(got, sizeof(buf));
	assert_int_equal(frame_read_body(&p->ch, rest, n - (uint32_t)got), 0);
	memset(want, 'b', sizeof(want));
	assert_memory_equal(buf, want, got);
	assert_memory_equal(rest, want, n - got);
}

static void
byte_beyond_refused(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[64], zero[64] = { 0 };
	uint32_t	 n;
	size_t		 got;

	send_frame(p->fd[1], 5, 5, 'c', 1);
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), SIG_ERR_BAD_INPUT);
	assert_int_equal(got, 0);
	assert_memory_equal(buf, zero, 6);
}

static void
bad_lengths_refused(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[64];
	uint32_t	 n;
	size_t		 got;

	send_frame(p->fd[1], 2000, 8, 'd', 0);
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), SIG_ERR_BAD_INPUT);
	assert_int_equal(got, 0);
	send_frame(p->fd[1], 0, 0, 'e', 0);
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), SIG_ERR_BAD_INPUT);
}

static void
peer_gone(void **state)
{
	struct pair	*p = *state;
	uint8_t		 buf[64];
	uint32_t	 n;
	size_t		 got;

	close(p->fd[1]);
	p->fd[1] = -1;
	assert_int_equal(frame_read_start(&p->ch, 1024, buf, sizeof(buf),
	    &n, &got), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(small_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(large_in_two, setup, teardown),
		cmocka_unit_test_setup_teardown(byte_beyond_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(bad_lengths_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(peer_gone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
