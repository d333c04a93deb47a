// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink on the nlconn transport (see genl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "netlink/genl.h"

#define GENL_MAX_GROUPS 8

struct genl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct genl {
	struct nlconn *c;
	uint16_t family;
	uint32_t version;
	unsigned int ngroups;
	struct genl_group groups[GENL_MAX_GROUPS];
};

/* --- building requests ---------------------------------------------------- */

struct genl_msg *genl_msg_new(struct genl *h, uint8_t cmd, uint16_t flags, size_t size)
{
	struct genl_msg *m;
	struct genlmsghdr *g;

	if (size < (size_t)MNL_SOCKET_BUFFER_SIZE)
		size = (size_t)MNL_SOCKET_BUFFER_SIZE;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->size = size;
	m->nlh = calloc(1, size);
	if (!m->nlh) {
		free(m);
		return NULL;
	}
	mnl_nlmsg_put_header(m->nlh);
	m->nlh->nlmsg_type = h->family;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = (uint8_t)h->version;
	return m;
}

void genl_msg_free(struct genl_msg *m)
{
	if (!m)
		return;
	free(m->nlh);
	free(m);
}

size_t genl_msg_len(const struct genl_msg *m)
{
	return m->nlh->nlmsg_len;
}

void genl_put(struct genl_msg *m, uint16_t type, size_t len, const void *data)
{
	if (m->overflow || !mnl_attr_put_check(m->nlh, m->size, type, len, data))
		m->overflow = true;
}

void genl_put_u8(struct genl_msg *m, uint16_t type, uint8_t v)
{
	genl_put(m, type, sizeof(v), &v);
}

void genl_put_u16(struct genl_msg *m, uint16_t type, uint16_t v)
{
	genl_put(m, type, sizeof(v), &v);
}

void genl_put_u32(struct genl_msg *m, uint16_t type, uint32_t v)
{
	genl_put(m, type, sizeof(v), &v);
}

void genl_put_u64(struct genl_msg *m, uint16_t type, uint64_t v)
{
	/* libmnl aligns attributes to 4 bytes; u64 payloads may be unaligned,
	 * which the kernel's nla_get_u64 handles. */
	genl_put(m, type, sizeof(v), &v);
}

void genl_put_str(struct genl_msg *m, uint16_t type, const char *s)
{
	genl_put(m, type, strlen(s) + 1, s);
}

void genl_put_flag(struct genl_msg *m, uint16_t type)
{
	genl_put(m, type, 0, NULL);
}

struct nlattr *genl_nest_start(struct genl_msg *m, uint16_t type)
{
	struct nlattr *nest;

	if (m->overflow)
		return NULL;
	nest = mnl_attr_nest_start_check(m->nlh, m->size, type);
	if (!nest) {
		m->overflow = true;
		return NULL;
	}
	nest->nla_type |= NLA_F_NESTED;
	return nest;
}

void genl_nest_end(struct genl_msg *m, struct nlattr *nest)
{
	if (!nest || m->overflow)
		return;
	/* nla_len is 16 bits: a nest that outgrew it cannot be sent. */
	if ((char *)mnl_nlmsg_get_payload_tail(m->nlh) - (char *)nest > UINT16_MAX) {
		m->overflow = true;
		return;
	}
	mnl_attr_nest_end(m->nlh, nest);
}

/* --- parsing replies ------------------------------------------------------ */

const struct nlattr *genl_attrs(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
}

uint8_t genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	/* a message too short for the header has no command (0 is unspec) */
	return mnl_nlmsg_get_payload_len(nlh) >= GENL_HDRLEN ? g->cmd : 0;
}

struct parse_ctx {
	const struct nlattr **tb;
	uint16_t maxtype;
};

static int parse_attr_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= ctx->maxtype)
		ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, uint16_t maxtype)
{
	struct parse_ctx ctx = { tb, maxtype };

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	return mnl_attr_parse(nlh, GENL_HDRLEN, parse_attr_cb, &ctx) < 0 ? -EBADMSG : 0;
}

int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t maxtype)
{
	struct parse_ctx ctx = { tb, maxtype };

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	return mnl_attr_parse_nested(nest, parse_attr_cb, &ctx) < 0 ? -EBADMSG : 0;
}

/* --- requests ------------------------------------------------------------- */

/* The transport's error, with the path to the attribute at fault. */
static int request_error(struct genl *h, const struct nlmsghdr *req, int ret,
			 struct nlconn_err *err)
{
	if (!err)
		return ret;
	*err = *nlconn_error(h->c);
	err->code = ret;
	nlconn_err_locate(err, req, GENL_HDRLEN);
	return ret;
}

