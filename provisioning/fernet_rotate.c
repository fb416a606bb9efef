/*
 * signet-provision: rotation and installation of Fernet key sets, in
 * steps that a crash can interrupt anywhere. A journal object of the set
 * records the change under way ("rotate N" or "install"); a later run sees
 * it and finishes the change instead of starting another. The primary is
 * always the highest complete index: each step that moves a key relabels
 * its AES object, which is atomic, so no step leaves zero or two primaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"

static int
max_index(const struct fernet_inv *inv)
{
	size_t	 i;
	int	 m = -1;

	for (i = 0; i < inv->nkeys; i++)
		if (inv->keys[i].kind == FK_INDEX && inv->keys[i].index > m)
			m = inv->keys[i].index;
	return m;
}

/* Leftovers of a change that never wrote its journal: never live keys. */
static int
drop_leftovers(struct hsm_sess *s, struct fernet_inv *inv)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < inv->norphans; i++)
		if ((r = hsm_destroy(s, inv->orphans[i], "orphan Fernet half")))
			return r;
	if (inv->journal_op[0] != '\0')
		return 0;
	for (i = 0; i < inv->nkeys; i++)
		if (inv->keys[i].kind != FK_INDEX &&
		    (r = fernet_key_destroy(s, &inv->keys[i])) != 0)
			return r;
	return 0;
}

static int
purge(struct hsm_sess *s, struct fernet_inv *inv, int max_active)
{
	int	*active, *gone;
	size_t	 i, n = 0, np;
	int	 r = 0;

	active = calloc(inv->nkeys + 1, sizeof(int));
	gone = calloc(inv->nkeys + 1, sizeof(int));
	if (active == NULL || gone == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < inv->nkeys; i++)
		if (inv->keys[i].kind == FK_INDEX && inv->keys[i].index != 0)
			active[n++] = inv->keys[i].index;
	np = fernet_plan_purge(active, n, max_active, gone);
	for (i = 0; i < np && r == 0; i++) {
		log_info("purging %s key %d", inv->set->what, gone[i]);
		r = fernet_key_destroy(s, fernet_inv_find(inv, FK_INDEX,
		    gone[i]));
	}
 out:
	free(active);
	free(gone);
	return r;
}

/*
 * Steps 2-4 of a rotation to target, each skipped once it is done. The
 * new staged key is drawn in the token, or unwrapped from staged (another
 * node's, under the KEK), so that the nodes of a cluster stage the same.
 */
static int
rotate_steps(struct hsm_sess *s, struct fernet_inv *inv, int target,
    const struct fernet_repo *staged)
{
	const struct fernet_set	*set = inv->set;
	struct fernet_obj	 k, *zero, *tmp;
	int			 r;

	zero = fernet_inv_find(inv, FK_INDEX, 0);
	tmp = fernet_inv_find(inv, FK_TMP, 0);
	if (fernet_inv_find(inv, FK_INDEX, target) == NULL && zero != NULL) {
		if (tmp == NULL) {
			r = staged != NULL ? fernet_key_unwrap(s, set, FK_TMP,
			    0, staged->kek, staged->keys[0].wrapped, &k) :
			    fernet_key_generate(s, set, FK_TMP, 0, &k);
			if (r != 0)
				return r;
			tmp = &k;
		}
		if ((r = fernet_key_relabel(s, zero, FK_INDEX, target)) != 0)
			return r;
		log_info("promoted staged key 0 to primary %d", target);
		zero = NULL;
	}
	if (zero == NULL && tmp != NULL &&
	    (r = fernet_key_relabel(s, tmp, FK_INDEX, 0)) != 0)
		return r;
	if (zero == NULL && tmp == NULL)
		return fernet_key_generate(s, set, FK_INDEX, 0, &k);
	return 0;
}

static int
finish_rotate(struct hsm_sess *s, const struct fernet_set *set, int target,
    int max_active, const struct fernet_repo *staged)
{
	struct fernet_inv	 inv;
	int			 r;

	if ((r = fernet_inv_load(s, set, &inv)) == 0 &&
	    (r = rotate_steps(s, &inv, target, staged)) == 0) {
		fernet_inv_clear(&inv);
		if ((r = fernet_inv_load(s, set, &inv)) == 0 &&
		    (r = purge(s, &inv, max_active)) == 0)
			r = fernet_journal_clear(s, &inv);
	}
	fernet_inv_clear(&inv);
	return r;
}

/* Old keys go, then the new set takes their indices. */
static int
finish_install(struct hsm_sess *s, const struct fernet_set *set)
{
	struct fernet_inv	 inv;
	size_t			 i;
	int			 r;

	if ((r = fernet_inv_load(s, set, &inv)) != 0)
		goto out;
	for (i = 0; i < inv.nkeys && r == 0; i++)
		if (inv.keys[i].kind == FK_INDEX)
			r = fernet_key_destroy(s, &inv.keys[i]);
	for (i = 0; i < inv.nkeys && r == 0; i++)
		if (inv.keys[i].kind == FK_NEW)
			r = fernet_key_relabel(s, &inv.keys[i], FK_INDEX,
			    inv.keys[i].index);
	if (r == 0)
		r = fernet_journal_clear(s, &inv);
 out:
	fernet_inv_clear(&inv);
	return r;
}

