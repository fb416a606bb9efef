/*
 * signet-provision: init-token. Initialises a free slot's token with the
 * configured label, the SO PIN and the user PIN, both from 0600 files.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"

static int
token_label(const char *spec, CK_UTF8CHAR label[32])
{
	size_t	 n;

	if (spec == NULL || strncmp(spec, "pkcs11:", 7) == 0) {
		log_err("init-token needs [hsm] token to be a plain label");
		return SIG_ERR_CONFIG;
	}
	n = strlen(spec);
	memset(label, ' ', 32);
	memcpy(label, spec, n > 32 ? 32 : n);
	return 0;
}

/* Sets the user PIN as SO on the freshly initialised token. */
static int
init_user_pin(struct prov *p, struct secmem *so, struct secmem *user)
{
	struct hsm_pool	*pool;
	struct hsm_sess	*s;
	int		 r;

	if ((r = hsm_token_find(p->m, p->cf->hsm_token, &p->slot, &p->ti)))
		return r;
	if ((r = hsm_pool_new(p->m, p->slot, CKU_SO, so, 1, 0, &pool)) != 0)
		return r;
	if ((r = hsm_sess_get(pool, &s)) == 0)
		r = hsm_pin_init_user(s, user, p->cf->hsm_token);
	hsm_sess_put(pool, s, r);
	hsm_pool_free(pool);
	return r;
}

static int
find_slot(struct prov *p)
{
	int		 n;

	if ((n = hsm_token_count(p->m, p->cf->hsm_token, &p->slot)) < 0)
		return n;
	if (n > 1) {
		log_err("%d tokens are labelled '%s'", n, p->cf->hsm_token);
		return SIG_ERR_STATE;
	}
	if (n == 1 && !p->o.force) {
		log_err("token '%s' is already initialised; --force "
		    "re-initialises it and destroys every key on it",
		    p->cf->hsm_token);
		return SIG_ERR_EXISTS;
	}
	if (n == 0)
		return hsm_token_find_free(p->m, NULL, &p->slot);
	return 0;
}

int
cmd_init_token(struct prov *p)
{
	struct secmem	*so = NULL, *user = NULL;
	CK_UTF8CHAR	 label[32];
	int		 r;

	if ((r = token_label(p->cf->hsm_token, label)) != 0 ||
	    (r = hsm_module_load(p->cf->hsm_module, &p->m)) != 0 ||
	    (r = find_slot(p)) != 0)
		return r;
	if (p->cf->hsm_so_pin_file == NULL) {
		log_err("init-token needs [hsm] so_pin_file");
		return SIG_ERR_CONFIG;
	}
	if ((r = hsm_pin_read(p->cf->hsm_so_pin_file, HSM_PIN_MAX, &so)) != 0 ||
	    (r = hsm_pin_read(p->cf->hsm_pin_file, HSM_PIN_MAX, &user)) != 0)
		goto out;
	if ((r = hsm_token_init(p->m, p->slot, so, label)) != 0)
		goto out;
	r = init_user_pin(p, so, user);
	so = NULL;	/* the pool took it */
	if (r == 0)
		printf("token '%s' initialised\n", p->cf->hsm_token);
 out:
	secmem_free(so);
	secmem_free(user);
	return r;
}
