/*
 * signet-api: work off the connection threads (hand_off.c). A job's
 * connection is suspended before it is submitted; a worker runs the job,
 * then resumes the connection, and the handler runs again to answer.
 */
#ifndef SIGNET_HAND_OFF_H
#define SIGNET_HAND_OFF_H

#include <pthread.h>

#include <microhttpd.h>

#define HAND_OFF_WORKERS_MAX	64

struct hand_off {
	struct MHD_Connection	*c;
	struct hand_off		*next;
	void			(*run)(struct hand_off *);
};

struct hand_off_pool {
	const char	*name;		/* for the log */
	int		 nice;		/* the workers' own */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 workers[HAND_OFF_WORKERS_MAX];
	int		 nworkers, stopping;
	struct hand_off	*head, *tail;
};

#define HAND_OFF_POOL(name, nice) { name, nice,			\
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 0, 0, \
	NULL, NULL }

int	hand_off_start(struct hand_off_pool *, int);
void	hand_off_stop(struct hand_off_pool *);
int	hand_off_submit(struct hand_off_pool *, struct hand_off *);

#endif
