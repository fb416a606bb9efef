/*
 * signet-manage: users, roles and groups offline, under the identity
 * API's rules and with its consequences: a user disabled, deleted or
 * given a new password (from an owner-only file or standard input, as
 * user-create reads it) loses every token it holds (a revocation event,
 * in the same transaction); a role goes with its grants and
 * implications, but not an immutable one; a group's name is unique in
 * its domain. Each command is one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "manage.h"

/* A user by name or id in --domain (the default domain). */
static int
user_of(struct manage *m, const char *name, const char *domain, char *id)
{
	char	 dom[ID_BUF];
	int	 r;

	if ((r = domain_of(m, domain, dom)) != 0)
		return r;
	if ((r = store_user_find(m->st, name, dom, id)) ==
	    SIG_ERR_KEY_NOT_FOUND)
		log_err("no user '%s'", name);
	return r;
}

/* A row of kind k named name (or of that id) in the domain dom. */
static int
named_in(struct manage *m, enum store_kind k, const char *name,
    const char *dom, char *id)
{
	const char	*f[SF_MAX] = { NULL };
	json_t		*arr = json_array(), *o;
	int		 r;

	f[SF_NAME] = name;
	if (dom != NULL)
		f[SF_DOMAIN] = dom;
	else
		f[SF_GLOBAL] = "1";	/* roles of no domain */
	if ((r = store_rows_json(m->st, k, f, arr)) == 0 &&
	    json_array_size(arr) == 0 && store_row_json(m->st, k, name,
	    (void **)&o) == 0) {
		const char *od = json_string_value(json_object_get(o,
		    "domain_id"));

		if (k == STORE_ROLE || dom == NULL || (od != NULL &&
		    strcmp(od, dom) == 0))
			json_array_append(arr, o);
		json_decref(o);
	}
	if (r == 0 && json_array_size(arr) == 0)
		r = SIG_ERR_KEY_NOT_FOUND;
	if (r == 0)
		snprintf(id, ID_BUF, "%s", json_string_value(json_object_get(
		    json_array_get(arr, 0), "id")));
	json_decref(arr);
	return r;
}

static int
list(struct manage *m, enum store_kind k, int roles)
{
	const char	*f[SF_MAX] = { NULL };
	char		 dom[ID_BUF];
	json_t		*arr = json_array(), *o;
	size_t		 i;
	int		 r;

	if (m->o.domain != NULL) {
		if ((r = domain_of(m, m->o.domain, dom)) != 0) {
			json_decref(arr);
			return r;
		}
		f[SF_DOMAIN] = dom;
	} else if (roles)
		f[SF_GLOBAL] = "1";
	if ((r = store_rows_json(m->st, k, f, arr)) == 0)
		json_array_foreach(arr, i, o)
			print_row(k, o);
	json_decref(arr);
	return r;
}

int
cmd_user_list(struct manage *m)
{
	return list(m, STORE_USER, 0);
}

int
cmd_user_show(struct manage *m)
{
	char	 id[ID_BUF];
	json_t	*o;
	int	 r;

	if ((r = user_of(m, m->args[0], m->o.domain, id)) != 0 ||
	    (r = store_row_json(m->st, STORE_USER, id, (void **)&o)) != 0)
		return r;
	return print_json(o);
}

int
cmd_user_enable(struct manage *m)
{
	char	 id[ID_BUF];
	int	 r;

	if ((r = user_of(m, m->args[0], m->o.domain, id)) != 0)
		return r;
	return store_set_enabled(m->st, "user", id, 1);
}

/* Its memberships and grants go with it, its tokens end. */
int
cmd_user_delete(struct manage *m)
{
	char	 id[ID_BUF];
	int	 r;

	if ((r = user_of(m, m->args[0], m->o.domain, id)) != 0 ||
	    (r = store_begin(m->st)) != 0)
		return r;
	if ((r = store_user_delete(m->st, id, token_span(m))) != 0) {
		store_rollback(m->st);
		return r;
	}
	return store_commit(m->st);
}

