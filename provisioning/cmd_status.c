/*
 * signet-provision: status. Says what the token holds and every way it
 * falls short of what the signer needs: missing objects, weak keys, weak
 * or widened attributes (status_keys.c), expiring certificates, an
 * interrupted Fernet change; whether a key-encryption key is there.
 * Exit 0 only when nothing is wrong, so monitoring can run it.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "cms_engine.h"
#include "cms_keys.h"
#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"
#include "x509.h"

#define EXPIRY_WARN_DAYS	30

static int
problem(int *n, const char *kind, const char *what)
{
	printf("problem: %s: %s\n", kind, what);
	return ++*n;
}

/* For status_keys.c. */
int
status_problem(int *n, const char *kind, const char *what)
{
	return problem(n, kind, what);
}

static void
print_cert(const char *what, X509 *x)
{
	char	 subj[256];
	BIO	*b = BIO_new(BIO_s_mem());
	char	*end = NULL;
	long	 n;

	X509_NAME_oneline(X509_get_subject_name(x), subj, sizeof(subj));
	ASN1_TIME_print(b, X509_get0_notAfter(x));
	n = BIO_get_mem_data(b, &end);
	printf("%s: %s, valid until %.*s\n", what, subj, (int)n, end);
	BIO_free(b);
}

static void
status_cms(struct prov *p, int *np)
{
	struct cms_key	 k;
	X509		*sign = NULL, *ca = NULL;
	EVP_PKEY	*pub = NULL;
	char		 why[256];

	if (cms_key_find(p->s, CMS_SIGN_LABEL, &k) != 0 || !k.has_priv) {
		problem(np, "MISSING", "CMS signing key (run pki-setup)");
		return;
	}
	printf("signing key: %s %lu bits\n", k.kt == CKK_EC ? "EC" : "RSA",
	    (unsigned long)k.bits);
	if (k.kt == CKK_RSA && k.bits < 2048)
		problem(np, "WEAK", "RSA signing key shorter than 2048 bits");
	if (cms_cert_read(p->s, CMS_SIGN_LABEL, &sign) != 0)
		problem(np, "MISSING", "signing certificate (import-cert)");
	if (cms_cert_read(p->s, CMS_CA_LABEL, &ca) != 0)
		problem(np, "MISSING", "CA certificate");
	if (sign != NULL)
		print_cert("signing certificate", sign);
	if (ca != NULL)
		print_cert("CA certificate", ca);
	if (sign != NULL && ca != NULL && prov_engine(p) == 0 &&
	    cms_engine_key(p->eng, &p->ti, CMS_SIGN_LABEL, 0, &pub) == 0 &&
	    x509_check_leaf(sign, ca, pub, why, sizeof(why)) != 0)
		problem(np, "INVALID", why);
	if (sign != NULL && X509_cmp_time(X509_get0_notAfter(sign),
	    &(time_t){ time(NULL) + EXPIRY_WARN_DAYS * 86400 }) < 0)
		problem(np, "EXPIRING", "signing certificate ends within 30 "
		    "days");
	EVP_PKEY_free(pub);
	X509_free(sign);
	X509_free(ca);
}

/*
 * One key set. The token keys must be there; receipt and credential keys
 * only when a Keystone uses them, so their absence is no problem.
 */
