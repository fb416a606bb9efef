/*
 * signet-api: /v3/roles, implied roles (/v3/roles/{prior_role_id}/
 * implies[/{implied_role_id}]) and /v3/role_inferences, as
 * keystone/api/roles.py, role_inferences.py and the role manager. A role
 * of a domain (domain_id set) is listed only when asked for by its
 * domain, and never shows in a token itself: it only implies others. An
 * immutable role (bootstrap makes reader, member and admin so) is neither
 * changed, but to make it mutable, nor deleted. Deleting a role takes its
 * grants and implications with it; a token that held it loses it at once
 * (its roles are read afresh under the store's new epoch) and stops
 * validating when no role is left it on its scope, as in Keystone.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "resource.h"

#define ROLE_NAME_MAX	255	/* Keystone's parameter_types.name */
#define PROHIBITED	"admin"	/* [assignment] prohibited_implied_role */

#define ROLE_FIELDS(req)						\
	{ "name", FT_STRING, FF_NAME | (req), 1, ROLE_NAME_MAX },	\
	{ "description", FT_STRING, 0, 0, 0 },				\
	{ "domain_id", FT_STRING, FF_NULL | FF_ID, 1, 64 },		\
	{ "options", FT_OBJECT, FF_OPTIONS, 0, 0 },			\
	{ NULL, 0, 0, 0, 0 }

static const struct field create_fields[] = { ROLE_FIELDS(FF_REQUIRED) };
static const struct field update_fields[] = { ROLE_FIELDS(0) };

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
immutable(json_t *role)
{
	return json_is_true(json_object_get(json_object_get(role, "options"),
	    "immutable"));
}

/*
 * Keystone's check_immutable_update: an immutable role takes no change
 * but the one making it mutable (options.immutable false or null, alone).
 */
static int
immutable_ok(struct res_call *rc, json_t *old)
{
	json_t	*opts = json_object_get(rc->patch, "options"), *v;

	if (!immutable(old))
		return 0;
	v = json_object_get(opts, "immutable");
	if (json_object_size(rc->patch) == 1 && v != NULL &&
	    (json_is_false(v) || json_is_null(v)))
		return 0;
	return res_fail(rc, 403, "Unable to update immutable role resource: "
	    "`%s. Set resource option \"immutable\" to false first.", rc->id);
}

/* Another role of that name in the same domain (or of none): 409. */
static int
name_taken(struct res_call *rc, json_t *obj, int create)
{
	const char	*f[SF_MAX] = { NULL };
	const char	*dom = str(obj, "domain_id");
	json_t		*arr = json_array(), *o;
	size_t		 i;
	int		 r, taken = 0;

	f[SF_NAME] = str(obj, "name");
	if (dom != NULL)
		f[SF_DOMAIN] = dom;
	else
		f[SF_GLOBAL] = "1";
	if ((r = store_rows_json(ST_OF(rc), STORE_ROLE, f, arr)) != 0) {
		json_decref(arr);
		return res_store_fail(rc, r, "role");
	}
	json_array_foreach(arr, i, o)
		if (!json_equal(json_object_get(o, "id"),
		    json_object_get(obj, "id")))
			taken = 1;
	json_decref(arr);
	if (!taken)
		return 0;
	if (create && dom != NULL)
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store role - Duplicate entry found with name %s at domain "
		    "ID %s.", str(obj, "name"), dom);
	return res_fail(rc, 409, "Conflict occurred attempting to store role - "
	    "Duplicate entry found with name %s.", str(obj, "name"));
}

static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	char	 id[STORE_ID_LEN + 1];
	json_t	*d;

	if (old == NULL) {
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		res_set_default(obj, "domain_id", json_null());
		res_set_default(obj, "description", json_null());
		if (str(obj, "domain_id") != NULL) {
			if (res_load(rc, STORE_DOMAIN, "domain",
			    str(obj, "domain_id"), &d) != 0)
				return -1;
			json_decref(d);
		}
	} else {
		if (immutable_ok(rc, old) != 0)
			return -1;
		if (!json_equal(json_object_get(old, "domain_id"),
		    json_object_get(obj, "domain_id")))
			return res_fail(rc, 400, "Update of `domain_id` is not "
			    "allowed.");
	}
	res_options(rc, old, obj);
	return name_taken(rc, obj, old == NULL);
}

static int
remove_role(struct res_call *rc, json_t *old)
{
	int	 r;

	if (immutable(old))
		return res_fail(rc, 403, "Unable to delete immutable role "
		    "resource: `%s. Set resource option \"immutable\" to false "
		    "first.", rc->id);
	r = store_role_delete(ST_OF(rc), rc->id);
	return r != 0 ? res_store_fail(rc, r, "role") : 0;
}

