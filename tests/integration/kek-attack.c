/*
 * Test helper (integration tests only): what a user-PIN holder tries
 * with the key-encryption key, with real PKCS#11 calls on the token the
 * config names (the Clulow and Tookan attacks, TESTPLAN S1).
 *   kek-attack CONF SET INDEX
 * Key INDEX of SET is wrapped under the KEK as an export would, then:
 * unwrapped as a key one could read (not sensitive, or extractable under
 * any key), wrapped under a key of the user's that can also decrypt,
 * the KEK made to decrypt, encrypt, be read, be copied or lose its
 * template, a trusted key of the user's own made; no token object may
 * both wrap and decrypt. Each must be refused;
 * the export and an unwrap as signet does it must work, so a refusal is
 * the token's and not a broken probe. Exit 0 when all of it holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fernet_keys.h"
#include "hsm.h"
#include "kek.h"
#include "log.h"
#include "secmem.h"

static int	 fails;

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fails++;						\
		printf("FAIL: " __VA_ARGS__);				\
		printf("\n");						\
	} else {							\
		printf("held: " __VA_ARGS__);				\
		printf("\n");						\
	}								\
} while (0)

static CK_BBOOL	 t_ = CK_TRUE, f_ = CK_FALSE;
static CK_OBJECT_CLASS	 sk = CKO_SECRET_KEY;
static CK_KEY_TYPE	 aes = CKK_AES;

static CK_RV
unwrap(struct hsm_sess *s, CK_OBJECT_HANDLE kek, const uint8_t *w,
    size_t wlen, CK_BBOOL sens, CK_BBOOL wwt, CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &sk, sizeof(sk) },
		{ CKA_KEY_TYPE, &aes, sizeof(aes) },
		{ CKA_TOKEN, &f_, 1 }, { CKA_PRIVATE, &t_, 1 },
		{ CKA_SENSITIVE, &sens, 1 }, { CKA_EXTRACTABLE, &t_, 1 },
		{ CKA_WRAP_WITH_TRUSTED, &wwt, 1 }, { CKA_WRAP, &f_, 1 },
		{ CKA_UNWRAP, &f_, 1 }, { CKA_DERIVE, &f_, 1 },
		{ CKA_COPYABLE, &f_, 1 }, { CKA_ENCRYPT, &t_, 1 },
	};

	return s->f->C_UnwrapKey(s->h, &m, kek, CK_IN(w), wlen, t,
	    sizeof(t) / sizeof(t[0]), h);
}

/* An AES key of the user's own that can wrap and decrypt. */
static CK_OBJECT_HANDLE
clulow_key(struct hsm_sess *s)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ULONG	 len = 32;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_TOKEN, &f_, 1 }, { CKA_WRAP, &t_, 1 },
		{ CKA_DECRYPT, &t_, 1 }, { CKA_VALUE_LEN, &len, sizeof(len) },
	};

	if (s->f->C_GenerateKey(s->h, &m, t, 4, &h) != CKR_OK)
		exit(2);
	return h;
}

static void
attack_unwrap(struct hsm_sess *s, CK_OBJECT_HANDLE kek,
    const struct fernet_wrapped *w)
{
	uint8_t		 v[64];
	CK_ATTRIBUTE	 a = { CKA_VALUE, v, sizeof(v) };
	CK_OBJECT_HANDLE h;
	CK_RV		 rv;

	rv = unwrap(s, kek, w->enc, sizeof(w->enc), CK_FALSE, CK_TRUE, &h);
	CHECK(rv == CKR_TEMPLATE_INCONSISTENT, "unwrap as a non-sensitive "
	    "key refused (%s)", ck_name(rv));
	rv = unwrap(s, kek, w->enc, sizeof(w->enc), CK_TRUE, CK_FALSE, &h);
	CHECK(rv == CKR_TEMPLATE_INCONSISTENT, "unwrap as a key any key may "
	    "wrap refused (%s)", ck_name(rv));
	rv = unwrap(s, kek, w->enc, sizeof(w->enc), CK_TRUE, CK_TRUE, &h);
	CHECK(rv == CKR_OK, "unwrap as signet does it works (%s)",
	    ck_name(rv));
	if (rv != CKR_OK)
		return;
	rv = s->f->C_GetAttributeValue(s->h, h, &a, 1);
	CHECK(rv == CKR_ATTRIBUTE_SENSITIVE, "its value cannot be read (%s)",
	    ck_name(rv));
	(void)s->f->C_DestroyObject(s->h, h);
}

