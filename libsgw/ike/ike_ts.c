// SPDX-License-Identifier: GPL-2.0
/*
 * ike_ts: traffic selectors (RFC 7296 §3.13.1) against prefixes: a
 * configured prefix as a selector, a selector inside a prefix.
 */
#include <string.h>
#include <sys/socket.h>

#include "ike/ike_msg.h"

size_t ike_ts_addr_len(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
}

int ike_ts_family(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
}

void ike_ts_prefix_range(const struct sgw_prefix *p, uint8_t *start, uint8_t *end)
{
	size_t alen = sgw_addr_len(p->family);

	for (size_t i = 0; i < alen; i++) {
		int bits = (int)p->len - (int)i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		start[i] = p->addr[i] & mask;
		end[i] = (uint8_t)(p->addr[i] | ~mask);
	}
}

void ike_ts_from_prefix(const struct sgw_prefix *p, struct ike_ts *t)
{
	memset(t, 0, sizeof(*t));
	t->type = p->family == AF_INET ? IKE_TS_IPV4_ADDR_RANGE : IKE_TS_IPV6_ADDR_RANGE;
	t->end_port = 0xffff;
	ike_ts_prefix_range(p, t->start_addr, t->end_addr);
}

size_t ike_ts_from_prefixes(const struct sgw_prefix *p, size_t n, struct ike_ts *out,
			    size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		ike_ts_from_prefix(&p[i], &out[i]);
	return i;
}

bool ike_ts_within(const struct ike_ts *t, const struct sgw_prefix *p)
{
	size_t alen = ike_ts_addr_len(t);
	uint8_t start[16], end[16];

	if (ike_ts_family(t) != p->family)
		return false;
	ike_ts_prefix_range(p, start, end);
	return memcmp(start, t->start_addr, alen) <= 0 && memcmp(t->end_addr, end, alen) <= 0;
}

bool ike_ts_overlaps(const struct ike_ts *t, const struct sgw_prefix *p)
{
	size_t alen = ike_ts_addr_len(t);
	uint8_t start[16], end[16];

	if (ike_ts_family(t) != p->family)
		return false;
	ike_ts_prefix_range(p, start, end);
	return memcmp(t->start_addr, end, alen) <= 0 && memcmp(start, t->end_addr, alen) <= 0;
}
