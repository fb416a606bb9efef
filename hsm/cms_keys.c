/*
 * signerd and provision: generates, finds, relabels and removes the CMS
 * key pairs and their certificate objects. Every key is generated inside
 * the token; only public keys and certificates ever leave it. A private
 * key signs with the one mechanism libp11 asks for and cannot be copied;
 * it stays CKA_MODIFIABLE because pki-setup moves a new pair to the live
 * label by relabelling it (see fernet_keys.c).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "cms_keys.h"
#include "err.h"
#include "key_policy.h"
#include "log.h"

static CK_BBOOL	ck_true = CK_TRUE;
static CK_BBOOL	ck_false = CK_FALSE;

static const struct {
	const char		*name;
	enum cms_key_type	 type;
	CK_ULONG		 bits;
} key_types[] = {
	{ "rsa2048", CMS_RSA2048, 2048 },
	{ "rsa3072", CMS_RSA3072, 3072 },
	{ "rsa4096", CMS_RSA4096, 4096 },
	{ "ec-p256", CMS_EC_P256, 256 },
};

int
cms_key_type_parse(const char *s, enum cms_key_type *t)
{
	size_t	 i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strcmp(s, key_types[i].name) == 0)
			return *t = key_types[i].type, 0;
	log_err("key type '%s' is not one of rsa2048, rsa3072, rsa4096, "
	    "ec-p256", s);
	return SIG_ERR_USAGE;
}

const char *
cms_key_type_name(enum cms_key_type t)
{
	return key_types[t].name;
}

static int
find_class(struct hsm_sess *s, CK_OBJECT_CLASS cls, const char *label,
    CK_OBJECT_HANDLE *h, int *has)
{
	int	 r = hsm_find_label(s, cls, label, h);

	*has = r == 0;
	return r == SIG_ERR_KEY_NOT_FOUND ? 0 : r;
}

/* Fills k with whichever of the three objects exist. */
int
cms_key_find(struct hsm_sess *s, const char *label, struct cms_key *k)
{
	CK_ULONG	 len;
	uint8_t		*mod = NULL;
	int		 r;

	memset(k, 0, sizeof(*k));
	if ((r = find_class(s, CKO_PRIVATE_KEY, label, &k->priv,
	    &k->has_priv)) != 0 ||
	    (r = find_class(s, CKO_PUBLIC_KEY, label, &k->pub,
	    &k->has_pub)) != 0 ||
	    (r = find_class(s, CKO_CERTIFICATE, label, &k->cert,
	    &k->has_cert)) != 0)
		return r;
	if (!k->has_pub)
		return 0;
	len = sizeof(k->kt);
	if ((r = hsm_attr_get(s, k->pub, CKA_KEY_TYPE, &k->kt, &len)) != 0)
		return r;
	if (k->kt == CKK_RSA) {
		if ((r = hsm_attr_alloc(s, k->pub, CKA_MODULUS, &mod,
		    &len)) != 0)
			return r;
		k->bits = len * 8;
		free(mod);
	} else if (k->kt == CKK_EC)
		k->bits = 256;
	return 0;
}

static int
keypair_gen(struct hsm_sess *s, const char *label, const uint8_t *id,
    enum cms_key_type type, struct cms_key *k)
{
	CK_MECHANISM	 rsa = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_MECHANISM	 ec = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	CK_ULONG	 bits = key_types[type].bits;
	uint8_t		 e[] = { 0x01, 0x00, 0x01 };
	const CK_MECHANISM_TYPE *mechs;
	size_t		 nmechs = key_policy_mechs(CKO_PRIVATE_KEY,
			    type == CMS_EC_P256 ? CKK_EC : CKK_RSA, &mechs);
	CK_ATTRIBUTE	 pub[] = {
		{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_VERIFY, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_WRAP, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),
		    nmechs * sizeof(CK_MECHANISM_TYPE) },
		{ CKA_LABEL, CK_IN(label), strlen(label) },
		{ CKA_ID, CK_IN(id), CMS_ID_LEN },
		{ CKA_MODULUS_BITS, &bits, sizeof(bits) },
		{ CKA_PUBLIC_EXPONENT, e, sizeof(e) },
	};
	CK_ATTRIBUTE	 priv[] = {
		{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_SENSITIVE, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_EXTRACTABLE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_SIGN, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_DECRYPT, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_UNWRAP, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_SIGN_RECOVER, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),
		    nmechs * sizeof(CK_MECHANISM_TYPE) },
		{ CKA_LABEL, CK_IN(label), strlen(label) },
		{ CKA_ID, CK_IN(id), CMS_ID_LEN },
	};
	CK_ULONG	 npub = sizeof(pub) / sizeof(pub[0]);
	CK_RV		 rv;

	if (type == CMS_EC_P256) {
		pub[npub - 2].type = CKA_EC_PARAMS;
		pub[npub - 2].pValue = CK_IN(key_p256_params);
		pub[npub - 2].ulValueLen = sizeof(key_p256_params);
		npub--;
	}
	rv = s->f->C_GenerateKeyPair(s->h, type == CMS_EC_P256 ? &ec : &rsa,
	    pub, npub, priv, sizeof(priv) / sizeof(priv[0]), &k->pub, &k->priv);
	if (rv != CKR_OK)
		return ck_err(rv, "generating %s key pair '%s'",
		    key_types[type].name, label);
	return 0;
}

