/*
 * Used by every process: one line per message on stderr. Messages are
 * formatted into a bounded buffer so one write(2) carries the whole line
 * and threads do not interleave. Control bytes in a message (a peer's
 * %0a in a user name) are written as \xNN, so no line can be forged.
 * When stderr is the journal (systemd's JOURNAL_STREAM names it) a line
 * opens with its sd-daemon(3) priority, <3> to <7>; otherwise a daemon's
 * line opens with the UTC time.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

#define LOG_LINE_MAX	1024

static const char	*log_prog = "signet";
static enum log_level	 log_level = LOGL_INFO;
static int		 log_journal;	/* stderr is the journal */
static int		 log_stamps;	/* a daemon's lines carry the time */

static const char *const log_names[] = { "debug", "info", "warning",
    "error" };
static const char *const log_prio[] = { "<7>", "<6>", "<4>", "<3>" };

/* JOURNAL_STREAM is "DEV:INODE" of the stream systemd handed us. */
static int
journal_stderr(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 st;
	char			 end;

	if (js == NULL || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_level = level;
	log_journal = journal_stderr();
}

/* Daemons: each line opens with the time, unless the journal adds it. */
void
log_timestamps(int on)
{
	log_stamps = on;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

/*
 * The line's opening: a priority for the journal, else the time. The
 * seconds are formatted once a second per thread: signet-api logs a
 * line per request.
 */
static int
log_prefix(enum log_level level, char *buf, size_t size)
{
	static __thread time_t	 last = -1;
	static __thread char	 sec[24];
	struct timespec		 ts;
	struct tm		 tm;

	if (log_journal)
		return snprintf(buf, size, "%s", log_prio[level]);
	if (!log_stamps)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last && gmtime_r(&ts.tv_sec, &tm) != NULL) {
		strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
		last = ts.tv_sec;
	}
	return snprintf(buf, size, "%s.%03dZ ", sec,
	    (int)(ts.tv_nsec / 1000000));
}

/* src into dst with control bytes as \xNN; the length written. */
static size_t
log_escape(const char *src, char *dst, size_t size)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 n = 0;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			if (n + 1 >= size)
				break;
			dst[n++] = (char)*p;
			continue;
		}
		if (n + 4 >= size)
			break;
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[*p >> 4];
		dst[n++] = hex[*p & 0xf];
	}
	dst[n] = '\0';
	return n;
}

void
log_msg(enum log_level level, const char *func, int r, const char *fmt, ...)
{
	char	 raw[LOG_LINE_MAX], line[LOG_LINE_MAX];
	va_list	 ap;
	int	 n;
	size_t	 len;

	if (level < log_level)
		return;
	n = snprintf(raw, sizeof(raw), "%s: %s: ", log_prog,
	    log_names[level]);
	if (func != NULL && n >= 0 && (size_t)n < sizeof(raw))
		n += snprintf(raw + n, sizeof(raw) - n, "%s: ", func);
	if (n >= 0 && (size_t)n < sizeof(raw)) {
		va_start(ap, fmt);
		n += vsnprintf(raw + n, sizeof(raw) - n, fmt, ap);
		va_end(ap);
	}
	if (r != 0 && n >= 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - n, ": %s", sig_err_str(r));
	n = log_prefix(level, line, sizeof(line));
	len = n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0;
	len += log_escape(raw, line + len, sizeof(line) - 1 - len);
	line[len++] = '\n';
	if (write(STDERR_FILENO, line, len) < 0)
		return;	/* nowhere left to report it */
}
