/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ike_htab: an intrusive chained hash table keyed by 64-bit values, for
 * ikud's SA lookups (IKE SPIs, ESP SPIs, identity and initiator hashes).
 *
 * The table doubles when the load passes 1, so lookups stay O(1) at 100,000
 * SAs. Keys may collide (for a hash of a longer key): walk every node of a
 * key with ike_htab_first()/ike_htab_next() and compare the full key.
 * Not thread-safe.
 */
#ifndef SGW_IKE_HTAB_H
#define SGW_IKE_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct ike_hnode {
	struct ike_hnode *next;
	uint64_t key;
};

struct ike_htab {
	struct ike_hnode **b;
	size_t mask;		/* buckets - 1 */
	size_t n;
};

int ike_htab_init(struct ike_htab *t, size_t buckets);
void ike_htab_free(struct ike_htab *t);
/* Insert n under key; never fails (the table grows when it can). */
void ike_htab_add(struct ike_htab *t, struct ike_hnode *n, uint64_t key);
void ike_htab_del(struct ike_htab *t, struct ike_hnode *n);
struct ike_hnode *ike_htab_first(const struct ike_htab *t, uint64_t key);
struct ike_hnode *ike_htab_next(const struct ike_hnode *n);
/* 64-bit hash of a byte string (FNV-1a with a final mix), for composite keys. */
uint64_t ike_hash_bytes(const void *data, size_t len, uint64_t seed);

#endif
