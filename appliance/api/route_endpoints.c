/*
 * signet-api: /v3/endpoints, as keystone/api/endpoints.py and the
 * catalog manager: a service and a region that exist (a legacy "region"
 * names one, made when missing), a URL whose substitutions Keystone
 * knows. The catalog of the next token shows every change: a write moves
 * the store's epoch, which empties the cached catalog (store_cache.c).
 */
#include <string.h>

#include "catalog_url.h"
#include "err.h"
#include "resource.h"

static const struct field update_fields[] = {
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "interface", FT_STRING, FF_IFACE, 0, 0 },
	{ "region_id", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "region", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "service_id", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "url", FT_STRING, FF_URL, 0, 225 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct field create_fields[] = {
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "interface", FT_STRING, FF_IFACE | FF_REQUIRED, 0, 0 },
	{ "region_id", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "region", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "service_id", FT_STRING, FF_REQUIRED, 0, STORE_NAME_MAX },
	{ "url", FT_STRING, FF_URL | FF_REQUIRED, 0, 225 },
	{ NULL, 0, 0, 0, 0 },
};

static int
exists(struct res_call *rc, enum store_kind k, const char *id)
{
	json_t	*row;
	int	 r;

	if ((r = store_row_json(ST_OF(rc), k, id, (void **)&row)) == 0)
		json_decref(row);
	return r;
}

/* The legacy "region": the region of that id, made when missing. */
static int
legacy_region(struct res_call *rc, json_t *obj, const char *region)
{
	json_t	*made;
	int	 r;

	json_object_set_new(obj, "region_id", json_string(region));
	if ((r = exists(rc, STORE_REGION, region)) != SIG_ERR_KEY_NOT_FOUND)
		return r;
	made = json_pack("{s:s,s:s}", "id", region, "description", "");
	r = store_row_put(ST_OF(rc), STORE_REGION, made, 1);
	json_decref(made);
	return r;
}

static int
refs_ok(struct res_call *rc, json_t *obj)
{
	const char	*region = json_string_value(json_object_get(obj,
			    "region_id"));
	int		 r;

	if (region != NULL && (r = exists(rc, STORE_REGION, region)) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? res_fail(rc, 400,
		    "Expecting to find endpoint region_id in region table. "
		    "The server could not comply with the request since it is "
		    "either malformed or otherwise incorrect. The client is "
		    "assumed to be in error.") :
		    res_store_fail(rc, r, "region");
	if ((r = exists(rc, STORE_SERVICE, json_string_value(
	    json_object_get(obj, "service_id")))) != 0)
		return r == SIG_ERR_KEY_NOT_FOUND ? res_fail(rc, 400,
		    "Expecting to find endpoint service_id in service table. "
		    "The server could not comply with the request since it is "
		    "either malformed or otherwise incorrect. The client is "
		    "assumed to be in error.") :
		    res_store_fail(rc, r, "service");
	return 0;
}

/* A "region" that is new in this request and no new region_id with it. */
static const char *
region_asked(json_t *old, json_t *obj)
{
	const char	*reg = json_string_value(json_object_get(obj,
			    "region"));
	json_t		*rid = json_object_get(obj, "region_id");

	if (reg == NULL)
		return NULL;
	if (old == NULL)
		return rid == NULL || json_is_null(rid) ? reg : NULL;
	if (json_equal(json_object_get(old, "region"),
	    json_object_get(obj, "region")) ||
	    !json_equal(json_object_get(old, "region_id"), rid))
		return NULL;
	return reg;
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	const char	*reg = region_asked(old, obj);
	char		 id[STORE_ID_LEN + 1];
	int		 r;

	if (!catalog_url_ok(json_string_value(json_object_get(obj,
	    "url"))))
		return res_fail(rc, 400, "Cannot create an endpoint with an "
		    "invalid URL.");
	if (old == NULL) {
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		res_set_default(obj, "enabled", json_true());
		res_set_default(obj, "region_id", json_null());
	}
	if (reg != NULL && (r = legacy_region(rc, obj, reg)) != 0)
		return res_store_fail(rc, r, "region");
	if ((r = refs_ok(rc, obj)) != 0)
		return r;
	json_object_set(obj, "region", json_object_get(obj, "region_id"));
	return 0;
}

static int
remove_endpoint(struct res_call *rc, json_t *old)
{
	int	 r = store_endpoint_delete(ST_OF(rc), rc->id);

	(void)old;
	return r != 0 ? res_store_fail(rc, r, "endpoint") : 0;
}

const struct collection coll_endpoints = {
	.name = "endpoints",
	.member = "endpoint",
	.kind = STORE_ENDPOINT,
	.act = { "identity:get_endpoint", "identity:list_endpoints",
	    "identity:create_endpoint", "identity:update_endpoint",
	    "identity:delete_endpoint" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_INTERFACE] = "interface",
	    [SF_SERVICE] = "service_id", [SF_REGION] = "region_id" },
	.prepare = prepare,
	.remove = remove_endpoint,
};
