// SPDX-License-Identifier: GPL-2.0
/*
 * AUTH payload data (RFC 7296 §2.15): signed octets and the shared key MIC.
 *
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 *   MACedIDForI           = prf(SK_pi, RestOfInitIDPayload)
 *   AUTH (PSK)            = prf(prf(Shared Secret, "Key Pad for IKEv2"),
 *                               <SignedOctets>)
 * and the same with R/I swapped for the responder.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_crypto_int.h"

static const uint8_t key_pad[] = "Key Pad for IKEv2";	/* 17 octets, no NUL */

/* prf(SK_px, RestOfIDPayload) */
static int maced_id(const struct ike_sa_keys *k, bool initiator,
		    const uint8_t *id_body, size_t id_len, uint8_t *out)
{
	struct ike_chunk in = { id_body, id_len };

	return ike_prf(k->prf, initiator ? k->sk_pi : k->sk_pr, k->prf_len,
		       &in, 1, out);
}

int ike_auth_octets(const struct ike_sa_keys *k, bool initiator,
		    const uint8_t *real_msg, size_t real_len,
		    const uint8_t *nonce, size_t nonce_len,
		    const uint8_t *id_body, size_t id_len,
		    uint8_t *out, size_t cap, size_t *len)
{
	size_t total = real_len + nonce_len + k->prf_len;

	if (!k->prf_len || total > cap || !real_msg || !nonce || !id_body)
		return -1;
	memcpy(out, real_msg, real_len);
	memcpy(out + real_len, nonce, nonce_len);
	if (maced_id(k, initiator, id_body, id_len,
		     out + real_len + nonce_len))
		return -1;
	*len = total;
	return 0;
}

int ike_auth_psk(const struct ike_sa_keys *k, bool initiator,
		 const uint8_t *psk, size_t psk_len,
		 const uint8_t *real_msg, size_t real_len,
		 const uint8_t *nonce, size_t nonce_len,
		 const uint8_t *id_body, size_t id_len,
		 uint8_t *out, size_t cap, size_t *len)
{
	uint8_t mid[IKE_PRF_MAX_LEN], padded[IKE_PRF_MAX_LEN];
	struct ike_chunk pad = { key_pad, sizeof(key_pad) - 1 };
	struct ike_chunk octets[] = {
		{ real_msg, real_len }, { nonce, nonce_len },
		{ mid, k->prf_len },
	};
	int ret = -1;

	if (!k->prf_len || cap < k->prf_len || !psk || !psk_len ||
	    !real_msg || !nonce || !id_body)
		return -1;
	if (maced_id(k, initiator, id_body, id_len, mid) ||
	    ike_prf(k->prf, psk, psk_len, &pad, 1, padded) ||
	    ike_prf(k->prf, padded, k->prf_len, octets, 3, out))
		goto out;
	*len = k->prf_len;
	ret = 0;
out:
	OPENSSL_cleanse(padded, sizeof(padded));
	OPENSSL_cleanse(mid, sizeof(mid));
	return ret;
}

bool ike_auth_psk_verify(const struct ike_sa_keys *k, bool initiator,
			 const uint8_t *psk, size_t psk_len,
			 const uint8_t *real_msg, size_t real_len,
			 const uint8_t *nonce, size_t nonce_len,
			 const uint8_t *id_body, size_t id_len,
			 const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKE_PRF_MAX_LEN];
	size_t len;
	bool ok;

	if (ike_auth_psk(k, initiator, psk, psk_len, real_msg, real_len,
			 nonce, nonce_len, id_body, id_len, want, sizeof(want),
			 &len))
		return false;
	ok = auth && auth_len == len && CRYPTO_memcmp(want, auth, len) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

size_t ike_id_body(const struct ike_id *id, uint8_t *out, size_t cap)
{
	if (!id->len || id->len > IKE_ID_MAX_LEN || cap < 4u + id->len)
		return 0;
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4u + id->len;
}
