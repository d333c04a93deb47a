// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 crypto basics: one-time OpenSSL set-up, algorithm tables, random
 * bytes, HMAC, the PRF and prf+ (RFC 7296 §2.13).
 */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike/ike_crypto_int.h"

/* --- one-time set-up -------------------------------------------------------- */

struct cipher_entry {
	uint16_t encr;
	uint16_t key_bits;
	const char *name;
	EVP_CIPHER *cipher;
};

static struct cipher_entry ciphers[] = {
	{ IKE_ENCR_AES_CBC, 128, "AES-128-CBC", NULL },
	{ IKE_ENCR_AES_CBC, 192, "AES-192-CBC", NULL },
	{ IKE_ENCR_AES_CBC, 256, "AES-256-CBC", NULL },
	{ IKE_ENCR_AES_GCM_16, 128, "AES-128-GCM", NULL },
	{ IKE_ENCR_AES_GCM_16, 192, "AES-192-GCM", NULL },
	{ IKE_ENCR_AES_GCM_16, 256, "AES-256-GCM", NULL },
};

static EVP_MAC *hmac;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = -1;

static void crypto_init_once(void)
{
	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		ciphers[i].cipher = EVP_CIPHER_fetch(NULL, ciphers[i].name,
						     NULL);
		if (!ciphers[i].cipher)
			return;
	}
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!hmac)
		return;
	if (ike_dh_init_params())
		return;
	init_result = 0;
}

int ike_crypto_init(void)
{
	pthread_once(&init_once, crypto_init_once);
	return init_result;
}

int ike_random(uint8_t *buf, size_t len)
{
	if (len > INT32_MAX)
		return -1;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

/* --- algorithm tables ------------------------------------------------------- */

const EVP_CIPHER *ike_cipher(uint16_t encr, uint16_t key_bits)
{
	if (ike_crypto_init())
		return NULL;
	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (ciphers[i].encr == encr && ciphers[i].key_bits == key_bits)
			return ciphers[i].cipher;
	return NULL;
}

int ike_encr_info(uint16_t encr, uint16_t key_bits, struct ike_encr_info *out)
{
	memset(out, 0, sizeof(*out));
	if (key_bits != 128 && key_bits != 192 && key_bits != 256)
		return -1;	/* AES needs the key length attribute */
	out->id = encr;
	out->key_bits = key_bits;
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		out->key_len = (uint8_t)(key_bits / 8);
		out->iv_len = 16;
		out->block_len = 16;
		return 0;
	case IKE_ENCR_AES_GCM_16:
		out->salt_len = 4;
		out->key_len = (uint8_t)(key_bits / 8 + 4);
		out->iv_len = 8;
		out->block_len = 1;
		out->icv_len = 16;
		out->aead = true;
		return 0;
	default:
		return -1;
	}
}

struct hash_entry {
	uint16_t prf;
	uint16_t integ;
	const char *digest;
	uint8_t len;		/* digest length */
	uint8_t trunc;		/* INTEG ICV length */
};

static const struct hash_entry hashes[] = {
	{ IKE_PRF_HMAC_SHA1, IKE_INTEG_HMAC_SHA1_96, "SHA1", 20, 12 },
	{ IKE_PRF_HMAC_SHA2_256, IKE_INTEG_HMAC_SHA2_256_128, "SHA256", 32, 16 },
	{ IKE_PRF_HMAC_SHA2_384, IKE_INTEG_HMAC_SHA2_384_192, "SHA384", 48, 24 },
	{ IKE_PRF_HMAC_SHA2_512, IKE_INTEG_HMAC_SHA2_512_256, "SHA512", 64, 32 },
};

#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))

const char *ike_prf_digest(uint16_t prf)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].prf == prf)
			return hashes[i].digest;
	return NULL;
}

const char *ike_integ_digest(uint16_t integ)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].integ == integ)
			return hashes[i].digest;
	return NULL;
}

size_t ike_prf_len(uint16_t prf)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].prf == prf)
			return hashes[i].len;
	return 0;
}

int ike_integ_info(uint16_t integ, struct ike_integ_info *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < N_HASHES; i++) {
		if (hashes[i].integ == integ) {
			out->id = integ;
			out->key_len = hashes[i].len;
			out->icv_len = hashes[i].trunc;
			return 0;
		}
	}
	return -1;
}

/* --- HMAC, PRF, prf+ -------------------------------------------------------- */

static EVP_MAC_CTX *hmac_new(const char *digest, const uint8_t *key,
			     size_t key_len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;

	if (ike_crypto_init())
		return NULL;
	ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* HMAC takes any key length, including 0; give it a valid pointer */
	if (!EVP_MAC_init(ctx, key_len ? key : (const uint8_t *)"", key_len,
			  params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int hmac_run(EVP_MAC_CTX *ctx, const struct ike_chunk *in, size_t n_in,
		    const uint8_t *tail, size_t tail_len, uint8_t *out,
		    size_t *out_len)
{
	for (size_t i = 0; i < n_in; i++)
		if (in[i].len && !EVP_MAC_update(ctx, in[i].ptr, in[i].len))
			return -1;
	if (tail_len && !EVP_MAC_update(ctx, tail, tail_len))
		return -1;
	if (!EVP_MAC_final(ctx, out, out_len, IKE_PRF_MAX_LEN))
		return -1;
	return 0;
}

int ike_hmac(const char *digest, const uint8_t *key, size_t key_len,
	     const struct ike_chunk *in, size_t n_in, uint8_t *out,
	     size_t *out_len)
{
	EVP_MAC_CTX *ctx = hmac_new(digest, key, key_len);
	int ret;

	if (!ctx)
		return -1;
	ret = hmac_run(ctx, in, n_in, NULL, 0, out, out_len);
	EVP_MAC_CTX_free(ctx);
	return ret;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
	    const struct ike_chunk *in, size_t n_in, uint8_t *out)
{
	const char *digest = ike_prf_digest(prf);
	size_t len;

	if (!digest)
		return -1;
	return ike_hmac(digest, key, key_len, in, n_in, out, &len);
}

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
		 const struct ike_chunk *seed, size_t n_seed,
		 uint8_t *out, size_t out_len)
{
	const char *digest = ike_prf_digest(prf);
	size_t hlen = ike_prf_len(prf);
	uint8_t t[IKE_PRF_MAX_LEN];
	size_t done = 0, tlen = 0;
	EVP_MAC_CTX *ctx;
	int ret = -1;

	if (!digest || out_len > 255 * hlen)
		return -1;
	ctx = hmac_new(digest, key, key_len);
	if (!ctx)
		return -1;
	for (uint8_t n = 1; done < out_len; n++) {
		size_t got, take;

		/* re-initialise with the same key for each block */
		if (n > 1 && !EVP_MAC_init(ctx, NULL, 0, NULL))
			goto out;
		if (tlen && !EVP_MAC_update(ctx, t, tlen))
			goto out;
		if (hmac_run(ctx, seed, n_seed, &n, 1, t, &got))
			goto out;
		tlen = got;
		take = out_len - done < tlen ? out_len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
	}
	ret = 0;
out:
	OPENSSL_cleanse(t, sizeof(t));
	EVP_MAC_CTX_free(ctx);
	if (ret)
		OPENSSL_cleanse(out, out_len);
	return ret;
}
