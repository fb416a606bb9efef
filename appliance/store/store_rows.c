/*
 * signet-api and signet-manage: the identity API's collections (regions,
 * services, endpoints, domains, projects, users, groups, roles,
 * application credentials, credentials) as the JSON objects Keystone
 * answers with, read and written through one table of statements per
 * kind. Filters and values are bound, never written into SQL; what the
 * caller hands in was validated by it (api_json_in.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "err.h"
#include "log.h"
#include "store.h"

enum col_type {
	CT_TEXT,		/* NULL reads as "" */
	CT_NULL_TEXT,		/* NULL reads as null */
	CT_BOOL,
	CT_OPT_TEXT,		/* NULL: not shown at all */
	CT_JSON,		/* JSON object text; NULL reads as {} */
	CT_JSON_VALUE,		/* JSON text as a value; NULL reads as null */
	CT_EXTRA,		/* JSON text merged into the object */
};

struct col {
	const char	*key;
	enum col_type	 type;
};

#define KIND_COLS	9
#define KIND_WRITES	8

/*
 * select: parameter ?N is filter N-1 (enum store_filter_key). insert and
 * update: ?N is writes[N-1], and the last parameter the extra attributes.
 */
struct kind {
	const char	*select;
	const char	*insert;
	const char	*update;
	struct col	 cols[KIND_COLS];
	const char	*writes[KIND_WRITES];
	const char	*derived[3];	/* shown, never stored */
	int		 tagged;	/* tags and options, even if none */
	const char	*select_pg;	/* PostgreSQL's, if select is not */
};

