/*
 * signet-api: PKI and PKIZ tokens ([token] provider = pki | pkiz), issued
 * through the signer's SignCms and verified in-process with the public
 * certificates it gave (PublicMaterial): the CMS signature under the
 * signing certificate chained to the CA (S/MIME signing purpose), PKIZ
 * inflated under a cap with no trailing bytes, then the document's claims
 * (token_doc.c), expiry first. The document is signed as Python's
 * json.dumps would write it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/cms.h>

#include "cms_verify.h"
#include "err.h"
#include "log.h"
#include "provider.h"

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
static int
pki_sign(struct api *a, json_t *doc, int pkiz, char **tokp)
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

/* Verified here, then read; caller opened_free()s. Expired tokens fail
 * offline. */
int
pki_token_open(struct api *a, const char *tok, int allow_expired,
    struct opened *o)
{
	char	*text;
	int	 n;

	pthread_mutex_lock(&certs_mu);
	n = sign_cert != NULL && ca_store != NULL;
	pthread_mutex_unlock(&certs_mu);
	if (!n && pki_load_certs(a) != 0)
		return SIG_ERR_UNAVAILABLE;
	if ((text = pki_verify(tok)) == NULL)
		return SIG_ERR_KEY_NOT_FOUND;
	return token_doc_open(a, text, allow_expired, o);
}

/* Its document first, signed as it is sent. */
int
pki_token_issue(struct api *a, const struct provider *p,
    Signet__V1__Claims *c, const char *parent, int catalog, json_t **docp,
    char **tokp)
{
	int	 r;

	(void)parent;
	*tokp = NULL;
	if ((r = token_doc(a, c, time(NULL), catalog, docp)) != 0)
		return r;
	if (pki_sign(a, *docp, p->compress, tokp) != 0) {
		json_decref(*docp);
		*docp = NULL;
		return SIG_ERR_UNAVAILABLE;
	}
	return 0;
}
