/*
 * signet-manage import-keystone FILE: a Keystone's identity, assignments,
 * catalog, application credentials and revocation events as
 * scripts/keystone-export.py writes them (untrusted until checked), into
 * the store in one transaction, every id kept. Each row is checked whole
 * before it is written; the first bad one rolls everything back and is
 * named by its kind and id (or place), never by a hash. A row already
 * held under its id is updated, so running the same file again adds
 * nothing; one held under another name is an error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "log.h"
#include "utf8.h"
#include "import.h"

#define IMPORT_FORMAT	"signet-keystone-export"
#define IMPORT_VERSION	1
#define LIST_MAX	1000	/* tags (Keystone's cap is 80), roles */

int
imp_fail(struct imp *im, int r, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s %s: %s", im->what, im->label, msg);
	return r;
}

/* The string member key of row, NULL when it is null or absent. */
const char *
imp_str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

/*
 * 0 when a row of kind k has the id named in field; *objp (when asked
 * for) is that row, the caller's to json_decref.
 */
int
imp_exists(struct imp *im, enum store_kind k, const char *field,
    const char *id, json_t **objp)
{
	json_t	*o = NULL;
	int	 r;

	if ((r = store_row_json(im->m->st, k, id, (void **)&o)) ==
	    SIG_ERR_KEY_NOT_FOUND)
		return imp_fail(im, r, "%s %s not found", field, id);
	if (objp != NULL)
		*objp = o;
	else
		json_decref(o);
	return r;
}

static int
same(json_t *a, json_t *b, const char *key)
{
	json_t	*x = json_object_get(a, key), *y = json_object_get(b, key);

	return (x == NULL && y == NULL) || json_equal(x, y);
}

/* The row as store_row_put takes it: its extra attributes merged in. */
static json_t *
row_object(json_t *row)
{
	json_t		*o, *v;
	const char	*k;

	if ((o = json_deep_copy(json_object_get(row, "extra"))) == NULL &&
	    (o = json_object()) == NULL)
		return NULL;
	json_object_foreach(row, k, v)
		if (strcmp(k, "extra") != 0)
			json_object_set(o, k, v);
	return o;
}

/*
 * row as a new row of kind k, or over the row of its id, which must have
 * the same name (and owner, the member named so). Application
 * credentials never change in Keystone: one held is left as it is.
 */
int
imp_upsert(struct imp *im, enum store_kind k, json_t *row, const char *owner)
{
	json_t	*old = NULL, *o;
	int	 r, create;

	r = store_row_json(im->m->st, k, imp_str(row, "id"), (void **)&old);
	if (r != 0 && r != SIG_ERR_KEY_NOT_FOUND)
		return r;
	create = r == SIG_ERR_KEY_NOT_FOUND;
	if (!create && (!same(old, row, "name") ||
	    (owner != NULL && !same(old, row, owner)))) {
		json_decref(old);
		return imp_fail(im, SIG_ERR_EXISTS, "held already under "
		    "another name%s%s", owner ? " or " : "", owner ? owner : "");
	}
	json_decref(old);
	if (!create && k == STORE_APP_CRED)
		return 0;
	if ((o = row_object(row)) == NULL)
		return SIG_ERR_NOMEM;
	r = store_row_put(im->m->st, k, o, create);
	json_decref(o);
	if (r == SIG_ERR_EXISTS)
		return imp_fail(im, r, "its name is taken by another %s",
		    im->what);
	if (r != 0)
		return imp_fail(im, r, "the store refused it");
	im->added += create;
	return 0;
}

/* Keystone's options: a role's, domain's or project's, or a user's. */
static const char *
option_why(const char *k, json_t *o, int user)
{
	static const char *const user_bools[] = {
	    "ignore_change_password_upon_first_use", "ignore_password_expiry",
	    "ignore_lockout_failure_attempts", "lock_password",
	    "ignore_user_inactivity", "multi_factor_auth_enabled" };
	const size_t	 n = sizeof(user_bools) / sizeof(user_bools[0]);
	size_t		 i;

	if (user && strcmp(k, "multi_factor_auth_rules") == 0)
		return json_is_array(o) || json_is_null(o) ? NULL :
		    "has an option of the wrong type";
	for (i = 0; user && i < n && strcmp(k, user_bools[i]) != 0; i++)
		;
	if (user ? i == n : strcmp(k, "immutable") != 0)
		return "names an option signet does not know";
	if (!json_is_boolean(o) && !json_is_null(o))
		return "has an option of the wrong type";
	if (user && i == n - 1 && json_is_true(o))
		return "turns on multi-factor authentication, which signet "
		    "cannot enforce";
	return NULL;
}

