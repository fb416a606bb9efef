/*
 * signerd and provision: reads one key set's Fernet inventory from the
 * token (the objects under the set's label prefix; other sets' keys are
 * not looked at). Halves are paired by CKA_ID; the AES label gives the
 * index. Anything that does not pair up is reported as an orphan for the
 * caller to judge.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fernet_keys.h"
#include "log.h"

/* An object listed was destroyed before it was read: list again. Not a
 * SIG_ERR code, so that no HSM failure is taken for it. */
#define INV_CHANGED	1

struct half {
	CK_OBJECT_HANDLE h;
	CK_KEY_TYPE	 kt;
	char		 label[HSM_LABEL_MAX];
	uint8_t		 id[FERNET_ID_LEN];
	int		 local;
	int		 used;
};

static int
half_read(struct hsm_sess *s, const struct fernet_set *set,
    CK_OBJECT_HANDLE h, struct half *hf)
{
	CK_BBOOL	 local = CK_FALSE;
	CK_ATTRIBUTE	 a[] = {
		{ CKA_KEY_TYPE, &hf->kt, sizeof(hf->kt) },
		{ CKA_LABEL, hf->label, sizeof(hf->label) - 1 },
		{ CKA_ID, hf->id, sizeof(hf->id) },
		{ CKA_LOCAL, &local, sizeof(local) },
	};
	CK_RV		 rv;

	memset(hf, 0, sizeof(*hf));
	hf->h = h;
	rv = s->f->C_GetAttributeValue(s->h, h, a, 4);
	if (rv == CKR_BUFFER_TOO_SMALL || rv == CKR_ATTRIBUTE_TYPE_INVALID)
		return 1;	/* not one of ours: label or id too long */
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return 2;	/* destroyed since the listing: INV_CHANGED */
	if (rv != CKR_OK)
		return ck_err(rv, "reading secret key %lu", (unsigned long)h);
	hf->label[a[1].ulValueLen] = '\0';
	hf->local = local == CK_TRUE;
	if (strncmp(hf->label, set->prefix, strlen(set->prefix)) != 0 ||
	    a[2].ulValueLen != FERNET_ID_LEN)
		return 1;
	return 0;
}

/* "<n>", "tmp" or "new-<n>" after the prefix; -1 if none of these. */
static int
label_parse(const struct fernet_set *set, const char *label,
    enum fernet_kind *kind, int *index)
{
	const char	*p = label + strlen(set->prefix);
	char		*end;
	long		 n;

	*index = 0;
	if (strcmp(p, "tmp") == 0)
		return *kind = FK_TMP, 0;
	*kind = FK_INDEX;
	if (strncmp(p, "new-", 4) == 0) {
		*kind = FK_NEW;
		p += 4;
	}
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return -1;
	n = strtol(p, &end, 10);
	if (*end != '\0' || n < 0 || n > 1000000)
		return -1;
	*index = (int)n;
	return 0;
}

static int
add_orphan(struct fernet_inv *inv, CK_OBJECT_HANDLE h)
{
	inv->orphans[inv->norphans++] = h;
	return 0;
}

static int
pair_halves(struct fernet_inv *inv, struct half *hv, size_t n)
{
	size_t		 i, j;
	struct fernet_obj *k;

	for (i = 0; i < n; i++) {
		if (hv[i].kt != CKK_AES)
			continue;
		for (j = 0; j < n; j++)
			if (!hv[j].used && hv[j].kt == CKK_GENERIC_SECRET &&
			    memcmp(hv[j].id, hv[i].id, FERNET_ID_LEN) == 0)
				break;
		k = &inv->keys[inv->nkeys];
		if (j == n || label_parse(inv->set, hv[i].label, &k->kind,
		    &k->index) != 0)
			continue;
		hv[i].used = hv[j].used = 1;
		k->enc = hv[i].h;
		k->mac = hv[j].h;
		memcpy(k->id, hv[i].id, FERNET_ID_LEN);
		k->imported = !hv[i].local;
		k->set = inv->set;
		inv->nkeys++;
	}
	for (i = 0; i < n; i++)
		if (!hv[i].used)
			add_orphan(inv, hv[i].h);
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct fernet_obj *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return y->index - x->index;
}

static void
check_dups(struct fernet_inv *inv)
{
	size_t	 i;

	for (i = 1; i < inv->nkeys; i++)
		if (inv->keys[i].kind == inv->keys[i - 1].kind &&
		    inv->keys[i].index == inv->keys[i - 1].index)
			inv->dup_index = 1;
}

