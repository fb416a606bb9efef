/*
 * signet-provision: pki-setup, import-cert and export-certs, the token
 * equivalent of keystone-manage pki_setup. Keys are generated in the token
 * under "-new" labels and take the live labels only once their
 * certificates are in place, so a failure leaves the old keys serving.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cms_engine.h"
#include "cms_keys.h"
#include "err.h"
#include "log.h"
#include "prov.h"
#include "x509.h"

#define SIGN_NEW	CMS_SIGN_LABEL CMS_NEW_SUFFIX
#define CA_NEW		CMS_CA_LABEL CMS_NEW_SUFFIX

struct pki_ca {
	X509		*cert;
	EVP_PKEY	*priv;
	int		 fresh;		/* made by this run, under CA_NEW */
};

static int
ca_reuse(struct prov *p, struct pki_ca *ca)
{
	struct cms_key	 k;
	int		 r;

	if ((r = cms_key_find(p->s, CMS_CA_LABEL, &k)) != 0)
		return r;
	if (!k.has_priv || !k.has_cert)
		return SIG_ERR_KEY_NOT_FOUND;
	if ((r = cms_cert_read(p->s, CMS_CA_LABEL, &ca->cert)) != 0 ||
	    (r = cms_engine_key(p->eng, &p->ti, CMS_CA_LABEL, 1,
	    &ca->priv)) != 0)
		return r;
	log_info("reusing the local CA already in the token");
	return 0;
}

static int
ca_make(struct prov *p, enum cms_key_type type, int days, struct pki_ca *ca)
{
	struct cms_key	 k;
	EVP_PKEY	*pub = NULL;
	int		 r;

	ca->fresh = 1;
	if ((r = cms_key_generate(p->s, CA_NEW, type, &k)) != 0 ||
	    (r = cms_engine_key(p->eng, &p->ti, CA_NEW, 1, &ca->priv)) != 0 ||
	    (r = cms_engine_key(p->eng, &p->ti, CA_NEW, 0, &pub)) != 0 ||
	    (r = x509_make_ca(ca->priv, pub, p->cf->signing_ca_subject, days,
	    &ca->cert)) != 0 ||
	    (r = cms_cert_store(p->s, CA_NEW, ca->cert)) != 0)
		goto out;
 out:
	EVP_PKEY_free(pub);
	return r;
}

static int
write_pem(const char *path, X509 *x, X509_REQ *req)
{
	char	 tmp[4096];
	FILE	*f;
	int	 ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_err("%s: cannot write: %m", tmp);
		return SIG_ERR_SYSTEM;
	}
	ok = x != NULL ? PEM_write_X509(f, x) : PEM_write_X509_REQ(f, req);
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		log_err("%s: cannot write: %m", path);
		remove(tmp);
		return SIG_ERR_SYSTEM;
	}
	return 0;
}

/* Makes the signing certificate under the local CA and stores both. */
static int
issue_local(struct prov *p, enum cms_key_type type, const char *subject,
    int days, EVP_PKEY *pub)
{
	struct pki_ca	 ca = { NULL, NULL, 0 };
	X509		*leaf = NULL;
	char		 why[256];
	int		 r;

	if (p->o.force || (r = ca_reuse(p, &ca)) == SIG_ERR_KEY_NOT_FOUND)
		r = ca_make(p, type, days, &ca);
	if (r != 0 || (r = x509_make_leaf(pub, ca.cert, ca.priv, subject, days,
	    &leaf)) != 0)
		goto out;
	if ((r = x509_check_leaf(leaf, ca.cert, pub, why, sizeof(why))) != 0) {
		log_err("refusing the certificate just made: %s", why);
		goto out;
	}
	if ((r = cms_cert_store(p->s, SIGN_NEW, leaf)) != 0)
		goto out;
	if (ca.fresh && ((r = cms_key_destroy(p->s, CMS_CA_LABEL)) != 0 ||
	    (r = cms_key_relabel(p->s, CA_NEW, CMS_CA_LABEL)) != 0))
		goto out;
 out:
	X509_free(leaf);
	X509_free(ca.cert);
	EVP_PKEY_free(ca.priv);
	return r;
}