static const char *
options_why(json_t *v, int user)
{
	const char	*k, *why;
	json_t		*o;

	if (!json_is_object(v))
		return "is not an object";
	json_object_foreach(v, k, o)
		if ((why = option_why(k, o, user)) != NULL)
			return why;
	return NULL;
}

static const char *
names_why(json_t *v)
{
	json_t	*s;
	size_t	 i;

	if (!json_is_array(v) || json_array_size(v) > LIST_MAX)
		return "is not an array of at most 1000 names";
	json_array_foreach(v, i, s)
		if (!json_is_string(s) ||
		    !utf8_name_ok(json_string_value(s), STORE_NAME_MAX))
			return "holds a name that is not 1-255 bytes of UTF-8 "
			    "without control characters";
	return NULL;
}

static const char *
object_why(json_t *v)
{
	char	*text;
	size_t	 n;

	if (!json_is_object(v))
		return "is not an object";
	text = json_dumps(v, JSON_COMPACT);
	n = text != NULL ? strlen(text) : STORE_EXTRA_MAX + 1;
	free(text);
	return n <= STORE_EXTRA_MAX ? NULL : "is over 64 KiB";
}

/* Why v is no value of type t, NULL when it is one. */
static const char *
field_why(enum ftype t, json_t *v)
{
	const char	*s = json_string_value(v);

	switch (t) {
	case FT_NAME:
		return s != NULL && utf8_name_ok(s, STORE_NAME_MAX) ? NULL :
		    "is not 1-255 bytes of UTF-8 without control characters";
	case FT_TEXT:
		return s != NULL && strlen(s) <= STORE_EXTRA_MAX ? NULL :
		    "is not a string of at most 64 KiB";
	case FT_BOOL:
		return json_is_boolean(v) ? NULL : "is not true or false";
	case FT_TIME:
		return json_is_integer(v) && json_integer_value(v) >= 0 ?
		    NULL : "is not a time (an integer, 0 or more)";
	case FT_OBJECT:
		return object_why(v);
	case FT_OPTIONS:
	case FT_USER_OPTIONS:
		return options_why(v, t == FT_USER_OPTIONS);
	case FT_NAMES:
		return names_why(v);
	case FT_HASH:
		return s != NULL && password_hash_ok(s) ? NULL : "is not a "
		    "hash crypt(3) can check (bcrypt or sha512_crypt)";
	case FT_IFACE:
		return s != NULL && (strcmp(s, "public") == 0 ||
		    strcmp(s, "internal") == 0 || strcmp(s, "admin") == 0) ?
		    NULL : "is not public, internal or admin";
	case FT_SYSTEM:
		return s != NULL && strcmp(s, "all") == 0 ? NULL :
		    "is not \"all\"";
	}
	return "has no type";
}

static int
known(const struct section *sc, const char *key)
{
	const struct ifield	*f;

	for (f = sc->fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)	/* a field name: not secret */
			return 1;
	return 0;
}

/* Row number i of section sc, named by its id once that is sound. */
static int
check_row(struct imp *im, const struct section *sc, json_t *row, size_t i)
{
	const struct ifield	*f;
	const char		*k, *why;
	json_t			*v;

	snprintf(im->label, sizeof(im->label), "#%zu", i + 1);
	if (!json_is_object(row))
		return imp_fail(im, SIG_ERR_BAD_INPUT, "is not an object");
	if ((k = imp_str(row, "id")) != NULL &&
	    utf8_name_ok(k, STORE_NAME_MAX))
		snprintf(im->label, sizeof(im->label), "%s", k);
	json_object_foreach(row, k, v)
		if (!known(sc, k))
			return imp_fail(im, SIG_ERR_BAD_INPUT,
			    "a member signet does not know (%.64s)", k);
	for (f = sc->fields; f->key != NULL; f++) {
		v = json_object_get(row, f->key);
		if (v == NULL && !(f->flags & F_OPT))
			return imp_fail(im, SIG_ERR_BAD_INPUT, "no %s",
			    f->key);
		if (v == NULL || (json_is_null(v) && (f->flags & F_NULL)))
			continue;
		if ((why = field_why(f->type, v)) != NULL)
			return imp_fail(im, SIG_ERR_BAD_INPUT, "%s %s", f->key,
			    why);
	}
	return 0;
}

