// SPDX-License-Identifier: GPL-2.0
/*
 * Anycast groups of the sgw module (see sgwc_anycast.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "netlink/sgwc_anycast.h"
#include "netlink/sgwc_int.h"

#define HAS(a, attr) ((a)->present & SGWC_ATTR_BIT(attr))

/* ---- requests ------------------------------------------------------------ */

static void put_addr(struct genl_msg *m, uint16_t type, const struct sgw_prefix *p)
{
	struct nlattr *nest = genl_nest_start(m, type);

	genl_put(m, SGW_PREFIX_A_ADDR, sgw_addr_len(p->family), p->addr);
	genl_put_u8(m, SGW_PREFIX_A_PLEN, p->len);
	genl_nest_end(m, nest);
}

static void put_links(struct genl_msg *m, const struct sgwc_anycast *a)
{
	struct nlattr *nest;
	size_t i;

	if (!a->n_links) {
		genl_put_flag(m, SGW_ANYCAST_A_NO_LINKS);
		return;
	}
	for (i = 0; i < a->n_links; i++) {
		nest = genl_nest_start(m, SGW_ANYCAST_A_LINK);
		genl_put_str(m, SGW_ALINK_A_NAME, a->links[i].name);
		genl_nest_end(m, nest);
	}
}

/* The configuration attributes of a that are marked present. */
static void put_anycast(struct genl_msg *m, const struct sgwc_anycast *a)
{
	size_t i;

	genl_put_str(m, SGW_ANYCAST_A_NAME, a->name);
	if (HAS(a, SGW_ANYCAST_A_VRF))
		genl_put_str(m, SGW_ANYCAST_A_VRF, a->vrf);
	if (HAS(a, SGW_ANYCAST_A_ADDRESS))
		for (i = 0; i < a->n_addrs; i++)
			put_addr(m, SGW_ANYCAST_A_ADDRESS, &a->addrs[i]);
	if (HAS(a, SGW_ANYCAST_A_TRACK_IKUD))
		genl_put_u8(m, SGW_ANYCAST_A_TRACK_IKUD, a->track_ikud);
	if (HAS(a, SGW_ANYCAST_A_LINK))
		put_links(m, a);
	if (HAS(a, SGW_ANYCAST_A_HEARTBEAT_MS))
		genl_put_u32(m, SGW_ANYCAST_A_HEARTBEAT_MS, a->heartbeat_ms);
	if (HAS(a, SGW_ANYCAST_A_HOLD_DOWN_MS))
		genl_put_u32(m, SGW_ANYCAST_A_HOLD_DOWN_MS, a->hold_down_ms);
	if (HAS(a, SGW_ANYCAST_A_PREEMPT))
		genl_put_u8(m, SGW_ANYCAST_A_PREEMPT, a->preempt);
	if (HAS(a, SGW_ANYCAST_A_DRAINED))
		genl_put_u8(m, SGW_ANYCAST_A_DRAINED, a->drained);
}

static int anycast_send(struct genl *h, uint8_t cmd, const struct sgwc_anycast *a,
			struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, cmd, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	put_anycast(m, a);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_anycast_new(struct genl *h, const struct sgwc_anycast *a,
		     struct nlconn_err *err)
{
	return anycast_send(h, SGW_CMD_ANYCAST_NEW, a, err);
}

int sgwc_anycast_change(struct genl *h, const struct sgwc_anycast *a,
			struct nlconn_err *err)
{
	return anycast_send(h, SGW_CMD_ANYCAST_SET, a, err);
}

int sgwc_anycast_del(struct genl *h, const char *name, struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_ANYCAST_DEL, SGW_ANYCAST_A_NAME, name, err);
}

int sgwc_anycast_heartbeat(struct genl *h, const char *name,
			   struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_ANYCAST_HEARTBEAT, SGW_ANYCAST_A_NAME, name, err);
}

int sgwc_anycast_unregister(struct genl *h, const char *name,
			    struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_ANYCAST_UNREGISTER, SGW_ANYCAST_A_NAME, name, err);
}

/* ---- replies ------------------------------------------------------------- */

static int parse_link(const struct nlattr *nest, struct sgwc_anycast_link *l)
{
	const struct nlattr *tb[SGW_ALINK_A_MAX + 1];

	if (genl_parse_nested(nest, tb, SGW_ALINK_A_MAX) < 0 ||
	    !sgwc_attr_strcpy(tb[SGW_ALINK_A_NAME], l->name, sizeof(l->name)))
		return -EBADMSG;
	l->ifindex = sgwc_attr_u32(tb[SGW_ALINK_A_IFINDEX]);
	l->up = sgwc_attr_u8(tb[SGW_ALINK_A_UP]) != 0;
	return 0;
}

