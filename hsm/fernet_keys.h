/*
 * Fernet keys in the token, for signerd and provision. Keystone keeps
 * three Fernet key repositories (token keys, MFA receipt keys, credential
 * encryption keys); each is a key set here, told apart by its label
 * prefix and with a journal of its own, so rotating one never touches
 * another. Key n of a set is two objects sharing one random CKA_ID: a
 * CKK_AES (the encryption half, labelled "<prefix><n>", e.g.
 * "signet-fernet-2") and a CKK_GENERIC_SECRET (the signing half
 * zero-padded to 32 bytes, "<prefix><n>-hmac"). The AES label is
 * authoritative: relabelling it is the one atomic step that moves a key
 * between indices.
 */
#ifndef SIGNET_FERNET_KEYS_H
#define SIGNET_FERNET_KEYS_H

#include "hsm.h"

/* The token keys' set (the first signet had, and the default). */
#define FERNET_LABEL_PREFIX	"signet-fernet-"
#define FERNET_JOURNAL_LABEL	"signet-fernet-journal"
#define FERNET_KEY_LEN		32
#define FERNET_HALF_LEN		16
#define FERNET_MAC_OBJ_LEN	32
#define FERNET_ID_LEN		16
#define FERNET_KEYS_MAX		1024

/*
 * A key set: Keystone's [fernet_tokens], [fernet_receipts] or
 * [credential] key repository. No prefix is a prefix of another's.
 */
struct fernet_set {
	const char	*name;		/* token, receipt, credential */
	const char	*prefix;	/* of its keys' labels */
	const char	*journal;	/* its journal object's label */
	const char	*what;		/* in messages: "Fernet token" ... */
};

extern const struct fernet_set	fernet_set_token;
extern const struct fernet_set	fernet_set_receipt;
extern const struct fernet_set	fernet_set_credential;
extern const struct fernet_set *const fernet_sets[];	/* NULL-ended */

const struct fernet_set *fernet_set_named(const char *);

enum fernet_kind {
	FK_INDEX,	/* <prefix><n>: a live key */
	FK_TMP,		/* <prefix>tmp: the next staged key */
	FK_NEW,		/* <prefix>new-<n>: an install not yet done */
};

struct fernet_obj {
	enum fernet_kind	 kind;
	int			 index;
	CK_OBJECT_HANDLE	 enc;
	CK_OBJECT_HANDLE	 mac;
	uint8_t			 id[FERNET_ID_LEN];
	int			 imported;
	const struct fernet_set	*set;		/* NULL: a session key */
};

struct fernet_inv {
	const struct fernet_set	*set;
	struct fernet_obj	*keys;		/* sorted: index descending */
	size_t			 nkeys;
	CK_OBJECT_HANDLE	*orphans;	/* halves without a partner */
	size_t			 norphans;
	int			 dup_index;	/* two keys claim one index */
	CK_OBJECT_HANDLE	 journal;
	char			 journal_op[16];	/* "" when none */
};

int	fernet_inv_load(struct hsm_sess *, const struct fernet_set *,
	    struct fernet_inv *);
void	fernet_inv_clear(struct fernet_inv *);
size_t	fernet_inv_count(const struct fernet_inv *, enum fernet_kind);
struct fernet_obj *fernet_inv_find(struct fernet_inv *,
	    enum fernet_kind, int);
void	fernet_label(const struct fernet_set *, enum fernet_kind, int, int,
	    char *, size_t);

int	fernet_key_generate(struct hsm_sess *, const struct fernet_set *,
	    enum fernet_kind, int, struct fernet_obj *);
int	fernet_key_import(struct hsm_sess *, const struct fernet_set *,
	    enum fernet_kind, int, const uint8_t *, struct fernet_obj *);
/* A key's two halves under the KEK, CKM_AES_KEY_WRAP_PAD (RFC 5649). */
struct fernet_wrapped {
	uint8_t		 enc[FERNET_HALF_LEN + 8];
	uint8_t		 mac[FERNET_MAC_OBJ_LEN + 8];
};

int	fernet_key_wrap(struct hsm_sess *, CK_OBJECT_HANDLE,
	    const struct fernet_obj *, struct fernet_wrapped *);
int	fernet_key_unwrap(struct hsm_sess *, const struct fernet_set *,
	    enum fernet_kind, int, CK_OBJECT_HANDLE,
	    const struct fernet_wrapped *, struct fernet_obj *);
int	fernet_key_relabel(struct hsm_sess *, struct fernet_obj *,
	    enum fernet_kind, int);
int	fernet_key_destroy(struct hsm_sess *, const struct fernet_obj *);
int	fernet_key_session(struct hsm_sess *, const uint8_t *, const uint8_t *,
	    struct fernet_obj *);
void	fernet_key_session_free(struct hsm_sess *, struct fernet_obj *);

int	fernet_journal_write(struct hsm_sess *, const struct fernet_set *,
	    const char *);
int	fernet_journal_clear(struct hsm_sess *, struct fernet_inv *);

#endif