static int
pki_existing(struct prov *p)
{
	struct cms_key	 k;
	int		 r;

	if ((r = cms_key_find(p->s, CMS_SIGN_LABEL, &k)) != 0)
		return r;
	if ((k.has_priv || k.has_cert) && !p->o.force) {
		log_err("the token already holds a signing key; --force "
		    "replaces it (every PKI token it signed dies)");
		return SIG_ERR_EXISTS;
	}
	/* Leftovers of a run that failed before its keys went live. */
	if ((r = cms_key_destroy(p->s, SIGN_NEW)) != 0)
		return r;
	return cms_key_destroy(p->s, CA_NEW);
}

static int
pki_generate(struct prov *p, enum cms_key_type type, const char *subject,
    int days)
{
	struct cms_key	 k;
	EVP_PKEY	*priv = NULL, *pub = NULL;
	X509_REQ	*req = NULL;
	int		 r;

	if ((r = cms_key_generate(p->s, SIGN_NEW, type, &k)) != 0 ||
	    (r = cms_engine_key(p->eng, &p->ti, SIGN_NEW, 0, &pub)) != 0)
		goto out;
	if (p->o.csr != NULL) {
		if ((r = cms_engine_key(p->eng, &p->ti, SIGN_NEW, 1,
		    &priv)) == 0 &&
		    (r = x509_make_csr(priv, pub, subject, &req)) == 0)
			r = write_pem(p->o.csr, NULL, req);
	} else
		r = issue_local(p, type, subject, days, pub);
	if (r == 0 && ((r = cms_key_destroy(p->s, CMS_SIGN_LABEL)) != 0 ||
	    (r = cms_key_relabel(p->s, SIGN_NEW, CMS_SIGN_LABEL)) != 0))
		goto out;
 out:
	X509_REQ_free(req);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	return r;
}

int
cmd_pki_setup(struct prov *p)
{
	enum cms_key_type type;
	const char	*subject = p->o.subject ? p->o.subject :
			    p->cf->signing_cert_subject;
	int		 days, r;

	days = p->o.days ? p->o.days : p->cf->signing_valid_days;
	if ((r = cms_key_type_parse(p->o.key_type ? p->o.key_type :
	    p->cf->signing_key_type, &type)) != 0 ||
	    (r = pki_existing(p)) != 0 || (r = prov_engine(p)) != 0)
		return r;
	if ((r = pki_generate(p, type, subject, days)) != 0) {
		(void)cms_key_destroy(p->s, SIGN_NEW);
		(void)cms_key_destroy(p->s, CA_NEW);
		log_err("pki-setup failed; the token's previous keys are as "
		    "they were");
		return r;
	}
	if (p->o.csr != NULL)
		printf("%s key generated; CSR written to %s; import the "
		    "answer with import-cert\n", cms_key_type_name(type),
		    p->o.csr);
	else
		printf("%s signing key and certificate ready\n",
		    cms_key_type_name(type));
	return 0;
}

