/*
 * signet-signerd: turns the claims a peer sent into claims the signer will
 * seal, or says why not. A compromised front-end can mint tokens within
 * policy, never outside it: lifetime at most [token] expiration, scope
 * kinds from [signer] allowed_scopes, well-formed ids and audit ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "log.h"
#include "signer.h"
#include "utf8.h"

static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust" };

static int
split_list(char *s, const char **out, size_t max, size_t *n)
{
	char	*tok, *save = NULL;

	*n = 0;
	for (tok = strtok_r(s, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (*n == max)
			return -1;
		out[(*n)++] = tok;
	}
	return 0;
}

static int
parse_scopes(struct signer *sg)
{
	char		*copy = strdup(sg->cf->signer_allowed_scopes);
	const char	*names[8];
	size_t		 n, i, j;

	if (copy == NULL || split_list(copy, names, 8, &n) != 0) {
		free(copy);
		return SIG_ERR_CONFIG;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < 5 && strcmp(names[i], scope_names[j]) != 0; j++)
			;
		if (j == 5) {
			log_err("[signer] allowed_scopes: unknown scope '%s'",
			    names[i]);
			free(copy);
			return SIG_ERR_CONFIG;
		}
		sg->scopes |= 1u << j;
	}
	free(copy);
	return 0;
}

int
policy_init(struct signer *sg)
{
	if ((sg->methods_buf = strdup(sg->cf->auth_methods)) == NULL ||
	    split_list(sg->methods_buf, sg->methods.names, CLAIMS_METHODS_MAX,
	    &sg->methods.n) != 0 || sg->methods.n == 0) {
		log_err("[auth] methods: 1 to %d method names",
		    CLAIMS_METHODS_MAX);
		return SIG_ERR_CONFIG;
	}
	return parse_scopes(sg);
}

/*
 * An id: 1..CLAIMS_ID_MAX bytes of well-formed UTF-8 without spaces or
 * control bytes (empty when !need): what is sealed must read back as the
 * same text in Keystone's msgpack payload.
 */
static int
copy_id(const char *in, char *out, int need)
{
	size_t	 n = strlen(in);

	if (need ? !utf8_name_ok(in, CLAIMS_ID_MAX) || strchr(in, ' ') :
	    n != 0)
		return -1;
	memcpy(out, in, n + 1);
	return 0;
}

static const char *
check_ids(const Signet__V1__Claims *in, struct claims *c)
{
	int	 proj = c->scope == CLAIMS_PROJECT || c->scope == CLAIMS_TRUST;

	if (copy_id(in->user_id, c->user_id, 1) != 0)
		return "user_id";
	if (copy_id(in->project_id, c->project_id, proj) != 0)
		return "project_id";
	if (copy_id(in->domain_id, c->domain_id,
	    c->scope == CLAIMS_DOMAIN) != 0)
		return "domain_id";
	if (copy_id(in->trust_id, c->trust_id, c->scope == CLAIMS_TRUST) != 0)
		return "trust_id";
	if (c->scope == CLAIMS_SYSTEM ? strcmp(in->system, "all") != 0 :
	    in->system[0] != '\0')
		return "system";
	strcpy(c->system, c->scope == CLAIMS_SYSTEM ? "all" : "");
	return NULL;
}

static const char *
check_rest(struct signer *sg, const Signet__V1__Claims *in, struct claims *c)
{
	int64_t	 now = time(NULL);
	size_t	 i;

	if (claims_methods_encode(&sg->methods,
	    (const char *const *)in->methods, in->n_methods, &c->methods) != 0)
		return "methods";
	if (in->n_audit_ids < 1 || in->n_audit_ids > CLAIMS_AUDIT_MAX)
		return "audit_ids";
	for (i = 0; i < in->n_audit_ids; i++)
		if (claims_audit_parse(in->audit_ids[i], c->audit[i]) != 0)
			return "audit_ids";
	c->n_audit = in->n_audit_ids;
	c->expires_at = in->expires_at;
	if (c->expires_at <= now)
		return "expires_at (in the past)";
	if (c->expires_at > now + sg->cf->token_expiration +
	    sg->cf->signer_max_clock_skew)
		return "expires_at (beyond [token] expiration)";
	return NULL;
}

/* 0, or SIG_ERR_BAD_INPUT / SIG_ERR_POLICY with what in why. */
int
policy_claims(struct signer *sg, const Signet__V1__Claims *in,
    struct claims *c, char *why, size_t whysz)
{
	const char	*bad;

	memset(c, 0, sizeof(*c));
	if (in == NULL || (unsigned)in->scope > CLAIMS_TRUST) {
		snprintf(why, whysz, "claims: scope");
		return SIG_ERR_BAD_INPUT;
	}
	c->scope = (enum claims_scope)in->scope;
	if (!(sg->scopes & (1u << c->scope))) {
		snprintf(why, whysz, "scope %s not allowed",
		    scope_names[c->scope]);
		return SIG_ERR_POLICY;
	}
	if ((bad = check_ids(in, c)) != NULL ||
	    (bad = check_rest(sg, in, c)) != NULL) {
		snprintf(why, whysz, "claims: %s", bad);
		return strncmp(bad, "expires_at", 10) == 0 ? SIG_ERR_POLICY :
		    SIG_ERR_BAD_INPUT;
	}
	return 0;
}
