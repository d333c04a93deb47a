// SPDX-License-Identifier: GPL-2.0
/* Unit tests of rate, size and time parsing (libsgw/base/sgw_units.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "base/sgw_units.h"

static void test_rates(void **state)
{
	static const struct {
		const char *in;
		uint64_t bps;
	} ok[] = {
		{ "64kbit", 64000 },     { "10mbit", 10000000 },   { "1gbit", 1000000000 },
		{ "1.5mbit", 1500000 },  { "100kbps", 800000 },    { "1500", 1500 },
		{ "10MBIT", 10000000 },  { "1bit", 1 },            { "2tbit", 2000000000000ULL },
	};
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		assert_int_equal(sgw_parse_rate(ok[i].in, &v), 0);
		assert_int_equal(v, ok[i].bps);
	}
}

static void test_rates_rejected(void **state)
{
	static const char *const bad[] = {
		"", "mbit", "10 mbit", "-1mbit", "10mbits", "1.2.3mbit", "0.5bit",
		"10xbit", "99999999999999999999bit", "20000000tbit", ".", "1e6",
	};
	uint64_t v = 42;
	size_t i;

	(void)state;
	assert_int_equal(sgw_parse_rate(NULL, &v), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(sgw_parse_rate(bad[i], &v), 0);
	assert_int_equal(v, 42);	/* nothing written on error */
}

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(sgw_parse_size("1500", &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(sgw_parse_size("15k", &v), 0);
	assert_int_equal(v, 15360);
	assert_int_equal(sgw_parse_size("1m", &v), 0);
	assert_int_equal(v, 1048576);
	assert_int_equal(sgw_parse_size("2KB", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(sgw_parse_size("1.5k", &v), 0);
	assert_int_equal(v, 1536);
	assert_int_equal(sgw_parse_size("4G", &v), 0);
	assert_int_equal(v, 4ULL << 30);
	assert_int_equal(sgw_parse_size("1T", &v), 0);
	assert_int_equal(v, 1ULL << 40);
	assert_int_not_equal(sgw_parse_size("15kbit", &v), 0);
	assert_int_not_equal(sgw_parse_size("k", &v), 0);
	assert_int_not_equal(sgw_parse_size("1.0001k", &v), 0);
	assert_int_equal(sgw_parse_size("99999999999999999999g", &v), -ERANGE);
}

static void test_format(void **state)
{
	char buf[32];

	(void)state;
	sgw_format_rate(10000000, buf, sizeof(buf));
	assert_string_equal(buf, "10mbit");
	sgw_format_rate(64000, buf, sizeof(buf));
	assert_string_equal(buf, "64kbit");
	sgw_format_rate(1500000, buf, sizeof(buf));
	assert_string_equal(buf, "1500kbit");
	sgw_format_rate(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1.23mbit");
	sgw_format_rate(999, buf, sizeof(buf));
	assert_string_equal(buf, "999bit");
	sgw_format_size(15360, buf, sizeof(buf));
	assert_string_equal(buf, "15k");
	sgw_format_size(1500, buf, sizeof(buf));
	assert_string_equal(buf, "1500");
	sgw_format_size(1048576, buf, sizeof(buf));
	assert_string_equal(buf, "1m");
}

static void test_times(void **state)
{
	static const struct {
		const char *in;
		uint64_t ms;
	} ok[] = {
		{ "300ms", 300 }, { "30s", 30000 }, { "1.5s", 1500 }, { "0s", 0 },
		{ "0.001s", 1 }, { "10S", 10000 }, { "2MS", 2 },
	};
	static const char *const bad[] = {
		"", "300", "s", "ms", "1.5ms", "0.0001s", "-1s", "1 s", "5m",
		"3h", "1e3ms", "99999999999999999999ms",
	};
	char buf[32];
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 7;
		assert_int_equal(sgw_parse_time_ms(ok[i].in, &v), 0);
		assert_int_equal(v, ok[i].ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(sgw_parse_time_ms(bad[i], &v), 0);
	sgw_format_time_ms(30000, buf, sizeof(buf));
	assert_string_equal(buf, "30s");
	sgw_format_time_ms(1500, buf, sizeof(buf));
	assert_string_equal(buf, "1500ms");
	sgw_format_time_ms(0, buf, sizeof(buf));
	assert_string_equal(buf, "0ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_rates_rejected),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
