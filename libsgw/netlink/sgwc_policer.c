// SPDX-License-Identifier: GPL-2.0
/*
 * Policers of the sgw module (see sgw_client.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlink/sgwc_int.h"

#define HAS(p, attr) ((p)->present & SGW_ATTR_BIT(attr))

void sgw_policer_set_str(struct sgw_policer *p, uint16_t attr, const char *v)
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
	p->present |= SGW_ATTR_BIT(attr);
}

void sgw_policer_set_u64(struct sgw_policer *p, uint16_t attr, uint64_t v)
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
	default:
		return;
	}
	p->present |= SGW_ATTR_BIT(attr);
}

/* The configuration attributes of p that are marked present. */
static void put_policer(struct sgw_genl_msg *m, const struct sgw_policer *p)
{
	sgw_genl_put_str(m, SGW_POLICER_A_NAME, p->name);
	if (HAS(p, SGW_POLICER_A_VRF))
		sgw_genl_put_str(m, SGW_POLICER_A_VRF, p->vrf);
	if (HAS(p, SGW_POLICER_A_DST_LIST))
		sgw_genl_put_str(m, SGW_POLICER_A_DST_LIST, p->dst_list);
	if (HAS(p, SGW_POLICER_A_SRC_LIST))
		sgw_genl_put_str(m, SGW_POLICER_A_SRC_LIST, p->src_list);
	if (HAS(p, SGW_POLICER_A_CHUNK))
		sgw_genl_put_u32(m, SGW_POLICER_A_CHUNK, p->chunk);
	if (HAS(p, SGW_POLICER_A_RATE))
		sgw_genl_put_u64(m, SGW_POLICER_A_RATE, p->rate);
	if (HAS(p, SGW_POLICER_A_BURST))
		sgw_genl_put_u32(m, SGW_POLICER_A_BURST, p->burst);
	if (HAS(p, SGW_POLICER_A_PER_SOURCE))
		sgw_genl_put_u8(m, SGW_POLICER_A_PER_SOURCE, p->per_source);
	if (HAS(p, SGW_POLICER_A_MAX_SOURCES))
		sgw_genl_put_u32(m, SGW_POLICER_A_MAX_SOURCES, p->max_sources);
}

