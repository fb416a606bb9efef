/*
 * Unit: the one reading of a v3 token document (token_body.c), shared by
 * the signer's SignCms policy, signet-api and libsignet-verify. Starts
 * from Keystone's project-scoped body (tests/vectors/pki/body.json) and
 * changes one member at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "token_body.h"

#define BODY	"tests/vectors/pki/body.json"

/* The vector's body with member k of "token" set to v (NULL: removed). */
static json_t *
with(const char *k, const char *v)
{
	json_t	*doc = json_load_file(BODY, JSON_REJECT_DUPLICATES, NULL);
	json_t	*t = json_object_get(doc, "token");

	assert_non_null(doc);
	if (v == NULL)
		json_object_del(t, k);
	else
		json_object_set_new(t, k, json_loads(v, JSON_DECODE_ANY,
		    NULL));
	return doc;
}

static int
reads(json_t *doc, struct token_body *b)
{
	const char	*why = NULL;
	int		 r = token_body_read(doc, b, &why);

	assert_true(r == 0 ? why == NULL : why != NULL);
	return r;
}

/* Member k set to v must be refused. */
static void
refused(const char *k, const char *v)
{
	struct token_body	 b;
	json_t			*doc = with(k, v);

	if (reads(doc, &b) == 0)
		fail_msg("token.%s = %s was taken", k, v ? v : "(none)");
	json_decref(doc);
}

static void
keystone_body(void **state)
{
	struct token_body	 b;
	json_t			*doc = with("bind", NULL);

	(void)state;
	assert_int_equal(reads(doc, &b), 0);
	assert_int_equal(b.scope, TB_PROJECT);
	assert_string_equal(b.user_id, "0c2b7eea0e925cc9974fab5df940c6bd");
	assert_string_equal(b.user_domain_name, "Default");
	assert_string_equal(b.project_id, "c27fba85674c5d43978d839a7eae2553");
	assert_string_equal(b.project_domain_id, "default");
	assert_null(b.domain_id);
	assert_int_equal(b.n_roles, 2);
	assert_string_equal(b.role_names[1], "reader");
	assert_int_equal(b.n_methods, 1);
	assert_int_equal(b.n_audit_ids, 1);
	assert_int_equal(b.expires_at, 4102444800);
	json_decref(doc);
}

static void
other_scopes(void **state)
{
	struct token_body	 b;
	json_t			*doc = with("project", NULL), *t;

	(void)state;
	t = json_object_get(doc, "token");
	json_object_del(t, "is_domain");
	json_object_set_new(t, "system", json_loads("{\"all\": true}", 0,
	    NULL));
	assert_int_equal(reads(doc, &b), 0);
	assert_int_equal(b.scope, TB_SYSTEM);
	json_object_del(t, "system");
	json_object_set_new(t, "domain", json_loads("{\"id\": \"default\", "
	    "\"name\": \"Default\"}", 0, NULL));
	assert_int_equal(reads(doc, &b), 0);
	assert_int_equal(b.scope, TB_DOMAIN);
	assert_string_equal(b.domain_id, "default");
	json_object_del(t, "domain");
	json_object_del(t, "roles");
	json_object_del(t, "catalog");
	assert_int_equal(reads(doc, &b), 0);
	assert_int_equal(b.scope, TB_UNSCOPED);
	json_object_set_new(t, "roles", json_loads("[{\"id\": \"r\", "
	    "\"name\": \"admin\"}]", 0, NULL));
	assert_int_not_equal(reads(doc, &b), 0);	/* roles, no scope */
	json_decref(doc);
}

/* The scope bypass: every `system` that is not {"all": true}. */
static void
system_shapes(void **state)
{
	(void)state;
	refused("system", "{\"all\": false}");
	refused("system", "{\"all\": 1}");
	refused("system", "{}");
	refused("system", "{\"all\": true, \"domain\": \"x\"}");
	refused("system", "\"all\"");
	refused("system", "true");
	refused("system", "null");
}

static void
member_shapes(void **state)
{
	(void)state;
	refused("is_god", "true");
	refused("methods", "\"password\"");
	refused("methods", "[]");
	refused("methods", "[1]");
	refused("audit_ids", "[\"a\", \"b\", \"c\"]");
	refused("audit_ids", "[\"\"]");
	refused("user", "{\"id\": 7}");
	refused("user", "{\"name\": \"alice\"}");
	refused("user", "{\"id\": \"u\", \"is_admin\": true}");
	refused("user", "{\"id\": \"u\", \"domain\": \"default\"}");
	refused("user", NULL);
	refused("project", "{\"id\": \"\"}");
	refused("project", "{\"id\": [\"p\"]}");
	refused("project", "\"p\"");
	refused("domain", "{\"id\": \"default\"}");	/* and a project */
	refused("roles", "[\"admin\"]");
	refused("roles", "[{\"name\": \"admin\"}]");
	refused("roles", "[{\"id\": 1, \"name\": \"admin\"}]");
	refused("roles", "[{\"id\": \"r\", \"name\": \"admin\", \"x\": 1}]");
	refused("roles", "{\"id\": \"r\", \"name\": \"admin\"}");
	refused("catalog", "{}");
	refused("catalog", "[{\"type\": \"identity\", \"endpoints\": "
	    "[{\"interface\": \"public\"}]}]");
	refused("catalog", "[{\"endpoints\": []}]");
	refused("expires_at", "1700000000");
	refused("issued_at", NULL);
	refused("is_domain", "\"false\"");
	refused("OS-TRUST:trust", "{}");
	refused("is_admin_project", "1");
	refused("bind", "\"kerberos\"");
}

static void
documents(void **state)
{
	struct token_body	 b;
	json_t			*doc;

	(void)state;
	doc = json_loads("{\"access\": {}}", 0, NULL);
	assert_int_not_equal(reads(doc, &b), 0);
	json_decref(doc);
	doc = with("methods", "[\"password\"]");
	json_object_set_new(doc, "extra", json_true());
	assert_int_not_equal(reads(doc, &b), 0);
	json_decref(doc);
	assert_int_not_equal(reads(NULL, &b), 0);
}

/* A trust is named only with the project it is scoped to. */
static void
trust(void **state)
{
	struct token_body	 b;
	json_t			*doc = with("OS-TRUST:trust", "{\"id\": \"t1\", "
				    "\"impersonation\": false}");

	(void)state;
	assert_int_equal(reads(doc, &b), 0);
	assert_int_equal(b.scope, TB_TRUST);
	assert_string_equal(b.trust_id, "t1");
	json_object_del(json_object_get(doc, "token"), "project");
	json_object_del(json_object_get(doc, "token"), "is_domain");
	assert_int_not_equal(reads(doc, &b), 0);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keystone_body),
		cmocka_unit_test(other_scopes),
		cmocka_unit_test(system_shapes),
		cmocka_unit_test(member_shapes),
		cmocka_unit_test(documents),
		cmocka_unit_test(trust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
