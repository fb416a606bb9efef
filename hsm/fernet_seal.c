/*
 * signerd: seals a payload into a Fernet token and opens one, all key work
 * in the token. A token that fails the MAC under a key is SIG_ERR_KEY_NOT_
 * FOUND (try the next key); anything malformed is SIG_ERR_BAD_INPUT. Only
 * an HSM that fails is an HSM error: tokens are decrypted without padding
 * and the padding checked here, since SoftHSM2 answers a bad pad with
 * CKR_GENERAL_ERROR, which is also what a lost token looks like.
 */
#include <string.h>

#include "b64url.h"
#include "err.h"
#include "fernet_seal.h"
#include "log.h"

static void
put_be64(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t
get_be64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Writes the token (base64url, no '=') into tok; iv is the caller's. */
int
fernet_seal(struct hsm_sess *s, const struct fernet_obj *k, uint64_t ts,
    const uint8_t *iv, const uint8_t *pl, size_t pllen, char *tok,
    size_t toksz)
{
	uint8_t		 raw[FERNET_RAW_MAX];

	return fernet_seal_buf(s, k, ts, iv, pl, pllen, raw, sizeof(raw), 0,
	    tok, toksz);
}

/* raw (rawsz bytes) is the envelope's room; it is wiped before return. */
int
fernet_seal_buf(struct hsm_sess *s, const struct fernet_obj *k, uint64_t ts,
    const uint8_t *iv, const uint8_t *pl, size_t pllen, uint8_t *raw,
    size_t rawsz, int padded, char *tok, size_t toksz)
{
	enum b64url_pad	 pad = padded ? B64URL_PAD : B64URL_NOPAD;
	CK_MECHANISM	 am = { CKM_AES_CBC_PAD, CK_IN(iv), FERNET_IV_LEN };
	CK_MECHANISM	 hm = { CKM_SHA256_HMAC, NULL, 0 };
	CK_ULONG	 clen, mlen = FERNET_MAC_LEN;
	size_t		 n;
	CK_RV		 rv;

	clen = (pllen / 16 + 1) * 16;
	n = FERNET_HDR_LEN + clen + FERNET_MAC_LEN;
	if (n > rawsz || b64url_enclen(n, pad) >= toksz)
		return SIG_ERR_BAD_INPUT;
	raw[0] = FERNET_VERSION;
	put_be64(raw + 1, ts);
	memcpy(raw + 9, iv, FERNET_IV_LEN);
	if ((rv = s->f->C_EncryptInit(s->h, &am, k->enc)) != CKR_OK ||
	    (rv = s->f->C_Encrypt(s->h, CK_IN(pl), pllen, raw + FERNET_HDR_LEN,
	    &clen)) != CKR_OK)
		return ck_err(rv, "Fernet encrypt with key %d", k->index);
	n = FERNET_HDR_LEN + clen;
	if ((rv = s->f->C_SignInit(s->h, &hm, k->mac)) != CKR_OK ||
	    (rv = s->f->C_Sign(s->h, raw, n, raw + n, &mlen)) != CKR_OK)
		return ck_err(rv, "Fernet MAC with key %d", k->index);
	b64url_encode(raw, n + mlen, pad, tok, toksz);
	explicit_bzero(raw, n + mlen);
	return 0;
}

/*
 * A stable public name for key k, the same in every process and on
 * every HSM holding the key: the hex HMAC-SHA256, under its signing
 * half, of a fixed text. That text starts with 's', and every input
 * Fernet MACs starts with 0x80, so the name is never a MAC of any
 * token. out has room for FERNET_KEY_NAME_LEN + 1 bytes.
 */
int
fernet_key_name(struct hsm_sess *s, const struct fernet_obj *k, char *out)
{
	static const char text[] = "signet key name v1";
	static const char hex[] = "0123456789abcdef";
	CK_MECHANISM	 hm = { CKM_SHA256_HMAC, NULL, 0 };
	uint8_t		 mac[FERNET_MAC_LEN];
	CK_ULONG	 mlen = sizeof(mac);
	size_t		 i;
	CK_RV		 rv;

	if ((rv = s->f->C_SignInit(s->h, &hm, k->mac)) != CKR_OK ||
	    (rv = s->f->C_Sign(s->h, CK_IN(text), sizeof(text) - 1, mac,
	    &mlen)) != CKR_OK)
		return ck_err(rv, "naming key %d", k->index);
	for (i = 0; i < FERNET_MAC_LEN; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[2 * FERNET_MAC_LEN] = '\0';
	return 0;
}

/*
 * The length of the PKCS#7 padding that ends the N bytes at P (N a
 * positive multiple of 16), or 0 when it is not valid. Every byte of the
 * last block is looked at whatever the others hold, with no branch on
 * them: how long the check takes says nothing about the plaintext.
 */
static unsigned int
pkcs7_pad_len(const uint8_t *p, size_t n)
{
	unsigned int	 pad = p[n - 1], bad, in, i;

	bad = ((pad - 1) >> 8 & 1) | ((16 - pad) >> 8 & 1);	/* 0, >16 */
	for (i = 0; i < 16; i++) {
		in = (i - pad) >> 8 & 1;		/* i < pad */
		bad |= -in & (p[n - 1 - i] ^ pad);
	}
	return bad == 0 ? pad : 0;
}

/* Opens raw (from fernet_decode) under k; pl has room for rawlen bytes. */
int
fernet_open(struct hsm_sess *s, const struct fernet_obj *k,
    const uint8_t *raw, size_t rawlen, uint8_t *pl, size_t *pllen,
    uint64_t *ts)
{
	CK_MECHANISM	 am = { CKM_AES_CBC, CK_IN(raw + 9), FERNET_IV_LEN };
	CK_MECHANISM	 hm = { CKM_SHA256_HMAC, NULL, 0 };
	size_t		 n = rawlen - FERNET_MAC_LEN;
	CK_ULONG	 plen = rawlen;
	unsigned int	 pad;
	CK_RV		 rv;

	*pllen = 0;
	rv = s->f->C_VerifyInit(s->h, &hm, k->mac);
	/* destroyed since the signer listed it (a rotation purged it) */
	if (rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID)
		return SIG_ERR_STATE;
	if (rv != CKR_OK)
		return ck_err(rv, "Fernet MAC check with key %d", k->index);
	rv = s->f->C_Verify(s->h, CK_IN(raw), n, CK_IN(raw + n),
	    FERNET_MAC_LEN);
	if (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE)
		return SIG_ERR_KEY_NOT_FOUND;
	if (rv != CKR_OK)
		return ck_err(rv, "Fernet MAC check with key %d", k->index);
	if ((rv = s->f->C_DecryptInit(s->h, &am, k->enc)) != CKR_OK)
		return ck_err(rv, "Fernet decrypt with key %d", k->index);
	if ((rv = s->f->C_Decrypt(s->h, CK_IN(raw + FERNET_HDR_LEN),
	    n - FERNET_HDR_LEN, pl, &plen)) != CKR_OK)
		return ck_err(rv, "Fernet decrypt with key %d", k->index);
	if (plen != n - FERNET_HDR_LEN || (pad = pkcs7_pad_len(pl, plen)) == 0)
		return SIG_ERR_BAD_INPUT;	/* MAC fine, padding not */
	*pllen = plen - pad;
	*ts = get_be64(raw + 1);
	return 0;
}
