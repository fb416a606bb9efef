/*
 * Used by every process that touches a secret (PIN, key halves): locked,
 * excluded from core dumps, zeroed on free. There is deliberately no
 * accessor returning a C string, so a secret cannot reach a log by %s.
 */
#ifndef SIGNET_SECMEM_H
#define SIGNET_SECMEM_H

#include <stddef.h>
#include <stdint.h>

struct secmem;

struct secmem	*secmem_new(size_t);
void		 secmem_free(struct secmem *);
uint8_t		*secmem_data(struct secmem *);
size_t		 secmem_len(const struct secmem *);
size_t		 secmem_cap(const struct secmem *);
int		 secmem_set_len(struct secmem *, size_t);

#endif
