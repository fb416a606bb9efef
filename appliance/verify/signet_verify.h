/*
 * libsignet-verify: offline validation of signet (Keystone v3) tokens for
 * the services that receive them. PKI and PKIZ tokens are verified in
 * process against certificates kept in a signing directory and the signed
 * revocation list; JWS (ES256) tokens likewise, against the JWK Set of
 * /v3/OS-SIMPLE-CERT/jwks kept there, but they name ids only: no names,
 * no roles (validate online, GET /v3/auth/tokens, where roles matter).
 * Fernet and UUID tokens are validated online with the service's own
 * credentials and cached. Every function is thread-safe.
 */
#ifndef SIGNET_VERIFY_H
#define SIGNET_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum signet_verify_status {
	SIGNET_VERIFY_OK = 0,
	SIGNET_VERIFY_MALFORMED,	/* not a token of any kind known */
	SIGNET_VERIFY_BAD_SIGNATURE,	/* signature or certificate refused */
	SIGNET_VERIFY_EXPIRED,
	SIGNET_VERIFY_REVOKED,
	SIGNET_VERIFY_STALE,		/* no fresh revocation list: PKI and
					   JWS fail */
	SIGNET_VERIFY_INVALID,		/* the token service refused it */
	SIGNET_VERIFY_UNAVAILABLE,	/* the token service could not answer */
	SIGNET_VERIFY_ERROR,		/* out of memory, or a bad argument */
};

/* Zero values take the defaults named on the right. */
struct signet_verify_config {
	const char	*url;		/* token service, e.g. https://h:5000 */
	const char	*https_ca_file;	/* CA bundle for https (system's) */
	const char	*signing_ca_file; /* pins the token CA (downloaded) */
	const char	*signing_dir;	/* required: certificates + list */
	/* the service's own identity, for the revocation list and for
	 * online validation: a password, or a fixed token from a file */
	const char	*username;
	const char	*password_file;	/* 0600, one line */
	const char	*user_domain;	/* "Default" */
	const char	*project_name;
	const char	*project_domain; /* "Default" */
	const char	*token_file;	/* instead of a password */
	int		 cert_refresh;	/* seconds; 3600 (and the JWK Set) */
	int		 revocation_poll; /* seconds; 10 */
	int		 max_staleness;	/* seconds; 3 x revocation_poll */
	int		 cache_size;	/* tokens; 10000 */
	int		 cache_ttl;	/* seconds; 300 */
	int		 http_timeout;	/* seconds; 5 */
};

struct signet_identity {
	const char	*kind;		/* "pki" "pkiz" "jws" "fernet" "uuid" */
	const char	*user_id;
	const char	*user_name;	/* names: NULL for "jws" */
	const char	*user_domain_id;
	const char	*user_domain_name;
	const char	*project_id;	/* NULL unless project scoped */
	const char	*project_name;
	const char	*project_domain_id;
	const char	*project_domain_name;
	const char	*domain_id;	/* NULL unless domain scoped */
	const char	*domain_name;
	int		 system;	/* 1: system scoped ("all") */
	const char	**roles;	/* role names; none for "jws" */
	size_t		 n_roles;
	const char	**audit_ids;
	size_t		 n_audit_ids;
	int64_t		 issued_at;	/* seconds since the epoch */
	int64_t		 expires_at;
	const char	*json;		/* the validated token document; for
					   "jws", the token's claims */
};

struct signet_verify_stats {
	uint64_t	 verified;	/* every call */
	uint64_t	 cache_hits;
	uint64_t	 lists_accepted;
	uint64_t	 lists_refused;	/* bad signature, older, garbage */
	uint64_t	 fetch_errors;	/* downloads that failed */
	uint64_t	 cert_refetches; /* after an unknown signer or JWS
					   key */
	int64_t		 list_issued_at; /* the current list; 0: none */
	int		 stale;		/* 1: PKI and JWS validation fail
					   closed */
};

struct signet_verifier;

/* 0, or -1 with the reason in err (never a secret). */
int	signet_verifier_new(const struct signet_verify_config *,
	    struct signet_verifier **, char *err, size_t errlen);
void	signet_verifier_free(struct signet_verifier *);

/* On SIGNET_VERIFY_OK, *id is the caller's (signet_identity_free). */
enum signet_verify_status
	signet_verify(struct signet_verifier *, const char *token,
	    struct signet_identity **id);
void	signet_identity_free(struct signet_identity *);

/* Fetches certificates and the revocation list now (the poller's work). */
int	signet_verifier_refresh(struct signet_verifier *);
void	signet_verifier_stats(struct signet_verifier *,
	    struct signet_verify_stats *);
const char *signet_verify_strerror(enum signet_verify_status);

#ifdef __cplusplus
}
#endif

#endif
