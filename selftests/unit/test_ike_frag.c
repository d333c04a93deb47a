// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of IKE fragmentation (RFC 7383) in libsgw: SKF payloads built,
 * protected, parsed and decrypted (ike_build_skf_begin, ike_sk_*), and the
 * reassembly of libsgw/ike/ike_frag.c with its limits on fragments and
 * bytes, out of order, duplicated, contradictory and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_crypto.h"
#include "ike/ike_frag.h"
#include "ike/ike_msg.h"

static const struct ike_suite suite = {
	.proto = IKE_PROTO_IKE, .encr = IKE_ENCR_AES_GCM_16, .encr_key_len = 128,
	.prf = IKE_PRF_HMAC_SHA2_256, .dh = IKE_DH_ECP256,
};

static void keys(struct ike_sa_keys *k)
{
	uint8_t gir[32], n[32];

	memset(gir, 7, sizeof(gir));
	memset(n, 9, sizeof(n));
	assert_int_equal(ike_derive_sa_keys(&suite, gir, 32, n, 32, n, 32, 1, 2, k), 0);
}

/* One SKF message through protect, parse and unprotect. */
static void test_skf_round_trip(void **state)
{
	struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exchange = IKE_AUTH, .flags = IKE_FLAG_I,
			     .msg_id = 1 };
	static uint8_t buf[2048], plain[2048];
	static struct ike_msg m;
	struct ike_parse_err err;
	struct ike_sa_keys k;
	struct ike_builder b;
	uint8_t data[300];
	size_t len, plen;

	(void)state;
	keys(&k);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	ike_build_init(&b, buf, sizeof(buf), &h);
	ike_build_skf_begin(&b, ike_sk_iv_len(&k), 2, 3, IKE_PL_IDI);
	ike_build_raw(&b, data, sizeof(data));
	assert_int_equal(ike_sk_protect(&k, true, &b, &len), 0);
	assert_int_equal(ike_msg_parse(buf, len, &m, &err), 0);
	assert_true(m.sk.present && m.sk.frag);
	assert_int_equal(m.sk.frag_num, 2);
	assert_int_equal(m.sk.frag_total, 3);
	assert_int_equal(m.sk.first_inner, IKE_PL_NONE);	/* only fragment 1 names it */
	assert_int_equal(ike_sk_unprotect(&k, true, &m, plain, sizeof(plain), &plen), 0);
	assert_int_equal(plen, sizeof(data));
	assert_memory_equal(plain, data, sizeof(data));
	/* the fragment numbers are authenticated */
	buf[IKE_HDR_LEN + 5] ^= 1;
	assert_int_equal(ike_msg_parse(buf, len, &m, &err), 0);
	assert_int_not_equal(ike_sk_unprotect(&k, true, &m, plain, sizeof(plain), &plen), 0);
	/* number 0, number above total: malformed */
	buf[IKE_HDR_LEN + 5] = 0;
	assert_int_equal(ike_msg_parse(buf, len, &m, &err), -1);
	buf[IKE_HDR_LEN + 5] = 4;
	assert_int_equal(ike_msg_parse(buf, len, &m, &err), -1);
	/* an SKF inside SK is refused */
	memset(&m, 0, sizeof(m));
	m.sk.present = true;
	m.sk.first_inner = IKE_PL_SKF;
	{
		uint8_t inner[] = { 0, 0, 0, 8, 0, 1, 0, 1 };

		assert_int_equal(ike_msg_parse_inner(&m, inner, sizeof(inner), &err), -1);
	}
}

static void add_ok(struct ike_frag_rx *r, uint16_t num, uint16_t total, const char *s,
		   enum ike_frag_result want)
{
	assert_int_equal(ike_frag_rx_add(r, 5, false, num, total, num == 1 ? IKE_PL_IDI : 0,
					 (const uint8_t *)s, strlen(s)), want);
}

