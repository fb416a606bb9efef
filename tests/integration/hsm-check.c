/*
 * Test helper (integration tests only): logs in through hsm/ and checks
 * what the token really does with the keys signet-provision made.
 *   hsm-check CONF custody         sensitive, unwrappable, unweakenable
 *   hsm-check CONF fernet KEYFILE N [SET]  key N of the set (token,
 *                                  receipt, credential) equals Keystone's
 *                                  file
 *   hsm-check CONF pool            session and login loss recovery
 *   hsm-check CONF attrs           signet's keys refuse other mechanisms
 *                                  and copying; their own ones work
 *   hsm-check CONF widen LABEL WHAT  turns a use on (derive, wrap, unwrap,
 *                                  decrypt, mechs), as a PIN holder could
 *   hsm-check CONF legacy LABEL    a key made as signet made them before
 *                                  mechanism lists (no list, copyable)
 * Exit 0 when every check holds; each failure is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64url.h"
#include "config.h"
#include "err.h"
#include "fernet_keys.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"

static int	 fails;

#define CHECK(c, ...) do {						\
	if (!(c)) {							\
		fails++;						\
		printf("FAIL: " __VA_ARGS__);				\
		printf("\n");						\
	}								\
} while (0)

static CK_BBOOL	 ck_true = CK_TRUE;
static CK_BBOOL	 ck_false = CK_FALSE;

static struct hsm_pool *
open_pool(struct config *cf, struct hsm_module **mp, int nsess)
{
	struct hsm_pool	*p;
	struct secmem	*pin;
	CK_SLOT_ID	 slot;
	CK_TOKEN_INFO	 ti;

	if (hsm_module_load(cf->hsm_module, mp) != 0 ||
	    hsm_token_find(*mp, cf->hsm_token, &slot, &ti) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(*mp, slot, CKU_USER, pin, nsess, HSM_POOL_KEEP_PIN,
	    &p) != 0)
		exit(2);
	return p;
}

static CK_RV
get_value(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	uint8_t		 buf[1024];
	CK_ATTRIBUTE	 a = { t, buf, sizeof(buf) };

	return s->f->C_GetAttributeValue(s->h, h, &a, 1);
}

static CK_RV
set_bool(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t,
    CK_BBOOL v)
{
	CK_ATTRIBUTE	 a = { t, &v, sizeof(v) };

	return s->f->C_SetAttributeValue(s->h, h, &a, 1);
}

static int
attr(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	int	 v = -1;

	(void)hsm_attr_bool(s, h, t, &v);
	return v;
}

/* An untrusted AES wrapping key any user could make in a session. */
static CK_OBJECT_HANDLE
wrap_key(struct hsm_sess *s)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_ULONG	 len = 16;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE	 t[] = {
		{ CKA_TOKEN, &ck_false, 1 },
		{ CKA_WRAP, &ck_true, 1 },
		{ CKA_VALUE_LEN, &len, sizeof(len) },
	};

	if (s->f->C_GenerateKey(s->h, &m, t, 3, &h) != CKR_OK)
		exit(2);
	return h;
}

