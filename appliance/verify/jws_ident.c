/*
 * libsignet-verify: the identity in a verified JWS token's claims, read
 * with the reader signet-api uses (jws_body.c), no trust (the identity
 * has no place for one, and without it the token would pass for a plain
 * project token). A JWS token names ids only: no names and no roles,
 * which need online validation.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jws_body.h"
#include "verify.h"

/* The identity a read body names; a trust has no place in it, and a
 * trust token must not pass for its project's plain token. Nor may a
 * federated, OAuth1 or application credential token (a Keystone with the
 * signer's plugin mints them): their roles come from what only Keystone
 * knows. */
static int
fill(json_t *o, struct signet_identity *p)
{
	struct jws_body	 b;

	if (jws_body_read(o, &b) != 0 || b.trust_id != NULL ||
	    JWS_BODY_EXTENDED(&b) ||
	    (p->roles = calloc(1, sizeof(char *))) == NULL ||
	    (p->audit_ids = calloc(b.n_audit_ids, sizeof(char *))) == NULL)
		return -1;
	memcpy(p->audit_ids, b.audit_ids, b.n_audit_ids * sizeof(char *));
	p->n_audit_ids = b.n_audit_ids;
	p->user_id = b.sub;
	p->project_id = b.project_id;
	p->domain_id = b.domain_id;
	p->system = b.system;
	p->issued_at = b.iat;
	p->expires_at = b.exp;
	return 0;
}

/* Takes text (the verified claims); NULL-free on failure too. */
int
sv_ident_jws(char *text, struct sv_ident **idp)
{
	struct sv_ident	*id;

	*idp = NULL;
	if ((id = calloc(1, sizeof(*id))) == NULL) {
		free(text);
		return -1;
	}
	atomic_init(&id->refs, 1);
	id->text = text;
	id->pub.kind = "jws";
	id->pub.json = text;
	id->doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (id->doc == NULL || fill(id->doc, &id->pub) != 0) {
		sv_ident_put(id);
		return -1;
	}
	*idp = id;
	return 0;
}
