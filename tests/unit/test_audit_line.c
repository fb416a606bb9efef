/*
 * Unit: an audit record is one JSON line that parses, whatever bytes a
 * peer put in its ids, and keeps every field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "err.h"
#include "signer.h"

static json_t *
parse(const struct audit_rec *rec, time_t now)
{
	char	 buf[AUDIT_LINE_MAX];
	size_t	 n;

	assert_int_equal(audit_line(rec, now, buf, sizeof(buf), &n), 0);
	assert_true(n > 2 && buf[n - 1] == '\n');
	assert_null(memchr(buf, '\n', n - 1));	/* one line */
	return json_loadb(buf, n, 0, NULL);
}

static void
fields(void **state)
{
	struct claims	 c;
	struct audit_rec rec = { "issue_fernet", 1000, &c, "ok", NULL };
	json_t		*o;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.scope = CLAIMS_PROJECT;
	strcpy(c.user_id, "0c2b7eea0e925cc9974fab5df940c6bd");
	strcpy(c.project_id, "p\"1\\");
	memset(c.audit[0], 0xff, CLAIMS_AUDIT_LEN);
	c.n_audit = 1;
	c.expires_at = 1500000000;
	assert_non_null(o = parse(&rec, 1400000000));
	assert_string_equal(json_string_value(json_object_get(o, "time")),
	    "2014-05-13T16:53:20.000000Z");
	assert_int_equal(json_integer_value(json_object_get(o, "peer_uid")),
	    1000);
	assert_string_equal(json_string_value(json_object_get(o, "op")),
	    "issue_fernet");
	assert_string_equal(json_string_value(json_object_get(o, "user_id")),
	    c.user_id);
	assert_string_equal(json_string_value(json_object_get(o, "scope")),
	    "project");
	assert_string_equal(json_string_value(json_object_get(o,
	    "project_id")), "p\"1\\");
	assert_null(json_object_get(o, "domain_id"));
	assert_string_equal(json_string_value(json_object_get(o, "audit_id")),
	    "_____________________w");
	assert_string_equal(json_string_value(json_object_get(o,
	    "expires_at")), "2017-07-14T02:40:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(o, "result")),
	    "ok");
	assert_null(json_object_get(o, "request_id"));
	assert_null(json_object_get(o, "idp_id"));
	assert_null(json_object_get(o, "groups"));
	assert_null(json_object_get(o, "app_cred_id"));
	json_decref(o);
	rec.request_id = "req-2f1c3e0a-9b7d-4c1e-8f00-1234567890ab";
	assert_non_null(o = parse(&rec, 1400000000));
	assert_string_equal(json_string_value(json_object_get(o,
	    "request_id")), rec.request_id);
	json_decref(o);
}

/* A federated token names its identity provider, protocol and how many
 * groups; OAuth1 and application credential tokens their ids. */
static void
kinds(void **state)
{
	struct claims	 c;
	struct audit_rec rec = { "open_fernet", 1000, &c, "ok", NULL };
	json_t		*o;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.scope = CLAIMS_PROJECT;
	strcpy(c.user_id, "u1");
	strcpy(c.project_id, "p1");
	strcpy(c.idp_id, "acme-idp");
	strcpy(c.protocol_id, "saml2");
	strcpy(c.group_ids[0], "g1");
	strcpy(c.group_ids[1], "g2");
	c.n_groups = 2;
	c.n_audit = 1;
	assert_non_null(o = parse(&rec, 0));
	assert_string_equal(json_string_value(json_object_get(o, "idp_id")),
	    "acme-idp");
	assert_string_equal(json_string_value(json_object_get(o,
	    "protocol_id")), "saml2");
	assert_int_equal(json_integer_value(json_object_get(o, "groups")), 2);
	assert_null(json_object_get(o, "access_token_id"));
	json_decref(o);
	memset(c.idp_id, 0, sizeof(c.idp_id));
	c.n_groups = 0;
	strcpy(c.app_cred_id, "ac1");
	assert_non_null(o = parse(&rec, 0));
	assert_null(json_object_get(o, "idp_id"));
	assert_null(json_object_get(o, "groups"));
	assert_string_equal(json_string_value(json_object_get(o,
	    "app_cred_id")), "ac1");
	json_decref(o);
	strcpy(c.access_token_id, "at1");
	assert_non_null(o = parse(&rec, 0));
	assert_string_equal(json_string_value(json_object_get(o,
	    "access_token_id")), "at1");
	json_decref(o);
}

