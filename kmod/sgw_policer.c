// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: SCTP policers, their configuration and counters.
 *
 * Which policer a packet meets. Among the policers of the packet's VRF
 * whose lists match it (destination in the dst list, source in the src list
 * if there is one, an INIT chunk for "chunk init"), the packet meets exactly
 * one, the most specific:
 *   1. the longest matching destination prefix;
 *   2. then a policer with a source list before one without;
 *   3. then "chunk init" before "chunk all";
 *   4. then the smallest name (strcmp order).
 * Only that policer counts the packet and may drop it.
 *
 * Configuration is an immutable sgw_pcfg swapped under RCU; the token
 * bucket and the counters belong to the policer and survive every change.
 * Counter reset records the current sums as a base, so the packet path
 * never races with a reset.
 */

#include <linux/memcontrol.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <net/genetlink.h>

#include <net/sock.h>

#include "sgw.h"

static struct sgw_pcfg *sgw_pcfg(struct sgw_net *sn, struct sgw_policer *pol)
{
	return rcu_dereference_protected(pol->cfg, lockdep_is_held(&sn->lock));
}

static struct sgw_srctab *sgw_psrc(struct sgw_net *sn, struct sgw_policer *pol)
{
	return rcu_dereference_protected(pol->sources,
					 lockdep_is_held(&sn->lock));
}

static void sgw_pcfg_hold(struct sgw_pcfg *cfg)
{
	cfg->dst->users++;
	if (cfg->src && cfg->src != cfg->dst)
		cfg->src->users++;
}

static void sgw_pcfg_put(struct sgw_pcfg *cfg)
{
	cfg->dst->users--;
	if (cfg->src && cfg->src != cfg->dst)
		cfg->src->users--;
}

/*
 * Policers charge whole datagrams: a namespace reassembles fragments ahead
 * of the hooks from its first policer on (see sgw_hook.c). Under sn->lock.
 */
static int sgw_policer_defrag_on(struct sgw_net *sn,
				 struct netlink_ext_ack *extack)
{
	int err;

	if (sn->defrag || sn->dying)
		return 0;
	err = sgw_hook_defrag_enable(sn->net);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot enable IP reassembly");
		return err;
	}
	sn->defrag = true;
	return 0;
}

/* ... and no longer after its last one. Under sn->lock. */
static void sgw_policer_defrag_off(struct sgw_net *sn)
{
	if (!sn->defrag || sn->n_policers)
		return;
	sgw_hook_defrag_disable(sn->net);
	sn->defrag = false;
}

static struct sgw_policer *sgw_policer_find(struct sgw_net *sn,
					    const char *name)
{
	struct sgw_policer *pol;

	list_for_each_entry(pol, &sn->policers, node)
		if (!strcmp(pol->name, name))
			return pol;
	return NULL;
}

static void sgw_policer_free_cb(struct rcu_head *head)
{
	struct sgw_policer *pol = container_of(head, struct sgw_policer, rcu);

	kfree(rcu_dereference_raw(pol->cfg));
	free_percpu(pol->stats);
	mem_cgroup_put(pol->memcg);
	kfree(pol);
}

/* Per-source entries a configuration reserves in its namespace. */
static u32 sgw_pcfg_sources(const struct sgw_pcfg *cfg)
{
	return cfg->per_source ? cfg->max_sources : 0;
}

/*
 * Whether the namespace's per-source entries stay within
 * SGW_NET_MAX_SOURCES when a policer goes from old to new entries. Under
 * sn->lock.
 */
static int sgw_net_sources_check(struct sgw_net *sn, u32 old, u32 new,
				 struct netlink_ext_ack *extack)
{
	if (new > old && new - old > SGW_NET_MAX_SOURCES - sn->sources) {
		NL_SET_ERR_MSG(extack,
			       "per-source entries of the namespace would exceed "
			       __stringify(SGW_NET_MAX_SOURCES));
		return -ENOSPC;
	}
	return 0;
}

