/*
 * signet-provision: the security team's CLI. It talks PKCS#11 directly,
 * as the token's user (or its SO for init-token), one command per run.
 */
#ifndef SIGNET_PROV_H
#define SIGNET_PROV_H

#include <stddef.h>

#include "config.h"
#include "hsm.h"

struct cms_engine;
struct fernet_set;
struct secmem;

struct prov_opts {
	int		 force;
	const struct fernet_set *keys;	/* --keys: the Fernet key set */
	const char	*key_type;
	const char	*subject;
	int		 days;
	const char	*csr;
};

struct prov {
	struct config		*cf;
	struct prov_opts	 o;
	char			**args;
	int			 nargs;
	struct hsm_module	*m;
	CK_SLOT_ID		 slot;
	CK_TOKEN_INFO		 ti;
	struct hsm_pool		*pool;
	struct hsm_sess		*s;
	struct cms_engine	*eng;
};

int	prov_open(struct prov *);
int	prov_max_active(const struct config *, const struct fernet_set *,
	    const char **);
int	prov_engine(struct prov *);
void	prov_close(struct prov *, int);

int	cmd_init_token(struct prov *);
int	cmd_status(struct prov *);
int	status_problem(int *, const char *, const char *);
void	status_keys(struct prov *, CK_OBJECT_CLASS, int *);
int	cmd_pki_setup(struct prov *);
int	cmd_import_cert(struct prov *);
int	cmd_export_certs(struct prov *);
int	cmd_fernet_setup(struct prov *);
int	cmd_fernet_rotate(struct prov *);
int	cmd_fernet_list(struct prov *);
int	cmd_fernet_import(struct prov *);
int	cmd_jws_setup(struct prov *);
int	cmd_jws_rotate(struct prov *);
int	cmd_jws_list(struct prov *);
void	status_jws(struct prov *, int *);
int	cmd_export_jws_public(struct prov *);
int	cmd_import_jws_public(struct prov *);

/* fernet_plan.c: Keystone's rotation arithmetic, no HSM */
size_t	fernet_plan_purge(const int *, size_t, int, int *);
const char *fernet_role(int, int, size_t);

/* fernet_repo.c: a Keystone key repository on disk */
struct fernet_repo_key {
	int		 index;
	struct secmem	*key;	/* 32 bytes */
};

struct fernet_repo {
	struct fernet_repo_key	*keys;	/* sorted by index */
	size_t			 n;
};

int	fernet_repo_read(const char *, int, const char *,
	    struct fernet_repo *);
void	fernet_repo_clear(struct fernet_repo *);

/* fernet_rotate.c: crash-safe changes to one of the token's key sets */
int	fernet_rotate(struct hsm_sess *, const struct fernet_set *, int,
	    int *);
int	fernet_install(struct hsm_sess *, const struct fernet_set *,
	    const struct fernet_repo *);
int	fernet_repair(struct hsm_sess *, const struct fernet_set *, int,
	    int *);

#endif
