// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the IKEv2 crypto suites (libsgw/ike/ike_crypto.c, ike_dh.c,
 * ike_keys.c, ike_sk.c, ike_auth.c, ike_esp.c): published known-answer
 * vectors (RFC 2202, RFC 4231, RFC 5903, RFC 7748, RFC 8031, McGrew-Viega
 * GCM, RFC 3602) and checks of the IKE constructions against an independent
 * computation with OpenSSL's one-shot HMAC() and raw EVP ciphers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ike/ike_crypto.h"
#include "ike/ike_crypto_int.h"
#include "ike_test_util.h"

#define HEX(s, buf) unhex(s, buf, sizeof(buf))

/* --- HMAC / PRF ---------------------------------------------------------------- */

static void check_prf(uint16_t prf, const uint8_t *key, size_t klen,
		      const char *data, const char *want_hex)
{
	uint8_t out[IKE_PRF_MAX_LEN], want[IKE_PRF_MAX_LEN];
	struct ike_chunk in = { (const uint8_t *)data, strlen(data) };
	size_t wlen = HEX(want_hex, want);

	assert_int_equal(ike_prf_len(prf), wlen);
	assert_int_equal(ike_prf(prf, key, klen, &in, 1, out), 0);
	assert_memory_equal(out, want, wlen);
}

static void test_hmac_vectors(void **state)
{
	uint8_t k0b[20];

	(void)state;
	memset(k0b, 0x0b, sizeof(k0b));
	/* RFC 2202 test cases 1 and 2 (HMAC-SHA1) */
	check_prf(IKE_PRF_HMAC_SHA1, k0b, 20, "Hi There",
		  "b617318655057264e28bc0b6fb378c8ef146be00");
	check_prf(IKE_PRF_HMAC_SHA1, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	/* RFC 4231 test cases 1 and 2 */
	check_prf(IKE_PRF_HMAC_SHA2_256, k0b, 20, "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_prf(IKE_PRF_HMAC_SHA2_384, k0b, 20, "Hi There",
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6");
	check_prf(IKE_PRF_HMAC_SHA2_512, k0b, 20, "Hi There",
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
	check_prf(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_prf(IKE_PRF_HMAC_SHA2_384, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		  "8e2240ca5e69e2c78b3239ecfab21649");
	check_prf(IKE_PRF_HMAC_SHA2_512, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	assert_int_equal(ike_prf_len(IKE_PRF_HMAC_MD5), 0);
}

static void test_prf_chunks(void **state)
{
	const char *msg = "what do ya want for nothing?";
	uint8_t a[64], b[64];
	struct ike_chunk one = { (const uint8_t *)msg, strlen(msg) };
	struct ike_chunk three[] = {
		{ (const uint8_t *)msg, 4 }, { NULL, 0 },
		{ (const uint8_t *)msg + 4, strlen(msg) - 4 },
	};

	(void)state;
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256,
				 (const uint8_t *)"Jefe", 4, &one, 1, a), 0);
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256,
				 (const uint8_t *)"Jefe", 4, three, 3, b), 0);
	assert_memory_equal(a, b, 32);
}

/* prf+ computed the RFC 7296 §2.13 way with OpenSSL's one-shot HMAC() */
static void ref_prf_plus(const EVP_MD *md, const uint8_t *key, size_t klen,
			 const uint8_t *seed, size_t slen, uint8_t *out,
			 size_t outlen)
{
	uint8_t t[64], buf[64 + 1024 + 1];
	unsigned int tlen = 0;
	size_t done = 0;

	assert_true(slen <= 1024);
	for (unsigned int n = 1; done < outlen; n++) {
		size_t len = 0, take;

		memcpy(buf, t, tlen);
		len += tlen;
		memcpy(buf + len, seed, slen);
		len += slen;
		buf[len++] = (uint8_t)n;
		assert_non_null(HMAC(md, key, (int)klen, buf, len, t, &tlen));
		take = outlen - done < tlen ? outlen - done : tlen;
		memcpy(out + done, t, take);
		done += take;
	}
}

static void test_prf_plus(void **state)
{
	static const struct {
		uint16_t prf;
		const char *md;
	} prfs[] = {
		{ IKE_PRF_HMAC_SHA1, "SHA1" },
		{ IKE_PRF_HMAC_SHA2_256, "SHA256" },
		{ IKE_PRF_HMAC_SHA2_384, "SHA384" },
		{ IKE_PRF_HMAC_SHA2_512, "SHA512" },
	};
	uint8_t key[48], seed[80], got[1000], want[1000];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xa0 ^ i);
	for (size_t i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++) {
		const EVP_MD *md = EVP_get_digestbyname(prfs[i].md);
		struct ike_chunk s[] = { { seed, 30 }, { seed + 30, 50 } };
		size_t lens[] = { 1, 19, 20, 21, 64, 65, 391, 1000 };

		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			memset(got, 0, sizeof(got));
			assert_int_equal(ike_prf_plus(prfs[i].prf, key,
						      sizeof(key), s, 2, got,
						      lens[j]), 0);
			ref_prf_plus(md, key, sizeof(key), seed, sizeof(seed),
				     want, lens[j]);
			assert_memory_equal(got, want, lens[j]);
		}
	}
	/* 255 blocks at most */
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA1, key, 20, NULL, 0, got,
				      255 * 20 + 1), -1);
	assert_int_equal(ike_prf_plus(99, key, 20, NULL, 0, got, 10), -1);
}

/* --- Diffie-Hellman ------------------------------------------------------------- */

struct dh_vector {
	uint16_t group;
	const char *priv, *pub, *peer, *shared;
};