static void sgw_stats_sum(struct sgw_policer *pol, struct sgw_pstats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct sgw_pstats *s = per_cpu_ptr(pol->stats, cpu);
		u64 pp, pb, dp, db;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			pp = s->passed_packets;
			pb = s->passed_bytes;
			dp = s->dropped_packets;
			db = s->dropped_bytes;
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->passed_packets += pp;
		sum->passed_bytes += pb;
		sum->dropped_packets += dp;
		sum->dropped_bytes += db;
	}
}

static int sgw_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

static int sgw_policer_fill_stats(struct sk_buff *skb,
				  struct sgw_policer *pol)
{
	struct sgw_pstats s;
	struct nlattr *nest;
	u64 pp, pb, dp, db;

	sgw_stats_sum(pol, &s);
	pp = s.passed_packets - pol->base.passed_packets;
	pb = s.passed_bytes - pol->base.passed_bytes;
	dp = s.dropped_packets - pol->base.dropped_packets;
	db = s.dropped_bytes - pol->base.dropped_bytes;
	nest = nla_nest_start(skb, SGW_POLICER_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (sgw_put_u64(skb, SGW_STATS_A_MATCHED_PACKETS, pp + dp,
			SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_MATCHED_BYTES, pb + db,
			SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_PASSED_PACKETS, pp, SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_PASSED_BYTES, pb, SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_DROPPED_PACKETS, dp, SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_DROPPED_BYTES, db, SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_SOURCES_EVICTED,
			atomic64_read(&pol->evicted), SGW_STATS_A_PAD) ||
	    sgw_put_u64(skb, SGW_STATS_A_SOURCES_RECLAIMED,
			atomic64_read(&pol->reclaimed), SGW_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The policer's attributes; stats only for replies (not events). */
static int sgw_policer_fill_attrs(struct sk_buff *skb, struct net *net,
				  struct sgw_net *sn, struct sgw_policer *pol,
				  bool stats)
{
	const struct sgw_pcfg *cfg = sgw_pcfg(sn, pol);
	char vrf[IFNAMSIZ] = SGW_VRF_DEFAULT;

	if (cfg->vrf_ifindex) {
		struct net_device *dev;

		rcu_read_lock();
		dev = dev_get_by_index_rcu(net, cfg->vrf_ifindex);
		if (dev)
			strscpy(vrf, dev->name, sizeof(vrf));
		rcu_read_unlock();
	}
	if (nla_put_string(skb, SGW_POLICER_A_NAME, pol->name) ||
	    nla_put_string(skb, SGW_POLICER_A_VRF, vrf) ||
	    nla_put_u32(skb, SGW_POLICER_A_VRF_IFINDEX, cfg->vrf_ifindex) ||
	    nla_put_string(skb, SGW_POLICER_A_DST_LIST, cfg->dst->name) ||
	    (cfg->src &&
	     nla_put_string(skb, SGW_POLICER_A_SRC_LIST, cfg->src->name)) ||
	    nla_put_u32(skb, SGW_POLICER_A_CHUNK, cfg->chunk) ||
	    sgw_put_u64(skb, SGW_POLICER_A_RATE, cfg->tb.rate,
			SGW_POLICER_A_PAD) ||
	    nla_put_u32(skb, SGW_POLICER_A_BURST, cfg->tb.burst) ||
	    nla_put_u8(skb, SGW_POLICER_A_PER_SOURCE, cfg->per_source) ||
	    nla_put_u32(skb, SGW_POLICER_A_MAX_SOURCES, cfg->max_sources) ||
	    nla_put_u32(skb, SGW_POLICER_A_SOURCES_COUNT,
			sgw_srctab_count(sgw_psrc(sn, pol))))
		return -EMSGSIZE;
	if (cfg->per_source &&
	    (sgw_put_u64(skb, SGW_POLICER_A_TOTAL_RATE, cfg->total.rate,
			 SGW_POLICER_A_PAD) ||
	     nla_put_u32(skb, SGW_POLICER_A_TOTAL_BURST, cfg->total.burst) ||
	     nla_put_u8(skb, SGW_POLICER_A_TOTAL_AUTO,
			(cfg->total_rate ? 0 : SGW_TOTAL_AUTO_RATE) |
			(cfg->total_burst ? 0 : SGW_TOTAL_AUTO_BURST))))
		return -EMSGSIZE;
	if (stats && sgw_policer_fill_stats(skb, pol))
		return -EMSGSIZE;
	return 0;
}

static void sgw_policer_event(struct net *net, struct sgw_net *sn,
			      u32 action, struct sgw_policer *pol)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = sgw_genl_event_new(net, SGW_OBJ_POLICER, action, pol->name, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, SGW_EVENT_A_POLICER);
	if (!nest || sgw_policer_fill_attrs(skb, net, sn, pol, false)) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	sgw_genl_event_send(net, skb, hdr);
}

static int sgw_parse_vrf(struct net *net, const struct nlattr *nla,
			 int *ifindex, struct netlink_ext_ack *extack)
{
	const char *name = nla_data(nla);
	struct net_device *dev;
	int err = 0;

	if (!strcmp(name, SGW_VRF_DEFAULT)) {
		*ifindex = 0;
		return 0;
	}
	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, name);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "no such VRF device");
		err = -ENODEV;
	} else if (!netif_is_l3_master(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "device is not a VRF");
		err = -ENODEV;
	} else {
		*ifindex = dev->ifindex;
	}
	rcu_read_unlock();
	return err;
}

