/*
 * libsignet-verify: the service's own token, which the revocation list and
 * online validation need. Either a fixed token read from a file, or one
 * got with the service user's password and renewed before it expires.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "isotime.h"
#include "secmem.h"
#include "secret_file.h"
#include "verify.h"

#define SVC_RENEW_BEFORE	60	/* seconds before expiry */

static json_t *
auth_body(const struct signet_verify_config *cf, const char *password)
{
	json_t	*auth;

	auth = json_pack("{s:{s:[s],s:{s:{s:s,s:s,s:{s:s}}}}}",
	    "identity", "methods", "password", "password", "user",
	    "name", cf->username, "password", password,
	    "domain", "name", cf->user_domain);
	if (auth != NULL && cf->project_name != NULL)
		json_object_set_new(auth, "scope", json_pack("{s:{s:s,s:{s:s}}}",
		    "project", "name", cf->project_name, "domain", "name",
		    cf->project_domain));
	return json_pack("{s:o}", "auth", auth);
}

static int
password_login(struct signet_verifier *v, char **tokp, int64_t *expp)
{
	struct secmem	*pw;
	struct sv_http	 h;
	json_t		*body, *doc;
	char		*text, why[160];
	int		 r = -1;

	if (secret_file_read(v->cf.password_file, 4096, &pw, why,
	    sizeof(why)) != 0)
		return -1;
	body = auth_body(&v->cf, (char *)secmem_data(pw));
	secmem_free(pw);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return -1;
	if (sv_http(v, "POST", "v3/auth/tokens", NULL, NULL, text, &h) == 0 &&
	    h.status == 201 && h.subject_token != NULL &&
	    (doc = json_loads(h.body, 0, NULL)) != NULL) {
		if (isotime_parse(json_string_value(json_object_get(
		    json_object_get(doc, "token"), "expires_at")) ?: "",
		    expp) == 0) {
			*tokp = h.subject_token;
			h.subject_token = NULL;
			r = 0;
		}
		json_decref(doc);
	}
	if (r != 0 && h.status != 0)
		atomic_fetch_add(&v->n_fetch_err, 1);
	sv_http_clear(&h);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return r;
}

static int
file_token(struct signet_verifier *v, char **tokp)
{
	struct secmem	*sm;
	char		 why[160];

	if (secret_file_read(v->cf.token_file, SV_TOKEN_MAX, &sm, why,
	    sizeof(why)) != 0)
		return -1;
	*tokp = strdup((char *)secmem_data(sm));
	secmem_free(sm);
	return *tokp != NULL ? 0 : -1;
}

/* A copy of the current service token (caller frees), renewed as needed. */
int
sv_service_token(struct signet_verifier *v, char **tokp)
{
	char	*tok = NULL;
	int64_t	 exp = 0, now = time(NULL);

	*tokp = NULL;
	if (v->cf.token_file != NULL)
		return file_token(v, tokp);
	pthread_mutex_lock(&v->mu);
	if (v->svc_token != NULL && now < v->svc_expires - SVC_RENEW_BEFORE)
		*tokp = strdup(v->svc_token);
	pthread_mutex_unlock(&v->mu);
	if (*tokp != NULL)
		return 0;
	if (password_login(v, &tok, &exp) != 0)
		return -1;
	pthread_mutex_lock(&v->mu);
	free(v->svc_token);
	v->svc_token = tok;
	v->svc_expires = exp;
	*tokp = strdup(tok);
	pthread_mutex_unlock(&v->mu);
	return *tokp != NULL ? 0 : -1;
}

/* The service answered 401 to tok: the next call logs in again. */
void
sv_service_token_drop(struct signet_verifier *v, const char *tok)
{
	pthread_mutex_lock(&v->mu);
	if (v->svc_token != NULL && strlen(v->svc_token) == strlen(tok) &&
	    CRYPTO_memcmp(v->svc_token, tok, strlen(tok)) == 0) {
		free(v->svc_token);
		v->svc_token = NULL;
	}
	pthread_mutex_unlock(&v->mu);
}
