/*
 * signerd and provision: creates, relabels and destroys the two objects of
 * a Fernet key, and wraps and unwraps them under the key-encryption key
 * (kek.h) for a copy in another HSM. Both halves are sensitive and
 * extractable only under a trusted wrapping key (replication to a second
 * HSM); neither can wrap, unwrap, derive or be copied, and each works only
 * with the mechanisms Fernet uses. They stay CKA_MODIFIABLE: a rotation moves a key by
 * relabelling it, which SoftHSM2 refuses on an unmodifiable object (and it
 * refuses to clear CKA_MODIFIABLE later), so a user-PIN holder can still
 * widen them; signet-provision status reports any key so widened. The
 * signing half is stored zero-padded to 32 bytes because SoftHSM2 refuses
 * 16-byte HMAC keys; the MAC is the same.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "fernet_keys.h"
#include "key_policy.h"
#include "log.h"
#include "secmem.h"

static CK_BBOOL	ck_true = CK_TRUE;
static CK_BBOOL	ck_false = CK_FALSE;

const struct fernet_set fernet_set_token = { "token", FERNET_LABEL_PREFIX,
    FERNET_JOURNAL_LABEL, "Fernet token" };
const struct fernet_set fernet_set_receipt = { "receipt", "signet-receipt-",
    "signet-receipt-journal", "receipt" };
const struct fernet_set fernet_set_credential = { "credential",
    "signet-credential-", "signet-credential-journal", "credential" };
const struct fernet_set *const fernet_sets[] = { &fernet_set_token,
    &fernet_set_receipt, &fernet_set_credential, NULL };

/* By name (token, receipt, credential); NULL when none is. */
const struct fernet_set *
fernet_set_named(const char *name)
{
	size_t	 i;

	for (i = 0; fernet_sets[i] != NULL; i++)
		if (strcmp(fernet_sets[i]->name, name) == 0)
			return fernet_sets[i];
	return NULL;
}

void
fernet_label(const struct fernet_set *set, enum fernet_kind kind, int index,
    int mac, char *buf, size_t sz)
{
	const char	*suffix = mac ? "-hmac" : "";

	if (kind == FK_TMP)
		snprintf(buf, sz, "%stmp%s", set->prefix, suffix);
	else if (kind == FK_NEW)
		snprintf(buf, sz, "%snew-%d%s", set->prefix, index, suffix);
	else
		snprintf(buf, sz, "%s%d%s", set->prefix, index, suffix);
}

/* The attributes both halves share; the caller appends its own. */
#define FERNET_COMMON_ATTRS(cls, kt, label, id, mechs, nmechs)		\
	{ CKA_CLASS, &(cls), sizeof(cls) },				\
	{ CKA_KEY_TYPE, &(kt), sizeof(kt) },				\
	{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },			\
	{ CKA_PRIVATE, &ck_true, sizeof(CK_BBOOL) },			\
	{ CKA_SENSITIVE, &ck_true, sizeof(CK_BBOOL) },			\
	{ CKA_EXTRACTABLE, &ck_true, sizeof(CK_BBOOL) },		\
	{ CKA_WRAP_WITH_TRUSTED, &ck_true, sizeof(CK_BBOOL) },		\
	{ CKA_WRAP, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_UNWRAP, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_ALLOWED_MECHANISMS, CK_IN(mechs),				\
	    (nmechs) * sizeof(CK_MECHANISM_TYPE) },			\
	{ CKA_LABEL, (label), strlen(label) },				\
	{ CKA_ID, (id), FERNET_ID_LEN }

/*
 * Where a half's value comes from: clear bytes, the token's generator (the
 * AES half only), or a blob wrapped under the KEK, which the token unwraps
 * without the value ever leaving it.
 */
struct half_src {
	const uint8_t		*clear;
	const uint8_t		*wrapped;
	size_t			 wlen;
	CK_OBJECT_HANDLE	 kek;
};

/*
 * t ends with CKA_VALUE_LEN, or CKA_VALUE when src gives it in clear. An
 * unwrap leaves that last one out: the blob sets the value, and SoftHSM2
 * refuses CKA_VALUE_LEN there (CKR_ATTRIBUTE_READ_ONLY) and reports 0
 * after. The blob's size bounds the length (AES-KWP pads to 8 bytes);
 * a half of another length fails at its first use, the signer's
 * self-test round trip.
 */
static CK_RV
half_make(struct hsm_sess *s, CK_ATTRIBUTE *t, CK_ULONG n,
    const struct half_src *src, CK_OBJECT_HANDLE *hp)
{
	CK_MECHANISM	 gm = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM	 wm = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };

	if (src->wrapped != NULL)
		return s->f->C_UnwrapKey(s->h, &wm, src->kek,
		    CK_IN(src->wrapped), src->wlen, t, n - 1, hp);
	if (t[n - 1].type == CKA_VALUE_LEN)
		return s->f->C_GenerateKey(s->h, &gm, t, n, hp);
	return s->f->C_CreateObject(s->h, t, n, hp);
}

