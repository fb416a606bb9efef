/*
 * signet-api: the identity API's collections and members, the same way
 * for each: /v3/<name> (GET, HEAD, POST) and /v3/<name>/{id} (GET, HEAD,
 * PATCH, DELETE; PUT where Keystone creates by id), answered in
 * Keystone's shapes (links on the collection and on each member); a
 * collection below a user or a group (/v3/users/{id}/groups); and the
 * relations that are no collection (memberships, grants, implied roles,
 * a password change), each routed to a handler of its own. The caller
 * comes from its X-Auth-Token; every write runs in one store
 * transaction, checked and written under the store's write lock, and is
 * answered only once it has committed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "resource.h"
#include "utf8.h"

#define RES_MSG_MAX	512

static const struct collection *const colls[] = {
	&coll_regions, &coll_services, &coll_endpoints, &coll_domains,
	&coll_projects, &coll_users, &coll_groups, &coll_roles,
	&coll_credentials,
};

/* /v3/<parent>s/{id}/<name>[/{member}] (members: when it has them) */
static const struct {
	const char			*parent;
	const char			*name;
	const struct collection		*co;
	int				 members;
} subs[] = {
	{ "users", "projects", &coll_user_projects, 0 },
	{ "users", "groups", &coll_user_groups, 0 },
	{ "groups", "users", &coll_group_users, 0 },
	{ "users", "application_credentials", &coll_app_creds, 1 },
};

static const struct relation relations[] = {
	{ "/v3/users/*/password", rel_user_password, 0, 1 },
	{ "/v3/groups/*/users/*", rel_group_member, 0, 0 },
	{ "/v3/roles/*/implies", rel_implied_roles, 0, 0 },
	{ "/v3/roles/*/implies/*", rel_implied_role, 0, 0 },
	{ "/v3/role_inferences", rel_role_inferences, 0, 0 },
	{ "/v3/role_assignments", rel_role_assignments, 0, 0 },
	{ "/v3/projects/*/users/*/roles/*", rel_grant, GRANT_PROJECT, 0 },
	{ "/v3/projects/*/groups/*/roles/*", rel_grant,
	    GRANT_PROJECT | GRANT_GROUP, 0 },
	{ "/v3/domains/*/users/*/roles/*", rel_grant, GRANT_DOMAIN, 0 },
	{ "/v3/domains/*/groups/*/roles/*", rel_grant,
	    GRANT_DOMAIN | GRANT_GROUP, 0 },
	{ "/v3/system/users/*/roles/*", rel_grant, GRANT_SYSTEM, 0 },
	{ "/v3/system/groups/*/roles/*", rel_grant,
	    GRANT_SYSTEM | GRANT_GROUP, 0 },
	{ "/v3/projects/*/users/*/roles", rel_grants, GRANT_PROJECT, 0 },
	{ "/v3/projects/*/groups/*/roles", rel_grants,
	    GRANT_PROJECT | GRANT_GROUP, 0 },
	{ "/v3/domains/*/users/*/roles", rel_grants, GRANT_DOMAIN, 0 },
	{ "/v3/domains/*/groups/*/roles", rel_grants,
	    GRANT_DOMAIN | GRANT_GROUP, 0 },
	{ "/v3/system/users/*/roles", rel_grants, GRANT_SYSTEM, 0 },
	{ "/v3/system/groups/*/roles", rel_grants,
	    GRANT_SYSTEM | GRANT_GROUP, 0 },
};

