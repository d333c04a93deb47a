// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink client on libmnl (see sgw_genl.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "netlink/genl.h"

#define SGW_GENL_MAX_GROUPS 8
/* Dumps come in skbs of up to 32 KiB; events about big lists may be larger. */
#define SGW_GENL_RECV_BUF (256 * 1024)
/* Large prefix lists travel in one message: let the socket send them. */
#define SGW_GENL_SNDBUF (4 * 1024 * 1024)

struct sgw_genl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct sgw_genl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t version;
	unsigned int ngroups;
	struct sgw_genl_group groups[SGW_GENL_MAX_GROUPS];
	char *buf;
};

void sgw_genl_error_clear(struct sgw_genl_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

void sgw_genl_error_set(struct sgw_genl_error *err, int code,
			const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	sgw_genl_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* --- building requests ---------------------------------------------------- */

struct sgw_genl_msg *sgw_genl_msg_new(struct sgw_genl *h, uint8_t cmd,
				      uint16_t flags, size_t size)
{
	struct sgw_genl_msg *m;
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

void sgw_genl_msg_free(struct sgw_genl_msg *m)
{
	if (!m)
		return;
	free(m->nlh);
	free(m);
}

size_t sgw_genl_msg_len(const struct sgw_genl_msg *m)
{
	return m->nlh->nlmsg_len;
}

void sgw_genl_put(struct sgw_genl_msg *m, uint16_t type, size_t len,
		  const void *data)
{
	if (m->overflow || !mnl_attr_put_check(m->nlh, m->size, type, len, data))
		m->overflow = true;
}

void sgw_genl_put_u8(struct sgw_genl_msg *m, uint16_t type, uint8_t v)
{
	sgw_genl_put(m, type, sizeof(v), &v);
}

void sgw_genl_put_u16(struct sgw_genl_msg *m, uint16_t type, uint16_t v)
{
	sgw_genl_put(m, type, sizeof(v), &v);
}

void sgw_genl_put_u32(struct sgw_genl_msg *m, uint16_t type, uint32_t v)
{
	sgw_genl_put(m, type, sizeof(v), &v);
}

void sgw_genl_put_u64(struct sgw_genl_msg *m, uint16_t type, uint64_t v)
{
	/* libmnl aligns attributes to 4 bytes; u64 payloads may be unaligned,
	 * which the kernel's nla_get_u64 handles. */
	sgw_genl_put(m, type, sizeof(v), &v);
}

void sgw_genl_put_str(struct sgw_genl_msg *m, uint16_t type, const char *s)
{
	sgw_genl_put(m, type, strlen(s) + 1, s);
}

void sgw_genl_put_flag(struct sgw_genl_msg *m, uint16_t type)
{
	sgw_genl_put(m, type, 0, NULL);
}

struct nlattr *sgw_genl_nest_start(struct sgw_genl_msg *m, uint16_t type)
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

void sgw_genl_nest_end(struct sgw_genl_msg *m, struct nlattr *nest)
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

const struct nlattr *sgw_genl_attrs(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
}

uint8_t sgw_genl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return g->cmd;
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

int sgw_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   uint16_t maxtype)
{
	struct parse_ctx ctx = { tb, maxtype };

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	return mnl_attr_parse(nlh, GENL_HDRLEN, parse_attr_cb, &ctx) < 0 ?
	       -EBADMSG : 0;
}

int sgw_genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			  uint16_t maxtype)
{
	struct parse_ctx ctx = { tb, maxtype };

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	return mnl_attr_parse_nested(nest, parse_attr_cb, &ctx) < 0 ?
	       -EBADMSG : 0;
}

/* --- extended ack --------------------------------------------------------- */

/*
 * Find the attribute that starts at byte offset off of the request and
 * record the path to it. Attributes are walked as nests when flagged so.
 */
static void locate_attr(const char *base, const struct nlattr *first,
			size_t len, uint32_t off, struct sgw_genl_error *err)
{
	const struct nlattr *a;
	int rem = (int)len;

	for (a = first; mnl_attr_ok(a, rem); a = mnl_attr_next(a)) {
		uint32_t start = (uint32_t)((const char *)a - base);
		uint32_t end = start + a->nla_len;
		const struct nlattr *b;
		struct sgw_genl_attr_ref *ref;
		uint32_t index = 0;

		rem -= MNL_ALIGN(a->nla_len);
		if (off < start || off >= end)
			continue;
		if (err->depth == SGW_GENL_PATH_MAX)
			return;
		for (b = first; b != a; b = mnl_attr_next(b))
			if (mnl_attr_get_type(b) == mnl_attr_get_type(a))
				index++;
		ref = &err->path[err->depth++];
		ref->type = mnl_attr_get_type(a);
		ref->index = index;
		if (off > start && (a->nla_type & NLA_F_NESTED))
			locate_attr(base, mnl_attr_get_payload(a),
				    mnl_attr_get_payload_len(a), off, err);
		return;
	}
}

static void locate_in_request(const struct nlmsghdr *req, uint32_t off,
			      struct sgw_genl_error *err)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	err->depth = 0;
	if (!req || off < hdr || off >= req->nlmsg_len)
		return;
	locate_attr((const char *)req, (const struct nlattr *)((const char *)req + hdr),
		    req->nlmsg_len - hdr, off, err);
}

