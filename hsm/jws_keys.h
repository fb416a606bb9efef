/*
 * JWS (ES256) keys in the token, for signerd and provision. Each key pair
 * is labelled "signet-jws-N" once, when it is made, and never changed:
 * the highest index is staged (published, not yet signing), the one below
 * it signs, and older ones keep only their public half for validation.
 * So nothing is ever relabelled and every object is CKA_MODIFIABLE false.
 * Public keys imported from a Keystone repository are labelled
 * "signet-jws-imported" and only validate.
 */
#ifndef SIGNET_JWS_KEYS_H
#define SIGNET_JWS_KEYS_H

#include "hsm.h"
#include "jws.h"

#define JWS_LABEL_PREFIX	"signet-jws-"
#define JWS_IMPORT_LABEL	"signet-jws-imported"
#define JWS_ID_LEN		16
#define JWS_KEYS_MAX		64
#define JWS_SIG_LEN		64	/* r || s */

struct jws_key {
	int		 index;		/* from the label; 0 when imported */
	int		 imported;
	CK_OBJECT_HANDLE pub;
	CK_OBJECT_HANDLE priv;
	int		 has_priv;
	uint8_t		 spki[JWS_SPKI_LEN];
};

struct jws_inv {
	struct jws_key	 keys[JWS_KEYS_MAX];	/* index descending, imported last */
	size_t		 n;
};

int	jws_inv_load(struct hsm_sess *, struct jws_inv *);
const struct jws_key *jws_signing_key(const struct jws_inv *);
int	jws_key_generate(struct hsm_sess *, int, struct jws_key *);
int	jws_key_retire(struct hsm_sess *, struct jws_key *);
int	jws_key_destroy(struct hsm_sess *, struct jws_key *);
int	jws_pub_import(struct hsm_sess *, const uint8_t *, const uint8_t *);
int	jws_sign(struct hsm_sess *, const struct jws_key *, const uint8_t *,
	    uint8_t *);

#endif
