// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl policer: add, set, del, show, reset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "output.h"
#include "netlink/sgwc.h"
#include "base/sgw_units.h"
#include "sgwctl.h"

/* Sources listed by 'show -s', the most dropped first. */
#define SHOW_TOP_SOURCES 10

static void policer_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl policer add NAME vrf VRF dst-list LIST [src-list LIST]\n"
		"                      [chunk { init | all }] rate RATE burst SIZE\n"
		"                      [per-source [max-sources N] [total-rate TOTAL]\n"
		"                      [total-burst TSIZE]]\n"
		"       sgwctl policer set NAME [vrf VRF] [dst-list LIST]\n"
		"                      [src-list LIST | no-src-list] [chunk { init | all }]\n"
		"                      [rate RATE] [burst SIZE] [per-source | no-per-source]\n"
		"                      [max-sources N] [total-rate TOTAL] [total-burst TSIZE]\n"
		"       sgwctl policer del NAME\n"
		"       sgwctl policer show [NAME] [-s]\n"
		"       sgwctl policer reset NAME\n"
		"VRF  := { VRF device name | default }\n"
		"RATE := bits/s with a unit: 64kbit, 10mbit, 1gbit (also bit, tbit, bps, kbps, ...)\n"
		"SIZE := bytes: 1500, 15k, 1m\n"
		"TOTAL := { RATE | auto }    TSIZE := { SIZE | auto }\n"
		"With per-source, RATE and SIZE are each source's; TOTAL and TSIZE those of all\n"
		"sources together (auto: max-sources times RATE and SIZE).\n");
}

/* A parsed add/set command: the request and the words behind each field. */
struct policer_args {
	struct sgwc_policer p;
	const char *text[SGW_POLICER_A_MAX + 1];	/* "rate 0" ... */
	char buf[SGW_POLICER_A_MAX + 1][96];
};

static void note_arg(struct policer_args *pa, uint16_t attr, const char *kw,
		     const char *v)
{
	if (v)
		snprintf(pa->buf[attr], sizeof(pa->buf[attr]), "%s %s", kw, v);
	else
		snprintf(pa->buf[attr], sizeof(pa->buf[attr]), "%s", kw);
	pa->text[attr] = pa->buf[attr];
}

static int check_name(const struct sgwctl *ctl, const char *what, const char *v)
{
	if (!arg_valid_name(v, SGW_NAME_MAX))
		return sgwctl_usage_error(ctl,
					  "invalid %s '%s' (1..%d characters, no blanks or '/')",
					  what, v, SGW_NAME_MAX - 1);
	return SGWCTL_EXIT_OK;
}

/* A string-valued keyword: vrf, dst-list, src-list. */
static int parse_str_kw(const struct sgwctl *ctl, struct args *a,
			struct policer_args *pa, uint16_t attr, const char *kw)
{
	const char *v = args_value(ctl, a, kw);
	int ret;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	ret = check_name(ctl, kw, v);
	if (ret)
		return ret;
	sgwc_policer_set_str(&pa->p, attr, v);
	note_arg(pa, attr, kw, v);
	return SGWCTL_EXIT_OK;
}

/* rate, total-rate (which also takes "auto", sent as 0). */
static int parse_rate_kw(const struct sgwctl *ctl, struct args *a,
			 struct policer_args *pa, uint16_t attr, const char *kw)
{
	const char *v = args_value(ctl, a, kw);
	uint64_t bps = 0;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (!(attr == SGW_POLICER_A_TOTAL_RATE && arg_is(v, "auto")) &&
	    sgw_parse_rate(v, &bps) < 0)
		return sgwctl_usage_error(ctl,
					  "invalid %s '%s': bits/s with a unit, e.g. 64kbit, 10mbit, 1gbit%s",
					  kw, v, attr == SGW_POLICER_A_RATE ? "" : ", or auto");
	sgw_policer_set_u64(&pa->p, attr, bps);
	note_arg(pa, attr, kw, v);
	return SGWCTL_EXIT_OK;
}

