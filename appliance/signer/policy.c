/*
 * signet-signerd: turns the claims a peer sent into claims the signer will
 * seal, or says why not. A compromised front-end can mint tokens within
 * policy, never outside it: lifetime at most [token] expiration, scope
 * kinds from [signer] allowed_scopes, well-formed ids and audit ids.
 * Federated, OAuth1 and application credential tokens are kinds of their
 * own there (off by default): signet-api never asks for them, so a
 * front-end that may mint them is a Keystone one, turned on by name.
 * MFA receipts follow the same rules for their user and methods, within
 * [receipt] expiration; Keystone's credentials are for the uids of
 * [signer] credential_uids only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pwd.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "receipt_payload.h"
#include "signer.h"
#include "utf8.h"

/* Bits of sg->scopes: enum claims_scope, then the kinds. */
static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust", "federated", "oauth1", "application_credential" };
enum { KIND_NONE = -1, KIND_SEVERAL = -2, KIND_FEDERATED = 5,
    KIND_OAUTH1 = 6, KIND_APP_CRED = 7, NSCOPES = 8 };

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
	const char	*names[2 * NSCOPES];
	size_t		 n, i, j;

	if (copy == NULL || split_list(copy, names, 2 * NSCOPES, &n) != 0) {
		free(copy);
		return SIG_ERR_CONFIG;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < NSCOPES &&
		    strcmp(names[i], scope_names[j]) != 0; j++)
			;
		if (j == NSCOPES) {
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

static int	parse_cred_uids(struct signer *);

int
policy_init(struct signer *sg)
{
	int	 r;

	if ((sg->methods_buf = strdup(sg->cf->auth_methods)) == NULL ||
	    split_list(sg->methods_buf, sg->methods.names, CLAIMS_METHODS_MAX,
	    &sg->methods.n) != 0 || sg->methods.n == 0) {
		log_err("[auth] methods: 1 to %d method names",
		    CLAIMS_METHODS_MAX);
		return SIG_ERR_CONFIG;
	}
	if ((r = parse_scopes(sg)) != 0)
		return r;
	return parse_cred_uids(sg);
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

/* Which kind the ids ask for, by presence alone. */
static int
kind_of(const Signet__V1__Claims *in)
{
	int	 fed = *in->idp_id != '\0' || *in->protocol_id != '\0' ||
		    in->n_group_ids > 0, oauth = *in->access_token_id != '\0',
		 app = *in->app_cred_id != '\0';

	if (fed + oauth + app > 1)
		return KIND_SEVERAL;
	return fed ? KIND_FEDERATED : oauth ? KIND_OAUTH1 : app ?
	    KIND_APP_CRED : KIND_NONE;
}

/* A protocol id: a short token, as Keystone's protocol names are. */
static int
protocol_ok(const char *s)
{
	size_t	 n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n > 0 && n <= CLAIMS_PROTOCOL_MAX && s[n] == '\0';
}

/* Bounded, well-formed group ids, none twice. */
static const char *
check_groups(const Signet__V1__Claims *in, struct claims *c)
{
	size_t	 i, j;

	if (in->n_group_ids > CLAIMS_GROUPS_MAX)
		return "group_ids (too many)";
	for (i = 0; i < in->n_group_ids; i++) {
		if (copy_id(in->group_ids[i], c->group_ids[i], 1) != 0)
			return "group_ids";
		for (j = 0; j < i; j++)
			if (strcmp(c->group_ids[j], c->group_ids[i]) == 0)
				return "group_ids (repeated)";
	}
	c->n_groups = in->n_group_ids;
	return NULL;
}

/*
 * What each kind needs and forbids. Federated: an identity provider and
 * a protocol, unscoped, project or domain (v4-v6). OAuth1 and application
 * credentials: a project (v7, v9). Never a trust beside them.
 */
static const char *
check_kind(const Signet__V1__Claims *in, struct claims *c, int kind)
{
	switch (kind) {
	case KIND_FEDERATED:
		if (c->scope != CLAIMS_UNSCOPED && c->scope != CLAIMS_PROJECT &&
		    c->scope != CLAIMS_DOMAIN)
			return "scope (federated: unscoped, project or domain)";
		if (copy_id(in->idp_id, c->idp_id, 1) != 0)
			return "idp_id";
		if (!protocol_ok(in->protocol_id))
			return "protocol_id";
		strcpy(c->protocol_id, in->protocol_id);
		return check_groups(in, c);
	case KIND_OAUTH1:
		if (c->scope != CLAIMS_PROJECT)
			return "access_token_id (needs a project scope)";
		return copy_id(in->access_token_id, c->access_token_id, 1) ?
		    "access_token_id" : NULL;
	case KIND_APP_CRED:
		if (c->scope != CLAIMS_PROJECT)
			return "app_cred_id (needs a project scope)";
		return copy_id(in->app_cred_id, c->app_cred_id, 1) ?
		    "app_cred_id" : NULL;
	}
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
	int		 kind;

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
	if ((kind = kind_of(in)) == KIND_SEVERAL) {
		snprintf(why, whysz, "claims: at most one of federation, "
		    "access_token_id, app_cred_id");
		return SIG_ERR_BAD_INPUT;
	}
	if (kind != KIND_NONE && !(sg->scopes & (1u << kind))) {
		snprintf(why, whysz, "kind %s not allowed", scope_names[kind]);
		return SIG_ERR_POLICY;
	}
	if ((bad = check_ids(in, c)) != NULL ||
	    (bad = check_kind(in, c, kind)) != NULL ||
	    (bad = check_rest(sg, in, c)) != NULL) {
		snprintf(why, whysz, "claims: %s", bad);
		return strncmp(bad, "expires_at", 10) == 0 ? SIG_ERR_POLICY :
		    SIG_ERR_BAD_INPUT;
	}
	return 0;
}

/*
 * A receipt to seal, or why not: the user id as for a token, methods the
 * [auth] methods name (each once), an expiry ahead by at most [receipt]
 * expiration (and the clock skew allowed the front-end). A compromised
 * front-end can mint a receipt for any user, as it can a token; a receipt
 * only spares a user the methods it names, so it is never more than a
 * token of those methods would be.
 */
int
policy_receipt(struct signer *sg, const Signet__V1__IssueReceiptRequest *in,
    struct receipt *rc, char *why, size_t whysz)
{
	int64_t	 now = time(NULL);

	memset(rc, 0, sizeof(*rc));
	if (copy_id(in->user_id, rc->user_id, 1) != 0) {
		snprintf(why, whysz, "receipt: user_id");
		return SIG_ERR_BAD_INPUT;
	}
	if (claims_methods_encode(&sg->methods,
	    (const char *const *)in->methods, in->n_methods,
	    &rc->methods) != 0) {
		snprintf(why, whysz, "receipt: methods");
		return SIG_ERR_BAD_INPUT;
	}
	rc->expires_at = in->expires_at;
	if (rc->expires_at <= now) {
		snprintf(why, whysz, "receipt: expires_at (in the past)");
		return SIG_ERR_POLICY;
	}
	if (rc->expires_at > now + sg->cf->receipt_expiration +
	    sg->cf->signer_max_clock_skew) {
		snprintf(why, whysz, "receipt: expires_at (beyond [receipt] "
		    "expiration)");
		return SIG_ERR_POLICY;
	}
	return 0;
}

/*
 * [signer] credential_uids: who may have credentials encrypted and
 * decrypted (Keystone's uid), besides the signer's own uid; "tls" admits
 * every mutual-TLS peer. A peer allowed to connect is not allowed these
 * by that alone: a token front-end (signet-api) never needs a
 * credential's plaintext, so a compromised one cannot read them.
 */
static int
parse_cred_uids(struct signer *sg)
{
	char		*copy, *tok, *save = NULL, *end;
	const char	*list = sg->cf->signer_credential_uids;
	struct passwd	*pw;
	unsigned long	 u;

	sg->cred_uids[sg->ncred_uids++] = geteuid();
	if (list == NULL)
		return 0;
	if ((copy = strdup(list)) == NULL)
		return SIG_ERR_NOMEM;
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		u = strtoul(tok, &end, 10);
		if (strcmp(tok, "tls") == 0) {
			sg->cred_tls = 1;
			continue;
		}
		if (sg->ncred_uids == SIGNER_UIDS_MAX) {
			log_err("[signer] credential_uids: more than %d",
			    SIGNER_UIDS_MAX - 1);
			free(copy);
			return SIG_ERR_CONFIG;
		}
		if (*end == '\0' && end != tok)
			sg->cred_uids[sg->ncred_uids++] = (uid_t)u;
		else if ((pw = getpwnam(tok)) != NULL)
			sg->cred_uids[sg->ncred_uids++] = pw->pw_uid;
		else {
			log_err("[signer] credential_uids: unknown user '%s'",
			    tok);
			free(copy);
			return SIG_ERR_CONFIG;
		}
	}
	free(copy);
	return 0;
}

int
policy_credential_peer(const struct signer *sg, uid_t peer)
{
	size_t	 i;

	if (peer == SIGNER_TLS_UID)
		return sg->cred_tls;
	for (i = 0; i < sg->ncred_uids; i++)
		if (sg->cred_uids[i] == peer)
			return 1;
	return 0;
}