/* A role of a domain, asked for or to be made: that action's name. */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	const char	*m = rc->rq->method;
	char		 msg[API_JSON_MSG_MAX];
	json_t		*in = NULL;

	(void)tg;
	if (obj != NULL && str(obj, "domain_id") != NULL)
		rc->act = strcmp(m, "PATCH") == 0 ?
		    "identity:update_domain_role" : strcmp(m, "DELETE") == 0 ?
		    "identity:delete_domain_role" : "identity:get_domain_role";
	else if (obj == NULL && strcmp(m, "POST") == 0) {
		if (json_in_member(rc->c, rc->rq, "role", &in, msg) == 0 &&
		    json_is_string(json_object_get(in, "domain_id")) &&
		    *str(in, "domain_id") != '\0')
			rc->act = "identity:create_domain_role";
		json_decref(in);
	} else if (obj == NULL && res_query(rc, "domain_id") != NULL &&
	    *res_query(rc, "domain_id") != '\0')
		rc->act = "identity:list_domain_roles";
}

/* No domain asked for: the roles of none, as Keystone lists them. */
static void
list_filters(struct res_call *rc, const char **f)
{
	(void)rc;
	if (f[SF_DOMAIN] == NULL || *f[SF_DOMAIN] == '\0') {
		f[SF_DOMAIN] = NULL;
		f[SF_GLOBAL] = "1";
	}
}

const struct collection coll_roles = {
	.name = "roles",
	.member = "role",
	.kind = STORE_ROLE,
	.act = { "identity:get_role", "identity:list_roles",
	    "identity:create_role", "identity:update_role",
	    "identity:delete_role" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_NAME] = "name", [SF_DOMAIN] = "domain_id" },
	.target = target,
	.prepare = prepare,
	.remove = remove_role,
	.list_filters = list_filters,
};

/* {"id", "links": {"self"}, "name"} of a role, as Keystone refers to it */
static json_t *
role_ref(struct res_call *rc, json_t *role)
{
	char	 path[STORE_NAME_MAX + 16];

	snprintf(path, sizeof(path), "/roles/%s", str(role, "id"));
	return json_pack("{s:s,s:{s:o},s:s}", "id", str(role, "id"), "links",
	    "self", res_link(rc, path), "name", str(role, "name"));
}

/* The roles of the path (prior, and implied when named): 404 queued. */
static int
roles_found(struct res_call *rc, json_t **prior, json_t **implied)
{
	*implied = NULL;
	if (res_load(rc, STORE_ROLE, "role", rc->ids[0], prior) != 0)
		return -1;
	if (rc->ids[1] != NULL && res_load(rc, STORE_ROLE, "role", rc->ids[1],
	    implied) != 0) {
		json_decref(*prior);
		return -1;
	}
	return 0;
}

/* GET and HEAD /v3/roles/{prior_role_id}/implies */
void
rel_implied_roles(struct res_call *rc, const char *method, int how)
{
	struct policy_target	 tg;
	json_t			*prior, *implied, *arr, *list, *rule, *role;
	char			 path[STORE_NAME_MAX + 32];
	size_t			 i;
	int			 r;

	(void)how;
	memset(&tg, 0, sizeof(tg));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		res_method_not_allowed(rc);
		return;
	}
	if (roles_found(rc, &prior, &implied) != 0)
		return;
	if (res_allowed(rc, "identity:list_implied_roles", &tg) != 0 ||
	    (arr = json_array()) == NULL) {
		json_decref(prior);
		return;
	}
	if ((r = store_implied_json(ST_OF(rc), rc->ids[0], arr)) != 0) {
		res_store_fail(rc, r, "role");
		json_decref(arr);
		json_decref(prior);
		return;
	}
	list = json_array();
	json_array_foreach(arr, i, rule)
		if (store_row_json(ST_OF(rc), STORE_ROLE, str(rule,
		    "implied_role_id"), (void **)&role) == 0) {
			json_array_append_new(list, role_ref(rc, role));
			json_decref(role);
		}
	json_decref(arr);
	snprintf(path, sizeof(path), "/roles/%s/implies", rc->ids[0]);
	rc->ret = api_json(rc->c, 200, json_pack("{s:{s:o,s:o},s:{s:o}}",
	    "role_inference", "prior_role", role_ref(rc, prior), "implies",
	    list, "links", "self", res_link(rc, path)), NULL);
	json_decref(prior);
}

/* The answer of GET and PUT: the inference and its own link. */
static void
inference(struct res_call *rc, unsigned int code, json_t *prior,
    json_t *implied)
{
	char	 path[2 * STORE_NAME_MAX + 32];

	snprintf(path, sizeof(path), "/roles/%s/implies/%s", rc->ids[0],
	    rc->ids[1]);
	rc->ret = api_json(rc->c, code, json_pack("{s:{s:o,s:o},s:{s:o}}",
	    "role_inference", "prior_role", role_ref(rc, prior), "implies",
	    role_ref(rc, implied), "links", "self", res_link(rc, path)), NULL);
}

