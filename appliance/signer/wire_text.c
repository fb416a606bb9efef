/*
 * signet-signerd: every string a request carries is well-formed UTF-8
 * without a NUL. protobuf-c hands strings over NUL-terminated, so a NUL
 * inside one would cut it short unseen ("u1\0admin" read as "u1"), and it
 * does not check UTF-8 at all. The check walks the frame's wire bytes,
 * where each string's real length still is, guided by the generated
 * descriptors so that it covers every string field signer.proto has or
 * gains.
 *
 * The same walk runs before protobuf-c unpacks anything, and bounds what
 * unpacking can cost: protobuf-c keeps a record for every field it meets,
 * even one set again and again, so a 12 MB frame of two-byte fields would
 * cost hundreds of MB of the signer's locked memory. A message with more
 * than WIRE_FIELDS_MAX fields, a field signer.proto does not name, or
 * bytes that do not parse is refused before it is unpacked.
 */
#include <stdint.h>
#include <string.h>

#include "signer.h"
#include "utf8.h"

#define WIRE_DEPTH_MAX	8	/* Request > IssueFernetRequest > Claims */
#define WIRE_FIELDS_MAX	64	/* per message: Claims needs about 15 */

static int
varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned int	 shift;

	*v = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
	}
	return -1;
}

/* n bytes of UTF-8 with no NUL; utf8_seq reads a padded copy near the end. */
static int
text_ok(const uint8_t *p, size_t n)
{
	unsigned char	 q[5];
	size_t		 i = 0, k;

	while (i < n) {
		if (p[i] == '\0')
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		memset(q, 0, sizeof(q));
		memcpy(q, p + i, n - i < 4 ? n - i : 4);
		if ((k = utf8_seq(q)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static int
walk(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
    int depth)
{
	const ProtobufCFieldDescriptor	*f;
	const uint8_t			*end = p + n;
	uint64_t			 key, len;
	int				 fields = 0, r, text = WIRE_OK;

	if (depth > WIRE_DEPTH_MAX)
		return WIRE_SHAPE;
	while (p < end) {
		if (++fields > WIRE_FIELDS_MAX || varint(&p, end, &key) != 0)
			return WIRE_SHAPE;
		f = key >> 3 > UINT32_MAX ? NULL :
		    protobuf_c_message_descriptor_get_field(d,
		    (unsigned)(key >> 3));
		if (f == NULL)
			return WIRE_SHAPE;
		switch (key & 7) {
		case 0:
			if (varint(&p, end, &len) != 0)
				return WIRE_SHAPE;
			continue;
		case 1:
			len = 8;
			break;
		case 5:
			len = 4;
			break;
		case 2:
			if (varint(&p, end, &len) != 0)
				return WIRE_SHAPE;
			break;
		default:
			return WIRE_SHAPE;
		}
		if (len > (uint64_t)(end - p))
			return WIRE_SHAPE;
		if ((key & 7) == 2 && f->type == PROTOBUF_C_TYPE_STRING &&
		    !text_ok(p, len))
			text = WIRE_TEXT;
		if ((key & 7) == 2 && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    (r = walk(f->descriptor, p, len, depth + 1)) != WIRE_OK) {
			if (r == WIRE_SHAPE)
				return r;
			text = r;
		}
		p += len;
	}
	return text;
}

/*
 * WIRE_OK when the Request in buf may be unpacked and every string in
 * it is clean text; WIRE_TEXT when it may be unpacked but a string is
 * not (answered BAD_REQUEST); WIRE_SHAPE when it must not be unpacked.
 */
int
wire_check(const uint8_t *buf, size_t n)
{
	return walk(&signet__v1__request__descriptor, buf, n, 0);
}
