// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: the generic netlink commands of crypto engines, and their events.
 *
 * Changes run under cpus_read_lock() and sgw_engine_mutex (in that order,
 * see sgw_engine.h): the CPUs a request is checked against cannot go or
 * come before it is applied. A rejected request changes nothing and says
 * why in its extended ack, pointing at the attribute.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "sgw.h"
#include "sgw_engine.h"

const struct nla_policy sgw_engine_policy[SGW_ENGINE_A_MAX + 1] = {
	[SGW_ENGINE_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
	[SGW_ENGINE_A_CPUS]	= { .type = NLA_NUL_STRING,
				    .len = SGW_ENGINE_CPUS_MAX - 1 },
	[SGW_ENGINE_A_STANDBY]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_ENGINE_A_ADMIN_UP]	= NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_ENGINE_A_IF_ID]	= { .type = NLA_U32 },
	[SGW_ENGINE_A_AUTO]	= { .type = NLA_FLAG },
};

const struct nla_policy sgw_engine_name_policy[SGW_ENGINE_A_NAME + 1] = {
	[SGW_ENGINE_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
};

const struct nla_policy sgw_esa_policy[SGW_ESA_A_MAX + 1] = {
	[SGW_ESA_A_ENGINE]	= { .type = NLA_NUL_STRING,
				    .len = SGW_NAME_MAX - 1 },
};

static const char *const sgw_engine_state_names[] = {
	[SGW_ENGINE_UP]		= "up",
	[SGW_ENGINE_STANDBY]	= "standby",
	[SGW_ENGINE_DOWN]	= "down",
	[SGW_ENGINE_FAILED]	= "failed",
};

const char *sgw_engine_state_name(enum sgw_engine_state state)
{
	if (state > SGW_ENGINE_STATE_MAX)
		return "?";
	return sgw_engine_state_names[state];
}

/* ---- replies and events ------------------------------------------------ */

static int sgw_engine_fill_binds(struct sk_buff *skb, struct sgw_engine *eng)
{
	struct sgw_engine_bind *b;

	list_for_each_entry(b, &eng->en->binds, node)
		if (b->eng == eng &&
		    nla_put_u32(skb, SGW_ENGINE_A_IF_ID, b->if_id))
			return -EMSGSIZE;
	return 0;
}

/* The engine as GET and events show it. Under sgw_engine_mutex. */
static int sgw_engine_fill(struct sk_buff *skb, struct sgw_engine *eng)
{
	struct sgw_engine_stats st;
	char cpus[SGW_ENGINE_CPUS_MAX];

	if (scnprintf(cpus, sizeof(cpus), "%*pbl",
		      cpumask_pr_args(&eng->cpus)) >= sizeof(cpus) - 1)
		return -EMSGSIZE;
	sgw_engine_stats_read(eng, &st);
	if (nla_put_string(skb, SGW_ENGINE_A_NAME, eng->name) ||
	    nla_put_string(skb, SGW_ENGINE_A_CPUS, cpus) ||
	    nla_put_u8(skb, SGW_ENGINE_A_STANDBY, eng->standby) ||
	    nla_put_u8(skb, SGW_ENGINE_A_ADMIN_UP, eng->admin_up) ||
	    nla_put_u32(skb, SGW_ENGINE_A_STATE, eng->state) ||
	    nla_put_u32(skb, SGW_ENGINE_A_SAS, eng->n_sas) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_PACKETS, st.packets,
			      SGW_ENGINE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_BYTES, st.bytes,
			      SGW_ENGINE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_ERRORS, st.errors,
			      SGW_ENGINE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_DROPS, st.drops,
			      SGW_ENGINE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_MOVED_IN, eng->moved_in,
			      SGW_ENGINE_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ENGINE_A_MOVED_OUT, eng->moved_out,
			      SGW_ENGINE_A_PAD) ||
	    sgw_engine_fill_binds(skb, eng))
		return -EMSGSIZE;
	return 0;
}