static int
not_implied(struct res_call *rc)
{
	return res_fail(rc, 404, "%s does not imply %s.",
	    res_id_shown(rc->ids[0]), res_id_shown(rc->ids[1]));
}

/* Keystone's create_implied_role: what may be implied, and by what. */
static int
may_imply(struct res_call *rc, json_t *prior, json_t *implied)
{
	if (strcmp(str(implied, "name"), PROHIBITED) == 0)
		return res_fail(rc, 403, "%s cannot be an implied roles.",
		    rc->ids[1]);
	/* "Global role cannot imply a domain-specific role", which
	 * Keystone keeps for insecure_debug: a 403 shows its format */
	if (str(prior, "domain_id") == NULL &&
	    str(implied, "domain_id") != NULL)
		return res_fail(rc, 403, "%s cannot be an implied roles.",
		    rc->ids[1]);
	return 0;
}

static int
write_locked(struct res_call *rc, int add)
{
	json_t	*prior, *implied;
	int	 r;

	if (roles_found(rc, &prior, &implied) != 0)
		return -1;
	r = add ? may_imply(rc, prior, implied) : 0;
	json_decref(prior);
	json_decref(implied);
	if (r != 0)
		return r;
	r = store_implied(ST_OF(rc), rc->ids[0], rc->ids[1], add);
	if (r == SIG_ERR_EXISTS)
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store implied_role - Duplicate entry.");
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return not_implied(rc);
	return r != 0 ? res_store_fail(rc, r, "implied_role") : 0;
}

/* PUT, GET, HEAD and DELETE /v3/roles/{prior}/implies/{implied} */
void
rel_implied_role(struct res_call *rc, const char *method, int how)
{
	struct policy_target	 tg;
	const char		*act;
	json_t			*prior, *implied;
	int			 r, head = strcmp(method, "HEAD") == 0;

	(void)how;
	memset(&tg, 0, sizeof(tg));
	if (head)
		act = "identity:check_implied_role";
	else if (strcmp(method, "GET") == 0)
		act = "identity:get_implied_role";
	else if (strcmp(method, "PUT") == 0)
		act = "identity:create_implied_role";
	else if (strcmp(method, "DELETE") == 0)
		act = "identity:delete_implied_role";
	else {
		res_method_not_allowed(rc);
		return;
	}
	if (roles_found(rc, &prior, &implied) != 0)
		return;
	if (res_allowed(rc, act, &tg) != 0 || (head &&
	    res_allowed(rc, "identity:get_implied_role", &tg) != 0))
		goto out;
	if (strcmp(method, "GET") == 0 || head) {
		if ((r = store_implies(ST_OF(rc), rc->ids[0], rc->ids[1])) < 0)
			res_store_fail(rc, r, "implied_role");
		else if (r == 0)
			not_implied(rc);
		else if (head)
			res_no_content(rc);
		else
			inference(rc, 200, prior, implied);
	} else if (res_begin(rc) == 0 && res_commit(rc, write_locked(rc,
	    strcmp(method, "PUT") == 0)) == 0) {
		if (strcmp(method, "PUT") == 0)
			inference(rc, 201, prior, implied);
		else
			res_no_content(rc);
	}
 out:
	json_decref(prior);
	json_decref(implied);
}

/* GET and HEAD /v3/role_inferences: every rule, by its prior role. */
void
rel_role_inferences(struct res_call *rc, const char *method, int how)
{
	struct policy_target	 tg;
	json_t			*rules, *out, *rule, *cur = NULL, *role;
	const char		*prior = "";
	size_t			 i;
	int			 r;

	(void)how;
	memset(&tg, 0, sizeof(tg));
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		res_method_not_allowed(rc);
		return;
	}
	if (res_allowed(rc, "identity:list_role_inference_rules", &tg) != 0)
		return;
	rules = json_array();
	out = json_array();
	if ((r = store_inferences_json(ST_OF(rc), rules)) != 0) {
		res_store_fail(rc, r, "implied_role");
		json_decref(rules);
		json_decref(out);
		return;
	}
	json_array_foreach(rules, i, rule) {
		if (strcmp(prior, str(rule, "prior_role_id")) != 0) {
			prior = str(rule, "prior_role_id");
			cur = NULL;
			if (store_row_json(ST_OF(rc), STORE_ROLE, prior,
			    (void **)&role) != 0)
				continue;
			cur = json_array();
			json_array_append_new(out, json_pack("{s:o,s:o}",
			    "prior_role", role_ref(rc, role), "implies", cur));
			json_decref(role);
		}
		if (cur != NULL && store_row_json(ST_OF(rc), STORE_ROLE,
		    str(rule, "implied_role_id"), (void **)&role) == 0) {
			json_array_append_new(cur, role_ref(rc, role));
			json_decref(role);
		}
	}
	json_decref(rules);
	rc->ret = api_json(rc->c, 200, json_pack("{s:o}", "role_inferences",
	    out), NULL);
}
