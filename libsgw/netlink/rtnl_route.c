// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink client: routes for reverse route injection, and the few link
 * operations (xfrm interface, VRF) around them. See rtnl_route.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "base/sgw_prefix.h"
#include "netlink/nlconn.h"
#include "netlink/rtnl_route.h"

struct rtnl_handle {
	struct nlconn *nl;
};

struct rtnl_handle *rtnl_open(int netns_fd)
{
	struct rtnl_handle *h = calloc(1, sizeof(*h));
	int one = 1;

	if (!h)
		return NULL;
	h->nl = nlconn_open(NETLINK_ROUTE, netns_fd, NULL, 0);
	if (!h->nl) {
		int saved = errno;

		free(h);
		errno = saved;
		return NULL;
	}
	/*
	 * Strict checking (4.20+) lets the kernel filter route dumps by table
	 * and protocol: a flush then reads only our routes, not a full BGP
	 * table. Without it the dump is complete and filtered here (as always).
	 */
	setsockopt(nlconn_fd(h->nl), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
		   sizeof(one));
	return h;
}

void rtnl_close(struct rtnl_handle *h)
{
	if (!h)
		return;
	nlconn_close(h->nl);
	free(h);
}

const char *rtnl_errmsg(const struct rtnl_handle *h)
{
	return nlconn_errmsg(h->nl);
}

/* ---- links ------------------------------------------------------------ */

/* What RTM_GETLINK tells about one device. */
struct link_info {
	int ifindex;
	int master;
	char kind[16];
	bool has_table;
	uint32_t table;		/* VRF */
	bool has_if_id;
	uint32_t if_id;		/* xfrm interface */
};

static int nested_u32(const struct nlattr *nest, uint16_t type, uint32_t *v)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == type &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			*v = mnl_attr_get_u32(a);
			return 1;
		}
	}
	return 0;
}

static void parse_linkinfo(const struct nlattr *li, struct link_info *info)
{
	const struct nlattr *a, *data = NULL;

	mnl_attr_for_each_nested(a, li) {
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(info->kind, sizeof(info->kind), "%s",
				 mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == IFLA_INFO_DATA)
			data = a;
	}
	if (!data)
		return;
	if (!strcmp(info->kind, "vrf"))
		info->has_table = nested_u32(data, IFLA_VRF_TABLE, &info->table);
	else if (!strcmp(info->kind, "xfrm"))
		info->has_if_id = nested_u32(data, IFLA_XFRM_IF_ID, &info->if_id);
}

static int link_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi;
	struct link_info *info = arg;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_ERROR;
	ifi = mnl_nlmsg_get_payload(nlh);
	info->ifindex = ifi->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_MASTER &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			info->master = (int)mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_LINKINFO)
			parse_linkinfo(a, info);
	}
	return MNL_CB_OK;
}

/* RTM_GETLINK by name (ifindex 0) or by index. */
static int get_link(struct rtnl_handle *h, const char *name, int ifindex,
		    struct link_info *info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	struct ifinfomsg *ifi;
	int ret;

	if (name && (!name[0] || strlen(name) >= IFNAMSIZ))
		return nlconn_set_error(h->nl, EINVAL, "bad device name");
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(info, 0, sizeof(*info));
	ret = nlconn_request(h->nl, nlh, link_reply_cb, info);
	if (ret == -ENODEV)
		nlconn_set_error(h->nl, ENODEV, "no device %s", name ? name : "");
	return ret;
}

int rtnl_link_index(struct rtnl_handle *h, const char *name)
{
	struct link_info info;
	int ret = get_link(h, name, 0, &info);

	return ret ? ret : info.ifindex;
}

int rtnl_vrf_table(struct rtnl_handle *h, const char *vrf_name,
		   uint32_t *table)
{
	struct link_info info;
	int ret = get_link(h, vrf_name, 0, &info);

	if (ret)
		return ret;
	if (strcmp(info.kind, "vrf") || !info.has_table)
		return nlconn_set_error(h->nl, EINVAL, "%s is not a VRF device",
					vrf_name);
	*table = info.table;
	return 0;
}

int rtnl_link_master(struct rtnl_handle *h, int ifindex)
{
	struct link_info info;
	int ret = get_link(h, NULL, ifindex, &info);

	return ret ? ret : info.master;
}

int rtnl_xfrmi_if_id(struct rtnl_handle *h, const char *name,
		     uint32_t *if_id)
{
	struct link_info info;
	int ret = get_link(h, name, 0, &info);

	if (ret)
		return ret;
	if (strcmp(info.kind, "xfrm") || !info.has_if_id)
		return nlconn_set_error(h->nl, EINVAL,
					"%s is not an xfrm interface", name);
	*if_id = info.if_id;
	return 0;
}

