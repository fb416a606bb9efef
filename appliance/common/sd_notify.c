/*
 * Used by signet-signerd and signet-api: the sd_notify(3) protocol without
 * libsystemd. One datagram of "KEY=VALUE" lines to the AF_UNIX socket in
 * $NOTIFY_SOCKET: a path, or an abstract name written with a leading '@'.
 * The manager learns the sender's pid from the kernel (SO_PASSCRED).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd_notify.h"

#define SDNOTIFY_STATUS_MAX	256

/* The address in $NOTIFY_SOCKET; 0 when there is none we can use. */
static socklen_t
notify_addr(struct sockaddr_un *sun)
{
	const char	*e = getenv("NOTIFY_SOCKET");
	size_t		 n;

	if (e == NULL || (e[0] != '/' && e[0] != '@') ||
	    (n = strlen(e)) < 2 || n >= sizeof(sun->sun_path))
		return 0;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, e, n);
	if (e[0] == '@') {
		/* abstract: a leading NUL, and the length says where it ends */
		sun->sun_path[0] = '\0';
		return offsetof(struct sockaddr_un, sun_path) + n;
	}
	return offsetof(struct sockaddr_un, sun_path) + n + 1;
}

/* 1 sent, 0 no manager to tell, -1 failed (the daemon goes on). */
int
sdnotify_send(const char *state)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	ssize_t			 n;
	int			 fd;

	if ((len = notify_addr(&sun)) == 0)
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&sun, len);
	close(fd);
	return n == (ssize_t)strlen(state) ? 1 : -1;
}

static int	send_status(const char *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* HEAD (READY=1, STOPPING=1 or nothing) and a STATUS= line: one datagram. */
static int
send_status(const char *head, const char *fmt, va_list ap)
{
	char	 buf[SDNOTIFY_STATUS_MAX];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%sSTATUS=", head);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	buf[n + strcspn(buf + n, "\n")] = '\0';	/* one line */
	return sdnotify_send(buf);
}

int
sdnotify_status(const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = send_status("", fmt, ap);
	va_end(ap);
	return r;
}

int
sdnotify_ready(const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = send_status("READY=1\n", fmt, ap);
	va_end(ap);
	return r;
}

int
sdnotify_stopping(void)
{
	return sdnotify_send("STOPPING=1\nSTATUS=stopping");
}
