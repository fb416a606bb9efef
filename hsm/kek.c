/*
 * provision: the key-encryption key (kek.h). Made from the custodians'
 * components by the SO and stored by the user (kek_create), so every
 * token given the same components holds the same KEK; after that it is
 * used under the user's login, to wrap Fernet keys out and unwrap them
 * in. The unwrap template is what stops a user-PIN holder from
 * unwrapping a wrapped key as one he could read: SoftHSM2 refuses
 * (CKR_TEMPLATE_INCONSISTENT) any C_UnwrapKey whose template lacks one
 * of these attributes or gives it another value.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "kek.h"
#include "log.h"
#include "secmem.h"

static CK_BBOOL	ck_true = CK_TRUE;
static CK_BBOOL	ck_false = CK_FALSE;

static const CK_MECHANISM_TYPE kek_mechs[] = { CKM_AES_KEY_WRAP_PAD };

const CK_ATTRIBUTE kek_unwrap_tmpl[] = {
	{ CKA_PRIVATE, &ck_true, sizeof(CK_BBOOL) },
	{ CKA_SENSITIVE, &ck_true, sizeof(CK_BBOOL) },
	{ CKA_EXTRACTABLE, &ck_true, sizeof(CK_BBOOL) },
	{ CKA_WRAP_WITH_TRUSTED, &ck_true, sizeof(CK_BBOOL) },
	{ CKA_WRAP, &ck_false, sizeof(CK_BBOOL) },
	{ CKA_UNWRAP, &ck_false, sizeof(CK_BBOOL) },
	{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
	{ CKA_COPYABLE, &ck_false, sizeof(CK_BBOOL) },
};
const size_t kek_unwrap_tmpl_len = sizeof(kek_unwrap_tmpl) /
    sizeof(kek_unwrap_tmpl[0]);

/* The KEK wraps only keys that only a trusted key may wrap. */
static const CK_ATTRIBUTE kek_wrap_tmpl[] = {
	{ CKA_SENSITIVE, &ck_true, sizeof(CK_BBOOL) },
	{ CKA_WRAP_WITH_TRUSTED, &ck_true, sizeof(CK_BBOOL) },
};

static CK_RV
relogin(struct hsm_sess *s, CK_USER_TYPE who, struct secmem *pin)
{
	(void)s->f->C_Logout(s->h);
	return s->f->C_Login(s->h, who, secmem_data(pin), secmem_len(pin));
}

/*
 * The KEK as the SO makes it: a session object, so it never reaches a
 * file (SoftHSM2 lets the SO make only public objects, and writes a
 * public object's value into its token file in clear). Modifiable and
 * copyable, or the copy below could not make it private; it lives only
 * in this process's session, for the moment kek_create needs.
 */
static CK_RV
kek_stage(struct hsm_sess *s, struct secmem *value, CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_AES;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_SENSITIVE, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_EXTRACTABLE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_TRUSTED, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_WRAP, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_UNWRAP, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_DECRYPT, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_SIGN, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_VERIFY, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_DERIVE, &ck_false, sizeof(CK_BBOOL) },
		{ CKA_ALLOWED_MECHANISMS, CK_IN(kek_mechs), sizeof(kek_mechs) },
		{ CKA_WRAP_TEMPLATE, CK_IN(kek_wrap_tmpl),
		    sizeof(kek_wrap_tmpl) },
		{ CKA_UNWRAP_TEMPLATE, CK_IN(kek_unwrap_tmpl),
		    sizeof(kek_unwrap_tmpl) },
		{ CKA_LABEL, CK_IN(KEK_LABEL), strlen(KEK_LABEL) },
		{ CKA_CHECK_VALUE, NULL, 0 },
		{ CKA_VALUE, secmem_data(value), secmem_len(value) },
	};

	return s->f->C_CreateObject(s->h, t, sizeof(t) / sizeof(t[0]), hp);
}

/*
 * On a session the user is logged in on. Only the SO can set CKA_TRUSTED,
 * and only the user can make a private object (stored encrypted): the SO
 * makes the KEK in a session object, the user copies it into a private
 * token object that can no longer be changed, keeping CKA_TRUSTED, and
 * the session object goes. so and user are the two PINs.
 */
