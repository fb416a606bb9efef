/*
 * signet-signerd: Keystone 22's receipt payload, packed byte for byte as
 * msgpack-python 1.0 packs ReceiptPayload.assemble()'s tuple, and
 * unpacked strictly (exactly three elements of Keystone's types).
 *
 * One difference, on purpose: Keystone's receipt formatter stores as
 * bytes any id uuid.UUID() parses (upper case, dashes, braces), which
 * comes back as another id (lower-case hex), so such a user's receipt
 * never matches the user. The signer stores as bytes only the canonical
 * uuid4().hex ids, as Keystone's token formatter does; for those, which
 * is every id Keystone's SQL backend makes, the bytes are Keystone's. A
 * receipt Keystone made for any id reads back as Keystone reads it.
 */
#include <string.h>

#include "err.h"
#include "receipt_payload.h"

int
receipt_payload_pack(const struct receipt *rc, uint8_t *out, size_t outsz,
    size_t *len)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	int		 r = 0;

	*len = 0;
	if (rc->user_id[0] == '\0' || rc->expires_at < 0)
		return SIG_ERR_BAD_INPUT;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3);
	payload_pack_pair(&pk, rc->user_id);
	msgpack_pack_uint64(&pk, rc->methods);
	msgpack_pack_double(&pk, (double)rc->expires_at);
	if (sb.size > outsz)
		r = SIG_ERR_BAD_INPUT;
	else {
		memcpy(out, sb.data, sb.size);
		*len = sb.size;
	}
	explicit_bzero(sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	return r;
}

/* Payload bytes (already authenticated) to a receipt; every byte used. */
int
receipt_payload_unpack(const uint8_t *p, size_t len, struct receipt *rc)
{
	msgpack_unpacked	 u;
	const msgpack_object	*a;
	size_t			 off = 0;
	int			 r = SIG_ERR_BAD_INPUT;

	memset(rc, 0, sizeof(*rc));
	if (len > RECEIPT_PAYLOAD_MAX || payload_sane(p, len) != 0)
		return r;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)p, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS || off != len ||
	    u.data.type != MSGPACK_OBJECT_ARRAY || u.data.via.array.size != 3)
		goto out;
	a = u.data.via.array.ptr;
	if (payload_obj_pair(&a[0], rc->user_id) != 0 ||
	    a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    payload_obj_expiry(&a[2], &rc->expires_at) != 0)
		goto out;
	rc->methods = a[1].via.u64;
	r = 0;
 out:
	msgpack_unpacked_destroy(&u);
	if (r != 0)
		memset(rc, 0, sizeof(*rc));
	return r;
}
