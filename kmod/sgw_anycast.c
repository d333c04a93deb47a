// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: anycast groups and their state machine.
 *
 * A group is this gateway's share of an address several gateways announce.
 * Its state follows its health inputs (sgw_anycast_track.c), and its
 * device's carrier follows its state: on in ACTIVE only, so the kernel's
 * connected route, and a routing daemon's announcement of it, exist only
 * then.
 *
 *   DRAINED    the operator drained the group
 *   DOWN       a health input fails
 *   HOLD_DOWN  healthy for less than hold_down_ms (entered from DOWN or
 *              DRAINED; a flapping input restarts it)
 *   STANDBY    healthy, hold-down served, no preempt, and a route of
 *              another gateway to one of the addresses is in the VRF's
 *              table (sgw_anycast_peer.c); looked at every
 *              SGW_ANYCAST_PEER_POLL_MS until it goes
 *   ACTIVE     announced; stays so while healthy, whatever others announce
 *
 * Every change of state is counted and sent as a TRANSITION event. The
 * one timer of a group (a delayed work) fires at the next deadline: the
 * end of hold-down, the heartbeat's, or the next look at the table.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/netns/generic.h>

#include "sgw_anycast.h"

unsigned int sgw_anycast_net_id __read_mostly;

static const char *const sgw_anycast_state_names[] = {
	[SGW_ANYCAST_DOWN]	= "down",
	[SGW_ANYCAST_HOLD_DOWN]	= "hold-down",
	[SGW_ANYCAST_STANDBY]	= "standby",
	[SGW_ANYCAST_ACTIVE]	= "active",
	[SGW_ANYCAST_DRAINED]	= "drained",
};

const char *sgw_anycast_state_name(enum sgw_anycast_state state)
{
	if (state > SGW_ANYCAST_STATE_MAX)
		return "unknown";
	return sgw_anycast_state_names[state];
}

bool sgw_anycast_addr_equal(const struct sgw_anycast_addr *a,
			    const struct sgw_anycast_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->a.v4 == b->a.v4;
	return ipv6_addr_equal(&a->a.v6, &b->a.v6);
}

