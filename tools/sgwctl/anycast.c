// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl anycast: add, set, del, show, drain, undrain.
 *
 * The module creates a group's device; sgwctl then puts the group's
 * addresses on it (rtnetlink), and takes them off when set replaces them.
 * An add whose addresses cannot be configured is undone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "args.h"
#include "output.h"
#include "base/sgw_units.h"
#include "netlink/rtnl_addr.h"
#include "netlink/sgwc_anycast.h"
#include "sgwctl.h"

static void anycast_usage(FILE *f)
{
	fprintf(f,
		"Usage: sgwctl anycast add NAME vrf VRF address PREFIX [address PREFIX]...\n"
		"                      [track ikud] [track link DEV]... [heartbeat TIME]\n"
		"                      [hold-down TIME] [no-preempt]\n"
		"       sgwctl anycast set NAME [address PREFIX]... [track ikud | no-track ikud]\n"
		"                      [track link DEV]... [no-track links] [heartbeat TIME]\n"
		"                      [hold-down TIME] [preempt | no-preempt]\n"
		"       sgwctl anycast del NAME\n"
		"       sgwctl anycast show [NAME]\n"
		"       sgwctl anycast drain NAME\n"
		"       sgwctl anycast undrain NAME\n"
		"VRF    := { VRF device name | default }\n"
		"PREFIX := the address and its prefix length: 203.0.113.1/32, 2001:db8::1/128\n"
		"TIME   := a number with a unit: 300ms, 30s (defaults: heartbeat 3s, hold-down 10s)\n");
}

/* A parsed add/set command: the request and the words behind each field. */
struct anycast_args {
	struct sgwc_anycast a;
	char text[SGW_ANYCAST_A_MAX + 1][96];	/* "heartbeat 0ms" ... */
	char addr_text[SGW_ANYCAST_MAX_ADDRS][96];
	char link_text[SGW_ANYCAST_MAX_LINKS][96];
	bool set;
	bool no_links;		/* "no-track links" given */
};

static const char *cmd_name(const struct anycast_args *aa)
{
	return aa->set ? "set" : "add";
}

static void note(struct anycast_args *aa, uint16_t attr, const char *kw,
		 const char *v)
{
	snprintf(aa->text[attr], sizeof(aa->text[attr]), "%s%s%s", kw,
		 v ? " " : "", v ? v : "");
	sgwc_anycast_set(&aa->a, attr);
}

static int check_name(const struct sgwctl *ctl, const char *v)
{
	if (!arg_valid_name(v, SGW_ANYCAST_NAME_MAX) || strchr(v, ':') || strchr(v, '%'))
		return sgwctl_usage_error(ctl,
					  "invalid anycast group name '%s' (1..%d characters, no blanks, '/', ':' or '%%': the device is ac-NAME)",
					  v, SGW_ANYCAST_NAME_MAX - 1);
	return SGWCTL_EXIT_OK;
}

static int parse_vrf(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *v = args_value(ctl, a, "vrf");

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (!arg_valid_name(v, IF_NAMESIZE))
		return sgwctl_usage_error(ctl, "invalid vrf '%s'", v);
	snprintf(aa->a.vrf, sizeof(aa->a.vrf), "%s", v);
	note(aa, SGW_ANYCAST_A_VRF, "vrf", v);
	return SGWCTL_EXIT_OK;
}

static int parse_address(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *v = args_value(ctl, a, "address"), *why;
	struct sgw_prefix p;
	size_t i;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (sgw_prefix_parse(v, SGW_PREFIX_HOST, &p, &why))
		return sgwctl_usage_error(ctl, "invalid address '%s': %s", v, why);
	if (aa->a.n_addrs == SGW_ANYCAST_MAX_ADDRS)
		return sgwctl_usage_error(ctl, "anycast %s: at most %d addresses",
					  cmd_name(aa), SGW_ANYCAST_MAX_ADDRS);
	for (i = 0; i < aa->a.n_addrs; i++)
		if (!memcmp(&aa->a.addrs[i], &p, sizeof(p)))
			return sgwctl_usage_error(ctl, "anycast %s: address %s given twice",
						  cmd_name(aa), v);
	snprintf(aa->addr_text[aa->a.n_addrs], sizeof(aa->addr_text[0]), "address %s", v);
	aa->a.addrs[aa->a.n_addrs++] = p;
	sgwc_anycast_set(&aa->a, SGW_ANYCAST_A_ADDRESS);
	return SGWCTL_EXIT_OK;
}

