// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: prefix lists, the address sets policers match against.
 *
 * A list is a named object whose content (an sgw_lpm set) is replaced as a
 * whole under RCU on every change, so a packet sees either the old or the
 * new content, never a mix, and readers take no lock.
 */

#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include <net/sock.h>

#include "sgw.h"

struct sgw_plist *sgw_plist_find(struct sgw_net *sn, const char *name)
{
	struct sgw_plist *pl;

	list_for_each_entry(pl, &sn->plists, node)
		if (!strcmp(pl->name, name))
			return pl;
	return NULL;
}

static struct sgw_lpm *sgw_plist_lpm(struct sgw_net *sn,
				     const struct sgw_plist *pl)
{
	return rcu_dereference_protected(pl->lpm, lockdep_is_held(&sn->lock));
}

static int sgw_plist_fill_summary(struct sk_buff *skb,
				  const struct sgw_plist *pl)
{
	/* Called under sn->lock or for a list about to be freed. */
	const struct sgw_lpm *lpm = rcu_dereference_raw(pl->lpm);

	if (nla_put_string(skb, SGW_PLIST_A_NAME, pl->name) ||
	    nla_put_u32(skb, SGW_PLIST_A_COUNT, sgw_lpm_count(lpm)) ||
	    nla_put_u32(skb, SGW_PLIST_A_USERS, pl->users))
		return -EMSGSIZE;
	return 0;
}

static void sgw_plist_event(struct net *net, u32 action,
			    const struct sgw_plist *pl)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = sgw_genl_event_new(net, SGW_OBJ_PLIST, action, pl->name, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, SGW_EVENT_A_PLIST);
	if (!nest || sgw_plist_fill_summary(skb, pl)) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	sgw_genl_event_send(net, skb, hdr);
}

/*
 * Parses the PREFIX attributes of a request into a new array (*items, *n;
 * NULL, 0 when there are none). *attrs gets the attributes, for errors.
 */
static int sgw_plist_parse(struct genl_info *info, struct sgw_pfx **items,
			   const struct nlattr ***attrs, u32 *n)
{
	const struct nlattr *nla;
	u32 count = 0, i = 0;
	int rem, err;

	*items = NULL;
	*attrs = NULL;
	*n = 0;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == SGW_PLIST_A_PREFIX)
			count++;
	if (!count)
		return 0;
	if (count > SGW_PLIST_MAX_PREFIXES) {
		NL_SET_ERR_MSG(info->extack,
			       "too many prefixes: a list holds at most "
			       __stringify(SGW_PLIST_MAX_PREFIXES));
		return -ENOSPC;
	}
	*items = kvmalloc_array(count, sizeof(**items), GFP_KERNEL);
	*attrs = kvmalloc_array(count, sizeof(**attrs), GFP_KERNEL);
	if (!*items || !*attrs) {
		err = -ENOMEM;
		goto fail;
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != SGW_PLIST_A_PREFIX)
			continue;
		err = sgw_pfx_from_nla(nla, &(*items)[i], info->extack);
		if (err)
			goto fail;
		(*attrs)[i++] = nla;
	}
	*n = count;
	return 0;
fail:
	kvfree(*items);
	kvfree(*attrs);
	*items = NULL;
	*attrs = NULL;
	return err;
}

static bool sgw_plist_name_ok(struct genl_info *info, int type)
{
	if (GENL_REQ_ATTR_CHECK(info, type)) {
		NL_SET_ERR_MSG(info->extack, "name missing");
		return false;
	}
	if (!*(char *)nla_data(info->attrs[type])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[type],
				    "name must not be empty");
		return false;
	}
	return true;
}

int sgw_plist_cmd_add(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_net *sn = sgw_pernet(genl_info_net(info));
	const struct nlattr **attrs;
	struct sgw_lpm *old, *lpm;
	struct sgw_plist *pl;
	struct sgw_pfx *items;
	bool created = false;
	const char *name;
	u32 n;
	int err;

	if (!sgw_plist_name_ok(info, SGW_PLIST_A_NAME))
		return -EINVAL;
	name = nla_data(info->attrs[SGW_PLIST_A_NAME]);
	err = sgw_plist_parse(info, &items, &attrs, &n);
	if (err)
		return err;

	mutex_lock(&sn->lock);
	pl = sgw_plist_find(sn, name);
	if (pl && info->attrs[SGW_PLIST_A_EXCL]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_PLIST_A_NAME],
				    "prefix list already exists");
		err = -EEXIST;
		goto out;
	}
	if (!pl) {
		if (sn->n_plists >= SGW_MAX_PLISTS) {
			NL_SET_ERR_MSG(info->extack,
				       "too many prefix lists (at most "
				       __stringify(SGW_MAX_PLISTS) ")");
			err = -ENOSPC;
			goto out;
		}
		pl = kzalloc(sizeof(*pl), GFP_KERNEL_ACCOUNT);
		if (!pl) {
			err = -ENOMEM;
			goto out;
		}
		strscpy(pl->name, name, sizeof(pl->name));
		created = true;
	}
	old = created ? NULL : sgw_plist_lpm(sn, pl);
	lpm = sgw_lpm_add(old, items, n, SGW_PLIST_MAX_PREFIXES);
	if (IS_ERR(lpm)) {
		err = PTR_ERR(lpm);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack,
				       "prefix list would hold more than "
				       __stringify(SGW_PLIST_MAX_PREFIXES)
				       " prefixes");
		if (created)
			kfree(pl);
		goto out;
	}
	rcu_assign_pointer(pl->lpm, lpm);
	if (created) {
		list_add_tail(&pl->node, &sn->plists);
		sn->n_plists++;
	}
	sgw_lpm_free_rcu(old);
	sgw_net_changed(sn);
	sgw_plist_event(genl_info_net(info),
			created ? SGW_EVENT_CREATED : SGW_EVENT_CHANGED, pl);
	err = 0;
