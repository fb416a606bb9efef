/*
 * Fernet keys in the token, for signerd and provision. Key n is two
 * objects sharing one random CKA_ID: a CKK_AES (the encryption half,
 * labelled "signet-fernet-<n>") and a CKK_GENERIC_SECRET (the signing half
 * zero-padded to 32 bytes, labelled "signet-fernet-<n>-hmac"). The AES
 * label is authoritative: relabelling it is the one atomic step that moves
 * a key between indices.
 */
#ifndef SIGNET_FERNET_KEYS_H
#define SIGNET_FERNET_KEYS_H

#include "hsm.h"

#define FERNET_LABEL_PREFIX	"signet-fernet-"
#define FERNET_JOURNAL_LABEL	"signet-fernet-journal"
#define FERNET_KEY_LEN		32
#define FERNET_HALF_LEN		16
#define FERNET_MAC_OBJ_LEN	32
#define FERNET_ID_LEN		16
#define FERNET_KEYS_MAX		1024

enum fernet_kind {
	FK_INDEX,	/* signet-fernet-<n>: a live key */
	FK_TMP,		/* signet-fernet-tmp: the next staged key */
	FK_NEW,		/* signet-fernet-new-<n>: an install not yet done */
};

struct fernet_obj {
	enum fernet_kind	 kind;
	int			 index;
	CK_OBJECT_HANDLE	 enc;
	CK_OBJECT_HANDLE	 mac;
	uint8_t			 id[FERNET_ID_LEN];
	int			 imported;
};

struct fernet_inv {
	struct fernet_obj	*keys;		/* sorted: index descending */
	size_t			 nkeys;
	CK_OBJECT_HANDLE	*orphans;	/* halves without a partner */
	size_t			 norphans;
	int			 dup_index;	/* two keys claim one index */
	CK_OBJECT_HANDLE	 journal;
	char			 journal_op[16];	/* "" when none */
};

int	fernet_inv_load(struct hsm_sess *, struct fernet_inv *);
void	fernet_inv_clear(struct fernet_inv *);
size_t	fernet_inv_count(const struct fernet_inv *, enum fernet_kind);
struct fernet_obj *fernet_inv_find(struct fernet_inv *,
	    enum fernet_kind, int);
void	fernet_label(enum fernet_kind, int, int, char *, size_t);

int	fernet_key_generate(struct hsm_sess *, enum fernet_kind, int,
	    struct fernet_obj *);
int	fernet_key_import(struct hsm_sess *, enum fernet_kind, int,
	    const uint8_t *, struct fernet_obj *);
int	fernet_key_relabel(struct hsm_sess *, struct fernet_obj *,
	    enum fernet_kind, int);
int	fernet_key_destroy(struct hsm_sess *, const struct fernet_obj *);
int	fernet_key_session(struct hsm_sess *, const uint8_t *, const uint8_t *,
	    struct fernet_obj *);
void	fernet_key_session_free(struct hsm_sess *, struct fernet_obj *);

int	fernet_journal_write(struct hsm_sess *, const char *);
int	fernet_journal_clear(struct hsm_sess *, struct fernet_inv *);

#endif