/* A 4xx or 5xx in Keystone's shape; always nonzero, for the caller. */
int
res_fail(struct res_call *rc, unsigned int code, const char *fmt, ...)
{
	char	 msg[RES_MSG_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rc->ret = api_error(rc->a, rc->c, code, msg);
	return -1;
}

/* A store error r of a write or a read of what. */
int
res_store_fail(struct res_call *rc, int r, const char *what)
{
	switch (r) {
	case SIG_ERR_KEY_NOT_FOUND:
		return res_fail(rc, 404, "Could not find %s.", what);
	case SIG_ERR_EXISTS:
		return res_fail(rc, 409, "Conflict occurred attempting to "
		    "store %s.", what);
	case SIG_ERR_BAD_INPUT:
		return res_fail(rc, 400, "Invalid input for %s.", what);
	case SIG_ERR_HSM_RETRY:
	case SIG_ERR_BUSY:
		return res_fail(rc, 503, "The identity store is unavailable.");
	}
	return res_fail(rc, 500, "An unexpected error prevented the server "
	    "from fulfilling your request.");
}

/* The caller's scope of kind "project" or "domain": its id, or NULL. */
const char *
res_caller_scope(struct res_call *rc, const char *kind)
{
	return json_string_value(json_object_get(json_object_get(rc->caller,
	    kind), "id"));
}

/* Keystone's setdefault: takes v (json_decref) either way. */
void
res_set_default(json_t *o, const char *key, json_t *v)
{
	if (json_object_get(o, key) == NULL)
		json_object_set(o, key, v);
	json_decref(v);
}

/* Keystone strips a name before it stores it. */
void
res_strip_name(json_t *obj)
{
	const char	*s = json_string_value(json_object_get(obj, "name"));
	const char	*blank = " \t\n\r\f\v";
	size_t		 n;

	if (s == NULL)
		return;
	s += strspn(s, blank);
	for (n = strlen(s); n > 0 && strchr(blank, s[n - 1]) != NULL; n--)
		;
	json_object_set_new(obj, "name", json_stringn(s, n));
}

/*
 * 1 when another row of kind k has obj's name (in obj's domain, for
 * kinds that live in one); 0 when none; < 0 with an answer queued.
 */
int
res_name_taken(struct res_call *rc, enum store_kind k, json_t *obj)
{
	const char	*f[SF_MAX] = { NULL };
	json_t		*arr = json_array(), *o;
	size_t		 i;
	int		 r, taken = 0;

	f[SF_NAME] = json_string_value(json_object_get(obj, "name"));
	if (k != STORE_DOMAIN)
		f[SF_DOMAIN] = json_string_value(json_object_get(obj,
		    "domain_id"));
	if ((r = store_rows_json(ST_OF(rc), k, f, arr)) != 0) {
		json_decref(arr);
		return res_store_fail(rc, r, rc->co->member);
	}
	json_array_foreach(arr, i, o)
		if (!json_equal(json_object_get(o, "id"),
		    json_object_get(obj, "id")))
			taken = 1;
	json_decref(arr);
	return taken;
}

/* How long a token issued now may be used, and opened as expired: what
 * a revocation event must outlive. */
int64_t
res_token_span(struct res_call *rc)
{
	return (int64_t)rc->a->cf->token_expiration +
	    rc->a->cf->token_allow_expired_window +
	    rc->a->cf->signer_max_clock_skew;
}

/* The public URL of path (below /v3: "/roles/x"), as a JSON string. */
json_t *
res_link(struct res_call *rc, const char *path)
{
	char	 base[512], url[2048];

	api_base_url(rc->a, rc->c, base, sizeof(base));
	snprintf(url, sizeof(url), "%s/v3%s", base, path);
	return json_string(url);
}

static json_t *
self_link(struct res_call *rc, const char *name, const char *id)
{
	char	 path[STORE_NAME_MAX + 64];

	snprintf(path, sizeof(path), "/%s/%s", name, id);
	return json_pack("{s:o}", "self", res_link(rc, path));
}

json_t *
res_wrapped(struct res_call *rc, json_t *obj)
{
	const char	*id = json_string_value(json_object_get(obj, "id"));

	json_object_set_new(obj, "links", self_link(rc, rc->co->name,
	    id ? id : ""));
	if (rc->co->shape != NULL)
		rc->co->shape(rc, obj);
	return obj;
}

/* The collection's own link: the path as asked, with its query. */
json_t *
res_list_links(struct res_call *rc)
{
	char	 base[512], url[2048];
	json_t	*self;

	api_base_url(rc->a, rc->c, base, sizeof(base));
	snprintf(url, sizeof(url), "%s%s%s%s", base, rc->rq->raw,
	    *rc->rq->query ? "?" : "", rc->rq->query);
	if ((self = json_string(url)) == NULL) {	/* not UTF-8 */
		snprintf(url, sizeof(url), "%s%s", base, rc->rq->raw);
		self = json_string(url);
	}
	return json_pack("{s:o*,s:n,s:n}", "self", self, "previous", "next");
}

/* An id as it may go into an answer: text, else not at all. */
const char *
res_id_shown(const char *id)
{
	return utf8_name_ok(id, STORE_NAME_MAX) ? id : "(not shown)";
}

/* The row of kind k and id into *objp (caller owns), or 404 queued:
 * "Could not find <member>: <id>." */
int
res_load(struct res_call *rc, enum store_kind k, const char *member,
    const char *id, json_t **objp)
{
	int	 r;

	*objp = NULL;
	if ((r = store_row_json(ST_OF(rc), k, id, (void **)objp)) ==
	    SIG_ERR_KEY_NOT_FOUND)
		return res_fail(rc, 404, "Could not find %s: %s.", member,
		    res_id_shown(id));
	return r != 0 ? res_store_fail(rc, r, member) : 0;
}

/* The member rc->id into *objp (caller owns), or 404 queued. */
static int
load(struct res_call *rc, json_t **objp)
{
	return res_load(rc, rc->co->kind, rc->co->what ? rc->co->what :
	    rc->co->member, rc->id, objp);
}

/* 0 when the caller may take action on tg; else 403 queued. */
int
res_allowed(struct res_call *rc, const char *action,
    const struct policy_target *tg)
{
	if (policy_allows(rc->caller, action, tg))
		return 0;
	return res_fail(rc, 403, "You are not authorized to perform the "
	    "requested action: %s.", action);
}

static int
allowed(struct res_call *rc, int act, json_t *obj)
{
	struct policy_target	 tg;

	memset(&tg, 0, sizeof(tg));
	rc->act = NULL;
	if (rc->co->target != NULL)
		rc->co->target(rc, obj, &tg);
	return res_allowed(rc, rc->act != NULL ? rc->act : rc->co->act[act],
	    &tg);
}

/* Keystone's attr_as_boolean: its false strings, anything else true. */
static const char *
bool_arg(const char *v)
{
	static const char *const no[] = { "0", "f", "false", "n", "no",
	    "off" };
	size_t	 i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0)
			return "0";
	return "1";
}

