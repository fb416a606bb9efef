/*
 * libsignet-verify: the signing certificate and its CA. A signing
 * certificate is taken only when it chains to the CA (the pinned one when
 * configured) for S/MIME signing; anything else keeps what we had.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>

#include "cms_verify.h"
#include "verify.h"

X509 *
sv_pem_cert(const char *pem)
{
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	ERR_clear_error();
	return x;
}

void
sv_certs_put(struct sv_certs *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	X509_free(c->signer);
	X509_free(c->ca);
	X509_STORE_free(c->store);
	free(c);
}

static int
chains(X509_STORE *store, X509 *signer)
{
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 ok = 0;

	if (ctx != NULL && X509_STORE_CTX_init(ctx, store, signer, NULL) &&
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SMIME_SIGN))
		ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static int64_t
asn1_time(const ASN1_TIME *t)
{
	struct tm	 tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/* When both certificates are valid: CMS_verify's own time check,
 * done once here since the chain is verified once per install. */
static void
validity(struct sv_certs *c)
{
	int64_t	 a = asn1_time(X509_get0_notBefore(c->signer));
	int64_t	 b = asn1_time(X509_get0_notBefore(c->ca));
	int64_t	 y = asn1_time(X509_get0_notAfter(c->signer));
	int64_t	 z = asn1_time(X509_get0_notAfter(c->ca));

	c->not_before = a > b ? a : b;
	c->not_after = y < z ? y : z;
}

/* Takes both references; NULL unless signer chains to ca. */
static struct sv_certs *
certs_new(X509 *signer, X509 *ca)
{
	struct sv_certs	*c;

	if (signer == NULL || ca == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		X509_free(signer);
		X509_free(ca);
		return NULL;
	}
	atomic_init(&c->refs, 1);
	c->signer = signer;
	c->ca = ca;
	if ((c->store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(c->store, ca) || !chains(c->store, signer)) {
		sv_certs_put(c);
		return NULL;
	}
	validity(c);
	return c;
}

static void
certs_install(struct signet_verifier *v, struct sv_certs *c)
{
	struct sv_certs	*old;

	pthread_mutex_lock(&v->mu);
	old = v->certs;
	v->certs = c;
	pthread_mutex_unlock(&v->mu);
	sv_certs_put(old);
}

struct sv_certs *
sv_certs_get(struct signet_verifier *v)
{
	struct sv_certs	*c;

	pthread_mutex_lock(&v->mu);
	if ((c = v->certs) != NULL)
		atomic_fetch_add(&c->refs, 1);
	pthread_mutex_unlock(&v->mu);
	return c;
}

/*
 * The content of DER under the current certificates. Their chain was
 * verified when they were installed, so only the signature and the
 * validity window are checked per call.
 */
int
sv_certs_open(struct signet_verifier *v, const uint8_t *der, size_t len,
    char **textp)
{
	struct sv_certs	*c = sv_certs_get(v);
	int64_t		 now = time(NULL);
	size_t		 n;
	int		 r;

	*textp = NULL;
	if (c == NULL)
		return CMSV_UNKNOWN_SIGNER;
	if (now < c->not_before || now >= c->not_after)
		r = CMSV_BAD_SIGNATURE;
	else
		r = cmsv_open(der, len, c->signer, c->store, CMSV_PREVERIFIED,
		    textp, &n);
	sv_certs_put(c);
	return r;
}

static X509 *
trust_anchor(struct signet_verifier *v, const char *pem)
{
	if (v->pinned_ca != NULL) {
		X509_up_ref(v->pinned_ca);
		return v->pinned_ca;
	}
	return pem != NULL ? sv_pem_cert(pem) : NULL;
}

/* What an earlier run kept: lets a service start with the token
 * service down. */
int
sv_certs_load(struct signet_verifier *v)
{
	char		*sp = sv_dir_read(v->cf.signing_dir, "signing_cert.pem");
	char		*cp = sv_dir_read(v->cf.signing_dir, "ca.pem");
	struct sv_certs	*c = NULL;

	if (sp != NULL)
		c = certs_new(sv_pem_cert(sp), trust_anchor(v, cp));
	free(sp);
	free(cp);
	if (c == NULL)
		return -1;
	certs_install(v, c);
	return 0;
}

static char *
get_pem(struct signet_verifier *v, const char *path)
{
	struct sv_http	 h;
	char		*pem = NULL;

	if (sv_http(v, "GET", path, NULL, NULL, NULL, &h) != 0)
		return NULL;
	if (h.status == 200 && strstr(h.body, "-----BEGIN CERTIFICATE") !=
	    NULL) {
		pem = h.body;
		h.body = NULL;
	}
	sv_http_clear(&h);
	return pem;
}

int
sv_certs_fetch(struct signet_verifier *v)
{
	char		*sp, *cp;
	struct sv_certs	*c = NULL;
	int		 r = -1;

	pthread_mutex_lock(&v->fetch_mu);
	sp = get_pem(v, "v2.0/certificates/signing");
	cp = get_pem(v, "v2.0/certificates/ca");
	if (sp != NULL && (cp != NULL || v->pinned_ca != NULL))
		c = certs_new(sv_pem_cert(sp), trust_anchor(v, cp));
	if (c != NULL &&
	    sv_dir_write(v->cf.signing_dir, "signing_cert.pem", sp,
	    strlen(sp)) == 0 && (cp == NULL ||
	    sv_dir_write(v->cf.signing_dir, "ca.pem", cp, strlen(cp)) == 0)) {
		certs_install(v, c);
		r = 0;
	} else
		sv_certs_put(c);
	pthread_mutex_unlock(&v->fetch_mu);
	free(sp);
	free(cp);
	return r;
}

/* After a token from an unknown signer: at most once per SV_REFETCH_MIN,
 * so forged tokens cannot turn us into a download loop. */
int
sv_certs_refetch(struct signet_verifier *v)
{
	int64_t	 now = time(NULL);
	int	 go;

	pthread_mutex_lock(&v->mu);
	go = now - v->last_refetch >= SV_REFETCH_MIN;
	if (go)
		v->last_refetch = now;
	pthread_mutex_unlock(&v->mu);
	if (!go)
		return -1;
	atomic_fetch_add(&v->n_refetch, 1);
	return sv_certs_fetch(v);
}