static const struct kind kinds[STORE_KINDS] = {
	[STORE_REGION] = {
		"SELECT id, COALESCE(description, ''), parent_region_id, extra "
		"FROM region WHERE (?1 IS NULL OR id = ?1) AND (?4 IS NULL OR "
		"parent_region_id = ?4) ORDER BY id",
		"INSERT INTO region (id, description, parent_region_id, extra) "
		"VALUES (?1, ?2, ?3, ?4)",
		"UPDATE region SET description = ?2, parent_region_id = ?3, "
		"extra = ?4 WHERE id = ?1",
		{ { "id", CT_TEXT }, { "description", CT_TEXT },
		  { "parent_region_id", CT_NULL_TEXT }, { NULL, CT_EXTRA } },
		{ "id", "description", "parent_region_id" },
		{ "links" },
	},
	[STORE_SERVICE] = {
		"SELECT id, type, COALESCE(name, ''), enabled, extra FROM "
		"service WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR "
		"name = ?2) AND (?5 IS NULL OR enabled = ?5) AND (?6 IS NULL OR "
		"type = ?6) ORDER BY id",
		"INSERT INTO service (id, type, name, enabled, extra) VALUES "
		"(?1, ?2, ?3, ?4, ?5)",
		"UPDATE service SET type = ?2, name = ?3, enabled = ?4, "
		"extra = ?5 WHERE id = ?1",
		{ { "id", CT_TEXT }, { "type", CT_TEXT }, { "name", CT_TEXT },
		  { "enabled", CT_BOOL }, { NULL, CT_EXTRA } },
		{ "id", "type", "name", "enabled" },
		{ "links" },
	},
	[STORE_ENDPOINT] = {
		"SELECT id, interface, region_id, region_id, service_id, url, "
		"enabled, extra FROM endpoint WHERE (?1 IS NULL OR id = ?1) AND "
		"(?7 IS NULL OR interface = ?7) AND (?8 IS NULL OR "
		"service_id = ?8) AND (?9 IS NULL OR region_id = ?9) "
		"ORDER BY id",
		"INSERT INTO endpoint (id, interface, region_id, service_id, "
		"url, enabled, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"UPDATE endpoint SET interface = ?2, region_id = ?3, "
		"service_id = ?4, url = ?5, enabled = ?6, extra = ?7 "
		"WHERE id = ?1",
		{ { "id", CT_TEXT }, { "interface", CT_TEXT },
		  { "region_id", CT_NULL_TEXT }, { "region", CT_NULL_TEXT },
		  { "service_id", CT_TEXT }, { "url", CT_TEXT },
		  { "enabled", CT_BOOL }, { NULL, CT_EXTRA } },
		{ "id", "interface", "region_id", "service_id", "url",
		  "enabled" },
		{ "links", "region" },
	},
	[STORE_DOMAIN] = {
		"SELECT id, name, COALESCE(description, ''), enabled, extra "
		"FROM domain WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR "
		"name = ?2) AND (?5 IS NULL OR enabled = ?5) ORDER BY id",
		"INSERT INTO domain (id, name, description, enabled, extra) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
		"UPDATE domain SET name = ?2, description = ?3, enabled = ?4, "
		"extra = ?5 WHERE id = ?1",
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "description", CT_TEXT }, { "enabled", CT_BOOL },
		  { NULL, CT_EXTRA } },
		{ "id", "name", "description", "enabled" },
		{ "links" },
		1,
	},
	/*
	 * A top-level project's parent is its domain, as Keystone has it;
	 * a domain read as a project acting as one has neither.
	 */
	[STORE_PROJECT] = {
		"SELECT id, name, domain_id, COALESCE(description, ''), "
		"enabled, COALESCE(parent_id, domain_id), 0, extra FROM project "
		"WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR name = ?2) "
		"AND (?3 IS NULL OR domain_id = ?3) AND (?4 IS NULL OR "
		"COALESCE(parent_id, domain_id) = ?4) AND (?5 IS NULL OR "
		"enabled = ?5) AND (?10 IS NULL OR id IN (SELECT target_id FROM "
		"assignment WHERE target_type = 'project' AND user_id = ?10 "
		"UNION SELECT g.target_id FROM group_assignment g JOIN "
		"group_member m ON m.group_id = g.group_id WHERE "
		"g.target_type = 'project' AND m.user_id = ?10)) AND "
		"(?13 IS NULL OR ?13 = '0') UNION ALL SELECT id, name, NULL, "
		"COALESCE(description, ''), enabled, NULL, 1, extra FROM domain "
		"WHERE ?13 = '1' AND (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR "
		"name = ?2) AND ?3 IS NULL AND ?4 IS NULL AND (?5 IS NULL OR "
		"enabled = ?5) AND ?10 IS NULL ORDER BY id",
		"INSERT INTO project (id, name, domain_id, description, "
		"enabled, parent_id, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"UPDATE project SET name = ?2, domain_id = ?3, "
		"description = ?4, enabled = ?5, parent_id = ?6, extra = ?7 "
		"WHERE id = ?1",
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "domain_id", CT_NULL_TEXT }, { "description", CT_TEXT },
		  { "enabled", CT_BOOL }, { "parent_id", CT_NULL_TEXT },
		  { "is_domain", CT_BOOL }, { NULL, CT_EXTRA } },
		{ "id", "name", "domain_id", "description", "enabled",
		  "parent_id" },
		{ "links", "is_domain" },
		1,
	},
	/*
	 * Shown as Keystone does: expires_at with its microseconds and no
	 * zone, the roles by id and name. The secret's hash is written and
	 * never read here.
	 */
	[STORE_APP_CRED] = {
		"SELECT a.id, a.name, a.description, a.user_id, a.project_id, "
		"CASE WHEN a.expires_at IS NULL THEN NULL ELSE "
		"strftime('%Y-%m-%dT%H:%M:%S', a.expires_at / 1000000, "
		"'unixepoch') || printf('.%06d', a.expires_at % 1000000) END, "
		"a.unrestricted, (SELECT json_group_array(json_object('id', "
		"r.id, 'name', r.name, 'domain_id', NULL, 'description', NULL, "
		"'options', json_object())) FROM application_credential_role ar "
		"JOIN role r ON r.id = ar.role_id WHERE "
		"ar.application_credential_id = a.id), NULL FROM "
		"application_credential a WHERE (?1 IS NULL OR a.id = ?1) AND "
		"(?2 IS NULL OR a.name = ?2) AND (?10 IS NULL OR "
		"a.user_id = ?10) ORDER BY a.id",
		"INSERT INTO application_credential (id, name, description, "
		"user_id, project_id, expires_at, unrestricted, secret_hash) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		NULL,
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "description", CT_NULL_TEXT }, { "user_id", CT_TEXT },
		  { "project_id", CT_NULL_TEXT },
		  { "expires_at", CT_NULL_TEXT }, { "unrestricted", CT_BOOL },
		  { "roles", CT_JSON_VALUE }, { "system", CT_NULL_TEXT } },
		{ "id", "name", "description", "user_id", "project_id",
		  "expires_at", "unrestricted", "secret_hash" },
		{ "links", "roles", "system" },
		.select_pg =
		"SELECT a.id, a.name, a.description, a.user_id, a.project_id, "
		"CASE WHEN a.expires_at IS NULL THEN NULL ELSE to_char("
		"to_timestamp(a.expires_at / 1000000) AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD\"T\"HH24:MI:SS') || '.' || "
		"lpad((a.expires_at % 1000000)::text, 6, '0') END, "
		"a.unrestricted, (SELECT COALESCE(json_agg(json_build_object("
		"'id', r.id, 'name', r.name, 'domain_id', NULL, 'description', "
		"NULL, 'options', json_build_object())), '[]') FROM "
		"application_credential_role ar JOIN role r ON r.id = "
		"ar.role_id WHERE ar.application_credential_id = a.id), NULL "
		"FROM application_credential a WHERE (?1 IS NULL OR a.id = ?1) "
		"AND (?2 IS NULL OR a.name = ?2) AND (?10 IS NULL OR "
		"a.user_id = ?10) ORDER BY a.id"
	},
	/*
	 * A password is written by its own columns: password_set (a
	 * boolean) says whether password_hash (a hash, or null for none)
	 * replaces the one stored. Any update of an enabled user clears its
	 * failed logins, as Keystone's enabled setter does.
	 */
	[STORE_USER] = {
		"SELECT id, name, domain_id, enabled, default_project_id, NULL, "
		"options, extra FROM user WHERE (?1 IS NULL OR id = ?1) AND "
		"(?2 IS NULL OR name = ?2) AND (?3 IS NULL OR domain_id = ?3) "
		"AND (?5 IS NULL OR enabled = ?5) AND (?11 IS NULL OR id IN "
		"(SELECT user_id FROM group_member WHERE group_id = ?11)) "
		"ORDER BY id",
		"INSERT INTO user (id, name, domain_id, enabled, "
		"default_project_id, options, password_hash, extra) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?8, ?9)",
		"UPDATE user SET name = ?2, domain_id = ?3, enabled = ?4, "
		"default_project_id = ?5, options = ?6, password_hash = CASE "
		"WHEN ?7 THEN ?8 ELSE password_hash END, extra = ?9, "
		"failed_logins = CASE WHEN ?4 THEN 0 ELSE failed_logins END, "
		"locked_until = CASE WHEN ?4 THEN 0 ELSE locked_until END "
		"WHERE id = ?1",
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "domain_id", CT_TEXT }, { "enabled", CT_BOOL },
		  { "default_project_id", CT_OPT_TEXT },
		  { "password_expires_at", CT_NULL_TEXT },
		  { "options", CT_JSON }, { NULL, CT_EXTRA } },
		{ "id", "name", "domain_id", "enabled", "default_project_id",
		  "options", "password_set", "password_hash" },
		{ "links", "password_expires_at", "password" },
	},
	[STORE_GROUP] = {
		"SELECT id, name, domain_id, description, extra FROM user_group "
		"WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR name = ?2) AND "
		"(?3 IS NULL OR domain_id = ?3) AND (?10 IS NULL OR id IN "
		"(SELECT group_id FROM group_member WHERE user_id = ?10)) "
		"ORDER BY id",
		"INSERT INTO user_group (id, name, domain_id, description, extra) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
		"UPDATE user_group SET name = ?2, domain_id = ?3, "
		"description = ?4, extra = ?5 WHERE id = ?1",
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "domain_id", CT_TEXT }, { "description", CT_NULL_TEXT },
		  { NULL, CT_EXTRA } },
		{ "id", "name", "domain_id", "description" },
		{ "links", "membership_expires_at" },
	},
	/* a role of no domain has domain_id null, as Keystone shows it */
	[STORE_ROLE] = {
		"SELECT id, name, domain_id, description, options, extra FROM "
		"role WHERE (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR "
		"name = ?2) AND (?3 IS NULL OR domain_id = ?3) AND "
		"(CAST(?12 AS TEXT) IS NULL OR domain_id IS NULL) ORDER BY id",
		"INSERT INTO role (id, name, domain_id, description, options, "
		"extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		"UPDATE role SET name = ?2, domain_id = ?3, description = ?4, "
		"options = ?5, extra = ?6 WHERE id = ?1",
		{ { "id", CT_TEXT }, { "name", CT_TEXT },
		  { "domain_id", CT_NULL_TEXT },
		  { "description", CT_NULL_TEXT }, { "options", CT_JSON },
		  { NULL, CT_EXTRA } },
		{ "id", "name", "domain_id", "description", "options" },
		{ "links" },
	},
	/*
	 * The blob as the signer encrypted it: signet-api opens it for the
	 * answer (route_credentials.c), never the store.
	 */
	[STORE_CREDENTIAL] = {
		"SELECT id, user_id, project_id, type, encrypted_blob, "
		"key_hash, extra FROM credential WHERE (?1 IS NULL OR id = ?1) "
		"AND (?6 IS NULL OR type = ?6) AND (?10 IS NULL OR "
		"user_id = ?10) ORDER BY id",
		"INSERT INTO credential (id, user_id, project_id, type, "
		"encrypted_blob, key_hash, extra) VALUES (?1, ?2, ?3, ?4, ?5, "
		"?6, ?7)",
		"UPDATE credential SET user_id = ?2, project_id = ?3, "
		"type = ?4, encrypted_blob = ?5, key_hash = ?6, extra = ?7 "
		"WHERE id = ?1",
		{ { "id", CT_TEXT }, { "user_id", CT_TEXT },
		  { "project_id", CT_NULL_TEXT }, { "type", CT_TEXT },
		  { "encrypted_blob", CT_TEXT }, { "key_hash", CT_TEXT },
		  { NULL, CT_EXTRA } },
		{ "id", "user_id", "project_id", "type", "encrypted_blob",
		  "key_hash" },
		{ "links", "blob" },
	},
};

