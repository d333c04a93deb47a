// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: per-source buckets of a policer.
 *
 * One token bucket per source address, in a table of at most max entries.
 * When the table is full the least recently used entry is evicted; entries
 * idle for SGW_SOURCE_IDLE_SECS are reclaimed, at most two per packet that
 * reaches the table, and all of them when the table is listed. The whole
 * table sits under one spinlock: lookups, LRU moves and the bucket
 * arithmetic are a few dozen instructions. The table itself is
 * published under RCU and replaced (not edited) when the policer changes.
 *
 * Above the sources' buckets, the policer's own bucket holds the total of
 * all sources (sgw_pcfg.total): a source that rotates its address, or many
 * sources taking turns in a table too small for them, start afresh with a
 * full bucket each time but cannot pass more than the total together.
 * Lock order: the table's lock, then the policer's bucket's.
 */

#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/time64.h>
#include <net/genetlink.h>

#include "sgw.h"

struct sgw_source {
	struct hlist_node hnode;
	struct list_head lru;		/* most recently used first */
	struct sgw_key key;
	u8 family;
	struct sgw_bucket b;		/* lock unused: tab->lock covers it */
	u64 passed_packets;
	u64 passed_bytes;
	u64 dropped_packets;
	u64 dropped_bytes;
	u64 seen;			/* ns, last packet */
};

struct sgw_srctab {
	spinlock_t lock;
	u32 max;
	u32 count;
	u32 hmask;
	u32 seed;
	u32 id;				/* tells a dump its table was replaced */
	struct list_head lru;
	struct hlist_head *heads;
	struct rcu_head rcu;
};

static atomic_t sgw_srctab_ids = ATOMIC_INIT(0);

struct sgw_srctab *sgw_srctab_alloc(u32 max)
{
	struct sgw_srctab *tab;
	u32 size = roundup_pow_of_two(max);

	tab = kzalloc(sizeof(*tab), GFP_KERNEL_ACCOUNT);
	if (!tab)
		return NULL;
	tab->heads = kvcalloc(size, sizeof(*tab->heads), GFP_KERNEL_ACCOUNT);
	if (!tab->heads) {
		kfree(tab);
		return NULL;
	}
	spin_lock_init(&tab->lock);
	INIT_LIST_HEAD(&tab->lru);
	tab->max = max;
	tab->hmask = size - 1;
	tab->seed = get_random_u32();
	tab->id = atomic_inc_return(&sgw_srctab_ids) ?: 1;
	return tab;
}

static void sgw_srctab_free_cb(struct rcu_head *head)
{
	struct sgw_srctab *tab = container_of(head, struct sgw_srctab, rcu);
	struct sgw_source *s, *tmp;

	list_for_each_entry_safe(s, tmp, &tab->lru, lru)
		kfree(s);
	kvfree(tab->heads);
	kfree(tab);
}

void sgw_srctab_free_rcu(struct sgw_srctab *tab)
{
	if (tab)
		call_rcu(&tab->rcu, sgw_srctab_free_cb);
}

static u32 sgw_src_hash(const struct sgw_srctab *tab, const struct sgw_key *k)
{
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), tab->seed) &
	       tab->hmask;
}

static void sgw_source_unlink(struct sgw_srctab *tab, struct sgw_source *s)
{
	hlist_del(&s->hnode);
	list_del(&s->lru);
	tab->count--;
	kfree(s);
}

static struct sgw_source *sgw_source_find(struct sgw_srctab *tab, u8 family,
					  const struct sgw_key *key, u32 h)
{
	struct sgw_source *s;

	hlist_for_each_entry(s, &tab->heads[h], hnode)
		if (s->family == family && s->key.hi == key->hi &&
		    s->key.lo == key->lo)
			return s;
	return NULL;
}

/* Reclaims up to max of the oldest entries that have been idle too long. */
static void sgw_srctab_reclaim(struct sgw_policer *pol, struct sgw_srctab *tab,
			       u64 now, unsigned int max)
{
	struct sgw_source *old;

	while (max-- && !list_empty(&tab->lru)) {
		old = list_last_entry(&tab->lru, struct sgw_source, lru);
		/* seen may be later than now: set on another CPU since */
		if (old->seen >= now ||
		    now - old->seen <= (u64)SGW_SOURCE_IDLE_SECS * NSEC_PER_SEC)
			return;
		sgw_source_unlink(tab, old);
		atomic64_inc(&pol->reclaimed);
	}
}

