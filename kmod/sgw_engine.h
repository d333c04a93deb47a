/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw: crypto engines, shared by their files.
 *
 *   sgw_engine_aead.c    the "sgw_engine" AEAD template: a wrapper around
 *                        ESP's transform whose requests run, in order, on
 *                        a CPU of the SA's engine (the data path)
 *   sgw_engine_rx.c      inbound ESP packets steered to the SA's engine, to
 *                        be decrypted there synchronously
 *   sgw_engine_km.c      the key-manager hook: which SA holds which wrapper
 *   sgw_engine.c         engines, placement, failover, CPU hotplug,
 *                        rebalancing, per-netns state
 *   sgw_engine_nl.c      the generic netlink commands and events
 *
 * Objects. A slot (struct sgw_slot) is the state of one wrapped transform,
 * hence of one SA: its queue of requests and where they run. It lives as
 * long as its transform, and longer while anything still holds a
 * reference (a queued work, a request in flight in the inner transform,
 * an event, the engine list).
 *
 * Locking.
 * - sgw_engine_mutex serialises every change of engines, bindings and
 *   placement, in all namespaces. It nests inside cpus_read_lock() (the
 *   CPU hotplug callbacks run with the hotplug lock held and take it):
 *   every path takes cpus_read_lock() first.
 * - slot->lock (BH) protects a slot's queue and its cpu; the data path
 *   reads slot->eng under RCU.
 * - the event list has its own spinlock (the key-manager hook runs in
 *   atomic context, e.g. from the SA expiry timer).
 */
#ifndef _SGW_ENGINE_H
#define _SGW_ENGINE_H

#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <net/xfrm.h>
#include <linux/sgw.h>

struct crypto_aead;
struct sgw_engine_net;

struct sgw_engine_stats {
	u64 packets;
	u64 bytes;
	u64 errors;
	u64 drops;
	struct u64_stats_sync syncp;
};

struct sgw_engine {
	struct list_head node;		/* sgw_engine_net.engines, name order */
	struct sgw_engine_net *en;
	char name[SGW_NAME_MAX];
	struct cpumask cpus;
	bool standby;
	bool admin_up;
	enum sgw_engine_state state;
	unsigned int n_sas;
	unsigned int rr;		/* round robin over its CPUs */
	u64 moved_in;
	u64 moved_out;
	u64 bytes_seen;			/* at the last rebalance tick */
	u64 recent_bytes;		/* during the last tick */
	struct sgw_engine_stats __percpu *stats;
	struct rcu_head rcu;
};

/* An if_id pinned to an engine. */
struct sgw_engine_bind {
	struct list_head node;		/* sgw_engine_net.binds */
	u32 if_id;
	struct sgw_engine *eng;
};

struct sgw_engine_net {
	struct net *net;
	struct list_head engines;
	unsigned int n_engines;
	struct list_head binds;
	unsigned int n_binds;
	struct list_head sas;		/* slots of the netns's SAs */
	unsigned int n_sas;
	u32 gen;			/* dumps spanning a change: INTR */
	struct delayed_work rebalance;
	bool dying;
};

/* The state of one wrapped transform (one SA). */
struct sgw_slot {
	refcount_t ref;

	/* data path (lock) */
	spinlock_t lock;
	struct list_head queue;		/* requests waiting, in order */
	unsigned int qlen;
	struct sk_buff_head rxq;	/* inbound packets waiting, in order
					 * (sgw_engine_rx.c); its own lock
					 * unused: under lock */
	u8 rx_family;			/* of the packets in rxq */
	int rx_encap;
	bool scheduled;			/* work queued or running */
	bool busy;			/* a request is in the inner transform */
	int cpu;			/* where requests run; -1: inline */
	struct sgw_engine __rcu *eng;
	struct work_struct work;
	struct crypto_aead *child;	/* the wrapped transform */
	u64 packets, bytes, errors;	/* written by the running work only */

	/* control (sgw_engine_mutex) */
	struct list_head node;		/* sgw_engine_net.sas */
	struct sgw_engine_net *en;	/* NULL: not listed */
	struct sgw_engine *placed;	/* engine it is on, NULL none */
	struct sgw_engine *home;	/* on a standby: the active engine it
					 * failed over from, NULL none */
	bool pinned;
	u32 spi;			/* host order */
	u32 if_id;
	u8 family;
	u8 dir;				/* enum sgw_engine_sa_dir */