/* A query argument's value; NULL when absent or without one. */
const char *
res_query(struct res_call *rc, const char *key)
{
	return MHD_lookup_connection_value(rc->c, MHD_GET_ARGUMENT_KIND, key);
}

/* Keystone's query_filter_is_true: there, and not "0". */
int
res_query_true(struct res_call *rc, const char *key)
{
	const char	*v = res_query(rc, key);

	if (!api_has_arg(rc->c, key))
		return 0;
	return v == NULL || strcmp(v, "0") != 0;	/* not secret */
}

static void
filters_of(struct res_call *rc, const char **f)
{
	const char	*v;
	int		 i;

	for (i = 0; i < SF_MAX; i++) {
		f[i] = NULL;
		if (rc->co->filters[i] == NULL || (v =
		    res_query(rc, rc->co->filters[i])) == NULL)
			continue;
		f[i] = i == SF_ENABLED || i == SF_IS_DOMAIN ? bool_arg(v) : v;
	}
	if (rc->co->parent == PARENT_USER)
		f[SF_USER] = rc->parent;
	else if (rc->co->parent == PARENT_GROUP)
		f[SF_GROUP] = rc->parent;
	if (rc->co->list_filters != NULL)
		rc->co->list_filters(rc, f);
}

/*
 * As Keystone: a domain-scoped caller sees its own domain's projects,
 * users and groups (a user's projects are all the user's, though).
 */
