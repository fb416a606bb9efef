/*
 * signet-signerd: Keystone's credential encryption ([credential]
 * provider). EncryptCredential seals a credential's blob as Keystone's
 * fernet credential provider does (a Fernet token, '=' padding kept) with
 * the primary credential key, and names that key (key_hash);
 * DecryptCredential opens a blob with every live credential key. Only the
 * uids of [signer] credential_uids, and the signer's own, may call them:
 * unlike a token, a plaintext here is a secret (an EC2 secret key, a TOTP
 * seed) that no token front-end needs.
 *
 * The plaintext is never logged or audited: records name the call, the
 * peer, the key and the outcome. It lives in the worker's scratch (wiped
 * once the answer is sent) and in the request, wiped once sealed.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "op.h"

#define NO_CREDENTIAL_KEYS "no credential keys in the token " \
			    "(signet-provision fernet-setup --keys " \
			    "credential, or fernet-import --keys credential)"
#define NOT_ALLOWED	"this peer may not use the credential keys " \
			    "([signer] credential_uids)"

static void
audit_cred(struct signer *sg, struct scratch *sc, const char *op, uid_t peer,
    int key, const char *result)
{
	struct audit_rec rec = { op, peer, NULL, result, sc->rid };

	memset(&sc->more, 0, sizeof(sc->more));
	sc->more.key = key;
	(void)audit_write_more(sg->audit, &rec, &sc->more);
}

/* The peer's own uid may use the keys, or the call is refused here. */
static int
allowed(struct signer *sg, struct scratch *sc, const char *op, uid_t peer,
    Signet__V1__Response *resp)
{
	if (policy_credential_peer(sg, peer))
		return 1;
	audit_cred(sg, sc, op, peer, -1, "denied: not in [signer] "
	    "credential_uids");
	op_fail(resp, sg, SIG_ERR_POLICY, NOT_ALLOWED);
	return 0;
}

void
op_encrypt_credential(struct signer *sg, uid_t peer,
    const Signet__V1__Request *req, Signet__V1__Response *resp,
    struct scratch *sc)
{
	const Signet__V1__EncryptCredentialRequest *in =
	    req->encrypt_credential;
	ProtobufCBinaryData *pt = (ProtobufCBinaryData *)(uintptr_t)
	    &in->plaintext;
	struct audit_rec rec = { "encrypt_credential", peer, NULL, "ok",
	    sc->rid };
	uint64_t	 ts;
	int		 r, key = -1;

	if (!allowed(sg, sc, "encrypt_credential", peer, resp))
		goto wipe;
	if (pt->len > CRED_PLAIN_MAX) {
		audit_cred(sg, sc, "encrypt_credential", peer, -1,
		    "denied: too long");
		op_fail(resp, sg, SIG_ERR_BAD_INPUT, "credential too long "
		    "(at most 16384 bytes)");
		goto wipe;
	}
	sc->cred_used = 1;
	r = keyset_seal(sg, &sg->kr_credential, pt->len > 0 ? pt->data :
	    (const uint8_t *)"", pt->len, sc->cred.raw, sizeof(sc->cred.raw),
	    1, sc->cred.blob, sizeof(sc->cred.blob), &ts, &key, sc->key_hash);
	if (r != 0) {
		audit_cred(sg, sc, "encrypt_credential", peer, -1,
		    r == SIG_ERR_STATE ? "no credential keys" :
		    sig_err_str(r));
		op_fail(resp, sg, r, r == SIG_ERR_STATE ? NO_CREDENTIAL_KEYS :
		    NULL);
		goto wipe;
	}
	memset(&sc->more, 0, sizeof(sc->more));
	sc->more.key = key;
	/* no record, no blob: every use of a key is on record */
	if ((r = audit_write_more(sg->audit, &rec, &sc->more)) != 0) {
		op_fail(resp, sg, r, NULL);
		goto wipe;
	}
	signet__v1__encrypt_credential_response__init(&sc->u.encrypt);
	sc->u.encrypt.blob = sc->cred.blob;
	sc->u.encrypt.key_hash = sc->key_hash;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_ENCRYPT_CREDENTIAL;
	resp->encrypt_credential = &sc->u.encrypt;
 wipe:
	if (pt->len > 0)
		explicit_bzero(pt->data, pt->len);
}

void
op_decrypt_credential(struct signer *sg, uid_t peer,
    const Signet__V1__Request *req, Signet__V1__Response *resp,
    struct scratch *sc)
{
	const char	*blob = req->decrypt_credential->blob;
	struct audit_rec rec = { "decrypt_credential", peer, NULL, "ok",
	    sc->rid };
	size_t		 rawlen, n = strlen(blob), pllen = 0;
	uint64_t	 ts;
	int		 r, key = -1;

	if (!allowed(sg, sc, "decrypt_credential", peer, resp))
		return;
	sc->cred_used = 1;
	r = n > CRED_BLOB_MAX || fernet_decode_padded(blob, n, sc->cred.raw,
	    sizeof(sc->cred.raw), &rawlen) != 0 ? SIG_ERR_BAD_INPUT :
	    keyset_open(sg, &sg->kr_credential, sc->cred.raw, rawlen,
	    sc->cred.plain, &pllen, &ts, &key);
	if (r != 0) {
		audit_cred(sg, sc, "decrypt_credential", peer, key,
		    r == SIG_ERR_BAD_INPUT ? "bad blob" : r == SIG_ERR_STATE ?
		    "no credential keys" : r == SIG_ERR_KEY_NOT_FOUND ?
		    "not found" : sig_err_str(r));
		if (r == SIG_ERR_BAD_INPUT)	/* as a blob no key opens */
			r = SIG_ERR_KEY_NOT_FOUND;
		return op_fail(resp, sg, r, r == SIG_ERR_KEY_NOT_FOUND ?
		    "credential cannot be decrypted with the token's keys" :
		    r == SIG_ERR_STATE ? NO_CREDENTIAL_KEYS : NULL);
	}
	memset(&sc->more, 0, sizeof(sc->more));
	sc->more.key = key;
	/* no record, no plaintext */
	if ((r = audit_write_more(sg->audit, &rec, &sc->more)) != 0)
		return op_fail(resp, sg, r, NULL);
	signet__v1__decrypt_credential_response__init(&sc->u.decrypt);
	sc->u.decrypt.plaintext.data = sc->cred.plain;
	sc->u.decrypt.plaintext.len = pllen;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_DECRYPT_CREDENTIAL;
	resp->decrypt_credential = &sc->u.decrypt;
}
