/*
 * signet-provision: the file fernet-export writes and fernet-import-wrapped
 * reads, one key set wrapped under the KEK. It holds no key in clear, but
 * it is parsed as hostile: one canonical spelling per line (each line is
 * formatted again and compared), exact lengths, every byte consumed.
 *
 *	signet-wrapped-fernet-keys 1
 *	set token
 *	kek signet-kek aes-key-wrap-pad
 *	mac-key <the file's HMAC key under the KEK, base64url>
 *	key <index> <role> <AES half> <HMAC half, padded to 32 bytes>
 *	...
 *	mac hmac-sha256 <HMAC-SHA256 of every line above, base64url>
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64url.h"
#include "err.h"
#include "log.h"
#include "prov.h"

#define LINE_MAX_LEN	256
#define WRAP_NAME	"aes-key-wrap-pad"
#define MAC_NAME	"hmac-sha256"

int
wrapped_new(struct wrapped_file *wf, const struct fernet_set *set, size_t n)
{
	memset(wf, 0, sizeof(*wf));
	snprintf(wf->set, sizeof(wf->set), "%s", set->name);
	snprintf(wf->kek, sizeof(wf->kek), "%s", KEK_LABEL);
	if ((wf->keys = calloc(n + 1, sizeof(*wf->keys))) == NULL)
		return SIG_ERR_NOMEM;
	wf->n = n;
	return 0;
}

void
wrapped_clear(struct wrapped_file *wf)
{
	free(wf->keys);
	free(wf->text);
	memset(wf, 0, sizeof(*wf));
}

static void
b64(const uint8_t *p, size_t n, char *out, size_t sz)
{
	b64url_encode(p, n, B64URL_PAD, out, sz);
}

/* Appends one line; text has room for the whole file. */
static int
put_line(struct wrapped_file *wf, size_t cap, const char *line)
{
	size_t	 len = strlen(line);

	if (wf->bodylen + len + 2 > cap)
		return SIG_ERR_STATE;
	memcpy(wf->text + wf->bodylen, line, len);
	wf->text[wf->bodylen + len] = '\n';
	wf->bodylen += len + 1;
	wf->text[wf->bodylen] = '\0';
	return 0;
}

static void
key_line(const struct wrapped_key *k, char *line, size_t sz)
{
	char	 enc[64], mac[64];

	b64(k->w.enc, sizeof(k->w.enc), enc, sizeof(enc));
	b64(k->w.mac, sizeof(k->w.mac), mac, sizeof(mac));
	snprintf(line, sz, "key %d %s %s %s", k->index, k->role, enc, mac);
}

static void
header_line(const struct wrapped_file *wf, int i, char *line, size_t sz)
{
	char	 mk[64];

	if (i == 0)
		snprintf(line, sz, "%s %d", WRAPPED_MAGIC, WRAPPED_VERSION);
	else if (i == 1)
		snprintf(line, sz, "set %s", wf->set);
	else if (i == 2)
		snprintf(line, sz, "kek %s %s", wf->kek, WRAP_NAME);
	else {
		b64(wf->mac_key, sizeof(wf->mac_key), mk, sizeof(mk));
		snprintf(line, sz, "mac-key %s", mk);
	}
}

#define HEADER_LINES	4

/* Every line the MAC covers, into text (bodylen bytes). */
int
wrapped_body(struct wrapped_file *wf)
{
	size_t	 cap = (wf->n + HEADER_LINES + 1) * LINE_MAX_LEN, i;
	char	 line[LINE_MAX_LEN];
	int	 r = 0;

	free(wf->text);
	wf->bodylen = 0;
	if ((wf->text = malloc(cap)) == NULL)
		return SIG_ERR_NOMEM;
	for (i = 0; i < HEADER_LINES && r == 0; i++) {
		header_line(wf, (int)i, line, sizeof(line));
		r = put_line(wf, cap, line);
	}
	for (i = 0; i < wf->n && r == 0; i++) {
		key_line(&wf->keys[i], line, sizeof(line));
		r = put_line(wf, cap, line);
	}
	return r;
}

static void
mac_line(const struct wrapped_file *wf, char *line, size_t sz)
{
	char	 m[64];

	b64(wf->mac, sizeof(wf->mac), m, sizeof(m));
	snprintf(line, sz, "mac %s %s", MAC_NAME, m);
}

/* The MAC line after the body; wf->mac is set. */
int
wrapped_finish(struct wrapped_file *wf)
{
	size_t	 cap = (wf->n + HEADER_LINES + 1) * LINE_MAX_LEN;
	size_t	 len = wf->bodylen;
	char	 line[LINE_MAX_LEN];
	int	 r;

	mac_line(wf, line, sizeof(line));
	r = put_line(wf, cap, line);
	wf->bodylen = len;
	return r;
}

