// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the generic netlink commands of anycast groups, and their events.
 *
 * Every change runs under RTNL and the namespace's anycast lock, RTNL
 * first (see sgw_anycast.h): the checks of a request and its effect see
 * the same groups, devices and addresses. A rejected request changes
 * nothing and says why in its extended ack, pointing at the attribute.
 */

#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/stringify.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/ipv6_stubs.h>
#include <net/sock.h>

#include "sgw.h"
#include "sgw_anycast.h"

static const struct nla_policy sgw_alink_policy[SGW_ALINK_A_MAX + 1] = {
	[SGW_ALINK_A_NAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static struct netlink_range_validation sgw_heartbeat_range = {
	.min = SGW_ANYCAST_HEARTBEAT_MIN_MS,
	.max = SGW_ANYCAST_HEARTBEAT_MAX_MS,
};

static struct netlink_range_validation sgw_hold_down_range = {
	.max = SGW_ANYCAST_HOLD_DOWN_MAX_MS,
};

const struct nla_policy sgw_anycast_policy[SGW_ANYCAST_A_MAX + 1] = {
	[SGW_ANYCAST_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_ANYCAST_NAME_MAX - 1 },
	[SGW_ANYCAST_A_VRF]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[SGW_ANYCAST_A_ADDRESS]	= _NLA_POLICY_NESTED(SGW_PREFIX_A_MAX,
						     sgw_prefix_policy),
	[SGW_ANYCAST_A_TRACK_IKUD] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_ANYCAST_A_LINK]	= NLA_POLICY_NESTED(sgw_alink_policy),
	[SGW_ANYCAST_A_NO_LINKS] = { .type = NLA_FLAG },
	[SGW_ANYCAST_A_HEARTBEAT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &sgw_heartbeat_range),
	[SGW_ANYCAST_A_HOLD_DOWN_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &sgw_hold_down_range),
	[SGW_ANYCAST_A_PREEMPT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_ANYCAST_A_DRAINED]	= NLA_POLICY_MAX(NLA_U8, 1),
};

/* Only the name: for requests that address one group. */
const struct nla_policy sgw_anycast_name_policy[SGW_ANYCAST_A_NAME + 1] = {
	[SGW_ANYCAST_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_ANYCAST_NAME_MAX - 1 },
};

/* ---- replies and events ------------------------------------------------ */

static int sgw_anycast_put_addr(struct sk_buff *skb, int type,
				const struct sgw_anycast_addr *a)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put(skb, SGW_PREFIX_A_ADDR, a->family == AF_INET ? 4 : 16,
		    &a->a) ||
	    nla_put_u8(skb, SGW_PREFIX_A_PLEN, a->plen))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int sgw_anycast_fill_addrs(struct sk_buff *skb, struct sgw_anycast *g)
{
	unsigned int i;

	for (i = 0; i < g->cfg.n_addrs; i++)
		if (sgw_anycast_put_addr(skb, SGW_ANYCAST_A_ADDRESS,
					 &g->cfg.addrs[i]))
			return -EMSGSIZE;
	for (i = 0; i < g->cfg.n_addrs; i++)
		if (!sgw_anycast_dev_has_addr(g->dev, &g->cfg.addrs[i]) &&
		    sgw_anycast_put_addr(skb, SGW_ANYCAST_A_MISSING,
					 &g->cfg.addrs[i]))
			return -EMSGSIZE;
	return 0;
}

