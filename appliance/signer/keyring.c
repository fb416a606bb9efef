/*
 * signet-signerd: the Fernet key inventories the handlers seal and open
 * with, one per key set: the token keys (sg->kr), the MFA receipt keys
 * and the credential keys. They are read from the token at start-up, on
 * SIGHUP and after any session or login loss (object handles are looked
 * up again), and each is swapped under its write lock, so a rotation
 * never fails a call in flight.
 * A token whose keys cannot be read stops the signer until they can; one
 * that holds none of the token keys the signer was using (re-initialised,
 * or its keys replaced) stops it for good: a rotation always keeps one.
 * The receipt and credential sets are optional: a token without them
 * serves tokens, and only their own calls are refused.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "err.h"
#include "log.h"
#include "signer.h"

static int
keyring_init(struct keyring *kr, const struct fernet_set *set)
{
	memset(kr, 0, sizeof(*kr));
	kr->set = set;
	kr->inv.set = set;
	return pthread_rwlock_init(&kr->lk, NULL) == 0 ? 0 : SIG_ERR_SYSTEM;
}

int
keyrings_init(struct signer *sg)
{
	int	 r;

	if ((r = keyring_init(&sg->kr, &fernet_set_token)) != 0 ||
	    (r = keyring_init(&sg->kr_receipt, &fernet_set_receipt)) != 0)
		return r;
	return keyring_init(&sg->kr_credential, &fernet_set_credential);
}

static int
shares_key(const struct fernet_inv *a, const struct fernet_inv *b)
{
	size_t	 i, j;

	for (i = 0; i < a->nkeys; i++)
		for (j = 0; j < b->nkeys; j++)
			if (memcmp(a->keys[i].id, b->keys[j].id,
			    FERNET_ID_LEN) == 0)	/* CKA_IDs: not secret */
				return 1;
	return 0;
}

/* The same keys at the same indices (handles aside: a re-login moves them). */
static int
same_keys(const struct fernet_inv *a, const struct fernet_inv *b)
{
	size_t	 i;

	if (a->nkeys != b->nkeys)
		return 0;
	for (i = 0; i < a->nkeys; i++)
		if (a->keys[i].kind != b->keys[i].kind ||
		    a->keys[i].index != b->keys[i].index ||
		    memcmp(a->keys[i].id, b->keys[i].id, FERNET_ID_LEN) != 0)
			return 0;
	return 1;
}

/*
 * The keys served, named by a digest of their kinds, indices and CKA_IDs
 * (not secret): a front-end that sees it change drops what it validated
 * under keys that may be gone. Any signer on the same token names the
 * same set alike, across restarts.
 */
static void
keyset_name(const struct fernet_inv *inv, char *out)
{
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	uint8_t		 d[EVP_MAX_MD_SIZE];
	int		 hdr[2];
	size_t		 i;

	memset(d, 0, sizeof(d));
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		for (i = 0; i < inv->nkeys; i++) {
			hdr[0] = inv->keys[i].kind;
			hdr[1] = inv->keys[i].index;
			EVP_DigestUpdate(ctx, hdr, sizeof(hdr));
			EVP_DigestUpdate(ctx, inv->keys[i].id, FERNET_ID_LEN);
		}
		EVP_DigestFinal_ex(ctx, d, NULL);
	}
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* "Fernet keys" for the token keys, as the log always said; else the set. */
static const char *
set_words(const struct keyring *kr)
{
	return kr->set == &fernet_set_token ? "Fernet keys" :
	    kr->set == &fernet_set_receipt ? "receipt keys" :
	    "credential keys";
}

/*
 * An optional set that the token lacks, or that cannot be served (two
 * keys on one index): served as none, its calls refused. Said once per
 * change.
 */
static int
usable(struct keyring *kr, const struct fernet_inv *inv, size_t n)
{
	if (n > 0 && !inv->dup_index)
		return 1;
	if (kr->set == &fernet_set_token) {
		log_err("Fernet keys: %s", n == 0 ? "none in the token" :
		    "two keys claim one index");
		return 0;
	}
	if (inv->dup_index)
		log_err("%s: two keys claim one index; their calls are "
		    "refused until signet-provision repairs the set",
		    set_words(kr));
	return 0;
}

/*
 * *replaced: the token holds token keys, none of them one already
 * loaded. Only a change is logged: a rescan that finds the same keys
 * says nothing.
 */
