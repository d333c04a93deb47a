/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_prefix: the one IPv4/IPv6 prefix type of the userspace code, and its
 * one parser. An address is a host prefix (/32, /128).
 *
 *   "192.0.2.0/24", "2001:db8::/32"   prefixes
 *   "192.0.2.1", "2001:db8::1"        addresses (host prefixes)
 */
#ifndef SGW_PREFIX_H
#define SGW_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sgw_prefix {
	uint8_t family;		/* AF_INET, AF_INET6; 0: unset */
	uint8_t len;		/* prefix length in bits */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
};

/* "2001:db8::/32": INET6_ADDRSTRLEN + "/128" */
#define SGW_PREFIX_STRLEN 52

/* What to do with address bits beyond the prefix length. */
enum sgw_prefix_mode {
	SGW_PREFIX_EXACT,	/* refuse them: 10.1.2.3/8 is almost always a typo */
	SGW_PREFIX_MASK,	/* clear them */
	SGW_PREFIX_HOST,	/* keep them: an interface address and the
				 * length of its subnet (192.0.2.1/24) */
};

/*
 * Parse "ADDR" or "ADDR/LEN" into p. Returns 0, or -EINVAL with *why (may
 * be NULL) saying what is wrong in words for the user.
 */
int sgw_prefix_parse(const char *s, enum sgw_prefix_mode mode, struct sgw_prefix *p,
		     const char **why);
/* Parse an address (no "/LEN") into a host prefix. 0 or -EINVAL. */
int sgw_addr_parse(const char *s, struct sgw_prefix *p);

/* Bytes of an address of family: 4, 16, or 0 for another family. */
size_t sgw_addr_len(int family);
/* "10.0.0.0/8"; sgw_addr_format() writes the address alone. */
void sgw_prefix_format(const struct sgw_prefix *p, char *buf, size_t len);
void sgw_addr_format(const struct sgw_prefix *p, char *buf, size_t len);

/* Same family and p lies inside q (q's length <= p's, same leading bits). */
bool sgw_prefix_within(const struct sgw_prefix *p, const struct sgw_prefix *q);
/* One of them lies inside the other. */
bool sgw_prefix_overlap(const struct sgw_prefix *a, const struct sgw_prefix *b);
bool sgw_prefix_equal(const struct sgw_prefix *a, const struct sgw_prefix *b);
/* Are all bits of p->addr beyond p->len zero? */
bool sgw_prefix_is_canonical(const struct sgw_prefix *p);

#endif
