/*
 * signet-provision: fernet-export and fernet-import-wrapped, a key set
 * copied to another HSM without ever being in clear outside one: every
 * key is wrapped under the KEK inside this token and unwrapped inside the
 * other (whose KEK came from the same components), and the file carries
 * a MAC only a holder of that KEK can check (kek_mac.c). An import is
 * checked whole before the token is touched and installs through the
 * journal, as fernet-import does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "prov.h"

static int
kek_get(struct prov *p, CK_OBJECT_HANDLE *kek)
{
	int	 r;

	if ((r = kek_find(p->s, kek)) == SIG_ERR_KEY_NOT_FOUND)
		log_err("no key-encryption key in this token: the SO enters "
		    "it with kek-setup first");
	return r;
}

/* The live keys of the set, as an export takes them: nothing pending. */
static int
export_inv(struct prov *p, struct fernet_inv *inv, size_t *n)
{
	int	 r;

	if ((r = fernet_inv_load(p->s, p->o.keys, inv)) != 0)
		return r;
	*n = fernet_inv_count(inv, FK_INDEX);
	if (inv->journal_op[0] != '\0' || inv->dup_index) {
		log_err("a %s key change was interrupted; finish it with "
		    "fernet-rotate --keys %s before exporting",
		    p->o.keys->what, p->o.keys->name);
		return SIG_ERR_STATE;
	}
	if (*n == 0) {
		log_err("no %s keys in the token to export", p->o.keys->what);
		return SIG_ERR_KEY_NOT_FOUND;
	}
	return 0;
}

/* Keys ascending by index (the inventory is descending), each wrapped. */
static int
export_keys(struct prov *p, CK_OBJECT_HANDLE kek, struct fernet_inv *inv,
    struct wrapped_file *wf)
{
	struct wrapped_key	*k;
	size_t			 i, j = 0;
	int			 r = 0, top = inv->keys[0].index;

	for (i = inv->nkeys; i-- > 0 && r == 0;) {
		if (inv->keys[i].kind != FK_INDEX)
			continue;
		k = &wf->keys[j++];
		k->index = inv->keys[i].index;
		snprintf(k->role, sizeof(k->role), "%s",
		    fernet_role(k->index, top, wf->n));
		r = fernet_key_wrap(p->s, kek, &inv->keys[i], &k->w);
	}
	return r;
}

static int
export_sign(struct prov *p, CK_OBJECT_HANDLE kek, struct wrapped_file *wf)
{
	CK_OBJECT_HANDLE mk = CK_INVALID_HANDLE;
	int		 r;

	if ((r = kek_mac_new(p->s, kek, wf->mac_key, &mk)) == 0 &&
	    (r = wrapped_body(wf)) == 0 &&
	    (r = kek_mac_sign(p->s, mk, (uint8_t *)wf->text, wf->bodylen,
	    wf->mac)) == 0)
		r = wrapped_finish(wf);
	kek_mac_free(p->s, mk);
	return r;
}

int
cmd_fernet_export(struct prov *p)
{
	struct fernet_inv	 inv;
	struct wrapped_file	 wf;
	CK_OBJECT_HANDLE	 kek;
	size_t			 n = 0;
	int			 r;

	memset(&wf, 0, sizeof(wf));
	if ((r = kek_get(p, &kek)) != 0)
		return r;
	if ((r = export_inv(p, &inv, &n)) == 0 &&
	    (r = wrapped_new(&wf, p->o.keys, n)) == 0 &&
	    (r = export_keys(p, kek, &inv, &wf)) == 0 &&
	    (r = export_sign(p, kek, &wf)) == 0 &&
	    (r = wrapped_write(p->o.out, &wf)) == 0)
		/* "-": the file is standard output, the report goes aside */
		fprintf(strcmp(p->o.out, "-") == 0 ? stderr : stdout,
		    "exported %zu %s keys to %s, wrapped under '%s'\n", n,
		    p->o.keys->name, p->o.out, KEK_LABEL);
	wrapped_clear(&wf);
	fernet_inv_clear(&inv);
	return r;
}

