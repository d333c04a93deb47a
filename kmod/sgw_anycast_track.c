// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the health inputs of anycast groups, and the guards of their
 * addresses.
 *
 * Inputs: the drain flag; the IKE service (registered through netlink; its
 * socket's release, seen by the netlink notifier, unregisters it at once,
 * and a heartbeat older than heartbeat_ms counts as a hung service);
 * tracked links, by name (running and operationally up; a link that does
 * not exist is down); the group's own device (administratively up, in its
 * VRF). The netdevice notifier re-evaluates the groups a device matters
 * to; deadlines are the group's timer's business (sgw_anycast.c).
 *
 * Guards: address validators refuse, on a group's device, any address
 * that is not the group's, and the group's addresses on any other device.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/addrconf.h>
#include <net/l3mdev.h>
#include <net/netns/generic.h>

#include "sgw_anycast.h"

bool sgw_anycast_link_up(struct net *net, const char *name, int *ifindex)
{
	struct net_device *dev;
	bool up = false;

	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, name);
	if (ifindex)
		*ifindex = dev ? dev->ifindex : 0;
	if (dev)
		up = netif_running(dev) && netif_oper_up(dev);
	rcu_read_unlock();
	return up;
}

static bool sgw_anycast_in_vrf(struct sgw_anycast *g)
{
	int master;

	rcu_read_lock();
	master = l3mdev_master_ifindex_rcu(g->dev);
	rcu_read_unlock();
	return master == g->cfg.vrf_ifindex;
}

/* The failing inputs of g, as SGW_ANYCAST_R_* bits. Under an->lock. */
u32 sgw_anycast_health(struct sgw_anycast *g, u64 now)
{
	struct net *net = dev_net(g->dev);
	u32 reasons = 0;
	unsigned int i;

	if (g->cfg.drained)
		reasons |= SGW_ANYCAST_R_DRAINED;
	if (g->cfg.track_ikud) {
		if (!g->ikud_portid)
			reasons |= SGW_ANYCAST_R_IKUD;
		else if (now > g->heartbeat_at + g->cfg.heartbeat_ms)
			reasons |= SGW_ANYCAST_R_HEARTBEAT;
	}
	for (i = 0; i < g->cfg.n_links; i++)
		if (!sgw_anycast_link_up(net, g->cfg.links[i], NULL))
			reasons |= SGW_ANYCAST_R_LINK;
	if (!netif_running(g->dev))
		reasons |= SGW_ANYCAST_R_DEVICE;
	if (!sgw_anycast_in_vrf(g))
		reasons |= SGW_ANYCAST_R_VRF;
	return reasons;
}

/* ---- devices ------------------------------------------------------------- */

static bool sgw_anycast_tracks(const struct sgw_anycast *g,
			       const struct net_device *dev,
			       unsigned long event)
{
	unsigned int i;

	if (dev == g->dev || dev->ifindex == g->cfg.vrf_ifindex)
		return true;
	if (event == NETDEV_CHANGENAME)	/* the old name is gone */
		return g->cfg.n_links;
	for (i = 0; i < g->cfg.n_links; i++)
		if (!strcmp(g->cfg.links[i], dev->name))
			return true;
	return false;
}

static int sgw_anycast_netdev_event(struct notifier_block *nb,
				    unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct sgw_anycast_net *an;
	struct sgw_anycast *g;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGENAME:
	case NETDEV_CHANGEUPPER:
		break;
	default:
		return NOTIFY_DONE;
	}
	an = sgw_anycast_pernet(dev_net(dev));
	mutex_lock(&an->lock);
	list_for_each_entry(g, &an->groups, node)
		if (sgw_anycast_tracks(g, dev, event))
			sgw_anycast_update(g);
	mutex_unlock(&an->lock);
	return NOTIFY_DONE;
}

static struct notifier_block sgw_anycast_netdev_nb = {
	.notifier_call = sgw_anycast_netdev_event,
};

/* ---- the IKE service's socket ---------------------------------------------- */

