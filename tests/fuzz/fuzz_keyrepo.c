/*
 * Fuzz target: a Keystone key repository for fernet-import
 * (signet-provision): the input is written as key file "1" beside a
 * valid key 0 and the repository is read as the importer reads it.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "prov.h"

static char	 dir[] = "/tmp/signet-fuzz-repo.XXXXXX";
static char	 k0[64], k1[64];

static void
cleanup(void)
{
	unlink(k0);
	unlink(k1);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		exit(1);
	atexit(cleanup);
	snprintf(k0, sizeof(k0), "%s/0", dir);
	snprintf(k1, sizeof(k1), "%s/1", dir);
	if ((fd = open(k0, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 44) != 44)
		exit(1);
	close(fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct fernet_repo	 repo;
	int			 fd, ok;

	if ((fd = open(k1, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return 0;
	ok = write(fd, d, n) == (ssize_t)n;
	if (close(fd) == 0 && ok) {
		(void)fernet_repo_read(dir, 3, "max_active_keys", &repo);
		fernet_repo_clear(&repo);	/* whatever the result */
	}
	return 0;
}