static int
in_scope(struct res_call *rc, const char **f)
{
	const char	*dom = res_caller_scope(rc, "domain");
	enum store_kind	 k = rc->co->kind;

	if (dom == NULL || (k != STORE_PROJECT && k != STORE_USER &&
	    k != STORE_GROUP) || (k == STORE_PROJECT && rc->parent != NULL))
		return 1;
	if (f[SF_DOMAIN] != NULL && strcmp(f[SF_DOMAIN], dom) != 0)
		return 0;
	f[SF_DOMAIN] = dom;
	return 1;
}

/* /v3/users/{user_id}/projects and alike: the parent must exist, as in
 * Keystone. */
static int
parent_found(struct res_call *rc)
{
	struct store_user	 u;
	json_t			*g;
	int			 r;

	if (rc->co->parent == PARENT_NONE)
		return 0;
	if (rc->co->parent == PARENT_GROUP)
		r = store_row_json(ST_OF(rc), STORE_GROUP, rc->parent,
		    (void **)&g);
	else
		r = store_user_get(ST_OF(rc), rc->parent, NULL, NULL, &u);
	if (r == 0) {
		if (rc->co->parent == PARENT_GROUP)
			json_decref(g);
		return 0;
	}
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return res_fail(rc, 404, "Could not find %s: %s.",
		    rc->co->parent == PARENT_GROUP ? "group" : "user",
		    res_id_shown(rc->parent));
	return res_store_fail(rc, r, "user");
}

static int
do_list(struct res_call *rc)
{
	const char	*f[SF_MAX];
	json_t		*arr, *o;
	size_t		 i;
	int		 r;

	if (parent_found(rc) != 0 || allowed(rc, ACT_LIST, NULL) != 0)
		return -1;
	filters_of(rc, f);
	if ((arr = json_array()) == NULL)
		return res_store_fail(rc, SIG_ERR_NOMEM, rc->co->name);
	if (in_scope(rc, f) && (r = store_rows_json(ST_OF(rc), rc->co->kind,
	    f, arr)) != 0) {
		json_decref(arr);
		return res_store_fail(rc, r, rc->co->name);
	}
	json_array_foreach(arr, i, o) {
		json_object_del(o, rc->co->list_hides[0] ?: "");
		json_object_del(o, rc->co->list_hides[1] ?: "");
		res_wrapped(rc, o);
	}
	rc->ret = api_json(rc->c, 200, json_pack("{s:o,s:o}", rc->co->name,
	    arr, "links", res_list_links(rc)), NULL);
	return 0;
}

static int
do_get(struct res_call *rc)
{
	json_t	*obj;

	if (load(rc, &obj) != 0)
		return -1;
	if (allowed(rc, ACT_GET, obj) != 0) {
		json_decref(obj);
		return -1;
	}
	rc->ret = api_json(rc->c, 200, json_pack("{s:o}", rc->co->member,
	    res_wrapped(rc, obj)), NULL);
	return 0;
}

/* The request's member object, checked against fields; or queued 4xx. */
int
res_body(struct res_call *rc, const char *member, const struct field *fields,
    int update, json_t **objp)
{
	char	 msg[API_JSON_MSG_MAX];
	int	 code;

	if ((code = json_in_member(rc->c, rc->rq, member, objp,
	    msg)) == 413)
		return res_fail(rc, 413, "Request is too large.");
	if (code != 0 || json_in_check(*objp, fields, update, msg) != 0) {
		json_decref(*objp);
		*objp = NULL;
		return res_fail(rc, 400, "%s", msg);
	}
	return 0;
}