static int sgw_parse_list(struct sgw_net *sn, const struct nlattr *nla,
			  struct sgw_plist **pl, struct netlink_ext_ack *extack)
{
	*pl = sgw_plist_find(sn, nla_data(nla));
	if (!*pl) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "no such prefix list");
		return -ENOENT;
	}
	return 0;
}

/*
 * The total bucket of a per-source policer: as configured, or automatic
 * (max_sources times the bucket of one source, within the limits), which
 * caps what sources taking turns in the table can pass together at what
 * a full table of steady sources could.
 */
static int sgw_pcfg_parse_total(struct sgw_pcfg *cfg, struct nlattr **tb,
				struct netlink_ext_ack *extack)
{
	const struct nlattr *nr = tb[SGW_POLICER_A_TOTAL_RATE];
	const struct nlattr *nb = tb[SGW_POLICER_A_TOTAL_BURST];
	u64 rate, burst;

	if (nr)
		cfg->total_rate = nla_get_u64(nr);
	if (nb)
		cfg->total_burst = nla_get_u32(nb);
	if (!cfg->per_source && (cfg->total_rate || cfg->total_burst)) {
		if ((nr && cfg->total_rate) || (nb && cfg->total_burst)) {
			NL_SET_ERR_MSG_ATTR(extack, nr && cfg->total_rate ? nr : nb,
					    "a total rate or burst needs per-source");
			return -EINVAL;
		}
		/* per-source turned off: the total goes back to automatic */
		cfg->total_rate = 0;
		cfg->total_burst = 0;
	}
	if (cfg->total_rate && cfg->total_rate < SGW_RATE_MIN) {
		NL_SET_ERR_MSG_ATTR(extack, nr,
				    "total rate below 1 kbit/s (0: automatic)");
		return -ERANGE;
	}
	rate = cfg->total_rate ?:
	       min_t(u64, cfg->tb.rate * cfg->max_sources, SGW_RATE_MAX);
	burst = cfg->total_burst ?:
		min_t(u64, (u64)cfg->tb.burst * cfg->max_sources, SGW_BURST_MAX);
	return sgw_tb_set(&cfg->total, rate, burst);
}

/*
 * Applies the request's attributes to cfg (a copy of the current one, or
 * defaults for a new policer). Called under sn->lock.
 */
static int sgw_pcfg_parse(struct net *net, struct sgw_net *sn,
			  struct genl_info *info, struct sgw_pcfg *cfg)
{
	struct nlattr **tb = info->attrs;
	struct netlink_ext_ack *extack = info->extack;
	u64 rate = cfg->tb.rate;
	u32 burst = cfg->tb.burst;
	int err;

