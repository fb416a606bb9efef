/*
 * signet-signerd: refused connections (a uid not allowed, a connection
 * limit, a failed TLS handshake) are audited and logged, but a refused
 * peer must not grow the audit log at its own pace: one local uid can
 * connect half a million times in seconds. The first refusal of a uid for
 * a reason is written in full at once; the next ones in REFUSE_WINDOW_S
 * are only counted, and one record says how many when the window ends.
 * At most two records per uid and reason per window, whatever the rate.
 * A uid and reason keep their slot for the window (no other pair can
 * take it); when every slot is taken, further pairs share one, counted
 * together, so no number of refused uids makes a record each.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "monotime.h"
#include "signer.h"

#define REFUSE_SLOTS	64

struct refused {
	uid_t		 uid;
	const char	*why;		/* static text: compared by address */
	double		 since;		/* the window's start; 0: slot free */
	unsigned long	 more;		/* refusals after the first */
};

static struct refused	 table[REFUSE_SLOTS];
static struct refused	 others;	/* every slot taken */
static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;

static void
record(struct signer *sg, uid_t uid, const char *result)
{
	struct audit_rec rec = { "connect", uid, NULL, result, NULL };

	(void)audit_write(sg->audit, &rec);
}

/* Under mu: the window's count, if any, then the slot is free. */
static void
summarise(struct signer *sg, struct refused *r, double now)
{
	char	 line[200];

	if (r->more > 0) {
		snprintf(line, sizeof(line), "%s: %lu more refusals in the "
		    "last %.0f s", r->why, r->more, now - r->since);
		log_warn("peer uid %u: %s", (unsigned)r->uid, line);
		record(sg, r->uid, line);
	}
	r->since = 0;
	r->more = 0;
}

/* Under mu: the slot of uid and why, else a free one, else NULL. */
static struct refused *
slot_of(struct signer *sg, uid_t uid, const char *why, double now)
{
	struct refused	*r, *free = NULL;
	size_t		 i;

	for (i = 0; i < REFUSE_SLOTS; i++) {
		r = &table[i];
		if (r->since != 0 && now - r->since >= REFUSE_WINDOW_S)
			summarise(sg, r, now);
		if (r->since != 0 && r->uid == uid && r->why == why)
			return r;
		if (r->since == 0 && free == NULL)
			free = r;
	}
	return free;
}

/* A connection of uid refused for why (static text). */
void
refused(struct signer *sg, uid_t uid, const char *why)
{
	struct refused	*r;
	double		 now = mono_now();

	pthread_mutex_lock(&mu);
	if ((r = slot_of(sg, uid, why, now)) == NULL) {
		r = &others;
		why = "refused (many peers at once)";
		if (r->since != 0 && now - r->since >= REFUSE_WINDOW_S)
			summarise(sg, r, now);
	}
	if (r->since == 0) {
		r->uid = uid;
		r->why = why;
		r->since = now;
		log_warn("peer uid %u refused: %s", (unsigned)uid, why);
		record(sg, uid, why);
	} else
		r->more++;
	pthread_mutex_unlock(&mu);
}

/* From the main loop: windows that ended (all of them when stopping). */
void
refused_flush(struct signer *sg, int all)
{
	double	 now = mono_now();
	size_t	 i;

	pthread_mutex_lock(&mu);
	for (i = 0; i < REFUSE_SLOTS; i++)
		if (table[i].since != 0 && (all ||
		    now - table[i].since >= REFUSE_WINDOW_S))
			summarise(sg, &table[i], now);
	if (others.since != 0 && (all || now - others.since >= REFUSE_WINDOW_S))
		summarise(sg, &others, now);
	pthread_mutex_unlock(&mu);
}