static void
status_fernet(struct prov *p, const struct fernet_set *set, int *np)
{
	struct fernet_inv	 inv;
	char			 msg[160];
	const char		*opt, *name = set == &fernet_set_token ?
				    "fernet" : set->name;
	size_t			 n;
	int			 max = prov_max_active(p->cf, set, &opt);

	if (fernet_inv_load(p->s, set, &inv) != 0) {
		snprintf(msg, sizeof(msg), "cannot read the %s key inventory",
		    set->what);
		problem(np, "ERROR", msg);
		goto out;
	}
	n = fernet_inv_count(&inv, FK_INDEX);
	if (n == 0 && set != &fernet_set_token && inv.nkeys == 0 &&
	    inv.norphans == 0 && inv.journal_op[0] == '\0') {
		printf("%s keys: none\n", name);
		goto out;
	}
	printf("%s keys: %zu (max_active_keys %d)\n", name, n, max);
	if (n > 0)
		printf("%s primary: %d\n", name, inv.keys[0].index);
	if (n == 0) {
		snprintf(msg, sizeof(msg), "%s keys (run fernet-setup%s%s)",
		    set == &fernet_set_token ? "Fernet" : set->what,
		    set == &fernet_set_token ? "" : " --keys ",
		    set == &fernet_set_token ? "" : set->name);
		problem(np, "MISSING", msg);
	} else if (fernet_inv_find(&inv, FK_INDEX, 0) == NULL) {
		snprintf(msg, sizeof(msg), "staged %s key 0", set->what);
		problem(np, "MISSING", msg);
	}
	if (n > (size_t)max) {
		snprintf(msg, sizeof(msg), "more %s keys than max_active_keys",
		    set->what);
		problem(np, "EXCESS", msg);
	}
	if (inv.dup_index) {
		snprintf(msg, sizeof(msg), "two %s keys claim one index",
		    set->what);
		problem(np, "CONFLICT", msg);
	}
	if (inv.journal_op[0] != '\0') {
		snprintf(msg, sizeof(msg), "an interrupted %s key change; "
		    "rerun fernet-rotate%s%s to finish it", set->what,
		    set == &fernet_set_token ? "" : " --keys ",
		    set == &fernet_set_token ? "" : set->name);
		problem(np, "PENDING", msg);
	}
	if (inv.norphans > 0) {
		snprintf(msg, sizeof(msg), "%s key halves without a partner",
		    set->what);
		problem(np, "LEFTOVER", msg);
	}
 out:
	fernet_inv_clear(&inv);
}

/* A KEK is needed only to copy keys to another HSM: none is no problem. */
void
status_kek(struct prov *p, int *np)
{
	CK_OBJECT_HANDLE h;
	char		 why[128], msg[192];
	int		 r;

	if ((r = kek_find(p->s, &h)) == SIG_ERR_KEY_NOT_FOUND) {
		printf("key-encryption key: none\n");
		return;
	}
	if (r != 0) {
		problem(np, "CONFLICT", "more than one key-encryption key");
		return;
	}
	printf("key-encryption key: present ('%s', trusted)\n", KEK_LABEL);
	if (kek_fault(p->s, h, why, sizeof(why)) != 0) {
		snprintf(msg, sizeof(msg), "the key-encryption key %s", why);
		problem(np, "WEAK", msg);
	}
}

int
cmd_status(struct prov *p)
{
	char	 label[33], serial[17], model[17];
	int	 n = 0;

	hsm_field_str(p->ti.label, sizeof(p->ti.label), label, sizeof(label));
	hsm_field_str(p->ti.serialNumber, sizeof(p->ti.serialNumber), serial,
	    sizeof(serial));
	hsm_field_str(p->ti.model, sizeof(p->ti.model), model, sizeof(model));
	printf("token: '%s' serial %s model %s slot %lu\n", label, serial,
	    model, (unsigned long)p->slot);
	status_cms(p, &n);
	status_fernet(p, &fernet_set_token, &n);
	status_fernet(p, &fernet_set_receipt, &n);
	status_fernet(p, &fernet_set_credential, &n);
	status_jws(p, &n);
	status_kek(p, &n);
	status_keys(p, CKO_PRIVATE_KEY, &n);
	status_keys(p, CKO_SECRET_KEY, &n);
	if (n == 0)
		printf("status: ok\n");
	else
		printf("status: %d problem%s\n", n, n == 1 ? "" : "s");
	return n == 0 ? 0 : SIG_ERR_STATE;
}
