/*
 * signet-manage: the operator's tool for the identity store, named after
 * keystone-manage. It never opens the HSM. Passwords come from files
 * (owner-only) or standard input ("-"), never from arguments.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "secmem.h"
#include "secret_file.h"
#include "store.h"
#include "utf8.h"
#include "manage.h"


static const char usage_text[] = "usage: signet-manage -c FILE command\n"
    "  db-sync\n"
    "  bootstrap --admin-password-file F [--public-url URL] [--region R]\n"
    "  domain-create NAME\n"
    "  project-create NAME [--domain D]\n"
    "  user-create NAME --password-file F|- [--domain D]\n"
    "  user-disable NAME [--domain D] | project-disable NAME [--domain D]\n"
    "  role-grant|role-revoke ROLE --user U [--user-domain D] "
    "(--project P [--domain D] | --domain D | --system)\n"
    "  service-create TYPE NAME\n"
    "  endpoint-create SERVICE_TYPE public|internal|admin URL "
    "[--region R]\n"
    "  region-list | service-list | endpoint-list | domain-list\n"
    "  project-list [--domain D]\n"
    "  region-show|service-show|endpoint-show ID\n"
    "  domain-show D | project-show P [--domain D]\n"
    "  region-delete|service-delete|endpoint-delete ID\n"
    "  domain-disable D | domain-delete D | project-delete P [--domain D]\n"
    "  app-cred-list [--user U [--user-domain D]] | app-cred-show ID | "
    "app-cred-delete ID\n"
    "  user-list [--domain D] | user-show|user-enable|user-delete U "
    "[--domain D]\n"
    "  user-password-reset U --password-file F|- [--domain D]\n"
    "  role-create|role-delete ROLE [--domain D] | role-list [--domain D]\n"
    "  group-create G [--domain D] | group-list [--domain D]\n"
    "  group-add-user G U [--domain D] [--user-domain D]\n"
    "  import-keystone FILE|-\n";

static void __attribute__((noreturn))
usage(void)
{
	cli_usage(usage_text);
}

/* The password of a file that only its owner can read, or stdin ("-"). */
static int
read_password(const char *path, char *out, size_t outsz)
{
	struct secmem	*sm;
	char		 why[160];
	ssize_t		 n;
	int		 r;

	if (path == NULL)
		return SIG_ERR_USAGE;
	if (strcmp(path, "-") != 0) {
		if ((r = secret_file_read(path, outsz - 2, &sm, why,
		    sizeof(why))) != 0) {
			log_err("password file %s: %s", path, why);
			return SIG_ERR_BAD_INPUT;
		}
		memcpy(out, secmem_data(sm), secmem_len(sm) + 1);
		secmem_free(sm);
		return 0;
	}
	n = read(STDIN_FILENO, out, outsz - 1);
	if (n > 0 && out[n - 1] == '\n')
		n--;
	if (n <= 0 || (size_t)n > outsz - 2 || memchr(out, '\0', n) != NULL) {
		log_err("password on standard input: empty, over %zu bytes, "
		    "or with a NUL", outsz - 2);
		return SIG_ERR_BAD_INPUT;
	}
	out[n] = '\0';
	return 0;
}

/*
 * The file's password, hashed into hash; *same is 1 when it is already
 * the password of the hash old (NULL: no user yet), so a bootstrap that
 * changes nothing revokes nothing.
 */
int
hashed_password(const char *path, const char *old, int *same, char *hash,
    size_t sz)
{
	static char	 pw[STORE_PASSWORD_MAX + 2];
	int		 r;

	*same = 0;
	if ((r = read_password(path, pw, sizeof(pw))) == 0)
		r = password_hash(pw, strlen(pw), hash, sz);
	if (r == 0 && old != NULL)
		*same = password_check(pw, strlen(pw), old) == 0;
	explicit_bzero(pw, sizeof(pw));
	return r;
}

/* How long a token issued now may be valid, and opened as expired. */
int64_t
token_span(const struct manage *m)
{
	return (int64_t)m->cf->token_expiration +
	    m->cf->token_allow_expired_window + m->cf->signer_max_clock_skew;
}

/* A name an operator can read back: 1..255 bytes of UTF-8, no controls. */
int
name_ok(const char *what, const char *name)
{
	if (utf8_name_ok(name, STORE_NAME_MAX))
		return 1;
	log_err("%s name: empty, over %d bytes, not UTF-8 or with control "
	    "characters", what, STORE_NAME_MAX);
	return 0;
}

int
domain_of(struct manage *m, const char *name, char *id)
{
	int	 r;

	if ((r = store_domain_find(m->st, name ? name : STORE_DEFAULT_DOMAIN,
	    id)) == SIG_ERR_KEY_NOT_FOUND)
		log_err("no domain '%s'", name ? name : STORE_DEFAULT_DOMAIN);
	return r;
}