static int parse_link(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *v = args_value(ctl, a, "track link");

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (aa->no_links)
		return sgwctl_usage_error(ctl, "anycast set: 'track link' with 'no-track links'");
	if (!arg_valid_name(v, IF_NAMESIZE))
		return sgwctl_usage_error(ctl, "invalid device name '%s'", v);
	if (aa->a.n_links == SGW_ANYCAST_MAX_LINKS)
		return sgwctl_usage_error(ctl, "anycast %s: at most %d tracked links",
					  cmd_name(aa), SGW_ANYCAST_MAX_LINKS);
	snprintf(aa->link_text[aa->a.n_links], sizeof(aa->link_text[0]), "track link %s", v);
	snprintf(aa->a.links[aa->a.n_links++].name, IF_NAMESIZE, "%s", v);
	sgwc_anycast_set(&aa->a, SGW_ANYCAST_A_LINK);
	return SGWCTL_EXIT_OK;
}

/* track ikud | track link DEV */
static int parse_track(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *what = args_value(ctl, a, "track");

	if (!what)
		return SGWCTL_EXIT_USAGE;
	if (arg_is(what, "link"))
		return parse_link(ctl, a, aa);
	if (arg_is(what, "ikud") && !(aa->a.present & SGWC_ATTR_BIT(SGW_ANYCAST_A_TRACK_IKUD))) {
		aa->a.track_ikud = true;
		note(aa, SGW_ANYCAST_A_TRACK_IKUD, "track ikud", NULL);
		return SGWCTL_EXIT_OK;
	}
	if (arg_is(what, "ikud"))
		return sgwctl_usage_error(ctl, "anycast %s: 'track ikud' given twice", cmd_name(aa));
	return sgwctl_usage_error(ctl, "anycast %s: 'track %s': track 'ikud' or 'link DEV'",
				  cmd_name(aa), what);
}

/* no-track ikud | no-track links (set only) */
static int parse_no_track(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *what = args_value(ctl, a, "no-track");

	if (!what)
		return SGWCTL_EXIT_USAGE;
	if (arg_is(what, "ikud")) {
		aa->a.track_ikud = false;
		note(aa, SGW_ANYCAST_A_TRACK_IKUD, "no-track ikud", NULL);
		return SGWCTL_EXIT_OK;
	}
	if (arg_is(what, "links")) {
		if (aa->a.n_links || aa->no_links)
			return sgwctl_usage_error(ctl, "anycast set: 'no-track links' with 'track link'");
		aa->no_links = true;
		note(aa, SGW_ANYCAST_A_LINK, "no-track links", NULL);
		return SGWCTL_EXIT_OK;
	}
	return sgwctl_usage_error(ctl, "anycast set: 'no-track %s': 'ikud' or 'links'", what);
}

static int parse_time(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa,
		      uint16_t attr, const char *kw)
{
	const char *v = args_value(ctl, a, kw);
	uint64_t ms;

	if (!v)
		return SGWCTL_EXIT_USAGE;
	if (sgw_parse_time_ms(v, &ms) < 0 || ms > UINT32_MAX)
		return sgwctl_usage_error(ctl, "invalid %s '%s': a number with a unit, e.g. 300ms or 30s",
					  kw, v);
	if (attr == SGW_ANYCAST_A_HEARTBEAT_MS)
		aa->a.heartbeat_ms = (uint32_t)ms;
	else
		aa->a.hold_down_ms = (uint32_t)ms;
	note(aa, attr, kw, v);
	return SGWCTL_EXIT_OK;
}

