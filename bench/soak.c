/*
 * make soak: one client thread per line of TOKENS ("token user_id
 * project_id"), each re-scoping its own token (one in five requests) and
 * validating the child it got, over keep-alive HTTP to signet-api. Every
 * answer's user, project and audit id must be the client's own (no
 * identity mix-ups under load). RATE 0 runs closed-loop (the maximum); else
 * each client paces itself to RATE / clients requests per second.
 *
 * usage: soak HOST PORT TOKENS SECONDS RATE
 * prints: rate, then per kind (issue, validate): count p50_us p99_us, then
 * errors and mismatches.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "monotime.h"

#define CLIENTS_MAX	256
#define TOKEN_MAX	512
#define ID_MAX		64
#define RESP_MAX	(256 * 1024)
#define LAT_MAX		(512 * 1024)	/* per client and kind */

struct client {
	pthread_t	 t;
	char		 token[TOKEN_MAX], user[ID_MAX], project[ID_MAX];
	char		 child[TOKEN_MAX], child_audit[ID_MAX];
	int		 fd;
	char		 buf[RESP_MAX];
	double		*lat[2];	/* microseconds, per kind */
	size_t		 nlat[2];
	long		 errors, mismatches;
	double		 interval;	/* seconds between requests; 0: none */
	double		 phase;		/* this client's offset in it */
};

static struct sockaddr_in	 addr;
static double			 end_at;

