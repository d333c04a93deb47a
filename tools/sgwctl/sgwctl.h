/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgwctl: shared state of a run, the table of objects, error reporting.
 *
 * Every OBJECT of the command line ("prefix-list", "policer", "monitor",
 * later "ike", "anycast", "engine") is one struct sgwctl_object in the
 * table of main.c; its run() gets the words after the object name.
 */
#ifndef SGWCTL_H
#define SGWCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "netlink/genl.h"

/* Exit status: 0 success, 1 bad command line, 2 the operation failed. */
#define SGWCTL_EXIT_OK 0
#define SGWCTL_EXIT_USAGE 1
#define SGWCTL_EXIT_FAIL 2

struct sgwctl {
	bool json;
	bool pretty;
	bool stats;			/* -s: statistics in show */
	const char *batch_file;		/* -b FILE, for error locations */
	unsigned long batch_line;
	struct genl *genl;		/* opened at first use */
};

struct sgwctl_object {
	const char *name;
	const char *summary;		/* one line for 'sgwctl help' */
	int (*run)(struct sgwctl *ctl, int argc, char **argv);
	void (*usage)(FILE *f);
};

extern const struct sgwctl_object sgwctl_prefix_list;
extern const struct sgwctl_object sgwctl_policer;
extern const struct sgwctl_object sgwctl_monitor;
extern const struct sgwctl_object sgwctl_ike;
extern const struct sgwctl_object sgwctl_metrics;
extern const struct sgwctl_object sgwctl_anycast;
extern const struct sgwctl_object sgwctl_engine;

/* "Error: ..." on stderr, prefixed with FILE:LINE in batch mode. */
void sgwctl_error(const struct sgwctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sgwctl_error() and return SGWCTL_EXIT_USAGE. */
int sgwctl_usage_error(const struct sgwctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Report a failed request: the kernel's message verbatim, and the
 * argument it is about (at_fault, may be NULL: e.g. "rate 0").
 * Returns SGWCTL_EXIT_FAIL.
 */
int sgwctl_request_error(const struct sgwctl *ctl, const char *what,
			 const struct nlconn_err *err, const char *at_fault);

/* The sgw family on a socket opened at first use; NULL after an error
 * was reported. */
struct genl *sgwctl_genl(struct sgwctl *ctl);

/* Shared by show and monitor: the fields of an object, in the current
 * line / JSON object. */
struct sgwc_policer;
struct sgwc_plist;
struct sgwc_anycast;
struct sgwc_engine;
struct sgwc_engine_sa;
void print_policer_config(const struct sgwc_policer *p);
void print_plist_summary(const struct sgwc_plist *l);
void print_anycast_event(const struct sgwc_anycast *g);
void print_engine_event(const struct sgwc_engine *e);
void print_engine_sa(const struct sgwc_engine_sa *sa);

#endif
