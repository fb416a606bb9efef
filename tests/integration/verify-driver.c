/*
 * Test helper: a long-lived libsignet-verify consumer linked against the
 * shared library, driven by lines on stdin so a test can change the world
 * between calls:
 *   verify TOKEN -> STATUS USER_ID PROJECT_ID KIND
 *   stats        -> verified= hits= lists_ok= lists_bad= refetch= stale=
 *   refresh      -> ok | fail
 * usage: verify-driver URL DIR USER PWFILE PROJECT POLL STALENESS
 *        [SIGNING_CA]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet_verify.h"

static const char *const names[] = {
	"OK", "MALFORMED", "BAD_SIGNATURE", "EXPIRED", "REVOKED", "STALE",
	"INVALID", "UNAVAILABLE", "ERROR",
};

static void
verify_one(struct signet_verifier *v, const char *tok)
{
	struct signet_identity		*id;
	enum signet_verify_status	 st = signet_verify(v, tok, &id);

	printf("%s %s %s %s\n", names[st], id ? id->user_id : "-",
	    id && id->project_id ? id->project_id : "-", id ? id->kind : "-");
	signet_identity_free(id);
}

static void
stats(struct signet_verifier *v)
{
	struct signet_verify_stats	 s;

	signet_verifier_stats(v, &s);
	printf("verified=%llu hits=%llu lists_ok=%llu lists_bad=%llu "
	    "refetch=%llu fetch_errors=%llu stale=%d list_issued_at=%lld\n",
	    (unsigned long long)s.verified, (unsigned long long)s.cache_hits,
	    (unsigned long long)s.lists_accepted,
	    (unsigned long long)s.lists_refused,
	    (unsigned long long)s.cert_refetches,
	    (unsigned long long)s.fetch_errors, s.stale,
	    (long long)s.list_issued_at);
}

int
main(int argc, char **argv)
{
	struct signet_verify_config	 cf;
	struct signet_verifier		*v;
	char				 err[256], *line = NULL;
	size_t				 cap = 0;
	ssize_t				 n;

	if (argc < 8)
		return 2;
	memset(&cf, 0, sizeof(cf));
	cf.url = argv[1];
	cf.signing_dir = argv[2];
	cf.username = argv[3];
	cf.password_file = argv[4];
	cf.project_name = argv[5];
	cf.revocation_poll = atoi(argv[6]);
	cf.max_staleness = atoi(argv[7]);
	cf.signing_ca_file = argc > 8 ? argv[8] : NULL;
	cf.cache_ttl = 3600;
	if (signet_verifier_new(&cf, &v, err, sizeof(err)) != 0) {
		fprintf(stderr, "verify-driver: %s\n", err);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "verify ", 7) == 0)
			verify_one(v, line + 7);
		else if (strcmp(line, "stats") == 0)
			stats(v);
		else if (strcmp(line, "refresh") == 0)
			puts(signet_verifier_refresh(v) == 0 ? "ok" : "fail");
		else if (strcmp(line, "quit") == 0)
			break;
		else
			puts("?");
	}
	free(line);
	signet_verifier_free(v);
	return 0;
}
