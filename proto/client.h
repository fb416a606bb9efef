/*
 * The signer's client, used by signet-api, signet-rpc, the tests and the
 * bench: one persistent connection, request ids checked, a deadline on
 * every call, one reconnect when the connection has gone away.
 */
#ifndef SIGNET_CLIENT_H
#define SIGNET_CLIENT_H

#include "signer.pb-c.h"

struct sigc;
struct config;

/* endpoints: Unix socket paths or tcp://HOST:PORT (mutual TLS), in order. */
struct sigc_opts {
	const char	*endpoints;
	int		 timeout_ms;
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

#endif