static int sgw_anycast_netlink_event(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct sgw_anycast_net *an;
	struct sgw_anycast *g;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	an = sgw_anycast_pernet(n->net);
	mutex_lock(&an->lock);
	list_for_each_entry(g, &an->groups, node) {
		if (g->ikud_portid != n->portid)
			continue;
		netdev_info(g->dev, "anycast group %s: IKE service (pid %u) gone\n",
			    g->name, g->ikud_pid);
		g->ikud_portid = 0;
		g->ikud_pid = 0;
		sgw_anycast_update(g);
	}
	mutex_unlock(&an->lock);
	return NOTIFY_DONE;
}

static struct notifier_block sgw_anycast_netlink_nb = {
	.notifier_call = sgw_anycast_netlink_event,
};

/* ---- address guards -------------------------------------------------------- */

static int sgw_anycast_addr_check(struct net_device *dev,
				  const struct sgw_anycast_addr *addr,
				  struct netlink_ext_ack *extack)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(dev_net(dev));
	struct sgw_anycast *g;
	int err = 0;
	unsigned int i;

	mutex_lock(&an->lock);
	if (sgw_anycast_is_dev(dev)) {
		g = netdev_priv(dev);
		err = -EADDRNOTAVAIL;
		for (i = 0; g->listed && i < g->cfg.n_addrs; i++)
			if (sgw_anycast_addr_equal(&g->cfg.addrs[i], addr))
				err = 0;
		if (err)
			NL_SET_ERR_MSG(extack,
				       "not an address of this anycast group (sgwctl anycast set NAME address ...)");
	} else if (sgw_anycast_owner(an, addr, NULL)) {
		NL_SET_ERR_MSG(extack,
			       "the address belongs to an anycast group: it lives on the group's device");
		err = -EADDRINUSE;
	}
	mutex_unlock(&an->lock);
	return notifier_from_errno(err);
}

static int sgw_anycast_inet_validate(struct notifier_block *nb,
				     unsigned long event, void *ptr)
{
	struct in_validator_info *ivi = ptr;
	struct sgw_anycast_addr addr = { .family = AF_INET };

	if (event != NETDEV_UP)
		return NOTIFY_DONE;
	addr.a.v4 = ivi->ivi_addr;
	return sgw_anycast_addr_check(ivi->ivi_dev->dev, &addr, ivi->extack);
}

static int sgw_anycast_inet6_validate(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	struct in6_validator_info *i6vi = ptr;
	struct sgw_anycast_addr addr = { .family = AF_INET6 };

	if (event != NETDEV_UP)
		return NOTIFY_DONE;
	addr.a.v6 = i6vi->i6vi_addr;
	return sgw_anycast_addr_check(i6vi->i6vi_dev->dev, &addr,
				      i6vi->extack);
}

static struct notifier_block sgw_anycast_inet_nb = {
	.notifier_call = sgw_anycast_inet_validate,
};

static struct notifier_block sgw_anycast_inet6_nb = {
	.notifier_call = sgw_anycast_inet6_validate,
};

int __init sgw_anycast_track_init(void)
{
	int err;

	err = register_netdevice_notifier(&sgw_anycast_netdev_nb);
	if (err)
		return err;
	err = netlink_register_notifier(&sgw_anycast_netlink_nb);
	if (err)
		goto netdev;
	err = register_inetaddr_validator_notifier(&sgw_anycast_inet_nb);
	if (err)
		goto netlink;
	err = register_inet6addr_validator_notifier(&sgw_anycast_inet6_nb);
	if (err)
		goto inet;
	return 0;
inet:
	unregister_inetaddr_validator_notifier(&sgw_anycast_inet_nb);
netlink:
	netlink_unregister_notifier(&sgw_anycast_netlink_nb);
netdev:
	unregister_netdevice_notifier(&sgw_anycast_netdev_nb);
	return err;
}

void sgw_anycast_track_exit(void)
{
	unregister_inet6addr_validator_notifier(&sgw_anycast_inet6_nb);
	unregister_inetaddr_validator_notifier(&sgw_anycast_inet_nb);
	netlink_unregister_notifier(&sgw_anycast_netlink_nb);
	unregister_netdevice_notifier(&sgw_anycast_netdev_nb);
}