/* Control bytes escaped, UTF-8 kept, any other high byte U+FFFD. */
static void
hostile_bytes(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a\nb\tc\x01\x7f", "a\nb\tc\x01\x7f" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91",
		    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91" },
		{ "x\xff", "x\xef\xbf\xbd" },
		{ "\xc3", "\xef\xbf\xbd" },			/* cut short */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },	/* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80",
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	struct claims	 c;
	struct audit_rec rec = { "open_fernet", 0, &c, "ok", NULL };
	json_t		*o;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.scope = CLAIMS_DOMAIN;
		strcpy(c.user_id, "u");
		strcpy(c.domain_id, cases[i].in);
		assert_non_null(o = parse(&rec, 0));
		assert_string_equal(json_string_value(json_object_get(o,
		    "domain_id")), cases[i].out);
		json_decref(o);
	}
}

/* The longest ids and request id, every byte escaped, fit; a small
 * buffer is refused. */
static void
sizes(void **state)
{
	struct claims	 c;
	struct audit_rec rec = { "issue_fernet", (uid_t)-2, &c, "ok", NULL };
	char		 rid[SIGNER_REQUEST_ID_MAX + 1];
	char		 small[64];
	size_t		 n = 7;
	json_t		*o;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.scope = CLAIMS_TRUST;
	memset(c.user_id, 0xff, CLAIMS_ID_MAX);
	memset(c.project_id, 0x01, CLAIMS_ID_MAX);
	memset(c.domain_id, '"', CLAIMS_ID_MAX);
	memset(c.trust_id, 0xfe, CLAIMS_ID_MAX);
	/* no version carries all of them, but the line holds them */
	memset(c.idp_id, 0x02, CLAIMS_ID_MAX);
	memset(c.protocol_id, 0x03, CLAIMS_ID_MAX);
	memset(c.access_token_id, 0x04, CLAIMS_ID_MAX);
	memset(c.app_cred_id, 0x05, CLAIMS_ID_MAX);
	c.n_groups = CLAIMS_GROUPS_MAX;
	memset(rid, '"', SIGNER_REQUEST_ID_MAX);	/* escaped: 2 bytes */
	rid[SIGNER_REQUEST_ID_MAX] = '\0';
	rec.request_id = rid;
	assert_non_null(o = parse(&rec, 0));
	assert_int_equal(json_integer_value(json_object_get(o, "peer_uid")),
	    4294967294LL);
	json_decref(o);
	assert_int_equal(audit_line(&rec, 0, small, sizeof(small), &n),
	    SIG_ERR_NOMEM);
	assert_int_equal(n, 0);
}

/* A receipt's record: its user (escaped) and expiry; a credential's:
 * the key it used, and nothing of the credential. */
static void
more(void **state)
{
	struct audit_rec rec = { "issue_receipt", 1000, NULL, "ok", "req-1" };
	struct audit_more m = { "u\"\n1", 1500000000, 3 };
	char		 buf[AUDIT_LINE_MAX];
	size_t		 n;
	json_t		*o;

	(void)state;
	assert_int_equal(audit_line_more(&rec, &m, 1400000000, buf,
	    sizeof(buf), &n), 0);
	assert_null(memchr(buf, '\n', n - 1));
	assert_non_null(o = json_loadb(buf, n, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "user_id")),
	    "u\"\n1");
	assert_string_equal(json_string_value(json_object_get(o,
	    "expires_at")), "2017-07-14T02:40:00.000000Z");
	assert_int_equal(json_integer_value(json_object_get(o, "key")), 3);
	assert_null(json_object_get(o, "scope"));
	json_decref(o);
	m.user_id = NULL;
	m.key = -1;
	rec.op = "decrypt_credential";
	assert_int_equal(audit_line_more(&rec, &m, 1400000000, buf,
	    sizeof(buf), &n), 0);
	assert_non_null(o = json_loadb(buf, n, 0, NULL));
	assert_null(json_object_get(o, "user_id"));
	assert_null(json_object_get(o, "key"));
	assert_int_equal(json_object_size(o), 5);	/* time..result */
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields),
		cmocka_unit_test(kinds),
		cmocka_unit_test(hostile_bytes),
		cmocka_unit_test(sizes),
		cmocka_unit_test(more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
