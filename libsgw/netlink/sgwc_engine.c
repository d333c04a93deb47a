// SPDX-License-Identifier: GPL-2.0
/*
 * Crypto engines of the sgw module (see sgwc_engine.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>

#include "netlink/sgwc_engine.h"
#include "netlink/sgwc_int.h"

#define HAS(e, attr) ((e)->present & SGWC_ATTR_BIT(attr))

/* ---- requests ------------------------------------------------------------ */

static int engine_send(struct genl *h, uint8_t cmd, const struct sgwc_engine *e,
		       struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, cmd, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	genl_put_str(m, SGW_ENGINE_A_NAME, e->name);
	if (HAS(e, SGW_ENGINE_A_CPUS))
		genl_put_str(m, SGW_ENGINE_A_CPUS, e->cpus);
	if (HAS(e, SGW_ENGINE_A_STANDBY))
		genl_put_u8(m, SGW_ENGINE_A_STANDBY, e->standby);
	if (HAS(e, SGW_ENGINE_A_ADMIN_UP))
		genl_put_u8(m, SGW_ENGINE_A_ADMIN_UP, e->admin_up);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_engine_new(struct genl *h, const struct sgwc_engine *e,
		    struct nlconn_err *err)
{
	return engine_send(h, SGW_CMD_ENGINE_NEW, e, err);
}

int sgwc_engine_change(struct genl *h, const struct sgwc_engine *e,
		       struct nlconn_err *err)
{
	return engine_send(h, SGW_CMD_ENGINE_SET, e, err);
}

int sgwc_engine_del(struct genl *h, const char *name, struct nlconn_err *err)
{
	return sgwc_named(h, SGW_CMD_ENGINE_DEL, SGW_ENGINE_A_NAME, name, err);
}

int sgwc_engine_bind(struct genl *h, uint32_t if_id, const char *engine,
		     struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_ENGINE_BIND, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	genl_put_u32(m, SGW_ENGINE_A_IF_ID, if_id);
	if (engine)
		genl_put_str(m, SGW_ENGINE_A_NAME, engine);
	else
		genl_put_flag(m, SGW_ENGINE_A_AUTO);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

/* ---- replies ------------------------------------------------------------- */

static void parse_scalars(const struct nlattr **tb, struct sgwc_engine *e)
{
	uint16_t t;

	sgwc_attr_strcpy(tb[SGW_ENGINE_A_CPUS], e->cpus, sizeof(e->cpus));
	e->standby = sgwc_attr_u8(tb[SGW_ENGINE_A_STANDBY]) != 0;
	e->admin_up = sgwc_attr_u8(tb[SGW_ENGINE_A_ADMIN_UP]) != 0;
	e->state = sgwc_attr_u32(tb[SGW_ENGINE_A_STATE]);
	e->sas = sgwc_attr_u32(tb[SGW_ENGINE_A_SAS]);
	e->packets = sgwc_attr_u64(tb[SGW_ENGINE_A_PACKETS]);
	e->bytes = sgwc_attr_u64(tb[SGW_ENGINE_A_BYTES]);
	e->errors = sgwc_attr_u64(tb[SGW_ENGINE_A_ERRORS]);
	e->drops = sgwc_attr_u64(tb[SGW_ENGINE_A_DROPS]);
	e->moved_in = sgwc_attr_u64(tb[SGW_ENGINE_A_MOVED_IN]);
	e->moved_out = sgwc_attr_u64(tb[SGW_ENGINE_A_MOVED_OUT]);
	for (t = 0; t <= SGW_ENGINE_A_MAX && t < 64; t++)
		if (tb[t])
			e->present |= SGWC_ATTR_BIT(t);
}

static void parse_bound(const struct nlattr *attr, struct sgwc_engine *e)
{
	if (mnl_attr_get_type(attr) == SGW_ENGINE_A_IF_ID &&
	    e->n_bound < SGWC_ENGINE_MAX_BOUND)
		e->bound[e->n_bound++] = sgwc_attr_u32(attr);
}

/* An engine from a reply (nest NULL) or from an event nest. */
static int parse_engine(const struct nlmsghdr *nlh, const struct nlattr *nest,
			struct sgwc_engine *e)
{
	const struct nlattr *tb[SGW_ENGINE_A_MAX + 1];
	const struct nlattr *attr;

	memset(e, 0, sizeof(*e));
	if ((nest ? genl_parse_nested(nest, tb, SGW_ENGINE_A_MAX) :
		    genl_parse(nlh, tb, SGW_ENGINE_A_MAX)) < 0 ||
	    !sgwc_attr_strcpy(tb[SGW_ENGINE_A_NAME], e->name, sizeof(e->name)))
		return -EBADMSG;
	parse_scalars(tb, e);
	if (nest) {
		mnl_attr_for_each_nested(attr, nest)
			parse_bound(attr, e);
	} else {
		mnl_attr_for_each(attr, nlh, GENL_HDRLEN)
			parse_bound(attr, e);
	}
	return 0;
}

static int parse_sa(const struct nlattr **tb, struct sgwc_engine_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (!tb[SGW_ESA_A_SPI] ||
	    !sgwc_attr_strcpy(tb[SGW_ESA_A_ENGINE], sa->engine, sizeof(sa->engine)))
		return -EBADMSG;
	sa->spi = sgwc_attr_u32(tb[SGW_ESA_A_SPI]);
	sa->dir = sgwc_attr_u8(tb[SGW_ESA_A_DIR]);
	sa->if_id = sgwc_attr_u32(tb[SGW_ESA_A_IF_ID]);
	sa->family = sgwc_attr_u8(tb[SGW_ESA_A_FAMILY]);
	sa->cpu = tb[SGW_ESA_A_CPU] ? sgwc_attr_u32(tb[SGW_ESA_A_CPU]) : UINT32_MAX;
	sa->pinned = sgwc_attr_u8(tb[SGW_ESA_A_PINNED]) != 0;
	sa->packets = sgwc_attr_u64(tb[SGW_ESA_A_PACKETS]);
	sa->bytes = sgwc_attr_u64(tb[SGW_ESA_A_BYTES]);
	sa->errors = sgwc_attr_u64(tb[SGW_ESA_A_ERRORS]);
	if (tb[SGW_ESA_A_FROM])
		sgwc_attr_strcpy(tb[SGW_ESA_A_FROM], sa->from, sizeof(sa->from));
	return 0;
}

int sgwc_engine_event_parse(const struct nlmsghdr *nlh, struct sgwc_engine *e)
{
	const struct nlattr *tb[SGW_EVENT_A_MAX + 1];

	if (genl_cmd(nlh) != SGW_CMD_EVENT || genl_parse(nlh, tb, SGW_EVENT_A_MAX) < 0 ||
	    !tb[SGW_EVENT_A_ENGINE])
		return -ENOMSG;
	return parse_engine(NULL, tb[SGW_EVENT_A_ENGINE], e);
}

int sgwc_engine_event_sa_parse(const struct nlmsghdr *nlh,
			       struct sgwc_engine_sa *sa)
{
	const struct nlattr *tb[SGW_EVENT_A_MAX + 1];
	const struct nlattr *stb[SGW_ESA_A_MAX + 1];

	if (genl_cmd(nlh) != SGW_CMD_EVENT || genl_parse(nlh, tb, SGW_EVENT_A_MAX) < 0 ||
	    !tb[SGW_EVENT_A_ENGINE_SA])
		return -ENOMSG;
	if (genl_parse_nested(tb[SGW_EVENT_A_ENGINE_SA], stb, SGW_ESA_A_MAX) < 0)
		return -EBADMSG;
	return parse_sa(stb, sa);
}

struct engine_ctx {
	sgwc_engine_cb cb;
	sgwc_engine_sa_cb sa_cb;
	void *data;
	bool stopped;
};

static int engine_cb(const struct nlmsghdr *nlh, void *data)
{
	struct engine_ctx *ctx = data;
	struct sgwc_engine e;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (parse_engine(nlh, NULL, &e) < 0)
		return MNL_CB_ERROR;
	if (ctx->cb(&e, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

static int sa_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_ESA_A_MAX + 1];
	struct engine_ctx *ctx = data;
	struct sgwc_engine_sa sa;

	if (ctx->stopped)
		return MNL_CB_OK;
	if (genl_parse(nlh, tb, SGW_ESA_A_MAX) < 0 || parse_sa(tb, &sa) < 0)
		return MNL_CB_ERROR;
	if (ctx->sa_cb(&sa, ctx->data))
		ctx->stopped = true;
	return MNL_CB_OK;
}

static int copy_engine(const struct sgwc_engine *e, void *data)
{
	memcpy(data, e, sizeof(*e));
	return 0;
}

int sgwc_engine_get(struct genl *h, const char *name, struct sgwc_engine *out,
		    struct nlconn_err *err)
{
	struct engine_ctx ctx = { .cb = copy_engine, .data = out };
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_ENGINE_GET, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	genl_put_str(m, SGW_ENGINE_A_NAME, name);
	ret = genl_request(h, m, engine_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_engine_dump(struct genl *h, sgwc_engine_cb cb, void *data,
		     struct nlconn_err *err)
{
	struct engine_ctx ctx = { .cb = cb, .data = data };
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_ENGINE_GET, NLM_F_DUMP, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	ret = genl_request(h, m, engine_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

int sgwc_engine_sa_dump(struct genl *h, const char *engine,
			sgwc_engine_sa_cb cb, void *data, struct nlconn_err *err)
{
	struct engine_ctx ctx = { .sa_cb = cb, .data = data };
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_ENGINE_SA_GET, NLM_F_DUMP, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	if (engine)
		genl_put_str(m, SGW_ESA_A_ENGINE, engine);
	ret = genl_request(h, m, sa_cb, &ctx, err);
	genl_msg_free(m);
	return ret;
}

/* ---- words --------------------------------------------------------------- */

const char *sgwc_engine_state_name(uint32_t state)
{
	static const char *const names[] = {
		[SGW_ENGINE_UP] = "up",
		[SGW_ENGINE_STANDBY] = "standby",
		[SGW_ENGINE_DOWN] = "down",
		[SGW_ENGINE_FAILED] = "failed",
	};

	return state <= SGW_ENGINE_STATE_MAX ? names[state] : "unknown";
}

const char *sgwc_engine_dir_name(uint8_t dir)
{
	switch (dir) {
	case SGW_ENGINE_SA_IN:
		return "in";
	case SGW_ENGINE_SA_OUT:
		return "out";
	}
	return "unknown";
}