static void
custody_one(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_OBJECT_HANDLE wk,
    CK_OBJECT_CLASS cls)
{
	CK_MECHANISM	 m = { CKM_AES_KEY_WRAP_PAD, NULL, 0 };
	uint8_t		 out[4096];
	CK_ULONG	 outlen = sizeof(out);
	char		 l[HSM_LABEL_MAX];
	CK_RV		 rv;
	int		 fernet;

	hsm_label_get(s, h, l, sizeof(l));
	fernet = strncmp(l, FERNET_LABEL_PREFIX, 14) == 0;
	rv = get_value(s, h, cls == CKO_SECRET_KEY ? CKA_VALUE :
	    CKA_PRIVATE_EXPONENT);
	if (cls == CKO_PRIVATE_KEY && rv == CKR_ATTRIBUTE_TYPE_INVALID)
		rv = get_value(s, h, CKA_VALUE);	/* EC keys */
	CHECK(rv == CKR_ATTRIBUTE_SENSITIVE, "%s: reading the key gave %s", l,
	    ck_name(rv));
	CHECK(attr(s, h, CKA_SENSITIVE) == 1 && attr(s, h, CKA_PRIVATE) == 1 &&
	    attr(s, h, CKA_TOKEN) == 1, "%s: not token/private/sensitive", l);
	CHECK(!(attr(s, h, CKA_DECRYPT) == 1 && attr(s, h, CKA_WRAP) == 1),
	    "%s: can wrap and decrypt", l);
	if (fernet)
		CHECK(attr(s, h, CKA_WRAP_WITH_TRUSTED) == 1,
		    "%s: extractable without a trusted wrapping key", l);
	else
		CHECK(attr(s, h, CKA_EXTRACTABLE) == 0 &&
		    attr(s, h, CKA_NEVER_EXTRACTABLE) == 1 &&
		    attr(s, h, CKA_LOCAL) == 1, "%s: extractable or imported",
		    l);
	rv = s->f->C_WrapKey(s->h, &m, wk, h, out, &outlen);
	CHECK(rv == CKR_KEY_NOT_WRAPPABLE || rv == CKR_KEY_UNEXTRACTABLE,
	    "%s: wrapping under an untrusted key gave %s", l, ck_name(rv));
	rv = set_bool(s, h, CKA_SENSITIVE, CK_FALSE);
	CHECK(rv != CKR_OK, "%s: CKA_SENSITIVE could be cleared", l);
	rv = set_bool(s, h, fernet ? CKA_WRAP_WITH_TRUSTED : CKA_EXTRACTABLE,
	    fernet ? CK_FALSE : CK_TRUE);
	CHECK(rv != CKR_OK, "%s: extraction policy could be weakened", l);
	CHECK(attr(s, h, CKA_SENSITIVE) == 1, "%s: no longer sensitive", l);
	printf("checked %s\n", l);
}

static int
custody(struct hsm_pool *p)
{
	CK_OBJECT_CLASS	 classes[] = { CKO_PRIVATE_KEY, CKO_SECRET_KEY };
	CK_OBJECT_HANDLE h[256], wk;
	struct hsm_sess	*s;
	CK_ULONG	 n, i;
	size_t		 c, total = 0;

	hsm_sess_get(p, &s);
	wk = wrap_key(s);
	for (c = 0; c < 2; c++) {
		CK_ATTRIBUTE t[] = { { CKA_CLASS, &classes[c], sizeof(c) } };

		t[0].ulValueLen = sizeof(CK_OBJECT_CLASS);
		if (hsm_find(s, t, 1, h, 256, &n) != 0)
			exit(2);
		for (i = 0; i < n; i++)
			if (h[i] != wk) {
				custody_one(s, h[i], wk, classes[c]);
				total++;
			}
	}
	CHECK(total >= 4, "only %zu keys found", total);
	hsm_sess_put(p, s, 0);
	return 0;
}

/* Starts op ('s'ign, 'e'ncrypt, 'd'ecrypt) on h, then runs it to its end. */
static CK_RV
try_op(struct hsm_sess *s, int op, CK_MECHANISM_TYPE mt,
    CK_OBJECT_HANDLE h)
{
	uint8_t		 iv[16] = { 0 }, in[16] = { 0 }, out[1024];
	CK_MECHANISM	 m = { mt, NULL, 0 };
	CK_ULONG	 len = sizeof(out);
	CK_RV		 rv;

	if (mt == CKM_AES_CBC || mt == CKM_AES_CBC_PAD) {
		m.pParameter = iv;
		m.ulParameterLen = sizeof(iv);
	}
	if (op == 's') {
		if ((rv = s->f->C_SignInit(s->h, &m, h)) == CKR_OK)
			rv = s->f->C_Sign(s->h, in, sizeof(in), out, &len);
	} else if (op == 'd') {
		if ((rv = s->f->C_DecryptInit(s->h, &m, h)) == CKR_OK)
			(void)s->f->C_Decrypt(s->h, in, sizeof(in), out, &len);
	} else if ((rv = s->f->C_EncryptInit(s->h, &m, h)) == CKR_OK)
		rv = s->f->C_Encrypt(s->h, in, sizeof(in), out, &len);
	return rv;
}