static struct sgw_source *sgw_source_new(struct sgw_policer *pol,
					 struct sgw_srctab *tab,
					 const struct sgw_pcfg *cfg, u8 family,
					 const struct sgw_key *key, u32 h,
					 u64 now)
{
	struct mem_cgroup *memcg;
	struct sgw_source *s;

	if (tab->count >= tab->max) {
		s = list_last_entry(&tab->lru, struct sgw_source, lru);
		sgw_source_unlink(tab, s);
		atomic64_inc(&pol->evicted);
	}
	/*
	 * Charged to the memory cgroup of the policer's creator, whatever
	 * the context (softirq for received packets), and bounded by it:
	 * no dipping into atomic reserves for an entry a cgroup at its
	 * limit cannot pay for.
	 */
	memcg = set_active_memcg(pol->memcg);
	s = kzalloc(sizeof(*s), GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	set_active_memcg(memcg);
	if (!s)
		return NULL;
	s->key = *key;
	s->family = family;
	s->b.tokens = cfg->tb.burst_ns;
	s->b.last = now;
	hlist_add_head(&s->hnode, &tab->heads[h]);
	list_add(&s->lru, &tab->lru);
	tab->count++;
	return s;
}

/*
 * Charges pkt to its source's bucket and to the policer's total bucket: it
 * passes if both hold its credit. Without memory for a new entry the
 * packet is judged by the total bucket alone.
 */
bool sgw_srctab_conform(struct sgw_policer *pol, struct sgw_srctab *tab,
			const struct sgw_pcfg *cfg, const struct sgw_pkt *pkt,
			u64 now)
{
	u32 h = sgw_src_hash(tab, &pkt->src);
	struct sgw_source *s;
	bool ok;

	spin_lock_bh(&tab->lock);
	sgw_srctab_reclaim(pol, tab, now, 2);
	s = sgw_source_find(tab, pkt->family, &pkt->src, h);
	if (s)
		list_move(&s->lru, &tab->lru);
	else
		s = sgw_source_new(pol, tab, cfg, pkt->family, &pkt->src, h,
				   now);
	if (!s) {
		spin_unlock_bh(&tab->lock);
		return sgw_bucket_conform(&pol->bucket, &cfg->total, pkt->len,
					  now);
	}
	s->seen = now;
	spin_lock(&pol->bucket.lock);
	ok = __sgw_bucket_conform2(&s->b, &cfg->tb, &pol->bucket, &cfg->total,
				   pkt->len, now);
	spin_unlock(&pol->bucket.lock);
	if (ok) {
		s->passed_packets += pkt->segs;
		s->passed_bytes += pkt->len;
	} else {
		s->dropped_packets += pkt->segs;
		s->dropped_bytes += pkt->len;
	}
	spin_unlock_bh(&tab->lock);
	return ok;
}

void sgw_srctab_reset(struct sgw_srctab *tab)
{
	struct sgw_source *s;

	if (!tab)
		return;
	spin_lock_bh(&tab->lock);
	list_for_each_entry(s, &tab->lru, lru) {
		s->passed_packets = 0;
		s->passed_bytes = 0;
		s->dropped_packets = 0;
		s->dropped_bytes = 0;
	}
	spin_unlock_bh(&tab->lock);
}

u32 sgw_srctab_count(struct sgw_srctab *tab)
{
	return tab ? READ_ONCE(tab->count) : 0;
}

static int sgw_source_fill(struct sk_buff *skb, struct netlink_callback *cb,
			   const char *name, const struct sgw_source *s,
			   u64 now)
{
	u64 idle = now > s->seen ? now - s->seen : 0;
	struct nlattr *nest;
	__be32 addr[4];
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sgw_genl_family, NLM_F_MULTI, SGW_CMD_POLICER_SOURCES_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	sgw_key_to_addr(&s->key, s->family, addr);
	if (nla_put_string(skb, SGW_POLICER_A_NAME, name))
		goto cancel;
	nest = nla_nest_start(skb, SGW_POLICER_A_SOURCE);
	if (!nest)
		goto cancel;
	if (nla_put(skb, SGW_SOURCE_A_ADDR, s->family == AF_INET ? 4 : 16,
		    addr) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_PASSED_PACKETS,
			      s->passed_packets, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_PASSED_BYTES,
			      s->passed_bytes, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_DROPPED_PACKETS,
			      s->dropped_packets, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_DROPPED_BYTES,
			      s->dropped_bytes, SGW_SOURCE_A_PAD) ||
	    nla_put_u32(skb, SGW_SOURCE_A_IDLE_MS,
			min_t(u64, div_u64(idle, NSEC_PER_MSEC), U32_MAX)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Lists the table over as many calls as it takes, with no copy of it: each
 * call fills its message under the table's lock (a message holds about a
 * hundred entries, filled in microseconds), from the hash chain and the
 * position in it where the previous call stopped. Idle entries are
 * reclaimed first. Entries that come, go or move meanwhile may be missed,
 * or listed twice; a table replaced meanwhile (the policer changed) ends
 * the dump, flagged NLM_F_DUMP_INTR.
 *
 * cb->args[0]: hash chain; [1]: entries of it already listed; [2]: the id
 * of the table being listed, 0 before the first call.
 */
int sgw_srctab_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct sgw_policer *pol, struct sgw_srctab *tab)
{
	u64 now = ktime_get_ns();
	struct sgw_source *s;
	u32 h, i;
	int err = 0;

	if (!tab) {
		if (cb->args[2])	/* per-source turned off meanwhile */
			cb->seq = cb->prev_seq + 1;
		return 0;
	}
	cb->seq = tab->id;
	if (cb->args[2] && cb->args[2] != tab->id)
		return 0;
	spin_lock_bh(&tab->lock);
	if (!cb->args[2]) {
		sgw_srctab_reclaim(pol, tab, now, UINT_MAX);
		cb->args[2] = tab->id;
	}
	for (h = cb->args[0]; h <= tab->hmask; h++, cb->args[1] = 0) {
		i = 0;
		hlist_for_each_entry(s, &tab->heads[h], hnode) {
			if (i++ < cb->args[1])
				continue;
			err = sgw_source_fill(skb, cb, pol->name, s, now);
			if (err) {
				cb->args[1] = i - 1;
				break;
			}
		}
		if (err)
			break;
	}
	cb->args[0] = h;
	spin_unlock_bh(&tab->lock);
	return err && !skb->len ? err : skb->len;
}
