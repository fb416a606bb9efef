/*
 * signet-api: GET /healthcheck as oslo.middleware's healthcheck answers
 * it for Keystone (200 "OK" as text/plain, or 503 with the reason), and
 * GET /metrics. Healthy: the signer's Health says ready and the identity
 * store answers a trivial read. No authentication: neither answer holds
 * a secret, only states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "err.h"

#define HEALTH_REASON_MAX	200
#define METRICS_CTYPE		"text/plain; version=0.0.4; charset=utf-8"

/* Printable ASCII only: the reason is the signer's text. */
static void
reason_copy(char *out, size_t size, const char *in)
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

/* NULL when healthy, else why (in buf); a warning of the signer's (its
 * audit log's disk filling) goes into warn, healthy or not. */
static const char *
unhealthy(struct api *a, char *buf, size_t size, char *warn, size_t wsize)
{
	Signet__V1__Response	*resp = NULL;
	char			 why[HEALTH_REASON_MAX];
	struct store		*st;

	if (sigc_health(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		snprintf(buf, size, "signer: not answering");
		return buf;
	}
	if (resp->health->warning != NULL && resp->health->warning[0] != '\0')
		reason_copy(warn, wsize, resp->health->warning);
	if (!resp->health->ready) {
		reason_copy(why, sizeof(why), resp->health->reason);
		snprintf(buf, size, "signer: %s", why[0] != '\0' ? why :
		    "not ready");
		sigc_response_free(resp);
		return buf;
	}
	sigc_response_free(resp);
	if ((st = api_store(a)) == NULL || store_ready(st) != 0) {
		snprintf(buf, size, "store: the identity store cannot be "
		    "read");
		return buf;
	}
	return NULL;
}

enum MHD_Result
route_healthcheck(struct api *a, struct MHD_Connection *c)
{
	char		 buf[HEALTH_REASON_MAX + 64], warn[HEALTH_REASON_MAX];
	char		 ok[HEALTH_REASON_MAX + 32];
	const char	*why;

	warn[0] = '\0';
	if ((why = unhealthy(a, buf, sizeof(buf), warn, sizeof(warn))) != NULL)
		return api_text(c, 503, "text/plain", why);
	if (warn[0] == '\0')
		return api_text(c, 200, "text/plain", "OK");
	/* still 200: tokens are issued; the body says what is coming */
	snprintf(ok, sizeof(ok), "OK (warning: signer: %s)", warn);
	return api_text(c, 200, "text/plain", ok);
}

enum MHD_Result
route_metrics(struct api *a, struct MHD_Connection *c)
{
	enum MHD_Result	 ret;
	char		*text;

	if ((text = metrics_text(a)) == NULL)
		return api_error(a, c, 500, "Out of memory.");
	ret = api_text(c, 200, METRICS_CTYPE, text);
	free(text);
	return ret;
}
