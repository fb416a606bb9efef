/*
 * Used by every process that reads a secret: PINs (signerd, provision),
 * passwords (signet-manage, libsignet-verify). Refusals say what is wrong
 * with the file, never what is in it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "secmem.h"
#include "secret_file.h"

static int
check_stat(const struct stat *st, size_t maxlen, char *err, size_t errlen)
{
	if (!S_ISREG(st->st_mode))
		snprintf(err, errlen, "not a regular file");
	else if (st->st_uid != geteuid())
		snprintf(err, errlen, "owned by uid %u, not by us (uid %u)",
		    (unsigned)st->st_uid, (unsigned)geteuid());
	else if ((st->st_mode & 077) != 0)
		snprintf(err, errlen, "mode %04o lets others read it; "
		    "chmod 600 it", (unsigned)(st->st_mode & 07777));
	else if (st->st_size == 0)
		snprintf(err, errlen, "empty");
	else if ((size_t)st->st_size > maxlen + 1)
		snprintf(err, errlen, "longer than allowed (over %zu bytes)",
		    maxlen);
	else
		return 0;
	return SIG_ERR_PIN_FILE;
}

/* Strips exactly one "\n"; a "\r", a NUL or nothing left is refused. */
static int
check_body(struct secmem *sm, size_t n, size_t maxlen, char *err,
    size_t errlen)
{
	uint8_t	*p = secmem_data(sm);

	if (n > 0 && p[n - 1] == '\n')
		p[--n] = 0;
	if (n > maxlen) {
		snprintf(err, errlen, "longer than allowed (over %zu bytes)",
		    maxlen);
		return SIG_ERR_PIN_FILE;
	}
	if (n == 0 || n > maxlen || memchr(p, '\r', n) != NULL ||
	    memchr(p, '\n', n) != NULL || memchr(p, '\0', n) != NULL) {
		snprintf(err, errlen, "must hold one line of 1 to %zu "
		    "characters (no CR, no NUL)", maxlen);
		return SIG_ERR_PIN_FILE;
	}
	secmem_set_len(sm, n);
	return 0;
}

/* Caller owns *outp (secmem_free): the secret, NUL-terminated. */
int
secret_file_read(const char *path, size_t maxlen, struct secmem **outp,
    char *err, size_t errlen)
{
	struct secmem	*sm = NULL;
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r = SIG_ERR_PIN_FILE;

	*outp = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", errno == ELOOP ?
		    "is a symbolic link" : strerror(errno));
		return SIG_ERR_PIN_FILE;
	}
	if (fstat(fd, &st) != 0)
		snprintf(err, errlen, "%s", strerror(errno));
	else if ((r = check_stat(&st, maxlen, err, errlen)) != 0)
		;
	else if ((sm = secmem_new(maxlen + 2)) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = SIG_ERR_NOMEM;
	} else if ((n = read(fd, secmem_data(sm), maxlen + 1)) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		r = SIG_ERR_PIN_FILE;
	} else if ((r = check_body(sm, (size_t)n, maxlen, err,
	    errlen)) == 0) {
		*outp = sm;
		sm = NULL;
	}
	secmem_free(sm);
	close(fd);
	return r;
}
