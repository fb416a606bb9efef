/*
 * signet-signerd: IssueJws, JWS (ES256) tokens in Keystone's JWS
 * provider's form, under the same claims policy as IssueFernet. The
 * signature is made in the token by its signing key; nobody needs a call
 * to validate one (the public keys go out with PublicMaterial), so a
 * re-scoped token's JWS parent is verified here with those same keys.
 * The keys are read from the token on the first call and again after
 * every key reload or session loss, as the Fernet keys are.
 */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "jws.h"
#include "jws_claims.h"
#include "jws_keys.h"
#include "log.h"
#include "op.h"

static pthread_rwlock_t	 ring_lk = PTHREAD_RWLOCK_INITIALIZER;
static struct jws_inv	 ring;
static EVP_PKEY		*ring_pub[JWS_KEYS_MAX];
static size_t		 ring_npub;
static unsigned int	 ring_loads = UINT_MAX, ring_gen;

static void
ring_set(const struct jws_inv *inv)
{
	const struct jws_key	*k = jws_signing_key(inv);
	size_t			 i, before = ring.n;

	for (i = 0; i < ring_npub; i++)
		EVP_PKEY_free(ring_pub[i]);
	ring = *inv;
	for (i = ring_npub = 0; i < ring.n; i++)
		if ((ring_pub[ring_npub] = jws_pubkey(ring.keys[i].spki,
		    JWS_SPKI_LEN)) != NULL)
			ring_npub++;
	if (ring.n != before || k == NULL)
		log_info("JWS keys loaded: %zu, %s %d", ring.n,
		    k != NULL ? "signing" : "none signs", k ? k->index : 0);
}

/* Under the write lock: the token's JWS keys as they are now. */
static void
ring_load(struct signer *sg, unsigned int loads, unsigned int gen)
{
	struct jws_inv	 inv;
	struct hsm_sess	*s;
	int		 r;

	if (hsm_sess_get(sg->pool, &s) != 0)
		return;
	r = jws_inv_load(s, &inv);
	hsm_sess_put(sg->pool, s, r);
	if (r != 0) {
		log_warn("JWS keys: cannot be read from the token");
		return;
	}
	ring_set(&inv);
	ring_loads = loads;
	ring_gen = gen;
}

/* Takes the read lock on keys read since the last reload. */
static void
ring_rdlock(struct signer *sg)
{
	unsigned int	 loads = atomic_load(&sg->kr.loads);
	unsigned int	 gen = hsm_pool_generation(sg->pool);

	pthread_rwlock_rdlock(&ring_lk);
	if (ring_loads == loads && ring_gen == gen)
		return;
	pthread_rwlock_unlock(&ring_lk);
	pthread_rwlock_wrlock(&ring_lk);
	if (ring_loads != loads || ring_gen != gen)
		ring_load(sg, loads, gen);
	pthread_rwlock_unlock(&ring_lk);
	pthread_rwlock_rdlock(&ring_lk);
}

/* A federated parent's identity provider, protocol and groups, which
 * its re-scoped child must carry. */
static int
parent_federation(const Signet__V1__Claims *c, struct claims *pc)
{
	size_t	 i;

	if (c->n_group_ids > CLAIMS_GROUPS_MAX ||
	    strlen(c->idp_id) > CLAIMS_ID_MAX ||
	    strlen(c->protocol_id) > CLAIMS_ID_MAX)
		return -1;
	strcpy(pc->idp_id, c->idp_id);
	strcpy(pc->protocol_id, c->protocol_id);
	for (i = 0; i < c->n_group_ids; i++) {
		if (strlen(c->group_ids[i]) > CLAIMS_ID_MAX)
			return -1;
		strcpy(pc->group_ids[i], c->group_ids[i]);
	}
	pc->n_groups = c->n_group_ids;
	return 0;
}

/* A JWS parent as the claims the re-scope is judged against. */
static int
parent_open(struct signer *sg, const char *tok, struct claims *pc)
{
	static __thread char	 payload[JWS_PAYLOAD_MAX];
	struct jws_claims	 jc;
	size_t			 n;
	int			 r;

	(void)sg;	/* the keys are the ring's, read under ring_lk */
	if (jws_verify(tok, ring_pub, ring_npub, payload, sizeof(payload),
	    &n) != 0 || jws_claims_read(payload, n, &jc) != 0)
		return -1;
	memset(pc, 0, sizeof(*pc));
	r = strlen(jc.c.user_id) <= CLAIMS_ID_MAX &&
	    jc.c.n_audit_ids <= CLAIMS_AUDIT_MAX &&
	    claims_audit_parse(jc.c.audit_ids[jc.c.n_audit_ids - 1],
	    pc->audit[0]) == 0 ? 0 : -1;
	strncpy(pc->user_id, jc.c.user_id, CLAIMS_ID_MAX);
	pc->n_audit = 1;
	pc->expires_at = jc.c.expires_at;
	if (r == 0)
		r = parent_federation(&jc.c, pc);
	jws_claims_free(&jc);
	return r;
}

