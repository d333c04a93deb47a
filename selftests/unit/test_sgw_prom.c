// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the Prometheus text writer (libsgw/base/sgw_prom.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sgw_prom.h"

/* A writer on a memory stream; text() closes it and returns what it holds. */
struct buf {
	char *text;
	size_t len;
	FILE *f;
	struct sgw_prom p;
};

static void buf_open(struct buf *b)
{
	memset(b, 0, sizeof(*b));
	b->f = open_memstream(&b->text, &b->len);
	assert_non_null(b->f);
	sgw_prom_init(&b->p, b->f);
}

static const char *buf_text(struct buf *b, int want_err)
{
	assert_int_equal(sgw_prom_end(&b->p), want_err);
	fclose(b->f);
	return b->text;
}

#define LABELS(...) (const struct sgw_prom_label[]){ __VA_ARGS__ }

static void test_families(void **state)
{
	struct buf b;

	(void)state;
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "sgw_ike_sa_established_total", SGW_PROM_COUNTER,
					 "IKE SAs established."), 0);
	assert_int_equal(sgw_prom_u64(&b.p, NULL, 0, 18446744073709551615ULL), 0);
	assert_int_equal(sgw_prom_family(&b.p, "sgw_ike_sas", SGW_PROM_GAUGE, "IKE SAs now."), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "gateway", "s1" }, { "state", "half-open" }),
				      2, 3), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "gateway", "s1" }, { "state", "established" }),
				      2, 0), 0);
	assert_string_equal(buf_text(&b, 0),
		"# HELP sgw_ike_sa_established_total IKE SAs established.\n"
		"# TYPE sgw_ike_sa_established_total counter\n"
		"sgw_ike_sa_established_total 18446744073709551615\n"
		"# HELP sgw_ike_sas IKE SAs now.\n"
		"# TYPE sgw_ike_sas gauge\n"
		"sgw_ike_sas{gateway=\"s1\",state=\"half-open\"} 3\n"
		"sgw_ike_sas{gateway=\"s1\",state=\"established\"} 0\n");
	free(b.text);
}

static void test_label_escaping(void **state)
{
	struct buf b;

	(void)state;
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "x", SGW_PROM_GAUGE, "a \\ b\nc \"q\""), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "peer", "a\\b\"c\nd" }), 1, 1), 0);
	/* é is kept; a stray continuation byte, a cut sequence, an overlong
	 * slash and a surrogate become U+FFFD, byte by byte */
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "peer", "\xc3\xa9|\x80|\xe2\x82|\xc0\xaf|"
						     "\xed\xa0\x80" }), 1, 2), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "peer", "" }), 1, 3), 0);
	assert_string_equal(buf_text(&b, 0),
		"# HELP x a \\\\ b\\nc \"q\"\n"
		"# TYPE x gauge\n"
		"x{peer=\"a\\\\b\\\"c\\nd\"} 1\n"
		"x{peer=\"\xc3\xa9|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"} 2\n"
		"x{peer=\"\"} 3\n");
	free(b.text);
}

static void test_values(void **state)
{
	struct buf b;

	(void)state;
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "v", SGW_PROM_GAUGE, "values"), 0);
	sgw_prom_double(&b.p, NULL, 0, 1700000000.0);
	sgw_prom_double(&b.p, NULL, 0, 0.125);
	sgw_prom_double(&b.p, NULL, 0, -2.0);
	sgw_prom_double(&b.p, NULL, 0, 1e300);
	sgw_prom_double(&b.p, NULL, 0, NAN);
	sgw_prom_double(&b.p, NULL, 0, INFINITY);
	sgw_prom_double(&b.p, NULL, 0, -INFINITY);
	assert_string_equal(buf_text(&b, 0),
		"# HELP v values\n# TYPE v gauge\n"
		"v 1700000000\nv 0.125\nv -2\nv 1.0000000000000001e+300\n"
		"v NaN\nv +Inf\nv -Inf\n");
	free(b.text);
}

/* A refused call writes nothing and the error sticks. */
static void assert_family_refused(const char *name, enum sgw_prom_type type)
{
	struct buf b;

	buf_open(&b);
	if (sgw_prom_family(&b.p, name, type, "h") != -EINVAL)
		fail_msg("family '%s' accepted", name);
	assert_int_equal(sgw_prom_u64(&b.p, NULL, 0, 1), -EINVAL);
	assert_string_equal(buf_text(&b, -EINVAL), "");
	free(b.text);
}

static void test_names_refused(void **state)
{
	(void)state;
	assert_family_refused("", SGW_PROM_GAUGE);
	assert_family_refused("1abc", SGW_PROM_GAUGE);
	assert_family_refused("sgw-ike", SGW_PROM_GAUGE);
	assert_family_refused("sgw ike", SGW_PROM_GAUGE);
	assert_family_refused("sgw_ike_sas", SGW_PROM_COUNTER);	/* no _total */
	assert_family_refused("sgw_ike_sas_total", SGW_PROM_GAUGE);
}

static void test_misuse_refused(void **state)
{
	struct buf b;

	(void)state;
	/* a sample before any family */
	buf_open(&b);
	assert_int_equal(sgw_prom_u64(&b.p, NULL, 0, 1), -EINVAL);
	assert_string_equal(buf_text(&b, -EINVAL), "");
	free(b.text);

	/* a family declared twice: the second is refused, the first stays */
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "a_total", SGW_PROM_COUNTER, "a"), 0);
	assert_int_equal(sgw_prom_family(&b.p, "b", SGW_PROM_GAUGE, "b"), 0);
	assert_int_equal(sgw_prom_family(&b.p, "a_total", SGW_PROM_COUNTER, "a"), -EINVAL);
	assert_int_equal(sgw_prom_family(&b.p, "c", SGW_PROM_GAUGE, "c"), -EINVAL);
	assert_string_equal(buf_text(&b, -EINVAL),
			    "# HELP a_total a\n# TYPE a_total counter\n"
			    "# HELP b b\n# TYPE b gauge\n");
	free(b.text);

	/* bad label names, a missing value */
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "g", SGW_PROM_GAUGE, "g"), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "__name__", "x" }), 1, 1), -EINVAL);
	buf_text(&b, -EINVAL);
	free(b.text);
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "g", SGW_PROM_GAUGE, "g"), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "peer-id", "x" }), 1, 1), -EINVAL);
	buf_text(&b, -EINVAL);
	free(b.text);
	buf_open(&b);
	assert_int_equal(sgw_prom_family(&b.p, "g", SGW_PROM_GAUGE, "g"), 0);
	assert_int_equal(sgw_prom_u64(&b.p, LABELS({ "peer", NULL }), 1, 1), -EINVAL);
	assert_string_equal(buf_text(&b, -EINVAL), "# HELP g g\n# TYPE g gauge\n");
	free(b.text);
}

/* Many families: the list of names grows. */
static void test_many_families(void **state)
{
	struct buf b;
	char name[32];
	int i;

	(void)state;
	buf_open(&b);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "m%d_total", i);
		assert_int_equal(sgw_prom_family(&b.p, name, SGW_PROM_COUNTER, "m"), 0);
		assert_int_equal(sgw_prom_u64(&b.p, NULL, 0, (uint64_t)i), 0);
	}
	assert_int_equal(sgw_prom_family(&b.p, "m17_total", SGW_PROM_COUNTER, "m"), -EINVAL);
	assert_non_null(strstr(buf_text(&b, -EINVAL), "m199_total 199\n"));
	free(b.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_names_refused),
		cmocka_unit_test(test_misuse_refused),
		cmocka_unit_test(test_many_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