static const struct dh_vector dh_vectors[] = {
	{ /* RFC 5903 §8.1, initiator side */
	  IKE_DH_ECP256,
	  "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433",
	  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
	  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
	  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
	{ /* RFC 5903 §8.1, responder side */
	  IKE_DH_ECP256,
	  "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53",
	  "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
	  "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB",
	  "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
	  "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3",
	  "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE" },
	{ /* RFC 5903 §8.2 */
	  IKE_DH_ECP384,
	  "099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655"
	  "E35B5380 41E649EE 3FAEF896 783AB194",
	  "667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6"
	  "DE3AC808 ACB4BDB4 C88732AE E95F41AA"
	  "9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E"
	  "EB9FCFF3 C2C947DA E69B4C63 4573A81C",
	  "E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D"
	  "0D1AC43A 0336DEF9 6FDA41D0 774A3571"
	  "DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
	  "F83FA401 42209DFF 5EAAD96D B9E6386C",
	  "11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4"
	  "D6031355 69B9E9D0 9CF5D4A2 70F59746" },
	{ /* RFC 7748 §6.1, Alice */
	  IKE_DH_CURVE25519,
	  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
	{ /* RFC 7748 §6.1, Bob */
	  IKE_DH_CURVE25519,
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
	{ /* RFC 8031 appendix A */
	  IKE_DH_CURVE25519,
	  "75 1f b4 30 86 55 b4 76 b6 78 9b 73 25 f9 ea 8c dd d1 6a 58 53 3f f6 d9"
	  "e6 00 09 46 4a 5f 9d 94",
	  "48 d5 dd d4 06 12 57 ba 16 6f a3 f9 bb db 74 f1 a4 e8 1c 08 93 84 fa 77"
	  "f7 90 70 9f 0d fb c7 66",
	  "0b e7 c1 f5 aa d8 7d 7e 44 86 62 67 32 98 a4 43 47 8b 85 97 45 17 9e af"
	  "56 4c 79 c0 ef 6e ee 25",
	  "c7 49 50 60 7a 12 32 7f 32 04 d9 4b 68 25 bf b0 68 b7 f8 31 9a 9e 37 08"
	  "ed 3d 43 ce 81 30 c9 50" },
};

static void test_dh_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dh_vectors) / sizeof(dh_vectors[0]); i++) {
		const struct dh_vector *v = &dh_vectors[i];
		uint8_t priv[64], pub[128], peer[128], shared[64];
		uint8_t out[IKE_DH_MAX_LEN];
		size_t priv_len = HEX(v->priv, priv), pub_len = HEX(v->pub, pub);
		size_t peer_len = HEX(v->peer, peer);
		size_t shared_len = HEX(v->shared, shared), len = 0;
		struct ike_dh *dh;

		dh = ike_dh_new_private(v->group, priv, priv_len);
		assert_non_null(dh);
		assert_int_equal(ike_dh_group(dh), v->group);
		assert_int_equal(ike_dh_public_len(v->group), pub_len);
		assert_int_equal(ike_dh_shared_len(v->group), shared_len);
		assert_int_equal(ike_dh_public(dh, out, sizeof(out), &len), 0);
		assert_int_equal(len, pub_len);
		assert_memory_equal(out, pub, pub_len);
		assert_int_equal(ike_dh_shared(dh, peer, peer_len, out,
					       sizeof(out), &len), 0);
		assert_int_equal(len, shared_len);
		assert_memory_equal(out, shared, shared_len);
		ike_dh_free(dh);
	}
}

static void dh_round_trip(uint16_t group, bool legacy)
{
	struct ike_dh *a = ike_dh_new(group, legacy), *b = ike_dh_new(group,
								       legacy);
	uint8_t pa[IKE_DH_MAX_LEN], pb[IKE_DH_MAX_LEN];
	uint8_t sa[IKE_DH_MAX_LEN], sb[IKE_DH_MAX_LEN];
	size_t la, lb, lsa, lsb;

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ike_dh_public(a, pa, sizeof(pa), &la), 0);
	assert_int_equal(ike_dh_public(b, pb, sizeof(pb), &lb), 0);
	assert_int_equal(la, ike_dh_public_len(group));
	assert_int_not_equal(memcmp(pa, pb, la), 0);
	assert_int_equal(ike_dh_shared(a, pb, lb, sa, sizeof(sa), &lsa), 0);
	assert_int_equal(ike_dh_shared(b, pa, la, sb, sizeof(sb), &lsb), 0);
	assert_int_equal(lsa, ike_dh_shared_len(group));
	assert_int_equal(lsa, lsb);
	assert_memory_equal(sa, sb, lsa);
	ike_dh_free(a);
	ike_dh_free(b);
}

static void test_dh_round_trips(void **state)
{
	(void)state;
	dh_round_trip(IKE_DH_MODP2048, false);
	dh_round_trip(IKE_DH_MODP1024, true);
	dh_round_trip(IKE_DH_ECP256, false);
	dh_round_trip(IKE_DH_ECP384, false);
	dh_round_trip(IKE_DH_CURVE25519, false);
	/* the legacy group needs the caller's consent */
	assert_null(ike_dh_new(IKE_DH_MODP1024, false));
	assert_true(ike_dh_is_legacy(IKE_DH_MODP1024));
	assert_false(ike_dh_supported(IKE_DH_MODP1024, false));
	assert_true(ike_dh_supported(IKE_DH_MODP1024, true));
	assert_null(ike_dh_new(IKE_DH_MODP1536, true));
	assert_null(ike_dh_new(IKE_DH_ECP521, true));
	assert_int_equal(ike_dh_public_len(IKE_DH_ECP521), 0);
}

/* With x = 1 the public value is g = 2 and the shared secret is the peer's
 * value itself, zero-padded to the modulus length (§2.14). */
static void test_dh_modp_known(void **state)
{
	static const uint16_t groups[] = { IKE_DH_MODP1024, IKE_DH_MODP2048 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t plen = ike_dh_public_len(groups[i]), len;
		uint8_t one = 1, out[IKE_DH_MAX_LEN], peer[IKE_DH_MAX_LEN];
		uint8_t want[IKE_DH_MAX_LEN] = { 0 };
		struct ike_dh *dh = ike_dh_new_private(groups[i], &one, 1);

		assert_non_null(dh);
		assert_int_equal(ike_dh_public(dh, out, sizeof(out), &len), 0);
		assert_int_equal(len, plen);
		want[plen - 1] = 2;
		assert_memory_equal(out, want, plen);

		memset(peer, 0, plen);
		peer[plen - 1] = 5;	/* small, so padding is visible */
		assert_int_equal(ike_dh_shared(dh, peer, plen, out,
					       sizeof(out), &len), 0);
		assert_int_equal(len, plen);
		assert_memory_equal(out, peer, plen);
		ike_dh_free(dh);
	}
}