static int
body(struct res_call *rc, const struct field *fields, int update,
    json_t **objp)
{
	return res_body(rc, rc->co->member, fields, update, objp);
}

/*
 * Keystone's resource options: the ones set (in) over the ones there
 * (old, or NULL), a null taking one away; into in's "options".
 */
int
res_options(struct res_call *rc, json_t *old, json_t *in)
{
	json_t		*opts = json_object(), *v;
	const char	*k;

	(void)rc;
	if (old != NULL)
		json_object_update(opts, json_object_get(old, "options"));
	json_object_update(opts, json_object_get(in, "options"));
	json_object_foreach(json_object_get(in, "options"), k, v)
		if (json_is_null(v))
			json_object_del(opts, k);
	json_object_set_new(in, "options", opts);
	return 0;
}

/* Within the transaction: checked, completed (prepare) and written. */
static int
create_locked(struct res_call *rc, json_t *obj)
{
	int	 r;

	if (rc->id != NULL) {		/* PUT: the path names it */
		const char *in = json_string_value(json_object_get(obj,
		    "id"));

		if (in != NULL && strcmp(in, rc->id) != 0)
			return res_fail(rc, 400, "Conflicting %s IDs "
			    "specified.", rc->co->member);
		json_object_set_new(obj, "id", json_string(rc->id));
	}
	if (rc->co->prepare != NULL && rc->co->prepare(rc, NULL, obj) != 0)
		return -1;
	if ((r = store_row_put(ST_OF(rc), rc->co->kind, obj, 1)) != 0)
		return res_store_fail(rc, r, rc->co->member);
	return 0;
}

/* The answer is the row as stored, read back in the transaction. */
int
res_stored(struct res_call *rc, json_t **objp)
{
	json_t	*row;
	int	 r;

	if ((r = store_row_json(ST_OF(rc), rc->co->kind, json_string_value(
	    json_object_get(*objp, "id")), (void **)&row)) != 0)
		return res_store_fail(rc, r, rc->co->member);
	json_decref(*objp);
	*objp = row;
	return 0;
}

/* The transaction of a write begun, or 503 queued. */
int
res_begin(struct res_call *rc)
{
	int	 r;

	if ((r = store_begin(ST_OF(rc))) != 0)
		return res_store_fail(rc, r, "the identity store");
	return 0;
}

/* r 0: committed (or 503 queued); else rolled back, r returned. */
int
res_commit(struct res_call *rc, int r)
{
	if (r != 0) {
		store_rollback(ST_OF(rc));
		return r;
	}
	if (store_commit(ST_OF(rc)) != 0)
		return res_fail(rc, 503, "The identity store is unavailable.");
	return 0;
}

void
res_no_content(struct res_call *rc)
{
	rc->ret = api_json(rc->c, 204, NULL, NULL);
}

void
res_method_not_allowed(struct res_call *rc)
{
	res_fail(rc, 405, "The method is not allowed.");
}

static int
do_create(struct res_call *rc)
{
	json_t	*obj;
	int	 r;

	if (allowed(rc, ACT_CREATE, NULL) != 0 ||
	    body(rc, rc->co->create, 0, &obj) != 0)
		return -1;
	if (rc->co->before != NULL && rc->co->before(rc, obj) != 0) {
		json_decref(obj);
		return -1;
	}
	if (rc->co->post != NULL)
		return rc->co->post(rc, obj);
	if ((r = store_begin(ST_OF(rc))) != 0) {
		json_decref(obj);
		return res_store_fail(rc, r, rc->co->member);
	}
	if ((r = create_locked(rc, obj)) == 0)
		r = res_stored(rc, &obj);
	if (res_commit(rc, r) != 0) {
		json_decref(obj);
		return -1;
	}
	rc->ret = api_json(rc->c, 201, json_pack("{s:o}", rc->co->member,
	    res_wrapped(rc, obj)), NULL);
	return 0;
}

