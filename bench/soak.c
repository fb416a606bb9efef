/*
 * make soak: one client per line of TOKENS ("token user_id project_id"),
 * each re-scoping its own token (one in five requests) and validating the
 * child it got, over keep-alive HTTP to signet-api. Every answer's user,
 * project and audit id must be the client's own (no identity mix-ups under
 * load). RATE 0 runs closed-loop (the maximum); else each client sends on
 * its own schedule of RATE / clients requests per second.
 *
 * The clients are shared out over THREADS (1) event loops, as wrk does.
 * With a thread per client, 64 threads waking on timers queued for the
 * same two cores as the server, and that wait was the tail: validations
 * alone, every one from the cache, measured p99 10.8 x p50 at half load,
 * against 4.9 x from one loop. A request's time runs from its write to
 * the last byte of its answer, by the loop's own clock; the answers of
 * one wakeup are all read and timed before any is parsed.
 *
 * usage: soak HOST PORT TOKENS SECONDS RATE [THREADS]
 * prints: rate, then per kind (issue, validate): count p50_us p99_us
 * p90_us p999_us, then errors, mismatches and the load's own CPU seconds.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json_peek.h"
#include "monotime.h"

#define CLIENTS_MAX	256
#define THREADS_MAX	16
#define TOKEN_MAX	512
#define ID_MAX		64
#define REQ_MAX		4096
#define RESP_MAX	(256 * 1024)
#define DRAIN_SECONDS	10	/* for answers still due at the end */

enum { ISSUE, VALIDATE };

struct client {
	char		 token[TOKEN_MAX], user[ID_MAX], project[ID_MAX];
	char		 child[TOKEN_MAX], child_audit[ID_MAX];
	int		 fd;
	int		 kind;		/* of the request in flight */
	int		 busy, done;
	unsigned long	 sent;
	double		 next;		/* when the next request is due */
	double		 t_sent, t_done;
	size_t		 have, hlen, blen;
	char		 sub[TOKEN_MAX];	/* its X-Subject-Token */
	char		 buf[RESP_MAX];
};

struct loop {
	pthread_t	 t;
	int		 ep;
	struct client	*cs[CLIENTS_MAX];
	int		 n;
	float		*lat[2];	/* microseconds, per kind */
	size_t		 nlat[2], cap[2];
	long		 errors, mismatches;
};

static struct sockaddr_in	 addr;
static double			 end_at, interval;

static int
dial(struct loop *l, struct client *c)
{
	struct epoll_event	 ev = { .events = EPOLLIN, .data.ptr = c };
	int			 on = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    epoll_ctl(l->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void
hang_up(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);	/* leaves the epoll set with it */
	c->fd = -1;
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A header's value in the response head (NUL-terminated, CRLF lines). */
static const char *
header(const char *head, const char *name, size_t *len)
{
	const char	*p = head;
	size_t		 n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			*len = strcspn(p, "\r");
			return p;
		}
	}
	return NULL;
}