static void test_dh_bad_peer(void **state)
{
	uint8_t bad[IKE_DH_MAX_LEN], out[IKE_DH_MAX_LEN];
	struct ike_dh *dh;
	size_t len, plen;

	(void)state;
	/* MODP: 0, 1 and p-1 are outside 1 < y < p-1 */
	dh = ike_dh_new(IKE_DH_MODP2048, false);
	assert_non_null(dh);
	plen = ike_dh_public_len(IKE_DH_MODP2048);
	memset(bad, 0, plen);
	assert_int_equal(ike_dh_shared(dh, bad, plen, out, sizeof(out), &len), -1);
	bad[plen - 1] = 1;
	assert_int_equal(ike_dh_shared(dh, bad, plen, out, sizeof(out), &len), -1);
	memset(bad, 0xff, plen);	/* above p */
	assert_int_equal(ike_dh_shared(dh, bad, plen, out, sizeof(out), &len), -1);
	assert_int_equal(ike_dh_shared(dh, bad, plen - 1, out, sizeof(out), &len),
			 -1);
	assert_int_equal(ike_dh_shared(dh, bad, plen, out, 10, &len), -1);
	ike_dh_free(dh);

	/* ECP: a point off the curve, wrong lengths */
	dh = ike_dh_new(IKE_DH_ECP256, false);
	assert_non_null(dh);
	memset(bad, 0xaa, 64);
	assert_int_equal(ike_dh_shared(dh, bad, 64, out, sizeof(out), &len), -1);
	memset(bad, 0, 64);
	assert_int_equal(ike_dh_shared(dh, bad, 64, out, sizeof(out), &len), -1);
	assert_int_equal(ike_dh_shared(dh, bad, 65, out, sizeof(out), &len), -1);
	ike_dh_free(dh);

	/* X25519: the all-zero point gives an all-zero secret, refused */
	dh = ike_dh_new(IKE_DH_CURVE25519, false);
	assert_non_null(dh);
	memset(bad, 0, 32);
	assert_int_equal(ike_dh_shared(dh, bad, 32, out, sizeof(out), &len), -1);
	assert_int_equal(ike_dh_shared(dh, bad, 31, out, sizeof(out), &len), -1);
	ike_dh_free(dh);
	ike_dh_free(NULL);
}

/* --- ciphers (the EVP objects the SK code uses) --------------------------------- */

struct cipher_vector {
	uint16_t encr, bits;
	const char *key, *iv, *aad, *pt, *ct, *tag;
};

#define MV_PT "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"

static const struct cipher_vector cipher_vectors[] = {
	{ /* McGrew-Viega GCM test case 4 */
	  IKE_ENCR_AES_GCM_16, 128, "feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  MV_PT,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ /* McGrew-Viega GCM test case 16 */
	  IKE_ENCR_AES_GCM_16, 256,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  MV_PT,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ /* RFC 3602 case 1 */
	  IKE_ENCR_AES_CBC, 128, "06a9214036b8a15b512e03d534120006",
	  "3dafba429d9eb430b422da802c9fac41", "",
	  "53696e676c6520626c6f636b206d7367",	/* "Single block msg" */
	  "e353779c1079aeb82708942dbe77181a", "" },
	{ /* RFC 3602 case 2 */
	  IKE_ENCR_AES_CBC, 128, "c286696d887c9aa0611bbb3e2025a45a",
	  "562e17996d093d28ddb3ba695a2e6f58", "",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", "" },
};

static void test_cipher_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cipher_vectors) / sizeof(cipher_vectors[0]);
	     i++) {
		const struct cipher_vector *v = &cipher_vectors[i];
		uint8_t key[32], iv[16], aad[32], pt[64], ct[64], tag[16];
		uint8_t out[80], gtag[16];
		size_t klen = HEX(v->key, key), ivlen = HEX(v->iv, iv);
		size_t alen = HEX(v->aad, aad), plen = HEX(v->pt, pt);
		size_t clen = HEX(v->ct, ct), tlen = HEX(v->tag, tag);
		const EVP_CIPHER *c = ike_cipher(v->encr, v->bits);
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int n, f;

		assert_non_null(c);
		assert_int_equal(klen * 8, v->bits);
		assert_int_equal(plen, clen);
		assert_true(EVP_EncryptInit_ex2(ctx, c, key, NULL, NULL));
		if (tlen)
			assert_true(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN,
							(int)ivlen, NULL));
		assert_true(EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL));
		EVP_CIPHER_CTX_set_padding(ctx, 0);
		if (alen)
			assert_true(EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)alen));
		assert_true(EVP_EncryptUpdate(ctx, out, &n, pt, (int)plen));
		assert_true(EVP_EncryptFinal_ex(ctx, out + n, &f));
		assert_int_equal((size_t)(n + f), clen);
		assert_memory_equal(out, ct, clen);
		if (tlen) {
			assert_true(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
							(int)tlen, gtag));
			assert_memory_equal(gtag, tag, tlen);
		}
		EVP_CIPHER_CTX_free(ctx);
	}
	assert_null(ike_cipher(IKE_ENCR_AES_CBC, 64));
	assert_null(ike_cipher(IKE_ENCR_3DES, 192));
}

