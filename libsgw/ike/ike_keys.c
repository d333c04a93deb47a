// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 key derivation: IKE SA keys (RFC 7296 §2.14), rekeyed IKE SA keys
 * (§2.18) and CHILD SA keying material (§2.17).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "ike/ike_crypto_int.h"

/* Sizes of the seven SA keys from the negotiated IKE suite. */
static int keys_setup(const struct ike_suite *s, struct ike_sa_keys *k)
{
	struct ike_encr_info ei;
	struct ike_integ_info ii;
	size_t prf_len = ike_prf_len(s->prf);

	memset(k, 0, sizeof(*k));
	if (!prf_len || ike_encr_info(s->encr, s->encr_key_len, &ei))
		return -1;
	if (ei.aead) {
		if (s->integ != IKE_INTEG_NONE)
			return -1;
		ii.key_len = 0;
	} else if (ike_integ_info(s->integ, &ii)) {
		return -1;
	}
	k->encr = s->encr;
	k->encr_key_bits = s->encr_key_len;
	k->integ = s->integ;
	k->prf = s->prf;
	k->prf_len = (uint8_t)prf_len;
	k->integ_key_len = ii.key_len;
	k->encr_key_len = ei.key_len;
	return 0;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *	= prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
static int keys_expand(struct ike_sa_keys *k, const uint8_t *skeyseed,
		       size_t seed_len, const uint8_t *ni, size_t ni_len,
		       const uint8_t *nr, size_t nr_len, uint64_t spi_i,
		       uint64_t spi_r)
{
	uint8_t km[3 * IKE_PRF_MAX_LEN + 2 * IKE_INTEG_MAX_KEY_LEN +
		   2 * IKE_ENCR_MAX_KEY_LEN];
	uint8_t spis[16];
	struct ike_chunk seed[] = {
		{ ni, ni_len }, { nr, nr_len }, { spis, sizeof(spis) },
	};
	size_t p = k->prf_len, a = k->integ_key_len, e = k->encr_key_len;
	size_t total = 3 * p + 2 * a + 2 * e, off = 0;

	sgw_put_be64(spis, spi_i);
	sgw_put_be64(spis + 8, spi_r);
	if (ike_prf_plus(k->prf, skeyseed, seed_len, seed, 3, km, total))
		return -1;
	memcpy(k->sk_d, km + off, p), off += p;
	memcpy(k->sk_ai, km + off, a), off += a;
	memcpy(k->sk_ar, km + off, a), off += a;
	memcpy(k->sk_ei, km + off, e), off += e;
	memcpy(k->sk_er, km + off, e), off += e;
	memcpy(k->sk_pi, km + off, p), off += p;
	memcpy(k->sk_pr, km + off, p);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}

int ike_derive_sa_keys(const struct ike_suite *suite,
		       const uint8_t *gir, size_t gir_len,
		       const uint8_t *ni, size_t ni_len,
		       const uint8_t *nr, size_t nr_len,
		       uint64_t spi_i, uint64_t spi_r,
		       struct ike_sa_keys *out)
{
	uint8_t nonces[2 * IKE_NONCE_MAX_LEN];
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	struct ike_chunk in = { gir, gir_len };
	int ret = -1;

	if (ni_len > IKE_NONCE_MAX_LEN || nr_len > IKE_NONCE_MAX_LEN ||
	    keys_setup(suite, out))
		return -1;
	/* SKEYSEED = prf(Ni | Nr, g^ir) */
	memcpy(nonces, ni, ni_len);
	memcpy(nonces + ni_len, nr, nr_len);
	if (ike_prf(out->prf, nonces, ni_len + nr_len, &in, 1, skeyseed))
		goto out;
	ret = keys_expand(out, skeyseed, out->prf_len, ni, ni_len, nr, nr_len,
			  spi_i, spi_r);
out:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	if (ret)
		ike_sa_keys_wipe(out);
	return ret;
}

int ike_derive_rekeyed_sa_keys(const struct ike_sa_keys *old,
			       const struct ike_suite *suite,
			       const uint8_t *gir, size_t gir_len,
			       const uint8_t *ni, size_t ni_len,
			       const uint8_t *nr, size_t nr_len,
			       uint64_t spi_i, uint64_t spi_r,
			       struct ike_sa_keys *out)
{
	uint8_t skeyseed[IKE_PRF_MAX_LEN];
	struct ike_chunk in[] = {
		{ gir, gir_len }, { ni, ni_len }, { nr, nr_len },
	};
	size_t seed_len = old->prf_len;
	uint16_t old_prf = old->prf;
	int ret = -1;

	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), old PRF.
	 * old may alias out: take what we need before keys_setup(). */
	if (ike_prf(old_prf, old->sk_d, old->prf_len, in, 3, skeyseed))
		goto out;
	if (keys_setup(suite, out))
		goto out;
	ret = keys_expand(out, skeyseed, seed_len, ni, ni_len, nr, nr_len,
			  spi_i, spi_r);
out:
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	if (ret)
		ike_sa_keys_wipe(out);
	return ret;
}

void ike_sa_keys_wipe(struct ike_sa_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int ike_derive_child_keys(const struct ike_sa_keys *ike,
			  const struct ike_suite *esp,
			  const uint8_t *gir, size_t gir_len,
			  const uint8_t *ni, size_t ni_len,
			  const uint8_t *nr, size_t nr_len,
			  struct ike_child_keys *out)
{
	uint8_t km[2 * (IKE_ENCR_MAX_KEY_LEN + IKE_INTEG_MAX_KEY_LEN)];
	struct ike_chunk seed[] = {
		{ gir, gir ? gir_len : 0 }, { ni, ni_len }, { nr, nr_len },
	};
	struct ike_esp_algs algs;
	size_t e, a, off = 0;

	memset(out, 0, sizeof(*out));
	if (ike_esp_algs(esp, &algs))
		return -1;
	e = algs.encr_key_len;
	a = algs.integ_key_len;
	/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) */
	if (ike_prf_plus(ike->prf, ike->sk_d, ike->prf_len, seed, 3, km,
			 2 * (e + a)))
		return -1;
	out->encr_key_len = (uint8_t)e;
	out->integ_key_len = (uint8_t)a;
	memcpy(out->encr_i, km + off, e), off += e;
	memcpy(out->integ_i, km + off, a), off += a;
	memcpy(out->encr_r, km + off, e), off += e;
	memcpy(out->integ_r, km + off, a);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}

void ike_child_keys_wipe(struct ike_child_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
