/*
 * signet-api: POST, GET and HEAD /v3/auth/tokens. Authentication failures
 * all get the same 401 (no hint at which part was wrong); a subject token
 * that does not validate is 404, as keystonemiddleware expects.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "api.h"
#include "b64url.h"
#include "err.h"
#include "isotime.h"
#include "log.h"

#define AUTH_FAILED	"The request you have made requires authentication."
#define S(p)		((char *)(uintptr_t)(p))

enum scope_kind { SC_UNSCOPED, SC_PROJECT, SC_DOMAIN, SC_SYSTEM };

struct arg_probe {
	const char	*key;
	int		 found;
};

static enum MHD_Result
arg_seen(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct arg_probe	*ap = cls;

	(void)kind;
	(void)value;
	if (strcmp(key, ap->key) == 0)
		ap->found = 1;
	return MHD_YES;
}

/* "?nocatalog" carries no value: presence is what counts. */
static int
has_arg(struct MHD_Connection *cn, const char *key)
{
	struct arg_probe	 ap = { key, 0 };

	MHD_get_connection_values(cn, MHD_GET_ARGUMENT_KIND, arg_seen, &ap);
	return ap.found;
}

struct auth_req {
	const char	*user_id, *user_name, *udom_id, *udom_name;
	const char	*password;
	enum scope_kind	 scope;
	const char	*p_id, *p_name, *pdom_id, *pdom_name, *d_id, *d_name;
};

/* 0 absent, 1 a string of 1..max bytes without NUL, -1 anything else. */
static int
jstr(json_t *o, const char *k, size_t max, const char **out)
{
	json_t	*v = json_object_get(o, k);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 1;
}

/* {"id"} or {"name", "domain": {"id"|"name"}} as Keystone's schema. */
static const char *
parse_named(json_t *o, const char **id, const char **name,
    const char **did, const char **dname)
{
	json_t	*d = json_object_get(o, "domain");

	if (!json_is_object(o) || jstr(o, "id", 255, id) < 0 ||
	    jstr(o, "name", 255, name) < 0)
		return "id or name";
	if (*id == NULL && *name == NULL)
		return "id or name";
	if (*id == NULL && (!json_is_object(d) || jstr(d, "id", 255, did) < 0 ||
	    jstr(d, "name", 255, dname) < 0 || (*did == NULL && *dname == NULL)))
		return "domain";
	return NULL;
}

static const char *
parse_scope(json_t *s, struct auth_req *ar)
{
	const char	*dummy;

	if (s == NULL || (json_is_string(s) &&
	    strcmp(json_string_value(s), "unscoped") == 0))
		return (ar->scope = SC_UNSCOPED, NULL);
	if (!json_is_object(s) || json_object_size(s) != 1)
		return "scope";
	if (json_object_get(s, "project") != NULL) {
		ar->scope = SC_PROJECT;
		return parse_named(json_object_get(s, "project"), &ar->p_id,
		    &ar->p_name, &ar->pdom_id, &ar->pdom_name);
	}
	if (json_object_get(s, "domain") != NULL) {
		ar->scope = SC_DOMAIN;
		json_t *d = json_object_get(s, "domain");
		if (!json_is_object(d) || jstr(d, "id", 255, &ar->d_id) < 0 ||
		    jstr(d, "name", 255, &ar->d_name) < 0 ||
		    (ar->d_id == NULL && ar->d_name == NULL))
			return "scope.domain";
		return NULL;
	}
	if (json_is_true(json_object_get(json_object_get(s, "system"),
	    "all")) && jstr(s, "x", 1, &dummy) == 0)
		return (ar->scope = SC_SYSTEM, NULL);
	return "scope";
}

static const char *
parse_auth(json_t *doc, struct auth_req *ar)
{
	json_t	*auth = json_object_get(doc, "auth");
	json_t	*id = json_object_get(auth, "identity");
	json_t	*m = json_object_get(id, "methods");
	json_t	*user = json_object_get(json_object_get(id, "password"),
		    "user");

	memset(ar, 0, sizeof(*ar));
	if (!json_is_object(doc) || json_object_size(doc) != 1 ||
	    !json_is_object(auth) || !json_is_object(id))
		return "auth.identity";
	if (!json_is_array(m) || json_array_size(m) != 1 ||
	    !json_is_string(json_array_get(m, 0)) ||
	    strcmp(json_string_value(json_array_get(m, 0)), "password") != 0)
		return "auth.identity.methods (only [\"password\"] is served)";
	if (!json_is_object(user) || jstr(user, "password", STORE_PASSWORD_MAX,
	    &ar->password) != 1)
		return "auth.identity.password.user.password";
	if (parse_named(user, &ar->user_id, &ar->user_name, &ar->udom_id,
	    &ar->udom_name) != NULL)
		return "auth.identity.password.user";
	return parse_scope(json_object_get(auth, "scope"), ar);
}