static int
load(struct keyring *kr, struct hsm_pool *pool, int *replaced)
{
	struct fernet_inv	 inv, old;
	struct hsm_sess		*s;
	size_t			 n;
	int			 r, changed, first,
				 token = kr->set == &fernet_set_token;

	if ((r = hsm_sess_get(pool, &s)) != 0)
		return r;
	r = fernet_inv_load(s, kr->set, &inv);
	hsm_sess_put(pool, s, r);
	if (r != 0) {
		fernet_inv_clear(&inv);
		return r;
	}
	n = fernet_inv_count(&inv, FK_INDEX);
	if (!usable(kr, &inv, n)) {
		if (token) {
			fernet_inv_clear(&inv);
			return SIG_ERR_STATE;
		}
		fernet_inv_clear(&inv);		/* served as none */
		n = 0;
	}
	pthread_rwlock_rdlock(&kr->lk);
	*replaced = token && kr->nlive > 0 && !shares_key(&kr->inv, &inv);
	pthread_rwlock_unlock(&kr->lk);
	if (*replaced) {
		fernet_inv_clear(&inv);
		return SIG_ERR_STATE;
	}
	pthread_rwlock_wrlock(&kr->lk);
	first = atomic_load(&kr->loads) == 0;
	old = kr->inv;
	kr->inv = inv;
	kr->nlive = n;
	kr->gen = hsm_pool_generation(pool);
	keyset_name(&inv, kr->keyset);
	atomic_fetch_add(&kr->loads, 1);
	pthread_rwlock_unlock(&kr->lk);
	changed = first || !same_keys(&old, &inv) ||
	    strcmp(old.journal_op, inv.journal_op) != 0;
	fernet_inv_clear(&old);
	if (changed && inv.journal_op[0] != '\0')
		log_warn("%s: a provisioning change is unfinished (%s); "
		    "serving the keys as they stand", set_words(kr),
		    inv.journal_op);
	if (changed && n > 0)
		log_info("%s loaded: %zu, primary %d", set_words(kr), n,
		    inv.keys[0].index);
	else if (changed)
		log_info("%s: none in the token; the %s calls are refused "
		    "(signet-provision fernet-setup --keys %s)", set_words(kr),
		    kr->set->name, kr->set->name);
	return 0;
}

/* Start-up: the token keys must be there; the other sets may not be. */
int
keyrings_load(struct signer *sg)
{
	int	 replaced = 0, r;

	if ((r = load(&sg->kr, sg->pool, &replaced)) != 0 ||
	    (r = load(&sg->kr_receipt, sg->pool, &replaced)) != 0)
		return r;
	return load(&sg->kr_credential, sg->pool, &replaced);
}

/* Reloads the keys and sets what that means for serving. */
void
keyring_reload(struct signer *sg)
{
	int	 replaced = 0;

	if (load(&sg->kr, sg->pool, &replaced) == 0) {
		if (atomic_exchange(&sg->hsm_lost, 0))
			log_info("HSM: the Fernet keys are readable again; "
			    "serving");
		/* the token answered: a failure here is the set's own */
		if (load(&sg->kr_receipt, sg->pool, &replaced) != 0)
			log_warn("receipt keys: not reloaded; serving those "
			    "held");
		if (load(&sg->kr_credential, sg->pool, &replaced) != 0)
			log_warn("credential keys: not reloaded; serving "
			    "those held");
		return;
	}
	if (replaced) {
		snprintf(sg->why, sizeof(sg->why), "KEYS_REPLACED: none of "
		    "the token's Fernet keys is one this signer was using "
		    "(re-initialised?); restart it to use them");
		atomic_store(&sg->ready, 0);
		log_err("%s", sg->why);
	} else if (!atomic_exchange(&sg->hsm_lost, 1))
		log_err("HSM_LOST: the token's Fernet keys cannot be read; "
		    "refusing calls until they can");
}

/* The keyrings follow the pool: a re-login means handles to look up. */
void
keyring_fresh(struct signer *sg)
{
	unsigned int	 gen = hsm_pool_generation(sg->pool);

	if (sg->kr.gen != gen || sg->kr_receipt.gen != gen ||
	    sg->kr_credential.gen != gen)
		keyring_reload(sg);
}

static void
keyring_free(struct keyring *kr)
{
	fernet_inv_clear(&kr->inv);
	pthread_rwlock_destroy(&kr->lk);
}

void
keyrings_free(struct signer *sg)
{
	keyring_free(&sg->kr);
	keyring_free(&sg->kr_receipt);
	keyring_free(&sg->kr_credential);
}
