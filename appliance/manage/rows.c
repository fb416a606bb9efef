/*
 * signet-manage: the identity API's collections offline (application
 * credentials too), for an operator without a token: lists (one tab-separated line a row), one row as
 * Keystone shows it (JSON), and deletions under the API's own rules (a
 * domain disabled first, a project only as a leaf, a region without
 * endpoints), each in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "log.h"
#include "manage.h"

static const char *const columns[STORE_KINDS][6] = {
	[STORE_REGION] = { "id", "parent_region_id", "description" },
	[STORE_SERVICE] = { "id", "type", "name", "enabled" },
	[STORE_ENDPOINT] = { "id", "service_id", "interface", "region_id",
	    "url", "enabled" },
	[STORE_DOMAIN] = { "id", "name", "enabled" },
	[STORE_PROJECT] = { "id", "name", "domain_id", "parent_id",
	    "enabled" },
	[STORE_APP_CRED] = { "id", "name", "user_id", "project_id",
	    "expires_at", "unrestricted" },
	[STORE_USER] = { "id", "name", "domain_id", "enabled" },
	[STORE_GROUP] = { "id", "name", "domain_id", "description" },
	[STORE_ROLE] = { "id", "name", "domain_id" },
};

void
print_row(enum store_kind k, json_t *o)
{
	json_t	*v;
	int	 i;

	for (i = 0; i < 6 && columns[k][i] != NULL; i++) {
		v = json_object_get(o, columns[k][i]);
		printf("%s%s", i ? "\t" : "", json_is_string(v) ?
		    json_string_value(v) : json_is_boolean(v) ?
		    (json_is_true(v) ? "true" : "false") : "-");
	}
	printf("\n");
}

static int
list(struct manage *m, enum store_kind k, const char *domain)
{
	const char	*f[SF_MAX] = { NULL };
	json_t		*arr = json_array(), *o;
	size_t		 i;
	int		 r;

	f[k == STORE_APP_CRED ? SF_USER : SF_DOMAIN] = domain;
	if ((r = store_rows_json(m->st, k, f, arr)) == 0)
		json_array_foreach(arr, i, o)
			print_row(k, o);
	json_decref(arr);
	return r;
}

int
cmd_region_list(struct manage *m)
{
	return list(m, STORE_REGION, NULL);
}

int
cmd_service_list(struct manage *m)
{
	return list(m, STORE_SERVICE, NULL);
}

int
cmd_endpoint_list(struct manage *m)
{
	return list(m, STORE_ENDPOINT, NULL);
}

int
cmd_domain_list(struct manage *m)
{
	return list(m, STORE_DOMAIN, NULL);
}

int
cmd_project_list(struct manage *m)
{
	char	 dom[ID_BUF];
	int	 r;

	if (m->o.domain == NULL)
		return list(m, STORE_PROJECT, NULL);
	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	return list(m, STORE_PROJECT, dom);
}

/* Every user's, or --user's (by name in --user-domain, or id). */
int
cmd_app_cred_list(struct manage *m)
{
	char	 dom[ID_BUF], user[ID_BUF];
	int	 r;

	if (m->o.user == NULL)
		return list(m, STORE_APP_CRED, NULL);
	if ((r = domain_of(m, m->o.user_domain, dom)) != 0 ||
	    (r = store_user_find(m->st, m->o.user, dom, user)) != 0) {
		if (r == SIG_ERR_KEY_NOT_FOUND)
			log_err("no user '%s'", m->o.user);
		return r;
	}
	return list(m, STORE_APP_CRED, user);
}

/* A domain or a project (in --domain) by name or id, else the id. */
static int
id_of(struct manage *m, enum store_kind k, char *id)
{
	char	 dom[ID_BUF];
	int	 r;

	if (k == STORE_DOMAIN)
		r = store_domain_find(m->st, m->args[0], id);
	else if (k == STORE_PROJECT)
		r = (r = domain_of(m, m->o.domain, dom)) != 0 ? r :
		    store_project_find(m->st, m->args[0], dom, id);
	else {
		snprintf(id, ID_BUF, "%s", m->args[0]);
		r = strlen(m->args[0]) < ID_BUF ? 0 : SIG_ERR_KEY_NOT_FOUND;
	}
	return r;
}

