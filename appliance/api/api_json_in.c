/*
 * signet-api: a request body of the identity API (untrusted JSON), read
 * and checked as Keystone's JSON schemas do (the schema.py files of
 * keystone/resource, keystone/catalog, keystone/identity,
 * keystone/application_credential and
 * keystone/assignment), with their messages less the
 * value: a 400 names the field, never what was in it. Attributes no
 * schema names pass, as Keystone keeps them.
 */
#include <stdio.h>
#include <string.h>

#include "resource.h"

#define TAGS_MAX	80	/* Keystone's maxItems */
#define TAG_MAX		255

/* Characters, as jsonschema counts them; jansson gave well-formed UTF-8. */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
bad(char *msg, const char *field, const char *what)
{
	snprintf(msg, API_JSON_MSG_MAX, "Invalid input for field '%s': %s",
	    field, what);
	return -1;
}

static int
all_of(const char *s, const char *set)
{
	return *s != '\0' && s[strspn(s, set)] == '\0';
}

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* ^[a-zA-Z0-9+.-]+:.+ */
static int
url_ok(const char *s)
{
	size_t	 n = strspn(s, ALNUM "+.-");

	return n > 0 && s[n] == ':' && s[n + 1] != '\0';
}

static int
string_ok(const struct field *f, const char *s, char *msg)
{
	size_t	 n = chars(s);

	if ((int)n < f->min)
		return bad(msg, f->name, "is too short");
	if ((f->max > 0 && n > (size_t)f->max) ||
	    ((f->flags & (FF_NAME | FF_ID)) && strlen(s) > STORE_NAME_MAX))
		return bad(msg, f->name, "is too long");
	if ((f->flags & FF_NAME) && strspn(s, " \t\n\r\f\v") == strlen(s))
		return bad(msg, f->name, "does not match '[\\S]+'");
	if ((f->flags & FF_ID) && !all_of(s, ALNUM "-"))
		return bad(msg, f->name, "does not match '^[a-zA-Z0-9-]+$'");
	if ((f->flags & FF_URL) && !url_ok(s))
		return bad(msg, f->name,
		    "does not match '^[a-zA-Z0-9+.-]+:.+'");
	if ((f->flags & FF_IFACE) && strcmp(s, "admin") != 0 &&
	    strcmp(s, "internal") != 0 && strcmp(s, "public") != 0)
		return bad(msg, f->name,
		    "is not one of ['admin', 'internal', 'public']");
	return 0;
}

static int
tags_ok(const struct field *f, json_t *v, char *msg)
{
	json_t		*t, *u;
	const char	*s;
	size_t		 i, j;

	if (!json_is_array(v))
		return bad(msg, f->name, "is not of type 'array'");
	if (json_array_size(v) > TAGS_MAX)
		return bad(msg, f->name, "is too long");
	json_array_foreach(v, i, t) {
		if ((s = json_string_value(t)) == NULL)
			return bad(msg, f->name, "is not of type 'string'");
		if (*s == '\0' || chars(s) > TAG_MAX || strpbrk(s, ",/"))
			return bad(msg, f->name, "does not match '^[^,/]*$'");
		for (j = 0; j < i; j++)
			if ((u = json_array_get(v, j)) != NULL &&
			    json_equal(t, u))
				return bad(msg, f->name,
				    "has non-unique elements");
	}
	return 0;
}

/* One role by id (an id_string) or by name, never both. */
static int
role_ref_ok(const struct field *f, json_t *v, char *msg)
{
	static const struct field id = { "roles/id", FT_STRING, FF_ID, 1, 64 };
	static const struct field name = { "roles/name", FT_STRING, FF_NAME,
	    1, STORE_NAME_MAX };
	const char	*k;
	json_t		*o;

	if (!json_is_object(v))
		return bad(msg, f->name, "is not of type 'object'");
	if (json_object_size(v) != 1)
		return bad(msg, f->name, json_object_size(v) == 0 ?
		    "does not have enough properties" :
		    "has too many properties");
	json_object_foreach(v, k, o) {
		if (strcmp(k, "id") != 0 && strcmp(k, "name") != 0)
			return bad(msg, f->name, "Additional properties are "
			    "not allowed");
		if (!json_is_string(o))
			return bad(msg, f->name, "is not of type 'string'");
		return string_ok(strcmp(k, "id") == 0 ? &id : &name,
		    json_string_value(o), msg);
	}
	return 0;
}

static int
role_refs_ok(const struct field *f, json_t *v, char *msg)
{
	json_t	*r;
	size_t	 i;

	if (!json_is_array(v))
		return bad(msg, f->name, "is not of type 'array'");
	json_array_foreach(v, i, r)
		if (role_ref_ok(f, r, msg) != 0)
			return -1;
	return 0;
}

static int
options_ok(const struct field *f, json_t *v, char *msg)
{
	const char	*k;
	json_t		*o;

	json_object_foreach(v, k, o) {
		if (strcmp(k, "immutable") != 0)
			return bad(msg, f->name, "Additional properties are "
			    "not allowed");
		if (!json_is_boolean(o) && !json_is_null(o))
			return bad(msg, "options/immutable",
			    "is not of type 'boolean', 'null'");
	}
	return 0;
}

/* Keystone's user options (identity/backends/resource_options.py). */
static const char *const user_bools[] = {
	"ignore_change_password_upon_first_use", "ignore_password_expiry",
	"ignore_lockout_failure_attempts", "lock_password",
	"ignore_user_inactivity", "multi_factor_auth_enabled",
};

