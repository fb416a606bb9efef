/*
 * signet-api: a request's head, judged once it is complete and before any
 * of its body is read. signet-api sits behind a TLS proxy: wherever the
 * proxy and libmicrohttpd could frame or route a request differently
 * (two Content-Lengths, a Content-Length beside Transfer-Encoding, a
 * coding MHD does not decode, two Hosts), the request is refused and the
 * connection closed, so no second request can hide in the first's body
 * (RFC 9112 6.3). A header the answer depends on is taken once or not at
 * all: two X-Auth-Tokens would let the proxy check one and us use the
 * other.
 */
#include <string.h>
#include <strings.h>

#include "api.h"

struct head_count {
	int		 spaced;	/* a name with blanks: read as another */
	int		 clen;
	int		 tenc;
	int		 host;
	int		 auth;
	int		 subject;
	const char	*tenc_value;
};

static enum MHD_Result
count_one(void *cls, enum MHD_ValueKind kind, const char *name,
    const char *value)
{
	struct head_count	*hc = cls;

	(void)kind;
	if (strpbrk(name, " \t") != NULL)
		hc->spaced++;
	if (strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		hc->clen++;
	else if (strcasecmp(name, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		hc->tenc++;
		hc->tenc_value = value;
	} else if (strcasecmp(name, MHD_HTTP_HEADER_HOST) == 0)
		hc->host++;
	else if (strcasecmp(name, "X-Auth-Token") == 0)
		hc->auth++;
	else if (strcasecmp(name, "X-Subject-Token") == 0)
		hc->subject++;
	return MHD_YES;
}

/* Why the head is refused (a 400 that closes the connection), or NULL. */
const char *
api_head_refused(struct MHD_Connection *c, const char *version)
{
	struct head_count	 hc;

	memset(&hc, 0, sizeof(hc));
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_one, &hc);
	if (hc.spaced > 0)	/* "Content-Length : 5" (RFC 9112 5.1) */
		return "A header name has blanks in it.";
	if (hc.clen > 1)
		return "Content-Length is given more than once.";
	if (hc.clen > 0 && hc.tenc > 0)
		return "Content-Length and Transfer-Encoding are given together.";
	/* an HTTP/1.0 peer cannot mean chunked (RFC 9112 6.1) */
	if (hc.tenc > 0 && strcmp(version, MHD_HTTP_VERSION_1_0) == 0)
		return "Transfer-Encoding is not HTTP/1.0.";
	if (hc.tenc > 1 || (hc.tenc == 1 && (hc.tenc_value == NULL ||
	    strcasecmp(hc.tenc_value, "chunked") != 0)))
		return "The only Transfer-Encoding accepted is chunked.";
	if (hc.host > 1)
		return "Host is given more than once.";
	/* HTTP/1.0 may leave it out; every later version must send it */
	if (hc.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
		return "The request has no Host header.";
	if (hc.auth > 1)
		return "X-Auth-Token is given more than once.";
	if (hc.subject > 1)
		return "X-Subject-Token is given more than once.";
	return NULL;
}
