/*
 * signet-signerd: the SignCms policy. The signer is never an oracle that
 * signs arbitrary JSON: the body must be a Keystone v3 token document
 * whose members are all known, whose claims pass the same checks as
 * IssueFernet, and which is the exact text that will be signed (no raw
 * newlines, which openssl cms would have turned into CRLF).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cms_token.h"
#include "err.h"
#include "isotime.h"
#include "body_claims.h"
#include "signer.h"

static int
check_doc(struct signer *sg, json_t *doc, struct claims *c, char *why,
    size_t whysz)
{
	Signet__V1__Claims pc;
	struct token_body b;
	const char	*bad;

	if (token_body_read(doc, &b, &bad) != 0) {
		snprintf(why, whysz, "body: %s", bad);
		return SIG_ERR_POLICY;
	}
	body_claims(&b, &pc);
	if (b.issued_at > time(NULL) + sg->cf->signer_max_clock_skew ||
	    b.issued_at >= b.expires_at) {
		snprintf(why, whysz, "body: issued_at");
		return SIG_ERR_POLICY;
	}
	return policy_claims(sg, &pc, c, why, whysz);
}

int
policy_cms_body(struct signer *sg, const uint8_t *body, size_t len,
    struct claims *c, char *why, size_t whysz)
{
	json_error_t	 je;
	json_t		*doc;
	int		 r;

	if (len == 0 || len > CMS_BODY_MAX || memchr(body, '\n', len) ||
	    memchr(body, '\r', len)) {
		snprintf(why, whysz, "body: empty, over %d bytes, or with a "
		    "raw newline", CMS_BODY_MAX);
		return SIG_ERR_BAD_INPUT;
	}
	if ((doc = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		snprintf(why, whysz, "body: not JSON (%.60s)", je.text);
		return SIG_ERR_BAD_INPUT;
	}
	r = check_doc(sg, doc, c, why, whysz);
	json_decref(doc);
	return r;
}

static int
hex_id(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 32 && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

static const char *
check_revoked_entry(json_t *e)
{
	const char	*k;
	json_t		*v;
	int64_t		 t;
	uint8_t		 aid[CLAIMS_AUDIT_LEN];

	if (!json_is_object(e) || json_object_get(e, "expires") == NULL)
		return "an entry without expires";
	/* by user: every token of user_id issued up to issued_before */
	if ((json_object_get(e, "user_id") == NULL) !=
	    (json_object_get(e, "issued_before") == NULL))
		return "user_id without issued_before, or the reverse";
	json_object_foreach(e, k, v) {
		if (!json_is_string(v))
			return "a value that is not a string";
		if (strcmp(k, "expires") == 0 ||
		    strcmp(k, "issued_before") == 0 ?
		    isotime_parse(json_string_value(v), &t) != 0 :
		    strcmp(k, "audit_id") == 0 ?
		    claims_audit_parse(json_string_value(v), aid) != 0 :
		    strcmp(k, "user_id") == 0 ?
		    json_string_length(v) == 0 ||
		    json_string_length(v) > CLAIMS_ID_MAX :
		    strcmp(k, "id") == 0 ? !hex_id(json_string_value(v)) : 1)
			return k;
	}
	return NULL;
}

/*
 * A list's issued_at is the signer's now (within the clock skew allowed
 * between hosts): verifiers take the newest list, so a front-end that
 * could post-date one further would freeze revocation.
 */
static const char *
check_list_time(json_t *v, int skew)
{
	int64_t	 t, now = time(NULL);

	if (isotime_parse(json_string_value(v) ? json_string_value(v) : "",
	    &t) != 0 || t > now + skew || t < now - skew)
		return "issued_at is not now";
	return NULL;
}

/*
 * jansson spends about a hundred bytes on every object and array it
 * reads, and the whole list is read before its entries are judged: a
 * list of "{}" would cost the signer's locked memory far more than its
 * size. The smallest real entry ({"audit_id": 22 characters, "expires":
 * a time}) is over 60 bytes, so more than one object or array in 32
 * bytes is no revocation list and is refused unread.
 */
static int
too_many_values(const uint8_t *body, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		n += body[i] == '{' || body[i] == '[';
	return n > len / 32 + 2;
}

/*
 * {"revoked": [{"id"?, "expires", "audit_id"?, "user_id"?,
 * "issued_before"?}, ...], "issued_at"?}.
 */
int
policy_revocation_body(const uint8_t *body, size_t len, int skew,
    char *why, size_t whysz)
{
	json_t		*doc, *list, *e;
	const char	*bad = NULL;
	size_t		 i;

	if (len == 0 || len > CMS_LIST_MAX || memchr(body, '\n', len) ||
	    too_many_values(body, len) ||
	    (doc = json_loadb((const char *)body, len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		snprintf(why, whysz, "revocation list: not one line of JSON "
		    "of at most %d bytes", CMS_LIST_MAX);
		return SIG_ERR_BAD_INPUT;
	}
	list = json_object_get(doc, "revoked");
	if (json_object_size(doc) != 1 + (json_object_get(doc,
	    "issued_at") != NULL) || !json_is_array(list))
		bad = "not {\"revoked\": [...]}";
	else if (json_object_get(doc, "issued_at") != NULL)
		bad = check_list_time(json_object_get(doc, "issued_at"), skew);
	json_array_foreach(list, i, e)
		if (bad == NULL)
			bad = check_revoked_entry(e);
	if (bad != NULL)	/* bad may point into doc: use it first */
		snprintf(why, whysz, "revocation list: %.60s", bad);
	json_decref(doc);
	return bad == NULL ? 0 : SIG_ERR_POLICY;
}
