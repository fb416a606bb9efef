/*
 * signet-provision status: the attributes of every private and secret key
 * in the token. Any key must be sensitive and unable to both wrap and
 * decrypt; signet's own keys ("signet-" labels) must also do no more than
 * signet does with them. Signet's keys stay CKA_MODIFIABLE (rotation and
 * pki-setup relabel them), so a user-PIN holder can widen them: this is
 * where that shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key_policy.h"
#include "prov.h"

#define MECHS_READ_MAX	32

struct key_attrs {
	char		 label[HSM_LABEL_MAX];
	CK_OBJECT_CLASS	 cls;
	CK_KEY_TYPE	 kt;
	CK_BBOOL	 sens, ext, trusted, dec, wrap, unwrap, derive;
	CK_BBOOL	 recover, copyable, so_trusted;
	CK_MECHANISM_TYPE mechs[MECHS_READ_MAX];
	CK_ULONG	 nmechs;	/* CK_UNAVAILABLE_INFORMATION: > max */
};

/*
 * An attribute the key lacks keeps its preset (false; copyable true, the
 * PKCS#11 default); a key without label, class or type is skipped.
 */
static int
key_read(struct hsm_sess *s, CK_OBJECT_HANDLE h, struct key_attrs *k)
{
	CK_ATTRIBUTE	 a[] = {
		{ CKA_LABEL, k->label, sizeof(k->label) - 1 },
		{ CKA_CLASS, &k->cls, sizeof(k->cls) },
		{ CKA_KEY_TYPE, &k->kt, sizeof(k->kt) },
		{ CKA_SENSITIVE, &k->sens, 1 },
		{ CKA_EXTRACTABLE, &k->ext, 1 },
		{ CKA_WRAP_WITH_TRUSTED, &k->trusted, 1 },
		{ CKA_DECRYPT, &k->dec, 1 },
		{ CKA_WRAP, &k->wrap, 1 },
		{ CKA_UNWRAP, &k->unwrap, 1 },
		{ CKA_DERIVE, &k->derive, 1 },
		{ CKA_SIGN_RECOVER, &k->recover, 1 },
		{ CKA_COPYABLE, &k->copyable, 1 },
		{ CKA_TRUSTED, &k->so_trusted, 1 },
		{ CKA_ALLOWED_MECHANISMS, k->mechs, sizeof(k->mechs) },
	};
	CK_ULONG	 n = sizeof(a) / sizeof(a[0]);

	memset(k, 0, sizeof(*k));
	k->copyable = CK_TRUE;		/* the PKCS#11 default */
	if (hsm_attrs_read(s, h, a, n) != 0)
		return -1;
	if (a[0].ulValueLen == CK_UNAVAILABLE_INFORMATION ||
	    a[1].ulValueLen == CK_UNAVAILABLE_INFORMATION ||
	    a[2].ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return -1;
	k->label[a[0].ulValueLen] = '\0';
	k->nmechs = a[n - 1].ulValueLen == CK_UNAVAILABLE_INFORMATION ?
	    CK_UNAVAILABLE_INFORMATION :
	    a[n - 1].ulValueLen / sizeof(CK_MECHANISM_TYPE);
	return 0;
}

/* What any key must be; NULL if it is. */
static const char *
any_key_fault(const struct key_attrs *k)
{
	if (!k->sens)
		return "is not sensitive";
	if (k->ext && !k->trusted)
		return "is extractable without a trusted wrapping key";
	if (k->wrap && k->dec)
		return "can both wrap and decrypt";
	return NULL;
}

static void
add(char *buf, size_t sz, const char *word)
{
	size_t	 len = strlen(buf);

	snprintf(buf + len, sz - len, " %s", word);
}

/* Lists in buf the uses a signet key was never given. */
static void
widened(const struct key_attrs *k, char *buf, size_t sz)
{
	const CK_MECHANISM_TYPE *want;
	size_t		 nwant = key_policy_mechs(k->cls, k->kt, &want), j;
	CK_ULONG	 i;

	buf[0] = '\0';
	if (k->derive)
		add(buf, sz, "derive");
	if (k->cls == CKO_PRIVATE_KEY && k->dec)
		add(buf, sz, "decrypt");
	if (k->cls == CKO_PRIVATE_KEY && k->recover)
		add(buf, sz, "sign-recover");
	if (k->cls == CKO_SECRET_KEY && k->wrap)
		add(buf, sz, "wrap");
	if (k->unwrap)
		add(buf, sz, "unwrap");
	if (k->nmechs == CK_UNAVAILABLE_INFORMATION) {
		add(buf, sz, "mechanisms");
		return;
	}
	for (i = 0; i < k->nmechs; i++) {
		for (j = 0; j < nwant && want[j] != k->mechs[i]; j++)
			;
		if (j == nwant) {
			add(buf, sz, "mechanisms");
			return;
		}
	}
}

static void
key_check(struct hsm_sess *s, CK_OBJECT_HANDLE h, int *np)
{
	struct key_attrs k;
	const char	*fault;
	char		 msg[256], wide[96];

	if (key_read(s, h, &k) != 0)
		return;
	if ((fault = any_key_fault(&k)) != NULL) {
		snprintf(msg, sizeof(msg), "'%s' %s", k.label, fault);
		status_problem(np, "WEAK", msg);
	}
	if (strncmp(k.label, "signet-", 7) != 0)
		return;
	/* the KEK wraps and unwraps by design; status_kek judges it */
	if (strcmp(k.label, KEK_LABEL) == 0 && k.so_trusted)
		return;
	widened(&k, wide, sizeof(wide));
	/* a key made before mechanism lists may carry what older templates
	 * left at the token's defaults (sign-recover): old, not tampered */
	if (wide[0] != '\0' && k.nmechs != 0 && !k.copyable) {
		snprintf(msg, sizeof(msg), "'%s' was widened beyond what "
		    "signet does with it:%s", k.label, wide);
		status_problem(np, "WEAK", msg);
	} else if (k.nmechs == 0 || k.copyable) {
		snprintf(msg, sizeof(msg), "'%s' predates mechanism "
		    "restriction: any mechanism works with it (Fernet keys "
		    "go with rotation, CMS keys with pki-setup --force)",
		    k.label);
		status_problem(np, "UNRESTRICTED", msg);
	}
}

void
status_keys(struct prov *p, CK_OBJECT_CLASS cls, int *np)
{
	CK_OBJECT_HANDLE *h = calloc(HSM_FIND_MAX, sizeof(*h));
	CK_ATTRIBUTE	 t[] = { { CKA_CLASS, &cls, sizeof(cls) } };
	CK_ULONG	 n, i;

	/* every key is judged: more than can be listed is a problem too,
	 * so none can hide behind a crowd of others */
	if (h == NULL || hsm_find(p->s, t, 1, h, HSM_FIND_MAX, &n) != 0) {
		status_problem(np, "ERROR", "cannot list the token's keys");
		free(h);
		return;
	}
	for (i = 0; i < n; i++)
		key_check(p->s, h[i], np);
	free(h);
}
