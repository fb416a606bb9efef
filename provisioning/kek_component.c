/*
 * signet-provision: the custodians' components of the key-encryption key.
 * A component is 32 random bytes in hex, one line, in a 0600 file of its
 * custodian's; the KEK is the XOR of all of them, made only inside
 * kek-setup, in locked memory. The check value shown to a custodian is
 * that of his own component (the first 3 bytes of AES-256-ECB of a zero
 * block under it), never one of the KEK.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "err.h"
#include "log.h"
#include "prov.h"
#include "secmem.h"
#include "secret_file.h"

#define HEX_LEN		(KEK_COMPONENT_LEN * 2)

static int
kcv(const uint8_t *c, char *out)
{
	static const uint8_t	 zero[16];
	uint8_t			 blk[32];
	EVP_CIPHER_CTX		*x = EVP_CIPHER_CTX_new();
	int			 n = 0, ok;

	ok = x != NULL &&
	    EVP_EncryptInit_ex(x, EVP_aes_256_ecb(), NULL, c, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_EncryptUpdate(x, blk, &n, zero, sizeof(zero)) == 1 && n == 16;
	EVP_CIPHER_CTX_free(x);
	if (!ok)
		return SIG_ERR_CRYPTO;
	snprintf(out, KEK_KCV_HEX, "%02X%02X%02X", blk[0], blk[1], blk[2]);
	OPENSSL_cleanse(blk, sizeof(blk));
	return 0;
}

static int
unhex(const uint8_t *txt, size_t len, uint8_t *out)
{
	size_t	 i;
	int	 hi, lo;

	if (len != HEX_LEN)
		return -1;
	for (i = 0; i < KEK_COMPONENT_LEN; i++) {
		hi = OPENSSL_hexchar2int(txt[2 * i]);
		lo = OPENSSL_hexchar2int(txt[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A new component in path (0600, never over a file); its KCV in kcvp. */
int
kek_component_write(const char *path, char *kcvp)
{
	struct secmem	*c = secmem_new(KEK_COMPONENT_LEN);
	struct secmem	*txt = secmem_new(HEX_LEN + 2);
	uint8_t		*p;
	size_t		 i;
	int		 r = SIG_ERR_NOMEM;

	if (c == NULL || txt == NULL)
		goto out;
	r = SIG_ERR_CRYPTO;
	if (RAND_priv_bytes(secmem_data(c), KEK_COMPONENT_LEN) != 1)
		goto out;
	p = secmem_data(txt);
	for (i = 0; i < KEK_COMPONENT_LEN; i++)
		snprintf((char *)p + 2 * i, 3, "%02x", secmem_data(c)[i]);
	p[HEX_LEN] = '\n';
	if ((r = kcv(secmem_data(c), kcvp)) == 0)
		r = prov_write_new(path, p, HEX_LEN + 1, "a component");
 out:
	secmem_free(c);
	secmem_free(txt);
	return r;
}

/* Caller owns *cp (secmem_free): the component's 32 bytes. */
int
kek_component_read(const char *path, struct secmem **cp, char *kcvp)
{
	struct secmem	*txt = NULL, *c = NULL;
	char		 why[160];
	int		 r;

	*cp = NULL;
	if ((r = secret_file_read(path, HEX_LEN, &txt, why,
	    sizeof(why))) != 0) {
		log_err("component %s: %s", path, why);
		return r;
	}
	if ((c = secmem_new(KEK_COMPONENT_LEN)) == NULL)
		r = SIG_ERR_NOMEM;
	else if (unhex(secmem_data(txt), secmem_len(txt),
	    secmem_data(c)) != 0) {
		log_err("component %s: not 64 hexadecimal digits", path);
		r = SIG_ERR_BAD_INPUT;
	} else if ((r = kcv(secmem_data(c), kcvp)) == 0) {
		secmem_set_len(c, KEK_COMPONENT_LEN);
		*cp = c;
		c = NULL;
	}
	secmem_free(txt);
	secmem_free(c);
	return r;
}
