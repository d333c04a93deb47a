/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_htab: an intrusive chained hash table keyed by 64-bit values, for
 * ikud's SA lookups (IKE SPIs, ESP SPIs, identity and initiator hashes).
 *
 * The table doubles when the load passes 1, so lookups stay O(1) at 100,000
 * SAs. Keys may collide (for a hash of a longer key): walk every node of a
 * key with sgw_htab_first()/sgw_htab_next() and compare the full key.
 * Not thread-safe.
 */
#ifndef SGW_HTAB_H
#define SGW_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "base/sgw_hash.h"

struct sgw_hnode {
	struct sgw_hnode *next;
	uint64_t key;
};

struct sgw_htab {
	struct sgw_hnode **b;
	size_t mask;		/* buckets - 1 */
	size_t n;
};

int sgw_htab_init(struct sgw_htab *t, size_t buckets);
void sgw_htab_free(struct sgw_htab *t);
/* Insert n under key; never fails (the table grows when it can). */
void sgw_htab_add(struct sgw_htab *t, struct sgw_hnode *n, uint64_t key);
void sgw_htab_del(struct sgw_htab *t, struct sgw_hnode *n);
struct sgw_hnode *sgw_htab_first(const struct sgw_htab *t, uint64_t key);
struct sgw_hnode *sgw_htab_next(const struct sgw_hnode *n);

#endif
