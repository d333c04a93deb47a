// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_tool: a thin command line over libsgw's xfrm_client and rtnl_route,
 * for the kselftests (selftests/net/xfrm_client.sh).
 *
 *   xfrm_tool [-n NETNS] [-R MIN-MAX] COMMAND [KEY VALUE | FLAG]...
 *
 * Commands (keys in brackets are optional):
 *   spi-alloc  src A dst A reqid N [if_id N] [min N] [max N]  -> "spi 0x.."
 *   sa-add / sa-upd  src A dst A spi N reqid N
 *              (aead NAME key HEX [icv BITS] | enc NAME key HEX auth NAME akey HEX
 *               [trunc BITS]) [replay N] [esn] [if_id N] [mark V/M]
 *              [natt [natt-sport N] [natt-dport N]]
 *              [soft-bytes N] [hard-bytes N] [soft-packets N] [hard-packets N]
 *              [soft-secs N] [hard-secs N]
 *   sa-del     dst A spi N [mark V/M]
 *   sa-get     dst A spi N [mark V/M]   -> "bytes N packets N ..."
 *   policy-add / policy-upd / policy-del  dir in|out|fwd src P dst P
 *              [proto N] [sport N] [dport N] tsrc A tdst A reqid N [if_id N]
 *              [mark V/M] [priority N]
 *   flush                                 -> "flushed sas N policies N"
 *   monitor    [count N] [timeout SECS]   -> one line per event
 *              (ACQUIRE: also "sel SRC/LEN DST/LEN dir N")
 *   route-add / route-replace / route-del  prefix P (vrf NAME | table N)
 *              dev NAME proto N [metric N]
 *   route-flush / route-count  (vrf NAME | table N) proto N [family 4|6]
 *   link-index NAME | vrf-table NAME | xfrmi-id NAME | link-master NAME
 *   xfrmi-add  NAME if_id N [link DEV] [vrf NAME]   (also sets it up)
 *   vrf-add    NAME table N                         (also sets it up)
 *   link-del   NAME
 *   sa-bench   src A dst A count N [batch] [keep]
 *              install N SAs (SPI 0x10000 + i), print the rate, flush them
 *              unless "keep"
 * Exit status 0 on success; on failure the library's message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/sgw_prefix.h"
#include "netlink/rtnl_route.h"
#include "netlink/xfrm_client.h"

static int netns_fd = -1;
static struct xfrm_owner owner = { XFRM_OWNER_REQID_MIN, XFRM_OWNER_REQID_MAX };

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xfrm_tool: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* ---- "key value" argument lists -------------------------------------- */

struct args {
	int argc;
	char **argv;
};

static const char *opt(const struct args *a, const char *key)
{
	int i;

	for (i = 0; i < a->argc; i++) {
		if (strcmp(a->argv[i], key))
			continue;
		if (i + 1 >= a->argc)
			die("missing value after %s", key);
		return a->argv[i + 1];
	}
	return NULL;
}

static bool flag(const struct args *a, const char *key)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], key))
			return true;
	return false;
}

static const char *need(const struct args *a, const char *key)
{
	const char *v = opt(a, key);

	if (!v)
		die("missing %s", key);
	return v;
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad number %s", s);
	return v;
}

static uint64_t opt_num(const struct args *a, const char *key, uint64_t dflt)
{
	const char *v = opt(a, key);

	return v ? num(v) : dflt;
}

static void addr(const char *s, xfrm_address_t *out, int *family)
{
	if (xfrm_addr_parse(s, out, family))
		die("bad address %s", s);
}

static void mark_opt(const struct args *a, struct xfrm_mark *m)
{
	const char *v = opt(a, "mark");
	char *end;

	m->v = m->m = 0;
	if (!v)
		return;
	m->v = (uint32_t)strtoul(v, &end, 0);
	m->m = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0) : 0xffffffff;
}

