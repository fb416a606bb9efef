/*
 * signet-api: issues PKI and PKIZ tokens through the signer's SignCms and
 * verifies them in-process: the CMS signature under the signing
 * certificate chained to the CA (S/MIME signing purpose), PKIZ inflated
 * under a cap with no trailing bytes, then the document's claims, expiry
 * first. The document is signed as Python's json.dumps would write it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/cms.h>

#include "body_claims.h"
#include "cms_verify.h"
#include "err.h"
#include "isotime.h"
#include "log.h"
#include "provider_pki.h"

static X509		*sign_cert;
static X509_STORE	*ca_store;
static pthread_mutex_t	 certs_mu = PTHREAD_MUTEX_INITIALIZER;

int
pki_is_token(const char *tok)
{
	return cmsv_is_token(tok);
}

static X509 *
pem_cert(const char *pem)
{
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

/* The signer's certificates, once; PKI validation needs them. */
int
pki_load_certs(struct api *a)
{
	Signet__V1__Response	*resp = NULL;
	X509			*ca = NULL;
	int			 r = SIG_ERR_KEY_NOT_FOUND;

	if (sigc_public_material(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		return SIG_ERR_UNAVAILABLE;
	}
	pthread_mutex_lock(&certs_mu);
	if (sign_cert == NULL &&
	    (sign_cert = pem_cert(resp->public_material->signing_cert_pem)) &&
	    (ca = pem_cert(resp->public_material->ca_cert_pem)) != NULL &&
	    (ca_store = X509_STORE_new()) != NULL &&
	    X509_STORE_add_cert(ca_store, ca))
		r = 0;
	else if (sign_cert != NULL && ca_store != NULL)
		r = 0;
	pthread_mutex_unlock(&certs_mu);
	X509_free(ca);
	sigc_response_free(resp);
	if (r != 0)
		log_err("the signer has no CMS certificates; PKI tokens fail");
	return r;
}

/* Caller owns *tokp (free). */
int
pki_issue(struct api *a, json_t *doc, int pkiz, char **tokp)
{
	Signet__V1__Response	*resp = NULL;
	char			*body;
	int			 r = SIG_ERR_UNAVAILABLE;

	*tokp = NULL;
	/* Python's separators (", ", ": ") and ensure_ascii. */
	if ((body = json_dumps(doc, JSON_ENSURE_ASCII)) == NULL)
		return SIG_ERR_NOMEM;
	if (sigc_sign_cms(&a->signer, (uint8_t *)body, strlen(body),
	    pkiz ? SIGC_CMS_PKIZ : SIGC_CMS_PKI, &resp) == 0 &&
	    (*tokp = strdup(resp->sign_cms->token)) != NULL)
		r = 0;
	else if (resp != NULL)
		log_warn("signer refused a PKI token: %s", resp->error);
	sigc_response_free(resp);
	free(body);
	return r;
}

/* The verified content of tok, NUL-terminated; caller owns it. */
static char *
pki_verify(const char *tok)
{
	X509		*cert;
	X509_STORE	*store;
	uint8_t		*der;
	size_t		 len, n;
	char		*res = NULL;
	int		 r;

	/* Set once, never changed: the lock guards the load, not the use,
	 * so PKI validations on every HTTP thread run side by side. */
	pthread_mutex_lock(&certs_mu);
	cert = sign_cert;
	store = ca_store;
	pthread_mutex_unlock(&certs_mu);
	if ((r = cmsv_token_der(tok, &der, &len)) == CMSV_OK) {
		r = cmsv_open(der, len, cert, store, 0, &res, &n);
		free(der);
	}
	if (r != CMSV_OK)
		log_debug("PKI token refused: %s", cmsv_str(r));
	return res;
}

/*
 * The claims of a verified document, in the shape OpenFernet gives. There
 * are no trusts here: a trust-scoped body is never taken for a plain
 * project token.
 */
static int
claims_of(struct pki_opened *po)
{
	const char	*why;

	if (token_body_read(po->body, &po->tb, &why) != 0) {
		log_debug("token document refused: %s", why);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	if (po->tb.scope == TB_TRUST)
		return SIG_ERR_KEY_NOT_FOUND;
	body_claims(&po->tb, &po->c);
	po->issued_at = po->tb.issued_at;
	return 0;
}

/* Caller owns *pop: the claims of a trusted document (text is freed). */
int
doc_open(struct api *a, char *text, int allow_expired,
    struct pki_opened **pop)
{
	struct pki_opened	*po;
	int64_t			 now = time(NULL);

	*pop = NULL;
	if ((po = calloc(1, sizeof(*po))) == NULL) {
		free(text);
		return SIG_ERR_NOMEM;
	}
	po->body = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (po->body == NULL || claims_of(po) != 0 ||
	    (now >= po->c.expires_at && (!allow_expired || now >=
	    po->c.expires_at + a->cf->token_allow_expired_window))) {
		pki_opened_free(po);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	*pop = po;
	return 0;
}

/* Caller owns *pop (pki_opened_free). Expired tokens fail offline. */
int
pki_open(struct api *a, const char *tok, int allow_expired,
    struct pki_opened **pop)
{
	char	*text;
	int	 n;

	*pop = NULL;
	pthread_mutex_lock(&certs_mu);
	n = sign_cert != NULL && ca_store != NULL;
	pthread_mutex_unlock(&certs_mu);
	if (!n && pki_load_certs(a) != 0)
		return SIG_ERR_UNAVAILABLE;
	if ((text = pki_verify(tok)) == NULL)
		return SIG_ERR_KEY_NOT_FOUND;
	return doc_open(a, text, allow_expired, pop);
}

/* A UUID token: 32 lowercase hex digits, looked up exactly. */
int
uuid_is_token(const char *tok)
{
	return strlen(tok) == 32 && strspn(tok, "0123456789abcdef") == 32;
}

int
uuid_open(struct api *a, const char *tok, int allow_expired,
    struct pki_opened **pop)
{
	char	*text;
	int	 r;

	*pop = NULL;
	if ((r = store_uuid_get(api_store(a), tok, &text)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? r : SIG_ERR_UNAVAILABLE;
	return doc_open(a, text, allow_expired, pop);
}

/* Caller owns *tokp (free): a fresh id, the document kept under it. */
int
uuid_issue(struct api *a, json_t *doc, const char *user, int64_t expires_at,
    char **tokp)
{
	char	*body, id[STORE_ID_LEN + 1];
	int	 r;

	*tokp = NULL;
	if ((body = json_dumps(doc, JSON_ENSURE_ASCII)) == NULL)
		return SIG_ERR_NOMEM;
	store_new_id(id);
	r = store_uuid_put(api_store(a), id, user, expires_at, body,
	    a->cf->token_allow_expired_window);
	free(body);
	if (r == 0 && (*tokp = strdup(id)) == NULL)
		r = SIG_ERR_NOMEM;
	return r;
}

void
pki_opened_free(struct pki_opened *po)
{
	if (po == NULL)
		return;
	json_decref(po->body);
	free(po);
}
