/*
 * Used by every process: the only table from error code to text, RPC
 * status and HTTP status.
 */
#include "err.h"

struct err_row {
	const char	*text;
	enum sig_status	 status;
	int		 http;
};

static const struct err_row err_table[] = {
	[-SIG_OK] = { "success", SIG_ST_OK, 200 },
	[-SIG_ERR_SYSTEM] = { "system error", SIG_ST_INTERNAL, 500 },
	[-SIG_ERR_NOMEM] = { "out of memory", SIG_ST_UNAVAILABLE, 503 },
	[-SIG_ERR_USAGE] = { "usage error", SIG_ST_BAD_REQUEST, 400 },
	[-SIG_ERR_CONFIG] = { "configuration error", SIG_ST_INTERNAL, 500 },
	[-SIG_ERR_PIN_FILE] = { "PIN file refused", SIG_ST_INTERNAL, 500 },
	[-SIG_ERR_PIN_INCORRECT] = { "PIN incorrect", SIG_ST_UNAVAILABLE,
	    503 },
	[-SIG_ERR_PIN_LOCKED] = { "PIN locked", SIG_ST_UNAVAILABLE, 503 },
	[-SIG_ERR_TOKEN_NOT_FOUND] = { "token not found", SIG_ST_UNAVAILABLE,
	    503 },
	[-SIG_ERR_KEY_NOT_FOUND] = { "key not found", SIG_ST_NOT_FOUND,
	    404 },
	[-SIG_ERR_EXISTS] = { "already exists", SIG_ST_DENIED, 409 },
	[-SIG_ERR_BAD_INPUT] = { "bad input", SIG_ST_BAD_REQUEST, 400 },
	[-SIG_ERR_CERT] = { "certificate refused", SIG_ST_BAD_REQUEST, 400 },
	[-SIG_ERR_STATE] = { "inconsistent state", SIG_ST_UNAVAILABLE, 503 },
	[-SIG_ERR_HSM_RETRY] = { "HSM busy, retry", SIG_ST_BUSY, 503 },
	[-SIG_ERR_HSM_REINIT] = { "HSM session lost", SIG_ST_UNAVAILABLE,
	    503 },
	[-SIG_ERR_HSM_FATAL] = { "HSM operation failed", SIG_ST_INTERNAL,
	    500 },
	[-SIG_ERR_CRYPTO] = { "cryptographic operation failed",
	    SIG_ST_INTERNAL, 500 },
	[-SIG_ERR_POLICY] = { "denied by policy", SIG_ST_DENIED, 403 },
	[-SIG_ERR_AUDIT] = { "audit log unavailable", SIG_ST_UNAVAILABLE,
	    503 },
	[-SIG_ERR_BUSY] = { "signer busy", SIG_ST_BUSY, 503 },
	[-SIG_ERR_UNAVAILABLE] = { "service unavailable", SIG_ST_UNAVAILABLE,
	    503 },
	[-SIG_ERR_AUTH] = { "authentication failed", SIG_ST_DENIED, 401 },
};

static const struct err_row *
err_row(int r)
{
	if (r > 0 || r <= SIG_ERR_LAST)
		return &err_table[-SIG_ERR_SYSTEM];
	return &err_table[-r];
}

const char *
sig_err_str(int r)
{
	return err_row(r)->text;
}

enum sig_status
sig_err_status(int r)
{
	return err_row(r)->status;
}

int
sig_err_http(int r)
{
	return err_row(r)->http;
}

/* The code a client reports for a peer's status (see enum sig_status). */
int
sig_status_err(int st)
{
	switch (st) {
	case SIG_ST_OK:
		return 0;
	case SIG_ST_BAD_REQUEST:
		return SIG_ERR_BAD_INPUT;
	case SIG_ST_DENIED:
		return SIG_ERR_POLICY;
	case SIG_ST_NOT_FOUND:
		return SIG_ERR_KEY_NOT_FOUND;
	case SIG_ST_UNAVAILABLE:
		return SIG_ERR_UNAVAILABLE;
	case SIG_ST_BUSY:
		return SIG_ERR_BUSY;
	default:
		return SIG_ERR_SYSTEM;
	}
}