/* As the API's PATCH with a password: its tokens end, its lockout too. */
int
cmd_user_password_reset(struct manage *m)
{
	char	 id[ID_BUF], hash[256];
	int	 r, same;

	if (m->o.password_file == NULL) {
		log_err("user-password-reset needs --password-file");
		return SIG_ERR_USAGE;
	}
	if ((r = user_of(m, m->args[0], m->o.domain, id)) != 0 ||
	    (r = hashed_password(m->o.password_file, NULL, &same, hash,
	    sizeof(hash))) != 0 || (r = store_begin(m->st)) != 0)
		return r;
	if ((r = store_user_password(m->st, id, hash)) != 0 ||
	    (r = store_revoke_user(m->st, id, token_span(m))) != 0) {
		store_rollback(m->st);
		return r;
	}
	return store_commit(m->st);
}

/* A role of no domain, or of --domain. */
int
cmd_role_create(struct manage *m)
{
	char	 dom[ID_BUF], id[ID_BUF];
	json_t	*o;
	int	 r;

	if (!name_ok("role", m->args[0]))
		return SIG_ERR_BAD_INPUT;
	if (m->o.domain != NULL && (r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if (named_in(m, STORE_ROLE, m->args[0], m->o.domain ? dom : NULL,
	    id) == 0) {
		log_err("role '%s' exists", m->args[0]);
		return SIG_ERR_EXISTS;
	}
	store_new_id(id);
	o = json_pack("{s:s,s:s,s:s?,s:n,s:{}}", "id", id, "name", m->args[0],
	    "domain_id", m->o.domain ? dom : NULL, "description", "options");
	if ((r = store_row_put(m->st, STORE_ROLE, o, 1)) == 0)
		printf("%s\n", id);
	json_decref(o);
	return r;
}

int
cmd_role_list(struct manage *m)
{
	return list(m, STORE_ROLE, 1);
}

/* Not an immutable one (the API's rule); its grants go with it. */
int
cmd_role_delete(struct manage *m)
{
	char	 dom[ID_BUF], id[ID_BUF];
	json_t	*o;
	int	 r, immutable;

	if (m->o.domain != NULL && (r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if ((r = named_in(m, STORE_ROLE, m->args[0], m->o.domain ? dom : NULL,
	    id)) != 0) {
		log_err("no role '%s'", m->args[0]);
		return r;
	}
	if ((r = store_begin(m->st)) != 0)
		return r;
	if ((r = store_row_json(m->st, STORE_ROLE, id, (void **)&o)) == 0) {
		immutable = json_is_true(json_object_get(json_object_get(o,
		    "options"), "immutable"));
		json_decref(o);
		if (immutable) {
			log_err("'%s' is not deleted: it is immutable (its "
			    "option immutable set false first, through the "
			    "API)", m->args[0]);
			r = SIG_ERR_STATE;
		} else
			r = store_role_delete(m->st, id);
	}
	if (r != 0) {
		store_rollback(m->st);
		return r;
	}
	return store_commit(m->st);
}

int
cmd_group_create(struct manage *m)
{
	char	 dom[ID_BUF], id[ID_BUF];
	json_t	*o;
	int	 r;

	if (!name_ok("group", m->args[0]))
		return SIG_ERR_BAD_INPUT;
	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if (named_in(m, STORE_GROUP, m->args[0], dom, id) == 0) {
		log_err("group '%s' exists", m->args[0]);
		return SIG_ERR_EXISTS;
	}
	store_new_id(id);
	o = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", m->args[0],
	    "domain_id", dom, "description", "");
	if ((r = store_row_put(m->st, STORE_GROUP, o, 1)) == 0)
		printf("%s\n", id);
	json_decref(o);
	return r;
}

int
cmd_group_list(struct manage *m)
{
	return list(m, STORE_GROUP, 0);
}

/* GROUP (in --domain) USER (in --user-domain): a member, again or not. */
int
cmd_group_add_user(struct manage *m)
{
	char	 dom[ID_BUF], gid[ID_BUF], uid[ID_BUF];
	int	 r;

	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if ((r = named_in(m, STORE_GROUP, m->args[0], dom, gid)) != 0) {
		log_err("no group '%s'", m->args[0]);
		return r;
	}
	if ((r = user_of(m, m->args[1], m->o.user_domain, uid)) != 0)
		return r;
	return store_member(m->st, gid, uid, 1, token_span(m));
}
