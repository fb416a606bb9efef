/*
 * signerd and provision: reads a PIN from a file the operator made 0600.
 * The PIN goes straight into secmem; the path is the only thing any
 * message names.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"

static int
pin_check_stat(const char *path, const struct stat *st, size_t maxlen)
{
	if (!S_ISREG(st->st_mode)) {
		log_err("PIN file %s: not a regular file", path);
		return SIG_ERR_PIN_FILE;
	}
	if (st->st_uid != geteuid()) {
		log_err("PIN file %s: owned by uid %u, not by us (uid %u)",
		    path, (unsigned)st->st_uid, (unsigned)geteuid());
		return SIG_ERR_PIN_FILE;
	}
	if ((st->st_mode & 077) != 0) {
		log_err("PIN file %s: mode %04o lets others read it; "
		    "chmod 600 it", path, (unsigned)(st->st_mode & 07777));
		return SIG_ERR_PIN_FILE;
	}
	if (st->st_size == 0 || (size_t)st->st_size > maxlen + 1) {
		log_err("PIN file %s: %s", path, st->st_size == 0 ? "empty" :
		    "longer than the token's maximum PIN length");
		return SIG_ERR_PIN_FILE;
	}
	return 0;
}

/* Strips exactly one "\n"; a "\r", a NUL or nothing left is refused. */
static int
pin_check_body(const char *path, struct secmem *sm, size_t n, size_t maxlen)
{
	uint8_t	*p = secmem_data(sm);

	if (n > 0 && p[n - 1] == '\n')
		p[--n] = 0;
	if (n == 0 || n > maxlen || memchr(p, '\r', n) != NULL ||
	    memchr(p, '\n', n) != NULL || memchr(p, '\0', n) != NULL) {
		log_err("PIN file %s: must hold one line of 1 to %zu "
		    "characters (no CR, no NUL)", path, maxlen);
		return SIG_ERR_PIN_FILE;
	}
	secmem_set_len(sm, n);
	return 0;
}

/* Caller owns *pinp (secmem_free). The PIN is NUL-terminated in secmem. */
int
hsm_pin_read(const char *path, size_t maxlen, struct secmem **pinp)
{
	struct secmem	*sm = NULL;
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r;

	*pinp = NULL;
	if (path == NULL) {
		log_err("no PIN file configured ([hsm] pin_file)");
		return SIG_ERR_CONFIG;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_err("PIN file %s: %s", path, errno == ELOOP ?
		    "is a symbolic link" : strerror(errno));
		return SIG_ERR_PIN_FILE;
	}
	if (fstat(fd, &st) != 0) {
		r = SIG_ERR_PIN_FILE;
		goto out;
	}
	if ((r = pin_check_stat(path, &st, maxlen)) != 0)
		goto out;
	if ((sm = secmem_new(maxlen + 2)) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	n = read(fd, secmem_data(sm), maxlen + 1);
	if (n < 0) {
		log_err("PIN file %s: %s", path, strerror(errno));
		r = SIG_ERR_PIN_FILE;
		goto out;
	}
	if ((r = pin_check_body(path, sm, (size_t)n, maxlen)) != 0)
		goto out;
	*pinp = sm;
	sm = NULL;
 out:
	secmem_free(sm);
	close(fd);
	return r;
}
