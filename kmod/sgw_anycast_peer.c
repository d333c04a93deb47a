// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: does another gateway announce a group's address?
 *
 * How a gateway learns it: the routing daemon installs the route to the
 * address that it learnt from another gateway (BGP, through a route
 * reflector or a direct session) into the VRF's table, as soon as the
 * gateway's own connected route is gone, which is the case whenever the
 * group is not ACTIVE. So another gateway announces the address when the
 * VRF's table holds a unicast route to exactly the address's prefix
 * through a device other than the group's own.
 *
 * The group's device also has a local route to the address in the VRF's
 * table, first for the prefix, and a plain lookup would stop there. The
 * lookup is therefore made once per other device of the VRF, with that
 * device as output interface: the local route (through the group's
 * device) does not qualify, a route through that device does. The rules
 * (local, l3mdev, main) are followed as for any lookup in the VRF.
 */

#include <linux/netdevice.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/ipv6_stubs.h>
#include <net/l3mdev.h>
#include <net/nexthop.h>

#include "sgw_anycast.h"

static bool sgw_anycast_peer4(struct net *net, const struct sgw_anycast *g,
			      const struct sgw_anycast_addr *addr,
			      const struct net_device *dev,
			      struct sgw_anycast_addr *via)
{
	struct flowi4 fl4 = {
		.daddr = addr->a.v4,
		.flowi4_oif = dev->ifindex,
		.flowi4_l3mdev = g->cfg.vrf_ifindex,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
	};
	struct fib_result res;

	if (fib_lookup(net, &fl4, &res, 0) || res.type != RTN_UNICAST ||
	    res.prefixlen != addr->plen)
		return false;
	memset(via, 0, sizeof(*via));
	if (res.nhc && res.nhc->nhc_gw_family == AF_INET) {
		via->family = AF_INET;
		via->plen = 32;
		via->a.v4 = res.nhc->nhc_gw.ipv4;
	}
	return true;
}

static bool sgw_anycast_peer6(struct net *net, const struct sgw_anycast *g,
			      const struct sgw_anycast_addr *addr,
			      const struct net_device *dev,
			      struct sgw_anycast_addr *via)
{
	struct flowi6 fl6 = {
		.daddr = addr->a.v6,
		.flowi6_oif = dev->ifindex,
		.flowi6_l3mdev = g->cfg.vrf_ifindex,
	};
	struct fib6_result res = {};
	const struct fib6_info *f6i;

	if (ipv6_stub->fib6_lookup(net, dev->ifindex, &fl6, &res,
				   RT6_LOOKUP_F_IFACE))
		return false;
	f6i = res.f6i;
	if (!f6i || f6i == net->ipv6.fib6_null_entry ||
	    res.fib6_type != RTN_UNICAST || f6i->fib6_dst.plen != addr->plen)
		return false;
	memset(via, 0, sizeof(*via));
	if (res.nh && res.nh->fib_nh_gw_family == AF_INET6) {
		via->family = AF_INET6;
		via->plen = 128;
		via->a.v6 = res.nh->fib_nh_gw6;
	}
	return true;
}

/* Is dev, other than the group's own, in the group's VRF? */
static bool sgw_anycast_peer_dev(const struct sgw_anycast *g,
				 struct net_device *dev)
{
	if (dev == g->dev || dev->flags & IFF_LOOPBACK)
		return false;
	if (!g->cfg.vrf_ifindex)
		return !netif_is_l3_master(dev) &&
		       !l3mdev_master_ifindex_rcu(dev);
	return dev->ifindex == g->cfg.vrf_ifindex ||
	       l3mdev_master_ifindex_rcu(dev) == g->cfg.vrf_ifindex;
}

/*
 * True if a route of another gateway to one of g's addresses is in the
 * VRF's table; its next hop goes to *via (family 0 when it has none).
 */
bool sgw_anycast_peer_announces(struct sgw_anycast *g,
				struct sgw_anycast_addr *via)
{
	struct net *net = dev_net(g->dev);
	struct net_device *dev;
	bool found = false;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < g->cfg.n_addrs && !found; i++) {
		const struct sgw_anycast_addr *addr = &g->cfg.addrs[i];

		for_each_netdev_rcu(net, dev) {
			if (!sgw_anycast_peer_dev(g, dev))
				continue;
			found = addr->family == AF_INET ?
				sgw_anycast_peer4(net, g, addr, dev, via) :
				sgw_anycast_peer6(net, g, addr, dev, via);
			if (found)
				break;
		}
	}
	rcu_read_unlock();
	return found;
}
