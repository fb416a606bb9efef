/*
 * Token buckets keyed by a caller's name (a user id, a peer uid): rate
 * per second, a burst of twice that. A fixed table: a caller whose slot
 * another takes starts again with a full bucket.
 */
#ifndef SIGNET_RATE_LIMIT_H
#define SIGNET_RATE_LIMIT_H

struct rate_limit;

/* rate 0: every call allowed. NULL on allocation failure. */
struct rate_limit	*rl_new(double rate);
void			 rl_free(struct rate_limit *);
/* 1 when who may make one more call now. */
int			 rl_allow(struct rate_limit *, const char *who);

#endif
