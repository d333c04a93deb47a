// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl engine: add, set, del, show, bind, sa show.
 *
 * An engine is a set of CPUs doing the ESP crypto of the SAs placed on it
 * (Documentation/engines.md). The CPU list is checked for its syntax here
 * and for CPUs that exist, or belong to another engine, by the module.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "netlink/sgwc_engine.h"
#include "sgwctl.h"

static void engine_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl engine add NAME cpus CPULIST [standby]\n"
		"       sgwctl engine set NAME [cpus CPULIST] [up | down] [standby | active]\n"
		"       sgwctl engine del NAME\n"
		"       sgwctl engine show [NAME] [-s]\n"
		"       sgwctl engine bind if_id N { engine NAME | auto }\n"
		"       sgwctl engine sa show [engine NAME]\n"
		"CPULIST := CPU numbers and ranges: 2, 2-3, 0-1,4\n");
}

/* A parsed add/set command, and the words behind each field. */
struct engine_args {
	struct sgwc_engine e;
	char text[SGW_ENGINE_A_MAX + 1][96];
	bool set;
};

static const char *cmd_name(const struct engine_args *ea)
{
	return ea->set ? "set" : "add";
}

static int check_name(const struct sgwctl *ctl, const char *v)
{
	if (!arg_valid_name(v, SGW_NAME_MAX))
		return sgwctl_usage_error(ctl,
					  "invalid engine name '%s' (1..%d characters, no blanks or '/')",
					  v, SGW_NAME_MAX - 1);
	return SGWCTL_EXIT_OK;
}

/* Digits, ranges and commas: "0-1,4". Which CPUs exist is the module's. */
static bool cpulist_syntax_ok(const char *s)
{
	bool digit = false;

	if (!*s || strlen(s) >= SGW_ENGINE_CPUS_MAX)
		return false;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			digit = true;
		} else if ((*s == ',' || *s == '-') && digit) {
			digit = false;
		} else {
			return false;
		}
	}
	return digit;
}

static void note(struct engine_args *ea, uint16_t attr, const char *kw, const char *v)
{
	snprintf(ea->text[attr], sizeof(ea->text[attr]), "%s%s%s", kw,
		 v ? " " : "", v ? v : "");
	sgwc_engine_set(&ea->e, attr);
}

static int parse_keyword(const struct sgwctl *ctl, struct args *a,
			 struct engine_args *ea, const char *kw)
{
	uint16_t attr;
	const char *v;

	if (arg_is(kw, "cpus")) {
		v = args_value(ctl, a, "cpus");
		if (!v)
			return SGWCTL_EXIT_USAGE;
		if (!cpulist_syntax_ok(v))
			return sgwctl_usage_error(ctl, "invalid cpus '%s' (e.g. 2, 2-3, 0-1,4)", v);
		attr = SGW_ENGINE_A_CPUS;
		if (ea->e.present & SGWC_ATTR_BIT(attr))
			goto twice;
		snprintf(ea->e.cpus, sizeof(ea->e.cpus), "%s", v);
		note(ea, attr, "cpus", v);
		return SGWCTL_EXIT_OK;
	}
	if (arg_is(kw, "standby") || (ea->set && arg_is(kw, "active"))) {
		attr = SGW_ENGINE_A_STANDBY;
		if (ea->e.present & SGWC_ATTR_BIT(attr))
			goto twice;
		ea->e.standby = arg_is(kw, "standby");
		note(ea, attr, kw, NULL);
		return SGWCTL_EXIT_OK;
	}
	if (ea->set && (arg_is(kw, "up") || arg_is(kw, "down"))) {
		attr = SGW_ENGINE_A_ADMIN_UP;
		if (ea->e.present & SGWC_ATTR_BIT(attr))
			goto twice;
		ea->e.admin_up = arg_is(kw, "up");
		note(ea, attr, kw, NULL);
		return SGWCTL_EXIT_OK;
	}
	return sgwctl_usage_error(ctl, "engine %s: unknown keyword '%s' (try 'sgwctl engine help')",
				  cmd_name(ea), kw);
twice:
	return sgwctl_usage_error(ctl, "engine %s: '%s' given twice (or with its opposite)",
				  cmd_name(ea), kw);
}

static int parse_args(const struct sgwctl *ctl, struct args *a, struct engine_args *ea)
{
	const char *name = args_next(a);
	int ret;

	if (!name)
		return sgwctl_usage_error(ctl, "engine %s: missing NAME", cmd_name(ea));
	ret = check_name(ctl, name);
	if (ret)
		return ret;
	snprintf(ea->e.name, sizeof(ea->e.name), "%s", name);
	while (args_more(a)) {
		ret = parse_keyword(ctl, a, ea, args_next(a));
		if (ret)
			return ret;
	}
	if (!ea->set && !(ea->e.present & SGWC_ATTR_BIT(SGW_ENGINE_A_CPUS)))
		return sgwctl_usage_error(ctl, "engine add: missing 'cpus CPULIST'");
	if (ea->set && !ea->e.present)
		return sgwctl_usage_error(ctl, "engine set: nothing to change");
	return SGWCTL_EXIT_OK;
}

