/*
 * signet-api: Fernet tokens ([token] provider = fernet). The signer seals
 * and opens them (IssueFernet, OpenFernet); their keys never leave it, so
 * this side only knows a token's shape.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "provider.h"

static void
response_free(void *resp)
{
	sigc_response_free(resp);
}

int
fernet_token_open(struct api *a, const char *tok, int allow_expired,
    struct opened *o)
{
	Signet__V1__Response	*resp;
	int			 r;

	r = sigc_open_fernet(&a->signer, tok, allow_expired, &resp);
	o->held = resp;
	o->held_free = response_free;
	if (r != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? r : SIG_ERR_UNAVAILABLE;
	o->c = resp->open_fernet->claims;
	o->issued_at = resp->open_fernet->issued_at;
	return 0;
}

/* Sealed first: the document says when the signer sealed it. */
int
fernet_token_issue(struct api *a, const struct provider *p,
    Signet__V1__Claims *c, const char *parent, int catalog, json_t **docp,
    char **tokp)
{
	Signet__V1__Response	*resp = NULL;
	int			 r;

	(void)p;
	*docp = NULL;
	*tokp = NULL;
	if (sigc_issue_fernet(&a->signer, c, parent, &resp) != 0) {
		if (resp != NULL)
			log_warn("signer refused a token: %s", resp->error);
		sigc_response_free(resp);
		return SIG_ERR_UNAVAILABLE;
	}
	if ((r = token_doc(a, c, resp->issue_fernet->issued_at, catalog,
	    docp)) == 0 && (*tokp = strdup(resp->issue_fernet->token)) ==
	    NULL) {
		json_decref(*docp);
		*docp = NULL;
		r = SIG_ERR_SYSTEM;
	}
	sigc_response_free(resp);
	return r;
}
