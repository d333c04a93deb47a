/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw: anycast groups, shared by their files.
 *
 *   sgw_anycast.c        groups, their state machine, per-netns state
 *   sgw_anycast_dev.c    the group's network device (link kind sgw_anycast)
 *   sgw_anycast_nl.c     the generic netlink commands and events
 *   sgw_anycast_track.c  health inputs: links, the IKE service's socket,
 *                        the device itself; the address guards
 *   sgw_anycast_peer.c   another gateway's announcement in the VRF's table
 *
 * Locking. A namespace's groups are listed in sgw_anycast_net.groups, in
 * name order. The list and every group's configuration change only under
 * RTNL *and* an->lock (RTNL first); either lock is enough to read them.
 * A group's health and state change under an->lock. an->lock is never
 * held across a call that runs netdevice or address notifiers (device
 * registration, dev_change_flags), since those notifiers take it; the
 * group's work (timers) takes an->lock only, never RTNL, so that the
 * device's uninit, under RTNL, may wait for it.
 */
#ifndef _SGW_ANYCAST_H
#define _SGW_ANYCAST_H

#include <linux/if.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <linux/sgw.h>

/* An address of a group, as configured: host bits allowed. */
struct sgw_anycast_addr {
	u8 family;			/* AF_INET, AF_INET6 */
	u8 plen;
	union {
		__be32 v4;
		struct in6_addr v6;
	} a;
};

/* A group's configuration: what NEW and SET carry. */
struct sgw_anycast_cfg {
	int vrf_ifindex;		/* 0: default VRF */
	struct sgw_anycast_addr addrs[SGW_ANYCAST_MAX_ADDRS];
	unsigned int n_addrs;
	char links[SGW_ANYCAST_MAX_LINKS][IFNAMSIZ];
	unsigned int n_links;
	bool track_ikud;
	bool preempt;
	bool drained;
	u32 heartbeat_ms;
	u32 hold_down_ms;
};

struct sgw_anycast_net;

/* A group; it lives in its device's private area. */
struct sgw_anycast {
	struct list_head node;		/* sgw_anycast_net.groups */
	struct sgw_anycast_net *an;
	struct net_device *dev;
	char name[SGW_ANYCAST_NAME_MAX];
	bool listed;			/* in an->groups: not being deleted */
	struct sgw_anycast_cfg cfg;

	/* the IKE service (under an->lock) */
	u32 ikud_portid;		/* 0: none registered */
	u32 ikud_pid;
	u64 heartbeat_at;		/* ms, last heartbeat or registration */

	/* state (under an->lock) */
	enum sgw_anycast_state state;
	u32 reasons;			/* SGW_ANYCAST_R_* */
	u64 state_since;		/* ms */
	u64 transitions;
	u64 withdrawals;
	struct sgw_anycast_addr peer_via; /* family 0: none known */
	struct delayed_work work;	/* the next deadline */
};

struct sgw_anycast_net {
	struct net *net;
	struct mutex lock;
	struct list_head groups;
	unsigned int n_groups;
	u32 gen;			/* moves when a group comes or goes:
					 * dumps it spans are NLM_F_DUMP_INTR */
};

/* Under an->lock: a group came or went. */
static inline void sgw_anycast_gen_bump(struct sgw_anycast_net *an)
{
	if (!++an->gen)
		an->gen = 1;
}

extern unsigned int sgw_anycast_net_id;

static inline struct sgw_anycast_net *sgw_anycast_pernet(const struct net *net)
{
	return net_generic(net, sgw_anycast_net_id);
}

/* Milliseconds of a monotonic clock. */
static inline u64 sgw_anycast_now(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

/* sgw_anycast.c */
int sgw_anycast_init(void);
void sgw_anycast_exit(void);
struct sgw_anycast *sgw_anycast_find(struct sgw_anycast_net *an,
				     const char *name);
struct sgw_anycast *sgw_anycast_owner(struct sgw_anycast_net *an,
				      const struct sgw_anycast_addr *addr,
				      const struct sgw_anycast *except);
int sgw_anycast_create(struct sgw_anycast_net *an, const char *name,
		       const struct sgw_anycast_cfg *cfg,
		       struct netlink_ext_ack *extack);
void sgw_anycast_update(struct sgw_anycast *g);
void sgw_anycast_unlist(struct sgw_anycast *g);
const char *sgw_anycast_state_name(enum sgw_anycast_state state);
bool sgw_anycast_addr_equal(const struct sgw_anycast_addr *a,
			    const struct sgw_anycast_addr *b);

/* sgw_anycast_dev.c */
int sgw_anycast_dev_init(void);
void sgw_anycast_dev_exit(void);
struct net_device *sgw_anycast_dev_new(struct net *net, const char *name);
bool sgw_anycast_is_dev(const struct net_device *dev);
bool sgw_anycast_dev_has_addr(struct net_device *dev,
			      const struct sgw_anycast_addr *addr);

/* sgw_anycast_nl.c */
int sgw_anycast_cmd_new(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_cmd_set(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_cmd_del(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_cmd_get(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sgw_anycast_cmd_register(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_cmd_heartbeat(struct sk_buff *skb, struct genl_info *info);
int sgw_anycast_cmd_unregister(struct sk_buff *skb, struct genl_info *info);
void sgw_anycast_event(struct sgw_anycast *g, u32 action);
extern const struct nla_policy sgw_anycast_policy[SGW_ANYCAST_A_MAX + 1];
extern const struct nla_policy sgw_anycast_name_policy[SGW_ANYCAST_A_NAME + 1];

/* sgw_anycast_track.c */
int sgw_anycast_track_init(void);
void sgw_anycast_track_exit(void);
u32 sgw_anycast_health(struct sgw_anycast *g, u64 now);
bool sgw_anycast_link_up(struct net *net, const char *name, int *ifindex);

/* sgw_anycast_peer.c */
bool sgw_anycast_peer_announces(struct sgw_anycast *g,
				struct sgw_anycast_addr *via);

#endif /* _SGW_ANYCAST_H */
