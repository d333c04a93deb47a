// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the "sgw" generic netlink family: policies, operations, events.
 *
 * Every operation has a strict policy (resv_start_op is 0); changes, and
 * the per-source table (eNodeB addresses), need CAP_NET_ADMIN in the user
 * namespace of the network namespace. The handlers live with their objects
 * (sgw_plist.c, sgw_policer.c, sgw_anycast_nl.c, which also has the
 * anycast policies).
 */

#include <linux/if.h>
#include <net/genetlink.h>

#include "sgw.h"
#include "sgw_anycast.h"
#include "sgw_engine.h"

const struct nla_policy sgw_prefix_policy[SGW_PREFIX_A_MAX + 1] = {
	[SGW_PREFIX_A_ADDR]	= { .type = NLA_BINARY, .len = 16 },
	[SGW_PREFIX_A_PLEN]	= NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy sgw_plist_policy[SGW_PLIST_A_MAX + 1] = {
	[SGW_PLIST_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
	[SGW_PLIST_A_PREFIX]	= NLA_POLICY_NESTED(sgw_prefix_policy),
	[SGW_PLIST_A_EXCL]	= { .type = NLA_FLAG },
};

static struct netlink_range_validation sgw_rate_range = {
	.min = SGW_RATE_MIN,
	.max = SGW_RATE_MAX,
};

static struct netlink_range_validation sgw_burst_range = {
	.min = SGW_BURST_MIN,
	.max = SGW_BURST_MAX,
};

/* 0: automatic, else at least SGW_RATE_MIN (checked with the request). */
static struct netlink_range_validation sgw_total_rate_range = {
	.max = SGW_RATE_MAX,
};

/* 0: automatic, else SGW_BURST_MIN (1) or more. */
static struct netlink_range_validation sgw_total_burst_range = {
	.max = SGW_BURST_MAX,
};

static struct netlink_range_validation sgw_sources_range = {
	.min = 1,
	.max = SGW_SOURCES_MAX,
};

static const struct nla_policy sgw_policer_policy[SGW_POLICER_A_MAX + 1] = {
	[SGW_POLICER_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
	[SGW_POLICER_A_VRF]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[SGW_POLICER_A_DST_LIST] = { .type = NLA_NUL_STRING,
				     .len = SGW_NAME_MAX - 1 },
	[SGW_POLICER_A_SRC_LIST] = { .type = NLA_NUL_STRING,
				     .len = SGW_NAME_MAX - 1 },
	[SGW_POLICER_A_CHUNK]	= NLA_POLICY_MAX(NLA_U32, SGW_CHUNK_MAX),
	[SGW_POLICER_A_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U64,
							&sgw_rate_range),
	[SGW_POLICER_A_BURST]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&sgw_burst_range),
	[SGW_POLICER_A_PER_SOURCE] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_POLICER_A_MAX_SOURCES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &sgw_sources_range),
	[SGW_POLICER_A_TOTAL_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64,
							   &sgw_total_rate_range),
	[SGW_POLICER_A_TOTAL_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &sgw_total_burst_range),
};

/* Only the name: for requests that address one policer. */
static const struct nla_policy
sgw_policer_name_policy[SGW_POLICER_A_NAME + 1] = {
	[SGW_POLICER_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
};

static const struct nla_policy sgw_plist_name_policy[SGW_PLIST_A_NAME + 1] = {
	[SGW_PLIST_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
};

/* A reply to a request: a fresh message carrying the header of cmd. */
struct sk_buff *sgw_genl_reply_new(struct genl_info *info, u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &sgw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send the reply, or drop it and return err if filling it failed. */
int sgw_genl_reply_send(struct genl_info *info, struct sk_buff *msg,
			void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int sgw_cmd_info_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err = 0;

	msg = sgw_genl_reply_new(info, SGW_CMD_INFO_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, SGW_INFO_A_VERSION, SGW_VERSION) ||
	    nla_put_u32(msg, SGW_INFO_A_MAX_PREFIXES, SGW_PLIST_MAX_PREFIXES) ||
	    nla_put_u32(msg, SGW_INFO_A_MAX_PLISTS, SGW_MAX_PLISTS) ||
	    nla_put_u32(msg, SGW_INFO_A_MAX_POLICERS, SGW_MAX_POLICERS) ||
	    nla_put_u32(msg, SGW_INFO_A_MAX_SOURCES, SGW_SOURCES_MAX) ||
	    nla_put_u32(msg, SGW_INFO_A_MAX_NET_SOURCES, SGW_NET_MAX_SOURCES))
		err = -EMSGSIZE;
	return sgw_genl_reply_send(info, msg, hdr, err);
}

#define SGW_OP_DO(c, fn, pol, fl) {				\
	.cmd = (c), .doit = (fn), .policy = (pol),		\
	.maxattr = ARRAY_SIZE(pol) - 1, .flags = (fl) }

static const struct genl_ops sgw_genl_ops[] = {
	{
		.cmd	= SGW_CMD_INFO_GET,
		.doit	= sgw_cmd_info_get,
	},
	SGW_OP_DO(SGW_CMD_PLIST_ADD, sgw_plist_cmd_add, sgw_plist_policy,
		     GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_PLIST_DEL, sgw_plist_cmd_del, sgw_plist_policy,
		     GENL_UNS_ADMIN_PERM),
	{
		.cmd	= SGW_CMD_PLIST_GET,
		.doit	= sgw_plist_cmd_get,
		.dumpit	= sgw_plist_dump,
		.policy	= sgw_plist_name_policy,
		.maxattr = ARRAY_SIZE(sgw_plist_name_policy) - 1,
	},
	SGW_OP_DO(SGW_CMD_POLICER_NEW, sgw_policer_cmd_new,
		     sgw_policer_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_POLICER_SET, sgw_policer_cmd_set,
		     sgw_policer_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_POLICER_DEL, sgw_policer_cmd_del,
		     sgw_policer_name_policy, GENL_UNS_ADMIN_PERM),
	{
		.cmd	= SGW_CMD_POLICER_GET,
		.doit	= sgw_policer_cmd_get,
		.dumpit	= sgw_policer_dump,
		.policy	= sgw_policer_name_policy,
		.maxattr = ARRAY_SIZE(sgw_policer_name_policy) - 1,
	},
	SGW_OP_DO(SGW_CMD_POLICER_RESET, sgw_policer_cmd_reset,
		     sgw_policer_name_policy, GENL_UNS_ADMIN_PERM),
	{
		/* The addresses of the eNodeBs: for the admin only. */
		.cmd	= SGW_CMD_POLICER_SOURCES_GET,
		.dumpit	= sgw_policer_sources_dump,
		.policy	= sgw_policer_name_policy,
		.maxattr = ARRAY_SIZE(sgw_policer_name_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	SGW_OP_DO(SGW_CMD_ANYCAST_NEW, sgw_anycast_cmd_new,
		  sgw_anycast_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ANYCAST_SET, sgw_anycast_cmd_set,
		  sgw_anycast_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ANYCAST_DEL, sgw_anycast_cmd_del,
		  sgw_anycast_name_policy, GENL_UNS_ADMIN_PERM),
	{
		.cmd	= SGW_CMD_ANYCAST_GET,
		.doit	= sgw_anycast_cmd_get,
		.dumpit	= sgw_anycast_dump,
		.policy	= sgw_anycast_name_policy,
		.maxattr = ARRAY_SIZE(sgw_anycast_name_policy) - 1,
	},
	SGW_OP_DO(SGW_CMD_ANYCAST_REGISTER, sgw_anycast_cmd_register,
		  sgw_anycast_name_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ANYCAST_HEARTBEAT, sgw_anycast_cmd_heartbeat,
		  sgw_anycast_name_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ANYCAST_UNREGISTER, sgw_anycast_cmd_unregister,
		  sgw_anycast_name_policy, GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ENGINE_NEW, sgw_engine_cmd_new, sgw_engine_policy,
		  GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ENGINE_SET, sgw_engine_cmd_set, sgw_engine_policy,
		  GENL_UNS_ADMIN_PERM),
	SGW_OP_DO(SGW_CMD_ENGINE_DEL, sgw_engine_cmd_del,
		  sgw_engine_name_policy, GENL_UNS_ADMIN_PERM),
	{
		.cmd	= SGW_CMD_ENGINE_GET,
		.doit	= sgw_engine_cmd_get,
		.dumpit	= sgw_engine_dump,
		.policy	= sgw_engine_name_policy,
		.maxattr = ARRAY_SIZE(sgw_engine_name_policy) - 1,
	},
	SGW_OP_DO(SGW_CMD_ENGINE_BIND, sgw_engine_cmd_bind, sgw_engine_policy,
		  GENL_UNS_ADMIN_PERM),
	{
		.cmd	= SGW_CMD_ENGINE_SA_GET,
		.dumpit	= sgw_engine_sa_dump,
		.policy	= sgw_esa_policy,
		.maxattr = ARRAY_SIZE(sgw_esa_policy) - 1,
	},
};

static const struct genl_multicast_group sgw_genl_mcgrps[] = {
	{ .name = SGW_MCGRP_EVENTS },
};

struct genl_family sgw_genl_family __ro_after_init = {
	.name		= SGW_GENL_NAME,
	.version	= SGW_GENL_VERSION,
	.netnsok	= true,
	.resv_start_op	= 0,
	.module		= THIS_MODULE,
	.ops		= sgw_genl_ops,
	.n_ops		= ARRAY_SIZE(sgw_genl_ops),
	.mcgrps		= sgw_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(sgw_genl_mcgrps),
};

/* Set once the family is going away: its group ids are no longer ours. */
static bool sgw_genl_gone;

/*
 * Starts an SGW_CMD_EVENT message, or returns NULL when no one listens in
 * net (or on allocation failure: events are best effort).
 */
struct sk_buff *sgw_genl_event_new(struct net *net, u32 type, u32 action,
				   const char *name, void **hdr)
{
	struct sk_buff *skb;

	if (READ_ONCE(sgw_genl_gone) ||
	    !genl_has_listeners(&sgw_genl_family, net, 0))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &sgw_genl_family, 0, SGW_CMD_EVENT);
	if (!*hdr ||
	    nla_put_u32(skb, SGW_EVENT_A_TYPE, type) ||
	    nla_put_u32(skb, SGW_EVENT_A_ACTION, action) ||
	    nla_put_string(skb, SGW_EVENT_A_NAME, name)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

void sgw_genl_event_send(struct net *net, struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&sgw_genl_family, net, skb, 0, 0, GFP_KERNEL);
}

int __init sgw_genl_init(void)
{
	return genl_register_family(&sgw_genl_family);
}

void sgw_genl_exit(void)
{
	WRITE_ONCE(sgw_genl_gone, true);
	genl_unregister_family(&sgw_genl_family);
}
