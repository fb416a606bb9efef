/*
 * signet-signerd: the Fernet key inventory the handlers seal and open
 * with. It is read from the token at start-up, on SIGHUP and after any
 * session or login loss (object handles are looked up again), and swapped
 * under a write lock, so a rotation never fails a call in flight.
 */
#include <string.h>

#include "err.h"
#include "log.h"
#include "signer.h"

int
keyring_init(struct keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
	return pthread_rwlock_init(&kr->lk, NULL) == 0 ? 0 : SIG_ERR_SYSTEM;
}

int
keyring_load(struct keyring *kr, struct hsm_pool *pool)
{
	struct fernet_inv	 inv, old;
	struct hsm_sess		*s;
	size_t			 n;
	int			 r;

	if ((r = hsm_sess_get(pool, &s)) != 0)
		return r;
	r = fernet_inv_load(s, &inv);
	hsm_sess_put(pool, s, r);
	if (r != 0) {
		fernet_inv_clear(&inv);
		return r;
	}
	if ((n = fernet_inv_count(&inv, FK_INDEX)) == 0 || inv.dup_index) {
		log_err("Fernet keys: %s", n == 0 ? "none in the token" :
		    "two keys claim one index");
		fernet_inv_clear(&inv);
		return SIG_ERR_STATE;
	}
	if (inv.journal_op[0] != '\0')
		log_warn("Fernet keys: a provisioning change is unfinished "
		    "(%s); serving the keys as they stand", inv.journal_op);
	pthread_rwlock_wrlock(&kr->lk);
	old = kr->inv;
	kr->inv = inv;
	kr->nlive = n;
	kr->gen = hsm_pool_generation(pool);
	atomic_fetch_add(&kr->loads, 1);
	pthread_rwlock_unlock(&kr->lk);
	fernet_inv_clear(&old);
	log_info("Fernet keys loaded: %zu, primary %d", n, inv.keys[0].index);
	return 0;
}

void
keyring_free(struct keyring *kr)
{
	fernet_inv_clear(&kr->inv);
	pthread_rwlock_destroy(&kr->lk);
}