int
wrapped_write(const char *path, const struct wrapped_file *wf)
{
	size_t	 len = wf->bodylen + strlen(wf->text + wf->bodylen), off;
	ssize_t	 n;

	if (strcmp(path, "-") != 0)
		return prov_write_new(path, wf->text, len, "an export");
	/* standard output: a pipe to another node's import */
	for (off = 0; off < len; off += (size_t)n)
		if ((n = write(STDOUT_FILENO, wf->text + off, len - off)) <=
		    0 && errno != EINTR) {
			log_err("standard output: %s", strerror(errno));
			return SIG_ERR_SYSTEM;
		} else if (n < 0)
			n = 0;
	return 0;
}

/* The next line (without its '\n') at *pos; -1 when none ends there. */
static int
next_line(const struct wrapped_file *wf, size_t len, size_t *pos,
    char *line)
{
	const char	*p = wf->text + *pos, *nl;
	size_t		 n;

	if (*pos >= len || (nl = memchr(p, '\n', len - *pos)) == NULL)
		return -1;
	n = (size_t)(nl - p);
	if (n >= LINE_MAX_LEN)
		n = LINE_MAX_LEN - 1;	/* too long: the compare will fail */
	memcpy(line, p, n);
	line[n] = '\0';
	*pos += (size_t)(nl - p) + 1;
	return 0;
}

static int
unb64(const char *txt, uint8_t *out, size_t want)
{
	size_t	 n;

	return b64url_decode(txt, strlen(txt), B64URL_PAD, out, want, &n) ==
	    0 && n == want ? 0 : -1;
}

/* Fills wf from header line i; the caller compares it back. */
static int
header_parse(struct wrapped_file *wf, int i, const char *line)
{
	char	 a[LINE_MAX_LEN], b[LINE_MAX_LEN];
	int	 v;

	if (i == 0)
		return sscanf(line, "%255s %d", a, &v) == 2 &&
		    strcmp(a, WRAPPED_MAGIC) == 0 && v == WRAPPED_VERSION ?
		    0 : -1;
	if (i == 1)
		return sscanf(line, "set %15s", wf->set) == 1 ? 0 : -1;
	if (i == 2)
		return sscanf(line, "kek %63s %255s", wf->kek, a) == 2 ? 0 : -1;
	return sscanf(line, "mac-key %255s", b) == 1 &&
	    unb64(b, wf->mac_key, sizeof(wf->mac_key)) == 0 ? 0 : -1;
}

static int
key_parse(struct wrapped_key *k, const char *line)
{
	char	 enc[LINE_MAX_LEN], mac[LINE_MAX_LEN];

	return sscanf(line, "key %d %11s %255s %255s", &k->index, k->role,
	    enc, mac) == 4 && k->index >= 0 &&
	    unb64(enc, k->w.enc, sizeof(k->w.enc)) == 0 &&
	    unb64(mac, k->w.mac, sizeof(k->w.mac)) == 0 ? 0 : -1;
}

static int
mac_parse(struct wrapped_file *wf, const char *line)
{
	char	 m[LINE_MAX_LEN];

	return sscanf(line, "mac " MAC_NAME " %255s", m) == 1 &&
	    unb64(m, wf->mac, sizeof(wf->mac)) == 0 ? 0 : -1;
}

/* Says why line lineno (from 1) is refused. */
static int
bad_line(const char *path, size_t lineno, const char *why)
{
	log_err("%s: line %zu: %s", path, lineno, why);
	return SIG_ERR_BAD_INPUT;
}

static int
parse_header(const char *path, struct wrapped_file *wf, size_t len,
    size_t *pos)
{
	char	 line[LINE_MAX_LEN], again[LINE_MAX_LEN];
	int	 i;

	for (i = 0; i < HEADER_LINES; i++) {
		if (next_line(wf, len, pos, line) != 0)
			return 1;
		if (i == 0 && strncmp(line, WRAPPED_MAGIC " ",
		    strlen(WRAPPED_MAGIC) + 1) == 0 &&
		    strcmp(line + strlen(WRAPPED_MAGIC) + 1, "1") != 0)
			return bad_line(path, 1, "a format version this "
			    "signet does not read (it reads 1)");
		if (header_parse(wf, i, line) != 0)
			return bad_line(path, (size_t)i + 1, i == 0 ? "not a "
			    "file of wrapped Fernet keys" : "malformed");
		header_line(wf, i, again, sizeof(again));
		if (strcmp(line, again) != 0)
			return bad_line(path, (size_t)i + 1, "malformed");
	}
	return 0;
}

