// SPDX-License-Identifier: GPL-2.0
/*
 * Negotiated ESP transforms -> the Linux XFRM algorithm names and key sizes
 * (the names the kernel's crypto API knows, as iproute2 and strongSwan's
 * kernel-netlink plugin pass them).
 */
#include <string.h>

#include "ike/ike_crypto.h"

struct esp_auth {
	uint16_t integ;
	const char *name;
	uint16_t key_bits;
	uint16_t trunc_bits;
};

static const struct esp_auth esp_auths[] = {
	{ IKE_INTEG_HMAC_SHA1_96, "hmac(sha1)", 160, 96 },
	{ IKE_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 256, 128 },
	{ IKE_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 384, 192 },
	{ IKE_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 512, 256 },
};

static int esp_auth(uint16_t integ, struct ike_esp_algs *out)
{
	for (size_t i = 0; i < sizeof(esp_auths) / sizeof(esp_auths[0]); i++) {
		if (esp_auths[i].integ == integ) {
			out->auth_name = esp_auths[i].name;
			out->auth_key_bits = esp_auths[i].key_bits;
			out->auth_trunc_bits = esp_auths[i].trunc_bits;
			out->integ_key_len = (uint8_t)(esp_auths[i].key_bits / 8);
			return 0;
		}
	}
	return -1;
}

int ike_esp_algs(const struct ike_suite *esp, struct ike_esp_algs *out)
{
	uint16_t bits = esp->encr_key_len;

	memset(out, 0, sizeof(*out));
	if (bits != 128 && bits != 192 && bits != 256)
		return -1;
	if (esp->esn != IKE_ESN_NO && esp->esn != IKE_ESN_YES)
		return -1;
	out->esn = esp->esn == IKE_ESN_YES;
	switch (esp->encr) {
	case IKE_ENCR_AES_GCM_16:
		if (esp->integ != IKE_INTEG_NONE)
			return -1;
		out->aead = true;
		out->encr_name = "rfc4106(gcm(aes))";
		out->encr_key_bits = bits + 32;	/* key || 4-byte salt */
		out->icv_bits = 128;
		break;
	case IKE_ENCR_AES_CBC:
		out->encr_name = "cbc(aes)";
		out->encr_key_bits = bits;
		/* ESP without integrity protection is not offered */
		if (esp_auth(esp->integ, out))
			return -1;
		break;
	default:
		return -1;
	}
	out->encr_key_len = (uint8_t)(out->encr_key_bits / 8);
	return 0;
}
