/*
 * signet-signerd: the one process that opens the PKCS#11 module and logs
 * in. Its state, shared by the server threads and the handlers.
 */
#ifndef SIGNET_SIGNER_H
#define SIGNET_SIGNER_H

#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>

#include <openssl/x509.h>

#include "claims.h"
#include "config.h"
#include "fernet_keys.h"
#include "hsm.h"
#include "rate_limit.h"
#include "signer.pb-c.h"

#define SIGNER_UIDS_MAX		16
#define SIGNER_PEERS		(SIGNER_UIDS_MAX + 1)	/* + every TLS peer */
#define SIGNER_TLS_UID		((uid_t)-2)	/* audit: a TLS peer */
#define SIGNER_READ_TIMEOUT_S	5	/* once a frame has begun */
#define SIGNER_QUEUE_WAIT_MS	2000	/* for a session, then BUSY */
/* mlockall makes every stack page resident: keep thread stacks small. */
#define SIGNER_STACK_SIZE	(512 * 1024)
#define SIGNER_CALLS_MAX	12	/* the call table's rows, at most */
#define SIGNER_REQUEST_ID_MAX	64	/* Request.request_id, in bytes */

/*
 * One Fernet key set as served: the token keys (sg->kr, which the signer
 * cannot serve without), the MFA receipt keys and the credential keys
 * (either may be absent: their calls are then refused).
 */
struct keyring {
	const struct fernet_set	*set;
	pthread_rwlock_t	 lk;
	struct fernet_inv	 inv;
	size_t			 nlive;
	unsigned int		 gen;	/* the pool generation it was read at */
	atomic_uint		 loads;	/* bumped by every reload */
	char			 keyset[17];	/* Health: which keys, as hex */
};

struct audit;
struct cms_engine;

struct signer {
	struct config		*cf;
	struct hsm_module	*m;
	struct hsm_pool		*pool;
	struct keyring		 kr;		/* the token keys */
	struct keyring		 kr_receipt;	/* MFA receipts' */
	struct keyring		 kr_credential;	/* credential encryption */
	struct audit		*audit;
	struct rate_limit	*peers;		/* [signer] peer_rate */
	struct workq		*wq;
	struct claims_methods	 methods;
	char			*methods_buf;
	unsigned int		 scopes;	/* bit per enum claims_scope */
	uid_t			 uids[SIGNER_UIDS_MAX];
	size_t			 nuids;
	uid_t			 cred_uids[SIGNER_UIDS_MAX];	/* and ours */
	size_t			 ncred_uids;
	int			 cred_tls;	/* TLS peers may too */
	char			*signing_pem;
	char			*ca_pem;
	CK_TOKEN_INFO		 ti;
	struct cms_engine	*eng;
	X509			*sign_cert;
	EVP_PKEY		*sign_key;
	uint8_t			 sign_fpr[32];	/* SHA-256 of its public key */
	atomic_int		 ready;
	char			 why[128];	/* why not ready */
	atomic_ulong		 calls;
	atomic_ulong		 errors;
	atomic_ulong		 call_n[SIGNER_CALLS_MAX];
	atomic_ulong		 call_err[SIGNER_CALLS_MAX];
	atomic_ulong		 busy;		/* BUSY answers */
	double			 started;	/* monotonic seconds */
	volatile sig_atomic_t	 stop;
	volatile sig_atomic_t	 reload;
	atomic_int		 recheck;	/* an HSM call was lost */
	atomic_int		 hsm_lost;	/* the keys cannot be read */
	int			 sock_lock;	/* flock'ed: the socket is ours */
	dev_t			 sock_dev;	/* the socket we bound */
	ino_t			 sock_ino;
};

/* keyring.c */
int	keyrings_init(struct signer *);
int	keyrings_load(struct signer *);
void	keyring_reload(struct signer *);
void	keyring_fresh(struct signer *);
void	keyrings_free(struct signer *);

/* policy.c */
int	policy_init(struct signer *);
int	policy_credential_peer(const struct signer *, uid_t);
struct receipt;
int	policy_receipt(struct signer *,
	    const Signet__V1__IssueReceiptRequest *, struct receipt *, char *,
	    size_t);
