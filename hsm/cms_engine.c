/*
 * signerd and provision: wraps the libp11 engine. The process has already
 * logged in through hsm/pool.c (login is per process in PKCS#11), so the
 * engine is given no PIN and finds the session logged in.
 */
#define OPENSSL_API_COMPAT 10101	/* the engine API is our contract */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/engine.h>
#include <openssl/err.h>

#include "cms_engine.h"
#include "err.h"
#include "log.h"

struct cms_engine {
	ENGINE	*e;
};

static void
ossl_log(const char *what)
{
	unsigned long	 e;
	char		 buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_err("%s: %s", what, buf);
	}
}

/* Caller owns *ep (cms_engine_free). */
int
cms_engine_new(const char *module, struct cms_engine **ep)
{
	struct cms_engine	*ce;

	*ep = NULL;
	if ((ce = calloc(1, sizeof(*ce))) == NULL)
		return SIG_ERR_NOMEM;
	ENGINE_load_builtin_engines();
	if ((ce->e = ENGINE_by_id("pkcs11")) == NULL) {
		ossl_log("loading the pkcs11 engine "
		    "(libengine-pkcs11-openssl)");
		free(ce);
		return SIG_ERR_CONFIG;
	}
	if (!ENGINE_ctrl_cmd_string(ce->e, "MODULE_PATH", module, 0) ||
	    !ENGINE_init(ce->e)) {
		ossl_log("initialising the pkcs11 engine");
		ENGINE_free(ce->e);
		free(ce);
		return SIG_ERR_CONFIG;
	}
	*ep = ce;
	return 0;
}

void
cms_engine_free(struct cms_engine *ce)
{
	if (ce == NULL)
		return;
	ENGINE_finish(ce->e);
	ENGINE_free(ce->e);
	free(ce);
}

/* Percent-encodes every byte outside RFC 3986's unreserved set. */
static void
pct_encode(const char *in, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		 o = 0;
	unsigned char	 c;

	for (; *in != '\0' && o + 4 < outsz; in++) {
		c = (unsigned char)*in;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			out[o++] = c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

/* Caller owns *pkp (EVP_PKEY_free): the private or public key of label. */
int
cms_engine_key(struct cms_engine *ce, const CK_TOKEN_INFO *ti,
    const char *label, int private, EVP_PKEY **pkp)
{
	char	 tok[33], ser[17], etok[100], eser[52], elab[200], uri[400];

	hsm_field_str(ti->label, sizeof(ti->label), tok, sizeof(tok));
	hsm_field_str(ti->serialNumber, sizeof(ti->serialNumber), ser,
	    sizeof(ser));
	pct_encode(tok, etok, sizeof(etok));
	pct_encode(ser, eser, sizeof(eser));
	pct_encode(label, elab, sizeof(elab));
	snprintf(uri, sizeof(uri), "pkcs11:token=%s;serial=%s;object=%s;"
	    "type=%s", etok, eser, elab, private ? "private" : "public");
	*pkp = private ? ENGINE_load_private_key(ce->e, uri, NULL, NULL) :
	    ENGINE_load_public_key(ce->e, uri, NULL, NULL);
	if (*pkp == NULL) {
		ossl_log("loading a key through the pkcs11 engine");
		log_err("no %s key '%s' usable through the engine",
		    private ? "private" : "public", label);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	return 0;
}
