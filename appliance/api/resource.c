/*
 * signet-api: the identity API's collections and members, the same way
 * for each: /v3/<name> (GET, HEAD, POST) and /v3/<name>/{id} (GET, HEAD,
 * PATCH, DELETE; PUT where Keystone creates by id), and a user's own
 * (/v3/users/{user_id}/projects, .../application_credentials), answered in
 * Keystone's shapes (links on the collection and on each member). The
 * caller comes from its X-Auth-Token; every write runs in one store
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
	&coll_projects,
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

static json_t *
self_link(struct res_call *rc, const char *name, const char *id)
{
	char	 base[512], url[1024];

	api_base_url(rc->a, rc->c, base, sizeof(base));
	snprintf(url, sizeof(url), "%s/v3/%s/%s", base, name, id);
	return json_pack("{s:s}", "self", url);
}

json_t *
res_wrapped(struct res_call *rc, json_t *obj)
{
	const char	*id = json_string_value(json_object_get(obj, "id"));

	json_object_set_new(obj, "links", self_link(rc, rc->co->name,
	    id ? id : ""));
	return obj;
}

/* The collection's own link: the path as asked, with its query. */
static json_t *
list_links(struct res_call *rc)
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

static const char *
id_shown(const char *id)
{
	return utf8_name_ok(id, STORE_NAME_MAX) ? id : "(not shown)";
}

/* The member rc->id into *objp (caller owns), or 404 queued. */
static int
load(struct res_call *rc, json_t **objp)
{
	int	 r;

	if ((r = store_row_json(ST_OF(rc), rc->co->kind, rc->id,
	    (void **)objp)) == SIG_ERR_KEY_NOT_FOUND)
		return res_fail(rc, 404, "Could not find %s: %s.",
		    rc->co->what ? rc->co->what : rc->co->member,
		    id_shown(rc->id));
	return r != 0 ? res_store_fail(rc, r, rc->co->member) : 0;
}