/* What one of signet's keys may do, and what it must refuse. */
static void
attrs_one(struct hsm_sess *s, CK_OBJECT_HANDLE h, CK_OBJECT_CLASS cls)
{
	CK_KEY_TYPE	 kt = 0;
	CK_ULONG	 len = sizeof(kt);
	CK_ATTRIBUTE	 t[] = { { CKA_TOKEN, &ck_false, 1 } };
	CK_OBJECT_HANDLE copy;
	char		 l[HSM_LABEL_MAX];
	CK_RV		 rv;

	hsm_label_get(s, h, l, sizeof(l));
	hsm_attr_get(s, h, CKA_KEY_TYPE, &kt, &len);
	if (kt == CKK_AES) {
		rv = try_op(s, 'e', CKM_AES_ECB, h);
		CHECK(rv == CKR_MECHANISM_INVALID, "%s: AES-ECB gave %s", l,
		    ck_name(rv));
		rv = try_op(s, 'e', CKM_AES_CBC_PAD, h);
		CHECK(rv == CKR_OK, "%s: AES-CBC-PAD gave %s", l, ck_name(rv));
	} else if (kt == CKK_GENERIC_SECRET) {
		rv = try_op(s, 's', CKM_SHA_1_HMAC, h);
		CHECK(rv == CKR_MECHANISM_INVALID, "%s: HMAC-SHA1 gave %s", l,
		    ck_name(rv));
		rv = try_op(s, 's', CKM_SHA256_HMAC, h);
		CHECK(rv == CKR_OK, "%s: HMAC-SHA256 gave %s", l, ck_name(rv));
	} else if (kt == CKK_RSA) {
		rv = try_op(s, 's', CKM_RSA_X_509, h);
		CHECK(rv == CKR_MECHANISM_INVALID, "%s: raw RSA gave %s", l,
		    ck_name(rv));
		rv = try_op(s, 'd', CKM_RSA_PKCS, h);
		CHECK(rv != CKR_OK, "%s: RSA decrypt worked", l);
	} else if (kt == CKK_EC) {
		rv = try_op(s, 's', CKM_ECDSA_SHA256, h);
		CHECK(rv == CKR_MECHANISM_INVALID, "%s: ECDSA-SHA256 gave %s",
		    l, ck_name(rv));
		rv = try_op(s, 's', CKM_ECDSA, h);
		CHECK(rv == CKR_OK, "%s: ECDSA gave %s", l, ck_name(rv));
	}
	rv = s->f->C_CopyObject(s->h, h, t, 1, &copy);
	CHECK(rv != CKR_OK, "%s: could be copied", l);
	if (rv == CKR_OK)
		s->f->C_DestroyObject(s->h, copy);
	CHECK(attr(s, h, CKA_COPYABLE) == 0, "%s: CKA_COPYABLE is not false",
	    l);
	printf("checked %s %s\n", cls == CKO_SECRET_KEY ? "secret" : "private",
	    l);
}

static int
attrs(struct hsm_pool *p)
{
	CK_OBJECT_CLASS	 classes[] = { CKO_PRIVATE_KEY, CKO_SECRET_KEY };
	CK_OBJECT_HANDLE h[256];
	struct hsm_sess	*s;
	CK_ULONG	 n, i;
	char		 l[HSM_LABEL_MAX];
	size_t		 c, total = 0;

	hsm_sess_get(p, &s);
	for (c = 0; c < 2; c++) {
		CK_ATTRIBUTE t[] = { { CKA_CLASS, &classes[c],
		    sizeof(CK_OBJECT_CLASS) } };

		if (hsm_find(s, t, 1, h, 256, &n) != 0)
			exit(2);
		for (i = 0; i < n; i++) {
			hsm_label_get(s, h[i], l, sizeof(l));
			if (strncmp(l, "signet-", 7) == 0) {
				attrs_one(s, h[i], classes[c]);
				total++;
			}
		}
	}
	CHECK(total >= 4, "only %zu keys found", total);
	hsm_sess_put(p, s, 0);
	return 0;
}

static CK_OBJECT_HANDLE
key_by_label(struct hsm_sess *s, const char *label)
{
	CK_OBJECT_HANDLE h;

	if (hsm_find_label(s, CKO_SECRET_KEY, label, &h) != 0 &&
	    hsm_find_label(s, CKO_PRIVATE_KEY, label, &h) != 0)
		exit(2);
	return h;
}