static int sgw_anycast_fill_links(struct sk_buff *skb, struct sgw_anycast *g)
{
	struct net *net = dev_net(g->dev);
	struct nlattr *nest;
	unsigned int i;
	int ifindex;
	bool up;

	for (i = 0; i < g->cfg.n_links; i++) {
		up = sgw_anycast_link_up(net, g->cfg.links[i], &ifindex);
		nest = nla_nest_start(skb, SGW_ANYCAST_A_LINK);
		if (!nest ||
		    nla_put_string(skb, SGW_ALINK_A_NAME, g->cfg.links[i]) ||
		    nla_put_u32(skb, SGW_ALINK_A_IFINDEX, ifindex) ||
		    nla_put_u8(skb, SGW_ALINK_A_UP, up))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int sgw_anycast_fill_config(struct sk_buff *skb, struct sgw_anycast *g)
{
	char vrf[IFNAMSIZ] = SGW_VRF_DEFAULT;
	struct net_device *dev;

	if (g->cfg.vrf_ifindex) {
		rcu_read_lock();
		dev = dev_get_by_index_rcu(dev_net(g->dev), g->cfg.vrf_ifindex);
		strscpy(vrf, dev ? dev->name : "", sizeof(vrf));
		rcu_read_unlock();
	}
	if (nla_put_string(skb, SGW_ANYCAST_A_NAME, g->name) ||
	    nla_put_string(skb, SGW_ANYCAST_A_VRF, vrf) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_VRF_IFINDEX, g->cfg.vrf_ifindex) ||
	    nla_put_string(skb, SGW_ANYCAST_A_DEVICE, g->dev->name) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_IFINDEX, g->dev->ifindex) ||
	    sgw_anycast_fill_addrs(skb, g) ||
	    nla_put_u8(skb, SGW_ANYCAST_A_TRACK_IKUD, g->cfg.track_ikud) ||
	    sgw_anycast_fill_links(skb, g) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_HEARTBEAT_MS, g->cfg.heartbeat_ms) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_HOLD_DOWN_MS, g->cfg.hold_down_ms) ||
	    nla_put_u8(skb, SGW_ANYCAST_A_PREEMPT, g->cfg.preempt) ||
	    nla_put_u8(skb, SGW_ANYCAST_A_DRAINED, g->cfg.drained))
		return -EMSGSIZE;
	return 0;
}

static int sgw_anycast_fill_ikud(struct sk_buff *skb, struct sgw_anycast *g,
				 u64 now)
{
	if (nla_put_u32(skb, SGW_ANYCAST_A_IKUD_PID, g->ikud_pid) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_IKUD_PORTID, g->ikud_portid))
		return -EMSGSIZE;
	if (g->ikud_portid &&
	    nla_put_u32(skb, SGW_ANYCAST_A_HEARTBEAT_AGE_MS,
			(u32)min_t(u64, now - g->heartbeat_at, U32_MAX)))
		return -EMSGSIZE;
	return 0;
}

static int sgw_anycast_fill_state(struct sk_buff *skb, struct sgw_anycast *g)
{
	u64 now = sgw_anycast_now(), hold_end;
	u32 left = 0;

	if (g->state == SGW_ANYCAST_HOLD_DOWN) {
		hold_end = g->state_since + g->cfg.hold_down_ms;
		left = hold_end > now ? (u32)(hold_end - now) : 0;
	}
	if (nla_put_u32(skb, SGW_ANYCAST_A_STATE, g->state) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_REASONS, g->reasons) ||
	    nla_put_u64_64bit(skb, SGW_ANYCAST_A_TRANSITIONS, g->transitions,
			      SGW_ANYCAST_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ANYCAST_A_WITHDRAWALS, g->withdrawals,
			      SGW_ANYCAST_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ANYCAST_A_STATE_MS, now - g->state_since,
			      SGW_ANYCAST_A_PAD) ||
	    nla_put_u32(skb, SGW_ANYCAST_A_HOLD_DOWN_LEFT_MS, left) ||
	    sgw_anycast_fill_ikud(skb, g, now))
		return -EMSGSIZE;
	if ((g->reasons & SGW_ANYCAST_R_PEER) && g->peer_via.family &&
	    nla_put(skb, SGW_ANYCAST_A_PEER_VIA,
		    g->peer_via.family == AF_INET ? 4 : 16, &g->peer_via.a))
		return -EMSGSIZE;
	return 0;
}

/* The group as GET, REGISTER and events show it. Under an->lock. */
static int sgw_anycast_fill(struct sk_buff *skb, struct sgw_anycast *g)
{
	return sgw_anycast_fill_config(skb, g) ?: sgw_anycast_fill_state(skb, g);
}

void sgw_anycast_event(struct sgw_anycast *g, u32 action)
{
	struct net *net = dev_net(g->dev);
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = sgw_genl_event_new(net, SGW_OBJ_ANYCAST, action, g->name, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, SGW_EVENT_A_ANYCAST);
	if (!nest || sgw_anycast_fill(skb, g)) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	sgw_genl_event_send(net, skb, hdr);
}

