/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the sgw client files; not part of the API. */
#ifndef SGW_CLIENT_INT_H
#define SGW_CLIENT_INT_H

#include "netlink/sgwc.h"

/* Copy a string attribute into a fixed buffer; false if not a string. */
bool sgw_attr_strcpy(const struct nlattr *a, char *dst, size_t size);
/* An address attribute (4 or 16 bytes) into p, with len = plen. */
bool sgw_attr_addr(const struct nlattr *a, struct sgw_prefix *p);
uint32_t sgw_attr_u32(const struct nlattr *a);	/* 0 when absent or short */
uint64_t sgw_attr_u64(const struct nlattr *a);
uint8_t sgw_attr_u8(const struct nlattr *a);

/* New request or NULL with err set to -ENOMEM. */
struct sgw_genl_msg *sgw_client_msg(struct sgw_genl *h, uint8_t cmd,
				    uint16_t flags, size_t size,
				    struct sgw_genl_error *err);
/* Send a request that only names an object (DEL, RESET, ...). */
int sgw_client_named(struct sgw_genl *h, uint8_t cmd, uint16_t name_attr,
		     const char *name, struct sgw_genl_error *err);

int sgw_policer_parse_attrs(const struct nlattr **tb, struct sgw_policer *p);
int sgw_plist_parse_attrs(const struct nlattr **tb, struct sgw_plist *l);

#endif
