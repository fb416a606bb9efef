/*
 * signet-provision: the key-encryption key ceremony. kek-component makes
 * one custodian's component; kek-setup, under the SO's login, enters the
 * XOR of two or more components into the token as the KEK (kek.h). The
 * same components give every token the same KEK, and no one custodian
 * knows it. Only components' check values are ever printed.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "err.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"

int
cmd_kek_component(struct prov *p)
{
	char	 kcv[KEK_KCV_HEX];
	int	 r;

	if ((r = kek_component_write(p->o.out, kcv)) != 0)
		return r;
	printf("component written to %s (mode 0600); its check value: %s\n",
	    p->o.out, kcv);
	return 0;
}

/* One more component into kek; SIG_ERR_BAD_INPUT if it repeats one. */
static int
xor_in(struct secmem *kek, struct secmem **seen, int i, const char *path)
{
	char	 kcv[KEK_KCV_HEX];
	uint8_t	*k = secmem_data(kek), *c;
	int	 j, r;

	if ((r = kek_component_read(path, &seen[i], kcv)) != 0)
		return r;
	c = secmem_data(seen[i]);
	for (j = 0; j < i; j++)
		if (CRYPTO_memcmp(secmem_data(seen[j]), c,
		    KEK_COMPONENT_LEN) == 0) {
			log_err("component %s is given twice: the two would "
			    "cancel out", path);
			return SIG_ERR_BAD_INPUT;
		}
	for (j = 0; j < KEK_COMPONENT_LEN; j++)
		k[j] ^= c[j];
	printf("component %d (%s): check value %s\n", i + 1, path, kcv);
	return 0;
}

/* The KEK from the --component files, in locked memory. */
static int
kek_combine(struct prov *p, struct secmem **kekp)
{
	static const uint8_t	 zero[KEK_COMPONENT_LEN];
	struct secmem		*seen[PROV_COMPONENTS_MAX] = { NULL };
	struct secmem		*kek;
	int			 i, r = 0;

	*kekp = NULL;
	if (p->o.ncomponents < 2) {
		log_err("kek-setup needs two or more --component files, so "
		    "that no one custodian knows the KEK");
		return SIG_ERR_USAGE;
	}
	if ((kek = secmem_new(KEK_LEN)) == NULL)
		return SIG_ERR_NOMEM;
	secmem_set_len(kek, KEK_LEN);
	for (i = 0; i < p->o.ncomponents && r == 0; i++)
		r = xor_in(kek, seen, i, p->o.components[i]);
	for (i = 0; i < p->o.ncomponents; i++)
		secmem_free(seen[i]);
	if (r == 0 && CRYPTO_memcmp(secmem_data(kek), zero, KEK_LEN) == 0) {
		log_err("the components cancel out to an all-zero key");
		r = SIG_ERR_BAD_INPUT;
	}
	if (r != 0)
		secmem_free(kek);
	else
		*kekp = kek;
	return r;
}

/* A KEK already there stays unless --force. */
static int
kek_replace(struct prov *p)
{
	CK_OBJECT_HANDLE h;
	int		 r;

	if ((r = kek_find(p->s, &h)) == SIG_ERR_KEY_NOT_FOUND)
		return 0;
	if (r == 0 && !p->o.force) {
		log_err("the token already holds a key-encryption key; --force "
		    "replaces it (files wrapped under it no longer import "
		    "here)");
		return SIG_ERR_EXISTS;
	}
	return kek_destroy(p->s);
}

/* Both PINs: the SO makes the KEK, the user keeps it (kek_create). */
static int
kek_pins(struct prov *p, struct secmem **so, struct secmem **user)
{
	size_t	 max = p->ti.ulMaxPinLen < HSM_PIN_MAX ? p->ti.ulMaxPinLen :
		    HSM_PIN_MAX;
	int	 r;

	*user = NULL;
	if (p->cf->hsm_so_pin_file == NULL) {
		log_err("kek-setup is the SO's: it needs [hsm] so_pin_file");
		return SIG_ERR_CONFIG;
	}
	if ((r = hsm_pin_read(p->cf->hsm_so_pin_file, max, so)) != 0)
		return r;
	return hsm_pin_read(p->cf->hsm_pin_file, max, user);
}

int
cmd_kek_setup(struct prov *p)
{
	struct secmem	*kek = NULL, *so = NULL, *user = NULL;
	int		 r;

	if ((r = kek_combine(p, &kek)) != 0)
		return r;
	if ((r = kek_replace(p)) == 0 && (r = kek_pins(p, &so, &user)) == 0 &&
	    (r = kek_create(p->s, kek, so, user)) == 0)
		printf("key-encryption key '%s' entered from %d components "
		    "(trusted; wraps and unwraps only)\n", KEK_LABEL,
		    p->o.ncomponents);
	secmem_free(kek);
	secmem_free(so);
	secmem_free(user);
	return r;
}
