// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: per network namespace state, and what happens when a VRF device or
 * a namespace goes away: the policers of a deleted VRF are deleted (with
 * an event); a namespace's exit removes its hooks, then every object.
 *
 * A namespace goes (netns deletion, or every namespace at module unload)
 * in two steps. .pre_exit unregisters the hooks; the core then waits for
 * an RCU grace period, after which no packet is inside a hook any more;
 * only then does .exit free the objects, and the core the sgw_net itself.
 * Unregistering the hooks in .exit instead would let a packet that entered
 * a hook before it read the sgw_net the core frees right after .exit.
 */

#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/slab.h>

#include "sgw.h"

unsigned int sgw_net_id __read_mostly;

static int __net_init sgw_net_init(struct net *net)
{
	struct sgw_net *sn = sgw_pernet(net);

	sn->net = net;
	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->plists);
	INIT_LIST_HEAD(&sn->policers);
	sn->gen = 1;
	return sgw_hook_net_init(net);
}

static void __net_exit sgw_net_pre_exit(struct net *net)
{
	sgw_hook_net_exit(net);
	sgw_policer_net_dying(sgw_pernet(net));
}

static void __net_exit sgw_net_exit(struct net *net)
{
	struct sgw_net *sn = sgw_pernet(net);

	mutex_lock(&sn->lock);
	sgw_policer_flush(sn);
	sgw_plist_flush(sn);
	mutex_unlock(&sn->lock);
}

static struct pernet_operations sgw_net_ops = {
	.init	= sgw_net_init,
	.pre_exit = sgw_net_pre_exit,
	.exit	= sgw_net_exit,
	.id	= &sgw_net_id,
	.size	= sizeof(struct sgw_net),
};

static int sgw_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER && netif_is_l3_master(dev))
		sgw_policer_vrf_gone(sgw_pernet(dev_net(dev)), dev->ifindex);
	return NOTIFY_DONE;
}

static struct notifier_block sgw_netdev_nb = {
	.notifier_call = sgw_netdev_event,
};

int __init sgw_netns_init(void)
{
	int err;

	err = register_pernet_subsys(&sgw_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&sgw_netdev_nb);
	if (err)
		unregister_pernet_subsys(&sgw_net_ops);
	return err;
}

void sgw_netns_exit(void)
{
	unregister_netdevice_notifier(&sgw_netdev_nb);
	unregister_pernet_subsys(&sgw_net_ops);
	/* Objects are freed in RCU callbacks, which must run before the
	 * module's text goes.
	 */
	rcu_barrier();
}