static void test_algorithm_info(void **state)
{
	struct ike_encr_info ei;
	struct ike_integ_info ii;

	(void)state;
	assert_int_equal(ike_encr_info(IKE_ENCR_AES_GCM_16, 256, &ei), 0);
	assert_true(ei.aead);
	assert_int_equal(ei.key_len, 36);
	assert_int_equal(ei.salt_len, 4);
	assert_int_equal(ei.iv_len, 8);
	assert_int_equal(ei.icv_len, 16);
	assert_int_equal(ike_encr_info(IKE_ENCR_AES_CBC, 192, &ei), 0);
	assert_false(ei.aead);
	assert_int_equal(ei.key_len, 24);
	assert_int_equal(ei.iv_len, 16);
	assert_int_equal(ike_encr_info(IKE_ENCR_AES_CBC, 0, &ei), -1);
	assert_int_equal(ike_encr_info(IKE_ENCR_AES_GCM_8, 128, &ei), -1);
	assert_int_equal(ike_integ_info(IKE_INTEG_HMAC_SHA1_96, &ii), 0);
	assert_int_equal(ii.key_len, 20);
	assert_int_equal(ii.icv_len, 12);
	assert_int_equal(ike_integ_info(IKE_INTEG_HMAC_SHA2_256_128, &ii), 0);
	assert_int_equal(ii.icv_len, 16);
	assert_int_equal(ike_integ_info(IKE_INTEG_HMAC_SHA2_384_192, &ii), 0);
	assert_int_equal(ii.icv_len, 24);
	assert_int_equal(ike_integ_info(IKE_INTEG_HMAC_SHA2_512_256, &ii), 0);
	assert_int_equal(ii.key_len, 64);
	assert_int_equal(ii.icv_len, 32);
	assert_int_equal(ike_integ_info(IKE_INTEG_HMAC_MD5_96, &ii), -1);
}

/* --- key derivation --------------------------------------------------------------- */

static const struct ike_suite suite_gcm = {
	.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_GCM_16,
	.encr_key_len = 128, .prf = IKE_PRF_HMAC_SHA2_256,
	.dh = IKE_DH_ECP256,
};

static const struct ike_suite suite_cbc = {
	.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_CBC,
	.encr_key_len = 256, .integ = IKE_INTEG_HMAC_SHA2_384_192,
	.prf = IKE_PRF_HMAC_SHA2_512, .dh = IKE_DH_MODP2048,
};

static const struct ike_suite suite_legacy = {
	.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_CBC,
	.encr_key_len = 128, .integ = IKE_INTEG_HMAC_SHA1_96,
	.prf = IKE_PRF_HMAC_SHA1, .dh = IKE_DH_MODP1024,
};

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

static void check_sa_keys(const struct ike_suite *s, const char *md_name)
{
	const EVP_MD *md = EVP_get_digestbyname(md_name);
	uint8_t ni[32], nr[48], gir[256], nonces[80], seed[96];
	uint8_t skeyseed[64], km[600], *p = km;
	unsigned int sklen;
	struct ike_sa_keys k;
	uint64_t spi_i = 0x0102030405060708ULL, spi_r = 0x1112131415161718ULL;

	fill(ni, sizeof(ni), 1);
	fill(nr, sizeof(nr), 2);
	fill(gir, sizeof(gir), 3);
	assert_int_equal(ike_derive_sa_keys(s, gir, sizeof(gir), ni, sizeof(ni),
					    nr, sizeof(nr), spi_i, spi_r, &k), 0);
	/* independent: SKEYSEED = prf(Ni | Nr, g^ir), then prf+ */
	memcpy(nonces, ni, 32);
	memcpy(nonces + 32, nr, 48);
	assert_non_null(HMAC(md, nonces, 80, gir, sizeof(gir), skeyseed, &sklen));
	memcpy(seed, nonces, 80);
	sgw_put_be64(seed + 80, spi_i);
	sgw_put_be64(seed + 88, spi_r);
	ref_prf_plus(md, skeyseed, sklen, seed, 96, km,
		     3 * k.prf_len + 2 * k.integ_key_len + 2 * k.encr_key_len);
	assert_int_equal(k.prf_len, sklen);
	assert_memory_equal(k.sk_d, p, k.prf_len), p += k.prf_len;
	assert_memory_equal(k.sk_ai, p, k.integ_key_len), p += k.integ_key_len;
	assert_memory_equal(k.sk_ar, p, k.integ_key_len), p += k.integ_key_len;
	assert_memory_equal(k.sk_ei, p, k.encr_key_len), p += k.encr_key_len;
	assert_memory_equal(k.sk_er, p, k.encr_key_len), p += k.encr_key_len;
	assert_memory_equal(k.sk_pi, p, k.prf_len), p += k.prf_len;
	assert_memory_equal(k.sk_pr, p, k.prf_len);

	/* rekey (§2.18): SKEYSEED = prf(SK_d old, g^ir new | Ni | Nr) */
	{
		struct ike_sa_keys nk;
		uint8_t in[256 + 80], seed2[96], km2[600];

		assert_int_equal(ike_derive_rekeyed_sa_keys(&k, &suite_gcm, gir,
				 sizeof(gir), nr, 48, ni, 32, spi_r, spi_i, &nk), 0);
		memcpy(in, gir, 256);
		memcpy(in + 256, nr, 48);
		memcpy(in + 304, ni, 32);
		assert_non_null(HMAC(md, k.sk_d, k.prf_len, in, sizeof(in),
				     skeyseed, &sklen));
		memcpy(seed2, nr, 48);
		memcpy(seed2 + 48, ni, 32);
		sgw_put_be64(seed2 + 80, spi_r);
		sgw_put_be64(seed2 + 88, spi_i);
		/* the new suite's PRF (SHA-256) expands */
		ref_prf_plus(EVP_sha256(), skeyseed, sklen, seed2, 96, km2,
			     3 * 32 + 2 * 20);
		assert_int_equal(nk.prf_len, 32);
		assert_int_equal(nk.integ_key_len, 0);
		assert_int_equal(nk.encr_key_len, 20);
		assert_memory_equal(nk.sk_d, km2, 32);
		assert_memory_equal(nk.sk_ei, km2 + 32, 20);
		assert_memory_equal(nk.sk_er, km2 + 52, 20);
		assert_memory_equal(nk.sk_pi, km2 + 72, 32);
		assert_memory_equal(nk.sk_pr, km2 + 104, 32);
		ike_sa_keys_wipe(&nk);
		assert_int_equal(nk.prf_len, 0);
	}
	ike_sa_keys_wipe(&k);
}