static int
unique_items(json_t *v)
{
	size_t	 i, j;

	for (i = 0; i < json_array_size(v); i++)
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(v, i),
			    json_array_get(v, j)))
				return 0;
	return 1;
}

/* multi_factor_auth_rules: unique lists of at least one unique string */
static int
mfa_rules_ok(json_t *v, char *msg)
{
	const char	*name = "options/multi_factor_auth_rules";
	json_t		*rule, *m;
	size_t		 i, j;

	if (json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(msg, name, "is not of type 'array', 'null'");
	json_array_foreach(v, i, rule) {
		if (!json_is_array(rule))
			return bad(msg, name, "is not of type 'array'");
		if (json_array_size(rule) == 0)
			return bad(msg, name, "is too short");
		json_array_foreach(rule, j, m)
			if (!json_is_string(m))
				return bad(msg, name,
				    "is not of type 'string'");
		if (!unique_items(rule))
			return bad(msg, name, "has non-unique elements");
	}
	return unique_items(v) ? 0 : bad(msg, name,
	    "has non-unique elements");
}

static int
user_options_ok(const struct field *f, json_t *v, char *msg)
{
	const char	*k;
	json_t		*o;
	size_t		 i;

	json_object_foreach(v, k, o) {
		if (strcmp(k, "multi_factor_auth_rules") == 0) {
			if (mfa_rules_ok(o, msg) != 0)
				return -1;
			continue;
		}
		for (i = 0; i < sizeof(user_bools) / sizeof(user_bools[0]); i++)
			if (strcmp(k, user_bools[i]) == 0)
				break;
		if (i == sizeof(user_bools) / sizeof(user_bools[0]))
			return bad(msg, f->name, "Additional properties are "
			    "not allowed");
		if (!json_is_boolean(o) && !json_is_null(o)) {
			snprintf(msg, API_JSON_MSG_MAX, "Invalid input for "
			    "field 'options/%s': is not of type 'boolean', "
			    "'null'", user_bools[i]);
			return -1;
		}
	}
	return 0;
}

static int
field_ok(const struct field *f, json_t *v, char *msg)
{
	if (json_is_null(v))
		return (f->flags & FF_NULL) ? 0 :
		    bad(msg, f->name, "None is not of the type required");
	switch (f->type) {
	case FT_STRING:
		if (!json_is_string(v))
			return bad(msg, f->name, "is not of type 'string'");
		return string_ok(f, json_string_value(v), msg);
	case FT_BOOL:
		return json_is_boolean(v) ? 0 :
		    bad(msg, f->name, "is not of type 'boolean'");
	case FT_OBJECT:
		if (!json_is_object(v))
			return bad(msg, f->name, "is not of type 'object'");
		if (f->flags & FF_USER_OPTIONS)
			return user_options_ok(f, v, msg);
		return (f->flags & FF_OPTIONS) ? options_ok(f, v, msg) : 0;
	case FT_TAGS:
		return tags_ok(f, v, msg);
	case FT_ROLE_REFS:
		return role_refs_ok(f, v, msg);
	case FT_ARRAY:
		return json_is_array(v) ? 0 :
		    bad(msg, f->name, "is not of type 'array'");
	}
	return -1;
}

/*
 * 0, or -1 with msg (API_JSON_MSG_MAX) said: every field of the table
 * (ended by a NULL name) that obj has passes, the required ones are
 * there, and an update (minprops) changes something.
 */
int
json_in_check(json_t *obj, const struct field *fs, int minprops, char *msg)
{
	json_t	*v;

	if (minprops && json_object_size(obj) == 0) {
		snprintf(msg, API_JSON_MSG_MAX, "{} does not have enough "
		    "properties");
		return -1;
	}
	for (; fs != NULL && fs->name != NULL; fs++) {
		if ((v = json_object_get(obj, fs->name)) == NULL) {
			if (fs->flags & FF_REQUIRED) {
				snprintf(msg, API_JSON_MSG_MAX,
				    "'%s' is a required property", fs->name);
				return -1;
			}
			continue;
		}
		if (field_ok(fs, v, msg) != 0)
			return -1;
	}
	return 0;
}

/*
 * The body's object under member into *objp (caller owns: json_decref).
 * 0, or the status to answer (400 with msg said, or 413).
 */
int
json_in_member(struct MHD_Connection *c, struct api_req *rq,
    const char *member, json_t **objp, char *msg)
{
	const char	*ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "Content-Type");
	json_t		*doc;

	*objp = NULL;
	if (rq->too_big)
		return 413;
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
		snprintf(msg, API_JSON_MSG_MAX, "Expecting to find "
		    "application/json in Content-Type header.");
		return 400;
	}
	if ((doc = json_loadb(rq->body ? rq->body : "", rq->len,
	    JSON_REJECT_DUPLICATES, NULL)) == NULL || !json_is_object(doc)) {
		json_decref(doc);
		snprintf(msg, API_JSON_MSG_MAX, "Expecting to find valid JSON "
		    "in request body.");
		return 400;
	}
	if (!json_is_object(json_object_get(doc, member))) {
		json_decref(doc);
		bad(msg, member, "is not of type 'object'");
		return 400;
	}
	*objp = json_incref(json_object_get(doc, member));
	json_decref(doc);
	return 0;
}
