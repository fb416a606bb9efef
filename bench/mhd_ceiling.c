/*
 * make bench: the ceiling for signet-api's HTTP path. libmicrohttpd with
 * signet-api's own daemon options (epoll, a pool of 8 threads per core,
 * the same memory limit) answering every request with a fixed 200 of a
 * given size: what wrk gets when the handler costs nothing.
 *   mhd_ceiling PORT BODY_BYTES     serves until killed
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static struct MHD_Response	*fixed;

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **state)
{
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)data;
	if (*state == NULL) {		/* headers only: wait for the body */
		*state = &fixed;
		return MHD_YES;
	}
	if (*size != 0) {		/* a body, read and dropped */
		*size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, fixed);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon	*d;
	long			 cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t			 n;
	char			*body;
	sigset_t		 set;
	int			 sig;

	if (argc != 3 || (n = strtoul(argv[2], NULL, 10)) == 0 ||
	    (body = malloc(n)) == NULL) {
		fprintf(stderr, "usage: mhd_ceiling PORT BODY_BYTES\n");
		return 2;
	}
	memset(body, 'x', n);
	fixed = MHD_create_response_from_buffer(n, body,
	    MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(fixed, "Content-Type", "application/json");
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL_LINUX_ONLY, (uint16_t)atoi(argv[1]), NULL, NULL,
	    answer, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned int)(cores > 0 ? 8 * cores : 16),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "mhd_ceiling: cannot listen on %s\n", argv[1]);
		return 1;
	}
	printf("serving\n");
	fflush(stdout);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(fixed);
	return 0;
}
