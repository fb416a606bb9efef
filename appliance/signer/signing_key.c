/*
 * signet-signerd: the key that signs PKI/PKIZ tokens and revocation lists,
 * loaded once through the pkcs11 engine with its certificate, and named by
 * the SHA-256 of its public key (hsm/cms_keys.c finds such objects in a
 * token; this file is the signer holding on to its one key).
 * A later look at the token that finds another key stops the signer from
 * serving: it never signs with a key other than the one it started with.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cms_engine.h"
#include "cms_keys.h"
#include "cms_token.h"
#include "err.h"
#include "log.h"
#include "signer.h"

static int
fingerprint(X509 *x, uint8_t *out)
{
	uint8_t		*der = NULL;
	unsigned int	 n;
	int		 len, ok;

	if ((len = i2d_PUBKEY(X509_get0_pubkey(x), &der)) <= 0)
		return SIG_ERR_CRYPTO;
	ok = EVP_Digest(der, len, out, &n, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok ? 0 : SIG_ERR_CRYPTO;
}

/* No signing key is not an error: SignCms then says so, Fernet serves. */
int
signing_key_load(struct signer *sg)
{
	struct hsm_sess	*s;
	int		 r;

	if ((r = hsm_sess_get(sg->pool, &s)) != 0)
		return r;
	r = cms_cert_read(s, CMS_SIGN_LABEL, &sg->sign_cert);
	hsm_sess_put(sg->pool, s, r);
	if (r == SIG_ERR_KEY_NOT_FOUND) {
		log_warn("no CMS signing certificate in the token; PKI and "
		    "PKIZ tokens will be refused");
		return 0;
	}
	if (r != 0 || (r = fingerprint(sg->sign_cert, sg->sign_fpr)) != 0 ||
	    (r = cms_engine_new(sg->cf->hsm_module, &sg->eng)) != 0 ||
	    (r = cms_engine_key(sg->eng, &sg->ti, CMS_SIGN_LABEL, 1,
	    &sg->sign_key)) != 0)
		return r;
	if ((r = cms_token_selftest(sg->sign_cert, sg->sign_key)) != 0)
		snprintf(sg->why, sizeof(sg->why), "FAILED_SELFTEST: the CMS "
		    "key does not sign for its certificate");
	return r;
}

/*
 * SIGHUP: the token must still hold the key the signer started with. A
 * certificate that cannot be read (the HSM lost) is not a changed key.
 */
void
signing_key_recheck(struct signer *sg)
{
	struct hsm_sess	*s;
	X509		*x = NULL;
	uint8_t		 fpr[32];
	int		 r;

	if (sg->sign_cert == NULL || hsm_sess_get(sg->pool, &s) != 0)
		return;
	r = cms_cert_read(s, CMS_SIGN_LABEL, &x);
	hsm_sess_put(sg->pool, s, r);
	if (r == 0 && (fingerprint(x, fpr) != 0 ||
	    CRYPTO_memcmp(fpr, sg->sign_fpr, sizeof(fpr)) != 0)) {
		snprintf(sg->why, sizeof(sg->why), "KEY_CHANGED: the token's "
		    "CMS signing key is not the one this signer started with; "
		    "restart it to use the new key");
		atomic_store(&sg->ready, 0);
		log_err("%s", sg->why);
	}
	X509_free(x);
}
