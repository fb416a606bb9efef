/*
 * libsignet-verify: a verifier's life. It starts from what the signing
 * directory kept (so a service can start while the token service is
 * down), fetches fresh certificates and the list once, then polls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "verify.h"

static int
dup_str(const char **dst, const char *src, const char *dflt)
{
	if (src == NULL)
		src = dflt;
	if (src == NULL) {
		*dst = NULL;
		return 0;
	}
	return (*dst = strdup(src)) != NULL ? 0 : -1;
}

static int
copy_config(struct signet_verify_config *d,
    const struct signet_verify_config *s)
{
	char	*root;

	*d = *s;
	d->url = NULL;
	if (sv_url_root(s->url, &root) != 0)
		return -1;
	d->url = root;
	if (dup_str(&d->https_ca_file,
	    s->https_ca_file, NULL) || dup_str(&d->signing_ca_file,
	    s->signing_ca_file, NULL) || dup_str(&d->signing_dir,
	    s->signing_dir, NULL) || dup_str(&d->username, s->username,
	    NULL) || dup_str(&d->password_file, s->password_file, NULL) ||
	    dup_str(&d->user_domain, s->user_domain, "Default") ||
	    dup_str(&d->project_name, s->project_name, NULL) ||
	    dup_str(&d->project_domain, s->project_domain, "Default") ||
	    dup_str(&d->token_file, s->token_file, NULL))
		return -1;
	d->cert_refresh = s->cert_refresh > 0 ? s->cert_refresh : 3600;
	d->revocation_poll = s->revocation_poll > 0 ? s->revocation_poll : 10;
	d->max_staleness = s->max_staleness > 0 ? s->max_staleness :
	    3 * d->revocation_poll;
	d->cache_size = s->cache_size > 0 ? s->cache_size : 10000;
	d->cache_ttl = s->cache_ttl > 0 ? s->cache_ttl : 300;
	d->http_timeout = s->http_timeout > 0 ? s->http_timeout : 5;
	return 0;
}

static void
free_config(struct signet_verify_config *c)
{
	free((char *)(uintptr_t)c->url);
	free((char *)(uintptr_t)c->https_ca_file);
	free((char *)(uintptr_t)c->signing_ca_file);
	free((char *)(uintptr_t)c->signing_dir);
	free((char *)(uintptr_t)c->username);
	free((char *)(uintptr_t)c->password_file);
	free((char *)(uintptr_t)c->user_domain);
	free((char *)(uintptr_t)c->project_name);
	free((char *)(uintptr_t)c->project_domain);
	free((char *)(uintptr_t)c->token_file);
}

static int
check_config(const struct signet_verify_config *c, char *err, size_t len)
{
	char	*root = NULL;

	if (c->url == NULL || sv_url_root(c->url, &root) != 0)
		snprintf(err, len, "url: an http:// or https:// URL is needed");
	else if (c->signing_dir == NULL)
		snprintf(err, len, "signing_dir is needed");
	else if (c->token_file == NULL && (c->username == NULL ||
	    c->password_file == NULL))
		snprintf(err, len, "the service's credentials are needed: "
		    "username and password_file, or token_file");
	else {
		free(root);
		return 0;
	}
	free(root);
	return -1;
}

static int
load_pinned(struct signet_verifier *v, char *err, size_t len)
{
	FILE	*f;

	if (v->cf.signing_ca_file == NULL)
		return 0;
	if ((f = fopen(v->cf.signing_ca_file, "re")) != NULL) {
		v->pinned_ca = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (v->pinned_ca == NULL) {
		snprintf(err, len, "signing_ca_file %s: no PEM certificate",
		    v->cf.signing_ca_file);
		return -1;
	}
	return 0;
}

SV_EXPORT int
signet_verifier_new(const struct signet_verify_config *cf,
    struct signet_verifier **vp, char *err, size_t errlen)
{
	struct signet_verifier	*v;

	*vp = NULL;
	if (check_config(cf, err, errlen) != 0)
		return -1;
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    copy_config(&v->cf, cf) != 0 ||
	    (v->cache = sv_cache_new(v->cf.cache_size,
	    v->cf.cache_ttl)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&v->mu, NULL);
	pthread_mutex_init(&v->fetch_mu, NULL);
	if (sv_dir_check(v->cf.signing_dir, err, errlen) != 0 ||
	    load_pinned(v, err, errlen) != 0)
		goto fail;
	signet_verifier_refresh(v);
	if (sv_poller_start(v) != 0) {
		snprintf(err, errlen, "cannot start the polling thread");
		goto fail;
	}
	*vp = v;
	return 0;
 fail:
	signet_verifier_free(v);
	return -1;
}

SV_EXPORT void
signet_verifier_free(struct signet_verifier *v)
{
	if (v == NULL)
		return;
	sv_poller_stop(v);
	sv_cache_free(v->cache);
	sv_certs_put(v->certs);
	jws_keyset_put(v->jwks);
	sv_list_put(v->list);
	X509_free(v->pinned_ca);
	free(v->svc_token);
	free_config(&v->cf);
	free(v);
}

/* 0 when both the certificates and a list are in hand afterwards (JWS
 * keys are fetched too; a service of PKI tokens only needs none). */