static const char *
load_why(const json_error_t *e)
{
	switch (json_error_code(e)) {
	case json_error_premature_end_of_input:
		return "it ends too early (cut short?)";
	case json_error_invalid_utf8:
		return "it is not UTF-8";
	case json_error_duplicate_key:
		return "an object names a member twice";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "a NUL character";
	default:
		return "it is not JSON";
	}
}

/* The document; a parser's message never quotes the file (a hash). */
static int
load(const char *path, json_t **docp)
{
	json_error_t	 e;
	const int	 flags = JSON_REJECT_DUPLICATES;

	*docp = strcmp(path, "-") == 0 ? json_loadf(stdin, flags, &e) :
	    json_load_file(path, flags, &e);
	if (*docp != NULL)
		return 0;
	if (json_error_code(&e) == json_error_cannot_open_file)
		log_err("%s", e.text);
	else
		log_err("%s: line %d, column %d: %s", path, e.line, e.column,
		    load_why(&e));
	return SIG_ERR_BAD_INPUT;
}

static int
section_of(const char *key)
{
	size_t	 i;

	for (i = 0; i < import_nsections; i++)
		if (strcmp(import_sections[i].key, key) == 0) /* not secret */
			return (int)i;
	return -1;
}

static int
check_doc(const char *path, json_t *doc)
{
	const char	*k, *format = imp_str(doc, "format");
	json_t		*v = json_object_get(doc, "version");

	if (!json_is_object(doc) || format == NULL ||
	    strcmp(format, IMPORT_FORMAT) != 0) {
		log_err("%s: not a document of keystone-export.py", path);
		return SIG_ERR_BAD_INPUT;
	}
	if (!json_is_integer(v) || json_integer_value(v) != IMPORT_VERSION) {
		log_err("%s: not version %d of keystone-export.py's document",
		    path, IMPORT_VERSION);
		return SIG_ERR_BAD_INPUT;
	}
	json_object_foreach(doc, k, v) {
		if (strcmp(k, "format") == 0 || strcmp(k, "version") == 0)
			continue;
		if (section_of(k) < 0 || !json_is_array(v)) {
			log_err("%s: %.64s: not a list of rows signet knows",
			    path, k);
			return SIG_ERR_BAD_INPUT;
		}
	}
	return 0;
}

static int
import_doc(struct manage *m, json_t *doc, int *added)
{
	const struct section	*sc;
	struct imp		 im = { .m = m, .keep = token_span(m) };
	json_t			*row;
	size_t			 i, j;
	int			 r = 0;

	for (i = 0; i < import_nsections && r == 0; i++) {
		sc = &import_sections[i];
		im.what = sc->what;
		im.added = 0;
		json_array_foreach(json_object_get(doc, sc->key), j, row)
			if ((r = check_row(&im, sc, row, j)) != 0 ||
			    (r = sc->put(&im, row)) != 0)
				break;
		added[i] = im.added;
	}
	return r;
}

static void
report(json_t *doc, const int *added)
{
	size_t	 i;

	for (i = 0; i < import_nsections; i++)
		printf("%s: %zu, %d new\n", import_sections[i].key,
		    json_array_size(json_object_get(doc,
		    import_sections[i].key)), added[i]);
}

int
cmd_import_keystone(struct manage *m)
{
	json_t	*doc;
	int	 added[32] = { 0 }, r;

	if (import_nsections > sizeof(added) / sizeof(added[0]))
		return SIG_ERR_SYSTEM;
	if ((r = load(m->args[0], &doc)) != 0)
		return r;
	if ((r = check_doc(m->args[0], doc)) == 0 &&
	    (r = store_begin(m->st)) == 0) {
		if ((r = import_doc(m, doc, added)) != 0)
			store_rollback(m->st);
		else
			r = store_commit(m->st);
	}
	if (r == 0)
		report(doc, added);
	json_decref(doc);
	return r;
}
