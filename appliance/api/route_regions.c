/*
 * signet-api: /v3/regions, as keystone/api/regions.py and the catalog's
 * SQL driver: an id chosen by the caller or made, a parent that must
 * exist and close no circle; a region goes with the regions below it,
 * and not while any of them has an endpoint.
 */
#include <string.h>

#include "err.h"
#include "resource.h"

static const struct field fields[] = {
	{ "description", FT_STRING, FF_NULL, 0, 0 },
	{ "id", FT_STRING, 0, 0, STORE_NAME_MAX },
	{ "parent_region_id", FT_STRING, FF_NULL, 0, STORE_NAME_MAX },
	{ NULL, 0, 0, 0, 0 },
};

static int
parent_ok(struct res_call *rc, json_t *obj)
{
	const char	*id = json_string_value(json_object_get(obj, "id"));
	const char	*up = json_string_value(json_object_get(obj,
			    "parent_region_id"));
	json_t		*p;
	int		 r;

	if (up == NULL)
		return 0;
	if ((r = store_row_json(ST_OF(rc), STORE_REGION, up,
	    (void **)&p)) == SIG_ERR_KEY_NOT_FOUND)
		return res_fail(rc, 404, "Could not find region: %s.", up);
	if (r != 0)
		return res_store_fail(rc, r, "region");
	json_decref(p);
	if ((r = store_region_cycles(ST_OF(rc), id, up)) < 0)
		return res_store_fail(rc, r, "region");
	if (r > 0)
		return res_fail(rc, 400, "The specified parent region %s "
		    "would create a circular region hierarchy.", up);
	return 0;
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	const char	*id = json_string_value(json_object_get(obj, "id"));
	char		 fresh[STORE_ID_LEN + 1];
	json_t		*dup;

	if (json_is_null(json_object_get(obj, "description")))
		json_object_set_new(obj, "description", json_string(""));
	res_set_default(obj, "description", json_string(""));
	if (old == NULL && (id == NULL || *id == '\0')) {
		store_new_id(fresh);
		json_object_set_new(obj, "id", json_string(fresh));
	} else if (old == NULL && store_row_json(ST_OF(rc), STORE_REGION, id,
	    (void **)&dup) == 0) {
		json_decref(dup);
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store region - Duplicate ID, %s.", id);
	}
	return parent_ok(rc, obj);
}

static int
remove_region(struct res_call *rc, json_t *old)
{
	int	 r = store_region_delete(ST_OF(rc), rc->id);

	(void)old;
	if (r == SIG_ERR_STATE)
		return res_fail(rc, 403, "Unable to delete region %s because "
		    "it or its child regions have associated endpoints.",
		    rc->id);
	return r != 0 ? res_store_fail(rc, r, "region") : 0;
}

const struct collection coll_regions = {
	.name = "regions",
	.member = "region",
	.kind = STORE_REGION,
	.act = { "identity:get_region", "identity:list_regions",
	    "identity:create_region", "identity:update_region",
	    "identity:delete_region" },
	.create = fields,
	.update = fields,
	.filters = { [SF_PARENT] = "parent_region_id" },
	.put = 1,
	.prepare = prepare,
	.remove = remove_region,
};
