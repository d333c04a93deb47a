// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the prefix trie (libsgw/base/sgw_ptrie.c). */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "base/sgw_ptrie.h"

struct pfx {
	uint8_t addr[16];
	unsigned int len;
};

static struct pfx P(int family, const char *addr, unsigned int len)
{
	struct pfx p = { .len = len };

	assert_int_equal(inet_pton(family, addr, p.addr), 1);
	return p;
}

/* Values are small integers cast to pointers (never 0). */
#define V(n) ((void *)(uintptr_t)(n))

/* Collects what a walk visits, as values, in order. */
struct visits {
	uintptr_t v[64];
	unsigned int n;
	unsigned int stop_at;		/* 0: never stop */
	uintptr_t hash;			/* order-independent, of every value */
	unsigned int last_len;
	bool ascending;			/* every length >= the one before */
};

static uintptr_t mix(uintptr_t v)
{
	return v * 2654435761u;
}

static int collect(const uint8_t *addr, unsigned int len, void *value, void *arg)
{
	struct visits *w = arg;

	(void)addr;
	if (w->n < 64)
		w->v[w->n] = (uintptr_t)value;
	if (w->n && len < w->last_len)
		w->ascending = false;
	w->last_len = len;
	w->hash += mix((uintptr_t)value);
	w->n++;
	return w->stop_at && w->n == w->stop_at ? 7 : 0;
}

static void walk_full(const struct sgw_ptrie *t, const struct pfx *p, bool covering,
		      struct visits *w)
{
	memset(w, 0, sizeof(*w));
	w->ascending = true;
	if (covering)
		assert_int_equal(sgw_ptrie_walk_covering(t, p->addr, p->len, collect, w), 0);
	else
		assert_int_equal(sgw_ptrie_walk_covered(t, p->addr, p->len, collect, w), 0);
}

static unsigned int walk(const struct sgw_ptrie *t, const struct pfx *p, bool covering,
			 uintptr_t *out)
{
	struct visits w;

	walk_full(t, p, covering, &w);
	memcpy(out, w.v, sizeof(w.v));
	return w.n;
}

static void test_init(void **state)
{
	struct sgw_ptrie t;

	(void)state;
	assert_int_equal(sgw_ptrie_init(&t, AF_UNIX), -EINVAL);
	assert_int_equal(sgw_ptrie_init(&t, AF_INET), 0);
	assert_int_equal(t.max_len, 32);
	assert_int_equal(sgw_ptrie_init(&t, AF_INET6), 0);
	assert_int_equal(t.max_len, 128);
	assert_null(t.root);
	assert_int_equal(sgw_ptrie_verify(&t), 0);
}

