/*
 * signet-signerd: the Unix socket's path. One signer per socket: a lock
 * file beside it stays flock'ed for the signer's whole life, so whoever
 * holds the lock owns the socket. A socket found while the lock is free
 * was left by a signer that died, and is replaced; a signer unlinks only
 * the socket it bound itself.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "signer.h"

/* The socket's folder is made 0750 when missing: peers reach it by group. */
static int
socket_dir(const char *path)
{
	char	*dir = strdup(path), *slash;
	int	 r = 0;

	if (dir == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			r = -1;
	}
	free(dir);
	return r;
}

/* Before the HSM is opened: a second signer stops here, having done nothing. */
int
sock_claim(struct signer *sg)
{
	const char	*path = sg->cf->signer_socket;
	char		 lk[4096];

	if (snprintf(lk, sizeof(lk), "%s.lock", path) >= (int)sizeof(lk)) {
		log_err("[signer] socket: path too long: %s", path);
		return SIG_ERR_CONFIG;
	}
	if (socket_dir(path) != 0) {
		log_err("[signer] socket %s: cannot make its folder: %s", path,
		    strerror(errno));
		return SIG_ERR_CONFIG;
	}
	if ((sg->sock_lock = open(lk, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) < 0) {
		log_err("[signer] socket %s: lock file %s: %s", path, lk,
		    strerror(errno));
		return SIG_ERR_CONFIG;
	}
	if (flock(sg->sock_lock, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			log_err("[signer] socket %s: another signet-signerd "
			    "serves it (it holds %s)", path, lk);
		else
			log_err("[signer] socket %s: lock %s: %s", path, lk,
			    strerror(errno));
		return SIG_ERR_CONFIG;
	}
	return 0;
}

/* The listening socket, in place of any a dead signer left. */
int
sock_listen(struct signer *sg)
{
	const char		*path = sg->cf->signer_socket;
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("[signer] socket: path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, 0660) != 0 || lstat(path, &st) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		log_err("[signer] socket %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	sg->sock_dev = st.st_dev;
	sg->sock_ino = st.st_ino;
	return fd;
}

/* Closes FD (when open) and unlinks the path if it is still our socket. */
void
sock_close(struct signer *sg, int fd)
{
	struct stat	 st;

	if (fd < 0)
		return;
	close(fd);
	if (lstat(sg->cf->signer_socket, &st) == 0 &&
	    st.st_dev == sg->sock_dev && st.st_ino == sg->sock_ino)
		unlink(sg->cf->signer_socket);
}

/* At exit, after the socket: the next signer may take it from here on. */
void
sock_unlock(struct signer *sg)
{
	if (sg->sock_lock >= 0)
		close(sg->sock_lock);
	sg->sock_lock = -1;
}