/* Attributes stored as extra: never one a column or Keystone owns. */
static void
merge_extra(json_t *o, const char *text)
{
	json_t		*x, *v;
	const char	*k;

	if (text == NULL || (x = json_loads(text, 0, NULL)) == NULL)
		return;
	json_object_foreach(x, k, v)
		if (json_object_get(o, k) == NULL)
			json_object_set(o, k, v);
	json_decref(x);
}

static json_t *
row_json(const struct kind *kd, struct db_stmt *st)
{
	json_t			*o = json_object();
	const char		*t;
	int			 i;

	for (i = 0; i < KIND_COLS && (kd->cols[i].key != NULL ||
	    kd->cols[i].type == CT_EXTRA); i++) {
		t = db_column_text(st, i);
		switch (kd->cols[i].type) {
		case CT_EXTRA:
			merge_extra(o, t);
			if (kd->tagged && json_object_get(o, "tags") == NULL)
				json_object_set_new(o, "tags", json_array());
			if (kd->tagged && json_object_get(o, "options") == NULL)
				json_object_set_new(o, "options",
				    json_object());
			return o;
		case CT_BOOL:
			json_object_set_new(o, kd->cols[i].key,
			    json_boolean(db_column_int(st, i)));
			break;
		case CT_JSON_VALUE:
			json_object_set_new(o, kd->cols[i].key, t == NULL ?
			    json_null() : json_loads((const char *)t, 0,
			    NULL));
			break;
		case CT_OPT_TEXT:
			if (t != NULL)
				json_object_set_new(o, kd->cols[i].key,
				    json_string((const char *)t));
			break;
		case CT_JSON: {
			json_t *v = t != NULL ? json_loads((const char *)t, 0,
			    NULL) : NULL;

			if (!json_is_object(v)) {
				json_decref(v);
				v = json_object();
			}
			json_object_set_new(o, kd->cols[i].key, v);
			break;
		}
		case CT_NULL_TEXT:
			if (t == NULL) {
				json_object_set_new(o, kd->cols[i].key,
				    json_null());
				break;
			}
			/* FALLTHROUGH */
		case CT_TEXT:
			json_object_set_new(o, kd->cols[i].key,
			    json_string(t != NULL ? (const char *)t : ""));
			break;
		}
	}
	return o;
}

