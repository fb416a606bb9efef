/*
 * signet-signerd: authentication methods as Keystone's bitmask, and audit
 * ids as their 16 bytes. Both directions follow Keystone's own code so a
 * token decodes to the same methods on either side.
 */
#include <string.h>

#include "b64url.h"
#include "claims.h"
#include "err.h"

/* Debian's Keystone 22 security update gives these fixed high bits. */
static const struct {
	const char	*name;
	uint64_t	 bit;
} fixed_bits[] = {
	{ "ec2credential", UINT64_C(1) << 32 },
	{ "oauth2_credential", UINT64_C(1) << 33 },
};

#define NFIXED	(sizeof(fixed_bits) / sizeof(fixed_bits[0]))

void
claims_methods_default(struct claims_methods *cm)
{
	static const char *const def[] = { "external", "password", "token",
	    "oauth1", "mapped", "application_credential" };
	size_t	 i;

	cm->n = sizeof(def) / sizeof(def[0]);
	for (i = 0; i < cm->n; i++)
		cm->names[i] = def[i];
}

static uint64_t
method_bit(const struct claims_methods *cm, const char *name)
{
	size_t	 i;

	for (i = 0; i < cm->n; i++)
		if (strcmp(cm->names[i], name) == 0)
			return UINT64_C(1) << i;
	for (i = 0; i < NFIXED; i++)
		if (strcmp(fixed_bits[i].name, name) == 0)
			return fixed_bits[i].bit;
	return 0;
}

/* Unknown or repeated names are refused (Keystone adds 0, or twice). */
int
claims_methods_encode(const struct claims_methods *cm,
    const char *const *names, size_t n, uint64_t *out)
{
	uint64_t	 v = 0, bit;
	size_t		 i;

	*out = 0;
	if (n == 0)
		return SIG_ERR_BAD_INPUT;
	for (i = 0; i < n; i++) {
		if ((bit = method_bit(cm, names[i])) == 0 || (v & bit) != 0)
			return SIG_ERR_BAD_INPUT;
		v |= bit;
	}
	*out = v;
	return 0;
}

/*
 * Keystone walks the known bits from the highest down and keeps one when
 * what is left divided by it is exactly 1; an unknown high bit therefore
 * hides the known bits below it. Names come out in descending bit order.
 */
size_t
claims_methods_decode(const struct claims_methods *cm, uint64_t v,
    const char **out, size_t max)
{
	uint64_t	 bits[CLAIMS_METHODS_MAX + NFIXED];
	const char	*names[CLAIMS_METHODS_MAX + NFIXED];
	size_t		 nb = 0, i, j, n = 0;

	for (i = NFIXED; i-- > 0;) {
		bits[nb] = fixed_bits[i].bit;
		names[nb++] = fixed_bits[i].name;
	}
	for (j = cm->n; j-- > 0;) {
		bits[nb] = UINT64_C(1) << j;
		names[nb++] = cm->names[j];
	}
	for (i = 0; i < nb; i++) {
		if (v / bits[i] == 1) {
			if (n < max)
				out[n++] = names[i];
			v -= bits[i];
		}
	}
	return n;
}

/* A 22-character canonical audit id to its 16 bytes. */
int
claims_audit_parse(const char *s, uint8_t *out)
{
	size_t	 n;

	if (strlen(s) != 22 || b64url_decode(s, 22, B64URL_NOPAD, out,
	    CLAIMS_AUDIT_LEN, &n) != 0 || n != CLAIMS_AUDIT_LEN)
		return SIG_ERR_BAD_INPUT;
	return 0;
}

/* out has room for 23 bytes. */
void
claims_audit_format(const uint8_t *id, char *out)
{
	b64url_encode(id, CLAIMS_AUDIT_LEN, B64URL_NOPAD, out, 23);
}
