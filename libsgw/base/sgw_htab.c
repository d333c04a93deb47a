// SPDX-License-Identifier: GPL-2.0
/* sgw_htab: intrusive chained hash table (see sgw_htab.h). */
#include "base/sgw_htab.h"

#include <errno.h>
#include <stdlib.h>

/* Spread keys over the buckets: SPIs are random, but composite keys may not be. */
static size_t bucket(const struct sgw_htab *t, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & t->mask;
}

int sgw_htab_init(struct sgw_htab *t, size_t buckets)
{
	size_t n = 16;

	while (n < buckets)
		n <<= 1;
	t->b = calloc(n, sizeof(*t->b));
	if (!t->b)
		return -ENOMEM;
	t->mask = n - 1;
	t->n = 0;
	return 0;
}

void sgw_htab_free(struct sgw_htab *t)
{
	free(t->b);
	t->b = NULL;
	t->n = 0;
	t->mask = 0;
}

static void grow(struct sgw_htab *t)
{
	struct sgw_htab nt;
	size_t i;

	if (sgw_htab_init(&nt, (t->mask + 1) * 2))
		return;		/* keep the longer chains; still correct */
	for (i = 0; i <= t->mask; i++) {
		struct sgw_hnode *n = t->b[i], *next;

		for (; n; n = next) {
			size_t j = bucket(&nt, n->key);

			next = n->next;
			n->next = nt.b[j];
			nt.b[j] = n;
		}
	}
	nt.n = t->n;
	free(t->b);
	*t = nt;
}

void sgw_htab_add(struct sgw_htab *t, struct sgw_hnode *n, uint64_t key)
{
	size_t i;

	if (t->n > t->mask)
		grow(t);
	i = bucket(t, key);
	n->key = key;
	n->next = t->b[i];
	t->b[i] = n;
	t->n++;
}

void sgw_htab_del(struct sgw_htab *t, struct sgw_hnode *n)
{
	struct sgw_hnode **pp = &t->b[bucket(t, n->key)];

	for (; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->n--;
			return;
		}
}

struct sgw_hnode *sgw_htab_first(const struct sgw_htab *t, uint64_t key)
{
	struct sgw_hnode *n = t->b[bucket(t, key)];

	while (n && n->key != key)
		n = n->next;
	return n;
}

struct sgw_hnode *sgw_htab_next(const struct sgw_hnode *n)
{
	uint64_t key = n->key;

	for (n = n->next; n; n = n->next)
		if (n->key == key)
			return (struct sgw_hnode *)n;
	return NULL;
}