static void test_sa_keys(void **state)
{
	struct ike_sa_keys k;
	struct ike_suite bad = suite_gcm;
	uint8_t n[16] = { 0 };

	(void)state;
	check_sa_keys(&suite_gcm, "SHA256");
	check_sa_keys(&suite_cbc, "SHA512");
	check_sa_keys(&suite_legacy, "SHA1");
	bad.integ = IKE_INTEG_HMAC_SHA1_96;	/* integ with AEAD */
	assert_int_equal(ike_derive_sa_keys(&bad, n, 16, n, 16, n, 16, 1, 2, &k),
			 -1);
	bad = suite_cbc;
	bad.integ = 0;				/* CBC without integ */
	assert_int_equal(ike_derive_sa_keys(&bad, n, 16, n, 16, n, 16, 1, 2, &k),
			 -1);
}

static void test_child_keys(void **state)
{
	struct ike_suite esp_gcm = {
		.proto = IKE_PROTO_ESP, .encr = IKE_ENCR_AES_GCM_16,
		.encr_key_len = 256, .esn = IKE_ESN_YES,
	};
	struct ike_suite esp_cbc = {
		.proto = IKE_PROTO_ESP, .encr = IKE_ENCR_AES_CBC,
		.encr_key_len = 128, .integ = IKE_INTEG_HMAC_SHA1_96,
	};
	uint8_t ni[32], nr[32], gir[32], seed[96], km[200];
	struct ike_sa_keys ike;
	struct ike_child_keys ck;

	(void)state;
	fill(ni, 32, 5);
	fill(nr, 32, 6);
	fill(gir, 32, 7);
	assert_int_equal(ike_derive_sa_keys(&suite_gcm, gir, 32, ni, 32, nr, 32,
					    1, 2, &ike), 0);
	/* no PFS: KEYMAT = prf+(SK_d, Ni | Nr) */
	assert_int_equal(ike_derive_child_keys(&ike, &esp_gcm, NULL, 0, ni, 32,
					       nr, 32, &ck), 0);
	memcpy(seed, ni, 32);
	memcpy(seed + 32, nr, 32);
	ref_prf_plus(EVP_sha256(), ike.sk_d, 32, seed, 64, km, 72);
	assert_int_equal(ck.encr_key_len, 36);
	assert_int_equal(ck.integ_key_len, 0);
	assert_memory_equal(ck.encr_i, km, 36);
	assert_memory_equal(ck.encr_r, km + 36, 36);

	/* PFS: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) */
	assert_int_equal(ike_derive_child_keys(&ike, &esp_cbc, gir, 32, ni, 32,
					       nr, 32, &ck), 0);
	memcpy(seed, gir, 32);
	memcpy(seed + 32, ni, 32);
	memcpy(seed + 64, nr, 32);
	ref_prf_plus(EVP_sha256(), ike.sk_d, 32, seed, 96, km, 2 * (16 + 20));
	assert_int_equal(ck.encr_key_len, 16);
	assert_int_equal(ck.integ_key_len, 20);
	assert_memory_equal(ck.encr_i, km, 16);
	assert_memory_equal(ck.integ_i, km + 16, 20);
	assert_memory_equal(ck.encr_r, km + 36, 16);
	assert_memory_equal(ck.integ_r, km + 52, 20);
	ike_child_keys_wipe(&ck);
	ike_sa_keys_wipe(&ike);
}

static void test_esp_algs(void **state)
{
	struct ike_suite s = { .proto = IKE_PROTO_ESP };
	struct ike_esp_algs a;

	(void)state;
	s.encr = IKE_ENCR_AES_GCM_16;
	s.encr_key_len = 128;
	s.esn = IKE_ESN_YES;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_true(a.aead);
	assert_string_equal(a.encr_name, "rfc4106(gcm(aes))");
	assert_int_equal(a.encr_key_bits, 160);
	assert_int_equal(a.icv_bits, 128);
	assert_null(a.auth_name);
	assert_true(a.esn);
	assert_int_equal(a.encr_key_len, 20);
	s.encr_key_len = 256;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_int_equal(a.encr_key_bits, 288);

	s.encr = IKE_ENCR_AES_CBC;
	s.encr_key_len = 192;
	s.esn = IKE_ESN_NO;
	s.integ = IKE_INTEG_HMAC_SHA2_256_128;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_false(a.aead);
	assert_false(a.esn);
	assert_string_equal(a.encr_name, "cbc(aes)");
	assert_int_equal(a.encr_key_bits, 192);
	assert_string_equal(a.auth_name, "hmac(sha256)");
	assert_int_equal(a.auth_key_bits, 256);
	assert_int_equal(a.auth_trunc_bits, 128);
	s.integ = IKE_INTEG_HMAC_SHA1_96;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_string_equal(a.auth_name, "hmac(sha1)");
	assert_int_equal(a.auth_key_bits, 160);
	assert_int_equal(a.auth_trunc_bits, 96);
	s.integ = IKE_INTEG_HMAC_SHA2_384_192;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_string_equal(a.auth_name, "hmac(sha384)");
	assert_int_equal(a.auth_trunc_bits, 192);
	s.integ = IKE_INTEG_HMAC_SHA2_512_256;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	assert_string_equal(a.auth_name, "hmac(sha512)");
	assert_int_equal(a.auth_key_bits, 512);
	assert_int_equal(a.auth_trunc_bits, 256);
	s.integ = IKE_INTEG_NONE;		/* CBC without integrity */
	assert_int_equal(ike_esp_algs(&s, &a), -1);
	s.encr = IKE_ENCR_AES_GCM_16;		/* GCM with integrity */
	s.integ = IKE_INTEG_HMAC_SHA1_96;
	assert_int_equal(ike_esp_algs(&s, &a), -1);
	s.encr = IKE_ENCR_3DES;
	assert_int_equal(ike_esp_algs(&s, &a), -1);
}

/* --- SK payload ------------------------------------------------------------------ */

static const uint8_t inner_nonce[32] = { 0x42 };

