/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the sgw client files; not part of the API. */
#ifndef SGWC_INT_H
#define SGWC_INT_H

#include "netlink/sgwc.h"

/* Copy a string attribute into a fixed buffer; false if not a string. */
bool sgwc_attr_strcpy(const struct nlattr *a, char *dst, size_t size);
/* An address attribute (4 or 16 bytes) into p, with len = plen. */
bool sgwc_attr_addr(const struct nlattr *a, struct sgw_prefix *p);
/* A nest of SGW_PREFIX_A_* into p, host bits kept; -EBADMSG if malformed. */
int sgwc_attr_prefix(const struct nlattr *nest, struct sgw_prefix *p);
uint32_t sgwc_attr_u32(const struct nlattr *a);	/* 0 when absent or short */
uint64_t sgwc_attr_u64(const struct nlattr *a);
uint8_t sgwc_attr_u8(const struct nlattr *a);

/* New request or NULL with err set to -ENOMEM. */
struct genl_msg *sgwc_msg(struct genl *h, uint8_t cmd,
				    uint16_t flags, size_t size,
				    struct nlconn_err *err);
/* Send a request that only names an object (DEL, RESET, ...). */
int sgwc_named(struct genl *h, uint8_t cmd, uint16_t name_attr,
		     const char *name, struct nlconn_err *err);

int sgwc_policer_parse_attrs(const struct nlattr **tb, struct sgwc_policer *p);
int sgwc_plist_parse_attrs(const struct nlattr **tb, struct sgwc_plist *l);

#endif
