/*
 * Mutual TLS for the RPC over TCP, both sides: TLS 1.2 or later, the peer
 * must present a certificate chaining to one pinned CA file (the system's
 * trust store is never consulted), and our own key file must be ours and
 * unreadable by others.
 */
#ifndef SIGNET_TLS_H
#define SIGNET_TLS_H

#include <openssl/ssl.h>

SSL_CTX	*tls_ctx_new(int, const char *, const char *, const char *);
void	 tls_peer_name(SSL *, char *, size_t);

#endif
