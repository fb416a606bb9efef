/*
 * signet-signerd: Keystone 22's Fernet payloads (token_formatters.py), all
 * ten: v0 unscoped, v1 domain, v2 project, v3 trust, v4-v6 federated
 * (unscoped, project, domain), v7 OAuth1, v8 system, v9 application
 * credential. Packing is byte-identical to msgpack-python 1.0; unpacking is
 * strict (exact element counts and types) where Keystone would crash.
 */
#include <string.h>

#include <msgpack.h>

#include "claims.h"
#include "err.h"
#include "fernet_envelope.h"
#include "receipt_payload.h"

/* version, timestamp, IV, HMAC (57 bytes) and the padded ciphertext */
_Static_assert(57 + (FERNET_PAYLOAD_MAX / 16 + 1) * 16 <= FERNET_RAW_MAX,
    "a largest payload must fit a FERNET_TOKEN_MAX-character token");

#define DEFAULT_DOMAIN	"default"

enum { V_UNSCOPED = 0, V_DOMAIN = 1, V_PROJECT = 2, V_TRUST = 3,
    V_FED_UNSCOPED = 4, V_FED_PROJECT = 5, V_FED_DOMAIN = 6, V_OAUTH1 = 7,
    V_SYSTEM = 8, V_APP_CRED = 9, V_MAX = 9 };

/* Elements of each version's array, the version itself included. */
static const uint8_t nelem[V_MAX + 1] = { 5, 6, 6, 7, 8, 9, 9, 7, 6, 7 };

#define IS_FED(v)	((v) >= V_FED_UNSCOPED && (v) <= V_FED_DOMAIN)

/* Keystone stores an id as bytes iff it is a canonical uuid4().hex. */
static int
is_uuid_hex(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return i == 32;
}

static int
nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* hex is 32 lowercase hex digits (is_uuid_hex said so). */
static void
hex_to_bin(const char *hex, uint8_t *out)
{
	size_t	 i;

	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(nibble(hex[2 * i]) << 4 |
		    nibble(hex[2 * i + 1]));
}

static void
pack_bytes_or_str(msgpack_packer *pk, const char *id)
{
	uint8_t	 b[16];

	if (is_uuid_hex(id)) {
		hex_to_bin(id, b);
		msgpack_pack_bin(pk, 16);
		msgpack_pack_bin_body(pk, b, 16);
	} else {
		msgpack_pack_str(pk, strlen(id));
		msgpack_pack_str_body(pk, id, strlen(id));
	}
}

/* Keystone's (is_stored_as_bytes, value) pair: [true, bin 16] for a uuid. */
static void
pack_pair(msgpack_packer *pk, const char *id)
{
	msgpack_pack_array(pk, 2);
	if (is_uuid_hex(id))
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
	pack_bytes_or_str(pk, id);
}

static void
pack_tail(msgpack_packer *pk, const struct claims *c)
{
	size_t	 i;

	msgpack_pack_double(pk, (double)c->expires_at);
	msgpack_pack_array(pk, c->n_audit);
	for (i = 0; i < c->n_audit; i++) {
		msgpack_pack_bin(pk, CLAIMS_AUDIT_LEN);
		msgpack_pack_bin_body(pk, c->audit[i], CLAIMS_AUDIT_LEN);
	}
}

/*
 * Keystone's order (fernet/core.py): OAuth1, trust, federated, application
 * credential, then the scope. Where Keystone would silently drop an id
 * (a trust beside an access token, groups without an identity provider),
 * no version carries the claims.
 */
int
fernet_payload_version(const struct claims *c)
{
	static const int by_scope[] = { V_UNSCOPED, V_PROJECT, V_DOMAIN,
	    V_SYSTEM, V_TRUST };
	int	 fed = c->idp_id[0] != '\0',
		 oauth = c->access_token_id[0] != '\0',
		 app = c->app_cred_id[0] != '\0';

	if ((unsigned)c->scope > CLAIMS_TRUST || fed + oauth + app > 1 ||
	    (fed + oauth + app == 1 && c->scope == CLAIMS_TRUST) ||
	    (!fed && (c->n_groups != 0 || c->protocol_id[0] != '\0')) ||
	    c->n_groups > CLAIMS_GROUPS_MAX)
		return -1;
	if (oauth || app)
		return c->scope != CLAIMS_PROJECT ? -1 : oauth ? V_OAUTH1 :
		    V_APP_CRED;
	if (fed) {
		if (c->protocol_id[0] == '\0')
			return -1;
		return c->scope == CLAIMS_UNSCOPED ? V_FED_UNSCOPED :
		    c->scope == CLAIMS_PROJECT ? V_FED_PROJECT :
		    c->scope == CLAIMS_DOMAIN ? V_FED_DOMAIN : -1;
	}
	return by_scope[c->scope];
}