	/* events (sgw_engine_ev_lock) */
	struct list_head ev_node;
	bool ev_queued;
	bool ev_sa;			/* ev_x describes the SA */
	bool ev_gone;			/* the SA or the transform is gone */
	struct net *ev_net;		/* a reference, with ev_sa */
	u32 ev_spi, ev_if_id;
	u8 ev_family;
	xfrm_address_t ev_daddr;
};

extern struct mutex sgw_engine_mutex;
extern unsigned int sgw_engine_net_id;

static inline struct sgw_engine_net *sgw_engine_pernet(const struct net *net)
{
	return net_generic(net, sgw_engine_net_id);
}

static inline void sgw_engine_gen_bump(struct sgw_engine_net *en)
{
	if (!++en->gen)
		en->gen = 1;
}

/* sgw_engine_aead.c */
int sgw_engine_aead_init(void);
void sgw_engine_aead_exit(void);
int sgw_engine_aead_instantiate(void);
struct sgw_slot *sgw_engine_aead_slot(struct crypto_aead *tfm);
void sgw_slot_get(struct sgw_slot *s);
void sgw_slot_put(struct sgw_slot *s);
void sgw_slot_set_cpu(struct sgw_slot *s, struct sgw_engine *eng, int cpu);
bool sgw_slot_rx_steal(struct sgw_slot *s, struct sk_buff *skb, u8 family,
		       int encap);

/* sgw_engine_rx.c */
int sgw_engine_rx_register(void);
void sgw_engine_rx_unregister(void);
void sgw_engine_rx_reinject(struct sk_buff *skb, u8 family, int encap);

/* sgw_engine_km.c */
int sgw_engine_km_init(void);
void sgw_engine_km_exit(void);
void sgw_engine_event_slot(struct sgw_slot *s);
struct sgw_slot *sgw_engine_event_next(struct net **net, bool *gone);
void sgw_engine_event_daddr(struct sgw_slot *s, xfrm_address_t *daddr);

/* sgw_engine.c */
int sgw_engine_init(void);
void sgw_engine_exit(void);
struct sgw_engine *sgw_engine_find(struct sgw_engine_net *en,
				   const char *name);
int sgw_engine_create(struct sgw_engine_net *en, const char *name,
		      const struct cpumask *cpus, bool standby, bool up,
		      struct netlink_ext_ack *extack);
int sgw_engine_change(struct sgw_engine *eng, const struct cpumask *cpus,
		      int standby, int up);
void sgw_engine_destroy(struct sgw_engine *eng);
int sgw_engine_bind(struct sgw_engine_net *en, u32 if_id,
		    struct sgw_engine *eng, struct netlink_ext_ack *extack);
struct sgw_engine *sgw_engine_cpu_owner(struct sgw_engine_net *en, int cpu,
					const struct sgw_engine *except);
void sgw_engine_stats_read(struct sgw_engine *eng,
			   struct sgw_engine_stats *sum);
void sgw_engine_events_run(void);

/* sgw_engine_nl.c */
int sgw_engine_cmd_new(struct sk_buff *skb, struct genl_info *info);
int sgw_engine_cmd_set(struct sk_buff *skb, struct genl_info *info);
int sgw_engine_cmd_del(struct sk_buff *skb, struct genl_info *info);
int sgw_engine_cmd_get(struct sk_buff *skb, struct genl_info *info);
int sgw_engine_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sgw_engine_cmd_bind(struct sk_buff *skb, struct genl_info *info);
int sgw_engine_sa_dump(struct sk_buff *skb, struct netlink_callback *cb);
void sgw_engine_event(struct sgw_engine *eng, u32 action);
const char *sgw_engine_state_name(enum sgw_engine_state state);
void sgw_engine_event_moved(struct sgw_engine_net *en, struct sgw_slot *s,
			    struct sgw_engine *from);
extern const struct nla_policy sgw_engine_policy[SGW_ENGINE_A_MAX + 1];
extern const struct nla_policy sgw_engine_name_policy[SGW_ENGINE_A_NAME + 1];
extern const struct nla_policy sgw_esa_policy[SGW_ESA_A_MAX + 1];

#endif /* _SGW_ENGINE_H */