static int
select_rows(struct store *s, enum store_kind k, const char *const *f,
    json_t *arr, int one)
{
	const struct kind	*kd = &kinds[k];
	struct db_stmt		*st;
	int			 i, rc;

	if ((st = store_stmt(s, kd->select_pg != NULL ?
	    DB_SQL(store_db(s), kd->select, kd->select_pg) : kd->select)) ==
	    NULL)
		return SIG_ERR_SYSTEM;
	/* a statement without ?N refuses its binding: harmless */
	for (i = 0; i < SF_MAX; i++)
		if (f[i] != NULL)
			db_bind_text(st, i + 1, f[i]);
	while ((rc = db_step(st)) == DB_ROW) {
		json_array_append_new(arr, row_json(kd, st));
		if (one)
			break;
	}
	db_reset(st);
	if (rc != DB_DONE && rc != DB_ROW) {
		log_err("store: %s", db_errmsg(store_db(s)));
		return SIG_ERR_HSM_RETRY;
	}
	return 0;
}

/* Appends the rows that pass filter f (SF_MAX entries) to arr. */
int
store_rows_json(struct store *s, enum store_kind k, const char *const *f,
    void *arr)
{
	return select_rows(s, k, f, arr, 0);
}

/* Caller owns *objp (json_decref); SIG_ERR_KEY_NOT_FOUND when none. */
int
store_row_json(struct store *s, enum store_kind k, const char *id,
    void **objp)
{
	const char	*f[SF_MAX] = { NULL };
	json_t		*arr = json_array();
	int		 r;

	*objp = NULL;
	f[SF_ID] = id;
	if (arr == NULL)
		return SIG_ERR_NOMEM;
	if ((r = select_rows(s, k, f, arr, 1)) == 0 &&
	    json_array_size(arr) == 0)
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r == 0)
		*objp = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return r;
}

