// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of IKEv2 proposals (libsgw/ike/ike_proposal.c): configuration
 * strings, responder selection (order, KE group, PFS, ESN, legacy groups) and
 * the initiator's check of the responder's choice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_proposal.h"

static int parse(const char *s, uint8_t proto, struct ike_proposal *p,
		 size_t cap)
{
	char err[128];

	return ike_proposals_parse(s, proto, p, cap, err, sizeof(err));
}

static bool has(const struct ike_proposal *p, uint8_t type, uint16_t id,
		uint16_t key_len)
{
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->t[i].type == type && p->t[i].id == id &&
		    p->t[i].key_len == key_len)
			return true;
	return false;
}

static void test_parse_ike(void **state)
{
	struct ike_proposal p[4];
	char buf[256];

	(void)state;
	assert_int_equal(parse("aes128gcm16-prfsha256-ecp256", IKE_PROTO_IKE, p,
			       4), 1);
	assert_int_equal(p[0].num, 1);
	assert_int_equal(p[0].proto, IKE_PROTO_IKE);
	assert_int_equal(p[0].n_transforms, 3);
	assert_true(has(&p[0], IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 128));
	assert_true(has(&p[0], IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0));
	assert_true(has(&p[0], IKE_TRANS_DH, IKE_DH_ECP256, 0));
	ike_proposal_to_string(&p[0], buf, sizeof(buf));
	assert_string_equal(buf, "aes128gcm16-prfsha256-ecp256");

	/* the guide's legacy example: the PRF comes from the integrity hash */
	assert_int_equal(parse("aes128-sha1-modp1024", IKE_PROTO_IKE, p, 4), 1);
	assert_int_equal(p[0].n_transforms, 4);
	assert_true(has(&p[0], IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 128));
	assert_true(has(&p[0], IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA1_96, 0));
	assert_true(has(&p[0], IKE_TRANS_PRF, IKE_PRF_HMAC_SHA1, 0));
	assert_true(has(&p[0], IKE_TRANS_DH, IKE_DH_MODP1024, 0));
	ike_proposal_to_string(&p[0], buf, sizeof(buf));
	assert_string_equal(buf, "aes128-sha1-prfsha1-modp1024");

	/* several proposals, several algorithms per type, order kept */
	assert_int_equal(parse(" aes256gcm16-aes128gcm16-prfsha384-prfsha256-"
			       "ecp384-ecp256-x25519 , aes256-aes192-sha512-"
			       "sha384-modp2048", IKE_PROTO_IKE, p, 4), 2);
	assert_int_equal(p[1].num, 2);
	assert_int_equal(p[0].n_transforms, 7);
	assert_int_equal(p[0].t[0].key_len, 256);
	assert_int_equal(p[0].t[1].key_len, 128);
	ike_proposal_to_string(&p[0], buf, sizeof(buf));
	assert_string_equal(buf, "aes256gcm16-aes128gcm16-prfsha384-prfsha256-"
				 "ecp384-ecp256-curve25519");
	ike_proposal_to_string(&p[1], buf, sizeof(buf));
	assert_string_equal(buf, "aes256-aes192-sha512-sha384-prfsha512-"
				 "prfsha384-modp2048");
	/* case-insensitive keywords, duplicates folded */
	assert_int_equal(parse("AES128-SHA256-sha256-MODP2048", IKE_PROTO_IKE,
			       p, 4), 1);
	assert_int_equal(p[0].n_transforms, 4);
	/* truncated output keeps snprintf semantics */
	assert_int_equal(ike_proposal_to_string(&p[0], buf, 5),
			 (int)strlen("aes128-sha256-prfsha256-modp2048"));
	assert_string_equal(buf, "aes1");
}

