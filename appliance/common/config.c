/*
 * Used by every process: parses the INI file with inih against a table of
 * known options. A bad value or an option given twice is a start-up error
 * naming the section and option; an unknown option is only a warning, so
 * one file can serve every program.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "err.h"
#include "log.h"

enum opt_type {
	OPT_STR,
	OPT_PATH,	/* relative paths are taken from the config's folder */
	OPT_ENDPOINTS,	/* comma-separated paths or tcp://; paths as above */
	OPT_INT,
	OPT_BOOL,
};

struct opt {
	const char	*section;
	const char	*name;
	enum opt_type	 type;
	size_t		 off;
	long		 min, max;
	const char	*def;
};

#define O(s, n, t, f, lo, hi, d) \
	{ s, n, t, offsetof(struct config, f), lo, hi, d }

static const struct opt opts[] = {
	O("DEFAULT", "debug", OPT_BOOL, debug, 0, 1, "false"),
	O("hsm", "module", OPT_PATH, hsm_module, 0, 0, SOFTHSM2_MODULE),
	O("hsm", "token", OPT_STR, hsm_token, 0, 0, NULL),
	O("hsm", "pin_file", OPT_PATH, hsm_pin_file, 0, 0, NULL),
	O("hsm", "so_pin_file", OPT_PATH, hsm_so_pin_file, 0, 0, NULL),
	O("hsm", "sessions", OPT_INT, hsm_sessions, 1, 64, "4"),
	O("hsm", "softhsm2_conf", OPT_PATH, hsm_softhsm2_conf, 0, 0, NULL),
	O("fernet_tokens", "max_active_keys", OPT_INT,
	    fernet_max_active_keys, 1, 1000, "3"),
	O("fernet_receipts", "max_active_keys", OPT_INT,
	    receipt_max_active_keys, 1, 1000, "3"),
	O("receipt", "expiration", OPT_INT, receipt_expiration, 1, 86400,
	    "300"),
	O("jwt_tokens", "max_active_keys", OPT_INT, jws_max_active_keys, 3,
	    1000, "3"),
	O("signing", "key_type", OPT_STR, signing_key_type, 0, 0, "rsa2048"),
	O("signing", "cert_subject", OPT_STR, signing_cert_subject, 0, 0,
	    "/C=US/ST=Unset/L=Unset/O=Unset/CN=www.example.com"),
	O("signing", "ca_subject", OPT_STR, signing_ca_subject, 0, 0,
	    "/O=signet/CN=signet local CA"),
	O("signing", "valid_days", OPT_INT, signing_valid_days, 1, 36500,
	    "3650"),
	O("token", "provider", OPT_STR, token_provider, 0, 0, "fernet"),
	O("token", "expiration", OPT_INT, token_expiration, 1, 31536000,
	    "3600"),
	O("token", "allow_expired_window", OPT_INT,
	    token_allow_expired_window, 0, 31536000, "172800"),
	O("token", "cache_time", OPT_INT, token_cache_time, 0, 86400, "300"),
	O("api", "bind_host", OPT_STR, api_bind_host, 0, 0, "127.0.0.1"),
	O("api", "port", OPT_INT, api_port, 1, 65535, "5000"),
	O("api", "public_endpoint", OPT_STR, api_public_endpoint, 0, 0, NULL),
	O("api", "connection_limit", OPT_INT, api_connection_limit, 1, 65536,
	    "1024"),
	O("api", "timeout", OPT_INT, api_timeout, 1, 3600, "30"),
	O("api", "request_timeout", OPT_INT, api_request_timeout, 1, 3600,
	    "60"),
	O("api", "per_ip_connection_limit", OPT_INT,
	    api_per_ip_connection_limit, 0, 65536, "0"),
	O("api", "revocation_rate", OPT_INT, api_revocation_rate, 0, 100000,
	    "10"),
	O("api", "tls_cert", OPT_PATH, api_tls_cert, 0, 0, NULL),
	O("api", "tls_key", OPT_PATH, api_tls_key, 0, 0, NULL),
	O("api", "metrics_host", OPT_STR, api_metrics_host, 0, 0,
	    "127.0.0.1"),
	O("api", "metrics_port", OPT_INT, api_metrics_port, 0, 65535, "0"),
	O("security_compliance", "lockout_failure_attempts", OPT_INT,
	    lockout_failure_attempts, 0, 1000, "0"),
	O("security_compliance", "lockout_duration", OPT_INT,
	    lockout_duration, 1, 31536000, "1800"),
	O("database", "connection", OPT_STR, database_connection, 0, 0,
	    "sqlite:///signet.db"),
	O("auth", "methods", OPT_STR, auth_methods, 0, 0,
	    "external,password,token,oauth1,mapped,application_credential"),
	O("signer", "socket", OPT_ENDPOINTS, signer_socket, 0, 0,
	    "signer.sock"),
	O("signer", "audit_log", OPT_PATH, signer_audit_log, 0, 0,
	    "audit.log"),
	O("signer", "allowed_uids", OPT_STR, signer_allowed_uids, 0, 0, NULL),
	O("signer", "allowed_scopes", OPT_STR, signer_allowed_scopes, 0, 0,
	    "unscoped,project,domain,system"),
	O("signer", "credential_uids", OPT_STR, signer_credential_uids, 0, 0,
	    NULL),
	O("signer", "workers", OPT_INT, signer_workers, 1, 64, "4"),
	O("signer", "spin_us", OPT_INT, signer_spin_us, 0, 10000, "200"),
	O("signer", "max_connections", OPT_INT, signer_max_connections, 1,
	    4096, "256"),
	O("signer", "max_connections_per_peer", OPT_INT,
	    signer_max_connections_per_peer, 0, 4096, "0"),
	O("signer", "idle_timeout", OPT_INT, signer_idle_timeout, 0, 86400,
	    "300"),
	O("signer", "audit_min_free_mb", OPT_INT, signer_audit_min_free_mb, 0,
	    16777216, "64"),
	O("signer", "queue_max", OPT_INT, signer_queue_max, 1, 65536, "4096"),
	O("signer", "rescan_interval", OPT_INT, signer_rescan_interval, 0,
	    86400, "60"),
	O("signer", "max_clock_skew", OPT_INT, signer_max_clock_skew, 0,
	    3600, "300"),
	O("signer", "peer_rate", OPT_INT, signer_peer_rate, 0, 10000000, "0"),
	O("signer", "tcp_listen", OPT_STR, signer_tcp_listen, 0, 0, NULL),
	O("signer", "tls_cert", OPT_PATH, signer_tls_cert, 0, 0, NULL),
	O("signer", "tls_key", OPT_PATH, signer_tls_key, 0, 0, NULL),
	O("signer", "tls_client_cert", OPT_PATH, signer_tls_client_cert, 0, 0,
	    NULL),
	O("signer", "tls_client_key", OPT_PATH, signer_tls_client_key, 0, 0,
	    NULL),
	O("signer", "tls_ca", OPT_PATH, signer_tls_ca, 0, 0, NULL),
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

struct parse_state {
	struct config	*cf;
	unsigned char	 seen[NOPTS];
	char		*err;
	size_t		 errsz;
};

static const struct opt *
opt_find(const char *section, const char *name, size_t *idx)
{
	size_t	 i;

	if (*section == '\0')
		section = "DEFAULT";
	for (i = 0; i < NOPTS; i++) {
		if (strcmp(opts[i].section, section) == 0 &&
		    strcmp(opts[i].name, name) == 0) {
			*idx = i;
			return &opts[i];
		}
	}
	return NULL;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int
parse_int(const char *v, long min, long max, int *out)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)*v) && *v != '-')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static char *
resolve_path(const struct config *cf, const char *v)
{
	char	*p;

	if (*v == '/' || cf->dir == NULL)
		return strdup(v);
	if (asprintf(&p, "%s/%s", cf->dir, v) < 0)
		return NULL;
	return p;
}