static void
pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* The scope element after M, if the version has one. */
static void
pack_scope(msgpack_packer *pk, int v, const struct claims *c)
{
	switch (v) {
	case V_DOMAIN:
		pack_bytes_or_str(pk, c->domain_id);	/* bare, not a pair */
		break;
	case V_PROJECT:
	case V_TRUST:
	case V_FED_PROJECT:
	case V_OAUTH1:
	case V_APP_CRED:
		pack_pair(pk, c->project_id);
		break;
	case V_FED_DOMAIN:
		pack_pair(pk, c->domain_id);
		break;
	case V_SYSTEM:
		pack_str(pk, c->system);
		break;
	}
}

static int
pack_body(msgpack_packer *pk, const struct claims *c)
{
	size_t	 i;
	int	 v;

	if ((v = fernet_payload_version(c)) < 0)
		return SIG_ERR_BAD_INPUT;
	if (v == V_DOMAIN && !is_uuid_hex(c->domain_id) &&
	    strcmp(c->domain_id, DEFAULT_DOMAIN) != 0)
		return SIG_ERR_BAD_INPUT;	/* Keystone cannot carry it */
	if (v == V_TRUST && !is_uuid_hex(c->trust_id))
		return SIG_ERR_BAD_INPUT;
	msgpack_pack_array(pk, nelem[v]);
	msgpack_pack_uint64(pk, v);
	pack_pair(pk, c->user_id);
	msgpack_pack_uint64(pk, c->methods);
	pack_scope(pk, v, c);
	if (IS_FED(v)) {
		msgpack_pack_array(pk, c->n_groups);
		for (i = 0; i < c->n_groups; i++)
			pack_pair(pk, c->group_ids[i]);
		pack_pair(pk, c->idp_id);
		pack_str(pk, c->protocol_id);	/* bare */
	} else if (v == V_OAUTH1)
		pack_pair(pk, c->access_token_id);	/* before E */
	pack_tail(pk, c);
	if (v == V_TRUST)
		pack_bytes_or_str(pk, c->trust_id);
	else if (v == V_APP_CRED)
		pack_pair(pk, c->app_cred_id);		/* after A */
	return 0;
}

/* Writes the payload into out (at most outsz bytes). */
int
fernet_payload_pack(const struct claims *c, uint8_t *out, size_t outsz,
    size_t *len)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	int		 r;

	*len = 0;
	if (c->n_audit < 1 || c->n_audit > CLAIMS_AUDIT_MAX)
		return SIG_ERR_BAD_INPUT;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	if ((r = pack_body(&pk, c)) == 0) {
		if (sb.size > outsz)
			r = SIG_ERR_BAD_INPUT;
		else {
			memcpy(out, sb.data, sb.size);
			*len = sb.size;
		}
	}
	msgpack_sbuffer_destroy(&sb);
	return r;
}

/* An id from bin 16 (as lowercase hex) or str, within CLAIMS_ID_MAX. */
static int
obj_id(const msgpack_object *o, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, n;

	if (o->type == MSGPACK_OBJECT_BIN && o->via.bin.size == 16) {
		for (i = 0; i < 16; i++) {
			out[2 * i] = hex[(uint8_t)o->via.bin.ptr[i] >> 4];
			out[2 * i + 1] = hex[(uint8_t)o->via.bin.ptr[i] & 15];
		}
		out[32] = '\0';
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_STR)
		n = o->via.str.size;
	else if (o->type == MSGPACK_OBJECT_BIN)
		n = o->via.bin.size;	/* [false, bin] is UTF-8 text */
	else
		return -1;
	if (n == 0 || n > CLAIMS_ID_MAX ||
	    memchr(o->via.str.ptr, '\0', n) != NULL)
		return -1;
	memcpy(out, o->via.str.ptr, n);
	out[n] = '\0';
	return 0;
}

static int
obj_pair(const msgpack_object *o, char *out)
{
	const msgpack_object	*e;

	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 2)
		return -1;
	e = o->via.array.ptr;
	if (e[0].type != MSGPACK_OBJECT_BOOLEAN)
		return -1;
	if (e[0].via.boolean && (e[1].type != MSGPACK_OBJECT_BIN ||
	    e[1].via.bin.size != 16))
		return -1;
	return obj_id(&e[1], out);
}