static int parse_flag(struct anycast_args *aa, uint16_t attr, const char *kw, bool on)
{
	if (attr == SGW_ANYCAST_A_PREEMPT)
		aa->a.preempt = on;
	note(aa, attr, kw, NULL);
	return SGWCTL_EXIT_OK;
}

/* One keyword of add/set. */
static int parse_keyword(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa,
			 const char *kw)
{
	if (arg_is(kw, "vrf") && !aa->set)
		return parse_vrf(ctl, a, aa);
	if (arg_is(kw, "address"))
		return parse_address(ctl, a, aa);
	if (arg_is(kw, "track"))
		return parse_track(ctl, a, aa);
	if (arg_is(kw, "heartbeat"))
		return parse_time(ctl, a, aa, SGW_ANYCAST_A_HEARTBEAT_MS, kw);
	if (arg_is(kw, "hold-down"))
		return parse_time(ctl, a, aa, SGW_ANYCAST_A_HOLD_DOWN_MS, kw);
	if (arg_is(kw, "no-preempt"))
		return parse_flag(aa, SGW_ANYCAST_A_PREEMPT, kw, false);
	if (aa->set && arg_is(kw, "preempt"))
		return parse_flag(aa, SGW_ANYCAST_A_PREEMPT, kw, true);
	if (aa->set && arg_is(kw, "no-track"))
		return parse_no_track(ctl, a, aa);
	return sgwctl_usage_error(ctl, "anycast %s: unknown argument '%s' (try 'sgwctl anycast help')",
				  cmd_name(aa), kw);
}

/* Keywords that may be given once (address and track link repeat). */
static bool repeatable(const char *kw)
{
	return arg_is(kw, "address") || arg_is(kw, "track");
}

static int parse_args(const struct sgwctl *ctl, struct args *a, struct anycast_args *aa)
{
	const char *name = args_next(a);
	int ret;

	if (!name)
		return sgwctl_usage_error(ctl, "anycast %s: missing NAME", cmd_name(aa));
	ret = check_name(ctl, name);
	if (ret)
		return ret;
	snprintf(aa->a.name, sizeof(aa->a.name), "%s", name);
	snprintf(aa->text[SGW_ANYCAST_A_NAME], sizeof(aa->text[0]), "%s", name);
	while (args_more(a)) {
		const char *kw = args_next(a);
		uint64_t before = aa->a.present;

		ret = parse_keyword(ctl, a, aa, kw);
		if (ret)
			return ret;
		if (aa->a.present == before && !repeatable(kw))
			return sgwctl_usage_error(ctl, "anycast %s: '%s' given twice",
						  cmd_name(aa), kw);
	}
	if (!aa->set && !(aa->a.present & SGWC_ATTR_BIT(SGW_ANYCAST_A_VRF)))
		return sgwctl_usage_error(ctl, "anycast add: missing 'vrf VRF'");
	if (!aa->set && !aa->a.n_addrs)
		return sgwctl_usage_error(ctl, "anycast add: missing 'address PREFIX'");
	if (aa->set && aa->a.present == 0)
		return sgwctl_usage_error(ctl, "anycast set: nothing to change");
	return SGWCTL_EXIT_OK;
}

/* The argument the kernel's error is about, if it said. */
static const char *anycast_fault(const struct nlconn_err *err, const struct anycast_args *aa)
{
	uint16_t t;
	uint32_t i = 0;

	if (err->depth > 0) {
		t = err->path[0].type;
		i = err->path[0].index;
	} else if (err->missing) {
		t = err->missing_type;
	} else {
		return NULL;
	}
	if (t == SGW_ANYCAST_A_ADDRESS)
		return i < aa->a.n_addrs ? aa->addr_text[i] : NULL;
	if (t == SGW_ANYCAST_A_LINK)
		return i < aa->a.n_links ? aa->link_text[i] : NULL;
	return t <= SGW_ANYCAST_A_MAX && aa->text[t][0] ? aa->text[t] : NULL;
}