out:
	mutex_unlock(&sn->lock);
	kvfree(items);
	kvfree(attrs);
	return err;
}

static void sgw_plist_free_cb(struct rcu_head *head)
{
	struct sgw_plist *pl = container_of(head, struct sgw_plist, rcu);

	sgw_lpm_free(rcu_dereference_raw(pl->lpm));
	kfree(pl);
}

static void sgw_plist_unlink(struct sgw_net *sn, struct sgw_plist *pl)
{
	list_del(&pl->node);
	sn->n_plists--;
	sgw_net_changed(sn);
	call_rcu(&pl->rcu, sgw_plist_free_cb);
}

int sgw_plist_cmd_del(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_net *sn = sgw_pernet(genl_info_net(info));
	const struct nlattr **attrs;
	struct sgw_lpm *old, *lpm;
	struct sgw_plist *pl;
	struct sgw_pfx *items;
	u32 n, missing = 0;
	int err;

	if (!sgw_plist_name_ok(info, SGW_PLIST_A_NAME))
		return -EINVAL;
	err = sgw_plist_parse(info, &items, &attrs, &n);
	if (err)
		return err;

	mutex_lock(&sn->lock);
	pl = sgw_plist_find(sn, nla_data(info->attrs[SGW_PLIST_A_NAME]));
	if (!pl) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_PLIST_A_NAME],
				    "no such prefix list");
		err = -ENOENT;
		goto out;
	}
	if (!n) {
		if (pl->users) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SGW_PLIST_A_NAME],
					    "prefix list is used by a policer");
			err = -EBUSY;
			goto out;
		}
		sgw_plist_event(genl_info_net(info), SGW_EVENT_DELETED, pl);
		sgw_plist_unlink(sn, pl);
		err = 0;
		goto out;
	}
	old = sgw_plist_lpm(sn, pl);
	lpm = sgw_lpm_del(old, items, n, &missing);
	if (IS_ERR(lpm)) {
		err = PTR_ERR(lpm);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[missing],
					    "prefix is not in the list");
		goto out;
	}
	rcu_assign_pointer(pl->lpm, lpm);
	sgw_lpm_free_rcu(old);
	sgw_net_changed(sn);
	sgw_plist_event(genl_info_net(info), SGW_EVENT_CHANGED, pl);
	err = 0;
out:
	mutex_unlock(&sn->lock);
	kvfree(items);
	kvfree(attrs);
	return err;
}

int sgw_plist_cmd_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_net *sn = sgw_pernet(genl_info_net(info));
	struct sgw_plist *pl;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!sgw_plist_name_ok(info, SGW_PLIST_A_NAME))
		return -EINVAL;
	msg = sgw_genl_reply_new(info, SGW_CMD_PLIST_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sn->lock);
	pl = sgw_plist_find(sn, nla_data(info->attrs[SGW_PLIST_A_NAME]));
	if (!pl) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SGW_PLIST_A_NAME],
				    "no such prefix list");
		err = -ENOENT;
	} else {
		err = sgw_plist_fill_summary(msg, pl);
	}
	mutex_unlock(&sn->lock);
	return sgw_genl_reply_send(info, msg, hdr, err);
}

/*
 * One message for pl, with prefixes from *pos on; advances *pos by what
 * fit. Returns -EMSGSIZE when nothing at all fit.
 */
static int sgw_plist_fill_slice(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct sgw_net *sn, const struct sgw_plist *pl,
				u32 *pos)
{
	const struct sgw_lpm *lpm = sgw_plist_lpm(sn, pl);
	u32 count = sgw_lpm_count(lpm), start;
	void *hdr;

	*pos = min(*pos, count);	/* the list may have shrunk meanwhile */
	start = *pos;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sgw_genl_family, NLM_F_MULTI, SGW_CMD_PLIST_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (sgw_plist_fill_summary(skb, pl)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	while (*pos < count &&
	       !sgw_pfx_put(skb, SGW_PLIST_A_PREFIX, sgw_lpm_item(lpm, *pos)))
		(*pos)++;
	if (*pos == start && start < count) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0]: index of the list being dumped; [1]: prefix position. A
 * change between two calls (a list deleted before that index, prefixes
 * added or removed) makes them point elsewhere: the generation of the
 * namespace's configuration flags such a dump NLM_F_DUMP_INTR.
 */
int sgw_plist_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sgw_net *sn = sgw_pernet(sock_net(skb->sk));
	const struct nlattr *filter;
	struct sgw_plist *pl;
	long idx = 0;
	u32 pos;
	int err = 0;

	filter = genl_dumpit_info(cb)->attrs[SGW_PLIST_A_NAME];
	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	list_for_each_entry(pl, &sn->plists, node) {
		if (idx++ < cb->args[0])
			continue;
		if (filter && strcmp(pl->name, nla_data(filter))) {
			cb->args[0] = idx;
			continue;
		}
		pos = cb->args[1];
		do {
			err = sgw_plist_fill_slice(skb, cb, sn, pl, &pos);
			cb->args[1] = pos;
		} while (!err && pos < sgw_lpm_count(sgw_plist_lpm(sn, pl)));
		if (err)
			break;
		cb->args[0] = idx;
		cb->args[1] = 0;
	}
	mutex_unlock(&sn->lock);
	if (err && !skb->len)
		return err;
	return skb->len;
}

void sgw_plist_flush(struct sgw_net *sn)
{
	struct sgw_plist *pl, *tmp;

	list_for_each_entry_safe(pl, tmp, &sn->plists, node)
		sgw_plist_unlink(sn, pl);
}
