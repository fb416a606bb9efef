/*
 * signet-signerd: Fernet tokens. IssueFernet checks the claims (and a
 * re-scoped token's parent) and seals them with the primary key;
 * OpenFernet tries every live key and hands the claims back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "err.h"
#include "op.h"

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
	size_t		 rawlen, pllen = 0;
	int		 r, key;

	if (fernet_decode(tok, strlen(tok), raw, sizeof(raw), &rawlen) != 0)
		return SIG_ERR_BAD_INPUT;
	r = keyset_open(sg, &sg->kr, raw, rawlen, pl, &pllen, ts, &key);
	if (r == 0 && fernet_payload_unpack(pl, pllen, c) != 0)
		r = SIG_ERR_BAD_INPUT;
	explicit_bzero(pl, sizeof(pl));
	return r;
}

/* A Fernet parent, as the claims a re-scope is judged against. */
static int
parent_open(struct signer *sg, const char *tok, struct claims *pc)
{
	uint64_t	 ts;

	return unseal(sg, tok, pc, &ts);
}

void
op_issue_fernet(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__IssueFernetRequest *in = req->issue_fernet;
	struct audit_rec rec = { "issue_fernet", peer, NULL, "ok", sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	const char	*bad;
	int		 r;

	if (in->claims == NULL)
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "no claims");
	if ((r = policy_claims(sg, in->claims, &sc->c, sc->why,
	    sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		op_audit_or_log(sg, sc, "issue_fernet", peer, NULL, denied);
		return op_fail(resp, sg, r, sc->why);
	}
	if ((bad = op_check_parent(sg, in->parent_token, &sc->c,
	    atomic_load(&sg->kr.loads), parent_open)) != NULL) {
		snprintf(denied, sizeof(denied), "denied: %s", bad);
		op_audit_or_log(sg, sc, "issue_fernet", peer, &sc->c, denied);
		return op_fail(resp, sg, SIG_ERR_POLICY, bad);
	}
	rec.c = &sc->c;
	if ((r = seal(sg, sc)) != 0) {
		op_audit_or_log(sg, sc, "issue_fernet", peer, &sc->c,
		    sig_err_str(r));
		return op_fail(resp, sg, r, NULL);
	}
	/* no record, no token */
	if ((r = audit_write(sg->audit, &rec)) != 0) {
		explicit_bzero(sc->token, sizeof(sc->token));
		return op_fail(resp, sg, r, NULL);
	}
	signet__v1__issue_fernet_response__init(&sc->u.issue);
	sc->u.issue.token = sc->token;
	sc->u.issue.issued_at = (int64_t)sc->sealed_at;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_ISSUE_FERNET;
	resp->issue_fernet = &sc->u.issue;
}

void
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
	op_audit_or_log(sg, sc, "open_fernet", peer, r == 0 ? &sc->c : NULL,
	    r == 0 ? "ok" : r == SIG_ERR_BAD_INPUT ? "bad token" :
	    r == SIG_ERR_KEY_NOT_FOUND ? "not found" : sig_err_str(r));
	if (r == SIG_ERR_BAD_INPUT)	/* to the peer, as Keystone: unknown */
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r != 0)
		return op_fail(resp, sg, r, r == SIG_ERR_KEY_NOT_FOUND ?
		    "token not found" : NULL);
	op_claims_out(sg, sc);
	signet__v1__open_fernet_response__init(&sc->u.open);
	sc->u.open.claims = &sc->pc;
	sc->u.open.issued_at = (int64_t)ts;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_OPEN_FERNET;
	resp->open_fernet = &sc->u.open;
}