/* Fills the claims' scope, or SIG_ERR_KEY_NOT_FOUND (-> 401). */
static int
resolve_scope(struct api *a, const struct auth_req *ar,
    Signet__V1__Claims *c, char *pid, char *did)
{
	struct store_scope	 sc;
	json_t			*roles = json_array();
	int			 r = 0;

	if (ar->scope == SC_PROJECT) {
		if ((r = store_project_get(a->st, ar->p_id ? ar->p_id :
		    ar->p_name, ar->p_id ? NULL : ar->pdom_id, ar->p_id ?
		    NULL : ar->pdom_name, &sc)) == 0 && sc.enabled &&
		    (r = store_roles_json(a->st, c->user_id, "project", sc.id,
		    roles)) == 0) {
			strcpy(pid, sc.id);
			c->project_id = pid;
			c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
		}
	} else if (ar->scope == SC_DOMAIN) {
		if ((r = store_domain_get(a->st, ar->d_id, ar->d_name,
		    &sc)) == 0 && sc.enabled && (r = store_roles_json(a->st,
		    c->user_id, "domain", sc.id, roles)) == 0) {
			strcpy(did, sc.id);
			c->domain_id = did;
			c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN;
		}
	} else if (ar->scope == SC_SYSTEM) {
		c->system = S("all");
		c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM;
		r = store_roles_json(a->st, c->user_id, "system", "all", roles);
	}
	if (r == 0 && ar->scope != SC_UNSCOPED &&
	    (json_array_size(roles) == 0 || (ar->scope != SC_SYSTEM &&
	    !sc.enabled)))
		r = SIG_ERR_KEY_NOT_FOUND;
	json_decref(roles);
	return r;
}

/* The Fernet envelope's timestamp, which is the token's issued_at. */
static int64_t
token_issued_at(const char *tok)
{
	uint8_t	 b[9];
	size_t	 n;
	int64_t	 t = 0;
	int	 i;

	if (strlen(tok) < 12 || b64url_decode(tok, 12, B64URL_NOPAD, b,
	    sizeof(b), &n) != 0 || n != 9)
		return time(NULL);
	for (i = 1; i < 9; i++)
		t = t << 8 | b[i];
	return t;
}

static enum MHD_Result
issue(struct api *a, struct MHD_Connection *cn, Signet__V1__Claims *c,
    int catalog)
{
	Signet__V1__Request	 req;
	Signet__V1__IssueFernetRequest in;
	Signet__V1__Response	*resp = NULL;
	enum MHD_Result		 ret;
	json_t			*doc;
	char			*tok;

	signet__v1__request__init(&req);
	signet__v1__issue_fernet_request__init(&in);
	in.claims = c;
	req.call_case = SIGNET__V1__REQUEST__CALL_ISSUE_FERNET;
	req.issue_fernet = &in;
	if (api_signer_call(a, &req, &resp) != 0 ||
	    resp->status != SIGNET__V1__STATUS__STATUS_OK) {
		if (resp != NULL)
			log_warn("signer refused a token: %s", resp->error);
		sigc_response_free(resp);
		return api_error(a, cn, 503, "The token service is "
		    "temporarily unavailable.");
	}
	tok = resp->issue_fernet->token;
	if (token_doc(a, c, token_issued_at(tok), catalog, &doc) != 0) {
		sigc_response_free(resp);
		return api_error(a, cn, 401, AUTH_FAILED);
	}
	ret = api_json(cn, 201, doc, tok);
	sigc_response_free(resp);
	return ret;
}

static enum MHD_Result
authenticate(struct api *a, struct MHD_Connection *cn, json_t *doc)
{
	static char		 pw_method[] = "password";
	struct auth_req		 ar;
	struct store_user	 u;
	Signet__V1__Claims	 c;
	char			*methods[1] = { pw_method }, *audit[1];
	char			 aid[23], pid[STORE_NAME_MAX + 1];
	char			 did[STORE_NAME_MAX + 1], msg[160];
	uint8_t			 rnd[16];
	const char		*bad;

	if ((bad = parse_auth(doc, &ar)) != NULL) {
		snprintf(msg, sizeof(msg), "Invalid input for field '%s'.",
		    bad);
		return api_error(a, cn, 400, msg);
	}
	if (store_user_get(a->st, ar.user_id ? ar.user_id : ar.user_name,
	    ar.user_id ? NULL : ar.udom_id, ar.user_id ? NULL : ar.udom_name,
	    &u) != 0 || !u.enabled ||
	    password_check(ar.password, strlen(ar.password), u.hash) != 0)
		return api_error(a, cn, 401, AUTH_FAILED);
	signet__v1__claims__init(&c);
	c.user_id = u.id;
	if (resolve_scope(a, &ar, &c, pid, did) != 0)
		return api_error(a, cn, 401, AUTH_FAILED);
	RAND_bytes(rnd, sizeof(rnd));
	rnd[6] = (rnd[6] & 0x0f) | 0x40;	/* a uuid4, as Keystone's */
	rnd[8] = (rnd[8] & 0x3f) | 0x80;
	b64url_encode(rnd, sizeof(rnd), B64URL_NOPAD, aid, sizeof(aid));
	audit[0] = aid;
	c.methods = methods;
	c.n_methods = 1;
	c.audit_ids = audit;
	c.n_audit_ids = 1;
	c.expires_at = time(NULL) + a->cf->token_expiration;
	return issue(a, cn, &c, !has_arg(cn, "nocatalog"));
}

