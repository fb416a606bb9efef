/*
 * signet-verify: validates one token with libsignet-verify and prints the
 * identity as JSON (exit 0) or why it was refused (exit 1); 2 for usage
 * or configuration errors. Passwords come from files, never arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "isotime.h"
#include "secmem.h"
#include "secret_file.h"
#include "signet_verify.h"

static const char usage_text[] = "usage: signet-verify --url URL "
    "[--signing-dir DIR] [--signing-ca PEM] [--https-ca PEM]\n"
    "    (--user NAME --password-file F [--user-domain D] "
    "[--project NAME] [--project-domain D] | --service-token-file F)\n"
    "    (--token-file F | TOKEN)\n";

static void __attribute__((noreturn))
usage(void)
{
	cli_usage(usage_text);
}

static json_t *
named(const char *id, const char *name)
{
	return json_pack("{s:s?,s:s?}", "id", id, "name", name);
}

static json_t *
identity_json(const struct signet_identity *p)
{
	json_t	*o, *roles = json_array(), *au = json_array(), *u;
	char	 ia[ISOTIME_LEN + 1], ea[ISOTIME_LEN + 1];
	size_t	 i;

	for (i = 0; i < p->n_roles; i++)
		json_array_append_new(roles, json_string(p->roles[i]));
	for (i = 0; i < p->n_audit_ids; i++)
		json_array_append_new(au, json_string(p->audit_ids[i]));
	isotime_format(p->issued_at, ia);
	isotime_format(p->expires_at, ea);
	u = named(p->user_id, p->user_name);
	json_object_set_new(u, "domain", named(p->user_domain_id,
	    p->user_domain_name));
	o = json_pack("{s:b,s:s,s:o,s:o,s:o,s:s,s:s}", "valid", 1, "kind",
	    p->kind, "user", u, "roles", roles, "audit_ids", au,
	    "issued_at", ia, "expires_at", ea);
	if (p->project_id != NULL) {
		u = named(p->project_id, p->project_name);
		json_object_set_new(u, "domain", named(p->project_domain_id,
		    p->project_domain_name));
		json_object_set_new(o, "project", u);
	} else if (p->domain_id != NULL)
		json_object_set_new(o, "domain", named(p->domain_id,
		    p->domain_name));
	else if (p->system)
		json_object_set_new(o, "system", json_string("all"));
	return o;
}

static char *
token_from(const char *path)
{
	struct secmem	*sm;
	char		 why[160], *tok;
	size_t		 n;

	if (strcmp(path, "-") == 0) {
		if ((tok = calloc(1, 128 * 1024 + 2)) == NULL ||
		    (n = fread(tok, 1, 128 * 1024 + 1, stdin)) == 0) {
			free(tok);
			return NULL;
		}
		tok[strcspn(tok, "\r\n")] = '\0';
		return tok;
	}
	if (secret_file_read(path, 128 * 1024, &sm, why, sizeof(why)) != 0) {
		fprintf(stderr, "signet-verify: token file %s: %s\n", path,
		    why);
		exit(2);
	}
	tok = strdup((char *)secmem_data(sm));
	secmem_free(sm);
	return tok;
}

static char *
default_dir(void)
{
	const char	*h = getenv("HOME");
	char		*d;

	if (h == NULL || asprintf(&d, "%s/.signet-verify", h) < 0)
		return NULL;
	return d;
}

static const struct option longopts[] = {
	{ "url", required_argument, NULL, 'u' },
	{ "signing-dir", required_argument, NULL, 'd' },
	{ "signing-ca", required_argument, NULL, 'C' },
	{ "https-ca", required_argument, NULL, 'H' },
	{ "user", required_argument, NULL, 'U' },
	{ "password-file", required_argument, NULL, 'P' },
	{ "user-domain", required_argument, NULL, 'D' },
	{ "project", required_argument, NULL, 'p' },
	{ "project-domain", required_argument, NULL, 'Q' },
	{ "service-token-file", required_argument, NULL, 'S' },
	{ "token-file", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

static void
parse_args(int argc, char **argv, struct signet_verify_config *cf,
    const char **tokfile)
{
	int	 ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u': cf->url = optarg; break;
		case 'd': cf->signing_dir = optarg; break;
		case 'C': cf->signing_ca_file = optarg; break;
		case 'H': cf->https_ca_file = optarg; break;
		case 'U': cf->username = optarg; break;
		case 'P': cf->password_file = optarg; break;
		case 'D': cf->user_domain = optarg; break;
		case 'p': cf->project_name = optarg; break;
		case 'Q': cf->project_domain = optarg; break;
		case 'S': cf->token_file = optarg; break;
		case 't': *tokfile = optarg; break;
		default: usage();
		}
	}
	if ((*tokfile != NULL) == (optind < argc) || argc - optind > 1)
		usage();
}

int
main(int argc, char **argv)
{
	struct signet_verify_config	 cf;
	struct signet_verifier		*v;
	struct signet_identity		*id;
	const char			*tokfile = NULL;
	char				 err[256], *tok, *dir = NULL;
	enum signet_verify_status	 st;
	json_t				*out;

	cli_std(argc, argv, "signet-verify", usage_text);
	memset(&cf, 0, sizeof(cf));
	parse_args(argc, argv, &cf, &tokfile);
	if (cf.signing_dir == NULL)
		cf.signing_dir = dir = default_dir();
	if ((tok = tokfile ? token_from(tokfile) : strdup(argv[optind])) ==
	    NULL) {
		fprintf(stderr, "signet-verify: no token\n");
		return 2;
	}
	if (signet_verifier_new(&cf, &v, err, sizeof(err)) != 0) {
		fprintf(stderr, "signet-verify: %s\n", err);
		return 2;
	}
	if ((st = signet_verify(v, tok, &id)) == SIGNET_VERIFY_OK)
		out = identity_json(id);
	else
		out = json_pack("{s:b,s:s}", "valid", 0, "reason",
		    signet_verify_strerror(st));
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	signet_identity_free(id);
	signet_verifier_free(v);
	free(tok);
	free(dir);
	return st == SIGNET_VERIFY_OK ? 0 : 1;
}