static void
attack_wrap(struct hsm_sess *s, const struct fernet_obj *k)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	CK_OBJECT_HANDLE ck = clulow_key(s);
	uint8_t		 out[256];
	CK_ULONG	 len = sizeof(out);
	CK_RV		 rv;

	rv = s->f->C_WrapKey(s->h, &m, ck, k->enc, out, &len);
	CHECK(rv == CKR_KEY_NOT_WRAPPABLE, "wrap under a key that decrypts "
	    "refused (%s)", ck_name(rv));
	len = sizeof(out);
	rv = s->f->C_WrapKey(s->h, &m, ck, k->mac, out, &len);
	CHECK(rv == CKR_KEY_NOT_WRAPPABLE, "wrap of the HMAC half under it "
	    "refused (%s)", ck_name(rv));
	(void)s->f->C_DestroyObject(s->h, ck);
}

static CK_RV
set_attr(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t,
    void *v, CK_ULONG len)
{
	CK_ATTRIBUTE	 a = { t, v, len };

	return s->f->C_SetAttributeValue(s->h, h, &a, 1);
}

static void
attack_kek(struct hsm_sess *s, CK_OBJECT_HANDLE kek)
{
	CK_MECHANISM	 ecb = { CKM_AES_ECB, NULL, 0 };
	CK_MECHANISM	 kwp = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	uint8_t		 v[64];
	CK_ATTRIBUTE	 a[] = { { CKA_VALUE, v, sizeof(v) },
			    { CKA_CHECK_VALUE, v, sizeof(v) } };
	CK_ATTRIBUTE	 ct = { CKA_TOKEN, &f_, 1 };
	CK_OBJECT_HANDLE c;
	CK_RV		 rv;

	rv = s->f->C_DecryptInit(s->h, &ecb, kek);
	CHECK(rv != CKR_OK, "decrypt with the KEK refused (%s)", ck_name(rv));
	rv = s->f->C_DecryptInit(s->h, &kwp, kek);
	CHECK(rv != CKR_OK, "decrypt with the KEK by its own mechanism "
	    "refused (%s)", ck_name(rv));
	rv = s->f->C_EncryptInit(s->h, &ecb, kek);
	CHECK(rv != CKR_OK, "encrypt with the KEK refused (%s)", ck_name(rv));
	rv = set_attr(s, kek, CKA_DECRYPT, &t_, 1);
	CHECK(rv != CKR_OK, "turning decrypt on refused (%s)", ck_name(rv));
	rv = set_attr(s, kek, CKA_UNWRAP_TEMPLATE, NULL, 0);
	CHECK(rv != CKR_OK, "dropping the unwrap template refused (%s)",
	    ck_name(rv));
	rv = s->f->C_GetAttributeValue(s->h, kek, &a[0], 1);
	CHECK(rv == CKR_ATTRIBUTE_SENSITIVE, "reading the KEK refused (%s)",
	    ck_name(rv));
	rv = s->f->C_GetAttributeValue(s->h, kek, &a[1], 1);
	CHECK(rv != CKR_OK || a[1].ulValueLen == 0, "the KEK shows no check "
	    "value (%lu bytes)", (unsigned long)a[1].ulValueLen);
	rv = s->f->C_CopyObject(s->h, kek, &ct, 1, &c);
	CHECK(rv != CKR_OK, "copying the KEK refused (%s)", ck_name(rv));
}

/*
 * Objects that can both wrap and decrypt: on the token (token true) or
 * in this session (false).
 */
static CK_ULONG
clulow_pairs(struct hsm_sess *s, CK_BBOOL token, CK_OBJECT_HANDLE *h,
    CK_ULONG max)
{
	CK_ATTRIBUTE	 t[] = { { CKA_WRAP, &t_, 1 }, { CKA_DECRYPT, &t_, 1 },
			    { CKA_TOKEN, &token, 1 } };
	CK_ULONG	 n = 0;

	if (hsm_find(s, t, 3, h, max, &n) != 0)
		exit(2);
	return n;
}

