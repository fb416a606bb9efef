/*
 * signet-signerd: before it accepts a connection, the signer proves the
 * token computes Fernet correctly (Keystone's golden vector, sealed under
 * session copies of the vector's key: same bytes or no service) and that
 * every live key of every set (token, receipt, credential) opens what it
 * seals. On failure Health says why.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fernet_seal.h"
#include "log.h"
#include "signer.h"

/* Keystone 22's golden vector "project": a project-scoped token of key
 * repository files Keystone made, sealed at a fixed time and IV. */
static const uint8_t kat_mac[16] = { 0x3d, 0x38, 0x46, 0xc2, 0xe9, 0x27,
    0x80, 0x7e, 0x30, 0xef, 0x11, 0x1a, 0x89, 0xf1, 0x68, 0xe2 };
static const uint8_t kat_enc[16] = { 0x59, 0x85, 0x3d, 0xa8, 0x71, 0x4f,
    0x97, 0x3a, 0x26, 0x4a, 0xbe, 0x8b, 0x2f, 0xc1, 0x7c, 0xa9 };
static const uint8_t kat_iv[16] = { 0xbc, 0x05, 0x15, 0x68, 0xda, 0xf1,
    0x7b, 0x64, 0x6b, 0x4e, 0x5a, 0xdd, 0xe0, 0xd6, 0x00, 0xa8 };
static const char kat_token[] = "gAAAAABpVbkAvAUVaNrxe2RrTlrd4NYAqNPI6UYY87"
    "ZIkYi5tBJtXS4eLzfrc_F6aqqGpFf9Q_PspEld8QFuz1aBfW7GTcH4WQBqp-SCOqb_Gwu"
    "NH45LoSlJ_FIRGZpPijCcdL7B8t3La0_hVzFfXMNZH8OaChPl2ido5hC5lNLpF7mQuJee"
    "r80";
#define KAT_TS	1767225600

static int
kat(struct signer *sg, struct hsm_sess *s)
{
	static const char *const methods[] = { "password" };
	uint8_t		 pl[FERNET_PAYLOAD_MAX];
	struct fernet_obj k = { FK_INDEX, 2, 0, 0, { 0 }, 1, NULL };
	struct claims	 c;
	char		 tok[FERNET_TOKEN_MAX + 1];
	size_t		 pllen;
	int		 r;

	memset(&c, 0, sizeof(c));
	c.scope = CLAIMS_PROJECT;
	strcpy(c.user_id, "0c2b7eea0e925cc9974fab5df940c6bd");
	strcpy(c.project_id, "c27fba85674c5d43978d839a7eae2553");
	c.expires_at = 4102444800;
	c.n_audit = 1;
	if ((r = claims_methods_encode(&sg->methods, methods, 1,
	    &c.methods)) != 0 ||
	    (r = claims_audit_parse("DMz0_i0HjcyWYPLiLhVsqA", c.audit[0])) ||
	    (r = fernet_payload_pack(&c, pl, sizeof(pl), &pllen)) != 0 ||
	    (r = fernet_key_session(s, kat_mac, kat_enc, &k)) != 0)
		return r;
	r = fernet_seal(s, &k, KAT_TS, kat_iv, pl, pllen, tok, sizeof(tok));
	if (r == 0 && strcmp(tok, kat_token) != 0)
		r = SIG_ERR_CRYPTO;
	fernet_key_session_free(s, &k);
	return r;
}

/* Every live key of one set seals and opens. */
static int
roundtrip(const struct keyring *kr, struct hsm_sess *s)
{
	uint8_t		 iv[16] = { 7 }, raw[256], out[256];
	static const uint8_t pl[] = "signet self-test";
	char		 tok[FERNET_TOKEN_MAX + 1];
	size_t		 i, rawlen, outlen;
	uint64_t	 ts;
	int		 r = 0;

	for (i = 0; i < kr->inv.nkeys && r == 0; i++) {
		const struct fernet_obj *k = &kr->inv.keys[i];

		if (k->kind != FK_INDEX)
			continue;
		if ((r = fernet_seal(s, k, time(NULL), iv, pl, sizeof(pl), tok,
		    sizeof(tok))) == 0 &&
		    (r = fernet_decode(tok, strlen(tok), raw, sizeof(raw),
		    &rawlen)) == 0 &&
		    (r = fernet_open(s, k, raw, rawlen, out, &outlen,
		    &ts)) == 0)
			r = outlen == sizeof(pl) &&
			    memcmp(out, pl, outlen) == 0 ? 0 : SIG_ERR_CRYPTO;
		if (r != 0)
			log_err("self-test: %s key %d fails a round trip",
			    kr->set->what, k->index);
	}
	return r;
}

int
selftest_run(struct signer *sg)
{
	struct hsm_sess	*s;
	int		 r;

	if ((r = hsm_sess_get(sg->pool, &s)) != 0)
		return r;
	if ((r = kat(sg, s)) != 0)
		snprintf(sg->why, sizeof(sg->why), "FAILED_SELFTEST: Fernet "
		    "known answer");
	else if ((r = roundtrip(&sg->kr, s)) != 0 ||
	    (r = roundtrip(&sg->kr_receipt, s)) != 0 ||
	    (r = roundtrip(&sg->kr_credential, s)) != 0)
		snprintf(sg->why, sizeof(sg->why), "FAILED_SELFTEST: Fernet "
		    "key round trip");
	hsm_sess_put(sg->pool, s, r);
	if (r != 0)
		log_err("%s; refusing to serve", sg->why);
	return r;
}
