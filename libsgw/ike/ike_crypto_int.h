/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal glue between the ike_*.c crypto files (not a public header):
 * the OpenSSL objects fetched once by ike_crypto_init().
 */
#ifndef SGW_IKE_CRYPTO_INT_H
#define SGW_IKE_CRYPTO_INT_H

#include <openssl/evp.h>

#include "ike/ike_crypto.h"

/* Cipher for an ENCR transform and key size in bits (NULL if none). */
const EVP_CIPHER *ike_cipher(uint16_t encr, uint16_t key_bits);
/* OpenSSL digest name of a PRF / INTEG transform (NULL if unsupported). */
const char *ike_prf_digest(uint16_t prf);
const char *ike_integ_digest(uint16_t integ);

/* HMAC with the named digest over chunks; out gets the full digest length
 * (*out_len). */
int ike_hmac(const char *digest, const uint8_t *key, size_t key_len,
	     const struct ike_chunk *in, size_t n_in, uint8_t *out,
	     size_t *out_len);

/* Domain parameters of the MODP groups, set up by ike_crypto_init(). */
EVP_PKEY *ike_modp_params(uint16_t group);
int ike_dh_init_params(void);

#endif /* SGW_IKE_CRYPTO_INT_H */