/* One repeated attribute (an address, a missing address, a link) into a. */
static int parse_listed(const struct nlattr *attr, struct sgwc_anycast *a)
{
	switch (mnl_attr_get_type(attr)) {
	case SGW_ANYCAST_A_ADDRESS:
		if (a->n_addrs == SGW_ANYCAST_MAX_ADDRS)
			return -EBADMSG;
		return sgwc_attr_prefix(attr, &a->addrs[a->n_addrs++]);
	case SGW_ANYCAST_A_MISSING:
		if (a->n_missing == SGW_ANYCAST_MAX_ADDRS)
			return -EBADMSG;
		return sgwc_attr_prefix(attr, &a->missing[a->n_missing++]);
	case SGW_ANYCAST_A_LINK:
		if (a->n_links == SGW_ANYCAST_MAX_LINKS)
			return -EBADMSG;
		return parse_link(attr, &a->links[a->n_links++]);
	}
	return 0;
}

static void parse_scalars(const struct nlattr **tb, struct sgwc_anycast *a)
{
	uint16_t t;

	sgwc_attr_strcpy(tb[SGW_ANYCAST_A_VRF], a->vrf, sizeof(a->vrf));
	sgwc_attr_strcpy(tb[SGW_ANYCAST_A_DEVICE], a->device, sizeof(a->device));
	a->vrf_ifindex = sgwc_attr_u32(tb[SGW_ANYCAST_A_VRF_IFINDEX]);
	a->ifindex = sgwc_attr_u32(tb[SGW_ANYCAST_A_IFINDEX]);
	a->track_ikud = sgwc_attr_u8(tb[SGW_ANYCAST_A_TRACK_IKUD]) != 0;
	a->heartbeat_ms = sgwc_attr_u32(tb[SGW_ANYCAST_A_HEARTBEAT_MS]);
	a->hold_down_ms = sgwc_attr_u32(tb[SGW_ANYCAST_A_HOLD_DOWN_MS]);
	a->preempt = sgwc_attr_u8(tb[SGW_ANYCAST_A_PREEMPT]) != 0;
	a->drained = sgwc_attr_u8(tb[SGW_ANYCAST_A_DRAINED]) != 0;
	a->state = sgwc_attr_u32(tb[SGW_ANYCAST_A_STATE]);
	a->reasons = sgwc_attr_u32(tb[SGW_ANYCAST_A_REASONS]);
	a->transitions = sgwc_attr_u64(tb[SGW_ANYCAST_A_TRANSITIONS]);
	a->withdrawals = sgwc_attr_u64(tb[SGW_ANYCAST_A_WITHDRAWALS]);
	a->state_ms = sgwc_attr_u64(tb[SGW_ANYCAST_A_STATE_MS]);
	a->hold_down_left_ms = sgwc_attr_u32(tb[SGW_ANYCAST_A_HOLD_DOWN_LEFT_MS]);
	a->ikud_pid = sgwc_attr_u32(tb[SGW_ANYCAST_A_IKUD_PID]);
	a->ikud_portid = sgwc_attr_u32(tb[SGW_ANYCAST_A_IKUD_PORTID]);
	a->heartbeat_age_ms = sgwc_attr_u32(tb[SGW_ANYCAST_A_HEARTBEAT_AGE_MS]);
	if (tb[SGW_ANYCAST_A_PEER_VIA])
		sgwc_attr_addr(tb[SGW_ANYCAST_A_PEER_VIA], &a->peer_via);
	for (t = 0; t <= SGW_ANYCAST_A_MAX && t < 64; t++)
		if (tb[t])
			a->present |= SGWC_ATTR_BIT(t);
}

/* A group from the attributes of a reply (nest NULL) or of an event nest. */
static int parse_anycast(const struct nlmsghdr *nlh, const struct nlattr *nest,
			 struct sgwc_anycast *a)
{
	const struct nlattr *tb[SGW_ANYCAST_A_MAX + 1];
	const struct nlattr *attr;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	if ((nest ? genl_parse_nested(nest, tb, SGW_ANYCAST_A_MAX) :
		    genl_parse(nlh, tb, SGW_ANYCAST_A_MAX)) < 0 ||
	    !sgwc_attr_strcpy(tb[SGW_ANYCAST_A_NAME], a->name, sizeof(a->name)))
		return -EBADMSG;
	parse_scalars(tb, a);
	if (nest) {
		mnl_attr_for_each_nested(attr, nest)
			if (!ret)
				ret = parse_listed(attr, a);
	} else {
		mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
			if (!ret)
				ret = parse_listed(attr, a);
	}
	return ret;
}