int
kek_create(struct hsm_sess *s, struct secmem *value, struct secmem *so,
    struct secmem *user)
{
	CK_ATTRIBUTE	 t[] = {
		{ CKA_TOKEN, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_PRIVATE, &ck_true, sizeof(CK_BBOOL) },
		{ CKA_MODIFIABLE, &ck_false, sizeof(CK_BBOOL) },
	};
	CK_OBJECT_HANDLE st = CK_INVALID_HANDLE, h;
	CK_RV		 rv, rv2;

	if ((rv = relogin(s, CKU_SO, so)) == CKR_OK)
		rv = kek_stage(s, value, &st);
	if ((rv2 = relogin(s, CKU_USER, user)) != CKR_OK)
		return ck_err(rv2, "logging in as the user again");
	if (rv != CKR_OK)
		return ck_err(rv, "the SO making the key-encryption key");
	rv = s->f->C_CopyObject(s->h, st, t, sizeof(t) / sizeof(t[0]), &h);
	(void)s->f->C_DestroyObject(s->h, st);
	if (rv != CKR_OK)
		return ck_err(rv, "storing the key-encryption key");
	return 0;
}

/* Every object labelled as the KEK, trusted or not. */
int
kek_destroy(struct hsm_sess *s)
{
	return hsm_label_each(s, CKO_SECRET_KEY, KEK_LABEL, NULL);
}

/*
 * The KEK: only the SO can make a trusted key, so a look-alike a user made
 * under the same label is never picked. SIG_ERR_KEY_NOT_FOUND: none.
 */
int
kek_find(struct hsm_sess *s, CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_OBJECT_HANDLE h[2];
	CK_ULONG	 n;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_LABEL, CK_IN(KEK_LABEL), strlen(KEK_LABEL) },
		{ CKA_TRUSTED, &ck_true, sizeof(CK_BBOOL) },
	};
	int		 r;

	if ((r = hsm_find(s, t, 3, h, 2, &n)) != 0)
		return r;
	if (n == 0)
		return SIG_ERR_KEY_NOT_FOUND;
	if (n > 1) {
		log_err("two key-encryption keys ('%s') in the token",
		    KEK_LABEL);
		return SIG_ERR_STATE;
	}
	*hp = h[0];
	return 0;
}

struct kek_attr {
	CK_ATTRIBUTE_TYPE type;
	CK_BBOOL	 want;
	const char	*fault;
};

static const struct kek_attr kek_attrs[] = {
	{ CKA_SENSITIVE, CK_TRUE, "is not sensitive" },
	{ CKA_EXTRACTABLE, CK_FALSE, "is extractable" },
	{ CKA_TRUSTED, CK_TRUE, "is not trusted" },
	{ CKA_ENCRYPT, CK_FALSE, "can encrypt" },
	{ CKA_DECRYPT, CK_FALSE, "can decrypt" },
	{ CKA_SIGN, CK_FALSE, "can sign" },
	{ CKA_VERIFY, CK_FALSE, "can verify" },
	{ CKA_DERIVE, CK_FALSE, "can derive" },
	{ CKA_MODIFIABLE, CK_FALSE, "can be modified" },
	{ CKA_PRIVATE, CK_TRUE, "is public (SoftHSM2 keeps a public key's "
	    "value in clear in its files)" },
};

/* What is wrong with the KEK, in why; 0 when nothing is. */
int
kek_fault(struct hsm_sess *s, CK_OBJECT_HANDLE h, char *why, size_t sz)
{
	CK_MECHANISM_TYPE m[4];
	CK_ATTRIBUTE	 a[] = {
		{ CKA_ALLOWED_MECHANISMS, m, sizeof(m) },
		{ CKA_UNWRAP_TEMPLATE, NULL, 0 },
	};
	size_t		 i;
	int		 v;

	for (i = 0; i < sizeof(kek_attrs) / sizeof(kek_attrs[0]); i++)
		if (hsm_attr_bool(s, h, kek_attrs[i].type, &v) != 0 ||
		    v != (kek_attrs[i].want == CK_TRUE)) {
			snprintf(why, sz, "%s", kek_attrs[i].fault);
			return -1;
		}
	if (hsm_attrs_read(s, h, a, 2) != 0 ||
	    a[0].ulValueLen != sizeof(kek_mechs) ||
	    m[0] != CKM_AES_KEY_WRAP_PAD) {
		snprintf(why, sz, "can use other mechanisms than AES key wrap");
		return -1;
	}
	if (a[1].ulValueLen != sizeof(kek_unwrap_tmpl)) {
		snprintf(why, sz, "has no unwrap template (what it unwraps "
		    "could be made readable)");
		return -1;
	}
	return 0;
}
