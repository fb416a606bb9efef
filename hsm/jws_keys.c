/*
 * signerd and provision: the token's JWS keys. A key pair is made once
 * under its final label and never modified: which key signs follows from
 * the indices alone (the staged key is the highest, the signing key the
 * one below it), so a rotation only adds a pair and destroys private
 * halves. Public halves are kept as SubjectPublicKeyInfo for whoever
 * validates: signet-api, libsignet-verify, a Keystone given the export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jws_keys.h"
#include "key_policy.h"
#include "log.h"

static CK_BBOOL	ck_true = CK_TRUE;
static CK_BBOOL	ck_false = CK_FALSE;

/* CKA_EC_POINT is the point in a DER OCTET STRING. */
static int
read_spki(struct hsm_sess *s, CK_OBJECT_HANDLE h, uint8_t *spki)
{
	uint8_t		 der[2 + JWS_POINT_LEN + 8];
	CK_ULONG	 len = sizeof(der);
	int		 r;

	if ((r = hsm_attr_get(s, h, CKA_EC_POINT, der, &len)) != 0)
		return r;
	if (len != 2 + JWS_POINT_LEN || der[0] != 0x04 ||
	    der[1] != JWS_POINT_LEN || der[2] != 0x04) {
		log_err("a JWS public key is not an uncompressed P-256 point");
		return SIG_ERR_STATE;
	}
	jws_spki_of(der + 2, spki);
	return 0;
}

/* "signet-jws-N": N; "signet-jws-imported": 0; else -1 (not ours). */
static int
label_index(const char *label)
{
	const char	*p = label + strlen(JWS_LABEL_PREFIX);
	char		*end;
	long		 n;

	if (strncmp(label, JWS_LABEL_PREFIX, strlen(JWS_LABEL_PREFIX)) != 0)
		return -1;
	if (strcmp(label, JWS_IMPORT_LABEL) == 0)
		return 0;
	if (*p < '1' || *p > '9' || strlen(p) > 9)
		return -1;
	n = strtol(p, &end, 10);
	return *end == '\0' ? (int)n : -1;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct jws_key	*x = a, *y = b;

	return (y->index > x->index) - (y->index < x->index);
}

static int
load_one(struct hsm_sess *s, CK_OBJECT_HANDLE h, struct jws_inv *inv)
{
	struct jws_key	*k = &inv->keys[inv->n];
	char		 label[HSM_LABEL_MAX];
	int		 r, idx;

	if ((r = hsm_label_get(s, h, label, sizeof(label))) != 0)
		return r;
	if ((idx = label_index(label)) < 0)
		return 0;
	memset(k, 0, sizeof(*k));
	k->index = idx;
	k->imported = idx == 0;
	k->pub = h;
	if ((r = read_spki(s, h, k->spki)) != 0)
		return r;
	if (!k->imported) {
		r = hsm_find_label(s, CKO_PRIVATE_KEY, label, &k->priv);
		if (r != 0 && r != SIG_ERR_KEY_NOT_FOUND)
			return r;
		k->has_priv = r == 0;
	}
	inv->n++;
	return 0;
}

/* Every JWS public key (and private half) the token holds. */
int
jws_inv_load(struct hsm_sess *s, struct jws_inv *inv)
{
	CK_OBJECT_CLASS	 cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE	 kt = CKK_EC;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
	};
	CK_OBJECT_HANDLE h[JWS_KEYS_MAX + 2];	/* the CMS key may be EC */
	CK_ULONG	 n, i;
	int		 r;

	memset(inv, 0, sizeof(*inv));
	if ((r = hsm_find(s, t, 2, h, JWS_KEYS_MAX + 2, &n)) != 0)
		return r;
	for (i = 0; i < n && r == 0; i++)
		r = inv->n < JWS_KEYS_MAX ? load_one(s, h[i], inv) :
		    SIG_ERR_STATE;
	if (r != 0)
		return r;
	qsort(inv->keys, inv->n, sizeof(inv->keys[0]), key_cmp);
	for (i = 1; i < inv->n; i++)
		if (inv->keys[i].index != 0 &&
		    inv->keys[i].index == inv->keys[i - 1].index) {
			log_err("two JWS keys claim index %d",
			    inv->keys[i].index);
			return SIG_ERR_STATE;
		}
	return 0;
}

/* The key that signs: below the staged one, or the only one there is. */
const struct jws_key *
jws_signing_key(const struct jws_inv *inv)
{
	const struct jws_key	*first = NULL;
	size_t			 i;

	for (i = 0; i < inv->n; i++) {
		if (!inv->keys[i].has_priv)
			continue;
		if (first != NULL)
			return &inv->keys[i];
		first = &inv->keys[i];
	}
	return first;
}

