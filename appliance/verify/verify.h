/*
 * libsignet-verify internals: the verifier's state, shared by its files.
 * What it trusts: the pinned (or first downloaded) CA, the signing
 * certificate that chains to it, and the token service over TLS.
 */
#ifndef SIGNET_VERIFY_INTERNAL_H
#define SIGNET_VERIFY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "jws.h"
#include "signet_verify.h"

/* The public API; everything else stays inside the library. */
#define SV_EXPORT	__attribute__((visibility("default")))

#define SV_TOKEN_MAX	(128 * 1024)	/* longer is no token of ours */
#define SV_BODY_MAX	(24 * 1024 * 1024) /* a download stops here */
#define SV_REFETCH_MIN	5		/* seconds between unknown-signer
					   certificate refetches */

/* Certificates in use, replaced whole; holders keep theirs alive. */
struct sv_certs {
	atomic_int	 refs;
	X509		*signer;
	X509		*ca;
	X509_STORE	*store;
	int64_t		 not_before;	/* both certificates valid between */
	int64_t		 not_after;
};

/* The JWS public keys of the JWK Set in use, replaced whole. */
#define SV_JWKS_REFETCH_MIN	60	/* seconds between unknown-key
					   JWK Set refetches */

/* One accepted revocation list, immutable once built. */
/* Every token of user_id issued at or before issued_before is revoked. */
struct sv_user_rev {
	char		*user_id;
	int64_t		 issued_before;
};

struct sv_list {
	atomic_int	 refs;
	int64_t		 issued_at;
	size_t		 n_ids;		/* token hashes and UUIDs listed */
	size_t		 mask;		/* buckets - 1 */
	char		**slots;	/* "a:AUDITID" / "i:ID", open hashed */
	struct sv_user_rev *users;	/* few: a password change, a disable */
	size_t		 n_users;
};

struct sv_ident {
	struct signet_identity	 pub;
	atomic_int		 refs;
	void			*doc;	/* json_t the strings point into */
	char			*text;
	int			 delegated;	/* an application credential's:
						   asked again every time */
};

struct sv_cache;

struct sv_http {
	long		 status;
	char		*body;		/* NUL-terminated */
	size_t		 len;
	size_t		 cap;
	char		*subject_token;	/* X-Subject-Token, if any */
};

struct signet_verifier {
	struct signet_verify_config cf;	/* strings are our copies */
	X509			*pinned_ca;

	pthread_mutex_t		 mu;	/* certs, list, service token */
	struct sv_certs		*certs;
	struct jws_keyset		*jwks;
	int64_t			 last_jwks_refetch;
	struct sv_list		*list;
	char			*svc_token;
	int64_t			 svc_expires;
	int64_t			 last_refetch;

	pthread_mutex_t		 fetch_mu; /* one download at a time */
	struct sv_cache		*cache;

	pthread_t		 poller;
	pthread_cond_t		 cv;
	int			 stop;
	int			 polling;

	atomic_uint_fast64_t	 n_verified, n_hits, n_lists_ok,
				 n_lists_bad, n_fetch_err, n_refetch;
};

/* http.c */
int	sv_url_root(const char *, char **);
int	sv_http(struct signet_verifier *, const char *method,
	    const char *path, const char *auth, const char *subject,
	    const char *body, struct sv_http *);
void	sv_http_clear(struct sv_http *);

/* signdir.c */
int	sv_dir_check(const char *, char *, size_t);
int	sv_dir_write(const char *, const char *, const char *, size_t);
char	*sv_dir_read(const char *, const char *);

/* certs.c */
X509	*sv_pem_cert(const char *);
int	sv_certs_load(struct signet_verifier *);
int	sv_certs_fetch(struct signet_verifier *);
int	sv_certs_refetch(struct signet_verifier *);
struct sv_certs *sv_certs_get(struct signet_verifier *);
int	sv_certs_open(struct signet_verifier *, const uint8_t *, size_t,
	    char **);
void	sv_certs_put(struct sv_certs *);

/* jwks.c */
int	sv_jwks_load(struct signet_verifier *);
int	sv_jwks_fetch(struct signet_verifier *);
struct jws_keyset *sv_jwks_get(struct signet_verifier *);
enum signet_verify_status
	sv_jws_open(struct signet_verifier *, const char *,
	    struct sv_ident **);

/* jws_ident.c */
int	sv_ident_jws(char *, struct sv_ident **);

/* revlist.c */
int	sv_list_load(struct signet_verifier *);
int	sv_list_fetch(struct signet_verifier *);
struct sv_list *sv_list_get(struct signet_verifier *);
void	sv_list_put(struct sv_list *);
int	sv_list_revoked(const struct sv_list *, const char *,
	    const struct signet_identity *);

/* cache.c */
struct sv_cache *sv_cache_new(size_t, int);
void	sv_cache_free(struct sv_cache *);
struct sv_ident *sv_cache_get(struct sv_cache *, const uint8_t *);
void	sv_cache_put(struct sv_cache *, const uint8_t *, struct sv_ident *);

/* identity.c */
int	sv_ident_parse(char *, const char *, struct sv_ident **);
struct sv_ident *sv_ident_ref(struct sv_ident *);
void	sv_ident_put(struct sv_ident *);

/* service.c */
int	sv_service_token(struct signet_verifier *, char **);
void	sv_service_token_drop(struct signet_verifier *, const char *);

/* online.c */
enum signet_verify_status
	sv_online(struct signet_verifier *, const char *,
	    struct sv_ident **);

/* poller.c */
int	sv_poller_start(struct signet_verifier *);
void	sv_poller_stop(struct signet_verifier *);

#endif
