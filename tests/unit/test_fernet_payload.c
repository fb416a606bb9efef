/*
 * Unit: the federated, OAuth1 and application credential payloads (v4-v7,
 * v9) pack to the bytes Keystone 22's msgpack makes for the same claims
 * and unpack back to them; which version claims get; and what unpacking
 * refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "claims.h"

#define U	"0c2b7eea0e925cc9974fab5df940c6bd"
#define P	"c27fba85674c5d43978d839a7eae2553"
#define G	"e1d3a5b7c9f0e2d4c6b8a0f1e3d5c7b9"
#define X	"7fa6333299a559cc925ff589a824711d"
#define TAIL	"cb41ee90cae000000091c4100cccf4fe2d078dcc9660f2e22e156ca8"

/* Keystone's msgpack.packb((version,) + Payload.assemble(...)).hex() */
static const char v4_hex[] = "980492c3c410" U "109292c3c410" G
    "92c2a661646d696e7392c2a861636d652d696470a573616d6c32" TAIL;
static const char v5_hex[] = "990592c3c410" U "1092c3c410" P "9192c3c410" G
    "92c2a861636d652d696470a573616d6c32" TAIL;
static const char v6_hex[] = "990692c3c410" U "1092c2a46c6461709092c3c410" X
    "a66f70656e6964" TAIL;
static const char v7_hex[] = "970792c3c410" U "0892c3c410" P "92c3c410" X
    TAIL;
static const char v9_hex[] = "970992c3c410" U "2092c2a27031" TAIL
    "92c3c410" X;

static void
base(struct claims *c, enum claims_scope scope, uint64_t methods)
{
	memset(c, 0, sizeof(*c));
	c->scope = scope;
	strcpy(c->user_id, U);
	c->methods = methods;
	c->expires_at = 4102444800;	/* 2100-01-01 */
	c->n_audit = 1;
	assert_int_equal(claims_audit_parse("DMz0_i0HjcyWYPLiLhVsqA",
	    c->audit[0]), 0);
}

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t	 n;

	for (n = 0; h[2 * n] != '\0'; n++)
		sscanf(h + 2 * n, "%2hhx", &out[n]);
	return n;
}

/* c packs to Keystone's bytes, and those unpack to c again. */
static void
same(const struct claims *c, const char *hex, int version)
{
	uint8_t		 want[FERNET_PAYLOAD_MAX], got[FERNET_PAYLOAD_MAX];
	struct claims	 back;
	size_t		 wn = unhex(hex, want), gn;

	assert_int_equal(fernet_payload_version(c), version);
	assert_int_equal(fernet_payload_pack(c, got, sizeof(got), &gn), 0);
	assert_int_equal(gn, wn);
	assert_memory_equal(got, want, wn);
	assert_int_equal(fernet_payload_unpack(want, wn, &back), 0);
	assert_memory_equal(&back, c, sizeof(back));
}

static void
keystone_bytes(void **state)
{
	struct claims	 c;

	(void)state;
	base(&c, CLAIMS_UNSCOPED, 16);
	strcpy(c.group_ids[0], G);
	strcpy(c.group_ids[1], "admins");
	c.n_groups = 2;
	strcpy(c.idp_id, "acme-idp");
	strcpy(c.protocol_id, "saml2");
	same(&c, v4_hex, 4);

	base(&c, CLAIMS_PROJECT, 16);
	strcpy(c.project_id, P);
	strcpy(c.group_ids[0], G);
	c.n_groups = 1;
	strcpy(c.idp_id, "acme-idp");
	strcpy(c.protocol_id, "saml2");
	same(&c, v5_hex, 5);

	base(&c, CLAIMS_DOMAIN, 16);
	strcpy(c.domain_id, "ldap");	/* v6 takes any domain id */
	strcpy(c.idp_id, X);
	strcpy(c.protocol_id, "openid");
	same(&c, v6_hex, 6);

	base(&c, CLAIMS_PROJECT, 8);
	strcpy(c.project_id, P);
	strcpy(c.access_token_id, X);
	same(&c, v7_hex, 7);

	base(&c, CLAIMS_PROJECT, 32);
	strcpy(c.project_id, "p1");
	strcpy(c.app_cred_id, X);
	same(&c, v9_hex, 9);
}

