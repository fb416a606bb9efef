/*
 * libsignet-verify: the identity in a validated v3 token document
 * ({"token": {...}}, as GET /v3/auth/tokens returns it and as PKI tokens
 * sign it). Immutable once built and shared by reference with the cache.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "isotime.h"
#include "verify.h"

#define IDENT_ROLES_MAX		256
#define IDENT_AUDIT_MAX		2

static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *
sub(json_t *o, const char *a, const char *k)
{
	return str(json_object_get(o, a), k);
}

static int
times(json_t *t, struct signet_identity *p)
{
	const char	*ia = str(t, "issued_at"), *ea = str(t, "expires_at");

	return ia == NULL || ea == NULL ||
	    isotime_parse(ia, &p->issued_at) != 0 ||
	    isotime_parse(ea, &p->expires_at) != 0 ? -1 : 0;
}

static int
lists(json_t *t, struct signet_identity *p)
{
	json_t		*roles = json_object_get(t, "roles");
	json_t		*au = json_object_get(t, "audit_ids"), *e;
	size_t		 i, nr = json_array_size(roles);

	if (nr > IDENT_ROLES_MAX || json_array_size(au) < 1 ||
	    json_array_size(au) > IDENT_AUDIT_MAX ||
	    (p->roles = calloc(nr + 1, sizeof(char *))) == NULL ||
	    (p->audit_ids = calloc(IDENT_AUDIT_MAX, sizeof(char *))) == NULL)
		return -1;
	json_array_foreach(roles, i, e)
		if ((p->roles[p->n_roles++] = str(e, "name")) == NULL)
			return -1;
	json_array_foreach(au, i, e)
		if ((p->audit_ids[p->n_audit_ids++] =
		    json_string_value(e)) == NULL)
			return -1;
	return 0;
}

static void
scope(json_t *t, struct signet_identity *p)
{
	json_t	*pr = json_object_get(t, "project");
	json_t	*dom = json_object_get(t, "domain");

	if (json_is_object(pr)) {
		p->project_id = str(pr, "id");
		p->project_name = str(pr, "name");
		p->project_domain_id = sub(pr, "domain", "id");
		p->project_domain_name = sub(pr, "domain", "name");
	} else if (json_is_object(dom)) {
		p->domain_id = str(dom, "id");
		p->domain_name = str(dom, "name");
	}
	p->system = json_is_true(json_object_get(json_object_get(t,
	    "system"), "all"));
}

/* Takes text; NULL-free on failure too. */
int
sv_ident_parse(char *text, const char *kind, struct sv_ident **idp)
{
	struct sv_ident		*id;
	struct signet_identity	*p;
	json_t			*doc, *t, *u;

	*idp = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL) {
		free(text);
		return -1;
	}
	atomic_init(&id->refs, 1);
	id->text = text;
	p = &id->pub;
	p->kind = kind;
	p->json = text;
	id->doc = doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	t = json_object_get(doc, "token");
	u = json_object_get(t, "user");
	if (!json_is_object(t) || (p->user_id = str(u, "id")) == NULL ||
	    times(t, p) != 0 || lists(t, p) != 0) {
		sv_ident_put(id);
		return -1;
	}
	p->user_name = str(u, "name");
	p->user_domain_id = sub(u, "domain", "id");
	p->user_domain_name = sub(u, "domain", "name");
	scope(t, p);
	*idp = id;
	return 0;
}

struct sv_ident *
sv_ident_ref(struct sv_ident *id)
{
	atomic_fetch_add(&id->refs, 1);
	return id;
}

void
sv_ident_put(struct sv_ident *id)
{
	if (id == NULL || atomic_fetch_sub(&id->refs, 1) != 1)
		return;
	free(id->pub.roles);
	free(id->pub.audit_ids);
	json_decref(id->doc);
	free(id->text);
	free(id);
}

SV_EXPORT void
signet_identity_free(struct signet_identity *p)
{
	if (p != NULL)
		sv_ident_put((struct sv_ident *)((char *)p -
		    offsetof(struct sv_ident, pub)));
}