/* A new pair under "signet-jws-<index>": ECDSA signing only, for ever. */
int
jws_key_generate(struct hsm_sess *s, int index, struct jws_key *k)
{
	CK_MECHANISM	 mech = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	const CK_MECHANISM_TYPE *mechs;
	size_t		 nm = key_policy_mechs(CKO_PRIVATE_KEY, CKK_EC, &mechs);
	char		 label[HSM_LABEL_MAX];
	uint8_t		 id[JWS_ID_LEN];
	CK_RV		 rv;
	int		 r;

	snprintf(label, sizeof(label), JWS_LABEL_PREFIX "%d", index);
	if ((r = hsm_random(s, id, sizeof(id))) != 0)
		return r;
	{
		CK_ATTRIBUTE pub[] = {
			{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_PRIVATE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_VERIFY, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_WRAP, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_MODIFIABLE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),
			    nm * sizeof(CK_MECHANISM_TYPE) },
			{ CKA_LABEL, label, strlen(label) },
			{ CKA_ID, id, sizeof(id) },
			{ CKA_EC_PARAMS, CK_IN(key_p256_params),
			    sizeof(key_p256_params) },
		};
		CK_ATTRIBUTE priv[] = {
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
			{ CKA_MODIFIABLE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),
			    nm * sizeof(CK_MECHANISM_TYPE) },
			{ CKA_LABEL, label, strlen(label) },
			{ CKA_ID, id, sizeof(id) },
		};

		memset(k, 0, sizeof(*k));
		rv = s->f->C_GenerateKeyPair(s->h, &mech, pub,
		    sizeof(pub) / sizeof(pub[0]), priv,
		    sizeof(priv) / sizeof(priv[0]), &k->pub, &k->priv);
	}
	if (rv != CKR_OK)
		return ck_err(rv, "generating JWS key pair '%s'", label);
	k->index = index;
	k->has_priv = 1;
	return read_spki(s, k->pub, k->spki);
}

/* The private half goes; the public half still validates. */
int
jws_key_retire(struct hsm_sess *s, struct jws_key *k)
{
	char	 label[HSM_LABEL_MAX];
	int	 r;

	if (!k->has_priv)
		return 0;
	snprintf(label, sizeof(label), JWS_LABEL_PREFIX "%d", k->index);
	if ((r = hsm_destroy(s, k->priv, label)) == 0)
		k->has_priv = 0;
	return r;
}

int
jws_key_destroy(struct hsm_sess *s, struct jws_key *k)
{
	int	 r;

	if ((r = jws_key_retire(s, k)) != 0)
		return r;
	return hsm_destroy(s, k->pub, k->imported ? JWS_IMPORT_LABEL :
	    "JWS public key");
}

/* A Keystone-made public key (P-256 SubjectPublicKeyInfo), to validate. */
int
jws_pub_import(struct hsm_sess *s, const uint8_t *spki, const uint8_t *id)
{
	CK_OBJECT_CLASS	 cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE	 kt = CKK_EC;
	const CK_MECHANISM_TYPE *mechs;
	size_t		 nm = key_policy_mechs(cls, kt, &mechs);
	const uint8_t	*point;
	uint8_t		 der[2 + JWS_POINT_LEN];
	CK_OBJECT_HANDLE h;
	CK_RV		 rv;
	int		 r;

	if ((r = jws_spki_point(spki, JWS_SPKI_LEN, &point)) != 0)
		return r;
	der[0] = 0x04;
	der[1] = JWS_POINT_LEN;
	memcpy(der + 2, point, JWS_POINT_LEN);
	{
		CK_ATTRIBUTE t[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_KEY_TYPE, &kt, sizeof(kt) },
			{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_PRIVATE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_VERIFY, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_WRAP, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_MODIFIABLE, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),
			    nm * sizeof(CK_MECHANISM_TYPE) },
			{ CKA_LABEL, CK_IN(JWS_IMPORT_LABEL),
			    strlen(JWS_IMPORT_LABEL) },
			{ CKA_ID, CK_IN(id), JWS_ID_LEN },
			{ CKA_EC_PARAMS, CK_IN(key_p256_params),
			    sizeof(key_p256_params) },
			{ CKA_EC_POINT, der, sizeof(der) },
		};

		rv = s->f->C_CreateObject(s->h, t, sizeof(t) / sizeof(t[0]),
		    &h);
	}
	if (rv != CKR_OK)
		return ck_err(rv, "importing a JWS public key");
	return 0;
}

/*
 * ES256: the token signs the SHA-256 digest (CKM_ECDSA) and answers r||s,
 * 32 bytes each, which is already the JWS form (RFC 7518 3.4).
 */
int
jws_sign(struct hsm_sess *s, const struct jws_key *k, const uint8_t *digest,
    uint8_t *sig)
{
	CK_MECHANISM	 mech = { CKM_ECDSA, NULL, 0 };
	CK_ULONG	 len = JWS_SIG_LEN;
	CK_RV		 rv;

	if (!k->has_priv)
		return SIG_ERR_KEY_NOT_FOUND;
	if ((rv = s->f->C_SignInit(s->h, &mech, k->priv)) != CKR_OK ||
	    (rv = s->f->C_Sign(s->h, CK_IN(digest), 32, sig, &len)) != CKR_OK)
		return ck_err(rv, "JWS signature with key %d", k->index);
	if (len != JWS_SIG_LEN) {
		log_err("JWS signature with key %d: %lu bytes", k->index,
		    (unsigned long)len);
		return SIG_ERR_CRYPTO;
	}
	return 0;
}