static void test_parse_esp(void **state)
{
	struct ike_proposal p[2];
	char buf[128];

	(void)state;
	assert_int_equal(parse("aes128gcm16", IKE_PROTO_ESP, p, 2), 1);
	assert_int_equal(p[0].n_transforms, 2);	/* + implicit noesn */
	assert_true(has(&p[0], IKE_TRANS_ESN, IKE_ESN_NO, 0));
	assert_int_equal(parse("aes256-sha256-esn-ecp256", IKE_PROTO_ESP, p, 2),
			 1);
	assert_true(has(&p[0], IKE_TRANS_DH, IKE_DH_ECP256, 0));
	assert_true(has(&p[0], IKE_TRANS_ESN, IKE_ESN_YES, 0));
	assert_false(has(&p[0], IKE_TRANS_ESN, IKE_ESN_NO, 0));
	assert_int_equal(parse("aes128-sha1-esn-noesn", IKE_PROTO_ESP, p, 2), 1);
	assert_true(has(&p[0], IKE_TRANS_ESN, IKE_ESN_NO, 0));
	ike_proposal_to_string(&p[0], buf, sizeof(buf));
	assert_string_equal(buf, "aes128-sha1-esn-noesn");
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *s;
		uint8_t proto;
		const char *msg;
	} bad[] = {
		{ "aes129-sha1-modp2048", IKE_PROTO_IKE, "unknown algorithm 'aes129'" },
		{ "", IKE_PROTO_IKE, "empty proposal" },
		{ "aes128-sha1-modp2048,", IKE_PROTO_IKE, "empty proposal" },
		{ "aes128-sha1-modp2048,,aes128-sha1-modp2048", IKE_PROTO_IKE,
		  "empty proposal" },
		{ "aes128--sha1-modp2048", IKE_PROTO_IKE, "unknown algorithm ''" },
		{ "aes128-sha1-modp2048-", IKE_PROTO_IKE, "unknown algorithm ''" },
		{ "aes128-modp2048", IKE_PROTO_IKE, "no integrity algorithm" },
		{ "sha1-modp2048", IKE_PROTO_IKE, "no encryption algorithm" },
		{ "aes128gcm16-sha256-prfsha256-ecp256", IKE_PROTO_IKE,
		  "integrity algorithm with an AEAD cipher" },
		{ "aes128gcm16-ecp256", IKE_PROTO_IKE, "AEAD proposal needs a prf" },
		{ "aes128-aes128gcm16-sha1-modp2048", IKE_PROTO_IKE,
		  "AEAD and non-AEAD ciphers mixed" },
		{ "aes128-sha1", IKE_PROTO_IKE, "no DH group" },
		{ "aes128-sha1-modp2048-esn", IKE_PROTO_IKE, "esn is for ESP" },
		{ "aes128-sha1-prfsha1", IKE_PROTO_ESP, "prf is for IKE" },
		{ "aes128", IKE_PROTO_ESP, "no integrity algorithm" },
	};
	struct ike_proposal p[2];
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(ike_proposals_parse(bad[i].s, bad[i].proto, p, 2,
						     err, sizeof(err)), -1);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad[i].s, err,
				 bad[i].msg);
	}
	assert_int_equal(ike_proposals_parse("aes128gcm16,aes256gcm16,aes128-sha1",
					     IKE_PROTO_ESP, p, 2, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "too many proposals"));
	assert_int_equal(ike_proposals_parse("aes128gcm16", IKE_PROTO_AH, p, 2,
					     err, sizeof(err)), -1);
	assert_int_equal(ike_proposals_parse(NULL, IKE_PROTO_ESP, p, 2, NULL, 0),
			 -1);
}

