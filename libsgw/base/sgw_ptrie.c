// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_ptrie: path-compressed binary prefix trie (see sgw_ptrie.h).
 *
 * A node is a stored prefix (value != NULL) or a branching point (value ==
 * NULL) where two subtrees part; a branching point always has two children,
 * so the trie never holds more than 2n - 1 nodes for n prefixes. A child
 * in slot b of node N is longer than N, starts with N's bits and has bit
 * N->len equal to b.
 */
#include "base/sgw_ptrie.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define KEY_BYTES 16

struct sgw_ptrie_node {
	struct sgw_ptrie_node *child[2];
	struct sgw_ptrie_node *parent;
	void *value;			/* NULL: a branching point */
	uint8_t key[KEY_BYTES];		/* host bits zero */
	uint8_t len;
};

/* --- bit strings ------------------------------------------------------------ */

static unsigned int key_bit(const uint8_t *key, unsigned int i)
{
	return key[i >> 3] >> (7 - (i & 7)) & 1;
}

/* The first len bits of a and b. */
static bool key_match(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int bytes = len >> 3, rest = len & 7;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rest)));
}

/* How many leading bits a and b share, at most max. */
static unsigned int common_len(const uint8_t *a, const uint8_t *b, unsigned int max)
{
	unsigned int i = 0;

	while (i + 8 <= max && a[i >> 3] == b[i >> 3])
		i += 8;
	while (i < max && key_bit(a, i) == key_bit(b, i))
		i++;
	return i;
}

/* addr/len with its host bits cleared, in a full-size key. */
static void key_make(uint8_t *key, const uint8_t *addr, unsigned int len,
		     unsigned int addr_bytes)
{
	unsigned int i;

	memset(key, 0, KEY_BYTES);
	memcpy(key, addr, addr_bytes);
	for (i = len >> 3; i < KEY_BYTES; i++) {
		unsigned int bits = i == len >> 3 ? len & 7 : 0;

		key[i] &= (uint8_t)(0xff << (8 - bits));
	}
}

/* --- nodes ---------------------------------------------------------------------- */

static struct sgw_ptrie_node *node_new(const uint8_t *key, unsigned int len, void *value,
				       struct sgw_ptrie_node *parent)
{
	struct sgw_ptrie_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	key_make(n->key, key, len, KEY_BYTES);
	n->len = (uint8_t)len;
	n->value = value;
	n->parent = parent;
	return n;
}

static struct sgw_ptrie_node **slot_of(struct sgw_ptrie *t, const struct sgw_ptrie_node *n)
{
	return n->parent ? &n->parent->child[key_bit(n->key, n->parent->len)] : &t->root;
}

static void link_child(struct sgw_ptrie_node *parent, struct sgw_ptrie_node *n)
{
	parent->child[key_bit(n->key, parent->len)] = n;
	n->parent = parent;
}

/* The node of exactly key/len (stored or a branching point), or NULL. */
static struct sgw_ptrie_node *find_node(const struct sgw_ptrie *t, const uint8_t *key,
					unsigned int len)
{
	struct sgw_ptrie_node *n = t->root;

	while (n && n->len < len && key_match(n->key, key, n->len))
		n = n->child[key_bit(key, n->len)];
	return n && n->len == len && key_match(n->key, key, len) ? n : NULL;
}

/* Take out a node that no longer holds a value, if it is not a branching point. */
static void prune(struct sgw_ptrie *t, struct sgw_ptrie_node *n)
{
	struct sgw_ptrie_node *child = n->child[0] ? n->child[0] : n->child[1];
	struct sgw_ptrie_node *parent = n->parent;

	if (n->child[0] && n->child[1])
		return;
	*slot_of(t, n) = child;
	if (child)
		child->parent = parent;
	free(n);
	/* a branching parent that lost a leaf now has a single child */
	if (!child && parent && !parent->value)
		prune(t, parent);
}

static void free_subtree(struct sgw_ptrie_node *n, void (*free_value)(void *value))
{
	if (!n)
		return;
	free_subtree(n->child[0], free_value);
	free_subtree(n->child[1], free_value);
	if (n->value && free_value)
		free_value(n->value);
	free(n);
}

/* --- the trie ------------------------------------------------------------------- */

int sgw_ptrie_init(struct sgw_ptrie *t, int family)
{
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	t->root = NULL;
	t->count = 0;
	t->max_len = family == AF_INET ? 32 : 128;
	return 0;
}

void sgw_ptrie_destroy(struct sgw_ptrie *t, void (*free_value)(void *value))
{
	free_subtree(t->root, free_value);
	t->root = NULL;
	t->count = 0;
}

/*
 * Insert below the last node whose prefix covers key/len; the node found in
 * its place (if any) either lies inside key/len (the new node becomes its
 * parent) or parts from it at some bit (a branching point joins both).
 */