/* burst, total-burst (which also takes "auto", sent as 0). */
static int parse_burst_kw(const struct sgwctl *ctl, struct args *a,
			  struct policer_args *pa, uint16_t attr, const char *kw)
{
	const char *v = args_value(ctl, a, kw);
	uint64_t bytes = 0;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (!(attr == SGW_POLICER_A_TOTAL_BURST && arg_is(v, "auto")) &&
	    sgw_parse_size(v, &bytes) < 0)
		return sgwctl_usage_error(ctl, "invalid %s '%s': bytes, e.g. 1500, 15k, 1m%s",
					  kw, v, attr == SGW_POLICER_A_BURST ? "" : ", or auto");
	if (bytes > UINT32_MAX)
		return sgwctl_usage_error(ctl, "%s '%s' too large (at most %u bytes)",
					  kw, v, (unsigned int)SGW_BURST_MAX);
	sgw_policer_set_u64(&pa->p, attr, bytes);
	note_arg(pa, attr, kw, v);
	return SGWCTL_EXIT_OK;
}

static int parse_chunk_kw(const struct sgwctl *ctl, struct args *a,
			  struct policer_args *pa)
{
	const char *v = args_value(ctl, a, "chunk");
	uint32_t mode;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (arg_is(v, "all"))
		mode = SGW_CHUNK_ALL;
	else if (arg_is(v, "init"))
		mode = SGW_CHUNK_INIT;
	else
		return sgwctl_usage_error(ctl, "invalid chunk '%s': 'init' or 'all'", v);
	sgw_policer_set_u64(&pa->p, SGW_POLICER_A_CHUNK, mode);
	note_arg(pa, SGW_POLICER_A_CHUNK, "chunk", v);
	return SGWCTL_EXIT_OK;
}

static int parse_max_sources_kw(const struct sgwctl *ctl, struct args *a,
				struct policer_args *pa)
{
	const char *v = args_value(ctl, a, "max-sources");
	uint32_t n;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (!arg_parse_u32(v, 0, UINT32_MAX, &n))
		return sgwctl_usage_error(ctl, "invalid max-sources '%s': a number of entries", v);
	sgw_policer_set_u64(&pa->p, SGW_POLICER_A_MAX_SOURCES, n);
	note_arg(pa, SGW_POLICER_A_MAX_SOURCES, "max-sources", v);
	return SGWCTL_EXIT_OK;
}

static int set_flag(struct policer_args *pa, uint16_t attr, const char *kw, bool on)
{
	sgw_policer_set_u64(&pa->p, attr, on);
	note_arg(pa, attr, kw, NULL);
	return SGWCTL_EXIT_OK;
}

/* One keyword of add/set; set allows the no-* forms. */
static int parse_keyword(const struct sgwctl *ctl, struct args *a,
			 struct policer_args *pa, const char *kw, bool set)
{
	if (arg_is(kw, "vrf"))
		return parse_str_kw(ctl, a, pa, SGW_POLICER_A_VRF, kw);
	if (arg_is(kw, "dst-list"))
		return parse_str_kw(ctl, a, pa, SGW_POLICER_A_DST_LIST, kw);
	if (arg_is(kw, "src-list"))
		return parse_str_kw(ctl, a, pa, SGW_POLICER_A_SRC_LIST, kw);
	if (arg_is(kw, "chunk"))
		return parse_chunk_kw(ctl, a, pa);
	if (arg_is(kw, "rate"))
		return parse_rate_kw(ctl, a, pa, SGW_POLICER_A_RATE, kw);
	if (arg_is(kw, "burst"))
		return parse_burst_kw(ctl, a, pa, SGW_POLICER_A_BURST, kw);
	if (arg_is(kw, "total-rate"))
		return parse_rate_kw(ctl, a, pa, SGW_POLICER_A_TOTAL_RATE, kw);
	if (arg_is(kw, "total-burst"))
		return parse_burst_kw(ctl, a, pa, SGW_POLICER_A_TOTAL_BURST, kw);
	if (arg_is(kw, "per-source"))
		return set_flag(pa, SGW_POLICER_A_PER_SOURCE, kw, true);
	if (arg_is(kw, "max-sources"))
		return parse_max_sources_kw(ctl, a, pa);
	if (set && arg_is(kw, "no-per-source"))
		return set_flag(pa, SGW_POLICER_A_PER_SOURCE, kw, false);
	if (set && arg_is(kw, "no-src-list")) {
		sgwc_policer_set_str(&pa->p, SGW_POLICER_A_SRC_LIST, "");
		note_arg(pa, SGW_POLICER_A_SRC_LIST, kw, NULL);
		return SGWCTL_EXIT_OK;
	}
	return sgwctl_usage_error(ctl, "policer %s: unknown argument '%s' (try 'sgwctl policer help')",
				  set ? "set" : "add", kw);
}

