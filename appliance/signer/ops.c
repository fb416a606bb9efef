/*
 * signet-signerd: one handler per RPC. Each checks what it was sent,
 * does its HSM work on a pooled session, writes its audit record and only
 * then fills the response. Peers see the closed status set and a short
 * reason; details go to the log.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "cms_token.h"
#include "err.h"
#include "fernet_seal.h"
#include "log.h"
#include "monotime.h"
#include "signer.h"

#define HSM_LOST_WHY	"HSM_LOST: the token's Fernet keys cannot be read " \
			    "(token removed or unreachable); retrying every second"
#define S(p)	((char *)(uintptr_t)(p))	/* protobuf-c's char * fields */
#define HEALTH_CALLS	5

static const char *check_parent(struct signer *, const char *,
	    const struct claims *);
static void	dispatch(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, uint8_t *, size_t);

struct scratch {
	char		 token[FERNET_TOKEN_MAX + 1];
	struct claims	 c;
	Signet__V1__Claims pc;
	const char	*methods[CLAIMS_METHODS_MAX + 2];
	char		 audit[CLAIMS_AUDIT_MAX][23];
	char		*audit_ptrs[CLAIMS_AUDIT_MAX];
	char		 why[160];
	char		 keyset[sizeof(((struct keyring *)0)->keyset)];
	char		 cms[CMS_TOKEN_MAX];
	char		*list;		/* a signed revocation list (heap) */
	const char	*rid;		/* the front-end's request id, or NULL */
	uint64_t	 sealed_at;	/* the envelope's timestamp */
	Signet__V1__CallCounters per_call[HEALTH_CALLS];
	Signet__V1__CallCounters *per_call_ptrs[HEALTH_CALLS];
	union {
		Signet__V1__SignCmsResponse	 sign;
		Signet__V1__IssueFernetResponse	 issue;
		Signet__V1__OpenFernetResponse	 open;
		Signet__V1__HealthResponse	 health;
		Signet__V1__PublicMaterialResponse pub;
	} u;
};

static void
fail(Signet__V1__Response *resp, struct signer *sg, int r, const char *why)
{
	if (r == SIG_ERR_HSM_REINIT)	/* the main loop looks at the token */
		atomic_store(&sg->recheck, 1);
	resp->status = (Signet__V1__Status)sig_err_status(r);
	resp->error = S(why != NULL ? why : sig_err_str(r));
	atomic_fetch_add(&sg->errors, 1);
}

static void
audit_or_log(struct signer *sg, const struct scratch *sc, const char *op,
    uid_t peer, const struct claims *c, const char *result)
{
	struct audit_rec rec = { op, peer, c, result, sc->rid };

	(void)audit_write(sg->audit, &rec);
}

/* The keyring follows the pool: a re-login means handles to look up. */
static void
keyring_fresh(struct signer *sg)
{
	if (sg->kr.gen != hsm_pool_generation(sg->pool))
		keyring_reload(sg);
}

static int
seal(struct signer *sg, struct scratch *sc)
{
	uint8_t		 pl[FERNET_PAYLOAD_MAX], iv[FERNET_IV_LEN];
	size_t		 pllen;
	struct hsm_sess	*s;
	int		 r;

	if ((r = fernet_payload_pack(&sc->c, pl, sizeof(pl), &pllen)) != 0)
		return r;
	if (RAND_bytes(iv, sizeof(iv)) != 1)
		return SIG_ERR_CRYPTO;
	keyring_fresh(sg);
	if ((r = hsm_sess_get_timed(sg->pool, SIGNER_QUEUE_WAIT_MS, &s)) != 0)
		return r;
	sc->sealed_at = (uint64_t)time(NULL);
	pthread_rwlock_rdlock(&sg->kr.lk);
	r = fernet_seal(s, &sg->kr.inv.keys[0], sc->sealed_at, iv, pl,
	    pllen, sc->token, sizeof(sc->token));
	pthread_rwlock_unlock(&sg->kr.lk);
	hsm_sess_put(sg->pool, s, r);
	explicit_bzero(pl, sizeof(pl));
	return r;
}