struct sgw_anycast *sgw_anycast_find(struct sgw_anycast_net *an,
				     const char *name)
{
	struct sgw_anycast *g;

	list_for_each_entry(g, &an->groups, node)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

/* The group (other than except) that has addr among its addresses. */
struct sgw_anycast *sgw_anycast_owner(struct sgw_anycast_net *an,
				      const struct sgw_anycast_addr *addr,
				      const struct sgw_anycast *except)
{
	struct sgw_anycast *g;
	unsigned int i;

	list_for_each_entry(g, &an->groups, node) {
		if (g == except)
			continue;
		for (i = 0; i < g->cfg.n_addrs; i++)
			if (sgw_anycast_addr_equal(&g->cfg.addrs[i], addr))
				return g;
	}
	return NULL;
}

static void sgw_anycast_set_state(struct sgw_anycast *g,
				  enum sgw_anycast_state state, u64 now)
{
	enum sgw_anycast_state old = g->state;

	g->state = state;
	g->state_since = now;
	g->transitions++;
	if (old == SGW_ANYCAST_ACTIVE)
		g->withdrawals++;
	if (state == SGW_ANYCAST_ACTIVE)
		netif_carrier_on(g->dev);
	else
		netif_carrier_off(g->dev);
	netdev_info(g->dev, "anycast group %s: %s -> %s (reasons 0x%x)\n",
		    g->name, sgw_anycast_state_name(old),
		    sgw_anycast_state_name(state), g->reasons);
	sgw_anycast_event(g, SGW_EVENT_TRANSITION);
}

/* Healthy and hold-down served: ACTIVE or, without preempt, STANDBY. */
static enum sgw_anycast_state sgw_anycast_settle(struct sgw_anycast *g)
{
	memset(&g->peer_via, 0, sizeof(g->peer_via));
	if (g->state == SGW_ANYCAST_ACTIVE || g->cfg.preempt)
		return SGW_ANYCAST_ACTIVE;
	if (sgw_anycast_peer_announces(g, &g->peer_via)) {
		g->reasons |= SGW_ANYCAST_R_PEER;
		return SGW_ANYCAST_STANDBY;
	}
	return SGW_ANYCAST_ACTIVE;
}

static enum sgw_anycast_state sgw_anycast_next(struct sgw_anycast *g, u64 now)
{
	u64 hold_end;

	g->reasons = sgw_anycast_health(g, now);
	if (g->reasons & SGW_ANYCAST_R_DRAINED)
		return SGW_ANYCAST_DRAINED;
	if (g->reasons)
		return SGW_ANYCAST_DOWN;
	switch (g->state) {
	case SGW_ANYCAST_DOWN:
	case SGW_ANYCAST_DRAINED:
		if (!g->cfg.hold_down_ms)
			return sgw_anycast_settle(g);
		g->reasons = SGW_ANYCAST_R_HOLD_DOWN;
		return SGW_ANYCAST_HOLD_DOWN;
	case SGW_ANYCAST_HOLD_DOWN:
		hold_end = g->state_since + g->cfg.hold_down_ms;
		if (now < hold_end) {
			g->reasons = SGW_ANYCAST_R_HOLD_DOWN;
			return SGW_ANYCAST_HOLD_DOWN;
		}
		return sgw_anycast_settle(g);
	default:
		return sgw_anycast_settle(g);
	}
}

/* The earliest moment the state may change without an event, or 0. */
static u64 sgw_anycast_deadline(struct sgw_anycast *g, u64 now)
{
	u64 next = 0;

	if (g->cfg.track_ikud && g->ikud_portid &&
	    !(g->reasons & SGW_ANYCAST_R_HEARTBEAT))
		next = g->heartbeat_at + g->cfg.heartbeat_ms + 1;
	if (g->state == SGW_ANYCAST_HOLD_DOWN) {
		u64 end = g->state_since + g->cfg.hold_down_ms;

		if (!next || end < next)
			next = end;
	}
	if (g->state == SGW_ANYCAST_STANDBY) {
		u64 poll = now + SGW_ANYCAST_PEER_POLL_MS;

		if (!next || poll < next)
			next = poll;
	}
	return next;
}

/*
 * Re-evaluates the group after anything that may change its state: an
 * input, its configuration, or a deadline. Under an->lock.
 */
void sgw_anycast_update(struct sgw_anycast *g)
{
	u64 now = sgw_anycast_now(), next;
	enum sgw_anycast_state state;

	lockdep_assert_held(&g->an->lock);
	if (!g->listed)
		return;
	state = sgw_anycast_next(g, now);
	if (state != g->state)
		sgw_anycast_set_state(g, state, now);
	next = sgw_anycast_deadline(g, now);
	if (next)
		mod_delayed_work(system_wq, &g->work,
				 next > now ? msecs_to_jiffies(next - now) : 0);
	else
		cancel_delayed_work(&g->work);
}

static void sgw_anycast_work(struct work_struct *work)
{
	struct sgw_anycast *g = container_of(to_delayed_work(work),
					     struct sgw_anycast, work);
	struct sgw_anycast_net *an = g->an;

	mutex_lock(&an->lock);
	sgw_anycast_update(g);
	mutex_unlock(&an->lock);
}

static void sgw_anycast_insert(struct sgw_anycast_net *an,
			       struct sgw_anycast *g)
{
	struct sgw_anycast *pos;

	list_for_each_entry(pos, &an->groups, node)
		if (strcmp(pos->name, g->name) > 0)
			break;
	list_add_tail(&g->node, &pos->node);
	an->n_groups++;
	sgw_anycast_gen_bump(an);
	g->listed = true;
}

/* Puts the new device into the VRF and brings it up. Under RTNL. */
static int sgw_anycast_dev_place(struct net_device *dev, int vrf_ifindex,
				 struct netlink_ext_ack *extack)
{
	struct net_device *vrf;
	int err;

	if (vrf_ifindex) {
		vrf = __dev_get_by_index(dev_net(dev), vrf_ifindex);
		if (!vrf || !netif_is_l3_master(vrf) ||
		    !vrf->netdev_ops->ndo_add_slave) {
			NL_SET_ERR_MSG(extack, "the VRF is gone");
			return -ENODEV;
		}
		err = vrf->netdev_ops->ndo_add_slave(vrf, dev, extack);
		if (err)
			return err;
	}
	return dev_change_flags(dev, dev->flags | IFF_UP, extack);
}

/*
 * Creates the group and its device. Under RTNL (the caller has checked
 * the name and the addresses under it); takes an->lock.
 */
int sgw_anycast_create(struct sgw_anycast_net *an, const char *name,
		       const struct sgw_anycast_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct sgw_anycast *g;
	int err;

	ASSERT_RTNL();
	dev = sgw_anycast_dev_new(an->net, name);
	if (!dev)
		return -ENOMEM;
	g = netdev_priv(dev);
	g->an = an;
	g->dev = dev;
	strscpy(g->name, name, sizeof(g->name));
	g->cfg = *cfg;
	g->state = SGW_ANYCAST_DOWN;
	g->state_since = sgw_anycast_now();
	INIT_DELAYED_WORK(&g->work, sgw_anycast_work);
	netif_carrier_off(dev);
	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot register the group's device");
		free_netdev(dev);
		return err;
	}
	err = sgw_anycast_dev_place(dev, cfg->vrf_ifindex, extack);
	if (err) {
		unregister_netdevice(dev);
		return err;
	}
	mutex_lock(&an->lock);
	sgw_anycast_insert(an, g);
	sgw_anycast_event(g, SGW_EVENT_CREATED);
	sgw_anycast_update(g);
	mutex_unlock(&an->lock);
	return 0;
}

