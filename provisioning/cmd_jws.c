/*
 * signet-provision: jws-setup, jws-rotate, jws-list, export-jws-public
 * and import-jws-public. Keystone keeps one private.pem and a directory
 * of public keys; here the private halves never leave the token, the
 * newest pair is staged (its public key published before it signs, so
 * every validator has it in time) and the one below it signs. A rotation
 * makes a new staged pair, which promotes the old staged one; private
 * halves below the signing key are destroyed, and public halves beyond
 * [jwt_tokens] max_active_keys go.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "err.h"
#include "jws_keys.h"
#include "log.h"
#include "prov.h"

static size_t
own_keys(const struct jws_inv *inv)
{
	size_t	 i, n = 0;

	for (i = 0; i < inv->n; i++)
		n += !inv->keys[i].imported;
	return n;
}

int
cmd_jws_setup(struct prov *p)
{
	struct jws_inv	 inv;
	struct jws_key	 k;
	size_t		 i;
	int		 r;

	if ((r = jws_inv_load(p->s, &inv)) != 0)
		return r;
	if (own_keys(&inv) > 0 && !p->o.force) {
		log_err("the token already holds %zu JWS keys; --force "
		    "replaces them (every live JWS token dies)", own_keys(&inv));
		return SIG_ERR_EXISTS;
	}
	for (i = 0; i < inv.n && r == 0; i++)
		if (!inv.keys[i].imported)
			r = jws_key_destroy(p->s, &inv.keys[i]);
	if (r != 0 || (r = jws_key_generate(p->s, 1, &k)) != 0 ||
	    (r = jws_key_generate(p->s, 2, &k)) != 0)
		return r;
	printf("JWS keys set up: 1 signs, 2 is staged\n");
	return 0;
}

/*
 * Each step leaves a token a signer can serve from: the new pair first
 * (from then on it is staged and its predecessor signs), then the
 * private halves nobody signs with, then the oldest public halves.
 */
int
cmd_jws_rotate(struct prov *p)
{
	struct jws_inv	 inv;
	struct jws_key	 k;
	size_t		 i, own = 0, priv = 0;
	int		 r;

	if ((r = jws_inv_load(p->s, &inv)) != 0)
		return r;
	if (own_keys(&inv) == 0) {
		log_err("the token holds no JWS keys: run jws-setup first");
		return SIG_ERR_KEY_NOT_FOUND;
	}
	if ((r = jws_key_generate(p->s, inv.keys[0].index + 1, &k)) != 0)
		return r;
	for (i = 0; i < inv.n && r == 0; i++) {
		if (inv.keys[i].imported)
			continue;
		/* the new pair is staged: the old staged one now signs */
		if (inv.keys[i].has_priv && ++priv > 1)
			r = jws_key_retire(p->s, &inv.keys[i]);
		if (r == 0 && ++own >= (size_t)p->cf->jws_max_active_keys)
			r = jws_key_destroy(p->s, &inv.keys[i]);
	}
	if (r == 0)
		printf("JWS keys rotated: %d signs, %d is staged\n",
		    inv.keys[0].index, k.index);
	return r;
}

static void
fingerprint(const uint8_t *spki, char *out)
{
	uint8_t		 d[32];
	unsigned int	 n = 0, i;

	EVP_Digest(spki, JWS_SPKI_LEN, d, &n, EVP_sha256(), NULL);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int
cmd_jws_list(struct prov *p)
{
	struct jws_inv		 inv;
	const struct jws_key	*sig;
	char			 fp[17];
	size_t			 i;
	int			 r;

	if ((r = jws_inv_load(p->s, &inv)) != 0)
		return r;
	sig = jws_signing_key(&inv);
	for (i = 0; i < inv.n; i++) {
		const struct jws_key *k = &inv.keys[i];

		fingerprint(k->spki, fp);
		if (k->imported)
			printf("imported  validates  sha256:%s\n", fp);
		else
			printf("%-8d  %-9s  sha256:%s\n", k->index,
			    k == sig ? "signs" : k->has_priv ? "staged" :
			    "validates", fp);
	}
	if (inv.n == 0)
		printf("no JWS keys\n");
	return 0;
}

/* status: what signs and what is staged; JWS keys are optional. */
void
status_jws(struct prov *p, int *np)
{
	struct jws_inv		 inv;
	const struct jws_key	*sig;
	size_t			 i, own, priv = 0;

	if (jws_inv_load(p->s, &inv) != 0) {
		status_problem(np, "ERROR", "cannot read the JWS keys");
		return;
	}
	if ((own = own_keys(&inv)) == 0) {
		printf("jws keys: none, %zu imported\n", inv.n);
		return;
	}
	for (i = 0; i < inv.n; i++)
		priv += inv.keys[i].has_priv;
	sig = jws_signing_key(&inv);
	if (sig != NULL && sig != &inv.keys[0])
		printf("jws keys: %zu (%d signs, %d staged), %zu imported\n",
		    own, sig->index, inv.keys[0].index, inv.n - own);
	else
		printf("jws keys: %zu (%d signs, none staged), %zu imported\n",
		    own, sig != NULL ? sig->index : 0, inv.n - own);
	if (sig == NULL)
		status_problem(np, "MISSING", "a JWS signing key (run "
		    "jws-setup --force)");
	if (priv > 2)
		status_problem(np, "LEFTOVER", "JWS private halves below the "
		    "signing key (an interrupted jws-rotate)");
}
