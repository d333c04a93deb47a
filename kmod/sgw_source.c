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
#include <linux/random.h>
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
	struct list_head lru;
	struct hlist_head *heads;
	struct rcu_head rcu;
};

/* What a sources dump copies out, so the lock is not held while filling. */
struct sgw_srcsnap {
	char name[SGW_NAME_MAX];
	u32 n;
	u32 pos;
	struct {
		struct sgw_key key;
		u8 family;
		u64 passed_packets, passed_bytes;
		u64 dropped_packets, dropped_bytes;
		u64 idle_ns;
	} e[];
};

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
	struct sgw_source *s;

	if (tab->count >= tab->max) {
		s = list_last_entry(&tab->lru, struct sgw_source, lru);
		sgw_source_unlink(tab, s);
		atomic64_inc(&pol->evicted);
	}
	s = kzalloc(sizeof(*s), GFP_ATOMIC);
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

static struct sgw_srcsnap *sgw_srctab_snapshot(struct sgw_policer *pol,
					       struct sgw_srctab *tab)
{
	struct sgw_srcsnap *snap;
	struct sgw_source *s;
	u64 now = ktime_get_ns();
	u32 i = 0;

	/* max bounds count, so the size is known before taking the lock */
	snap = kvzalloc(struct_size(snap, e, tab->max), GFP_KERNEL);
	if (!snap)
		return NULL;
	spin_lock_bh(&tab->lock);
	sgw_srctab_reclaim(pol, tab, now, UINT_MAX);
	list_for_each_entry(s, &tab->lru, lru) {
		if (i == tab->max)
			break;
		snap->e[i].key = s->key;
		snap->e[i].family = s->family;
		snap->e[i].passed_packets = s->passed_packets;
		snap->e[i].passed_bytes = s->passed_bytes;
		snap->e[i].dropped_packets = s->dropped_packets;
		snap->e[i].dropped_bytes = s->dropped_bytes;
		snap->e[i].idle_ns = now > s->seen ? now - s->seen : 0;
		i++;
	}
	spin_unlock_bh(&tab->lock);
	snap->n = i;
	strscpy(snap->name, pol->name, sizeof(snap->name));
	return snap;
}

static int sgw_source_fill(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct sgw_srcsnap *snap, u32 i)
{
	struct nlattr *nest;
	__be32 addr[4];
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sgw_genl_family, NLM_F_MULTI, SGW_CMD_POLICER_SOURCES_GET);
	if (!hdr)
		return -EMSGSIZE;
	sgw_key_to_addr(&snap->e[i].key, snap->e[i].family, addr);
	if (nla_put_string(skb, SGW_POLICER_A_NAME, snap->name))
		goto cancel;
	nest = nla_nest_start(skb, SGW_POLICER_A_SOURCE);
	if (!nest)
		goto cancel;
	if (nla_put(skb, SGW_SOURCE_A_ADDR,
		    snap->e[i].family == AF_INET ? 4 : 16, addr) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_PASSED_PACKETS,
			      snap->e[i].passed_packets, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_PASSED_BYTES,
			      snap->e[i].passed_bytes, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_DROPPED_PACKETS,
			      snap->e[i].dropped_packets, SGW_SOURCE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SOURCE_A_DROPPED_BYTES,
			      snap->e[i].dropped_bytes, SGW_SOURCE_A_PAD) ||
	    nla_put_u32(skb, SGW_SOURCE_A_IDLE_MS,
			min_t(u64, div_u64(snap->e[i].idle_ns, NSEC_PER_MSEC),
			      U32_MAX)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * cb->args[0]: the snapshot, taken at the first call (pol and tab are only
 * used then; later calls pass NULL); freed by sgw_srctab_dump_done().
 */
int sgw_srctab_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct sgw_policer *pol, struct sgw_srctab *tab)
{
	struct sgw_srcsnap *snap = (struct sgw_srcsnap *)cb->args[0];

	if (!snap) {
		if (!tab)
			return 0;
		snap = sgw_srctab_snapshot(pol, tab);
		if (!snap)
			return -ENOMEM;
		cb->args[0] = (long)snap;
	}
	for (; snap->pos < snap->n; snap->pos++) {
		if (sgw_source_fill(skb, cb, snap, snap->pos))
			return skb->len ? skb->len : -EMSGSIZE;
	}
	return skb->len;
}

void sgw_srctab_dump_done(struct netlink_callback *cb)
{
	kvfree((void *)cb->args[0]);
	cb->args[0] = 0;
}