/* ---- request parsing ----------------------------------------------------- */

static bool sgw_anycast_addr_unicast(const struct sgw_anycast_addr *a)
{
	int type;

	if (a->family == AF_INET)
		return !ipv4_is_zeronet(a->a.v4) && !ipv4_is_loopback(a->a.v4) &&
		       !ipv4_is_multicast(a->a.v4) && !ipv4_is_lbcast(a->a.v4);
	type = ipv6_addr_type(&a->a.v6);
	return !(type & (IPV6_ADDR_ANY | IPV6_ADDR_LOOPBACK |
			 IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL |
			 IPV6_ADDR_MAPPED));
}

static int sgw_anycast_parse_addr(const struct nlattr *nest,
				  struct sgw_anycast_addr *a,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGW_PREFIX_A_MAX + 1];
	int err, len;

	err = nla_parse_nested(tb, SGW_PREFIX_A_MAX, nest, sgw_prefix_policy,
			       extack);
	if (err)
		return err;
	if (!tb[SGW_PREFIX_A_ADDR] || !tb[SGW_PREFIX_A_PLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "an address needs its address and prefix length");
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	len = nla_len(tb[SGW_PREFIX_A_ADDR]);
	a->plen = nla_get_u8(tb[SGW_PREFIX_A_PLEN]);
	if (len == 4 && a->plen <= 32) {
		a->family = AF_INET;
		a->a.v4 = nla_get_in_addr(tb[SGW_PREFIX_A_ADDR]);
	} else if (len == 16 && a->plen <= 128) {
		a->family = AF_INET6;
		a->a.v6 = nla_get_in6_addr(tb[SGW_PREFIX_A_ADDR]);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "an address is 4 bytes with length 0..32 or 16 with 0..128");
		return -EINVAL;
	}
	if (!a->plen || !sgw_anycast_addr_unicast(a)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "an anycast address must be a global unicast address with a non-zero prefix length");
		return -EINVAL;
	}
	return 0;
}

/* ADDRESS attributes of the request into cfg (when there are any). */
static int sgw_anycast_parse_addrs(struct genl_info *info,
				   struct sgw_anycast_cfg *cfg)
{
	struct sgw_anycast_addr addrs[SGW_ANYCAST_MAX_ADDRS];
	const struct nlattr *nla;
	unsigned int n = 0, i;
	int rem, err;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != SGW_ANYCAST_A_ADDRESS)
			continue;
		if (n == SGW_ANYCAST_MAX_ADDRS) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "too many addresses (at most "
					    __stringify(SGW_ANYCAST_MAX_ADDRS) ")");
			return -E2BIG;
		}
		err = sgw_anycast_parse_addr(nla, &addrs[n], info->extack);
		if (err)
			return err;
		for (i = 0; i < n; i++)
			if (sgw_anycast_addr_equal(&addrs[i], &addrs[n])) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "address given twice");
				return -EINVAL;
			}
		n++;
	}
	if (n) {
		memcpy(cfg->addrs, addrs, n * sizeof(addrs[0]));
		cfg->n_addrs = n;
	}
	return 0;
}

/* LINK attributes (or NO_LINKS) of the request into cfg. */
static int sgw_anycast_parse_links(struct genl_info *info,
				   struct sgw_anycast_cfg *cfg)
{
	struct nlattr *tb[SGW_ALINK_A_MAX + 1];
	struct sgw_anycast_cfg links = {};
	const struct nlattr *nla;
	unsigned int i;
	int rem, err;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != SGW_ANYCAST_A_LINK)
			continue;
		if (info->attrs[SGW_ANYCAST_A_NO_LINKS]) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "links given with no-links");
			return -EINVAL;
		}
		if (links.n_links == SGW_ANYCAST_MAX_LINKS) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "too many tracked links (at most "
					    __stringify(SGW_ANYCAST_MAX_LINKS) ")");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, SGW_ALINK_A_MAX, nla,
				       sgw_alink_policy, info->extack);
		if (err)
			return err;
		if (!tb[SGW_ALINK_A_NAME] ||
		    !dev_valid_name(nla_data(tb[SGW_ALINK_A_NAME]))) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "a tracked link needs a valid device name");
			return -EINVAL;
		}
		for (i = 0; i < links.n_links; i++)
			if (!strcmp(links.links[i], nla_data(tb[SGW_ALINK_A_NAME]))) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "link given twice");
				return -EINVAL;
			}
		strscpy(links.links[links.n_links++],
			nla_data(tb[SGW_ALINK_A_NAME]), IFNAMSIZ);
	}
	if (links.n_links || info->attrs[SGW_ANYCAST_A_NO_LINKS]) {
		memcpy(cfg->links, links.links, sizeof(cfg->links));
		cfg->n_links = links.n_links;
	}
	return 0;
}