static int parse_policer_args(const struct sgwctl *ctl, struct args *a,
			      struct policer_args *pa, bool set)
{
	const char *cmd = set ? "set" : "add", *name = args_next(a);
	int ret;

	memset(pa, 0, sizeof(*pa));
	if (!name)
		return sgwctl_usage_error(ctl, "policer %s: missing NAME", cmd);
	ret = check_name(ctl, "policer name", name);
	if (ret)
		return ret;
	sgwc_policer_set_str(&pa->p, SGW_POLICER_A_NAME, name);
	pa->text[SGW_POLICER_A_NAME] = name;
	while (args_more(a)) {
		const char *kw = args_next(a);
		uint64_t before = pa->p.present;

		ret = parse_keyword(ctl, a, pa, kw, set);
		if (ret)
			return ret;
		if (pa->p.present == before)
			return sgwctl_usage_error(ctl, "policer %s: '%s' given twice", cmd, kw);
	}
	return SGWCTL_EXIT_OK;
}

static int check_add_args(const struct sgwctl *ctl, const struct policer_args *pa)
{
	static const struct {
		uint16_t attr;
		const char *kw;
	} required[] = {
		{ SGW_POLICER_A_VRF, "vrf VRF" },
		{ SGW_POLICER_A_DST_LIST, "dst-list LIST" },
		{ SGW_POLICER_A_RATE, "rate RATE" },
		{ SGW_POLICER_A_BURST, "burst SIZE" },
	}, per_source[] = {
		{ SGW_POLICER_A_MAX_SOURCES, "max-sources" },
		{ SGW_POLICER_A_TOTAL_RATE, "total-rate" },
		{ SGW_POLICER_A_TOTAL_BURST, "total-burst" },
	};
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(pa->p.present & SGWC_ATTR_BIT(required[i].attr)))
			return sgwctl_usage_error(ctl, "policer add: missing '%s'", required[i].kw);
	for (i = 0; i < sizeof(per_source) / sizeof(per_source[0]); i++)
		if ((pa->p.present & SGWC_ATTR_BIT(per_source[i].attr)) && !pa->p.per_source)
			return sgwctl_usage_error(ctl, "policer add: '%s' needs 'per-source'",
						  per_source[i].kw);
	return SGWCTL_EXIT_OK;
}

static const char *policer_fault(const struct nlconn_err *err,
				 const struct policer_args *pa)
{
	uint16_t t;

	if (err->depth > 0)
		t = err->path[0].type;
	else if (err->missing)
		t = err->missing_type;
	else
		return NULL;
	return t <= SGW_POLICER_A_MAX ? pa->text[t] : NULL;
}

static int policer_change(struct sgwctl *ctl, struct args *a, bool set)
{
	struct policer_args *pa = malloc(sizeof(*pa));
	struct nlconn_err err;
	struct genl *h;
	int ret;

	if (!pa) {
		sgwctl_error(ctl, "out of memory");
		return SGWCTL_EXIT_FAIL;
	}
	ret = parse_policer_args(ctl, a, pa, set);
	if (!ret && !set)
		ret = check_add_args(ctl, pa);
	if (!ret && set && pa->p.present == SGWC_ATTR_BIT(SGW_POLICER_A_NAME))
		ret = sgwctl_usage_error(ctl, "policer set: nothing to change");
	if (ret)
		goto out;
	h = sgwctl_genl(ctl);
	if (!h) {
		ret = SGWCTL_EXIT_FAIL;
		goto out;
	}
	ret = set ? sgwc_policer_change(h, &pa->p, &err) : sgwc_policer_new(h, &pa->p, &err);
	if (ret < 0)
		ret = sgwctl_request_error(ctl, set ? "policer set" : "policer add", &err,
					   policer_fault(&err, pa));
out:
	free(pa);
	return ret;
}

