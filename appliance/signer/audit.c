/*
 * signet-signerd: one JSON line per operation, written before the reply
 * leaves. Records carry ids, audit ids and times, never token or key
 * bytes. A record that cannot be written fails the call (fail closed).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <jansson.h>

#include "err.h"
#include "isotime.h"
#include "log.h"
#include "signer.h"

struct audit {
	char		*path;
	int		 fd;
	pthread_mutex_t	 mu;
	int		 err;	/* errno of the last failed write, or 0 */
};

static const char *const scope_names[] = { "unscoped", "project", "domain",
    "system", "trust" };

static int
audit_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/* Caller owns *ap (audit_close). */
int
audit_open(const char *path, struct audit **ap)
{
	struct audit	*a;

	*ap = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		return SIG_ERR_NOMEM;
	}
	if ((a->fd = audit_fd(path)) < 0) {
		log_err("audit log %s: %s", path, strerror(errno));
		free(a->path);
		free(a);
		return SIG_ERR_CONFIG;
	}
	pthread_mutex_init(&a->mu, NULL);
	*ap = a;
	return 0;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->mu);
	free(a->path);
	free(a);
}

/* SIGHUP: a rotated or repaired log file is picked up. */
int
audit_reopen(struct audit *a)
{
	int	 fd;

	if ((fd = audit_fd(a->path)) < 0)
		return SIG_ERR_SYSTEM;
	pthread_mutex_lock(&a->mu);
	close(a->fd);
	a->fd = fd;
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/* Health: why records cannot be written (static text), or NULL. */
const char *
audit_failing(struct audit *a)
{
	int	 e;

	pthread_mutex_lock(&a->mu);
	e = a->err;
	pthread_mutex_unlock(&a->mu);
	if (e == 0)
		return NULL;
	return e == ENOSPC || e == EFBIG || e == EDQUOT ?
	    "the audit log cannot be written: its disk is full; issuance "
	    "is refused until a write succeeds (SIGHUP reopens it)" :
	    "the audit log cannot be written; issuance is refused until a "
	    "write succeeds (SIGHUP reopens it)";
}

static void
add_claims(json_t *o, const struct claims *c)
{
	char	 t[ISOTIME_LEN + 1], id[23];

	json_object_set_new(o, "user_id", json_string(c->user_id));
	json_object_set_new(o, "scope", json_string(scope_names[c->scope]));
	if (c->project_id[0] != '\0')
		json_object_set_new(o, "project_id",
		    json_string(c->project_id));
	if (c->domain_id[0] != '\0')
		json_object_set_new(o, "domain_id", json_string(c->domain_id));
	if (c->trust_id[0] != '\0')
		json_object_set_new(o, "trust_id", json_string(c->trust_id));
	if (c->n_audit > 0) {
		claims_audit_format(c->audit[0], id);
		json_object_set_new(o, "audit_id", json_string(id));
	}
	isotime_format(c->expires_at, t);
	json_object_set_new(o, "expires_at", json_string(t));
}

/*
 * A full disk or a file size limit can take part of a record: what was
 * written is cut off again so the log still parses line by line. Records
 * are written under a->mu, so the part is the file's last bytes.
 */
static int
write_all(int fd, const char *p, size_t n)
{
	struct stat	 st;
	size_t		 done = 0;
	ssize_t		 w;
	int		 e;

	while (done < n) {
		if ((w = write(fd, p + done, n - done)) < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w == 0 ? ENOSPC : errno;
			if (done > 0 && fstat(fd, &st) == 0 &&
			    st.st_size >= (off_t)done)
				(void)ftruncate(fd, st.st_size - (off_t)done);
			errno = e;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

int
audit_write(struct audit *a, const struct audit_rec *rec)
{
	json_t	*o = json_object();
	char	 t[ISOTIME_LEN + 1], *line, *nl;
	size_t	 n;
	int	 r = 0;

	isotime_format(time(NULL), t);
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "peer_uid", json_integer(rec->peer));
	json_object_set_new(o, "op", json_string(rec->op));
	if (rec->c != NULL)
		add_claims(o, rec->c);
	json_object_set_new(o, "result", json_string(rec->result));
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line == NULL || (nl = realloc(line, strlen(line) + 2)) == NULL) {
		free(line);
		return SIG_ERR_NOMEM;
	}
	line = nl;
	n = strlen(line);
	line[n++] = '\n';	/* one write per record: no torn lines */
	pthread_mutex_lock(&a->mu);
	if (write_all(a->fd, line, n) != 0) {
		if (a->err != errno)	/* once per failure, not per call */
			log_err("audit log %s: %s; refusing issuance",
			    a->path, strerror(errno));
		a->err = errno;
		r = SIG_ERR_AUDIT;
	} else if (a->err != 0) {
		log_info("audit log %s is written again", a->path);
		a->err = 0;
	}
	pthread_mutex_unlock(&a->mu);
	free(line);
	return r;
}