/*
 * The device is being unregistered (a DEL, the namespace going, module
 * unload): the group leaves the list, its timer stops. Under RTNL.
 */
void sgw_anycast_unlist(struct sgw_anycast *g)
{
	struct sgw_anycast_net *an = g->an;

	if (!an)
		return;		/* never listed: registration failed */
	mutex_lock(&an->lock);
	if (g->listed) {
		g->listed = false;
		list_del(&g->node);
		an->n_groups--;
		sgw_anycast_gen_bump(an);
		netif_carrier_off(g->dev);
		sgw_anycast_event(g, SGW_EVENT_DELETED);
	}
	mutex_unlock(&an->lock);
	cancel_delayed_work_sync(&g->work);
}

/* ---- namespaces -------------------------------------------------------- */

static int __net_init sgw_anycast_net_init(struct net *net)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(net);

	an->net = net;
	mutex_init(&an->lock);
	INIT_LIST_HEAD(&an->groups);
	an->gen = 1;
	return 0;
}

/*
 * The state is a subsystem's, set up before any device of a new namespace
 * registers (the notifiers look at it from the first one on).
 *
 * A namespace goes, or the module: its groups' devices go first (every
 * pre_exit runs before any device is taken down), while everything they
 * depend on (VRFs, notifiers) still exists.
 */
static void __net_exit sgw_anycast_net_pre_exit(struct net *net)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(net);
	struct sgw_anycast *g;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(g, &an->groups, node)
		unregister_netdevice_queue(g->dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations sgw_anycast_net_ops = {
	.init		= sgw_anycast_net_init,
	.pre_exit	= sgw_anycast_net_pre_exit,
	.id		= &sgw_anycast_net_id,
	.size		= sizeof(struct sgw_anycast_net),
};

int __init sgw_anycast_init(void)
{
	int err;

	err = register_pernet_subsys(&sgw_anycast_net_ops);
	if (err)
		return err;
	err = sgw_anycast_dev_init();
	if (err)
		goto pernet;
	err = sgw_anycast_track_init();
	if (err)
		goto dev;
	return 0;
dev:
	sgw_anycast_dev_exit();
pernet:
	unregister_pernet_subsys(&sgw_anycast_net_ops);
	return err;
}

/*
 * After the netlink family is gone (no new group can appear): the
 * inputs stop, every namespace's groups go (pre_exit), then the link kind.
 */
void sgw_anycast_exit(void)
{
	sgw_anycast_track_exit();
	unregister_pernet_subsys(&sgw_anycast_net_ops);
	sgw_anycast_dev_exit();
}
