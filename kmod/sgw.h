/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw: state shared by the parts of the module.
 *
 * Locking: configuration changes of a namespace run under sgw_net.lock
 * (taken by the netlink handlers, the netdevice notifier and the namespace
 * exit; never while holding RTNL is it taken *before* RTNL). The packet path
 * only reads what is published under RCU: the namespace's list of
 * policers, each policer's configuration and each prefix list's prefix
 * set. Nothing on the way out of the packet path (deleting a policer, a
 * VRF or a namespace going) allocates memory, so it cannot fail.
 */
#ifndef _SGW_H
#define _SGW_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <linux/sgw.h>

struct sgw_lpm;
struct sgw_srctab;

/* An address as the lookup structures see it: host order, IPv4 in lo. */
struct sgw_key {
	u64 hi;
	u64 lo;
};

struct sgw_plist {
	struct list_head node;
	char name[SGW_NAME_MAX];
	struct sgw_lpm __rcu *lpm;	/* never NULL once listed */
	unsigned int users;		/* policer configurations using it */
	struct rcu_head rcu;
};

/* Token bucket in nanoseconds of credit (single rate, colour blind). */
struct sgw_bucket {
	spinlock_t lock;
	s64 tokens;			/* below 0: a debt (see sgw_bucket.c) */
	u64 last;
};

/* A bucket's rate and size, and what the packet path derives from them. */
struct sgw_tb {
	u64 rate;			/* bits/s */
	u32 burst;			/* bytes */
	u64 burst_ns;			/* credit of a full bucket */
	u64 ns_per_byte;		/* << SGW_NSB_SHIFT */
};

/* A policer's configuration; replaced as a whole, never edited. */
struct sgw_pcfg {
	int vrf_ifindex;		/* 0: default VRF */
	struct sgw_plist *dst;
	struct sgw_plist *src;		/* NULL: any source */
	u32 chunk;			/* enum sgw_chunk_mode */
	bool per_source;
	u32 max_sources;
	struct sgw_tb tb;		/* RATE, BURST: the policer's bucket, or
					 * each source's with per_source */
	u64 total_rate;			/* as configured, 0: automatic */
	u32 total_burst;		/* as configured, 0: automatic */
	struct sgw_tb total;		/* per_source: all sources together */
	struct rcu_head rcu;
};

/* The parameters of a policer's own bucket (sgw_policer.bucket). */
static inline const struct sgw_tb *sgw_pcfg_tb(const struct sgw_pcfg *cfg)
{
	return cfg->per_source ? &cfg->total : &cfg->tb;
}

#define SGW_NSB_SHIFT 24

struct sgw_pstats {
	u64 passed_packets;
	u64 passed_bytes;
	u64 dropped_packets;
	u64 dropped_bytes;
	struct u64_stats_sync syncp;
};

struct sgw_policer {
	struct list_head node;		/* sgw_net.policers (RCU), name order */
	char name[SGW_NAME_MAX];
	struct sgw_pcfg __rcu *cfg;
	struct sgw_bucket bucket;	/* of sgw_pcfg_tb(cfg) */
	struct sgw_pstats __percpu *stats;
	struct sgw_srctab __rcu *sources; /* NULL without per-source */
	struct mem_cgroup *memcg;	/* the creator's: pays for the entries */
	atomic64_t evicted;
	atomic64_t reclaimed;
	struct sgw_pstats base;		/* sums at the last reset */
	struct rcu_head rcu;
};

/*
 * An SCTP packet as a policer sees it. A GSO packet is several packets on
 * the wire: segs of them, len bytes in all with the headers of each.
 */
struct sgw_pkt {
	u8 family;
	bool init;			/* its first chunk is INIT */
	int vrf;			/* 0: default VRF */
	struct sgw_key dst;
	struct sgw_key src;
	unsigned int len;
	unsigned int segs;
};

struct sgw_net {
	struct net *net;
	struct mutex lock;
	struct list_head plists;
	unsigned int n_plists;
	struct list_head policers;	/* RCU: the packet path walks it */
	unsigned int n_policers;
	u32 sources;			/* max_sources of per-source policers,
					 * summed: SGW_NET_MAX_SOURCES at most */
	u32 gen;			/* moves with every change of lists and
					 * policers; never 0 (for dumps) */
	bool defrag;			/* nf_defrag enabled for the policers */
	bool dying;			/* past .pre_exit: no more hooks */
};

extern unsigned int sgw_net_id;

/* -EINVAL with an extack message (a literal) if attribute type is absent. */
#define SGW_REQUIRE(info, type, msg) ({					\
	int __err = 0;							\
	if (GENL_REQ_ATTR_CHECK(info, type)) {				\
		NL_SET_ERR_MSG((info)->extack, msg);			\
		__err = -EINVAL;					\
	}								\
	__err;								\
})

static inline struct sgw_net *sgw_pernet(const struct net *net)
{
	return net_generic(net, sgw_net_id);
}

/*
 * A list or a policer was created, changed or deleted: a dump that spans
 * the change flags its messages NLM_F_DUMP_INTR. Under sn->lock.
 */
static inline void sgw_net_changed(struct sgw_net *sn)
{
	if (!++sn->gen)
		sn->gen = 1;
}

