/*
 * signet-provision: the security team's CLI for one HSM token. Reads the
 * config given with -c, runs one command, exits 0 on success and 1 with a
 * message on stderr otherwise. PINs come only from the files the config
 * names; an option that looks like a PIN is refused.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"

enum {
	O_FORCE = 1 << 0,
	O_KEYTYPE = 1 << 1,
	O_SUBJECT = 1 << 2,
	O_DAYS = 1 << 3,
	O_CSR = 1 << 4,
	O_KEYS = 1 << 5,
	O_OUT = 1 << 6,
	O_COMPONENT = 1 << 7,
	O_STAGED = 1 << 8,
};

enum login {
	L_NONE,		/* no token, or the command opens it itself */
	L_USER,		/* the token's user (pin_file) */
	L_NOCONF,	/* no token and no config: a custodian's machine */
};

struct cmd {
	const char	*name;
	int		 (*fn)(struct prov *);
	int		 opts;		/* options it accepts */
	int		 nargs;		/* positional arguments */
	enum login	 login;
	int		 need;		/* options it cannot do without */
};

static const struct cmd cmds[] = {
	{ "init-token", cmd_init_token, O_FORCE, 0, L_NONE, 0 },
	{ "pki-setup", cmd_pki_setup, O_FORCE | O_KEYTYPE | O_SUBJECT |
	    O_DAYS | O_CSR, 0, L_USER, 0 },
	{ "import-cert", cmd_import_cert, 0, 1, L_USER, 0 },
	{ "export-certs", cmd_export_certs, 0, 1, L_USER, 0 },
	{ "fernet-setup", cmd_fernet_setup, O_FORCE | O_KEYS, 0, L_USER, 0 },
	{ "fernet-rotate", cmd_fernet_rotate, O_KEYS | O_STAGED, 0, L_USER,
	    0 },
	{ "fernet-list", cmd_fernet_list, O_KEYS, 0, L_USER, 0 },
	{ "fernet-import", cmd_fernet_import, O_FORCE | O_KEYS, 1, L_USER, 0 },
	{ "fernet-export", cmd_fernet_export, O_KEYS | O_OUT, 0, L_USER,
	    O_OUT },
	{ "fernet-import-wrapped", cmd_fernet_import_wrapped,
	    O_FORCE | O_KEYS, 1, L_USER, 0 },
	{ "kek-component", cmd_kek_component, O_OUT, 0, L_NOCONF, O_OUT },
	{ "kek-setup", cmd_kek_setup, O_FORCE | O_COMPONENT, 0, L_USER,
	    O_COMPONENT },
	{ "jws-setup", cmd_jws_setup, O_FORCE, 0, L_USER, 0 },
	{ "jws-rotate", cmd_jws_rotate, 0, 0, L_USER, 0 },
	{ "jws-list", cmd_jws_list, 0, 0, L_USER, 0 },
	{ "export-jws-public", cmd_export_jws_public, 0, 1, L_USER, 0 },
	{ "import-jws-public", cmd_import_jws_public, 0, 1, L_USER, 0 },
	{ "status", cmd_status, 0, 0, L_USER, 0 },
};

static const char usage_text[] = "usage: signet-provision [-d] -c FILE "
    "command\n"
    "       signet-provision kek-component --out FILE\n"
    "  init-token [--force]\n"
    "  pki-setup [--key-type rsa2048|rsa3072|rsa4096|ec-p256] "
    "[--subject DN] [--days N] [--csr OUT] [--force]\n"
    "  import-cert PEM\n"
    "  export-certs DIR\n"
    "  fernet-setup [--force] | fernet-rotate | fernet-list, each "
    "[--keys SET]\n"
    "  fernet-rotate --staged-from FILE|- [--keys SET]\n"
    "  fernet-import DIR [--force] [--keys SET]\n"
    "  fernet-export --out FILE|- [--keys SET]\n"
    "  fernet-import-wrapped FILE|- [--force] [--keys SET]\n"
    "    SET: token (the default), receipt or credential\n"
    "  kek-setup --component FILE --component FILE... [--force]\n"
    "  jws-setup [--force] | jws-rotate | jws-list\n"
    "  export-jws-public DIR | import-jws-public DIR\n"
    "  status\n"
    "PINs are read from [hsm] pin_file and so_pin_file, never from "
    "arguments.\n";

static void __attribute__((noreturn))
usage(void)
{
	cli_usage(usage_text);
}

static const struct cmd *
cmd_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	log_err("unknown command '%s'", name);
	usage();
}

