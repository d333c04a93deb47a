// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: immutable prefix sets with longest-prefix match.
 *
 * A set is a sorted array of prefixes grouped by (family, prefix length),
 * longest first, with an index of the lengths present. A lookup masks the
 * address to each present length, longest first, and binary-searches that
 * group: at most (number of distinct lengths) x log2(n) compares, about 14
 * compares for 10,000 host routes. Sets are never edited: a change builds a
 * new set that replaces the old one under RCU.
 */

#include <linux/bsearch.h>
#include <linux/errno.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "sgw.h"

struct sgw_lpm_level {
	u8 plen;
	u32 start;
	u32 count;
};

struct sgw_lpm {
	u32 count;
	u8 nlv[2];			/* levels per family: [0] v4, [1] v6 */
	struct sgw_lpm_level lv[2][129];
	struct rcu_head rcu;
	struct sgw_pfx items[];		/* v4 then v6; plen desc; key asc */
};

static int sgw_fidx(u8 family)
{
	return family == AF_INET6;
}

static void sgw_key_mask(struct sgw_key *k, u8 family, u8 plen)
{
	if (family == AF_INET) {
		k->hi = 0;
		k->lo &= plen ? (u64)(u32)(~0U << (32 - plen)) : 0;
		return;
	}
	if (plen == 0) {
		k->hi = 0;
		k->lo = 0;
	} else if (plen <= 64) {
		k->hi &= ~0ULL << (64 - plen);
		k->lo = 0;
	} else if (plen < 128) {
		k->lo &= ~0ULL << (128 - plen);
	}
}

