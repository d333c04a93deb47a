// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between tunnels: the identity ("enb%d.enb.example.net"
 * with the tunnel's number) and the addresses (the i-th of a run).
 * Pure functions, unit-tested (selftests/unit/test_ikeload.c).
 *
 * The pattern is the user's, so it never reaches printf as a format: each
 * conversion is parsed here and the number written by hand.
 */
#include "ikeload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PATTERN_MAX_WIDTH 20

/* One conversion at p (after the '%'): its width, zero flag and base.
 * Returns the characters it takes, 0 if it is not one we know. */
static size_t conversion(const char *p, unsigned int *width, bool *zero, unsigned int *base)
{
	const char *q = p;

	*zero = *q == '0';
	if (*zero)
		q++;
	*width = 0;
	while (*q >= '0' && *q <= '9') {
		*width = *width * 10 + (unsigned int)(*q - '0');
		if (*width > PATTERN_MAX_WIDTH)
			return 0;
		q++;
	}
	if (*q == 'd' || *q == 'u')
		*base = 10;
	else if (*q == 'x')
		*base = 16;
	else
		return 0;
	return (size_t)(q - p) + 1;
}

int pattern_check(const char *pat, char *err, size_t errlen)
{
	const char *p;

	for (p = pat; *p; p++) {
		unsigned int width, base;
		bool zero;
		size_t n;

		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		n = conversion(p + 1, &width, &zero, &base);
		if (!n) {
			snprintf(err, errlen, "'%s': only %%d, %%u, %%x (with a width such as "
				 "%%05d) and %%%% may appear", pat);
			return -1;
		}
		p += n;
	}
	return 0;
}

int pattern_format(const char *pat, uint64_t n, char *out, size_t cap)
{
	size_t o = 0;
	const char *p;

	for (p = pat; *p; p++) {
		char digits[24];
		unsigned int width, base, nd = 0;
		bool zero;
		size_t k;
		uint64_t v = n;

		if (*p != '%' || p[1] == '%') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = *p;
			if (*p == '%')
				p++;
			continue;
		}
		k = conversion(p + 1, &width, &zero, &base);
		if (!k)
			return -1;
		p += k;
		do {
			digits[nd++] = "0123456789abcdef"[v % base];
			v /= base;
		} while (v);
		for (; width > nd; width--) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = zero ? '0' : ' ';
		}
		while (nd) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = digits[--nd];
		}
	}
	if (o >= cap)
		return -1;
	out[o] = 0;
	return 0;
}

/* --- runs of addresses ------------------------------------------------------------ */

/* The address as a number (IPv6: only its low 64 bits move here). */
static uint64_t low64(const struct sgw_prefix *p)
{
	size_t len = sgw_addr_len(p->family), i;
	uint64_t v = 0;

	for (i = len > 8 ? len - 8 : 0; i < len; i++)
		v = v << 8 | p->addr[i];
	return v;
}

static void set_low64(struct sgw_prefix *p, uint64_t v)
{
	size_t len = sgw_addr_len(p->family), i;

	for (i = len; i-- > (len > 8 ? len - 8 : 0);) {
		p->addr[i] = (uint8_t)v;
		v >>= 8;
	}
}

int addr_run_parse(const char *s, struct addr_run *r, char *err, size_t errlen)
{
	char a[SGW_PREFIX_STRLEN];
	const char *slash = strchr(s, '/'), *why = NULL;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int bits, host;
	uint64_t size, off;

	memset(r, 0, sizeof(*r));
	if (alen >= sizeof(a) || sgw_prefix_parse(s, SGW_PREFIX_MASK, &r->net, &why)) {
		snprintf(err, errlen, "'%s': %s", s, why ? why : "not an address or prefix");
		return -1;
	}
	memcpy(a, s, alen);
	a[alen] = 0;
	if (sgw_addr_parse(a, &r->start)) {
		snprintf(err, errlen, "'%s': not an address", s);
		return -1;
	}
	bits = 8 * (unsigned int)sgw_addr_len(r->net.family);
	host = bits - r->net.len;
	if (host > 63) {
		/* more addresses than anyone will use */
		r->count = UINT64_MAX - low64(&r->start);
		return 0;
	}
	size = (uint64_t)1 << host;
	off = low64(&r->start) & (size - 1);
	r->count = size - off;
	return 0;
}

int addr_run_nth(const struct addr_run *r, uint64_t i, struct sgw_prefix *out)
{
	uint64_t v = low64(&r->start);

	if (i >= r->count || v + i < v)
		return -1;
	*out = r->start;
	set_low64(out, v + i);
	return 0;
}
