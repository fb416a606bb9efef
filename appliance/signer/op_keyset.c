/*
 * signet-signerd: sealing with a key set's primary and opening with every
 * live key of the set, primary first, for the receipt and credential
 * calls (IssueFernet and OpenFernet keep their own tuned paths). A set
 * the token does not hold is SIG_ERR_STATE: the caller says which.
 */
#include <time.h>

#include <openssl/rand.h>

#include "err.h"
#include "op.h"

/*
 * pl sealed under kr's primary into out (padded: '=' kept), with raw
 * (rawsz) as the envelope's room; *ts its timestamp, *index the key's.
 * With name, the primary's public name (fernet_key_name) too.
 */
int
keyset_seal(struct signer *sg, struct keyring *kr, const uint8_t *pl,
    size_t pllen, uint8_t *raw, size_t rawsz, int padded, char *out,
    size_t outsz, uint64_t *ts, int *index, char *name)
{
	uint8_t		 iv[FERNET_IV_LEN];
	struct hsm_sess	*s;
	int		 r;

	*index = -1;
	if (RAND_bytes(iv, sizeof(iv)) != 1)
		return SIG_ERR_CRYPTO;
	keyring_fresh(sg);
	if ((r = hsm_sess_get_timed(sg->pool, SIGNER_QUEUE_WAIT_MS, &s)) != 0)
		return r;
	*ts = (uint64_t)time(NULL);
	pthread_rwlock_rdlock(&kr->lk);
	if (kr->nlive == 0)
		r = SIG_ERR_STATE;
	else {
		*index = kr->inv.keys[0].index;	/* live first, descending */
		r = fernet_seal_buf(s, &kr->inv.keys[0], *ts, iv, pl, pllen,
		    raw, rawsz, padded, out, outsz);
		if (r == 0 && name != NULL)
			r = fernet_key_name(s, &kr->inv.keys[0], name);
	}
	pthread_rwlock_unlock(&kr->lk);
	hsm_sess_put(sg->pool, s, r);
	return r;
}

/*
 * raw (from a fernet_decode*) opened with every live key of kr, primary
 * first, into pl (room for rawlen bytes): 0, SIG_ERR_KEY_NOT_FOUND when
 * no key's MAC matches, SIG_ERR_BAD_INPUT when one does but the padding
 * does not, SIG_ERR_STATE when the set is not there, else an HSM error
 * (SIG_ERR_HSM_REINIT too when none matched and a key had been purged
 * since the keys were read: read them again, and the caller may retry).
 */
int
keyset_open(struct signer *sg, struct keyring *kr, const uint8_t *raw,
    size_t rawlen, uint8_t *pl, size_t *pllen, uint64_t *ts, int *index)
{
	struct hsm_sess	*s;
	size_t		 i;
	int		 r, gone = 0;

	*index = -1;
	keyring_fresh(sg);
	if ((r = hsm_sess_get_timed(sg->pool, SIGNER_QUEUE_WAIT_MS, &s)) != 0)
		return r;
	pthread_rwlock_rdlock(&kr->lk);
	r = kr->nlive == 0 ? SIG_ERR_STATE : SIG_ERR_KEY_NOT_FOUND;
	for (i = 0; i < kr->inv.nkeys && r == SIG_ERR_KEY_NOT_FOUND; i++) {
		if (kr->inv.keys[i].kind != FK_INDEX)
			continue;
		r = fernet_open(s, &kr->inv.keys[i], raw, rawlen, pl, pllen,
		    ts);
		if (r == SIG_ERR_STATE) {	/* purged: the others may */
			gone = 1;
			r = SIG_ERR_KEY_NOT_FOUND;
		} else if (r != SIG_ERR_KEY_NOT_FOUND)
			*index = kr->inv.keys[i].index;
	}
	pthread_rwlock_unlock(&kr->lk);
	/* no key matched, one of them gone: the keys are read again first
	 * (the session's loss reloads them) rather than a token refused */
	if (r == SIG_ERR_KEY_NOT_FOUND && gone)
		r = SIG_ERR_HSM_REINIT;
	hsm_sess_put(sg->pool, s, r);
	return r;
}