/* Claims JSON, signed in the token; under ring_lk. */
static int
sign(struct signer *sg, struct scratch *sc)
{
	const struct jws_key	*k = jws_signing_key(&ring);
	struct hsm_sess		*s;
	uint8_t			 d[32], sig[JWS_ES256_SIG_LEN];
	char			*payload, in[JWS_TOKEN_MAX];
	int			 r;

	if (k == NULL)
		return SIG_ERR_KEY_NOT_FOUND;
	op_claims_out(sg, sc);
	sc->sealed_at = (uint64_t)time(NULL);
	if ((payload = jws_claims_json(&sc->pc, (int64_t)sc->sealed_at)) ==
	    NULL)
		return SIG_ERR_NOMEM;
	r = jws_signing_input(payload, strlen(payload), in, sizeof(in));
	free(payload);
	if (r != 0)
		return r;
	jws_digest(in, d);
	if ((r = hsm_sess_get_timed(sg->pool, SIGNER_QUEUE_WAIT_MS, &s)) != 0)
		return r;
	r = jws_sign(s, k, d, sig);
	hsm_sess_put(sg->pool, s, r);
	if (r == 0)
		r = jws_compact(in, sig, sc->token, sizeof(sc->token));
	return r;
}

static void
issue(struct signer *sg, uid_t peer, const Signet__V1__IssueJwsRequest *in,
    Signet__V1__Response *resp, struct scratch *sc)
{
	struct audit_rec rec = { "issue_jws", peer, &sc->c, "ok", sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	const char	*bad;
	int		 r;

	if ((bad = op_check_parent(sg, in->parent_token, &sc->c, ring_loads,
	    parent_open)) != NULL) {
		snprintf(denied, sizeof(denied), "denied: %s", bad);
		op_audit_or_log(sg, sc, "issue_jws", peer, &sc->c, denied);
		return op_fail(resp, sg, SIG_ERR_POLICY, bad);
	}
	if ((r = sign(sg, sc)) != 0) {
		op_audit_or_log(sg, sc, "issue_jws", peer, &sc->c,
		    r == SIG_ERR_KEY_NOT_FOUND ? "no JWS signing key" :
		    sig_err_str(r));
		return op_fail(resp, sg, r, r == SIG_ERR_KEY_NOT_FOUND ?
		    "no JWS signing key (signet-provision jws-setup)" : NULL);
	}
	if ((r = audit_write(sg->audit, &rec)) != 0) {	/* no record, no token */
		explicit_bzero(sc->token, sizeof(sc->token));
		return op_fail(resp, sg, r, NULL);
	}
	signet__v1__issue_jws_response__init(&sc->u.jws);
	sc->u.jws.token = sc->token;
	sc->u.jws.issued_at = (int64_t)sc->sealed_at;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_ISSUE_JWS;
	resp->issue_jws = &sc->u.jws;
}

void
op_issue_jws(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__IssueJwsRequest *in = req->issue_jws;
	char		 denied[sizeof(sc->why) + 16];
	int		 r;

	if (in->claims == NULL)
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "no claims");
	if ((r = policy_claims(sg, in->claims, &sc->c, sc->why,
	    sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		op_audit_or_log(sg, sc, "issue_jws", peer, NULL, denied);
		return op_fail(resp, sg, r, sc->why);
	}
	ring_rdlock(sg);
	issue(sg, peer, in, resp, sc);
	pthread_rwlock_unlock(&ring_lk);
}

/* PublicMaterial's JWS keys, copied into sc (the answer outlives the lock). */
void
op_jws_public(struct signer *sg, struct scratch *sc)
{
	size_t	 i;

	ring_rdlock(sg);
	for (i = 0; i < ring.n; i++) {
		memcpy(sc->jws_spki[i], ring.keys[i].spki, JWS_SPKI_LEN);
		sc->jws_pub[i].data = sc->jws_spki[i];
		sc->jws_pub[i].len = JWS_SPKI_LEN;
	}
	sc->u.pub.n_jws_public_keys = ring.n;
	sc->u.pub.jws_public_keys = sc->jws_pub;
	pthread_rwlock_unlock(&ring_lk);
}
