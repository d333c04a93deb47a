// SPDX-License-Identifier: GPL-2.0
/*
 * Diffie-Hellman for IKEv2 on OpenSSL 3 EVP: MODP groups 2 (legacy) and 14,
 * ECP groups 19 and 20 (RFC 5903: public value x || y, shared secret x),
 * Curve25519 (group 31, RFC 8031).
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

#include "ike/ike_crypto_int.h"

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

struct dh_group {
	uint16_t group;
	enum dh_kind kind;
	const char *name;	/* OpenSSL group / algorithm name */
	uint16_t pub_len;
	uint16_t shared_len;
	bool legacy;
};

static const struct dh_group groups[] = {
	{ IKE_DH_MODP1024, DH_MODP, NULL, 128, 128, true },
	{ IKE_DH_MODP2048, DH_MODP, "modp_2048", 256, 256, false },
	{ IKE_DH_ECP256, DH_ECP, "P-256", 64, 32, false },
	{ IKE_DH_ECP384, DH_ECP, "P-384", 96, 48, false },
	{ IKE_DH_CURVE25519, DH_X25519, "X25519", 32, 32, false },
};

struct ike_dh {
	const struct dh_group *g;
	EVP_PKEY *key;
	uint16_t pub_len;
	uint8_t pub[IKE_DH_MAX_LEN];
};

/* Domain parameters per group (NULL for X25519), set up once: key pairs and
 * peer keys are made from them, which spares a group lookup per call. */
static EVP_PKEY *group_params[sizeof(groups) / sizeof(groups[0])];

static const struct dh_group *find_group(uint16_t group)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].group == group)
			return &groups[i];
	return NULL;
}

size_t ike_dh_public_len(uint16_t group)
{
	const struct dh_group *g = find_group(group);

	return g ? g->pub_len : 0;
}

size_t ike_dh_shared_len(uint16_t group)
{
	const struct dh_group *g = find_group(group);

	return g ? g->shared_len : 0;
}

bool ike_dh_is_legacy(uint16_t group)
{
	const struct dh_group *g = find_group(group);

	return g && g->legacy;
}

bool ike_dh_supported(uint16_t group, bool allow_legacy)
{
	const struct dh_group *g = find_group(group);

	return g && (!g->legacy || allow_legacy);
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->group;
}

/* --- MODP domain parameters --------------------------------------------------- */

static EVP_PKEY *pkey_fromdata(const char *alg, int selection,
			       OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	EVP_PKEY *pkey = NULL;

	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pkey, selection, params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* p, g (and optionally x, y) of a MODP group as OSSL_PARAMs, then a pkey */
static EVP_PKEY *modp_pkey(uint16_t group, const BIGNUM *priv,
			   const BIGNUM *pub, int selection)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *p = NULL, *g = BN_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bld || !g || !BN_set_word(g, 2))
		goto out;
	if (group == IKE_DH_MODP1024) {
		p = BN_get_rfc2409_prime_1024(NULL);
		if (!p || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g))
			goto out;
	} else if (!OSSL_PARAM_BLD_push_utf8_string(bld,
			OSSL_PKEY_PARAM_GROUP_NAME, "modp_2048", 0)) {
		goto out;
	}
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto out;
	if (pub && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		pkey = pkey_fromdata("DH", selection, params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(p);
	BN_free(g);
	return pkey;
}

static EVP_PKEY *ecp_params(const char *name)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name,
				       0),
		OSSL_PARAM_END,
	};

	return pkey_fromdata("EC", EVP_PKEY_KEY_PARAMETERS, params);
}

int ike_dh_init_params(void)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		const struct dh_group *g = &groups[i];

		if (g->kind == DH_MODP)
			group_params[i] = modp_pkey(g->group, NULL, NULL,
						    EVP_PKEY_KEY_PARAMETERS);
		else if (g->kind == DH_ECP)
			group_params[i] = ecp_params(g->name);
		else
			continue;
		if (!group_params[i])
			return -1;
	}
	return 0;
}

static EVP_PKEY *params_of(const struct dh_group *g)
{
	if (ike_crypto_init())
		return NULL;
	return group_params[g - groups];
}

EVP_PKEY *ike_modp_params(uint16_t group)
{
	const struct dh_group *g = find_group(group);

	return g && g->kind == DH_MODP ? params_of(g) : NULL;
}

/* --- key pairs ---------------------------------------------------------------- */

/* Caches the wire form of our public value. */
static int export_public(struct ike_dh *dh)
{
	uint8_t buf[IKE_DH_MAX_LEN + 1];
	size_t len = 0;
	BIGNUM *y = NULL;
	int ret = -1;

	dh->pub_len = dh->g->pub_len;
	switch (dh->g->kind) {
	case DH_MODP:
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		    BN_bn2binpad(y, dh->pub, dh->pub_len) == dh->pub_len)
			ret = 0;
		BN_free(y);
		return ret;
	case DH_ECP:
		/* uncompressed point: 0x04 || x || y */
		if (!EVP_PKEY_get_octet_string_param(dh->key,
				OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf), &len) ||
		    len != dh->pub_len + 1u || buf[0] != 0x04)
			return -1;
		memcpy(dh->pub, buf + 1, dh->pub_len);
		return 0;
	case DH_X25519:
		len = dh->pub_len;
		if (!EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &len) ||
		    len != dh->pub_len)
			return -1;
		return 0;
	}
	return -1;
}

static struct ike_dh *dh_finish(const struct dh_group *g, EVP_PKEY *key)
{
	struct ike_dh *dh;

