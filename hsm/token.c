/*
 * signerd and provision: finds the one token a config names, by label or
 * by pkcs11: URI. Two matches are an error: signing with the wrong token's
 * key is worse than not starting.
 */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"

static int
spec_parse(const char *spec, struct hsm_uri *u, int optional)
{
	memset(u, 0, sizeof(*u));
	if (spec == NULL && optional)
		return 0;
	if (spec == NULL) {
		log_err("no token configured ([hsm] token)");
		return SIG_ERR_CONFIG;
	}
	if (strncmp(spec, "pkcs11:", 7) == 0)
		return hsm_uri_parse(spec, u);
	if (strlen(spec) > 32) {
		log_err("[hsm] token: a label has at most 32 bytes");
		return SIG_ERR_CONFIG;
	}
	return (u->token = strdup(spec)) == NULL ? SIG_ERR_NOMEM : 0;
}

/* Caller frees *slotsp. */
static int
slot_list(struct hsm_module *m, CK_SLOT_ID **slotsp, CK_ULONG *np)
{
	CK_SLOT_ID	*slots = NULL;
	CK_ULONG	 n = 0;
	CK_RV		 rv;

	*slotsp = NULL;
	if ((rv = m->f->C_GetSlotList(CK_TRUE, NULL, &n)) != CKR_OK)
		return ck_err(rv, "C_GetSlotList of %s", m->path);
	if ((slots = calloc(n + 1, sizeof(*slots))) == NULL)
		return SIG_ERR_NOMEM;
	if ((rv = m->f->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK) {
		free(slots);
		return ck_err(rv, "C_GetSlotList of %s", m->path);
	}
	*slotsp = slots;
	*np = n;
	return 0;
}

static int
token_match(struct hsm_module *m, const struct hsm_uri *u, int want_init,
    CK_SLOT_ID *slotp, CK_TOKEN_INFO *tip, int *nmatch)
{
	CK_SLOT_ID	*slots;
	CK_TOKEN_INFO	 ti;
	CK_ULONG	 n = 0, i;
	int		 r, inited;

	*nmatch = 0;
	if ((r = slot_list(m, &slots, &n)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if (m->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		inited = (ti.flags & CKF_TOKEN_INITIALIZED) != 0;
		if (inited != want_init || (want_init &&
		    !hsm_uri_match(u, slots[i], &ti)) ||
		    (!want_init && u->has_slot_id && u->slot_id != slots[i]))
			continue;
		if ((*nmatch)++ == 0) {
			*slotp = slots[i];
			if (tip != NULL)
				*tip = ti;
		}
	}
	free(slots);
	return 0;
}

/* The initialised token named by spec (a label or a pkcs11: URI). */
int
hsm_token_find(struct hsm_module *m, const char *spec, CK_SLOT_ID *slotp,
    CK_TOKEN_INFO *tip)
{
	struct hsm_uri	 u;
	int		 r, nmatch;

	if ((r = spec_parse(spec, &u, 0)) != 0)
		return r;
	r = token_match(m, &u, 1, slotp, tip, &nmatch);
	hsm_uri_clear(&u);
	if (r != 0)
		return r;
	if (nmatch == 0) {
		log_err("no initialised token matches '%s' in %s", spec,
		    m->path);
		return SIG_ERR_TOKEN_NOT_FOUND;
	}
	if (nmatch > 1) {
		log_err("%d tokens match '%s'; name one with a pkcs11: URI "
		    "carrying serial=", nmatch, spec);
		return SIG_ERR_STATE;
	}
	return 0;
}

/* A slot holding an uninitialised token, for init-token. */
int
hsm_token_find_free(struct hsm_module *m, const char *spec, CK_SLOT_ID *slotp)
{
	struct hsm_uri	 u;
	int		 r, nmatch;

	if ((r = spec_parse(spec, &u, 1)) != 0)
		return r;
	r = token_match(m, &u, 0, slotp, NULL, &nmatch);
	hsm_uri_clear(&u);
	if (r == 0 && nmatch == 0) {
		log_err("no slot with an uninitialised token in %s", m->path);
		r = SIG_ERR_TOKEN_NOT_FOUND;
	}
	return r;
}

/* How many initialised tokens match spec, without logging a miss. */
int
hsm_token_count(struct hsm_module *m, const char *spec, CK_SLOT_ID *slotp)
{
	struct hsm_uri	 u;
	int		 r, nmatch = 0;

	if ((r = spec_parse(spec, &u, 0)) != 0)
		return r;
	r = token_match(m, &u, 1, slotp, NULL, &nmatch);
	hsm_uri_clear(&u);
	return r != 0 ? r : nmatch;
}

/* init-token: the SO PIN sets the token up under label (32, blank-padded). */
int
hsm_token_init(struct hsm_module *m, CK_SLOT_ID slot, struct secmem *so,
    const CK_UTF8CHAR *label)
{
	CK_RV	 rv;

	rv = m->f->C_InitToken(slot, secmem_data(so), secmem_len(so),
	    (CK_UTF8CHAR_PTR)(uintptr_t)label);
	if (rv != CKR_OK)
		return ck_err(rv, "C_InitToken on slot %lu",
		    (unsigned long)slot);
	return 0;
}
