/*
 * signerd and provision: a pool of sessions under one login. Each worker
 * holds its own session; a session whose call failed with a re-initialise
 * class error is reopened (new one first, so one session always stays open
 * and the login survives), the login is checked, and the generation moves
 * on so every cached object handle is looked up again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "hsm.h"
#include "log.h"
#include "secmem.h"

struct objcache_ent {
	CK_OBJECT_CLASS		 cls;
	char			 label[HSM_LABEL_MAX];
	CK_OBJECT_HANDLE	 h;
	unsigned int		 gen;
};

struct hsm_pool {
	struct hsm_module	*m;
	CK_SLOT_ID		 slot;
	CK_USER_TYPE		 user;
	struct secmem		*pin;	/* NULL unless HSM_POOL_KEEP_PIN */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct hsm_sess		 sess[HSM_POOL_MAX];
	int			 nsess;
	unsigned int		 gen;
	unsigned int		 logins;
	struct objcache_ent	 cache[HSM_OBJCACHE_MAX];
	int			 ncache;
};

static int
pool_open_locked(struct hsm_pool *p, CK_SESSION_HANDLE *hp)
{
	CK_RV	 rv;

	rv = p->m->f->C_OpenSession(p->slot, CKF_SERIAL_SESSION |
	    CKF_RW_SESSION, NULL, NULL, hp);
	if (rv != CKR_OK)
		return ck_err(rv, "C_OpenSession on slot %lu",
		    (unsigned long)p->slot);
	return 0;
}

