/*
 * Benchmark (make bench, not a test): what the session pool and cached
 * handles buy, measured against ceilings taken in the same run.
 *   hsm_pool CONF SECONDS THREADS
 * prints "name ops_per_s" lines for: HMAC through the pool (cached
 * handle), HMAC with open/find/sign/close per call (the naive way), HMAC in
 * software (the ceiling without an HSM), RSA-2048 C_Sign through the pool.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "cms_keys.h"
#include "config.h"
#include "err.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"

#define MSG_LEN		96	/* about a Fernet envelope */

struct bench {
	struct hsm_pool		*pool;
	struct hsm_module	*m;
	CK_SLOT_ID		 slot;
	double			 seconds;
	int			 (*op)(struct bench *, struct hsm_sess *);
	unsigned long		 ops[64];
	int			 nthreads;
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
sign_with(struct hsm_sess *s, CK_MECHANISM_TYPE mt, CK_OBJECT_HANDLE h)
{
	CK_MECHANISM	 m = { mt, NULL, 0 };
	uint8_t		 msg[MSG_LEN] = { 1 }, out[512];
	CK_ULONG	 len = sizeof(out);
	CK_RV		 rv;

	rv = s->f->C_SignInit(s->h, &m, h);
	if (rv == CKR_OK)
		rv = s->f->C_Sign(s->h, msg, sizeof(msg), out, &len);
	return rv == CKR_OK ? 0 : ck_err(rv, "C_Sign");
}

static int
op_pooled_hmac(struct bench *b, struct hsm_sess *s)
{
	CK_OBJECT_HANDLE h;
	int		 r;

	if ((r = hsm_pool_find(b->pool, s, CKO_SECRET_KEY,
	    "signet-fernet-1-hmac", &h)) != 0)
		return r;
	return sign_with(s, CKM_SHA256_HMAC, h);
}

/* The naive way: a session and a lookup per call. */
static int
op_naive_hmac(struct bench *b, struct hsm_sess *unused)
{
	struct hsm_sess	 s = *unused;
	CK_OBJECT_HANDLE h;
	int		 r;

	if (b->m->f->C_OpenSession(b->slot, CKF_SERIAL_SESSION, NULL, NULL,
	    &s.h) != CKR_OK)
		return -1;
	if ((r = hsm_find_label(&s, CKO_SECRET_KEY, "signet-fernet-1-hmac",
	    &h)) == 0)
		r = sign_with(&s, CKM_SHA256_HMAC, h);
	b->m->f->C_CloseSession(s.h);
	return r;
}

static int
op_pooled_rsa(struct bench *b, struct hsm_sess *s)
{
	CK_OBJECT_HANDLE h;
	int		 r;

	if ((r = hsm_pool_find(b->pool, s, CKO_PRIVATE_KEY, CMS_SIGN_LABEL,
	    &h)) != 0)
		return r;
	/* the one RSA mechanism the CMS key allows (libp11 hashes) */
	return sign_with(s, CKM_RSA_PKCS, h);
}

struct worker {
	struct bench	*b;
	int		 idx;
};

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	struct bench	*b = w->b;
	struct hsm_sess	*s;
	double		 end = now() + b->seconds;

	if (hsm_sess_get(b->pool, &s) != 0)
		return NULL;
	while (now() < end) {
		if (b->op(b, s) != 0)
			break;
		b->ops[w->idx]++;
	}
	hsm_sess_put(b->pool, s, 0);
	return NULL;
}

static double
run(struct bench *b, int (*op)(struct bench *, struct hsm_sess *))
{
	pthread_t	 t[64];
	struct worker	 w[64];
	unsigned long	 total = 0;
	int		 i;

	b->op = op;
	memset(b->ops, 0, sizeof(b->ops));
	for (i = 0; i < b->nthreads; i++) {
		w[i].b = b;
		w[i].idx = i;
		pthread_create(&t[i], NULL, worker_run, &w[i]);
	}
	for (i = 0; i < b->nthreads; i++) {
		pthread_join(t[i], NULL);
		total += b->ops[i];
	}
	return total / b->seconds;
}

/* The ceiling: the same MAC in software, keyed context reused. */
static double
soft_hmac(double seconds)
{
	EVP_MAC		*mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX	*ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM	 p[] = { OSSL_PARAM_construct_utf8_string("digest",
	    (char *)(uintptr_t)"SHA256", 0), OSSL_PARAM_construct_end() };
	uint8_t		 key[16] = { 2 }, msg[MSG_LEN] = { 1 }, out[32];
	size_t		 len;
	unsigned long	 n = 0;
	double		 end = now() + seconds;

	while (now() < end) {
		EVP_MAC_init(ctx, key, sizeof(key), p);
		EVP_MAC_update(ctx, msg, sizeof(msg));
		EVP_MAC_final(ctx, out, &len, sizeof(out));
		n++;
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return n / seconds;
}

int
main(int argc, char **argv)
{
	struct config	*cf;
	struct bench	 b;
	struct secmem	*pin;
	CK_TOKEN_INFO	 ti;
	char		 err[256];
	double		 pooled, naive, soft, rsa;

	log_init("bench", LOGL_ERR);
	if (argc != 4 || config_load(argv[1], &cf, err, sizeof(err)) != 0)
		return 2;
	memset(&b, 0, sizeof(b));
	b.seconds = atof(argv[2]);
	b.nthreads = atoi(argv[3]);
	if (b.nthreads < 1 || b.nthreads > 64 ||
	    hsm_module_load(cf->hsm_module, &b.m) != 0 ||
	    hsm_token_find(b.m, cf->hsm_token, &b.slot, &ti) != 0 ||
	    hsm_pin_read(cf->hsm_pin_file, HSM_PIN_MAX, &pin) != 0 ||
	    hsm_pool_new(b.m, b.slot, CKU_USER, pin, b.nthreads,
	    HSM_POOL_KEEP_PIN, &b.pool) != 0)
		return 2;
	pooled = run(&b, op_pooled_hmac);
	naive = run(&b, op_naive_hmac);
	rsa = run(&b, op_pooled_rsa);
	soft = soft_hmac(b.seconds) * b.nthreads;
	printf("threads %d\n", b.nthreads);
	printf("hmac_pooled_cached %.0f\n", pooled);
	printf("hmac_open_find_close %.0f\n", naive);
	printf("hmac_software_ceiling %.0f\n", soft);
	printf("rsa2048_pooled %.0f\n", rsa);
	hsm_pool_free(b.pool);
	hsm_module_free(b.m);
	config_free(cf);
	return 0;
}