/* An INFORMATIONAL-like message: SK { N(INITIAL_CONTACT), Nonce, D } */
static size_t build_protected(const struct ike_sa_keys *k, bool from_i,
			      uint8_t *buf, size_t cap)
{
	struct ike_hdr h = {
		.spi_i = 0xa1a2a3a4a5a6a7a8ULL, .spi_r = 0xb1b2b3b4b5b6b7b8ULL,
		.exchange = IKE_INFORMATIONAL, .flags = IKE_FLAG_I, .msg_id = 7,
	};
	uint8_t spi[4] = { 1, 2, 3, 4 };
	struct ike_builder b;
	size_t len = 0;

	ike_build_init(&b, buf, cap, &h);
	ike_build_sk_begin(&b, ike_sk_iv_len(k));
	ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_nonce(&b, inner_nonce, sizeof(inner_nonce));
	ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	if (ike_sk_protect(k, from_i, &b, &len))
		return 0;
	return len;
}

/* The same payloads in the clear, to compare the decrypted bytes with. */
static size_t build_clear_payloads(uint8_t *buf, size_t cap)
{
	struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
	uint8_t spi[4] = { 1, 2, 3, 4 };
	struct ike_builder b;

	ike_build_init(&b, buf, cap, &h);
	ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_nonce(&b, inner_nonce, sizeof(inner_nonce));
	ike_build_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	return ike_build_end(&b);
}

static void sk_round_trip(const struct ike_suite *s)
{
	uint8_t gir[32], n[32], msg[512], plain[512];
	struct ike_parse_err err;
	struct ike_sa_keys k;
	struct ike_msg m;
	size_t len, plen;

	fill(gir, 32, 9);
	fill(n, 32, 10);
	assert_int_equal(ike_derive_sa_keys(s, gir, 32, n, 32, n, 32, 3, 4, &k),
			 0);
	for (int dir = 0; dir < 2; dir++) {
		len = build_protected(&k, dir, msg, sizeof(msg));
		assert_true(len > 0);
		assert_int_equal(ike_msg_parse(msg, len, &m, &err), 0);
		assert_true(m.sk.present);
		assert_int_equal(m.sk.first_inner, IKE_PL_NOTIFY);
		/* wrong direction keys: ICV fails */
		assert_int_equal(ike_sk_unprotect(&k, !dir, &m, plain,
						  sizeof(plain), &plen), -1);
		assert_int_equal(ike_sk_unprotect(&k, dir, &m, plain,
						  sizeof(plain), &plen), 0);
		assert_int_equal(ike_msg_parse_inner(&m, plain, plen, &err), 0);
		assert_true(m.decrypted);
		assert_int_equal(m.n_notify, 1);
		assert_int_equal(m.notify[0].type, IKE_N_INITIAL_CONTACT);
		assert_true(m.notify[0].inner);
		assert_true(m.nonce.present);
		assert_memory_equal(m.nonce.data, inner_nonce, 32);
		assert_int_equal(m.n_delete, 1);
		assert_int_equal(m.del[0].n_spi, 1);

		/* every single-bit flip anywhere is caught */
		for (size_t i = 0; i < len; i++) {
			struct ike_msg m2;

			msg[i] ^= 0x01;
			if (ike_msg_parse(msg, len, &m2, &err) == 0 &&
			    m2.sk.present)
				assert_int_equal(ike_sk_unprotect(&k, dir, &m2,
						 plain, sizeof(plain), &plen), -1);
			msg[i] ^= 0x01;
		}
		/* too small an output buffer */
		assert_int_equal(ike_sk_unprotect(&k, dir, &m, plain, 8, &plen),
				 -1);
	}
	ike_sa_keys_wipe(&k);
}

static void test_sk_round_trip(void **state)
{
	struct ike_suite s = suite_gcm;

	(void)state;
	sk_round_trip(&suite_gcm);
	sk_round_trip(&suite_cbc);
	sk_round_trip(&suite_legacy);
	s.encr_key_len = 256;
	sk_round_trip(&s);
	s = suite_cbc;
	s.encr_key_len = 192;
	s.integ = IKE_INTEG_HMAC_SHA2_256_128;
	sk_round_trip(&s);
	s.integ = IKE_INTEG_HMAC_SHA2_512_256;
	sk_round_trip(&s);
}

/* Decrypts our SK payload with raw EVP following RFC 5282 (GCM) and RFC
 * 7296 §3.14 (CBC + HMAC) to pin the wire layout. */
static void test_sk_layout(void **state)
{
	const struct ike_suite *suites[] = { &suite_gcm, &suite_cbc };
	uint8_t gir[32], n[32], msg[512], clear[512], pt[512];

	(void)state;
	fill(gir, 32, 11);
	fill(n, 32, 12);
	for (size_t s = 0; s < 2; s++) {
		struct ike_sa_keys k;
		struct ike_parse_err err;
		struct ike_msg m;
		size_t len, clen, off, iv_len, icv_len, ct_len;
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int outl, fin;
		bool gcm = suites[s]->encr == IKE_ENCR_AES_GCM_16;

		assert_int_equal(ike_derive_sa_keys(suites[s], gir, 32, n, 32, n,
						    32, 5, 6, &k), 0);
		len = build_protected(&k, false, msg, sizeof(msg));
		assert_true(len > 0);
		clen = build_clear_payloads(clear, sizeof(clear));
		assert_int_equal(ike_msg_parse(msg, len, &m, &err), 0);
		assert_int_equal(m.hdr.length, len);
		off = m.sk.off;
		assert_int_equal(off, IKE_HDR_LEN);
		iv_len = gcm ? 8 : 16;
		icv_len = gcm ? 16 : 24;
		ct_len = len - off - 4 - iv_len - icv_len;
		if (gcm) {
			uint8_t nonce[12];

			memcpy(nonce, k.sk_er + 16, 4);	/* salt */
			memcpy(nonce + 4, msg + off + 4, 8);
			assert_true(EVP_DecryptInit_ex2(ctx, EVP_aes_128_gcm(),
							k.sk_er, nonce, NULL));
			assert_true(EVP_DecryptUpdate(ctx, NULL, &outl, msg,
						      (int)(off + 4)));
			assert_true(EVP_DecryptUpdate(ctx, pt, &outl,
						      msg + off + 4 + iv_len,
						      (int)ct_len));
			assert_true(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
							16, msg + len - 16));
			assert_true(EVP_DecryptFinal_ex(ctx, pt + outl, &fin));
		} else {
			uint8_t icv[64];
			unsigned int il;

			assert_non_null(HMAC(EVP_sha384(), k.sk_ar, 48, msg,
					     len - icv_len, icv, &il));
			assert_memory_equal(icv, msg + len - icv_len, icv_len);
			assert_int_equal(ct_len % 16, 0);
			assert_true(EVP_DecryptInit_ex2(ctx, EVP_aes_256_cbc(),
							k.sk_er, msg + off + 4,
							NULL));
			EVP_CIPHER_CTX_set_padding(ctx, 0);
			assert_true(EVP_DecryptUpdate(ctx, pt, &outl,
						      msg + off + 4 + iv_len,
						      (int)ct_len));
			assert_true(EVP_DecryptFinal_ex(ctx, pt + outl, &fin));
		}
		/* plaintext = inner payloads | padding | pad length */
		assert_true(pt[ct_len - 1] < ct_len);
		assert_int_equal(ct_len - pt[ct_len - 1] - 1, clen - IKE_HDR_LEN);
		assert_memory_equal(pt, clear + IKE_HDR_LEN, clen - IKE_HDR_LEN);
		assert_int_equal(msg[off], IKE_PL_NOTIFY);	/* SK's next */
		EVP_CIPHER_CTX_free(ctx);
		ike_sa_keys_wipe(&k);
	}
}

