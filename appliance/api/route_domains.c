/*
 * signet-api: /v3/domains, as keystone/api/domains.py and the resource
 * manager: names unique (stripped of blanks around them); a domain is
 * deleted only once disabled, and then with its projects and users. A
 * disabled domain's tokens, and its users' and projects' tokens, stop
 * validating on the next request: each validation reads them afresh,
 * and the write empties the token cache (token_cache.c).
 */
#include <string.h>

#include "err.h"
#include "resource.h"

#define DOMAIN_NAME_MAX	64	/* Keystone's schema */

static const struct field update_fields[] = {
	{ "description", FT_STRING, FF_NULL, 0, 0 },
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "name", FT_STRING, FF_NAME, 1, DOMAIN_NAME_MAX },
	{ "tags", FT_TAGS, 0, 0, 0 },
	{ "options", FT_OBJECT, FF_OPTIONS, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct field create_fields[] = {
	{ "description", FT_STRING, FF_NULL, 0, 0 },
	{ "enabled", FT_BOOL, 0, 0, 0 },
	{ "name", FT_STRING, FF_NAME | FF_REQUIRED, 1, DOMAIN_NAME_MAX },
	{ "tags", FT_TAGS, 0, 0, 0 },
	{ "options", FT_OBJECT, FF_OPTIONS, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static int
name_taken(struct res_call *rc, json_t *obj)
{
	int	 r = res_name_taken(rc, STORE_DOMAIN, obj);

	if (r <= 0)
		return r;
	return res_fail(rc, 409, "Conflict occurred attempting to store "
	    "project - it is not permitted to have two projects acting as "
	    "domains with the same name: %s", json_string_value(
	    json_object_get(obj, "name")));
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	char	 id[STORE_ID_LEN + 1];

	res_strip_name(obj);
	if (json_is_null(json_object_get(obj, "description")))
		json_object_set_new(obj, "description", json_string(""));
	if (old == NULL) {
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		res_set_default(obj, "description", json_string(""));
		res_set_default(obj, "enabled", json_true());
	}
	res_set_default(obj, "tags", json_array());
	res_set_default(obj, "options", json_object());
	return name_taken(rc, obj);
}

/*
 * Disabled first: a domain is not deleted by accident, nor by a token of
 * its own (Keystone's reason). Its users' tokens go with the users.
 */
static int
remove_domain(struct res_call *rc, json_t *old)
{
	int	 r;

	if (json_is_true(json_object_get(old, "enabled")))
		return res_fail(rc, 403, "Cannot delete a domain that is "
		    "enabled, please disable it first.");
	r = store_domain_delete(ST_OF(rc), rc->id, res_token_span(rc));
	return r != 0 ? res_store_fail(rc, r, "domain") : 0;
}

static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	(void)rc;
	tg->domain_id = json_string_value(json_object_get(obj, "id"));
}

const struct collection coll_domains = {
	.name = "domains",
	.member = "domain",
	.kind = STORE_DOMAIN,
	.act = { "identity:get_domain", "identity:list_domains",
	    "identity:create_domain", "identity:update_domain",
	    "identity:delete_domain" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_NAME] = "name", [SF_ENABLED] = "enabled" },
	.target = target,
	.prepare = prepare,
	.remove = remove_domain,
};
