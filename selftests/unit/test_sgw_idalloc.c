// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the identifier allocator (libsgw/base/sgw_idalloc.c). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "base/sgw_idalloc.h"

#define FIRST 0x53000001u
#define SPAN 8u

struct held {
	bool v[SPAN];
	unsigned int calls;
};

static bool held_in_use(uint32_t value, void *arg)
{
	struct held *h = arg;

	h->calls++;
	assert_true(value >= FIRST && value < FIRST + SPAN);
	return h->v[value - FIRST];
}

static uint32_t next(struct sgw_idalloc *a)
{
	uint32_t v = 0;

	assert_int_equal(sgw_idalloc_next(a, &v), 0);
	return v;
}

/* In order through the range, then again from the first value. */
static void test_round_robin_and_wrap(void **state)
{
	struct sgw_idalloc a;
	struct held h = { 0 };
	uint32_t i;

	(void)state;
	sgw_idalloc_init(&a, FIRST, FIRST + SPAN - 1, held_in_use, &h);
	for (i = 0; i < 2 * SPAN; i++)
		assert_int_equal(next(&a), FIRST + i % SPAN);
}

/* After the wrap, values still held are skipped, and only those. */
static void test_skips_held_values(void **state)
{
	struct sgw_idalloc a;
	struct held h = { 0 };
	uint32_t i;

	(void)state;
	sgw_idalloc_init(&a, FIRST, FIRST + SPAN - 1, held_in_use, &h);
	for (i = 0; i < SPAN; i++)
		h.v[next(&a) - FIRST] = true;	/* every value handed out, all held */
	for (i = 0; i < SPAN; i++)
		if (i != 0 && i != 5)
			h.v[i] = false;		/* all released but two long-lived ones */
	for (i = 0; i < 3 * SPAN; i++) {
		uint32_t v = next(&a);

		assert_int_not_equal(v, FIRST);
		assert_int_not_equal(v, FIRST + 5);
	}
}

/* A full range is an error, not an endless loop or a duplicate. */
static void test_full_range(void **state)
{
	struct sgw_idalloc a;
	struct held h;
	uint32_t v = 42;

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(h.v, 1, sizeof(h.v));
	sgw_idalloc_init(&a, FIRST, FIRST + SPAN - 1, held_in_use, &h);
	assert_int_equal(sgw_idalloc_next(&a, &v), -EBUSY);
	assert_int_equal(v, 42);
	assert_int_equal(h.calls, SPAN);
	h.v[3] = false;
	assert_int_equal(next(&a), FIRST + 3);
}

/* One-value range and no callback. */
static void test_edges(void **state)
{
	struct sgw_idalloc a;

	(void)state;
	sgw_idalloc_init(&a, 7, 7, NULL, NULL);
	assert_int_equal(next(&a), 7);
	assert_int_equal(next(&a), 7);
	sgw_idalloc_init(&a, 0x53000001u, 0x53ffffffu, NULL, NULL);
	assert_int_equal(next(&a), 0x53000001u);
	assert_int_equal(next(&a), 0x53000002u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_and_wrap),
		cmocka_unit_test(test_skips_held_values),
		cmocka_unit_test(test_full_range),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