/* The argument the kernel's error is about, if it said. */
static const char *engine_fault(const struct nlconn_err *err, const struct engine_args *ea)
{
	uint16_t t;

	if (err->depth > 0)
		t = err->path[0].type;
	else if (err->missing)
		t = err->missing_type;
	else
		return NULL;
	if (t == SGW_ENGINE_A_NAME)
		return ea->e.name;
	return t <= SGW_ENGINE_A_MAX && ea->text[t][0] ? ea->text[t] : NULL;
}

static int engine_change(struct sgwctl *ctl, struct args *a, bool set)
{
	struct engine_args *ea = calloc(1, sizeof(*ea));
	struct nlconn_err err;
	struct genl *h;
	int ret;

	if (!ea) {
		sgwctl_error(ctl, "out of memory");
		return SGWCTL_EXIT_FAIL;
	}
	ea->set = set;
	ret = parse_args(ctl, a, ea);
	if (!ret) {
		h = sgwctl_genl(ctl);
		if (!h)
			ret = SGWCTL_EXIT_FAIL;
		else if ((set ? sgwc_engine_change(h, &ea->e, &err) :
				sgwc_engine_new(h, &ea->e, &err)) < 0)
			ret = sgwctl_request_error(ctl, set ? "engine set" : "engine add",
						   &err, engine_fault(&err, ea));
	}
	free(ea);
	return ret;
}

