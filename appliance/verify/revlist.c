/*
 * libsignet-verify: the signed revocation list. A list is taken only when
 * its CMS signature verifies under the current certificates and it is no
 * older than the one we hold (a replayed old list would un-revoke tokens).
 * Lookups hash audit ids and token hashes, so a 10^5-entry list costs
 * what a short one does; events by user (a password change, a disable)
 * are few and looked through.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "cms_verify.h"
#include "isotime.h"
#include "verify.h"

static uint64_t
fnv(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

static int
list_add(struct sv_list *l, char kind, const char *val)
{
	size_t	 i;
	char	*s;

	if (asprintf(&s, "%c:%s", kind, val) < 0)
		return -1;
	for (i = fnv(s) & l->mask; l->slots[i] != NULL; i = (i + 1) & l->mask)
		if (strcmp(l->slots[i], s) == 0) {
			free(s);
			return 0;
		}
	l->slots[i] = s;
	return 0;
}

static int
list_has(const struct sv_list *l, char kind, const char *val)
{
	char	 key[160];
	size_t	 i;

	if (snprintf(key, sizeof(key), "%c:%s", kind, val) >=
	    (int)sizeof(key))
		return 0;
	for (i = fnv(key) & l->mask; l->slots[i] != NULL;
	    i = (i + 1) & l->mask)
		if (strcmp(l->slots[i], key) == 0)	/* a listed hash: public */
			return 1;
	return 0;
}