/* ---- the addresses on the device ------------------------------------------- */

static bool has_prefix(const struct sgw_prefix *v, size_t n, const struct sgw_prefix *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(&v[i], p, sizeof(*p)))
			return true;
	return false;
}

/*
 * Make the device of group g carry exactly its addresses: remove those of
 * old (the group before a set) it no longer has, add the missing ones.
 */
static int sync_addresses(const struct sgwctl *ctl, const struct sgwc_anycast *g,
			  const struct sgwc_anycast *old)
{
	struct nlconn *rt = nlconn_open(NETLINK_ROUTE, -1, NULL, 0);
	char buf[SGW_PREFIX_STRLEN];
	int ret = 0;
	size_t i;

	if (!rt) {
		sgwctl_error(ctl, "rtnetlink: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; old && i < old->n_addrs; i++)
		if (!has_prefix(g->addrs, g->n_addrs, &old->addrs[i]))
			rtnl_addr_del(rt, (int)g->ifindex, &old->addrs[i]);
	for (i = 0; i < g->n_missing && !ret; i++) {
		ret = rtnl_addr_add(rt, (int)g->ifindex, &g->missing[i]);
		if (ret == -EEXIST)
			ret = 0;
		if (ret) {
			sgw_prefix_format(&g->missing[i], buf, sizeof(buf));
			sgwctl_error(ctl, "anycast: cannot configure %s on %s: %s", buf,
				     g->device, nlconn_errmsg(rt));
		}
	}
	nlconn_close(rt);
	return ret;
}

static int anycast_add(struct sgwctl *ctl, struct genl *h, struct anycast_args *aa)
{
	struct sgwc_anycast g;
	struct nlconn_err err;

	if (sgwc_anycast_new(h, &aa->a, &err) < 0)
		return sgwctl_request_error(ctl, "anycast add", &err, anycast_fault(&err, aa));
	if (sgwc_anycast_get(h, aa->a.name, &g, &err) < 0)
		return sgwctl_request_error(ctl, "anycast add", &err, NULL);
	if (sync_addresses(ctl, &g, NULL)) {
		/* all or nothing: the group goes again */
		sgwc_anycast_del(h, aa->a.name, &err);
		return SGWCTL_EXIT_FAIL;
	}
	return SGWCTL_EXIT_OK;
}

static int anycast_set(struct sgwctl *ctl, struct genl *h, struct anycast_args *aa)
{
	struct sgwc_anycast old, g;
	struct nlconn_err err;

	if (sgwc_anycast_get(h, aa->a.name, &old, &err) < 0 ||
	    sgwc_anycast_change(h, &aa->a, &err) < 0 ||
	    sgwc_anycast_get(h, aa->a.name, &g, &err) < 0)
		return sgwctl_request_error(ctl, "anycast set", &err, anycast_fault(&err, aa));
	return sync_addresses(ctl, &g, &old) ? SGWCTL_EXIT_FAIL : SGWCTL_EXIT_OK;
}

static int anycast_change(struct sgwctl *ctl, struct args *a, bool set)
{
	struct anycast_args *aa = calloc(1, sizeof(*aa));
	struct genl *h;
	int ret;

	if (!aa) {
		sgwctl_error(ctl, "out of memory");
		return SGWCTL_EXIT_FAIL;
	}
	aa->set = set;
	aa->a.preempt = true;
	ret = parse_args(ctl, a, aa);
	if (!ret) {
		h = sgwctl_genl(ctl);
		ret = !h ? SGWCTL_EXIT_FAIL : set ? anycast_set(ctl, h, aa) : anycast_add(ctl, h, aa);
	}
	free(aa);
	return ret;
}

/* del NAME, drain NAME, undrain NAME */
static int anycast_named(struct sgwctl *ctl, struct args *a, const char *cmd)
{
	const char *name = args_next(a);
	struct sgwc_anycast req = { 0 };
	struct nlconn_err err;
	struct genl *h;
	char what[32];
	int ret;

	if (!name)
		return sgwctl_usage_error(ctl, "anycast %s: missing NAME", cmd);
	ret = check_name(ctl, name);
	if (ret)
		return ret;
	if (args_more(a))
		return sgwctl_usage_error(ctl, "anycast %s: unexpected '%s'", cmd, args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	if (arg_is(cmd, "del")) {
		ret = sgwc_anycast_del(h, name, &err);
	} else {
		snprintf(req.name, sizeof(req.name), "%s", name);
		req.drained = arg_is(cmd, "drain");
		sgwc_anycast_set(&req, SGW_ANYCAST_A_DRAINED);
		ret = sgwc_anycast_change(h, &req, &err);
	}
	if (ret < 0) {
		snprintf(what, sizeof(what), "anycast %s", cmd);
		return sgwctl_request_error(ctl, what, &err, err.depth ? name : NULL);
	}
	return SGWCTL_EXIT_OK;
}

/* ---- show ------------------------------------------------------------------ */

static void print_prefixes(const char *key, const char *label,
			   const struct sgw_prefix *v, size_t n)
{
	char buf[SGW_PREFIX_STRLEN];
	size_t i;

	if (label && n)
		print_label(label);
	open_json_array(key);
	for (i = 0; i < n; i++) {
		sgw_prefix_format(&v[i], buf, sizeof(buf));
		print_string(PRINT_ANY, NULL, NULL, buf);
	}
	close_json_array();
}

static void print_time(const char *key, const char *label, uint64_t ms)
{
	char buf[32];

	print_u64(PRINT_JSON, key, NULL, ms);
	sgw_format_time_ms(ms, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, label, buf);
}

static void print_tracking(const struct sgwc_anycast *g)
{
	size_t i;

	print_nl(4);
	print_bool(PRINT_ANY, "track_ikud", "track ikud", g->track_ikud);
	open_json_array("links");
	for (i = 0; i < g->n_links; i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "link", g->links[i].name);
		print_bool(PRINT_JSON, "up", NULL, g->links[i].up);
		print_string(PRINT_FP, NULL, NULL, g->links[i].up ? "(up)" : "(down)");
		close_json_object();
	}
	close_json_array();
	print_time("heartbeat_ms", "heartbeat", g->heartbeat_ms);
	print_time("hold_down_ms", "hold-down", g->hold_down_ms);
	print_bool(PRINT_JSON, "preempt", NULL, g->preempt);
	print_string(PRINT_FP, NULL, NULL, g->preempt ? "preempt" : "no-preempt");
	print_bool(PRINT_JSON, "drained", NULL, g->drained);
}

static void print_ikud(const struct sgwc_anycast *g)
{
	if (!g->ikud_portid) {
		print_string(PRINT_JSON, "ikud", NULL, NULL);
		return;
	}
	print_nl(4);
	open_json_object("ikud");
	print_u64(PRINT_ANY, "pid", "ikud pid", g->ikud_pid);
	print_time("heartbeat_age_ms", "last heartbeat", g->heartbeat_age_ms);
	print_bool(PRINT_ANY, "late", "late", (g->reasons & SGW_ANYCAST_R_HEARTBEAT) != 0);
	close_json_object();
}

static void print_state(const struct sgwc_anycast *g)
{
	char reason[256], via[SGW_PREFIX_STRLEN];

	sgwc_anycast_reason(g, reason, sizeof(reason));
	print_nl(4);
	print_string(PRINT_ANY, "state", "state", sgwc_anycast_state_name(g->state));
	print_time("state_ms", "for", g->state_ms);
	if (reason[0])
		print_string(PRINT_FP, NULL, "reason", reason);
	print_string(PRINT_JSON, "reason", NULL, reason);
	if (g->state == SGW_ANYCAST_HOLD_DOWN)
		print_time("hold_down_left_ms", "hold-down left", g->hold_down_left_ms);
	else
		print_u64(PRINT_JSON, "hold_down_left_ms", NULL, 0);
	if (g->peer_via.family) {
		sgw_addr_format(&g->peer_via, via, sizeof(via));
		print_string(PRINT_ANY, "peer_via", "via", via);
	} else {
		print_string(PRINT_JSON, "peer_via", NULL, NULL);
	}
	print_u64(PRINT_ANY, "transitions", "transitions", g->transitions);
	print_u64(PRINT_ANY, "withdrawals", "withdrawals", g->withdrawals);
}

static void print_anycast(const struct sgwc_anycast *g)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "anycast", g->name);
	print_string(PRINT_ANY, "vrf", "vrf", g->vrf);
	print_string(PRINT_ANY, "device", "device", g->device);
	print_prefixes("addresses", "addresses", g->addrs, g->n_addrs);
	if (g->n_missing)
		print_nl(4);
	print_prefixes("missing", "missing on the device:", g->missing, g->n_missing);
	print_state(g);
	print_tracking(g);
	print_ikud(g);
	close_json_object();
	print_nl(0);
}