static int engine_del(struct sgwctl *ctl, struct args *a)
{
	const char *name = args_next(a);
	struct nlconn_err err;
	struct genl *h;
	int ret;

	if (!name)
		return sgwctl_usage_error(ctl, "engine del: missing NAME");
	ret = check_name(ctl, name);
	if (ret)
		return ret;
	if (args_more(a))
		return sgwctl_usage_error(ctl, "engine del: unexpected '%s'", args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	if (sgwc_engine_del(h, name, &err) < 0)
		return sgwctl_request_error(ctl, "engine del", &err, err.depth ? name : NULL);
	return SGWCTL_EXIT_OK;
}

/* bind if_id N { engine NAME | auto } */
static int engine_bind(struct sgwctl *ctl, struct args *a)
{
	const char *v, *engine = NULL, *w;
	struct nlconn_err err;
	struct genl *h;
	uint32_t if_id;

	if (!args_more(a) || !arg_is(args_next(a), "if_id"))
		return sgwctl_usage_error(ctl, "engine bind: expected 'if_id N'");
	v = args_value(ctl, a, "if_id");
	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (!arg_parse_u32(v, 1, UINT32_MAX, &if_id))
		return sgwctl_usage_error(ctl, "invalid if_id '%s' (1..4294967295)", v);
	w = args_next(a);
	if (w && arg_is(w, "engine")) {
		engine = args_value(ctl, a, "engine");
		if (!engine)
			return SGWCTL_EXIT_USAGE;
		if (check_name(ctl, engine))
			return SGWCTL_EXIT_USAGE;
	} else if (!w || !arg_is(w, "auto")) {
		return sgwctl_usage_error(ctl, "engine bind: expected 'engine NAME' or 'auto'");
	}
	if (args_more(a))
		return sgwctl_usage_error(ctl, "engine bind: unexpected '%s'", args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	if (sgwc_engine_bind(h, if_id, engine, &err) < 0)
		return sgwctl_request_error(ctl, "engine bind", &err,
					    err.depth && engine ? engine : NULL);
	return SGWCTL_EXIT_OK;
}

/* ---- show ------------------------------------------------------------------ */

static void print_engine_counters(const struct sgwc_engine *e)
{
	print_nl(4);
	print_u64(PRINT_ANY, "packets", "packets", e->packets);
	print_u64(PRINT_ANY, "bytes", "bytes", e->bytes);
	print_u64(PRINT_ANY, "errors", "errors", e->errors);
	print_u64(PRINT_ANY, "drops", "drops", e->drops);
	print_u64(PRINT_ANY, "moved_in", "moved in", e->moved_in);
	print_u64(PRINT_ANY, "moved_out", "moved out", e->moved_out);
}

static void print_engine(const struct sgwctl *ctl, const struct sgwc_engine *e)
{
	size_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "engine", e->name);
	print_string(PRINT_ANY, "cpus", "cpus", e->cpus);
	print_string(PRINT_ANY, "state", "state", sgwc_engine_state_name(e->state));
	print_bool(PRINT_JSON, "standby", NULL, e->standby);
	print_bool(PRINT_JSON, "admin_up", NULL, e->admin_up);
	print_u64(PRINT_ANY, "sas", "sas", e->sas);
	if (e->n_bound)
		print_label("if_ids");
	open_json_array("if_ids");
	for (i = 0; i < e->n_bound; i++)
		print_u64(PRINT_ANY, NULL, NULL, e->bound[i]);
	close_json_array();
	if (ctl->stats)
		print_engine_counters(e);
	close_json_object();
	print_nl(0);
}

static int show_one(const struct sgwc_engine *e, void *data)
{
	print_engine(data, e);
	return 0;
}

static int engine_show(struct sgwctl *ctl, struct args *a)
{
	const char *name = NULL;
	struct nlconn_err err;
	struct sgwc_engine e;
	struct genl *h;
	int ret;

	while (args_more(a)) {
		const char *w = args_next(a);

		if (arg_is(w, "-s") || arg_is(w, "-stats") || arg_is(w, "-statistics"))
			ctl->stats = true;
		else if (!name && !check_name(ctl, w))
			name = w;
		else
			return name ? sgwctl_usage_error(ctl, "engine show: unexpected '%s'", w) :
				      SGWCTL_EXIT_USAGE;
	}
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	output_begin_array();
	if (name) {
		ret = sgwc_engine_get(h, name, &e, &err);
		if (ret == 0)
			print_engine(ctl, &e);
	} else {
		ret = sgwc_engine_dump(h, show_one, ctl, &err);
	}
	if (ret < 0) {
		output_discard();
		return sgwctl_request_error(ctl, "engine show", &err, err.depth ? name : NULL);
	}
	output_end();
	return SGWCTL_EXIT_OK;
}

/* Shared with monitor: an SA as 'sa show' and MOVED events print it. */
void print_engine_sa(const struct sgwc_engine_sa *sa)
{
	char spi[16];

	snprintf(spi, sizeof(spi), "0x%08x", sa->spi);
	print_string(PRINT_ANY, "spi", "sa", spi);
	print_string(PRINT_ANY, "dir", "dir", sgwc_engine_dir_name(sa->dir));
	print_u64(PRINT_ANY, "if_id", "if_id", sa->if_id);
	print_string(PRINT_ANY, "engine", "engine", sa->engine[0] ? sa->engine : "none");
	if (sa->from[0])
		print_string(PRINT_ANY, "from", "from", sa->from);
	if (sa->cpu != UINT32_MAX)
		print_u64(PRINT_ANY, "cpu", "cpu", sa->cpu);
	else
		print_string(PRINT_JSON, "cpu", NULL, NULL);
	print_bool(PRINT_ANY, "pinned", "pinned", sa->pinned);
	print_u64(PRINT_ANY, "packets", "packets", sa->packets);
	print_u64(PRINT_ANY, "bytes", "bytes", sa->bytes);
}

static int sa_one(const struct sgwc_engine_sa *sa, void *data)
{
	(void)data;
	open_json_object(NULL);
	print_engine_sa(sa);
	close_json_object();
	print_nl(0);
	return 0;
}

/* sa show [engine NAME] */
static int engine_sa(struct sgwctl *ctl, struct args *a)
{
	const char *cmd = args_next(a), *engine = NULL;
	struct nlconn_err err;
	struct genl *h;

	if (cmd && !arg_is(cmd, "show") && !arg_is(cmd, "list"))
		return sgwctl_usage_error(ctl, "engine sa: unknown command '%s'", cmd);
	if (args_more(a)) {
		if (!arg_is(args_next(a), "engine"))
			return sgwctl_usage_error(ctl, "engine sa show: expected 'engine NAME'");
		engine = args_value(ctl, a, "engine");
		if (!engine)
			return SGWCTL_EXIT_USAGE;
		if (check_name(ctl, engine))
			return SGWCTL_EXIT_USAGE;
	}
	if (args_more(a))
		return sgwctl_usage_error(ctl, "engine sa show: unexpected '%s'", args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	output_begin_array();
	if (sgwc_engine_sa_dump(h, engine, sa_one, NULL, &err) < 0) {
		output_discard();
		return sgwctl_request_error(ctl, "engine sa show", &err, NULL);
	}
	output_end();
	return SGWCTL_EXIT_OK;
}

/* Shared with monitor: an engine's line in an event. */
void print_engine_event(const struct sgwc_engine *e)
{
	print_string(PRINT_ANY, "name", "engine", e->name);
	print_string(PRINT_ANY, "cpus", "cpus", e->cpus);
	print_string(PRINT_ANY, "state", "state", sgwc_engine_state_name(e->state));
	print_u64(PRINT_ANY, "sas", "sas", e->sas);
}

static int engine_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { argc, argv, 0 };
	const char *cmd = args_next(&a);

	if (!cmd || arg_is(cmd, "show") || arg_is(cmd, "list"))
		return engine_show(ctl, &a);
	if (arg_is(cmd, "add"))
		return engine_change(ctl, &a, false);
	if (arg_is(cmd, "set") || arg_is(cmd, "change"))
		return engine_change(ctl, &a, true);
	if (arg_is(cmd, "del") || arg_is(cmd, "delete"))
		return engine_del(ctl, &a);
	if (arg_is(cmd, "bind"))
		return engine_bind(ctl, &a);
	if (arg_is(cmd, "sa"))
		return engine_sa(ctl, &a);
	return sgwctl_usage_error(ctl, "engine: unknown command '%s' (try 'sgwctl engine help')",
				  cmd);
}

const struct sgwctl_object sgwctl_engine = {
	.name = "engine",
	.summary = "crypto engines: CPUs doing the ESP crypto of the SAs placed on them",
	.run = engine_run,
	.usage = engine_usage,
};
