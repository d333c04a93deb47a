/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnl_route: routes and links through rtnetlink, for reverse route
 * injection (RRI) into a VRF's table via an xfrm interface.
 *
 *   - a handle per network namespace (one NETLINK_ROUTE socket, reused);
 *   - ifindex by name, a VRF's table by the VRF's name;
 *   - add / replace / delete a route to a prefix in a table, through a
 *     device, with a protocol number (ikud's own, see Documentation/xfrm.md)
 *     and a metric;
 *   - flush every route of one protocol in one table (start-up cleanup);
 *   - small link helpers (xfrm interface, VRF, enslave, up/down, delete) for
 *     tests and for checking the configuration.
 *
 * Errors: 0 (or a count) on success, a negative errno on failure (also left
 * in errno), with
 * rtnl_errmsg() giving the kernel's extack text or the library's reason.
 * Not thread-safe: one handle per thread.
 */
#ifndef SGW_RTNL_ROUTE_H
#define SGW_RTNL_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct rtnl_handle;

/* @netns_fd: open netns file or -1 for the caller's. NULL + errno on failure. */
struct rtnl_handle *rtnl_open(int netns_fd);
void rtnl_close(struct rtnl_handle *h);
const char *rtnl_errmsg(const struct rtnl_handle *h);

/* An IPv4 or IPv6 address (network order). */
union rtnl_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t bytes[16];
};


/* ---- links ------------------------------------------------------------ */

/* ifindex of @name (> 0), or -ENODEV. */
int rtnl_link_index(struct rtnl_handle *h, const char *name);

/*
 * Routing table of the VRF device @vrf_name: 0 and *@table, -ENODEV if no
 * such device, -EINVAL if it is not a VRF.
 */
int rtnl_vrf_table(struct rtnl_handle *h, const char *vrf_name,
		   uint32_t *table);

/* ifindex of the VRF @ifindex is enslaved to, 0 if none. -errno on failure. */
int rtnl_link_master(struct rtnl_handle *h, int ifindex);

/*
 * Create an xfrm interface @name with @if_id (!= 0), bound to the
 * underlying device @link_ifindex (0 = none, allowed since 5.x).
 */
int rtnl_xfrmi_add(struct rtnl_handle *h, const char *name, uint32_t if_id,
		   int link_ifindex);
/* if_id of the xfrm interface @name; -EINVAL if it is not one. */
int rtnl_xfrmi_if_id(struct rtnl_handle *h, const char *name,
		     uint32_t *if_id);
/* Create a VRF device @name for @table. */
int rtnl_vrf_add(struct rtnl_handle *h, const char *name, uint32_t table);
/* Enslave @ifindex to @master_ifindex (0 = release). */
int rtnl_link_set_master(struct rtnl_handle *h, int ifindex,
			 int master_ifindex);
int rtnl_link_set_up(struct rtnl_handle *h, int ifindex, bool up);
int rtnl_link_del(struct rtnl_handle *h, int ifindex);

/* ---- routes ---------------------------------------------------------- */

struct rtnl_route {
	int family;			/* AF_INET or AF_INET6 */
	union rtnl_addr dst;
	uint8_t dst_len;
	uint32_t table;			/* e.g. from rtnl_vrf_table(); 0 = main */
	int oif;			/* output device (the xfrm interface) */
	uint8_t protocol;		/* RTPROT_*; ours is > RTPROT_STATIC */
	uint32_t metric;		/* RTA_PRIORITY */
	uint32_t mtu;			/* RTAX_MTU; 0: the device's */
};

struct nlmsghdr;
/* Parse an RTM_NEWROUTE message (a dump's or an event's): 0 or -EINVAL. */
int rtnl_route_parse(const struct nlmsghdr *nlh, struct rtnl_route *r);

/*
 * Add @r (scope link, unicast). With @replace, NLM_F_REPLACE: an existing
 * route with the same prefix/table/metric is replaced (make-before-break on
 * rekey), otherwise -EEXIST if it exists.
 */
int rtnl_route_add(struct rtnl_handle *h, const struct rtnl_route *r,
		   bool replace);
/* Delete the route matching prefix, table, protocol, metric (and oif if set). */
int rtnl_route_del(struct rtnl_handle *h, const struct rtnl_route *r);

/*
 * Delete every route of @protocol in @table, for @family (AF_INET,
 * AF_INET6, or AF_UNSPEC for both). Returns the number deleted or -errno.
 */
int rtnl_route_flush_proto(struct rtnl_handle *h, int family, uint32_t table,
			   uint8_t protocol);

/* Is there a route of r's prefix, table and metric with r->protocol?
 * 1, 0, or -errno. */
int rtnl_route_exists_proto(struct rtnl_handle *h, const struct rtnl_route *r);

/* Count routes of @protocol in @table (@family as above), for checks. */
int rtnl_route_count_proto(struct rtnl_handle *h, int family, uint32_t table,
			   uint8_t protocol);

#endif /* SGW_RTNL_ROUTE_H */
