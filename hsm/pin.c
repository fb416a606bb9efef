/*
 * signerd and provision: reads a PIN from a file the operator made 0600.
 * The PIN goes straight into secmem; the path is the only thing any
 * message names.
 */
#include "err.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"
#include "secret_file.h"

/* Caller owns *pinp (secmem_free). The PIN is NUL-terminated in secmem. */
int
hsm_pin_read(const char *path, size_t maxlen, struct secmem **pinp)
{
	char	 why[160];
	int	 r;

	*pinp = NULL;
	if (path == NULL) {
		log_err("no PIN file configured ([hsm] pin_file)");
		return SIG_ERR_CONFIG;
	}
	if ((r = secret_file_read(path, maxlen, pinp, why, sizeof(why))) != 0)
		log_err("PIN file %s: %s", path, why);
	return r;
}

/*
 * provision's init-token: the user PIN set by the SO on a session the SO
 * is logged in on, then the SO logged out. what names the token.
 */
int
hsm_pin_init_user(struct hsm_sess *s, struct secmem *pin,
    const char *what)
{
	CK_RV	 rv;
	int	 r = 0;

	rv = s->f->C_InitPIN(s->h, CK_IN(secmem_data(pin)), secmem_len(pin));
	if (rv != CKR_OK)
		r = ck_err(rv, "C_InitPIN on token '%s'", what);
	(void)s->f->C_Logout(s->h);
	return r;
}