/* Within the transaction: the row as it is now, the change merged in. */
static int
update_locked(struct res_call *rc, json_t *patch, json_t **objp)
{
	json_t		*old, *obj;
	const char	*in;
	int		 r;

	if (load(rc, &old) != 0)
		return -1;
	in = json_string_value(json_object_get(patch, "id"));
	obj = json_deep_copy(old);
	json_object_update(obj, patch);
	if (in != NULL && strcmp(in, rc->id) != 0)
		r = res_fail(rc, 400, "Cannot change ID");
	else if (rc->co->prepare != NULL && rc->co->prepare(rc, old, obj) != 0)
		r = -1;
	else if ((r = store_row_put(ST_OF(rc), rc->co->kind, obj, 0)) != 0)
		r = res_store_fail(rc, r, rc->co->member);
	json_decref(old);
	if (r != 0)
		json_decref(obj);
	else
		*objp = obj;
	return r;
}

/*
 * Who may, and what: checked before the transaction (as is the work
 * "before" does, a password's hash), then the row as it is once the
 * write lock is held.
 */
static int
do_update(struct res_call *rc)
{
	json_t	*old, *patch = NULL, *obj = NULL;
	int	 r;

	if (load(rc, &old) != 0)
		return -1;
	r = allowed(rc, ACT_UPDATE, old) != 0 ||
	    body(rc, rc->co->update, 1, &patch) != 0 ||
	    (rc->co->before != NULL && rc->co->before(rc, patch) != 0);
	json_decref(old);
	if (r != 0) {
		json_decref(patch);
		return -1;
	}
	if ((r = store_begin(ST_OF(rc))) != 0) {
		json_decref(patch);
		return res_store_fail(rc, r, rc->co->member);
	}
	rc->patch = patch;
	if ((r = update_locked(rc, patch, &obj)) == 0)
		r = res_stored(rc, &obj);
	rc->patch = NULL;
	json_decref(patch);
	if (res_commit(rc, r) != 0) {
		json_decref(obj);
		return -1;
	}
	rc->ret = api_json(rc->c, 200, json_pack("{s:o}", rc->co->member,
	    res_wrapped(rc, obj)), NULL);
	return 0;
}

static int
delete_locked(struct res_call *rc)
{
	json_t	*old;
	int	 r;

	if (load(rc, &old) != 0)
		return -1;
	r = allowed(rc, ACT_DELETE, old) != 0 ? -1 : rc->co->remove(rc, old);
	json_decref(old);
	return r;
}

static int
do_delete(struct res_call *rc)
{
	int	 r;

	if ((r = store_begin(ST_OF(rc))) != 0)
		return res_store_fail(rc, r, rc->co->member);
	if (res_commit(rc, delete_locked(rc)) != 0)
		return -1;
	rc->ret = api_json(rc->c, 204, NULL, NULL);
	return 0;
}

static int
is(const char *method, const char *m)
{
	return strcmp(method, m) == 0;
}

static void
serve(struct res_call *rc, const char *method)
{
	int	 get = is(method, "GET") || is(method, "HEAD");

	if (rc->id == NULL && get)
		do_list(rc);
	else if (rc->id == NULL && is(method, "POST") && rc->co->create &&
	    (rc->parent == NULL || rc->co->post != NULL))
		do_create(rc);
	else if (rc->id != NULL && get)
		do_get(rc);
	else if (rc->id != NULL && is(method, "PATCH") && rc->co->update)
		do_update(rc);
	else if (rc->id != NULL && is(method, "DELETE"))
		do_delete(rc);
	else if (rc->id != NULL && is(method, "PUT") && rc->co->put)
		do_create(rc);
	else
		res_fail(rc, 405, "The method is not allowed.");
}

/*
 * A segment of the path: up to the next '/', at most STORE_NAME_MAX
 * bytes; *next past it. NULL when empty or too long.
 */
