/*
 * signerd's self-test: a Fernet key of known value as session objects,
 * gone with the session and never on the token, so Keystone's golden
 * vector can be sealed by the token itself and compared byte for byte.
 */
#include <string.h>

#include "err.h"
#include "fernet_keys.h"

static int
session_key(struct hsm_sess *s, CK_KEY_TYPE kt, const uint8_t *v, size_t n,
    CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_BBOOL	 f = CK_FALSE, t = CK_TRUE;
	CK_ATTRIBUTE	 a[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &f, 1 },
		{ kt == CKK_AES ? CKA_ENCRYPT : CKA_SIGN, &t, 1 },
		{ kt == CKK_AES ? CKA_DECRYPT : CKA_VERIFY, &t, 1 },
		{ CKA_VALUE, CK_IN(v), n },
	};
	CK_RV		 rv;

	if ((rv = s->f->C_CreateObject(s->h, a, 6, h)) != CKR_OK)
		return ck_err(rv, "self-test key");
	return 0;
}

/* mac and enc: the key's two 16-byte halves, as in a key repository. */
int
fernet_key_session(struct hsm_sess *s, const uint8_t *mac, const uint8_t *enc,
    struct fernet_obj *k)
{
	uint8_t	 padded[FERNET_MAC_OBJ_LEN] = { 0 };
	int	 r;

	memcpy(padded, mac, FERNET_HALF_LEN);
	k->mac = k->enc = 0;
	if ((r = session_key(s, CKK_GENERIC_SECRET, padded, sizeof(padded),
	    &k->mac)) != 0 ||
	    (r = session_key(s, CKK_AES, enc, FERNET_HALF_LEN, &k->enc)) != 0)
		fernet_key_session_free(s, k);
	return r;
}

void
fernet_key_session_free(struct hsm_sess *s, struct fernet_obj *k)
{
	if (k->mac)
		s->f->C_DestroyObject(s->h, k->mac);
	if (k->enc)
		s->f->C_DestroyObject(s->h, k->enc);
	k->mac = k->enc = 0;
}