static int sgw_anycast_parse_vrf(struct net *net, const struct nlattr *nla,
				 int *ifindex, struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int err = 0;

	if (!strcmp(nla_data(nla), SGW_VRF_DEFAULT)) {
		*ifindex = 0;
		return 0;
	}
	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, nla_data(nla));
	if (!dev || !netif_is_l3_master(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "no VRF device of that name");
		err = -ENODEV;
	} else {
		*ifindex = dev->ifindex;
	}
	rcu_read_unlock();
	return err;
}

/* The request's attributes over cfg (defaults, or the group's own). */
static int sgw_anycast_parse(struct net *net, struct genl_info *info,
			     struct sgw_anycast_cfg *cfg, bool new)
{
	struct nlattr **tb = info->attrs;
	int vrf, err;

	if (tb[SGW_ANYCAST_A_VRF]) {
		err = sgw_anycast_parse_vrf(net, tb[SGW_ANYCAST_A_VRF], &vrf,
					    info->extack);
		if (err)
			return err;
		if (!new && vrf != cfg->vrf_ifindex) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_ANYCAST_A_VRF],
					    "a group's VRF cannot change: delete the group and add it again");
			return -EINVAL;
		}
		cfg->vrf_ifindex = vrf;
	}
	err = sgw_anycast_parse_addrs(info, cfg) ?:
	      sgw_anycast_parse_links(info, cfg);
	if (err)
		return err;
	if (tb[SGW_ANYCAST_A_TRACK_IKUD])
		cfg->track_ikud = nla_get_u8(tb[SGW_ANYCAST_A_TRACK_IKUD]);
	if (tb[SGW_ANYCAST_A_PREEMPT])
		cfg->preempt = nla_get_u8(tb[SGW_ANYCAST_A_PREEMPT]);
	if (tb[SGW_ANYCAST_A_DRAINED])
		cfg->drained = nla_get_u8(tb[SGW_ANYCAST_A_DRAINED]);
	if (tb[SGW_ANYCAST_A_HEARTBEAT_MS])
		cfg->heartbeat_ms = nla_get_u32(tb[SGW_ANYCAST_A_HEARTBEAT_MS]);
	if (tb[SGW_ANYCAST_A_HOLD_DOWN_MS])
		cfg->hold_down_ms = nla_get_u32(tb[SGW_ANYCAST_A_HOLD_DOWN_MS]);
	return 0;
}

/* The request's ADDRESS attribute that carries cfg->addrs[idx]. */
static const struct nlattr *sgw_anycast_addr_attr(struct genl_info *info,
						  unsigned int idx)
{
	const struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == SGW_ANYCAST_A_ADDRESS && !idx--)
			return nla;
	return NULL;
}

/* Is the address configured on a device other than own (may be NULL)? */
static bool sgw_anycast_addr_elsewhere(struct net *net,
				       const struct sgw_anycast_addr *a,
				       struct net_device *own)
{
	struct net_device *dev;

	if (a->family == AF_INET) {
		dev = __ip_dev_find(net, a->a.v4, false);
		return dev && dev != own;
	}
	if (!ipv6_chk_addr(net, &a->a.v6, NULL, 0))
		return false;
	return !own || !ipv6_chk_addr(net, &a->a.v6, own, 1);
}

/*
 * The addresses of cfg belong to no other group and are on no device but
 * the group's own. Under RTNL and an->lock.
 */
static int sgw_anycast_check_addrs(struct sgw_anycast_net *an,
				   struct genl_info *info,
				   const struct sgw_anycast_cfg *cfg,
				   struct sgw_anycast *self)
{
	const struct sgw_anycast_addr *a;
	unsigned int i;

