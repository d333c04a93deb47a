// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the one prefix type and parser (libsgw/base/sgw_prefix.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "base/sgw_prefix.h"

static struct sgw_prefix parse(const char *s, enum sgw_prefix_mode mode)
{
	struct sgw_prefix p;
	const char *why;

	assert_int_equal(sgw_prefix_parse(s, mode, &p, &why), 0);
	assert_null(why);
	return p;
}

static void expect_bad(const char *s, const char *want)
{
	struct sgw_prefix p;
	const char *why = NULL;

	assert_int_equal(sgw_prefix_parse(s, SGW_PREFIX_EXACT, &p, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, want);
}

static void test_parse_and_format(void **state)
{
	struct sgw_prefix p;
	char buf[SGW_PREFIX_STRLEN];

	(void)state;
	p = parse("10.1.0.0/16", SGW_PREFIX_EXACT);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.len, 16);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16");
	p = parse("2001:db8::1", SGW_PREFIX_EXACT);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.len, 128);
	sgw_addr_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
	p = parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", SGW_PREFIX_EXACT);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	p = parse("0.0.0.0/0", SGW_PREFIX_EXACT);
	assert_int_equal(p.len, 0);
	/* host bits: refused, or cleared on request */
	expect_bad("10.1.2.3/8", "address has bits set beyond the prefix length");
	p = parse("10.1.2.3/8", SGW_PREFIX_MASK);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	p = parse("2001:db8::1/33", SGW_PREFIX_MASK);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/33");
	/* or kept: an interface address and its subnet's length */
	p = parse("192.0.2.1/24", SGW_PREFIX_HOST);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1/24");
	p = parse("2001:db8::1", SGW_PREFIX_HOST);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1/128");
	/* everything else */
	expect_bad("", "not an IPv4 or IPv6 prefix");
	expect_bad("10.1.0.0/", "prefix length must be 0..32");
	expect_bad("10.1.0.0/33", "prefix length must be 0..32");
	expect_bad("10.1.0.0/-1", "prefix length must be 0..32");
	expect_bad("10.1.0.0/+8", "prefix length must be 0..32");
	expect_bad("10.1.0.0/ 8", "prefix length must be 0..32");
	expect_bad("10.1.0.0/0008", "prefix length must be 0..32");
	expect_bad("::/129", "prefix length must be 0..128");
	expect_bad("10.1.0.0/8/8", "prefix length must be 0..32");
	expect_bad("10.1.0/8", "not an IPv4 or IPv6 prefix");
	expect_bad("enb.example.net", "not an IPv4 or IPv6 prefix");
	expect_bad("/8", "not an IPv4 or IPv6 prefix");
	assert_int_equal(sgw_addr_parse("10.0.0.1/32", &p), -EINVAL);
	assert_int_equal(sgw_addr_parse("10.0.0.1", &p), 0);
	assert_int_equal(p.len, 32);
}

static void test_relations(void **state)
{
	struct sgw_prefix a = parse("10.1.2.0/24", SGW_PREFIX_EXACT);
	struct sgw_prefix b = parse("10.0.0.0/8", SGW_PREFIX_EXACT);
	struct sgw_prefix c = parse("11.1.2.0/24", SGW_PREFIX_EXACT);
	struct sgw_prefix d = parse("10.0.0.0/7", SGW_PREFIX_EXACT);
	struct sgw_prefix v6 = parse("::/0", SGW_PREFIX_EXACT);

	(void)state;
	assert_true(sgw_prefix_within(&a, &b));
	assert_false(sgw_prefix_within(&b, &a));
	assert_true(sgw_prefix_overlap(&a, &b));
	assert_true(sgw_prefix_overlap(&b, &a));
	assert_false(sgw_prefix_within(&c, &b));
	assert_false(sgw_prefix_overlap(&c, &b));
	assert_true(sgw_prefix_within(&c, &d));		/* 10.0.0.0/7 holds 11.x */
	assert_true(sgw_prefix_within(&a, &a));
	assert_false(sgw_prefix_within(&a, &v6));	/* families never mix */
	assert_true(sgw_prefix_equal(&a, &a));
	assert_false(sgw_prefix_equal(&a, &c));
	assert_true(sgw_prefix_is_canonical(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_relations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
