// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libsgw/ipsec/ipsec_child.c: a CHILD_SA's selectors as XFRM
 * ranges, and its ESP SA pair with the keys the right way round for either
 * role.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ipsec/ipsec_child.h"

static void test_sel_ranges(void **state)
{
	struct ike_ts ts[2];
	struct xfrm_sel_range r[2];
	static const uint8_t s4[4] = { 10, 1, 0, 0 }, e4[4] = { 10, 1, 255, 255 };

	(void)state;
	memset(ts, 0, sizeof(ts));
	ts[0].type = IKE_TS_IPV4_ADDR_RANGE;
	memcpy(ts[0].start_addr, s4, 4);
	memcpy(ts[0].end_addr, e4, 4);
	ts[0].end_port = 0xffff;
	ts[1].type = IKE_TS_IPV6_ADDR_RANGE;
	ts[1].ip_proto = IPPROTO_SCTP;
	ts[1].start_port = ts[1].end_port = 36412;
	ts[1].start_addr[0] = 0x20;
	memset(ts[1].end_addr, 0xff, 16);
	memset(r, 0x5a, sizeof(r));
	assert_int_equal(ipsec_sel_ranges(ts, 2, r), 2);
	assert_int_equal(r[0].family, AF_INET);
	assert_memory_equal(&r[0].start, s4, 4);
	assert_memory_equal(&r[0].end, e4, 4);
	assert_int_equal(r[0].proto, 0);
	assert_int_equal(r[0].port, 0);
	assert_int_equal(((uint8_t *)&r[0].start)[4], 0);	/* the rest zeroed */
	assert_int_equal(r[1].family, AF_INET6);
	assert_memory_equal(&r[1].start, ts[1].start_addr, 16);
	assert_memory_equal(&r[1].end, ts[1].end_addr, 16);
	assert_int_equal(r[1].proto, IPPROTO_SCTP);
	assert_int_equal(r[1].port, 36412);
}

static void keys(struct ike_child_keys *k, uint8_t integ_len)
{
	memset(k, 0, sizeof(*k));
	k->encr_key_len = 20;
	k->integ_key_len = integ_len;
	memset(k->encr_i, 0x11, sizeof(k->encr_i));
	memset(k->encr_r, 0x22, sizeof(k->encr_r));
	memset(k->integ_i, 0x33, sizeof(k->integ_i));
	memset(k->integ_r, 0x44, sizeof(k->integ_r));
}

static void test_esp_pair(void **state)
{
	struct ike_suite s = { .proto = IKE_PROTO_ESP };
	struct ike_esp_algs a;
	struct ike_child_keys k;
	struct xfrm_sa in, out;

	(void)state;
	s.encr = IKE_ENCR_AES_GCM_16;
	s.encr_key_len = 128;
	s.esn = IKE_ESN_YES;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	keys(&k, 0);
	memset(&in, 0x5a, sizeof(in));
	ipsec_esp_pair(&a, &k, true, 0x4c000001, &in, &out);
	/* we initiated: the initiator's keys protect what we send */
	assert_ptr_equal(out.crypto.enc_key, k.encr_i);
	assert_ptr_equal(in.crypto.enc_key, k.encr_r);
	assert_int_equal(in.crypto.enc_key_len, 20);
	assert_string_equal(in.crypto.aead, "rfc4106(gcm(aes))");
	assert_null(in.crypto.encr);
	assert_null(in.crypto.auth);
	assert_null(in.crypto.auth_key);
	assert_int_equal(in.crypto.icv_bits, 128);
	assert_int_equal(in.proto, IPPROTO_ESP);
	assert_int_equal(in.reqid, 0x4c000001);
	assert_true(in.esn && out.esn);
	/* what the caller sets is zeroed */
	assert_int_equal(in.spi, 0);
	assert_int_equal(in.replay_window, 0);
	assert_int_equal(in.if_id, 0);
	assert_false(in.natt);

	/* the responder's view, with an integrity algorithm */
	s.encr = IKE_ENCR_AES_CBC;
	s.esn = IKE_ESN_NO;
	s.integ = IKE_INTEG_HMAC_SHA2_256_128;
	assert_int_equal(ike_esp_algs(&s, &a), 0);
	keys(&k, 32);
	ipsec_esp_pair(&a, &k, false, 7, &in, &out);
	assert_ptr_equal(in.crypto.enc_key, k.encr_i);
	assert_ptr_equal(in.crypto.auth_key, k.integ_i);
	assert_ptr_equal(out.crypto.enc_key, k.encr_r);
	assert_ptr_equal(out.crypto.auth_key, k.integ_r);
	assert_int_equal(out.crypto.auth_key_len, 32);
	assert_string_equal(out.crypto.encr, "cbc(aes)");
	assert_string_equal(out.crypto.auth, "hmac(sha256)");
	assert_int_equal(out.crypto.trunc_bits, 128);
	assert_null(out.crypto.aead);
	assert_false(in.esn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sel_ranges),
		cmocka_unit_test(test_esp_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
