/*
 * Unit: sd_notify's datagram reaches a path or an abstract (@) socket as
 * one message, a STATUS= stays one line, and without a usable
 * NOTIFY_SOCKET nothing is sent and nothing fails.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sd_notify.h"

/* A datagram socket bound to ADDR (a path, or @name); NOTIFY_SOCKET set. */
static int
bound(const char *addr)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, addr);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(addr);
	if (addr[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	setenv("NOTIFY_SOCKET", addr, 1);
	return fd;
}

static void
got(int fd, const char *want)
{
	char	 buf[512];
	ssize_t	 n;

	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
path_socket(void **state)
{
	char	 path[64];
	int	 fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/signet-sdn.%d", (int)getpid());
	unlink(path);
	fd = bound(path);
	assert_int_equal(sdnotify_ready("serving on %s", "x.sock"), 1);
	got(fd, "READY=1\nSTATUS=serving on x.sock");
	assert_int_equal(sdnotify_stopping(), 1);
	got(fd, "STOPPING=1\nSTATUS=stopping");
	close(fd);
	unlink(path);
}

static void
abstract_socket(void **state)
{
	char	 name[64];
	int	 fd;

	(void)state;
	snprintf(name, sizeof(name), "@signet-sdn.%d", (int)getpid());
	fd = bound(name);
	/* a second line in a status would be read as another assignment */
	assert_int_equal(sdnotify_status("why: %s", "a\nREADY=1"), 1);
	got(fd, "STATUS=why: a");
	close(fd);
}

static void
no_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	/* a socket that is not there: an error, never a crash or a wait */
	setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
	assert_int_equal(sdnotify_send("READY=1"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_socket),
		cmocka_unit_test(abstract_socket),
		cmocka_unit_test(no_manager),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