	if (tb[SGW_POLICER_A_VRF]) {
		err = sgw_parse_vrf(net, tb[SGW_POLICER_A_VRF],
				    &cfg->vrf_ifindex, extack);
		if (err)
			return err;
	}
	if (tb[SGW_POLICER_A_DST_LIST]) {
		err = sgw_parse_list(sn, tb[SGW_POLICER_A_DST_LIST], &cfg->dst,
				     extack);
		if (err)
			return err;
	}
	if (tb[SGW_POLICER_A_SRC_LIST]) {
		if (!nla_len(tb[SGW_POLICER_A_SRC_LIST]) ||
		    !*(char *)nla_data(tb[SGW_POLICER_A_SRC_LIST])) {
			cfg->src = NULL;
		} else {
			err = sgw_parse_list(sn, tb[SGW_POLICER_A_SRC_LIST],
					     &cfg->src, extack);
			if (err)
				return err;
		}
	}
	if (tb[SGW_POLICER_A_CHUNK])
		cfg->chunk = nla_get_u32(tb[SGW_POLICER_A_CHUNK]);
	if (tb[SGW_POLICER_A_PER_SOURCE])
		cfg->per_source = nla_get_u8(tb[SGW_POLICER_A_PER_SOURCE]);
	if (tb[SGW_POLICER_A_MAX_SOURCES])
		cfg->max_sources = nla_get_u32(tb[SGW_POLICER_A_MAX_SOURCES]);
	if (tb[SGW_POLICER_A_RATE])
		rate = nla_get_u64(tb[SGW_POLICER_A_RATE]);
	if (tb[SGW_POLICER_A_BURST])
		burst = nla_get_u32(tb[SGW_POLICER_A_BURST]);
	/* The policy bounds both; this only fills the derived fields. */
	err = sgw_tb_set(&cfg->tb, rate, burst);
	if (err) {
		NL_SET_ERR_MSG(extack, "rate or burst out of range");
		return err;
	}
	return sgw_pcfg_parse_total(cfg, tb, extack);
}

static bool sgw_pcfg_needs_new_sources(const struct sgw_pcfg *a,
				       const struct sgw_pcfg *b)
{
	return a->vrf_ifindex != b->vrf_ifindex || a->dst != b->dst ||
	       a->src != b->src || a->per_source != b->per_source ||
	       a->max_sources != b->max_sources || a->chunk != b->chunk;
}