void sgw_engine_event(struct sgw_engine *eng, u32 action)
{
	struct net *net = eng->en->net;
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = sgw_genl_event_new(net, SGW_OBJ_ENGINE, action, eng->name, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, SGW_EVENT_A_ENGINE);
	if (!nest || sgw_engine_fill(skb, eng)) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	sgw_genl_event_send(net, skb, hdr);
}

/* An SA as SA_GET and MOVED events show it. Under sgw_engine_mutex. */
static int sgw_engine_fill_sa(struct sk_buff *skb, struct sgw_slot *s)
{
	if (nla_put_u32(skb, SGW_ESA_A_SPI, s->spi) ||
	    nla_put_u8(skb, SGW_ESA_A_DIR, s->dir) ||
	    nla_put_u32(skb, SGW_ESA_A_IF_ID, s->if_id) ||
	    nla_put_u8(skb, SGW_ESA_A_FAMILY, s->family) ||
	    nla_put_string(skb, SGW_ESA_A_ENGINE,
			   s->placed ? s->placed->name : "") ||
	    nla_put_u32(skb, SGW_ESA_A_CPU, s->cpu < 0 ? U32_MAX : s->cpu) ||
	    nla_put_u8(skb, SGW_ESA_A_PINNED, s->pinned) ||
	    nla_put_u64_64bit(skb, SGW_ESA_A_PACKETS, READ_ONCE(s->packets),
			      SGW_ESA_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ESA_A_BYTES, READ_ONCE(s->bytes),
			      SGW_ESA_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_ESA_A_ERRORS, READ_ONCE(s->errors),
			      SGW_ESA_A_PAD))
		return -EMSGSIZE;
	return 0;
}

void sgw_engine_event_moved(struct sgw_engine_net *en, struct sgw_slot *s,
			    struct sgw_engine *from)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = sgw_genl_event_new(en->net, SGW_OBJ_ENGINE, SGW_EVENT_MOVED,
				 s->placed ? s->placed->name : "", &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, SGW_EVENT_A_ENGINE_SA);
	if (!nest || sgw_engine_fill_sa(skb, s) ||
	    nla_put_string(skb, SGW_ESA_A_FROM, from->name)) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	sgw_genl_event_send(en->net, skb, hdr);
}

/* ---- request parsing ----------------------------------------------------- */

/* The CPU list of the request: syntax, CPUs that exist, not empty. */
static int sgw_engine_parse_cpus(struct genl_info *info, struct cpumask *mask)
{
	const struct nlattr *nla = info->attrs[SGW_ENGINE_A_CPUS];
	int err;

	err = cpulist_parse(nla_data(nla), mask);
	if (err == -ERANGE || (!err && !cpumask_subset(mask, cpu_possible_mask))) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "a CPU of the list does not exist");
		return -ENODEV;
	}
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "not a CPU list (e.g. 0-1,3)");
		return -EINVAL;
	}
	if (cpumask_empty(mask)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "an engine needs a CPU");
		return -EINVAL;
	}
	return 0;
}

/* No CPU of mask in another engine of the namespace. */
static int sgw_engine_check_cpus(struct sgw_engine_net *en,
				 struct genl_info *info,
				 const struct cpumask *mask,
				 const struct sgw_engine *self)
{
	int cpu;

	for_each_cpu(cpu, mask)
		if (sgw_engine_cpu_owner(en, cpu, self)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SGW_ENGINE_A_CPUS],
					    "a CPU of the list belongs to another engine");
			return -EBUSY;
		}
	return 0;
}

static int sgw_engine_check_name(struct sgw_engine_net *en,
				 struct genl_info *info, const char *name)
{
	const struct nlattr *nla = info->attrs[SGW_ENGINE_A_NAME];

