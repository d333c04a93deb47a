// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl prefix-list: add, del, show.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "netlink/sgwc.h"
#include "sgwctl.h"

static void prefix_list_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl prefix-list add NAME [PREFIX...]\n"
		"       sgwctl prefix-list del NAME [PREFIX...]\n"
		"       sgwctl prefix-list show [NAME]\n"
		"PREFIX := { IPV4ADDR[/LEN] | IPV6ADDR[/LEN] }\n"
		"add creates the list if needed and adds the prefixes, all or none;\n"
		"del without prefixes deletes the list.\n");
}

/* The prefixes of the command line, and where each came from. */
struct prefix_args {
	struct sgw_prefix *prefixes;
	char **text;
	size_t n;
};

static int parse_prefixes(const struct sgwctl *ctl, struct args *a,
			  struct prefix_args *pa)
{
	pa->n = 0;
	pa->text = a->argv + a->pos;
	pa->prefixes = calloc((size_t)(a->argc - a->pos) + 1, sizeof(*pa->prefixes));
	if (!pa->prefixes) {
		sgwctl_error(ctl, "out of memory");
		return SGWCTL_EXIT_FAIL;
	}
	while (args_more(a)) {
		const char *s = args_next(a), *why;
		if (sgw_prefix_parse(s, SGW_PREFIX_EXACT, &pa->prefixes[pa->n++], &why) < 0)
			return sgwctl_usage_error(ctl, "invalid prefix '%s': %s", s, why);
	}
	return SGWCTL_EXIT_OK;
}

/* The argument a rejected attribute came from. */
static const char *plist_fault(const struct nlconn_err *err,
			       const struct prefix_args *pa, const char *name)
{
	if (err->depth == 0)
		return NULL;
	switch (err->path[0].type) {
	case SGW_PLIST_A_NAME:
		return name;
	case SGW_PLIST_A_PREFIX:
		if (err->path[0].index < pa->n)
			return pa->text[err->path[0].index];
		break;
	}
	return NULL;
}

static int plist_name(const struct sgwctl *ctl, struct args *a, const char *cmd,
		      const char **name)
{
	*name = args_next(a);
	if (!*name)
		return sgwctl_usage_error(ctl, "prefix-list %s: missing NAME", cmd);
	if (!arg_valid_name(*name, SGW_NAME_MAX))
		return sgwctl_usage_error(ctl,
					  "invalid prefix list name '%s' (1..%d characters, no blanks or '/')",
					  *name, SGW_NAME_MAX - 1);
	return SGWCTL_EXIT_OK;
}

static int plist_change(struct sgwctl *ctl, struct args *a, bool add)
{
	const char *cmd = add ? "add" : "del", *name;
	struct prefix_args pa = { 0 };
	struct nlconn_err err;
	struct genl *h;
	char what[64];
	int ret;

	ret = plist_name(ctl, a, cmd, &name);
	if (ret)
		return ret;
	ret = parse_prefixes(ctl, a, &pa);
	if (ret)
		goto out;
	h = sgwctl_genl(ctl);
	if (!h) {
		ret = SGWCTL_EXIT_FAIL;
		goto out;
	}
	if (add)
		ret = sgwc_plist_add(h, name, pa.prefixes, pa.n, &err);
	else
		ret = sgwc_plist_del(h, name, pa.prefixes, pa.n, &err);
	if (ret < 0) {
		snprintf(what, sizeof(what), "prefix-list %s", cmd);
		ret = sgwctl_request_error(ctl, what, &err, plist_fault(&err, &pa, name));
	}
out:
	free(pa.prefixes);
	return ret;
}

void print_plist_summary(const struct sgwc_plist *l)
{
	print_string(PRINT_ANY, "name", "prefix-list", l->name);
	print_u64(PRINT_ANY, "count", "count", l->count);
	print_u64(PRINT_ANY, "users", "users", l->users);
}

/* Slices of the same list arrive one after the other: merge them. */
struct show_ctx {
	char current[SGW_NAME_MAX];
	bool open;
	unsigned long lists;
};

static void close_list(struct show_ctx *ctx)
{
	if (!ctx->open)
		return;
	close_json_array();
	close_json_object();
	print_nl(0);
	ctx->open = false;
}

static int show_slice(const struct sgwc_plist *l, void *data)
{
	struct show_ctx *ctx = data;
	char buf[SGW_PREFIX_STRLEN];
	size_t i;

	if (!ctx->open || strcmp(ctx->current, l->name)) {
		close_list(ctx);
		snprintf(ctx->current, sizeof(ctx->current), "%s", l->name);
		ctx->open = true;
		ctx->lists++;
		open_json_object(NULL);
		print_plist_summary(l);
		open_json_array("prefixes");
	}
	for (i = 0; i < l->nprefixes; i++) {
		sgw_prefix_format(&l->prefixes[i], buf, sizeof(buf));
		print_nl(4);
		print_string(PRINT_ANY, NULL, NULL, buf);
	}
	return 0;
}

static int plist_show(struct sgwctl *ctl, struct args *a)
{
	struct show_ctx ctx = { .open = false };
	const char *name = NULL;
	struct nlconn_err err;
	struct sgwc_plist l;
	struct genl *h;
	int ret;

	if (args_more(a)) {
		ret = plist_name(ctl, a, "show", &name);
		if (ret)
			return ret;
		if (args_more(a))
			return sgwctl_usage_error(ctl, "prefix-list show: unexpected '%s'",
						  args_peek(a));
	}
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	output_begin_array();
	ret = sgwc_plist_dump(h, name, show_slice, &ctx, &err);
	close_list(&ctx);
	if (ret == 0 && name && !ctx.lists) {
		/* Nothing dumped: let the kernel say why (unknown list). */
		ret = sgwc_plist_get(h, name, &l, &err);
	}
	if (ret < 0) {
		output_discard();
		return sgwctl_request_error(ctl, "prefix-list show", &err,
					    err.depth ? name : NULL);
	}
	output_end();
	return SGWCTL_EXIT_OK;
}

static int prefix_list_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { argc, argv, 0 };
	const char *cmd = args_next(&a);

	if (!cmd || arg_is(cmd, "show") || arg_is(cmd, "list"))
		return plist_show(ctl, &a);
	if (arg_is(cmd, "add"))
		return plist_change(ctl, &a, true);
	if (arg_is(cmd, "del") || arg_is(cmd, "delete"))
		return plist_change(ctl, &a, false);
	return sgwctl_usage_error(ctl, "prefix-list: unknown command '%s' (try 'sgwctl prefix-list help')",
				  cmd);
}

const struct sgwctl_object sgwctl_prefix_list = {
	.name = "prefix-list",
	.summary = "named lists of IPv4/IPv6 prefixes (policer destinations, sources)",
	.run = prefix_list_run,
	.usage = prefix_list_usage,
};