static int
cmd_db_sync(struct manage *m)
{
	int	 r;

	if ((r = store_sync(m->st)) == 0)
		printf("database schema at version %d\n", STORE_SCHEMA_VERSION);
	return r;
}

static int
bootstrap_catalog(struct manage *m)
{
	static const char *const ifaces[] = { "public", "internal", "admin" };
	char		 svc[ID_BUF];
	const char	*region = m->o.region ? m->o.region : "RegionOne";
	int		 i, r;

	if ((r = store_region_ensure(m->st, region)) != 0 ||
	    m->o.public_url == NULL)
		return r;
	if ((r = store_service_ensure(m->st, "identity", "keystone", svc)))
		return r;
	for (i = 0; i < 3 && r == 0; i++)
		r = store_endpoint_ensure(m->st, svc, ifaces[i],
		    m->o.public_url, region);
	return r;
}

/* keystone-manage bootstrap, step for step, safe to run again. */
static int
bootstrap_steps(struct manage *m, const char *hash)
{
	char	 dom[ID_BUF], proj[ID_BUF], user[ID_BUF], reader[ID_BUF];
	char	 member[ID_BUF], admin[ID_BUF], service[ID_BUF];
	int	 r;

	if ((r = store_domain_ensure(m->st, STORE_DEFAULT_DOMAIN, "Default",
	    dom)) != 0 ||
	    (r = store_project_ensure(m->st, "admin", dom, proj)) != 0 ||
	    (r = store_user_ensure(m->st, "admin", dom, hash, 1, user)) != 0 ||
	    (r = store_role_ensure(m->st, "reader", 1, reader)) != 0 ||
	    (r = store_role_ensure(m->st, "member", 1, member)) != 0 ||
	    (r = store_role_imply(m->st, member, reader)) != 0 ||
	    (r = store_role_ensure(m->st, "admin", 1, admin)) != 0 ||
	    (r = store_role_imply(m->st, admin, member)) != 0 ||
	    (r = store_role_ensure(m->st, "service", 0, service)) != 0 ||
	    (r = store_grant(m->st, admin, user, STORE_ON_PROJECT, proj,
	    1)) != 0 ||
	    (r = store_grant(m->st, admin, user, STORE_ON_SYSTEM, "all",
	    1)) != 0)
		return r;
	if ((r = bootstrap_catalog(m)) == 0)
		printf("admin user %s on project %s\n", user, proj);
	return r;
}

/*
 * A new admin password revokes every token the admin had (as Keystone
 * does when a password changes): a stolen one must not outlive the reset.
 */
static int
cmd_bootstrap(struct manage *m)
{
	struct store_user u;
	char		 hash[256];
	int		 r, had, same;

	if (m->o.password_file == NULL) {
		log_err("bootstrap needs --admin-password-file");
		return SIG_ERR_USAGE;
	}
	if ((r = store_sync(m->st)) != 0)
		return r;
	had = store_user_get(m->st, "admin", STORE_DEFAULT_DOMAIN, NULL,
	    &u) == 0;
	if ((r = hashed_password(m->o.password_file, had ? u.hash : NULL,
	    &same, hash, sizeof(hash))) != 0 ||
	    (r = store_begin(m->st)) != 0)
		return r;
	if ((r = bootstrap_steps(m, hash)) != 0 || (had && !same &&
	    (r = store_revoke_user(m->st, u.id, token_span(m))) != 0)) {
		store_rollback(m->st);
		return r;
	}
	return store_commit(m->st);
}

static int
cmd_domain_create(struct manage *m)
{
	char	 id[ID_BUF];
	int	 r;

	if (!name_ok("domain", m->args[0]))
		return SIG_ERR_BAD_INPUT;
	if (store_domain_find(m->st, m->args[0], id) == 0) {
		log_err("domain '%s' exists", m->args[0]);
		return SIG_ERR_EXISTS;
	}
	if ((r = store_domain_ensure(m->st, NULL, m->args[0], id)) == 0)
		printf("%s\n", id);
	return r;
}

static int
cmd_project_create(struct manage *m)
{
	char	 dom[ID_BUF], id[ID_BUF];
	int	 r;

	if (!name_ok("project", m->args[0]))
		return SIG_ERR_BAD_INPUT;
	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if (store_project_find(m->st, m->args[0], dom, id) == 0) {
		log_err("project '%s' exists", m->args[0]);
		return SIG_ERR_EXISTS;
	}
	if ((r = store_project_ensure(m->st, m->args[0], dom, id)) == 0)
		printf("%s\n", id);
	return r;
}

