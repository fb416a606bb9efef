/*
 * libsignet-verify: the signing directory. Whoever can write there can
 * plant a certificate and forge tokens (OSSA-2013-010), so it must be ours
 * and closed to group and others; files go in 0600 by an atomic rename.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify.h"

/* Created 0700 when missing; 0, or -1 with why in err. */
int
sv_dir_check(const char *dir, char *err, size_t errlen)
{
	struct stat	 st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "signing_dir %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "signing_dir %s is not a directory",
		    dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "signing_dir %s is owned by uid %u, "
		    "not by this process (uid %u)", dir, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errlen, "signing_dir %s is writable by group or "
		    "others (mode %03o)", dir, (unsigned)st.st_mode & 0777);
		return -1;
	}
	return 0;
}

int
sv_dir_write(const char *dir, const char *name, const char *data,
    size_t len)
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	int	 fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) || (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	ok = fchmod(fd, 0600) == 0 && write(fd, data, len) == (ssize_t)len &&
	    fsync(fd) == 0;
	ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	return ok ? 0 : -1;
}

/* The file's text (caller frees), or NULL: missing, not ours, too big. */
char *
sv_dir_read(const char *dir, const char *name)
{
	struct stat	 st;
	char		 path[PATH_MAX], *s = NULL;
	int		 fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 022) == 0 &&
	    st.st_size < SV_BODY_MAX &&
	    (s = malloc(st.st_size + 1)) != NULL) {
		if (read(fd, s, st.st_size) == st.st_size)
			s[st.st_size] = '\0';
		else {
			free(s);
			s = NULL;
		}
	}
	close(fd);
	return s;
}
