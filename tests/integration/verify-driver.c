/*
 * Test helper: a long-lived libsignet-verify consumer linked against the
 * shared library, driven by lines on stdin so a test can change the world
 * between calls:
 *   verify TOKEN -> STATUS USER_ID PROJECT_ID KIND
 *   stats        -> verified= hits= lists_ok= lists_bad= refetch= stale=
 *   refresh      -> ok | fail
 *   burst T1 T2..-> checked= mismatches= errors= (16 threads at once, each
 *                   answer compared with the token's own audit id)
 * usage: verify-driver URL DIR USER PWFILE PROJECT POLL STALENESS
 *        [SIGNING_CA]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet_verify.h"

static const char *const names[] = {
	"OK", "MALFORMED", "BAD_SIGNATURE", "EXPIRED", "REVOKED", "STALE",
	"INVALID", "UNAVAILABLE", "ERROR",
};

#define BURST_THREADS	16
#define BURST_ROUNDS	500
#define BURST_TOKENS	16

static struct signet_verify_config cf;

struct burst {
	struct signet_verifier	*v, *cold;
	char			*tok[BURST_TOKENS];
	char			*aid[BURST_TOKENS];
	int			 n;
	atomic_long		 checked, mismatches, errors, started;
};

static void *
burst_thread(void *arg)
{
	struct burst		*b = arg;
	struct signet_identity	*id;
	unsigned int		 i, k, start = (unsigned int)atomic_fetch_add(
				    &b->started, 1);

	for (i = 0; i < BURST_ROUNDS; i++) {
		k = (i + start) % (unsigned int)b->n;
		enum signet_verify_status st;

		if ((st = signet_verify(start % 2 ? b->cold : b->v, b->tok[k],
		    &id)) !=
		    SIGNET_VERIFY_OK) {
			fprintf(stderr, "burst: %s\n", names[st]);
			atomic_fetch_add(&b->errors, 1);
			continue;
		}
		if (strcmp(id->audit_ids[0], b->aid[k]) != 0)
			atomic_fetch_add(&b->mismatches, 1);
		atomic_fetch_add(&b->checked, 1);
		signet_identity_free(id);
	}
	return NULL;
}

/*
 * Each token's audit id alone first, then all of them from 16 threads:
 * half on this verifier (cached), half on one whose cache holds a single
 * token (every call cold).
 */
static void
burst(struct signet_verifier *v, char *toks)
{
	struct signet_verify_config	 ccf = cf;
	struct burst			 b;
	struct signet_identity		*id;
	pthread_t			 t[BURST_THREADS];
	char				*s, err[256];
	int				 i;

	memset(&b, 0, sizeof(b));
	b.v = v;
	for (s = strtok(toks, " "); s != NULL && b.n < BURST_TOKENS;
	    s = strtok(NULL, " ")) {
		if (signet_verify(v, s, &id) != SIGNET_VERIFY_OK)
			break;
		b.tok[b.n] = s;
		b.aid[b.n++] = strdup(id->audit_ids[0]);
		signet_identity_free(id);
	}
	ccf.cache_size = 1;
	if (b.n == 0) {
		puts("checked=0 mismatches=0 errors=1");
		return;
	}
	if (signet_verifier_new(&ccf, &b.cold, err, sizeof(err)) != 0) {
		printf("checked=0 mismatches=0 errors=%s\n", err);
		return;
	}
	for (i = 0; i < BURST_THREADS; i++)
		pthread_create(&t[i], NULL, burst_thread, &b);
	for (i = 0; i < BURST_THREADS; i++)
		pthread_join(t[i], NULL);
	printf("checked=%ld mismatches=%ld errors=%ld\n", b.checked,
	    b.mismatches, b.errors);
	for (i = 0; i < b.n; i++)
		free(b.aid[i]);
	signet_verifier_free(b.cold);
}

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
		else if (strncmp(line, "burst ", 6) == 0)
			burst(v, line + 6);
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