/* What a user-PIN holder can do to a modifiable key. */
static int
widen(struct hsm_pool *p, const char *label, const char *what)
{
	static const struct { const char *n; CK_ATTRIBUTE_TYPE t; } uses[] = {
		{ "derive", CKA_DERIVE }, { "wrap", CKA_WRAP },
		{ "unwrap", CKA_UNWRAP }, { "decrypt", CKA_DECRYPT },
	};
	CK_MECHANISM_TYPE m[16];
	CK_ATTRIBUTE	 a = { CKA_ALLOWED_MECHANISMS, m, sizeof(m) };
	struct hsm_sess	*s;
	CK_OBJECT_HANDLE h;
	CK_RV		 rv = CKR_ARGUMENTS_BAD;
	size_t		 i;

	hsm_sess_get(p, &s);
	h = key_by_label(s, label);
	for (i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (strcmp(what, uses[i].n) == 0)
			rv = set_bool(s, h, uses[i].t, CK_TRUE);
	if (strcmp(what, "mechs") == 0 &&
	    s->f->C_GetAttributeValue(s->h, h, &a, 1) == CKR_OK) {
		m[a.ulValueLen / sizeof(m[0])] = CKM_AES_ECB;
		a.ulValueLen += sizeof(m[0]);
		rv = s->f->C_SetAttributeValue(s->h, h, &a, 1);
	}
	CHECK(rv == CKR_OK, "widening %s (%s) gave %s", label, what,
	    ck_name(rv));
	hsm_sess_put(p, s, 0);
	return 0;
}

/* The HMAC half's template before keys carried mechanism lists. */
static int
legacy(struct hsm_pool *p, const char *label)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_KEY_TYPE	 kt = CKK_GENERIC_SECRET;
	uint8_t		 v[32];
	CK_ATTRIBUTE	 t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &ck_true, 1 }, { CKA_PRIVATE, &ck_true, 1 },
		{ CKA_SENSITIVE, &ck_true, 1 }, { CKA_EXTRACTABLE, &ck_true, 1 },
		{ CKA_WRAP_WITH_TRUSTED, &ck_true, 1 },
		{ CKA_WRAP, &ck_false, 1 }, { CKA_UNWRAP, &ck_false, 1 },
		{ CKA_DERIVE, &ck_false, 1 }, { CKA_SIGN, &ck_true, 1 },
		{ CKA_VERIFY, &ck_true, 1 }, { CKA_ENCRYPT, &ck_false, 1 },
		{ CKA_DECRYPT, &ck_false, 1 },
		{ CKA_LABEL, CK_IN(label), strlen(label) },
		{ CKA_VALUE, v, sizeof(v) },
	};
	struct hsm_sess	*s;
	CK_OBJECT_HANDLE h;
	CK_RV		 rv;

	hsm_sess_get(p, &s);
	hsm_random(s, v, sizeof(v));
	rv = s->f->C_CreateObject(s->h, t, sizeof(t) / sizeof(t[0]), &h);
	CHECK(rv == CKR_OK, "creating %s gave %s", label, ck_name(rv));
	hsm_sess_put(p, s, 0);
	return 0;
}

static void
read_keyfile(const char *path, uint8_t key[32])
{
	char	 txt[64] = { 0 };
	size_t	 n;
	FILE	*f = fopen(path, "r");

	if (f == NULL || fgets(txt, sizeof(txt), f) == NULL)
		exit(2);
	fclose(f);
	txt[strcspn(txt, "\n")] = '\0';
	if (b64url_decode(txt, strlen(txt), B64URL_PAD, key, 32, &n) != 0 ||
	    n != 32)
		exit(2);
}

/* The token's key `index` MACs and encrypts exactly as Keystone's file. */
static int
fernet_match(struct hsm_pool *p, const char *keyfile, int index,
    const struct fernet_set *set)
{
	static const uint8_t msg[] = "signet fernet parity";
	uint8_t		 key[32], mac[32], want[32], iv[16] = { 0 };
	uint8_t		 ct[64], wct[64];
	CK_MECHANISM	 hm = { CKM_SHA256_HMAC, NULL, 0 };
	CK_MECHANISM	 am = { CKM_AES_CBC_PAD, iv, sizeof(iv) };
	CK_ULONG	 len = sizeof(mac), clen = sizeof(ct);
	unsigned int	 wlen;
	int		 wclen, fin;
	struct hsm_sess	*s;
	struct fernet_inv inv;
	struct fernet_obj *k;
	EVP_CIPHER_CTX	*c = EVP_CIPHER_CTX_new();

	read_keyfile(keyfile, key);
	hsm_sess_get(p, &s);
	if (set == NULL || fernet_inv_load(s, set, &inv) != 0 ||
	    (k = fernet_inv_find(&inv, FK_INDEX, index)) == NULL) {
		printf("FAIL: no key %d in the token\n", index);
		return 1;
	}
	if (s->f->C_SignInit(s->h, &hm, k->mac) != CKR_OK ||
	    s->f->C_Sign(s->h, CK_IN(msg), sizeof(msg), mac, &len) != CKR_OK ||
	    s->f->C_EncryptInit(s->h, &am, k->enc) != CKR_OK ||
	    s->f->C_Encrypt(s->h, CK_IN(msg), sizeof(msg), ct, &clen) != CKR_OK)
		exit(2);
	HMAC(EVP_sha256(), key, 16, msg, sizeof(msg), want, &wlen);
	CHECK(len == 32 && memcmp(mac, want, 32) == 0,
	    "key %d: the token's HMAC differs from Keystone's key", index);
	EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, key + 16, iv);
	EVP_EncryptUpdate(c, wct, &wclen, msg, sizeof(msg));
	EVP_EncryptFinal_ex(c, wct + wclen, &fin);
	CHECK(clen == (CK_ULONG)(wclen + fin) && memcmp(ct, wct, clen) == 0,
	    "key %d: the token's AES differs from Keystone's key", index);
	EVP_CIPHER_CTX_free(c);
	fernet_inv_clear(&inv);
	hsm_sess_put(p, s, 0);
	return 0;
}