static void test_sk_errors(void **state)
{
	uint8_t gir[32], n[32], msg[512], plain[512];
	struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
	struct ike_parse_err err;
	struct ike_sa_keys k;
	struct ike_builder b;
	struct ike_msg m;
	size_t len, plen;

	(void)state;
	fill(gir, 32, 13);
	fill(n, 32, 14);
	assert_int_equal(ike_derive_sa_keys(&suite_gcm, gir, 32, n, 32, n, 32, 1,
					    2, &k), 0);
	/* empty SK (a liveness check) works */
	ike_build_init(&b, msg, sizeof(msg), &h);
	ike_build_sk_begin(&b, ike_sk_iv_len(&k));
	assert_int_equal(ike_sk_protect(&k, true, &b, &len), 0);
	assert_int_equal(len, 28 + 4 + 8 + 1 + 16);
	assert_int_equal(ike_msg_parse(msg, len, &m, &err), 0);
	assert_int_equal(m.sk.first_inner, IKE_PL_NONE);
	assert_int_equal(ike_sk_unprotect(&k, true, &m, plain, sizeof(plain),
					  &plen), 0);
	assert_int_equal(plen, 0);
	assert_int_equal(ike_msg_parse_inner(&m, plain, plen, &err), 0);

	/* protect without SK, with a wrong IV size, with no room */
	ike_build_init(&b, msg, sizeof(msg), &h);
	assert_int_equal(ike_sk_protect(&k, true, &b, &len), -1);
	ike_build_init(&b, msg, sizeof(msg), &h);
	ike_build_sk_begin(&b, 16);
	assert_int_equal(ike_sk_protect(&k, true, &b, &len), -1);
	ike_build_init(&b, msg, 28 + 4 + 8 + 5, &h);
	ike_build_sk_begin(&b, 8);
	assert_int_equal(ike_sk_protect(&k, true, &b, &len), -1);
	assert_true(ike_sk_trailer_max(&k) >= 17);

	/* SK too short to hold IV + ICV: a parse passes, unprotect refuses */
	ike_build_init(&b, msg, sizeof(msg), &h);
	ike_build_payload(&b, IKE_PL_SK, false, n, 10);
	len = ike_build_end(&b);
	assert_int_equal(ike_msg_parse(msg, len, &m, &err), 0);
	assert_int_equal(ike_sk_unprotect(&k, true, &m, plain, sizeof(plain),
					  &plen), -1);
	ike_sa_keys_wipe(&k);
}

/* --- AUTH --------------------------------------------------------------------------- */

static void test_auth_psk(void **state)
{
	const uint8_t psk[] = "correct horse battery staple";
	uint8_t gir[32], ni[32], nr[32], realmsg[300], idb[64];
	uint8_t auth[64], want[64], maced[64], padded[64], buf[600];
	struct ike_id id;
	struct ike_sa_keys k;
	unsigned int l;
	size_t len, idlen, olen;

	(void)state;
	fill(gir, 32, 15);
	fill(ni, 32, 16);
	fill(nr, 32, 17);
	fill(realmsg, sizeof(realmsg), 18);
	assert_int_equal(ike_derive_sa_keys(&suite_gcm, gir, 32, ni, 32, nr, 32,
					    1, 2, &k), 0);
	assert_int_equal(ike_id_from_string("enb1.example.net", &id, NULL, 0), 0);
	idlen = ike_id_body(&id, idb, sizeof(idb));
	assert_int_equal(idlen, 4 + 16);
	assert_int_equal(idb[0], IKE_ID_FQDN);

	/* initiator: prf(prf(PSK, "Key Pad for IKEv2"),
	 *                RealMessage1 | Nr | prf(SK_pi, IDi')) */
	assert_int_equal(ike_auth_psk(&k, true, psk, sizeof(psk) - 1, realmsg,
				      sizeof(realmsg), nr, 32, idb, idlen, auth,
				      sizeof(auth), &len), 0);
	assert_int_equal(len, 32);
	assert_non_null(HMAC(EVP_sha256(), k.sk_pi, 32, idb, idlen, maced, &l));
	assert_non_null(HMAC(EVP_sha256(), psk, sizeof(psk) - 1,
			     (const uint8_t *)"Key Pad for IKEv2", 17, padded, &l));
	memcpy(buf, realmsg, sizeof(realmsg));
	memcpy(buf + 300, nr, 32);
	memcpy(buf + 332, maced, 32);
	assert_non_null(HMAC(EVP_sha256(), padded, 32, buf, 364, want, &l));
	assert_memory_equal(auth, want, 32);
	assert_true(ike_auth_psk_verify(&k, true, psk, sizeof(psk) - 1, realmsg,
					sizeof(realmsg), nr, 32, idb, idlen,
					want, 32));

	/* the signed octets are the same construction */
	assert_int_equal(ike_auth_octets(&k, true, realmsg, sizeof(realmsg), nr,
					 32, idb, idlen, want, sizeof(want),
					 &olen), -1);	/* too small */
	{
		uint8_t oct[400];

		assert_int_equal(ike_auth_octets(&k, true, realmsg,
						 sizeof(realmsg), nr, 32, idb,
						 idlen, oct, sizeof(oct), &olen),
				 0);
		assert_int_equal(olen, 364);
		assert_memory_equal(oct, buf, 364);
	}

	/* wrong PSK, wrong side, wrong nonce, truncated AUTH: all refused */
	assert_false(ike_auth_psk_verify(&k, true, psk, sizeof(psk) - 2, realmsg,
					 sizeof(realmsg), nr, 32, idb, idlen,
					 auth, 32));
	assert_false(ike_auth_psk_verify(&k, false, psk, sizeof(psk) - 1,
					 realmsg, sizeof(realmsg), nr, 32, idb,
					 idlen, auth, 32));
	assert_false(ike_auth_psk_verify(&k, true, psk, sizeof(psk) - 1, realmsg,
					 sizeof(realmsg), ni, 32, idb, idlen,
					 auth, 32));
	assert_false(ike_auth_psk_verify(&k, true, psk, sizeof(psk) - 1, realmsg,
					 sizeof(realmsg), nr, 32, idb, idlen,
					 auth, 31));
	assert_false(ike_auth_psk_verify(&k, true, psk, 0, realmsg,
					 sizeof(realmsg), nr, 32, idb, idlen,
					 auth, 32));
	/* responder side uses SK_pr */
	assert_int_equal(ike_auth_psk(&k, false, psk, sizeof(psk) - 1, realmsg,
				      sizeof(realmsg), ni, 32, idb, idlen, want,
				      sizeof(want), &len), 0);
	assert_int_not_equal(memcmp(want, auth, 32), 0);
	ike_sa_keys_wipe(&k);
}

