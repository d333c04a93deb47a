// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ikeload's pure parts: identity patterns, runs of
 * addresses (ikeload/pattern.c) and percentiles (ikeload/stats.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "ikeload.h"

static void expect(const char *pat, uint64_t n, const char *want)
{
	char out[128], err[160];

	assert_int_equal(pattern_check(pat, err, sizeof(err)), 0);
	assert_int_equal(pattern_format(pat, n, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_pattern(void **state)
{
	char out[16], err[160];

	(void)state;
	expect("enb%d.enb.example.net", 1, "enb1.enb.example.net");
	expect("enb%d.enb.example.net", 100000, "enb100000.enb.example.net");
	expect("enb%05d", 42, "enb00042");
	expect("enb%5u!", 42, "enb   42!");
	expect("%x@sites.example", 255, "ff@sites.example");
	expect("site-%d-%d", 7, "site-7-7");
	expect("100%%-%d", 3, "100%-3");
	expect("plain", 9, "plain");
	expect("%d", 0, "0");
	expect("%d", UINT64_MAX, "18446744073709551615");
	/* anything else is refused, never handed to printf */
	assert_int_equal(pattern_check("enb%s", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "%d"));
	assert_int_equal(pattern_check("enb%n", err, sizeof(err)), -1);
	assert_int_equal(pattern_check("enb%", err, sizeof(err)), -1);
	assert_int_equal(pattern_check("enb%99d", err, sizeof(err)), -1);
	assert_int_equal(pattern_check("%ld", err, sizeof(err)), -1);
	/* too long for the buffer */
	assert_int_equal(pattern_format("enb%d.enb.example.net", 1, out, sizeof(out)), -1);
	assert_int_equal(pattern_format("0123456789abcde", 1, out, sizeof(out)), 0);
	assert_int_equal(pattern_format("0123456789abcdef", 1, out, sizeof(out)), -1);
}

static void nth(const struct addr_run *r, uint64_t i, const char *want)
{
	struct sgw_prefix p;
	char buf[SGW_PREFIX_STRLEN];

	assert_int_equal(addr_run_nth(r, i, &p), 0);
	sgw_addr_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_addr_run(void **state)
{
	struct addr_run r;
	struct sgw_prefix p;
	char err[160];

	(void)state;
	assert_int_equal(addr_run_parse("192.0.2.10/24", &r, err, sizeof(err)), 0);
	assert_int_equal(r.count, 246);
	nth(&r, 0, "192.0.2.10");
	nth(&r, 245, "192.0.2.255");
	assert_int_equal(addr_run_nth(&r, 246, &p), -1);

	assert_int_equal(addr_run_parse("198.18.0.0/15", &r, err, sizeof(err)), 0);
	assert_int_equal(r.count, 131072);
	nth(&r, 256, "198.18.1.0");
	nth(&r, 100000, "198.19.134.160");

	/* an address alone is a run of one */
	assert_int_equal(addr_run_parse("10.1.0.1", &r, err, sizeof(err)), 0);
	assert_int_equal(r.count, 1);
	nth(&r, 0, "10.1.0.1");
	assert_int_equal(addr_run_nth(&r, 1, &p), -1);

	/* IPv6, across a byte and into the upper half */
	assert_int_equal(addr_run_parse("2001:db8::ff/64", &r, err, sizeof(err)), 0);
	nth(&r, 1, "2001:db8::100");
	nth(&r, 65536, "2001:db8::1:ff");
	assert_int_equal(addr_run_parse("2001:db8::/32", &r, err, sizeof(err)), 0);
	nth(&r, (uint64_t)1 << 40, "2001:db8::100:0:0");

	assert_int_equal(addr_run_parse("192.0.2.300/24", &r, err, sizeof(err)), -1);
	assert_int_equal(addr_run_parse("192.0.2.1/33", &r, err, sizeof(err)), -1);
	assert_int_equal(addr_run_parse("enb", &r, err, sizeof(err)), -1);
}

static void test_percentiles(void **state)
{
	struct samples s = { 0 };
	uint32_t i;

	(void)state;
	assert_int_equal(samples_percentile(&s, 50), 0);
	for (i = 100; i >= 1; i--)
		samples_add(&s, i);	/* added in reverse: sorting is its job */
	assert_int_equal(s.n, 100);
	assert_int_equal(samples_percentile(&s, 50), 50);
	assert_int_equal(samples_percentile(&s, 99), 99);
	assert_int_equal(samples_percentile(&s, 100), 100);
	assert_int_equal(samples_percentile(&s, 0), 1);
	assert_int_equal(samples_percentile(&s, 0.5), 1);
	samples_add(&s, 1000);
	/* 101 values: the 99th percentile is the 100th smallest */
	assert_int_equal(samples_percentile(&s, 99), 100);
	assert_int_equal(samples_percentile(&s, 100), 1000);
	samples_free(&s);
	/* one value is every percentile */
	samples_add(&s, 7);
	assert_int_equal(samples_percentile(&s, 50), 7);
	assert_int_equal(samples_percentile(&s, 99), 7);
	/* thousands, past the first growth */
	for (i = 0; i < 5000; i++)
		samples_add(&s, i % 10);
	assert_int_equal(samples_percentile(&s, 50), 5);
	assert_int_equal(samples_percentile(&s, 99), 9);
	samples_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_addr_run),
		cmocka_unit_test(test_percentiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