/* A row as the identity API shows it (JSON), then json_decref'd. */
int
print_json(json_t *o)
{
	char	*text;

	if ((text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS)) != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(o);
	return text != NULL ? 0 : SIG_ERR_NOMEM;
}

static int
show(struct manage *m, enum store_kind k)
{
	char	 id[ID_BUF];
	json_t	*o = NULL;
	char	*text;
	int	 r;

	if ((r = id_of(m, k, id)) != 0 ||
	    (r = store_row_json(m->st, k, id, (void **)&o)) != 0) {
		if (r == SIG_ERR_KEY_NOT_FOUND)
			log_err("no such entry: '%s'", m->args[0]);
		return r;
	}
	if ((text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS)) != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(o);
	return text != NULL ? 0 : SIG_ERR_NOMEM;
}

int
cmd_region_show(struct manage *m)
{
	return show(m, STORE_REGION);
}

int
cmd_service_show(struct manage *m)
{
	return show(m, STORE_SERVICE);
}

int
cmd_endpoint_show(struct manage *m)
{
	return show(m, STORE_ENDPOINT);
}

int
cmd_domain_show(struct manage *m)
{
	return show(m, STORE_DOMAIN);
}

int
cmd_project_show(struct manage *m)
{
	return show(m, STORE_PROJECT);
}

int
cmd_app_cred_show(struct manage *m)
{
	return show(m, STORE_APP_CRED);
}

static const char *
refusal(enum store_kind k)
{
	switch (k) {
	case STORE_REGION:
		return "it or a region below it has endpoints";
	case STORE_PROJECT:
		return "projects are below it";
	default:
		return "it is enabled; run domain-disable first";
	}
}

static int
delete_locked(struct manage *m, enum store_kind k, const char *id)
{
	json_t	*o;
	int	 r;

	switch (k) {
	case STORE_REGION:
		return store_region_delete(m->st, id);
	case STORE_SERVICE:
		return store_service_delete(m->st, id);
	case STORE_ENDPOINT:
		return store_endpoint_delete(m->st, id);
	case STORE_PROJECT:
		return store_project_delete(m->st, id, token_span(m));
	case STORE_APP_CRED:
		return store_appcred_delete(m->st, id);
	default:
		if ((r = store_row_json(m->st, k, id, (void **)&o)) != 0)
			return r;
		r = json_is_true(json_object_get(o, "enabled"));
		json_decref(o);
		return r ? SIG_ERR_STATE : store_domain_delete(m->st, id,
		    token_span(m));
	}
}

static int
delete(struct manage *m, enum store_kind k)
{
	char	 id[ID_BUF];
	int	 r;

	if ((r = id_of(m, k, id)) != 0 || (r = store_begin(m->st)) != 0) {
		if (r == SIG_ERR_KEY_NOT_FOUND)
			log_err("no such entry: '%s'", m->args[0]);
		return r;
	}
	if ((r = delete_locked(m, k, id)) != 0) {
		store_rollback(m->st);
		if (r == SIG_ERR_KEY_NOT_FOUND)
			log_err("no such entry: '%s'", m->args[0]);
		else if (r == SIG_ERR_STATE)
			log_err("'%s' is not deleted: %s", m->args[0],
			    refusal(k));
		return r;
	}
	return store_commit(m->st);
}

int
cmd_region_delete(struct manage *m)
{
	return delete(m, STORE_REGION);
}

int
cmd_service_delete(struct manage *m)
{
	return delete(m, STORE_SERVICE);
}

int
cmd_endpoint_delete(struct manage *m)
{
	return delete(m, STORE_ENDPOINT);
}

int
cmd_domain_delete(struct manage *m)
{
	return delete(m, STORE_DOMAIN);
}

int
cmd_project_delete(struct manage *m)
{
	return delete(m, STORE_PROJECT);
}

/* Its tokens stop validating at once: each validation reads it. */
int
cmd_app_cred_delete(struct manage *m)
{
	return delete(m, STORE_APP_CRED);
}

/* Its tokens, and its users' and projects', stop validating at once. */
int
cmd_domain_disable(struct manage *m)
{
	char	 id[ID_BUF];
	int	 r;

	if ((r = id_of(m, STORE_DOMAIN, id)) != 0) {
		log_err("no domain '%s'", m->args[0]);
		return r;
	}
	return store_set_enabled(m->st, "domain", id, 0);
}
