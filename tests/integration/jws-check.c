/*
 * The token's JWS keys, driven from a test: "sign" reads claims (JSON, a
 * line each) and writes the tokens the token's signing key makes of them;
 * "verify" reads tokens and writes their claims, or "refused: bad" (not a
 * JWS token of Keystone's form) or "refused: key" (no public key held,
 * own or imported, verifies it).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "hsm.h"
#include "jws.h"
#include "jws_keys.h"
#include "log.h"
#include "secmem.h"

static int
sign_lines(struct hsm_sess *s, const struct jws_inv *inv)
{
	const struct jws_key	*k = jws_signing_key(inv);
	static char		 line[JWS_PAYLOAD_MAX], in[JWS_TOKEN_MAX],
				 tok[JWS_TOKEN_MAX];
	uint8_t			 d[32], sig[JWS_ES256_SIG_LEN];

	if (k == NULL)
		return 2;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (jws_signing_input(line, strlen(line), in, sizeof(in)) != 0)
			return 2;
		jws_digest(in, d);
		if (jws_sign(s, k, d, sig) != 0 ||
		    jws_compact(in, sig, tok, sizeof(tok)) != 0)
			return 2;
		printf("%s\n", tok);
	}
	return 0;
}

static int
verify_lines(const struct jws_inv *inv)
{
	EVP_PKEY	*keys[JWS_KEYS_MAX];
	static char	 line[JWS_TOKEN_MAX + 2], out[JWS_PAYLOAD_MAX];
	size_t		 i, n, len;
	int		 r;

	for (i = n = 0; i < inv->n; i++)
		if ((keys[n] = jws_pubkey(inv->keys[i].spki,
		    JWS_SPKI_LEN)) != NULL)
			n++;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		r = jws_verify(line, keys, n, out, sizeof(out), &len);
		printf("%s\n", r == 0 ? out : r == SIG_ERR_KEY_NOT_FOUND ?
		    "refused: key" : "refused: bad");
		fflush(stdout);
	}
	for (i = 0; i < n; i++)
		EVP_PKEY_free(keys[i]);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*p;
	struct hsm_sess		*s;
	struct secmem		*pin;
	struct jws_inv		 inv;
	CK_SLOT_ID		 slot;
	CK_TOKEN_INFO		 ti;
	char			 err[256];
	int			 r;

	log_init("jws-check", LOGL_ERR);
	if (argc != 3 || config_load(argv[1], &cf, err, sizeof(err)) != 0)
		return 2;
	if (hsm_module_load(cf->hsm_module, &m) != 0 ||
	    hsm_token_find(m, cf->hsm_token, &slot, &ti) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(m, slot, CKU_USER, pin, 1, 0, &p) != 0 ||
	    hsm_sess_get(p, &s) != 0 || jws_inv_load(s, &inv) != 0)
		return 2;
	r = strcmp(argv[2], "sign") == 0 ? sign_lines(s, &inv) :
	    strcmp(argv[2], "verify") == 0 ? verify_lines(&inv) : 2;
	hsm_sess_put(p, s, 0);
	hsm_pool_free(p);
	hsm_module_free(m);
	config_free(cf);
	return r;
}