static void
op_issue_fernet(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__IssueFernetRequest *in = req->issue_fernet;
	struct audit_rec rec = { "issue_fernet", peer, NULL, "ok", sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	const char	*bad;
	int		 r;

	if ((r = policy_claims(sg, in->claims, &sc->c, sc->why,
	    sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		audit_or_log(sg, sc, "issue_fernet", peer, NULL, denied);
		return fail(resp, sg, r, sc->why);
	}
	if ((bad = check_parent(sg, in->parent_token, &sc->c)) != NULL) {
		snprintf(denied, sizeof(denied), "denied: %s", bad);
		audit_or_log(sg, sc, "issue_fernet", peer, &sc->c, denied);
		return fail(resp, sg, SIG_ERR_POLICY, bad);
	}
	rec.c = &sc->c;
	if ((r = seal(sg, sc)) != 0) {
		audit_or_log(sg, sc, "issue_fernet", peer, &sc->c,
		    sig_err_str(r));
		return fail(resp, sg, r, NULL);
	}
	if ((r = audit_write(sg->audit, &rec)) != 0) {
		explicit_bzero(sc->token, sizeof(sc->token));
		return fail(resp, sg, r, NULL);	/* no record, no token */
	}
	signet__v1__issue_fernet_response__init(&sc->u.issue);
	sc->u.issue.token = sc->token;
	sc->u.issue.issued_at = (int64_t)sc->sealed_at;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_ISSUE_FERNET;
	resp->issue_fernet = &sc->u.issue;
}

/*
 * Tries every live key, primary first; 0 with claims, or why not:
 * SIG_ERR_KEY_NOT_FOUND when no key's MAC matches, SIG_ERR_BAD_INPUT for a
 * token that is not one (its MAC right, what it holds not), else an HSM
 * error.
 */
static int
unseal(struct signer *sg, const char *tok, struct claims *c, uint64_t *ts)
{
	uint8_t		 raw[FERNET_TOKEN_MAX], pl[FERNET_TOKEN_MAX];
	size_t		 rawlen, pllen = 0, i;
	struct hsm_sess	*s;
	int		 r;

	if (fernet_decode(tok, strlen(tok), raw, sizeof(raw), &rawlen) != 0)
		return SIG_ERR_BAD_INPUT;
	keyring_fresh(sg);
	if ((r = hsm_sess_get_timed(sg->pool, SIGNER_QUEUE_WAIT_MS, &s)) != 0)
		return r;
	pthread_rwlock_rdlock(&sg->kr.lk);
	for (i = 0, r = SIG_ERR_KEY_NOT_FOUND; i < sg->kr.inv.nkeys &&
	    r == SIG_ERR_KEY_NOT_FOUND; i++)
		if (sg->kr.inv.keys[i].kind == FK_INDEX)
			r = fernet_open(s, &sg->kr.inv.keys[i], raw, rawlen, pl,
			    &pllen, ts);
	pthread_rwlock_unlock(&sg->kr.lk);
	hsm_sess_put(sg->pool, s, r);
	if (r == 0 && fernet_payload_unpack(pl, pllen, c) != 0)
		r = SIG_ERR_BAD_INPUT;
	explicit_bzero(pl, sizeof(pl));
	return r;
}

/* A re-scoped token: same user, no longer life, the parent's chain. */
static const char *
check_parent(struct signer *sg, const char *parent, const struct claims *c)
{
	static const char *const token_method[] = { "token" };
	struct claims		 pc;
	struct parent_seen	 p;
	uint64_t		 ts, bit = 0;
	unsigned int		 loads = atomic_load(&sg->kr.loads);

	claims_methods_encode(&sg->methods, token_method, 1, &bit);
	if (*parent == '\0')
		return (c->methods & bit) != 0 ? "rescoping needs the parent "
		    "token" : NULL;
	if (!parents_get(parent, loads, &p)) {
		if (unseal(sg, parent, &pc, &ts) != 0)
			return "parent token not valid";
		parents_put(parent, loads, &pc, &p);
	}
	if (p.expires_at <= time(NULL))
		return "parent token not valid";
	if (strcmp(p.user_id, c->user_id) != 0)
		return "parent token is another user's";
	if (c->expires_at > p.expires_at)
		return "expires_at beyond the parent token's";
	if (c->n_audit != 2 || memcmp(c->audit[1], p.chain,
	    CLAIMS_AUDIT_LEN) != 0)
		return "audit_ids lack the parent's chain";
	return NULL;
}

static void
claims_out(struct signer *sg, struct scratch *sc)
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
}

static void
op_open_fernet(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__OpenFernetRequest *in = req->open_fernet;
	int64_t		 now = time(NULL);
	uint64_t	 ts = 0;
	int		 r;

	r = unseal(sg, in->token, &sc->c, &ts);
	if (r == 0 && now >= sc->c.expires_at && (!in->allow_expired ||
	    now >= sc->c.expires_at + sg->cf->token_allow_expired_window))
		r = SIG_ERR_KEY_NOT_FOUND;
	audit_or_log(sg, sc, "open_fernet", peer, r == 0 ? &sc->c : NULL,
	    r == 0 ? "ok" : r == SIG_ERR_BAD_INPUT ? "bad token" :
	    r == SIG_ERR_KEY_NOT_FOUND ? "not found" : sig_err_str(r));
	if (r == SIG_ERR_BAD_INPUT)	/* to the peer, as Keystone: unknown */
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r != 0)
		return fail(resp, sg, r, r == SIG_ERR_KEY_NOT_FOUND ?
		    "token not found" : NULL);
	claims_out(sg, sc);
	signet__v1__open_fernet_response__init(&sc->u.open);
	sc->u.open.claims = &sc->pc;
	sc->u.open.issued_at = (int64_t)ts;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_OPEN_FERNET;
	resp->open_fernet = &sc->u.open;
}

/* The signed revocation list: its own, equally narrow, policy. */
static void
op_sign_revoked(struct signer *sg, uid_t peer,
    const Signet__V1__SignCmsRequest *in, Signet__V1__Response *resp,
    struct scratch *sc)
{
	struct audit_rec rec = { "sign_revocation_list", peer, NULL, "ok",
			    sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	int		 r;

	if ((r = policy_revocation_body(in->body.data, in->body.len,
	    sg->cf->signer_max_clock_skew, sc->why, sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		rec.result = denied;
		(void)audit_write(sg->audit, &rec);
		return fail(resp, sg, r, sc->why);
	}
	if ((r = cms_pem_sign(sg->sign_cert, sg->sign_key, in->body.data,
	    in->body.len, &sc->list)) != 0)
		return fail(resp, sg, r, NULL);
	if ((r = audit_write(sg->audit, &rec)) != 0)
		return fail(resp, sg, r, NULL);
	signet__v1__sign_cms_response__init(&sc->u.sign);
	sc->u.sign.token = sc->list;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_SIGN_CMS;
	resp->sign_cms = &sc->u.sign;
}

static void
op_sign_cms(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__SignCmsRequest *in = req->sign_cms;
	const char	*op = in->compress ? "sign_pkiz" : "sign_pki";
	struct audit_rec rec = { op, peer, NULL, "ok", sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	int		 r;

	if (sg->sign_key == NULL)
		return fail(resp, sg, SIG_ERR_KEY_NOT_FOUND,
		    "no CMS signing key and certificate in the token");
	if (in->revocation_list)
		return op_sign_revoked(sg, peer, in, resp, sc);
	if ((r = policy_cms_body(sg, in->body.data, in->body.len, &sc->c,
	    sc->why, sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		audit_or_log(sg, sc, op, peer, NULL, denied);
		return fail(resp, sg, r, sc->why);
	}
	rec.c = &sc->c;
	if ((r = cms_token_sign(sg->sign_cert, sg->sign_key, in->body.data,
	    in->body.len, in->compress, sc->cms, sizeof(sc->cms))) != 0) {
		audit_or_log(sg, sc, op, peer, &sc->c, sig_err_str(r));
		return fail(resp, sg, r, NULL);
	}
	if ((r = audit_write(sg->audit, &rec)) != 0)
		return fail(resp, sg, r, NULL);	/* no record, no token */
	signet__v1__sign_cms_response__init(&sc->u.sign);
	sc->u.sign.token = sc->cms;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_SIGN_CMS;
	resp->sign_cms = &sc->u.sign;
}

/* Per call, then the rest: what an operator graphs (signet-api's
 * /metrics passes them on). */
static void
health_counters(struct signer *sg, struct scratch *sc)
{
	static const struct { int call; const char *name; } calls[] = {
		{ SIGNET__V1__REQUEST__CALL_ISSUE_FERNET, "issue_fernet" },
		{ SIGNET__V1__REQUEST__CALL_OPEN_FERNET, "open_fernet" },
		{ SIGNET__V1__REQUEST__CALL_SIGN_CMS, "sign_cms" },
		{ SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL, "public_material" },
		{ SIGNET__V1__REQUEST__CALL_HEALTH, "health" },
	};
	size_t		 i;

	for (i = 0; i < HEALTH_CALLS; i++) {
		signet__v1__call_counters__init(&sc->per_call[i]);
		sc->per_call[i].call = S(calls[i].name);
		sc->per_call[i].calls = atomic_load(&sg->call_n[calls[i].call]);
		sc->per_call[i].errors =
		    atomic_load(&sg->call_err[calls[i].call]);
		sc->per_call_ptrs[i] = &sc->per_call[i];
	}
	sc->u.health.n_per_call = HEALTH_CALLS;
	sc->u.health.per_call = sc->per_call_ptrs;
	sc->u.health.busy = atomic_load(&sg->busy);
	sc->u.health.connections = server_connections();
	sc->u.health.audit_failures = audit_failures(sg->audit);
	sc->u.health.uptime_seconds = (int64_t)(mono_now() - sg->started);
}

/*
 * Audit fails closed: a full disk stops issuance. Health says so while
 * there is still room ([signer] audit_min_free_mb), so an operator can
 * rotate the log or free space first; issuance goes on meanwhile.
 */
static void
health_audit(struct signer *sg, struct scratch *sc)
{
	static atomic_int	 warned;
	uint64_t		 size, avail, min;

	min = (uint64_t)sg->cf->signer_audit_min_free_mb * 1024 * 1024;
	if (audit_space(sg->audit, &size, &avail) != 0) {
		sc->u.health.warning = S("the audit log's size and free space "
		    "cannot be read");
		return;
	}
	sc->u.health.audit_log_bytes = size;
	sc->u.health.audit_free_bytes = avail;
	if (min == 0 || avail >= min) {
		atomic_store(&warned, 0);
		return;
	}
	snprintf(sc->why, sizeof(sc->why), "the audit log's filesystem has "
	    "%llu MB free, under [signer] audit_min_free_mb (%d); issuance "
	    "stops when it is full", (unsigned long long)(avail >> 20),
	    sg->cf->signer_audit_min_free_mb);
	sc->u.health.warning = sc->why;
	if (!atomic_exchange(&warned, 1))
		log_warn("%s", sc->why);
}

static void
op_health(struct signer *sg, Signet__V1__Response *resp, struct scratch *sc)
{
	const char	*audit = audit_failing(sg->audit);

	signet__v1__health_response__init(&sc->u.health);
	sc->u.health.ready = atomic_load(&sg->ready) &&
	    !atomic_load(&sg->hsm_lost) && audit == NULL;
	sc->u.health.reason = sg->why[0] != '\0' ? sg->why :
	    atomic_load(&sg->hsm_lost) ? S(HSM_LOST_WHY) :
	    audit != NULL ? S(audit) : sg->why;
	pthread_rwlock_rdlock(&sg->kr.lk);
	sc->u.health.fernet_keys = sg->kr.nlive;
	memcpy(sc->keyset, sg->kr.keyset, sizeof(sc->keyset));
	pthread_rwlock_unlock(&sg->kr.lk);
	sc->u.health.fernet_keyset = sc->keyset;
	sc->u.health.calls = atomic_load(&sg->calls);
	sc->u.health.errors = atomic_load(&sg->errors);
	health_counters(sg, sc);
	health_audit(sg, sc);
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_HEALTH;
	resp->health = &sc->u.health;
}

static void
op_public(struct signer *sg, Signet__V1__Response *resp, struct scratch *sc)
{
	signet__v1__public_material_response__init(&sc->u.pub);
	sc->u.pub.signing_cert_pem = sg->signing_pem ? sg->signing_pem : S("");
	sc->u.pub.ca_cert_pem = sg->ca_pem ? sg->ca_pem : S("");
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_PUBLIC_MATERIAL;
	resp->public_material = &sc->u.pub;
}

/* Once the response is sent: tokens and claims leave no copy behind. */
void
op_scratch_wipe(uint8_t *scratch)
{
	struct scratch	*sc = (struct scratch *)(void *)scratch;

	explicit_bzero(sc->token, strnlen(sc->token, sizeof(sc->token)));
	explicit_bzero(sc->cms, strnlen(sc->cms, sizeof(sc->cms)));
	explicit_bzero(&sc->c, sizeof(sc->c));
	explicit_bzero(sc->audit, sizeof(sc->audit));
	free(sc->list);		/* public once signed: no wipe */
	sc->list = NULL;
}

/* scratch (at least sizeof(struct scratch)) backs every pointer in resp. */
void
op_dispatch(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, uint8_t *scratch, size_t scratchsz)
{
	unsigned int	 k = (unsigned int)req->call_case;

	dispatch(sg, peer, req, resp, scratch, scratchsz);
	if (k < SIGNER_CALL_KINDS) {
		atomic_fetch_add(&sg->call_n[k], 1);
		if (resp->status != SIGNET__V1__STATUS__STATUS_OK)
			atomic_fetch_add(&sg->call_err[k], 1);
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

static void
dispatch(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, uint8_t *scratch, size_t scratchsz)
{
	struct scratch	*sc = (struct scratch *)(void *)scratch;

	signet__v1__response__init(resp);
	resp->id = req->id;
	atomic_fetch_add(&sg->calls, 1);
	if (scratchsz < sizeof(*sc))
		return fail(resp, sg, SIG_ERR_SYSTEM, NULL);
	sc->token[0] = sc->cms[0] = '\0';	/* the rest is set before use */
	sc->rid = NULL;
	if (!request_id_valid(req->request_id))
		return fail(resp, sg, SIG_ERR_BAD_INPUT, "bad request_id");
	if (req->request_id != NULL && *req->request_id != '\0')
		sc->rid = req->request_id;
	if (!atomic_load(&sg->ready) && req->call_case !=
	    SIGNET__V1__REQUEST__CALL_HEALTH)
		return fail(resp, sg, SIG_ERR_STATE, sg->why);
	if (atomic_load(&sg->hsm_lost) && req->call_case !=
	    SIGNET__V1__REQUEST__CALL_HEALTH)
		return fail(resp, sg, SIG_ERR_HSM_REINIT, HSM_LOST_WHY);
	switch (req->call_case) {
	case SIGNET__V1__REQUEST__CALL_ISSUE_FERNET:
		if (req->issue_fernet->claims == NULL)
			return fail(resp, sg, SIG_ERR_BAD_INPUT, "no claims");
		return op_issue_fernet(sg, peer, req, resp, sc);
	case SIGNET__V1__REQUEST__CALL_OPEN_FERNET:
		return op_open_fernet(sg, peer, req, resp, sc);
	case SIGNET__V1__REQUEST__CALL_HEALTH:
		return op_health(sg, resp, sc);
	case SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL:
		return op_public(sg, resp, sc);
	case SIGNET__V1__REQUEST__CALL_SIGN_CMS:
		return op_sign_cms(sg, peer, req, resp, sc);
	default:
		return fail(resp, sg, SIG_ERR_BAD_INPUT, "unknown call");
	}
}
