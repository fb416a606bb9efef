/*
 * signet-api: /v3/credentials, as keystone/api/credentials.py and the
 * credential manager keep them: a user's blobs (EC2 keys, TOTP secrets,
 * certificates) that only the signer encrypts and decrypts, under the
 * credential keys in the HSM; the store holds the encrypted blob and the
 * name of its key. An ec2 credential names a project and is known by the
 * SHA-256 of its access key. A token from an application credential, a
 * trust or OAuth1 reaches none (Keystone 22's _require_primary_auth, as
 * Debian's security update has it). An update changes the blob alone.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "err.h"
#include "log.h"
#include "resource.h"

#define CRED_BLOB_MAX	(16 * 1024)	/* what the signer encrypts */
#define CRED_USER_LIMIT	1000		/* [credential] user_limit */

static const struct field create_fields[] = {
	{ "blob", FT_STRING, FF_REQUIRED, 0, 0 },
	{ "type", FT_STRING, FF_REQUIRED, 0, STORE_NAME_MAX },
	{ "user_id", FT_STRING, FF_REQUIRED, 0, 64 },
	{ "project_id", FT_STRING, 0, 0, 64 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct field update_fields[] = {
	{ "blob", FT_STRING, FF_REQUIRED, 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
is_ec2(json_t *o)
{
	const char	*t = str(o, "type");

	return t != NULL && strcasecmp(t, "ec2") == 0;
}

static const char *
caller_user(struct res_call *rc)
{
	return str(json_object_get(rc->caller, "user"), "id");
}

/*
 * Keystone's _require_primary_auth: a token delegated by a trust, an
 * application credential or OAuth1 reaches no credential at all.
 */
#define DELEGATED	"Delegated tokens cannot access credentials directly"

static int
delegated(struct res_call *rc)
{
	return json_object_get(rc->caller, "application_credential") != NULL ||
	    json_object_get(rc->caller, "OS-TRUST:trust") != NULL ||
	    json_object_get(rc->caller, "OS-OAUTH1") != NULL;
}

/* An ec2 blob: a JSON object with an access key. */
static json_t *
ec2_blob(struct res_call *rc, const char *blob)
{
	json_t	*b = json_loads(blob, JSON_REJECT_DUPLICATES, NULL);

	if (b == NULL || !json_is_object(b)) {
		json_decref(b);
		res_fail(rc, 400, "Invalid blob in credential");
		return NULL;
	}
	if (!json_is_string(json_object_get(b, "access"))) {
		json_decref(b);
		res_fail(rc, 400, "Invalid input for field 'access': "
		    "required in an ec2 credential's blob");
		return NULL;
	}
	return b;
}

/* The id Keystone gives: the access key's SHA-256, or a uuid4. */
static int
new_id(struct res_call *rc, json_t *obj)
{
	uint8_t		 md[SHA256_DIGEST_LENGTH];
	char		 id[2 * SHA256_DIGEST_LENGTH + 1];
	const char	*access;
	json_t		*b;
	size_t		 i;

	if (!is_ec2(obj)) {
		store_new_id(id);
		json_object_set_new(obj, "id", json_string(id));
		return 0;
	}
	if ((b = ec2_blob(rc, str(obj, "blob"))) == NULL)
		return -1;
	access = str(b, "access");
	SHA256((const uint8_t *)access, strlen(access), md);
	for (i = 0; i < sizeof(md); i++)
		snprintf(id + 2 * i, 3, "%02x", md[i]);
	json_object_set_new(obj, "id", json_string(id));
	json_decref(b);
	return 0;
}

/* The blob sealed by the signer into encrypted_blob and key_hash. */
static int
encrypt(struct res_call *rc, json_t *obj)
{
	Signet__V1__Response	*resp = NULL;
	const char		*blob = str(obj, "blob");
	int			 r;

	if (strlen(blob) > CRED_BLOB_MAX)
		return res_fail(rc, 400, "Invalid input for field 'blob': "
		    "longer than %d bytes", CRED_BLOB_MAX);
	r = sigc_encrypt_credential(&rc->a->signer, (const uint8_t *)blob,
	    strlen(blob), &resp);
	if (r != 0) {
		if (resp != NULL)
			log_warn("signer refused to encrypt a credential: %s",
			    resp->error);
		sigc_response_free(resp);
		return res_fail(rc, 503, "The credential could not be "
		    "encrypted: the signer is unavailable or holds no "
		    "credential keys.");
	}
	json_object_set_new(obj, "encrypted_blob",
	    json_string(resp->encrypt_credential->blob));
	json_object_set_new(obj, "key_hash",
	    json_string(resp->encrypt_credential->key_hash));
	sigc_response_free(resp);
	return 0;
}

/* The blob as the signer opens it; NULL when it cannot. */
static json_t *
decrypt(struct res_call *rc, const char *encrypted)
{
	Signet__V1__Response	*resp = NULL;
	json_t			*v = NULL;
	ProtobufCBinaryData	*pt;

	if (encrypted == NULL ||
	    sigc_decrypt_credential(&rc->a->signer, encrypted, &resp) != 0) {
		log_err("a credential could not be decrypted: %s",
		    resp != NULL ? resp->error : "the signer is unavailable");
		sigc_response_free(resp);
		return NULL;
	}
	pt = &resp->decrypt_credential->plaintext;
	v = json_stringn((const char *)pt->data, pt->len);
	OPENSSL_cleanse(pt->data, pt->len);
	sigc_response_free(resp);
	return v;
}

/* An ec2 blob's scope keys stay as they were (Keystone's checks). */
static int
ec2_update_ok(struct res_call *rc, json_t *old, const char *blob)
{
	static const char *const keys[] = { "trust_id", "app_cred_id",
	    "access_token_id", "access_id" };
	json_t		*nb, *ob = NULL, *was;
	size_t		 i;
	int		 r = 0;

	if ((nb = ec2_blob(rc, blob)) == NULL)
		return -1;
	if ((was = decrypt(rc, str(old, "encrypted_blob"))) == NULL ||
	    (ob = json_loads(json_string_value(was), 0, NULL)) == NULL)
		r = res_fail(rc, 503, "The credential could not be read.");
	for (i = 0; r == 0 && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_equal(json_object_get(ob, keys[i]),
		    json_object_get(nb, keys[i])) &&
		    (json_object_get(ob, keys[i]) != NULL ||
		    json_object_get(nb, keys[i]) != NULL))
			r = res_fail(rc, 400, "%s can not be updated for "
			    "credential", keys[i]);
	json_decref(nb);
	json_decref(ob);
	json_decref(was);
	return r;
}

/*
 * Before the transaction: who owns it (the body's user, for a create),
 * the primary-auth rule, the id, and the blob encrypted.
 */
static int
before(struct res_call *rc, json_t *obj)
{
	struct policy_target	 tg = { 0 };
	json_t			*old;
	int			 r;

	if (rc->id != NULL) {
		if (json_object_size(obj) != 1)
			return res_fail(rc, 400, "Invalid input for field "
			    "'credential': only its blob can be updated");
		if (res_load(rc, STORE_CREDENTIAL, "credential", rc->id,
		    &old) != 0)
			return -1;
		r = is_ec2(old) ? ec2_update_ok(rc, old, str(obj, "blob")) : 0;
		json_decref(old);
		return r != 0 ? -1 : encrypt(rc, obj);
	}
	tg.user_id = str(obj, "user_id");
	if (res_allowed(rc, delegated(rc) ? DELEGATED :
	    rc->co->act[ACT_CREATE], &tg) != 0)
		return -1;
	if (is_ec2(obj) && str(obj, "project_id") == NULL)
		return res_fail(rc, 400, "Invalid input for field "
		    "'project_id': an ec2 credential requires one");
	if (new_id(rc, obj) != 0)
		return -1;
	return encrypt(rc, obj);
}

static int
exists(struct res_call *rc, enum store_kind k, const char *what,
    const char *id)
{
	json_t	*row;

	if (id == NULL)
		return 0;
	if (res_load(rc, k, what, id, &row) != 0)
		return -1;
	json_decref(row);
	return 0;
}

/* Within the transaction: a new one's user and project, and the limit. */
static int
prepare(struct res_call *rc, json_t *old, json_t *obj)
{
	int	 n;

	json_object_del(obj, "blob");
	if (old != NULL)
		return 0;
	if (exists(rc, STORE_USER, "user", str(obj, "user_id")) != 0 ||
	    exists(rc, STORE_PROJECT, "project", str(obj, "project_id")) != 0)
		return -1;
	if ((n = store_credential_count(ST_OF(rc), str(obj, "user_id"))) < 0)
		return res_store_fail(rc, n, "credential");
	if (n >= CRED_USER_LIMIT)
		return res_fail(rc, 403, "Unable to create additional "
		    "credentials, maximum of %d already exceeded for user.",
		    CRED_USER_LIMIT);
	return 0;
}

static int
remove_cred(struct res_call *rc, json_t *old)
{
	int	 r;

	(void)old;
	if ((r = store_credential_delete(ST_OF(rc), rc->id)) != 0)
		return res_store_fail(rc, r, "credential");
	return 0;
}

/* What a member shows: the blob opened, never what the store holds. */
static void
shape(struct res_call *rc, json_t *obj)
{
	json_t	*blob = decrypt(rc, str(obj, "encrypted_blob"));

	json_object_set_new(obj, "blob", blob != NULL ? blob : json_null());
	json_object_del(obj, "encrypted_blob");
	json_object_del(obj, "key_hash");
}

/*
 * A list shows what the caller may get (Keystone filters each row by
 * get_credential): everything to an admin or a system reader, else the
 * caller's own, and nothing when the caller asks for another user's.
 */
static void
list_filters(struct res_call *rc, const char **f)
{
	struct policy_target	 tg = { 0 };
	const char		*me = caller_user(rc);

	if (delegated(rc))
		f[SF_USER] = "";
	else if (!policy_allows(rc->caller, rc->co->act[ACT_GET], &tg))
		f[SF_USER] = f[SF_USER] == NULL || strcmp(f[SF_USER], me) ==
		    0 ? me : "";
}

/*
 * The owner is the credential's user (a create's is checked by before);
 * a delegated token is refused any one credential, and lists none.
 */
static void
target(struct res_call *rc, json_t *obj, struct policy_target *tg)
{
	tg->user_id = obj != NULL ? str(obj, "user_id") : caller_user(rc);
	if (obj != NULL && delegated(rc))
		rc->act = DELEGATED;
}

const struct collection coll_credentials = {
	.name = "credentials",
	.member = "credential",
	.kind = STORE_CREDENTIAL,
	.act = { "identity:get_credential", "identity:list_credentials",
	    "identity:create_credential", "identity:update_credential",
	    "identity:delete_credential" },
	.create = create_fields,
	.update = update_fields,
	.filters = { [SF_USER] = "user_id", [SF_TYPE] = "type" },
	.target = target,
	.before = before,
	.prepare = prepare,
	.remove = remove_cred,
	.shape = shape,
	.list_filters = list_filters,
};
