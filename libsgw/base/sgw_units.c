// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parsing and formatting of rates and sizes (see sgw_units.h). */

#include "base/sgw_units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit rate_units[] = {
	{ "bit", 1 },
	{ "kbit", 1000ULL },
	{ "mbit", 1000000ULL },
	{ "gbit", 1000000000ULL },
	{ "tbit", 1000000000000ULL },
	{ "bps", 8 },
	{ "kbps", 8000ULL },
	{ "mbps", 8000000ULL },
	{ "gbps", 8000000000ULL },
	{ NULL, 0 },
};

static const struct unit size_units[] = {
	{ "", 1 },
	{ "b", 1 },
	{ "k", 1ULL << 10 },
	{ "kb", 1ULL << 10 },
	{ "m", 1ULL << 20 },
	{ "mb", 1ULL << 20 },
	{ "g", 1ULL << 30 },
	{ "gb", 1ULL << 30 },
	{ "t", 1ULL << 40 },
	{ "tb", 1ULL << 40 },
	{ NULL, 0 },
};

static const struct unit time_units[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ NULL, 0 },
};

static const struct unit *find_unit(const struct unit *units, const char *name)
{
	for (; units->name; units++)
		if (!strcasecmp(units->name, name))
			return units;
	return NULL;
}

/*
 * Split "12.5mbit" into a decimal number and a unit, and scale. Digits are
 * accumulated as an integer mantissa with a decimal exponent, so "1.5mbit"
 * is exact and nothing goes through binary floating point.
 */
static int parse_scaled(const char *s, const struct unit *units, uint64_t *out)
{
	uint64_t mant = 0, div = 1;
	const struct unit *u;
	const char *p = s;
	int digits = 0, frac = 0;

	if (!s)
		return -EINVAL;
	for (; isdigit((unsigned char)*p) || (*p == '.' && !frac); p++) {
		if (*p == '.') {
			frac = 1;
			continue;
		}
		if (mant > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		mant = mant * 10 + (uint64_t)(*p - '0');
		if (frac) {
			if (div > UINT64_MAX / 10)
				return -ERANGE;
			div *= 10;
		}
		digits++;
	}
	if (!digits)
		return -EINVAL;
	u = find_unit(units, p);
	if (!u)
		return -EINVAL;
	if (mant && u->factor > UINT64_MAX / mant)
		return -ERANGE;
	mant *= u->factor;
	if (mant % div)
		return -EINVAL;	/* fractions of a bit or a byte */
	*out = mant / div;
	return 0;
}

int sgw_parse_rate(const char *s, uint64_t *bps)
{
	/* A bare number is bits/s, as with tc. */
	if (s && *s && isdigit((unsigned char)s[strlen(s) - 1])) {
		char buf[64];

		if (strlen(s) >= sizeof(buf) - 4)
			return -EINVAL;
		snprintf(buf, sizeof(buf), "%sbit", s);
		return parse_scaled(buf, rate_units, bps);
	}
	return parse_scaled(s, rate_units, bps);
}

int sgw_parse_size(const char *s, uint64_t *bytes)
{
	return parse_scaled(s, size_units, bytes);
}

int sgw_parse_time_ms(const char *s, uint64_t *ms)
{
	return parse_scaled(s, time_units, ms);
}

void sgw_format_rate(uint64_t bps, char *buf, size_t len)
{
	static const struct unit bits[] = {
		{ "tbit", 1000000000000ULL },
		{ "gbit", 1000000000ULL },
		{ "mbit", 1000000ULL },
		{ "kbit", 1000ULL },
	};
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bps >= bits[i].factor && bps % bits[i].factor == 0) {
			snprintf(buf, len, "%llu%s",
				 (unsigned long long)(bps / bits[i].factor), bits[i].name);
			return;
		}
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bps >= bits[i].factor) {
			snprintf(buf, len, "%.3g%s", (double)bps / (double)bits[i].factor,
				 bits[i].name);
			return;
		}
	snprintf(buf, len, "%llubit", (unsigned long long)bps);
}

void sgw_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const struct unit sizes[] = {
		{ "g", 1ULL << 30 },
		{ "m", 1ULL << 20 },
		{ "k", 1ULL << 10 },
	};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (bytes >= sizes[i].factor && bytes % sizes[i].factor == 0) {
			snprintf(buf, len, "%llu%s",
				 (unsigned long long)(bytes / sizes[i].factor), sizes[i].name);
			return;
		}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

void sgw_format_time_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms >= 1000 && ms % 1000 == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, len, "%llums", (unsigned long long)ms);
}
