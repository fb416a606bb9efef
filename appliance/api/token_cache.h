/*
 * signet-api: a cache of validated token documents, emptied by any write
 * to the identity store ([token] cache_time; 0 turns it off).
 */
#ifndef SIGNET_TOKEN_CACHE_H
#define SIGNET_TOKEN_CACHE_H

#include <stdint.h>

#include <jansson.h>

struct store;

#define TC_USER_MAX	64

void	 tcache_init(int, struct store *);
void	 tcache_free(void);
void	 tcache_begin(void);
void	 tcache_drop(void);
void	 tcache_own_commit(int64_t);
uint64_t tcache_now(void);
int	 tcache_on(void);
json_t	*tcache_get(const char *, int, uint64_t, char *);
char	*tcache_get_text(const char *, int, uint64_t, char *);
void	 tcache_put(const char *, int, uint64_t, json_t *, const char *,
	    const char *, int64_t);

/* keys_watch.c: the cache emptied when the signer's keys change */
struct api;
int	 api_keys_watch_start(struct api *);
void	 api_keys_watch_stop(void);

/* store_cache.c: store answers every token needs, per epoch */
int	 scache_roles(struct store *, const char *, const char *,
	    const char *, json_t *);
json_t	*scache_catalog(struct store *, int *);
char	*scache_catalog_text(const json_t *);
struct store_user;
struct store_scope;
int	 scache_user(struct store *, const char *, struct store_user *);
int	 scache_project(struct store *, const char *, const char *,
	    const char *, struct store_scope *);
int	 scache_domain(struct store *, const char *, const char *,
	    struct store_scope *);
void	 scache_free(void);

/* revoked_cache.c: the revocation events, per epoch while few */
int	 scache_revoked(struct store *, char **, size_t, const char *,
	    int64_t);
void	 scache_revoked_free(void);

#endif
