/*
 * Benchmark (make bench, not a test): the signer's calls through the RPC
 * next to the same HSM work done in-process without it.
 *   signer_rpc rpc CONF SECONDS CONNS issue|open|sign|jws|health
 *   signer_rpc raw CONF SECONDS THREADS issue|open|sign|jws
 * prints "calls_per_s P50_US P99_US". raw issue is fernet_seal, raw open
 * fernet_open of one sealed token, both on pooled sessions; raw sign is
 * C_Sign SHA256-RSA-PKCS with the CMS key, raw jws the SHA-256 of a JWS
 * signing input as long as IssueJws's and C_Sign CKM_ECDSA of it with the
 * JWS signing key (rpc jws: IssueJws). rpc health is the
 * round trip with no HSM work: the floor every other call stands on.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "client.h"
#include "cms_keys.h"
#include "config.h"
#include "err.h"
#include "fernet_seal.h"
#include "hsm.h"
#include "jws_claims.h"
#include "jws_keys.h"
#include "log.h"
#include "secmem.h"

#define MAX_LAT		(4 * 1024 * 1024)

struct run {
	struct config	*cf;
	double		 secs;
	const char	*op;
	int		 raw;
	struct hsm_pool	*pool;
	struct fernet_inv inv;
	struct jws_inv	 jinv;
	char		 token[FERNET_TOKEN_MAX + 1];
	char		 body[2048];
	char		 jws_input[JWS_TOKEN_MAX];
	pthread_mutex_t	 mu;
	double		*lat;
	size_t		 nlat;
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
claims_fill(Signet__V1__Claims *c, char **m, char **a)
{
	static char	 user[] = "0c2b7eea0e925cc9974fab5df940c6bd";
	static char	 proj[] = "c27fba85674c5d43978d839a7eae2553";
	static char	 pw[] = "password", aid[] = "DMz0_i0HjcyWYPLiLhVsqA";

	signet__v1__claims__init(c);
	c->scope = SIGNET__V1__SCOPE_KIND__SCOPE_PROJECT;
	c->user_id = user;
	c->project_id = proj;
	m[0] = pw;
	a[0] = aid;
	c->methods = m;
	c->n_methods = 1;
	c->audit_ids = a;
	c->n_audit_ids = 1;
	c->expires_at = time(NULL) + 1800;
}

/* One call; a refusal is -1, no answer the client's code. */
static int
rpc_once(struct run *rn, struct sigc *c)
{
	struct sigc_via		 v;
	Signet__V1__Claims	 cl;
	Signet__V1__Response	*resp;
	char			*m[1], *a[1];
	int			 r, issue = strcmp(rn->op, "issue") == 0;

	v = sigc_via_conn(c);
	if (issue) {
		claims_fill(&cl, m, a);
		r = sigc_issue_fernet(&v, &cl, NULL, &resp);
	} else if (strcmp(rn->op, "open") == 0)
		r = sigc_open_fernet(&v, rn->token, 0, &resp);
	else if (strcmp(rn->op, "health") == 0)
		r = sigc_health(&v, &resp);
	else if (strcmp(rn->op, "jws") == 0) {
		claims_fill(&cl, m, a);
		r = sigc_issue_jws(&v, &cl, NULL, &resp);
	}
	else
		r = sigc_sign_cms(&v, (uint8_t *)rn->body, strlen(rn->body),
		    SIGC_CMS_PKI, &resp);
	if (resp == NULL)
		return r;
	r = r == 0 ? 0 : -1;
	if (r == 0 && issue && rn->token[0] == '\0')
		snprintf(rn->token, sizeof(rn->token), "%s",
		    resp->issue_fernet->token);
	sigc_response_free(resp);
	return r;
}

/*
 * What an ES256 signature is, as IssueJws makes it: the SHA-256 of the
 * signing input (header and claims as the RPC's, so of the same length),
 * then one ECDSA P-256 signature of it in the token.
 */