void
sv_list_put(struct sv_list *l)
{
	size_t	 i;

	if (l == NULL || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	for (i = 0; l->slots != NULL && i <= l->mask; i++)
		free(l->slots[i]);
	for (i = 0; i < l->n_users; i++)
		free(l->users[i].user_id);
	free(l->users);
	free(l->slots);
	free(l);
}

/* {"user_id", "issued_before"}: the user's tokens up to that time. */
static int
user_add(struct sv_list *l, json_t *e, size_t max)
{
	const char		*uid = json_string_value(json_object_get(e,
				    "user_id"));
	const char		*ib = json_string_value(json_object_get(e,
				    "issued_before"));
	struct sv_user_rev	*u;

	if (uid == NULL || ib == NULL)
		return -1;
	if (l->users == NULL &&
	    (l->users = calloc(max, sizeof(*l->users))) == NULL)
		return -1;
	u = &l->users[l->n_users];
	if (isotime_parse(ib, &u->issued_before) != 0 ||
	    (u->user_id = strdup(uid)) == NULL)
		return -1;
	l->n_users++;
	return 0;
}

static int
list_fill(struct sv_list *l, json_t *arr)
{
	json_t		*e;
	const char	*aid, *id;
	size_t		 i;

	json_array_foreach(arr, i, e) {
		aid = json_string_value(json_object_get(e, "audit_id"));
		id = json_string_value(json_object_get(e, "id"));
		if (json_object_get(e, "user_id") != NULL) {
			if (user_add(l, e, json_array_size(arr)) != 0)
				return -1;
			continue;
		}
		if (!json_is_object(e) || (aid == NULL && id == NULL))
			return -1;
		if ((aid != NULL && list_add(l, 'a', aid) != 0) ||
		    (id != NULL && list_add(l, 'i', id) != 0))
			return -1;
		l->n_ids += id != NULL;
	}
	return 0;
}

/* The list document: {"revoked": [...], "issued_at": ...}. */
static struct sv_list *
list_parse(const char *text)
{
	json_t		*doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	json_t		*arr = json_object_get(doc, "revoked");
	struct sv_list	*l = NULL;
	const char	*ia = json_string_value(json_object_get(doc,
			    "issued_at"));
	size_t		 cap = 4;

	if (!json_is_array(arr) || ia == NULL ||
	    (l = calloc(1, sizeof(*l))) == NULL)
		goto out;
	atomic_init(&l->refs, 1);
	while (cap < 2 * json_array_size(arr) + 2)
		cap *= 2;
	l->mask = cap - 1;
	if (isotime_parse(ia, &l->issued_at) != 0 ||
	    (l->slots = calloc(cap, sizeof(*l->slots))) == NULL ||
	    list_fill(l, arr) != 0) {
		sv_list_put(l);
		l = NULL;
	}
 out:
	json_decref(doc);
	return l;
}

/* The list in pem if it verifies under the current certificates. */
static int
list_open(struct signet_verifier *v, const char *pem, struct sv_list **lp)
{
	uint8_t		*der = NULL;
	size_t		 len;
	char		*text = NULL;
	int		 r;

	*lp = NULL;
	if ((r = cmsv_pem_der(pem, strlen(pem), &der, &len)) == CMSV_OK)
		r = sv_certs_open(v, der, len, &text);
	free(der);
	if (r == CMSV_OK && (*lp = list_parse(text)) == NULL)
		r = CMSV_MALFORMED;
	free(text);
	return r;
}

/* Never older than what we hold; 0 when taken. */
static int
list_install(struct signet_verifier *v, struct sv_list *l)
{
	struct sv_list	*old = NULL;
	int		 r = -1;

	pthread_mutex_lock(&v->mu);
	if (v->list == NULL || l->issued_at >= v->list->issued_at) {
		old = v->list;
		v->list = l;
		r = 0;
	}
	pthread_mutex_unlock(&v->mu);
	sv_list_put(r == 0 ? old : l);
	atomic_fetch_add(r == 0 ? &v->n_lists_ok : &v->n_lists_bad, 1);
	return r;
}

struct sv_list *
sv_list_get(struct signet_verifier *v)
{
	struct sv_list	*l;

	pthread_mutex_lock(&v->mu);
	if ((l = v->list) != NULL)
		atomic_fetch_add(&l->refs, 1);
	pthread_mutex_unlock(&v->mu);
	return l;
}

/* The list an earlier run kept, if it still verifies. */
int
sv_list_load(struct signet_verifier *v)
{
	char		*pem = sv_dir_read(v->cf.signing_dir, "revoked.pem");
	struct sv_list	*l;
	int		 r = -1;

	if (pem != NULL && list_open(v, pem, &l) == CMSV_OK)
		r = list_install(v, l);
	free(pem);
	return r;
}

static char *
get_signed(struct signet_verifier *v, const char *tok, long *status)
{
	struct sv_http	 h;
	json_t		*doc;
	const char	*pem;
	char		*r = NULL;

	*status = 0;
	if (sv_http(v, "GET", "v3/auth/tokens/OS-PKI/revoked", tok, NULL,
	    NULL, &h) != 0)
		return NULL;
	*status = h.status;
	if (h.status == 200 &&
	    (doc = json_loads(h.body, JSON_REJECT_DUPLICATES, NULL)) != NULL) {
		if ((pem = json_string_value(json_object_get(doc, "signed"))))
			r = strdup(pem);
		json_decref(doc);
	}
	sv_http_clear(&h);
	return r;
}

static char *
fetch_pem(struct signet_verifier *v)
{
	char	*tok, *pem = NULL;
	long	 status;
	int	 tries;

	for (tries = 0; tries < 2 && pem == NULL; tries++) {
		if (sv_service_token(v, &tok) != 0)
			return NULL;
		pem = get_signed(v, tok, &status);
		if (status == 401)	/* our token expired or was revoked */
			sv_service_token_drop(v, tok);
		free(tok);
		if (status != 401)
			break;
	}
	return pem;
}

int
sv_list_fetch(struct signet_verifier *v)
{
	struct sv_list	*l;
	char		*pem = fetch_pem(v);
	int		 r;

	if (pem == NULL)
		return -1;
	if ((r = list_open(v, pem, &l)) == CMSV_UNKNOWN_SIGNER &&
	    sv_certs_refetch(v) == 0)
		r = list_open(v, pem, &l);
	if (r != CMSV_OK) {
		atomic_fetch_add(&v->n_lists_bad, 1);
		free(pem);
		return -1;
	}
	if ((r = list_install(v, l)) == 0)
		sv_dir_write(v->cf.signing_dir, "revoked.pem", pem,
		    strlen(pem));
	free(pem);
	return r;
}

static void
hex_digest(const EVP_MD *md, const char *s, char *out)
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	EVP_Digest(s, strlen(s), d, &n, md, NULL);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[2 * n] = '\0';
}

/*
 * By any audit id, by an event for its user not before its issue, or by
 * the token's md5/sha256 hash or plain id.
 */
int
sv_list_revoked(const struct sv_list *l, const char *tok,
    const struct signet_identity *id)
{
	char	 h[2 * EVP_MAX_MD_SIZE + 1];
	size_t	 i;

	for (i = 0; i < id->n_audit_ids; i++)
		if (list_has(l, 'a', id->audit_ids[i]))
			return 1;
	for (i = 0; i < l->n_users; i++)
		if (id->issued_at <= l->users[i].issued_before &&
		    strcmp(id->user_id, l->users[i].user_id) == 0)
			return 1;
	if (l->n_ids == 0)
		return 0;
	if (strlen(tok) <= 64 && list_has(l, 'i', tok))
		return 1;
	hex_digest(EVP_md5(), tok, h);
	if (list_has(l, 'i', h))
		return 1;
	hex_digest(EVP_sha256(), tok, h);
	return list_has(l, 'i', h);
}
