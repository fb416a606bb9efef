/*
 * libsignet-verify: requests to the token service with libcurl. TLS peer
 * and host verification are always on; there is no option that turns
 * them off (OSSA-2014-030). Answers are capped at SV_BODY_MAX. Request
 * URLs are resolved against the service's root by libcurl's URL API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "verify.h"

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Grows by doubling: a list of megabytes arrives in 16 kB pieces. */
static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sv_http	*h = arg;
	size_t		 cap = h->cap ? h->cap : 4096;
	char		*nb;

	n *= sz;
	if (h->len + n > SV_BODY_MAX)
		return 0;	/* curl fails the transfer */
	while (cap < h->len + n + 1)
		cap *= 2;
	if (cap != h->cap) {
		if ((nb = realloc(h->body, cap)) == NULL)
			return 0;
		h->body = nb;
		h->cap = cap;
	}
	memcpy(h->body + h->len, p, n);
	h->len += n;
	h->body[h->len] = '\0';
	return n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct sv_http	*h = arg;
	static const char name[] = "x-subject-token:";
	size_t		 len = sz * n, i = sizeof(name) - 1;

	if (len > i && strncasecmp(p, name, i) == 0 && h->subject_token ==
	    NULL) {
		while (i < len && p[i] == ' ')
			i++;
		while (len > i && (p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		h->subject_token = strndup(p + i, len - i);
	}
	return sz * n;
}

/* name: value appended; the list unchanged when it cannot be. */
static struct curl_slist *
add_header(struct curl_slist *l, const char *name, const char *value)
{
	struct curl_slist	*t;
	char			*h;

	if (value == NULL || strlen(value) >= SV_TOKEN_MAX ||
	    asprintf(&h, "%s: %s", name, value) < 0)
		return l;
	t = curl_slist_append(l, h);
	free(h);
	return t != NULL ? t : l;
}

/* Built on the heap: a service's threads may have small stacks. */
static struct curl_slist *
headers(const char *auth, const char *subject, const char *body)
{
	struct curl_slist	*l;

	if ((l = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		return NULL;
	if (body != NULL)
		l = add_header(l, "Content-Type", "application/json");
	l = add_header(l, "X-Auth-Token", auth);
	return add_header(l, "X-Subject-Token", subject);
}

static void
set_tls(CURL *c, const struct signet_verify_config *cf)
{
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
	if (cf->https_ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cf->https_ca_file);
}

/*
 * The root every request is resolved against, from the URL an operator
 * gives: with or without a trailing slash, and with or without the /v3
 * that every OS_AUTH_URL ends in. A path before it (a service behind a
 * proxy at /identity) is kept. Caller owns *rootp (free(3)).
 */
int
sv_url_root(const char *url, char **rootp)
{
	CURLU	*u;
	char	*scheme = NULL, *path = NULL, *root = NULL, *p = NULL;
	size_t	 n;

	*rootp = NULL;
	pthread_once(&curl_once, curl_init);
	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	for (n = strlen(path); n > 0 && path[n - 1] == '/'; n--)
		;
	if (n >= 3 && strncmp(path + n - 3, "/v3", 3) == 0)
		n -= 3;
	if (asprintf(&p, "%.*s/", (int)n, path) >= 0 &&
	    curl_url_set(u, CURLUPART_PATH, p, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &root, 0) == CURLUE_OK)
		*rootp = strdup(root);
 out:
	curl_free(scheme);
	curl_free(path);
	curl_free(root);
	free(p);
	curl_url_cleanup(u);
	return *rootp != NULL ? 0 : -1;
}

/* ROOT (from sv_url_root) with the relative reference REL resolved on it. */
static CURLU *
url_join(const char *root, const char *rel)
{
	CURLU	*u;

	if ((u = curl_url()) != NULL &&
	    (curl_url_set(u, CURLUPART_URL, root, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, rel, 0) != CURLUE_OK)) {
		curl_url_cleanup(u);
		u = NULL;
	}
	return u;
}

/*
 * PATH is relative to the service's root ("v3/auth/tokens"). 0 with h
 * filled (any HTTP status), or -1: no answer at all.
 */
int
sv_http(struct signet_verifier *v, const char *method, const char *path,
    const char *auth, const char *subject, const char *body,
    struct sv_http *h)
{
	CURL			*c;
	struct curl_slist	*hd;
	CURLU			*url;
	CURLcode		 rc = CURLE_FAILED_INIT;

	memset(h, 0, sizeof(*h));
	pthread_once(&curl_once, curl_init);
	if ((url = url_join(v->cf.url, path)) == NULL)
		return -1;
	hd = headers(auth, subject, body);
	if ((c = curl_easy_init()) != NULL && hd != NULL) {
		curl_easy_setopt(c, CURLOPT_CURLU, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)v->cf.http_timeout);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (body != NULL)
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
		set_tls(c, &v->cf);
		if ((rc = curl_easy_perform(c)) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE,
			    &h->status);
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(hd);
	curl_url_cleanup(url);
	if (rc != CURLE_OK) {
		sv_http_clear(h);
		atomic_fetch_add(&v->n_fetch_err, 1);
		return -1;
	}
	if (h->body == NULL && (h->body = strdup("")) == NULL)
		return -1;
	return 0;
}

void
sv_http_clear(struct sv_http *h)
{
	free(h->body);
	free(h->subject_token);
	memset(h, 0, sizeof(*h));
}