/* "0x0011..." -> bytes; returns the length. */
static size_t hex_key(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	if (!strncmp(s, "0x", 2))
		s += 2;
	if (strlen(s) % 2)
		die("odd number of hex digits in %s", s);
	for (; s[0] && s[1]; s += 2) {
		unsigned int b;

		if (n == max || sscanf(s, "%2x", &b) != 1)
			die("bad key %s", s);
		out[n++] = (uint8_t)b;
	}
	return n;
}

/* ---- XFRM commands --------------------------------------------------- */

static struct xfrm_handle *xopen(void)
{
	struct xfrm_handle *h = xfrm_open(netns_fd, &owner);

	if (!h)
		die("cannot open XFRM netlink: %s", strerror(errno));
	return h;
}

static int report(struct xfrm_handle *h, int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "xfrm_tool: %s: %s (%s)\n", what, xfrm_errmsg(h),
			strerror(-ret));
		return 1;
	}
	return 0;
}

static int cmd_spi_alloc(const struct args *a)
{
	struct xfrm_handle *h = xopen();
	xfrm_address_t src, dst;
	struct xfrm_mark mark;
	int fam, fam2, ret;
	uint32_t spi;

	addr(need(a, "src"), &src, &fam);
	addr(need(a, "dst"), &dst, &fam2);
	mark_opt(a, &mark);
	ret = xfrm_spi_alloc(h, fam, &src, &dst, (uint32_t)num(need(a, "reqid")),
			     (uint32_t)opt_num(a, "if_id", 0), &mark,
			     (uint32_t)opt_num(a, "min", 0),
			     (uint32_t)opt_num(a, "max", 0), &spi);
	if (!ret)
		printf("spi 0x%08x\n", spi);
	ret = report(h, ret, "spi-alloc");
	xfrm_close(h);
	return ret;
}

static void fill_sa(const struct args *a, struct xfrm_sa *sa, uint8_t *k1,
		    uint8_t *k2)
{
	int fam2;

	memset(sa, 0, sizeof(*sa));
	addr(need(a, "src"), &sa->src, &sa->family);
	addr(need(a, "dst"), &sa->dst, &fam2);
	if (fam2 != sa->family)
		die("sa: src and dst families differ");
	sa->spi = (uint32_t)num(need(a, "spi"));
	sa->reqid = (uint32_t)num(need(a, "reqid"));
	sa->crypto.aead = opt(a, "aead");
	sa->crypto.encr = opt(a, "enc");
	sa->crypto.auth = opt(a, "auth");
	if (opt(a, "key")) {
		sa->crypto.enc_key = k1;
		sa->crypto.enc_key_len = hex_key(opt(a, "key"), k1, 128);
	}
	if (opt(a, "akey")) {
		sa->crypto.auth_key = k2;
		sa->crypto.auth_key_len = hex_key(opt(a, "akey"), k2, 128);
	}
	sa->crypto.icv_bits = (unsigned int)opt_num(a, "icv", 0);
	sa->crypto.trunc_bits = (unsigned int)opt_num(a, "trunc", 0);
	sa->replay_window = (uint32_t)opt_num(a, "replay", 0);
	sa->esn = flag(a, "esn");
	sa->if_id = (uint32_t)opt_num(a, "if_id", 0);
	mark_opt(a, &sa->mark);
	sa->natt = flag(a, "natt");
	sa->natt_sport = (uint16_t)opt_num(a, "natt-sport", 0);
	sa->natt_dport = (uint16_t)opt_num(a, "natt-dport", 0);
	sa->lft.soft_bytes = opt_num(a, "soft-bytes", 0);
	sa->lft.hard_bytes = opt_num(a, "hard-bytes", 0);
	sa->lft.soft_packets = opt_num(a, "soft-packets", 0);
	sa->lft.hard_packets = opt_num(a, "hard-packets", 0);
	sa->lft.soft_add_seconds = opt_num(a, "soft-secs", 0);
	sa->lft.hard_add_seconds = opt_num(a, "hard-secs", 0);
}