static int
dial(void)
{
	int	 fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
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

/* One request; the status, the body in c->buf (after *body), -1 on I/O. */
static int
exchange(struct client *c, const char *req, size_t reqlen, char **body,
    char *subject, size_t subjectsz)
{
	size_t		 have = 0, hlen = 0, blen = 0, vlen;
	const char	*v;
	char		*eoh = NULL;
	ssize_t		 r;

	if (c->fd < 0 && (c->fd = dial()) < 0)
		return -1;
	if (send_all(c->fd, req, reqlen) != 0)
		goto broken;
	while (eoh == NULL || have < hlen + blen) {
		if (have == sizeof(c->buf) - 1 ||
		    (r = read(c->fd, c->buf + have, sizeof(c->buf) - 1 - have)) <= 0)
			goto broken;
		have += (size_t)r;
		c->buf[have] = '\0';
		if (eoh == NULL && (eoh = strstr(c->buf, "\r\n\r\n")) != NULL) {
			hlen = (size_t)(eoh - c->buf) + 4;
			*eoh = '\0';
			if ((v = header(c->buf, "Content-Length", &vlen)) != NULL)
				blen = strtoul(v, NULL, 10);
			if (subject != NULL && (v = header(c->buf,
			    "X-Subject-Token", &vlen)) != NULL && vlen < subjectsz) {
				memcpy(subject, v, vlen);
				subject[vlen] = '\0';
			}
		}
	}
	c->buf[hlen + blen] = '\0';
	*body = c->buf + hlen;
	return atoi(c->buf + 9);
 broken:
	close(c->fd);
	c->fd = -1;
	return -1;
}

/* The token document must be this client's: user, project, audit id. */
static int
own(struct client *c, const char *body, const char *audit, char *audit_out)
{
	json_t		*doc, *t;
	const char	*u, *p, *a;
	int		 ok;

	if ((doc = json_loads(body, 0, NULL)) == NULL)
		return 0;
	t = json_object_get(doc, "token");
	u = json_string_value(json_object_get(json_object_get(t, "user"), "id"));
	p = json_string_value(json_object_get(json_object_get(t, "project"),
	    "id"));
	a = json_string_value(json_array_get(json_object_get(t, "audit_ids"),
	    0));
	ok = u != NULL && p != NULL && a != NULL && strcmp(u, c->user) == 0 &&
	    strcmp(p, c->project) == 0 && (audit == NULL ||
	    strcmp(a, audit) == 0) && strlen(a) < ID_MAX;
	if (ok && audit_out != NULL)
		strcpy(audit_out, a);
	json_decref(doc);
	return ok;
}

static void
note(struct client *c, int kind, double us)
{
	if (c->nlat[kind] < LAT_MAX)
		c->lat[kind][c->nlat[kind]++] = us;
}

static void
issue(struct client *c)
{
	char	 req[4096], body_json[1024], sub[TOKEN_MAX], *body;
	double	 t0;
	int	 n, st;

	snprintf(body_json, sizeof(body_json), "{\"auth\": {\"identity\": "
	    "{\"methods\": [\"token\"], \"token\": {\"id\": \"%s\"}}, "
	    "\"scope\": {\"project\": {\"id\": \"%s\"}}}}", c->token,
	    c->project);
	n = snprintf(req, sizeof(req), "POST /v3/auth/tokens HTTP/1.1\r\n"
	    "Host: soak\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body_json), body_json);
	sub[0] = '\0';
	t0 = mono_now();
	st = exchange(c, req, (size_t)n, &body, sub, sizeof(sub));
	note(c, 0, (mono_now() - t0) * 1e6);
	if (st != 201 || sub[0] == '\0') {
		c->errors++;
		return;
	}
	if (!own(c, body, NULL, c->child_audit)) {
		c->mismatches++;
		return;
	}
	strcpy(c->child, sub);
}

static void
validate(struct client *c)
{
	char	 req[2048], *body;
	double	 t0;
	int	 n, st;

	n = snprintf(req, sizeof(req), "GET /v3/auth/tokens HTTP/1.1\r\n"
	    "Host: soak\r\nX-Auth-Token: %s\r\nX-Subject-Token: %s\r\n\r\n",
	    c->token, c->child);
	t0 = mono_now();
	st = exchange(c, req, (size_t)n, &body, NULL, 0);
	note(c, 1, (mono_now() - t0) * 1e6);
	if (st != 200)
		c->errors++;
	else if (!own(c, body, c->child_audit, NULL))
		c->mismatches++;
}

static void *
run(void *arg)
{
	struct client	*c = arg;
	double		 next = mono_now() + c->phase, d;
	unsigned long	 i = 0;

	/* clients spread over the interval, not 64 requests at once */
	if (c->phase > 0)
		usleep((useconds_t)(c->phase * 1e6));
	issue(c);
	while (mono_now() < end_at) {
		if (c->child[0] == '\0' || i++ % 5 == 4)
			issue(c);
		else
			validate(c);
		if (c->interval > 0) {
			next += c->interval;
			if ((d = next - mono_now()) > 0)
				usleep((useconds_t)(d * 1e6));
		}
	}
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Every client's samples of one kind, sorted; caller frees. */
static double *
merge(struct client *cs, int n, int kind, size_t *total)
{
	double	*all;
	size_t	 k = 0;
	int	 i;

	for (i = 0, *total = 0; i < n; i++)
		*total += cs[i].nlat[kind];
	if ((all = malloc((*total + 1) * sizeof(*all))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		memcpy(all + k, cs[i].lat[kind], cs[i].nlat[kind] * sizeof(*all));
		k += cs[i].nlat[kind];
	}
	qsort(all, *total, sizeof(*all), cmp);
	return all;
}

static int
load_clients(const char *path, struct client *cs, double rate)
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
		cs[i].interval = rate > 0 ? n / rate : 0;
		cs[i].phase = cs[i].interval * i / n;
		if ((cs[i].lat[0] = malloc(LAT_MAX * sizeof(double))) == NULL ||
		    (cs[i].lat[1] = malloc(LAT_MAX * sizeof(double))) == NULL)
			return -1;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static struct client	 cs[CLIENTS_MAX];
	static const char *const kinds[] = { "issue", "validate" };
	double			 secs, rate, t0, *all;
	long			 errors = 0, mismatches = 0, total = 0;
	size_t			 n;
	int			 nc, i, k;

	if (argc != 6) {
		fprintf(stderr, "usage: soak HOST PORT TOKENS SECONDS RATE\n");
		return 2;
	}
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	secs = atof(argv[4]);
	rate = atof(argv[5]);
	if ((nc = load_clients(argv[3], cs, rate)) <= 0) {
		fprintf(stderr, "soak: no clients in %s\n", argv[3]);
		return 2;
	}
	t0 = mono_now();
	end_at = t0 + secs;
	for (i = 0; i < nc; i++)
		pthread_create(&cs[i].t, NULL, run, &cs[i]);
	for (i = 0; i < nc; i++) {
		pthread_join(cs[i].t, NULL);
		errors += cs[i].errors;
		mismatches += cs[i].mismatches;
		total += (long)(cs[i].nlat[0] + cs[i].nlat[1]);
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	}
	printf("rate %.0f\n", total / (mono_now() - t0));
	for (k = 0; k < 2; k++) {
		if ((all = merge(cs, nc, k, &n)) == NULL)
			return 1;
		printf("%s %zu %.0f %.0f\n", kinds[k], n,
		    n ? all[n / 2] : 0.0, n ? all[n * 99 / 100] : 0.0);
		free(all);
	}
	printf("errors %ld\nmismatches %ld\n", errors, mismatches);
	for (i = 0; i < nc; i++) {
		free(cs[i].lat[0]);
		free(cs[i].lat[1]);
	}
	return 0;
}
