/*
 * Every program: --help prints its usage on stdout and --version its
 * version, both with exit 0, before any other option is looked at (so
 * neither needs a config); a usage error prints the usage on stderr and
 * exits 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* NAME is the program's name, USAGE its whole usage text. */
void
cli_std(int argc, char **argv, const char *name, const char *usage)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", name, SIGNET_VERSION);
			exit(0);
		}
	}
}

void
cli_usage(const char *usage)
{
	fputs(usage, stderr);
	exit(2);
}

/* A daemon's command line: -c FILE, and -d (*debug = 1); nothing else. */
const char *
cli_config_arg(int argc, char **argv, const char *usage, int *debug)
{
	const char	*cfpath = NULL;
	int		 ch;

	*debug = 0;
	while ((ch = getopt(argc, argv, "c:d")) != -1) {
		switch (ch) {
		case 'c': cfpath = optarg; break;
		case 'd': *debug = 1; break;
		default: cli_usage(usage);
		}
	}
	if (cfpath == NULL || optind != argc)
		cli_usage(usage);
	return cfpath;
}
