/*
 * Used by every process: Keystone's times. The API prints
 * YYYY-MM-DDTHH:MM:SS.000000Z (microseconds always dropped, never rounded).
 */
#ifndef SIGNET_ISOTIME_H
#define SIGNET_ISOTIME_H

#include <stdint.h>

#define ISOTIME_LEN	27	/* "2100-01-01T00:00:00.000000Z" */

int	isotime_parse(const char *, int64_t *);
void	isotime_format(int64_t, char *);

#endif
