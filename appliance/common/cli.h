/*
 * What every program's command line shares: --help and --version, and the
 * usage (on stderr, exit 2) for anything it does not understand.
 */
#ifndef SIGNET_CLI_H
#define SIGNET_CLI_H

#include "version.h"

void	cli_std(int, char **, const char *, const char *);
void	cli_usage(const char *) __attribute__((noreturn));
const char *cli_config_arg(int, char **, const char *, int *);

#endif