static int
mac_once(struct hsm_sess *s, CK_OBJECT_HANDLE h)
{
	CK_MECHANISM	 hm = { CKM_SHA256_HMAC, NULL, 0 };
	uint8_t		 out[32];
	CK_ULONG	 len = sizeof(out);
	CK_RV		 rv;

	rv = s->f->C_SignInit(s->h, &hm, h);
	if (rv == CKR_OK)
		rv = s->f->C_Sign(s->h, (CK_BYTE_PTR)"x", 1, out, &len);
	return rv == CKR_OK ? 0 : ck_err(rv, "HMAC");
}

/* All sessions closed behind the pool's back: login and handles lost. */
static int
pool_loss(struct hsm_pool *p, struct hsm_module *m, CK_SLOT_ID slot)
{
	struct hsm_sess	*s;
	CK_OBJECT_HANDLE h;
	unsigned int	 logins = hsm_pool_logins(p), gen;
	int		 r;

	hsm_sess_get(p, &s);
	CHECK(hsm_pool_find(p, s, CKO_SECRET_KEY, "signet-fernet-1-hmac",
	    &h) == 0 && mac_once(s, h) == 0, "HMAC before the loss");
	gen = hsm_pool_generation(p);
	m->f->C_CloseAllSessions(slot);
	r = mac_once(s, h);
	CHECK(ck_class(CKR_SESSION_HANDLE_INVALID) == HSM_REINIT &&
	    r == SIG_ERR_HSM_REINIT, "a dead session is not re-initialise "
	    "class (%d)", r);
	hsm_sess_put(p, s, r);
	CHECK(hsm_pool_logins(p) == logins + 1, "logins %u, want %u",
	    hsm_pool_logins(p), logins + 1);
	CHECK(hsm_pool_generation(p) != gen, "cached handles survived");
	hsm_sess_get(p, &s);
	CHECK(hsm_pool_find(p, s, CKO_SECRET_KEY, "signet-fernet-1-hmac",
	    &h) == 0 && mac_once(s, h) == 0, "HMAC after recovery");
	hsm_sess_put(p, s, 0);
	CHECK(hsm_pool_logins(p) == logins + 1, "logged in more than once");
	return 0;
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*p;
	CK_SLOT_ID		 slot;
	char			 err[256];

	log_init("hsm-check", LOGL_ERR);
	if (argc < 3 || config_load(argv[1], &cf, err, sizeof(err)) != 0)
		return 2;
	p = open_pool(cf, &m, 3);
	if (strcmp(argv[2], "custody") == 0)
		custody(p);
	else if (strcmp(argv[2], "fernet") == 0 && (argc == 5 || argc == 6))
		fernet_match(p, argv[3], atoi(argv[4]), argc == 6 ?
		    fernet_set_named(argv[5]) : &fernet_set_token);
	else if (strcmp(argv[2], "attrs") == 0)
		attrs(p);
	else if (strcmp(argv[2], "widen") == 0 && argc == 5)
		widen(p, argv[3], argv[4]);
	else if (strcmp(argv[2], "legacy") == 0 && argc == 4)
		legacy(p, argv[3]);
	else if (strcmp(argv[2], "pool") == 0 &&
	    hsm_token_find(m, cf->hsm_token, &slot, NULL) == 0)
		pool_loss(p, m, slot);
	else
		return 2;
	hsm_pool_free(p);
	hsm_module_free(m);
	config_free(cf);
	printf("%s\n", fails ? "some checks failed" : "all checks held");
	return fails != 0;
}
