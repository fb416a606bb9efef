/*
 * signet-signerd and signet-api: a read token document as RPC claims. The
 * claims borrow the body's strings and arrays: the body outlives them.
 */
#include <stdint.h>

#include "body_claims.h"

void
body_claims(const struct token_body *b, Signet__V1__Claims *pc)
{
	static const Signet__V1__ScopeKind kinds[] = {
		[TB_UNSCOPED] = SIGNET__V1__SCOPE_KIND__SCOPE_UNSCOPED,
		[TB_PROJECT] = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT,
		[TB_DOMAIN] = SIGNET__V1__SCOPE_KIND__SCOPE_DOMAIN,
		[TB_SYSTEM] = SIGNET__V1__SCOPE_KIND__SCOPE_SYSTEM,
		[TB_TRUST] = SIGNET__V1__SCOPE_KIND__SCOPE_TRUST,
	};

	signet__v1__claims__init(pc);
	pc->scope = kinds[b->scope];
	pc->user_id = (char *)(uintptr_t)b->user_id;
	pc->project_id = (char *)(uintptr_t)(b->project_id ? b->project_id :
	    "");
	pc->domain_id = (char *)(uintptr_t)(b->domain_id ? b->domain_id : "");
	pc->trust_id = (char *)(uintptr_t)(b->trust_id ? b->trust_id : "");
	pc->system = (char *)(uintptr_t)(b->scope == TB_SYSTEM ? "all" : "");
	pc->methods = (char **)(uintptr_t)b->methods;
	pc->n_methods = b->n_methods;
	pc->audit_ids = (char **)(uintptr_t)b->audit_ids;
	pc->n_audit_ids = b->n_audit_ids;
	pc->expires_at = b->expires_at;
}