	if (!info->attrs[SGW_ANYCAST_A_ADDRESS])
		return 0;
	for (i = 0; i < cfg->n_addrs; i++) {
		a = &cfg->addrs[i];
		if (sgw_anycast_owner(an, a, self)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    sgw_anycast_addr_attr(info, i),
					    "the address belongs to another anycast group");
			return -EEXIST;
		}
		if (sgw_anycast_addr_elsewhere(an->net, a,
					       self ? self->dev : NULL)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    sgw_anycast_addr_attr(info, i),
					    "the address is already configured on another device");
			return -EADDRINUSE;
		}
	}
	return 0;
}

static int sgw_anycast_check_name(struct sgw_anycast_net *an,
				  struct genl_info *info, const char *name)
{
	const struct nlattr *nla = info->attrs[SGW_ANYCAST_A_NAME];
	char ifname[IFNAMSIZ];

	snprintf(ifname, sizeof(ifname), SGW_ANYCAST_DEV_PREFIX "%s", name);
	if (!*name || strchr(name, '%') || !dev_valid_name(ifname)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "a group name makes its device name ac-NAME: 1 to 12 characters, no blanks, '/', ':' or '%'");
		return -EINVAL;
	}
	if (sgw_anycast_find(an, name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "anycast group already exists");
		return -EEXIST;
	}
	if (__dev_get_by_name(an->net, ifname)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "a device named ac-NAME already exists");
		return -EEXIST;
	}
	if (an->n_groups >= SGW_MAX_ANYCAST) {
		NL_SET_ERR_MSG(info->extack, "too many anycast groups (at most "
			       __stringify(SGW_MAX_ANYCAST) ")");
		return -ENOSPC;
	}
	return 0;
}

static void sgw_anycast_cfg_default(struct sgw_anycast_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->preempt = true;
	cfg->heartbeat_ms = SGW_ANYCAST_HEARTBEAT_DEFAULT_MS;
	cfg->hold_down_ms = SGW_ANYCAST_HOLD_DOWN_DEFAULT_MS;
}

/* ---- commands ------------------------------------------------------------- */

int sgw_anycast_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_anycast_net *an = sgw_anycast_pernet(net);
	struct sgw_anycast_cfg *cfg;
	const char *name;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing") ?:
	      SGW_REQUIRE(info, SGW_ANYCAST_A_VRF, "vrf missing") ?:
	      SGW_REQUIRE(info, SGW_ANYCAST_A_ADDRESS, "at least one address needed");
	if (err)
		return err;
	name = nla_data(info->attrs[SGW_ANYCAST_A_NAME]);
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	sgw_anycast_cfg_default(cfg);
	err = sgw_anycast_parse(net, info, cfg, true);
	if (err)
		goto out;
	rtnl_lock();
	mutex_lock(&an->lock);
	err = sgw_anycast_check_name(an, info, name) ?:
	      sgw_anycast_check_addrs(an, info, cfg, NULL);
	mutex_unlock(&an->lock);
	if (!err)
		err = sgw_anycast_create(an, name, cfg, info->extack);
	rtnl_unlock();
out:
	kfree(cfg);
	return err;
}

static struct sgw_anycast *sgw_anycast_lookup(struct sgw_anycast_net *an,
					      struct genl_info *info)
{
	struct sgw_anycast *g;

	g = sgw_anycast_find(an, nla_data(info->attrs[SGW_ANYCAST_A_NAME]));
	if (!g)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_ANYCAST_A_NAME],
				    "no such anycast group");
	return g;
}

int sgw_anycast_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_anycast_net *an = sgw_anycast_pernet(net);
	struct sgw_anycast_cfg *cfg;
	struct sgw_anycast *g;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	rtnl_lock();
	mutex_lock(&an->lock);
	g = sgw_anycast_lookup(an, info);
	if (!g) {
		err = -ENOENT;
		goto unlock;
	}
	*cfg = g->cfg;
	err = sgw_anycast_parse(net, info, cfg, false) ?:
	      sgw_anycast_check_addrs(an, info, cfg, g);
	if (err)
		goto unlock;
	g->cfg = *cfg;
	sgw_anycast_event(g, SGW_EVENT_CHANGED);
	sgw_anycast_update(g);
unlock:
	mutex_unlock(&an->lock);
	rtnl_unlock();
	kfree(cfg);
	return err;
}

