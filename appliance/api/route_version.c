/*
 * signet-api: version discovery, as keystoneauth reads it: GET / is a 300
 * with the version list, GET /v3 a 200 with the one version; the self
 * link is where clients will POST.
 */
#include <string.h>

#include "api.h"

static json_t *
version(const char *base)
{
	char	 href[600];

	snprintf(href, sizeof(href), "%s/v3/", base);
	return json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}",
	    "id", "v3.14", "status", "stable", "updated",
	    "2020-04-07T00:00:00Z", "links", "rel", "self", "href", href,
	    "media-types", "base", "application/json", "type",
	    "application/vnd.openstack.identity-v3+json");
}

enum MHD_Result
route_version(struct api *a, struct MHD_Connection *c, const char *url)
{
	char	 base[512];

	api_base_url(a, c, base, sizeof(base));
	if (strcmp(url, "/") == 0)
		return api_json(c, 300, json_pack("{s:{s:[o]}}", "versions",
		    "values", version(base)), NULL);
	return api_json(c, 200, json_pack("{s:o}", "version", version(base)),
	    NULL);
}
