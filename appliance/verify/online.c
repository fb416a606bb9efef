/*
 * libsignet-verify: tokens that cannot be checked offline (Fernet, UUID)
 * are validated by the token service (GET /v3/auth/tokens) with the
 * service's own token, as keystonemiddleware does.
 */
#include <stdlib.h>
#include <string.h>

#include "verify.h"

static const char *
kind_of(const char *tok)
{
	if (strlen(tok) == 32 && strspn(tok, "0123456789abcdef") == 32)
		return "uuid";
	if (strncmp(tok, "gAAAAA", 6) == 0)
		return "fernet";
	return "opaque";
}

enum signet_verify_status
sv_online(struct signet_verifier *v, const char *tok, struct sv_ident **idp)
{
	struct sv_http	 h;
	char		*svc;
	int		 tries;
	enum signet_verify_status st = SIGNET_VERIFY_UNAVAILABLE;

	*idp = NULL;
	for (tries = 0; tries < 2; tries++) {
		if (sv_service_token(v, &svc) != 0)
			return SIGNET_VERIFY_UNAVAILABLE;
		if (sv_http(v, "GET", "v3/auth/tokens", svc, tok, NULL,
		    &h) != 0) {
			free(svc);
			return SIGNET_VERIFY_UNAVAILABLE;
		}
		if (h.status == 401)
			sv_service_token_drop(v, svc);
		free(svc);
		if (h.status != 401)
			break;
		sv_http_clear(&h);
	}
	if (h.status == 200) {
		st = sv_ident_parse(h.body, kind_of(tok), idp) == 0 ?
		    SIGNET_VERIFY_OK : SIGNET_VERIFY_INVALID;
		h.body = NULL;
	} else if (h.status == 404)
		st = SIGNET_VERIFY_INVALID;
	sv_http_clear(&h);
	return st;
}