int sgw_policer_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_policer *pol = NULL, *pos;
	struct sgw_srctab *tab = NULL;
	struct sgw_pcfg *cfg;
	int err;

	err = SGW_REQUIRE(info, SGW_POLICER_A_NAME, "policer name missing") ?:
	      SGW_REQUIRE(info, SGW_POLICER_A_VRF, "vrf missing") ?:
	      SGW_REQUIRE(info, SGW_POLICER_A_DST_LIST, "dst-list missing") ?:
	      SGW_REQUIRE(info, SGW_POLICER_A_RATE, "rate missing") ?:
	      SGW_REQUIRE(info, SGW_POLICER_A_BURST, "burst missing");
	if (err)
		return err;
	if (!*(char *)nla_data(info->attrs[SGW_POLICER_A_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SGW_POLICER_A_NAME],
				    "name must not be empty");
		return -EINVAL;
	}
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!cfg || !pol)
		goto nomem;
	pol->stats = alloc_percpu_gfp(struct sgw_pstats, GFP_KERNEL_ACCOUNT);
	if (!pol->stats)
		goto nomem;
	cfg->max_sources = SGW_SOURCES_DEFAULT;
	cfg->chunk = SGW_CHUNK_ALL;

	mutex_lock(&sn->lock);
	if (sgw_policer_find(sn, nla_data(info->attrs[SGW_POLICER_A_NAME]))) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SGW_POLICER_A_NAME],
				    "policer already exists");
		err = -EEXIST;
		goto unlock;
	}
	if (sn->n_policers >= SGW_MAX_POLICERS) {
		NL_SET_ERR_MSG(info->extack, "too many policers (at most "
			       __stringify(SGW_MAX_POLICERS) ")");
		err = -ENOSPC;
		goto unlock;
	}
	err = sgw_pcfg_parse(net, sn, info, cfg) ?:
	      sgw_net_sources_check(sn, 0, sgw_pcfg_sources(cfg), info->extack);
	if (err)
		goto unlock;
	if (cfg->per_source) {
		tab = sgw_srctab_alloc(cfg->max_sources);
		if (!tab) {
			err = -ENOMEM;
			goto unlock;
		}
	}
	err = sgw_policer_defrag_on(sn, info->extack);
	if (err) {
		sgw_srctab_free_rcu(tab);
		goto unlock;
	}
	strscpy(pol->name, nla_data(info->attrs[SGW_POLICER_A_NAME]),
		sizeof(pol->name));
	sgw_bucket_init(&pol->bucket, sgw_pcfg_tb(cfg), ktime_get_ns());
	RCU_INIT_POINTER(pol->cfg, cfg);
	RCU_INIT_POINTER(pol->sources, tab);
	/* The per-source entries go to the creator's memory cgroup. */
	pol->memcg = get_mem_cgroup_from_mm(current->mm);
	list_for_each_entry(pos, &sn->policers, node)
		if (strcmp(pos->name, pol->name) > 0)
			break;
	/* Published: the packet path may meet it from here on. */
	list_add_tail_rcu(&pol->node, &pos->node);
	sn->n_policers++;
	sn->sources += sgw_pcfg_sources(cfg);
	sgw_pcfg_hold(cfg);
	sgw_net_changed(sn);
	sgw_policer_event(net, sn, SGW_EVENT_CREATED, pol);
	mutex_unlock(&sn->lock);
	return 0;

unlock:
	mutex_unlock(&sn->lock);
	goto free;
nomem:
	err = -ENOMEM;
free:
	if (pol)
		free_percpu(pol->stats);
	kfree(pol);
	kfree(cfg);
	return err;
}

static struct sgw_policer *sgw_policer_lookup(struct sgw_net *sn,
					      struct genl_info *info)
{
	struct sgw_policer *pol;

	pol = sgw_policer_find(sn, nla_data(info->attrs[SGW_POLICER_A_NAME]));
	if (!pol)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SGW_POLICER_A_NAME],
				    "no such policer");
	return pol;
}

int sgw_policer_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_srctab *tab, *oldtab;
	struct sgw_pcfg *cfg, *old;
	struct sgw_policer *pol;
	int err;

	err = SGW_REQUIRE(info, SGW_POLICER_A_NAME, "policer name missing");
	if (err)
		return err;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return -ENOMEM;
	mutex_lock(&sn->lock);
	pol = sgw_policer_lookup(sn, info);
	if (!pol) {
		err = -ENOENT;
		goto fail;
	}
	old = sgw_pcfg(sn, pol);
	*cfg = *old;
	err = sgw_pcfg_parse(net, sn, info, cfg) ?:
	      sgw_net_sources_check(sn, sgw_pcfg_sources(old),
				    sgw_pcfg_sources(cfg), info->extack);
	if (err)
		goto fail;
	oldtab = sgw_psrc(sn, pol);
	tab = oldtab;
	if (sgw_pcfg_needs_new_sources(old, cfg)) {
		tab = NULL;
		if (cfg->per_source) {
			tab = sgw_srctab_alloc(cfg->max_sources);
			if (!tab) {
				err = -ENOMEM;
				goto fail;
			}
		}
	}
	sgw_pcfg_hold(cfg);
	sn->sources += sgw_pcfg_sources(cfg) - sgw_pcfg_sources(old);
	rcu_assign_pointer(pol->cfg, cfg);
	if (tab != oldtab) {
		rcu_assign_pointer(pol->sources, tab);
		sgw_srctab_free_rcu(oldtab);
	}
	sgw_pcfg_put(old);
	kfree_rcu(old, rcu);
	sgw_net_changed(sn);
	sgw_policer_event(net, sn, SGW_EVENT_CHANGED, pol);
	mutex_unlock(&sn->lock);
	return 0;