static void test_reassembly(void **state)
{
	struct ike_frag_rx r;
	uint8_t out[64], first = 0;

	(void)state;
	ike_frag_rx_init(&r, 8, 1000);
	add_ok(&r, 3, 3, "ghi", IKE_FRAG_MORE);
	add_ok(&r, 1, 3, "abc", IKE_FRAG_MORE);
	add_ok(&r, 1, 3, "XXX", IKE_FRAG_MORE);		/* a duplicate is ignored */
	assert_int_equal(ike_frag_rx_join(&r, out, sizeof(out), &first), 0);	/* incomplete */
	add_ok(&r, 3, 3, "ghi", IKE_FRAG_MORE);
	add_ok(&r, 1, 3, "abc", IKE_FRAG_MORE);
	add_ok(&r, 2, 2, "zz", IKE_FRAG_MORE);		/* smaller total: ignored */
	add_ok(&r, 2, 3, "def", IKE_FRAG_DONE);
	assert_int_equal(ike_frag_rx_join(&r, out, sizeof(out), &first), 9);
	assert_memory_equal(out, "abcdefghi", 9);
	assert_int_equal(first, IKE_PL_IDI);
	assert_int_equal(r.total, 0);			/* nothing held after the join */

	/* a larger total (sent again, smaller) starts over */
	add_ok(&r, 1, 2, "ab", IKE_FRAG_MORE);
	add_ok(&r, 1, 3, "a", IKE_FRAG_MORE);
	add_ok(&r, 2, 3, "b", IKE_FRAG_MORE);
	add_ok(&r, 3, 3, "c", IKE_FRAG_DONE);
	assert_int_equal(ike_frag_rx_join(&r, out, sizeof(out), &first), 3);
	/* another message starts over */
	add_ok(&r, 1, 2, "ab", IKE_FRAG_MORE);
	assert_int_equal(ike_frag_rx_add(&r, 6, false, 2, 2, 0, (const uint8_t *)"x", 1),
			 IKE_FRAG_MORE);
	assert_int_equal(r.have, 1);
	ike_frag_rx_reset(&r);
}

static void test_limits(void **state)
{
	static uint8_t big[700];
	struct ike_frag_rx r;
	uint8_t out[16], first;

	(void)state;
	ike_frag_rx_init(&r, 8, 1000);
	/* more fragments than allowed, zero, beyond the total */
	add_ok(&r, 1, 9, "a", IKE_FRAG_REFUSED);
	add_ok(&r, 0, 3, "a", IKE_FRAG_REFUSED);
	add_ok(&r, 4, 3, "a", IKE_FRAG_REFUSED);
	/* more bytes than allowed: everything held goes */
	assert_int_equal(ike_frag_rx_add(&r, 5, false, 1, 3, 0, big, sizeof(big)), IKE_FRAG_MORE);
	assert_int_equal(ike_frag_rx_add(&r, 5, false, 2, 3, 0, big, sizeof(big)), IKE_FRAG_REFUSED);
	assert_int_equal(r.total, 0);
	assert_int_equal(r.bytes, 0);
	/* a join into a buffer too small holds nothing afterwards */
	add_ok(&r, 1, 1, "0123456789abcdefXYZ", IKE_FRAG_DONE);
	assert_int_equal(ike_frag_rx_join(&r, out, sizeof(out), &first), 0);
	assert_int_equal(r.total, 0);
	/* the hard bound holds whatever the caller asks */
	ike_frag_rx_init(&r, 1000, 100000);
	assert_int_equal(r.max_frags, IKE_FRAG_MAX);
	/* random fragments never exceed the limits (ASan watches the rest) */
	ike_frag_rx_init(&r, 16, 4000);
	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint16_t total = (uint16_t)(rand() % 20), num = (uint16_t)(rand() % 21);

		ike_frag_rx_add(&r, (uint32_t)(rand() % 3), rand() & 1, num, total, 0, big,
				(size_t)(rand() % 600));
		assert_true(r.bytes <= 4000);
		assert_true(r.have <= 16);
	}
	ike_frag_rx_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skf_round_trip),
		cmocka_unit_test(test_reassembly),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
