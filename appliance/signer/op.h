/*
 * signet-signerd: what the handlers (op_*.c) share, private to the signer.
 * A call's answer lives in the worker's scratch until it is sent, so no
 * handler allocates for the common case.
 */
#ifndef SIGNET_SIGNER_OP_H
#define SIGNET_SIGNER_OP_H

#include <stdint.h>

#include "cms_token.h"
#include "fernet_seal.h"
#include "jws_keys.h"
#include "receipt_payload.h"
#include "signer.h"

#define HSM_LOST_WHY	"HSM_LOST: the token's Fernet keys cannot be read " \
			    "(token removed or unreachable); retrying every second"
#define S(p)	((char *)(uintptr_t)(p))	/* protobuf-c's char * fields */

/*
 * A credential's plaintext, at most (what EncryptCredential takes), its
 * Fernet envelope and the envelope's text (a blob, '=' padding kept):
 * 16 KiB holds any EC2, TOTP or certificate blob, and an envelope and
 * its text still fit a frame and a worker's scratch.
 */
#define CRED_PLAIN_MAX	(16 * 1024)
#define CRED_RAW_MAX	(FERNET_HDR_LEN + (CRED_PLAIN_MAX / 16 + 1) * 16 + \
			    FERNET_MAC_LEN)
#define CRED_BLOB_MAX	((CRED_RAW_MAX + 2) / 3 * 4)

struct scratch {
	char		 token[FERNET_TOKEN_MAX + 1];
	struct claims	 c;
	Signet__V1__Claims pc;
	const char	*methods[CLAIMS_METHODS_MAX + 2];
	char		 audit[CLAIMS_AUDIT_MAX][23];
	char		*audit_ptrs[CLAIMS_AUDIT_MAX];
	char		*group_ptrs[CLAIMS_GROUPS_MAX];
	char		 why[160];
	char		 keyset[sizeof(((struct keyring *)0)->keyset)];
	union {		/* one call needs one of them */
		char	 cms[CMS_TOKEN_MAX];
		uint8_t	 jws_spki[JWS_KEYS_MAX][JWS_SPKI_LEN];
		struct {	/* Encrypt/DecryptCredential: wiped after */
			uint8_t	 raw[CRED_RAW_MAX];
			union {
				char	 blob[CRED_BLOB_MAX + 1];
				uint8_t	 plain[CRED_RAW_MAX];
			};
		} cred;
	};
	int		 cred_used;	/* cred holds a secret: wipe it */
	struct receipt	 rc;
	struct audit_more more;
	char		 key_hash[FERNET_KEY_NAME_LEN + 1];
	ProtobufCBinaryData jws_pub[JWS_KEYS_MAX];
	char		*list;		/* a signed revocation list (heap) */
	const char	*rid;		/* the front-end's request id, or NULL */
	uint64_t	 sealed_at;	/* the envelope's timestamp */
	Signet__V1__CallCounters per_call[SIGNER_CALLS_MAX];
	Signet__V1__CallCounters *per_call_ptrs[SIGNER_CALLS_MAX];
	union {
		Signet__V1__SignCmsResponse	 sign;
		Signet__V1__IssueFernetResponse	 issue;
		Signet__V1__OpenFernetResponse	 open;
		Signet__V1__HealthResponse	 health;
		Signet__V1__PublicMaterialResponse pub;
		Signet__V1__IssueJwsResponse	 jws;
		Signet__V1__IssueReceiptResponse receipt;
		Signet__V1__OpenReceiptResponse	 open_receipt;
		Signet__V1__EncryptCredentialResponse encrypt;
		Signet__V1__DecryptCredentialResponse decrypt;
	} u;
};

/*
 * The RPC's calls, a row each: a new call is its handler and its row.
 * Health's per-call counters (and so signet-api's /metrics) list the rows
 * in this order, and sg->call_n is indexed by row.
 */
struct op_call {
	Signet__V1__Request__CallCase call;
	const char	*name;		/* its counters' name in Health */
	void		(*run)(struct signer *, uid_t,
			    const Signet__V1__Request *,
			    Signet__V1__Response *, struct scratch *);
	int		 always;	/* even when not ready or HSM lost */
	/* may it come in a frame over SIG_FRAME_MAX? NULL: never */
	int		(*big)(const Signet__V1__Request *);
};

/* ops.c */
extern const struct op_call op_calls[];
extern const size_t op_ncalls;
void	op_fail(Signet__V1__Response *, struct signer *, int, const char *);
void	op_audit_or_log(struct signer *, const struct scratch *, const char *,
	    uid_t, const struct claims *, const char *);
void	op_claims_out(struct signer *, struct scratch *);
typedef int (*op_parent_open)(struct signer *, const char *,
	    struct claims *);
const char *op_check_parent(struct signer *, const char *,
	    const struct claims *, unsigned int, op_parent_open);

/* op_fernet.c */
void	op_issue_fernet(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);
void	op_open_fernet(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);

/* op_jws.c */
void	op_issue_jws(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);
void	op_jws_public(struct signer *, struct scratch *);

/* op_keyset.c: a receipt or credential key set's seal and open */
int	keyset_seal(struct signer *, struct keyring *, const uint8_t *,
	    size_t, uint8_t *, size_t, int, char *, size_t, uint64_t *, int *,
	    char *);
int	keyset_open(struct signer *, struct keyring *, const uint8_t *,
	    size_t, uint8_t *, size_t *, uint64_t *, int *);

/* op_receipt.c */
void	op_issue_receipt(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);
void	op_open_receipt(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);

/* op_credential.c */
void	op_encrypt_credential(struct signer *, uid_t,
	    const Signet__V1__Request *, Signet__V1__Response *,
	    struct scratch *);
void	op_decrypt_credential(struct signer *, uid_t,
	    const Signet__V1__Request *, Signet__V1__Response *,
	    struct scratch *);

/* op_cms.c */
void	op_sign_cms(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);
int	op_sign_cms_big(const Signet__V1__Request *);

/* op_info.c */
void	op_health(struct signer *, uid_t, const Signet__V1__Request *,
	    Signet__V1__Response *, struct scratch *);
void	op_public_material(struct signer *, uid_t,
	    const Signet__V1__Request *, Signet__V1__Response *,
	    struct scratch *);

#endif
