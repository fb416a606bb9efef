/*
 * The signer's client, used by signet-api, signet-rpc, the tests and the
 * bench: one persistent connection, request ids checked, a deadline on
 * every call, one reconnect when the connection has gone away. Callers
 * use the typed calls (sigc_issue_fernet() ...): each request is built
 * in one place, here.
 */
#ifndef SIGNET_CLIENT_H
#define SIGNET_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "signer.pb-c.h"

struct sigc;
struct config;

/* endpoints: Unix socket paths or tcp://HOST:PORT (mutual TLS), in order. */
struct sigc_opts {
	const char	*endpoints;
	int		 timeout_ms;
	int		 once;		/* one round of connects, no backing
					   off: the caller has other signers */
	const char	*tls_cert;
	const char	*tls_key;
	const char	*tls_ca;
};

void	sigc_opts_config(const struct config *, int, struct sigc_opts *);
int	sigc_open(const struct sigc_opts *, struct sigc **);
int	sigc_new(const struct sigc_opts *, struct sigc **);
int	sigc_try(struct sigc *, int);
void	sigc_close(struct sigc *);
int	sigc_call(struct sigc *, Signet__V1__Request *,
	    Signet__V1__Response **);
void	sigc_response_free(Signet__V1__Response *);

/*
 * Where a typed call's request goes: one connection (sigc_via_conn), or
 * a caller's own dispatch ending in sigc_call (signet-api's pool, with
 * its breaker and metrics).
 */
struct sigc_via {
	int	(*call)(void *, Signet__V1__Request *,
		    Signet__V1__Response **);
	void	*arg;
};

/* What SignCms signs: a token document, compressed or not, or a list. */
enum sigc_cms {
	SIGC_CMS_PKI,
	SIGC_CMS_PKIZ,
	SIGC_CMS_REVOCATION_LIST,
};

struct sigc_via	 sigc_via_conn(struct sigc *);

/*
 * One function per call. 0: the signer did it, and *respp holds the
 * call's own result. Otherwise a negative SIG_ERR_*: no answer (*respp
 * NULL), or the signer's refusal as a code, its text in (*respp)->error.
 * The caller frees *respp (sigc_response_free) whatever the return.
 */
int	sigc_issue_fernet(const struct sigc_via *, const Signet__V1__Claims *,
	    const char *, Signet__V1__Response **);
int	sigc_issue_jws(const struct sigc_via *, const Signet__V1__Claims *,
	    const char *, Signet__V1__Response **);
int	sigc_open_fernet(const struct sigc_via *, const char *, int,
	    Signet__V1__Response **);
int	sigc_sign_cms(const struct sigc_via *, const uint8_t *, size_t,
	    enum sigc_cms, Signet__V1__Response **);
int	sigc_public_material(const struct sigc_via *,
	    Signet__V1__Response **);
int	sigc_health(const struct sigc_via *, Signet__V1__Response **);
/* Keystone's MFA receipts and credential blobs, under their own keys. */
int	sigc_issue_receipt(const struct sigc_via *, const char *,
	    const char *const *, size_t, int64_t, Signet__V1__Response **);
int	sigc_open_receipt(const struct sigc_via *, const char *,
	    Signet__V1__Response **);
int	sigc_encrypt_credential(const struct sigc_via *, const uint8_t *,
	    size_t, Signet__V1__Response **);
int	sigc_decrypt_credential(const struct sigc_via *, const char *,
	    Signet__V1__Response **);

#endif