static int
obj_expiry(const msgpack_object *o, int64_t *out)
{
	if (o->type == MSGPACK_OBJECT_FLOAT64 ||
	    o->type == MSGPACK_OBJECT_FLOAT32) {
		if (!(o->via.f64 >= 0 && o->via.f64 < 253402300800.0))
			return -1;	/* NaN or past year 9999 */
		*out = (int64_t)o->via.f64;
		return 0;
	}
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    o->via.u64 < UINT64_C(253402300800)) {
		*out = (int64_t)o->via.u64;
		return 0;
	}
	return -1;
}

static int
obj_audit(const msgpack_object *o, struct claims *c)
{
	size_t	 i;

	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 1 ||
	    o->via.array.size > CLAIMS_AUDIT_MAX)
		return -1;
	for (i = 0; i < o->via.array.size; i++) {
		if (o->via.array.ptr[i].type != MSGPACK_OBJECT_BIN ||
		    o->via.array.ptr[i].via.bin.size != CLAIMS_AUDIT_LEN)
			return -1;
		memcpy(c->audit[i], o->via.array.ptr[i].via.bin.ptr,
		    CLAIMS_AUDIT_LEN);
	}
	c->n_audit = o->via.array.size;
	return 0;
}

/* A bare str (bin read as UTF-8 text, as Keystone does): a protocol. */
static int
obj_text(const msgpack_object *o, char *out)
{
	size_t	 n;

	if (o->type != MSGPACK_OBJECT_STR && o->type != MSGPACK_OBJECT_BIN)
		return -1;
	n = o->via.str.size;
	if (n == 0 || n > CLAIMS_ID_MAX || memchr(o->via.str.ptr, '\0', n))
		return -1;
	memcpy(out, o->via.str.ptr, n);
	out[n] = '\0';
	return 0;
}

/* A federated token's G, P(idp), protocol at a. */
static int
obj_federation(const msgpack_object *a, struct claims *c)
{
	size_t	 i;

	if (a[0].type != MSGPACK_OBJECT_ARRAY ||
	    a[0].via.array.size > CLAIMS_GROUPS_MAX)
		return -1;
	for (i = 0; i < a[0].via.array.size; i++)
		if (obj_pair(&a[0].via.array.ptr[i], c->group_ids[i]) != 0)
			return -1;
	c->n_groups = a[0].via.array.size;
	return obj_pair(&a[1], c->idp_id) != 0 ||
	    obj_text(&a[2], c->protocol_id) != 0 ? -1 : 0;
}

/* The scope element at *a, for version v. */
static int
unpack_scope(const msgpack_object *a, uint64_t v, struct claims *c)
{
	switch (v) {
	case V_UNSCOPED:
	case V_FED_UNSCOPED:
		c->scope = CLAIMS_UNSCOPED;
		return 0;
	case V_DOMAIN:
		c->scope = CLAIMS_DOMAIN;
		return obj_id(a, c->domain_id) != 0 ||
		    (a->type == MSGPACK_OBJECT_STR &&
		    strcmp(c->domain_id, DEFAULT_DOMAIN) != 0) ? -1 : 1;
	case V_FED_DOMAIN:
		c->scope = CLAIMS_DOMAIN;
		return obj_pair(a, c->domain_id) != 0 ? -1 : 1;
	case V_SYSTEM:
		c->scope = CLAIMS_SYSTEM;
		if (a->type != MSGPACK_OBJECT_STR || a->via.str.size != 3 ||
		    memcmp(a->via.str.ptr, "all", 3) != 0)
			return -1;
		strcpy(c->system, "all");
		return 1;
	default:	/* 2, 3, 5, 7, 9: a project */
		c->scope = v == V_TRUST ? CLAIMS_TRUST : CLAIMS_PROJECT;
		return obj_pair(a, c->project_id) != 0 ? -1 : 1;
	}
}

