// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus' text exposition format (see sgw_prom.h).
 */
#include "base/sgw_prom.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void sgw_prom_init(struct sgw_prom *p, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
}

static int prom_fail(struct sgw_prom *p, int err)
{
	if (!p->err)
		p->err = err;
	return p->err;
}

static bool is_alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* (colons: recording rules') */
static bool valid_metric_name(const char *s)
{
	size_t i;

	if (!s || !(is_alpha_(s[0]) || s[0] == ':'))
		return false;
	for (i = 1; s[i]; i++)
		if (!is_alpha_(s[i]) && !is_digit(s[i]) && s[i] != ':')
			return false;
	return true;
}

/* [a-zA-Z_][a-zA-Z0-9_]*, "__" reserved for Prometheus itself */
static bool valid_label_name(const char *s)
{
	size_t i;

	if (!s || !is_alpha_(s[0]) || !strncmp(s, "__", 2))
		return false;
	for (i = 1; s[i]; i++)
		if (!is_alpha_(s[i]) && !is_digit(s[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * Length of the well-formed UTF-8 sequence at s (1..4), or 0 if the bytes
 * there are not one (stray continuation byte, overlong form, surrogate,
 * beyond U+10FFFF, cut short).
 */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also the terminating NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* s with backslash, newline and (in label values) the double quote
 * escaped; malformed UTF-8 replaced, byte by byte, by U+FFFD. */
static void put_escaped(FILE *out, const char *s, bool quote)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		size_t n = utf8_len(u);

		if (*u == '\\')
			fputs("\\\\", out);
		else if (*u == '\n')
			fputs("\\n", out);
		else if (*u == '"' && quote)
			fputs("\\\"", out);
		else if (!n)
			fputs("\xef\xbf\xbd", out);
		else
			fwrite(u, 1, n, out);
		u += n ? n : 1;
	}
}

void sgw_prom_put_label_value(FILE *out, const char *s)
{
	put_escaped(out, s, true);
}

void sgw_prom_put_help(FILE *out, const char *s)
{
	put_escaped(out, s, false);
}

int sgw_prom_family(struct sgw_prom *p, const char *name, enum sgw_prom_type type,
		    const char *help)
{
	size_t i;

	if (p->err)
		return p->err;
	if (!valid_metric_name(name) || !help ||
	    (type == SGW_PROM_COUNTER) != ends_with(name, "_total"))
		return prom_fail(p, -EINVAL);
	for (i = 0; i < p->n_families; i++)
		if (!strcmp(p->families[i], name))
			return prom_fail(p, -EINVAL);
	if (p->n_families == p->cap_families) {
		size_t cap = p->cap_families ? 2 * p->cap_families : 32;
		char **f = realloc(p->families, cap * sizeof(*f));

		if (!f)
			return prom_fail(p, -ENOMEM);
		p->families = f;
		p->cap_families = cap;
	}
	p->families[p->n_families] = strdup(name);
	if (!p->families[p->n_families])
		return prom_fail(p, -ENOMEM);
	p->family = p->families[p->n_families++];
	fprintf(p->out, "# HELP %s ", name);
	sgw_prom_put_help(p->out, help);
	fprintf(p->out, "\n# TYPE %s %s\n", name, type == SGW_PROM_COUNTER ? "counter" : "gauge");
	return 0;
}

/* name{l1="v1",l2="v2"} and the space before the value. */
static int put_series(struct sgw_prom *p, const struct sgw_prom_label *labels, size_t n)
{
	size_t i;

	if (p->err)
		return p->err;
	if (!p->family)
		return prom_fail(p, -EINVAL);
	for (i = 0; i < n; i++)
		if (!valid_label_name(labels[i].name) || !labels[i].value)
			return prom_fail(p, -EINVAL);
	fputs(p->family, p->out);
	for (i = 0; i < n; i++) {
		fprintf(p->out, "%s%s=\"", i ? "," : "{", labels[i].name);
		sgw_prom_put_label_value(p->out, labels[i].value);
		fputc('"', p->out);
	}
	fputs(n ? "} " : " ", p->out);
	return 0;
}

int sgw_prom_u64(struct sgw_prom *p, const struct sgw_prom_label *labels, size_t n,
		 uint64_t value)
{
	if (put_series(p, labels, n))
		return p->err;
	fprintf(p->out, "%" PRIu64 "\n", value);
	return 0;
}

int sgw_prom_double(struct sgw_prom *p, const struct sgw_prom_label *labels, size_t n,
		    double value)
{
	if (put_series(p, labels, n))
		return p->err;
	if (isnan(value))
		fputs("NaN\n", p->out);
	else if (isinf(value))
		fputs(value > 0 ? "+Inf\n" : "-Inf\n", p->out);
	else if (value >= -9007199254740992.0 && value <= 9007199254740992.0 &&
		 value == (double)(long long)value)
		fprintf(p->out, "%lld\n", (long long)value);
	else
		fprintf(p->out, "%.17g\n", value);
	return 0;
}

int sgw_prom_end(struct sgw_prom *p)
{
	size_t i;

	for (i = 0; i < p->n_families; i++)
		free(p->families[i]);
	free(p->families);
	p->families = NULL;
	p->n_families = p->cap_families = 0;
	p->family = NULL;
	if (!p->err && ferror(p->out))
		p->err = -EIO;
	return p->err;
}
