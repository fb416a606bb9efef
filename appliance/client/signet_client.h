/*
 * libsignet-client: the signer's RPC for programs that are not C (the
 * Keystone provider calls it through ctypes). JSON in, JSON out, so the
 * framing, request ids, deadlines and failover stay in proto/client.c and
 * no other language re-implements them.
 *
 * A handle is one connection: not for two threads at once.
 */
#ifndef SIGNET_CLIENT_H_PUBLIC
#define SIGNET_CLIENT_H_PUBLIC

/* What a call returns besides the signer's own statuses (0..6). */
#define SIGNET_CLIENT_UNREACHABLE	(-1)	/* no answer, or garbage */
#define SIGNET_CLIENT_BAD_CALL		(-2)	/* the caller's JSON or op */

struct signet_client;

/*
 * options: {"endpoints": "SOCK[,SOCK...]" (or tcp://HOST:PORT),
 * "timeout_ms": N, "tls_cert", "tls_key", "tls_ca"}. NULL on a bad
 * option (why in err, when errsz > 0).
 */
struct signet_client *signet_client_new(const char *options, char *err,
	    unsigned int errsz);
/*
 * op: "health", "issue_fernet" and "issue_jws" ({claims with Keystone's
 * names, "parent_token"}: {"token", "issued_at"}), "open_fernet"
 * ({"token", "allow_expired"}), "public_material" ({}:
 * {"jws_public_keys": [SubjectPublicKeyInfo DER in padded base64url],
 * "signing_cert_pem", "ca_cert_pem"}), "issue_receipt" ({"user_id",
 * "methods", "expires_at"}: {"receipt", "issued_at"}), "open_receipt"
 * ({"receipt"}: {"user_id", "methods", "expires_at", "issued_at"}),
 * "encrypt_credential" ({"plaintext_b64"}: {"blob", "key_hash"}) and
 * "decrypt_credential" ({"blob"}: {"plaintext_b64"}); plaintext_b64 is
 * urlsafe base64 with padding, and every op takes "request_id". *out
 * (free with signet_client_free, which wipes it) holds the result, or
 * {"error": "..."} when the status is not 0.
 */
int	signet_client_call(struct signet_client *, const char *op,
	    const char *in, char **out);
void	signet_client_free(char *);
void	signet_client_close(struct signet_client *);

#endif