static int policy_cb(const struct nlattr *attr, void *data)
{
	struct sgw_genl_error *err = data;

	switch (mnl_attr_get_type(attr)) {
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
		err->range_min = (int64_t)mnl_attr_get_u64(attr);
		err->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
		err->range_max = (int64_t)mnl_attr_get_u64(attr);
		err->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
		err->range_min = (int64_t)mnl_attr_get_u64(attr);
		err->has_range = true;
		break;
	case NL_POLICY_TYPE_ATTR_MAX_VALUE_U: {
		uint64_t v = mnl_attr_get_u64(attr);

		err->range_max = v > INT64_MAX ? INT64_MAX : (int64_t)v;
		err->has_range = true;
		break;
	}
	}
	return MNL_CB_OK;
}

struct extack_ctx {
	struct sgw_genl_error *err;
	const struct nlmsghdr *req;
	bool has_offs;
	uint32_t offs;
	bool has_miss_nest;
	uint32_t miss_nest;
};

static int extack_cb(const struct nlattr *attr, void *data)
{
	struct extack_ctx *ctx = data;
	struct sgw_genl_error *err = ctx->err;

	switch (mnl_attr_get_type(attr)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(err->msg, sizeof(err->msg), "%s",
				 mnl_attr_get_str(attr));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ctx->has_offs = true;
			ctx->offs = mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			err->missing = true;
			err->missing_type = (uint16_t)mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_MISS_NEST:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			ctx->has_miss_nest = true;
			ctx->miss_nest = mnl_attr_get_u32(attr);
		}
		break;
	case NLMSGERR_ATTR_POLICY:
		mnl_attr_parse_nested(attr, policy_cb, err);
		break;
	}
	return MNL_CB_OK;
}

/*
 * Fill err from an NLMSG_ERROR or NLMSG_DONE message: the status and, when
 * the kernel attached them, the extended-ack attributes.
 */
static void decode_status(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
			  int code, size_t hlen, struct sgw_genl_error *err)
{
	struct extack_ctx ctx = { .err = err, .req = req };

	sgw_genl_error_clear(err);
	err->code = code;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN + hlen)
		return;
	mnl_attr_parse(nlh, hlen, extack_cb, &ctx);
	if (ctx.has_offs)
		locate_in_request(req, ctx.offs, err);
	else if (ctx.has_miss_nest)
		locate_in_request(req, ctx.miss_nest, err);
}

static void decode_error(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
			 struct sgw_genl_error *err)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t hlen = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		sgw_genl_error_set(err, -EBADMSG, "truncated netlink error message");
		return;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(e->msg);
	decode_status(nlh, req, e->error, hlen, err);
}

