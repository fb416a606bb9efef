/*
 * Fuzz target: an RPC request as signet-signerd takes it from a peer
 * (protobuf decoding, the unknown-field check) and then the policy it
 * applies to claims, receipts, token documents and revocation lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "receipt_payload.h"
#include "signer.h"

static struct signer	 sg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 path[] = "/tmp/signet-fuzz-conf.XXXXXX", err[256];
	int	 fd = mkstemp(path);

	(void)argc;
	(void)argv;
	if (fd < 0 || write(fd, "[token]\nexpiration = 3600\n", 26) != 26 ||
	    config_load(path, &sg.cf, err, sizeof(err)) != 0 ||
	    policy_init(&sg) != 0) {
		fprintf(stderr, "fuzz_rpc: no config: %s\n", err);
		exit(1);
	}
	close(fd);
	unlink(path);
	return 0;
}

static void
policy(const Signet__V1__Request *req)
{
	struct claims	 c;
	struct receipt	 rc;
	char		 why[160];

	if (req->call_case == SIGNET__V1__REQUEST__CALL_ISSUE_RECEIPT)
		(void)policy_receipt(&sg, req->issue_receipt, &rc, why,
		    sizeof(why));

	if (req->call_case == SIGNET__V1__REQUEST__CALL_ISSUE_FERNET &&
	    req->issue_fernet->claims != NULL)
		(void)policy_claims(&sg, req->issue_fernet->claims, &c, why,
		    sizeof(why));
	if (req->call_case != SIGNET__V1__REQUEST__CALL_SIGN_CMS)
		return;
	if (req->sign_cms->revocation_list)
		(void)policy_revocation_body(req->sign_cms->body.data,
		    req->sign_cms->body.len, 300, why, sizeof(why));
	else
		(void)policy_cms_body(&sg, req->sign_cms->body.data,
		    req->sign_cms->body.len, &c, why, sizeof(why));
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	Signet__V1__Request	*req = NULL;
	Signet__V1__Response	*resp;
	int			 w = wire_check(d, n);

	/* as in the signer: the wire walk first, then what unpacks */
	if (w != WIRE_SHAPE)
		req = signet__v1__request__unpack(NULL, n, d);
	if (req != NULL && server_request_known(req) && w == WIRE_OK)
		policy(req);
	signet__v1__request__free_unpacked(req, NULL);
	resp = signet__v1__response__unpack(NULL, n, d);
	signet__v1__response__free_unpacked(resp, NULL);
	return 0;
}
