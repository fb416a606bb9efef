/*
 * Used by every process: page-aligned buffers for secrets. mlock keeps them
 * out of swap, MADV_DONTDUMP out of core files; both are best effort (an
 * unprivileged process may exceed RLIMIT_MEMLOCK) and freeing always wipes.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secmem.h"

struct secmem {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 maplen;
	int	 locked;
};

/* Caller owns the result (secmem_free); NULL when out of memory. */
struct secmem *
secmem_new(size_t cap)
{
	struct secmem	*sm;
	long		 pg = sysconf(_SC_PAGESIZE);

	if (pg <= 0)
		pg = 4096;
	if ((sm = calloc(1, sizeof(*sm))) == NULL)
		return NULL;
	sm->cap = cap;
	sm->maplen = ((cap ? cap : 1) + pg - 1) / pg * pg;
	if (posix_memalign((void **)&sm->p, pg, sm->maplen) != 0) {
		free(sm);
		return NULL;
	}
	memset(sm->p, 0, sm->maplen);
	sm->locked = mlock(sm->p, sm->maplen) == 0;
	(void)madvise(sm->p, sm->maplen, MADV_DONTDUMP);
	return sm;
}

void
secmem_free(struct secmem *sm)
{
	if (sm == NULL)
		return;
	explicit_bzero(sm->p, sm->maplen);
	if (sm->locked)
		munlock(sm->p, sm->maplen);
	free(sm->p);
	free(sm);
}

uint8_t *
secmem_data(struct secmem *sm)
{
	return sm->p;
}

size_t
secmem_len(const struct secmem *sm)
{
	return sm->len;
}

size_t
secmem_cap(const struct secmem *sm)
{
	return sm->cap;
}

int
secmem_set_len(struct secmem *sm, size_t len)
{
	if (len > sm->cap)
		return -1;
	sm->len = len;
	return 0;
}
