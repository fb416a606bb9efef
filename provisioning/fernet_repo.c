/*
 * signet-provision: reads a Keystone Fernet key repository for import.
 * Every check runs before the token is touched, and any failure refuses
 * the whole repository: a half-imported key set is worse than none.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64url.h"
#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"

#define KEY_TEXT_LEN	44	/* 32 bytes in padded base64url */
#define INDEX_MAX	9999999

static int
index_parse(const char *name, int *index)
{
	size_t	 n = strlen(name);

	if (n == 0 || n > 7 || (name[0] == '0' && n > 1) ||
	    strspn(name, "0123456789") != n)
		return -1;
	*index = atoi(name);
	return 0;
}

/* A key file's 32 bytes into secmem; dir is only for messages. */
static int
key_read(int dfd, const char *dir, const char *name, struct secmem **kp)
{
	struct secmem	*txt = NULL, *key = NULL;
	struct stat	 st;
	ssize_t		 n;
	size_t		 len;
	int		 fd, r = SIG_ERR_BAD_INPUT;

	*kp = NULL;
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_err("%s/%s: not a regular file%s", dir, name,
		    errno == ELOOP ? " (a symbolic link)" : "");
		goto out;
	}
	if ((txt = secmem_new(KEY_TEXT_LEN + 2)) == NULL ||
	    (key = secmem_new(FERNET_KEY_LEN)) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	n = read(fd, secmem_data(txt), KEY_TEXT_LEN + 2);
	len = n > 0 ? (size_t)n : 0;
	if (len > 0 && secmem_data(txt)[len - 1] == '\n')
		len--;
	if (n == 0)
		log_err("%s/%s: empty key file", dir, name);
	else if (len != KEY_TEXT_LEN || b64url_decode((char *)secmem_data(txt),
	    len, B64URL_PAD, secmem_data(key), FERNET_KEY_LEN, &len) != 0 ||
	    len != FERNET_KEY_LEN)
		log_err("%s/%s: not a Fernet key (32 bytes in urlsafe base64, "
		    "44 characters)", dir, name);
	else if (secmem_set_len(key, len) == 0) {
		*kp = key;
		key = NULL;
		r = 0;
	}
 out:
	if (fd >= 0)
		close(fd);
	secmem_free(txt);
	secmem_free(key);
	return r;
}

static int
dir_open(const char *dir, int *dfdp)
{
	struct stat	 st;
	int		 dfd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) != 0) {
		log_err("%s: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return SIG_ERR_BAD_INPUT;
	}
	if ((st.st_mode & 007) != 0) {
		log_err("%s: key repository is world-accessible (mode %04o); "
		    "chmod 700 it and rotate: its keys may have leaked", dir,
		    (unsigned)(st.st_mode & 07777));
		close(dfd);
		return SIG_ERR_BAD_INPUT;
	}
	*dfdp = dfd;
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct fernet_repo_key *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/*
 * What any key set to install must be: sorted here, with the staged key 0,
 * at most max_active keys (max_option names where that comes from), no
 * index twice. what names the source in messages.
 */
int
fernet_repo_shape(const char *what, struct fernet_repo *repo, int max_active,
    const char *max_option)
{
	size_t	 i;

	qsort(repo->keys, repo->n, sizeof(*repo->keys), key_cmp);
	if (repo->n == 0 || repo->keys[0].index != 0) {
		log_err("%s: no staged key 0; not a Keystone key repository",
		    what);
		return SIG_ERR_BAD_INPUT;
	}
	if (repo->n > (size_t)max_active) {
		log_err("%s: %zu keys but %s is %d", what, repo->n, max_option,
		    max_active);
		return SIG_ERR_BAD_INPUT;
	}
	for (i = 1; i < repo->n; i++)
		if (repo->keys[i].index == repo->keys[i - 1].index) {
			log_err("%s: key %d twice", what, repo->keys[i].index);
			return SIG_ERR_BAD_INPUT;
		}
	return 0;
}

static int
repo_check(const char *dir, struct fernet_repo *repo, int max_active,
    const char *max_option)
{
	static const uint8_t	 zero[FERNET_KEY_LEN];
	size_t			 i, j;
	int			 r;

	if ((r = fernet_repo_shape(dir, repo, max_active, max_option)) != 0)
		return r;
	for (i = 0; i < repo->n; i++) {
		if (memcmp(secmem_data(repo->keys[i].key), zero,
		    FERNET_KEY_LEN) == 0) {
			log_err("%s/%d: the all-zero NULL_KEY is not a key",
			    dir, repo->keys[i].index);
			return SIG_ERR_BAD_INPUT;
		}
		for (j = 0; j < i; j++)
			if (memcmp(secmem_data(repo->keys[i].key),
			    secmem_data(repo->keys[j].key),
			    FERNET_KEY_LEN) == 0) {
				log_err("%s: keys %d and %d are the same key",
				    dir, repo->keys[j].index,
				    repo->keys[i].index);
				return SIG_ERR_BAD_INPUT;
			}
	}
	return 0;
}

static int
repo_add(struct fernet_repo *repo, int dfd, const char *dir, const char *name)
{
	struct fernet_repo_key	*k;
	int			 r, index;

	if (index_parse(name, &index) != 0) {
		log_err("%s/%s: not a key file name (a decimal index)", dir,
		    name);
		return SIG_ERR_BAD_INPUT;
	}
	if (repo->n == FERNET_KEYS_MAX)
		return SIG_ERR_BAD_INPUT;
	k = &repo->keys[repo->n];
	if ((r = key_read(dfd, dir, name, &k->key)) != 0)
		return r;
	k->index = index;
	repo->n++;
	return 0;
}

/*
 * Caller clears repo (fernet_repo_clear) whatever the result. max_option
 * names where max_active comes from, for the message that refuses a
 * repository holding more keys.
 */
int
fernet_repo_read(const char *dir, int max_active, const char *max_option,
    struct fernet_repo *repo)
{
	struct dirent	*de;
	DIR		*d;
	int		 dfd, r = 0;

	memset(repo, 0, sizeof(*repo));
	if ((r = dir_open(dir, &dfd)) != 0)
		return r;
	if ((repo->keys = calloc(FERNET_KEYS_MAX, sizeof(*repo->keys))) ==
	    NULL || (d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return SIG_ERR_NOMEM;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		r = repo_add(repo, dirfd(d), dir, de->d_name);
	}
	closedir(d);
	return r != 0 ? r : repo_check(dir, repo, max_active, max_option);
}

void
fernet_repo_clear(struct fernet_repo *repo)
{
	size_t	 i;

	for (i = 0; i < repo->n; i++)
		secmem_free(repo->keys[i].key);
	free(repo->keys);
	memset(repo, 0, sizeof(*repo));
}
