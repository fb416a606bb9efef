/*
 * Unit: json_text writes what json_dumps(JSON_COMPACT) writes, byte for
 * byte: nesting, empty containers, key order, every escape, UTF-8, keys
 * with a NUL, numbers; and a real is left to json_dumps. json_text_as
 * writes one node as the text it is given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "json_text.h"

static void
same(json_t *v)
{
	char	*want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char	*got = json_text(v);

	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(want);
	free(got);
	json_decref(v);
}

static void
test_shapes(void **state)
{
	(void)state;
	same(json_loads("{\"token\":{\"methods\":[\"password\",\"token\"],"
	    "\"user\":{\"domain\":{\"id\":\"default\",\"name\":\"Default\"},"
	    "\"id\":\"u1\",\"password_expires_at\":null},\"audit_ids\":[],"
	    "\"is_domain\":false,\"roles\":[{}],\"x\":true,\"n\":-42,"
	    "\"big\":9007199254740993,\"e\":{}}}", 0, NULL));
	same(json_loads("[]", 0, NULL));
	same(json_loads("[[],[{}],{\"a\":[1,2,[3]]}]", 0, NULL));
}

static void
test_order(void **state)
{
	json_t	*o = json_object();

	(void)state;
	json_object_set_new(o, "z", json_integer(1));
	json_object_set_new(o, "a", json_integer(2));
	json_object_set_new(o, "m", json_integer(3));
	json_object_del(o, "a");
	json_object_set_new(o, "a", json_integer(4));
	same(o);
}

static void
test_escapes(void **state)
{
	char	 all[0x80];
	int	 i;

	(void)state;
	for (i = 1; i < 0x80; i++)
		all[i - 1] = (char)i;
	all[0x7f] = '\0';
	same(json_pack("{s:s}", "k", all));
	same(json_string("quote \" back \\ slash / tab \t nl \n"));
	same(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"));
	same(json_pack("{s:s}", "key \"\x01\x1f", "v"));
	same(json_stringn("a\0b", 3));
}

static void
test_key_with_nul(void **state)
{
	json_t	*o = json_object();

	(void)state;
	json_object_setn_new(o, "a\0b", 3, json_true());
	same(o);
}

static void
test_real_left_to_jansson(void **state)
{
	(void)state;
	same(json_pack("{s:f,s:[f]}", "r", 1.5, "s", 0.1));
}

/* A node given as text is written as that text, wherever it sits, and
 * only that node: the same bytes as json_dumps when the text is its own. */
static void
test_node_as_text(void **state)
{
	json_t	*doc = json_loads("{\"token\":{\"methods\":[\"token\"],"
		    "\"catalog\":[{\"type\":\"identity\",\"endpoints\":[]}],"
		    "\"roles\":[{\"id\":\"r\"}]}}", 0, NULL);
	json_t	*cat = json_object_get(json_object_get(doc, "token"),
		    "catalog");
	char	*own = json_dumps(cat, JSON_COMPACT);
	char	*want = json_dumps(doc, JSON_COMPACT);
	char	*got = json_text_as(doc, cat, own);
	char	*other = json_text_as(doc, cat, "[\"X\"]");

	(void)state;
	assert_string_equal(got, want);
	assert_non_null(strstr(other, "\"catalog\":[\"X\"],\"roles\""));
	assert_null(strstr(other, "identity"));
	free(other);
	other = json_text_as(doc, NULL, "[\"X\"]");
	assert_string_equal(other, want);
	free(own);
	free(want);
	free(got);
	free(other);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_key_with_nul),
		cmocka_unit_test(test_real_left_to_jansson),
		cmocka_unit_test(test_node_as_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