	if (!*name || strpbrk(name, " /\t\n")) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "an engine name is 1 to 31 characters, no blanks or '/'");
		return -EINVAL;
	}
	if (sgw_engine_find(en, name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "engine already exists");
		return -EEXIST;
	}
	if (en->n_engines >= SGW_MAX_ENGINES) {
		NL_SET_ERR_MSG(info->extack, "too many engines (at most "
			       __stringify(SGW_MAX_ENGINES) ")");
		return -ENOSPC;
	}
	return 0;
}

static struct sgw_engine *sgw_engine_lookup(struct sgw_engine_net *en,
					    struct genl_info *info)
{
	struct sgw_engine *eng;

	eng = sgw_engine_find(en, nla_data(info->attrs[SGW_ENGINE_A_NAME]));
	if (!eng)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_ENGINE_A_NAME],
				    "no such engine");
	return eng;
}

static void sgw_engine_lock(void)
{
	cpus_read_lock();
	mutex_lock(&sgw_engine_mutex);
}

static void sgw_engine_unlock(void)
{
	mutex_unlock(&sgw_engine_mutex);
	cpus_read_unlock();
}

/* Once per module life, before the first engine: wrap ESP's transforms. */
static void sgw_engine_prepare(void)
{
	static DEFINE_MUTEX(once_lock);
	static bool done;
	int n;

	mutex_lock(&once_lock);
	if (!done) {
		n = sgw_engine_aead_instantiate();
		pr_info("engines wrap %d ESP transforms\n", n);
		if (sgw_engine_rx_register())
			pr_warn("inbound ESP cannot be steered: it is decrypted where it arrives\n");
		done = true;
	}
	mutex_unlock(&once_lock);
}

/* ---- commands ------------------------------------------------------------- */

int sgw_engine_cmd_new(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_engine_net *en = sgw_engine_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	cpumask_var_t mask;
	const char *name;
	int err;

	err = SGW_REQUIRE(info, SGW_ENGINE_A_NAME, "engine name missing") ?:
	      SGW_REQUIRE(info, SGW_ENGINE_A_CPUS, "cpus missing");
	if (err)
		return err;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	name = nla_data(tb[SGW_ENGINE_A_NAME]);
	err = sgw_engine_parse_cpus(info, mask);
	if (err)
		goto out;
	sgw_engine_prepare();
	sgw_engine_lock();
	err = sgw_engine_check_name(en, info, name) ?:
	      sgw_engine_check_cpus(en, info, mask, NULL);
	if (!err)
		err = sgw_engine_create(en, name, mask,
					tb[SGW_ENGINE_A_STANDBY] &&
					nla_get_u8(tb[SGW_ENGINE_A_STANDBY]),
					!tb[SGW_ENGINE_A_ADMIN_UP] ||
					nla_get_u8(tb[SGW_ENGINE_A_ADMIN_UP]),
					info->extack);
	sgw_engine_unlock();
out:
	free_cpumask_var(mask);
	return err;
}

int sgw_engine_cmd_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_engine_net *en = sgw_engine_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct sgw_engine *eng;
	cpumask_var_t mask;
	int err;

	err = SGW_REQUIRE(info, SGW_ENGINE_A_NAME, "engine name missing");
	if (err)
		return err;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	if (tb[SGW_ENGINE_A_CPUS]) {
		err = sgw_engine_parse_cpus(info, mask);
		if (err)
			goto out;
	}
	sgw_engine_lock();
	eng = sgw_engine_lookup(en, info);
	if (!eng) {
		err = -ENOENT;
		goto unlock;
	}
	if (tb[SGW_ENGINE_A_CPUS]) {
		err = sgw_engine_check_cpus(en, info, mask, eng);
		if (err)
			goto unlock;
	}
	err = sgw_engine_change(eng, tb[SGW_ENGINE_A_CPUS] ? mask : NULL,
				tb[SGW_ENGINE_A_STANDBY] ?
				nla_get_u8(tb[SGW_ENGINE_A_STANDBY]) : -1,
				tb[SGW_ENGINE_A_ADMIN_UP] ?
				nla_get_u8(tb[SGW_ENGINE_A_ADMIN_UP]) : -1);