int
cms_key_generate(struct hsm_sess *s, const char *label,
    enum cms_key_type type, struct cms_key *k)
{
	uint8_t	 id[CMS_ID_LEN];
	int	 r;

	memset(k, 0, sizeof(*k));
	if ((r = hsm_random(s, id, sizeof(id))) != 0 ||
	    (r = keypair_gen(s, label, id, type, k)) != 0)
		return r;
	k->has_priv = k->has_pub = 1;
	k->kt = type == CMS_EC_P256 ? CKK_EC : CKK_RSA;
	k->bits = key_types[type].bits;
	return 0;
}

/* Every object carrying label, whatever its class. */
int
cms_key_destroy(struct hsm_sess *s, const char *label)
{
	return hsm_label_each(s, CKO_VENDOR_DEFINED, label, NULL);
}

int
cms_key_relabel(struct hsm_sess *s, const char *from, const char *to)
{
	return hsm_label_each(s, CKO_VENDOR_DEFINED, from, to);
}

static int
der_of(X509 *x, uint8_t **der, int *len, int part)
{
	uint8_t		*p = NULL;
	int		 n;

	if (part == 0)
		n = i2d_X509(x, &p);
	else if (part == 1)
		n = i2d_X509_NAME(X509_get_subject_name(x), &p);
	else if (part == 2)
		n = i2d_X509_NAME(X509_get_issuer_name(x), &p);
	else
		n = i2d_ASN1_INTEGER(X509_get_serialNumber(x), &p);
	if (n <= 0)
		return SIG_ERR_CRYPTO;
	*der = p;
	*len = n;
	return 0;
}

/* Replaces any certificate under label with x, sharing the key's CKA_ID. */
int
cms_cert_store(struct hsm_sess *s, const char *label, X509 *x)
{
	CK_OBJECT_CLASS	 cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_OBJECT_HANDLE h, old;
	uint8_t		*der[4] = { NULL }, id[CMS_ID_LEN];
	int		 len[4], i, r, had;
	CK_ULONG	 idlen = sizeof(id);
	struct cms_key	 k;

	if ((r = cms_key_find(s, label, &k)) != 0)
		return r;
	/* A CA from an external authority has a certificate and no key. */
	if (!k.has_pub)
		r = hsm_random(s, id, sizeof(id));
	else
		r = hsm_attr_get(s, k.pub, CKA_ID, id, &idlen);
	if (r != 0)
		return r;
	for (i = 0; i < 4; i++)
		if ((r = der_of(x, &der[i], &len[i], i)) != 0)
			goto out;
	old = k.cert;
	had = k.has_cert;
	{
		CK_ATTRIBUTE t[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_CERTIFICATE_TYPE, &ct, sizeof(ct) },
			{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_PRIVATE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_LABEL, CK_IN(label), strlen(label) },
			{ CKA_ID, id, idlen },
			{ CKA_VALUE, der[0], len[0] },
			{ CKA_SUBJECT, der[1], len[1] },
			{ CKA_ISSUER, der[2], len[2] },
			{ CKA_SERIAL_NUMBER, der[3], len[3] },
		};
		CK_RV rv = s->f->C_CreateObject(s->h, t, 10, &h);

		if (rv != CKR_OK) {
			r = ck_err(rv, "storing certificate '%s'", label);
			goto out;
		}
	}
	if (had)
		r = hsm_destroy(s, old, label);
 out:
	for (i = 0; i < 4; i++)
		OPENSSL_free(der[i]);
	return r;
}

/* Caller owns *xp (X509_free). */
int
cms_cert_read(struct hsm_sess *s, const char *label, X509 **xp)
{
	CK_OBJECT_HANDLE h;
	uint8_t		*der;
	const uint8_t	*p;
	CK_ULONG	 len;
	int		 r;

	*xp = NULL;
	if ((r = hsm_find_label(s, CKO_CERTIFICATE, label, &h)) != 0 ||
	    (r = hsm_attr_alloc(s, h, CKA_VALUE, &der, &len)) != 0)
		return r;
	p = der;
	*xp = d2i_X509(NULL, &p, len);
	free(der);
	if (*xp == NULL) {
		log_err("certificate '%s' in the token does not parse", label);
		return SIG_ERR_CERT;
	}
	return 0;
}
