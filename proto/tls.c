/*
 * signerd and its clients: the TLS contexts of the TCP transport. A
 * context is made once at start-up; a bad file is an operator's error and
 * says which file.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"

static int
key_file_private(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) != 0) {
		log_err("TLS key %s: cannot read it", path);
		return 0;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		log_err("TLS key %s: must be ours and mode 0600", path);
		return 0;
	}
	return 1;
}

static void
tls_log(const char *what, const char *path)
{
	char	 buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	log_err("%s %s: %s", what, path, buf);
	ERR_clear_error();
}

/* server: 1 for the signer's side (it requires a client certificate). */
SSL_CTX *
tls_ctx_new(int server, const char *cert, const char *key, const char *ca)
{
	SSL_CTX	*ctx;

	if (cert == NULL || key == NULL || ca == NULL) {
		log_err("TLS needs a certificate, its key and the pinned CA "
		    "([signer] tls_%scert, tls_%skey, tls_ca)",
		    server ? "" : "client_", server ? "" : "client_");
		return NULL;
	}
	if (!key_file_private(key) ||
	    (ctx = SSL_CTX_new(server ? TLS_server_method() :
	    TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		tls_log("TLS certificate", cert);
	else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		tls_log("TLS key", key);
	else if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		tls_log("TLS CA", ca);
	else
		return ctx;
	SSL_CTX_free(ctx);
	return NULL;
}

/* The peer certificate's subject, for logs and the audit. */
void
tls_peer_name(SSL *ssl, char *out, size_t sz)
{
	X509	*x = SSL_get1_peer_certificate(ssl);

	snprintf(out, sz, "?");
	if (x != NULL)
		X509_NAME_oneline(X509_get_subject_name(x), out, (int)sz);
	X509_free(x);
}
