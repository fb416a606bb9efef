/*
 * signet-api: the table of token formats, looked up once at start by
 * [token] provider, and the opening every format shares: a token goes
 * to the row that recognises its shape, then trusts, federation and
 * OAuth1 are refused and the store's revocation events checked.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fernet_envelope.h"
#include "jws.h"
#include "provider.h"
#include "token_cache.h"

#define ST	api_store(a)	/* this thread's store connection */

static const struct provider providers[] = {
	/* name, compress, own_parent, is_token, open, issue, signer_up */
	{ "fernet", 0, 1, fernet_shaped, fernet_token_open,
	    fernet_token_issue, NULL },
	{ "pki", 0, 0, pki_is_token, pki_token_open, pki_token_issue,
	    pki_load_certs },
	/* PKIZ tokens are recognised and opened by the pki row */
	{ "pkiz", 1, 0, NULL, NULL, pki_token_issue, pki_load_certs },
	{ "jws", 0, 1, jws_shaped, jws_token_open, jws_token_issue,
	    jws_load_keys },
	{ "uuid", 0, 0, uuid_is_token, uuid_token_open, uuid_token_issue,
	    NULL },
};

#define NPROVIDERS	(sizeof(providers) / sizeof(providers[0]))

const struct provider *
provider_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NPROVIDERS; i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
}

/* "fernet, pki, pkiz, jws or uuid": what [token] provider may say. */
void
provider_names(char *buf, size_t size)
{
	size_t	 i;
	int	 n = 0;

	buf[0] = '\0';
	for (i = 0; i < NPROVIDERS && n >= 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i == 0 ? "" :
		    i + 1 == NPROVIDERS ? " or " : ", ", providers[i].name);
}

/* The row whose tokens look like tok, or NULL. */
const struct provider *
provider_of(const char *tok)
{
	size_t	 i;

	for (i = 0; i < NPROVIDERS; i++)
		if (providers[i].is_token != NULL &&
		    providers[i].is_token(tok))
			return &providers[i];
	return NULL;
}

/*
 * The row that issues a token of claims c: [token] provider's, but a
 * Fernet one (Keystone's payload 9) for an application credential where
 * that row's documents cannot name it (PKI, PKIZ, UUID): a signed body
 * would be taken offline with no word of the credential's deletion.
 */
const struct provider *
provider_issuing(struct api *a, const Signet__V1__Claims *c)
{
	if (*c->app_cred_id == '\0' || a->prov->open == fernet_token_open ||
	    a->prov->open == jws_token_open)
		return a->prov;
	return &providers[0];
}

/*
 * Whether a token with these claims is one validation answers for: no
 * trust (a trust-scoped token is no project token here), nor federation
 * or OAuth1 (Keystone's v4-v7 with imported keys): their roles come from
 * groups or a consumer's delegation, which signet does not know, so such
 * a token must not pass for the user's own. An application credential's
 * (v9) is known when the store holds its credential: token_doc.c reads
 * it on every validation, and finds nothing for one it does not hold.
 */
int
provider_claims_served(const Signet__V1__Claims *c)
{
	return c->scope != SIGNET__V1__SCOPE_KIND__SCOPE_TRUST &&
	    *c->trust_id == '\0' && c->n_group_ids == 0 &&
	    *c->idp_id == '\0' && *c->protocol_id == '\0' &&
	    *c->access_token_id == '\0' &&
	    (*c->app_cred_id == '\0' || *c->project_id != '\0');
}

/* Any format's token, then the revocation events; caller opened_free()s. */
int
provider_open(struct api *a, const char *tok, int allow_expired,
    struct opened *o)
{
	const struct provider	*p;
	int			 r;

	memset(o, 0, sizeof(*o));
	if (tok == NULL || strlen(tok) > API_TOKEN_MAX)
		return SIG_ERR_KEY_NOT_FOUND;
	if ((p = provider_of(tok)) != NULL)
		r = p->open(a, tok, allow_expired, o);
	else
		r = SIG_ERR_KEY_NOT_FOUND;	/* no RPC, no audit record */
	if (r == 0 && !provider_claims_served(o->c))
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r == 0 && (r = scache_revoked(ST, o->c->audit_ids,
	    o->c->n_audit_ids, o->c->user_id, o->issued_at)) != 0)
		r = r > 0 ? SIG_ERR_KEY_NOT_FOUND : SIG_ERR_UNAVAILABLE;
	if (r != 0)
		opened_free(o);
	return r;
}

void
opened_free(struct opened *o)
{
	if (o->held_free != NULL)
		o->held_free(o->held);
	memset(o, 0, sizeof(*o));
}