int	policy_claims(struct signer *, const Signet__V1__Claims *,
	    struct claims *, char *, size_t);
int	policy_cms_body(struct signer *, const uint8_t *, size_t,
	    struct claims *, char *, size_t);
int	policy_revocation_body(const uint8_t *, size_t, int, char *, size_t);

/* server.c: a request that names only fields signer.proto knows */
int	server_request_known(const Signet__V1__Request *);

/* wire_text.c: a frame's shape and strings, before it is unpacked */
enum { WIRE_OK, WIRE_TEXT, WIRE_SHAPE };
int	wire_check(const uint8_t *, size_t);

/* parents.c: re-scope parents recently opened */
struct parent_seen {
	char		 user_id[CLAIMS_ID_MAX + 1];
	uint8_t		 chain[CLAIMS_AUDIT_LEN];
	int64_t		 expires_at;
	int		 federated;
	uint8_t		 federation[32];	/* parents_federation() */
};
int	parents_get(const char *, unsigned int, struct parent_seen *);
void	parents_put(const char *, unsigned int, const struct claims *,
	    struct parent_seen *);
int	parents_federation(const struct claims *, uint8_t [32]);

/* audit.c */
struct audit_rec {
	const char		*op;
	uid_t			 peer;
	const struct claims	*c;
	const char		*result;
	const char		*request_id;	/* the front-end's, or NULL */
};

/* What a record of a receipt or credential call names (audit_write_more):
 * a receipt's user and expiry, the key a credential was encrypted or
 * decrypted with. Never a credential's plaintext or blob. */
struct audit_more {
	const char		*user_id;	/* NULL: none */
	int64_t			 expires_at;	/* with user_id */
	int			 key;		/* the key's index; -1: none */
};

int	audit_open(const char *, struct audit **);
void	audit_close(struct audit *);
int	audit_reopen(struct audit *);
int	audit_write(struct audit *, const struct audit_rec *);
int	audit_write_more(struct audit *, const struct audit_rec *,
	    const struct audit_more *);
const char *audit_failing(struct audit *);
unsigned long audit_failures(struct audit *);
int	audit_space(struct audit *, uint64_t *, uint64_t *);

/* audit_line.c */
#define AUDIT_LINE_MAX		16384	/* escaped ids: 6 bytes a byte */
int	audit_line(const struct audit_rec *, time_t, char *, size_t,
	    size_t *);
int	audit_line_more(const struct audit_rec *, const struct audit_more *,
	    time_t, char *, size_t, size_t *);

/* ops.c: the call table and dispatch; the handlers are op_*.c (op.h) */
void	op_dispatch(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, uint8_t *, size_t);
void	op_scratch_wipe(uint8_t *);
int	op_big_allowed(const Signet__V1__Request *);

/* signing_key.c: the CMS signing key and its certificate, loaded once
 * (none: SignCms refuses); SIGHUP checks the token still holds that key */
int	signing_key_load(struct signer *);
void	signing_key_recheck(struct signer *);

/* selftest.c */
int	selftest_run(struct signer *);

/* workq.c: connection threads hand requests to the workers */
struct job {
	const Signet__V1__Request *req;
	Signet__V1__Response	*resp;
	uint8_t			*scratch;
	size_t			 scratchsz;
	uid_t			 peer;
	int			 done;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct job		*next;
};
struct workq;

int	workq_new(struct signer *, int, size_t, struct workq **);
void	workq_free(struct workq *);
int	workq_run(struct workq *, struct job *);

int	signer_thread(pthread_t *, void *(*)(void *), void *);

/* server.c */
int	server_run(struct signer *);
unsigned int server_connections(void);

/* refusals.c: refused connections, audited at a bounded rate */
#define REFUSE_WINDOW_S		10
void	refused(struct signer *, uid_t, const char *);
void	refused_flush(struct signer *, int);

/* sock.c: one signer per socket */
int	sock_claim(struct signer *);
int	sock_listen(struct signer *);
void	sock_close(struct signer *, int);
void	sock_unlock(struct signer *);

#endif