int sgw_anycast_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(genl_info_net(info));
	struct sgw_anycast *g;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	rtnl_lock();
	mutex_lock(&an->lock);
	g = sgw_anycast_lookup(an, info);
	mutex_unlock(&an->lock);
	if (g)
		unregister_netdevice(g->dev);	/* its uninit unlists it */
	rtnl_unlock();
	return g ? 0 : -ENOENT;
}

int sgw_anycast_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(genl_info_net(info));
	struct sgw_anycast *g;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	msg = sgw_genl_reply_new(info, SGW_CMD_ANYCAST_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&an->lock);
	g = sgw_anycast_lookup(an, info);
	err = g ? sgw_anycast_fill(msg, g) : -ENOENT;
	mutex_unlock(&an->lock);
	return sgw_genl_reply_send(info, msg, hdr, err);
}

/* cb->args[0]: groups already dumped; a group made or deleted meanwhile
 * flags the dump NLM_F_DUMP_INTR. */
int sgw_anycast_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(sock_net(skb->sk));
	struct sgw_anycast *g;
	long idx = 0;
	void *hdr;

	mutex_lock(&an->lock);
	cb->seq = an->gen;
	list_for_each_entry(g, &an->groups, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &sgw_genl_family,
				  NLM_F_MULTI, SGW_CMD_ANYCAST_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (sgw_anycast_fill(skb, g)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&an->lock);
	return skb->len;
}

/* ---- the IKE service -------------------------------------------------------- */

int sgw_anycast_cmd_register(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(genl_info_net(info));
	struct sgw_anycast *g;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	msg = sgw_genl_reply_new(info, SGW_CMD_ANYCAST_REGISTER, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&an->lock);
	g = sgw_anycast_lookup(an, info);
	if (!g) {
		err = -ENOENT;
	} else if (g->ikud_portid && g->ikud_portid != info->snd_portid) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_ANYCAST_A_NAME],
				    "another process is the group's IKE service");
		err = -EBUSY;
	} else {
		g->ikud_portid = info->snd_portid;
		g->ikud_pid = task_tgid_vnr(current);
		g->heartbeat_at = sgw_anycast_now();
		netdev_info(g->dev, "anycast group %s: IKE service pid %u registered\n",
			    g->name, g->ikud_pid);
		sgw_anycast_update(g);
		err = sgw_anycast_fill(msg, g);
	}
	mutex_unlock(&an->lock);
	return sgw_genl_reply_send(info, msg, hdr, err);
}

/* The group, if the request comes from its registered IKE service. */
static struct sgw_anycast *sgw_anycast_service(struct sgw_anycast_net *an,
					       struct genl_info *info, int *err)
{
	struct sgw_anycast *g = sgw_anycast_lookup(an, info);

	*err = 0;
	if (!g) {
		*err = -ENOENT;
	} else if (!g->ikud_portid) {
		NL_SET_ERR_MSG(info->extack, "the group has no IKE service registered");
		*err = -ENOLINK;
	} else if (g->ikud_portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "only the registered IKE service's socket may do this");
		*err = -EPERM;
	}
	return *err ? NULL : g;
}

int sgw_anycast_cmd_heartbeat(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(genl_info_net(info));
	struct sgw_anycast *g;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	mutex_lock(&an->lock);
	g = sgw_anycast_service(an, info, &err);
	if (g) {
		g->heartbeat_at = sgw_anycast_now();
		sgw_anycast_update(g);
	}
	mutex_unlock(&an->lock);
	return err;
}

int sgw_anycast_cmd_unregister(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_anycast_net *an = sgw_anycast_pernet(genl_info_net(info));
	struct sgw_anycast *g;
	int err;

	err = SGW_REQUIRE(info, SGW_ANYCAST_A_NAME, "group name missing");
	if (err)
		return err;
	mutex_lock(&an->lock);
	g = sgw_anycast_service(an, info, &err);
	if (g) {
		netdev_info(g->dev, "anycast group %s: IKE service pid %u unregistered\n",
			    g->name, g->ikud_pid);
		g->ikud_portid = 0;
		g->ikud_pid = 0;
		sgw_anycast_update(g);
	}
	mutex_unlock(&an->lock);
	return err;
}