static void test_select_order(void **state)
{
	struct ike_proposal ours[4], theirs[4];
	struct ike_suite s;

	(void)state;
	assert_int_equal(parse("aes256gcm16-prfsha384-ecp256,"
			       "aes128gcm16-prfsha256-ecp256", IKE_PROTO_IKE,
			       ours, 4), 2);
	assert_int_equal(parse("aes128gcm16-prfsha256-ecp256,"
			       "aes256gcm16-prfsha384-ecp256", IKE_PROTO_IKE,
			       theirs, 4), 2);
	/* default: our order wins */
	assert_int_equal(ike_proposal_select(ours, 2, theirs, 2, 0,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 256);
	assert_int_equal(s.prf, IKE_PRF_HMAC_SHA2_384);
	assert_int_equal(s.prop_num, 2);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	assert_int_equal(s.integ, 0);
	/* the peer's order on request */
	assert_int_equal(ike_proposal_select(ours, 2, theirs, 2,
					     IKE_SELECT_PREFER_PEER,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 128);
	assert_int_equal(s.prop_num, 1);

	/* the KE group decides among acceptable pairs before the order */
	assert_int_equal(parse("aes256gcm16-prfsha384-ecp384,"
			       "aes128gcm16-prfsha256-ecp256", IKE_PROTO_IKE,
			       ours, 4), 2);
	assert_int_equal(parse("aes128gcm16-prfsha256-ecp384-ecp256,"
			       "aes256gcm16-prfsha384-ecp384", IKE_PROTO_IKE,
			       theirs, 4), 2);
	assert_int_equal(ike_proposal_select(ours, 2, theirs, 2, 0,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 128);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	assert_int_equal(ike_proposal_select(ours, 2, theirs, 2,
					     IKE_SELECT_PREFER_PEER,
					     IKE_DH_ECP384, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 256);
	assert_int_equal(s.dh, IKE_DH_ECP384);
	/* within a type, the preferred side's order */
	assert_int_equal(parse("aes128gcm16-aes256gcm16-prfsha256-ecp256",
			       IKE_PROTO_IKE, ours, 4), 1);
	assert_int_equal(parse("aes256gcm16-aes128gcm16-prfsha256-ecp256",
			       IKE_PROTO_IKE, theirs, 4), 1);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 128);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1,
					     IKE_SELECT_PREFER_PEER,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr_key_len, 256);
}

static void test_select_invalid_ke(void **state)
{
	struct ike_proposal ours[2], theirs[2];
	struct ike_suite s;

	(void)state;
	assert_int_equal(parse("aes128gcm16-prfsha256-ecp256-curve25519",
			       IKE_PROTO_IKE, ours, 2), 1);
	assert_int_equal(parse("aes128gcm16-prfsha256-modp2048-curve25519-ecp256",
			       IKE_PROTO_IKE, theirs, 2), 1);
	/* KE with modp2048 that we do not accept: ask for our ecp256 */
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_INVALID_KE);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	/* with the peer's preference, its first common group */
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1,
					     IKE_SELECT_PREFER_PEER,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_INVALID_KE);
	assert_int_equal(s.dh, IKE_DH_CURVE25519);
	/* retry with the requested group succeeds */
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_ECP256, &s), IKE_SELECT_OK);
	/* IKE always needs a KE: no group, no proposal */
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0, 0, &s),
			 IKE_SELECT_NO_PROPOSAL);
	assert_int_equal(ike_proposals_first_dh(ours, 1), IKE_DH_ECP256);
	assert_true(ike_proposals_have_dh(ours, 1, IKE_DH_CURVE25519));
	assert_false(ike_proposals_have_dh(ours, 1, IKE_DH_MODP2048));
}

static void test_select_no_proposal(void **state)
{
	struct ike_proposal ours[2], theirs[2];
	struct ike_suite s;

	(void)state;
	/* key length differs */
	parse("aes128-sha256-modp2048", IKE_PROTO_IKE, ours, 2);
	parse("aes256-sha256-modp2048", IKE_PROTO_IKE, theirs, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
	/* integrity differs */
	parse("aes256-sha1-modp2048", IKE_PROTO_IKE, ours, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
	/* protocol differs */
	parse("aes256-sha256", IKE_PROTO_ESP, ours, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
	/* an unusable proposal never matches */
	parse("aes256-sha256-modp2048", IKE_PROTO_IKE, ours, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s), IKE_SELECT_OK);
	theirs[0].unusable = true;
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
	/* an unsupported cipher never matches even if both name it */
	parse("aes256-sha256-modp2048", IKE_PROTO_IKE, ours, 2);
	parse("aes256-sha256-modp2048", IKE_PROTO_IKE, theirs, 2);
	ours[0].t[0].id = theirs[0].t[0].id = IKE_ENCR_3DES;
	ours[0].t[0].key_len = theirs[0].t[0].key_len = 0;
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
	assert_int_equal(ike_proposal_select(ours, 0, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_NO_PROPOSAL);
}

static void test_select_legacy(void **state)
{
	struct ike_proposal ours[2], theirs[2];
	struct ike_suite s;

	(void)state;
	parse("aes128-sha1-modp1024", IKE_PROTO_IKE, ours, 2);
	parse("aes128-sha1-modp1024", IKE_PROTO_IKE, theirs, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP1024, &s),
			 IKE_SELECT_NO_PROPOSAL);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1,
					     IKE_SELECT_ALLOW_LEGACY,
					     IKE_DH_MODP1024, &s), IKE_SELECT_OK);
	assert_int_equal(s.encr, IKE_ENCR_AES_CBC);
	assert_int_equal(s.integ, IKE_INTEG_HMAC_SHA1_96);
	assert_int_equal(s.prf, IKE_PRF_HMAC_SHA1);
	assert_int_equal(s.dh, IKE_DH_MODP1024);
}

