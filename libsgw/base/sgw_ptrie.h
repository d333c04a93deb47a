/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_ptrie: a path-compressed binary prefix trie of IPv4 or IPv6
 * prefixes, each mapped to a caller's (non-NULL) pointer.
 *
 * One trie holds one address family. Every operation follows one path from
 * the root, at most one node per prefix length (33 or 129), whatever the
 * number of stored prefixes:
 *
 *   - exact find, insert, remove;
 *   - longest stored prefix that covers ADDR/LEN (LEN itself included);
 *   - walk of the stored prefixes that cover ADDR/LEN (shorter or equal),
 *     or that ADDR/LEN covers (longer or equal); the second costs the path
 *     plus the prefixes it visits, never the whole trie.
 *
 * Addresses are in network byte order (4 or 16 bytes); the bits beyond LEN
 * are ignored, so 10.1.0.7/24 is 10.1.0.0/24. A trie has at most two nodes
 * per stored prefix. Not thread-safe: the caller locks.
 */
#ifndef SGW_PTRIE_H
#define SGW_PTRIE_H

#include <stddef.h>
#include <stdint.h>

struct sgw_ptrie_node;

struct sgw_ptrie {
	struct sgw_ptrie_node *root;
	size_t count;			/* stored prefixes */
	uint8_t max_len;		/* 32 or 128 */
};

/* An empty trie for AF_INET or AF_INET6: 0, or -EINVAL. */
int sgw_ptrie_init(struct sgw_ptrie *t, int family);
/* Free every node; free_value (may be NULL) is called on each value. */
void sgw_ptrie_destroy(struct sgw_ptrie *t, void (*free_value)(void *value));

/* 0; -EEXIST if ADDR/LEN is stored; -EINVAL (LEN too long, NULL value); -ENOMEM. */
int sgw_ptrie_insert(struct sgw_ptrie *t, const uint8_t *addr, unsigned int len,
		     void *value);
/* The value of ADDR/LEN, now removed; NULL if it was not stored. */
void *sgw_ptrie_remove(struct sgw_ptrie *t, const uint8_t *addr, unsigned int len);
/* The value of exactly ADDR/LEN, or NULL. */
void *sgw_ptrie_find(const struct sgw_ptrie *t, const uint8_t *addr, unsigned int len);
/* The value of the longest stored prefix covering ADDR/LEN, or NULL. */
void *sgw_ptrie_longest(const struct sgw_ptrie *t, const uint8_t *addr,
			unsigned int len);

/*
 * Called with each visited prefix (address with its host bits zero); a
 * non-zero return stops the walk and is returned by it. The callback must
 * not change the trie.
 */
typedef int (*sgw_ptrie_visit_fn)(const uint8_t *addr, unsigned int len, void *value,
				  void *arg);

/* Stored prefixes covering ADDR/LEN (ADDR/LEN included), shortest first. */
int sgw_ptrie_walk_covering(const struct sgw_ptrie *t, const uint8_t *addr,
			    unsigned int len, sgw_ptrie_visit_fn fn, void *arg);
/* Stored prefixes inside ADDR/LEN (ADDR/LEN included), in address order. */
int sgw_ptrie_walk_covered(const struct sgw_ptrie *t, const uint8_t *addr,
			   unsigned int len, sgw_ptrie_visit_fn fn, void *arg);

/* Structural self-check for tests: 0, or -EUCLEAN if an invariant broke. */
int sgw_ptrie_verify(const struct sgw_ptrie *t);

#endif /* SGW_PTRIE_H */