static struct nlmsghdr *put_link_msg(struct rtnl_handle *h, uint16_t type,
				     uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/* RTM_NEWLINK creating @name of @kind with one u32 in IFLA_INFO_DATA. */
static int add_link(struct rtnl_handle *h, const char *name, const char *kind,
		    uint16_t data_type, uint32_t data, int link_ifindex)
{
	struct nlattr *li, *d;
	struct nlmsghdr *nlh;

	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return nlconn_set_error(h->nl, EINVAL, "bad device name");
	nlh = put_link_msg(h, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	d = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, data_type, data);
	if (link_ifindex > 0)
		mnl_attr_put_u32(nlh, IFLA_XFRM_LINK, (uint32_t)link_ifindex);
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, li);
	return nlconn_request(h->nl, nlh, NULL, NULL);
}

int rtnl_xfrmi_add(struct rtnl_handle *h, const char *name, uint32_t if_id,
		   int link_ifindex)
{
	if (!if_id)
		return nlconn_set_error(h->nl, EINVAL, "if_id must not be 0");
	return add_link(h, name, "xfrm", IFLA_XFRM_IF_ID, if_id, link_ifindex);
}

int rtnl_vrf_add(struct rtnl_handle *h, const char *name, uint32_t table)
{
	if (!table)
		return nlconn_set_error(h->nl, EINVAL, "VRF table must not be 0");
	return add_link(h, name, "vrf", IFLA_VRF_TABLE, table, 0);
}

int rtnl_link_set_master(struct rtnl_handle *h, int ifindex,
			 int master_ifindex)
{
	struct nlmsghdr *nlh = put_link_msg(h, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_ifindex);
	return nlconn_request(h->nl, nlh, NULL, NULL);
}

int rtnl_link_set_up(struct rtnl_handle *h, int ifindex, bool up)
{
	struct nlmsghdr *nlh = put_link_msg(h, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nlconn_request(h->nl, nlh, NULL, NULL);
}

int rtnl_link_del(struct rtnl_handle *h, int ifindex)
{
	return nlconn_request(h->nl, put_link_msg(h, RTM_DELLINK, 0, ifindex),
			      NULL, NULL);
}

/* ---- routes ---------------------------------------------------------- */

static uint32_t table_or_main(uint32_t table)
{
	return table ? table : RT_TABLE_MAIN;
}

static int check_route(struct rtnl_handle *h, const struct rtnl_route *r)
{
	size_t alen = sgw_addr_len(r->family);

	if (!alen)
		return nlconn_set_error(h->nl, EAFNOSUPPORT,
					"route family must be IPv4 or IPv6");
	if (r->dst_len > 8 * alen)
		return nlconn_set_error(h->nl, EINVAL, "prefix length %u too long",
					r->dst_len);
	return 0;
}

static struct nlmsghdr *put_route_msg(struct rtnl_handle *h, uint16_t type,
				      uint16_t flags,
				      const struct rtnl_route *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
	uint32_t table = table_or_main(r->table);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	if (type == RTM_NEWROUTE) {
		rtm->rtm_scope = RT_SCOPE_LINK;
		rtm->rtm_type = RTN_UNICAST;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE;	/* any scope */
	}
	if (r->dst_len)
		mnl_attr_put(nlh, RTA_DST, sgw_addr_len(r->family), r->dst.bytes);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (r->oif > 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->mtu && type == RTM_NEWROUTE) {
		struct nlattr *m = mnl_attr_nest_start(nlh, RTA_METRICS);

		mnl_attr_put_u32(nlh, RTAX_MTU, r->mtu);
		mnl_attr_nest_end(nlh, m);
	}
	return nlh;
}

int rtnl_route_add(struct rtnl_handle *h, const struct rtnl_route *r,
		   bool replace)
{
	uint16_t flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	int ret = check_route(h, r);

	if (ret)
		return ret;
	if (r->oif <= 0)
		return nlconn_set_error(h->nl, EINVAL, "route needs an output device");
	return nlconn_request(h->nl, put_route_msg(h, RTM_NEWROUTE, flags, r),
			      NULL, NULL);
}

int rtnl_route_del(struct rtnl_handle *h, const struct rtnl_route *r)
{
	int ret = check_route(h, r);

	if (ret)
		return ret;
	return nlconn_request(h->nl, put_route_msg(h, RTM_DELROUTE, 0, r),
			      NULL, NULL);
}

/* Routes of one protocol in one table, as found by a dump. */
struct route_list {
	uint32_t table;
	uint8_t protocol;
	struct rtnl_route *r;
	size_t n, cap;
	bool oom;
};

int rtnl_route_parse(const struct nlmsghdr *nlh, struct rtnl_route *r)
{
	const struct rtmsg *rtm;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (!sgw_addr_len(rtm->rtm_family) || rtm->rtm_dst_len > 8 * sgw_addr_len(rtm->rtm_family))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->table = rtm->rtm_table;
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->protocol = rtm->rtm_protocol;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r->table = mnl_attr_get_u32(a);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(a) == sgw_addr_len(r->family))
				memcpy(r->dst.bytes, mnl_attr_get_payload(a),
				       sgw_addr_len(r->family));
			break;
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r->oif = (int)mnl_attr_get_u32(a);
			break;
		case RTA_PRIORITY:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r->metric = mnl_attr_get_u32(a);
			break;
		}
	}
	return 0;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct route_list *rl = arg;
	struct rtnl_route r;

	if (rtnl_route_parse(nlh, &r) || r.protocol != rl->protocol || r.table != rl->table)
		return MNL_CB_OK;
	if (rl->n == rl->cap) {
		size_t cap = rl->cap ? 2 * rl->cap : 256;
		struct rtnl_route *nr = realloc(rl->r, cap * sizeof(*nr));

		if (!nr) {
			rl->oom = true;
			return MNL_CB_OK;
		}
		rl->r = nr;
		rl->cap = cap;
	}
	rl->r[rl->n++] = r;
	return MNL_CB_OK;
}

