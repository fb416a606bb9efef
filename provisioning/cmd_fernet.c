/*
 * signet-provision: fernet-setup, fernet-rotate, fernet-list and
 * fernet-import, with Keystone's semantics (keystone-manage fernet_*,
 * receipt_* and credential_*), on the key set --keys names: the token
 * keys by default, the MFA receipt keys or the credential encryption keys.
 * Nothing here prints a key or anything derived from one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fernet_keys.h"
#include "log.h"
#include "prov.h"

/* Finishes an interrupted change first; *did tells the caller it ran. */
static int
fernet_prepare(struct prov *p, int *did)
{
	const char	*opt;
	int		 r;

	if ((r = fernet_repair(p->s, p->o.keys, prov_max_active(p->cf,
	    p->o.keys, &opt), did)) != 0)
		log_err_r(r, "could not finish the interrupted change");
	return r;
}

static int
count_live(struct prov *p, size_t *n)
{
	struct fernet_inv	 inv;
	int			 r;

	if ((r = fernet_inv_load(p->s, p->o.keys, &inv)) == 0)
		*n = fernet_inv_count(&inv, FK_INDEX);
	fernet_inv_clear(&inv);
	return r;
}

/* What replacing a set ends, for the --force message. */
static const char *
replaced_means(const struct fernet_set *set)
{
	if (set == &fernet_set_credential)
		return "every credential encrypted under them can no longer "
		    "be decrypted";
	if (set == &fernet_set_receipt)
		return "every receipt in flight dies";
	return "every live token dies";
}

/*
 * Before a command replaces the set: an interrupted change finished, and
 * keys already there replaced only with --force.
 */
int
fernet_may_replace(struct prov *p)
{
	size_t	 n;
	int	 r, did;

	if ((r = fernet_prepare(p, &did)) != 0 || (r = count_live(p, &n)) != 0)
		return r;
	if (n > 0 && !p->o.force) {
		log_err("the token already holds %zu %s keys; --force replaces "
		    "them (%s)", n, p->o.keys->what, replaced_means(p->o.keys));
		return SIG_ERR_EXISTS;
	}
	return 0;
}

int
cmd_fernet_setup(struct prov *p)
{
	struct fernet_repo	 fresh = { NULL, 0, CK_INVALID_HANDLE };
	struct fernet_repo_key	 k[2] = { { 0, NULL, NULL }, { 1, NULL, NULL } };
	const char		*opt;
	int			 r;

	if ((r = fernet_may_replace(p)) != 0)
		return r;
	/* Keystone: key 0, then one rotation (which keeps only 0 at 1). */
	fresh.keys = k;
	fresh.n = prov_max_active(p->cf, p->o.keys, &opt) > 1 ? 2 : 1;
	if ((r = fernet_install(p->s, p->o.keys, &fresh)))
		return r;
	if (p->o.keys == &fernet_set_token)
		printf("fernet keys set up: %zu\n", fresh.n);
	else
		printf("%s keys set up: %zu\n", p->o.keys->name, fresh.n);
	return 0;
}

/*
 * --staged-from: the new staged key is the one another node staged when it
 * rotated (its export, verified under the KEK), so that every node of a
 * cluster stages the same key (scripts/signet-cluster-rotate).
 */
static int
staged_from(struct prov *p, struct wrapped_file *wf, struct fernet_repo *rp)
{
	int	 r;

	memset(wf, 0, sizeof(*wf));
	if (p->o.staged_from == NULL)
		return 0;
	if ((r = wrapped_import_checked(p, p->o.staged_from, wf, rp)) != 0)
		log_err("rotation refused; the token is unchanged");
	return r;
}

int
cmd_fernet_rotate(struct prov *p)
{
	struct wrapped_file	 wf;
	struct fernet_repo	 staged = { NULL, 0, CK_INVALID_HANDLE };
	const char		*opt;
	int			 r, did, target;

	if ((r = fernet_prepare(p, &did)) != 0)
		return r;
	if (did) {
		printf("finished the interrupted change; not rotating again\n");
		return 0;
	}
	if ((r = staged_from(p, &wf, &staged)) == 0)
		r = fernet_rotate(p->s, p->o.keys, prov_max_active(p->cf,
		    p->o.keys, &opt), p->o.staged_from != NULL ? &staged :
		    NULL, &target);
	free(staged.keys);
	wrapped_clear(&wf);
	if (r != 0)
		return r;
	printf("rotated: key %d is the new primary\n", target);
	/* Keystone's credential_rotate refuses while a credential is under
	 * an older key; signet cannot see Keystone's database: say so. */
	if (p->o.keys == &fernet_set_credential)
		log_warn("re-encrypt every credential under the new primary "
		    "(signet-keystone-credential-migrate) before the next "
		    "credential rotation, which purges the key that was "
		    "primary until now");
	return 0;
}

int
cmd_fernet_list(struct prov *p)
{
	struct fernet_inv	 inv;
	size_t			 i, n;
	int			 r, top;

	if ((r = fernet_inv_load(p->s, p->o.keys, &inv)) != 0)
		goto out;
	if (inv.journal_op[0] != '\0')
		log_warn("a change was interrupted (%s); rerun fernet-rotate "
		    "to finish it", inv.journal_op);
	n = fernet_inv_count(&inv, FK_INDEX);
	top = n > 0 ? inv.keys[0].index : -1;	/* sorted: live, descending */
	for (i = inv.nkeys; i-- > 0;)
		if (inv.keys[i].kind == FK_INDEX)
			printf("%d %s\n", inv.keys[i].index,
			    fernet_role(inv.keys[i].index, top, n));
 out:
	fernet_inv_clear(&inv);
	return r;
}

int
cmd_fernet_import(struct prov *p)
{
	struct fernet_repo	 repo;
	const char		*opt;
	int			 r, max;

	if (p->nargs != 1) {
		log_err("fernet-import takes one directory");
		return SIG_ERR_USAGE;
	}
	max = prov_max_active(p->cf, p->o.keys, &opt);
	if ((r = fernet_repo_read(p->args[0], max, opt, &repo)) != 0) {
		log_err("import refused; the token is unchanged");
		goto out;
	}
	if ((r = fernet_may_replace(p)) != 0)
		goto out;
	if ((r = fernet_install(p->s, p->o.keys, &repo)))
		goto out;
	if (p->o.keys == &fernet_set_token)
		printf("imported %zu Fernet keys from %s\n", repo.n,
		    p->args[0]);
	else
		printf("imported %zu %s keys from %s\n", repo.n,
		    p->o.keys->name, p->args[0]);
 out:
	fernet_repo_clear(&repo);
	return r;
}