static void decode_done(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
			struct sgw_genl_error *err)
{
	int code = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(int));
	decode_status(nlh, req, code, sizeof(int), err);
}

void sgw_genl_decode_status(const struct nlmsghdr *status,
			    const struct nlmsghdr *req,
			    struct sgw_genl_error *err)
{
	if (status->nlmsg_type == NLMSG_DONE)
		decode_done(status, req, err);
	else
		decode_error(status, req, err);
}

/* --- socket, family ------------------------------------------------------- */

static int recv_into(struct sgw_genl *h, struct sgw_genl_error *err)
{
	ssize_t n = mnl_socket_recvfrom(h->nl, h->buf, SGW_GENL_RECV_BUF);

	if (n < 0) {
		int e = errno;

		sgw_genl_error_set(err, -e, "netlink receive: %s", strerror(e));
		return -e;
	}
	return (int)n;
}

/*
 * Send the request and process replies until its end. Messages of the
 * family go to cb; the status ends up in err.
 */
static int transact(struct sgw_genl *h, struct nlmsghdr *req, sgw_genl_cb cb,
		    void *data, struct sgw_genl_error *err)
{
	bool cb_failed = false, interrupted = false;

	req->nlmsg_seq = ++h->seq;
	if (!(req->nlmsg_flags & NLM_F_DUMP))
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(h->nl, req, req->nlmsg_len) < 0) {
		int e = errno;

		sgw_genl_error_set(err, -e, "netlink send: %s", strerror(e));
		return -e;
	}
	for (;;) {
		int len = recv_into(h, err);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)h->buf;

		if (len < 0)
			return len;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    nlh->nlmsg_pid != h->portid)
				continue;	/* a stale reply of an earlier request */
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE)
				sgw_genl_decode_status(nlh, req, err);
			else if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
				if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
					interrupted = true;
				if (cb && !cb_failed && cb(nlh, data) < MNL_CB_OK)
					cb_failed = true;
				continue;
			} else {
				continue;
			}
			/* the request ended: acknowledged, failed or dumped */
			if (err->code == 0 && interrupted)
				sgw_genl_error_set(err, -EINTR,
						   "the table changed during the dump; try again");
			else if (err->code == 0 && cb_failed)
				sgw_genl_error_set(err, -EBADMSG,
						   "malformed reply from the kernel");
			return err->code;
		}
	}
}

int sgw_genl_request(struct sgw_genl *h, struct sgw_genl_msg *m,
		     sgw_genl_cb cb, void *data, struct sgw_genl_error *err)
{
	struct sgw_genl_error local;

	if (!err)
		err = &local;
	sgw_genl_error_clear(err);
	if (m->overflow) {
		sgw_genl_error_set(err, -EMSGSIZE,
				   "request too large for one netlink message");
		return -EMSGSIZE;
	}
	return transact(h, m->nlh, cb, data, err);
}

