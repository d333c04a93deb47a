// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the keyed hash (libsgw/base/sgw_hash.c) against hash
 * flooding: a set of half-open SA keys crafted to share one bucket under
 * the unkeyed FNV-1a hash ikud used before spreads over the buckets under
 * sgw_hash_bytes(); under FNV it would make one long chain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/sgw_htab.h"

#define ATTACK_KEYS 2048
#define TABLE_BUCKETS 1024

/* What an attacker can compute: the former unkeyed hash of (addr, SPIi). */
static uint64_t fnv(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* sgw_htab's bucket of a key in a table of 'buckets' (public: a finalizer). */
static size_t bucket_of(uint64_t key, size_t buckets)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (buckets - 1);
}

static const uint8_t peer[4] = { 198, 51, 100, 7 };

/* SPIs whose FNV keys all land in bucket 0 of a TABLE_BUCKETS table. */
static void craft(uint64_t *spis)
{
	uint64_t spi = 1;

	for (size_t n = 0; n < ATTACK_KEYS; spi++)
		if (bucket_of(fnv(peer, sizeof(peer), spi), TABLE_BUCKETS) == 0)
			spis[n++] = spi;
}

/* Insert the keys and return the longest chain of the table. */
static size_t longest_chain(const uint64_t *keys, size_t n)
{
	struct sgw_htab t;
	struct sgw_hnode *nodes = calloc(n, sizeof(*nodes));
	size_t longest = 0;

	assert_non_null(nodes);
	assert_int_equal(sgw_htab_init(&t, TABLE_BUCKETS), 0);
	for (size_t i = 0; i < n; i++)
		sgw_htab_add(&t, &nodes[i], keys[i]);
	for (size_t b = 0; b <= t.mask; b++) {
		size_t len = 0;

		for (const struct sgw_hnode *x = t.b[b]; x; x = x->next)
			len++;
		if (len > longest)
			longest = len;
	}
	sgw_htab_free(&t);
	free(nodes);
	return longest;
}

static void test_flood_spreads(void **state)
{
	uint64_t *spis = calloc(ATTACK_KEYS, sizeof(*spis));
	uint64_t *keys = calloc(ATTACK_KEYS, sizeof(*keys));
	size_t unkeyed, keyed;

	(void)state;
	assert_non_null(spis);
	assert_non_null(keys);
	craft(spis);
	for (size_t i = 0; i < ATTACK_KEYS; i++)
		keys[i] = fnv(peer, sizeof(peer), spis[i]);
	unkeyed = longest_chain(keys, ATTACK_KEYS);
	for (size_t i = 0; i < ATTACK_KEYS; i++)
		keys[i] = sgw_hash_bytes(peer, sizeof(peer), spis[i]);
	keyed = longest_chain(keys, ATTACK_KEYS);
	print_message("longest chain of %d crafted keys: unkeyed %zu, keyed %zu\n",
		      ATTACK_KEYS, unkeyed, keyed);
	assert_true(unkeyed >= ATTACK_KEYS / 8);	/* the attack is real */
	assert_true(keyed <= 16);			/* and does not work */
	free(spis);
	free(keys);
}

static void test_deterministic(void **state)
{
	const char a[] = "enb1.enb.example.net";

	(void)state;
	assert_int_equal(sgw_hash_init(), 0);
	assert_true(sgw_hash_bytes(a, sizeof(a), 7) == sgw_hash_bytes(a, sizeof(a), 7));
	assert_true(sgw_hash_bytes(a, sizeof(a), 7) != sgw_hash_bytes(a, sizeof(a), 8));
	assert_true(sgw_hash_bytes(a, sizeof(a), 7) != sgw_hash_bytes(a, sizeof(a) - 1, 7));
	assert_true(sgw_hash_bytes(NULL, 0, 1) != sgw_hash_bytes(NULL, 0, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_spreads),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