static int
pool_login_locked(struct hsm_pool *p, CK_SESSION_HANDLE h)
{
	CK_SESSION_INFO	 si;
	CK_RV		 rv;

	if (p->m->f->C_GetSessionInfo(h, &si) == CKR_OK &&
	    (si.state == CKS_RW_USER_FUNCTIONS ||
	    si.state == CKS_RO_USER_FUNCTIONS ||
	    si.state == CKS_RW_SO_FUNCTIONS))
		return 0;
	if (p->pin == NULL) {
		log_err("slot %lu: login lost and no PIN kept to log in again",
		    (unsigned long)p->slot);
		return SIG_ERR_HSM_REINIT;
	}
	rv = p->m->f->C_Login(h, p->user, secmem_data(p->pin),
	    secmem_len(p->pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return ck_err(rv, "C_Login as %s on slot %lu",
		    p->user == CKU_SO ? "SO" : "user", (unsigned long)p->slot);
	p->logins++;
	p->gen++;
	return 0;
}

/* New session first, then close the broken one: never zero sessions. */
static int
pool_reopen_locked(struct hsm_pool *p, struct hsm_sess *s)
{
	CK_SESSION_HANDLE	 nh;
	int			 r;

	if ((r = pool_open_locked(p, &nh)) != 0)
		return r;
	(void)p->m->f->C_CloseSession(s->h);
	s->h = nh;
	s->broken = 0;
	p->gen++;
	log_info("slot %lu: session reopened", (unsigned long)p->slot);
	return pool_login_locked(p, nh);
}

static int
pool_first_login(struct hsm_pool *p, struct secmem *pin, int flags)
{
	int	 r;

	p->pin = pin;
	r = pool_login_locked(p, p->sess[0].h);
	if (!(flags & HSM_POOL_KEEP_PIN)) {
		secmem_free(p->pin);
		p->pin = NULL;
	}
	return r;
}

/* Waits are measured on the monotonic clock: a clock jump moves nothing. */
static void
pool_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t	 ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* Caller owns *pp (hsm_pool_free); the pool takes pin in every case. */
int
hsm_pool_new(struct hsm_module *m, CK_SLOT_ID slot, CK_USER_TYPE user,
    struct secmem *pin, int nsess, int flags, struct hsm_pool **pp)
{
	struct hsm_pool	*p;
	int		 i, r;

	*pp = NULL;
	if (nsess < 1 || nsess > HSM_POOL_MAX ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		secmem_free(pin);
		return nsess < 1 ? SIG_ERR_USAGE : SIG_ERR_NOMEM;
	}
	p->m = m;
	p->slot = slot;
	p->user = user;
	pthread_mutex_init(&p->mu, NULL);
	pool_cond_init(&p->cv);
	for (i = 0; i < nsess; i++) {
		p->sess[i].f = m->f;
		p->sess[i].pool = p;
		if ((r = pool_open_locked(p, &p->sess[i].h)) != 0)
			goto fail;
		p->nsess++;
		if (i == 0 && (r = pool_first_login(p, pin, flags)) != 0) {
			pin = NULL;
			goto fail;
		}
		if (i == 0)
			pin = NULL;
	}
	*pp = p;
	return 0;
 fail:
	secmem_free(pin);
	hsm_pool_free(p);
	return r;
}

void
hsm_pool_free(struct hsm_pool *p)
{
	int	 i;

	if (p == NULL)
		return;
	/* Closing the last session logs out, which is what we want here. */
	for (i = p->nsess - 1; i >= 0; i--)
		(void)p->m->f->C_CloseSession(p->sess[i].h);
	secmem_free(p->pin);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* Blocks until a session is free; a broken one is reopened first. */
int
hsm_sess_get(struct hsm_pool *p, struct hsm_sess **sp)
{
	return hsm_sess_get_timed(p, 0, sp);
}

/* As hsm_sess_get, but SIG_ERR_BUSY after wait_ms (0: wait forever). */
int
hsm_sess_get_timed(struct hsm_pool *p, int wait_ms, struct hsm_sess **sp)
{
	struct hsm_sess	*s = NULL;
	struct timespec	 until;
	int		 i, r = 0;

	*sp = NULL;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (i = 0; i < p->nsess && s == NULL; i++)
			if (!p->sess[i].busy)
				s = &p->sess[i];
		if (s != NULL)
			break;
		if (wait_ms == 0)
			pthread_cond_wait(&p->cv, &p->mu);
		else if (pthread_cond_timedwait(&p->cv, &p->mu, &until) ==
		    ETIMEDOUT) {
			pthread_mutex_unlock(&p->mu);
			return SIG_ERR_BUSY;
		}
	}
	if (s->broken)
		r = pool_reopen_locked(p, s);
	if (r == 0) {
		s->busy = 1;
		*sp = s;
	}
	pthread_mutex_unlock(&p->mu);
	return r;
}

/* r is the result of the caller's work: a re-initialise error retires s. */
void
hsm_sess_put(struct hsm_pool *p, struct hsm_sess *s, int r)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	if (r == SIG_ERR_HSM_REINIT) {
		s->broken = 1;
		(void)pool_reopen_locked(p, s);
	}
	s->busy = 0;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static struct objcache_ent *
cache_lookup_locked(struct hsm_pool *p, CK_OBJECT_CLASS cls,
    const char *label)
{
	int	 i;

	for (i = 0; i < p->ncache; i++)
		if (p->cache[i].cls == cls &&
		    strcmp(p->cache[i].label, label) == 0)
			return &p->cache[i];
	if (p->ncache == HSM_OBJCACHE_MAX || strlen(label) >= HSM_LABEL_MAX)
		return NULL;
	p->cache[p->ncache].cls = cls;
	strcpy(p->cache[p->ncache].label, label);
	p->cache[p->ncache].gen = p->gen - 1;
	return &p->cache[p->ncache++];
}

/* A handle found once per generation; later calls cost no C_FindObjects. */
int
hsm_pool_find(struct hsm_pool *p, struct hsm_sess *s, CK_OBJECT_CLASS cls,
    const char *label, CK_OBJECT_HANDLE *hp)
{
	struct objcache_ent	*e;
	CK_OBJECT_HANDLE	 h;
	unsigned int		 gen;
	int			 r;

	pthread_mutex_lock(&p->mu);
	e = cache_lookup_locked(p, cls, label);
	gen = p->gen;
	if (e != NULL && e->gen == gen) {
		*hp = e->h;
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	pthread_mutex_unlock(&p->mu);
	if ((r = hsm_find_label(s, cls, label, &h)) != 0)
		return r;
	pthread_mutex_lock(&p->mu);
	if (e != NULL) {
		e->h = h;
		e->gen = gen;
	}
	pthread_mutex_unlock(&p->mu);
	*hp = h;
	return 0;
}

unsigned int
hsm_pool_logins(struct hsm_pool *p)
{
	unsigned int	 n;

	pthread_mutex_lock(&p->mu);
	n = p->logins;
	pthread_mutex_unlock(&p->mu);
	return n;
}

unsigned int
hsm_pool_generation(struct hsm_pool *p)
{
	unsigned int	 n;

	pthread_mutex_lock(&p->mu);
	n = p->gen;
	pthread_mutex_unlock(&p->mu);
	return n;
}
