/*
 * signet-signerd: the call table and dispatch. One handler per RPC
 * (op_fernet.c, op_jws.c, op_cms.c, op_info.c, op_receipt.c,
 * op_credential.c): each checks what it was sent, does
 * its HSM work on a pooled session, writes its audit record and only then
 * fills the response. Peers see the closed status set and a short reason;
 * details go to the log.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "log.h"
#include "op.h"

static void	dispatch(struct signer *, uid_t, const struct op_call *,
	    const Signet__V1__Request *, Signet__V1__Response *, uint8_t *,
	    size_t);

/* Health lists the counters in this order: a new call goes last. */
const struct op_call op_calls[] = {
	/* call, name, handler, always, big */
	{ SIGNET__V1__REQUEST__CALL_ISSUE_FERNET, "issue_fernet",
	    op_issue_fernet, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_OPEN_FERNET, "open_fernet",
	    op_open_fernet, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_SIGN_CMS, "sign_cms",
	    op_sign_cms, 0, op_sign_cms_big },
	{ SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL, "public_material",
	    op_public_material, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_HEALTH, "health",
	    op_health, 1, NULL },
	{ SIGNET__V1__REQUEST__CALL_ISSUE_JWS, "issue_jws",
	    op_issue_jws, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT, "issue_receipt",
	    op_issue_receipt, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_OPEN_RECEIPT, "open_receipt",
	    op_open_receipt, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_ENCRYPT_CREDENTIAL, "encrypt_credential",
	    op_encrypt_credential, 0, NULL },
	{ SIGNET__V1__REQUEST__CALL_DECRYPT_CREDENTIAL, "decrypt_credential",
	    op_decrypt_credential, 0, NULL },
};
const size_t op_ncalls = sizeof(op_calls) / sizeof(op_calls[0]);

_Static_assert(sizeof(op_calls) / sizeof(op_calls[0]) <= SIGNER_CALLS_MAX,
    "the call table outgrows struct signer's counters");
/* server.c gives each connection SCRATCH_SIZE (80 KiB) of scratch */
_Static_assert(sizeof(struct scratch) <= 80 * 1024,
    "struct scratch outgrows server.c's SCRATCH_SIZE");

static const struct op_call *
call_find(Signet__V1__Request__CallCase call)
{
	size_t	 i;

	for (i = 0; i < op_ncalls; i++)
		if (op_calls[i].call == call)
			return &op_calls[i];
	return NULL;
}

/* The frame over SIG_FRAME_MAX: only a call whose row says so. */
int
op_big_allowed(const Signet__V1__Request *req)
{
	const struct op_call	*c = call_find(req->call_case);

	return c != NULL && c->big != NULL && c->big(req);
}

void
op_fail(Signet__V1__Response *resp, struct signer *sg, int r, const char *why)
{
	if (r == SIG_ERR_HSM_REINIT)	/* the main loop looks at the token */
		atomic_store(&sg->recheck, 1);
	resp->status = (Signet__V1__Status)sig_err_status(r);
	resp->error = S(why != NULL ? why : sig_err_str(r));
	atomic_fetch_add(&sg->errors, 1);
}

void
op_audit_or_log(struct signer *sg, const struct scratch *sc, const char *op,
    uid_t peer, const struct claims *c, const char *result)
{
	struct audit_rec rec = { op, peer, c, result, sc->rid };

	(void)audit_write(sg->audit, &rec);
}

/* Once the response is sent: tokens and claims leave no copy behind. */
void
op_scratch_wipe(uint8_t *scratch)
{
	struct scratch	*sc = (struct scratch *)(void *)scratch;

	explicit_bzero(sc->token, strnlen(sc->token, sizeof(sc->token)));
	if (sc->cred_used)	/* a credential's plaintext, its envelope */
		explicit_bzero(&sc->cred, sizeof(sc->cred));
	else
		explicit_bzero(sc->cms, strnlen(sc->cms, sizeof(sc->cms)));
	sc->cred_used = 0;
	explicit_bzero(&sc->c, sizeof(sc->c));
	explicit_bzero(&sc->rc, sizeof(sc->rc));
	explicit_bzero(sc->audit, sizeof(sc->audit));
	free(sc->list);		/* public once signed: no wipe */
	sc->list = NULL;
}

/* scratch (at least sizeof(struct scratch)) backs every pointer in resp. */
void
op_dispatch(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, uint8_t *scratch, size_t scratchsz)
{
	const struct op_call	*c = call_find(req->call_case);

	dispatch(sg, peer, c, req, resp, scratch, scratchsz);
	if (c != NULL) {
		atomic_fetch_add(&sg->call_n[c - op_calls], 1);
		if (resp->status != SIGNET__V1__STATUS__STATUS_OK)
			atomic_fetch_add(&sg->call_err[c - op_calls], 1);
	}
	/* the call and its outcome; never a token, claims or a body */
	log_debug("uid %u: request %llu (%s), call %d: status %d%s%s",
	    (unsigned)peer, (unsigned long long)req->id,
	    req->request_id != NULL && *req->request_id != '\0' ?
	    req->request_id : "-", (int)req->call_case,
	    (int)resp->status, resp->error != NULL && *resp->error ? ": " :
	    "", resp->error != NULL ? resp->error : "");
}

/* Empty, or up to SIGNER_REQUEST_ID_MAX printable ASCII bytes: it goes
 * into the audit log, which nothing a peer sends may bend. */