static int cmd_sa_add(const struct args *a, bool update)
{
	struct xfrm_handle *h = xopen();
	uint8_t k1[128], k2[128];
	struct xfrm_sa sa;
	int ret;

	fill_sa(a, &sa, k1, k2);
	ret = report(h, xfrm_sa_add(h, &sa, update), update ? "sa-upd" : "sa-add");
	xfrm_close(h);
	return ret;
}

static void fill_key(const struct args *a, struct xfrm_sa_key *k)
{
	memset(k, 0, sizeof(*k));
	addr(need(a, "dst"), &k->dst, &k->family);
	k->spi = (uint32_t)num(need(a, "spi"));
	mark_opt(a, &k->mark);
}

static int cmd_sa_del(const struct args *a)
{
	struct xfrm_handle *h = xopen();
	struct xfrm_sa_key k;
	int ret;

	fill_key(a, &k);
	ret = report(h, xfrm_sa_del(h, &k), "sa-del");
	xfrm_close(h);
	return ret;
}

static int cmd_sa_get(const struct args *a)
{
	struct xfrm_handle *h = xopen();
	struct xfrm_sa_stats st;
	struct xfrm_sa_key k;
	int ret;

	fill_key(a, &k);
	ret = xfrm_sa_get(h, &k, &st);
	if (!ret)
		printf("bytes %" PRIu64 " packets %" PRIu64 " replay_window %u replay %u"
		       " integrity_failed %u oseq %" PRIu64 " seq %" PRIu64
		       " reqid 0x%x if_id %u\n",
		       st.bytes, st.packets, st.replay_window, st.replay,
		       st.integrity_failed, st.oseq, st.seq, st.reqid, st.if_id);
	ret = report(h, ret, "sa-get");
	xfrm_close(h);
	return ret;
}

static uint8_t parse_dir(const char *s)
{
	if (!strcmp(s, "in"))
		return XFRM_POLICY_IN;
	if (!strcmp(s, "out"))
		return XFRM_POLICY_OUT;
	if (!strcmp(s, "fwd"))
		return XFRM_POLICY_FWD;
	return 0xff;	/* rejected by the library: tests that path */
}

static void fill_policy(const struct args *a, struct xfrm_pol *p)
{
	int fam2;

	memset(p, 0, sizeof(*p));
	p->dir = parse_dir(need(a, "dir"));
	if (xfrm_prefix_parse(need(a, "src"), &p->sel.src, &p->sel.src_len,
			      &p->sel.family) ||
	    xfrm_prefix_parse(need(a, "dst"), &p->sel.dst, &p->sel.dst_len, &fam2))
		die("bad selector prefix");
	if (fam2 != p->sel.family)
		die("selector families differ");
	p->sel.proto = (uint8_t)opt_num(a, "proto", 0);
	p->sel.sport = (uint16_t)opt_num(a, "sport", 0);
	p->sel.dport = (uint16_t)opt_num(a, "dport", 0);
	if (opt(a, "tsrc")) {
		addr(opt(a, "tsrc"), &p->tmpl_src, &p->tmpl_family);
		addr(need(a, "tdst"), &p->tmpl_dst, &fam2);
	} else {
		p->tmpl_family = p->sel.family;	/* del: template unused */
	}
	p->reqid = (uint32_t)opt_num(a, "reqid", owner.reqid_min);
	p->if_id = (uint32_t)opt_num(a, "if_id", 0);
	p->priority = (uint32_t)opt_num(a, "priority", 0);
	mark_opt(a, &p->mark);
}

static int cmd_policy(const struct args *a, const char *cmd)
{
	struct xfrm_handle *h = xopen();
	struct xfrm_pol p;
	int ret;

	fill_policy(a, &p);
	if (!strcmp(cmd, "policy-del"))
		ret = xfrm_policy_del(h, &p);
	else
		ret = xfrm_policy_add(h, &p, !strcmp(cmd, "policy-upd"));
	ret = report(h, ret, cmd);
	xfrm_close(h);
	return ret;
}

static int cmd_flush(void)
{
	struct xfrm_handle *h = xopen();
	struct xfrm_flush_result r;
	int ret;

	ret = xfrm_flush_ours(h, &r);
	if (!ret)
		printf("flushed sas %u policies %u\n", r.sas, r.policies);
	ret = report(h, ret, "flush");
	xfrm_close(h);
	return ret;
}