unlock:
	sgw_engine_unlock();
out:
	free_cpumask_var(mask);
	return err;
}

int sgw_engine_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_engine_net *en = sgw_engine_pernet(genl_info_net(info));
	struct sgw_engine *eng;
	int err;

	err = SGW_REQUIRE(info, SGW_ENGINE_A_NAME, "engine name missing");
	if (err)
		return err;
	sgw_engine_lock();
	eng = sgw_engine_lookup(en, info);
	if (eng)
		sgw_engine_destroy(eng);
	sgw_engine_unlock();
	return eng ? 0 : -ENOENT;
}

int sgw_engine_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_engine_net *en = sgw_engine_pernet(genl_info_net(info));
	struct sgw_engine *eng;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = SGW_REQUIRE(info, SGW_ENGINE_A_NAME, "engine name missing");
	if (err)
		return err;
	msg = sgw_genl_reply_new(info, SGW_CMD_ENGINE_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sgw_engine_mutex);
	eng = sgw_engine_lookup(en, info);
	err = eng ? sgw_engine_fill(msg, eng) : -ENOENT;
	mutex_unlock(&sgw_engine_mutex);
	return sgw_genl_reply_send(info, msg, hdr, err);
}

/* cb->args[0]: engines already dumped. */
int sgw_engine_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sgw_engine_net *en = sgw_engine_pernet(sock_net(skb->sk));
	struct sgw_engine *eng;
	long idx = 0;
	void *hdr;

	mutex_lock(&sgw_engine_mutex);
	cb->seq = en->gen;
	list_for_each_entry(eng, &en->engines, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &sgw_genl_family,
				  NLM_F_MULTI, SGW_CMD_ENGINE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (sgw_engine_fill(skb, eng)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&sgw_engine_mutex);
	return skb->len;
}

int sgw_engine_cmd_bind(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_engine_net *en = sgw_engine_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct sgw_engine *eng = NULL;
	int err;

	err = SGW_REQUIRE(info, SGW_ENGINE_A_IF_ID, "if_id missing");
	if (err)
		return err;
	if (!tb[SGW_ENGINE_A_NAME] == !tb[SGW_ENGINE_A_AUTO]) {
		NL_SET_ERR_MSG(info->extack, "give an engine name or auto, not both");
		return -EINVAL;
	}
	if (!nla_get_u32(tb[SGW_ENGINE_A_IF_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_ENGINE_A_IF_ID],
				    "if_id 0 is no xfrm interface");
		return -EINVAL;
	}
	sgw_engine_lock();
	if (tb[SGW_ENGINE_A_NAME]) {
		eng = sgw_engine_lookup(en, info);
		if (!eng) {
			err = -ENOENT;
			goto unlock;
		}
	}
	err = sgw_engine_bind(en, nla_get_u32(tb[SGW_ENGINE_A_IF_ID]), eng,
			      info->extack);
unlock:
	sgw_engine_unlock();
	return err;
}

/*
 * cb->args[0]: SAs already dumped. SAs come and go with traffic: a dump
 * that spans a change is flagged NLM_F_DUMP_INTR.
 */
int sgw_engine_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sgw_engine_net *en = sgw_engine_pernet(sock_net(skb->sk));
	const struct nlattr *filter = genl_dumpit_info(cb)->attrs[SGW_ESA_A_ENGINE];
	struct sgw_slot *s;
	long idx = 0;
	void *hdr;

	mutex_lock(&sgw_engine_mutex);
	cb->seq = en->gen;
	list_for_each_entry(s, &en->sas, node) {
		if (filter && (!s->placed ||
			       strcmp(s->placed->name, nla_data(filter))))
			continue;
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &sgw_genl_family,
				  NLM_F_MULTI, SGW_CMD_ENGINE_SA_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (sgw_engine_fill_sa(skb, s)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&sgw_engine_mutex);
	return skb->len;
}
