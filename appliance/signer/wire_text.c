/*
 * signet-signerd: every string a request carries is well-formed UTF-8
 * without a NUL. protobuf-c hands strings over NUL-terminated, so a NUL
 * inside one would cut it short unseen ("u1\0admin" read as "u1"), and it
 * does not check UTF-8 at all. The check walks the frame's wire bytes,
 * where each string's real length still is, guided by the generated
 * descriptors so that it covers every string field signer.proto has or
 * gains. It runs after a successful unpack: the wire is known to parse.
 */
#include <stdint.h>
#include <string.h>

#include "signer.h"
#include "utf8.h"

#define WIRE_DEPTH_MAX	8	/* Request > IssueFernetRequest > Claims */

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
strings_ok(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n,
    int depth)
{
	const ProtobufCFieldDescriptor	*f;
	const uint8_t			*end = p + n;
	uint64_t			 key, len;

	if (depth > WIRE_DEPTH_MAX)
		return 0;
	while (p < end) {
		if (varint(&p, end, &key) != 0)
			return 0;
		switch (key & 7) {
		case 0:
			if (varint(&p, end, &len) != 0)
				return 0;
			continue;
		case 1:
			len = 8;
			break;
		case 5:
			len = 4;
			break;
		case 2:
			if (varint(&p, end, &len) != 0)
				return 0;
			break;
		default:
			return 0;
		}
		if (len > (uint64_t)(end - p))
			return 0;
		f = key >> 3 > UINT32_MAX ? NULL :
		    protobuf_c_message_descriptor_get_field(d,
		    (unsigned)(key >> 3));
		if ((key & 7) == 2 && f != NULL && ((f->type ==
		    PROTOBUF_C_TYPE_STRING && !text_ok(p, len)) ||
		    (f->type == PROTOBUF_C_TYPE_MESSAGE && !strings_ok(
		    f->descriptor, p, len, depth + 1))))
			return 0;
		p += len;
	}
	return 1;
}

/* 1 when every string field of the Request in buf is clean text. */
int
wire_text_ok(const uint8_t *buf, size_t n)
{
	return strings_ok(&signet__v1__request__descriptor, buf, n, 0);
}
