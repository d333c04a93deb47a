// SPDX-License-Identifier: GPL-2.0
/*
 * Policers of the sgw module (see sgw_client.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlink/sgwc_int.h"

#define HAS(p, attr) ((p)->present & SGWC_ATTR_BIT(attr))

void sgwc_policer_set_str(struct sgwc_policer *p, uint16_t attr, const char *v)
{
	char *dst;

	switch (attr) {
	case SGW_POLICER_A_NAME:
		dst = p->name;
		break;
	case SGW_POLICER_A_VRF:
		dst = p->vrf;
		break;
	case SGW_POLICER_A_DST_LIST:
		dst = p->dst_list;
		break;
	case SGW_POLICER_A_SRC_LIST:
		dst = p->src_list;
		break;
	default:
		return;
	}
	snprintf(dst, SGW_NAME_MAX, "%s", v);
	p->present |= SGWC_ATTR_BIT(attr);
}

void sgw_policer_set_u64(struct sgwc_policer *p, uint16_t attr, uint64_t v)
{
	switch (attr) {
	case SGW_POLICER_A_CHUNK:
		p->chunk = (uint32_t)v;
		break;
	case SGW_POLICER_A_RATE:
		p->rate = v;
		break;
	case SGW_POLICER_A_BURST:
		p->burst = (uint32_t)v;
		break;
	case SGW_POLICER_A_PER_SOURCE:
		p->per_source = v != 0;
		break;
	case SGW_POLICER_A_MAX_SOURCES:
		p->max_sources = (uint32_t)v;
		break;
	case SGW_POLICER_A_TOTAL_RATE:
		p->total_rate = v;
		break;
	case SGW_POLICER_A_TOTAL_BURST:
		p->total_burst = (uint32_t)v;
		break;
	default:
		return;
	}
	p->present |= SGWC_ATTR_BIT(attr);
}

/* The configuration attributes of p that are marked present. */
static void put_policer(struct genl_msg *m, const struct sgwc_policer *p)
{
	genl_put_str(m, SGW_POLICER_A_NAME, p->name);
	if (HAS(p, SGW_POLICER_A_VRF))
		genl_put_str(m, SGW_POLICER_A_VRF, p->vrf);
	if (HAS(p, SGW_POLICER_A_DST_LIST))
		genl_put_str(m, SGW_POLICER_A_DST_LIST, p->dst_list);
	if (HAS(p, SGW_POLICER_A_SRC_LIST))
		genl_put_str(m, SGW_POLICER_A_SRC_LIST, p->src_list);
	if (HAS(p, SGW_POLICER_A_CHUNK))
		genl_put_u32(m, SGW_POLICER_A_CHUNK, p->chunk);
	if (HAS(p, SGW_POLICER_A_RATE))
		genl_put_u64(m, SGW_POLICER_A_RATE, p->rate);
	if (HAS(p, SGW_POLICER_A_BURST))
		genl_put_u32(m, SGW_POLICER_A_BURST, p->burst);
	if (HAS(p, SGW_POLICER_A_PER_SOURCE))
		genl_put_u8(m, SGW_POLICER_A_PER_SOURCE, p->per_source);
	if (HAS(p, SGW_POLICER_A_MAX_SOURCES))
		genl_put_u32(m, SGW_POLICER_A_MAX_SOURCES, p->max_sources);
	if (HAS(p, SGW_POLICER_A_TOTAL_RATE))
		genl_put_u64(m, SGW_POLICER_A_TOTAL_RATE, p->total_rate);
	if (HAS(p, SGW_POLICER_A_TOTAL_BURST))
		genl_put_u32(m, SGW_POLICER_A_TOTAL_BURST, p->total_burst);
}

static int policer_send(struct genl *h, uint8_t cmd, uint16_t flags,
			const struct sgwc_policer *p, struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, cmd, flags, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	put_policer(m, p);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_policer_new(struct genl *h, const struct sgwc_policer *p,
		    struct nlconn_err *err)
{
	return policer_send(h, SGW_CMD_POLICER_NEW, 0, p, err);
}

int sgwc_policer_change(struct genl *h, const struct sgwc_policer *p,
		       struct nlconn_err *err)
{
	return policer_send(h, SGW_CMD_POLICER_SET, 0, p, err);
}

int sgwc_policer_del(struct genl *h, const char *name,
		    struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_POLICER_DEL, SGW_POLICER_A_NAME, name, err);
}

int sgwc_policer_reset(struct genl *h, const char *name,
		      struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_POLICER_RESET, SGW_POLICER_A_NAME, name, err);
}

static void parse_stats(const struct nlattr *nest, struct sgwc_policer_stats *s)
{
	const struct nlattr *tb[SGW_STATS_A_MAX + 1];

	if (genl_parse_nested(nest, tb, SGW_STATS_A_MAX) < 0)
		return;
	s->matched_packets = sgwc_attr_u64(tb[SGW_STATS_A_MATCHED_PACKETS]);
	s->matched_bytes = sgwc_attr_u64(tb[SGW_STATS_A_MATCHED_BYTES]);
	s->passed_packets = sgwc_attr_u64(tb[SGW_STATS_A_PASSED_PACKETS]);
	s->passed_bytes = sgwc_attr_u64(tb[SGW_STATS_A_PASSED_BYTES]);
	s->dropped_packets = sgwc_attr_u64(tb[SGW_STATS_A_DROPPED_PACKETS]);
	s->dropped_bytes = sgwc_attr_u64(tb[SGW_STATS_A_DROPPED_BYTES]);
	s->sources_evicted = sgwc_attr_u64(tb[SGW_STATS_A_SOURCES_EVICTED]);
	s->sources_reclaimed = sgwc_attr_u64(tb[SGW_STATS_A_SOURCES_RECLAIMED]);
}

