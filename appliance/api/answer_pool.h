/*
 * signet-api: answers that wait on the signer, made off the connection
 * threads (answer_pool.c).
 */
#ifndef SIGNET_ANSWER_POOL_H
#define SIGNET_ANSWER_POOL_H

#include <jansson.h>
#include <microhttpd.h>

#include "api.h"

typedef enum MHD_Result (*answer_fn)(struct api *, struct MHD_Connection *,
	    struct api_req *, json_t *);

int		 answer_pool_start(int);
void		 answer_pool_stop(void);
int		 answer_offload(struct api *, struct MHD_Connection *,
		    struct api_req *, answer_fn, json_t *);
enum MHD_Result	 answer_resumed(struct MHD_Connection *, struct api_req *);
void		 answer_job_free(struct answer_job *);

#endif