/* Keystone's order, and no version for what it would drop. */
static void
versions(void **state)
{
	struct claims	 c;

	(void)state;
	base(&c, CLAIMS_PROJECT, 2);
	strcpy(c.project_id, P);
	assert_int_equal(fernet_payload_version(&c), 2);
	strcpy(c.app_cred_id, X);
	assert_int_equal(fernet_payload_version(&c), 9);
	strcpy(c.access_token_id, X);	/* both: Keystone drops one */
	assert_int_equal(fernet_payload_version(&c), -1);
	c.app_cred_id[0] = '\0';
	assert_int_equal(fernet_payload_version(&c), 7);
	c.scope = CLAIMS_TRUST;		/* a trust beside an access token */
	strcpy(c.trust_id, X);
	assert_int_equal(fernet_payload_version(&c), -1);

	base(&c, CLAIMS_SYSTEM, 16);
	strcpy(c.system, "all");
	strcpy(c.idp_id, "idp");
	strcpy(c.protocol_id, "saml2");
	assert_int_equal(fernet_payload_version(&c), -1);
	c.scope = CLAIMS_UNSCOPED;
	assert_int_equal(fernet_payload_version(&c), 4);
	c.protocol_id[0] = '\0';	/* Keystone always has one */
	assert_int_equal(fernet_payload_version(&c), -1);
	c.idp_id[0] = '\0';
	c.n_groups = 1;			/* groups without federation */
	strcpy(c.group_ids[0], G);
	assert_int_equal(fernet_payload_version(&c), -1);

	base(&c, CLAIMS_DOMAIN, 32);
	strcpy(c.domain_id, P);
	strcpy(c.app_cred_id, X);
	assert_int_equal(fernet_payload_version(&c), -1);
}

/* 32 groups of 64 characters fit; a 33rd is never read. */
static void
groups(void **state)
{
	uint8_t		 pl[FERNET_PAYLOAD_MAX + 64];
	struct claims	 c, back;
	size_t		 n, i;

	(void)state;
	base(&c, CLAIMS_PROJECT, 16);
	strcpy(c.project_id, "legacy-project");
	for (i = 0; i < CLAIMS_GROUPS_MAX; i++)
		snprintf(c.group_ids[i], sizeof(c.group_ids[i]), "%064zx", i);
	c.n_groups = CLAIMS_GROUPS_MAX;
	strcpy(c.idp_id, "acme-idp");
	strcpy(c.protocol_id, "saml2");
	assert_int_equal(fernet_payload_pack(&c, pl, FERNET_PAYLOAD_MAX, &n),
	    0);
	assert_int_equal(fernet_payload_unpack(pl, n, &back), 0);
	assert_memory_equal(&back, &c, sizeof(c));

	/* v4 with 33 one-byte groups, by hand */
	n = unhex("980492c3c410" U "10dc0021", pl);
	for (i = 0; i < 33; i++)
		n += unhex("92c2a167", pl + n);
	n += unhex("92c2a161a173" TAIL, pl + n);
	assert_int_not_equal(fernet_payload_unpack(pl, n, &back), 0);
	/* the same with 32 opens */
	n = unhex("980492c3c410" U "10dc0020", pl);
	for (i = 0; i < 32; i++)
		n += unhex("92c2a167", pl + n);
	n += unhex("92c2a161a173" TAIL, pl + n);
	assert_int_equal(fernet_payload_unpack(pl, n, &back), 0);
	assert_int_equal(back.n_groups, 32);
	assert_string_equal(back.protocol_id, "s");
}

static void
strict(void **state)
{
	static const char *const bad[] = {
		/* v4 with v5's count */
		"990492c3c410" U "109092c2a161a173" TAIL "c0",
		/* v4 protocol an integer */
		"980492c3c410" U "109092c2a16101" TAIL,
		/* v4 protocol empty */
		"980492c3c410" U "109092c2a161a0" TAIL,
		/* v4 idp not a pair */
		"980492c3c410" U "1090a161a173" TAIL,
		/* v4 a group not a pair */
		"980492c3c410" U "1091a16792c2a161a173" TAIL,
		/* v4 groups not an array */
		"980492c3c410" U "10c092c2a161a173" TAIL,
		/* v6 domain bare, as v1's */
		"990692c3c410" U "10a46c6461709092c2a161a173" TAIL,
		/* v7 access token after E, as v9's */
		"970792c3c410" U "0892c3c410" P TAIL "92c3c410" X,
		/* v9 app cred before E, as v7's */
		"970992c3c410" U "2092c2a2703192c3c410" X TAIL,
		/* v9 app cred bare */
		"970992c3c410" U "2092c2a27031" TAIL "c410" X,
		/* version 10 */
		"970a92c3c410" U "2092c2a27031" TAIL "92c3c410" X,
	};
	uint8_t		 pl[FERNET_PAYLOAD_MAX];
	struct claims	 c;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = unhex(bad[i], pl);
		if (fernet_payload_unpack(pl, n, &c) == 0)
			fail_msg("case %zu unpacked", i);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keystone_bytes),
		cmocka_unit_test(versions),
		cmocka_unit_test(groups),
		cmocka_unit_test(strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
