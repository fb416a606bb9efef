/* Unit: the INI config: defaults, paths, and errors naming the option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

static char	 path[] = "/tmp/signet-unit-XXXXXX";

static int
load(const char *text, struct config **cf, char *err)
{
	FILE	*f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return config_load(path, cf, err, CONFIG_ERR_MAX);
}

static void
defaults_and_paths(void **state)
{
	struct config	*cf;
	char		 err[CONFIG_ERR_MAX];

	(void)state;
	assert_int_equal(load("[hsm]\ntoken = t\npin_file = p.pin\n"
	    "so_pin_file = /abs/so.pin\n", &cf, err), 0);
	assert_string_equal(cf->hsm_module, SOFTHSM2_MODULE);
	assert_int_equal(cf->fernet_max_active_keys, 3);
	assert_int_equal(cf->token_expiration, 3600);
	assert_int_equal(cf->receipt_max_active_keys, 3);
	assert_int_equal(cf->receipt_expiration, 300);
	assert_null(cf->signer_credential_uids);
	assert_string_equal(cf->hsm_pin_file, "/tmp/p.pin");
	assert_string_equal(cf->hsm_so_pin_file, "/abs/so.pin");
	assert_string_equal(cf->signer_socket, "/tmp/signer.sock");
	config_free(cf);
	assert_int_equal(load("[signer]\nsocket = a.sock, tcp://h:7443,"
	    "/run/b.sock\n", &cf, err), 0);
	assert_string_equal(cf->signer_socket,
	    "/tmp/a.sock,tcp://h:7443,/run/b.sock");
	config_free(cf);
}

static void
errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} bad[] = {
		{ "[hsm]\ntoken = a\ntoken = b\n", "[hsm] token: given twice" },
		{ "[token]\nexpiration = -1\n", "[token] expiration" },
		{ "[token]\nexpiration = 1e3\n", "[token] expiration" },
		{ "[token]\nexpiration = 99999999999\n", "[token] expiration" },
		{ "[DEFAULT]\ndebug = enabled\n", "not a boolean" },
		{ "[hsm]\nmodule =\n", "[hsm] module: empty value" },
		{ "[hsm\ntoken = x\n", "line 1" },
	};
	struct config	*cf;
	char		 err[CONFIG_ERR_MAX];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_not_equal(load(bad[i].text, &cf, err), 0);
		assert_null(cf);
		assert_non_null(strstr(err, bad[i].msg));
	}
	assert_int_not_equal(config_load("/nonexistent/x.conf", &cf, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

static void
booleans(void **state)
{
	static const char *const yes[] = { "true", "Yes", "ON", "1" };
	struct config	*cf;
	char		 err[CONFIG_ERR_MAX], text[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "debug = %s\n", yes[i]);
		assert_int_equal(load(text, &cf, err), 0);
		assert_int_equal(cf->debug, 1);
		config_free(cf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_and_paths),
		cmocka_unit_test(errors),
		cmocka_unit_test(booleans),
	};
	int	 fd, r;

	log_init("test_config", LOGL_ERR + 1);
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return r;
}
