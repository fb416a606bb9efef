/*
 * signet-api: the route table. A path is matched exactly; its row names
 * the route (the template metrics count by: never a raw path) and the
 * handler. /metrics and /healthcheck are the metrics listener's; the
 * main listener answers /healthcheck too, and /metrics never.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

#define LOG_SEGMENT_MAX	16	/* longer: not ours, perhaps a token */

enum route_kind {
	RK_NONE,		/* 404 */
	RK_VERSION,
	RK_TOKENS,
	RK_REVOKED,
	RK_AUTH,
	RK_CERT,
	RK_JWKS,
	RK_HEALTH,
	RK_METRICS,
	RK_RESOURCE,		/* resource.c: the identity API */
};

struct route {
	const char	*path;
	const char	*name;		/* the metrics' route label */
	enum route_kind	 kind;
	int		 main;		/* served on the main listener */
	int		 metrics;	/* served on the metrics listener */
};

/* Row 0 is every path that matches none. */
static const struct route routes[] = {
	{ NULL, "other", RK_NONE, 1, 1 },
	{ "/", "/", RK_VERSION, 1, 0 },
	{ "/v3", "/v3", RK_VERSION, 1, 0 },
	{ "/v3/", "/v3", RK_VERSION, 1, 0 },
	{ "/v3/auth/tokens", "/v3/auth/tokens", RK_TOKENS, 1, 0 },
	{ "/v3/auth/tokens/", "/v3/auth/tokens", RK_TOKENS, 1, 0 },
	{ "/v3/auth/tokens/OS-PKI/revoked", "/v3/auth/tokens/OS-PKI/revoked",
	    RK_REVOKED, 1, 0 },
	{ "/v2.0/tokens/revoked", "/v2.0/tokens/revoked", RK_REVOKED, 1, 0 },
	{ "/v3/OS-REVOKE/events", "/v3/OS-REVOKE/events", RK_REVOKED, 1, 0 },
	{ "/v3/auth/projects", "/v3/auth/projects", RK_AUTH, 1, 0 },
	{ "/v3/auth/domains", "/v3/auth/domains", RK_AUTH, 1, 0 },
	{ "/v3/auth/catalog", "/v3/auth/catalog", RK_AUTH, 1, 0 },
	{ "/v2.0/certificates/signing", "/v2.0/certificates/signing", RK_CERT,
	    1, 0 },
	{ "/v3/OS-SIMPLE-CERT/certificates", "/v3/OS-SIMPLE-CERT/certificates",
	    RK_CERT, 1, 0 },
	{ "/v2.0/certificates/ca", "/v2.0/certificates/ca", RK_CERT, 1, 0 },
	{ "/v3/OS-SIMPLE-CERT/ca", "/v3/OS-SIMPLE-CERT/ca", RK_CERT, 1, 0 },
	{ "/v3/OS-SIMPLE-CERT/jwks", "/v3/OS-SIMPLE-CERT/jwks", RK_JWKS, 1,
	    0 },
	{ "/healthcheck", "/healthcheck", RK_HEALTH, 1, 1 },
	{ "/metrics", "/metrics", RK_METRICS, 0, 1 },
	{ "/v3/regions", "/v3/regions", RK_RESOURCE, 1, 0 },
	{ "/v3/regions/*", "/v3/regions/{region_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/services", "/v3/services", RK_RESOURCE, 1, 0 },
	{ "/v3/services/*", "/v3/services/{service_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/endpoints", "/v3/endpoints", RK_RESOURCE, 1, 0 },
	{ "/v3/endpoints/*", "/v3/endpoints/{endpoint_id}", RK_RESOURCE, 1,
	    0 },
	{ "/v3/domains", "/v3/domains", RK_RESOURCE, 1, 0 },
	{ "/v3/domains/*", "/v3/domains/{domain_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/projects", "/v3/projects", RK_RESOURCE, 1, 0 },
	{ "/v3/projects/*", "/v3/projects/{project_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/users/*/projects", "/v3/users/{user_id}/projects",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/users/*/application_credentials",
	    "/v3/users/{user_id}/application_credentials", RK_RESOURCE, 1, 0 },
	{ "/v3/users/*/application_credentials/*",
	    "/v3/users/{user_id}/application_credentials/"
	    "{application_credential_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/users", "/v3/users", RK_RESOURCE, 1, 0 },
	{ "/v3/users/*", "/v3/users/{user_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/users/*/password", "/v3/users/{user_id}/password",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/users/*/groups", "/v3/users/{user_id}/groups",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/credentials", "/v3/credentials", RK_RESOURCE, 1, 0 },
	{ "/v3/credentials/*", "/v3/credentials/{credential_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/groups", "/v3/groups", RK_RESOURCE, 1, 0 },
	{ "/v3/groups/*", "/v3/groups/{group_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/groups/*/users", "/v3/groups/{group_id}/users",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/groups/*/users/*", "/v3/groups/{group_id}/users/{user_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/roles", "/v3/roles", RK_RESOURCE, 1, 0 },
	{ "/v3/roles/*", "/v3/roles/{role_id}", RK_RESOURCE, 1, 0 },
	{ "/v3/roles/*/implies", "/v3/roles/{prior_role_id}/implies",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/roles/*/implies/*",
	    "/v3/roles/{prior_role_id}/implies/{implied_role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/role_inferences", "/v3/role_inferences", RK_RESOURCE, 1, 0 },
	{ "/v3/role_assignments", "/v3/role_assignments", RK_RESOURCE, 1, 0 },
	{ "/v3/projects/*/users/*/roles",
	    "/v3/projects/{project_id}/users/{user_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/projects/*/users/*/roles/*",
	    "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/projects/*/groups/*/roles",
	    "/v3/projects/{project_id}/groups/{group_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/projects/*/groups/*/roles/*",
	    "/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/domains/*/users/*/roles",
	    "/v3/domains/{domain_id}/users/{user_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/domains/*/users/*/roles/*",
	    "/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/domains/*/groups/*/roles",
	    "/v3/domains/{domain_id}/groups/{group_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/domains/*/groups/*/roles/*",
	    "/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/system/users/*/roles", "/v3/system/users/{user_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/system/users/*/roles/*",
	    "/v3/system/users/{user_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/system/groups/*/roles", "/v3/system/groups/{group_id}/roles",
	    RK_RESOURCE, 1, 0 },
	{ "/v3/system/groups/*/roles/*",
	    "/v3/system/groups/{group_id}/roles/{role_id}",
	    RK_RESOURCE, 1, 0 },
};
#define NROUTES	(int)(sizeof(routes) / sizeof(routes[0]))

/*
 * A "*" in a route stands for one segment (an id): not empty, and without
 * a percent sign, so an encoded path still matches nothing.
 */
static int
path_matches(const char *pat, const char *url)
{
	size_t	 n;

	while (*pat != '\0') {
		if (*pat == '*') {
			n = strcspn(url, "/");
			if (n == 0 || memchr(url, '%', n) != NULL)
				return 0;
			url += n;
			pat++;
		} else if (*pat++ != *url++)
			return 0;
	}
	return *url == '\0';
}

/* The row of url on this listener, or 0. */
int
api_route_find(const char *url, int metrics_listener)
{
	int	 i;

	for (i = 1; i < NROUTES; i++)
		if (path_matches(routes[i].path, url))
			return (metrics_listener ? routes[i].metrics :
			    routes[i].main) ? i : 0;
	return 0;
}

/*
 * The path for the access line: as sent (a "%0a" stays those three
 * characters), with any segment longer than every route's written as
 * "***": a client that puts its token in the path, as v2's GET
 * /v2.0/tokens/{token} did, does not get it logged.
 */
void
api_route_log_path(const char *raw, char *out, size_t size)
{
	size_t	 n = 0, seg;

	out[0] = '\0';
	while (*raw != '\0' && n + 1 < size) {
		if (*raw == '/') {
			out[n++] = *raw++;
			continue;
		}
		seg = strcspn(raw, "/");
		if (seg > LOG_SEGMENT_MAX)
			n += snprintf(out + n, size - n, "***");
		else
			n += snprintf(out + n, size - n, "%.*s", (int)seg, raw);
		if (n >= size) {
			n = size - 1;
			break;
		}
		raw += seg;
	}
	out[n] = '\0';
}

/* Route names repeat (a trailing slash); metrics count by the first row
 * of each name. */
const char *
api_route_name(int i)
{
	return i >= 0 && i < NROUTES ? routes[i].name : routes[0].name;
}

int
api_route_count(void)
{
	return NROUTES;
}

/* The health check reports a store it cannot open rather than fail. */
int
api_route_needs_store(int i)
{
	return routes[i].kind != RK_HEALTH && routes[i].kind != RK_METRICS &&
	    routes[i].kind != RK_NONE && routes[i].kind != RK_VERSION;
}

static int
read_only(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

enum MHD_Result
api_dispatch(struct api *a, struct MHD_Connection *c, const char *url,
    const char *method, struct api_req *rq, int i)
{
	enum route_kind	 k = routes[i].kind;

	if (k != RK_NONE && k != RK_TOKENS && k != RK_AUTH &&
	    k != RK_RESOURCE && !read_only(method))
		return api_error(a, c, 405, "The method is not allowed.");
	switch (k) {
	case RK_TOKENS:
		return route_tokens(a, c, method, rq);
	case RK_REVOKED:
		return route_revoked(a, c, strstr(url, "OS-REVOKE") != NULL);
	case RK_AUTH:
		return route_auth(a, c, url, method);
	case RK_CERT:
		return route_certs(a, c, strstr(url, "/ca") != NULL);
	case RK_JWKS:
		return route_jwks(a, c);
	case RK_VERSION:
		return route_version(a, c, url);
	case RK_HEALTH:
		return route_healthcheck(a, c);
	case RK_METRICS:
		return route_metrics(a, c);
	case RK_RESOURCE:
		return resource_dispatch(a, c, url, method, rq);
	default:
		return api_error(a, c, 404, "The resource could not be found.");
	}
}