/* del NAME, reset NAME */
static int policer_named(struct sgwctl *ctl, struct args *a, const char *cmd,
			 int (*fn)(struct genl *, const char *, struct nlconn_err *))
{
	const char *name = args_next(a);
	struct nlconn_err err;
	struct genl *h;
	char what[32];
	int ret;

	if (!name)
		return sgwctl_usage_error(ctl, "policer %s: missing NAME", cmd);
	ret = check_name(ctl, "policer name", name);
	if (ret)
		return ret;
	if (args_more(a))
		return sgwctl_usage_error(ctl, "policer %s: unexpected '%s'", cmd, args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	if (fn(h, name, &err) < 0) {
		snprintf(what, sizeof(what), "policer %s", cmd);
		return sgwctl_request_error(ctl, what, &err, err.depth ? name : NULL);
	}
	return SGWCTL_EXIT_OK;
}

/* ---- show ---------------------------------------------------------------- */

void print_policer_config(const struct sgwc_policer *p)
{
	print_string(PRINT_ANY, "name", "policer", p->name);
	print_string(PRINT_ANY, "vrf", "vrf", p->vrf);
	print_string(PRINT_ANY, "dst_list", "dst-list", p->dst_list);
	if (p->src_list[0])
		print_string(PRINT_ANY, "src_list", "src-list", p->src_list);
	else
		print_string(PRINT_JSON, "src_list", NULL, NULL);
	print_string(PRINT_ANY, "chunk", "chunk", sgwc_chunk_mode_name(p->chunk));
	print_rate(PRINT_ANY, "rate", "rate", p->rate);
	print_size(PRINT_ANY, "burst", "burst", p->burst);
	print_bool(PRINT_ANY, "per_source", "per-source", p->per_source);
	if (p->per_source) {
		print_u64(PRINT_ANY, "max_sources", "max-sources", p->max_sources);
		print_rate(PRINT_ANY, "total_rate", "total-rate", p->total_rate);
		print_size(PRINT_ANY, "total_burst", "total-burst", p->total_burst);
		print_bool(PRINT_JSON, "total_rate_auto", NULL,
			   p->total_auto & SGW_TOTAL_AUTO_RATE);
		print_bool(PRINT_JSON, "total_burst_auto", NULL,
			   p->total_auto & SGW_TOTAL_AUTO_BURST);
	} else {
		print_u64(PRINT_JSON, "max_sources", NULL, p->max_sources);
		print_string(PRINT_JSON, "total_rate", NULL, NULL);
		print_string(PRINT_JSON, "total_burst", NULL, NULL);
		print_string(PRINT_JSON, "total_rate_auto", NULL, NULL);
		print_string(PRINT_JSON, "total_burst_auto", NULL, NULL);
	}
}

static void print_policer_counters(const struct sgwc_policer *p)
{
	const struct sgwc_policer_stats *s = &p->stats;

	print_nl(4);
	print_label("packets:");
	print_u64(PRINT_ANY, "matched_packets", "matched", s->matched_packets);
	print_u64(PRINT_ANY, "passed_packets", "passed", s->passed_packets);
	print_u64(PRINT_ANY, "dropped_packets", "dropped", s->dropped_packets);
	print_nl(4);
	print_label("bytes:");
	print_u64(PRINT_ANY, "matched_bytes", "matched", s->matched_bytes);
	print_u64(PRINT_ANY, "passed_bytes", "passed", s->passed_bytes);
	print_u64(PRINT_ANY, "dropped_bytes", "dropped", s->dropped_bytes);
}

struct sources {
	struct sgwc_source *v;
	size_t n, cap;
};

static int collect_source(const struct sgwc_source *s, void *data)
{
	struct sources *src = data;

	if (src->n == src->cap) {
		size_t cap = src->cap ? src->cap * 2 : 64;
		struct sgwc_source *v = realloc(src->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		src->v = v;
		src->cap = cap;
	}
	src->v[src->n++] = *s;
	return 0;
}

static int by_drops(const void *a, const void *b)
{
	const struct sgwc_source *x = a, *y = b;

	if (x->dropped_packets != y->dropped_packets)
		return x->dropped_packets < y->dropped_packets ? 1 : -1;
	if (x->passed_packets != y->passed_packets)
		return x->passed_packets < y->passed_packets ? 1 : -1;
	return memcmp(x->addr.addr, y->addr.addr, sizeof(x->addr.addr));
}

static void print_source(const struct sgwc_source *s)
{
	char addr[SGW_PREFIX_STRLEN];

	sgw_prefix_format(&s->addr, addr, sizeof(addr));
	*strchr(addr, '/') = '\0';	/* a host: no length */
	print_nl(8);
	open_json_object(NULL);
	print_string(PRINT_ANY, "addr", "source", addr);
	print_u64(PRINT_ANY, "passed_packets", "passed", s->passed_packets);
	print_u64(PRINT_JSON, "passed_bytes", NULL, s->passed_bytes);
	print_u64(PRINT_ANY, "dropped_packets", "dropped", s->dropped_packets);
	print_u64(PRINT_JSON, "dropped_bytes", NULL, s->dropped_bytes);
	print_u64(PRINT_ANY, "idle_ms", "idle-ms", s->idle_ms);
	close_json_object();
}

static int print_policer_sources(struct sgwctl *ctl, const struct sgwc_policer *p)
{
	struct sources src = { 0 };
	struct nlconn_err err;
	size_t i;
	int ret;

	print_nl(4);
	print_u64(PRINT_ANY, "sources_count", "sources", p->sources_count);
	print_u64(PRINT_ANY, "sources_evicted", "evicted", p->stats.sources_evicted);
	print_u64(PRINT_ANY, "sources_reclaimed", "reclaimed", p->stats.sources_reclaimed);
	ret = sgwc_policer_sources_dump(ctl->genl, p->name, collect_source, &src, &err);
	if (ret < 0) {
		free(src.v);
		return sgwctl_request_error(ctl, "policer show", &err, NULL);
	}
	qsort(src.v, src.n, sizeof(*src.v), by_drops);
	open_json_array("sources");
	for (i = 0; i < src.n && i < SHOW_TOP_SOURCES; i++)
		print_source(&src.v[i]);
	close_json_array();
	free(src.v);
	return SGWCTL_EXIT_OK;
}

struct show_ctx {
	struct sgwctl *ctl;
	struct sgwc_policer *v;
	size_t n, cap;
};

static int collect_policer(const struct sgwc_policer *p, void *data)
{
	struct show_ctx *ctx = data;

	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 16;
		struct sgwc_policer *v = realloc(ctx->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ctx->v = v;
		ctx->cap = cap;
	}
	ctx->v[ctx->n++] = *p;
	return 0;
}

static int print_policer(struct sgwctl *ctl, const struct sgwc_policer *p)
{
	int ret = SGWCTL_EXIT_OK;

	open_json_object(NULL);
	print_policer_config(p);
	print_policer_counters(p);
	if (ctl->stats)
		ret = print_policer_sources(ctl, p);
	close_json_object();
	print_nl(0);
	return ret;
}

static int policer_show(struct sgwctl *ctl, struct args *a)
{
	struct show_ctx ctx = { .ctl = ctl };
	const char *name = NULL;
	struct nlconn_err err;
	struct genl *h;
	int ret = 0;
	size_t i;

	while (args_more(a)) {
		const char *w = args_next(a);

		if (arg_is(w, "-s") || arg_is(w, "-stats") || arg_is(w, "-statistics"))
			ctl->stats = true;
		else if (!name && !check_name(ctl, "policer name", w))
			name = w;
		else
			return name ? sgwctl_usage_error(ctl, "policer show: unexpected '%s'", w) :
				      SGWCTL_EXIT_USAGE;
	}
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	/* Collect first: sources are fetched per policer on the same socket. */
	if (name) {
		struct sgwc_policer p;

		ret = sgwc_policer_get(h, name, &p, &err);
		if (ret == 0)
			ret = collect_policer(&p, &ctx);
	} else {
		ret = sgwc_policer_dump(h, collect_policer, &ctx, &err);
	}
	if (ret < 0) {
		free(ctx.v);
		return sgwctl_request_error(ctl, "policer show", &err, err.depth ? name : NULL);
	}
	output_begin_array();
	for (i = 0; i < ctx.n && ret == 0; i++)
		ret = print_policer(ctl, &ctx.v[i]);
	if (ret)
		output_discard();
	else
		output_end();
	free(ctx.v);
	return ret;
}

static int policer_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { argc, argv, 0 };
	const char *cmd = args_next(&a);

	if (!cmd || arg_is(cmd, "show") || arg_is(cmd, "list"))
		return policer_show(ctl, &a);
	if (arg_is(cmd, "add"))
		return policer_change(ctl, &a, false);
	if (arg_is(cmd, "set") || arg_is(cmd, "change"))
		return policer_change(ctl, &a, true);
	if (arg_is(cmd, "del") || arg_is(cmd, "delete"))
		return policer_named(ctl, &a, "del", sgwc_policer_del);
	if (arg_is(cmd, "reset"))
		return policer_named(ctl, &a, "reset", sgwc_policer_reset);
	return sgwctl_usage_error(ctl, "policer: unknown command '%s' (try 'sgwctl policer help')",
				  cmd);
}

const struct sgwctl_object sgwctl_policer = {
	.name = "policer",
	.summary = "per-VRF SCTP policers towards prefix lists",
	.run = policer_run,
	.usage = policer_usage,
};