static int group_cb(const struct nlattr *attr, void *data)
{
	struct sgw_genl *h = data;
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct parse_ctx ctx = { tb, CTRL_ATTR_MCAST_GRP_MAX };
	struct sgw_genl_group *g;

	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse_nested(attr, parse_attr_cb, &ctx) < 0)
		return MNL_CB_ERROR;
	if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
	    h->ngroups == SGW_GENL_MAX_GROUPS)
		return MNL_CB_OK;
	g = &h->groups[h->ngroups++];
	snprintf(g->name, sizeof(g->name), "%s",
		 mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
	g->id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sgw_genl *h = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (sgw_genl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
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

static int resolve_family(struct sgw_genl *h, const char *family,
			  struct sgw_genl_error *err)
{
	struct sgw_genl_msg *m;
	int ret;

	h->family = GENL_ID_CTRL;
	h->version = 1;
	m = sgw_genl_msg_new(h, CTRL_CMD_GETFAMILY, 0, 0);
	if (!m) {
		sgw_genl_error_set(err, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	sgw_genl_put_str(m, CTRL_ATTR_FAMILY_NAME, family);
	h->family = 0;
	ret = sgw_genl_request(h, m, family_cb, h, err);
	sgw_genl_msg_free(m);
	if (ret == -ENOENT)
		sgw_genl_error_set(err, ret,
				   "generic netlink family '%s' not found (is the module loaded? try 'modprobe %s')",
				   family, family);
	else if (ret == 0 && h->family == 0)
		sgw_genl_error_set(err, ret = -EPROTO,
				   "no id in the reply about family '%s'", family);
	return ret;
}

struct sgw_genl *sgw_genl_open(const char *family, struct sgw_genl_error *err)
{
	struct sgw_genl *h;
	int one = 1, sndbuf = SGW_GENL_SNDBUF;

	sgw_genl_error_clear(err);
	h = calloc(1, sizeof(*h));
	if (!h || !(h->buf = malloc(SGW_GENL_RECV_BUF))) {
		free(h);
		sgw_genl_error_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	h->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!h->nl || mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		sgw_genl_error_set(err, -e, "generic netlink socket: %s", strerror(e));
		goto fail;
	}
	h->portid = mnl_socket_get_portid(h->nl);
	h->seq = (uint32_t)time(NULL);
	/* Errors carry the kernel's message and the offset of the attribute
	 * at fault, not a copy of our (possibly large) request. */
	mnl_socket_setsockopt(h->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(h->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Raising the send buffer past wmem_max needs CAP_NET_ADMIN; without
	 * it the default buffer bounds the request size. */
	if (setsockopt(mnl_socket_get_fd(h->nl), SOL_SOCKET, SO_SNDBUFFORCE,
		       &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(mnl_socket_get_fd(h->nl), SOL_SOCKET, SO_SNDBUF,
			   &sndbuf, sizeof(sndbuf));
	if (resolve_family(h, family, err) < 0)
		goto fail;
	return h;
fail:
	sgw_genl_close(h);
	return NULL;
}

void sgw_genl_close(struct sgw_genl *h)
{
	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->buf);
	free(h);
}

int sgw_genl_fd(const struct sgw_genl *h)
{
	return mnl_socket_get_fd(h->nl);
}

uint16_t sgw_genl_family_id(const struct sgw_genl *h)
{
	return h->family;
}

uint32_t sgw_genl_family_version(const struct sgw_genl *h)
{
	return h->version;
}

int sgw_genl_subscribe(struct sgw_genl *h, const char *group,
		       struct sgw_genl_error *err)
{
	unsigned int i;

	sgw_genl_error_clear(err);
	for (i = 0; i < h->ngroups; i++) {
		int id = (int)h->groups[i].id;

		if (strcmp(h->groups[i].name, group))
			continue;
		if (mnl_socket_setsockopt(h->nl, NETLINK_ADD_MEMBERSHIP,
					  &id, sizeof(id)) < 0) {
			int e = errno;

			sgw_genl_error_set(err, -e, "joining multicast group '%s': %s",
					   group, strerror(e));
			return -e;
		}
		return 0;
	}
	sgw_genl_error_set(err, -ENOENT, "no multicast group '%s'", group);
	return -ENOENT;
}

int sgw_genl_recv_events(struct sgw_genl *h, sgw_genl_cb cb, void *data,
			 struct sgw_genl_error *err)
{
	const struct nlmsghdr *nlh;
	int len;

	sgw_genl_error_clear(err);
	len = recv_into(h, err);
	if (len < 0) {
		if (len == -ENOBUFS)
			sgw_genl_error_set(err, len, "events lost: the receive buffer overflowed");
		return len;
	}
	nlh = (const struct nlmsghdr *)h->buf;
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != h->family)
			continue;
		if (cb(nlh, data) == MNL_CB_STOP)
			return 1;
	}
	return 0;
}
