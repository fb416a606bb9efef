/*
 * signet-api: password checks off the connection threads (pw_pool.c).
 */
#ifndef SIGNET_PW_POOL_H
#define SIGNET_PW_POOL_H

#include <stddef.h>

#include <microhttpd.h>

#include "hand_off.h"

struct pw_job {
	struct hand_off		 h;	/* first: the pool's view of it */
	char			*password;	/* wiped once checked */
	size_t			 len;
	char			 hash[256];	/* what it was checked against */
	int			 done;
	int			 ok;
};

int	pw_pool_start(int);
void	pw_pool_stop(void);
struct pw_job *pw_job_new(struct MHD_Connection *, const char *, size_t,
	    const char *);
int	pw_submit(struct pw_job *);
void	pw_job_free(struct pw_job *);

#endif