/* OpenFernet; caller owns *respp. */
static int
open_token(struct api *a, const char *tok, int allow_expired,
    Signet__V1__Response **respp)
{
	Signet__V1__Request	 req;
	Signet__V1__OpenFernetRequest in;
	int			 r;

	*respp = NULL;
	if (tok == NULL || strlen(tok) > API_TOKEN_MAX)
		return SIG_ERR_KEY_NOT_FOUND;
	signet__v1__request__init(&req);
	signet__v1__open_fernet_request__init(&in);
	in.token = S(tok);
	in.allow_expired = allow_expired;
	req.call_case = SIGNET__V1__REQUEST__CALL_OPEN_FERNET;
	req.open_fernet = &in;
	if ((r = api_signer_call(a, &req, respp)) != 0)
		return SIG_ERR_HSM_REINIT;
	if ((*respp)->status == SIGNET__V1__STATUS__STATUS_OK)
		return 0;
	r = (*respp)->status == SIGNET__V1__STATUS__STATUS_NOT_FOUND ?
	    SIG_ERR_KEY_NOT_FOUND : SIG_ERR_HSM_REINIT;
	sigc_response_free(*respp);
	*respp = NULL;
	return r;
}

/* admin or service on the caller's scope, or the subject's own user. */
static int
may_validate(json_t *caller, const char *subject_user)
{
	json_t		*t = json_object_get(caller, "token"), *role;
	const char	*uid = json_string_value(json_object_get(
			    json_object_get(t, "user"), "id"));
	size_t		 i;

	if (uid != NULL && strcmp(uid, subject_user) == 0)
		return 1;
	json_array_foreach(json_object_get(t, "roles"), i, role) {
		const char *n = json_string_value(json_object_get(role,
		    "name"));

		if (n != NULL && (strcmp(n, "admin") == 0 ||
		    strcmp(n, "service") == 0))
			return 1;
	}
	return 0;
}

static enum MHD_Result
validate(struct api *a, struct MHD_Connection *cn)
{
	const char	*auth = MHD_lookup_connection_value(cn,
			    MHD_HEADER_KIND, "X-Auth-Token");
	const char	*subj = MHD_lookup_connection_value(cn,
			    MHD_HEADER_KIND, "X-Subject-Token");
	const char	*ae = MHD_lookup_connection_value(cn,
			    MHD_GET_ARGUMENT_KIND, "allow_expired");
	Signet__V1__Response *cr = NULL, *sr = NULL;
	json_t		*caller = NULL, *doc = NULL;
	enum MHD_Result	 ret;
	int		 r;

	if ((r = open_token(a, auth, 0, &cr)) != 0 ||
	    token_doc(a, cr->open_fernet->claims, cr->open_fernet->issued_at,
	    0, &caller) != 0) {
		ret = r == SIG_ERR_HSM_REINIT ? api_error(a, cn, 503,
		    "The token service is temporarily unavailable.") :
		    api_error(a, cn, 401, AUTH_FAILED);
		goto out;
	}
	if (subj == NULL) {
		ret = api_error(a, cn, 404, "No token in the request");
		goto out;
	}
	r = open_token(a, subj, ae != NULL && (strcmp(ae, "1") == 0 ||
	    strcasecmp(ae, "true") == 0), &sr);
	if (r == 0 && !may_validate(caller, sr->open_fernet->claims->user_id))
		ret = api_error(a, cn, 403, "You are not authorized to "
		    "perform the requested action.");
	else if (r != 0 || token_doc(a, sr->open_fernet->claims,
	    sr->open_fernet->issued_at, !has_arg(cn, "nocatalog"), &doc) != 0)
		ret = r == SIG_ERR_HSM_REINIT ? api_error(a, cn, 503,
		    "The token service is temporarily unavailable.") :
		    api_error(a, cn, 404, "Failed to validate token");
	else
		ret = api_json(cn, 200, doc, subj);
 out:
	json_decref(caller);
	sigc_response_free(cr);
	sigc_response_free(sr);
	return ret;
}

enum MHD_Result
route_tokens(struct api *a, struct MHD_Connection *cn, const char *method,
    struct api_req *rq)
{
	const char	*ct;
	json_error_t	 je;
	json_t		*doc;
	enum MHD_Result	 ret;

	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return validate(a, cn);
	if (strcmp(method, "POST") != 0)
		return api_error(a, cn, 405, "The method is not allowed.");
	if (rq->too_big)
		return api_error(a, cn, 413, "Request is too large.");
	ct = MHD_lookup_connection_value(cn, MHD_HEADER_KIND, "Content-Type");
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0)
		return api_error(a, cn, 400, "Expecting to find "
		    "application/json in Content-Type header.");
	if ((doc = json_loadb(rq->body ? rq->body : "", rq->len,
	    JSON_REJECT_DUPLICATES, &je)) == NULL)
		return api_error(a, cn, 400, "Expecting to find valid JSON "
		    "in request body.");
	ret = authenticate(a, cn, doc);
	json_decref(doc);
	return ret;
}