int genl_request(struct genl *h, struct genl_msg *m, genl_cb cb, void *data,
		 struct nlconn_err *err)
{
	int ret;

	nlconn_err_clear(err);
	if (m->overflow) {
		nlconn_err_set(err, -EMSGSIZE, "request too large for one netlink message");
		return -EMSGSIZE;
	}
	if (m->nlh->nlmsg_flags & NLM_F_DUMP)
		ret = nlconn_dump(h->c, m->nlh, cb, data);
	else
		ret = nlconn_request(h->c, m->nlh, cb, data);
	return ret ? request_error(h, m->nlh, ret, err) : 0;
}

struct event_ctx {
	const struct genl *h;
	genl_cb cb;
	void *data;
};

static int family_event(const struct nlmsghdr *nlh, void *arg)
{
	const struct event_ctx *ctx = arg;

	if (nlh->nlmsg_type != ctx->h->family)
		return MNL_CB_OK;
	return ctx->cb(nlh, ctx->data);
}

int genl_recv_events(struct genl *h, genl_cb cb, void *data, struct nlconn_err *err)
{
	struct event_ctx ctx = { h, cb, data };
	int ret;

	nlconn_err_clear(err);
	ret = nlconn_recv(h->c, family_event, &ctx);
	if (ret < 0 && err)
		*err = *nlconn_error(h->c);
	return ret < 0 ? ret : 0;
}

/* --- family --------------------------------------------------------------- */

static int group_cb(const struct nlattr *attr, void *data)
{
	struct genl *h = data;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct genl_group *g;

	if (genl_parse_nested(attr, tb, CTRL_ATTR_MCAST_GRP_MAX) < 0)
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
	    h->ngroups == GENL_MAX_GROUPS)
		return MNL_CB_OK;
	g = &h->groups[h->ngroups++];
	snprintf(g->name, sizeof(g->name), "%s", mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
	g->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct genl *h = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return MNL_CB_ERROR;
	h->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		h->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	h->ngroups = 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    mnl_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS], group_cb, h) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int resolve_family(struct genl *h, const char *family, struct nlconn_err *err)
{
	struct genl_msg *m;
	int ret;

	h->family = GENL_ID_CTRL;
	h->version = 1;
	m = genl_msg_new(h, CTRL_CMD_GETFAMILY, 0, 0);
	if (!m) {
		nlconn_err_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	genl_put_str(m, CTRL_ATTR_FAMILY_NAME, family);
	h->family = 0;
	ret = genl_request(h, m, family_cb, h, err);
	genl_msg_free(m);
	if (ret == -ENOENT)
		nlconn_err_set(err, ret,
			       "generic netlink family '%s' not found (is the module loaded? try 'modprobe %s')",
			       family, family);
	else if (ret == 0 && h->family == 0)
		nlconn_err_set(err, ret = -EPROTO, "no id in the reply about family '%s'", family);
	return ret;
}

struct genl *genl_open(const char *family, struct nlconn_err *err)
{
	struct genl *h;

	nlconn_err_clear(err);
	h = calloc(1, sizeof(*h));
	if (!h) {
		nlconn_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	h->c = nlconn_open(NETLINK_GENERIC, -1, NULL, 0);
	if (!h->c) {
		nlconn_err_set(err, -errno, "generic netlink socket: %s", strerror(errno));
		free(h);
		return NULL;
	}
	if (resolve_family(h, family, err) < 0) {
		genl_close(h);
		return NULL;
	}
	return h;
}

void genl_close(struct genl *h)
{
	if (!h)
		return;
	nlconn_close(h->c);
	free(h);
}

int genl_fd(const struct genl *h)
{
	return nlconn_fd(h->c);
}

uint16_t genl_family_id(const struct genl *h)
{
	return h->family;
}

uint32_t genl_family_version(const struct genl *h)
{
	return h->version;
}

int genl_subscribe(struct genl *h, const char *group, struct nlconn_err *err)
{
	unsigned int i;

	nlconn_err_clear(err);
	for (i = 0; i < h->ngroups; i++) {
		if (strcmp(h->groups[i].name, group))
			continue;
		if (nlconn_join(h->c, h->groups[i].id) < 0) {
			if (err)
				*err = *nlconn_error(h->c);
			return nlconn_error(h->c)->code;
		}
		return 0;
	}
	nlconn_err_set(err, -ENOENT, "no multicast group '%s'", group);
	return -ENOENT;
}