	if (!key)
		return NULL;
	dh = OPENSSL_zalloc(sizeof(*dh));
	if (!dh) {
		EVP_PKEY_free(key);
		return NULL;
	}
	dh->g = g;
	dh->key = key;
	if (export_public(dh)) {
		ike_dh_free(dh);
		return NULL;
	}
	return dh;
}

struct ike_dh *ike_dh_new(uint16_t group, bool allow_legacy)
{
	const struct dh_group *g = find_group(group);
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *key = NULL;

	if (!g || (g->legacy && !allow_legacy) || ike_crypto_init())
		return NULL;
	if (g->kind == DH_X25519)
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	else
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, params_of(g), NULL);
	if (ctx && EVP_PKEY_keygen_init(ctx) == 1)
		EVP_PKEY_keygen(ctx, &key);
	EVP_PKEY_CTX_free(ctx);
	return dh_finish(g, key);
}

/* EC key pair from a private scalar: the public point is computed here since
 * OpenSSL 3.0's import does not derive it. */
static EVP_PKEY *ecp_from_private(const struct dh_group *g,
				  const uint8_t *priv, size_t len)
{
	int nid = g->group == IKE_DH_ECP256 ? NID_X9_62_prime256v1 :
		  NID_secp384r1;
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(nid);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	uint8_t pub[IKE_DH_MAX_LEN + 1];
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *x = BN_bin2bn(priv, (int)len, NULL);
	size_t pub_len;

	if (!grp || !bld || !x || len != g->shared_len)
		goto out;
	pt = EC_POINT_new(grp);
	if (!pt || !EC_POINT_mul(grp, pt, x, NULL, NULL, NULL))
		goto out;
	pub_len = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED,
				     pub, sizeof(pub), NULL);
	if (pub_len != g->pub_len + 1u ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     g->name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      pub, pub_len))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		pkey = pkey_fromdata("EC", EVP_PKEY_KEYPAIR, params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_clear_free(x);
	return pkey;
}

static EVP_PKEY *modp_from_private(const struct dh_group *g,
				   const uint8_t *priv, size_t len)
{
	EVP_PKEY *params = ike_modp_params(g->group), *pkey = NULL;
	BIGNUM *x = BN_bin2bn(priv, (int)len, NULL);
	BIGNUM *p = NULL, *gen = NULL, *y = BN_new();
	BN_CTX *bnctx = BN_CTX_new();

	if (!params || !x || !y || !bnctx ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &gen) ||
	    !BN_mod_exp(y, gen, x, p, bnctx))
		goto out;
	pkey = modp_pkey(g->group, x, y, EVP_PKEY_KEYPAIR);
out:
	BN_clear_free(x);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	BN_CTX_free(bnctx);
	return pkey;
}

struct ike_dh *ike_dh_new_private(uint16_t group, const uint8_t *priv,
				  size_t len)
{
	const struct dh_group *g = find_group(group);
	EVP_PKEY *key = NULL;

	if (!g || !priv || !len || len > IKE_DH_MAX_LEN || ike_crypto_init())
		return NULL;
	switch (g->kind) {
	case DH_MODP:
		key = modp_from_private(g, priv, len);
		break;
	case DH_ECP:
		key = ecp_from_private(g, priv, len);
		break;
	case DH_X25519:
		key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL,
						      priv, len);
		break;
	}
	return dh_finish(g, key);
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t cap,
		  size_t *len)
{
	if (cap < dh->pub_len)
		return -1;
	memcpy(out, dh->pub, dh->pub_len);
	*len = dh->pub_len;
	return 0;
}

/* --- shared secret ------------------------------------------------------------ */

/* The peer's public value as a key of our group: MODP y is its big-endian
 * encoding, ECP the uncompressed point 0x04 || x || y (decoding checks that
 * the point is on the curve). */
static EVP_PKEY *peer_key(const struct dh_group *g, const uint8_t *peer,
			  size_t len)
{
	uint8_t pt[IKE_DH_MAX_LEN + 1];
	EVP_PKEY *pkey;
	size_t off = 0;

	if (g->kind == DH_X25519)
		return EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL,
						      peer, len);
	if (g->kind == DH_ECP)
		pt[off++] = 0x04;
	memcpy(pt + off, peer, len);
	pkey = EVP_PKEY_dup(params_of(g));
	if (pkey && EVP_PKEY_set1_encoded_public_key(pkey, pt, off + len) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

/* Range (MODP: 1 < y < p-1) or on-curve (ECP) check of the peer's value. */
static int peer_valid(EVP_PKEY *peer)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	int ok = ctx && EVP_PKEY_public_check_quick(ctx) == 1;

	EVP_PKEY_CTX_free(ctx);
	return ok;
}

int ike_dh_shared(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
		  uint8_t *out, size_t cap, size_t *len)
{
	const struct dh_group *g = dh->g;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	size_t got = cap;
	int ret = -1;

	if (!peer || peer_len != g->pub_len || cap < g->shared_len)
		return -1;
	pk = peer_key(g, peer, peer_len);
	if (!pk || (g->kind != DH_X25519 && !peer_valid(pk)))
		goto out;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* g^ir padded to the modulus length (RFC 7296 §2.14) */
	if (g->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) != 1)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) != 1 ||
	    EVP_PKEY_derive(ctx, out, &got) != 1 || got != g->shared_len) {
		OPENSSL_cleanse(out, cap);
		goto out;
	}
	*len = got;
	ret = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ret;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	OPENSSL_clear_free(dh, sizeof(*dh));
}
