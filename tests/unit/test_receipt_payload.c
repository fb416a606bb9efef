/*
 * Unit: Keystone 22's MFA receipt payload. The bytes below are
 * msgpack.packb(ReceiptPayload.assemble(user_id, methods, expires_at))
 * from Debian's python3-keystone ([auth] methods external, password,
 * token, oauth1, mapped, application_credential, totp): the signer packs
 * the same bytes, unpacks them to the same receipt, and refuses what
 * Keystone's would choke on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "receipt_payload.h"

#define U	"0c2b7eea0e925cc9974fab5df940c6bd"
#define X15	"787878787878787878787878787878"	/* "x" * 15 */
#define X255	X15 X15 X15 X15 X15 X15 X15 X15 X15 X15 X15 X15 X15 X15 \
		X15 X15 X15

struct vector {
	const char	*user_id;
	uint64_t	 methods;
	int64_t		 expires_at;
	const char	*hex;
};

static const struct vector vectors[] = {
	/* a uuid4().hex user: [True, bin 16]; password */
	{ U, 2, 1767225900, "9392c3c410" U "02cb41da556e8b000000" },
	/* an LDAP-style id: [False, str]; password and totp */
	{ "ldap-user@example", 66, 1907757296,
	    "9392c2b16c6461702d75736572406578616d706c6542cb41dc6d843c000000" },
	/* UTF-8 text (U+00E9, U+00E0), totp, 2100-01-01 */
	{ "d\xc3\xa9j\xc3\xa0-vu", 64, 4102444800,
	    "9392c2a964c3a96ac3a02d767540cb41ee90cae0000000" },
	/* the longest id (str 8), every method */
	{ NULL, 127, 4102444800, "9392c2d9ff" X255 "7fcb41ee90cae0000000" },
};

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t	 n;

	for (n = 0; h[2 * n] != '\0'; n++)
		sscanf(h + 2 * n, "%2hhx", &out[n]);
	return n;
}

static void
receipt_of(const struct vector *v, struct receipt *rc)
{
	memset(rc, 0, sizeof(*rc));
	if (v->user_id != NULL)
		strcpy(rc->user_id, v->user_id);
	else
		memset(rc->user_id, 'x', 255);
	rc->methods = v->methods;
	rc->expires_at = v->expires_at;
}

static void
keystone_bytes(void **state)
{
	uint8_t		 want[RECEIPT_PAYLOAD_MAX], got[RECEIPT_PAYLOAD_MAX];
	struct receipt	 rc, back;
	size_t		 i, wn, gn;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		receipt_of(&vectors[i], &rc);
		wn = unhex(vectors[i].hex, want);
		assert_int_equal(receipt_payload_pack(&rc, got, sizeof(got),
		    &gn), 0);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, wn);
		assert_int_equal(receipt_payload_unpack(want, wn, &back), 0);
		assert_memory_equal(&back, &rc, sizeof(back));
	}
}

/*
 * What Keystone makes that the signer reads as Keystone reads it: a
 * non-canonical uuid stored as bytes comes back as lower-case hex, and a
 * fractional expiry (Keystone drops the fraction when it reads one).
 */
static void
keystone_reads(void **state)
{
	static const char upper[] = "9392c3c410" U "40cb41da556e8b000000";
	static const char frac[] = "9392c2a2753102cb41da556e8b200000";
	uint8_t		 pl[RECEIPT_PAYLOAD_MAX];
	struct receipt	 rc;

	(void)state;
	assert_int_equal(receipt_payload_unpack(pl, unhex(upper, pl), &rc), 0);
	assert_string_equal(rc.user_id, U);
	assert_int_equal(rc.methods, 64);
	assert_int_equal(receipt_payload_unpack(pl, unhex(frac, pl), &rc), 0);
	assert_string_equal(rc.user_id, "u1");
	assert_int_equal(rc.expires_at, 1767225900);
}

/* Only canonical uuid4().hex ids are packed as bytes (see the file). */
static void
canonical_only(void **state)
{
	uint8_t		 pl[RECEIPT_PAYLOAD_MAX];
	struct receipt	 rc, back;
	size_t		 n;

	(void)state;
	memset(&rc, 0, sizeof(rc));
	strcpy(rc.user_id, "0C2B7EEA0E925CC9974FAB5DF940C6BD");
	rc.methods = 2;
	rc.expires_at = 1767225900;
	assert_int_equal(receipt_payload_pack(&rc, pl, sizeof(pl), &n), 0);
	assert_int_equal(pl[2], 0xc2);		/* [False, str] */
	assert_int_equal(receipt_payload_unpack(pl, n, &back), 0);
	assert_string_equal(back.user_id, rc.user_id);
}

static void
strict(void **state)
{
	static const char *const bad[] = {
		"",
		/* two elements */
		"9292c3c410" U "02",
		/* four */
		"9492c3c410" U "02cb41da556e8b00000000",
		/* a token's payload (version 0 first) */
		"950092c3c410" U "02cb41da556e8b0000009190",
		/* [True, str]: bytes promised, text given */
		"9392c3a2753102cb41da556e8b000000",
		/* [True, bin 15] */
		"9392c3c40f" "0c2b7eea0e925cc9974fab5df940c6" "02cb41da556e8b000000",
		/* no pair, a bare id */
		"93a2753102cb41da556e8b000000",
		/* methods negative */
		"9392c2a27531ffcb41da556e8b000000",
		/* methods a string */
		"9392c2a27531a170cb41da556e8b000000",
		/* expiry a string */
		"9392c2a2753102a131",
		/* expiry NaN */
		"9392c2a2753102cb7ff8000000000000",
		/* expiry past 9999 */
		"9392c2a2753102cb4300000000000000",
		/* an empty id */
		"9392c2a002cb41da556e8b000000",
		/* an id with a NUL */
		"9392c2a2750002cb41da556e8b000000",
		/* a byte left over */
		"9392c2a2753102cb41da556e8b00000000",
		/* cut short */
		"9392c2a2753102cb41da556e8b0000",
		/* a map */
		"9381a17502",
		/* an array claiming more elements than bytes */
		"dd7fffffff",
	};
	uint8_t		 pl[RECEIPT_PAYLOAD_MAX];
	struct receipt	 rc;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = unhex(bad[i], pl);
		if (receipt_payload_unpack(pl, n, &rc) == 0)
			fail_msg("case %zu unpacked", i);
	}
	memset(&rc, 0, sizeof(rc));	/* and nothing to pack */
	assert_int_not_equal(receipt_payload_pack(&rc, pl, sizeof(pl), &n), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keystone_bytes),
		cmocka_unit_test(keystone_reads),
		cmocka_unit_test(canonical_only),
		cmocka_unit_test(strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