static int
mac_create(struct hsm_sess *s, const char *label, const uint8_t *id,
    const struct half_src *src, CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_GENERIC_SECRET;
	CK_ULONG	 vlen = FERNET_MAC_OBJ_LEN;
	const CK_MECHANISM_TYPE *mechs;
	size_t		 nmechs = key_policy_mechs(cls, kt, &mechs);
	struct secmem	*pad;
	CK_RV		 rv;

	if ((pad = secmem_new(FERNET_MAC_OBJ_LEN)) == NULL)
		return SIG_ERR_NOMEM;
	if (src->clear != NULL)
		memcpy(secmem_data(pad), src->clear, FERNET_HALF_LEN);
	{
		CK_ATTRIBUTE t[] = {
			FERNET_COMMON_ATTRS(cls, kt, CK_IN(label), CK_IN(id),
			    mechs, nmechs),
			{ CKA_SIGN, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_VERIFY, &ck_true, sizeof(CK_BBOOL) },
			{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_DECRYPT, &ck_false, sizeof(CK_BBOOL) },
			{ CKA_VALUE, secmem_data(pad), FERNET_MAC_OBJ_LEN },
		};
		CK_ULONG n = sizeof(t) / sizeof(t[0]);

		if (src->clear == NULL)
			t[n - 1] = (CK_ATTRIBUTE){ CKA_VALUE_LEN, &vlen,
			    sizeof(vlen) };
		rv = half_make(s, t, n, src, hp);
	}
	secmem_free(pad);
	if (rv != CKR_OK)
		return ck_err(rv, "creating Fernet signing key '%s'", label);
	return 0;
}

static int
aes_create(struct hsm_sess *s, const char *label, const uint8_t *id,
    const struct half_src *src, CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_AES;
	CK_ULONG	 vlen = FERNET_HALF_LEN;
	const CK_MECHANISM_TYPE *mechs;
	size_t		 nmechs = key_policy_mechs(cls, kt, &mechs);
	CK_ATTRIBUTE	 t[] = {
		FERNET_COMMON_ATTRS(cls, kt, CK_IN(label), CK_IN(id), mechs,
		    nmechs),
		{ CKA_ENCRYPT, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_DECRYPT, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_SIGN, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_VERIFY, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_VALUE_LEN, &vlen, sizeof(vlen) },
	};
	CK_ULONG	 n = sizeof(t) / sizeof(t[0]);
	CK_RV		 rv;

	if (src->clear != NULL)
		t[n - 1] = (CK_ATTRIBUTE){ CKA_VALUE, CK_IN(src->clear),
		    FERNET_HALF_LEN };
	if ((rv = half_make(s, t, n, src, hp)) != CKR_OK)
		return ck_err(rv, "creating Fernet encryption key '%s'", label);
	return 0;
}

/* The two halves' sources: one of key (Keystone's 32 bytes: signing
 * half, then encryption half), w under kek, or neither (drawn here). */
static int
halves_src(struct hsm_sess *s, const uint8_t *key,
    const struct fernet_wrapped *w, CK_OBJECT_HANDLE kek,
    struct secmem **rnd, struct half_src *mac, struct half_src *enc)
{
	memset(mac, 0, sizeof(*mac));
	memset(enc, 0, sizeof(*enc));
	*rnd = NULL;
	if (w != NULL) {
		*mac = (struct half_src){ NULL, w->mac, sizeof(w->mac), kek };
		*enc = (struct half_src){ NULL, w->enc, sizeof(w->enc), kek };
		return 0;
	}
	if (key != NULL) {
		mac->clear = key;
		enc->clear = key + FERNET_HALF_LEN;
		return 0;
	}
	if ((*rnd = secmem_new(FERNET_HALF_LEN)) == NULL)
		return SIG_ERR_NOMEM;
	mac->clear = secmem_data(*rnd);
	return hsm_random(s, secmem_data(*rnd), FERNET_HALF_LEN);
}

/*
 * The signing half goes first: a crash between the two leaves an orphan,
 * never a half-usable key.
 */
