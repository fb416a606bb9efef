/*
 * signet-api: the libmicrohttpd glue. Per-request state is made on the
 * first call and freed when the request completes; a body is kept only
 * while it stays within API_BODY_MAX, past which the answer is 413 and
 * the rest is drained. Errors take Keystone's JSON shape.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "err.h"
#include "json_text.h"
#include "log.h"

static const char *
title_of(unsigned int code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Set while a worker makes an answer (answer_pool.c). */
static __thread struct api_answer	*capture;

void
api_capture(struct api_answer *an)
{
	capture = an;
}

/*
 * Every answer goes out here: it carries the request's id. Takes r;
 * an answer made off the connection thread is kept for it to queue.
 */
enum MHD_Result
api_queue(struct MHD_Connection *c, unsigned int code, struct MHD_Response *r)
{
	const char	*id = api_request_id();
	enum MHD_Result	 ret;

	if (id != NULL)
		MHD_add_response_header(r, "x-openstack-request-id", id);
	api_request_status(code);
	if (capture != NULL) {
		if (capture->r != NULL) {	/* as MHD refuses a second */
			MHD_destroy_response(r);
			return MHD_NO;
		}
		capture->code = code;
		capture->r = r;
		return MHD_YES;
	}
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* A text/plain answer (the health check, the metrics). */
enum MHD_Result
api_text(struct MHD_Connection *c, unsigned int code, const char *ctype,
    const char *text)
{
	struct MHD_Response	*r;

	r = MHD_create_response_from_buffer(strlen(text),
	    (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	return api_queue(c, code, r);
}

/* Takes text (free; NULL: no memory); subject, if set, is echoed. */
enum MHD_Result
api_json_text(struct MHD_Connection *c, unsigned int code, char *text,
    const char *subject)
{
	struct MHD_Response	*r;

	if (text == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Vary", "X-Auth-Token");
	if (subject != NULL)
		MHD_add_response_header(r, "X-Subject-Token", subject);
	return api_queue(c, code, r);
}

/* Takes body (json_decref; NULL: empty); subject, if set, is echoed. */
enum MHD_Result
api_json(struct MHD_Connection *c, unsigned int code, json_t *body,
    const char *subject)
{
	char	*text = body ? json_text(body) : strdup("");

	json_decref(body);
	return api_json_text(c, code, text, subject);
}

/* The one error shape; 401 also says where to authenticate. */
static struct MHD_Response *
error_response(struct api *a, struct MHD_Connection *c, unsigned int code,
    const char *msg)
{
	struct MHD_Response	*r;
	json_t			*j;
	char			*text, base[512], auth[600];

	j = json_pack("{s:{s:i,s:s,s:s}}", "error", "code", code, "title",
	    title_of(code), "message", msg);
	text = json_text(j);
	json_decref(j);
	if (text == NULL || (r = MHD_create_response_from_buffer(strlen(text),
	    text, MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(text);
		return NULL;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (code == 401) {
		api_base_url(a, c, base, sizeof(base));
		snprintf(auth, sizeof(auth), "Keystone uri=\"%s/v3\"", base);
		MHD_add_response_header(r, "WWW-Authenticate", auth);
	}
	if (code == 405)
		MHD_add_response_header(r, "Allow",
		    "DELETE, POST, OPTIONS, HEAD, GET");
	if (code == 429 || code == 503)
		MHD_add_response_header(r, "Retry-After", "1");
	return r;
}

enum MHD_Result
api_error(struct api *a, struct MHD_Connection *c, unsigned int code,
    const char *msg)
{
	struct MHD_Response	*r;

	if ((r = error_response(a, c, code, msg)) == NULL)
		return MHD_NO;
	return api_queue(c, code, r);
}

/*
 * A 400 after which nothing more is read from the connection: queued on
 * the first call, MHD discards the body and closes once it is sent, and
 * "Connection: close" says so to the proxy.
 */
enum MHD_Result
api_unavailable(struct api *a, struct MHD_Connection *c)
{
	return api_error(a, c, 503, "The token service is temporarily "
	    "unavailable.");
}

enum MHD_Result
api_refuse(struct api *a, struct MHD_Connection *c, const char *msg)
{
	struct MHD_Response	*r;

	if ((r = error_response(a, c, 400, msg)) == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return api_queue(c, 400, r);
}

/* [api] public_endpoint, else http://<Host header>. */
void
api_base_url(struct api *a, struct MHD_Connection *c, char *out, size_t sz)
{
	const char	*host;
	size_t		 i;

	if (a->cf->api_public_endpoint != NULL) {
		snprintf(out, sz, "%s", a->cf->api_public_endpoint);
	} else {
		host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Host");
		if (host == NULL || strlen(host) > 255 ||
		    strpbrk(host, "\"\\ /\r\n") != NULL)
			host = "127.0.0.1:5000";
		snprintf(out, sz, "http://%s", host);
	}
	for (i = strlen(out); i > 0 && out[i - 1] == '/'; i--)
		out[i - 1] = '\0';
}

struct arg_probe {
	const char	*key;
	int		 found;
};

static enum MHD_Result
arg_seen(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct arg_probe	*ap = cls;

	(void)kind;
	(void)value;
	if (strcmp(key, ap->key) == 0)	/* arg name: not secret */
		ap->found = 1;
	return MHD_YES;
}

/* "?nocatalog" carries no value: presence is what counts (Keystone's
 * `'nocatalog' not in request.args`; "?nocatalog=0" drops it too). */
int
api_has_arg(struct MHD_Connection *cn, const char *key)
{
	struct arg_probe	 ap = { key, 0 };

	MHD_get_connection_values(cn, MHD_GET_ARGUMENT_KIND, arg_seen, &ap);
	return ap.found;
}

/*
 * A query flag as Keystone reads ?allow_expired, with oslo's
 * bool_from_string: its first value, blanks around it ignored, is true
 * when it is 1, t, true, on, y or yes in any case; anything else, no value
 * or no flag at all, is false.
 */
int
api_arg_true(struct MHD_Connection *cn, const char *key)
{
	static const char *const yes[] = { "1", "t", "true", "on", "y",
	    "yes" };
	const char	*v = MHD_lookup_connection_value(cn,
	    MHD_GET_ARGUMENT_KIND, key);
	size_t		 n, i;

	if (v == NULL)
		return 0;
	v += strspn(v, " \t\n\r\f\v");
	for (n = strlen(v); n > 0 && strchr(" \t\n\r\f\v", v[n - 1]) != NULL;
	    n--)
		;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strlen(yes[i]) == n && strncasecmp(v, yes[i], n) == 0)
			return 1;
	return 0;
}