/* Caller owns *sk (sk_X509_pop_free). */
static int
read_certs(const char *path, STACK_OF(X509) **sk)
{
	X509	*x;
	FILE	*f;

	*sk = sk_X509_new_null();
	if (*sk == NULL || (f = fopen(path, "r")) == NULL) {
		log_err("%s: cannot read: %m", path);
		return SIG_ERR_BAD_INPUT;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(*sk, x);
	fclose(f);
	if (sk_X509_num(*sk) == 0) {
		log_err("%s: no PEM certificate in it", path);
		return SIG_ERR_BAD_INPUT;
	}
	return 0;
}

/* The leaf matching pub and its issuer, from sk or else from the token. */
static int
pick_chain(struct prov *p, STACK_OF(X509) *sk, EVP_PKEY *pub, X509 **leaf,
    X509 **ca, int *ca_from_file)
{
	int	 i, r;

	*leaf = *ca = NULL;
	for (i = 0; i < sk_X509_num(sk) && *leaf == NULL; i++)
		if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(sk, i)),
		    pub) == 1)
			*leaf = sk_X509_value(sk, i);
	if (*leaf == NULL) {
		log_err("%s: no certificate in it is for the token's signing "
		    "key", p->args[0]);
		return SIG_ERR_CERT;
	}
	for (i = 0; i < sk_X509_num(sk) && *ca == NULL; i++)
		if (sk_X509_value(sk, i) != *leaf &&
		    X509_check_issued(sk_X509_value(sk, i), *leaf) == X509_V_OK)
			*ca = X509_dup(sk_X509_value(sk, i));
	*ca_from_file = *ca != NULL;
	if (*ca == NULL && (r = cms_cert_read(p->s, CMS_CA_LABEL, ca)) != 0) {
		log_err("%s: holds no CA certificate and the token has none; "
		    "put the CA certificate after the signing one", p->args[0]);
		return SIG_ERR_CERT;
	}
	return 0;
}

static int
import_store(struct prov *p, X509 *leaf, X509 *ca, int ca_from_file)
{
	int	 r;

	if (ca_from_file && ((r = cms_key_destroy(p->s, CMS_CA_LABEL)) != 0 ||
	    (r = cms_cert_store(p->s, CMS_CA_LABEL, ca)) != 0))
		return r;
	return cms_cert_store(p->s, CMS_SIGN_LABEL, leaf);
}

int
cmd_import_cert(struct prov *p)
{
	STACK_OF(X509)	*sk = NULL;
	EVP_PKEY	*pub = NULL;
	X509		*leaf, *ca = NULL;
	char		 why[256];
	int		 r, from_file = 0;

	if ((r = read_certs(p->args[0], &sk)) != 0 ||
	    (r = prov_engine(p)) != 0 ||
	    (r = cms_engine_key(p->eng, &p->ti, CMS_SIGN_LABEL, 0,
	    &pub)) != 0 ||
	    (r = pick_chain(p, sk, pub, &leaf, &ca, &from_file)) != 0)
		goto out;
	if ((r = x509_check_leaf(leaf, ca, pub, why, sizeof(why))) != 0) {
		log_err("%s: refused: %s", p->args[0], why);
		goto out;
	}
	if ((r = import_store(p, leaf, ca, from_file)) == 0)
		printf("signing certificate imported\n");
 out:
	X509_free(ca);
	EVP_PKEY_free(pub);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

int
cmd_export_certs(struct prov *p)
{
	X509	*sign = NULL, *ca = NULL;
	char	 path[4096];
	int	 r;

	if ((r = cms_cert_read(p->s, CMS_SIGN_LABEL, &sign)) != 0 ||
	    (r = cms_cert_read(p->s, CMS_CA_LABEL, &ca)) != 0) {
		log_err("the token has no %s certificate; run pki-setup",
		    sign == NULL ? "signing" : "CA");
		goto out;
	}
	/* certificates are public: 0755 as the umask allows; no parents */
	if (mkdir(p->args[0], 0755) != 0 && errno != EEXIST) {
		log_err("%s: cannot make the folder: %m", p->args[0]);
		r = SIG_ERR_SYSTEM;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/signing_cert.pem", p->args[0]);
	if ((r = write_pem(path, sign, NULL)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/ca.pem", p->args[0]);
	if ((r = write_pem(path, ca, NULL)) == 0)
		printf("wrote %s/signing_cert.pem and %s/ca.pem\n", p->args[0],
		    p->args[0]);
 out:
	X509_free(sign);
	X509_free(ca);
	return r;
}
