#ifndef SIGNET_RAND_BATCH_H
#define SIGNET_RAND_BATCH_H

#include <stddef.h>

int	rand_batch(void *out, size_t n);

#endif
