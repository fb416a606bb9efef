/*
 * signet-signerd: the structured claims a Fernet token carries, and
 * Keystone 22's msgpack payload for them (token_formatters.py). The signer
 * builds every payload itself from these, so it can check and audit what
 * it seals; it never seals bytes a peer hands it. The payload version
 * follows from the claims as Keystone picks it: an access token id makes
 * OAuth1 (v7), a trust v3, an identity provider federated (v4-v6), an
 * application credential v9, else the scope (v0, v1, v2, v8).
 */
#ifndef SIGNET_CLAIMS_H
#define SIGNET_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#define CLAIMS_ID_MAX		255	/* bytes of a user/project/domain id */
#define CLAIMS_AUDIT_MAX	2	/* own id, then the chain's */
#define CLAIMS_AUDIT_LEN	16	/* bytes; 22 base64url characters */
#define CLAIMS_METHODS_MAX	8
#define CLAIMS_GROUPS_MAX	32	/* a federated token's group ids */
#define CLAIMS_PROTOCOL_MAX	64	/* Keystone's protocol id column */
/* What a FERNET_TOKEN_MAX-character token holds: room for 32 group ids
 * of 64 characters (LDAP's public ids), not for 32 of 255 bytes. */
#define FERNET_PAYLOAD_MAX	3000

enum claims_scope {
	CLAIMS_UNSCOPED = 0,
	CLAIMS_PROJECT,
	CLAIMS_DOMAIN,
	CLAIMS_SYSTEM,
	CLAIMS_TRUST,
};

struct claims {
	enum claims_scope scope;
	char		 user_id[CLAIMS_ID_MAX + 1];
	uint64_t	 methods;	/* Keystone's bitmask */
	char		 project_id[CLAIMS_ID_MAX + 1];
	char		 domain_id[CLAIMS_ID_MAX + 1];
	char		 trust_id[CLAIMS_ID_MAX + 1];
	char		 system[16];
	/* federated (idp_id set), OAuth1, application credential: else "" */
	char		 group_ids[CLAIMS_GROUPS_MAX][CLAIMS_ID_MAX + 1];
	size_t		 n_groups;
	char		 idp_id[CLAIMS_ID_MAX + 1];
	char		 protocol_id[CLAIMS_ID_MAX + 1];
	char		 access_token_id[CLAIMS_ID_MAX + 1];
	char		 app_cred_id[CLAIMS_ID_MAX + 1];
	int64_t		 expires_at;	/* Unix seconds */
	uint8_t		 audit[CLAIMS_AUDIT_MAX][CLAIMS_AUDIT_LEN];
	size_t		 n_audit;
};

/* Method names in [auth] methods order give bits 2^0, 2^1, ... */
struct claims_methods {
	const char	*names[CLAIMS_METHODS_MAX];
	size_t		 n;
};

void	claims_methods_default(struct claims_methods *);
int	claims_methods_encode(const struct claims_methods *,
	    const char *const *, size_t, uint64_t *);
size_t	claims_methods_decode(const struct claims_methods *, uint64_t,
	    const char **, size_t);


int	claims_audit_parse(const char *, uint8_t *);
void	claims_audit_format(const uint8_t *, char *);

/* The payload version of c (0-9), -1 when no version carries it. */
int	fernet_payload_version(const struct claims *);
int	fernet_payload_pack(const struct claims *, uint8_t *, size_t, size_t *);
int	fernet_payload_unpack(const uint8_t *, size_t, struct claims *);

#endif
