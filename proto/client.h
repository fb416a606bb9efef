/*
 * The signer's client, used by signet-api, signet-rpc, the tests and the
 * bench: one persistent connection, request ids checked, a deadline on
 * every call, one reconnect when the connection has gone away.
 */
#ifndef SIGNET_CLIENT_H
#define SIGNET_CLIENT_H

#include "signer.pb-c.h"

struct sigc;

int	sigc_open(const char *, int, struct sigc **);
void	sigc_close(struct sigc *);
int	sigc_call(struct sigc *, Signet__V1__Request *,
	    Signet__V1__Response **);
void	sigc_response_free(Signet__V1__Response *);

#endif