static void test_ipv4(void **state)
{
	struct sgw_ptrie t;
	struct pfx p16 = P(AF_INET, "10.1.0.0", 16), p32 = P(AF_INET, "10.1.0.1", 32);
	struct pfx all = P(AF_INET, "0.0.0.0", 0), top = P(AF_INET, "255.255.255.255", 32);
	struct pfx p24 = P(AF_INET, "10.1.0.0", 24), host16 = P(AF_INET, "10.1.0.7", 16);
	struct pfx p8 = P(AF_INET, "10.0.0.0", 8), other = P(AF_INET, "10.1.0.2", 32);
	struct pfx eleven = P(AF_INET, "11.0.0.0", 8);
	uintptr_t got[64];

	(void)state;
	sgw_ptrie_init(&t, AF_INET);
	assert_int_equal(sgw_ptrie_insert(&t, p32.addr, 32, V(32)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, p16.addr, 16, V(16)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, top.addr, 32, V(99)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, all.addr, 0, V(100)), 0);
	assert_int_equal(t.count, 4);
	assert_int_equal(sgw_ptrie_verify(&t), 0);

	/* bad input changes nothing */
	assert_int_equal(sgw_ptrie_insert(&t, p16.addr, 16, V(5)), -EEXIST);
	assert_int_equal(sgw_ptrie_insert(&t, host16.addr, 16, V(5)), -EEXIST);
	assert_int_equal(sgw_ptrie_insert(&t, p16.addr, 33, V(5)), -EINVAL);
	assert_int_equal(sgw_ptrie_insert(&t, p24.addr, 24, NULL), -EINVAL);
	assert_null(sgw_ptrie_remove(&t, p24.addr, 24));
	assert_null(sgw_ptrie_remove(&t, p16.addr, 33));
	assert_int_equal(t.count, 4);

	/* exact */
	assert_ptr_equal(sgw_ptrie_find(&t, p16.addr, 16), V(16));
	assert_ptr_equal(sgw_ptrie_find(&t, host16.addr, 16), V(16));	/* host bits ignored */
	assert_ptr_equal(sgw_ptrie_find(&t, p32.addr, 32), V(32));
	assert_ptr_equal(sgw_ptrie_find(&t, all.addr, 0), V(100));
	assert_ptr_equal(sgw_ptrie_find(&t, top.addr, 32), V(99));
	assert_null(sgw_ptrie_find(&t, p24.addr, 24));
	assert_null(sgw_ptrie_find(&t, other.addr, 32));

	/* covered by (longest, and all covering prefixes, shortest first) */
	assert_ptr_equal(sgw_ptrie_longest(&t, p32.addr, 32), V(32));
	assert_ptr_equal(sgw_ptrie_longest(&t, other.addr, 32), V(16));
	assert_ptr_equal(sgw_ptrie_longest(&t, eleven.addr, 8), V(100));
	assert_int_equal(walk(&t, &p32, true, got), 3);
	assert_int_equal(got[0], 100);
	assert_int_equal(got[1], 16);
	assert_int_equal(got[2], 32);
	assert_int_equal(walk(&t, &p24, true, got), 2);

	/* covers */
	assert_int_equal(walk(&t, &p8, false, got), 2);
	assert_int_equal(got[0], 16);
	assert_int_equal(got[1], 32);
	assert_int_equal(walk(&t, &p24, false, got), 1);
	assert_int_equal(got[0], 32);
	assert_int_equal(walk(&t, &eleven, false, got), 0);
	assert_int_equal(walk(&t, &all, false, got), 4);
	assert_int_equal(walk(&t, &top, false, got), 1);

	/* remove: the others stay, and the trie stays minimal */
	assert_ptr_equal(sgw_ptrie_remove(&t, p16.addr, 16), V(16));
	assert_null(sgw_ptrie_find(&t, p16.addr, 16));
	assert_ptr_equal(sgw_ptrie_longest(&t, other.addr, 32), V(100));
	assert_ptr_equal(sgw_ptrie_find(&t, p32.addr, 32), V(32));
	assert_int_equal(sgw_ptrie_verify(&t), 0);
	assert_ptr_equal(sgw_ptrie_remove(&t, all.addr, 0), V(100));
	assert_null(sgw_ptrie_longest(&t, eleven.addr, 8));
	assert_ptr_equal(sgw_ptrie_remove(&t, p32.addr, 32), V(32));
	assert_ptr_equal(sgw_ptrie_remove(&t, top.addr, 32), V(99));
	assert_int_equal(t.count, 0);
	assert_null(t.root);
	sgw_ptrie_destroy(&t, NULL);
}

