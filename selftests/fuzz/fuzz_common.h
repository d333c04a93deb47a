/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the IKE message fuzzer and its corpus generator share: the input
 * format and the fixed keys protected seeds are made with.
 *
 * Input: byte 0 selects the mode.
 *   even: bytes 1.. are a whole IKE message (ike_msg_parse, then
 *         ike_sk_unprotect with FUZZ_SUITE keys and ike_msg_parse_inner)
 *   odd:  byte 1 is the first inner payload type, bytes 2.. a decrypted SK
 *         plaintext (ike_msg_parse_inner alone, past the ICV barrier)
 */
#ifndef SGW_FUZZ_COMMON_H
#define SGW_FUZZ_COMMON_H

#include <string.h>

#include "ike/ike_crypto.h"

#define FUZZ_MODE_MSG	0
#define FUZZ_MODE_INNER	1

static const struct ike_suite fuzz_suite = {
	.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_GCM_16,
	.encr_key_len = 128, .prf = IKE_PRF_HMAC_SHA2_256,
	.dh = IKE_DH_ECP256,
};

static inline int fuzz_keys(struct ike_sa_keys *k)
{
	uint8_t gir[32], nonce[32];

	memset(gir, 0x11, sizeof(gir));
	memset(nonce, 0x22, sizeof(nonce));
	return ike_derive_sa_keys(&fuzz_suite, gir, sizeof(gir), nonce,
				  sizeof(nonce), nonce, sizeof(nonce),
				  0x0102030405060708ULL, 0x1112131415161718ULL,
				  k);
}

#endif /* SGW_FUZZ_COMMON_H */
