/*
 * signet-api: each request's id ("req-<uuid4>", as Keystone's
 * x-openstack-request-id), its peer and, once known, its user, kept for
 * the thread that serves it: answers carry the id, signer calls pass it
 * on for the audit log, and one access line is logged when it completes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "api.h"
#include "log.h"
#include "monotime.h"

/* MHD's pool runs each connection in one thread, start to end. */
static __thread struct api_req	*cur;

/*
 * The ids come from a generator per thread, seeded from OpenSSL's: an id
 * is no secret, and RAND_bytes on every request cost 2% of one.
 * (xoroshiro128+: two words of state, a few shifts per id.)
 */
static __thread uint64_t	 rs[2];

static uint64_t
next64(void)
{
	uint64_t	 a = rs[0], b = rs[1], r = a + b;

	b ^= a;
	rs[0] = ((a << 55) | (a >> 9)) ^ b ^ (b << 14);
	rs[1] = (b << 36) | (b >> 28);
	return r;
}

/* By hand, not snprintf: formatting sixteen bytes was 3% of a request. */
static void
new_id(char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t		 u[16];
	uint64_t	 w[2];
	size_t		 i;
	char		*p = out;

	if (rs[0] == 0 && rs[1] == 0 &&
	    (RAND_bytes((uint8_t *)rs, sizeof(rs)) != 1 ||
	    (rs[0] == 0 && rs[1] == 0)))
		rs[0] = (uint64_t)mono_ms() | 1;	/* still an id */
	w[0] = next64();
	w[1] = next64();
	memcpy(u, w, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	memcpy(p, "req-", 4);
	p += 4;
	for (i = 0; i < sizeof(u); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 0xf];
	}
	*p = '\0';
}

static void
peer_of(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(out, size, "-");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, out, size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, size);
}

/* MHD's url has no query string: nothing after '?' is ever logged. */
void
reqctx_begin(struct api_req *rq, struct MHD_Connection *c,
    const char *method, const char *url)
{
	rq->start = mono_now();
	new_id(rq->id);
	peer_of(c, rq->peer, sizeof(rq->peer));
	snprintf(rq->method, sizeof(rq->method), "%s", method);
	snprintf(rq->path, sizeof(rq->path), "%s", url);
	rq->user[0] = '\0';
}

void
reqctx_enter(struct api_req *rq)
{
	cur = rq;
}

void
reqctx_leave(void)
{
	cur = NULL;
}

const char *
api_request_id(void)
{
	return cur != NULL ? cur->id : NULL;
}

const char *
api_request_peer(void)
{
	return cur != NULL ? cur->peer : "-";
}

void
api_request_user(const char *user)
{
	if (cur != NULL && user != NULL)
		snprintf(cur->user, sizeof(cur->user), "%s", user);
}

void
api_request_status(unsigned int code)
{
	if (cur != NULL)
		cur->status = code;
}

/* The access line (control bytes escaped by the logger) and metrics. */
void
reqctx_end(struct api_req *rq)
{
	double	 took = mono_now() - rq->start;
	long	 us = (long)(took * 1e6);

	log_info("%s %s \"%s %s\" %u %ld.%ld ms user %s", rq->id, rq->peer,
	    rq->method, rq->path, rq->status, us / 1000, us % 1000 / 100,
	    rq->user[0] != '\0' ? rq->user : "-");
	metrics_request(rq->route, rq->method, rq->status, took);
}
