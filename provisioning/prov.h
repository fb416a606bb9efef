/*
 * signet-provision: the security team's CLI. It talks PKCS#11 directly,
 * as the token's user (or its SO for init-token), one command per run.
 */
#ifndef SIGNET_PROV_H
#define SIGNET_PROV_H

#include <stddef.h>

#include "config.h"
#include "fernet_keys.h"
#include "hsm.h"
#include "kek.h"

struct cms_engine;
struct secmem;

#define PROV_COMPONENTS_MAX	8	/* kek-setup --component */

struct prov_opts {
	int		 force;
	const struct fernet_set *keys;	/* --keys: the Fernet key set */
	const char	*key_type;
	const char	*subject;
	int		 days;
	const char	*csr;
	const char	*out;		/* --out */
	const char	*staged_from;	/* --staged-from: a wrapped export */
	const char	*components[PROV_COMPONENTS_MAX];
	int		 ncomponents;
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
int	prov_write_new(const char *, const void *, size_t, const char *);

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
int	fernet_may_replace(struct prov *);
int	cmd_fernet_export(struct prov *);
int	cmd_fernet_import_wrapped(struct prov *);
int	cmd_kek_component(struct prov *);
int	cmd_kek_setup(struct prov *);
void	status_kek(struct prov *, int *);
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
	const struct fernet_wrapped *wrapped;	/* or both halves under kek */
};

struct fernet_repo {
	struct fernet_repo_key	*keys;	/* sorted by index */
	size_t			 n;
	CK_OBJECT_HANDLE	 kek;	/* unwraps the keys' wrapped halves */
};

int	fernet_repo_read(const char *, int, const char *,
	    struct fernet_repo *);
int	fernet_repo_shape(const char *, struct fernet_repo *, int,
	    const char *);
void	fernet_repo_clear(struct fernet_repo *);

/* fernet_rotate.c: crash-safe changes to one of the token's key sets */
int	fernet_rotate(struct hsm_sess *, const struct fernet_set *, int,
	    const struct fernet_repo *, int *);
int	fernet_install(struct hsm_sess *, const struct fernet_set *,
	    const struct fernet_repo *);
int	fernet_repair(struct hsm_sess *, const struct fernet_set *, int,
	    int *);

/* kek_component.c: the custodians' KEK components, no HSM */
#define KEK_COMPONENT_LEN	32
#define KEK_KCV_HEX		7	/* 3 bytes in hex, NUL */
int	kek_component_write(const char *, char *);
int	kek_component_read(const char *, struct secmem **, char *);

/* wrapped_file.c: a key set wrapped under the KEK, on disk, no HSM */
#define WRAPPED_MAGIC		"signet-wrapped-fernet-keys"
#define WRAPPED_VERSION		1
#define WRAPPED_FILE_MAX	(256 * 1024)

struct wrapped_key {
	int		 index;
	char		 role[12];	/* primary, secondary, staged */
	struct fernet_wrapped w;
};

struct wrapped_file {
	char		 set[16];	/* token, receipt, credential */
	char		 kek[64];	/* the KEK's label */
	uint8_t		 mac_key[KEK_WRAPPED_MAC_KEY_LEN];
	struct wrapped_key *keys;	/* ascending index */
	size_t		 n;
	char		*text;		/* the whole file */
	size_t		 bodylen;	/* what the MAC covers */
	uint8_t		 mac[KEK_MAC_LEN];
};

int	wrapped_new(struct wrapped_file *, const struct fernet_set *,
	    size_t);
int	wrapped_body(struct wrapped_file *);
int	wrapped_finish(struct wrapped_file *);
int	wrapped_write(const char *, const struct wrapped_file *);
int	wrapped_read(const char *, struct wrapped_file *);
void	wrapped_clear(struct wrapped_file *);
/* cmd_fernet_wrap.c */
int	wrapped_import_checked(struct prov *, const char *,
	    struct wrapped_file *, struct fernet_repo *);

#endif
