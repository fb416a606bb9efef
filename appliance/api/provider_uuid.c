/*
 * signet-api: UUID tokens ([token] provider = uuid). Nothing is signed:
 * the token document is kept in the store under a random id, and a token
 * is only a key to it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "provider.h"

/* A UUID token: 32 lowercase hex digits, looked up exactly. */
int
uuid_is_token(const char *tok)
{
	return strlen(tok) == 32 && strspn(tok, "0123456789abcdef") == 32;
}

int
uuid_token_open(struct api *a, const char *tok, int allow_expired,
    struct opened *o)
{
	char	*text;
	int	 r;

	if ((r = store_uuid_get(api_store(a), tok, &text)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? r : SIG_ERR_UNAVAILABLE;
	return token_doc_open(a, text, allow_expired, o);
}

/* Caller owns *tokp (free): a fresh id, the document kept under it. */
static int
uuid_keep(struct api *a, json_t *doc, const char *user, int64_t expires_at,
    char **tokp)
{
	struct store_uuid u;
	char		*body, id[STORE_ID_LEN + 1];
	int		 r;

	*tokp = NULL;
	if ((body = json_dumps(doc, JSON_ENSURE_ASCII)) == NULL)
		return SIG_ERR_NOMEM;
	store_new_id(id);
	u.id = id;
	u.user_id = user;
	u.expires_at = expires_at;
	u.body = body;
	r = uuid_batch_put(a, &u);
	free(body);
	if (r == 0 && (*tokp = strdup(id)) == NULL)
		r = SIG_ERR_NOMEM;
	return r;
}

/* Its document first, kept as it is sent. */
int
uuid_token_issue(struct api *a, const struct provider *p,
    Signet__V1__Claims *c, const char *parent, int catalog, json_t **docp,
    char **tokp)
{
	int	 r;

	(void)p;
	(void)parent;
	*tokp = NULL;
	if ((r = token_doc(a, c, time(NULL), catalog, docp)) != 0)
		return r;
	if (uuid_keep(a, *docp, c->user_id, c->expires_at, tokp) != 0) {
		json_decref(*docp);
		*docp = NULL;
		return SIG_ERR_UNAVAILABLE;
	}
	return 0;
}
