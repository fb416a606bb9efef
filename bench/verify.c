/*
 * make bench: libsignet-verify's rate on PKI tokens, cold (every call a
 * cache miss: decode, canonical-DER check, CMS_verify, document parse,
 * revocation lookup) and cached, beside a bare CMS_verify loop over the
 * same token in the same run (the ceiling).
 * usage: verify URL SIGNING_DIR PASSWORD_FILE TOKENS_FILE SECONDS
 * prints "bare N", "cold N", "cached N" (verifications per second).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "signet_verify.h"

#define TOKENS_MAX	256

static char	*toks[TOKENS_MAX];
static int	 ntoks;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static X509 *
cert(const char *dir, const char *name)
{
	char	 path[4096];
	FILE	*f;
	X509	*x = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

/* The ceiling: what verifying this token takes with OpenSSL alone. */
static double
bare(const char *dir, const char *tok, double secs)
{
	X509		*sc = cert(dir, "signing_cert.pem");
	X509_STORE	*st = X509_STORE_new();
	STACK_OF(X509)	*certs = sk_X509_new_null();
	size_t		 n = strlen(tok), i;
	char		*b64 = strdup(tok);
	unsigned char	*der = malloc(n);
	long		 count = 0;
	int		 len;
	double		 t0;

	X509_STORE_add_cert(st, cert(dir, "ca.pem"));
	sk_X509_push(certs, sc);
	t0 = now();
	while (now() - t0 < secs) {
		const unsigned char	*p = der;
		CMS_ContentInfo		*cms;
		BIO			*out = BIO_new(BIO_s_mem());

		for (i = 0; i < n; i++)
			b64[i] = tok[i] == '-' ? '/' : tok[i];
		len = EVP_DecodeBlock(der, (unsigned char *)b64, (int)n);
		cms = d2i_CMS_ContentInfo(NULL, &p, len);
		if (CMS_verify(cms, certs, st, NULL, out, CMS_BINARY) != 1) {
			fprintf(stderr, "bare CMS_verify failed\n");
			exit(1);
		}
		CMS_ContentInfo_free(cms);
		BIO_free(out);
		count++;
	}
	return count / (now() - t0);
}

static double
lib(struct signet_verifier *v, int rotate, double secs)
{
	struct signet_identity	*id;
	long			 count = 0;
	double			 t0 = now();

	while (now() - t0 < secs) {
		if (signet_verify(v, toks[rotate ? count % ntoks : 0], &id) !=
		    SIGNET_VERIFY_OK) {
			fprintf(stderr, "verify failed\n");
			exit(1);
		}
		signet_identity_free(id);
		count++;
	}
	return count / (now() - t0);
}

static struct signet_verifier *
verifier(char **argv, int cache_size)
{
	struct signet_verify_config	 cf;
	struct signet_verifier		*v;
	char				 err[256];

	memset(&cf, 0, sizeof(cf));
	cf.url = argv[1];
	cf.signing_dir = argv[2];
	cf.username = "admin";
	cf.password_file = argv[3];
	cf.project_name = "admin";
	cf.cache_size = cache_size;
	cf.max_staleness = 3600;
	if (signet_verifier_new(&cf, &v, err, sizeof(err)) != 0) {
		fprintf(stderr, "verify: %s\n", err);
		exit(1);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct signet_verifier	*cold, *cached;
	char			 line[65536];
	FILE			*f;
	double			 secs;

	if (argc != 6 || (f = fopen(argv[4], "r")) == NULL)
		return 2;
	while (ntoks < TOKENS_MAX && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		toks[ntoks++] = strdup(line);
	}
	fclose(f);
	secs = atof(argv[5]);
	/* one entry and many tokens: every call misses */
	cold = verifier(argv, 1);
	cached = verifier(argv, 10000);
	printf("bare %.0f\n", bare(argv[2], toks[0], secs));
	printf("cold %.0f\n", lib(cold, 1, secs));
	printf("cached %.0f\n", lib(cached, 0, secs));
	signet_verifier_free(cold);
	signet_verifier_free(cached);
	return 0;
}