static int
request(struct client *c, char *req)
{
	char	 body[1024];

	if (c->kind == VALIDATE)
		return snprintf(req, REQ_MAX, "GET /v3/auth/tokens HTTP/1.1\r\n"
		    "Host: soak\r\nX-Auth-Token: %s\r\nX-Subject-Token: %s\r\n"
		    "\r\n", c->token, c->child);
	snprintf(body, sizeof(body), "{\"auth\": {\"identity\": "
	    "{\"methods\": [\"token\"], \"token\": {\"id\": \"%s\"}}, "
	    "\"scope\": {\"project\": {\"id\": \"%s\"}}}}", c->token,
	    c->project);
	return snprintf(req, REQ_MAX, "POST /v3/auth/tokens HTTP/1.1\r\n"
	    "Host: soak\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
}

static void
start(struct loop *l, struct client *c)
{
	char	 req[REQ_MAX];
	int	 n;

	c->kind = c->child[0] == '\0' || c->sent++ % 5 == 4 ? ISSUE : VALIDATE;
	n = request(c, req);
	c->have = c->hlen = c->blen = 0;
	c->sub[0] = '\0';
	c->done = 0;
	if (c->fd < 0 && dial(l, c) != 0)
		goto failed;
	c->t_sent = mono_now();
	if (send_all(c->fd, req, (size_t)n) != 0)
		goto failed;
	c->busy = 1;
	return;
 failed:
	hang_up(c);
	l->errors++;
	c->next = mono_now() + interval;
}

/* The head just completed: its lengths and the subject token. */
static void
read_head(struct client *c, char *eoh)
{
	const char	*v;
	size_t		 vlen;

	c->hlen = (size_t)(eoh - c->buf) + 4;
	*eoh = '\0';
	if ((v = header(c->buf, "Content-Length", &vlen)) != NULL)
		c->blen = strtoul(v, NULL, 10);
	if ((v = header(c->buf, "X-Subject-Token", &vlen)) != NULL &&
	    vlen < sizeof(c->sub)) {
		memcpy(c->sub, v, vlen);
		c->sub[vlen] = '\0';
	}
}

/* What is there to read; 0 when the answer is whole, 1 when not, -1. */
static int
receive(struct client *c)
{
	char	*eoh;
	ssize_t	 r;

	if (c->have == sizeof(c->buf) - 1 ||
	    (r = read(c->fd, c->buf + c->have,
	    sizeof(c->buf) - 1 - c->have)) <= 0)
		return -1;
	c->have += (size_t)r;
	c->buf[c->have] = '\0';
	if (c->hlen == 0 && (eoh = strstr(c->buf, "\r\n\r\n")) != NULL)
		read_head(c, eoh);
	if (c->hlen == 0 || c->have < c->hlen + c->blen)
		return 1;
	c->buf[c->hlen + c->blen] = '\0';
	return 0;
}

/* The token document must be this client's: user, project, audit id. */
static int
own(struct client *c, const char *body, const char *audit, char *audit_out)
{
	const char	*t = jp_member(body, "token");
	char		 u[ID_MAX], p[ID_MAX], a[ID_MAX];

	if (jp_string(jp_member(jp_member(t, "user"), "id"), u,
	    sizeof(u)) < 0 || jp_string(jp_member(jp_member(t, "project"),
	    "id"), p, sizeof(p)) < 0 || jp_string(jp_first(jp_member(t,
	    "audit_ids")), a, sizeof(a)) < 0 || strcmp(u, c->user) != 0 ||
	    strcmp(p, c->project) != 0 || (audit != NULL &&
	    strcmp(a, audit) != 0))
		return 0;
	if (audit_out != NULL)
		strcpy(audit_out, a);
	return 1;
}

/* A sample kept; one that finds no memory is dropped, not fatal. */
static void
note(struct loop *l, int kind, double us)
{
	float	*p;
	size_t	 cap = l->cap[kind] ? l->cap[kind] * 2 : 65536;

	if (l->nlat[kind] == l->cap[kind]) {
		if ((p = realloc(l->lat[kind], cap * sizeof(*p))) == NULL)
			return;
		l->lat[kind] = p;
		l->cap[kind] = cap;
	}
	l->lat[kind][l->nlat[kind]++] = (float)us;
}

/* A whole answer: its time, then whether it was right and the client's. */
static void
finish(struct loop *l, struct client *c)
{
	const char	*body = c->buf + c->hlen;
	int		 st = atoi(c->buf + 9);

	note(l, c->kind, (c->t_done - c->t_sent) * 1e6);
	c->busy = c->done = 0;
	c->next = interval > 0 ? c->next + interval : c->t_done;
	if (c->kind == ISSUE && (st != 201 || c->sub[0] == '\0'))
		l->errors++;
	else if (c->kind == VALIDATE && st != 200)
		l->errors++;
	else if (c->kind == ISSUE && !own(c, body, NULL, c->child_audit))
		l->mismatches++;
	else if (c->kind == VALIDATE && !own(c, body, c->child_audit, NULL))
		l->mismatches++;
	else if (c->kind == ISSUE)
		strcpy(c->child, c->sub);
}

/* Every answer of one wakeup read and timed, then each one checked. */
static void
take(struct loop *l, struct epoll_event *evs, int n)
{
	struct client	*c;
	int		 i, r;

	for (i = 0; i < n; i++) {
		c = evs[i].data.ptr;
		if (!c->busy)		/* the server closed an idle one */
			hang_up(c);
		else if ((r = receive(c)) < 0) {
			hang_up(c);
			l->errors++;
			c->busy = 0;
			c->next = mono_now() + interval;
		} else if (r == 0) {
			c->t_done = mono_now();
			c->done = 1;
		}
	}
	for (i = 0; i < n; i++)
		if ((c = evs[i].data.ptr)->done)
			finish(l, c);
}

/* Sends what is due; the wait until the next one due (or the end). */
static double
send_due(struct loop *l, double now, int sending)
{
	double	 wait = end_at + DRAIN_SECONDS - now;
	int	 i;

	if (!sending)
		return wait;
	for (i = 0; i < l->n; i++) {
		if (l->cs[i]->busy)
			continue;
		if (l->cs[i]->next <= now)
			start(l, l->cs[i]);
		else if (l->cs[i]->next - now < wait)
			wait = l->cs[i]->next - now;
	}
	return wait;
}

static int
in_flight(struct loop *l)
{
	int	 i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->cs[i]->busy;
	return n;
}

static void *
run(void *arg)
{
	struct loop		*l = arg;
	struct epoll_event	 evs[CLIENTS_MAX];
	struct timespec		 ts;
	double			 now, wait;
	int			 n, sending;

	while ((now = mono_now()) < end_at + DRAIN_SECONDS) {
		sending = now < end_at;
		if (!sending && in_flight(l) == 0)
			break;
		wait = send_due(l, now, sending);
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		if ((n = epoll_pwait2(l->ep, evs, CLIENTS_MAX, &ts, NULL)) > 0)
			take(l, evs, n);
	}
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	float	 x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* Every loop's samples of one kind, sorted; caller frees. */
static float *
merge(struct loop *ls, int n, int kind, size_t *total)
{
	float	*all;
	size_t	 k = 0;
	int	 i;

	for (i = 0, *total = 0; i < n; i++)
		*total += ls[i].nlat[kind];
	if ((all = malloc((*total + 1) * sizeof(*all))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		memcpy(all + k, ls[i].lat[kind], ls[i].nlat[kind] *
		    sizeof(*all));
		k += ls[i].nlat[kind];
	}
	qsort(all, *total, sizeof(*all), cmp);
	return all;
}

/* The clients, shared out over the loops. */
static int
load_clients(const char *path, struct client *cs, struct loop *ls, int nl)
{
	FILE	*f;
	int	 n = 0, i;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (n < CLIENTS_MAX && fscanf(f, "%511s %63s %63s", cs[n].token,
	    cs[n].user, cs[n].project) == 3)
		n++;
	fclose(f);
	for (i = 0; i < n; i++) {
		cs[i].fd = -1;
		ls[i % nl].cs[ls[i % nl].n++] = &cs[i];
	}
	return n;
}

static int
make_loops(struct loop *ls, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if ((ls[i].ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
			return -1;
	return 0;
}

static double
cpu_seconds(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
report(struct loop *ls, int nl, double secs)
{
	static const char *const kinds[] = { "issue", "validate" };
	float	*all;
	long	 errors = 0, mismatches = 0;
	size_t	 n, total = 0;
	int	 i, k;

	for (i = 0; i < nl; i++) {
		errors += ls[i].errors;
		mismatches += ls[i].mismatches;
		total += ls[i].nlat[0] + ls[i].nlat[1];
	}
	printf("rate %.0f\n", total / secs);
	for (k = 0; k < 2; k++) {
		if ((all = merge(ls, nl, k, &n)) == NULL)
			return 1;
		printf("%s %zu %.0f %.0f %.0f %.0f\n", kinds[k], n,
		    n ? all[n / 2] : 0.0f, n ? all[n * 99 / 100] : 0.0f,
		    n ? all[n * 90 / 100] : 0.0f,
		    n ? all[n * 999 / 1000] : 0.0f);
		free(all);
	}
	printf("errors %ld\nmismatches %ld\nload_cpu %.1f\n", errors,
	    mismatches, cpu_seconds());
	return 0;
}

int
main(int argc, char **argv)
{
	static struct client	 cs[CLIENTS_MAX];
	static struct loop	 ls[THREADS_MAX];
	double			 secs, rate, t0;
	int			 nc, nl, i;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: soak HOST PORT TOKENS SECONDS RATE "
		    "[THREADS]\n");
		return 2;
	}
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	secs = atof(argv[4]);
	rate = atof(argv[5]);
	nl = argc == 7 ? atoi(argv[6]) : 1;
	if (nl < 1 || nl > THREADS_MAX || make_loops(ls, nl) != 0) {
		fprintf(stderr, "soak: 1 to %d threads\n", THREADS_MAX);
		return 2;
	}
	if ((nc = load_clients(argv[3], cs, ls, nl)) <= 0) {
		fprintf(stderr, "soak: no clients in %s\n", argv[3]);
		return 2;
	}
	interval = rate > 0 ? nc / rate : 0;
	for (i = 0; i < nc; i++)
		cs[i].next = mono_now() + interval * i / nc;
	t0 = mono_now();
	end_at = t0 + secs;
	for (i = 0; i < nl; i++)
		pthread_create(&ls[i].t, NULL, run, &ls[i]);
	for (i = 0; i < nl; i++)
		pthread_join(ls[i].t, NULL);
	return report(ls, nl, mono_now() - t0);
}
