// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl: configure and watch the sgw module.
 *
 *   sgwctl [-j] [-p] [-s] [-n NETNS] [-b FILE] OBJECT COMMAND [ARGS]
 *
 * Global options, the table of objects, batch files, error reporting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "netlink/sgwc.h"
#include "base/sgw_netns.h"
#include "sgwctl.h"

#ifndef SGW_VERSION
#define SGW_VERSION "unknown"
#endif

/* Objects of the command line; later ones plug in here. */
static const struct sgwctl_object *const objects[] = {
	&sgwctl_prefix_list,
	&sgwctl_policer,
	&sgwctl_monitor,
	&sgwctl_ike,
	&sgwctl_metrics,
	&sgwctl_anycast,
	&sgwctl_engine,
};

#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: sgwctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"       sgwctl [OPTIONS] -b FILE\n"
		"       sgwctl OBJECT help\n"
		"OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |\n"
		"             -b[atch] FILE | -V[ersion] | -h[elp] }\n"
		"OBJECT :=\n");
	for (i = 0; i < N_OBJECTS; i++)
		fprintf(f, "    %-12s %s\n", objects[i]->name, objects[i]->summary);
}

static void vreport(const struct sgwctl *ctl, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (ctl && ctl->batch_file)
		fprintf(stderr, "%s:%lu: ", ctl->batch_file, ctl->batch_line);
	fputs("Error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sgwctl_error(const struct sgwctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctl, fmt, ap);
	va_end(ap);
}

int sgwctl_usage_error(const struct sgwctl *ctl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctl, fmt, ap);
	va_end(ap);
	return SGWCTL_EXIT_USAGE;
}

int sgwctl_request_error(const struct sgwctl *ctl, const char *what,
			 const struct nlconn_err *err, const char *at_fault)
{
	const char *msg = err->msg[0] ? err->msg : strerror(-err->code);
	char range[96] = "";

	if (err->has_range)
		snprintf(range, sizeof(range), " (allowed: %lld..%lld)",
			 (long long)err->range_min, (long long)err->range_max);
	if (at_fault)
		sgwctl_error(ctl, "%s: %s%s (argument '%s')", what, msg, range, at_fault);
	else
		sgwctl_error(ctl, "%s: %s%s", what, msg, range);
	return SGWCTL_EXIT_FAIL;
}

struct genl *sgwctl_genl(struct sgwctl *ctl)
{
	struct nlconn_err err;

	if (ctl->genl)
		return ctl->genl;
	ctl->genl = sgwc_open(&err);
	if (!ctl->genl)
		sgwctl_error(ctl, "%s", err.msg);
	return ctl->genl;
}

static const struct sgwctl_object *find_object(const char *name)
{
	size_t i;

	for (i = 0; i < N_OBJECTS; i++)
		if (!strcmp(objects[i]->name, name))
			return objects[i];
	return NULL;
}

/* One command: OBJECT COMMAND [ARGS]. */
static int run_command(struct sgwctl *ctl, int argc, char **argv)
{
	const struct sgwctl_object *obj;

	if (argc < 1)
		return sgwctl_usage_error(ctl, "missing OBJECT (try 'sgwctl help')");
	if (arg_is_help(argv[0])) {
		usage(stdout);
		return SGWCTL_EXIT_OK;
	}
	obj = find_object(argv[0]);
	if (!obj)
		return sgwctl_usage_error(ctl, "unknown object '%s' (try 'sgwctl help')",
					  argv[0]);
	if (argc > 1 && arg_is_help(argv[1])) {
		obj->usage(stdout);
		return SGWCTL_EXIT_OK;
	}
	return obj->run(ctl, argc - 1, argv + 1);
}

/* Run the commands of a file, one per line; stop at the first failure. */
static int run_batch(struct sgwctl *ctl, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char *line = NULL, **argv = NULL;
	size_t linecap = 0;
	int cap = 0, ret = SGWCTL_EXIT_OK;

	if (!f) {
		sgwctl_error(NULL, "cannot open batch file '%s': %s", file, strerror(errno));
		return SGWCTL_EXIT_USAGE;
	}
	ctl->batch_file = file;
	ctl->batch_line = 0;
	while (getline(&line, &linecap, f) >= 0) {
		int argc;

		ctl->batch_line++;
		argc = args_split_line(line, &argv, &cap);
		if (argc < 0) {
			ret = sgwctl_usage_error(ctl, "unterminated quote");
			break;
		}
		if (argc == 0)
			continue;
		ret = run_command(ctl, argc, argv);
		if (ret != SGWCTL_EXIT_OK)
			break;
	}
	free(argv);
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int print_version(void)
{
	struct nlconn_err err;
	struct genl *h = sgwc_open(&err);
	struct sgwc_info info;

	printf("sgwctl %s", SGW_VERSION);
	if (h && sgwc_info_get(h, &info, &err) == 0 && info.version[0])
		printf(", module %s", info.version);
	putchar('\n');
	genl_close(h);
	return SGWCTL_EXIT_OK;
}

static bool opt_is(const char *arg, const char *shortopt, const char *longopt)
{
	/* "-j", "-json", "--json" */
	return !strcmp(arg, shortopt) || !strcmp(arg, longopt) ||
	       (arg[0] == '-' && !strcmp(arg + 1, longopt));
}

int main(int argc, char **argv)
{
	struct sgwctl ctl = { 0 };
	const char *netns = NULL, *batch = NULL;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (opt_is(a, "-j", "-json"))
			ctl.json = true;
		else if (opt_is(a, "-p", "-pretty"))
			ctl.pretty = true;
		else if (opt_is(a, "-s", "-statistics") || opt_is(a, "-s", "-stats"))
			ctl.stats = true;
		else if (opt_is(a, "-V", "-version"))
			return print_version();
		else if (opt_is(a, "-h", "-help")) {
			usage(stdout);
			return SGWCTL_EXIT_OK;
		} else if (opt_is(a, "-n", "-netns") || opt_is(a, "-b", "-batch")) {
			if (i + 1 == argc)
				return sgwctl_usage_error(NULL, "option '%s' needs an argument", a);
			if (a[strspn(a, "-")] == 'n')
				netns = argv[++i];
			else
				batch = argv[++i];
		} else {
			return sgwctl_usage_error(NULL, "unknown option '%s' (try 'sgwctl help')", a);
		}
	}
	output_init(ctl.json, ctl.pretty);
	if (netns) {
		ret = sgw_netns_enter(netns);
		if (ret < 0)
			return sgwctl_usage_error(NULL, "cannot enter network namespace '%s': %s",
						  netns, ret == -EINVAL ? "not a namespace name" :
						  strerror(-ret));
	}
	if (batch) {
		if (i < argc)
			return sgwctl_usage_error(NULL, "no command allowed with -b");
		ret = run_batch(&ctl, batch);
	} else {
		if (i == argc) {
			usage(stderr);
			return SGWCTL_EXIT_USAGE;
		}
		ret = run_command(&ctl, argc - i, argv + i);
	}
	genl_close(ctl.genl);
	return ret;
}