static int
cmd_user_create(struct manage *m)
{
	char	 dom[ID_BUF], id[ID_BUF], hash[256];
	int	 r, same;

	if (!name_ok("user", m->args[0]))
		return SIG_ERR_BAD_INPUT;
	if ((r = domain_of(m, m->o.domain, dom)) != 0 ||
	    (r = hashed_password(m->o.password_file, NULL, &same, hash,
	    sizeof(hash))))
		return r;
	if ((r = store_user_ensure(m->st, m->args[0], dom, hash, 0, id)) ==
	    SIG_ERR_EXISTS)
		log_err("user '%s' exists", m->args[0]);
	else if (r == 0)
		printf("%s\n", id);
	return r;
}

static int
disable(struct manage *m, const char *table)
{
	char	 dom[ID_BUF], id[ID_BUF];
	int	 r;

	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	r = strcmp(table, "user") == 0 ?
	    store_user_find(m->st, m->args[0], dom, id) :
	    store_project_find(m->st, m->args[0], dom, id);
	if (r == SIG_ERR_KEY_NOT_FOUND)
		log_err("no %s '%s'", table, m->args[0]);
	if (r != 0 || (r = store_begin(m->st)) != 0)
		return r;
	/* its tokens stay revoked should the user be enabled again */
	if ((r = store_set_enabled(m->st, table, id, 0)) != 0 ||
	    (strcmp(table, "user") == 0 &&
	    (r = store_revoke_user(m->st, id, token_span(m))) != 0)) {
		store_rollback(m->st);
		return r;
	}
	return store_commit(m->st);
}

static int
cmd_user_disable(struct manage *m)
{
	return disable(m, "user");
}

static int
cmd_project_disable(struct manage *m)
{
	return disable(m, "project");
}

/* The target of a grant: exactly one of --project, --domain, --system. */
static int
grant_target(struct manage *m, enum store_target *t, char *id)
{
	char	 dom[ID_BUF];
	int	 r, n = (m->o.project != NULL) + m->o.system +
		    (m->o.project == NULL && m->o.domain != NULL);

	if (n != 1) {
		log_err("name one of --project, --domain or --system");
		return SIG_ERR_USAGE;
	}
	if (m->o.system) {
		*t = STORE_ON_SYSTEM;
		strcpy(id, "all");
		return 0;
	}
	if ((r = domain_of(m, m->o.domain, dom)) != 0)
		return r;
	if (m->o.project == NULL) {
		*t = STORE_ON_DOMAIN;
		strcpy(id, dom);
		return 0;
	}
	*t = STORE_ON_PROJECT;
	if ((r = store_project_find(m->st, m->o.project, dom, id)) != 0)
		log_err("no project '%s'", m->o.project);
	return r;
}

static int
grant(struct manage *m, int on)
{
	enum store_target t;
	char		 role[ID_BUF], user[ID_BUF], target[ID_BUF];
	char		 udom[ID_BUF];
	int		 r;

	if (m->o.user == NULL)
		return SIG_ERR_USAGE;
	if ((r = store_role_find(m->st, m->args[0], role)) != 0 ||
	    (r = domain_of(m, m->o.user_domain, udom)) != 0 ||
	    (r = store_user_find(m->st, m->o.user, udom, user)) != 0 ||
	    (r = grant_target(m, &t, target)) != 0) {
		if (r == SIG_ERR_KEY_NOT_FOUND)
			log_err("no such role, user or project");
		return r;
	}
	return store_grant(m->st, role, user, t, target, on);
}

static int
cmd_role_grant(struct manage *m)
{
	return grant(m, 1);
}

static int
cmd_role_revoke(struct manage *m)
{
	return grant(m, 0);
}

static int
cmd_service_create(struct manage *m)
{
	char	 id[ID_BUF];
	int	 r;

	if ((r = store_service_ensure(m->st, m->args[0], m->args[1], id)) == 0)
		printf("%s\n", id);
	return r;
}

static int
cmd_endpoint_create(struct manage *m)
{
	char	 svc[ID_BUF];
	int	 r;

	if ((r = store_service_ensure(m->st, m->args[0], m->args[0],
	    svc)) != 0 || (m->o.region != NULL &&
	    (r = store_region_ensure(m->st, m->o.region)) != 0))
		return r;
	if ((r = store_endpoint_ensure(m->st, svc, m->args[1], m->args[2],
	    m->o.region)) == SIG_ERR_EXISTS)
		log_err("interface must be public, internal or admin");
	return r;
}

