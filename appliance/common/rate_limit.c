/*
 * Token buckets (OSSN-0068): a revocation storm from one
 * user, or a flood from one peer, must not take the service from the
 * others. Slots are found by a hash of the caller's name and compared by
 * the whole digest; time is the monotonic clock.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "monotime.h"
#include "rate_limit.h"
#include "sha256.h"

#define RL_SLOTS	4096
#define RL_LOCKS	64

struct rl_slot {
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	double		 tokens;
	double		 at;
};

struct rate_limit {
	double		 rate, burst;
	pthread_mutex_t	 mu[RL_LOCKS];
	struct rl_slot	 s[RL_SLOTS];
};

struct rate_limit *
rl_new(double rate)
{
	struct rate_limit	*rl;
	int			 i;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->rate = rate;
	rl->burst = rate * 2 < 1 ? 1 : rate * 2;
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_init(&rl->mu[i], NULL);
	return rl;
}

void
rl_free(struct rate_limit *rl)
{
	int	 i;

	if (rl == NULL)
		return;
	for (i = 0; i < RL_LOCKS; i++)
		pthread_mutex_destroy(&rl->mu[i]);
	free(rl);
}

int
rl_allow(struct rate_limit *rl, const char *who)
{
	uint8_t		 key[SHA256_DIGEST_LENGTH];
	uint32_t	 h;
	struct rl_slot	*s;
	double		 t = mono_now();
	int		 ok;

	if (rl == NULL || rl->rate <= 0)
		return 1;
	if (who == NULL)
		who = "";
	sha256(who, strlen(who), key);
	memcpy(&h, key, sizeof(h));
	s = &rl->s[h % RL_SLOTS];
	pthread_mutex_lock(&rl->mu[h % RL_LOCKS]);
	if (CRYPTO_memcmp(s->key, key, sizeof(key)) != 0 || s->at == 0) {
		memcpy(s->key, key, sizeof(key));
		s->tokens = rl->burst;
		s->at = t;
	}
	s->tokens += (t - s->at) * rl->rate;
	if (s->tokens > rl->burst)
		s->tokens = rl->burst;
	s->at = t;
	if ((ok = s->tokens >= 1))
		s->tokens -= 1;
	pthread_mutex_unlock(&rl->mu[h % RL_LOCKS]);
	return ok;
}