/* Each element resolved as a path unless it is tcp://HOST:PORT. */
static char *
resolve_endpoints(const struct config *cf, const char *v)
{
	char	*copy = strdup(v), *tok, *save = NULL, *out = NULL, *p, *next;

	if (copy == NULL)
		return NULL;
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		p = strstr(tok, "://") != NULL ? strdup(tok) :
		    resolve_path(cf, tok);
		if (p == NULL || asprintf(&next, "%s%s%s", out ? out : "",
		    out ? "," : "", p) < 0) {
			free(p);
			free(out);
			free(copy);
			return NULL;
		}
		free(p);
		free(out);
		out = next;
	}
	free(copy);
	return out != NULL ? out : strdup("");
}

static int
opt_set(struct config *cf, const struct opt *o, const char *v, char *err,
    size_t errsz)
{
	void	*field = (char *)cf + o->off;
	char	*s;

	switch (o->type) {
	case OPT_INT:
		if (parse_int(v, o->min, o->max, field) == 0)
			return 0;
		snprintf(err, errsz, "[%s] %s: '%s' is not an integer from "
		    "%ld to %ld", o->section, o->name, v, o->min, o->max);
		return SIG_ERR_CONFIG;
	case OPT_BOOL:
		if (parse_bool(v, field) == 0)
			return 0;
		snprintf(err, errsz, "[%s] %s: '%s' is not a boolean (true, "
		    "false, yes, no, on, off, 1, 0)", o->section, o->name, v);
		return SIG_ERR_CONFIG;
	default:
		if (*v == '\0') {
			snprintf(err, errsz, "[%s] %s: empty value",
			    o->section, o->name);
			return SIG_ERR_CONFIG;
		}
		s = o->type == OPT_PATH ? resolve_path(cf, v) :
		    o->type == OPT_ENDPOINTS ? resolve_endpoints(cf, v) :
		    strdup(v);
		if (s == NULL)
			return SIG_ERR_NOMEM;
		free(*(char **)field);
		*(char **)field = s;
		return 0;
	}
}

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct parse_state	*ps = arg;
	const struct opt	*o;
	size_t			 i;

	if (*ps->err != '\0')
		return 0;
	if ((o = opt_find(section, name, &i)) == NULL) {
		log_warn("%s: unknown option [%s] %s ignored", ps->cf->path,
		    *section ? section : "DEFAULT", name);
		return 1;
	}
	if (ps->seen[i]) {
		snprintf(ps->err, ps->errsz, "[%s] %s: given twice",
		    o->section, o->name);
		return 0;
	}
	ps->seen[i] = 1;
	return opt_set(ps->cf, o, value, ps->err, ps->errsz) == 0;
}

