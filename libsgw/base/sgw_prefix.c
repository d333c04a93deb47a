// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_prefix: IPv4/IPv6 prefixes (see sgw_prefix.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/sgw_prefix.h"

size_t sgw_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int sgw_addr_parse(const char *s, struct sgw_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->addr) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, s, p->addr) == 1)
		p->family = AF_INET6;
	else
		return -EINVAL;
	p->len = (uint8_t)(8 * sgw_addr_len(p->family));
	return 0;
}

/* The mask of byte i of a prefix of len bits. */
static uint8_t byte_mask(unsigned int len, size_t i)
{
	if (len >= 8 * (i + 1))
		return 0xff;
	if (len <= 8 * i)
		return 0;
	return (uint8_t)(0xff << (8 - (len - 8 * i)));
}

bool sgw_prefix_is_canonical(const struct sgw_prefix *p)
{
	for (size_t i = 0; i < sizeof(p->addr); i++)
		if (p->addr[i] & ~byte_mask(p->len, i))
			return false;
	return true;
}

static void mask_host_bits(struct sgw_prefix *p)
{
	for (size_t i = 0; i < sizeof(p->addr); i++)
		p->addr[i] &= byte_mask(p->len, i);
}

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

/* Decimal 0..max, nothing else: no sign, no spaces, no leading "0x". */
static int parse_len(const char *s, unsigned int max, uint8_t *len)
{
	unsigned int v = 0;

	if (!*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v > max)
		return -1;
	*len = (uint8_t)v;
	return 0;
}

int sgw_prefix_parse(const char *s, enum sgw_prefix_mode mode, struct sgw_prefix *p,
		     const char **why)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);

	if (why)
		*why = NULL;
	if (!alen || alen >= sizeof(buf))
		return fail(why, "not an IPv4 or IPv6 prefix");
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (sgw_addr_parse(buf, p))
		return fail(why, "not an IPv4 or IPv6 prefix");
	if (slash && parse_len(slash + 1, p->len, &p->len))
		return fail(why, p->family == AF_INET ? "prefix length must be 0..32" :
							"prefix length must be 0..128");
	if (mode == SGW_PREFIX_MASK)
		mask_host_bits(p);
	else if (mode == SGW_PREFIX_EXACT && !sgw_prefix_is_canonical(p))
		return fail(why, "address has bits set beyond the prefix length");
	return 0;
}

void sgw_addr_format(const struct sgw_prefix *p, char *buf, size_t len)
{
	if (!len)
		return;
	if (!sgw_addr_len(p->family) || !inet_ntop(p->family, p->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

void sgw_prefix_format(const struct sgw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sgw_addr_format(p, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

bool sgw_prefix_within(const struct sgw_prefix *p, const struct sgw_prefix *q)
{
	if (p->family != q->family || q->len > p->len)
		return false;
	for (size_t i = 0; i < sizeof(p->addr); i++)
		if ((p->addr[i] ^ q->addr[i]) & byte_mask(q->len, i))
			return false;
	return true;
}

bool sgw_prefix_overlap(const struct sgw_prefix *a, const struct sgw_prefix *b)
{
	return sgw_prefix_within(a, b) || sgw_prefix_within(b, a);
}

bool sgw_prefix_equal(const struct sgw_prefix *a, const struct sgw_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sgw_addr_len(a->family));
}
