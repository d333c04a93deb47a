// SPDX-License-Identifier: GPL-2.0
/*
 * sgw family client: handle, module info, events, shared helpers
 * (see sgw_client.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink/sgwc_int.h"

struct genl *sgwc_open(struct nlconn_err *err)
{
	return genl_open(SGW_GENL_NAME, err);
}

bool sgwc_attr_strcpy(const struct nlattr *a, char *dst, size_t size)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return false;
	snprintf(dst, size, "%s", mnl_attr_get_str(a));
	return true;
}

bool sgwc_attr_addr(const struct nlattr *a, struct sgw_prefix *p)
{
	uint16_t len;

	if (!a)
		return false;
	len = mnl_attr_get_payload_len(a);
	if (len != 4 && len != 16)
		return false;
	memset(p->addr, 0, sizeof(p->addr));
	memcpy(p->addr, mnl_attr_get_payload(a), len);
	p->family = len == 4 ? AF_INET : AF_INET6;
	p->len = (uint8_t)(len * 8);
	return true;
}

int sgwc_attr_prefix(const struct nlattr *nest, struct sgw_prefix *p)
{
	const struct nlattr *tb[SGW_PREFIX_A_MAX + 1];

	if (genl_parse_nested(nest, tb, SGW_PREFIX_A_MAX) < 0 ||
	    !sgwc_attr_addr(tb[SGW_PREFIX_A_ADDR], p) || !tb[SGW_PREFIX_A_PLEN])
		return -EBADMSG;
	p->len = sgwc_attr_u8(tb[SGW_PREFIX_A_PLEN]);
	return 0;
}

uint8_t sgwc_attr_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

uint32_t sgwc_attr_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

uint64_t sgwc_attr_u64(const struct nlattr *a)
{
	uint64_t v;

	if (!a || mnl_attr_get_payload_len(a) < 8)
		return 0;
	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));	/* may be unaligned */
	return v;
}

struct genl_msg *sgwc_msg(struct genl *h, uint8_t cmd,
				    uint16_t flags, size_t size,
				    struct nlconn_err *err)
{
	struct genl_msg *m = genl_msg_new(h, cmd, flags, size);

	if (!m)
		nlconn_err_set(err, -ENOMEM, "out of memory");
	return m;
}

int sgwc_named(struct genl *h, uint8_t cmd, uint16_t name_attr,
		     const char *name, struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, cmd, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	genl_put_str(m, name_attr, name);
	ret = genl_request(h, m, NULL, NULL, err);
	genl_msg_free(m);
	return ret;
}

/* ---- module info --------------------------------------------------------- */

static int info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGW_INFO_A_MAX + 1];
	struct sgwc_info *info = data;

	if (genl_parse(nlh, tb, SGW_INFO_A_MAX) < 0)
		return MNL_CB_ERROR;
	sgwc_attr_strcpy(tb[SGW_INFO_A_VERSION], info->version, sizeof(info->version));
	info->max_prefixes = sgwc_attr_u32(tb[SGW_INFO_A_MAX_PREFIXES]);
	info->max_plists = sgwc_attr_u32(tb[SGW_INFO_A_MAX_PLISTS]);
	info->max_policers = sgwc_attr_u32(tb[SGW_INFO_A_MAX_POLICERS]);
	info->max_sources = sgwc_attr_u32(tb[SGW_INFO_A_MAX_SOURCES]);
	return MNL_CB_OK;
}

int sgwc_info_get(struct genl *h, struct sgwc_info *info,
		 struct nlconn_err *err)
{
	struct genl_msg *m = sgwc_msg(h, SGW_CMD_INFO_GET, 0, 0, err);
	int ret;

	if (!m)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	ret = genl_request(h, m, info_cb, info, err);
	genl_msg_free(m);
	return ret;
}

/* ---- events -------------------------------------------------------------- */

int sgwc_events_subscribe(struct genl *h, struct nlconn_err *err)
{
	return genl_subscribe(h, SGW_MCGRP_EVENTS, err);
}

int sgwc_event_parse(const struct nlmsghdr *nlh, struct sgwc_event *ev)
{
	const struct nlattr *tb[SGW_EVENT_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (genl_cmd(nlh) != SGW_CMD_EVENT)
		return -ENOMSG;
	if (genl_parse(nlh, tb, SGW_EVENT_A_MAX) < 0 ||
	    !tb[SGW_EVENT_A_TYPE] || !tb[SGW_EVENT_A_ACTION])
		return -EBADMSG;
	ev->type = sgwc_attr_u32(tb[SGW_EVENT_A_TYPE]);
	ev->action = sgwc_attr_u32(tb[SGW_EVENT_A_ACTION]);
	sgwc_attr_strcpy(tb[SGW_EVENT_A_NAME], ev->name, sizeof(ev->name));
	if (tb[SGW_EVENT_A_PLIST]) {
		const struct nlattr *nt[SGW_PLIST_A_MAX + 1];

		if (genl_parse_nested(tb[SGW_EVENT_A_PLIST], nt, SGW_PLIST_A_MAX) < 0)
			return -EBADMSG;
		sgwc_plist_parse_attrs(nt, &ev->plist);
		ev->has_plist = true;
	}
	if (tb[SGW_EVENT_A_POLICER]) {
		const struct nlattr *nt[SGW_POLICER_A_MAX + 1];

		if (genl_parse_nested(tb[SGW_EVENT_A_POLICER], nt, SGW_POLICER_A_MAX) < 0)
			return -EBADMSG;
		sgwc_policer_parse_attrs(nt, &ev->policer);
		ev->has_policer = true;
	}
	return 0;
}

const char *sgwc_obj_type_name(uint32_t type)
{
	switch (type) {
	case SGW_OBJ_PLIST:
		return "prefix-list";
	case SGW_OBJ_POLICER:
		return "policer";
	case SGW_OBJ_ANYCAST:
		return "anycast";
	case SGW_OBJ_ENGINE:
		return "engine";
	}
	return "unknown";
}

const char *sgwc_event_action_name(uint32_t action)
{
	switch (action) {
	case SGW_EVENT_CREATED:
		return "created";
	case SGW_EVENT_CHANGED:
		return "changed";
	case SGW_EVENT_DELETED:
		return "deleted";
	case SGW_EVENT_TRANSITION:
		return "transition";
	case SGW_EVENT_MOVED:
		return "moved";
	}
	return "unknown";
}

const char *sgwc_chunk_mode_name(uint32_t chunk)
{
	switch (chunk) {
	case SGW_CHUNK_ALL:
		return "all";
	case SGW_CHUNK_INIT:
		return "init";
	}
	return "unknown";
}