static int
config_defaults(struct config *cf, char *err, size_t errsz)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < NOPTS; i++) {
		if (opts[i].def != NULL &&
		    (r = opt_set(cf, &opts[i], opts[i].def, err, errsz)) != 0)
			return r;
	}
	return 0;
}

static int
config_set_path(struct config *cf, const char *path)
{
	char	*slash;

	if ((cf->path = strdup(path)) == NULL ||
	    (cf->dir = realpath(path, NULL)) == NULL)
		return -1;
	if ((slash = strrchr(cf->dir, '/')) != NULL)
		*(slash == cf->dir ? slash + 1 : slash) = '\0';
	return 0;
}

/* Caller owns *cfp (config_free); on failure err holds an operator's
 * sentence naming the file, section and option. */
int
config_load(const char *path, struct config **cfp, char *err, size_t errsz)
{
	struct parse_state	 ps;
	struct config		*cf;
	int			 line, r;

	*cfp = NULL;
	*err = '\0';
	if ((cf = calloc(1, sizeof(*cf))) == NULL)
		return SIG_ERR_NOMEM;
	if (config_set_path(cf, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		r = SIG_ERR_CONFIG;
		goto out;
	}
	if ((r = config_defaults(cf, err, errsz)) != 0)
		goto out;
	memset(&ps, 0, sizeof(ps));
	ps.cf = cf;
	ps.err = err;
	ps.errsz = errsz;
	line = ini_parse(path, config_handler, &ps);
	r = SIG_ERR_CONFIG;
	if (line < 0)
		snprintf(err, errsz, "%s: cannot read the file", path);
	else if (line > 0 && *err == '\0')
		snprintf(err, errsz, "%s: line %d: not an INI line", path,
		    line);
	else if (*err != '\0') {
		char	 tmp[CONFIG_ERR_MAX];

		snprintf(tmp, sizeof(tmp), "%s: line %d: %s", path, line, err);
		snprintf(err, errsz, "%s", tmp);
	} else
		r = 0;
 out:
	if (r != 0)
		config_free(cf);
	else
		*cfp = cf;
	return r;
}

void
config_free(struct config *cf)
{
	size_t	 i;

	if (cf == NULL)
		return;
	for (i = 0; i < NOPTS; i++)
		if (opts[i].type != OPT_INT && opts[i].type != OPT_BOOL)
			free(*(char **)((char *)cf + opts[i].off));
	free(cf->path);
	free(cf->dir);
	free(cf);
}
