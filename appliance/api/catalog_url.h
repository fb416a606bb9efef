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
/* 1 when some URL of the catalog has a substitution (once per epoch). */
int	catalog_has_subst(json_t *);
/*
 * The catalog for a token of project ("" for none) and user: cat itself
 * (a new reference) when subst says no URL has a substitution, else a
 * copy.
 */
json_t	*catalog_for(json_t *, int, const char *, const char *);

#endif