int sgwc_policer_parse_attrs(const struct nlattr **tb, struct sgwc_policer *p)
{
	uint16_t t;

	memset(p, 0, sizeof(*p));
	if (!sgwc_attr_strcpy(tb[SGW_POLICER_A_NAME], p->name, sizeof(p->name)))
		return -EBADMSG;
	sgwc_attr_strcpy(tb[SGW_POLICER_A_VRF], p->vrf, sizeof(p->vrf));
	sgwc_attr_strcpy(tb[SGW_POLICER_A_DST_LIST], p->dst_list, sizeof(p->dst_list));
	sgwc_attr_strcpy(tb[SGW_POLICER_A_SRC_LIST], p->src_list, sizeof(p->src_list));
	p->vrf_ifindex = sgwc_attr_u32(tb[SGW_POLICER_A_VRF_IFINDEX]);
	p->chunk = sgwc_attr_u32(tb[SGW_POLICER_A_CHUNK]);
	p->rate = sgwc_attr_u64(tb[SGW_POLICER_A_RATE]);
	p->burst = sgwc_attr_u32(tb[SGW_POLICER_A_BURST]);
	p->per_source = sgwc_attr_u8(tb[SGW_POLICER_A_PER_SOURCE]) != 0;
	p->max_sources = sgwc_attr_u32(tb[SGW_POLICER_A_MAX_SOURCES]);
	p->total_rate = sgwc_attr_u64(tb[SGW_POLICER_A_TOTAL_RATE]);
	p->total_burst = sgwc_attr_u32(tb[SGW_POLICER_A_TOTAL_BURST]);
	p->total_auto = sgwc_attr_u8(tb[SGW_POLICER_A_TOTAL_AUTO]);
	p->sources_count = sgwc_attr_u32(tb[SGW_POLICER_A_SOURCES_COUNT]);
	if (tb[SGW_POLICER_A_STATS])
		parse_stats(tb[SGW_POLICER_A_STATS], &p->stats);
	for (t = 0; t <= SGW_POLICER_A_MAX && t < 64; t++)
		if (tb[t])
			p->present |= SGWC_ATTR_BIT(t);
	return 0;
}

struct policer_ctx {
	sgwc_policer_cb cb;
	void *data;
	bool stopped;
};

static int policer_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_POLICER_A_MAX + 1];
	struct policer_ctx *ctx = data;
	struct sgwc_policer p;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (genl_parse(nlh, tb, SGW_POLICER_A_MAX) < 0 ||
	    sgwc_policer_parse_attrs(tb, &p) < 0)
		return MNL_CB_ERROR;
	if (ctx->cb(&p, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

static int copy_policer(const struct sgwc_policer *p, void *data)
{
	memcpy(data, p, sizeof(*p));
	return 0;
}

int sgwc_policer_get(struct genl *h, const char *name,
		    struct sgwc_policer *out, struct nlconn_err *err)
{
	struct policer_ctx ctx = { .cb = copy_policer, .data = out };
	struct genl_msg *m;
	int ret;

	m = sgwc_msg(h, SGW_CMD_POLICER_GET, 0, 0, err);
	if (!m)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	genl_put_str(m, SGW_POLICER_A_NAME, name);
	ret = genl_request(h, m, policer_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_policer_dump(struct genl *h, sgwc_policer_cb cb, void *data,
		     struct nlconn_err *err)
{
	struct policer_ctx ctx = { .cb = cb, .data = data };
	struct genl_msg *m;
	int ret;

	m = sgwc_msg(h, SGW_CMD_POLICER_GET, NLM_F_DUMP, 0, err);
	if (!m)
		return -ENOMEM;
	ret = genl_request(h, m, policer_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

struct source_ctx {
	sgwc_source_cb cb;
	void *data;
	bool stopped;
};

static int source_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_POLICER_A_MAX + 1];
	const struct nlattr *st[SGW_SOURCE_A_MAX + 1];
	struct source_ctx *ctx = data;
	struct sgwc_source s;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (genl_parse(nlh, tb, SGW_POLICER_A_MAX) < 0 ||
	    !tb[SGW_POLICER_A_SOURCE] ||
	    genl_parse_nested(tb[SGW_POLICER_A_SOURCE], st, SGW_SOURCE_A_MAX) < 0)
		return MNL_CB_ERROR;
	memset(&s, 0, sizeof(s));
	if (!sgwc_attr_addr(st[SGW_SOURCE_A_ADDR], &s.addr))
		return MNL_CB_ERROR;
	s.passed_packets = sgwc_attr_u64(st[SGW_SOURCE_A_PASSED_PACKETS]);
	s.passed_bytes = sgwc_attr_u64(st[SGW_SOURCE_A_PASSED_BYTES]);
	s.dropped_packets = sgwc_attr_u64(st[SGW_SOURCE_A_DROPPED_PACKETS]);
	s.dropped_bytes = sgwc_attr_u64(st[SGW_SOURCE_A_DROPPED_BYTES]);
	s.idle_ms = sgwc_attr_u32(st[SGW_SOURCE_A_IDLE_MS]);
	if (ctx->cb(&s, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

int sgwc_policer_sources_dump(struct genl *h, const char *name,
			     sgwc_source_cb cb, void *data,
			     struct nlconn_err *err)
{
	struct source_ctx ctx = { .cb = cb, .data = data };
	struct genl_msg *m;
	int ret;

	m = sgwc_msg(h, SGW_CMD_POLICER_SOURCES_GET, NLM_F_DUMP, 0, err);
	if (!m)
		return -ENOMEM;
	genl_put_str(m, SGW_POLICER_A_NAME, name);
	ret = genl_request(h, m, source_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}
