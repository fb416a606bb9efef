/*
 * signet-signerd: one JSON line per operation, written before the reply
 * leaves. Records carry ids, audit ids and times, never token or key
 * bytes. A record that cannot be written fails the call (fail closed).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "err.h"
#include "log.h"
#include "signer.h"

struct audit {
	char		*path;
	int		 fd;
	pthread_mutex_t	 mu;
	int		 err;	/* errno of the last failed write, or 0 */
	atomic_ulong	 failures;	/* records not written, ever */
};

static int
audit_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/* Caller owns *ap (audit_close). */
int
audit_open(const char *path, struct audit **ap)
{
	struct audit	*a;

	*ap = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		return SIG_ERR_NOMEM;
	}
	if ((a->fd = audit_fd(path)) < 0) {
		log_err("audit log %s: %s", path, strerror(errno));
		free(a->path);
		free(a);
		return SIG_ERR_CONFIG;
	}
	pthread_mutex_init(&a->mu, NULL);
	*ap = a;
	return 0;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->mu);
	free(a->path);
	free(a);
}

/* SIGHUP: a rotated or repaired log file is picked up. */
int
audit_reopen(struct audit *a)
{
	int	 fd;

	if ((fd = audit_fd(a->path)) < 0)
		return SIG_ERR_SYSTEM;
	pthread_mutex_lock(&a->mu);
	close(a->fd);
	a->fd = fd;
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/* Health: why records cannot be written (static text), or NULL. */
const char *
audit_failing(struct audit *a)
{
	int	 e;

	pthread_mutex_lock(&a->mu);
	e = a->err;
	pthread_mutex_unlock(&a->mu);
	if (e == 0)
		return NULL;
	return e == ENOSPC || e == EFBIG || e == EDQUOT ?
	    "the audit log cannot be written: its disk is full; issuance "
	    "is refused until a write succeeds (SIGHUP reopens it)" :
	    "the audit log cannot be written; issuance is refused until a "
	    "write succeeds (SIGHUP reopens it)";
}

/* Health: how many records could not be written since start. */
unsigned long
audit_failures(struct audit *a)
{
	return atomic_load(&a->failures);
}

/*
 * Health: the log's size and its filesystem's free space, as the signer's
 * user may use it. Read when asked, never per record: no cost per call.
 */
int
audit_space(struct audit *a, uint64_t *size, uint64_t *avail)
{
	struct stat	 st;
	struct statvfs	 vfs;
	int		 r = 0;

	*size = *avail = 0;
	pthread_mutex_lock(&a->mu);
	if (fstat(a->fd, &st) != 0 || fstatvfs(a->fd, &vfs) != 0)
		r = SIG_ERR_SYSTEM;
	pthread_mutex_unlock(&a->mu);
	if (r != 0)
		return r;
	*size = (uint64_t)st.st_size;
	*avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return 0;
}

/*
 * A full disk or a file size limit can take part of a record: what was
 * written is cut off again so the log still parses line by line. Records
 * are written under a->mu, so the part is the file's last bytes.
 */
static int
write_all(int fd, const char *p, size_t n)
{
	struct stat	 st;
	size_t		 done = 0;
	ssize_t		 w;
	int		 e;

	while (done < n) {
		if ((w = write(fd, p + done, n - done)) < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w == 0 ? ENOSPC : errno;
			if (done > 0 && fstat(fd, &st) == 0 &&
			    st.st_size >= (off_t)done)
				(void)ftruncate(fd, st.st_size - (off_t)done);
			errno = e;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

int
audit_write(struct audit *a, const struct audit_rec *rec)
{
	return audit_write_more(a, rec, NULL);
}

/* more: a receipt's or a credential call's fields, or NULL. */
int
audit_write_more(struct audit *a, const struct audit_rec *rec,
    const struct audit_more *more)
{
	char	 line[AUDIT_LINE_MAX];
	size_t	 n;
	int	 r;

	if ((r = audit_line_more(rec, more, time(NULL), line, sizeof(line),
	    &n)) != 0)
		return r;
	pthread_mutex_lock(&a->mu);
	if (write_all(a->fd, line, n) != 0) {
		if (a->err != errno)	/* once per failure, not per call */
			log_err("audit log %s: %s; refusing issuance",
			    a->path, strerror(errno));
		a->err = errno;
		atomic_fetch_add(&a->failures, 1);
		r = SIG_ERR_AUDIT;
	} else if (a->err != 0) {
		log_info("audit log %s is written again", a->path);
		a->err = 0;
	}
	pthread_mutex_unlock(&a->mu);
	return r;
}
