/*
 * signet-api: /v3/services, as keystone/api/services.py: a type, a name
 * ("" when none) and enabled; a service goes with its endpoints. A
 * disabled service leaves the catalog.
 */
#include "err.h"
#include "resource.h"

static const struct field fields[] = {
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "name", FT_STRING, FF_NAME, 1, STORE_NAME_MAX },
	{ "type", FT_STRING, 0, 1, STORE_NAME_MAX },
	{ NULL, 0, 0, 0, 0 },
};

static const struct field create_fields[] = {
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "name", FT_STRING, FF_NAME, 1, STORE_NAME_MAX },
	{ "type", FT_STRING, FF_REQUIRED, 1, STORE_NAME_MAX },
	{ NULL, 0, 0, 0, 0 },
};

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	char	 id[STORE_ID_LEN + 1];

	(void)rc;
	if (old != NULL)
		return 0;
	store_new_id(id);
	json_object_set_new(obj, "id", json_string(id));
	res_set_default(obj, "enabled", json_true());
	res_set_default(obj, "name", json_string(""));
	return 0;
}

static int
remove_service(struct res_call *rc, json_t *old)
{
	int	 r = store_service_delete(ST_OF(rc), rc->id);

	(void)old;
	return r != 0 ? res_store_fail(rc, r, "service") : 0;
}

const struct collection coll_services = {
	.name = "services",
	.member = "service",
	.kind = STORE_SERVICE,
	.act = { "identity:get_service", "identity:list_services",
	    "identity:create_service", "identity:update_service",
	    "identity:delete_service" },
	.create = create_fields,
	.update = fields,
	.filters = { [SF_NAME] = "name", [SF_TYPE] = "type" },
	.prepare = prepare,
	.remove = remove_service,
};
