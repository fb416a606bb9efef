/*
 * signet-signerd: the hardened signer. It locks its memory, cannot dump
 * core or be traced, loads the PKCS#11 module, logs in once with the PIN
 * from [hsm] pin_file (kept only in secmem, for re-login), proves the keys
 * work, then answers the RPC on [signer] socket until SIGTERM. SIGHUP
 * reloads the Fernet keys (token, receipt and credential sets) and
 * reopens the audit log.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <openssl/pem.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cms_engine.h"
#include "cms_keys.h"
#include "err.h"
#include "log.h"
#include "monotime.h"
#include "secmem.h"
#include "signer.h"

static struct signer	*the_signer;

static const char usage_text[] = "usage: signet-signerd [-d] -c FILE\n";

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		the_signer->reload = 1;
	else
		the_signer->stop = 1;
}

static void
harden(void)
{
	struct rlimit	 rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(077);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		log_warn("mlockall failed; secrets rely on secmem's own locks");
}

static int
parse_uids(struct signer *sg)
{
	char		*copy, *tok, *save = NULL, *end;
	struct passwd	*pw;
	const char	*list = sg->cf->signer_allowed_uids;

	sg->uids[sg->nuids++] = geteuid();
	if (list == NULL || (copy = strdup(list)) == NULL)
		return 0;
	for (tok = strtok_r(copy, ", ", &save); tok != NULL &&
	    sg->nuids < SIGNER_UIDS_MAX; tok = strtok_r(NULL, ", ", &save)) {
		unsigned long	 u = strtoul(tok, &end, 10);

		if (*end == '\0' && end != tok)
			sg->uids[sg->nuids++] = (uid_t)u;
		else if ((pw = getpwnam(tok)) != NULL)
			sg->uids[sg->nuids++] = pw->pw_uid;
		else {
			log_err("[signer] allowed_uids: unknown user '%s'",
			    tok);
			free(copy);
			return SIG_ERR_CONFIG;
		}
	}
	free(copy);
	return 0;
}

static char *
cert_pem(struct hsm_sess *s, const char *label)
{
	X509	*x = NULL;
	BIO	*b;
	char	*p = NULL, *data;
	long	 n;

	if (cms_cert_read(s, label, &x) != 0)
		return NULL;
	if ((b = BIO_new(BIO_s_mem())) != NULL && PEM_write_bio_X509(b, x) &&
	    (n = BIO_get_mem_data(b, &data)) > 0 &&
	    (p = malloc(n + 1)) != NULL) {
		memcpy(p, data, n);
		p[n] = '\0';
	}
	BIO_free(b);
	X509_free(x);
	return p;
}

static int
open_hsm(struct signer *sg)
{
	struct secmem	*pin;
	struct hsm_sess	*s;
	CK_SLOT_ID	 slot;
	int		 r;

	if (sg->cf->hsm_softhsm2_conf != NULL)
		setenv("SOFTHSM2_CONF", sg->cf->hsm_softhsm2_conf, 1);
	if ((r = hsm_module_load(sg->cf->hsm_module, &sg->m)) != 0 ||
	    (r = hsm_token_find(sg->m, sg->cf->hsm_token, &slot,
	    &sg->ti)) != 0 ||
	    (r = hsm_pin_read(sg->cf->hsm_pin_file, HSM_PIN_MAX, &pin)) != 0 ||
	    (r = hsm_pool_new(sg->m, slot, CKU_USER, pin,
	    sg->cf->signer_workers, HSM_POOL_KEEP_PIN, &sg->pool)) != 0)
		return r;
	if ((r = keyrings_load(sg)) != 0 ||
	    (r = hsm_sess_get(sg->pool, &s)) != 0)
		return r;
	sg->signing_pem = cert_pem(s, CMS_SIGN_LABEL);
	sg->ca_pem = cert_pem(s, CMS_CA_LABEL);
	hsm_sess_put(sg->pool, s, 0);
	return signing_key_load(sg);
}

static int
start(struct signer *sg)
{
	struct sigaction sa;
	int		 r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit: EFBIG, refused */
	if ((r = keyrings_init(sg)) != 0 || (r = sock_claim(sg)) != 0 ||
	    (r = policy_init(sg)) != 0 ||
	    (r = parse_uids(sg)) != 0 ||
	    ((sg->peers = rl_new(sg->cf->signer_peer_rate)) == NULL &&
	    (r = SIG_ERR_NOMEM) != 0) ||
	    (r = audit_open(sg->cf->signer_audit_log, &sg->audit)) != 0 ||
	    ((r = open_hsm(sg)) != 0 && sg->why[0] == '\0'))
		return r;
	if (sg->why[0] == '\0' && selftest_run(sg) == 0)
		atomic_store(&sg->ready, 1);
	return server_run(sg);
}

/* The engine goes after the pool: libp11 finalises the module. */
static void
signer_free(struct signer *sg)
{
	EVP_PKEY_free(sg->sign_key);
	X509_free(sg->sign_cert);
	hsm_pool_free(sg->pool);
	cms_engine_free(sg->eng);
	hsm_module_free(sg->m);
	keyrings_free(sg);
	audit_close(sg->audit);
	rl_free(sg->peers);
	free(sg->signing_pem);
	free(sg->ca_pem);
	free(sg->methods_buf);
	sock_unlock(sg);
	config_free(sg->cf);
}

int
main(int argc, char **argv)
{
	static struct signer	 sg;
	const char		*cfpath;
	char			 err[CONFIG_ERR_MAX];
	int			 r, debug;

	cli_std(argc, argv, "signet-signerd", usage_text);
	log_init("signet-signerd", LOGL_INFO);
	log_timestamps(1);
	harden();
	cfpath = cli_config_arg(argc, argv, usage_text, &debug);
	if (debug)
		log_set_level(LOGL_DEBUG);
	if (config_load(cfpath, &sg.cf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	the_signer = &sg;
	sg.sock_lock = -1;
	sg.started = mono_now();
	if ((r = start(&sg)) != 0)
		log_err_r(r, "not serving");
	signer_free(&sg);
	log_info("signet-signerd (pid %d) stopped", (int)getpid());
	return r == 0 ? 0 : 1;
}