static const char *
segment(const char *p, char *out, const char **next)
{
	size_t	 n = strcspn(p, "/");

	if (n == 0 || n > STORE_NAME_MAX)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	*next = p + n;
	return out;
}

/*
 * A relation's pattern against url: each "*" one segment (an id), into
 * bufs and rc->ids. 1 when it matches.
 */
static int
match(struct res_call *rc, const char *pat, const char *url,
    char (*bufs)[STORE_NAME_MAX + 1])
{
	int	 n = 0;

	while (*pat != '\0') {
		if (*pat == '*') {
			if (n == 4 || segment(url, bufs[n], &url) == NULL)
				return 0;
			rc->ids[n] = bufs[n];
			n++;
			pat++;
		} else if (*pat++ != *url++)
			return 0;
	}
	return *url == '\0';
}

/*
 * /v3/<name>[/<id>], /v3/<parent>s/<id>/<name>, or a relation (rel set);
 * 0 when it is none of them.
 */
static int
parse(struct res_call *rc, const char *url, char *id,
    char (*bufs)[STORE_NAME_MAX + 1], const struct relation **rel)
{
	char		 name[STORE_NAME_MAX + 1], sub[STORE_NAME_MAX + 1];
	const char	*p, *q;
	size_t		 i;

	*rel = NULL;
	for (i = 0; i < sizeof(relations) / sizeof(relations[0]); i++) {
		memset(rc->ids, 0, sizeof(rc->ids));
		if (match(rc, relations[i].pattern, url, bufs)) {
			*rel = &relations[i];
			return 1;
		}
	}
	memset(rc->ids, 0, sizeof(rc->ids));
	if (strncmp(url, "/v3/", 4) != 0 ||
	    segment(url + 4, name, &p) == NULL)
		return 0;
	if (*p == '/' && segment(p + 1, id, &q) != NULL && *q == '/' &&
	    segment(q + 1, sub, &q) != NULL) {
		for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			if (strcmp(subs[i].parent, name) == 0 &&
			    strcmp(subs[i].name, sub) == 0) {
				rc->co = subs[i].co;
				rc->parent = id;
				if (*q == '\0')
					return 1;
				/* a member's id: bufs[0], no relation here */
				if (!subs[i].members || *q != '/' ||
				    segment(q + 1, bufs[0], &q) == NULL ||
				    *q != '\0')
					return 0;
				rc->id = bufs[0];
				return 1;
			}
		return 0;
	}
	for (i = 0; i < sizeof(colls) / sizeof(colls[0]); i++)
		if (strcmp(colls[i]->name, name) == 0)
			rc->co = colls[i];
	if (rc->co == NULL)
		return 0;
	if (*p == '\0')
		return 1;
	if (*p != '/' || segment(p + 1, id, &p) == NULL || *p != '\0')
		return 0;
	rc->id = id;
	return 1;
}

enum MHD_Result
resource_dispatch(struct api *a, struct MHD_Connection *c, const char *url,
    const char *method, struct api_req *rq)
{
	const struct relation	*rel;
	struct res_call		 rc;
	json_t			*doc = NULL;
	char			 id[STORE_NAME_MAX + 1];
	char			 bufs[4][STORE_NAME_MAX + 1];

	memset(&rc, 0, sizeof(rc));
	rc.a = a;
	rc.c = c;
	rc.rq = rq;
	if (!parse(&rc, url, id, bufs, &rel))
		return api_error(a, c, 404, "The resource could not be "
		    "found.");
	if ((rel == NULL || !rel->anonymous) &&
	    api_caller(a, c, &doc, &rc.ret) != 0)
		return rc.ret;
	rc.caller = json_object_get(doc, "token");
	if (rel != NULL)
		rel->serve(&rc, method, rel->how);
	else
		serve(&rc, method);
	json_decref(doc);
	return rc.ret;
}
