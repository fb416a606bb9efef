/*
 * signet-signerd: PKI and PKIZ tokens and the signed revocation list, all
 * CMS signatures by the one key signing_key.c loaded; each body passes
 * its own policy first.
 */
#include <stdio.h>

#include "err.h"
#include "op.h"

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
		return op_fail(resp, sg, r, sc->why);
	}
	if ((r = cms_pem_sign(sg->sign_cert, sg->sign_key, in->body.data,
	    in->body.len, &sc->list)) != 0)
		return op_fail(resp, sg, r, NULL);
	if ((r = audit_write(sg->audit, &rec)) != 0)
		return op_fail(resp, sg, r, NULL);
	signet__v1__sign_cms_response__init(&sc->u.sign);
	sc->u.sign.token = sc->list;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_SIGN_CMS;
	resp->sign_cms = &sc->u.sign;
}

void
op_sign_cms(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__SignCmsRequest *in = req->sign_cms;
	const char	*op = in->compress ? "sign_pkiz" : "sign_pki";
	struct audit_rec rec = { op, peer, NULL, "ok", sc->rid };
	char		 denied[sizeof(sc->why) + 16];
	int		 r;

	if (sg->sign_key == NULL)
		return op_fail(resp, sg, SIG_ERR_KEY_NOT_FOUND,
		    "no CMS signing key and certificate in the token");
	if (in->revocation_list)
		return op_sign_revoked(sg, peer, in, resp, sc);
	if ((r = policy_cms_body(sg, in->body.data, in->body.len, &sc->c,
	    sc->why, sizeof(sc->why))) != 0) {
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		op_audit_or_log(sg, sc, op, peer, NULL, denied);
		return op_fail(resp, sg, r, sc->why);
	}
	rec.c = &sc->c;
	if ((r = cms_token_sign(sg->sign_cert, sg->sign_key, in->body.data,
	    in->body.len, in->compress, sc->cms, sizeof(sc->cms))) != 0) {
		op_audit_or_log(sg, sc, op, peer, &sc->c, sig_err_str(r));
		return op_fail(resp, sg, r, NULL);
	}
	/* no record, no token */
	if ((r = audit_write(sg->audit, &rec)) != 0)
		return op_fail(resp, sg, r, NULL);
	signet__v1__sign_cms_response__init(&sc->u.sign);
	sc->u.sign.token = sc->cms;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_SIGN_CMS;
	resp->sign_cms = &sc->u.sign;
}

/* Only a signed revocation list may travel in a frame this big. */
int
op_sign_cms_big(const Signet__V1__Request *req)
{
	return req->sign_cms->revocation_list;
}
