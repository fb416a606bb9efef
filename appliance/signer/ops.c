/*
 * signet-signerd: one handler per RPC (op_fernet.c, op_cms.c, op_info.c).
 * Each checks what it was sent, does its HSM work on a pooled session,
 * writes its audit record and only then fills the response. Peers see the
 * closed status set and a short reason; details go to the log.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "op.h"

static void	dispatch(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, uint8_t *, size_t);

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
		return op_fail(resp, sg, SIG_ERR_SYSTEM, NULL);
	sc->token[0] = sc->cms[0] = '\0';	/* the rest is set before use */
	sc->rid = NULL;
	if (!request_id_valid(req->request_id))
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "bad request_id");
	if (req->request_id != NULL && *req->request_id != '\0')
		sc->rid = req->request_id;
	if (!atomic_load(&sg->ready) && req->call_case !=
	    SIGNET__V1__REQUEST__CALL_HEALTH)
		return op_fail(resp, sg, SIG_ERR_STATE, sg->why);
	if (atomic_load(&sg->hsm_lost) && req->call_case !=
	    SIGNET__V1__REQUEST__CALL_HEALTH)
		return op_fail(resp, sg, SIG_ERR_HSM_REINIT, HSM_LOST_WHY);
	switch (req->call_case) {
	case SIGNET__V1__REQUEST__CALL_ISSUE_FERNET:
		if (req->issue_fernet->claims == NULL)
			return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "no claims");
		return op_issue_fernet(sg, peer, req, resp, sc);
	case SIGNET__V1__REQUEST__CALL_OPEN_FERNET:
		return op_open_fernet(sg, peer, req, resp, sc);
	case SIGNET__V1__REQUEST__CALL_HEALTH:
		return op_health(sg, resp, sc);
	case SIGNET__V1__REQUEST__CALL_PUBLIC_MATERIAL:
		return op_public_material(sg, resp, sc);
	case SIGNET__V1__REQUEST__CALL_SIGN_CMS:
		return op_sign_cms(sg, peer, req, resp, sc);
	default:
		return op_fail(resp, sg, SIG_ERR_BAD_INPUT, "unknown call");
	}
}