/* The file's MAC, checked in the token under its KEK. */
static int
import_verify(struct prov *p, const char *path, CK_OBJECT_HANDLE kek,
    struct wrapped_file *wf)
{
	CK_OBJECT_HANDLE mk = CK_INVALID_HANDLE;
	int		 r;

	if (strcmp(wf->kek, KEK_LABEL) != 0) {
		log_err("%s: wrapped under '%s', not '%s'", path, wf->kek,
		    KEK_LABEL);
		return SIG_ERR_BAD_INPUT;
	}
	if ((r = kek_mac_open(p->s, kek, wf->mac_key, &mk)) == SIG_ERR_CRYPTO)
		log_err("%s was not made under this token's key-encryption "
		    "key (other components), or it was changed", path);
	else if (r == 0 && (r = kek_mac_verify(p->s, mk, (uint8_t *)wf->text,
	    wf->bodylen, wf->mac)) == SIG_ERR_CRYPTO)
		log_err("%s was changed after it was made: its MAC does not "
		    "match", path);
	kek_mac_free(p->s, mk);
	return r;
}

/* The file's keys as a set to install; each role as its index says. */
static int
import_repo(struct prov *p, const char *path, struct wrapped_file *wf,
    struct fernet_repo *repo)
{
	const char	*opt;
	size_t		 i;
	int		 r, top = wf->keys[wf->n - 1].index;

	for (i = 0; i < wf->n; i++) {
		if (strcmp(wf->keys[i].role, fernet_role(wf->keys[i].index,
		    top, wf->n)) != 0) {
			log_err("%s: key %d is called %s, but its index makes "
			    "it %s", path, wf->keys[i].index,
			    wf->keys[i].role, fernet_role(wf->keys[i].index,
			    top, wf->n));
			return SIG_ERR_BAD_INPUT;
		}
		repo->keys[i].index = wf->keys[i].index;
		repo->keys[i].wrapped = &wf->keys[i].w;
	}
	repo->n = wf->n;
	r = fernet_repo_shape(path, repo, prov_max_active(p->cf, p->o.keys,
	    &opt), opt);
	return r;
}

/* A file read, checked and verified under the KEK, as a set to install;
 * the caller frees repo->keys and clears wf, whatever the result. */
int
wrapped_import_checked(struct prov *p, const char *path,
    struct wrapped_file *wf, struct fernet_repo *repo)
{
	int	 r;

	if ((r = wrapped_read(path, wf)) != 0)
		return r;
	if (strcmp(wf->set, p->o.keys->name) != 0) {
		log_err("%s holds %s keys, not %s keys (--keys %s)", path,
		    wf->set, p->o.keys->name, wf->set);
		return SIG_ERR_BAD_INPUT;
	}
	if (wf->n == 0) {
		log_err("%s holds no key", path);
		return SIG_ERR_BAD_INPUT;
	}
	if ((r = kek_get(p, &repo->kek)) != 0 ||
	    (r = import_verify(p, path, repo->kek, wf)) != 0)
		return r;
	if ((repo->keys = calloc(wf->n, sizeof(*repo->keys))) == NULL)
		return SIG_ERR_NOMEM;
	return import_repo(p, path, wf, repo);
}

int
cmd_fernet_import_wrapped(struct prov *p)
{
	struct wrapped_file	 wf;
	struct fernet_repo	 repo = { NULL, 0, CK_INVALID_HANDLE };
	const char		*path = p->args[0];
	int			 r;

	if ((r = wrapped_import_checked(p, path, &wf, &repo)) != 0)
		log_err("import refused; the token is unchanged");
	else if ((r = fernet_may_replace(p)) == 0 &&
	    (r = fernet_install(p->s, p->o.keys, &repo)) == 0)
		printf("imported %zu %s keys from %s\n", repo.n,
		    p->o.keys->name, path);
	free(repo.keys);
	wrapped_clear(&wf);
	return r;
}