static void test_select_esp(void **state)
{
	struct ike_proposal ours[2], theirs[2];
	struct ike_suite s;

	(void)state;
	/* IKE_AUTH: DH transforms are ignored on both sides */
	parse("aes256gcm16-ecp256", IKE_PROTO_ESP, ours, 2);
	parse("aes128gcm16-aes256gcm16-modp2048-esn-noesn", IKE_PROTO_ESP,
	      theirs, 2);
	theirs[0].spi_size = 4;
	memcpy(theirs[0].spi, "\x01\x02\x03\x04", 4);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1,
					     IKE_SELECT_IGNORE_DH, 0, &s),
			 IKE_SELECT_OK);
	assert_int_equal(s.proto, IKE_PROTO_ESP);
	assert_int_equal(s.encr_key_len, 256);
	assert_int_equal(s.dh, 0);
	assert_int_equal(s.esn, IKE_ESN_NO);
	assert_int_equal(s.spi_size, 4);
	assert_memory_equal(s.spi, "\x01\x02\x03\x04", 4);
	/* CREATE_CHILD_SA without KE: our PFS group cannot be agreed */
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0, 0, &s),
			 IKE_SELECT_NO_PROPOSAL);
	/* a KE group outside the common set: INVALID_KE with a common one */
	parse("aes256gcm16-ecp256-modp2048", IKE_PROTO_ESP, ours, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_ECP256, &s),
			 IKE_SELECT_INVALID_KE);
	assert_int_equal(s.dh, IKE_DH_MODP2048);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_MODP2048, &s),
			 IKE_SELECT_OK);
	assert_int_equal(s.dh, IKE_DH_MODP2048);
	parse("aes256gcm16-ecp384", IKE_PROTO_ESP, ours, 2);
	parse("aes256gcm16-ecp256-ecp384", IKE_PROTO_ESP, theirs, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0,
					     IKE_DH_ECP256, &s),
			 IKE_SELECT_INVALID_KE);
	assert_int_equal(s.dh, IKE_DH_ECP384);
	/* no PFS on either side */
	parse("aes256-sha256", IKE_PROTO_ESP, ours, 2);
	parse("aes256-sha256-esn", IKE_PROTO_ESP, theirs, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0, 0, &s),
			 IKE_SELECT_NO_PROPOSAL);	/* ESN mismatch */
	parse("aes256-sha256-esn-noesn", IKE_PROTO_ESP, ours, 2);
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0, 0, &s),
			 IKE_SELECT_OK);
	assert_int_equal(s.esn, IKE_ESN_YES);
	assert_int_equal(s.integ, IKE_INTEG_HMAC_SHA2_256_128);
	/* a peer that leaves the ESN transform out means no ESN */
	theirs[0].n_transforms = 2;
	assert_int_equal(ike_proposal_select(ours, 1, theirs, 1, 0, 0, &s),
			 IKE_SELECT_OK);
	assert_int_equal(s.esn, IKE_ESN_NO);
}

