/*
 * Random bytes for the ids a request mints (a token's audit id), from
 * OpenSSL's generator a kilobyte at a time per thread: RAND_bytes per
 * token took 3.6% of a token-method issuance, most of it the call's own
 * look-ups, not the generation. Bytes handed out are wiped from the
 * batch, so none is given twice. A child of fork() would share its
 * parent's batch: signet-api forks nothing once it serves.
 */
#include <string.h>

#include <openssl/rand.h>

#include "rand_batch.h"

#define BATCH	1024

static __thread unsigned char	 batch[BATCH];
static __thread size_t		 left;

/* 0, or -1 when the generator failed (out is then unset). */
int
rand_batch(void *out, size_t n)
{
	if (n > BATCH)
		return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
	if (n > left) {
		if (RAND_bytes(batch, BATCH) != 1)
			return -1;
		left = BATCH;
	}
	left -= n;
	memcpy(out, batch + left, n);
	explicit_bzero(batch + left, n);
	return 0;
}