/* An inconsistent dump (-EINTR: the table changed meanwhile) is read again. */
#define DUMP_TRIES 4

/*
 * Dump one family's routes of @rl->protocol in @rl->table into @rl. The
 * request carries the table and protocol as kernel-side filters (honoured
 * with strict checking); route_dump_cb() filters again for older kernels.
 */
static int dump_family(struct rtnl_handle *h, int family, struct route_list *rl)
{
	size_t before = rl->n;
	int ret, tries = 0;

	do {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlconn_msgbuf(h->nl));
		struct rtmsg *rtm;

		rl->n = before;
		nlh->nlmsg_type = RTM_GETROUTE;
		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = (uint8_t)family;
		rtm->rtm_protocol = rl->protocol;
		rtm->rtm_table = rl->table < 256 ? (uint8_t)rl->table : RT_TABLE_UNSPEC;
		mnl_attr_put_u32(nlh, RTA_TABLE, rl->table);
		ret = nlconn_dump(h->nl, nlh, route_dump_cb, rl);
	} while (ret == -EINTR && ++tries < DUMP_TRIES);
	/* A filtered dump of a table that does not exist (yet): no routes. */
	return ret == -ENOENT ? 0 : ret;
}

static int dump_proto(struct rtnl_handle *h, int family, uint32_t table,
		      uint8_t protocol, struct route_list *rl)
{
	int ret = 0;

	if (family != AF_UNSPEC && !sgw_addr_len(family))
		return nlconn_set_error(h->nl, EAFNOSUPPORT,
					"family must be IPv4, IPv6 or both");
	memset(rl, 0, sizeof(*rl));
	rl->table = table_or_main(table);
	rl->protocol = protocol;
	/* One family at a time: an AF_UNSPEC dump would also ask MPLS etc. */
	if (family != AF_INET6)
		ret = dump_family(h, AF_INET, rl);
	if (!ret && family != AF_INET)
		ret = dump_family(h, AF_INET6, rl);
	if (!ret && rl->oom)
		ret = nlconn_set_error(h->nl, ENOMEM, "out of memory");
	if (ret) {
		free(rl->r);
		rl->r = NULL;
	}
	return ret;
}

int rtnl_route_count_proto(struct rtnl_handle *h, int family, uint32_t table,
			   uint8_t protocol)
{
	struct route_list rl;
	int ret = dump_proto(h, family, table, protocol, &rl);

	if (ret)
		return ret;
	free(rl.r);
	return (int)rl.n;
}

struct del_count {
	int ok, failed, first_err;
};

static void del_cb(void *arg, unsigned int index, int err, const char *msg)
{
	struct del_count *dc = arg;

	(void)index;
	(void)msg;
	if (!err)
		dc->ok++;
	else if (err != -ESRCH && !dc->failed++)	/* ESRCH: gone meanwhile */
		dc->first_err = err;
}

int rtnl_route_flush_proto(struct rtnl_handle *h, int family, uint32_t table,
			   uint8_t protocol)
{
	struct del_count dc = { 0 };
	struct route_list rl;
	size_t i;
	int ret;

	ret = dump_proto(h, family, table, protocol, &rl);
	if (ret)
		return ret;
	ret = nlconn_batch_begin(h->nl, del_cb, &dc);
	if (ret) {
		free(rl.r);
		return ret;
	}
	for (i = 0; !ret && i < rl.n; i++)
		ret = nlconn_request(h->nl,
				     put_route_msg(h, RTM_DELROUTE, 0, &rl.r[i]),
				     NULL, NULL);
	if (nlconn_batch_end(h->nl) < 0 && !ret)
		ret = -EIO;
	free(rl.r);
	if (ret)
		return ret;
	if (dc.failed)
		return nlconn_set_error(h->nl, -dc.first_err,
					"%d route deletions failed: %s",
					dc.failed, strerror(-dc.first_err));
	return dc.ok;
}

int rtnl_route_exists_proto(struct rtnl_handle *h, const struct rtnl_route *r)
{
	struct route_list rl;
	size_t i, alen = sgw_addr_len(r->family);
	int ret = dump_proto(h, r->family, r->table, r->protocol, &rl);

	if (ret)
		return ret;
	for (i = 0; i < rl.n && !ret; i++)
		ret = rl.r[i].dst_len == r->dst_len && rl.r[i].metric == r->metric &&
		      !memcmp(&rl.r[i].dst, &r->dst, alen);
	free(rl.r);
	return ret;
}
