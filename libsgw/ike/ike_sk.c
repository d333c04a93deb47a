// SPDX-License-Identifier: GPL-2.0
/*
 * The Encrypted and Authenticated payload (RFC 7296 §3.14) with AES-CBC +
 * HMAC, and AES-GCM-16 (RFC 5282: nonce = 4-byte salt || 8-byte IV, AAD =
 * the message up to and including SK's generic header).
 *
 *   SK payload: | generic hdr | IV | ciphertext (inner | pad | padlen) | ICV |
 */
#include <string.h>

#include <openssl/crypto.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_crypto_int.h"

#define GCM_SALT_LEN	4
#define GCM_NONCE_LEN	12

struct sk_params {
	struct ike_encr_info ei;
	struct ike_integ_info ii;
	const EVP_CIPHER *cipher;
	const uint8_t *ekey;	/* cipher key, then salt for GCM */
	const uint8_t *akey;
	size_t icv_len;
};

static int sk_params(const struct ike_sa_keys *k, bool from_initiator,
		     struct sk_params *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (ike_encr_info(k->encr, k->encr_key_bits, &sp->ei))
		return -1;
	sp->cipher = ike_cipher(k->encr, k->encr_key_bits);
	if (!sp->cipher)
		return -1;
	sp->ekey = from_initiator ? k->sk_ei : k->sk_er;
	if (sp->ei.aead) {
		sp->icv_len = sp->ei.icv_len;
	} else {
		if (ike_integ_info(k->integ, &sp->ii))
			return -1;
		sp->akey = from_initiator ? k->sk_ai : k->sk_ar;
		sp->icv_len = sp->ii.icv_len;
	}
	return 0;
}

size_t ike_sk_iv_len(const struct ike_sa_keys *k)
{
	struct ike_encr_info ei;

	return ike_encr_info(k->encr, k->encr_key_bits, &ei) ? 0 : ei.iv_len;
}

size_t ike_sk_trailer_max(const struct ike_sa_keys *k)
{
	struct sk_params sp;

	if (sk_params(k, true, &sp))
		return 0;
	return sp.ei.block_len + sp.icv_len;	/* pad + padlen + ICV */
}

/* HMAC of msg[0..len) truncated to the ICV length. */
static int sk_icv(const struct sk_params *sp, const uint8_t *msg, size_t len,
		  uint8_t *icv)
{
	uint8_t full[IKE_PRF_MAX_LEN];
	struct ike_chunk in = { msg, len };
	size_t got;

	if (ike_hmac(ike_integ_digest(sp->ii.id), sp->akey, sp->ii.key_len,
		     &in, 1, full, &got) || got < sp->icv_len)
		return -1;
	memcpy(icv, full, sp->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
}

/* AES-GCM in either direction over data (in place allowed); tag is written
 * when encrypting and checked when decrypting. */
static int gcm_crypt(const struct sk_params *sp, bool enc, const uint8_t *iv,
		     const uint8_t *aad, size_t aad_len, const uint8_t *in,
		     size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[GCM_NONCE_LEN];
	int outl, ret = -1;

	if (!ctx || len > INT32_MAX || aad_len > INT32_MAX)
		goto out;
	memcpy(nonce, sp->ekey + sp->ei.key_bits / 8, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, sp->ei.iv_len);
	if (!EVP_CipherInit_ex2(ctx, sp->cipher, sp->ekey, nonce, enc, NULL))
		goto out;
	if (!EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aad_len))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &outl, in, (int)len))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
					 (int)sp->icv_len, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + len, &outl))
		goto out;	/* tag mismatch when decrypting */
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
					(int)sp->icv_len, tag))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

