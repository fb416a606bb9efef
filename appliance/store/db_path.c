/*
 * signet-api and signet-manage: the store's file from keystone.conf's
 * [database] connection.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "store.h"

/* "sqlite:///PATH" as in keystone.conf; a relative PATH is the config's. */
int
store_db_path(const struct config *cf, char *out, size_t sz)
{
	const char	*c = cf->database_connection;

	if (strncmp(c, "sqlite:///", 10) != 0) {
		log_err("[database] connection: only sqlite:///PATH is "
		    "supported");
		return SIG_ERR_CONFIG;
	}
	c += 10;
	snprintf(out, sz, "%s%s%s", *c == '/' ? "" : cf->dir,
	    *c == '/' ? "" : "/", c);
	return 0;
}