struct show_ctx {
	unsigned int n;
};

static int show_one(const struct sgwc_anycast *g, void *data)
{
	struct show_ctx *ctx = data;

	print_anycast(g);
	ctx->n++;
	return 0;
}

static int anycast_show(struct sgwctl *ctl, struct args *a)
{
	struct show_ctx ctx = { 0 };
	const char *name = args_next(a);
	struct nlconn_err err;
	struct sgwc_anycast g;
	struct genl *h;
	int ret;

	if (name && check_name(ctl, name))
		return SGWCTL_EXIT_USAGE;
	if (args_more(a))
		return sgwctl_usage_error(ctl, "anycast show: unexpected '%s'", args_peek(a));
	h = sgwctl_genl(ctl);
	if (!h)
		return SGWCTL_EXIT_FAIL;
	output_begin_array();
	if (name) {
		ret = sgwc_anycast_get(h, name, &g, &err);
		if (ret == 0)
			show_one(&g, &ctx);
	} else {
		ret = sgwc_anycast_dump(h, show_one, &ctx, &err);
	}
	if (ret < 0) {
		output_discard();
		return sgwctl_request_error(ctl, "anycast show", &err, err.depth ? name : NULL);
	}
	output_end();
	return SGWCTL_EXIT_OK;
}

/* Shared with monitor: a group's line in an event. */
void print_anycast_event(const struct sgwc_anycast *g)
{
	char reason[256];

	sgwc_anycast_reason(g, reason, sizeof(reason));
	print_string(PRINT_ANY, "name", "anycast", g->name);
	print_string(PRINT_ANY, "state", "state", sgwc_anycast_state_name(g->state));
	print_string(PRINT_JSON, "reason", NULL, reason);
	if (reason[0])
		print_string(PRINT_FP, NULL, "reason", reason);
	print_u64(PRINT_ANY, "transitions", "transitions", g->transitions);
}

static int anycast_run(struct sgwctl *ctl, int argc, char **argv)
{
	struct args a = { argc, argv, 0 };
	const char *cmd = args_next(&a);

	if (!cmd || arg_is(cmd, "show") || arg_is(cmd, "list"))
		return anycast_show(ctl, &a);
	if (arg_is(cmd, "add"))
		return anycast_change(ctl, &a, false);
	if (arg_is(cmd, "set") || arg_is(cmd, "change"))
		return anycast_change(ctl, &a, true);
	if (arg_is(cmd, "del") || arg_is(cmd, "delete"))
		return anycast_named(ctl, &a, "del");
	if (arg_is(cmd, "drain") || arg_is(cmd, "undrain"))
		return anycast_named(ctl, &a, cmd);
	return sgwctl_usage_error(ctl, "anycast: unknown command '%s' (try 'sgwctl anycast help')",
				  cmd);
}

const struct sgwctl_object sgwctl_anycast = {
	.name = "anycast",
	.summary = "anycast gateway addresses that follow the gateway's health",
	.run = anycast_run,
	.usage = anycast_usage,
};
