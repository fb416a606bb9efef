/*
 * signerd and provision: reads a PIN from a file the operator made 0600.
 * The PIN goes straight into secmem; the path is the only thing any
 * message names.
 */
#include "err.h"
#include "hsm.h"
#include "log.h"
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
