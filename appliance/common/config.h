/*
 * Used by every process: the one INI file given with -c. Section and option
 * names follow keystone.conf where a Keystone operator would look for them.
 */
#ifndef SIGNET_CONFIG_H
#define SIGNET_CONFIG_H

#define CONFIG_ERR_MAX		256
#define SOFTHSM2_MODULE		"/usr/lib/softhsm/libsofthsm2.so"

struct config {
	char	*path;
	char	*dir;

	/* [DEFAULT] */
	int	 debug;
	/* [hsm] */
	char	*hsm_module;
	char	*hsm_token;
	char	*hsm_pin_file;
	char	*hsm_so_pin_file;
	int	 hsm_sessions;
	char	*hsm_softhsm2_conf;	/* exported as SOFTHSM2_CONF */
	/* [fernet_tokens] */
	int	 fernet_max_active_keys;
	/* [fernet_receipts]: the MFA receipt keys (signet-provision) */
	int	 receipt_max_active_keys;
	/* [receipt] */
	int	 receipt_expiration;	/* the longest receipt the signer seals */
	/* [jwt_tokens]: staged, signing and validating-only JWS keys */
	int	 jws_max_active_keys;
	/* [signing] */
	char	*signing_key_type;
	char	*signing_cert_subject;
	char	*signing_ca_subject;
	int	 signing_valid_days;
	/* [token] */
	char	*token_provider;
	int	 token_expiration;
	int	 token_allow_expired_window;
	int	 token_cache_time;	/* signet-api's validated tokens */
	/* [api] */
	char	*api_bind_host;
	int	 api_port;
	char	*api_public_endpoint;
	int	 api_connection_limit;
	int	 api_timeout;
	int	 api_request_timeout;	/* a whole request, head and body */
	int	 api_per_ip_connection_limit;	/* 0: a share of the above */
	int	 api_revocation_rate;	/* DELETEs per user per second */
	char	*api_tls_cert;
	char	*api_tls_key;
	char	*api_metrics_host;	/* /metrics and /healthcheck */
	int	 api_metrics_port;	/* 0: no /metrics at all */
	/* [security_compliance] */
	int	 lockout_failure_attempts;	/* 0: no lockout */
	int	 lockout_duration;
	/* [database] */
	char	*database_connection;
	/* [auth] */
	char	*auth_methods;
	/* [signer] */
	char	*signer_socket;
	char	*signer_audit_log;
	char	*signer_allowed_uids;
	char	*signer_allowed_scopes;
	char	*signer_credential_uids;	/* may use the credential keys */
	int	 signer_workers;
	int	 signer_spin_us;
	int	 signer_max_connections;
	int	 signer_max_connections_per_peer;	/* 0: half */
	int	 signer_idle_timeout;	/* seconds; 0: none */
	int	 signer_audit_min_free_mb;	/* Health warns below */
	int	 signer_queue_max;
	int	 signer_rescan_interval;
	int	 signer_max_clock_skew;	/* api vs signer, seconds */
	int	 signer_peer_rate;	/* calls per peer uid per second */
	char	*signer_tcp_listen;
	char	*signer_tls_cert;
	char	*signer_tls_key;
	char	*signer_tls_client_cert;
	char	*signer_tls_client_key;
	char	*signer_tls_ca;
};

int	config_load(const char *, struct config **, char *, size_t);
void	config_free(struct config *);

#endif