/* key: an attribute's name (not secret) */
static int
is_stored(const struct kind *kd, const char *key)
{
	size_t	 i;

	for (i = 0; i < KIND_WRITES && kd->writes[i] != NULL; i++)
		if (strcmp(kd->writes[i], key) == 0)	/* not secret */
			return 1;
	for (i = 0; i < 3 && kd->derived[i] != NULL; i++)
		if (strcmp(kd->derived[i], key) == 0)	/* not secret */
			return 1;
	return 0;
}

/* Caller frees *textp (free); NULL when there is nothing extra. */
static int
extra_text(const struct kind *kd, json_t *o, char **textp)
{
	json_t		*x = json_object(), *v;
	const char	*k;
	int		 r = 0;

	*textp = NULL;
	json_object_foreach(o, k, v)
		if (!is_stored(kd, k))
			json_object_set(x, k, v);
	if (json_object_size(x) > 0 && ((*textp = json_dumps(x,
	    JSON_COMPACT)) == NULL || strlen(*textp) > STORE_EXTRA_MAX))
		r = SIG_ERR_BAD_INPUT;
	json_decref(x);
	return r;
}

/* An object (options) is stored as its JSON text, keys sorted. */
static void
bind_value(struct db_stmt *st, int i, json_t *v)
{
	char	*text;

	if (json_is_string(v))
		db_bind_text(st, i, json_string_value(v));
	else if (json_is_boolean(v))
		db_bind_int64(st, i, json_is_true(v));
	else if (json_is_integer(v))
		db_bind_int64(st, i, json_integer_value(v));
	else if (json_is_object(v) && (text = json_dumps(v, JSON_COMPACT |
	    JSON_SORT_KEYS)) != NULL) {
		db_bind_text_copy(st, i, text);
		free(text);
	} else
		db_bind_null(st, i);
}

static int
put_status(struct store *s, int rc)
{
	if (rc == DB_DONE)
		return 0;
	return (rc = store_failed(s)) == SIG_ERR_SYSTEM ? SIG_ERR_HSM_RETRY :
	    rc;	/* locked, read-only, full */
}

/*
 * Writes obj, a whole row (create: a new one; else it replaces the row of
 * obj's "id"). The caller holds the transaction.
 */
int
store_row_put(struct store *s, enum store_kind k, const void *obj,
    int create)
{
	const struct kind	*kd = &kinds[k];
	json_t			*o = (json_t *)(uintptr_t)obj;
	struct db_stmt		*st;
	char			*extra;
	int			 i, r;

	if ((r = extra_text(kd, o, &extra)) != 0) {
		free(extra);
		return r;
	}
	if ((st = store_stmt(s, create ? kd->insert : kd->update)) == NULL) {
		free(extra);
		return SIG_ERR_SYSTEM;
	}
	for (i = 0; i < KIND_WRITES && kd->writes[i] != NULL; i++)
		bind_value(st, i + 1, json_object_get(o, kd->writes[i]));
	if (extra != NULL)
		db_bind_text(st, i + 1, extra);
	r = put_status(s, db_step(st));
	if (r == 0 && !create && db_changes(store_db(s)) == 0)
		r = SIG_ERR_KEY_NOT_FOUND;
	db_reset(st);
	free(extra);
	return r;
}
