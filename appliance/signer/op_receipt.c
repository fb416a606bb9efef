/*
 * signet-signerd: Keystone's MFA receipts. IssueReceipt checks what it is
 * asked (policy_receipt) and seals Keystone's receipt payload with the
 * primary receipt key; OpenReceipt tries every live receipt key and
 * hands the receipt's user, methods and times back. Receipts are Fernet
 * tokens like the token keys' but under keys of their own
 * (signet-provision fernet-setup --keys receipt): a receipt never opens
 * as a token, nor a token as a receipt.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "log.h"
#include "op.h"

#define NO_RECEIPT_KEYS	"no receipt keys in the token (signet-provision " \
			    "fernet-setup --keys receipt, or fernet-import " \
			    "--keys receipt)"

static void
more_receipt(struct scratch *sc, int key)
{
	memset(&sc->more, 0, sizeof(sc->more));
	sc->more.user_id = sc->rc.user_id[0] != '\0' ? sc->rc.user_id : NULL;
	sc->more.expires_at = sc->rc.expires_at;
	sc->more.key = key;
}

static void
audit_receipt(struct signer *sg, struct scratch *sc, const char *op,
    uid_t peer, const char *result)
{
	struct audit_rec rec = { op, peer, NULL, result, sc->rid };

	(void)audit_write_more(sg->audit, &rec, &sc->more);
}

void
op_issue_receipt(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	const Signet__V1__IssueReceiptRequest *in = req->issue_receipt;
	struct audit_rec rec = { "issue_receipt", peer, NULL, "ok", sc->rid };
	uint8_t		 pl[RECEIPT_PAYLOAD_MAX], raw[FERNET_RAW_MAX];
	char		 denied[sizeof(sc->why) + 16];
	size_t		 pllen;
	uint64_t	 ts = 0;
	int		 r, key;

	if ((r = policy_receipt(sg, in, &sc->rc, sc->why,
	    sizeof(sc->why))) != 0) {
		more_receipt(sc, -1);
		snprintf(denied, sizeof(denied), "denied: %s", sc->why);
		audit_receipt(sg, sc, "issue_receipt", peer, denied);
		return op_fail(resp, sg, r, sc->why);
	}
	if ((r = receipt_payload_pack(&sc->rc, pl, sizeof(pl), &pllen)) == 0)
		r = keyset_seal(sg, &sg->kr_receipt, pl, pllen, raw,
		    sizeof(raw), 0, sc->token, sizeof(sc->token), &ts, &key,
		    NULL);
	explicit_bzero(pl, sizeof(pl));
	more_receipt(sc, -1);
	if (r != 0) {
		audit_receipt(sg, sc, "issue_receipt", peer, r ==
		    SIG_ERR_STATE ? "no receipt keys" : sig_err_str(r));
		return op_fail(resp, sg, r, r == SIG_ERR_STATE ?
		    NO_RECEIPT_KEYS : NULL);
	}
	more_receipt(sc, key);
	/* no record, no receipt */
	if ((r = audit_write_more(sg->audit, &rec, &sc->more)) != 0) {
		explicit_bzero(sc->token, sizeof(sc->token));
		return op_fail(resp, sg, r, NULL);
	}
	signet__v1__issue_receipt_response__init(&sc->u.receipt);
	sc->u.receipt.receipt = sc->token;
	sc->u.receipt.issued_at = (int64_t)ts;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_ISSUE_RECEIPT;
	resp->issue_receipt = &sc->u.receipt;
}

/* 0 with the receipt in sc->rc; else as keyset_open, expiry included. */
static int
unseal(struct signer *sg, struct scratch *sc, const char *text,
    uint64_t *ts, int *key)
{
	uint8_t		 raw[FERNET_RAW_MAX], pl[FERNET_RAW_MAX];
	size_t		 rawlen, pllen = 0;
	int		 r;

	*key = -1;
	if (fernet_decode(text, strlen(text), raw, sizeof(raw), &rawlen) != 0)
		return SIG_ERR_BAD_INPUT;
	r = keyset_open(sg, &sg->kr_receipt, raw, rawlen, pl, &pllen, ts, key);
	if (r == 0 && receipt_payload_unpack(pl, pllen, &sc->rc) != 0)
		r = SIG_ERR_BAD_INPUT;
	explicit_bzero(pl, sizeof(pl));
	if (r == 0 && time(NULL) >= sc->rc.expires_at)
		r = SIG_ERR_KEY_NOT_FOUND;	/* expired: Keystone's 401 */
	return r;
}

void
op_open_receipt(struct signer *sg, uid_t peer, const Signet__V1__Request *req,
    Signet__V1__Response *resp, struct scratch *sc)
{
	Signet__V1__OpenReceiptResponse *out = &sc->u.open_receipt;
	uint64_t	 ts = 0;
	int		 r, key;

	memset(&sc->rc, 0, sizeof(sc->rc));
	r = unseal(sg, sc, req->open_receipt->receipt, &ts, &key);
	more_receipt(sc, r == 0 ? key : -1);
	if (r != 0)
		sc->more.user_id = NULL;	/* what it held is not vouched */
	audit_receipt(sg, sc, "open_receipt", peer, r == 0 ? "ok" :
	    r == SIG_ERR_BAD_INPUT ? "bad receipt" : r == SIG_ERR_STATE ?
	    "no receipt keys" : r == SIG_ERR_KEY_NOT_FOUND ? "not found" :
	    sig_err_str(r));
	if (r == SIG_ERR_BAD_INPUT)	/* to the peer, as Keystone: unknown */
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r != 0)
		return op_fail(resp, sg, r, r == SIG_ERR_KEY_NOT_FOUND ?
		    "receipt not found" : r == SIG_ERR_STATE ?
		    NO_RECEIPT_KEYS : NULL);
	signet__v1__open_receipt_response__init(out);
	out->user_id = sc->rc.user_id;
	out->n_methods = claims_methods_decode(&sg->methods, sc->rc.methods,
	    sc->methods, CLAIMS_METHODS_MAX + 2);
	out->methods = (char **)(uintptr_t)sc->methods;
	out->expires_at = sc->rc.expires_at;
	out->issued_at = (int64_t)ts;
	resp->result_case = SIGNET__V1__RESPONSE__RESULT_OPEN_RECEIPT;
	resp->open_receipt = out;
}