static void test_random(void **state)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };

	(void)state;
	assert_int_equal(ike_crypto_init(), 0);
	assert_int_equal(ike_random(a, sizeof(a)), 0);
	assert_int_equal(ike_random(b, sizeof(b)), 0);
	assert_int_not_equal(memcmp(a, b, sizeof(a)), 0);
}

#define SPI_COOKIE 0x0a0b0c0d0e0f1011ULL

static void test_cookie(void **state)
{
	struct ike_cookie_secret cur, prev, other;
	uint8_t ni[32], ip4[4] = { 198, 51, 100, 7 }, ip6[16] = { 0x20, 1 };
	uint8_t c[IKE_COOKIE_LEN], c_old[IKE_COOKIE_LEN], c6[IKE_COOKIE_LEN];
	uint8_t mac[32];
	uint8_t in[32 + 4 + 8];
	unsigned int l;

	(void)state;
	fill(ni, 32, 21);
	assert_int_equal(ike_cookie_secret_new(&prev, 1), 0);
	assert_int_equal(ike_cookie_secret_new(&cur, 2), 0);
	assert_int_equal(ike_cookie_secret_new(&other, 2), 0);
	assert_int_equal(ike_cookie_make(&cur, ni, 32, ip4, 4, SPI_COOKIE, c), 0);
	assert_int_equal(ike_cookie_make(&prev, ni, 32, ip4, 4, SPI_COOKIE,
					 c_old), 0);
	/* version byte, then HMAC-SHA256(secret, Ni | IPi | SPIi) */
	memcpy(in, ni, 32);
	memcpy(in + 32, ip4, 4);
	sgw_put_be64(in + 36, SPI_COOKIE);
	assert_non_null(HMAC(EVP_sha256(), cur.key, 32, in, sizeof(in), mac, &l));
	assert_int_equal(c[0], 2);
	assert_memory_equal(c + 1, mac, IKE_COOKIE_LEN - 1);

	assert_true(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4, SPI_COOKIE, c,
				     sizeof(c)));
	assert_true(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4, SPI_COOKIE,
				     c_old, sizeof(c_old)));
	/* the previous secret retired: its cookies no longer pass */
	assert_false(ike_cookie_check(&cur, NULL, ni, 32, ip4, 4, SPI_COOKIE,
				      c_old, sizeof(c_old)));
	/* another secret with the same version, another initiator */
	assert_false(ike_cookie_check(&other, NULL, ni, 32, ip4, 4, SPI_COOKIE,
				      c, sizeof(c)));
	assert_false(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4,
				      SPI_COOKIE + 1, c, sizeof(c)));
	assert_false(ike_cookie_check(&cur, &prev, ni, 31, ip4, 4, SPI_COOKIE,
				      c, sizeof(c)));
	ip4[3]++;
	assert_false(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4, SPI_COOKIE,
				      c, sizeof(c)));
	ip4[3]--;
	assert_false(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4, SPI_COOKIE,
				      c, sizeof(c) - 1));
	c[5] ^= 1;
	assert_false(ike_cookie_check(&cur, &prev, ni, 32, ip4, 4, SPI_COOKIE,
				      c, sizeof(c)));
	assert_int_equal(ike_cookie_make(&cur, ni, 32, ip6, 16, SPI_COOKIE, c6),
			 0);
	assert_true(ike_cookie_check(&cur, NULL, ni, 32, ip6, 16, SPI_COOKIE, c6,
				     sizeof(c6)));
	assert_int_equal(ike_cookie_make(&cur, ni, 32, ip6, 5, SPI_COOKIE, c6),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_prf_chunks),
		cmocka_unit_test(test_prf_plus),
		cmocka_unit_test(test_dh_vectors),
		cmocka_unit_test(test_dh_round_trips),
		cmocka_unit_test(test_dh_modp_known),
		cmocka_unit_test(test_dh_bad_peer),
		cmocka_unit_test(test_cipher_vectors),
		cmocka_unit_test(test_algorithm_info),
		cmocka_unit_test(test_sa_keys),
		cmocka_unit_test(test_child_keys),
		cmocka_unit_test(test_esp_algs),
		cmocka_unit_test(test_sk_round_trip),
		cmocka_unit_test(test_sk_layout),
		cmocka_unit_test(test_sk_errors),
		cmocka_unit_test(test_auth_psk),
		cmocka_unit_test(test_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