static void
refuse_pin_args(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--pin", 5) == 0 ||
		    strncmp(argv[i], "--so-pin", 8) == 0 ||
		    strstr(argv[i], "pin-value") != NULL) {
			log_err("a PIN on the command line is refused: anyone "
			    "can read it in the process list; put it in the "
			    "0600 file [hsm] pin_file names");
			exit(2);
		}
	}
}

static int
parse_opts(int argc, char **argv, const char **cfpath, int *seen,
    struct prov_opts *o)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "key-type", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "days", required_argument, NULL, 'n' },
		{ "csr", required_argument, NULL, 'r' },
		{ "keys", required_argument, NULL, 'K' },
		{ "out", required_argument, NULL, 'o' },
		{ "component", required_argument, NULL, 'C' },
		{ "staged-from", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	int	 ch;

	while ((ch = getopt_long(argc, argv, "c:d", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': *cfpath = optarg; break;
		case 'd': log_set_level(LOGL_DEBUG); break;
		case 'f': o->force = 1; *seen |= O_FORCE; break;
		case 'k': o->key_type = optarg; *seen |= O_KEYTYPE; break;
		case 's': o->subject = optarg; *seen |= O_SUBJECT; break;
		case 'r': o->csr = optarg; *seen |= O_CSR; break;
		case 'o': o->out = optarg; *seen |= O_OUT; break;
		case 'S': o->staged_from = optarg; *seen |= O_STAGED; break;
		case 'C':
			if (o->ncomponents == PROV_COMPONENTS_MAX) {
				log_err("--component: at most %d",
				    PROV_COMPONENTS_MAX);
				return -1;
			}
			o->components[o->ncomponents++] = optarg;
			*seen |= O_COMPONENT;
			break;
		case 'K':
			if ((o->keys = fernet_set_named(optarg)) == NULL) {
				log_err("--keys: '%s' is not token, receipt "
				    "or credential", optarg);
				return -1;
			}
			*seen |= O_KEYS;
			break;
		case 'n':
			o->days = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->days < 1 || o->days > 36500) {
				log_err("--days: '%s' is not 1 to 36500",
				    optarg);
				return -1;
			}
			*seen |= O_DAYS;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static int
run(const struct cmd *c, struct prov *p)
{
	int	 r;

	if (c->login == L_USER && (r = prov_open(p)) != 0) {
		prov_close(p, r);
		return r;
	}
	r = c->fn(p);
	prov_close(p, r);
	return r;
}

/* The config, when the command has a token to find; 0 or 1 (exit). */
static int
load_conf(const struct cmd *c, const char *cfpath, struct prov *p)
{
	char	 err[CONFIG_ERR_MAX];

	if (c->login == L_NOCONF && cfpath == NULL)
		return 0;
	if (cfpath == NULL)
		usage();
	if (config_load(cfpath, &p->cf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return 1;
	}
	if (p->cf->debug)
		log_set_level(LOGL_DEBUG);
	/* SoftHSM2 finds its token store only through the environment. */
	if (p->cf->hsm_softhsm2_conf != NULL)
		setenv("SOFTHSM2_CONF", p->cf->hsm_softhsm2_conf, 1);
	return 0;
}

int
main(int argc, char **argv)
{
	struct rlimit		 rl = { 0, 0 };
	struct prov		 p;
	const struct cmd	*c;
	const char		*cfpath = NULL;
	int			 seen = 0, r;

	cli_std(argc, argv, "signet-provision", usage_text);
	log_init("signet-provision", LOGL_INFO);
	setrlimit(RLIMIT_CORE, &rl);	/* PINs pass through this process */
	umask(077);
	refuse_pin_args(argc, argv);
	memset(&p, 0, sizeof(p));
	p.o.keys = &fernet_set_token;
	if (parse_opts(argc, argv, &cfpath, &seen, &p.o) != 0 ||
	    optind >= argc)
		usage();
	c = cmd_find(argv[optind]);
	if ((seen & ~c->opts) != 0 || (seen & c->need) != c->need ||
	    argc - optind - 1 != c->nargs) {
		log_err("%s: wrong options or arguments", c->name);
		usage();
	}
	if (load_conf(c, cfpath, &p) != 0)
		return 1;
	p.args = argv + optind + 1;
	p.nargs = argc - optind - 1;
	{
		struct config *cf = p.cf;

		r = run(c, &p);
		config_free(cf);
	}
	if (r != 0 && c->fn != cmd_status)
		log_err_r(r, "%s failed", c->name);
	return r == 0 ? 0 : 1;
}