/* sgw_netns.c */
int sgw_netns_init(void);
void sgw_netns_exit(void);

/* sgw_genl.c */
extern struct genl_family sgw_genl_family;
int sgw_genl_init(void);
void sgw_genl_exit(void);
struct sk_buff *sgw_genl_reply_new(struct genl_info *info, u8 cmd, void **hdr);
int sgw_genl_reply_send(struct genl_info *info, struct sk_buff *msg,
			void *hdr, int err);
struct sk_buff *sgw_genl_event_new(struct net *net, u32 type, u32 action,
				   const char *name, void **hdr);
void sgw_genl_event_send(struct net *net, struct sk_buff *skb, void *hdr);
extern const struct nla_policy sgw_prefix_policy[];

/* sgw_lpm.c: immutable prefix sets with longest-prefix match */
struct sgw_pfx {
	struct sgw_key key;
	u8 family;
	u8 plen;
};

struct sgw_lpm *sgw_lpm_add(const struct sgw_lpm *old,
			    const struct sgw_pfx *items, u32 n, u32 max);
struct sgw_lpm *sgw_lpm_del(const struct sgw_lpm *old,
			    const struct sgw_pfx *items, u32 n, u32 *missing);
void sgw_lpm_free(struct sgw_lpm *lpm);
void sgw_lpm_free_rcu(struct sgw_lpm *lpm);
u32 sgw_lpm_count(const struct sgw_lpm *lpm);
const struct sgw_pfx *sgw_lpm_item(const struct sgw_lpm *lpm, u32 i);
int sgw_lpm_match(const struct sgw_lpm *lpm, u8 family,
		  const struct sgw_key *key);
int sgw_pfx_from_nla(const struct nlattr *nest, struct sgw_pfx *pfx,
		     struct netlink_ext_ack *extack);
int sgw_pfx_put(struct sk_buff *skb, int type, const struct sgw_pfx *pfx);
void sgw_key_from_v4(struct sgw_key *key, __be32 addr);
void sgw_key_from_v6(struct sgw_key *key, const struct in6_addr *addr);
void sgw_key_to_addr(const struct sgw_key *key, u8 family, void *addr);

/* sgw_plist.c */
struct sgw_plist *sgw_plist_find(struct sgw_net *sn, const char *name);
int sgw_plist_cmd_add(struct sk_buff *skb, struct genl_info *info);
int sgw_plist_cmd_del(struct sk_buff *skb, struct genl_info *info);
int sgw_plist_cmd_get(struct sk_buff *skb, struct genl_info *info);
int sgw_plist_dump(struct sk_buff *skb, struct netlink_callback *cb);
void sgw_plist_flush(struct sgw_net *sn);

/* sgw_bucket.c: token bucket arithmetic */
int sgw_tb_set(struct sgw_tb *tb, u64 rate, u32 burst);
void sgw_bucket_init(struct sgw_bucket *b, const struct sgw_tb *tb, u64 now);
bool __sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_tb *tb,
			  unsigned int len, u64 now);
bool __sgw_bucket_conform2(struct sgw_bucket *a, const struct sgw_tb *ta,
			   struct sgw_bucket *b, const struct sgw_tb *tb,
			   unsigned int len, u64 now);
bool sgw_bucket_conform(struct sgw_bucket *b, const struct sgw_tb *tb,
			unsigned int len, u64 now);

/* sgw_source.c: per-source buckets */
struct sgw_srctab *sgw_srctab_alloc(u32 max);
void sgw_srctab_free_rcu(struct sgw_srctab *tab);
bool sgw_srctab_conform(struct sgw_policer *pol, struct sgw_srctab *tab,
			const struct sgw_pcfg *cfg, const struct sgw_pkt *pkt,
			u64 now);
void sgw_srctab_reset(struct sgw_srctab *tab);
u32 sgw_srctab_count(struct sgw_srctab *tab);
int sgw_srctab_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct sgw_policer *pol, struct sgw_srctab *tab);

/* sgw_policer.c */
int sgw_policer_cmd_new(struct sk_buff *skb, struct genl_info *info);
int sgw_policer_cmd_set(struct sk_buff *skb, struct genl_info *info);
int sgw_policer_cmd_del(struct sk_buff *skb, struct genl_info *info);
int sgw_policer_cmd_get(struct sk_buff *skb, struct genl_info *info);
int sgw_policer_cmd_reset(struct sk_buff *skb, struct genl_info *info);
int sgw_policer_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sgw_policer_sources_dump(struct sk_buff *skb, struct netlink_callback *cb);
void sgw_policer_flush(struct sgw_net *sn);
void sgw_policer_vrf_gone(struct sgw_net *sn, int ifindex);
void sgw_policer_net_dying(struct sgw_net *sn);
unsigned int sgw_policer_police(struct net *net, const struct sgw_pkt *pkt);

/* sgw_hook.c */
int sgw_hook_net_init(struct net *net);
void sgw_hook_net_exit(struct net *net);
int sgw_hook_defrag_enable(struct net *net);
void sgw_hook_defrag_disable(struct net *net);

#endif /* _SGW_H */
