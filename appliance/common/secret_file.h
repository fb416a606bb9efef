/*
 * Used by every process that reads a secret (PIN, password): a regular
 * file owned by us, mode 0600 or stricter, one line; the secret goes
 * straight into secmem and only the reason for a refusal is returned.
 */
#ifndef SIGNET_SECRET_FILE_H
#define SIGNET_SECRET_FILE_H

#include <stddef.h>

struct secmem;

int	secret_file_read(const char *, size_t, struct secmem **, char *,
	    size_t);

#endif
