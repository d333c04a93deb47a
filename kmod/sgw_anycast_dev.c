// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the network device of an anycast group (link kind "sgw_anycast").
 *
 * It carries the group's addresses and nothing else: no packet is ever
 * routed out of it on purpose (what is, is dropped and counted). Its
 * carrier is the group's announcement: on in ACTIVE only. The device is
 * created by its group (sgwctl anycast add) and goes with it: deleting
 * the group deletes the device, and deleting the device ("ip link del",
 * the namespace going, the module unloading) deletes the group, through
 * the device's uninit. The link kind refuses "ip link add"; the device
 * cannot change namespace.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/rtnetlink.h>

#include "sgw_anycast.h"

static netdev_tx_t sgw_anycast_xmit(struct sk_buff *skb,
				    struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static void sgw_anycast_uninit(struct net_device *dev)
{
	sgw_anycast_unlist(netdev_priv(dev));
}

static const struct net_device_ops sgw_anycast_netdev_ops = {
	.ndo_uninit	= sgw_anycast_uninit,
	.ndo_start_xmit	= sgw_anycast_xmit,
};

static void sgw_anycast_setup(struct net_device *dev)
{
	dev->netdev_ops = &sgw_anycast_netdev_ops;
	dev->needs_free_netdev = true;
	dev->type = ARPHRD_NONE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = IPV6_MIN_MTU;
	dev->max_mtu = ETH_DATA_LEN;
	dev->flags = IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
}

/* "ip link add ... type sgw_anycast" is refused before anything is made. */
static int sgw_anycast_validate(struct nlattr *tb[], struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "sgw_anycast devices belong to anycast groups: use 'sgwctl anycast add'");
	return -EOPNOTSUPP;
}

static struct rtnl_link_ops sgw_anycast_link_ops __read_mostly = {
	.kind		= SGW_ANYCAST_LINK_KIND,
	.priv_size	= sizeof(struct sgw_anycast),
	.setup		= sgw_anycast_setup,
	.validate	= sgw_anycast_validate,
};

bool sgw_anycast_is_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &sgw_anycast_link_ops;
}

/* The device of group name, not registered yet. */
struct net_device *sgw_anycast_dev_new(struct net *net, const char *name)
{
	char ifname[IFNAMSIZ];
	struct net_device *dev;

	snprintf(ifname, sizeof(ifname), SGW_ANYCAST_DEV_PREFIX "%s", name);
	dev = alloc_netdev(sizeof(struct sgw_anycast), ifname, NET_NAME_USER,
			   sgw_anycast_setup);
	if (!dev)
		return NULL;
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &sgw_anycast_link_ops;
	return dev;
}

/* Is addr (the address alone, not its length) configured on dev? */
bool sgw_anycast_dev_has_addr(struct net_device *dev,
			      const struct sgw_anycast_addr *addr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	bool found = false;

	if (addr->family == AF_INET6)
		return ipv6_chk_addr(dev_net(dev), &addr->a.v6, dev, 1);
	rcu_read_lock();
	in_dev = __in_dev_get_rcu(dev);
	if (in_dev) {
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (ifa->ifa_local == addr->a.v4) {
				found = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

int __init sgw_anycast_dev_init(void)
{
	return rtnl_link_register(&sgw_anycast_link_ops);
}

/* The namespaces' pre_exit deleted every device already. */
void sgw_anycast_dev_exit(void)
{
	rtnl_link_unregister(&sgw_anycast_link_ops);
}