static void test_ipv6_edges(void **state)
{
	struct sgw_ptrie t;
	struct pfx all = P(AF_INET6, "::", 0), zero = P(AF_INET6, "::", 128);
	struct pfx ones = P(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128);
	struct pfx ones127 = P(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 128);
	struct pfx pair = P(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 127);
	struct pfx doc = P(AF_INET6, "2001:db8::", 32), host = P(AF_INET6, "2001:db8::1", 128);
	struct pfx net64 = P(AF_INET6, "2001:db8:0:1::", 64), ula = P(AF_INET6, "fd00::", 8);
	uintptr_t got[64];

	(void)state;
	sgw_ptrie_init(&t, AF_INET6);
	assert_int_equal(sgw_ptrie_insert(&t, ones.addr, 128, V(1)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, ones127.addr, 128, V(2)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, zero.addr, 128, V(3)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, host.addr, 128, V(4)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, net64.addr, 64, V(5)), 0);
	assert_int_equal(sgw_ptrie_insert(&t, ula.addr, 8, V(6)), 0);
	assert_int_equal(sgw_ptrie_verify(&t), 0);
	assert_int_equal(sgw_ptrie_insert(&t, ones.addr, 129, V(9)), -EINVAL);

	/* siblings that differ in the last bit only */
	assert_ptr_equal(sgw_ptrie_find(&t, ones.addr, 128), V(1));
	assert_ptr_equal(sgw_ptrie_find(&t, ones127.addr, 128), V(2));
	assert_null(sgw_ptrie_find(&t, pair.addr, 127));	/* a branching point */
	assert_int_equal(walk(&t, &pair, false, got), 2);
	assert_int_equal(got[0], 2);
	assert_int_equal(got[1], 1);
	assert_null(sgw_ptrie_longest(&t, pair.addr, 127));

	/* /127 inserted on the branching point between them */
	assert_int_equal(sgw_ptrie_insert(&t, pair.addr, 127, V(7)), 0);
	assert_ptr_equal(sgw_ptrie_longest(&t, ones.addr, 128), V(1));
	assert_int_equal(walk(&t, &ones, true, got), 2);
	assert_int_equal(got[0], 7);
	assert_int_equal(sgw_ptrie_verify(&t), 0);

	/* ::/0 covers everything; ::/128 only itself */
	assert_int_equal(walk(&t, &all, false, got), 7);
	assert_int_equal(walk(&t, &zero, false, got), 1);
	assert_int_equal(got[0], 3);
	assert_int_equal(walk(&t, &doc, false, got), 2);
	assert_int_equal(got[0], 4);		/* 2001:db8::1 sorts before 2001:db8:0:1:: */
	assert_int_equal(got[1], 5);
	assert_int_equal(walk(&t, &doc, true, got), 0);
	assert_int_equal(sgw_ptrie_insert(&t, all.addr, 0, V(8)), 0);
	assert_ptr_equal(sgw_ptrie_longest(&t, doc.addr, 32), V(8));
	assert_int_equal(walk(&t, &host, true, got), 2);

	/* remove the /127 and one of the /128s under it */
	assert_ptr_equal(sgw_ptrie_remove(&t, pair.addr, 127), V(7));
	assert_ptr_equal(sgw_ptrie_remove(&t, ones.addr, 128), V(1));
	assert_ptr_equal(sgw_ptrie_find(&t, ones127.addr, 128), V(2));
	assert_int_equal(sgw_ptrie_verify(&t), 0);
	assert_int_equal(t.count, 6);
	sgw_ptrie_destroy(&t, NULL);
	assert_null(t.root);
	assert_int_equal(t.count, 0);
}

static void test_walk_stops(void **state)
{
	struct sgw_ptrie t;
	struct pfx p = P(AF_INET, "192.0.2.0", 24), all = P(AF_INET, "0.0.0.0", 0);
	struct visits w = { .stop_at = 2 };
	unsigned int i;

	(void)state;
	sgw_ptrie_init(&t, AF_INET);
	for (i = 0; i < 8; i++) {
		p.addr[3] = (uint8_t)(i * 32);
		assert_int_equal(sgw_ptrie_insert(&t, p.addr, 27, V(i + 1)), 0);
	}
	assert_int_equal(sgw_ptrie_walk_covered(&t, all.addr, 0, collect, &w), 7);
	assert_int_equal(w.n, 2);
	w.n = 0;
	w.stop_at = 1;
	assert_int_equal(sgw_ptrie_walk_covering(&t, p.addr, 32, collect, &w), 7);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.v[0], 8);
	sgw_ptrie_destroy(&t, NULL);
}

/* --- randomized, against a brute-force reference ------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define REF_MAX 512

struct ref {
	struct pfx p[REF_MAX];
	uintptr_t v[REF_MAX];
	unsigned int n;
};

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if ((a[i / 8] >> (7 - i % 8) & 1) != (b[i / 8] >> (7 - i % 8) & 1))
			return false;
	return true;
}

/* p covers q: p is no longer and they agree on p's bits */
static bool ref_covers(const struct pfx *p, const struct pfx *q)
{
	return p->len <= q->len && bits_equal(p->addr, q->addr, p->len);
}

static int ref_find(const struct ref *r, const struct pfx *q)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->p[i].len == q->len && ref_covers(&r->p[i], q))
			return (int)i;
	return -1;
}

/* A random prefix from a small pool of addresses, so that prefixes nest
 * and collide often; lengths favour the edges (0, 1, max-1, max). */
static struct pfx random_pfx(unsigned int max_len, const struct pfx *pool)
{
	struct pfx p = pool[rnd() % 8];
	static const unsigned int edge[4] = { 0, 1, 127, 128 };
	unsigned int k = (unsigned int)(rnd() % 8);

	if (k < 4)
		p.len = edge[k] > max_len ? max_len - (3 - k) : edge[k];
	else
		p.len = (unsigned int)(rnd() % (max_len + 1));
	if (p.len > max_len)
		p.len = max_len;
	return p;
}

