/*
 * libsignet-verify: verify(). PKI and PKIZ tokens are opened in process
 * under the current certificates, JWS tokens under the JWK Set's keys,
 * everything else is asked of the token service; either way expiry and
 * the revocation list are checked on every call, cached or not, and
 * offline validation (PKI, JWS) fails closed without a fresh list. An
 * application credential's token is never cached: its credential can be
 * deleted, or its user lose a role, with no event on the list.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "cms_verify.h"
#include "jws.h"
#include "sha256.h"
#include "verify.h"

/* Every kind of token we know is printable ASCII without spaces. */
static int
well_formed(const char *tok)
{
	size_t	 n = strnlen(tok, SV_TOKEN_MAX + 1);

	return n > 0 && n <= SV_TOKEN_MAX && strspn(tok,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+-_=.") == n;
}

static enum signet_verify_status
cms_status(int r)
{
	switch (r) {
	case CMSV_OK:
		return SIGNET_VERIFY_OK;
	case CMSV_MALFORMED:
		return SIGNET_VERIFY_MALFORMED;
	case CMSV_NOMEM:
		return SIGNET_VERIFY_ERROR;
	default:
		return SIGNET_VERIFY_BAD_SIGNATURE;
	}
}

static enum signet_verify_status
pki_open(struct signet_verifier *v, const char *tok, struct sv_ident **idp)
{
	uint8_t	*der;
	size_t	 len;
	char	*text = NULL;
	int	 r;

	*idp = NULL;
	if ((r = cmsv_token_der(tok, &der, &len)) != CMSV_OK)
		return cms_status(r);
	/* a new signing certificate: fetch once (rate-limited), retry */
	if ((r = sv_certs_open(v, der, len, &text)) == CMSV_UNKNOWN_SIGNER &&
	    sv_certs_refetch(v) == 0)
		r = sv_certs_open(v, der, len, &text);
	free(der);
	if (r != CMSV_OK)
		return cms_status(r);
	return sv_ident_parse(text, *tok == 'P' ? "pkiz" : "pki", idp) == 0 ?
	    SIGNET_VERIFY_OK : SIGNET_VERIFY_MALFORMED;
}

/* Expired, then revoked, then (offline only) a list too old to trust. */
static enum signet_verify_status
check(struct signet_verifier *v, const char *tok, int offline,
    const struct signet_identity *id)
{
	struct sv_list	*l;
	int64_t		 now = time(NULL);
	enum signet_verify_status st = SIGNET_VERIFY_OK;

	if (now >= id->expires_at)
		return SIGNET_VERIFY_EXPIRED;
	l = sv_list_get(v);
	if (l != NULL && sv_list_revoked(l, tok, id))
		st = SIGNET_VERIFY_REVOKED;
	else if (offline && (l == NULL ||
	    now - l->issued_at > v->cf.max_staleness))
		st = SIGNET_VERIFY_STALE;
	sv_list_put(l);
	return st;
}

SV_EXPORT enum signet_verify_status
signet_verify(struct signet_verifier *v, const char *tok,
    struct signet_identity **out)
{
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	struct sv_ident	*id;
	int		 pki, jws;
	enum signet_verify_status st;

	*out = NULL;
	if (v == NULL || tok == NULL)
		return SIGNET_VERIFY_ERROR;
	atomic_fetch_add(&v->n_verified, 1);
	if (!well_formed(tok))
		return SIGNET_VERIFY_MALFORMED;
	pki = cmsv_is_token(tok);
	jws = !pki && jws_shaped(tok);
	sha256(tok, strlen(tok), key);
	if ((id = sv_cache_get(v->cache, key)) != NULL) {
		atomic_fetch_add(&v->n_hits, 1);
		st = SIGNET_VERIFY_OK;
	} else if ((st = pki ? pki_open(v, tok, &id) : jws ?
	    sv_jws_open(v, tok, &id) : sv_online(v, tok, &id)) ==
	    SIGNET_VERIFY_OK &&
	    time(NULL) < id->pub.expires_at && !id->delegated)
		sv_cache_put(v->cache, key, id);
	if (st == SIGNET_VERIFY_OK &&
	    (st = check(v, tok, pki || jws, &id->pub)) == SIGNET_VERIFY_OK) {
		*out = &id->pub;
		return st;
	}
	sv_ident_put(id);
	return st;
}