int sgwc_anycast_event_parse(const struct nlmsghdr *nlh, struct sgwc_anycast *a)
{
	const struct nlattr *tb[SGW_EVENT_A_MAX + 1];

	if (genl_cmd(nlh) != SGW_CMD_EVENT || genl_parse(nlh, tb, SGW_EVENT_A_MAX) < 0 ||
	    !tb[SGW_EVENT_A_ANYCAST])
		return -ENOMSG;
	return parse_anycast(NULL, tb[SGW_EVENT_A_ANYCAST], a);
}

struct anycast_ctx {
	sgwc_anycast_cb cb;
	void *data;
	bool stopped;
};

static int anycast_cb(const struct nlmsghdr *nlh, void *data)
{
	struct anycast_ctx *ctx = data;
	struct sgwc_anycast a;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (parse_anycast(nlh, NULL, &a) < 0)
		return MNL_CB_ERROR;
	if (ctx->cb(&a, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

static int copy_anycast(const struct sgwc_anycast *a, void *data)
{
	memcpy(data, a, sizeof(*a));
	return 0;
}

/* GET or REGISTER of one group by name; its reply into out (may be NULL). */
static int anycast_named_reply(struct genl *h, uint8_t cmd, const char *name,
			       struct sgwc_anycast *out, struct nlconn_err *err)
{
	struct sgwc_anycast scratch;
	struct anycast_ctx ctx = { .cb = copy_anycast, .data = out ? out : &scratch };
	struct genl_msg *m = sgwc_msg(h, cmd, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	memset(ctx.data, 0, sizeof(*out));
	genl_put_str(m, SGW_ANYCAST_A_NAME, name);
	ret = genl_request(h, m, anycast_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_anycast_get(struct genl *h, const char *name,
		     struct sgwc_anycast *out, struct nlconn_err *err)
{
	return anycast_named_reply(h, SGW_CMD_ANYCAST_GET, name, out, err);
}

int sgwc_anycast_register(struct genl *h, const char *name,
			  struct sgwc_anycast *out, struct nlconn_err *err)
{
	return anycast_named_reply(h, SGW_CMD_ANYCAST_REGISTER, name, out, err);
}

int sgwc_anycast_dump(struct genl *h, sgwc_anycast_cb cb, void *data,
		      struct nlconn_err *err)
{
	struct anycast_ctx ctx = { .cb = cb, .data = data };
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_ANYCAST_GET, NLM_F_DUMP, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = genl_request(h, m, anycast_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

/* ---- words --------------------------------------------------------------- */

const char *sgwc_anycast_state_name(uint32_t state)
{
	static const char *const names[] = {
		[SGW_ANYCAST_DOWN] = "down",
		[SGW_ANYCAST_HOLD_DOWN] = "hold-down",
		[SGW_ANYCAST_STANDBY] = "standby",
		[SGW_ANYCAST_ACTIVE] = "active",
		[SGW_ANYCAST_DRAINED] = "drained",
	};

	return state <= SGW_ANYCAST_STATE_MAX ? names[state] : "unknown";
}

static void append(char *buf, size_t len, size_t *used, const char *word)
{
	int n;

	if (*used >= len)
		return;
	n = snprintf(buf + *used, len - *used, "%s%s", *used ? ", " : "", word);
	if (n > 0)
		*used += (size_t)n;
}

void sgwc_anycast_reason(const struct sgwc_anycast *a, char *buf, size_t len)
{
	char word[IF_NAMESIZE + 8];
	size_t used = 0, i;

	if (len)
		buf[0] = '\0';
	if (a->reasons & SGW_ANYCAST_R_DRAINED)
		append(buf, len, &used, "drained");
	if (a->reasons & (SGW_ANYCAST_R_IKUD | SGW_ANYCAST_R_HEARTBEAT))
		append(buf, len, &used, "ikud");
	for (i = 0; i < a->n_links; i++)
		if (!a->links[i].up) {
			snprintf(word, sizeof(word), "link %s", a->links[i].name);
			append(buf, len, &used, word);
		}
	if (a->reasons & SGW_ANYCAST_R_DEVICE)
		append(buf, len, &used, "device down");
	if (a->reasons & SGW_ANYCAST_R_VRF)
		append(buf, len, &used, "device out of its vrf");
	if (a->reasons & SGW_ANYCAST_R_HOLD_DOWN)
		append(buf, len, &used, "hold-down");
	if (a->reasons & SGW_ANYCAST_R_PEER)
		append(buf, len, &used, "announced elsewhere");
}