static int policer_send(struct sgw_genl *h, uint8_t cmd, uint16_t flags,
			const struct sgw_policer *p, struct sgw_genl_error *err)
{
	struct sgw_genl_msg *m = sgw_client_msg(h, cmd, flags, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	put_policer(m, p);
	ret = sgw_genl_request(h, m, NULL, NULL, err);
	sgw_genl_msg_free(m);
	return ret;
}

int sgw_policer_new(struct sgw_genl *h, const struct sgw_policer *p,
		    struct sgw_genl_error *err)
{
	return policer_send(h, SGW_CMD_POLICER_NEW, 0, p, err);
}

int sgw_policer_change(struct sgw_genl *h, const struct sgw_policer *p,
		       struct sgw_genl_error *err)
{
	return policer_send(h, SGW_CMD_POLICER_SET, 0, p, err);
}

int sgw_policer_del(struct sgw_genl *h, const char *name,
		    struct sgw_genl_error *err)
{
	return sgw_client_named(h, SGW_CMD_POLICER_DEL, SGW_POLICER_A_NAME, name, err);
}

int sgw_policer_reset(struct sgw_genl *h, const char *name,
		      struct sgw_genl_error *err)
{
	return sgw_client_named(h, SGW_CMD_POLICER_RESET, SGW_POLICER_A_NAME, name, err);
}

static void parse_stats(const struct nlattr *nest, struct sgw_policer_stats *s)
{
	const struct nlattr *tb[SGW_STATS_A_MAX + 1];

	if (sgw_genl_parse_nested(nest, tb, SGW_STATS_A_MAX) < 0)
		return;
	s->matched_packets = sgw_attr_u64(tb[SGW_STATS_A_MATCHED_PACKETS]);
	s->matched_bytes = sgw_attr_u64(tb[SGW_STATS_A_MATCHED_BYTES]);
	s->passed_packets = sgw_attr_u64(tb[SGW_STATS_A_PASSED_PACKETS]);
	s->passed_bytes = sgw_attr_u64(tb[SGW_STATS_A_PASSED_BYTES]);
	s->dropped_packets = sgw_attr_u64(tb[SGW_STATS_A_DROPPED_PACKETS]);
	s->dropped_bytes = sgw_attr_u64(tb[SGW_STATS_A_DROPPED_BYTES]);
	s->sources_evicted = sgw_attr_u64(tb[SGW_STATS_A_SOURCES_EVICTED]);
	s->sources_reclaimed = sgw_attr_u64(tb[SGW_STATS_A_SOURCES_RECLAIMED]);
}

int sgw_policer_parse_attrs(const struct nlattr **tb, struct sgw_policer *p)
{
	uint16_t t;

	memset(p, 0, sizeof(*p));
	if (!sgw_attr_strcpy(tb[SGW_POLICER_A_NAME], p->name, sizeof(p->name)))
		return -EBADMSG;
	sgw_attr_strcpy(tb[SGW_POLICER_A_VRF], p->vrf, sizeof(p->vrf));
	sgw_attr_strcpy(tb[SGW_POLICER_A_DST_LIST], p->dst_list, sizeof(p->dst_list));
	sgw_attr_strcpy(tb[SGW_POLICER_A_SRC_LIST], p->src_list, sizeof(p->src_list));
	p->vrf_ifindex = sgw_attr_u32(tb[SGW_POLICER_A_VRF_IFINDEX]);
	p->chunk = sgw_attr_u32(tb[SGW_POLICER_A_CHUNK]);
	p->rate = sgw_attr_u64(tb[SGW_POLICER_A_RATE]);
	p->burst = sgw_attr_u32(tb[SGW_POLICER_A_BURST]);
	p->per_source = sgw_attr_u8(tb[SGW_POLICER_A_PER_SOURCE]) != 0;
	p->max_sources = sgw_attr_u32(tb[SGW_POLICER_A_MAX_SOURCES]);
	p->sources_count = sgw_attr_u32(tb[SGW_POLICER_A_SOURCES_COUNT]);
	if (tb[SGW_POLICER_A_STATS])
		parse_stats(tb[SGW_POLICER_A_STATS], &p->stats);
	for (t = 0; t <= SGW_POLICER_A_MAX && t < 64; t++)
		if (tb[t])
			p->present |= SGW_ATTR_BIT(t);
	return 0;
}

struct policer_ctx {
	sgw_policer_cb cb;
	void *data;
	bool stopped;
};

static int policer_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_POLICER_A_MAX + 1];
	struct policer_ctx *ctx = data;
	struct sgw_policer p;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (sgw_genl_parse(nlh, tb, SGW_POLICER_A_MAX) < 0 ||
	    sgw_policer_parse_attrs(tb, &p) < 0)
		return MNL_CB_ERROR;
	if (ctx->cb(&p, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

static int copy_policer(const struct sgw_policer *p, void *data)
{
	memcpy(data, p, sizeof(*p));
	return 0;
}

int sgw_policer_get(struct sgw_genl *h, const char *name,
		    struct sgw_policer *out, struct sgw_genl_error *err)
{
	struct policer_ctx ctx = { .cb = copy_policer, .data = out };
	struct sgw_genl_msg *m;
	int ret;

	m = sgw_client_msg(h, SGW_CMD_POLICER_GET, 0, 0, err);
	if (!m)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	sgw_genl_put_str(m, SGW_POLICER_A_NAME, name);
	ret = sgw_genl_request(h, m, policer_cb, &ctx, err);
	sgw_genl_msg_free(m);
	return ret;
}

int sgw_policer_dump(struct sgw_genl *h, sgw_policer_cb cb, void *data,
		     struct sgw_genl_error *err)
{
	struct policer_ctx ctx = { .cb = cb, .data = data };
	struct sgw_genl_msg *m;
	int ret;

	m = sgw_client_msg(h, SGW_CMD_POLICER_GET, NLM_F_DUMP, 0, err);
	if (!m)
		return -ENOMEM;
	ret = sgw_genl_request(h, m, policer_cb, &ctx, err);
	sgw_genl_msg_free(m);
	return ret;
}

struct source_ctx {
	sgw_source_cb cb;
	void *data;
	bool stopped;
};

static int source_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_POLICER_A_MAX + 1];
	const struct nlattr *st[SGW_SOURCE_A_MAX + 1];
	struct source_ctx *ctx = data;
	struct sgw_source s;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (sgw_genl_parse(nlh, tb, SGW_POLICER_A_MAX) < 0 ||
	    !tb[SGW_POLICER_A_SOURCE] ||
	    sgw_genl_parse_nested(tb[SGW_POLICER_A_SOURCE], st, SGW_SOURCE_A_MAX) < 0)
		return MNL_CB_ERROR;
	memset(&s, 0, sizeof(s));
	if (!sgw_attr_addr(st[SGW_SOURCE_A_ADDR], &s.addr))
		return MNL_CB_ERROR;
	s.passed_packets = sgw_attr_u64(st[SGW_SOURCE_A_PASSED_PACKETS]);
	s.passed_bytes = sgw_attr_u64(st[SGW_SOURCE_A_PASSED_BYTES]);
	s.dropped_packets = sgw_attr_u64(st[SGW_SOURCE_A_DROPPED_PACKETS]);
	s.dropped_bytes = sgw_attr_u64(st[SGW_SOURCE_A_DROPPED_BYTES]);
	s.idle_ms = sgw_attr_u32(st[SGW_SOURCE_A_IDLE_MS]);
	if (ctx->cb(&s, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

int sgw_policer_sources_dump(struct sgw_genl *h, const char *name,
			     sgw_source_cb cb, void *data,
			     struct sgw_genl_error *err)
{
	struct source_ctx ctx = { .cb = cb, .data = data };
	struct sgw_genl_msg *m;
	int ret;

	m = sgw_client_msg(h, SGW_CMD_POLICER_SOURCES_GET, NLM_F_DUMP, 0, err);
	if (!m)
		return -ENOMEM;
	sgw_genl_put_str(m, SGW_POLICER_A_NAME, name);
	ret = sgw_genl_request(h, m, source_cb, &ctx, err);
	sgw_genl_msg_free(m);
	return ret;
}
