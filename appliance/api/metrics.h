/*
 * signet-api: what the metrics' files share: the growing exposition
 * buffer and the names of the signer's calls.
 */
#ifndef SIGNET_API_METRICS_H
#define SIGNET_API_METRICS_H

#include <stddef.h>

#define METRICS_CALLS	8	/* indexed by Request.call_case */

struct api;

struct mbuf {
	char	*p;
	size_t	 len, size;
	int	 failed;
};

extern const char *const metrics_call_names[METRICS_CALLS];

void	mbuf_add(struct mbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	mbuf_head(struct mbuf *, const char *, const char *, const char *);

/* metrics_state.c: the breaker and the signer's own counters */
void	metrics_state_out(struct api *, struct mbuf *);

#endif
