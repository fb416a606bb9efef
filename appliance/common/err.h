/*
 * One code space for every process: functions return 0 or a negative
 * SIG_ERR_*; err.c maps each code to its text, RPC status and HTTP status.
 */
#ifndef SIGNET_ERR_H
#define SIGNET_ERR_H

/* The closed set of statuses a peer ever sees (details go to the log). */
enum sig_status {
	SIG_ST_OK = 0,
	SIG_ST_BAD_REQUEST,
	SIG_ST_DENIED,
	SIG_ST_NOT_FOUND,
	SIG_ST_UNAVAILABLE,
	SIG_ST_BUSY,
	SIG_ST_INTERNAL,
};

enum sig_err {
	SIG_OK = 0,
	SIG_ERR_SYSTEM = -1,	/* errno-level failure, already logged */
	SIG_ERR_NOMEM = -2,
	SIG_ERR_USAGE = -3,
	SIG_ERR_CONFIG = -4,
	SIG_ERR_PIN_FILE = -5,
	SIG_ERR_PIN_INCORRECT = -6,
	SIG_ERR_PIN_LOCKED = -7,
	SIG_ERR_TOKEN_NOT_FOUND = -8,
	SIG_ERR_KEY_NOT_FOUND = -9,
	SIG_ERR_EXISTS = -10,
	SIG_ERR_BAD_INPUT = -11,
	SIG_ERR_CERT = -12,
	SIG_ERR_STATE = -13,
	SIG_ERR_HSM_RETRY = -14,
	SIG_ERR_HSM_REINIT = -15,
	SIG_ERR_HSM_FATAL = -16,
	SIG_ERR_CRYPTO = -17,
	SIG_ERR_POLICY = -18,
	SIG_ERR_AUDIT = -19,
	SIG_ERR_BUSY = -20,
	SIG_ERR_UNAVAILABLE = -21,	/* the signer (or store) not answering */
	SIG_ERR_AUTH = -22,		/* the caller is not who it claims */
	SIG_ERR_LAST = -23,
};

const char	*sig_err_str(int);
enum sig_status	 sig_err_status(int);
int		 sig_err_http(int);
int		 sig_status_err(int);

#endif
