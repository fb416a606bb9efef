/*
 * signet-api: endpoint URLs with Keystone's substitutions ("$(project_id)s"
 * and the like), checked when an endpoint is written and formatted for
 * each token's catalog.
 */
#ifndef SIGNET_CATALOG_URL_H
#define SIGNET_CATALOG_URL_H

#include <jansson.h>

/* 1 when every substitution in url is one Keystone knows. */
int	catalog_url_ok(const char *);
int	catalog_url_has_subst(const char *);
/* The url formatted (free()), or NULL: the endpoint is left out. */
char	*catalog_url_format(const char *, const char *, const char *);
/*
 * The catalog for a token of project ("" for none) and user: cat itself
 * (a new reference) when no URL has a substitution, else a copy.
 */
json_t	*catalog_for(json_t *, const char *, const char *);

#endif