int sgw_ptrie_insert(struct sgw_ptrie *t, const uint8_t *addr, unsigned int len,
		     void *value)
{
	struct sgw_ptrie_node **slot = &t->root, *parent = NULL, *n, *leaf, *branch;
	uint8_t key[KEY_BYTES];
	unsigned int split;

	if (!value || len > t->max_len)
		return -EINVAL;
	key_make(key, addr, len, t->max_len / 8);
	while ((n = *slot) && n->len <= len && key_match(n->key, key, n->len)) {
		if (n->len == len) {
			if (n->value)
				return -EEXIST;
			n->value = value;	/* a branching point becomes a prefix */
			t->count++;
			return 0;
		}
		parent = n;
		slot = &n->child[key_bit(key, n->len)];
	}
	leaf = node_new(key, len, value, parent);
	if (!leaf)
		return -ENOMEM;
	if (n) {
		split = common_len(n->key, key, n->len < len ? n->len : len);
		if (split == len) {
			link_child(leaf, n);
		} else {
			branch = node_new(key, split, NULL, parent);
			if (!branch) {
				free(leaf);
				return -ENOMEM;
			}
			link_child(branch, n);
			link_child(branch, leaf);
			leaf = branch;
		}
	}
	*slot = leaf;
	t->count++;
	return 0;
}

void *sgw_ptrie_remove(struct sgw_ptrie *t, const uint8_t *addr, unsigned int len)
{
	struct sgw_ptrie_node *n;
	uint8_t key[KEY_BYTES];
	void *value;

	if (len > t->max_len)
		return NULL;
	key_make(key, addr, len, t->max_len / 8);
	n = find_node(t, key, len);
	if (!n || !n->value)
		return NULL;
	value = n->value;
	n->value = NULL;
	t->count--;
	prune(t, n);
	return value;
}

void *sgw_ptrie_find(const struct sgw_ptrie *t, const uint8_t *addr, unsigned int len)
{
	const struct sgw_ptrie_node *n;
	uint8_t key[KEY_BYTES];

	if (len > t->max_len)
		return NULL;
	key_make(key, addr, len, t->max_len / 8);
	n = find_node(t, key, len);
	return n ? n->value : NULL;
}

static int keep_last(const uint8_t *addr, unsigned int len, void *value, void *arg)
{
	(void)addr;
	(void)len;
	*(void **)arg = value;
	return 0;
}

void *sgw_ptrie_longest(const struct sgw_ptrie *t, const uint8_t *addr, unsigned int len)
{
	void *last = NULL;

	sgw_ptrie_walk_covering(t, addr, len, keep_last, &last);
	return last;
}

int sgw_ptrie_walk_covering(const struct sgw_ptrie *t, const uint8_t *addr,
			    unsigned int len, sgw_ptrie_visit_fn fn, void *arg)
{
	const struct sgw_ptrie_node *n = t->root;
	uint8_t key[KEY_BYTES];
	int ret;

	if (len > t->max_len)
		return 0;
	key_make(key, addr, len, t->max_len / 8);
	while (n && n->len <= len && key_match(n->key, key, n->len)) {
		if (n->value) {
			ret = fn(n->key, n->len, n->value, arg);
			if (ret)
				return ret;
		}
		if (n->len == len)
			break;
		n = n->child[key_bit(key, n->len)];
	}
	return 0;
}

static int walk_subtree(const struct sgw_ptrie_node *n, sgw_ptrie_visit_fn fn, void *arg)
{
	int ret = 0;

	if (!n)
		return 0;
	if (n->value)
		ret = fn(n->key, n->len, n->value, arg);
	if (!ret)
		ret = walk_subtree(n->child[0], fn, arg);
	if (!ret)
		ret = walk_subtree(n->child[1], fn, arg);
	return ret;
}

int sgw_ptrie_walk_covered(const struct sgw_ptrie *t, const uint8_t *addr,
			   unsigned int len, sgw_ptrie_visit_fn fn, void *arg)
{
	const struct sgw_ptrie_node *n = t->root;
	uint8_t key[KEY_BYTES];

	if (len > t->max_len)
		return 0;
	key_make(key, addr, len, t->max_len / 8);
	/* down to the first node at least as long as len: its subtree is ours */
	while (n && n->len < len) {
		if (!key_match(n->key, key, n->len))
			return 0;
		n = n->child[key_bit(key, n->len)];
	}
	if (!n || !key_match(n->key, key, len))
		return 0;
	return walk_subtree(n, fn, arg);
}

/* --- self-check -------------------------------------------------------------- */

static int verify_node(const struct sgw_ptrie *t, const struct sgw_ptrie_node *n,
		       size_t *values)
{
	uint8_t clean[KEY_BYTES];
	unsigned int b;

	key_make(clean, n->key, n->len, KEY_BYTES);
	if (n->len > t->max_len || memcmp(clean, n->key, KEY_BYTES))
		return -EUCLEAN;
	if (!n->value && !(n->child[0] && n->child[1]))
		return -EUCLEAN;	/* a useless branching point */
	if (n->value)
		(*values)++;
	for (b = 0; b < 2; b++) {
		const struct sgw_ptrie_node *c = n->child[b];

		if (!c)
			continue;
		if (c->parent != n || c->len <= n->len || !key_match(c->key, n->key, n->len) ||
		    key_bit(c->key, n->len) != b || verify_node(t, c, values))
			return -EUCLEAN;
	}
	return 0;
}

int sgw_ptrie_verify(const struct sgw_ptrie *t)
{
	size_t values = 0;

	if (t->root && (t->root->parent || verify_node(t, t->root, &values)))
		return -EUCLEAN;
	return values == t->count ? 0 : -EUCLEAN;
}
