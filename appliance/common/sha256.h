#ifndef SIGNET_SHA256_H
#define SIGNET_SHA256_H

#include <stddef.h>
#include <stdint.h>

void	sha256(const void *p, size_t n, uint8_t *out);

#endif
