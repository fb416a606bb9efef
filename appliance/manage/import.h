/*
 * signet-manage import-keystone: what the reader of the file (import.c)
 * and the writers of its rows (import_rows.c) share.
 */
#ifndef SIGNET_IMPORT_H
#define SIGNET_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "manage.h"

enum ftype {
	FT_NAME,		/* 1..STORE_NAME_MAX bytes, no controls */
	FT_TEXT,		/* a string of at most STORE_EXTRA_MAX bytes */
	FT_BOOL,
	FT_TIME,		/* an integer >= 0 */
	FT_OBJECT,		/* extra attributes */
	FT_OPTIONS,		/* {"immutable": bool} */
	FT_USER_OPTIONS,	/* Keystone's user options */
	FT_NAMES,		/* an array of FT_NAME */
	FT_HASH,		/* a crypt(3) hash: a secret, never shown */
	FT_IFACE,
	FT_SYSTEM,		/* "all" */
};

#define F_NULL	0x1		/* may be null */
#define F_OPT	0x2		/* may be absent */

struct ifield {
	const char	*key;
	enum ftype	 type;
	int		 flags;
};

/* The import under way: the row at hand is named by what and label. */
struct imp {
	struct manage	*m;
	const char	*what;
	char		 label[STORE_NAME_MAX + 2];
	int64_t		 keep;		/* how long a revocation event lives */
	int		 added;		/* rows new in this section */
};

struct section {
	const char		*key;
	const char		*what;
	const struct ifield	*fields;
	int			(*put)(struct imp *, json_t *);
};

/* import_rows.c: in the order they are written (a row after its owner) */
extern const struct section	import_sections[];
extern const size_t		import_nsections;

/* import.c */
int		 imp_fail(struct imp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
const char	*imp_str(json_t *, const char *);
int		 imp_exists(struct imp *, enum store_kind, const char *,
		    const char *, json_t **);
int		 imp_upsert(struct imp *, enum store_kind, json_t *,
		    const char *);

#endif