static const struct {
	const char	*name;
	int		 (*fn)(struct manage *);
	int		 nargs;
} cmds[] = {
	{ "db-sync", cmd_db_sync, 0 },
	{ "bootstrap", cmd_bootstrap, 0 },
	{ "domain-create", cmd_domain_create, 1 },
	{ "project-create", cmd_project_create, 1 },
	{ "user-create", cmd_user_create, 1 },
	{ "user-disable", cmd_user_disable, 1 },
	{ "project-disable", cmd_project_disable, 1 },
	{ "role-grant", cmd_role_grant, 1 },
	{ "role-revoke", cmd_role_revoke, 1 },
	{ "service-create", cmd_service_create, 2 },
	{ "endpoint-create", cmd_endpoint_create, 3 },
	{ "region-list", cmd_region_list, 0 },
	{ "service-list", cmd_service_list, 0 },
	{ "endpoint-list", cmd_endpoint_list, 0 },
	{ "domain-list", cmd_domain_list, 0 },
	{ "project-list", cmd_project_list, 0 },
	{ "region-show", cmd_region_show, 1 },
	{ "service-show", cmd_service_show, 1 },
	{ "endpoint-show", cmd_endpoint_show, 1 },
	{ "domain-show", cmd_domain_show, 1 },
	{ "project-show", cmd_project_show, 1 },
	{ "region-delete", cmd_region_delete, 1 },
	{ "service-delete", cmd_service_delete, 1 },
	{ "endpoint-delete", cmd_endpoint_delete, 1 },
	{ "domain-disable", cmd_domain_disable, 1 },
	{ "domain-delete", cmd_domain_delete, 1 },
	{ "project-delete", cmd_project_delete, 1 },
	{ "app-cred-list", cmd_app_cred_list, 0 },
	{ "app-cred-show", cmd_app_cred_show, 1 },
	{ "app-cred-delete", cmd_app_cred_delete, 1 },
	{ "user-list", cmd_user_list, 0 },
	{ "user-show", cmd_user_show, 1 },
	{ "user-enable", cmd_user_enable, 1 },
	{ "user-delete", cmd_user_delete, 1 },
	{ "user-password-reset", cmd_user_password_reset, 1 },
	{ "role-create", cmd_role_create, 1 },
	{ "role-list", cmd_role_list, 0 },
	{ "role-delete", cmd_role_delete, 1 },
	{ "group-create", cmd_group_create, 1 },
	{ "group-list", cmd_group_list, 0 },
	{ "group-add-user", cmd_group_add_user, 2 },
	{ "import-keystone", cmd_import_keystone, 1 },
};

static void
parse_opts(int argc, char **argv, const char **cfpath, struct opts *o)
{
	static const struct option lo[] = {
		{ "admin-password-file", required_argument, NULL, 'P' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "region", required_argument, NULL, 'r' },
		{ "domain", required_argument, NULL, 'D' },
		{ "user", required_argument, NULL, 'U' },
		{ "user-domain", required_argument, NULL, 'd' },
		{ "project", required_argument, NULL, 'p' },
		{ "system", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	while ((ch = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': *cfpath = optarg; break;
		case 'P': o->password_file = optarg; break;
		case 'u': o->public_url = optarg; break;
		case 'r': o->region = optarg; break;
		case 'D': o->domain = optarg; break;
		case 'U': o->user = optarg; break;
		case 'd': o->user_domain = optarg; break;
		case 'p': o->project = optarg; break;
		case 's': o->system = 1; break;
		default: usage();
		}
	}
}

int
main(int argc, char **argv)
{
	struct manage	 m;
	const char	*cfpath = NULL;
	char		 err[CONFIG_ERR_MAX], path[4096];
	size_t		 i;
	int		 r = SIG_ERR_USAGE;

	cli_std(argc, argv, "signet-manage", usage_text);
	log_init("signet-manage", LOGL_INFO);
	memset(&m, 0, sizeof(m));
	parse_opts(argc, argv, &cfpath, &m.o);
	if (cfpath == NULL || optind >= argc)
		usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]) &&
	    strcmp(cmds[i].name, argv[optind]) != 0; i++)
		;
	if (i == sizeof(cmds) / sizeof(cmds[0]) ||
	    argc - optind - 1 != cmds[i].nargs)
		usage();
	m.args = argv + optind + 1;
	m.nargs = cmds[i].nargs;
	if (config_load(cfpath, &m.cf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	if ((r = store_db_path(m.cf, path, sizeof(path))) == 0 &&
	    (r = store_open(path, STORE_CREATE, &m.st)) == 0 &&
	    (cmds[i].fn == cmd_db_sync || cmds[i].fn == cmd_bootstrap ||
	    (r = store_ready(m.st)) == 0))
		r = cmds[i].fn(&m);
	if (r != 0)
		log_err_r(r, "%s failed", cmds[i].name);
	store_close(m.st);
	config_free(m.cf);
	return r == 0 ? 0 : 1;
}