static void check_query(const struct sgw_ptrie *t, const struct ref *r, const struct pfx *q)
{
	unsigned int i, n_covering = 0, n_covered = 0, best_len = 0;
	uintptr_t want_covering = 0, want_covered = 0, best = 0;
	struct visits w;
	int k = ref_find(r, q);

	assert_ptr_equal(sgw_ptrie_find(t, q->addr, q->len), k < 0 ? NULL : V(r->v[k]));
	for (i = 0; i < r->n; i++) {
		if (ref_covers(&r->p[i], q)) {
			n_covering++;
			want_covering += mix(r->v[i]);
			if (!best || r->p[i].len >= best_len) {
				best = r->v[i];
				best_len = r->p[i].len;
			}
		}
		if (ref_covers(q, &r->p[i])) {
			n_covered++;
			want_covered += mix(r->v[i]);
		}
	}
	assert_ptr_equal(sgw_ptrie_longest(t, q->addr, q->len), best ? V(best) : NULL);
	walk_full(t, q, true, &w);
	assert_int_equal(w.n, n_covering);
	assert_int_equal(w.hash, want_covering);
	assert_true(w.ascending);		/* shortest first */
	walk_full(t, q, false, &w);
	assert_int_equal(w.n, n_covered);
	assert_int_equal(w.hash, want_covered);
}

static void random_run(int family)
{
	unsigned int max_len = family == AF_INET ? 32 : 128, bytes = max_len / 8;
	static struct ref r;
	struct pfx pool[8];
	struct sgw_ptrie t;
	unsigned int step, i, j;
	uintptr_t next_value = 1;

	sgw_ptrie_init(&t, family);
	memset(&r, 0, sizeof(r));
	for (i = 0; i < 8; i++) {
		memset(&pool[i], 0, sizeof(pool[i]));
		for (j = 0; j < bytes; j++)
			pool[i].addr[j] = (uint8_t)rnd();
		if (i & 1)	/* share a long head with the previous one */
			memcpy(pool[i].addr, pool[i - 1].addr, bytes - 1);
	}
	for (step = 0; step < 20000; step++) {
		struct pfx p = random_pfx(max_len, pool);
		int k = ref_find(&r, &p);

		/* clear the host bits as the reference's equality needs them */
		for (i = p.len; i < max_len; i++)
			p.addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		if (rnd() % 3 && r.n < REF_MAX) {
			int ret = sgw_ptrie_insert(&t, p.addr, p.len, V(next_value));

			assert_int_equal(ret, k < 0 ? 0 : -EEXIST);
			if (k < 0) {
				r.p[r.n] = p;
				r.v[r.n++] = next_value;
			}
			next_value++;
		} else {
			void *v = sgw_ptrie_remove(&t, p.addr, p.len);

			assert_ptr_equal(v, k < 0 ? NULL : V(r.v[k]));
			if (k >= 0) {
				r.p[k] = r.p[--r.n];
				r.v[k] = r.v[r.n];
			}
		}
		assert_int_equal(t.count, r.n);
		if (step % 16 == 0)
			assert_int_equal(sgw_ptrie_verify(&t), 0);
		check_query(&t, &r, &p);
		p = random_pfx(max_len, pool);
		check_query(&t, &r, &p);
	}
	sgw_ptrie_destroy(&t, NULL);
}

static void test_random_ipv4(void **state)
{
	(void)state;
	random_run(AF_INET);
}

static void test_random_ipv6(void **state)
{
	(void)state;
	random_run(AF_INET6);
}

static unsigned int freed;

static void count_free(void *value)
{
	(void)value;
	freed++;
}

static void test_many(void **state)
{
	struct sgw_ptrie t;
	uint8_t a[4] = { 10, 0, 0, 0 };
	unsigned int i;

	(void)state;
	sgw_ptrie_init(&t, AF_INET);
	for (i = 0; i < 100000; i++) {
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_int_equal(sgw_ptrie_insert(&t, a, 32, V(i + 1)), 0);
	}
	assert_int_equal(sgw_ptrie_verify(&t), 0);
	a[1] = 1;
	a[2] = 2;
	a[3] = 3;
	assert_ptr_equal(sgw_ptrie_find(&t, a, 32), V(0x010203 + 1));
	assert_null(sgw_ptrie_longest(&t, a, 8));
	for (i = 0; i < 100000; i += 2) {
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_ptr_equal(sgw_ptrie_remove(&t, a, 32), V(i + 1));
	}
	assert_int_equal(t.count, 50000);
	assert_int_equal(sgw_ptrie_verify(&t), 0);
	freed = 0;
	sgw_ptrie_destroy(&t, count_free);
	assert_int_equal(freed, 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_edges),
		cmocka_unit_test(test_walk_stops),
		cmocka_unit_test(test_random_ipv4),
		cmocka_unit_test(test_random_ipv6),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
