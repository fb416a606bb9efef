/*
 * Used by every process: one line per message on stderr, prefixed with the
 * program name. Messages are formatted into a bounded buffer so one write(2)
 * carries the whole line and threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

#define LOG_LINE_MAX	1024

static const char	*log_prog = "signet";
static enum log_level	 log_level = LOGL_INFO;

static const char *const log_names[] = { "debug", "info", "warning",
    "error" };

void
log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_level = level;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

void
log_msg(enum log_level level, const char *func, int r, const char *fmt, ...)
{
	char	 line[LOG_LINE_MAX];
	va_list	 ap;
	int	 n;
	size_t	 len;

	if (level < log_level)
		return;
	n = snprintf(line, sizeof(line), "%s: %s: ", log_prog,
	    log_names[level]);
	if (func != NULL && n >= 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - n, "%s: ", func);
	if (n >= 0 && (size_t)n < sizeof(line)) {
		va_start(ap, fmt);
		n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		va_end(ap);
	}
	if (r != 0 && n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ": %s", sig_err_str(r));
	len = strnlen(line, sizeof(line) - 2);
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0)
		return;	/* nowhere left to report it */
}