static int
allowed(struct res_call *rc, int act, json_t *obj)
{
	struct policy_target	 tg = { NULL, NULL, NULL };

	if (rc->co->target != NULL)
		rc->co->target(rc, obj, &tg);
	if (policy_allows(rc->caller, rc->co->act[act], &tg))
		return 0;
	return res_fail(rc, 403, "You are not authorized to perform the "
	    "requested action: %s.", rc->co->act[act]);
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

static void
filters_of(struct res_call *rc, const char **f)
{
	const char	*v;
	int		 i;

	for (i = 0; i < SF_MAX; i++) {
		f[i] = NULL;
		if (rc->co->filters[i] == NULL || (v =
		    MHD_lookup_connection_value(rc->c, MHD_GET_ARGUMENT_KIND,
		    rc->co->filters[i])) == NULL)
			continue;
		f[i] = i == SF_ENABLED ? bool_arg(v) : v;
	}
	f[SF_USER] = rc->user;
}

/* As Keystone: a domain-scoped caller sees its own domain's projects. */
static int
in_scope(struct res_call *rc, const char **f)
{
	const char	*dom = res_caller_scope(rc, "domain");

	if (rc->co->kind != STORE_PROJECT || rc->user != NULL || dom == NULL)
		return 1;
	if (f[SF_DOMAIN] != NULL && strcmp(f[SF_DOMAIN], dom) != 0)
		return 0;
	f[SF_DOMAIN] = dom;
	return 1;
}

/* /v3/users/{user_id}/projects: the user must exist, as in Keystone
 * (which lists a missing user's application credentials: none). */
static int
user_found(struct res_call *rc)
{
	struct store_user	 u;
	int			 r;

	if (rc->user == NULL || rc->co->kind != STORE_PROJECT ||
	    (r = store_user_get(ST_OF(rc), rc->user, NULL, NULL, &u)) == 0)
		return 0;
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return res_fail(rc, 404, "Could not find user: %s.",
		    id_shown(rc->user));
	return res_store_fail(rc, r, "user");
}

static int
do_list(struct res_call *rc)
{
	const char	*f[SF_MAX];
	json_t		*arr, *o;
	size_t		 i;
	int		 r;

	if (user_found(rc) != 0 || allowed(rc, ACT_LIST, NULL) != 0)
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
	    arr, "links", list_links(rc)), NULL);
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
static int
body(struct res_call *rc, const struct field *fields, int update,
    json_t **objp)
{
	char	 msg[API_JSON_MSG_MAX];
	int	 code;

	if ((code = json_in_member(rc->c, rc->rq, rc->co->member, objp,
	    msg)) == 413)
		return res_fail(rc, 413, "Request is too large.");
	if (code != 0 || json_in_check(*objp, fields, update, msg) != 0) {
		json_decref(*objp);
		*objp = NULL;
		return res_fail(rc, 400, "%s", msg);
	}
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

static int
do_create(struct res_call *rc)
{
	json_t	*obj;
	int	 r;

	if (allowed(rc, ACT_CREATE, NULL) != 0 ||
	    body(rc, rc->co->create, 0, &obj) != 0)
		return -1;
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

/* Within the transaction: the row as it is, the change merged in. */
static int
update_locked(struct res_call *rc, json_t **objp)
{
	json_t		*old, *patch, *obj;
	const char	*in;
	int		 r;

	if (load(rc, &old) != 0)
		return -1;
	if (allowed(rc, ACT_UPDATE, old) != 0 ||
	    body(rc, rc->co->update, 1, &patch) != 0) {
		json_decref(old);
		return -1;
	}
	in = json_string_value(json_object_get(patch, "id"));
	obj = json_deep_copy(old);
	json_object_update(obj, patch);
	json_decref(patch);
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

static int
do_update(struct res_call *rc)
{
	json_t	*obj = NULL;
	int	 r;

	if ((r = store_begin(ST_OF(rc))) != 0)
		return res_store_fail(rc, r, rc->co->member);
	if ((r = update_locked(rc, &obj)) == 0)
		r = res_stored(rc, &obj);
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
	else if (rc->id == NULL && is(method, "POST") && rc->co->create)
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

/* The member's id ending the path at p ("" or "/<id>"); 0 if neither. */
static int
member(struct res_call *rc, const char *p, char *id)
{
	if (*p == '\0')
		return 1;
	if (*p != '/' || segment(p + 1, id, &p) == NULL || *p != '\0')
		return 0;
	rc->id = id;
	return 1;
}

/* /users/<user>/projects or /users/<user>/application_credentials[/<id>] */
static int
under_user(struct res_call *rc, const char *p, char *user, char *id)
{
	static const char creds[] = "/application_credentials";

	if (*p != '/' || segment(p + 1, user, &p) == NULL)
		return 0;
	rc->user = user;
	if (strcmp(p, "/projects") == 0) {
		rc->co = &coll_user_projects;
		return 1;
	}
	if (strncmp(p, creds, sizeof(creds) - 1) != 0)
		return 0;
	rc->co = &coll_app_creds;
	return member(rc, p + sizeof(creds) - 1, id);
}

/* /v3/<name>[/<id>] or a user's own collection; 0 when it is neither. */
static int
parse(struct res_call *rc, const char *url, char *user, char *id)
{
	char		 name[STORE_NAME_MAX + 1];
	const char	*p;
	size_t		 i;

	if (strncmp(url, "/v3/", 4) != 0 ||
	    segment(url + 4, name, &p) == NULL)
		return 0;
	if (strcmp(name, "users") == 0)
		return under_user(rc, p, user, id);
	for (i = 0; i < sizeof(colls) / sizeof(colls[0]); i++)
		if (strcmp(colls[i]->name, name) == 0)
			rc->co = colls[i];
	return rc->co != NULL && member(rc, p, id);
}

enum MHD_Result
resource_dispatch(struct api *a, struct MHD_Connection *c, const char *url,
    const char *method, struct api_req *rq)
{
	struct res_call	 rc;
	json_t		*doc;
	char		 user[STORE_NAME_MAX + 1], id[STORE_NAME_MAX + 1];

	memset(&rc, 0, sizeof(rc));
	rc.a = a;
	rc.c = c;
	rc.rq = rq;
	if (!parse(&rc, url, user, id))
		return api_error(a, c, 404, "The resource could not be "
		    "found.");
	if (api_caller(a, c, &doc, &rc.ret) != 0)
		return rc.ret;
	rc.caller = json_object_get(doc, "token");
	serve(&rc, method);
	json_decref(doc);
	return rc.ret;
}