static int
raw_ecdsa(struct run *rn, struct hsm_sess *s)
{
	const struct jws_key	*k = jws_signing_key(&rn->jinv);
	CK_MECHANISM		 m = { CKM_ECDSA, NULL, 0 };
	uint8_t			 digest[32], sig[JWS_SIG_LEN];
	CK_ULONG		 len = sizeof(sig);

	jws_digest(rn->jws_input, digest);
	if (k == NULL || s->f->C_SignInit(s->h, &m, k->priv) != CKR_OK)
		return -1;
	return s->f->C_Sign(s->h, digest, sizeof(digest), sig, &len) ==
	    CKR_OK ? 0 : -1;
}

/* The signing input of the claims rpc jws sends, as the signer makes it. */
static int
jws_input_make(struct run *rn)
{
	Signet__V1__Claims	 cl;
	char			*m[1], *a[1], *json;
	int			 r;

	claims_fill(&cl, m, a);
	if ((json = jws_claims_json(&cl, time(NULL))) == NULL)
		return -1;
	r = jws_signing_input(json, strlen(json), rn->jws_input,
	    sizeof(rn->jws_input));
	free(json);
	return r;
}

/* DER DigestInfo of a SHA-256 digest, up to the digest (RFC 8017) */
static const uint8_t sha256_info[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
	0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

static int
raw_once(struct run *rn, struct hsm_sess *s)
{
	static const uint8_t	 pl[71] = { 0x96 };
	uint8_t			 iv[16] = { 1 }, raw[512], out[512];
	uint8_t			 di[sizeof(sha256_info) + 32];
	CK_MECHANISM		 m = { CKM_RSA_PKCS, NULL, 0 };
	CK_OBJECT_HANDLE	 h;
	CK_ULONG		 len = sizeof(out);
	size_t			 rawlen, outlen;
	uint64_t		 ts;
	char			 tok[FERNET_TOKEN_MAX + 1];

	if (strcmp(rn->op, "sign") == 0) {
		if (hsm_pool_find(rn->pool, s, CKO_PRIVATE_KEY, CMS_SIGN_LABEL,
		    &h) != 0 || s->f->C_SignInit(s->h, &m, h) != CKR_OK)
			return -1;
		/* as libp11 signs for the CMS engine: the digest, then
		 * CKM_RSA_PKCS (the one RSA mechanism the key allows) */
		memcpy(di, sha256_info, sizeof(sha256_info));
		SHA256((uint8_t *)rn->body, strlen(rn->body),
		    di + sizeof(sha256_info));
		return s->f->C_Sign(s->h, di, sizeof(di), out, &len) ==
		    CKR_OK ? 0 : -1;
	}
	if (strcmp(rn->op, "jws") == 0)
		return raw_ecdsa(rn, s);
	if (strcmp(rn->op, "issue") == 0)
		return fernet_seal(s, &rn->inv.keys[0], time(NULL), iv, pl,
		    sizeof(pl), tok, sizeof(tok));
	/* open: the same token every time, as the RPC loop opens one */
	if (rn->token[0] == '\0' && fernet_seal(s, &rn->inv.keys[0],
	    time(NULL), iv, pl, sizeof(pl), rn->token, sizeof(rn->token)) != 0)
		return -1;
	if (fernet_decode(rn->token, strlen(rn->token), raw, sizeof(raw),
	    &rawlen) != 0)
		return -1;
	return fernet_open(s, &rn->inv.keys[0], raw, rawlen, out, &outlen,
	    &ts);
}

static void
record(struct run *rn, double *lat, size_t n)
{
	pthread_mutex_lock(&rn->mu);
	if (rn->nlat + n <= MAX_LAT) {
		memcpy(rn->lat + rn->nlat, lat, n * sizeof(double));
		rn->nlat += n;
	}
	pthread_mutex_unlock(&rn->mu);
}

static void *
worker(void *arg)
{
	struct run	*rn = arg;
	struct sigc	*c = NULL;
	struct hsm_sess	*s = NULL;
	double		*lat = malloc(MAX_LAT / 4 * sizeof(double));
	double		 end = now() + rn->secs, t;
	size_t		 n = 0;
	int		 r;

	struct sigc_opts o;

	sigc_opts_config(rn->cf, 5000, &o);
	if (lat == NULL || (rn->raw ? hsm_sess_get(rn->pool, &s) :
	    sigc_open(&o, &c)) != 0)
		return NULL;
	while ((t = now()) < end && n < MAX_LAT / 4) {
		r = rn->raw ? raw_once(rn, s) : rpc_once(rn, c);
		if (r != 0)
			break;
		lat[n++] = now() - t;
	}
	record(rn, lat, n);
	if (s != NULL)
		hsm_sess_put(rn->pool, s, 0);
	sigc_close(c);
	free(lat);
	return NULL;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
setup(struct run *rn)
{
	struct secmem	*pin;
	struct hsm_module *m;
	struct hsm_sess	*s;
	CK_SLOT_ID	 slot;
	struct sigc	*c;

	snprintf(rn->body, sizeof(rn->body), "{\"token\": {\"methods\": "
	    "[\"password\"], \"user\": {\"id\": \"u1\"}, \"audit_ids\": "
	    "[\"DMz0_i0HjcyWYPLiLhVsqA\"], \"expires_at\": \"%s\", "
	    "\"issued_at\": \"%s\", \"catalog\": []}}", "2000-01-01", "x");
	if (!rn->raw) {
		char	 e[32], i[32];
		time_t	 t = time(NULL) + 1800, n = time(NULL);

		strftime(e, sizeof(e), "%Y-%m-%dT%H:%M:%S.000000Z", gmtime(&t));
		strftime(i, sizeof(i), "%Y-%m-%dT%H:%M:%S.000000Z", gmtime(&n));
		snprintf(rn->body, sizeof(rn->body), "{\"token\": {\"methods\": "
		    "[\"password\"], \"user\": {\"id\": \"u1\"}, \"audit_ids\": "
		    "[\"DMz0_i0HjcyWYPLiLhVsqA\"], \"expires_at\": \"%s\", "
		    "\"issued_at\": \"%s\", \"catalog\": []}}", e, i);
		struct sigc_opts o;

		sigc_opts_config(rn->cf, 5000, &o);
		if (sigc_open(&o, &c) != 0)
			return -1;
		rn->op = strcmp(rn->op, "open") == 0 ? "issue" : rn->op;
		if (strcmp(rn->op, "issue") == 0 && rpc_once(rn, c) != 0)
			return -1;
		sigc_close(c);
		return 0;
	}
	if (rn->cf->hsm_softhsm2_conf != NULL)
		setenv("SOFTHSM2_CONF", rn->cf->hsm_softhsm2_conf, 1);
	if (hsm_module_load(rn->cf->hsm_module, &m) != 0 ||
	    hsm_token_find(m, rn->cf->hsm_token, &slot, NULL) != 0 ||
	    hsm_pin_read(rn->cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(m, slot, CKU_USER, pin, 16, HSM_POOL_KEEP_PIN,
	    &rn->pool) != 0 || hsm_sess_get(rn->pool, &s) != 0 ||
	    fernet_inv_load(s, &fernet_set_token, &rn->inv) != 0 ||
	    jws_inv_load(s, &rn->jinv) != 0 || jws_input_make(rn) != 0)
		return -1;
	hsm_sess_put(rn->pool, s, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	struct run	 rn;
	pthread_t	 t[64];
	char		 err[256];
	const char	*op;
	int		 i, n;

	log_init("signer_rpc", LOGL_ERR);
	memset(&rn, 0, sizeof(rn));
	if (argc != 6 || config_load(argv[2], &rn.cf, err, sizeof(err)) != 0)
		return 2;
	rn.raw = strcmp(argv[1], "raw") == 0;
	rn.secs = atof(argv[3]);
	n = atoi(argv[4]);
	op = rn.op = argv[5];
	pthread_mutex_init(&rn.mu, NULL);
	if (n < 1 || n > 64 || (rn.lat = malloc(MAX_LAT *
	    sizeof(double))) == NULL || setup(&rn) != 0)
		return 2;
	rn.op = op;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, worker, &rn);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (rn.nlat == 0)
		return 1;
	qsort(rn.lat, rn.nlat, sizeof(double), dbl_cmp);
	printf("%.0f %.0f %.0f\n", rn.nlat / rn.secs,
	    rn.lat[rn.nlat / 2] * 1e6, rn.lat[rn.nlat * 99 / 100] * 1e6);
	return 0;
}