fail:
	mutex_unlock(&sn->lock);
	kfree(cfg);
	return err;
}

/*
 * Unlinks pol and frees it after a grace period, without allocating: a
 * deletion cannot fail, and no other policer stops working. Under sn->lock.
 */
static void sgw_policer_remove(struct net *net, struct sgw_net *sn,
			       struct sgw_policer *pol, bool notify)
{
	if (notify)
		sgw_policer_event(net, sn, SGW_EVENT_DELETED, pol);
	list_del_rcu(&pol->node);
	sn->n_policers--;
	sgw_net_changed(sn);
	sn->sources -= sgw_pcfg_sources(sgw_pcfg(sn, pol));
	sgw_policer_defrag_off(sn);
	sgw_pcfg_put(sgw_pcfg(sn, pol));
	sgw_srctab_free_rcu(sgw_psrc(sn, pol));
	call_rcu(&pol->rcu, sgw_policer_free_cb);
}

int sgw_policer_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_policer *pol;
	int err;

	err = SGW_REQUIRE(info, SGW_POLICER_A_NAME, "policer name missing");
	if (err)
		return err;
	mutex_lock(&sn->lock);
	pol = sgw_policer_lookup(sn, info);
	if (pol)
		sgw_policer_remove(net, sn, pol, true);
	mutex_unlock(&sn->lock);
	return pol ? 0 : -ENOENT;
}

int sgw_policer_cmd_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_policer *pol;
	int err;

	err = SGW_REQUIRE(info, SGW_POLICER_A_NAME, "policer name missing");
	if (err)
		return err;
	mutex_lock(&sn->lock);
	pol = sgw_policer_lookup(sn, info);
	if (pol) {
		sgw_stats_sum(pol, &pol->base);
		sgw_srctab_reset(sgw_psrc(sn, pol));
		sgw_policer_event(net, sn, SGW_EVENT_CHANGED, pol);
	}
	mutex_unlock(&sn->lock);
	return pol ? 0 : -ENOENT;
}

int sgw_policer_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_policer *pol;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = SGW_REQUIRE(info, SGW_POLICER_A_NAME, "policer name missing");
	if (err)
		return err;
	msg = sgw_genl_reply_new(info, SGW_CMD_POLICER_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sn->lock);
	pol = sgw_policer_lookup(sn, info);
	err = pol ? sgw_policer_fill_attrs(msg, net, sn, pol, true) : -ENOENT;
	mutex_unlock(&sn->lock);
	return sgw_genl_reply_send(info, msg, hdr, err);
}

/*
 * cb->args[0]: policers already dumped. A policer created or deleted
 * between two calls shifts that count: the dump is flagged
 * NLM_F_DUMP_INTR (see sgw_net_changed()).
 */
int sgw_policer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct sgw_net *sn = sgw_pernet(net);
	struct sgw_policer *pol;
	long idx = 0;
	void *hdr;

	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	list_for_each_entry(pol, &sn->policers, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &sgw_genl_family,
				  NLM_F_MULTI, SGW_CMD_POLICER_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (sgw_policer_fill_attrs(skb, net, sn, pol, true)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&sn->lock);
	return skb->len;
}

/*
 * The per-source entries of one policer (admin only: eNodeB addresses).
 * Each call finds the policer again; one deleted meanwhile ends the dump,
 * flagged NLM_F_DUMP_INTR.
 */
int sgw_policer_sources_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *name = genl_dumpit_info(cb)->attrs[SGW_POLICER_A_NAME];
	struct sgw_net *sn = sgw_pernet(sock_net(skb->sk));
	struct sgw_policer *pol;
	int ret = 0;

	if (!name) {
		NL_SET_ERR_MSG(cb->extack, "policer name missing");
		return -EINVAL;
	}
	mutex_lock(&sn->lock);
	pol = sgw_policer_find(sn, nla_data(name));
	if (pol) {
		ret = sgw_srctab_dump(skb, cb, pol, sgw_psrc(sn, pol));
	} else if (!cb->args[2]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name, "no such policer");
		ret = -ENOENT;
	} else {
		cb->seq = cb->prev_seq + 1;
	}
	mutex_unlock(&sn->lock);
	return ret;
}

