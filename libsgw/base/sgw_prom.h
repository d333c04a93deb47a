/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_prom: Prometheus' text exposition format (version 0.0.4), the one
 * node_exporter's textfile collector reads, written to a stdio stream.
 *
 * A metric family is declared once, with its HELP and TYPE lines
 * (sgw_prom_family()), and its samples follow it at once: the format wants
 * every sample of a family in one group. Label values are escaped (\\, \",
 * \n) and made valid UTF-8 (a malformed byte becomes U+FFFD); HELP text is
 * escaped (\\, \n). Mistakes of the caller are refused, not written: a
 * metric name outside [a-zA-Z_:][a-zA-Z0-9_:]*, a label name outside
 * [a-zA-Z_][a-zA-Z0-9_]* or starting with "__", a counter whose name does
 * not end in "_total" (or a gauge whose name does), a family declared
 * twice, a sample before any family. The first error sticks: later calls
 * write nothing and return it, and sgw_prom_end() reports it. No sample
 * carries a timestamp (the textfile collector refuses them).
 */
#ifndef SGW_PROM_H
#define SGW_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sgw_prom_type {
	SGW_PROM_COUNTER,	/* only goes up (a restart starts it again at 0) */
	SGW_PROM_GAUGE,		/* goes up and down */
};

struct sgw_prom_label {
	const char *name;
	const char *value;
};

struct sgw_prom {
	FILE *out;
	int err;			/* 0, or the first -errno */
	char **families;		/* the names declared so far */
	size_t n_families, cap_families;
	const char *family;		/* the one whose samples may follow */
};

void sgw_prom_init(struct sgw_prom *p, FILE *out);
/* "# HELP name help" and "# TYPE name type"; -EINVAL for a bad or repeated
 * name, -ENOMEM. */
int sgw_prom_family(struct sgw_prom *p, const char *name, enum sgw_prom_type type,
		    const char *help);
/* A sample of the current family: name{labels} value. -EINVAL for a bad
 * label name or no family. */
int sgw_prom_u64(struct sgw_prom *p, const struct sgw_prom_label *labels, size_t n,
		 uint64_t value);
/* The same for a real value (integers up to 2^53 print without a point;
 * NaN, +Inf, -Inf as the format spells them). */
int sgw_prom_double(struct sgw_prom *p, const struct sgw_prom_label *labels, size_t n,
		    double value);
/* Release the list of names; 0 or the first error (a write error of the
 * stream included). The stream stays open. */
int sgw_prom_end(struct sgw_prom *p);

/* Escapers, also for tests: write s escaped as a label value / as HELP. */
void sgw_prom_put_label_value(FILE *out, const char *s);
void sgw_prom_put_help(FILE *out, const char *s);

#endif
