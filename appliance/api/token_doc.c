/*
 * signet-api: the token document of a POST or GET /v3/auth/tokens, built
 * from the claims the signer sealed or opened and from the store as it is
 * now: a disabled user, project or domain, or a user left without roles on
 * the scope, or an application credential's token whose credential is
 * gone, has no document (the token is treated as not found). Also
 * the other way: the claims of a document we signed (PKI) or stored (UUID).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define ST	api_store(a)	/* this thread's store connection */
#include "auth_claims.h"
#include "body_claims.h"
#include "err.h"
#include "isotime.h"
#include "json_text.h"
#include "catalog_url.h"
#include "log.h"
#include "provider.h"
#include "token_body.h"
#include "token_cache.h"

/* A document read back; c borrows from body. */
struct doc_opened {
	json_t			*body;
	struct token_body	 tb;
	Signet__V1__Claims	 c;
};

static json_t *
id_name_domain(const char *id, const char *name, const char *did,
    const char *dname)
{
	return json_pack("{s:{s:s,s:s},s:s,s:s}", "domain", "id", did, "name",
	    dname, "id", id, "name", name);
}

/*
 * What a store answer that gives no document means: the user or scope is
 * gone (SIG_ERR_KEY_NOT_FOUND: 401 or 404), or the store could not say
 * (SIG_ERR_UNAVAILABLE: 503, whatever the token).
 */
static int
missing(int r)
{
	return r == 0 || r == SIG_ERR_KEY_NOT_FOUND || r == SIG_ERR_AUTH ||
	    r == SIG_ERR_POLICY ? SIG_ERR_KEY_NOT_FOUND : SIG_ERR_UNAVAILABLE;
}

static int
add_scope(struct api *a, const Signet__V1__Claims *c, json_t *t,
    json_t *roles)
{
	struct store_scope	 sc;
	int			 r;

	if (*c->project_id != '\0') {
		if ((r = scache_project(ST, c->project_id, NULL, NULL,
		    &sc)) != 0 || !sc.enabled)
			return missing(r);
		json_object_set_new(t, "project", id_name_domain(sc.id,
		    sc.name, sc.domain_id, sc.domain_name));
		json_object_set_new(t, "is_domain", json_false());
		if (*c->app_cred_id != '\0')
			return appcred_doc(a, c, t, roles);
		return scache_roles(ST, c->user_id, "project", sc.id,
		    roles);
	}
	if (*c->domain_id != '\0') {
		if ((r = scache_domain(ST, c->domain_id, NULL, &sc)) != 0 ||
		    !sc.enabled)
			return missing(r);
		json_object_set_new(t, "domain", json_pack("{s:s,s:s}", "id",
		    sc.id, "name", sc.name));
		return scache_roles(ST, c->user_id, "domain", sc.id,
		    roles);
	}
	json_object_set_new(t, "system", json_pack("{s:b}", "all", 1));
	return scache_roles(ST, c->user_id, "system", "all", roles);
}

/*
 * This epoch's catalog for a token of project ("" for none) and user;
 * NULL when the store did not answer.
 */
json_t *
token_catalog(struct api *a, const char *project, const char *user)
{
	json_t	*cat, *mine = NULL;
	int	 subst;

	if ((cat = scache_catalog(ST, &subst)) != NULL)
		mine = catalog_for(cat, subst, project, user);
	json_decref(cat);
	return mine;
}

/* Caller owns *docp (json_decref). */
int
token_doc(struct api *a, const Signet__V1__Claims *c, int64_t issued_at,
    int catalog, json_t **docp)
{
	struct store_user	 u;
	json_t			*t, *m = json_array(), *au = json_array();
	json_t			*roles = json_array(), *cat;
	char			 exp[ISOTIME_LEN + 1], iss[ISOTIME_LEN + 1];
	size_t			 i;
	int			 r, scoped = c->scope !=
				    SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED;

	*docp = NULL;
	if ((r = scache_user(ST, c->user_id, &u)) != 0 || !u.enabled) {
		json_decref(m);
		json_decref(au);
		json_decref(roles);
		return missing(r);
	}
	for (i = 0; i < c->n_methods; i++)
		json_array_append_new(m, json_string(c->methods[i]));
	for (i = 0; i < c->n_audit_ids; i++)
		json_array_append_new(au, json_string(c->audit_ids[i]));
	isotime_format(c->expires_at, exp);
	isotime_format(issued_at, iss);
	t = json_pack("{s:o,s:{s:{s:s,s:s},s:s,s:s,s:n},s:o,s:s,s:s}",
	    "methods", m, "user", "domain", "id", u.domain_id, "name",
	    u.domain_name, "id", u.id, "name", u.name, "password_expires_at",
	    "audit_ids", au, "expires_at", exp, "issued_at", iss);
	if (t == NULL) {
		/* json_pack refuses what is not UTF-8: a name in the store */
		log_err("user %s: a name in the store is not UTF-8",
		    c->user_id);
		json_decref(roles);
		return SIG_ERR_SYSTEM;
	}
	if (scoped && ((r = add_scope(a, c, t, roles)) != 0 ||
	    json_array_size(roles) == 0)) {
		json_decref(t);
		json_decref(roles);
		return missing(r);
	}
	if (scoped)
		json_object_set_new(t, "roles", roles);
	else
		json_decref(roles);
	if (scoped && catalog) {
		if ((cat = token_catalog(a, c->project_id, c->user_id)) == NULL)
			cat = json_array();
		json_object_set_new(t, "catalog", cat);
	}
	*docp = json_pack("{s:o}", "token", t);
	return 0;
}

/*
 * A document of token_doc's as compact JSON (free): the text json_dumps
 * makes, with the epoch's catalog copied in as rendered once rather than
 * rendered again for every token.
 */
char *
token_doc_text(const json_t *doc)
{
	json_t	*cat = json_object_get(json_object_get(doc, "token"),
		    "catalog");
	char	*ctext = cat != NULL ? scache_catalog_text(cat) : NULL;
	char	*out = json_text_as(doc, cat, ctext);

	free(ctext);
	return out;
}

static void
doc_opened_free(void *p)
{
	struct doc_opened	*d = p;

	if (d == NULL)
		return;
	json_decref(d->body);
	free(d);
}

/*
 * The claims of a verified document, in the shape OpenFernet gives. There
 * are no trusts here: a trust-scoped body is never taken for a plain
 * project token.
 */
static int
claims_of(struct doc_opened *d)
{
	const char	*why;

	if (token_body_read(d->body, &d->tb, &why) != 0) {
		log_debug("token document refused: %s", why);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	/* we sign no credential's body: its claims would not name it */
	if (d->tb.scope == TB_TRUST || json_object_get(json_object_get(
	    d->body, "token"), "application_credential") != NULL)
		return SIG_ERR_KEY_NOT_FOUND;
	body_claims(&d->tb, &d->c);
	return 0;
}

/* The claims of a trusted document's text (freed here) into o; the
 * caller opened_free()s. */
int
token_doc_open(struct api *a, char *text, int allow_expired,
    struct opened *o)
{
	struct doc_opened	*d;
	int64_t			 now = time(NULL);

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		free(text);
		return SIG_ERR_NOMEM;
	}
	d->body = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (d->body == NULL || claims_of(d) != 0 ||
	    (now >= d->c.expires_at && (!allow_expired || now >=
	    d->c.expires_at + a->cf->token_allow_expired_window))) {
		doc_opened_free(d);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	o->c = &d->c;
	o->issued_at = d->tb.issued_at;
	o->held = d;
	o->held_free = doc_opened_free;
	return 0;
}