static int
journal_read(struct hsm_sess *s, struct fernet_inv *inv)
{
	CK_ATTRIBUTE	 a[] = { { CKA_VALUE, inv->journal_op,
			    sizeof(inv->journal_op) - 1 } };
	CK_RV		 rv;
	int		 r;

	r = hsm_find_label(s, CKO_DATA, inv->set->journal, &inv->journal);
	if (r == SIG_ERR_KEY_NOT_FOUND)
		return 0;
	if (r == SIG_ERR_STATE) {
		strcpy(inv->journal_op, "?");
		return 0;
	}
	if (r != 0)
		return r;
	rv = s->f->C_GetAttributeValue(s->h, inv->journal, a, 1);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return INV_CHANGED;	/* the change just ended */
	if (rv != CKR_OK)
		return ck_err(rv, "reading the key set's journal");
	inv->journal_op[a[0].ulValueLen] = '\0';
	return 0;
}

static int
halves_load(struct hsm_sess *s, const struct fernet_set *set,
    struct half **hvp, size_t *np)
{
	CK_OBJECT_CLASS	 cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE	 t[] = { { CKA_CLASS, &cls, sizeof(cls) } };
	CK_OBJECT_HANDLE *hs;
	CK_ULONG	 n, i;
	struct half	*hv;
	size_t		 nh = 0;
	int		 r, gone = 0;

	*hvp = NULL;
	if ((hs = calloc(HSM_FIND_MAX, sizeof(*hs))) == NULL)
		return SIG_ERR_NOMEM;
	if ((r = hsm_find(s, t, 1, hs, HSM_FIND_MAX, &n)) != 0)
		goto out;
	if ((hv = calloc(n + 1, sizeof(*hv))) == NULL) {
		r = SIG_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((r = half_read(s, set, hs[i], &hv[nh])) < 0) {
			free(hv);
			goto out;
		}
		if (r == 0)
			nh++;
		gone |= r == 2;
	}
	if (gone) {
		free(hv);
		r = INV_CHANGED;
		goto out;
	}
	r = 0;
	*hvp = hv;
	*np = nh;
 out:
	free(hs);
	return r;
}

static int
inv_load_once(struct hsm_sess *s, const struct fernet_set *set,
    struct fernet_inv *inv)
{
	struct half	*hv;
	size_t		 n;
	int		 r;

	fernet_inv_clear(inv);
	inv->set = set;
	if ((r = halves_load(s, set, &hv, &n)) != 0)
		return r;
	inv->keys = calloc(n + 1, sizeof(*inv->keys));
	inv->orphans = calloc(n + 1, sizeof(*inv->orphans));
	if (inv->keys == NULL || inv->orphans == NULL) {
		free(hv);
		return SIG_ERR_NOMEM;
	}
	pair_halves(inv, hv, n);
	free(hv);
	qsort(inv->keys, inv->nkeys, sizeof(*inv->keys), key_cmp);
	check_dups(inv);
	return journal_read(s, inv);
}

/*
 * Caller clears inv (fernet_inv_clear) whatever the result. Another
 * process (signet-provision on this token) may destroy an object between
 * the listing and the reading of it: the listing is then taken again, so
 * that the inventory pairs what one moment held.
 */
int
fernet_inv_load(struct hsm_sess *s, const struct fernet_set *set,
    struct fernet_inv *inv)
{
	int	 r, tries = 0;

	memset(inv, 0, sizeof(*inv));
	while ((r = inv_load_once(s, set, inv)) == INV_CHANGED &&
	    ++tries < 5)
		continue;
	if (r == INV_CHANGED) {
		log_err("%s keys: the token kept changing while they were "
		    "listed", set->name);
		r = SIG_ERR_HSM_RETRY;
	}
	return r;
}

/* The set stays named: a cleared inventory is an empty one of its set. */
void
fernet_inv_clear(struct fernet_inv *inv)
{
	const struct fernet_set	*set = inv->set;

	free(inv->keys);
	free(inv->orphans);
	memset(inv, 0, sizeof(*inv));
	inv->set = set;
}

size_t
fernet_inv_count(const struct fernet_inv *inv, enum fernet_kind kind)
{
	size_t	 i, n = 0;

	for (i = 0; i < inv->nkeys; i++)
		n += inv->keys[i].kind == kind;
	return n;
}

struct fernet_obj *
fernet_inv_find(struct fernet_inv *inv, enum fernet_kind kind,
    int index)
{
	size_t	 i;

	for (i = 0; i < inv->nkeys; i++)
		if (inv->keys[i].kind == kind && inv->keys[i].index == index)
			return &inv->keys[i];
	return NULL;
}
