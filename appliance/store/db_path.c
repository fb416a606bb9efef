/*
 * signet-api and signet-manage: the store's database from keystone.conf's
 * [database] connection.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

int
store_is_pg(const char *conn)
{
	return strncmp(conn, "postgresql://", 13) == 0;
}

/*
 * "sqlite:///PATH" as in keystone.conf (a relative PATH is the
 * config's), or "postgresql[+driver]://..." as libpq's URI (Keystone's
 * SQLAlchemy names a driver; libpq needs none).
 */
int
store_db_path(const struct config *cf, char *out, size_t sz)
{
	const char	*c = cf->database_connection, *rest;

	if (strncmp(c, "postgresql", 10) == 0 &&
	    (rest = strstr(c, "://")) != NULL &&
	    (rest == c + 10 || c[10] == '+')) {
		if ((size_t)snprintf(out, sz, "postgresql%s", rest) >= sz)
			return SIG_ERR_CONFIG;
		return 0;
	}
	if (strncmp(c, "sqlite:///", 10) != 0) {
		log_err("[database] connection: only sqlite:///PATH and "
		    "postgresql://... are supported");
		return SIG_ERR_CONFIG;
	}
	c += 10;
	snprintf(out, sz, "%s%s%s", *c == '/' ? "" : cf->dir,
	    *c == '/' ? "" : "/", c);
	return 0;
}
