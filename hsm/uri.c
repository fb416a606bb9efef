/*
 * signerd and provision: the token-identifying attributes of an RFC 7512
 * pkcs11: URI. A PIN or module in the URI is refused: PINs come only from
 * [hsm] pin_file and the module only from [hsm] module.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hsm.h"
#include "log.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes [s, s+n) into a new string; NULL on a bad escape. */
static char *
pct_decode(const char *s, size_t n)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
		    (lo = hexval(s[i + 2])) < 0 ||
		    (hi == 0 && lo == 0)) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*o = '\0';
	return out;
}

static int
uri_set(struct hsm_uri *u, const char *name, size_t nlen, char *val)
{
	static const char *const ignored[] = { "library-manufacturer",
	    "library-description", "library-version", "slot-description",
	    "slot-manufacturer" };
	char	**field = NULL, *end;
	size_t	  i;

	if (nlen == 5 && memcmp(name, "token", 5) == 0)
		field = &u->token;
	else if (nlen == 12 && memcmp(name, "manufacturer", 12) == 0)
		field = &u->manufacturer;
	else if (nlen == 6 && memcmp(name, "serial", 6) == 0)
		field = &u->serial;
	else if (nlen == 5 && memcmp(name, "model", 5) == 0)
		field = &u->model;
	if (field != NULL) {
		free(*field);
		*field = val;
		return 0;
	}
	if (nlen == 7 && memcmp(name, "slot-id", 7) == 0) {
		int	 ok;

		errno = 0;
		u->slot_id = strtoul(val, &end, 10);
		u->has_slot_id = 1;
		ok = errno == 0 && end != val && *end == '\0' &&
		    isdigit((unsigned char)*val);
		free(val);
		if (!ok)
			log_err("pkcs11: URI: slot-id is not a number");
		return ok ? 0 : -1;
	}
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (strlen(ignored[i]) == nlen &&
		    memcmp(name, ignored[i], nlen) == 0) {
			free(val);
			return 0;
		}
	}
	log_err("pkcs11: URI: attribute '%.*s' does not identify a token",
	    (int)nlen, name);
	free(val);
	return -1;
}

static int
uri_path_attr(struct hsm_uri *u, const char *a, size_t alen)
{
	const char	*eq = memchr(a, '=', alen);
	char		*val;

	if (eq == NULL || eq == a) {
		log_err("pkcs11: URI: '%.*s' is not name=value", (int)alen, a);
		return -1;
	}
	if ((val = pct_decode(eq + 1, alen - (eq + 1 - a))) == NULL) {
		log_err("pkcs11: URI: bad %%-escape in '%.*s'",
		    (int)(eq - a), a);
		return -1;
	}
	return uri_set(u, a, eq - a, val);
}

/* Parses "pkcs11:attr=v;attr=v[?query]"; any query is refused. */
int
hsm_uri_parse(const char *s, struct hsm_uri *u)
{
	const char	*p, *end, *semi;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "pkcs11:", 7) != 0)
		return SIG_ERR_CONFIG;
	p = s + 7;
	if ((end = strchr(p, '?')) != NULL) {
		log_err("pkcs11: URI: query attributes (pin-value, pin-source, "
		    "module-path) are refused; use [hsm] pin_file and module");
		return SIG_ERR_CONFIG;
	}
	end = p + strlen(p);
	while (p < end) {
		if ((semi = memchr(p, ';', end - p)) == NULL)
			semi = end;
		if (semi > p && uri_path_attr(u, p, semi - p) != 0) {
			hsm_uri_clear(u);
			return SIG_ERR_CONFIG;
		}
		p = semi + 1;
	}
	return 0;
}

void
hsm_uri_clear(struct hsm_uri *u)
{
	free(u->token);
	free(u->manufacturer);
	free(u->serial);
	free(u->model);
	memset(u, 0, sizeof(*u));
}

/* Copies a blank-padded PKCS#11 field into a NUL-terminated string. */
void
hsm_field_str(const CK_UTF8CHAR *f, size_t flen, char *out, size_t outsz)
{
	size_t	 n = flen;

	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\0'))
		n--;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, f, n);
	out[n] = '\0';
}

static int
field_eq(const char *want, const CK_UTF8CHAR *f, size_t flen)
{
	char	 have[65];

	if (want == NULL)
		return 1;
	hsm_field_str(f, flen, have, sizeof(have));
	return strcmp(want, have) == 0;
}

int
hsm_uri_match(const struct hsm_uri *u, CK_SLOT_ID slot,
    const CK_TOKEN_INFO *ti)
{
	if (u->has_slot_id && u->slot_id != slot)
		return 0;
	return field_eq(u->token, ti->label, sizeof(ti->label)) &&
	    field_eq(u->manufacturer, ti->manufacturerID,
	    sizeof(ti->manufacturerID)) &&
	    field_eq(u->serial, ti->serialNumber, sizeof(ti->serialNumber)) &&
	    field_eq(u->model, ti->model, sizeof(ti->model));
}