static size_t
count_keys(const char *text, size_t from)
{
	const char	*p = text + from;
	size_t		 n = 0;

	while ((p = strstr(p, "\nkey ")) != NULL) {
		n++;
		p++;
	}
	return n + (strncmp(text + from, "key ", 4) == 0);
}

/*
 * Key lines, ascending by index, then the MAC line and the end. Like
 * parse_header, 1 when the file ends before (truncated).
 */
static int
parse_keys(const char *path, struct wrapped_file *wf, size_t len,
    size_t *pos, size_t max)
{
	char		 line[LINE_MAX_LEN], again[LINE_MAX_LEN];
	size_t		 lineno = HEADER_LINES, start;
	struct wrapped_key *k;

	for (;;) {
		start = *pos;
		if (next_line(wf, len, pos, line) != 0)
			return 1;
		lineno++;
		if (strncmp(line, "key ", 4) != 0 || wf->n == max)
			break;
		k = &wf->keys[wf->n];
		if (key_parse(k, line) != 0)
			return bad_line(path, lineno, "malformed key");
		key_line(k, again, sizeof(again));
		if (strcmp(line, again) != 0)
			return bad_line(path, lineno, "malformed key");
		if (wf->n > 0 && k->index <= wf->keys[wf->n - 1].index)
			return bad_line(path, lineno, "indices not ascending");
		wf->n++;
	}
	wf->bodylen = start;
	if (mac_parse(wf, line) != 0)
		return bad_line(path, lineno, "not the MAC line");
	mac_line(wf, again, sizeof(again));
	if (strcmp(line, again) != 0 || *pos != len)
		return bad_line(path, lineno, "the MAC line is not the last, "
		    "or is malformed");
	return 0;
}

/* Standard input, at most WRAPPED_FILE_MAX bytes. */
static int
slurp_stdin(struct wrapped_file *wf, size_t *lenp)
{
	size_t	 len = 0;
	ssize_t	 n;

	if ((wf->text = malloc(WRAPPED_FILE_MAX + 2)) == NULL)
		return SIG_ERR_NOMEM;
	while (len <= WRAPPED_FILE_MAX && ((n = read(STDIN_FILENO,
	    wf->text + len, WRAPPED_FILE_MAX + 1 - len)) > 0 ||
	    (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	if (len > WRAPPED_FILE_MAX) {
		log_err("standard input: larger than a key set can be");
		return SIG_ERR_BAD_INPUT;
	}
	wf->text[len] = '\0';
	*lenp = len;
	if (memchr(wf->text, '\0', len) == NULL)
		return 0;
	log_err("standard input: not a text file");
	return SIG_ERR_BAD_INPUT;
}

static int
slurp(const char *path, struct wrapped_file *wf, size_t *lenp)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, r = SIG_ERR_BAD_INPUT;

	if (strcmp(path, "-") == 0)
		return slurp_stdin(wf, lenp);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_err("%s: %s", path, fd < 0 ? strerror(errno) :
		    "not a regular file");
		goto out;
	}
	if (st.st_size > WRAPPED_FILE_MAX) {
		log_err("%s: larger than a key set can be", path);
		goto out;
	}
	if ((wf->text = malloc((size_t)st.st_size + 1)) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	if ((n = read(fd, wf->text, (size_t)st.st_size)) != st.st_size) {
		log_err("%s: short read", path);
		goto out;
	}
	wf->text[n] = '\0';
	*lenp = (size_t)n;
	r = memchr(wf->text, '\0', *lenp) == NULL ? 0 : SIG_ERR_BAD_INPUT;
	if (r != 0)
		log_err("%s: not a text file", path);
 out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* Caller clears wf (wrapped_clear) whatever the result. */
int
wrapped_read(const char *path, struct wrapped_file *wf)
{
	size_t	 len = 0, pos = 0, max;
	int	 r;

	memset(wf, 0, sizeof(*wf));
	if ((r = slurp(path, wf, &len)) != 0)
		return r;
	if ((r = parse_header(path, wf, len, &pos)) == 0) {
		max = count_keys(wf->text, pos);
		if ((wf->keys = calloc(max + 1, sizeof(*wf->keys))) == NULL)
			return SIG_ERR_NOMEM;
		r = parse_keys(path, wf, len, &pos, max);
	}
	if (r == 1) {
		log_err("%s: truncated: it ends before its MAC line", path);
		r = SIG_ERR_BAD_INPUT;
	}
	return r;
}
