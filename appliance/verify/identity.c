/*
 * libsignet-verify: the identity in a validated v3 token document
 * ({"token": {...}}, as GET /v3/auth/tokens returns it and as PKI tokens
 * sign it). Immutable once built and shared by reference with the cache.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "token_body.h"
#include "verify.h"

/* The public view of a read body; roles and audit ids get arrays of their own. */
static int
fill(struct signet_identity *p, const struct token_body *b)
{
	if ((p->roles = calloc(b->n_roles + 1, sizeof(char *))) == NULL ||
	    (p->audit_ids = calloc(TB_AUDIT_MAX, sizeof(char *))) == NULL)
		return -1;
	memcpy(p->roles, b->role_names, b->n_roles * sizeof(char *));
	p->n_roles = b->n_roles;
	memcpy(p->audit_ids, b->audit_ids, b->n_audit_ids * sizeof(char *));
	p->n_audit_ids = b->n_audit_ids;
	p->user_id = b->user_id;
	p->user_name = b->user_name;
	p->user_domain_id = b->user_domain_id;
	p->user_domain_name = b->user_domain_name;
	p->project_id = b->project_id;
	p->project_name = b->project_name;
	p->project_domain_id = b->project_domain_id;
	p->project_domain_name = b->project_domain_name;
	p->domain_id = b->domain_id;
	p->domain_name = b->domain_name;
	p->system = b->scope == TB_SYSTEM;
	p->issued_at = b->issued_at;
	p->expires_at = b->expires_at;
	return 0;
}

/*
 * Takes text; NULL-free on failure too. A trust-scoped body is refused:
 * the identity has no place for the trust, and without it the token would
 * pass for a plain project token. So is a signed (PKI) body naming an
 * application credential: no revocation event follows the credential's
 * deletion, which only the token service sees. The token service's own
 * answer for one is marked, so that it is asked again at every call.
 */
int
sv_ident_parse(char *text, const char *kind, struct sv_ident **idp)
{
	struct sv_ident		*id;
	struct token_body	 b;
	const char		*why;

	*idp = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL) {
		free(text);
		return -1;
	}
	atomic_init(&id->refs, 1);
	id->text = text;
	id->pub.kind = kind;
	id->pub.json = text;
	id->doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	id->delegated = json_object_get(json_object_get(id->doc, "token"),
	    "application_credential") != NULL;
	if (id->doc == NULL || token_body_read(id->doc, &b, &why) != 0 ||
	    b.scope == TB_TRUST || (id->delegated && strncmp(kind, "pki",
	    3) == 0) || fill(&id->pub, &b) != 0) {
		sv_ident_put(id);
		return -1;
	}
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