SV_EXPORT int
signet_verifier_refresh(struct signet_verifier *v)
{
	struct sv_certs	*c;
	struct sv_list	*l;
	struct jws_keyset	*k = NULL;
	int		 ok;

	if (sv_certs_fetch(v) != 0) {
		if ((c = sv_certs_get(v)) == NULL)
			sv_certs_load(v);
		sv_certs_put(c);
	}
	if (sv_jwks_fetch(v) != 0 && (k = sv_jwks_get(v)) == NULL)
		sv_jwks_load(v);
	jws_keyset_put(k);
	if (sv_list_fetch(v) != 0)
		sv_list_load(v);
	c = sv_certs_get(v);
	l = sv_list_get(v);
	ok = c != NULL && l != NULL;
	sv_certs_put(c);
	sv_list_put(l);
	return ok ? 0 : -1;
}

SV_EXPORT void
signet_verifier_stats(struct signet_verifier *v,
    struct signet_verify_stats *s)
{
	struct sv_list	*l = sv_list_get(v);

	memset(s, 0, sizeof(*s));
	s->verified = atomic_load(&v->n_verified);
	s->cache_hits = atomic_load(&v->n_hits);
	s->lists_accepted = atomic_load(&v->n_lists_ok);
	s->lists_refused = atomic_load(&v->n_lists_bad);
	s->fetch_errors = atomic_load(&v->n_fetch_err);
	s->cert_refetches = atomic_load(&v->n_refetch);
	s->list_issued_at = l != NULL ? l->issued_at : 0;
	s->stale = l == NULL || time(NULL) - l->issued_at > v->cf.max_staleness;
	sv_list_put(l);
}

SV_EXPORT const char *
signet_verify_strerror(enum signet_verify_status st)
{
	static const char *const text[] = {
		[SIGNET_VERIFY_OK] = "valid",
		[SIGNET_VERIFY_MALFORMED] = "not a token",
		[SIGNET_VERIFY_BAD_SIGNATURE] = "signature or signing "
		    "certificate refused",
		[SIGNET_VERIFY_EXPIRED] = "expired",
		[SIGNET_VERIFY_REVOKED] = "revoked",
		[SIGNET_VERIFY_STALE] = "no fresh revocation list (PKI "
		    "validation fails closed)",
		[SIGNET_VERIFY_INVALID] = "the token service does not "
		    "recognise it",
		[SIGNET_VERIFY_UNAVAILABLE] = "the token service could not "
		    "be reached",
		[SIGNET_VERIFY_ERROR] = "internal error",
	};

	return (unsigned)st <= SIGNET_VERIFY_ERROR ? text[st] :
	    "unknown status";
}