static int
request_id_valid(const char *rid)
{
	size_t	 i;

	if (rid == NULL)
		return 1;
	for (i = 0; rid[i] != '\0'; i++)
		if (i >= SIGNER_REQUEST_ID_MAX || rid[i] < 0x21 ||
		    rid[i] > 0x7e)
			return 0;
	return 1;
}

/* c: the call's row, NULL when the call is none we know */
static void
dispatch(struct signer *sg, uid_t peer, const struct op_call *c,
    const Signet__V1__Request *req, Signet__V1__Response *resp,
    uint8_t *scratch, size_t scratchsz)
{
	struct scratch	*sc = (struct scratch *)(void *)scratch;

	signet__v1__response__init(resp);
	resp->id = req->id;
	atomic_fetch_add(&sg->calls, 1);
	if (scratchsz < sizeof(*sc))
		return op_fail(resp, sg, SIG_ERR_SYSTEM, NULL);
	sc->token[0] = sc->cms[0] = '\0';	/* the rest is set before use */
	sc->cred_used = 0;
	sc->rid = NULL;
	if (!request_id_valid(req->request_id))
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "bad request_id");
	if (req->request_id != NULL && *req->request_id != '\0')
		sc->rid = req->request_id;
	if (!atomic_load(&sg->ready) && (c == NULL || !c->always))
		return op_fail(resp, sg, SIG_ERR_STATE, sg->why);
	if (atomic_load(&sg->hsm_lost) && (c == NULL || !c->always))
		return op_fail(resp, sg, SIG_ERR_HSM_REINIT, HSM_LOST_WHY);
	if (c == NULL)
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "unknown call");
	c->run(sg, peer, req, resp, sc);
}

/* The claims sc->c as the RPC gives them, in sc's own storage. */
void
op_claims_out(struct signer *sg, struct scratch *sc)
{
	Signet__V1__Claims	*pc = &sc->pc;
	size_t			 i;

	signet__v1__claims__init(pc);
	pc->scope = (Signet__V1__ScopeKind)sc->c.scope;
	pc->user_id = sc->c.user_id;
	pc->project_id = sc->c.project_id;
	pc->domain_id = sc->c.domain_id;
	pc->trust_id = sc->c.trust_id;
	pc->system = sc->c.system;
	pc->expires_at = sc->c.expires_at;
	pc->n_methods = claims_methods_decode(&sg->methods, sc->c.methods,
	    sc->methods, CLAIMS_METHODS_MAX + 2);
	pc->methods = (char **)(uintptr_t)sc->methods;
	for (i = 0; i < sc->c.n_audit; i++) {
		claims_audit_format(sc->c.audit[i], sc->audit[i]);
		sc->audit_ptrs[i] = sc->audit[i];
	}
	pc->n_audit_ids = sc->c.n_audit;
	pc->audit_ids = sc->audit_ptrs;
	for (i = 0; i < sc->c.n_groups; i++)
		sc->group_ptrs[i] = sc->c.group_ids[i];
	pc->n_group_ids = sc->c.n_groups;
	pc->group_ids = sc->group_ptrs;
	pc->idp_id = sc->c.idp_id;
	pc->protocol_id = sc->c.protocol_id;
	pc->access_token_id = sc->c.access_token_id;
	pc->app_cred_id = sc->c.app_cred_id;
}

/*
 * A re-scoped token's rules, whatever its format: a token method needs
 * its parent; the parent (opened by its format, remembered in parents.c
 * under the format's key generation) must be live, the same user's, live
 * no shorter than the child, and its chain the child's second audit id.
 */
/*
 * Keystone re-scopes a federated token with a new audit chain of its own
 * (auth/plugins/mapped.py handle_scoped_token keeps none) and the
 * parent's identity provider, protocol and groups.
 */
static const char *
federated_child(const struct claims *c, const struct parent_seen *p)
{
	uint8_t	 d[sizeof(p->federation)];

	if (parents_federation(c, d) != 0 ||
	    memcmp(d, p->federation, sizeof(d)) != 0)
		return "federation unlike the parent token's";
	if (c->n_audit != 1)
		return "audit_ids of a federated re-scope: its own only";
	return NULL;
}

const char *
op_check_parent(struct signer *sg, const char *parent, const struct claims *c,
    unsigned int loads, op_parent_open open)
{
	static const char *const token_method[] = { "token" };
	struct claims		 pc;
	struct parent_seen	 p;
	uint64_t		 bit = 0;

	claims_methods_encode(&sg->methods, token_method, 1, &bit);
	if (*parent == '\0')
		return (c->methods & bit) != 0 ? "rescoping needs the parent "
		    "token" : NULL;
	if (!parents_get(parent, loads, &p)) {
		if (open(sg, parent, &pc) != 0)
			return "parent token not valid";
		parents_put(parent, loads, &pc, &p);
	}
	if (p.expires_at <= time(NULL))
		return "parent token not valid";
	if (strcmp(p.user_id, c->user_id) != 0)
		return "parent token is another user's";
	if (c->expires_at > p.expires_at)
		return "expires_at beyond the parent token's";
	if (p.federated)
		return federated_child(c, &p);
	if (c->n_audit != 2 || memcmp(c->audit[1], p.chain,
	    CLAIMS_AUDIT_LEN) != 0)
		return "audit_ids lack the parent's chain";
	return NULL;
}
