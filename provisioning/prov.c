/*
 * signet-provision: opens the configured token as its user for one
 * command. The PIN file is read into secmem, used for one C_Login and
 * wiped; the engine, when a command needs it, finds the login in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cms_engine.h"
#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"

int
prov_open(struct prov *p)
{
	struct secmem	*pin;
	int		 r;

	if ((r = hsm_module_load(p->cf->hsm_module, &p->m)) != 0 ||
	    (r = hsm_token_find(p->m, p->cf->hsm_token, &p->slot,
	    &p->ti)) != 0)
		return r;
	if ((r = hsm_pin_read(p->cf->hsm_pin_file, p->ti.ulMaxPinLen <
	    HSM_PIN_MAX ? p->ti.ulMaxPinLen : HSM_PIN_MAX, &pin)) != 0)
		return r;
	if ((r = hsm_pool_new(p->m, p->slot, CKU_USER, pin, 1, 0,
	    &p->pool)) != 0) {
		if (r == SIG_ERR_PIN_INCORRECT)
			log_err("token '%s' (slot %lu): user PIN incorrect",
			    p->cf->hsm_token, (unsigned long)p->slot);
		return r;
	}
	return hsm_sess_get(p->pool, &p->s);
}

/*
 * Keystone's max_active_keys for a key set, and the option that sets it
 * (*opt, for messages): [fernet_tokens] and [fernet_receipts] have one;
 * credentials are always 3 (Keystone's credential fernet provider's
 * MAX_ACTIVE_KEYS, which no option changes).
 */
int
prov_max_active(const struct config *cf, const struct fernet_set *set,
    const char **opt)
{
	if (set == &fernet_set_receipt) {
		*opt = "[fernet_receipts] max_active_keys";
		return cf->receipt_max_active_keys;
	}
	if (set == &fernet_set_credential) {
		*opt = "max_active_keys (3 for credential keys, as Keystone)";
		return 3;
	}
	*opt = "[fernet_tokens] max_active_keys";
	return cf->fernet_max_active_keys;
}

int
prov_engine(struct prov *p)
{
	if (p->eng != NULL)
		return 0;
	return cms_engine_new(p->cf->hsm_module, &p->eng);
}

/* The engine goes last: libp11 finalises the module when it unloads. */
void
prov_close(struct prov *p, int r)
{
	if (p->pool != NULL) {
		hsm_sess_put(p->pool, p->s, r);
		hsm_pool_free(p->pool);
	}
	cms_engine_free(p->eng);
	hsm_module_free(p->m);
	memset(p, 0, sizeof(*p));
}

/*
 * A new file of len bytes, mode 0600, on disk before this returns; an
 * existing file is never replaced (who names what is refused, for the
 * message), a failed write leaves nothing.
 */
int
prov_write_new(const char *path, const void *buf, size_t len,
    const char *who)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		log_err("%s: %s%s%s", path, strerror(errno),
		    errno == EEXIST ? "; never replaced by " : "",
		    errno == EEXIST ? who : "");
		return SIG_ERR_SYSTEM;
	}
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) != 0) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return SIG_ERR_SYSTEM;
	}
	return close(fd) == 0 ? 0 : SIG_ERR_SYSTEM;
}
