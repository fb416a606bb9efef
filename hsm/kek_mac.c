/*
 * provision: the MAC of a wrapped-key file. AES key wrap protects each
 * key, not what the file says of it (its index, its role, its set), and
 * the KEK may neither sign nor be given to software. So the exporting
 * token draws a one-off HMAC key, signs the file with it and wraps it
 * under the KEK into the file; the importing token unwraps it (which
 * only the same KEK can do) and verifies. The key lives in a session
 * object and is destroyed after use.
 */
#include <string.h>

#include "err.h"
#include "kek.h"
#include "log.h"

static CK_BBOOL	ck_true = CK_TRUE;
static CK_BBOOL	ck_false = CK_FALSE;
static const CK_MECHANISM_TYPE mac_mechs[] = { CKM_SHA256_HMAC };

/* The MAC key's attributes; kek_unwrap_tmpl's come on top on unwrap. */
#define MAC_KEY_ATTRS(cls, kt, sign)					\
	{ CKA_CLASS, &(cls), sizeof(cls) },				\
	{ CKA_KEY_TYPE, &(kt), sizeof(kt) },				\
	{ CKA_TOKEN, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_SIGN, (sign), sizeof(CK_BBOOL) },				\
	{ CKA_VERIFY, &ck_true, sizeof(CK_BBOOL) },			\
	{ CKA_ENCRYPT, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_DECRYPT, &ck_false, sizeof(CK_BBOOL) },			\
	{ CKA_ALLOWED_MECHANISMS, CK_IN(mac_mechs), sizeof(mac_mechs) }

/* Fills t after its n own attributes with the unwrap template. */
static CK_ULONG
with_unwrap_tmpl(CK_ATTRIBUTE *t, CK_ULONG n)
{
	size_t	 i;

	for (i = 0; i < kek_unwrap_tmpl_len; i++)
		t[n++] = kek_unwrap_tmpl[i];
	return n;
}

/* A fresh HMAC key in *hp and, in wrapped, itself under the KEK. */
int
kek_mac_new(struct hsm_sess *s, CK_OBJECT_HANDLE kek, uint8_t *wrapped,
    CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_GENERIC_SECRET;
	CK_ULONG	 vlen = KEK_MAC_LEN, wlen = KEK_WRAPPED_MAC_KEY_LEN;
	CK_MECHANISM	 gm = { CKM_GENERIC_SECRET_KEY_GEN, NULL, 0 };
	CK_MECHANISM	 wm = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ATTRIBUTE	 t[32] = {
		MAC_KEY_ATTRS(cls, kt, &ck_true),
		{ CKA_VALUE_LEN, &vlen, sizeof(vlen) },
	};
	CK_ULONG	 n = with_unwrap_tmpl(t, 9);
	CK_RV		 rv;

	if ((rv = s->f->C_GenerateKey(s->h, &gm, t, n, hp)) != CKR_OK)
		return ck_err(rv, "drawing the file's MAC key");
	rv = s->f->C_WrapKey(s->h, &wm, kek, *hp, wrapped, &wlen);
	if (rv == CKR_OK && wlen == KEK_WRAPPED_MAC_KEY_LEN)
		return 0;
	kek_mac_free(s, *hp);
	*hp = CK_INVALID_HANDLE;
	return rv != CKR_OK ? ck_err(rv, "wrapping the file's MAC key") :
	    SIG_ERR_HSM_FATAL;
}

/*
 * The file's MAC key, unwrapped for verifying. SIG_ERR_CRYPTO when it does
 * not unwrap: another KEK made the file, or the file was changed (SoftHSM2
 * says CKR_GENERAL_ERROR for both, so no HSM error is logged).
 */
int
kek_mac_open(struct hsm_sess *s, CK_OBJECT_HANDLE kek, const uint8_t *wrapped,
    CK_OBJECT_HANDLE *hp)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_GENERIC_SECRET;
	CK_MECHANISM	 wm = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ATTRIBUTE	 t[32] = { MAC_KEY_ATTRS(cls, kt, &ck_false) };
	CK_ULONG	 n = with_unwrap_tmpl(t, 8);
	CK_RV		 rv;

	rv = s->f->C_UnwrapKey(s->h, &wm, kek, CK_IN(wrapped),
	    KEK_WRAPPED_MAC_KEY_LEN, t, n, hp);
	if (rv == CKR_OK)
		return 0;
	log_debug("unwrapping the file's MAC key: %s", ck_name(rv));
	return SIG_ERR_CRYPTO;
}

int
kek_mac_sign(struct hsm_sess *s, CK_OBJECT_HANDLE h, const uint8_t *data,
    size_t len, uint8_t *mac)
{
	CK_MECHANISM	 m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_ULONG	 mlen = KEK_MAC_LEN;
	CK_RV		 rv;

	if ((rv = s->f->C_SignInit(s->h, &m, h)) == CKR_OK)
		rv = s->f->C_Sign(s->h, CK_IN(data), len, mac, &mlen);
	if (rv != CKR_OK)
		return ck_err(rv, "signing the wrapped-key file");
	return mlen == KEK_MAC_LEN ? 0 : SIG_ERR_HSM_FATAL;
}

/* SIG_ERR_CRYPTO: the MAC does not match (the file was changed). */
int
kek_mac_verify(struct hsm_sess *s, CK_OBJECT_HANDLE h, const uint8_t *data,
    size_t len, const uint8_t *mac)
{
	CK_MECHANISM	 m = { CKM_SHA256_HMAC, NULL, 0 };
	CK_RV		 rv;

	if ((rv = s->f->C_VerifyInit(s->h, &m, h)) == CKR_OK)
		rv = s->f->C_Verify(s->h, CK_IN(data), len, CK_IN(mac),
		    KEK_MAC_LEN);
	if (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE)
		return SIG_ERR_CRYPTO;
	if (rv != CKR_OK)
		return ck_err(rv, "verifying the wrapped-key file");
	return 0;
}

void
kek_mac_free(struct hsm_sess *s, CK_OBJECT_HANDLE h)
{
	if (h != CK_INVALID_HANDLE)
		(void)hsm_destroy(s, h, "the file's MAC key");
}
