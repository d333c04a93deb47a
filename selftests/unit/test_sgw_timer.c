// SPDX-License-Identifier: GPL-2.0
/* Unit tests of ikud's timer heap and hash table (libsgw/base/sgw_timer.c, sgw_htab.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/sgw_htab.h"
#include "base/sgw_timer.h"

#define N 2000

static uint64_t fired[N];
static size_t n_fired;

static void record(struct sgw_timer *t, void *arg)
{
	(void)arg;
	fired[n_fired++] = t->when;
}

static void test_order(void **state)
{
	struct sgw_timer_heap h = { 0 };
	struct sgw_timer *t = calloc(N, sizeof(*t));
	size_t i;

	(void)state;
	assert_non_null(t);
	srand(7);
	for (i = 0; i < N; i++) {
		sgw_timer_init(&t[i], record, NULL);
		assert_int_equal(sgw_timer_set(&h, &t[i], 1000 + (uint64_t)(rand() % 100000)), 0);
	}
	/* cancel every third, re-arm every fifth */
	for (i = 0; i < N; i += 3)
		sgw_timer_cancel(&h, &t[i]);
	for (i = 0; i < N; i += 5)
		sgw_timer_set(&h, &t[i], 500 + i);
	assert_int_equal(sgw_timer_next(&h, 0), 500);
	n_fired = 0;
	sgw_timer_run(&h, UINT64_MAX / 2);
	for (i = 1; i < n_fired; i++)
		assert_true(fired[i - 1] <= fired[i]);
	/* armed: not a multiple of 3, or a multiple of 5 */
	{
		size_t want = 0;

		for (i = 0; i < N; i++)
			if (i % 3 || i % 5 == 0)
				want++;
		assert_int_equal(n_fired, want);
	}
	for (i = 0; i < N; i++)
		assert_false(sgw_timer_armed(&t[i]));
	assert_int_equal(sgw_timer_next(&h, 0), -1);
	sgw_timer_heap_free(&h);
	free(t);
}

static struct sgw_timer_heap *self_heap;

static void rearm(struct sgw_timer *t, void *arg)
{
	int *count = arg;

	if (++*count < 3)
		sgw_timer_set(self_heap, t, t->when + 10);
}

static void test_rearm_in_callback(void **state)
{
	struct sgw_timer_heap h = { 0 };
	struct sgw_timer t;
	int count = 0;

	(void)state;
	self_heap = &h;
	sgw_timer_init(&t, rearm, &count);
	sgw_timer_set(&h, &t, 100);
	sgw_timer_run(&h, 105);
	assert_int_equal(count, 1);
	assert_int_equal(sgw_timer_next(&h, 105), 5);
	sgw_timer_run(&h, 1000);
	assert_int_equal(count, 3);
	assert_false(sgw_timer_armed(&t));
	sgw_timer_heap_free(&h);
}

struct item {
	struct sgw_hnode node;
	int v;
};

static void test_htab(void **state)
{
	struct sgw_htab t;
	struct item *it = calloc(N, sizeof(*it));
	struct sgw_hnode *n;
	int i, dup = 0;

	(void)state;
	assert_non_null(it);
	assert_int_equal(sgw_htab_init(&t, 4), 0);
	for (i = 0; i < N; i++) {
		it[i].v = i;
		sgw_htab_add(&t, &it[i].node, (uint64_t)(i % 1000) << 40);	/* pairs collide */
	}
	assert_int_equal(t.n, N);
	assert_true(t.mask + 1 >= N);		/* grew */
	for (n = sgw_htab_first(&t, 7ULL << 40); n; n = sgw_htab_next(n))
		dup++;
	assert_int_equal(dup, 2);
	for (i = 0; i < 1000; i += 2)		/* one of each even pair */
		sgw_htab_del(&t, &it[i].node);
	assert_int_equal(t.n, N - 500);
	n = sgw_htab_first(&t, 8ULL << 40);
	assert_non_null(n);
	assert_int_equal(((struct item *)n)->v, 1008);
	assert_null(sgw_htab_next(n));
	assert_null(sgw_htab_first(&t, 12345));
	sgw_htab_free(&t);
	free(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_rearm_in_callback),
		cmocka_unit_test(test_htab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