static int cbc_crypt(const struct sk_params *sp, bool enc, const uint8_t *iv,
		     const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl, fin, ret = -1;

	if (!ctx || len > INT32_MAX || len % sp->ei.block_len)
		goto out;
	if (!EVP_CipherInit_ex2(ctx, sp->cipher, sp->ekey, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &outl, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + outl, &fin) ||
	    (size_t)outl + (size_t)fin != len)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int ike_sk_protect(const struct ike_sa_keys *k, bool from_initiator,
		   struct ike_builder *b, size_t *len)
{
	struct sk_params sp;
	size_t iv_off, ct_off, inner, pad, total;
	uint8_t *m = b->buf;

	if (b->err || !b->sk_off || sk_params(k, from_initiator, &sp) ||
	    b->sk_iv_len != sp.ei.iv_len)
		goto fail;
	iv_off = b->sk_off + b->sk_hdr_len;
	ct_off = iv_off + sp.ei.iv_len;
	inner = b->len - ct_off;
	pad = (sp.ei.block_len - (inner + 1) % sp.ei.block_len) %
	      sp.ei.block_len;
	total = b->len + pad + 1 + sp.icv_len;
	if (total > b->cap || total > IKE_MSG_MAX_SIZE ||
	    total - b->sk_off > 0xffff)
		goto fail;
	memset(m + b->len, 0, pad);
	m[b->len + pad] = (uint8_t)pad;
	b->len += pad + 1;
	sgw_put_be16(m + b->sk_off + 2, (uint16_t)total - b->sk_off);
	sgw_put_be32(m + 24, (uint32_t)total);
	if (ike_random(m + iv_off, sp.ei.iv_len))
		goto fail;
	if (sp.ei.aead) {
		if (gcm_crypt(&sp, true, m + iv_off, m, iv_off, m + ct_off,
			      b->len - ct_off, m + ct_off, m + b->len))
			goto fail;
	} else {
		if (cbc_crypt(&sp, true, m + iv_off, m + ct_off,
			      b->len - ct_off, m + ct_off) ||
		    sk_icv(&sp, m, b->len, m + b->len))
			goto fail;
	}
	b->len = total;
	*len = total;
	return 0;
fail:
	b->err = true;
	return -1;
}

int ike_sk_unprotect(const struct ike_sa_keys *k, bool from_initiator,
		     const struct ike_msg *msg, uint8_t *plain, size_t cap,
		     size_t *plain_len)
{
	const uint8_t *m = msg->raw;
	size_t iv_off, ct_off, ct_len, end;
	struct sk_params sp;
	uint8_t icv[IKE_PRF_MAX_LEN];
	uint8_t padlen;

	if (!msg->sk.present || !m ||
	    (size_t)msg->sk.off + msg->sk.len != msg->raw_len ||
	    sk_params(k, from_initiator, &sp))
		return -1;
	iv_off = msg->sk.off + IKE_GENERIC_HDR_LEN + (msg->sk.frag ? 4 : 0);
	ct_off = iv_off + sp.ei.iv_len;
	end = msg->raw_len;
	if (end < ct_off + sp.icv_len + 1)
		return -1;
	ct_len = end - sp.icv_len - ct_off;
	if (ct_len > cap || ct_len % sp.ei.block_len)
		return -1;
	if (sp.ei.aead) {
		memcpy(icv, m + end - sp.icv_len, sp.icv_len);
		if (gcm_crypt(&sp, false, m + iv_off, m, iv_off, m + ct_off,
			      ct_len, plain, icv))
			goto fail;
	} else {
		if (sk_icv(&sp, m, end - sp.icv_len, icv))
			return -1;
		if (CRYPTO_memcmp(icv, m + end - sp.icv_len, sp.icv_len))
			return -1;
		if (cbc_crypt(&sp, false, m + iv_off, m + ct_off, ct_len, plain))
			goto fail;
	}
	padlen = plain[ct_len - 1];
	if ((size_t)padlen + 1 > ct_len)
		goto fail;
	*plain_len = ct_len - padlen - 1;
	return 0;
fail:
	OPENSSL_cleanse(plain, ct_len);
	return -1;
}