void sgw_policer_vrf_gone(struct sgw_net *sn, int ifindex)
{
	struct sgw_policer *pol, *tmp;

	mutex_lock(&sn->lock);
	list_for_each_entry_safe(pol, tmp, &sn->policers, node)
		if (sgw_pcfg(sn, pol)->vrf_ifindex == ifindex)
			sgw_policer_remove(sn->net, sn, pol, true);
	mutex_unlock(&sn->lock);
}

/* At .pre_exit, once the hooks are gone: no reassembly for them either. */
void sgw_policer_net_dying(struct sgw_net *sn)
{
	mutex_lock(&sn->lock);
	sn->dying = true;
	if (sn->defrag) {
		sgw_hook_defrag_disable(sn->net);
		sn->defrag = false;
	}
	mutex_unlock(&sn->lock);
}

/* At namespace exit, under sn->lock: no one listens any more. */
void sgw_policer_flush(struct sgw_net *sn)
{
	struct sgw_policer *pol, *tmp;

	list_for_each_entry_safe(pol, tmp, &sn->policers, node)
		sgw_policer_remove(sn->net, sn, pol, false);
}

/* ---- packet path ------------------------------------------------------- */

/* Higher is more specific; see the rules at the top of this file. */
static int sgw_policer_score(const struct sgw_pcfg *cfg,
			     const struct sgw_pkt *pkt)
{
	int dplen;

	if (cfg->chunk == SGW_CHUNK_INIT && !pkt->init)
		return -1;
	dplen = sgw_lpm_match(rcu_dereference(cfg->dst->lpm), pkt->family,
			      &pkt->dst);
	if (dplen < 0)
		return -1;
	if (cfg->src &&
	    sgw_lpm_match(rcu_dereference(cfg->src->lpm), pkt->family,
			  &pkt->src) < 0)
		return -1;
	return dplen * 4 + (cfg->src ? 2 : 0) +
	       (cfg->chunk == SGW_CHUNK_INIT ? 1 : 0);
}

static void sgw_policer_count(struct sgw_policer *pol, bool pass,
			      const struct sgw_pkt *pkt)
{
	struct sgw_pstats *s;

	local_bh_disable();
	s = this_cpu_ptr(pol->stats);
	u64_stats_update_begin(&s->syncp);
	if (pass) {
		s->passed_packets += pkt->segs;
		s->passed_bytes += pkt->len;
	} else {
		s->dropped_packets += pkt->segs;
		s->dropped_bytes += pkt->len;
	}
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

/* The verdict for an SCTP packet. Called under rcu_read_lock(). */
unsigned int sgw_policer_police(struct net *net, const struct sgw_pkt *pkt)
{
	struct sgw_net *sn = sgw_pernet(net);
	const struct sgw_pcfg *cfg, *best_cfg = NULL;
	struct sgw_policer *pol, *best = NULL;
	int score, best_score = -1;
	struct sgw_srctab *srctab;
	u64 now;
	bool ok;

	list_for_each_entry_rcu(pol, &sn->policers, node) {
		cfg = rcu_dereference(pol->cfg);
		if (cfg->vrf_ifindex != pkt->vrf)
			continue;
		score = sgw_policer_score(cfg, pkt);
		if (score > best_score) {
			best_score = score;
			best = pol;
			best_cfg = cfg;
		}
	}
	if (!best)
		return NF_ACCEPT;
	now = ktime_get_ns();
	srctab = best_cfg->per_source ? rcu_dereference(best->sources) : NULL;
	if (srctab)
		ok = sgw_srctab_conform(best, srctab, best_cfg, pkt, now);
	else
		ok = sgw_bucket_conform(&best->bucket, sgw_pcfg_tb(best_cfg),
					pkt->len, now);
	sgw_policer_count(best, ok, pkt);
	return ok ? NF_ACCEPT : NF_DROP;
}
