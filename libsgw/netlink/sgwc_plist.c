// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix lists of the sgw module (see sgw_client.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "netlink/sgwc_int.h"

/* Room for one prefix nest: nest, ADDR (16 bytes), PLEN (u8, padded). */
#define PLIST_PREFIX_ROOM (4 + 4 + 16 + 4 + 4)

static void put_prefix(struct genl_msg *m, const struct sgw_prefix *p)
{
	struct nlattr *nest = genl_nest_start(m, SGW_PLIST_A_PREFIX);

	genl_put(m, SGW_PREFIX_A_ADDR, p->family == AF_INET ? 4 : 16, p->addr);
	genl_put_u8(m, SGW_PREFIX_A_PLEN, p->len);
	genl_nest_end(m, nest);
}

static int plist_change(struct genl *h, uint8_t cmd, uint16_t flags,
			const char *name, const struct sgw_prefix *prefixes,
			size_t n, struct nlconn_err *err)
{
	struct genl_msg *m;
	size_t i;
	int ret;

	m = sgwc_msg(h, cmd, flags, 256 + n * PLIST_PREFIX_ROOM, err);
	if (!m)
		return -ENOMEM;
	genl_put_str(m, SGW_PLIST_A_NAME, name);
	for (i = 0; i < n; i++)
		put_prefix(m, &prefixes[i]);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_plist_add(struct genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct nlconn_err *err)
{
	return plist_change(h, SGW_CMD_PLIST_ADD, 0, name, prefixes, n, err);
}

int sgwc_plist_del(struct genl *h, const char *name,
		  const struct sgw_prefix *prefixes, size_t n,
		  struct nlconn_err *err)
{
	return plist_change(h, SGW_CMD_PLIST_DEL, 0, name, prefixes, n, err);
}

int sgwc_plist_parse_attrs(const struct nlattr **tb, struct sgwc_plist *l)
{
	memset(l, 0, sizeof(*l));
	if (!sgwc_attr_strcpy(tb[SGW_PLIST_A_NAME], l->name, sizeof(l->name)))
		return -EBADMSG;
	l->count = sgwc_attr_u32(tb[SGW_PLIST_A_COUNT]);
	l->users = sgwc_attr_u32(tb[SGW_PLIST_A_USERS]);
	return 0;
}

static int plist_get_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_PLIST_A_MAX + 1];

	if (genl_parse(nlh, tb, SGW_PLIST_A_MAX) < 0 ||
	    sgwc_plist_parse_attrs(tb, data) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

int sgwc_plist_get(struct genl *h, const char *name, struct sgwc_plist *out,
		  struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_PLIST_GET, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	genl_put_str(m, SGW_PLIST_A_NAME, name);
	ret = genl_request(h, m, plist_get_cb, out, err);
	genl_msg_free(m);
	return ret;
}

struct plist_dump_ctx {
	sgwc_plist_cb cb;
	void *data;
	bool stopped;
	struct sgw_prefix *buf;
	size_t cap;
};

static int plist_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_PLIST_A_MAX + 1];
	struct plist_dump_ctx *ctx = data;
	const struct nlattr *a;
	struct sgwc_plist slice;
	size_t n = 0;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (genl_parse(nlh, tb, SGW_PLIST_A_MAX) < 0 ||
	    sgwc_plist_parse_attrs(tb, &slice) < 0)
		return MNL_CB_ERROR;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != SGW_PLIST_A_PREFIX)
			continue;
		if (n == ctx->cap) {
			size_t cap = ctx->cap ? ctx->cap * 2 : 256;
			struct sgw_prefix *b = realloc(ctx->buf, cap * sizeof(*b));

			if (!b)
				return MNL_CB_ERROR;
			ctx->buf = b;
			ctx->cap = cap;
		}
		if (sgwc_attr_prefix(a, &ctx->buf[n]) < 0)
			return MNL_CB_ERROR;
		n++;
	}
	slice.prefixes = ctx->buf;
	slice.nprefixes = n;
	if (ctx->cb(&slice, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

int sgwc_plist_dump(struct genl *h, const char *name, sgwc_plist_cb cb,
		   void *data, struct nlconn_err *err)
{
	struct plist_dump_ctx ctx = { .cb = cb, .data = data };
	struct genl_msg *m;
	int ret;

	m = sgwc_msg(h, SGW_CMD_PLIST_GET, NLM_F_DUMP, 0, err);
	if (!m)
		return -ENOMEM;
	if (name)
		genl_put_str(m, SGW_PLIST_A_NAME, name);
	ret = genl_request(h, m, plist_dump_cb, &ctx, err);
	genl_msg_free(m);
	free(ctx.buf);
	return ret;
}
