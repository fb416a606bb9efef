/*
 * signet-api: the validation cache follows the signer's Fernet keys. A
 * token validated under a key that a rotation has since purged must not
 * be served from the cache for the rest of [token] cache_time, so the
 * signer's Health is asked every KW_POLL_MS which key set it serves, and
 * a new one empties the cache. Health is a few microseconds of the
 * signer's time and writes no audit record.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "log.h"
#include "token_cache.h"

#define KW_POLL_MS	1000
#define KW_NAP_MS	50	/* how soon a stop is seen */

static pthread_t	 kw_thread;
static int		 kw_started;
static atomic_int	 kw_stop;

/* 1 when the key set named now is not the one seen before. */
static int
keyset_moved(struct api *a, char *seen, size_t size)
{
	Signet__V1__Response	*resp;
	const char		*ks;
	int			 moved = 0;

	if (!api_signer_up(a))
		return 0;
	if (sigc_health(&a->signer, &resp) != 0) {
		sigc_response_free(resp);
		return 0;
	}
	ks = resp->health->fernet_keyset;
	if (ks != NULL && *ks != '\0' && strcmp(ks, seen) != 0) {
		moved = *seen != '\0';
		snprintf(seen, size, "%s", ks);
	}
	sigc_response_free(resp);
	return moved;
}

static void *
kw_run(void *arg)
{
	struct api	*a = arg;
	char		 seen[64] = "";
	int		 ms;

	while (!atomic_load(&kw_stop)) {
		if (keyset_moved(a, seen, sizeof(seen))) {
			tcache_drop();
			log_info("the signer serves other Fernet keys; "
			    "cached validations dropped");
		}
		for (ms = 0; ms < KW_POLL_MS && !atomic_load(&kw_stop);
		    ms += KW_NAP_MS)
			usleep(KW_NAP_MS * 1000);
	}
	return NULL;
}

/* Only with a cache: without one there is nothing to drop. */
int
api_keys_watch_start(struct api *a)
{
	if (a->cf->token_cache_time <= 0)
		return 0;
	if (pthread_create(&kw_thread, NULL, kw_run, a) != 0)
		return -1;
	kw_started = 1;
	return 0;
}

void
api_keys_watch_stop(void)
{
	if (!kw_started)
		return;
	atomic_store(&kw_stop, 1);
	pthread_join(kw_thread, NULL);
	kw_started = 0;
}