/*
 * A user cannot make a trusted key, so no KEK of his own can export.
 * SoftHSM2 refuses the create but leaves a session object behind with
 * its defaults (wrap and decrypt on): untrusted, it wraps no Fernet key.
 */
static void
attack_trusted(struct hsm_sess *s, const struct fernet_obj *k)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	uint8_t		 v[32] = { 0x5a }, out[256];
	CK_OBJECT_HANDLE h, left[4];
	CK_ULONG	 len, n, i;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &sk, sizeof(sk) }, { CKA_KEY_TYPE, &aes,
		    sizeof(aes) }, { CKA_TOKEN, &f_, 1 },
		{ CKA_TRUSTED, &t_, 1 }, { CKA_WRAP, &t_, 1 },
		{ CKA_VALUE, v, sizeof(v) },
	};
	CK_RV		 rv;

	rv = s->f->C_CreateObject(s->h, t, sizeof(t) / sizeof(t[0]), &h);
	CHECK(rv == CKR_ATTRIBUTE_READ_ONLY, "a trusted key of the user's "
	    "refused (%s)", ck_name(rv));
	n = clulow_pairs(s, CK_FALSE, left, 4);
	for (i = 0; i < n; i++) {
		len = sizeof(out);
		rv = s->f->C_WrapKey(s->h, &m, left[i], k->enc, out, &len);
		CHECK(rv == CKR_KEY_NOT_WRAPPABLE, "what the refused create "
		    "left wraps no Fernet key (%s)", ck_name(rv));
		(void)s->f->C_DestroyObject(s->h, left[i]);
	}
}

static struct hsm_pool *
open_pool(struct config *cf, struct hsm_module **mp)
{
	struct hsm_pool	*p;
	struct secmem	*pin;
	CK_SLOT_ID	 slot;
	CK_TOKEN_INFO	 ti;

	if (cf->hsm_softhsm2_conf != NULL)
		setenv("SOFTHSM2_CONF", cf->hsm_softhsm2_conf, 1);
	if (hsm_module_load(cf->hsm_module, mp) != 0 ||
	    hsm_token_find(*mp, cf->hsm_token, &slot, &ti) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(*mp, slot, CKU_USER, pin, 1, 0, &p) != 0)
		exit(2);
	return p;
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*p;
	struct hsm_sess		*s;
	struct fernet_inv	 inv;
	struct fernet_obj	*k;
	struct fernet_wrapped	 w;
	const struct fernet_set	*set;
	CK_OBJECT_HANDLE	 kek;
	char			 err[256];

	log_init("kek-attack", LOGL_ERR);
	if (argc != 4 || config_load(argv[1], &cf, err, sizeof(err)) != 0 ||
	    (set = fernet_set_named(argv[2])) == NULL)
		return 2;
	p = open_pool(cf, &m);
	if (hsm_sess_get(p, &s) != 0 || kek_find(s, &kek) != 0 ||
	    fernet_inv_load(s, set, &inv) != 0 ||
	    (k = fernet_inv_find(&inv, FK_INDEX, atoi(argv[3]))) == NULL) {
		printf("FAIL: no KEK or no key %s to attack\n", argv[3]);
		return 2;
	}
	CHECK(fernet_key_wrap(s, kek, k, &w) == 0, "the export's wrap works");
	attack_unwrap(s, kek, &w);
	attack_wrap(s, k);
	attack_kek(s, kek);
	attack_trusted(s, k);
	CHECK(clulow_pairs(s, CK_TRUE, &kek, 1) == 0, "no object on the "
	    "token can both wrap and decrypt");
	fernet_inv_clear(&inv);
	hsm_sess_put(p, s, 0);
	hsm_pool_free(p);
	hsm_module_free(m);
	config_free(cf);
	printf("%s\n", fails ? "some attacks were not refused" :
	    "every attack was refused");
	return fails != 0;
}