static const char *ev_name(const struct xfrm_event *e)
{
	switch (e->type) {
	case XFRM_EV_SA_EXPIRE:
		return "expire";
	case XFRM_EV_ACQUIRE:
		return "acquire";
	case XFRM_EV_POLICY_EXPIRE:
		return "polexpire";
	case XFRM_EV_OVERRUN:
		return "overrun";
	}
	return "?";
}

static void print_event(void *arg, const struct xfrm_event *e)
{
	char d[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	int *left = arg;

	printf("%s %s spi 0x%08x proto %u src %s dst %s reqid 0x%x if_id %u",
	       ev_name(e), e->hard ? "hard" : "soft", e->spi, e->proto,
	       xfrm_addr_str(e->family, &e->src, s, sizeof(s)),
	       xfrm_addr_str(e->family, &e->dst, d, sizeof(d)), e->reqid,
	       e->if_id);
	if (e->type == XFRM_EV_ACQUIRE)
		printf(" sel %s/%u %s/%u dir %u",
		       xfrm_addr_str(e->sel.family, &e->sel.src, s, sizeof(s)),
		       e->sel.src_len,
		       xfrm_addr_str(e->sel.family, &e->sel.dst, d, sizeof(d)),
		       e->sel.dst_len, e->policy_dir);
	printf("\n");
	fflush(stdout);
	(*left)--;
}

static int cmd_monitor(const struct args *a)
{
	int left = (int)opt_num(a, "count", 1);
	int timeout_ms = (int)opt_num(a, "timeout", 30) * 1000;
	struct xfrm_events *ev;
	struct timespec t0, t;

	ev = xfrm_events_open(netns_fd, XFRM_EVENTS_EXPIRE | XFRM_EVENTS_ACQUIRE);
	if (!ev)
		die("cannot subscribe: %s", strerror(errno));
	fprintf(stderr, "xfrm_tool: listening\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0) {
		struct pollfd pfd = { xfrm_events_fd(ev), POLLIN, 0 };
		int waited;

		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (int)((t.tv_sec - t0.tv_sec) * 1000 +
			       (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (waited >= timeout_ms)
			break;
		if (poll(&pfd, 1, timeout_ms - waited) > 0 &&
		    xfrm_events_process(ev, print_event, &left) < 0)
			break;
	}
	xfrm_events_close(ev);
	return left > 0;
}

/* Install N outbound SAs (one SPI each), report the rate, flush them. */
static int cmd_sa_bench(const struct args *a)
{
	unsigned int count = (unsigned int)num(need(a, "count")), i, failed = 0;
	struct xfrm_handle *h = xopen();
	static const uint8_t key[20] = { 1, 2, 3 };
	struct xfrm_flush_result r;
	struct timespec t0, t1;
	struct xfrm_sa sa;
	double secs;
	int ret;

	memset(&sa, 0, sizeof(sa));
	addr(need(a, "src"), &sa.src, &sa.family);
	addr(need(a, "dst"), &sa.dst, &sa.family);
	sa.crypto.aead = "rfc4106(gcm(aes))";
	sa.crypto.enc_key = key;
	sa.crypto.enc_key_len = sizeof(key);
	sa.replay_window = 32;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (flag(a, "batch") && xfrm_batch_begin(h, NULL, NULL))
		return report(h, -EBUSY, "batch");
	for (i = 0; i < count; i++) {
		sa.spi = 0x10000 + i;
		sa.reqid = owner.reqid_min + i;
		if (xfrm_sa_add(h, &sa, false))
			failed++;
	}
	if (flag(a, "batch")) {
		ret = xfrm_batch_end(h);
		failed += ret > 0 ? (unsigned int)ret : 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("installed %u failed %u seconds %.3f rate %.0f\n", count - failed,
	       failed, secs, secs > 0 ? (count - failed) / secs : 0.0);
	if (flag(a, "keep")) {
		xfrm_close(h);
		return failed != 0;
	}
	ret = xfrm_flush_ours(h, &r);
	printf("flushed sas %u policies %u\n", r.sas, r.policies);
	ret = report(h, ret, "flush") || failed;
	xfrm_close(h);
	return ret;
}

/* ---- rtnetlink commands ------------------------------------------------ */

static struct rtnl_handle *ropen(void)
{
	struct rtnl_handle *h = rtnl_open(netns_fd);

	if (!h)
		die("cannot open rtnetlink: %s", strerror(errno));
	return h;
}

static int rreport(struct rtnl_handle *h, int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "xfrm_tool: %s: %s (%s)\n", what, rtnl_errmsg(h),
			strerror(-ret));
		return 1;
	}
	return 0;
}

/* Table from "vrf NAME" or "table N"; exits on failure. */
static uint32_t table_of(struct rtnl_handle *h, const struct args *a)
{
	const char *vrf = opt(a, "vrf");
	uint32_t table;

	if (!vrf)
		return (uint32_t)num(need(a, "table"));
	if (rtnl_vrf_table(h, vrf, &table)) {
		fprintf(stderr, "xfrm_tool: %s\n", rtnl_errmsg(h));
		exit(1);
	}
	return table;
}

static int cmd_route(const struct args *a, const char *cmd)
{
	struct rtnl_handle *h = ropen();
	struct rtnl_route r;
	struct sgw_prefix p;
	int ret;

	memset(&r, 0, sizeof(r));
	if (sgw_prefix_parse(need(a, "prefix"), SGW_PREFIX_MASK, &p, NULL))
		die("bad prefix %s", need(a, "prefix"));
	memcpy(r.dst.bytes, p.addr, sizeof(r.dst.bytes));
	r.dst_len = p.len;
	r.family = p.family;
	r.table = table_of(h, a);
	r.protocol = (uint8_t)num(need(a, "proto"));
	r.metric = (uint32_t)opt_num(a, "metric", 0);
	if (opt(a, "dev")) {
		r.oif = rtnl_link_index(h, opt(a, "dev"));
		if (r.oif < 0)
			return rreport(h, r.oif, cmd);
	}
	if (!strcmp(cmd, "route-del"))
		ret = rtnl_route_del(h, &r);
	else
		ret = rtnl_route_add(h, &r, !strcmp(cmd, "route-replace"));
	ret = rreport(h, ret, cmd);
	rtnl_close(h);
	return ret;
}

static int cmd_route_proto(const struct args *a, const char *cmd)
{
	struct rtnl_handle *h = ropen();
	uint32_t table = table_of(h, a);
	uint8_t proto = (uint8_t)num(need(a, "proto"));
	const char *f = opt(a, "family");
	int fam = !f ? AF_UNSPEC : !strcmp(f, "4") ? AF_INET : AF_INET6;
	int ret;

	if (!strcmp(cmd, "route-flush"))
		ret = rtnl_route_flush_proto(h, fam, table, proto);
	else
		ret = rtnl_route_count_proto(h, fam, table, proto);
	if (ret >= 0)
		printf("%s %d\n", !strcmp(cmd, "route-flush") ? "flushed" : "routes",
		       ret);
	ret = rreport(h, ret, cmd);
	rtnl_close(h);
	return ret;
}

static int cmd_link(int argc, char **argv, const char *cmd)
{
	struct args a = { argc - 1, argv + 1 };
	struct rtnl_handle *h = ropen();
	const char *name;
	uint32_t v;
	int ret, idx;

	if (argc < 1)
		die("%s needs a device name", cmd);
	name = argv[0];
	if (!strcmp(cmd, "link-index")) {
		ret = rtnl_link_index(h, name);
		if (ret > 0)
			printf("%d\n", ret);
	} else if (!strcmp(cmd, "vrf-table")) {
		ret = rtnl_vrf_table(h, name, &v);
		if (!ret)
			printf("%u\n", v);
	} else if (!strcmp(cmd, "link-master")) {
		ret = rtnl_link_index(h, name);
		if (ret > 0)
			ret = rtnl_link_master(h, ret);
		if (ret >= 0) {
			printf("%d\n", ret);
			ret = 0;
		}
	} else if (!strcmp(cmd, "xfrmi-id")) {
		ret = rtnl_xfrmi_if_id(h, name, &v);
		if (!ret)
			printf("%u\n", v);
	} else if (!strcmp(cmd, "link-del")) {
		ret = rtnl_link_index(h, name);
		if (ret > 0)
			ret = rtnl_link_del(h, ret);
	} else {
		int link = 0;

		if (!strcmp(cmd, "vrf-add")) {
			ret = rtnl_vrf_add(h, name, (uint32_t)num(need(&a, "table")));
		} else {
			if (opt(&a, "link"))
				link = rtnl_link_index(h, opt(&a, "link"));
			ret = link < 0 ? link :
			      rtnl_xfrmi_add(h, name, (uint32_t)num(need(&a, "if_id")), link);
		}
		idx = ret ? ret : rtnl_link_index(h, name);
		if (idx > 0 && opt(&a, "vrf")) {
			int master = rtnl_link_index(h, opt(&a, "vrf"));

			ret = master < 0 ? master : rtnl_link_set_master(h, idx, master);
			if (ret)
				idx = ret;
		}
		ret = idx > 0 ? rtnl_link_set_up(h, idx, true) : idx;
	}
	ret = rreport(h, ret, cmd);
	rtnl_close(h);
	return ret;
}

/* ---- main -------------------------------------------------------------- */

/* "-R MIN-MAX": the reqid range this run owns. */
static int parse_range(const char *s)
{
	char *end;

	owner.reqid_min = (uint32_t)strtoul(s, &end, 0);
	if (*end != '-')
		return -1;
	owner.reqid_max = (uint32_t)strtoul(end + 1, &end, 0);
	return *end || owner.reqid_min > owner.reqid_max ? -1 : 0;
}

static void open_netns(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (netns_fd < 0)
		die("cannot open netns %s", name);
}

int main(int argc, char **argv)
{
	struct args a;
	const char *cmd;
	int c;

	while ((c = getopt(argc, argv, "+n:R:")) != -1) {
		switch (c) {
		case 'n':
			open_netns(optarg);
			break;
		case 'R':
			if (parse_range(optarg))
				die("bad reqid range %s", optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		die("no command");
	cmd = argv[optind];
	a.argc = argc - optind - 1;
	a.argv = argv + optind + 1;

	if (!strcmp(cmd, "spi-alloc"))
		return cmd_spi_alloc(&a);
	if (!strcmp(cmd, "sa-add") || !strcmp(cmd, "sa-upd"))
		return cmd_sa_add(&a, !strcmp(cmd, "sa-upd"));
	if (!strcmp(cmd, "sa-del"))
		return cmd_sa_del(&a);
	if (!strcmp(cmd, "sa-get"))
		return cmd_sa_get(&a);
	if (!strncmp(cmd, "policy-", 7))
		return cmd_policy(&a, cmd);
	if (!strcmp(cmd, "flush"))
		return cmd_flush();
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(&a);
	if (!strcmp(cmd, "sa-bench"))
		return cmd_sa_bench(&a);
	if (!strcmp(cmd, "route-add") || !strcmp(cmd, "route-replace") ||
	    !strcmp(cmd, "route-del"))
		return cmd_route(&a, cmd);
	if (!strcmp(cmd, "route-flush") || !strcmp(cmd, "route-count"))
		return cmd_route_proto(&a, cmd);
	if (!strcmp(cmd, "link-index") || !strcmp(cmd, "vrf-table") ||
	    !strcmp(cmd, "xfrmi-id") || !strcmp(cmd, "link-del") ||
	    !strcmp(cmd, "link-master") ||
	    !strcmp(cmd, "xfrmi-add") || !strcmp(cmd, "vrf-add"))
		return cmd_link(a.argc, a.argv, cmd);
	die("unknown command %s", cmd);
}