/* Finishes whatever a journal says was under way; *did says if any. */
int
fernet_repair(struct hsm_sess *s, const struct fernet_set *set,
    int max_active, int *did)
{
	struct fernet_inv	 inv;
	int			 r, target;

	*did = 0;
	if ((r = fernet_inv_load(s, set, &inv)) != 0)
		goto out;
	if (inv.dup_index) {
		log_err("two %s keys claim one index; refusing to guess "
		    "which is live (see fernet-list and status)", set->what);
		r = SIG_ERR_STATE;
		goto out;
	}
	if ((r = drop_leftovers(s, &inv)) != 0)
		goto out;
	if (sscanf(inv.journal_op, "rotate %d", &target) == 1) {
		log_warn("finishing an interrupted rotation to key %d", target);
		*did = 1;
		r = finish_rotate(s, set, target, max_active, NULL);
	} else if (strcmp(inv.journal_op, "install") == 0) {
		log_warn("finishing an interrupted key installation");
		*did = 1;
		r = finish_install(s, set);
	} else if (inv.journal_op[0] != '\0') {
		log_warn("dropping an unreadable %s key journal", set->what);
		r = fernet_journal_clear(s, &inv);
	}
 out:
	fernet_inv_clear(&inv);
	return r;
}

/*
 * Keystone's rotate: new staged 0, old 0 becomes max+1, purge the rest.
 * staged (NULL: drawn here): the new staged key, wrapped, as keys[0], and
 * the primary its node rotated to as its last key: this token must rotate
 * to the same index.
 */
int
fernet_rotate(struct hsm_sess *s, const struct fernet_set *set,
    int max_active, const struct fernet_repo *staged, int *target)
{
	struct fernet_inv	 inv;
	char			 op[32];
	int			 r;

	if ((r = fernet_inv_load(s, set, &inv)) != 0)
		goto out;
	*target = max_index(&inv) + 1;
	if (*target == 0) {
		if (set == &fernet_set_token)
			log_err("no Fernet keys in the token; run "
			    "fernet-setup");
		else
			log_err("no %s keys in the token; run fernet-setup "
			    "--keys %s", set->what, set->name);
		r = SIG_ERR_KEY_NOT_FOUND;
		goto out;
	}
	if (staged != NULL && (staged->keys[0].index != 0 ||
	    staged->keys[staged->n - 1].index != *target)) {
		log_err("the staged key comes from a node that rotated to "
		    "primary %d, this token would rotate to %d: copy that "
		    "node's keys here (fernet-import-wrapped) instead",
		    staged->keys[staged->n - 1].index, *target);
		r = SIG_ERR_STATE;
		goto out;
	}
	snprintf(op, sizeof(op), "rotate %d", *target);
	if ((r = fernet_journal_write(s, set, op)) == 0)
		r = finish_rotate(s, set, *target, max_active, staged);
 out:
	fernet_inv_clear(&inv);
	return r;
}

static int
create_new_set(struct hsm_sess *s, const struct fernet_set *set,
    const struct fernet_repo *repo, struct fernet_obj *made, size_t *nmade)
{
	size_t	 i;
	int	 r = 0;

	*nmade = 0;
	for (i = 0; i < repo->n && r == 0; i++) {
		if (repo->keys[i].wrapped != NULL)
			r = fernet_key_unwrap(s, set, FK_NEW,
			    repo->keys[i].index, repo->kek,
			    repo->keys[i].wrapped, &made[i]);
		else if (repo->keys[i].key != NULL)
			r = fernet_key_import(s, set, FK_NEW,
			    repo->keys[i].index,
			    secmem_data(repo->keys[i].key), &made[i]);
		else
			r = fernet_key_generate(s, set, FK_NEW,
			    repo->keys[i].index, &made[i]);
		if (r == 0)
			(*nmade)++;
	}
	return r;
}

/*
 * Replaces the set's keys with repo (a key wrapped under repo->kek is
 * unwrapped in the token, a NULL key drawn in it).
 * Until the journal is written a failure removes what was made, so the
 * token is as it was.
 */
int
fernet_install(struct hsm_sess *s, const struct fernet_set *set,
    const struct fernet_repo *repo)
{
	struct fernet_obj	*made;
	size_t			 nmade, i;
	int			 r;

	if ((made = calloc(repo->n + 1, sizeof(*made))) == NULL)
		return SIG_ERR_NOMEM;
	r = create_new_set(s, set, repo, made, &nmade);
	if (r == 0)
		r = fernet_journal_write(s, set, "install");
	if (r != 0) {
		for (i = 0; i < nmade; i++)
			(void)fernet_key_destroy(s, &made[i]);
		log_err("no key was changed");
	} else
		r = finish_install(s, set);
	free(made);
	return r;
}