static int
fernet_key_create(struct hsm_sess *s, const struct fernet_set *set,
    enum fernet_kind kind, int index, const uint8_t *key,
    const struct fernet_wrapped *w, CK_OBJECT_HANDLE kek,
    struct fernet_obj *out)
{
	char		 label[HSM_LABEL_MAX], mlabel[HSM_LABEL_MAX];
	struct secmem	*rnd = NULL;
	struct half_src	 mac, enc;
	int		 r;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->index = index;
	out->imported = key != NULL || w != NULL;
	out->set = set;
	fernet_label(set, kind, index, 0, label, sizeof(label));
	fernet_label(set, kind, index, 1, mlabel, sizeof(mlabel));
	if ((r = hsm_random(s, out->id, sizeof(out->id))) != 0 ||
	    (r = halves_src(s, key, w, kek, &rnd, &mac, &enc)) != 0 ||
	    (r = mac_create(s, mlabel, out->id, &mac, &out->mac)) != 0)
		goto out;
	if ((r = aes_create(s, label, out->id, &enc, &out->enc)) != 0)
		(void)hsm_destroy(s, out->mac, mlabel);
 out:
	secmem_free(rnd);
	return r;
}

int
fernet_key_generate(struct hsm_sess *s, const struct fernet_set *set,
    enum fernet_kind kind, int index, struct fernet_obj *out)
{
	return fernet_key_create(s, set, kind, index, NULL, NULL,
	    CK_INVALID_HANDLE, out);
}

int
fernet_key_import(struct hsm_sess *s, const struct fernet_set *set,
    enum fernet_kind kind, int index, const uint8_t *key,
    struct fernet_obj *out)
{
	return fernet_key_create(s, set, kind, index, key, NULL,
	    CK_INVALID_HANDLE, out);
}

/* Both halves unwrapped from w under kek, inside the token. */
int
fernet_key_unwrap(struct hsm_sess *s, const struct fernet_set *set,
    enum fernet_kind kind, int index, CK_OBJECT_HANDLE kek,
    const struct fernet_wrapped *w, struct fernet_obj *out)
{
	return fernet_key_create(s, set, kind, index, NULL, w, kek, out);
}

/* Both halves of k wrapped under kek (a trusted key: see kek.h). */
int
fernet_key_wrap(struct hsm_sess *s, CK_OBJECT_HANDLE kek,
    const struct fernet_obj *k, struct fernet_wrapped *w)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ULONG	 elen = sizeof(w->enc), mlen = sizeof(w->mac);
	CK_RV		 rv;

	rv = s->f->C_WrapKey(s->h, &m, kek, k->enc, w->enc, &elen);
	if (rv == CKR_OK)
		rv = s->f->C_WrapKey(s->h, &m, kek, k->mac, w->mac, &mlen);
	if (rv != CKR_OK)
		return ck_err(rv, "wrapping %s key %d", k->set->what,
		    k->index);
	if (elen != sizeof(w->enc) || mlen != sizeof(w->mac)) {
		log_err("%s key %d: its halves are not 16 and 32 bytes",
		    k->set->what, k->index);
		return SIG_ERR_STATE;
	}
	return 0;
}

/* The AES label moves the key; the HMAC label follows for readability. */
int
fernet_key_relabel(struct hsm_sess *s, struct fernet_obj *k,
    enum fernet_kind kind, int index)
{
	char	 label[HSM_LABEL_MAX];
	int	 r;

	fernet_label(k->set, kind, index, 0, label, sizeof(label));
	if ((r = hsm_label_set(s, k->enc, label)) != 0)
		return r;
	k->kind = kind;
	k->index = index;
	fernet_label(k->set, kind, index, 1, label, sizeof(label));
	return hsm_label_set(s, k->mac, label);
}

/* AES first: once it is gone the key has no index, whatever else fails. */
int
fernet_key_destroy(struct hsm_sess *s, const struct fernet_obj *k)
{
	char	 label[HSM_LABEL_MAX];
	int	 r;

	fernet_label(k->set, k->kind, k->index, 0, label, sizeof(label));
	if ((r = hsm_destroy(s, k->enc, label)) != 0)
		return r;
	fernet_label(k->set, k->kind, k->index, 1, label, sizeof(label));
	return hsm_destroy(s, k->mac, label);
}

/* A private data object that says a multi-step change of the set is
 * under way. */
int
fernet_journal_write(struct hsm_sess *s, const struct fernet_set *set,
    const char *op)
{
	CK_OBJECT_CLASS	 cls = CKO_DATA;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_LABEL, CK_IN(set->journal), strlen(set->journal) },
		{ CKA_APPLICATION, "signet", 6 },
		{ CKA_VALUE, CK_IN(op), strlen(op) },
	};
	CK_RV		 rv;

	rv = s->f->C_CreateObject(s->h, t, sizeof(t) / sizeof(t[0]), &h);
	if (rv != CKR_OK)
		return ck_err(rv, "writing the %s key journal (%s)",
		    set->what, op);
	return 0;
}

int
fernet_journal_clear(struct hsm_sess *s, struct fernet_inv *inv)
{
	int	 r;

	if ((r = hsm_label_each(s, CKO_DATA, inv->set->journal, NULL)) != 0)
		return r;
	inv->journal = CK_INVALID_HANDLE;
	inv->journal_op[0] = '\0';
	return 0;
}