static int
unpack_fields(const msgpack_object *a, size_t n, struct claims *c)
{
	uint64_t	 v = a[0].via.u64;
	size_t		 t = 3;		/* index of E once the ids are read */
	int		 k;

	if (v > V_MAX || n != nelem[v] || obj_pair(&a[1], c->user_id) != 0 ||
	    a[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return -1;
	c->methods = a[2].via.u64;
	if ((k = unpack_scope(&a[t], v, c)) < 0)
		return -1;
	t += (size_t)k;
	if (IS_FED(v)) {
		if (obj_federation(&a[t], c) != 0)
			return -1;
		t += 3;
	} else if (v == V_OAUTH1 && obj_pair(&a[t++], c->access_token_id))
		return -1;
	if (obj_expiry(&a[t], &c->expires_at) || obj_audit(&a[t + 1], c) != 0)
		return -1;
	if (v == V_TRUST && (a[t + 2].type != MSGPACK_OBJECT_BIN ||
	    obj_id(&a[t + 2], c->trust_id) != 0))
		return -1;
	if (v == V_APP_CRED && obj_pair(&a[t + 2], c->app_cred_id) != 0)
		return -1;
	return 0;
}

/* The big-endian length of n bytes at p (n <= 4). */
static size_t
be_len(const uint8_t *p, size_t n)
{
	size_t	 v = 0, i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Walks msgpack bytes before msgpack-c sees them: a container may not
 * claim more elements than bytes remain, as msgpack-c allocates for the
 * claimed count first (a 5-byte header can ask for 128 GB). Only the
 * types Keystone's payloads use; nesting at most 3 deep. 0 when sane.
 */
static int
mp_sane(const uint8_t *p, size_t len, size_t *used, int depth)
{
	static const uint8_t fixed[] = { 4, 8, 1, 2, 4, 8, 1, 2, 4, 8 };
	size_t	 hdr = 1, n = 0, items = 0, i, u;
	uint8_t	 b;

	if (len == 0 || depth > 3)
		return -1;
	b = p[0];
	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		n = 0;				/* fixint, nil, bool */
	else if (b >= 0xa0 && b <= 0xbf)
		n = b & 0x1f;			/* fixstr */
	else if (b >= 0x90 && b <= 0x9f)
		items = b & 0x0f;		/* fixarray */
	else if (b == 0xc4 || b == 0xc5 || b == 0xc6 || b == 0xd9 ||
	    b == 0xda || b == 0xdb) {		/* bin, str 8/16/32 */
		hdr = 1 + ((b == 0xc4 || b == 0xd9) ? 1 : (b == 0xc5 ||
		    b == 0xda) ? 2 : 4);
		if (len < hdr)
			return -1;
		n = be_len(p + 1, hdr - 1);
	} else if (b >= 0xca && b <= 0xd3)	/* float 32/64, (u)int 8..64 */
		n = fixed[b - 0xca];
	else if (b == 0xdc || b == 0xdd) {	/* array 16/32 */
		hdr = b == 0xdc ? 3 : 5;
		if (len < hdr)
			return -1;
		items = be_len(p + 1, hdr - 1);
	} else
		return -1;			/* maps, ext: never ours */
	if (hdr + n > len || items > len - hdr)
		return -1;
	for (*used = hdr + n, i = 0; i < items; i++) {
		if (mp_sane(p + *used, len - *used, &u, depth + 1) != 0)
			return -1;
		*used += u;
	}
	return 0;
}

/* Payload bytes (already authenticated) to claims; every byte consumed. */
int
fernet_payload_unpack(const uint8_t *p, size_t len, struct claims *c)
{
	msgpack_unpacked	 u;
	const msgpack_object	*o;
	size_t			 off = 0;
	int			 r = SIG_ERR_BAD_INPUT;

	memset(c, 0, sizeof(*c));
	if (len > FERNET_PAYLOAD_MAX || mp_sane(p, len, &off, 0) != 0 ||
	    off != len)
		return r;
	off = 0;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)p, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len)
		goto out;
	o = &u.data;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 5 ||
	    o->via.array.size > 9 ||
	    o->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		goto out;
	if (unpack_fields(o->via.array.ptr, o->via.array.size, c) == 0)
		r = 0;
 out:
	msgpack_unpacked_destroy(&u);
	return r;
}

/* For receipt_payload.c: the same pieces of Keystone's msgpack. */
void
payload_pack_pair(msgpack_packer *pk, const char *id)
{
	pack_pair(pk, id);
}

int
payload_obj_pair(const msgpack_object *o, char *out)
{
	return obj_pair(o, out);
}

int
payload_obj_expiry(const msgpack_object *o, int64_t *out)
{
	return obj_expiry(o, out);
}

int
payload_sane(const uint8_t *p, size_t len)
{
	size_t	 off = 0;

	return mp_sane(p, len, &off, 0) == 0 && off == len ? 0 : -1;
}
