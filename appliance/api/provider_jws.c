/*
 * signet-api: JWS tokens ([token] provider = jws), Keystone's ES256
 * format. The signer signs them (IssueJws) with a key that never leaves
 * the token; they are verified here, with no call per validation, under
 * the public keys PublicMaterial gives. Those keys are fetched when the
 * signer answers, again when a token does not verify under them (at most
 * once every JWS_REFETCH_MIN seconds, so forged tokens cannot make a call
 * each) and once they are JWS_KEYS_MAX_AGE old, so a key a rotation
 * purged stops verifying within that time.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "jws.h"
#include "jws_claims.h"
#include "log.h"
#include "provider.h"

#define JWS_REFETCH_MIN		5	/* seconds, after an unknown key */
#define JWS_KEYS_MAX_AGE	60	/* seconds */

/* The keys in use, replaced whole; a validation holds its set. */
static struct jws_keyset *keys_cur;
static int64_t		 keys_tried;	/* last fetch, for the rate limit */
static pthread_mutex_t	 keys_mu = PTHREAD_MUTEX_INITIALIZER;

static struct jws_keyset *
keys_get(void)
{
	struct jws_keyset	*ks;

	pthread_mutex_lock(&keys_mu);
	ks = jws_keyset_ref(keys_cur);
	pthread_mutex_unlock(&keys_mu);
	return ks;
}

/* A set from PublicMaterial's SubjectPublicKeyInfos: empty when the
 * signer has none, so JWS tokens are refused, not left unanswered. */
static struct jws_keyset *
keys_new(const Signet__V1__PublicMaterialResponse *pm)
{
	struct jws_keyset	*ks;
	size_t			 i;

	if ((ks = jws_keyset_new()) == NULL)
		return NULL;
	for (i = 0; i < pm->n_jws_public_keys; i++)
		(void)jws_keyset_add(ks, jws_pubkey(
		    pm->jws_public_keys[i].data, pm->jws_public_keys[i].len));
	return ks;
}

/* The signer's JWS public keys, now; 0 when some are in hand. */
int
jws_load_keys(struct api *a)
{
	Signet__V1__Response	*resp = NULL;
	struct jws_keyset	*ks, *old;
	int			 r;

	pthread_mutex_lock(&keys_mu);
	keys_tried = time(NULL);
	pthread_mutex_unlock(&keys_mu);
	if (sigc_public_material(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		return SIG_ERR_UNAVAILABLE;
	}
	ks = keys_new(resp->public_material);
	sigc_response_free(resp);
	if (ks == NULL)
		return SIG_ERR_NOMEM;
	r = ks->n > 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
	/* said where it matters: the format that issues has no key */
	if (r != 0 && strcmp(a->prov->name, "jws") == 0)
		log_err("the signer has no JWS keys (signet-provision "
		    "jws-setup); JWS tokens fail");
	pthread_mutex_lock(&keys_mu);
	old = keys_cur;
	keys_cur = ks;
	pthread_mutex_unlock(&keys_mu);
	jws_keyset_put(old);
	return r;
}

/* Fetched again unless one was tried within min seconds. */
static void
keys_refresh(struct api *a, int min)
{
	int64_t	 now = time(NULL);
	int	 go;

	pthread_mutex_lock(&keys_mu);
	go = now - keys_tried >= min;
	if (go)
		keys_tried = now;	/* the others go on with the old set */
	pthread_mutex_unlock(&keys_mu);
	if (go)
		(void)jws_load_keys(a);
}

/* The claims text of tok into out; SIG_ERR_KEY_NOT_FOUND if no key
 * signed it, SIG_ERR_UNAVAILABLE with no keys to try. */
static int
verify_now(const char *tok, char *out, size_t size, size_t *len)
{
	struct jws_keyset	*ks = keys_get();
	int			 r;

	if (ks == NULL)
		return SIG_ERR_UNAVAILABLE;
	r = jws_keyset_verify(ks, tok, out, size, len);
	jws_keyset_put(ks);
	return r;
}

/* Seconds since the keys were fetched; -1 with none. */
static int64_t
keys_age(void)
{
	struct jws_keyset *ks = keys_get();
	int64_t		 age = ks == NULL ? -1 : time(NULL) - ks->made_at;

	jws_keyset_put(ks);
	return age;
}

static int
verify(struct api *a, const char *tok, char *out, size_t size, size_t *len)
{
	int64_t	 age = keys_age();
	int	 r;

	if (age < 0 || age >= JWS_KEYS_MAX_AGE)
		keys_refresh(a, JWS_REFETCH_MIN);
	r = verify_now(tok, out, size, len);
	/* a key we do not know yet (a rotation, another signer's import) */
	if (r == SIG_ERR_KEY_NOT_FOUND || r == SIG_ERR_UNAVAILABLE) {
		keys_refresh(a, JWS_REFETCH_MIN);
		r = verify_now(tok, out, size, len);
	}
	if (r == SIG_ERR_UNAVAILABLE)
		return r;
	return r == 0 ? 0 : SIG_ERR_KEY_NOT_FOUND;
}

static void
claims_free(void *p)
{
	jws_claims_free(p);
	free(p);
}

/* Verified here, then read; expired tokens only within the window. */
int
jws_token_open(struct api *a, const char *tok, int allow_expired,
    struct opened *o)
{
	struct jws_claims	*jc;
	char			 text[JWS_PAYLOAD_MAX + 1];
	size_t			 len;
	int64_t			 now = time(NULL);
	int			 r;

	if ((r = verify(a, tok, text, sizeof(text), &len)) != 0)
		return r;
	if ((jc = malloc(sizeof(*jc))) == NULL)
		return SIG_ERR_NOMEM;
	if (jws_claims_read(text, len, jc) != 0) {
		free(jc);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	o->held = jc;
	o->held_free = claims_free;
	if (now >= jc->c.expires_at && (!allow_expired || now >=
	    jc->c.expires_at + a->cf->token_allow_expired_window))
		return SIG_ERR_KEY_NOT_FOUND;
	o->c = &jc->c;
	o->issued_at = jc->issued_at;
	return 0;
}

/* Signed first: the document says when. A token under a key we do not
 * hold yet (just rotated) brings the keys in before anyone validates. */
int
jws_token_issue(struct api *a, const struct provider *p,
    Signet__V1__Claims *c, const char *parent, int catalog, json_t **docp,
    char **tokp)
{
	Signet__V1__Response	*resp = NULL;
	char			 text[JWS_PAYLOAD_MAX + 1];
	size_t			 len;
	int			 r;

	(void)p;
	*docp = NULL;
	*tokp = NULL;
	if (sigc_issue_jws(&a->signer, c, parent, &resp) != 0) {
		if (resp != NULL)
			log_warn("signer refused a JWS token: %s",
			    resp->error);
		sigc_response_free(resp);
		return SIG_ERR_UNAVAILABLE;
	}
	if (verify_now(resp->issue_jws->token, text, sizeof(text), &len) != 0)
		(void)jws_load_keys(a);
	if ((r = token_doc(a, c, resp->issue_jws->issued_at, catalog,
	    docp)) == 0 && (*tokp = strdup(resp->issue_jws->token)) == NULL) {
		json_decref(*docp);
		*docp = NULL;
		r = SIG_ERR_SYSTEM;
	}
	sigc_response_free(resp);
	return r;
}