static void test_reply(void **state)
{
	struct ike_proposal offered[2], reply;
	struct ike_suite s, got;
	char buf[128];

	(void)state;
	parse("aes128gcm16-prfsha256-ecp256-curve25519,aes256-sha256-modp2048",
	      IKE_PROTO_IKE, offered, 2);
	memset(&s, 0, sizeof(s));
	s.proto = IKE_PROTO_IKE;
	s.encr = IKE_ENCR_AES_CBC;
	s.encr_key_len = 256;
	s.integ = IKE_INTEG_HMAC_SHA2_256_128;
	s.prf = IKE_PRF_HMAC_SHA2_256;
	s.dh = IKE_DH_MODP2048;
	ike_suite_to_proposal(&s, 2, NULL, 0, &reply);
	ike_suite_to_string(&s, buf, sizeof(buf));
	assert_string_equal(buf, "aes256-sha256-prfsha256-modp2048");
	assert_true(ike_proposal_check_reply(offered, 2, &reply, 0, &got));
	assert_int_equal(got.prop_num, 2);
	assert_int_equal(got.dh, IKE_DH_MODP2048);
	/* something we never offered */
	reply.t[1].id = IKE_INTEG_HMAC_SHA1_96;
	assert_false(ike_proposal_check_reply(offered, 2, &reply, 0, &got));
	/* two transforms of one type */
	ike_suite_to_proposal(&s, 2, NULL, 0, &reply);
	reply.t[reply.n_transforms++] = reply.t[0];
	assert_false(ike_proposal_check_reply(offered, 2, &reply, 0, &got));
	/* ESP reply with the responder's SPI */
	parse("aes128gcm16-esn-noesn", IKE_PROTO_ESP, offered, 2);
	memset(&s, 0, sizeof(s));
	s.proto = IKE_PROTO_ESP;
	s.encr = IKE_ENCR_AES_GCM_16;
	s.encr_key_len = 128;
	s.esn = IKE_ESN_YES;
	ike_suite_to_proposal(&s, 1, (const uint8_t *)"\xaa\xbb\xcc\xdd", 4,
			      &reply);
	assert_true(ike_proposal_check_reply(offered, 1, &reply,
					     IKE_SELECT_IGNORE_DH, &got));
	assert_int_equal(got.esn, IKE_ESN_YES);
	assert_int_equal(got.spi_size, 4);
	assert_memory_equal(got.spi, "\xaa\xbb\xcc\xdd", 4);
	ike_suite_to_string(&got, buf, sizeof(buf));
	assert_string_equal(buf, "aes128gcm16-esn");
}

static void test_with_spi(void **state)
{
	struct ike_proposal p[2], out[2];
	uint8_t spi[4] = { 0xc1, 0x00, 0x00, 0x2a };

	(void)state;
	assert_int_equal(parse("aes128gcm16-ecp256-esn,aes256-sha256-modp2048",
			       IKE_PROTO_ESP, p, 2), 2);
	/* IKE_AUTH: no DH, our SPI on every proposal */
	assert_int_equal(ike_proposals_with_spi(p, 2, spi, 4, true, out), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(out[i].spi_size, 4);
		assert_memory_equal(out[i].spi, spi, 4);
		for (unsigned int t = 0; t < out[i].n_transforms; t++)
			assert_int_not_equal(out[i].t[t].type, IKE_TRANS_DH);
	}
	assert_true(has(&out[0], IKE_TRANS_ESN, IKE_ESN_YES, 0));
	assert_true(has(&out[1], IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0));
	assert_int_equal(out[0].n_transforms, p[0].n_transforms - 1);
	/* CREATE_CHILD_SA: the DH transforms stay */
	assert_int_equal(ike_proposals_with_spi(p, 2, spi, 4, false, out), 2);
	assert_true(has(&out[0], IKE_TRANS_DH, IKE_DH_ECP256, 0));
	assert_true(has(&out[1], IKE_TRANS_DH, IKE_DH_MODP2048, 0));
	assert_int_equal(out[1].n_transforms, p[1].n_transforms);
}

static void test_transform_supported(void **state)
{
	struct ike_transform t;

	(void)state;
	t = (struct ike_transform){ IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 192 };
	assert_true(ike_transform_supported(&t, false));
	t.key_len = 0;
	assert_false(ike_transform_supported(&t, false));
	t = (struct ike_transform){ IKE_TRANS_DH, IKE_DH_MODP1024, 0 };
	assert_false(ike_transform_supported(&t, false));
	assert_true(ike_transform_supported(&t, true));
	t = (struct ike_transform){ IKE_TRANS_PRF, IKE_PRF_AES128_XCBC, 0 };
	assert_false(ike_transform_supported(&t, true));
	t = (struct ike_transform){ IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_512_256,
				    0 };
	assert_true(ike_transform_supported(&t, false));
	t = (struct ike_transform){ 6, 1, 0 };
	assert_false(ike_transform_supported(&t, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ike),
		cmocka_unit_test(test_parse_esp),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_select_order),
		cmocka_unit_test(test_select_invalid_ke),
		cmocka_unit_test(test_select_no_proposal),
		cmocka_unit_test(test_select_legacy),
		cmocka_unit_test(test_select_esp),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_with_spi),
		cmocka_unit_test(test_transform_supported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
