/*
 * signet-api: a whole request within [api] request_timeout. MHD's own
 * timeout counts idle time only and restarts on every byte, so a peer
 * dripping a byte every few seconds would hold a connection for ever. Here
 * each connection has a deadline, set when it is accepted and again when
 * a request on it completes, and cleared once a request's head and body
 * are all in; a thread shuts down the socket of any connection past it,
 * and MHD, reading the end of the stream, closes the connection.
 *
 * MHD calls CLOSED before it closes the socket, and CLOSED takes the same
 * lock the reaper holds while it shuts sockets down, so a descriptor the
 * reaper touches is always still this connection's: never one the kernel
 * has since given to another.
 */
#include <sys/socket.h>

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "api.h"
#include "log.h"
#include "monotime.h"

#define GUARD_TICK_MS	200

struct guard {
	int		 fd;
	long		 deadline;	/* monotonic ms; 0: none */
	struct guard	*prev, *next;
};

static pthread_mutex_t	 guard_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 guard_cv = PTHREAD_COND_INITIALIZER;
static struct guard	*guard_head;
static pthread_t	 guard_thread;
static int		 guard_running;
static int		 guard_quit;
static long		 guard_ms;	/* [api] request_timeout */

static struct guard *
guard_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

static void
guard_add(struct MHD_Connection *c, void **socket_context)
{
	const union MHD_ConnectionInfo	*ci;
	struct guard			*g;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL || (g = calloc(1, sizeof(*g))) == NULL) {
		log_warn("a connection has no request deadline: out of "
		    "memory");
		return;
	}
	g->fd = ci->connect_fd;
	pthread_mutex_lock(&guard_mu);
	g->deadline = mono_ms() + guard_ms;
	if ((g->next = guard_head) != NULL)
		guard_head->prev = g;
	guard_head = g;
	pthread_mutex_unlock(&guard_mu);
	*socket_context = g;
}

static void
guard_del(void **socket_context)
{
	struct guard	*g = *socket_context;

	if (g == NULL)
		return;
	pthread_mutex_lock(&guard_mu);
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		guard_head = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	pthread_mutex_unlock(&guard_mu);
	free(g);
	*socket_context = NULL;
}

/*
 * The connections of this thread: MHD's pool thread that accepts a
 * connection serves it, start to end, and is the one told of both.
 */
static __thread int	 conns_here;

int
guard_thread_conns(void)
{
	return conns_here;
}

void
guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conns_here++;
		guard_add(c, socket_context);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conns_here--;
		guard_del(socket_context);
	}
}

/* The next request on c must be all in by request_timeout from now. */
void
guard_arm(struct MHD_Connection *c)
{
	struct guard	*g = guard_of(c);

	if (g == NULL)
		return;
	pthread_mutex_lock(&guard_mu);
	g->deadline = mono_ms() + guard_ms;
	pthread_mutex_unlock(&guard_mu);
}

/* c's request is all in: answering it has the signer's deadlines. */
void
guard_disarm(struct MHD_Connection *c)
{
	struct guard	*g = guard_of(c);

	if (g == NULL)
		return;
	pthread_mutex_lock(&guard_mu);
	g->deadline = 0;
	pthread_mutex_unlock(&guard_mu);
}

/* Under guard_mu: shut down every socket past its deadline. */
static int
guard_reap(long now)
{
	struct guard	*g;
	int		 n = 0;

	for (g = guard_head; g != NULL; g = g->next) {
		if (g->deadline == 0 || now < g->deadline)
			continue;
		shutdown(g->fd, SHUT_RDWR);
		g->deadline = 0;	/* once; MHD's CLOSED follows */
		n++;
	}
	return n;
}

static void *
guard_loop(void *arg)
{
	struct timespec	 ts;
	int		 n;

	(void)arg;
	pthread_mutex_lock(&guard_mu);
	while (!guard_quit) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += GUARD_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&guard_cv, &guard_mu, &ts);
		if ((n = guard_reap(mono_ms())) > 0)
			log_warn("closed %d connection%s: no whole request "
			    "within %ld s (request_timeout)", n,
			    n == 1 ? "" : "s", guard_ms / 1000);
	}
	pthread_mutex_unlock(&guard_mu);
	return NULL;
}

int
guard_start(int request_timeout)
{
	guard_ms = (long)request_timeout * 1000;
	guard_quit = 0;
	if (pthread_create(&guard_thread, NULL, guard_loop, NULL) != 0) {
		log_err("cannot start the request deadline thread");
		return -1;
	}
	guard_running = 1;
	return 0;
}

/* After MHD_stop_daemon: every connection is closed by then. */
void
guard_stop(void)
{
	if (!guard_running)
		return;
	pthread_mutex_lock(&guard_mu);
	guard_quit = 1;
	pthread_cond_signal(&guard_cv);
	pthread_mutex_unlock(&guard_mu);
	pthread_join(guard_thread, NULL);
	guard_running = 0;
}
