/*
 * The PKCS#11 layer, linked only into signet-signerd and signet-provision:
 * module loading, token lookup, PIN files, the session pool and object
 * helpers. Inside hsm/ functions carry CK_RV; at this edge ck_err() turns
 * it into a SIG_ERR_* code of class retry, re-initialise or fatal.
 */
#ifndef SIGNET_HSM_H
#define SIGNET_HSM_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

struct secmem;

/* PKCS#11 templates take non-const pointers even for input values. */
#define CK_IN(p)	((void *)(uintptr_t)(p))

#define HSM_LABEL_MAX		64
#define HSM_POOL_MAX		64
#define HSM_OBJCACHE_MAX	64

/* module.c */
struct hsm_module {
	void			*dl;
	CK_FUNCTION_LIST_PTR	 f;
	char			*path;
	int			 owner;	/* we called C_Initialize */
};

int	hsm_module_load(const char *, struct hsm_module **);
void	hsm_module_free(struct hsm_module *);

/* ck.c */
enum hsm_class {
	HSM_RETRY,
	HSM_REINIT,
	HSM_FATAL,
};

const char	*ck_name(CK_RV);
enum hsm_class	 ck_class(CK_RV);
int		 ck_err(CK_RV, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* uri.c: the token-identifying part of an RFC 7512 pkcs11: URI */
struct hsm_uri {
	char		*token;
	char		*manufacturer;
	char		*serial;
	char		*model;
	CK_SLOT_ID	 slot_id;
	int		 has_slot_id;
};

int	hsm_uri_parse(const char *, struct hsm_uri *);
void	hsm_uri_clear(struct hsm_uri *);
int	hsm_uri_match(const struct hsm_uri *, CK_SLOT_ID,
	    const CK_TOKEN_INFO *);
void	hsm_field_str(const CK_UTF8CHAR *, size_t, char *, size_t);

/* token.c */
int	hsm_token_find(struct hsm_module *, const char *, CK_SLOT_ID *,
	    CK_TOKEN_INFO *);
int	hsm_token_find_free(struct hsm_module *, const char *, CK_SLOT_ID *);
int	hsm_token_count(struct hsm_module *, const char *, CK_SLOT_ID *);
struct secmem;
int	hsm_token_init(struct hsm_module *, CK_SLOT_ID, struct secmem *,
	    const CK_UTF8CHAR *);

/* pin.c */
#define HSM_PIN_MAX	255
int	hsm_pin_read(const char *, size_t, struct secmem **);
struct hsm_sess;
int	hsm_pin_init_user(struct hsm_sess *, struct secmem *,
	    const char *);

/* pool.c: one login, one session per worker, cached object handles */
struct hsm_pool;

struct hsm_sess {
	CK_FUNCTION_LIST_PTR	 f;
	CK_SESSION_HANDLE	 h;
	struct hsm_pool		*pool;
	int			 broken;
	int			 busy;
};

#define HSM_POOL_KEEP_PIN	0x1	/* keep the PIN to log in again */

int	hsm_pool_new(struct hsm_module *, CK_SLOT_ID, CK_USER_TYPE,
	    struct secmem *, int, int, struct hsm_pool **);
void	hsm_pool_free(struct hsm_pool *);
int	hsm_sess_get(struct hsm_pool *, struct hsm_sess **);
int	hsm_sess_get_timed(struct hsm_pool *, int, struct hsm_sess **);
void	hsm_sess_put(struct hsm_pool *, struct hsm_sess *, int);
int	hsm_pool_find(struct hsm_pool *, struct hsm_sess *, CK_OBJECT_CLASS,
	    const char *, CK_OBJECT_HANDLE *);
unsigned int hsm_pool_logins(struct hsm_pool *);
unsigned int hsm_pool_generation(struct hsm_pool *);

/* objects.c */
#define HSM_FIND_MAX	4096

int	hsm_find(struct hsm_sess *, CK_ATTRIBUTE *, CK_ULONG,
	    CK_OBJECT_HANDLE *, CK_ULONG, CK_ULONG *);
int	hsm_find_label(struct hsm_sess *, CK_OBJECT_CLASS, const char *,
	    CK_OBJECT_HANDLE *);
int	hsm_attr_get(struct hsm_sess *, CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE,
	    void *, CK_ULONG *);
int	hsm_attr_alloc(struct hsm_sess *, CK_OBJECT_HANDLE,
	    CK_ATTRIBUTE_TYPE, uint8_t **, CK_ULONG *);
int	hsm_attr_bool(struct hsm_sess *, CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE,
	    int *);
int	hsm_attrs_read(struct hsm_sess *, CK_OBJECT_HANDLE, CK_ATTRIBUTE *,
	    CK_ULONG);
int	hsm_label_get(struct hsm_sess *, CK_OBJECT_HANDLE, char *, size_t);
int	hsm_label_set(struct hsm_sess *, CK_OBJECT_HANDLE, const char *);
int	hsm_destroy(struct hsm_sess *, CK_OBJECT_HANDLE, const char *);
int	hsm_label_each(struct hsm_sess *, CK_OBJECT_CLASS, const char *,
	    const char *);
int	hsm_random(struct hsm_sess *, uint8_t *, size_t);

#endif