static int sgw_key_cmp(const struct sgw_key *a, const struct sgw_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int sgw_pfx_cmp(const void *pa, const void *pb)
{
	const struct sgw_pfx *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	return sgw_key_cmp(&a->key, &b->key);
}

void sgw_key_from_v4(struct sgw_key *key, __be32 addr)
{
	key->hi = 0;
	key->lo = be32_to_cpu(addr);
}

void sgw_key_from_v6(struct sgw_key *key, const struct in6_addr *addr)
{
	key->hi = ((u64)be32_to_cpu(addr->s6_addr32[0]) << 32) |
		  be32_to_cpu(addr->s6_addr32[1]);
	key->lo = ((u64)be32_to_cpu(addr->s6_addr32[2]) << 32) |
		  be32_to_cpu(addr->s6_addr32[3]);
}

void sgw_key_to_addr(const struct sgw_key *key, u8 family, void *addr)
{
	__be32 *a = addr;

	if (family == AF_INET) {
		a[0] = cpu_to_be32((u32)key->lo);
		return;
	}
	a[0] = cpu_to_be32(key->hi >> 32);
	a[1] = cpu_to_be32((u32)key->hi);
	a[2] = cpu_to_be32(key->lo >> 32);
	a[3] = cpu_to_be32((u32)key->lo);
}

static struct sgw_lpm *sgw_lpm_alloc(u32 n)
{
	struct sgw_lpm *lpm;

	lpm = kvzalloc(struct_size(lpm, items, n), GFP_KERNEL_ACCOUNT);
	return lpm;
}

/* Sorts and deduplicates lpm->items[0..n), then indexes the levels. */
static void sgw_lpm_index(struct sgw_lpm *lpm, u32 n)
{
	struct sgw_lpm_level *lv;
	u32 i, out = 0;
	int f;

	sort(lpm->items, n, sizeof(lpm->items[0]), sgw_pfx_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (out && !sgw_pfx_cmp(&lpm->items[out - 1], &lpm->items[i]))
			continue;
		lpm->items[out++] = lpm->items[i];
	}
	lpm->count = out;
	lpm->nlv[0] = 0;
	lpm->nlv[1] = 0;
	for (i = 0; i < out; i++) {
		const struct sgw_pfx *p = &lpm->items[i];

		f = sgw_fidx(p->family);
		lv = &lpm->lv[f][lpm->nlv[f] ? lpm->nlv[f] - 1 : 0];
		if (!lpm->nlv[f] || lv->plen != p->plen) {
			lv = &lpm->lv[f][lpm->nlv[f]++];
			lv->plen = p->plen;
			lv->start = i;
			lv->count = 0;
		}
		lv->count++;
	}
}

/* A new set holding old's prefixes and items, or an ERR_PTR. */
struct sgw_lpm *sgw_lpm_add(const struct sgw_lpm *old,
			    const struct sgw_pfx *items, u32 n, u32 max)
{
	u32 have = old ? old->count : 0;
	struct sgw_lpm *lpm;

	lpm = sgw_lpm_alloc(have + n);
	if (!lpm)
		return ERR_PTR(-ENOMEM);
	if (have)
		memcpy(lpm->items, old->items, have * sizeof(*items));
	if (n)
		memcpy(lpm->items + have, items, n * sizeof(*items));
	sgw_lpm_index(lpm, have + n);
	if (lpm->count > max) {
		kvfree(lpm);
		return ERR_PTR(-ENOSPC);
	}
	return lpm;
}

static bool sgw_lpm_contains(const struct sgw_lpm *lpm,
			     const struct sgw_pfx *p)
{
	const struct sgw_pfx *found;

	found = bsearch(p, lpm->items, lpm->count, sizeof(*p), sgw_pfx_cmp);
	return found;
}

/*
 * A new set without items. Every item must be present: otherwise
 * -ENOENT and *missing is the index of the first absent one.
 */
struct sgw_lpm *sgw_lpm_del(const struct sgw_lpm *old,
			    const struct sgw_pfx *items, u32 n, u32 *missing)
{
	struct sgw_pfx *gone;
	struct sgw_lpm *lpm;
	u32 i, out = 0;

	for (i = 0; i < n; i++) {
		if (!sgw_lpm_contains(old, &items[i])) {
			*missing = i;
			return ERR_PTR(-ENOENT);
		}
	}
	gone = kvmalloc_array(n ? n : 1, sizeof(*gone), GFP_KERNEL);
	lpm = sgw_lpm_alloc(old->count);
	if (!lpm || !gone) {
		kvfree(gone);
		kvfree(lpm);
		return ERR_PTR(-ENOMEM);
	}
	if (n)
		memcpy(gone, items, n * sizeof(*items));
	sort(gone, n, sizeof(*gone), sgw_pfx_cmp, NULL);
	for (i = 0; i < old->count; i++) {
		if (!bsearch(&old->items[i], gone, n, sizeof(*gone),
			     sgw_pfx_cmp))
			lpm->items[out++] = old->items[i];
	}
	kvfree(gone);
	sgw_lpm_index(lpm, out);
	return lpm;
}

void sgw_lpm_free(struct sgw_lpm *lpm)
{
	kvfree(lpm);
}

static void sgw_lpm_free_cb(struct rcu_head *head)
{
	kvfree(container_of(head, struct sgw_lpm, rcu));
}

void sgw_lpm_free_rcu(struct sgw_lpm *lpm)
{
	if (lpm)
		call_rcu(&lpm->rcu, sgw_lpm_free_cb);
}

u32 sgw_lpm_count(const struct sgw_lpm *lpm)
{
	return lpm ? lpm->count : 0;
}

const struct sgw_pfx *sgw_lpm_item(const struct sgw_lpm *lpm, u32 i)
{
	return &lpm->items[i];
}

/* Length of the longest prefix of lpm covering key, or -1. */
int sgw_lpm_match(const struct sgw_lpm *lpm, u8 family,
		  const struct sgw_key *key)
{
	int f = sgw_fidx(family);
	unsigned int l;

	for (l = 0; l < lpm->nlv[f]; l++) {
		const struct sgw_lpm_level *lv = &lpm->lv[f][l];
		const struct sgw_pfx *base = &lpm->items[lv->start];
		struct sgw_key k = *key;
		u32 lo = 0, hi = lv->count;

		sgw_key_mask(&k, family, lv->plen);
		while (lo < hi) {
			u32 mid = lo + (hi - lo) / 2;
			int c = sgw_key_cmp(&k, &base[mid].key);

			if (!c)
				return lv->plen;
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return -1;
}

int sgw_pfx_from_nla(const struct nlattr *nest, struct sgw_pfx *pfx,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGW_PREFIX_A_MAX + 1];
	struct sgw_key masked;
	int err, len;

	err = nla_parse_nested(tb, SGW_PREFIX_A_MAX, nest, sgw_prefix_policy,
			       extack);
	if (err)
		return err;
	if (!tb[SGW_PREFIX_A_ADDR] || !tb[SGW_PREFIX_A_PLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix needs an address and a length");
		return -EINVAL;
	}
	len = nla_len(tb[SGW_PREFIX_A_ADDR]);
	pfx->plen = nla_get_u8(tb[SGW_PREFIX_A_PLEN]);
	if (len == 4) {
		pfx->family = AF_INET;
		sgw_key_from_v4(&pfx->key, nla_get_in_addr(tb[SGW_PREFIX_A_ADDR]));
	} else if (len == 16) {
		struct in6_addr a = nla_get_in6_addr(tb[SGW_PREFIX_A_ADDR]);

		pfx->family = AF_INET6;
		sgw_key_from_v6(&pfx->key, &a);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_PREFIX_A_ADDR],
				    "prefix address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	if (pfx->plen > (pfx->family == AF_INET ? 32 : 128)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_PREFIX_A_PLEN],
				    "prefix length too long for the address family");
		return -EINVAL;
	}
	masked = pfx->key;
	sgw_key_mask(&masked, pfx->family, pfx->plen);
	if (sgw_key_cmp(&masked, &pfx->key)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_PREFIX_A_ADDR],
				    "prefix has host bits set beyond its length");
		return -EINVAL;
	}
	return 0;
}

int sgw_pfx_put(struct sk_buff *skb, int type, const struct sgw_pfx *pfx)
{
	struct nlattr *nest;
	__be32 addr[4];

	sgw_key_to_addr(&pfx->key, pfx->family, addr);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, SGW_PREFIX_A_ADDR, pfx->family == AF_INET ? 4 : 16,
		    addr) ||
	    nla_put_u8(skb, SGW_PREFIX_A_PLEN, pfx->plen)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
